"""The core of the review workflow: may this actor fire this event on this
initiative now, and what changes if so. Pure: no AWS, no clock, no HTTP; the
review service (chalicelib/review) applies a decision as one DynamoDB
transaction, and the edges turn refusals (chalicelib/workflow/exceptions.py)
into answers."""
from dataclasses import dataclass

from chalicelib.errors import Problem
from chalicelib.levels import Level
from chalicelib.workflow.definition import INPUT_FIELDS, SYSTEM, Definition, Transition
from chalicelib.workflow.exceptions import InputRefused, NotPermitted, StateChanged, UnknownEvent


@dataclass(frozen=True)
class Caller:
    user_id: str
    roles: frozenset
    unit_id: str


def system_caller(unit_id: str) -> Caller:
    """Who fires an event a deadline names, at the unit whose desk the initiative
    waited at: no person has this id or role (users' roles are a closed list)."""
    return Caller(user_id=SYSTEM, roles=frozenset({SYSTEM}), unit_id=unit_id)


@dataclass(frozen=True)
class Subject:
    """What the engine needs to know of an initiative."""
    status: str
    version: int
    unit_path: tuple  # the grassroots unit's path on the current tree, national first
    author_ids: frozenset  # the submitter and the co-authors who accepted their invitation
    submitter_id: str = ""  # who entered it: the one "submitter" actor (withdraw is theirs alone)


@dataclass(frozen=True)
class Decision:
    event: str
    from_state: str
    to_state: str
    input: dict
    effects: tuple
    queue_unit: str | None  # whose reviewers the initiative waits for next; None when nobody's


def level_unit(level: Level | str, unit_path) -> str | None:
    """The unit playing `level` for an initiative of the grassroots unit at the
    end of `unit_path`, resolved on the real tree: its parent plays the
    upper-grassroots role even when that parent is a top-level unit. None for a
    path too short to hold the levels (a checked tree has none)."""
    path = tuple(unit_path)
    if len(path) < 3:
        return None
    return {Level.GRASSROOTS: path[-1], Level.UPPER_GRASSROOTS: path[-2], Level.TOP_LEVEL: path[1],
            Level.NATIONAL: path[0]}.get(Level(level))


def unit_above(unit_path, unit_id: str | None) -> str | None:
    """The unit one level above `unit_id` on the path (national first): whom
    an overdue deadline at `unit_id`'s desk escalates to. None at the top, or
    for a unit not on the path."""
    path = tuple(unit_path)
    if unit_id not in path:
        return None
    index = path.index(unit_id)
    return path[index - 1] if index > 0 else None


def levels_played(own: Level | str) -> frozenset:
    """The levels a unit whose own level is `own` may play for some initiative.
    By the rule of `level_unit`, a grassroots union's parent plays
    upper_grassroots, and that parent may be a top-level unit (Rạng Đông's union
    hangs directly under Công đoàn Công Thương): a top-level unit may play both."""
    own = Level(own)
    return frozenset({own, Level.UPPER_GRASSROOTS} if own == Level.TOP_LEVEL else {own})


def is_author(caller: Caller, subject: Subject) -> bool:
    return caller.user_id in subject.author_ids


def may_fire(transition: Transition, caller: Caller, subject: Subject) -> bool:
    """Whether `caller` is one of the actors the transition names, for this
    initiative. Nobody reviews their own work: an author (the submitter or an
    accepted co-author; a member merely named is not one) acts only as author."""
    for actor in transition.by:
        if actor.role == "author":
            if is_author(caller, subject):
                return True
        elif actor.role == "submitter":
            if subject.submitter_id and caller.user_id == subject.submitter_id:
                return True
        elif actor.role == SYSTEM:
            if caller.user_id == SYSTEM and SYSTEM in caller.roles:  # the sweep, firing what a deadline names
                return True
        elif actor.role in caller.roles and not is_author(caller, subject):
            if caller.unit_id == level_unit(actor.level, subject.unit_path):
                return True
    return False


def allowed_events(definition: Definition, caller: Caller, subject: Subject) -> list[Transition]:
    """The events this caller may fire now (for showing one button per event)."""
    return [t for t in definition.exits(subject.status) if may_fire(t, caller, subject)]


def queue_unit(definition: Definition, state: str, unit_path) -> str | None:
    level = definition.states[state].queue
    return level_unit(level, unit_path) if level else None


REVIEWER = "reviewer"


def acts_on_it_now(definition: Definition, caller: Caller, subject: Subject) -> bool:
    """Whether `caller` is a reviewer of the unit whose queue the initiative
    waits in now (the state's `queue` level, resolved on its path), and not
    one of its authors: the reviewers who may need to call its authors."""
    unit = queue_unit(definition, subject.status, subject.unit_path) if subject.status in definition.states else None
    return unit is not None and REVIEWER in caller.roles and caller.unit_id == unit and not is_author(caller, subject)


def check_input(transition: Transition, payload: dict) -> list[Problem]:
    """Input the event needs but lacks, and input it does not take."""
    problems = []
    for name, need in transition.input.items():
        if need == "required" and name not in payload:
            problems.append(Problem(f"/{name}", "required"))
    for name in INPUT_FIELDS:
        if name in payload and name not in transition.input:
            problems.append(Problem(f"/{name}", "not_accepted", {"event": transition.event}))
    return problems


def input_problems(definition: Definition, request: dict) -> list[Problem]:
    """What is wrong with a request's event and input, before anyone or
    anything is looked at: an unknown event, or input the event needs and
    lacks or does not take. (Empty when the request names no event: its
    schema says so.)"""
    event = request.get("event") if isinstance(request, dict) else None
    if not isinstance(event, str):
        return []
    transition = definition.transitions.get(event)
    if transition is None:
        return [Problem("/event", "unknown_event")]
    return check_input(transition, payload_of(request))


def payload_of(request: dict) -> dict:
    """The event input a request carries."""
    return {name: request[name] for name in INPUT_FIELDS if name in request}


def decide(definition: Definition, subject: Subject, caller: Caller, event: str, payload: dict,
           expected_version: int) -> Decision:
    """Decide a transition, or refuse it: UnknownEvent or InputRefused (the
    request itself is wrong), NotPermitted (the caller may not fire it here),
    StateChanged (the initiative is no longer at the version the caller saw, or
    not in a state the event leaves), in that order."""
    transition = definition.transitions.get(event)
    if transition is None:
        raise UnknownEvent()
    problems = check_input(transition, payload)
    if problems:
        raise InputRefused(problems)
    if not may_fire(transition, caller, subject):
        raise NotPermitted()
    if subject.version != expected_version:
        raise StateChanged("stale_version", subject.status, subject.version)
    if subject.status not in transition.sources:
        raise StateChanged("invalid_state", subject.status, subject.version)
    return Decision(event=event, from_state=subject.status, to_state=transition.target,
                    input={k: payload[k] for k in transition.input if k in payload},
                    effects=transition.effects, queue_unit=queue_unit(definition, transition.target,
                                                                     subject.unit_path))
