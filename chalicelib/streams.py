"""What runs when the initiatives table changes: three DynamoDB stream consumers.

- `count_changes`: every change of an initiative moves the counters of its
  unit and of every unit above it (chalicelib/counters).
- `react_to_events`: every new history event runs the
  listeners of the effects its transition names (the registry:
  chalicelib/workflow/effects.py).
- `index_similar`: every change of an initiative keeps the near-duplicate
  index (chalicelib/similar/index.py): its words and bands, its state.

Each record has its own handler (the counting handler sums a whole batch's
moves per counter before writing: chalicelib/counters/store.apply_changes);
the batch entry points are thin and report failures per record (ReportBatchItemFailures, declared in deploy/resources.json),
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


def initiative(raw: dict | None) -> dict | None:
    """An initiative's stream image (its `META` item) as the counters read it:
    plain Python, with `waiting_since` (when it entered the queue it waits in,
    read from its queue key by the key's owner) and `overdue_since` (stored
    as `od`) under their own names."""
    return clocked(image(raw))


def clocked(found: dict | None) -> dict | None:
    """An initiative's plain image with `waiting_since` and `overdue_since`
    under their own names (what `initiative` adds; the demo's bulk import
    adds them to the images it builds without a stream, submissions.store.image)."""
    from chalicelib.submissions import store

    if found:
        if found.get("qs"):
            found["waiting_since"] = store.waiting_since(found["qs"])
        if found.get("od"):
            found["overdue_since"] = found["od"]
    return found


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


def kind_of(record) -> str | None:
    from chalicelib.submissions import store
    return store.item_kind(record.keys)


def count_changes_of(event) -> dict:
    """A batch's initiative changes counted together (counters.store.apply_changes:
    the moves summed per counter before writing); the failed records reported."""
    from chalicelib.counters import store
    from chalicelib.submissions.store import INITIATIVE

    changes, failed = [], {}
    for record in event:
        try:
            if kind_of(record) == INITIATIVE:
                changes.append((record.sequence_number, initiative(record.old_image), initiative(record.new_image)))
        except Exception as error:  # noqa: BLE001 - a record that cannot be read is reported and retried
            failed[record.sequence_number] = error
    failed.update(store.apply_changes(changes))
    for sequence, error in failed.items():
        logger.error("stream record %s failed: %r", sequence, error)
    return {"batchItemFailures": [{"itemIdentifier": sequence} for sequence in sorted(failed, key=int)]}


def listener(effect: str):
    """The function that carries out `effect`, imported on first use (the
    registry names it by module and function, so nothing loads it before)."""
    import importlib

    from chalicelib.workflow.effects import EFFECTS

    module, _, function = EFFECTS[effect].listener.partition(":")
    return getattr(importlib.import_module(module), function)


def react_to_event(record) -> None:
    """A history event was appended: run the listeners of its effects."""
    from chalicelib.submissions.store import EVENT

    if record.event_name != "INSERT" or kind_of(record) != EVENT:
        return
    event = image(record.new_image)
    for effect in event.get("effects") or []:
        listener(effect)(event)


# Counting gets large batches: up to COUNT_BATCH records, or what arrives within COUNT_WINDOW
# seconds (Lambda also cuts a batch at 6 MB). The larger the batch, the more of its changes share
# the counters of their province and upper union once sorted (counters.store.apply_changes), so a
# campaign peak writes far fewer counter items; the price is that counts trail by up to the window.
COUNT_BATCH, COUNT_WINDOW = 1000, 5


@bp.on_dynamodb_record(stream_arn=STREAM_ARN, batch_size=COUNT_BATCH, starting_position="TRIM_HORIZON",
                       name="count_changes", maximum_batching_window_in_seconds=COUNT_WINDOW)
def count_changes(event):
    return count_changes_of(event)


@bp.on_dynamodb_record(stream_arn=STREAM_ARN, batch_size=50, starting_position="TRIM_HORIZON",
                       name="react_to_events")
def react_to_events(event):
    return handle_batch(event, react_to_event)


def index_change(record) -> None:
    """An initiative changed: bring the near-duplicate index in line (idempotent: similar.index.apply)."""
    from chalicelib.similar import index
    from chalicelib.submissions.store import INITIATIVE

    if kind_of(record) == INITIATIVE:
        index.apply(image(record.old_image), image(record.new_image))


@bp.on_dynamodb_record(stream_arn=STREAM_ARN, batch_size=100, starting_position="TRIM_HORIZON",
                       name="index_similar")
def index_similar(event):
    return handle_batch(event, index_change)


# Every consumer of the stream, by its function's name: the local run, the tests and the redrive feed them all.
HANDLERS = ("count_changes", "react_to_events", "index_similar")
