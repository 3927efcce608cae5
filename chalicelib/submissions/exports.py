"""A drill-down list exported to Excel, whole (issue 13, point 4): every
initiative the list's filters keep, not one page. Too long for a request (API
Gateway's 29 s and 6 MB), so it is the project's long work
(docs/architecture.md, "Work too long for a request"):

- the page asks (`request_for`): the list is checked as the list itself is
  (listing.asked: the same validation and the same "who may read the unit"),
  a request item `EXPORT#<id>` / `REQUEST` is written (export_is_new) and a
  message `{"export_id", "token"}` goes on the long-work queue (the award
  lists' queue: one consumer, chalicelib/queues.py, tells the two apart);
- the queue's handler (`run_request`) reads the list whole through
  listing.every_row (the same reads as its pages), each initiative's history
  (its reviewers' decisions and reasons), writes the workbook
  (list_workbook.py) to S3, `initiative-lists/<id>.xlsx`, and records the
  outcome; it acts only while the request is still exporting with the
  message's token (SQS delivers at least once), and reports progress on it;
- the progress page reads the request (`read_for`: its requester only), and
  the download is a short-lived presigned link (`download_link`).

The request and its file last EXPORT_DAYS (the item's TTL; an S3 lifecycle
rule on the prefix, deploy/resources.json).
"""
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from chalicelib import aws, clock, settings
from chalicelib.errors import NotFound, Problem, UpstreamFailed

logger = logging.getLogger(__name__)

EXPORTING, DONE, FAILED = "exporting", "done", "failed"
EXPORT_DAYS = 7
LINK_SECONDS = 15 * 60  # the download link: long enough to start it, short enough not to share it
PROGRESS_ROWS = 1_000  # the progress written at most once per this many rows
MAX_ATTEMPTS = 3  # deliveries before the export is marked failed (below the queue's maxReceiveCount)
FILE_PREFIX = "initiative-lists/"
ID_PATTERN = "0123456789abcdef"


def key(export_id: str) -> str:
    return f"EXPORT#{export_id}"


def file_key(export_id: str) -> str:
    return f"{FILE_PREFIX}{export_id}.xlsx"


@dataclass(frozen=True)
class Export:
    """A request to export a list, as the pages show it."""
    id: str
    unit_id: str
    phase_id: str
    filters: dict
    requested_by: str
    requested_at: str
    status: str
    done_rows: int
    file_key: str | None
    reason: str | None


# ------------------------------------------------------------ the guards (named conditions)

def export_is_new():
    """Closes: a second request overwriting the first under the same id (ids
    are random, so only a replayed write could)."""
    from chalicelib.tables import ListExport
    return ListExport.pk.does_not_exist()


def still_exporting(token: str):
    """Closes: a redelivered message (SQS delivers at least once) reporting
    on, finishing or failing an export another delivery already finished."""
    from chalicelib.tables import ListExport
    return ListExport.pk.exists() & (ListExport.token == token) & (ListExport.status == EXPORTING)


# ------------------------------------------------------------ asking

def request_for(principal, unit_id: str, params: dict) -> Export:
    """Ask for the list `params` names (the list's own filters) to be exported:
    checked as the list is (400, 422, 404, 403), recorded, queued. ONE
    conditional PutItem and ONE SendMessage."""
    from chalicelib.submissions import listing
    from chalicelib.tables import ListExport

    wanted = {name: value for name, value in params.items() if name not in ("limit", "cursor")}
    unit, _, phase, given, _ = listing.asked(principal, unit_id, wanted)
    now = clock.now()
    record = ListExport(key(uuid.uuid4().hex), "REQUEST", requested_by=principal.user_id,
                        requested_at=clock.timestamp(now), updated_at=clock.timestamp(now), unit_id=unit.id,
                        phase_id=phase.id, filters=json.dumps(given, sort_keys=True), token=uuid.uuid4().hex,
                        status=EXPORTING, done_rows=0, expires_at=now + timedelta(days=EXPORT_DAYS))
    record.save(condition=export_is_new())
    export = _export(record)
    try:
        _send({"export_id": export.id, "token": record.token})
    except Exception as error:  # noqa: BLE001 - the request says why; asking again is allowed at once
        logger.exception("list export %s could not be queued", export.id)
        _update(export.id, record.token, status=FAILED, reason="not_queued")
        raise UpstreamFailed([Problem("", "export_not_queued")]) from error
    return export


def _send(message: dict) -> None:
    """Put a message on the long-work queue (the award lists' queue)."""
    url = settings.award_list_queue_url() or aws.sqs().get_queue_url(
        QueueName=settings.award_list_queue())["QueueUrl"]
    aws.sqs().send_message(QueueUrl=url, MessageBody=json.dumps(message, separators=(",", ":")))


def is_message(message: dict) -> bool:
    """Whether a message of the long-work queue is an export's."""
    return isinstance(message, dict) and isinstance(message.get("export_id"), str) \
        and isinstance(message.get("token"), str)


# ------------------------------------------------------------ reading

def _get(export_id: str):
    from chalicelib.tables import ListExport

    if not export_id or any(c not in ID_PATTERN for c in export_id) or len(export_id) != 32:
        return None
    try:
        return ListExport.get(key(export_id), "REQUEST", consistent_read=True)
    except ListExport.DoesNotExist:
        return None


def _export(record) -> Export:
    return Export(id=record.pk.removeprefix("EXPORT#"), unit_id=record.unit_id, phase_id=record.phase_id,
                  filters=json.loads(record.filters), requested_by=record.requested_by,
                  requested_at=record.requested_at, status=record.status, done_rows=int(record.done_rows or 0),
                  file_key=record.file_key, reason=record.reason)


def read_for(principal, export_id: str) -> Export:
    """An export, for the one who asked for it (anyone else: NotFound, so an
    id tells nothing of whose it is). ONE GetItem (strongly consistent)."""
    record = _get(export_id)
    if record is None or record.requested_by != principal.user_id:
        raise NotFound()
    return _export(record)


def download_link(principal, export_id: str) -> str:
    """A presigned GET of a finished export's file, valid LINK_SECONDS (NotFound while not done)."""
    export = read_for(principal, export_id)
    if export.status != DONE or not export.file_key:
        raise NotFound()
    return aws.s3().generate_presigned_url("get_object", Params={
        "Bucket": settings.awards_bucket(), "Key": export.file_key,
        "ResponseContentDisposition": f'attachment; filename="danh-sach-sang-kien-{export.unit_id}.xlsx"'},
        ExpiresIn=LINK_SECONDS)


# ------------------------------------------------------------ the queue's handler

def run_request(message: dict, delivery: int) -> str:
    """Export the list a message asks for: read it whole, write the workbook
    to S3, record the outcome. Does nothing for a request no longer
    exporting with the message's token. A failure is raised for the queue
    to deliver again, and recorded as `failed` on the last attempt. Returns
    what happened: exported, failed or skipped."""
    from chalicelib.reference import catalog
    from chalicelib.submissions import list_workbook, listing

    record = _get(message["export_id"])
    if record is None or record.token != message["token"] or record.status != EXPORTING:
        return "skipped"
    export = _export(record)
    try:
        unit, found = catalog.unit(export.unit_id), catalog.phase(export.phase_id)
        if unit is None or found is None:
            raise LookupError("the unit or the phase is gone")
        program, phase = found
        reported = {"at": 0}

        def report(done: int) -> None:  # one small write per PROGRESS_ROWS rows read, not per page
            if done - reported["at"] >= PROGRESS_ROWS:
                reported["at"] = done
                _update(export.id, record.token, done_rows=done)

        rows = listing.every_row(unit, phase, listing.under_filters(export.filters), report=report)
        content, count = list_workbook.build(unit, program, phase, export, rows)
        aws.s3().put_object(Bucket=settings.awards_bucket(), Key=file_key(export.id), Body=content,
                            ContentType=list_workbook.CONTENT_TYPE)
    except Exception:  # noqa: BLE001 - recorded, and raised again while attempts are left
        if delivery < MAX_ATTEMPTS:
            raise
        logger.exception("list export %s failed after %d attempts", export.id, delivery)
        _update(export.id, record.token, status=FAILED, reason="error")
        return "failed"
    _update(export.id, record.token, status=DONE, done_rows=count, file_key=file_key(export.id))
    return "exported"


def _update(export_id: str, token: str, **values) -> bool:
    """Set `values` on the request while it is still exporting with `token`
    (still_exporting): one small conditional UpdateItem. False when it is not."""
    from pynamodb.exceptions import UpdateError

    from chalicelib.tables import ListExport

    record = ListExport(key(export_id), "REQUEST")
    actions = [getattr(ListExport, name).set(value) for name, value in values.items()]
    actions.append(ListExport.updated_at.set(clock.timestamp()))
    try:
        record.update(actions=actions, condition=still_exporting(token))
        return True
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False
