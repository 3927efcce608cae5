"""Test helpers that read DynamoDB directly (tests may Scan; the app never does)."""
import boto3

from chalicelib import settings


def table_items(kind: str) -> list[dict]:
    client = boto3.client("dynamodb")
    items, start = [], None
    while True:
        kwargs = {"TableName": settings.table_name(kind)}
        if start:
            kwargs["ExclusiveStartKey"] = start
        page = client.scan(**kwargs)
        items += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return sorted(items, key=repr)


def snapshot() -> dict:
    """Everything a request may write, to compare before and after it.
    (The reference table is written only by the loader.)"""
    return {kind: table_items(kind) for kind in ("initiatives", "idempotency")}
