"""What runs when the initiatives table changes: two DynamoDB stream consumers.

- `count_changes`: every change of an initiative (`SUB#…`/`META`) moves the
  counters of its unit and of every unit above it (chalicelib/counters).
- `react_to_events`: every new history event (`SUB#…`/`EVT#…`) runs the
  listeners of the effects its transition names (`notify_author`,
  `notify_reviewers`, `award_candidate`).

Each record has its own handler; the batch entry points are thin and report
failures per record (ReportBatchItemFailures, declared in deploy/resources.json),
so one bad record does not hold back the rest. Streams redeliver: every record
handler is idempotent.
"""
import logging
import os

from chalice import Blueprint

logger = logging.getLogger(__name__)
bp = Blueprint(__name__)

# The real ARN is set in the packaged template (deploy/resources.json); locally
# and in tests the handlers are fed by scripts/stream_feeder.py.
STREAM_ARN = os.environ.get(
    "INITIATIVES_STREAM_ARN",
    "arn:aws:dynamodb:ap-southeast-1:000000000000:table/sangkien-initiatives/stream/2026-01-01T00:00:00.000")


def image(raw: dict | None) -> dict | None:
    """A stream image (DynamoDB JSON) as plain Python; numbers as int where whole."""
    from chalicelib.dynamo_json import from_item

    return from_item(raw) if raw else None


def handle_batch(event, handle_record) -> dict:
    """Run `handle_record` on each record; report the ones that failed."""
    failures = []
    for record in event:
        try:
            handle_record(record)
        except Exception:  # noqa: BLE001 - any failure is reported for this record and retried
            logger.exception("stream record %s failed", record.sequence_number)
            failures.append({"itemIdentifier": record.sequence_number})
    return {"batchItemFailures": failures}


def sort_key(record) -> str:
    return (record.keys or {}).get("sk", {}).get("S", "")


def count_change(record) -> None:
    """One initiative changed: move the counters by (new − old)."""
    if sort_key(record) != "META":
        return
    from chalicelib.counters import store

    store.apply_change(image(record.old_image), image(record.new_image))


def react_to_event(record) -> None:
    """A history event was appended: run the listeners of its effects."""
    if record.event_name != "INSERT" or not sort_key(record).startswith("EVT#"):
        return
    from chalicelib.effects import LISTENERS

    event = image(record.new_image)
    for effect in event.get("effects") or []:
        LISTENERS[effect](event)


@bp.on_dynamodb_record(stream_arn=STREAM_ARN, batch_size=100, starting_position="TRIM_HORIZON",
                       name="count_changes")
def count_changes(event):
    return handle_batch(event, count_change)


@bp.on_dynamodb_record(stream_arn=STREAM_ARN, batch_size=50, starting_position="TRIM_HORIZON",
                       name="react_to_events")
def react_to_events(event):
    return handle_batch(event, react_to_event)
