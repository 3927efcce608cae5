"""Writes and reads initiatives in DynamoDB.

A new initiative is ONE TransactWriteItems call: the initiative, its first
history event, its tracking-code claim and (when the caller sent an
Idempotency-Key) the idempotency record. Every part is conditioned on not
existing yet, so a retry can never store a second copy.
"""
import base64
import json
import time

from chalicelib import idempotency
from chalicelib.errors import ApiError, Problem
from chalicelib.submissions.identifiers import new_tracking_code

SUBMITTED_EVENT = "submitted"
SCOPE = "POST /submissions"
MAX_ATTEMPTS = 5


def queue_keys(unit_id: str | None, entered_at: str, submission_id: str) -> dict:
    """The `queue` index keys: waiting for `unit_id`'s reviewers since `entered_at`."""
    if unit_id is None:
        return {}
    return {"queue_pk": f"QUEUE#{unit_id}", "queue_sk": f"{entered_at}#{submission_id}"}


def create(attributes: dict, principal, idem_key: str | None, body_hash: str, present, queue_unit) -> dict:
    """Store a new initiative; return its presented form. It waits in the
    queue of `queue_unit` (resolved by the workflow for its first state).

    `present` turns stored attributes into the response body, which is also
    what the idempotency record keeps. Raises Replay when `idem_key` was used.
    """
    from pynamodb.exceptions import TransactWriteError
    from pynamodb.transactions import TransactWrite

    from chalicelib.tables import Author, HistoryEvent, SubmissionRecord, TrackingCode

    for attempt in range(MAX_ATTEMPTS):
        attributes = dict(attributes, code=attributes["code"] if attempt == 0 else new_tracking_code())
        sub_id, created_at = attributes["id"], attributes["created_at"]
        record = SubmissionRecord(
            pk=f"SUB#{sub_id}", sk="META", last_event_seq=1,
            submitter_pk=f"USER#{principal.user_id}", submitter_sk=f"{created_at}#{sub_id}",
            **queue_keys(queue_unit, created_at, sub_id),
            **{k: v for k, v in attributes.items() if v is not None and k != "authors"},
            authors=[Author(**author) for author in attributes["authors"]])
        event = HistoryEvent(
            pk=f"SUB#{sub_id}", sk="EVT#000001", submission_id=sub_id, seq=1, event=SUBMITTED_EVENT,
            from_state=None, to_state=attributes["status"], actor_id=principal.user_id,
            actor_roles=sorted(principal.roles), actor_unit=principal.unit_id, at=created_at,
            input={}, effects=[], client_token=idem_key)
        claim = TrackingCode(pk=f"CODE#{attributes['code']}", sk="CODE", submission_id=sub_id)
        response = present(attributes | {"version": 1})
        try:
            with TransactWrite(connection=SubmissionRecord._get_connection().connection) as transaction:
                # New ids are random, so these conditions only fail on a code collision
                # or a replayed Idempotency-Key; they make sure neither overwrites.
                transaction.save(record, condition=SubmissionRecord.pk.does_not_exist())
                transaction.save(event, condition=HistoryEvent.pk.does_not_exist())
                transaction.save(claim, condition=TrackingCode.pk.does_not_exist())
                if idem_key:
                    idempotency.add_to(transaction, principal.user_id, SCOPE, idem_key, body_hash, 201, response,
                                       created_at)
            return response
        except TransactWriteError as error:
            codes = [reason.code if reason else "None" for reason in (error.cancellation_reasons or [])]
            if len(codes) > 3 and codes[3] == "ConditionalCheckFailed":
                raise idempotency.replay(error.cancellation_reasons[3].raw_item, principal.user_id, SCOPE, idem_key,
                                         body_hash)
            if "TransactionConflict" in codes or codes[2:3] == ["ConditionalCheckFailed"]:
                time.sleep(0.02 * (attempt + 1))
                continue
            raise
    raise ApiError(503, [Problem("", "busy")])


def get(submission_id: str):
    """The stored initiative or None: one GetItem (strongly consistent, so an
    author reading right after submitting sees it)."""
    from chalicelib.tables import SubmissionRecord

    try:
        return SubmissionRecord.get(f"SUB#{submission_id}", "META", consistent_read=True)
    except SubmissionRecord.DoesNotExist:
        return None


def list_by_submitter(user_id: str, limit: int, cursor: str | None):
    """One page of a person's initiatives, newest first: one Query on `by_submitter`."""
    from chalicelib.tables import SubmissionRecord

    start = decode_cursor(cursor) if cursor else None
    if start and start.get("submitter_pk", {}).get("S") != f"USER#{user_id}":
        raise ApiError(400, [Problem("/cursor", "invalid_cursor")])
    result = SubmissionRecord.by_submitter.query(
        f"USER#{user_id}", scan_index_forward=False, limit=limit, page_size=limit,
        last_evaluated_key=start)
    items = list(result)
    return items, encode_cursor(result.last_evaluated_key)


def encode_cursor(key: dict | None) -> str | None:
    if not key:
        return None
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict:
    """The DynamoDB key a cursor stands for; a 400 when it was not one of ours."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if isinstance(key, dict) and all(isinstance(v, dict) and set(v) == {"S"} for v in key.values()):
            return key
    except ValueError:
        pass
    raise ApiError(400, [Problem("/cursor", "invalid_cursor")])


def record_attributes(record) -> dict:
    """A stored initiative as a plain dict (the input of `present`)."""
    return record_attributes_of(record.attribute_values)


def record_attributes_of(values: dict) -> dict:
    """Stored attribute values as plain Python: authors as dicts, money as int."""
    data = dict(values)
    data["authors"] = [a.as_dict() if hasattr(a, "as_dict") else dict(a) for a in data.get("authors", [])]
    if data.get("benefit_vnd") is not None:
        data["benefit_vnd"] = int(data["benefit_vnd"])
    return data
