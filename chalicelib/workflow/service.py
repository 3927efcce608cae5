"""The review workflow's operations: fire an event, decide many at once, read
the history, read a unit's queue, and let authors edit a returned initiative."""
import re

from chalicelib import idempotency, validation
from chalicelib.dynamo_json import plain
from chalicelib.errors import ApiError, Problem, forbidden
from chalicelib.submissions import service as submissions
from chalicelib.submissions import store as submission_store
from chalicelib.workflow import definition, engine, store

# The version the author saw, as GET /submissions/{id} gave it in ETag: "7" (or W/"7").
IF_MATCH = re.compile(r'^(?:W/)?"?([0-9]{1,9})"?$', re.ASCII)


def event_json(event) -> dict:
    data = event if isinstance(event, dict) else event.attribute_values
    return {"seq": int(data["seq"]), "event": data["event"], "from": data.get("from_state"),
            "to": data["to_state"], "actor": {"id": data["actor_id"], "roles": list(data["actor_roles"]),
                                               "unit_id": data["actor_unit"]},
            "at": data["at"], "input": plain(data.get("input") or {}), "effects": list(data.get("effects") or [])}


def fire(submission_id: str, principal, raw_body) -> tuple[int, dict]:
    """POST /submissions/{id}/transitions."""
    body = validation.normalized("transition-request", raw_body, status=422)
    return _fire(submission_id, principal, body, body.get("client_token"))


def _fire(submission_id, principal, body, client_token) -> tuple[int, dict]:
    try:
        return 200, _decide_and_apply(submission_id, principal, body, client_token)
    except idempotency.Replay as replay:
        return replay.status, replay.body


def _decide_and_apply(submission_id, principal, body, client_token) -> dict:
    record, _, subject = submissions.load(submission_id, principal)
    payload = {k: body[k] for k in definition.INPUT_FIELDS if k in body}
    body_hash = idempotency.request_hash({"id": submission_id, **body})
    scope = f"{store.SCOPE} {submission_id}"
    try:
        decision = engine.decide(definition.default(), subject, submissions.caller_of(principal), body["event"], payload,
                                 body["expected_version"])
    except ApiError as error:
        # A retried request whose first try already moved the initiative: answer as then.
        if error.status == 409 and client_token:
            earlier = idempotency.lookup(principal.user_id, scope, client_token, body_hash)
            if earlier is not None:
                raise earlier
        raise

    def present(after, event):
        return {"submission": submissions.present(submission_store.record_attributes_of(after)),
                "event": event_json(event)}
    return store.apply(record, decision, principal, client_token, body_hash, present)


def decide_many(principal, raw_body) -> dict:
    """POST /queue/decisions: one event on up to 100 initiatives, a result each."""
    body = validation.normalized("decisions-request", raw_body, status=422)
    shared = {k: v for k, v in body.items() if k != "items"}
    results = []
    for item in body["items"]:
        one = {**shared, "expected_version": item["expected_version"]}
        # "~" cannot appear in a client token, so a batch item's token never meets a single request's.
        token = f"{body['client_token']}~{item['id']}" if body.get("client_token") else None
        try:
            status, answer = _fire(item["id"], principal, one, token)
            results.append({"id": item["id"], "status": status, "submission": answer["submission"]})
        except ApiError as error:
            results.append({"id": item["id"], "status": error.status, "error": error})
    return {"results": results}


def history(submission_id: str, principal) -> dict:
    """GET /submissions/{id}/history: every event, oldest first."""
    submissions.load(submission_id, principal)
    return {"items": [event_json(event) for event in store.history(submission_id)]}


def queue(principal, params: dict) -> dict:
    """GET /queue: what waits for the caller's unit, oldest first, one Query per page."""
    if not principal.has_role("reviewer"):
        raise forbidden()
    items, next_cursor = store.queue_page(principal.unit_id, params, int(params.get("limit", "50")),
                                          params.get("cursor"))
    return {"items": [dict(submissions.summary(submission_store.record_attributes(item)),
                           waiting_since=item.queue_sk.rsplit("#", 1)[0]) for item in items],
            "next_cursor": next_cursor}


def edit(submission_id: str, principal, raw_body, if_match: str | None) -> dict:
    """PUT /submissions/{id}: an author edits an initiative in a state the
    definition lets authors edit (needs_revision), with the same validation as
    entering it. Recorded as an "edited" history event."""
    record, _, subject = submissions.load(submission_id, principal)
    if principal.user_id not in subject.author_ids:
        raise forbidden()
    state = definition.default().states.get(record.status)
    if not state or not state.author_may_edit:
        raise ApiError(409, [Problem("", "not_editable")],
                       {"current": {"status": record.status, "version": int(record.version)}})
    body = submissions.checked(raw_body, record.program_id)[0]
    if body["unit_id"] != record.unit_id:
        raise ApiError(422, [Problem("/unit_id", "unit_cannot_change")])
    expected = int(record.version)
    if if_match is not None:
        match = IF_MATCH.match(if_match.strip())
        if not match:
            raise ApiError(400, [Problem("", "invalid_if_match")])
        expected = int(match.group(1))
    if expected != int(record.version):
        raise store.lost_race(submission_id)
    return store.edit(record, body, principal, lambda after, event: submissions.present(
        submission_store.record_attributes_of(after)))
