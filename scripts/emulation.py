"""The environment that points the app at moto instead of AWS: one definition
for the local run, the tests and the cost meter. Fake credentials, so nothing
can ever reach real AWS."""
import os

TABLES = {f"{kind.upper()}_TABLE": f"sangkien-local-{kind}"
          for kind in ("initiatives", "reference", "idempotency", "counters", "notifications", "awards")}
OTHER = {"AWARDS_BUCKET": "sangkien-local-awards", "MAIL_SENDER": "sangkien@example.vn",
         "LINK_BASE": "http://127.0.0.1:8000"}


def environment(endpoint: str | None = None, key_file: str | None = None) -> dict:
    """Variables for the `local` stage against moto: its server at `endpoint`,
    or in-process `mock_aws` when there is no endpoint."""
    env = {
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "ap-southeast-1", "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "STAGE": "local", **TABLES, **OTHER,
    }
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    if key_file:
        env["LOCAL_JWT_KEY_FILE"] = key_file
    return env


def apply(env: dict) -> None:
    """Set `env` in this process, dropping anything that could lead elsewhere."""
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "LOCAL_JWT_KEY_FILE"):
        os.environ.pop(name, None)
    os.environ.update(env)


def prepare() -> None:
    """Make in the emulator what CloudFormation makes in AWS: the tables (with
    stream and TTL), the award-list bucket, and the verified mail sender."""
    import boto3

    from chalicelib import settings, tables

    tables.create_tables(wait=False)
    s3 = boto3.client("s3", region_name=settings.region())
    if settings.awards_bucket() not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
        s3.create_bucket(Bucket=settings.awards_bucket(),
                         CreateBucketConfiguration={"LocationConstraint": settings.region()})
    boto3.client("ses", region_name=settings.region()).verify_email_identity(EmailAddress=settings.mail_sender())
