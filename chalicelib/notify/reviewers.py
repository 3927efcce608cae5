"""`notify_reviewers`: tell a unit's reviewers that an initiative is back in
their queue (fired on `resubmit`). In-app only, no email.

The recipients are the users with the `reviewer` role at the unit whose queue
the initiative is in when the event is handled (its `queue_pk`, `QUEUE#<unit>`),
found through the reference table's index `gsi1` (`USERS#<unit>`). The one who
fired the event is not told about it. Idempotent like every listener: a
redelivered event writes nothing new (chalicelib/notify/inapp.py).
"""
import logging

from chalicelib.notify import inapp

logger = logging.getLogger(__name__)

ROLE = "reviewer"
QUEUE_PREFIX = "QUEUE#"


def recipients(users, actor_id: str) -> list:
    """The reviewers among `users` (UserRecord-like), but not the actor."""
    return [user.id for user in users if ROLE in (user.roles or []) and user.id != actor_id]


def on_event(event: dict) -> None:
    from chalicelib.submissions import store
    from chalicelib.workflow import definition

    record = store.get(event["submission_id"])
    if record is None or not (record.queue_pk or "").startswith(QUEUE_PREFIX):
        # Already out of every queue (decided since): nobody is waiting on it.
        logger.info("event %s/%s: the initiative waits in no queue", event["submission_id"], event["seq"])
        return
    unit_id = record.queue_pk[len(QUEUE_PREFIX):]
    note = inapp.content(inapp.RESUBMITTED, event, store.record_attributes(record), definition.default())
    inapp.deliver(recipients(users_of(unit_id), event.get("actor_id")), note)


def users_of(unit_id: str) -> list:
    """Every user of a unit: Query `gsi1` `USERS#<unit>` (pages followed)."""
    from chalicelib.tables import UnitRecord, UserRecord

    # gsi1 is declared on UnitRecord (it also lists a unit's children); users
    # share the table and the index, so query through that model's connection.
    connection = UnitRecord._get_connection()
    users, start = [], None
    while True:
        answer = connection.query(f"USERS#{unit_id}", index_name="gsi1", exclusive_start_key=start)
        users += [UserRecord.from_raw_data(raw) for raw in answer.get("Items", [])]
        start = answer.get("LastEvaluatedKey")
        if not start:
            return users
