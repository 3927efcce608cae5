"""The review workflow's operations: fire an event, decide many at once, read
the history, read a unit's queue, and let authors edit a returned initiative.

Each validates its request whole (the schema and what the event takes, every
problem at once), authorises through the workflow engine, and writes through
the initiatives' store: one transaction per initiative.
"""
import re

from chalicelib import clock, idempotency, validation
from chalicelib.dynamo_json import plain
from chalicelib.errors import DomainError, Forbidden, Invalid, Malformed, Problem
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
                      waiting_since=since,
                      deadlines=store.deadline_keys(record.id, entry.next_alarm, deadlines.stamp(entry.overdue_since),
                                                    above),
                      # The reviewers' findings stay on the initiative (counters and award lists read them there).
                      changes={name: decision.input[name] for name in FINDINGS if name in decision.input})


def decide_many(principal, raw_body) -> dict:
    """POST /queue/decisions: one event, with one input, on up to 100
    initiatives. The request and the input its event takes are checked once,
    every problem at once (Invalid); then each initiative is decided on its
    own: {"results": [{"id", "submission"} or {"id", "error"}]}, in order."""
    workflow = definition.default()
    body, found = validation.checked("decisions-request", raw_body)
    event = body.get("event") if isinstance(body, dict) else None
    transition = workflow.transitions.get(event) if isinstance(event, str) else None
    if transition is not None:  # an unknown event is refused per initiative, like every other refusal
        found += [p for p in engine.check_input(transition, engine.payload_of(body)) if p not in found]
    if found:
        raise Invalid(found)
    shared = {k: v for k, v in body.items() if k != "items"}
    results = []
    for item in body["items"]:
        one = {**shared, "expected_version": item["expected_version"]}
        # "~" cannot appear in a client token, so a batch item's token never meets a single request's.
        token = f"{body['client_token']}~{item['id']}" if body.get("client_token") else None
        try:
            _, answer = _fire(item["id"], principal, one, token)
            results.append({"id": item["id"], "submission": answer["submission"]})
        except DomainError as error:
            results.append({"id": item["id"], "error": error})
    return {"results": results}


# ------------------------------------------------------------------ reading

def history(submission_id: str, principal) -> dict:
    """GET /submissions/{id}/history: every event, oldest first."""
    submissions.load(submission_id, principal)
    return {"items": [event_json(event) for event in store.history(submission_id)]}


def queue(principal, params: dict) -> dict:
    """GET /queue: what waits for the caller's unit, phase by phase, oldest
    first; every filter alone is a key range (store.queue_page), so a rare
    filter's pages are full and cost what an unfiltered page costs."""
    params = validation.normalized("queue-query", params)
    if not principal.has_role("reviewer"):
        raise Forbidden()
    from chalicelib.reference import catalog
    from chalicelib.review.queues import desk

    states = [state.name for state in desk(definition.default(), catalog.unit(principal.unit_id)).states]
    items, next_cursor = store.queue_page(principal.unit_id, states, params, int(params.get("limit", "50")),
                                          params.get("cursor"))
    return {"items": [dict(submissions.summary(store.plain(item)), waiting_since=store.waiting_since(item.queue_sk))
                      for item in items],
            "next_cursor": next_cursor}


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
