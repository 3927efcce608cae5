"""The local stage's demo users (data/demo/users.json, or DEMO_USERS_FILE) and
the tokens it hands out for them. Never reachable in a deployed stage: the
routes and pages that use this exist only when settings.is_local()."""
import json
import os

from chalicelib import validation
from chalicelib.errors import Invalid, Problem

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def users() -> list[dict]:
    path = os.environ.get("DEMO_USERS_FILE", os.path.join(PROJECT_DIR, "data", "demo", "users.json"))
    with open(path, encoding="utf-8") as f:
        return json.load(f)["users"]


def user(user_id: str) -> dict | None:
    return next((u for u in users() if u["id"] == user_id), None)


def token_for(raw_body) -> dict:
    """POST /dev/token: a local token for the demo user the body names."""
    from chalicelib.auth import tokens

    body = validation.normalized("dev-token-request", raw_body)
    found = user(body["user_id"])
    if found is None:
        raise Invalid([Problem("/user_id", "unknown_user")])
    return {"token": tokens.issue_local(found), "token_type": "Bearer", "expires_in": tokens.LOCAL_TOKEN_SECONDS,
            "user": found}
