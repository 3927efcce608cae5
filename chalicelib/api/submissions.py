"""Initiatives: POST /submissions, GET /submissions/{id}, GET /me/submissions, and a named
member's invitation to co-author: GET and POST /submissions/{id}/invitation; the authors' consent to
publish it on the showcase: PUT /submissions/{id}/publication."""
from chalice import Blueprint

from chalicelib.api.http import api_view, json_body, json_response, query_params

bp = Blueprint(__name__)


@bp.route("/submissions", methods=["POST"], content_types=["application/json"])
@api_view(bp)
def create_submission(caller):
    from chalicelib.similar.service import found_for
    from chalicelib.submissions import service

    request = bp.current_request
    key = request.headers.get("idempotency-key")
    status, body = service.create(json_body(request), caller, key, find_similar=found_for)
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

    return json_response(200, service.list_mine(caller, query_params(bp.current_request)))


@bp.route("/submissions/{submission_id}/invitation", methods=["GET"])
@api_view(bp)
def my_invitation(caller, submission_id):
    from chalicelib.submissions import service

    return json_response(200, service.invitation(submission_id, caller))


@bp.route("/submissions/{submission_id}/invitation", methods=["POST"], content_types=["application/json"])
@api_view(bp)
def answer_invitation(caller, submission_id):
    from chalicelib.submissions import service

    return json_response(200, service.answer_invitation(submission_id, caller, json_body(bp.current_request)))


@bp.route("/submissions/{submission_id}/publication", methods=["PUT"], content_types=["application/json"])
@api_view(bp)
def change_publication(caller, submission_id):
    """An author gives or withdraws the consent to publish it on the public showcase (issue 13)."""
    from chalicelib.submissions import showcase

    return json_response(200, showcase.set_consent(submission_id, caller, json_body(bp.current_request)))
