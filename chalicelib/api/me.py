"""The caller's in-app notifications: GET /me/notifications, POST /me/notifications/read."""
from chalice import Blueprint

from chalicelib.api.http import api_view, json_body, json_response, language, query_params

bp = Blueprint(__name__)


@bp.route("/me/notifications", methods=["GET"])
@api_view(bp)
def my_notifications(caller):
    from chalicelib.notify import inapp

    request = bp.current_request
    params = query_params(request, "notifications-query")
    items, next_cursor = inapp.page(caller.user_id, int(params.get("limit", "20")), params.get("cursor"))
    lang = language(request)
    return json_response(200, {"items": [inapp.present(item, lang) for item in items], "next_cursor": next_cursor,
                               "unread": inapp.unread_count(caller.user_id)})


@bp.route("/me/notifications/read", methods=["POST"], content_types=["application/json"])
@api_view(bp)
def mark_read(caller):
    from chalicelib import validation
    from chalicelib.notify import inapp

    body = validation.normalized("mark-read-request", json_body(bp.current_request))
    marked, unread = inapp.mark_read(caller.user_id, body["ids"])
    return json_response(200, {"marked": marked, "unread": unread})
