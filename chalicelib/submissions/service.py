"""Entering and reading initiatives: every check, then one write.

The convention of every service: the edge (a blueprint, a page) authenticates
and parses; the service validates (schema and rules), authorises and acts,
reporting every problem it finds at once, as domain errors (chalicelib/errors.py).
"""
import logging
import re

from chalicelib import clock, idempotency, validation
from chalicelib.auth.principal import may_see
from chalicelib.dynamo_json import plain
from chalicelib.errors import Conflict, Forbidden, Invalid, Malformed, NotFound, Problem
from chalicelib.reference import catalog
from chalicelib.submissions import identifiers, rules, store
from chalicelib.workflow import deadlines, definition, engine

logger = logging.getLogger(__name__)

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


def create(raw_body, principal, idem_key: str | None, find_similar=None):
    """Validate and store a new initiative. Returns (status, body): 201 and the
    stored initiative, or the first answer again for a replayed key.
    `find_similar(attributes)`, given by the caller (a layer above: the
    near-duplicate index, similar.service.found_for), says which indexed
    initiatives are like it; they are stored with it. If it fails, the
    initiative is stored without them: a worker's entry never waits on it."""
    if idem_key is not None and not IDEMPOTENCY_KEY.match(idem_key):
        raise Malformed([Problem("", "invalid_idempotency_key")])
    body, program, phase, unit = checked(raw_body)
    workflow = definition.default()
    attributes = rules.stored_form(
        body, submission_id=identifiers.new_id(), code=identifiers.new_tracking_code(), program=program,
        phase=phase, unit=unit, submitter_id=principal.user_id, created_at=clock.timestamp(),
        initial_state=workflow.start_at)
    # Members named as co-authors are invited, not made authors (rules.with_invitations).
    attributes["authors"] = stored_authors(attributes["authors"], principal.user_id)
    if find_similar is not None:
        try:
            attributes["similar"] = find_similar(attributes) or None
        except Exception:  # noqa: BLE001 - the entry is stored all the same; the index is an aid
            logger.exception("the near-duplicate check of a new initiative failed")
    first_queue, first_alarm = first_desk(workflow, unit, attributes["created_at"])
    try:
        return 201, store.create(attributes, principal, idem_key, idempotency.request_hash(body),
                                 lambda stored: present(stored, contacts=True), first_queue, first_alarm)
    except idempotency.Replay as replay:
        return replay.status, replay.body


def first_desk(workflow, unit, received: str) -> tuple:
    """Where a new initiative of `unit` received at `received` waits first
    (the unit whose reviewers see it, or None) and its deadlines' first
    alarm: what `create` stores, and the demo's bulk import too."""
    first_queue = engine.queue_unit(workflow, workflow.start_at, unit.path)
    entry = deadlines.on_entry(workflow, workflow.start_at, received if first_queue else None, received,
                               deadlines.parse(received))
    return first_queue, entry.next_alarm


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
                          author_ids=frozenset(rules.author_ids(data)), submitter_id=data["submitter_id"])


def caller_of(principal) -> engine.Caller:
    return engine.Caller(user_id=principal.user_id, roles=principal.roles, unit_id=principal.unit_id)


def read(submission_id: str, principal) -> dict:
    """GET /submissions/{id}: the initiative, with the events the caller may fire on it now."""
    _, data, subject = load(submission_id, principal)
    allowed = [{"event": t.event, "label": t.label, "input": t.input}
               for t in engine.allowed_events(definition.default(), caller_of(principal), subject)]
    return {**present(data, contacts=sees_contacts(principal, data, subject)), "allowed_events": allowed}


# ------------------------------------------------------------------ authors, invitations, contacts

CONTACTS = ("phone", "email")  # an author's contact details: shown only to who needs them to act


def sees_contacts(principal, data: dict, subject: engine.Subject | None = None) -> bool:
    """Whether the caller may see the authors' phones and emails: the authors
    themselves (the submitter and accepted co-authors), and the reviewers who
    may act on the initiative now (those of the unit whose queue it waits in).
    Leaders, admins, other reviewers and members named but not accepting get
    the initiative without them."""
    subject = subject or subject_of(data)
    return principal.user_id in subject.author_ids or engine.acts_on_it_now(
        definition.default(), caller_of(principal), subject)


def stored_authors(authors: list, submitter_id: str, before: list | None = None) -> list:
    """The authors as stored, with each named member's invitation (kept from
    `before`, the stored authors, on an edit): one BatchGetItem of the users
    named besides the submitter, none when nobody else is named."""
    # The submitter naming themself is no invitation: only others are looked up (a solo entry reads nothing).
    users = catalog.users(a.get("member_id") for a in authors if a.get("member_id") != submitter_id)
    return rules.with_invitations(authors, submitter_id, users, before)


def invitation(submission_id: str, principal) -> dict:
    """GET /submissions/{id}/invitation: the caller's own invitation to
    co-author, with just enough to decide (title, code, unit, who entered it),
    never the content or anyone's contact details. NotFound when the caller
    was not named (whoever else was, and whether the initiative exists, stays
    unsaid)."""
    record = store.get(submission_id)
    data = store.plain(record) if record is not None else None
    if data is None or rules.invitation_of(data, principal.user_id) is None:
        raise NotFound()
    return invitation_view(data, principal.user_id)


def invitation_view(data: dict, user_id: str) -> dict:
    submitter = catalog.users([data["submitter_id"]]).get(data["submitter_id"])
    return {"submission_id": data["id"], "code": data["code"], "title": data["title"],
            "unit_id": data["unit_id"], "unit_name": unit_name(data["unit_id"]),
            "submitted_by": submitter.full_name if submitter else data["submitter_id"],
            "status": data["status"], "status_name": state_name(data["status"]),
            "invitation": rules.invitation_of(data, user_id)}


def my_invitations(principal, submission_ids) -> dict:
    """{submission id: the caller's answer (invited, accepted, declined)} for
    those of `submission_ids` that name them (the notifications page shows
    accept and decline only while they are open): one BatchGetItem."""
    found = {}
    for sid, record in store.get_many(submission_ids).items():
        answer = rules.invitation_of(store.plain(record), principal.user_id)
        if answer:
            found[sid] = answer
    return found


ANSWER_ATTEMPTS = 5


def answer_invitation(submission_id: str, principal, raw_body) -> dict:
    """POST /submissions/{id}/invitation {"answer": "accept" | "decline"}:
    the caller answers their own invitation. Accepting makes them an author
    (and puts the initiative on their "my initiatives"); declining leaves them
    without any right on it. The same answer again is answered as the first
    time (a double tap); the other answer after one was given is a Conflict.
    Written with the initiative's version as condition, so an answer racing
    an author's edit of the list is decided on what was really stored."""
    body = validation.normalized("invitation-answer", raw_body)
    wanted = rules.ANSWERS[body["answer"]]
    for attempt in range(ANSWER_ATTEMPTS):
        record = store.get(submission_id)
        data = store.plain(record) if record is not None else None
        now = rules.invitation_of(data, principal.user_id) if data else None
        if now is None:
            raise NotFound()
        if now == wanted:
            return invitation_view(data, principal.user_id)
        if now != rules.INVITED:
            raise Conflict([Problem("/answer", "invitation_answered", {"answer": now})])
        try:
            after = store.answer_invitation(record, principal, wanted)
            return invitation_view(after, principal.user_id)
        except store.Raced:
            continue  # someone changed the initiative meanwhile: read it again and decide again
    raise store.lost_race(submission_id)


def list_mine(principal, params: dict) -> dict:
    """GET /me/submissions: one page of the caller's initiatives, newest first:
    those they entered and those they accepted to co-author (`coauthor`: true)."""
    params = validation.normalized("list-query", params)
    items, next_cursor = store.list_by_submitter(principal.user_id, int(params.get("limit", "20")),
                                                 params.get("cursor"))
    return {"items": [dict(summary(store.plain(item)), **({"coauthor": True} if coauthored else {}))
                      for item, coauthored in items], "next_cursor": next_cursor}


def unit_name(unit_id: str) -> str | None:
    unit = catalog.unit(unit_id)
    return unit.name if unit else None


def state_name(state: str) -> dict:
    """A state's name in both languages, from the workflow definition."""
    known = definition.default().states.get(state)
    return dict(known.title) if known else {"vi": state, "en": state}


def present(data: dict, contacts: bool = False) -> dict:
    """An initiative as the API returns it; the authors' phones and emails
    only with `contacts` (see `sees_contacts`)."""
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
        "authors": [{k: v for k, v in author.items() if v is not None and (contacts or k not in CONTACTS)}
                    for author in data["authors"]],
        "publish_consent": bool(data.get("publish_consent")),
        **({"similar": [{"id": found["id"], "score": float(found["score"]), "same_unit": bool(found["same_unit"])}
                        for found in data["similar"]]} if data.get("similar") else {}),
        **({"recognized_at": data["recognized_at"]} if data.get("recognized_at") else {}),
        "submitter_id": data["submitter_id"],
        "created_at": data["created_at"], "updated_at": data["updated_at"], "version": int(data["version"]),
        **clock_of(data),
    }


def clock_of(data: dict) -> dict:
    """An initiative's deadlines as people see them: `waiting_since` (came to
    the desk it waits at), `due_at` (that wait's deadline), `decision_due_at`
    (the whole review's, from receipt) and `overdue_since`; None where none
    applies. Derived from what is stored (the queue key's time, the
    definition), so nothing is stored twice."""
    workflow = definition.default()
    since = store.waiting_since(data["queue_sk"]) if data.get("queue_sk") else None
    return {"waiting_since": since, "due_at": deadlines.due_at(workflow, data["status"], since),
            "decision_due_at": deadlines.decision_due_at(workflow, data["created_at"], data["status"]),
            "overdue_since": data.get("overdue_since")}


def summary(data: dict) -> dict:
    """An initiative in a list: enough to show a row and open it."""
    return {
        "id": data["id"], "code": data["code"], "title": data["title"], "status": data["status"],
        "status_name": state_name(data["status"]), "phase": data["phase_id"],
        "program_id": data["program_id"], "unit_id": data["unit_id"], "subject_group": data["subject_group"],
        "field": data["field"], "created_at": data["created_at"], "updated_at": data["updated_at"],
        "version": int(data["version"]), **clock_of(data),
    }
