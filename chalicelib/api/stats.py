"""Progress, trends and rankings: GET /stats/units/{unit_id}, GET /stats/units/{unit_id}/trend,
GET /stats/honours, GET /stats/rankings; the initiatives behind a unit's figures:
GET /stats/units/{unit_id}/initiatives."""
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


@bp.route("/stats/honours", methods=["GET"])
@api_view(bp)
def honours(caller):
    from chalicelib.counters import stats

    return json_response(200, stats.honours(caller, query_params(bp.current_request)))


@bp.route("/stats/rankings", methods=["GET"])
@api_view(bp)
def rankings(caller):
    from chalicelib.counters import stats

    return json_response(200, stats.rankings(caller, query_params(bp.current_request)))


@bp.route("/stats/units/{unit_id}/initiatives", methods=["GET"])
@api_view(bp)
def unit_initiatives(caller, unit_id):
    """The initiatives behind a unit's figures (issue 13, drill-down), a page at a time."""
    from chalicelib.submissions import listing

    return json_response(200, listing.initiatives_under(caller, unit_id, query_params(bp.current_request)))
