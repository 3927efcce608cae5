"""The review workflow over HTTP: transitions, history, edits, the reviewer's queue."""
from chalice import Blueprint

from chalicelib.api.http import api_view, json_body, json_response, language, query_params, status_of

bp = Blueprint(__name__)


@bp.route("/submissions/{submission_id}/transitions", methods=["POST"], content_types=["application/json"])
@api_view(bp)
def fire(caller, submission_id):
    from chalicelib.review import service

    status, body = service.fire(submission_id, caller, json_body(bp.current_request))
    return json_response(status, body)


@bp.route("/submissions/{submission_id}/history", methods=["GET"])
@api_view(bp)
def history(caller, submission_id):
    from chalicelib.review import service

    return json_response(200, service.history(submission_id, caller))


@bp.route("/submissions/{submission_id}", methods=["PUT"], content_types=["application/json"])
@api_view(bp)
def edit(caller, submission_id):
    from chalicelib.review import service

    request = bp.current_request
    return json_response(200, service.edit(submission_id, caller, json_body(request), request.headers.get("if-match")))


@bp.route("/queue", methods=["GET"])
@api_view(bp)
def queue(caller):
    from chalicelib.review import service

    return json_response(200, service.queue(caller, query_params(bp.current_request)))


@bp.route("/queue/decisions", methods=["POST"], content_types=["application/json"])
@api_view(bp)
def decisions(caller):
    from chalicelib.review import service

    request = bp.current_request
    outcome = service.decide_many(caller, json_body(request))
    lang = language(request)
    results = [{"id": r["id"], "status": 200, "submission": r["submission"]} if "submission" in r
               else {"id": r["id"], "status": status_of(r["error"]), **r["error"].body(lang)}
               for r in outcome["results"]]
    return json_response(200, {"results": results,
                               "succeeded": sum(1 for r in results if r["status"] == 200),
                               "failed": sum(1 for r in results if r["status"] != 200)})


@bp.route("/queue/overdue", methods=["GET"])
@api_view(bp)
def overdue_below(caller):
    from chalicelib.review import deadlines

    return json_response(200, deadlines.overdue_below(caller, query_params(bp.current_request)))
