"""Reference data for forms: the current program, and unit search."""
from chalice import Blueprint

from chalicelib.api.http import api_view, json_response, query_params

bp = Blueprint(__name__)


@bp.route("/programs/current", methods=["GET"])
@api_view(bp)
def current_program(caller):
    from chalicelib.reference import service

    return json_response(200, service.current_program())


@bp.route("/units", methods=["GET"])
@api_view(bp)
def search_units(caller):
    from chalicelib.reference import service

    return json_response(200, service.search(query_params(bp.current_request)))
