"""The deadline sweep: every 15 minutes (chalicelib/schedules.py), ring the
alarms that are due: remind the reviewers before a deadline, mark an
initiative overdue and escalate it to the unit above, or fire the event a
deadline names.

What is due is found in the sparse `alarms` index (submissions.store
`due_alarms`): one Query per shard, reading only what is due, whatever waits.
Each initiative carries ONE alarm, its next; ringing it appends a history
event (`reminded`, `overdue`, or the transition a deadline fires) and moves
the alarm to the next one, in ONE transaction conditioned on the version read.
So each alarm rings once: a second sweep running at the same time loses the
condition, a sweep run again (Lambda retries, redelivery) finds the alarm
moved on, and the notifications its effects send are keyed by the event.
"""
import logging
from dataclasses import dataclass

from chalicelib import clock
from chalicelib.errors import DomainError
from chalicelib.review.service import step_of
from chalicelib.submissions import service as submissions
from chalicelib.submissions import store
from chalicelib.workflow import deadlines, definition, engine
from chalicelib.workflow.exceptions import StateChanged

logger = logging.getLogger(__name__)

# Alarms one run reads at most (about 30 ms each to ring): the rest ring 15 minutes later.
PER_RUN = 5000
PASSES = 4  # reminder, overdue, and the whole review's two: all an initiative can owe at once


def sweep(now=None, limit: int = PER_RUN, passes: int = PASSES) -> dict:
    """Ring every alarm due at `now` (default: the clock's). An initiative
    whose next alarm is due as well (a sweep that did not run for a while)
    rings it on the next pass, up to `passes`. Returns how many of each:
    {"reminded", "overdue", "fired", "passed" (a reminder of a deadline
    already past, let go), "skipped" (not rung: someone was first, or not
    due), "read"}."""
    now = now or clock.now()
    done = {"reminded": 0, "overdue": 0, "fired": 0, "passed": 0, "skipped": 0, "read": 0}
    for _ in range(passes):
        ids = store.due_alarms(clock.timestamp(now), limit - done["read"])
        done["read"] += len(ids)
        rung = 0
        for submission_id, record in store.get_many(ids).items():
            try:
                outcome = ring(record, now)
            except (StateChanged, DomainError) as error:  # another sweep or a reviewer was first
                logger.info("alarm of %s not rung: %s", submission_id, error)
                outcome = None
            done[outcome or "skipped"] += 1
            rung += outcome is not None
        if not rung or done["read"] >= limit:
            break
    return done


def ring(record, now) -> str | None:
    """Ring the alarm `record` carries if it is due at `now`: "reminded",
    "overdue", "fired", "passed" or None (not due, or not one of its alarms any more,
    then put right). Raises StateChanged when someone changed it first."""
    found = plan(record, now)
    if found is None:
        return None
    if found.step is None:
        moved = store.set_deadline_keys(record, found.keys)
        return found.outcome if moved else None
    store.append_event(record, found.step, found.actor, lambda after, event: None)
    return found.outcome


@dataclass(frozen=True)
class Plan:
    """What ringing an initiative's alarm at a moment does: append `step`
    fired by `actor`, or (no step) put its deadline `keys` right without an
    event. `outcome`: "reminded", "overdue", "fired", "passed", or None for
    an alarm that was not one of its alarms any more."""
    outcome: str | None
    step: store.Step | None = None
    actor: engine.Caller | None = None
    keys: dict | None = None


def plan(record, now) -> Plan | None:
    """What `ring` does to the stored initiative `record` at `now`, decided
    and not written (None: its alarm is not due). The demo's bulk import
    runs it on histories built in memory, so they ring as the sweep would."""
    workflow = definition.default()
    carried = store.alarm_of(record)
    if carried is None or deadlines.parse(carried[0]) > now:
        return None
    since = store.waiting_since(record.queue_sk) if record.queue_sk else None
    alarm = deadlines.find(workflow, record.status, since, record.created_at, carried[1],
                           deadlines.parse(carried[0]))
    if alarm is None:
        entry = deadlines.on_entry(workflow, record.status, since, record.created_at, now)
        return Plan(None, keys=store.deadline_keys(record.id, entry.next_alarm, record.overdue_since,
                                                   record.escalated_to))
    if alarm.kind == deadlines.REMIND and alarm.due_at <= now:
        # Its deadline passed before the sweep came (it did not run, or the initiative came late): no
        # reminder of what is already overdue; the overdue alarm comes next.
        following = deadlines.after(workflow, record.status, since, record.created_at, alarm)
        return Plan("passed", keys=store.deadline_keys(record.id, following, record.overdue_since,
                                                       record.escalated_to))
    data = store.plain(record)
    subject = submissions.subject_of(data)
    desk = store.queue_unit_of(record)
    actor = engine.system_caller(desk or record.unit_id)
    rings = deadlines.ringing(workflow, record.status, alarm)
    if rings.fire:
        decision = engine.decide(workflow, subject, actor, rings.fire, {}, int(record.version))
        return Plan("fired", step_of(workflow, record, subject, decision, now), actor)
    overdue_since = record.overdue_since or (deadlines.stamp(alarm.due_at) if rings.overdue else None)
    escalated_to = record.escalated_to
    info = dict(rings.input)
    if rings.escalate:
        escalated_to = escalated_to or engine.unit_above(subject.unit_path, desk)
        if escalated_to:
            info["escalated_to"] = escalated_to
    following = deadlines.after(workflow, record.status, since, record.created_at, alarm)
    step = store.Step(event=rings.event, to_state=record.status, input=info, effects=rings.effects,
                      deadlines=store.deadline_keys(record.id, following, overdue_since, escalated_to))
    return Plan("overdue" if rings.overdue else "reminded", step, actor)


# ------------------------------------------------------------------ reading: overdue below me

def overdue_below(principal, params: dict) -> dict:
    """GET /queue/overdue: what is overdue at the desks one level below the
    caller's unit (the escalations it was told of), the longest overdue
    first, with the unit it waits at. For its reviewers and leaders. One
    Query of the sparse `overdue_below` index per page."""
    from chalicelib import validation
    from chalicelib.errors import Forbidden

    params = validation.normalized("list-query", params)
    if not (principal.has_role("reviewer") or principal.has_role("leader")):
        raise Forbidden()
    rows, next_cursor = store.overdue_below(principal.unit_id, int(params.get("limit", "20")), params.get("cursor"))
    items = []
    for row in rows:
        data = store.plain(row)
        items.append(dict(submissions.summary(data), waiting_at=row.queue_pk.rsplit("#", 1)[0] if row.queue_pk
                          else None))
    return {"items": items, "next_cursor": next_cursor}
