"""The AWS clients award lists use, built once per container on first use and
replaceable in tests (`use(dynamodb=..., s3=..., ses=...)`). Nothing here runs
at import time."""
import time

from chalicelib.dynamo_json import from_item

_clients: dict = {}


def _client(service: str, **options):
    if service not in _clients:
        import boto3

        from chalicelib import settings
        _clients[service] = boto3.client(service, region_name=settings.region(), **options)
    return _clients[service]


def dynamodb():
    return _client("dynamodb")


def s3():
    from botocore.config import Config

    # Presigned links must be SigV4 on the regional endpoint: S3 refuses
    # SigV2 for buckets made since 2020, which is what botocore signs
    # presigned URLs with unless told otherwise.
    return _client("s3", config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}))


def ses():
    return _client("ses")


def use(**clients) -> None:
    """Test hook: put these clients in place (service name → client)."""
    _clients.update(clients)


def reset() -> None:
    """Forget every client (the next call builds a new one)."""
    _clients.clear()


def batch_get(table: str, keys: list, projection: str | None = None, names: dict | None = None) -> list[dict]:
    """Every item of `keys` ((pk, sk) pairs) that exists, as plain dicts: one
    BatchGetItem per 100 keys, unprocessed keys retried."""
    found = []
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), 100):
        request = {"Keys": [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in unique[start:start + 100]]}
        if projection:
            request["ProjectionExpression"] = projection
        if names:
            request["ExpressionAttributeNames"] = names
        pending, attempt = {table: request}, 0
        while pending:
            if attempt:
                time.sleep(min(0.05 * 2 ** attempt, 1.0))  # throttled: back off before the rest
            answer = dynamodb().batch_get_item(RequestItems=pending)
            found += [from_item(raw) for raw in answer["Responses"].get(table, [])]
            pending, attempt = answer.get("UnprocessedKeys") or None, attempt + 1
    return found


def query_all(**request):
    """Every item of a Query, page after page, as plain dicts (a generator)."""
    while True:
        page = dynamodb().query(**request)
        for raw in page.get("Items", []):
            yield from_item(raw)
        if "LastEvaluatedKey" not in page:
            return
        request = {**request, "ExclusiveStartKey": page["LastEvaluatedKey"]}
