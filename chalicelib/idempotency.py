"""Idempotency records: a retried request answers what the first one did.

The record is written in the SAME transaction as the change it guards,
conditioned on not existing. A retry's transaction is then cancelled by that
condition and DynamoDB hands back the old record (ReturnValuesOnCondition-
CheckFailure), so the happy path costs no extra read.
"""
import hashlib
import json
from datetime import timedelta

from chalicelib import settings
from chalicelib.errors import ApiError, Problem


class Replay(Exception):
    """The key was used before with the same request: `status` and `body` are the first answer."""

    def __init__(self, status: int, body: dict):
        self.status, self.body = status, body


def request_hash(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def record_key(user_id: str, scope: str, key: str) -> str:
    """Keys are per caller and per operation: one person's key never answers another's request."""
    return f"{user_id}#{scope}#{key}"


def add_to(transaction, user_id: str, scope: str, key: str, body_hash: str, status: int, response: dict,
           created_at: str) -> None:
    """Put the record in `transaction`; a second request with the key cancels it."""
    from chalicelib.tables import IdempotencyRecord

    transaction.save(
        IdempotencyRecord(key=record_key(user_id, scope, key), request_hash=body_hash, status_code=status,
                          response=json.dumps(response, ensure_ascii=False), created_at=created_at,
                          expires_at=timedelta(seconds=settings.idempotency_ttl_seconds())),
        # Two requests racing with one key: the second one's whole transaction is
        # cancelled here, and it answers as a replay of the first.
        condition=IdempotencyRecord.key.does_not_exist(),
        return_values="ALL_OLD")


def replay(raw_item, user_id: str, scope: str, key: str, body_hash: str) -> Exception:
    """The exception to raise for a replayed key: Replay, or 422 when the body differs."""
    from chalicelib.tables import IdempotencyRecord

    if raw_item:
        record = IdempotencyRecord.from_raw_data(raw_item)
    else:  # an emulator that does not hand back the old item
        record = IdempotencyRecord.get(record_key(user_id, scope, key), consistent_read=True)
    if record.request_hash != body_hash:
        return ApiError(422, [Problem("", "idempotency_key_reused")])
    return Replay(int(record.status_code), json.loads(record.response))


def lookup(user_id: str, scope: str, key: str, body_hash: str) -> Exception | None:
    """A replay for `key` if one was recorded (one GetItem), else None."""
    from chalicelib.tables import IdempotencyRecord

    try:
        record = IdempotencyRecord.get(record_key(user_id, scope, key), consistent_read=True)
    except IdempotencyRecord.DoesNotExist:
        return None
    return replay(record.serialize(), user_id, scope, key, body_hash)
