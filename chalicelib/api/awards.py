"""Award lists: POST /award-lists (compile), GET /award-lists/{list_id},
POST /award-lists/{list_id}/approve. Who may do what: chalicelib/awards/access.py."""
from chalice import Blueprint

from chalicelib import validation
from chalicelib.api.http import api_view, json_body, json_response
from chalicelib.awards import access
from chalicelib.errors import ApiError, Problem, forbidden, not_found, unprocessable

bp = Blueprint(__name__)


@bp.route("/award-lists", methods=["POST"], content_types=["application/json"])
@api_view(bp)
def compile_award_list(caller):
    from chalicelib import validation
    from chalicelib.awards import service
    from chalicelib.reference import catalog

    if not caller.has_role("leader"):
        raise forbidden()
    body = validation.normalized("award-list-request", json_body(bp.current_request))
    unit = catalog.unit(body["unit_id"])
    found = catalog.phase(body["phase"])
    problems = ([Problem("/unit_id", "unknown_unit")] if unit is None else []) + (
        [Problem("/phase", "unknown_phase")] if found is None else [])
    if problems:
        raise unprocessable(problems)
    if not access.may_compile(caller, unit):
        raise forbidden()
    program, phase = found
    award_list, created = service.compile_list(unit, program, phase, compiled_by=caller.user_id)
    return json_response(201 if created else 200, service.present(award_list, unit, program, phase),
                         {"Location": f"/award-lists/{award_list.id}"})


@bp.route("/award-lists/{list_id}", methods=["GET"])
@api_view(bp)
def read_award_list(caller, list_id):
    from chalicelib.awards import service

    unit, program, phase, version = access.locate(list_id)
    if not access.may_read(caller, unit):
        raise forbidden()
    award_list = service.read(unit, phase, version)
    if award_list is None:
        raise not_found()
    return json_response(200, service.present(award_list, unit, program, phase))


@bp.route("/award-lists/{list_id}/approve", methods=["POST"])
@api_view(bp)
def approve_award_list(caller, list_id):
    from chalicelib.awards import service
    from chalicelib.awards.exceptions import AlreadyApproved, ListNotFound, Superseded

    request = bp.current_request
    if request.raw_body:  # no input is taken; a body, if sent, must be an empty object
        validation.normalized("award-list-approve", json_body(request))
    unit, program, phase, version = access.locate(list_id)
    if not access.may_approve(caller, unit):
        raise forbidden()
    try:
        award_list = service.approve(unit.id, phase.id, version, caller.user_id)
    except ListNotFound:
        raise not_found()
    except AlreadyApproved:
        raise ApiError(409, [Problem("", "award_list_approved")])
    except Superseded as newer:
        raise ApiError(409, [Problem("", "award_list_superseded", {"latest": newer.latest_version})])
    return json_response(200, service.present(award_list, unit, program, phase))
