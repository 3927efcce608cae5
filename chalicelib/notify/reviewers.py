"""`notify_reviewers`: tell a unit's reviewers that an initiative is back in
their queue (fired on `resubmit`). In-app only, no email.

The recipients are the users with the `reviewer` role at the unit whose queue
the initiative is in when the event is handled, found through the reference
data (catalog.users_of). The one who fired the event is not told about it. Idempotent like every listener: a
redelivered event writes nothing new (chalicelib/notify/inapp.py).
"""
import logging

from chalicelib.notify import inapp

logger = logging.getLogger(__name__)

ROLE = "reviewer"


def recipients(users, actor_id: str) -> list:
    """The reviewers among `users` (reference.model.User), but not the actor."""
    return [user.id for user in users if user.has_role(ROLE) and user.id != actor_id]


def on_event(event: dict) -> None:
    from chalicelib.reference import catalog
    from chalicelib.submissions import store
    from chalicelib.workflow import definition

    record = store.get(event["submission_id"])
    unit_id = store.queue_unit_of(record) if record is not None else None
    if unit_id is None:
        # Already out of every queue (decided since): nobody is waiting on it.
        logger.info("event %s/%s: the initiative waits in no queue", event["submission_id"], event["seq"])
        return
    note = inapp.content(inapp.RESUBMITTED, event, store.plain(record), definition.default())
    inapp.deliver(recipients(catalog.users_of(unit_id), event.get("actor_id")), note)

