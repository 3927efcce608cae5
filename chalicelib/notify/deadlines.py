"""The deadlines' listeners: what reviewers are told when the sweep
(chalicelib/review/deadlines.py) appends a `reminded` or an `overdue`
history event. In-app only; the daily digest (digest.py) is the email.

- `on_reminder` (effect `remind_reviewers`): the reviewers of the unit whose
  queue holds the initiative: "due on <date>".
- `on_overdue` (effect `escalate`): the same reviewers: "overdue"; and when
  the event names `escalated_to` (the unit one level up), that unit's
  reviewers: "overdue below you: <initiative>, waiting at <unit> since <date>".

The event's input says which deadline and when it was due ({"deadline":
"state" | "decision", "due_at": ts, "escalated_to": unit id}); its from and to
state are the state it waits in. Each notification is keyed by the event
(chalicelib/notify/inapp.py; the escalation's with the tag `e`), so a
redelivered event, or a second sweep's, tells nobody twice. An initiative
that left the queue between the sweep and the delivery is not announced:
nobody need act on it any more.
"""
import logging

from chalicelib.notify import inapp

logger = logging.getLogger(__name__)


def _waiting(event: dict):
    """(plain initiative, queue unit id, its queue_sk) when the initiative still
    waits where the event found it; else None."""
    from chalicelib.submissions import store

    record = store.get(event["submission_id"])
    if record is None or record.status != event["to_state"] or store.queue_unit_of(record) is None:
        logger.info("deadline event %s/%s: the initiative no longer waits in %s", event["submission_id"],
                    event["seq"], event["to_state"])
        return None
    return store.plain(record), store.queue_unit_of(record), record.queue_sk


def _reviewers(unit_id: str) -> list:
    from chalicelib.notify.reviewers import recipients
    from chalicelib.reference import catalog

    return recipients(catalog.users_of(unit_id), None)


def on_reminder(event: dict) -> None:
    """The queue's reviewers: this initiative is due on <date>."""
    from chalicelib.workflow import definition

    found = _waiting(event)
    if found is None:
        return
    submission, unit_id, _ = found
    inapp.deliver(_reviewers(unit_id), inapp.content(inapp.REMINDER, event, submission, definition.default()))


def on_overdue(event: dict) -> None:
    """The queue's reviewers: this initiative is overdue; and the reviewers of
    the unit it escalated to: it is overdue below them, where and since when."""
    from chalicelib.reference import catalog
    from chalicelib.submissions import store
    from chalicelib.workflow import definition

    found = _waiting(event)
    if found is None:
        return
    submission, unit_id, queue_sk = found
    workflow = definition.default()
    inapp.deliver(_reviewers(unit_id), inapp.content(inapp.OVERDUE, event, submission, workflow))
    above = (event.get("input") or {}).get("escalated_to")
    if above:
        unit = catalog.unit(unit_id)
        note = dict(inapp.content(inapp.OVERDUE_BELOW, event, submission, workflow),
                    waiting_unit=unit.name if unit else unit_id, waiting_since=store.waiting_since(queue_sk))
        inapp.deliver(_reviewers(above), note)
