"""Index the initiatives stored before the near-duplicate index existed (issue 14).

    python scripts/backfill_similar.py [--dry-run] [--json]      (the stage's AWS account, by its environment)

Reads the initiatives table once (a Scan of its `META` items, filtered on the
server: an operator's one-off, never a request path) and hands each to
chalicelib/similar/index.py `apply` as the stream consumer `index_similar`
would have, had it been there. `apply` is idempotent: an initiative indexed
already at its version (by the stream meanwhile, or by an earlier run) is
skipped, so running it again, or beside the live stream, changes nothing.
Deploy the table and the stream consumer first, then run this: what changes
after the deployment is indexed by the stream, what was there before by this.
"""
import argparse
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def backfill(dry_run: bool = False) -> dict:
    """{what apply did: how many} over every initiative (`would index` under --dry-run)."""
    import boto3

    from chalicelib import settings
    from chalicelib.dynamo_json import from_item
    from chalicelib.similar import index

    client = boto3.client("dynamodb", region_name=settings.region())
    done, start = {}, None
    while True:
        page = client.scan(TableName=settings.table_name("initiatives"), FilterExpression="sk = :meta",
                           ExpressionAttributeValues={":meta": {"S": "META"}},
                           **({"ExclusiveStartKey": start} if start else {}))
        for raw in page["Items"]:
            initiative = from_item(raw)
            outcome = "would index" if dry_run else index.apply(None, initiative)
            done[outcome] = done.get(outcome, 0) + 1
        start = page.get("LastEvaluatedKey")
        if not start:
            return done


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="count what would be indexed, write nothing")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    done = backfill(args.dry_run)
    if args.json:
        print(json.dumps({"done": done, "seconds": round(time.perf_counter() - started, 1)}))
    else:
        for outcome, n in sorted(done.items()):
            print(f"{outcome}: {n:,}")
        print(f"in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
