"""Deadlines, as the workflow definition declares them: when an initiative is
due, when its reviewers are reminded, and what the sweep does when a deadline
passes. Pure: the caller passes the times (clock.timestamp strings) and `now`.

Two clocks, each a `Deadline` (definition.py):
- a state's `deadline` counts the wait at a desk, from `waiting_since` (the
  day the initiative came to the desk it waits at; states of one desk, such as
  `valid` and `under_review`, share the wait);
- the definition's `decision_deadline` counts the whole review from the day
  the initiative was received (the law's 3 months), in every state that is
  not final.

A deadline of `days` is due at the end of the day (Vietnam time) `days`
calendar days after its clock starts; its reminder, on the morning (07:00)
`remind_days_before` days before the due day. Each is an `Alarm`, and an
initiative's alarms in a state are a fixed, ordered list: the sweep handles
them one at a time, in order, and the initiative carries the next one in a
sparse index (submissions.store), so each happens at most once.
"""
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from chalicelib.clock import VIETNAM, timestamp
from chalicelib.formatting import local_time
from chalicelib.workflow.definition import MARKED_OVERDUE, REMINDED

STATE, DECISION = "state", "decision"
REMIND, OVERDUE = "remind", "overdue"
REMIND_AT = time(7, 0)  # reminders arrive with the working day
# The effects the sweep's history events (REMINDED, MARKED_OVERDUE) name.
REMIND_REVIEWERS, ESCALATE = "remind_reviewers", "escalate"


@dataclass(frozen=True)
class Alarm:
    at: datetime
    deadline: str  # STATE | DECISION
    kind: str  # REMIND | OVERDUE
    due_at: datetime  # the deadline it belongs to

    @property
    def code(self) -> str:
        """Two letters naming it among an initiative's alarms: sr, so, dr, do."""
        return self.deadline[0] + self.kind[0]

    @property
    def order(self) -> tuple:
        # At one instant: the state's before the decision's, a reminder before an overdue.
        return self.at, self.deadline != STATE, self.kind != REMIND


def parse(value: str | None) -> datetime | None:
    """A stored timestamp as Vietnam time (formatting.local_time), None for none."""
    return local_time(value) if value else None


def due(start: datetime, days: int) -> datetime:
    """The end of the day `days` calendar days after `start` (Vietnam time)."""
    day = start.astimezone(VIETNAM).date() + timedelta(days=days)
    return datetime.combine(day, time(23, 59, 59, 999000), tzinfo=VIETNAM)


def stamp(moment: datetime | None) -> str | None:
    """A moment as stored (clock.timestamp), None for none."""
    return timestamp(moment) if moment else None


def state_due(definition, state: str, waiting_since: str | None) -> datetime | None:
    spec = definition.states.get(state)
    if spec is None or spec.deadline is None or not waiting_since:
        return None
    return due(parse(waiting_since), spec.deadline.days)


def decision_due(definition, state: str, received_at: str | None) -> datetime | None:
    spec = definition.states.get(state)
    if definition.decision_deadline is None or spec is None or spec.final or not received_at:
        return None
    return due(parse(received_at), definition.decision_deadline.days)


def due_at(definition, state: str, waiting_since: str | None) -> str | None:
    """When the wait in `state` is due (clock.timestamp), or None when the state has no deadline."""
    return stamp(state_due(definition, state, waiting_since))


def decision_due_at(definition, received_at: str | None, state: str | None = None) -> str | None:
    """The date by which a decision is due: `decision_deadline` counted from
    `received_at`; None when the definition has none or `state` is final."""
    if state is None:
        state = definition.start_at
    return stamp(decision_due(definition, state, received_at))


def alarms(definition, state: str, waiting_since: str | None, received_at: str | None) -> list[Alarm]:
    """Every alarm of an initiative in `state`, in the order they ring."""
    found, own = [], definition.states.get(state)
    for deadline, spec, due_moment in (
            (STATE, own and own.deadline, state_due(definition, state, waiting_since)),
            (DECISION, definition.decision_deadline, decision_due(definition, state, received_at))):
        if due_moment is None:
            continue
        if spec.remind_days_before:
            day = due_moment.date() - timedelta(days=spec.remind_days_before)
            found.append(Alarm(datetime.combine(day, REMIND_AT, tzinfo=VIETNAM), deadline, REMIND, due_moment))
        found.append(Alarm(due_moment, deadline, OVERDUE, due_moment))
    return sorted(found, key=lambda alarm: alarm.order)


@dataclass(frozen=True)
class Entry:
    """What an initiative carries on entering a state: its next alarm (None:
    none left) and, when a deadline of the state has already passed (the
    decision's, or the desk's when the wait continues), since when it is
    overdue and whether that escalates."""
    next_alarm: Alarm | None
    overdue_since: datetime | None
    escalates: bool


def on_entry(definition, state: str, waiting_since: str | None, received_at: str | None, now: datetime) -> Entry:
    """The alarms of an initiative that has just entered `state`: those still
    to ring start with the first after `now`; a deadline already passed is
    overdue at once (without a second reminder or a second `overdue` event)."""
    every = alarms(definition, state, waiting_since, received_at)
    upcoming = [a for a in every if a.at > now]
    late = [a for a in every if a.at <= now and a.kind == OVERDUE]
    return Entry(upcoming[0] if upcoming else None,
                 min((a.due_at for a in late), default=None),
                 any(deadline_of(definition, state, a).escalate for a in late))


def deadline_of(definition, state: str, alarm: Alarm):
    """The Deadline (definition.py) an alarm of an initiative in `state` belongs to."""
    return definition.decision_deadline if alarm.deadline == DECISION else definition.states[state].deadline


def find(definition, state: str, waiting_since: str | None, received_at: str | None, code: str,
         at: datetime) -> Alarm | None:
    """The alarm `code` ringing `at` among the initiative's alarms in `state` (None: it is not one of them now)."""
    return next((a for a in alarms(definition, state, waiting_since, received_at) if a.code == code and a.at == at),
                None)


def after(definition, state: str, waiting_since: str | None, received_at: str | None, done: Alarm) -> Alarm | None:
    """The alarm after `done`, the one just handled (None: none left)."""
    return next((a for a in alarms(definition, state, waiting_since, received_at) if a.order > done.order), None)


@dataclass(frozen=True)
class Ringing:
    """What the sweep does for one alarm: append the history event `event`
    (REMINDED or MARKED_OVERDUE) with `input` and `effects`, or, when the
    deadline says so, fire the transition `fire` instead; and mark the
    initiative overdue (`overdue`) and escalated (`escalate`)."""
    event: str
    input: dict
    effects: tuple
    overdue: bool
    escalate: bool
    fire: str | None


def ringing(definition, state: str, alarm: Alarm) -> Ringing:
    """What an alarm does (pure: the escalation's unit is for the caller to resolve)."""
    spec = deadline_of(definition, state, alarm)
    base = {"deadline": alarm.deadline, "due_at": stamp(alarm.due_at)}
    if alarm.kind == REMIND:
        return Ringing(REMINDED, base, (REMIND_REVIEWERS,), False, False, None)
    return Ringing(MARKED_OVERDUE, base, (ESCALATE,), True, spec.escalate, spec.fire)
