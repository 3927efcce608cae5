"""Give initiatives stored before the queue's filter keys their new keys (issue 11).

    python scripts/backfill_queue_keys.py [--dry-run]          (the stage's AWS account, by its environment)

Since the queue's filters became keys (chalicelib/submissions/store.py
`queue_keys`), an initiative waiting for reviewers carries `queue_pk` =
`QUEUE#<unit>#<state>`, `queue_sk` = `<phase>#<entered>#<id>`, `qg` =
`<unit>#<subject group>` and `qf` = `<unit>#<field>`, and its sequence counter
is stored as `seq` (it was `last_event_seq`). Items written before have
`QUEUE#<unit>` / `<entered>#<id>` and the long name. This script reads every
initiative once (a Scan: an operator's one-off, never a request path) and
rewrites those keys in place, each UpdateItem conditioned on the version it
read, so a transition that lands meanwhile wins (it writes the new keys
itself) and the item is simply skipped. The version is not bumped: the counting
stream sees the same version, finds its marker, and counts nothing. Running it
again changes nothing. The demo data needs none of it: scripts/seed_demo.py
enters initiatives through the service, which writes the new keys.

Deploy order (CloudFormation adds one index per update): add `queue_group`,
then `queue_field`, then run this script, then deploy the code that reads them.
"""
import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def new_keys(item: dict) -> dict:
    """The attributes `item` (a stored initiative, DynamoDB JSON) must get, {} when none."""
    from chalicelib.submissions import store

    changes = {}
    if "last_event_seq" in item and "seq" not in item:
        changes["seq"] = item["last_event_seq"]
    queue_pk = item.get("queue_pk", {}).get("S", "")
    unit = queue_pk[len(store.QUEUE_PREFIX):]
    if queue_pk and "#" not in unit:  # the old key: QUEUE#<unit>
        entered, sid = item["queue_sk"]["S"].rsplit("#", 1)
        values = {name: item[name]["S"] for name in ("phase_id", "subject_group", "field")}
        keys = store.queue_keys(unit, item["status"]["S"], values, entered, sid)
        changes.update({"queue_pk": {"S": keys["queue_pk"]}, "queue_sk": {"S": keys["queue_sk"]},
                        "qg": {"S": keys["queue_group_pk"]}, "qf": {"S": keys["queue_field_pk"]}})
    return changes


def backfill(client, table: str, dry_run: bool = False) -> tuple[int, int]:
    """(initiatives read, initiatives rewritten)."""
    read = written = 0
    start = None
    while True:
        page = client.scan(TableName=table, ExclusiveStartKey=start, FilterExpression="sk = :meta",
                           ExpressionAttributeValues={":meta": {"S": "META"}}) if start else client.scan(
            TableName=table, FilterExpression="sk = :meta", ExpressionAttributeValues={":meta": {"S": "META"}})
        for item in page["Items"]:
            read += 1
            changes = new_keys(item)
            if not changes or dry_run:
                written += bool(changes)
                continue
            names = {f"#a{i}": name for i, name in enumerate(changes)}
            values = {f":v{i}": value for i, value in enumerate(changes.values())}
            update = "SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(changes)))
            if "seq" in changes:
                update += " REMOVE last_event_seq"
            try:
                client.update_item(TableName=table, Key={"pk": item["pk"], "sk": item["sk"]},
                                   UpdateExpression=update, ConditionExpression="version = :seen",
                                   ExpressionAttributeNames=names,
                                   ExpressionAttributeValues={**values, ":seen": item["version"]})
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
    print(f"{read} initiatives read, {written} {'to rewrite' if args.dry_run else 'rewritten'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
