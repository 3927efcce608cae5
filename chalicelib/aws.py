"""The AWS clients: one of each per Lambda container, made on first use, and
the one way for tests to replace them.

Every DynamoDB call goes through `dynamodb()`, PynamoDB's included (the table
models in chalicelib/tables.py are bound to it), so one client, one connection
pool and one test hook serve the whole app. boto3 is imported on first use,
never at import time: `import app` stays light for a cold start.

Tests put a stand-in in place for a block, `with aws.replaced(ses=recording):`;
anything that needs a client asks this module at call time, so a replacement
takes effect at once, and the clients before come back after the block.
"""
from contextlib import contextmanager

from chalicelib import settings

_clients: dict = {}


def _config(service: str):
    from botocore.config import Config

    if service == "s3":
        # Presigned links must be SigV4 on the regional endpoint: S3 refuses
        # SigV2 for buckets made since 2020, which is what botocore signs
        # presigned URLs with unless told otherwise.
        return Config(signature_version="s3v4", s3={"addressing_style": "virtual"})
    if service == "ses":
        # Short timeouts and few retries keep a send well inside the email
        # claim's lease (chalicelib/notify/mail.py).
        return Config(connect_timeout=5, read_timeout=10, retries={"mode": "standard", "max_attempts": 3})
    # DynamoDB: the standard retry mode backs off on throttling and retries
    # transaction conflicts; a request still failing after that is reported.
    return Config(retries={"mode": "standard", "max_attempts": 4})


def client(service: str):
    """The container's client for `service` (dynamodb, s3, ses, sqs), made once."""
    found = _clients.get(service)
    if found is None:
        import boto3

        found = _clients[service] = boto3.client(service, region_name=settings.region(), config=_config(service))
    return found


def dynamodb():
    return client("dynamodb")


def s3():
    return client("s3")


def ses():
    return client("ses")


def sqs():
    return client("sqs")


@contextmanager
def replaced(**clients):
    """Test hook: these clients (service name → stand-in) in place inside the
    block; the clients there were before come back after it."""
    before = dict(_clients)
    _clients.update(clients)
    try:
        yield
    finally:
        _clients.clear()
        _clients.update(before)
