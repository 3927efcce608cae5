"""Applies a workflow decision to DynamoDB as ONE transaction.

- update the initiative `SUB#<id>`/`META`: new status, version + 1, next event
  sequence, queue keys moved (or removed); conditioned on the status AND the
  version the actor saw, so of two reviewers deciding at once exactly one wins;
- put the history event `SUB#<id>`/`EVT#<seq>`, conditioned on not existing, so
  the sequence has no gaps and no event is written twice;
- put the idempotency record of the client token, if one was sent.
"""
from chalicelib import clock, idempotency
from chalicelib.errors import ApiError, Problem
from chalicelib.workflow import engine

SCOPE = "transition"
# Event input kept on the initiative itself, not only in its history.
RECORDED_INPUT = ("scores", "confirmed_benefit_vnd")


def event_key(seq: int) -> str:
    return f"EVT#{seq:06d}"


def still_in(state: str):
    """The initiative is still in the state the decision was made from."""
    from chalicelib.tables import SubmissionRecord
    return SubmissionRecord.status == state


def apply(record, decision: engine.Decision, caller, client_token: str | None, body_hash: str, present):
    """Write the decision; return the response body. Raises ApiError(409) when
    someone else changed the initiative first, idempotency.Replay for a token
    used before."""
    from pynamodb.exceptions import TransactWriteError
    from pynamodb.transactions import TransactWrite

    from chalicelib.submissions.store import queue_keys
    from chalicelib.tables import HistoryEvent, SubmissionRecord

    now = clock.timestamp()
    seq = int(record.last_event_seq) + 1
    event = HistoryEvent(
        pk=record.pk, sk=event_key(seq), submission_id=record.id, seq=seq, event=decision.event,
        from_state=decision.from_state, to_state=decision.to_state, actor_id=caller.user_id,
        actor_roles=sorted(caller.roles), actor_unit=caller.unit_id, at=now, input=decision.input,
        effects=list(decision.effects), client_token=client_token)
    queue = queue_keys(decision.queue_unit, now, record.id)
    actions = [SubmissionRecord.status.set(decision.to_state), SubmissionRecord.updated_at.set(now),
               SubmissionRecord.last_event_seq.set(seq)]
    if queue:
        actions += [SubmissionRecord.queue_pk.set(queue["queue_pk"]), SubmissionRecord.queue_sk.set(queue["queue_sk"])]
    else:
        actions += [SubmissionRecord.queue_pk.remove(), SubmissionRecord.queue_sk.remove()]
    # The reviewers' findings stay on the initiative (counters and award lists read them there).
    findings = {name: decision.input[name] for name in RECORDED_INPUT if name in decision.input}
    actions += [getattr(SubmissionRecord, name).set(value) for name, value in findings.items()]
    after = dict(record.attribute_values, status=decision.to_state, updated_at=now,
                 version=int(record.version) + 1, last_event_seq=seq, **findings)
    response = present(after, event)
    try:
        with TransactWrite(connection=SubmissionRecord._get_connection().connection) as transaction:
            transaction.save(event, condition=HistoryEvent.pk.does_not_exist())  # put #0
            if client_token:
                idempotency.add_to(transaction, caller.user_id, f"{SCOPE} {record.id}", client_token, body_hash,
                                   200, response, now)  # put #1
            # PynamoDB adds "version = <the version read>" to this condition (VersionAttribute).
            transaction.update(record, actions, condition=still_in(decision.from_state))
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        codes = [reason.code if reason else None for reason in reasons]
        if client_token and len(codes) > 1 and codes[1] == "ConditionalCheckFailed":
            raise idempotency.replay(reasons[1].raw_item, caller.user_id, f"{SCOPE} {record.id}", client_token,
                                     body_hash)
        if "ConditionalCheckFailed" in codes or "TransactionConflict" in codes:
            raise lost_race(record.id)
        raise
    return response


def lost_race(submission_id: str) -> ApiError:
    """409 after another decision won the race: read what it left (one GetItem)."""
    from chalicelib.submissions.store import get

    current = get(submission_id)
    return ApiError(409, [Problem("", "stale_version")],
                    {"current": {"status": current.status, "version": int(current.version)}})


def history(submission_id: str) -> list:
    """An initiative's events, oldest first: one Query (pages followed if long)."""
    from chalicelib.tables import HistoryEvent

    return list(HistoryEvent.query(f"SUB#{submission_id}", HistoryEvent.sk.startswith("EVT#"),
                                   consistent_read=True))


def queue_page(unit_id: str, filters: dict, limit: int, cursor: str | None):
    """One page of what waits for `unit_id`'s reviewers, oldest first: ONE Query
    on the `queue` index, whose partition is exactly the caller's scope. The
    optional filters (state, phase, subject group, field) narrow that page, so a
    filtered page may hold fewer than `limit` items; follow `next_cursor`."""
    from chalicelib.submissions.store import decode_cursor, encode_cursor
    from chalicelib.tables import SubmissionRecord

    start = decode_cursor(cursor) if cursor else None
    if start and start.get("queue_pk", {}).get("S") != f"QUEUE#{unit_id}":
        raise ApiError(400, [Problem("/cursor", "invalid_cursor")])
    condition = None
    for name, attribute in (("state", SubmissionRecord.status), ("phase", SubmissionRecord.phase_id),
                            ("subject_group", SubmissionRecord.subject_group), ("field", SubmissionRecord.field)):
        if filters.get(name):
            part = attribute == filters[name]
            condition = part if condition is None else condition & part
    pages = SubmissionRecord.queue.query(f"QUEUE#{unit_id}", filter_condition=condition, page_size=limit,
                                         last_evaluated_key=start).page_iter
    page = next(pages)  # exactly one Query: DynamoDB's Limit caps what it reads
    items = [SubmissionRecord.from_raw_data(raw) for raw in page.get("Items", [])]
    return items, encode_cursor(pages.last_evaluated_key)


def edit(record, body: dict, caller, present) -> dict:
    """An author's edit: the initiative's fields replaced and an "edited" event
    appended, in one transaction conditioned on the version and state read."""
    from pynamodb.exceptions import TransactWriteError
    from pynamodb.transactions import TransactWrite

    from chalicelib.tables import Author, HistoryEvent, SubmissionRecord

    now = clock.timestamp()
    seq = int(record.last_event_seq) + 1
    event = HistoryEvent(
        pk=record.pk, sk=event_key(seq), submission_id=record.id, seq=seq, event="edited",
        from_state=record.status, to_state=record.status, actor_id=caller.user_id,
        actor_roles=sorted(caller.roles), actor_unit=caller.unit_id, at=now, input={}, effects=[])
    fields = ("title", "subject_group", "field", "problem", "solution", "results", "applied_where",
              "applied_from", "benefit_vnd")
    actions = [SubmissionRecord.updated_at.set(now), SubmissionRecord.last_event_seq.set(seq),
               SubmissionRecord.authors.set([Author(**a) for a in body["authors"]])]
    for name in fields:
        attribute = getattr(SubmissionRecord, name)
        actions.append(attribute.set(body[name]) if body.get(name) is not None else attribute.remove())
    after = dict(record.attribute_values, **{f: body.get(f) for f in fields}, authors=body["authors"],
                 updated_at=now, version=int(record.version) + 1, last_event_seq=seq)
    try:
        with TransactWrite(connection=SubmissionRecord._get_connection().connection) as transaction:
            transaction.save(event, condition=HistoryEvent.pk.does_not_exist())
            transaction.update(record, actions, condition=still_in(record.status))
    except TransactWriteError as error:
        if any(r and r.code in ("ConditionalCheckFailed", "TransactionConflict")
               for r in error.cancellation_reasons or []):
            raise lost_race(record.id)
        raise
    return present(after, event)
