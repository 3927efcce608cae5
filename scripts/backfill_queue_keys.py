"""Give items stored before issue 11's keys their new keys.

    python scripts/backfill_queue_keys.py [--dry-run]          (the stage's AWS account, by its environment)

Since the queue's filters became keys (chalicelib/submissions/store.py
`queue_keys`) and the initiative's item lost what it stored twice:
- an initiative waiting for reviewers carries `qp` = `<unit>#<state>`, `qs` =
  `<phase>#<entered, compact>#<id>`, `qg` = `<unit>#<subject group>` and `qf` =
  `<unit>#<field>`, the time in base 36 (it had `queue_pk` = `QUEUE#<unit>`, `queue_sk` =
  `<entered>#<id>`);
- `by_submitter` is keyed by the initiative's own `submitter_id` and
  `created_at` (it had copies of both, `submitter_pk` = `USER#<id>`,
  `submitter_sk` = `<created_at>#<id>`); a co-author's link `AUTHOR#<user>`
  carries `submitter_id` = <user> and `created_at` instead of those copies;
- `last_event_seq` is gone: it always equalled the version (every write of an
  initiative appends one event), which now numbers the events.

This script reads the table once (a Scan: an operator's one-off, never a
request path) and rewrites those attributes in place. An initiative's update
is conditioned on the version it read, so a transition that lands meanwhile
wins (it writes the new keys itself) and the item is just skipped; a link is
conditioned on still having its old keys. The version is not bumped: the
counting stream sees the same version, finds its marker, and counts nothing.
Running it again changes nothing. The demo data needs none of it:
scripts/seed_demo.py enters initiatives through the service.

Deploy order (CloudFormation adds or removes one index per stack update): add
`queue_group`, then `queue_field`, then `by_person` and `queue_by_state` (the
re-keyed `by_submitter` and `queue` under new names, see docs/data-model.md),
run this script, deploy the code that reads them, then remove the old two.
"""
import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def new_keys(item: dict) -> tuple[dict, list, str | None]:
    """What `item` (DynamoDB JSON) must become: (attributes to set, attributes
    to remove, the condition's attribute: "version" or an old key), or ({}, [], None)."""
    from chalicelib.submissions import store

    sets, removes = {}, []
    if item["sk"]["S"].startswith("AUTHOR#") and "submitter_pk" in item:
        sets = {"submitter_id": {"S": item["submitter_pk"]["S"].removeprefix("USER#")},
                "created_at": {"S": item["submitter_sk"]["S"].rsplit("#", 1)[0]}}
        return sets, ["submitter_pk", "submitter_sk"], "submitter_pk"
    if item["sk"]["S"] != "META":
        return {}, [], None
    removes += [name for name in ("last_event_seq",) if name in item]
    removes += [name for name in ("submitter_pk", "submitter_sk") if name in item]
    if "queue_pk" in item:  # the old queue keys: QUEUE#<unit>, <entered>#<id>
        unit = item["queue_pk"]["S"].removeprefix("QUEUE#")
        entered, sid = item["queue_sk"]["S"].rsplit("#", 1)
        values = {name: item[name]["S"] for name in ("phase_id", "subject_group", "field")}
        keys = store.queue_keys(unit, item["status"]["S"], values, entered, sid)
        sets.update({"qp": {"S": keys["queue_pk"]}, "qs": {"S": keys["queue_sk"]},
                     "qg": {"S": keys["queue_group_pk"]}, "qf": {"S": keys["queue_field_pk"]}})
        removes += ["queue_pk", "queue_sk"]
    return (sets, removes, "version") if sets or removes else ({}, [], None)


def backfill(client, table: str, dry_run: bool = False) -> tuple[int, int]:
    """(items read, items rewritten)."""
    read = written = 0
    start = None
    while True:
        page = client.scan(TableName=table, **({"ExclusiveStartKey": start} if start else {}))
        for item in page["Items"]:
            read += 1
            sets, removes, guard = new_keys(item)
            if not guard or dry_run:
                written += bool(guard)
                continue
            names = {f"#s{i}": name for i, name in enumerate(sets)} | {f"#r{i}": n for i, n in enumerate(removes)}
            values = {f":s{i}": value for i, value in enumerate(sets.values())}
            update = " ".join(part for part in (
                "SET " + ", ".join(f"#s{i} = :s{i}" for i in range(len(sets))) if sets else "",
                "REMOVE " + ", ".join(f"#r{i}" for i in range(len(removes))) if removes else "") if part)
            if guard == "version":
                condition, values[":seen"] = "version = :seen", item["version"]
            else:
                condition = f"attribute_exists({guard})"
            try:
                client.update_item(TableName=table, Key={"pk": item["pk"], "sk": item["sk"]},
                                   UpdateExpression=update, ConditionExpression=condition,
                                   ExpressionAttributeNames=names, **({"ExpressionAttributeValues": values}
                                                                      if values else {}))
                written += 1
            except client.exceptions.ConditionalCheckFailedException:
                pass  # changed meanwhile by the app, which wrote the new keys itself
        start = page.get("LastEvaluatedKey")
        if not start:
            return read, written


def main(argv=None) -> int:
    import boto3

    from chalicelib import settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="count what would change, change nothing")
    args = parser.parse_args(argv)
    read, written = backfill(boto3.client("dynamodb"), settings.table_name("initiatives"), args.dry_run)
    print(f"{read} items read, {written} {'to rewrite' if args.dry_run else 'rewritten'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
