"""`notify_reviewers`: tell a unit's reviewers that an initiative waits in
their queue. In-app only, no email (the daily digest is the email).

Set on the `submitted` history event and on the transitions that lead into a
queue state. For one history event (a plain dict, as the stream delivers it):
- the event brought the initiative into a unit's queue (it waited in no
  queue, or in another level's, before) for the FIRST time: the unit's
  reviewers get a `queued` notification, keyed by that event with the tag
  `q`. Whatever event brought it there (`submitted` into the grassroots
  union's queue, `validate` into the upper level's), each initiative is
  announced once per unit, and a redelivered event writes nothing new;
- it came back into a queue it had been in, through the authors' edit
  (`resubmit`): a `resubmitted` notification, keyed by that event;
- it moved within one unit's queue (`start_review`), or has left that queue
  since: nothing, and nothing is read or written but the initiative.

"First" is read from the initiative's own history (one Query of a few
events), so no marker is written: one conditional put per reviewer per first
entry (1 WRU, 1 more for its `unread` index entry), nothing else.

The recipients are the users with the `reviewer` role at that unit, found
through the reference data (catalog.users_of). The one who fired the event is
not told about it.
"""
import logging

from chalicelib.notify import inapp

logger = logging.getLogger(__name__)

ROLE = "reviewer"


def recipients(users, actor_id: str | None) -> list:
    """The reviewers among `users` (reference.model.User), but not the actor."""
    return [user.id for user in users if user.has_role(ROLE) and user.id != actor_id]


def entered_queue(workflow, event: dict) -> bool:
    """Whether `event` brought the initiative into a queue it was not in the
    moment before: it waited in no queue, or in another level's."""
    to_state = workflow.states.get(event["to_state"])
    if to_state is None or to_state.queue is None:
        return False
    from_state = workflow.states.get(event.get("from_state") or "")
    return from_state is None or from_state.queue != to_state.queue


def first_entry(workflow, event: dict, earlier_states) -> bool:
    """Whether `event` is the first that brought the initiative into the queue
    of its target's level (the level resolves to one unit on the initiative's
    path): none of `earlier_states` (the states it was in before, from its
    history) waits for that level. Pure."""
    level = workflow.states[event["to_state"]].queue
    return not any(workflow.states.get(name) is not None and workflow.states[name].queue == level
                   for name in earlier_states)


def on_event(event: dict) -> None:
    from chalicelib.reference import catalog
    from chalicelib.submissions import store
    from chalicelib.workflow import definition, engine

    workflow = definition.default()
    if not entered_queue(workflow, event):
        return  # moved within a queue (or out of every queue): nobody new waits on it
    record = store.get(event["submission_id"])
    if record is None:
        return
    submission = store.plain(record)
    path = submission["unit_path"]
    unit = catalog.unit(submission["unit_id"])
    unit_id = engine.queue_unit(workflow, event["to_state"], unit.path if unit else path)
    if unit_id is None or store.queue_unit_of(record) != unit_id:
        # Decided (or moved on) since: it no longer waits for these reviewers.
        logger.info("event %s/%s: the initiative no longer waits at %s", event["submission_id"], event["seq"],
                    unit_id)
        return
    seq = int(event["seq"])
    earlier = [] if seq == 1 else [e.to_state for e in store.history(event["submission_id"]) if int(e.seq) < seq]
    if first_entry(workflow, event, earlier):
        kind = inapp.QUEUED
    elif workflow.transitions.get(event["event"]) is not None and workflow.transitions[event["event"]].after_edit:
        kind = inapp.RESUBMITTED
    else:
        return  # back in a queue it was announced in already
    note = inapp.content(kind, event, submission, workflow)
    inapp.deliver(recipients(catalog.users_of(unit_id), event.get("actor_id")), note)
