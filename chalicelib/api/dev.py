"""Local stage only: list the demo users and hand out tokens for them.

`app.py` registers this blueprint only when STAGE is `local` (or `test`), so the
routes do not exist in any deployed stage; a test checks the packaged template.
"""
import json
import os

from chalice import Blueprint

from chalicelib import validation
from chalicelib.api.http import api_view, json_body, json_response
from chalicelib.errors import Problem, unprocessable

bp = Blueprint(__name__)

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def demo_users() -> list[dict]:
    path = os.environ.get("DEMO_USERS_FILE", os.path.join(PROJECT_DIR, "data", "demo", "users.json"))
    with open(path, encoding="utf-8") as f:
        return json.load(f)["users"]


@bp.route("/dev/users", methods=["GET"])
@api_view(bp, public=True)
def list_users():
    return json_response(200, {"items": demo_users()})


@bp.route("/dev/token", methods=["POST"], content_types=["application/json"])
@api_view(bp, public=True)
def issue_token():
    from chalicelib.auth import tokens

    body = validation.normalized("dev-token-request", json_body(bp.current_request))
    user = next((u for u in demo_users() if u["id"] == body["user_id"]), None)
    if user is None:
        raise unprocessable([Problem("/user_id", "unknown_user")])
    return json_response(200, {"token": tokens.issue_local(user), "token_type": "Bearer",
                               "expires_in": tokens.LOCAL_TOKEN_SECONDS, "user": user})
