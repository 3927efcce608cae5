"""The environment that points the app at moto instead of AWS: one definition
for the local run, the tests and the cost meter. Fake credentials, so nothing
can ever reach real AWS."""
import os

TABLES = {
    "INITIATIVES_TABLE": "sangkien-local-initiatives",
    "REFERENCE_TABLE": "sangkien-local-reference",
    "IDEMPOTENCY_TABLE": "sangkien-local-idempotency",
}


def environment(endpoint: str | None = None, key_file: str | None = None) -> dict:
    """Variables for the `local` stage against moto: its server at `endpoint`,
    or in-process `mock_aws` when there is no endpoint."""
    env = {
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "ap-southeast-1", "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "STAGE": "local", **TABLES,
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
