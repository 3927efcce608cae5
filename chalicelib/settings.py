"""Per-stage settings, read from the environment that `.chalice/config.json` sets.

Read at call time, never cached at import, so tests can change them.
"""
import os

LOCAL_STAGES = frozenset({"local", "test"})


def stage() -> str:
    """The deployment stage; anything unset counts as a deployed stage."""
    return os.environ.get("STAGE", "prod")


def is_local() -> bool:
    """True in the `local` stage and in tests: dev-only routes and keys exist."""
    return stage() in LOCAL_STAGES


TABLES = ("initiatives", "reference", "idempotency", "counters", "notifications", "awards", "similar")


def table_name(kind: str) -> str:
    """The DynamoDB table name for one of TABLES (env `<KIND>_TABLE`)."""
    if kind not in TABLES:
        raise KeyError(kind)
    return os.environ.get(f"{kind.upper()}_TABLE", f"sangkien-{stage()}-{kind}")


def awards_bucket() -> str:
    """The S3 bucket that holds award-list workbooks."""
    return os.environ.get("AWARDS_BUCKET", f"sangkien-{stage()}-awards")


def award_list_queue() -> str:
    """The name of the SQS queue that carries award-list compile requests."""
    return os.environ.get("AWARD_LIST_QUEUE", f"sangkien-{stage()}-award-lists")


def award_list_queue_url() -> str:
    """Its URL when the deployment knows it (AWARD_LIST_QUEUE_URL); else empty,
    and the sender asks SQS for it by name once per container."""
    return os.environ.get("AWARD_LIST_QUEUE_URL", "")


def mail_sender() -> str:
    """The From address of every email (verified in SES for the stage)."""
    return os.environ.get("MAIL_SENDER", "sangkien@example.vn")


def link_base() -> str:
    """The base of links in emails, e.g. https://sangkien.example.vn (no trailing slash)."""
    return os.environ.get("LINK_BASE", "http://127.0.0.1:8000").rstrip("/")


def page_base_path() -> str:
    """What comes before /app/... in page links: empty behind the custom domain
    (LINK_BASE), "/api" when the pages are reached through the execute-api URL."""
    return os.environ.get("PAGE_BASE_PATH", "").rstrip("/")


def cognito_domain() -> str:
    """The Cognito hosted sign-in's base URL, e.g. https://sangkien.auth.ap-southeast-1.amazoncognito.com."""
    return os.environ.get("COGNITO_DOMAIN", "").rstrip("/")


def download_link_seconds() -> int:
    """How long a link to an award-list workbook stays valid."""
    return int(os.environ.get("DOWNLOAD_LINK_SECONDS", str(7 * 24 * 3600)))


def region() -> str:
    return os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or "ap-southeast-1"


def jwks_url() -> str:
    """Where the authorizer fetches signing keys in AWS stages (Cognito)."""
    url = os.environ.get("JWKS_URL", "")
    if url:
        return url
    pool = os.environ.get("COGNITO_USER_POOL_ID", "")
    if not pool:
        return ""
    return f"https://cognito-idp.{region()}.amazonaws.com/{pool}/.well-known/jwks.json"


def jwt_issuer() -> str:
    issuer = os.environ.get("JWT_ISSUER", "")
    if issuer:
        return issuer
    pool = os.environ.get("COGNITO_USER_POOL_ID", "")
    if pool:
        return f"https://cognito-idp.{region()}.amazonaws.com/{pool}"
    return "urn:sangkien:local"


def jwt_audience() -> str:
    return os.environ.get("JWT_AUDIENCE") or os.environ.get("COGNITO_CLIENT_ID") or "sangkien-local"


def idempotency_ttl_seconds() -> int:
    return int(os.environ.get("IDEMPOTENCY_TTL_SECONDS", str(24 * 3600)))


def reference_cache_seconds() -> int:
    """How long a container trusts its cached copy of programs and units."""
    return int(os.environ.get("REFERENCE_CACHE_SECONDS", "300"))


def national_unit_id() -> str:
    """The root of the organisation tree (the tree is data, so its root's id is a setting)."""
    return os.environ.get("NATIONAL_UNIT_ID", "tld")
