"""Phase reports (báo cáo sơ kết / tổng kết): GET /reports/units/{unit_id}?phase=
(the figures as JSON) and GET /reports/units/{unit_id}/workbook?phase= (the
Excel file, built now: 303 to a time-limited link). Who may read them and
what they read: chalicelib/reports/service.py."""
from chalice import Blueprint

from chalicelib.api.http import api_view, json_response, language, query_params

bp = Blueprint(__name__)


@bp.route("/reports/units/{unit_id}", methods=["GET"])
@api_view(bp)
def phase_report(caller, unit_id):
    from chalicelib.reports import service

    return json_response(200, service.phase_report(caller, unit_id, query_params(bp.current_request)))


@bp.route("/reports/units/{unit_id}/workbook", methods=["GET"])
@api_view(bp)
def phase_report_workbook(caller, unit_id):
    from chalicelib.reports import service

    request = bp.current_request
    link = service.workbook_link(caller, unit_id, query_params(request), language(request))
    return json_response(303, link, {"Location": link["url"]})
