"""Reference data for forms: the current program, and unit search."""
from chalice import Blueprint

from chalicelib.api.http import api_view, json_response, query_params
from chalicelib.errors import ApiError, Problem, bad_request

bp = Blueprint(__name__)


@bp.route("/programs/current", methods=["GET"])
@api_view(bp)
def current_program(caller):
    from chalicelib.reference import catalog

    found = catalog.current()
    if found is None:
        raise ApiError(404, [Problem("", "no_open_phase")])
    program, phase = found
    return json_response(200, {**program.to_json(), "current_phase": phase.id,
                               "counts_from": program.counts_from.isoformat()})


@bp.route("/units", methods=["GET"])
@api_view(bp)
def search_units(caller):
    from chalicelib.reference import catalog

    params = query_params(bp.current_request, "unit-search-query")
    found = catalog.search_units(params["q"], params.get("kind"), int(params.get("limit", "20")))
    if found is None:
        raise bad_request([Problem("/q", "query_too_short")])
    return json_response(200, {"items": found})
