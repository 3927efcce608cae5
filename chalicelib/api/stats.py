"""Progress, trends and rankings: GET /stats/units/{unit_id}, GET /stats/units/{unit_id}/trend,
GET /stats/rankings."""
from chalice import Blueprint

from chalicelib.api.http import api_view, json_response, query_params

bp = Blueprint(__name__)


@bp.route("/stats/units/{unit_id}", methods=["GET"])
@api_view(bp)
def unit_stats(caller, unit_id):
    from chalicelib.counters import stats

    return json_response(200, stats.unit_stats(caller, unit_id, query_params(bp.current_request)))


@bp.route("/stats/units/{unit_id}/trend", methods=["GET"])
@api_view(bp)
def unit_trend(caller, unit_id):
    from chalicelib.counters import stats

    return json_response(200, stats.unit_trend(caller, unit_id, query_params(bp.current_request)))


@bp.route("/stats/rankings", methods=["GET"])
@api_view(bp)
def rankings(caller):
    from chalicelib.counters import stats

    return json_response(200, stats.rankings(caller, query_params(bp.current_request)))
