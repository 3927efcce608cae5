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


class Refusing:
    """The DynamoDB client, failing every call of one operation (as when
    throttled or unreachable) and passing the rest on: put in place with
    `chalicelib.aws.replaced(dynamodb=Refusing(...))`. PynamoDB's calls go
    through `_make_api_call`, boto3's through their method, both end here."""

    def __init__(self, client, operation: str):
        self.client, self.operation = client, operation

    def __getattr__(self, name):
        return getattr(self.client, name)

    def _make_api_call(self, operation, params):
        if operation == self.operation:
            raise RuntimeError(f"{operation} refused (throttled)")
        return self.client._make_api_call(operation, params)


class Throttled:
    """The DynamoDB client, whose BatchGetItem processes nothing, as when throttled."""

    def __init__(self, client):
        self.client = client

    def __getattr__(self, name):
        return getattr(self.client, name)

    def batch_get_item(self, RequestItems):
        return {"Responses": {}, "UnprocessedKeys": RequestItems}
