"""Idempotency records: a retried request answers what the first one did.
This module owns the idempotency table.

The record is written in the SAME transaction as the change it guards (the
action named "idempotency"), conditioned on not existing. A retry's
transaction is then cancelled by that condition and DynamoDB hands back the old
record (ReturnValuesOnConditionCheckFailure), so the happy path costs no extra
read.
"""
import hashlib
import json
import zlib
from datetime import timedelta

from chalicelib import settings
from chalicelib.errors import Invalid, Problem

ACTION = "idempotency"  # the record's action in a transaction


class Replay(Exception):
    """The key was used before with the same request: `status` and `body` are the first answer."""

    def __init__(self, status: int, body: dict):
        self.status, self.body = status, body


def request_hash(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def record_key(user_id: str, scope: str, key: str) -> str:
    """Keys are per caller and per operation: one person's key never answers another's request."""
    return f"{user_id}#{scope}#{key}"


def key_is_new():
    """Closes: two requests racing with one key both acting. The second one's
    whole transaction is cancelled here, and it answers as a replay of the first."""
    from chalicelib.tables import IdempotencyRecord
    return IdempotencyRecord.key.does_not_exist()


def add_to(transaction, user_id: str, scope: str, key: str, body_hash: str, status: int, response: dict,
           created_at: str) -> None:
    """Put the record in `transaction` (a tables.Transaction); a second request with the key cancels it."""
    from chalicelib.tables import IdempotencyRecord

    transaction.put(ACTION, IdempotencyRecord(
        key=record_key(user_id, scope, key), request_hash=body_hash, status_code=status,
        response_z=zlib.compress(json.dumps(response, ensure_ascii=False, separators=(",", ":")).encode(), 9),
        created_at=created_at,
        expires_at=timedelta(seconds=settings.idempotency_ttl_seconds())),
        condition=key_is_new(), return_old_on_failure=True)


def raise_if_replayed(cancelled, user_id: str, scope: str, key: str | None, body_hash: str) -> None:
    """After a cancelled transaction (tables.Cancelled): if the key had been
    used, raise what answers the request (Replay, or Invalid when the body differs)."""
    if key and cancelled.failed(ACTION):
        raise replay(cancelled.items.get(ACTION), user_id, scope, key, body_hash)


def replay(raw_item, user_id: str, scope: str, key: str, body_hash: str) -> Exception:
    """The exception to raise for a replayed key: Replay, or Invalid when the body differs."""
    from chalicelib.tables import IdempotencyRecord

    if raw_item:
        record = IdempotencyRecord.from_raw_data(raw_item)
    else:  # an emulator that does not hand back the old item
        record = IdempotencyRecord.get(record_key(user_id, scope, key), consistent_read=True)
    if record.request_hash != body_hash:
        return Invalid([Problem("", "idempotency_key_reused")])
    return Replay(int(record.status_code), json.loads(zlib.decompress(record.response_z)))


def lookup(user_id: str, scope: str, key: str, body_hash: str) -> Exception | None:
    """A replay for `key` if one was recorded (one GetItem), else None."""
    from chalicelib.tables import IdempotencyRecord

    try:
        record = IdempotencyRecord.get(record_key(user_id, scope, key), consistent_read=True)
    except IdempotencyRecord.DoesNotExist:
        return None
    return replay(record.serialize(), user_id, scope, key, body_hash)
