"""`invite_coauthors`: tell each member an initiative newly names as a
co-author that they are invited, with accept and decline (in-app only).

Set by the `submitted` and `edited` history events, which list whom they
invited (`invited`). A member who has answered meanwhile, or whom an edit has
since dropped, is not told. Idempotent like every listener: a redelivered
event writes nothing new (chalicelib/notify/inapp.py).
"""
import logging

from chalicelib.notify import inapp

logger = logging.getLogger(__name__)

# The invitation's own name, as the notification's event_name.
EVENT_NAME = {"vi": "Mời làm đồng tác giả", "en": "Invitation to co-author"}


def on_event(event: dict) -> None:
    from chalicelib.submissions import rules, store
    from chalicelib.workflow import definition

    record = store.get(event["submission_id"])
    if record is None:  # cannot happen (initiatives are never deleted)
        logger.warning("event %s/%s names no initiative", event["submission_id"], event["seq"])
        return
    submission = store.plain(record)
    waiting = set(rules.invited_members(submission))
    recipients = [member for member in event.get("invited") or () if member in waiting]
    if not recipients:
        return
    note = inapp.content(inapp.INVITATION, event, submission, definition.default())
    note.update(event_name=dict(EVENT_NAME), link=inapp.invitation_link(event["submission_id"]))
    inapp.deliver(recipients, note)


def on_answer(event: dict) -> None:
    """`close_invitation`: the member answered (accepted or declined), so the
    invitations they were sent for this initiative are marked read: answered,
    they no longer wait in the unread count. Which notifications those are is
    read from the initiative's own history (the events that invited them: a
    handful of items, never the member's whole inbox). Idempotent: marking a
    read notification changes nothing."""
    from chalicelib.submissions import store

    member, submission_id = event["actor_id"], event["submission_id"]
    inviting = [step for step in store.history(submission_id) if member in (step.invited or ())]
    inapp.mark_read(member, [inapp.public_id(inapp.sort_key(step.at, submission_id, int(step.seq)))
                             for step in inviting])
