"""Award lists: POST /award-lists (compile), GET /award-lists/{list_id},
POST /award-lists/{list_id}/approve. Who may do what: chalicelib/awards/access.py."""
from chalice import Blueprint

from chalicelib.api.http import api_view, json_body, json_response

bp = Blueprint(__name__)


@bp.route("/award-lists", methods=["POST"], content_types=["application/json"])
@api_view(bp, roles=("leader",))
def compile_award_list(caller):
    from chalicelib.awards import service

    award_list, unit, program, phase, created = service.compile_for(caller, json_body(bp.current_request))
    return json_response(201 if created else 200, service.present(award_list, unit, program, phase),
                         {"Location": f"/award-lists/{award_list.id}"})


@bp.route("/award-lists/{list_id}", methods=["GET"])
@api_view(bp)
def read_award_list(caller, list_id):
    from chalicelib.awards import service

    return json_response(200, service.present(*service.read_for(caller, list_id)))


@bp.route("/award-lists/{list_id}/approve", methods=["POST"])
@api_view(bp)
def approve_award_list(caller, list_id):
    from chalicelib.awards import service

    request = bp.current_request
    body = json_body(request) if request.raw_body else None
    return json_response(200, service.present(*service.approve_for(caller, list_id, body)))
