"""Award lists: POST /award-lists (ask for a compile: 202, compiled off the
request path by chalicelib/queues.py), GET /award-lists/{list_id} (the list,
or its compile's progress), POST /award-lists/{list_id}/approve. Who may do
what: chalicelib/awards/access.py."""
from chalice import Blueprint

from chalicelib.api.http import api_view, json_body, json_response, language

bp = Blueprint(__name__)


@bp.route("/award-lists", methods=["POST"], content_types=["application/json"])
@api_view(bp, roles=("leader",))
def compile_award_list(caller):
    from chalicelib.awards import service

    request, _, unit, program, phase = service.request_for(caller, json_body(bp.current_request))
    return json_response(202, service.present_request(request, unit, program, phase, language(bp.current_request)),
                         {"Location": f"/award-lists/{request.id}"})


@bp.route("/award-lists/{list_id}", methods=["GET"])
@api_view(bp)
def read_award_list(caller, list_id):
    from chalicelib.awards import service, store

    try:
        found, unit, program, phase = service.lookup_for(caller, list_id)
    except service.SameAs as same:
        # The compile asked for under this id found nothing changed: the list is that version.
        return json_response(303, {"id": same.list_id}, {"Location": f"/award-lists/{same.list_id}"})
    if isinstance(found, store.CompileRequest):
        return json_response(200, service.present_request(found, unit, program, phase, language(bp.current_request)))
    return json_response(200, service.present(found, unit, program, phase))


@bp.route("/award-lists/{list_id}/approve", methods=["POST"])
@api_view(bp)
def approve_award_list(caller, list_id):
    from chalicelib.awards import service

    request = bp.current_request
    body = json_body(request) if request.raw_body else None
    return json_response(200, service.present(*service.approve_for(caller, list_id, body)))
