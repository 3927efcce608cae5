"""The core of the review workflow: may this actor fire this event on this
initiative now, and what changes if so. Pure: no AWS, no clock; the store
adapter applies a decision as one DynamoDB transaction."""
from dataclasses import dataclass

from chalicelib.errors import ApiError, Problem
from chalicelib.workflow.definition import Definition, Transition


@dataclass(frozen=True)
class Caller:
    user_id: str
    roles: frozenset
    unit_id: str


@dataclass(frozen=True)
class Subject:
    """What the engine needs to know of an initiative."""
    status: str
    version: int
    unit_path: tuple  # the grassroots unit's path on the current tree, national first
    author_ids: frozenset  # the submitter and authors with a member id


@dataclass(frozen=True)
class Decision:
    event: str
    from_state: str
    to_state: str
    input: dict
    effects: tuple
    queue_unit: str | None  # whose reviewers the initiative waits for next; None when nobody's


def level_unit(level: str, unit_path) -> str | None:
    """The unit playing `level` for an initiative of the grassroots unit at the
    end of `unit_path`, resolved on the real tree: its parent plays the
    upper-grassroots role even when that parent is a top-level unit."""
    path = tuple(unit_path)
    if len(path) < 3:
        return None
    return {"grassroots": path[-1], "upper_grassroots": path[-2], "top_level": path[1],
            "national": path[0]}.get(level)


def levels_played(own_level: str) -> frozenset:
    """The levels a unit whose own level is `own_level` (national, top_level,
    upper_grassroots, grassroots) may play for some initiative. By the rule of
    `level_unit`, a grassroots union's parent plays upper_grassroots, and that
    parent may be a top-level unit (Rạng Đông's union hangs directly under
    Công đoàn Công Thương): a top-level unit may play both."""
    return frozenset({own_level, "upper_grassroots"} if own_level == "top_level" else {own_level})


def is_author(caller: Caller, subject: Subject) -> bool:
    return caller.user_id in subject.author_ids


def may_fire(transition: Transition, caller: Caller, subject: Subject) -> bool:
    """Whether `caller` is one of the actors the transition names, for this
    initiative. Nobody reviews their own work: an author acts only as author."""
    for actor in transition.by:
        if actor.role == "author":
            if is_author(caller, subject):
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


def check_input(transition: Transition, payload: dict) -> list[Problem]:
    """Input the event needs but lacks, and input it does not take (422)."""
    problems = []
    for name, need in transition.input.items():
        if need == "required" and name not in payload:
            problems.append(Problem(f"/{name}", "required"))
    for name in ("reason", "scores", "confirmed_benefit_vnd"):
        if name in payload and name not in transition.input:
            problems.append(Problem(f"/{name}", "not_accepted", {"event": transition.event}))
    return problems


def decide(definition: Definition, subject: Subject, caller: Caller, event: str, payload: dict,
           expected_version: int) -> Decision:
    """Decide a transition, or raise ApiError: 422 for an unknown event or bad
    input, 403 when the caller may not fire it here, 409 when the initiative is
    no longer at the version the caller saw or not in a state the event leaves."""
    transition = definition.transitions.get(event)
    if transition is None:
        raise ApiError(422, [Problem("/event", "unknown_event")])
    problems = check_input(transition, payload)
    if problems:
        raise ApiError(422, problems)
    if not may_fire(transition, caller, subject):
        raise ApiError(403, [Problem("", "forbidden")])
    if subject.version != expected_version:
        raise conflict(subject, "stale_version")
    if subject.status not in transition.sources:
        raise conflict(subject, "invalid_state")
    return Decision(event=event, from_state=subject.status, to_state=transition.target,
                    input={k: payload[k] for k in transition.input if k in payload},
                    effects=transition.effects, queue_unit=queue_unit(definition, transition.target,
                                                                     subject.unit_path))


def conflict(subject: Subject, code: str) -> ApiError:
    """409 with what the initiative is now, so the caller can refresh and decide again."""
    return ApiError(409, [Problem("", code)], {"current": {"status": subject.status, "version": subject.version}})
