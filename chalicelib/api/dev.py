"""Local stage only: list the demo users and hand out tokens for them.

`app.py` registers this blueprint only when STAGE is `local` (or `test`), so the
routes do not exist in any deployed stage; a test checks the packaged template.
"""
from chalice import Blueprint

from chalicelib.api.http import api_view, json_body, json_response

bp = Blueprint(__name__)


@bp.route("/dev/users", methods=["GET"])
@api_view(bp, public=True)
def list_users():
    from chalicelib.auth import demo

    return json_response(200, {"items": demo.users()})


@bp.route("/dev/token", methods=["POST"], content_types=["application/json"])
@api_view(bp, public=True)
def issue_token():
    from chalicelib.auth import demo

    return json_response(200, demo.token_for(json_body(bp.current_request)))
