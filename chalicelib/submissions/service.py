"""Entering and reading initiatives: every check, then one write.

The convention of every service: the edge (a blueprint, a page) authenticates
and parses; the service validates (schema and rules), authorises and acts,
reporting every problem it finds at once, as domain errors (chalicelib/errors.py).
"""
import re

from chalicelib import clock, idempotency, validation
from chalicelib.auth.principal import may_see
from chalicelib.dynamo_json import plain
from chalicelib.errors import Forbidden, Invalid, Malformed, NotFound, Problem
from chalicelib.reference import catalog
from chalicelib.submissions import identifiers, rules, store
from chalicelib.workflow import definition, engine

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


def checked(raw_body, entered=None):
    """The body normalised (NFC, trimmed) and checked against the schema and
    the rules together, every problem at once, in the form's order: Malformed
    (400) when the schema is broken, the rules' problems listed with it;
    Invalid (422) when only rules are. Without `entered` (a stored initiative)
    it is a new initiative for the phase open now; with it, an edit of that one
    (same program and unit). Returns (body, program, phase or None, unit)."""
    body, broken = validation.checked("submission", raw_body)
    today = clock.today()
    if entered is None:
        program, phase = catalog.current(today) or (None, None)
    else:
        program, phase = catalog.program(entered.program_id), None
    paths = frozenset(problem.path for problem in broken)
    unit_id = body.get("unit_id") if isinstance(body, dict) and "/unit_id" not in paths else None
    unit = catalog.unit(unit_id) if unit_id else None
    problems = validation.in_schema_order("submission", broken + rules.check(
        body, program, phase, unit, today, needs_open_phase=entered is None,
        entered_in=entered.unit_id if entered is not None else None, broken=paths))
    if broken:
        raise Malformed(problems)
    if problems:
        raise Invalid(problems)
    return body, program, phase, unit


def create(raw_body, principal, idem_key: str | None):
    """Validate and store a new initiative. Returns (status, body): 201 and the
    stored initiative, or the first answer again for a replayed key."""
    if idem_key is not None and not IDEMPOTENCY_KEY.match(idem_key):
        raise Malformed([Problem("", "invalid_idempotency_key")])
    body, program, phase, unit = checked(raw_body)
    workflow = definition.default()
    attributes = rules.stored_form(
        body, submission_id=identifiers.new_id(), code=identifiers.new_tracking_code(), program=program,
        phase=phase, unit=unit, submitter_id=principal.user_id, created_at=clock.timestamp(),
        initial_state=workflow.start_at)
    first_queue = engine.queue_unit(workflow, workflow.start_at, unit.path)
    try:
        return 201, store.create(attributes, principal, idem_key, idempotency.request_hash(body), present,
                                 first_queue)
    except idempotency.Replay as replay:
        return replay.status, replay.body


def load(submission_id: str, principal):
    """The stored initiative, as (record, plain attributes, workflow subject);
    NotFound if there is none, Forbidden if the caller may not see it."""
    record = store.get(submission_id)
    if record is None:
        raise NotFound()
    data = store.plain(record)
    subject = subject_of(data)
    if not may_see(principal, subject.unit_path, subject.author_ids):
        # Not "not found": the id is not a secret, and the caller learns only that it is not theirs.
        raise Forbidden()
    return record, data, subject


def subject_of(data: dict) -> engine.Subject:
    """What the workflow needs to know of a stored initiative. Levels and scope
    are resolved on the tree as it is now; the stored path only if the unit has
    since left the tree."""
    unit = catalog.unit(data["unit_id"])
    path = tuple(unit.path) if unit else tuple(data["unit_path"])
    return engine.Subject(status=data["status"], version=int(data["version"]), unit_path=path,
                          author_ids=frozenset(rules.author_ids(data)))


def caller_of(principal) -> engine.Caller:
    return engine.Caller(user_id=principal.user_id, roles=principal.roles, unit_id=principal.unit_id)


def read(submission_id: str, principal) -> dict:
    """GET /submissions/{id}: the initiative, with the events the caller may fire on it now."""
    _, data, subject = load(submission_id, principal)
    allowed = [{"event": t.event, "label": t.label, "input": t.input}
               for t in engine.allowed_events(definition.default(), caller_of(principal), subject)]
    return {**present(data), "allowed_events": allowed}


def list_mine(principal, params: dict) -> dict:
    """GET /me/submissions: one page of the caller's initiatives, newest first."""
    params = validation.normalized("list-query", params)
    items, next_cursor = store.list_by_submitter(principal.user_id, int(params.get("limit", "20")),
                                                 params.get("cursor"))
    return {"items": [summary(store.plain(item)) for item in items], "next_cursor": next_cursor}


def unit_name(unit_id: str) -> str | None:
    unit = catalog.unit(unit_id)
    return unit.name if unit else None


def state_name(state: str) -> dict:
    """A state's name in both languages, from the workflow definition."""
    known = definition.default().states.get(state)
    return dict(known.title) if known else {"vi": state, "en": state}


def present(data: dict) -> dict:
    """An initiative as the API returns it."""
    return {
        "id": data["id"], "code": data["code"], "status": data["status"],
        "status_name": state_name(data["status"]),
        "program_id": data["program_id"], "phase": data["phase_id"],
        "unit_id": data["unit_id"], "unit_name": unit_name(data["unit_id"]), "block": data["block"],
        "title": data["title"], "subject_group": data["subject_group"], "field": data["field"],
        "problem": data["problem"], "solution": data["solution"], "results": data["results"],
        **({"applied_where": data["applied_where"]} if data.get("applied_where") else {}),
        "applied_from": data["applied_from"],
        **({"benefit_vnd": int(data["benefit_vnd"])} if data.get("benefit_vnd") is not None else {}),
        **({"scores": plain(data["scores"])} if data.get("scores") else {}),
        **({"confirmed_benefit_vnd": int(data["confirmed_benefit_vnd"])}
           if data.get("confirmed_benefit_vnd") is not None else {}),
        "authors": [{k: v for k, v in author.items() if v is not None} for author in data["authors"]],
        "submitter_id": data["submitter_id"],
        "created_at": data["created_at"], "updated_at": data["updated_at"], "version": int(data["version"]),
    }


def summary(data: dict) -> dict:
    """An initiative in a list: enough to show a row and open it."""
    return {
        "id": data["id"], "code": data["code"], "title": data["title"], "status": data["status"],
        "status_name": state_name(data["status"]), "phase": data["phase_id"],
        "program_id": data["program_id"], "unit_id": data["unit_id"], "subject_group": data["subject_group"],
        "field": data["field"], "created_at": data["created_at"], "updated_at": data["updated_at"],
        "version": int(data["version"]),
    }
