"""Award lists: POST /award-lists (compile), GET /award-lists/{list_id},
POST /award-lists/{list_id}/approve.

Who may do what:
- compile: a leader of the unit, or of a unit above it;
- read: leaders, reviewers and admins whose unit contains the list's unit;
- approve: a leader of the list's unit itself.
"""
from chalice import Blueprint

from chalicelib import validation
from chalicelib.api.http import api_view, json_body, json_response
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
    if caller.unit_id not in unit.path:
        raise forbidden()
    program, phase = found
    award_list, created = service.compile_list(unit, program, phase, compiled_by=caller.user_id)
    return json_response(201 if created else 200, service.present(award_list, unit, program, phase),
                         {"Location": f"/award-lists/{award_list.id}"})


def _located(list_id: str):
    """(unit, program, phase, version) named by a list id; 404 if any is unknown."""
    from chalicelib.awards import service, store
    from chalicelib.awards.exceptions import ListNotFound
    from chalicelib.reference import catalog

    try:
        unit_id, phase_id, version = store.parse_id(list_id)
    except ListNotFound:
        raise not_found()
    unit, found = catalog.unit(unit_id), catalog.phase(phase_id)
    if unit is None or found is None:
        raise not_found()
    return unit, found[0], found[1], version


@bp.route("/award-lists/{list_id}", methods=["GET"])
@api_view(bp)
def read_award_list(caller, list_id):
    from chalicelib.awards import service

    unit, program, phase, version = _located(list_id)
    if not (caller.has_role("leader", "reviewer", "admin") and caller.unit_id in unit.path):
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
    unit, program, phase, version = _located(list_id)
    if not (caller.has_role("leader") and caller.unit_id == unit.id):
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
