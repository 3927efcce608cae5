"""Initiatives: POST /submissions, GET /submissions/{id}, GET /me/submissions."""
import re

from chalice import Blueprint

from chalicelib.api.http import api_view, json_body, json_response, query_params
from chalicelib.errors import Problem, bad_request

bp = Blueprint(__name__)

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


@bp.route("/submissions", methods=["POST"], content_types=["application/json"])
@api_view(bp)
def create_submission(caller):
    from chalicelib.submissions import service

    request = bp.current_request
    key = request.headers.get("idempotency-key")
    if key is not None and not IDEMPOTENCY_KEY.match(key):
        raise bad_request([Problem("", "invalid_idempotency_key")])
    status, body = service.create(json_body(request), caller, key)
    headers = {"Location": f"/submissions/{body['id']}"}
    if status == 201 and key:
        headers["Idempotency-Key"] = key
    return json_response(status, body, headers)


@bp.route("/submissions/{submission_id}", methods=["GET"])
@api_view(bp)
def read_submission(caller, submission_id):
    from chalicelib.submissions import service

    submission = service.read(submission_id, caller)
    # The version as an ETag, for `If-Match` on PUT /submissions/{id}.
    return json_response(200, submission, {"ETag": f'"{submission["version"]}"'})


@bp.route("/me/submissions", methods=["GET"])
@api_view(bp)
def my_submissions(caller):
    from chalicelib.submissions import service

    params = query_params(bp.current_request, "list-query")
    return json_response(200, service.list_mine(caller, int(params.get("limit", "20")), params.get("cursor")))
