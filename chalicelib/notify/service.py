"""A person's in-app notifications as operations: a page of them with the
unread count, marking some read, and their notification settings."""
from chalicelib import validation
from chalicelib.notify import inapp, preferences


def page_for(principal, params: dict, language: str) -> dict:
    """GET /me/notifications: one page, newest first, in `language`, with the unread count."""
    params = validation.normalized("notifications-query", params)
    items, next_cursor = inapp.page(principal.user_id, int(params.get("limit", "20")), params.get("cursor"))
    return {"items": [inapp.present(item, language) for item in items], "next_cursor": next_cursor,
            "unread": inapp.unread_count(principal.user_id)}


def mark_read(principal, raw_body) -> dict:
    """POST /me/notifications/read: mark the caller's own notifications read."""
    body = validation.normalized("mark-read-request", raw_body)
    marked, unread = inapp.mark_read(principal.user_id, body["ids"])
    return {"marked": marked, "unread": unread}


def settings_for(principal) -> dict:
    """GET /me/preferences: the caller's notification settings."""
    return preferences.of(principal.user_id)


def change_settings(principal, raw_body) -> dict:
    """PUT /me/preferences: the caller sets their own notification settings (all of them)."""
    body = validation.normalized("preferences", raw_body)
    return preferences.save(principal.user_id, body)
