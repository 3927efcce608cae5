"""The review workflow's operations: fire an event, decide many at once, read
the history, read a unit's queue, and let authors edit a returned initiative.

Each validates its request whole (the schema and what the event takes, every
problem at once), authorises through the workflow engine, and writes through
the initiatives' store: one transaction per initiative.
"""
import re
from datetime import timedelta

from chalicelib import clock, idempotency, validation
from chalicelib.dynamo_json import plain
from chalicelib.errors import Conflict, DomainError, Forbidden, Invalid, Malformed, NotFound, Problem
from chalicelib.submissions import service as submissions
from chalicelib.submissions import rules, store
from chalicelib.submissions.rules import EDITABLE
from chalicelib.workflow import deadlines, definition, engine
from chalicelib.workflow.definition import EDITED, FINDINGS
from chalicelib.workflow.exceptions import StateChanged

SCOPE = "transition"  # of the idempotency records of client tokens
# The version the author saw, as GET /submissions/{id} gave it in ETag: "7" (or W/"7").
IF_MATCH = re.compile(r'^(?:W/)?"?([0-9]{1,9})"?$', re.ASCII)


def event_json(event) -> dict:
    """A history event as the API shows it."""
    data = event if isinstance(event, dict) else event.attribute_values
    return {"seq": int(data["seq"]), "event": data["event"], "from": data.get("from_state"),
            "to": data["to_state"], "actor": {"id": data["actor_id"], "roles": list(data["actor_roles"]),
                                               "unit_id": data["actor_unit"]},
            "at": data["at"], "input": plain(data.get("input") or {}), "effects": list(data.get("effects") or [])}


# ------------------------------------------------------------------ transitions

def fire(submission_id: str, principal, raw_body) -> tuple[int, dict]:
    """POST /submissions/{id}/transitions: (status, answer). Refusals, in
    order: Invalid (the request and the input its event takes, every problem
    at once), NotFound, Forbidden (not the caller's to see or to fire),
    StateChanged (someone decided first)."""
    workflow = definition.default()
    body, found = validation.checked("transition-request", raw_body)
    found += [p for p in engine.input_problems(workflow, body) if p not in found]
    if found:
        raise Invalid(found)
    return _fire(submission_id, principal, body, body.get("client_token"))


def _fire(submission_id, principal, body, client_token) -> tuple[int, dict]:
    try:
        return 200, _decide_and_apply(submission_id, principal, body, client_token)
    except idempotency.Replay as replay:
        return replay.status, replay.body


def _decide_and_apply(submission_id, principal, body, client_token) -> dict:
    record, _, subject = submissions.load(submission_id, principal)
    body_hash = idempotency.request_hash({"id": submission_id, **body})
    scope = f"{SCOPE} {submission_id}"
    try:
        decision = engine.decide(definition.default(), subject, submissions.caller_of(principal), body["event"],
                                 engine.payload_of(body), body["expected_version"])
    except StateChanged:
        # A retried request whose first try already moved the initiative: answer as then.
        if client_token:
            earlier = idempotency.lookup(principal.user_id, scope, client_token, body_hash)
            if earlier is not None:
                raise earlier
        raise
    step = step_of(definition.default(), record, subject, decision)

    def respond(after, event):
        after = store.plain_values(after)
        return {"submission": submissions.present(after, contacts=submissions.sees_contacts(principal, after)),
                "event": event_json(event)}
    return store.append_event(record, step, principal, respond, client_token=client_token, idempotency_scope=scope,
                              body_hash=body_hash)


def step_of(workflow, record, subject, decision, now=None) -> store.Step:
    """What a transition the engine decided writes: the new state, the input,
    the effects, the reviewers' findings, the queue it waits in next and its
    deadlines there. Moving between two states of one desk (valid →
    under_review) the wait goes on: its clock keeps the day it came."""
    now = now or clock.now()
    same_desk = bool(decision.queue_unit) and store.queue_unit_of(record) == decision.queue_unit
    since = store.waiting_since(record.queue_sk) if same_desk else None
    waiting = (since or clock.timestamp(now)) if decision.queue_unit else None
    entry = deadlines.on_entry(workflow, decision.to_state, waiting, record.created_at, now)
    above = engine.unit_above(subject.unit_path, decision.queue_unit) if entry.escalates else None
    return store.Step(event=decision.event, to_state=decision.to_state, input=decision.input,
                      effects=decision.effects, moves_queue=True, queue_unit=decision.queue_unit,
                      waiting_since=since, recognized=workflow.states[decision.to_state].recognized,
                      deadlines=store.deadline_keys(record.id, entry.next_alarm, deadlines.stamp(entry.overdue_since),
                                                    above),
                      # The reviewers' findings stay on the initiative (counters and award lists read them there).
                      changes={name: decision.input[name] for name in FINDINGS if name in decision.input})


def decide_many(principal, raw_body) -> dict:
    """POST /queue/decisions: one event on up to 100 initiatives, with input
    shared by all of them and/or each item's own (`reason`, `scores`,
    `confirmed_benefit_vnd` on an item override the shared ones for it). The
    request and the input its event takes are checked for every item before
    anything is decided, every problem at once (Invalid), a field missing or
    refused on one item named as /items/<i>/<field>; then each initiative is
    decided on its own: {"results": [{"id", "submission"} or {"id", "error"}]},
    in order."""
    workflow = definition.default()
    body, found = validation.checked("decisions-request", raw_body)
    event = body.get("event") if isinstance(body, dict) else None
    transition = workflow.transitions.get(event) if isinstance(event, str) else None
    items = body.get("items") if isinstance(body, dict) else None
    if transition is not None and isinstance(items, list):
        # An unknown event is refused per initiative, like every other refusal.
        found += [p for p in batch_input_problems(transition, body, items) if p not in found]
    if found:
        raise Invalid(found)
    shared = {k: v for k, v in body.items() if k != "items"}
    results = []
    for item in body["items"]:
        one = {**shared, **engine.payload_of(item), "expected_version": item["expected_version"]}
        # "~" cannot appear in a client token, so a batch item's token never meets a single request's.
        token = f"{body['client_token']}~{item['id']}" if body.get("client_token") else None
        try:
            _, answer = _fire(item["id"], principal, one, token)
            results.append({"id": item["id"], "submission": answer["submission"]})
        except DomainError as error:
            results.append({"id": item["id"], "error": error})
    return {"results": results}


def batch_input_problems(transition, body: dict, items: list) -> list:
    """What the event needs and lacks, or does not take, for each item with
    the shared input under its own. A problem of the shared input is named
    once at its field (/reason: none of the items has its own); one of an
    item's own input, or a field some items carry and this one lacks, at
    /items/<i>/<field>."""
    shared = engine.payload_of(body)
    own = [engine.payload_of(item) if isinstance(item, dict) else {} for item in items]
    anyone_has = {name for given in own for name in given}
    problems = []

    def add(problem, path):
        found = Problem(path, problem.code, problem.params)
        if found not in problems:
            problems.append(found)
    for problem in engine.check_input(transition, shared):
        # Shared input the event does not take; what it needs that no item brings either.
        if problem.code == "not_accepted" or problem.path.lstrip("/") not in anyone_has:
            add(problem, problem.path)
    for index, given in enumerate(own):
        for problem in engine.check_input(transition, {**shared, **given}):
            name = problem.path.lstrip("/")
            if name in (given if problem.code == "not_accepted" else anyone_has):
                add(problem, f"/items/{index}/{name}")
    return problems


# ------------------------------------------------------------------ reading

def history(submission_id: str, principal) -> dict:
    """GET /submissions/{id}/history: every event, oldest first."""
    submissions.load(submission_id, principal)
    return {"items": [event_json(event) for event in store.history(submission_id)]}


def queue(principal, params: dict) -> dict:
    """GET /queue: what waits for the caller's unit, with who handles what.

    In the queue's own order (phase by phase, oldest first; `sort=age` or no
    sort) without a search, every filter alone is a key range
    (store.queue_page), so a rare filter's pages are full and cost what an
    unfiltered page costs. A search (`q`: tracking code, title or an author's
    name, diacritics ignored) or another order (`sort=due|benefit`) reads the
    desk's queue under the filters whole, up to store.QUEUE_READ_CAP items,
    and pages through it in memory with an offset cursor; `complete` says
    whether the cap left anything unread. The unit's claims: one Query."""
    params = validation.normalized("queue-query", params)
    if not principal.has_role("reviewer"):
        raise Forbidden()
    from chalicelib.reference import catalog
    from chalicelib.review import queues

    unit_id = principal.unit_id
    states = [state.name for state in queues.desk(definition.default(), catalog.unit(unit_id)).states]
    limit, cursor = int(params.get("limit", "50")), params.get("cursor")
    query, sort = params.get("q"), params.get("sort", "age")
    extra = {}
    if not query and sort == "age":
        items, next_cursor = store.queue_page(unit_id, states, params, limit, cursor)
        rows = [queue_row(item) for item in items]
    else:
        view = _view(params)
        offset = store.offset_of(cursor, unit_id, view) if cursor else 0
        records, complete = store.queue_read(unit_id, states, params, store.QUEUE_READ_CAP)
        found = queues.ordered(queues.matching([queue_row(item) for item in records], query), sort)
        rows = found[offset:offset + limit]
        next_cursor = store.offset_cursor(unit_id, view, offset + limit) if offset + limit < len(found) else None
        extra = {"total": len(found), "complete": complete}
    held = store.claims(unit_id)
    for row in rows:
        if row["id"] in held:
            claim = held[row["id"]]
            row["claimed_by"] = {"id": claim["holder_id"], "name": claim["holder_name"], "until": claim["until"]}
    return {"items": rows, "next_cursor": next_cursor, **extra}


def queue_row(record) -> dict:
    """One initiative as the queue lists it: its summary, since when it waits,
    its estimated benefit and its authors' names (never their contacts)."""
    data = store.plain(record)
    return {**submissions.summary(data), "waiting_since": store.waiting_since(record.queue_sk),
            **({"benefit_vnd": data["benefit_vnd"]} if data.get("benefit_vnd") is not None else {}),
            "author_names": [author["full_name"] for author in data.get("authors") or []]}


def _view(params: dict) -> str:
    """A digest of what a queue read whole was searched, filtered and sorted by:
    its cursor serves that view only."""
    import hashlib

    named = {name: params.get(name) for name in ("q", "sort", *store.QUEUE_FILTERS, "limit")}
    return hashlib.sha256(repr(sorted(named.items())).encode()).hexdigest()[:12]


# ------------------------------------------------------------------ claims ("I'm handling this")

CLAIM_FOR = timedelta(hours=2)  # how long a reviewer's claim on a queue item holds unless taken again


def claim(submission_id: str, principal, raw_body=None) -> dict:
    """POST /submissions/{id}/claim: the caller handles this initiative, so
    colleagues see it is taken, until CLAIM_FOR from now (taking it again
    extends it). Only a reviewer of the unit whose queue holds it may
    (Forbidden); a colleague's live claim is a Conflict naming them. The body
    is empty (or {})."""
    validation.normalized("claim-request", {} if raw_body is None else raw_body)
    unit_id = _claimable(submission_id, principal)
    name = principal.name or _name_of(principal.user_id)
    try:
        held = store.take_claim(unit_id, submission_id, principal.user_id, name, clock.now() + CLAIM_FOR)
    except store.ClaimHeld as taken:
        raise _held(taken.claim) from None
    return {"submission_id": submission_id, "holder": {"id": held["holder_id"], "name": held["holder_name"]},
            "until": held["until"]}


def release(submission_id: str, principal) -> None:
    """DELETE /submissions/{id}/claim: the caller no longer handles it (done
    already when nobody does); a colleague's live claim is a Conflict."""
    unit_id = _claimable(submission_id, principal)
    try:
        store.release_claim(unit_id, submission_id, principal.user_id)
    except store.ClaimHeld as taken:
        raise _held(taken.claim) from None


def _claimable(submission_id: str, principal) -> str:
    """The unit whose queue holds the initiative, when the caller reviews there."""
    record = store.get(submission_id)
    if record is None:
        raise NotFound()
    unit_id = store.queue_unit_of(record)
    if not principal.has_role("reviewer") or unit_id is None or unit_id != principal.unit_id:
        raise Forbidden()
    return unit_id


def _held(claim: dict) -> Conflict:
    from chalicelib import formatting

    return Conflict([Problem("", "claimed_by_other", {"name": claim["holder_name"],
                                                      "until": formatting.when(claim["until"])})],
                    extra={"claimed_by": {"id": claim["holder_id"], "name": claim["holder_name"],
                                          "until": claim["until"]}})


def _name_of(user_id: str) -> str:
    from chalicelib.reference import catalog

    user = catalog.users([user_id]).get(user_id)
    return user.full_name if user else user_id


# ------------------------------------------------------------------ an author's edit

def edit(submission_id: str, principal, raw_body, if_match: str | None) -> dict:
    """PUT /submissions/{id}: an author edits an initiative in a state the
    definition lets authors edit, with the same checks as entering it (and its
    unit kept). Recorded as an "edited" history event."""
    record, _, subject = submissions.load(submission_id, principal)
    if principal.user_id not in subject.author_ids:
        raise Forbidden()
    state = definition.default().states.get(record.status)
    if not state or not state.author_may_edit:
        raise StateChanged("not_editable", record.status, record.version)
    body = submissions.checked(raw_body, entered=record)[0]
    expected = int(record.version)
    if if_match is not None:
        match = IF_MATCH.match(if_match.strip())
        if not match:
            raise Malformed([Problem("", "invalid_if_match")])
        expected = int(match.group(1))
    if expected != int(record.version):
        raise store.lost_race(submission_id)
    before = store.plain(record)
    # Members the edit names anew are invited; those it keeps keep their answer; accepted ones it drops lose
    # their rights and their link at once.
    authors = submissions.stored_authors(body["authors"], before["submitter_id"], before["authors"])
    after = dict(before, authors=authors)
    step = store.Step(event=EDITED, to_state=record.status,
                      changes={**{name: body.get(name) for name in EDITABLE}, "authors": authors},
                      invited=tuple(m for m in rules.invited_members(after) if rules.invitation_of(before, m) is None),
                      unlinked=tuple(sorted(rules.accepted_members(before) - rules.accepted_members(after))))
    return store.append_event(record, step, principal,
                              lambda after, event: submissions.present(store.plain_values(after), contacts=True))


def edit_and_send(submission_id: str, principal, raw_body, version: int, client_token: str) -> tuple[dict, str]:
    """The edit page's "send": save the author's changes (guarded by the
    version they saw), then fire the event the definition names for after an
    edit (`after_edit`: the default's "resubmit"), so the initiative goes back
    to its reviewers. Two writes: if the second fails, the edit stays saved.
    Returns (the initiative as it is after both, the event fired)."""
    edited = edit(submission_id, principal, raw_body, f'"{version}"')
    event = definition.default().after_edit(edited["status"]).event
    body = {"event": event, "expected_version": edited["version"], "client_token": client_token}
    _, answer = _fire(submission_id, principal, body, client_token)
    return answer["submission"], event
