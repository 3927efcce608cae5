"""The near-duplicate check: GET /similar (chalicelib/similar/service.py)."""
from chalice import Blueprint

from chalicelib.api.http import api_view, json_response, query_params

bp = Blueprint(__name__)


@bp.route("/similar", methods=["GET"])
@api_view(bp)
def similar(caller):
    from chalicelib.similar import service

    return json_response(200, service.similar_for(caller, query_params(bp.current_request)))
