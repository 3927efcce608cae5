"""The caller's in-app notifications: GET /me/notifications, POST /me/notifications/read;
their notification settings: GET and PUT /me/preferences."""
from chalice import Blueprint

from chalicelib.api.http import api_view, json_body, json_response, language, query_params

bp = Blueprint(__name__)


@bp.route("/me/notifications", methods=["GET"])
@api_view(bp)
def my_notifications(caller):
    from chalicelib.notify import service

    request = bp.current_request
    return json_response(200, service.page_for(caller, query_params(request), language(request)))


@bp.route("/me/notifications/read", methods=["POST"], content_types=["application/json"])
@api_view(bp)
def mark_read(caller):
    from chalicelib.notify import service

    return json_response(200, service.mark_read(caller, json_body(bp.current_request)))


@bp.route("/me/preferences", methods=["GET"])
@api_view(bp)
def my_preferences(caller):
    from chalicelib.notify import service

    return json_response(200, service.settings_for(caller))


@bp.route("/me/preferences", methods=["PUT"], content_types=["application/json"])
@api_view(bp)
def change_preferences(caller):
    from chalicelib.notify import service

    return json_response(200, service.change_settings(caller, json_body(bp.current_request)))
