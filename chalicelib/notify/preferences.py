"""Each user's notification settings, in the notifications table beside their
in-app notifications: `USER#<user>` / `SETTINGS`.

Today one setting: `daily_digest` (the reviewers' daily digest email, on
unless the user turned it off). Kept here rather than on the user's profile
in the reference table because the profile is written only by the reference
loader from the data files (a reload would overwrite a user's choice), and
because only notify reads it: the table's owner keeps its own data.

Access patterns:
- read one user's settings (the page, GET /me/preferences): one GetItem
  (0.5 RRU); absent means every default;
- the digest's reviewers: one BatchGetItem per 100 users (0.5 RRU each);
- change them (PUT /me/preferences, the page's form): one PutItem of the whole
  item (1 WRU), idempotent: the same choice twice stores the same item.
"""
from chalicelib import clock
from chalicelib.notify.inapp import user_key

SETTINGS = "SETTINGS"
DEFAULTS = {"daily_digest": True}


def of(user_id: str) -> dict:
    """The user's settings ({"daily_digest": bool}), defaults for what they never set."""
    from chalicelib.tables import NotificationSettings

    try:
        item = NotificationSettings.get(user_key(user_id), SETTINGS)
    except NotificationSettings.DoesNotExist:
        return dict(DEFAULTS)
    return {"daily_digest": bool(item.daily_digest)}


def digest_wanted(user_ids) -> dict:
    """{user id: whether they want the daily digest}: one BatchGetItem per 100."""
    from chalicelib.tables import BatchRead, NotificationSettings

    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return {}
    read = BatchRead()
    keys = {user_id: read.want(NotificationSettings, user_key(user_id), SETTINGS) for user_id in ids}
    read.run()
    return {user_id: (read.found(key).daily_digest if read.found(key) is not None else DEFAULTS["daily_digest"])
            for user_id, key in keys.items()}


def save(user_id: str, settings: dict) -> dict:
    """Store the user's settings (all of them: a PUT); returns them."""
    from chalicelib.tables import NotificationSettings

    chosen = dict(DEFAULTS, **settings)
    NotificationSettings(user_key(user_id), SETTINGS, daily_digest=bool(chosen["daily_digest"]),
                         updated_at=clock.timestamp()).save()
    return {"daily_digest": bool(chosen["daily_digest"])}
