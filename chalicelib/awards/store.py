"""Compiled award lists, versioned: `LIST#<unit>#<phase>` / `V#<version, 4 digits>`
in the awards table.

A version is written once, with `attribute_not_exists`, and its entries never
change afterwards; compiling again writes version n+1 (only if the content
differs from version n), so an approved list stays exactly as it was approved.
Only bookkeeping attributes (`workbook_written_at`, `notified_at`) and the
approval (draft → approved, once) are ever updated.

The Excel file says what the list is: a draft's is `v<n>.xlsx`, marked DỰ THẢO;
approving moves `workbook_key` to `v<n>-approved.xlsx` and clears
`workbook_written_at` in the same update, so the approved file (status,
approver, date) is written next, and a draft file written late by a slower
reader can only land on the draft's key.

Entries are stored gzip-compressed in the item (`entries_gz`); a list whose
compressed entries would crowd the 400 KB item limit keeps them in S3 instead
(`entries_key`), under a key that includes the content hash, so a writer that
loses the race for a version number never overwrites the winner's entries.
"""
import gzip
import json
import re
from dataclasses import dataclass, field

from chalicelib import aws, settings
from chalicelib.awards.exceptions import AlreadyApproved, ListNotFound, Superseded

DRAFT, APPROVED = "draft", "approved"
INLINE_ENTRIES_LIMIT = 300 * 1024
LIST_ID = re.compile(r"^([a-z0-9][a-z0-9-]{0,62})~([a-z0-9][a-z0-9-]{0,62})~([1-9][0-9]{0,3})$")


# ---------------------------------------------------------------- the guards (named conditions)

def version_is_free():
    """Closes: two compiles racing for version n both writing it. One writes it;
    the other re-reads and tries n+1 (or finds the same content)."""
    from chalicelib.tables import AwardListRecord
    return AwardListRecord.pk.does_not_exist()


def no_newer_version():
    """Closes: approving a version a compile has just superseded (checked on the
    key of version n+1): the newer one is what leaders should sign."""
    from chalicelib.tables import AwardListRecord
    return AwardListRecord.pk.does_not_exist()


def is_draft():
    """Closes: a second approval moving approved_at / approved_by."""
    from chalicelib.tables import AwardListRecord
    return AwardListRecord.pk.exists() & (AwardListRecord.status == DRAFT)


def not_yet_done(attribute):
    """Closes: two compiles finishing the same version both recording a step
    (the workbook written, every leader mailed): the first record stays. The
    leaders' emails themselves are claimed one by one (awards/mail.py)."""
    from chalicelib.tables import AwardListRecord
    return AwardListRecord.pk.exists() & attribute.does_not_exist()


def still(status: str):
    """Closes: a draft's Excel file, rendered before an approval and claimed
    after it, marking the approved list's file as written."""
    from chalicelib.tables import AwardListRecord
    return AwardListRecord.status == status


@dataclass(frozen=True)
class AwardList:
    unit_id: str
    phase_id: str
    program_id: str
    version: int
    status: str
    lists: dict
    counts: dict
    criteria: dict
    content_hash: str
    compiled_at: str
    compiled_by: str
    workbook_key: str
    approved_at: str | None = None
    approved_by: str | None = None
    workbook_written_at: str | None = None
    notified_at: str | None = None
    entries_key: str | None = field(default=None, compare=False)

    @property
    def id(self) -> str:
        return list_id(self.unit_id, self.phase_id, self.version)


def list_id(unit_id: str, phase_id: str, version: int) -> str:
    """The list's id in URLs: `<unit>~<phase>~<version>` (all URL-safe)."""
    return f"{unit_id}~{phase_id}~{version}"


def parse_id(value: str) -> tuple[str, str, int]:
    """(unit, phase, version) of a list id; ListNotFound if it is not one."""
    match = LIST_ID.match(value or "")
    if not match:
        raise ListNotFound(value)
    return match.group(1), match.group(2), int(match.group(3))


def partition(unit_id: str, phase_id: str) -> str:
    return f"LIST#{unit_id}#{phase_id}"


def sort_key(version: int) -> str:
    return f"V#{version:04d}"


def workbook_key(unit_id: str, phase_id: str, version: int, status: str = DRAFT) -> str:
    """Where a version's Excel file is: one key per status, so the draft's and
    the approved file never overwrite each other."""
    suffix = "-approved" if status == APPROVED else ""
    return f"award-lists/{unit_id}/{phase_id}/v{version}{suffix}.xlsx"


def _record(unit_id: str, phase_id: str, version: int):
    from chalicelib.tables import AwardListRecord
    return AwardListRecord(partition(unit_id, phase_id), sort_key(version))


def latest(unit_id: str, phase_id: str) -> AwardList | None:
    """The newest version, or None: one Query, newest first, one item, strongly
    consistent (a compile compares its content with it)."""
    from chalicelib.tables import AwardListRecord

    found = AwardListRecord.query(partition(unit_id, phase_id), AwardListRecord.sk.startswith("V#"),
                                  scan_index_forward=False, limit=1, consistent_read=True)
    return next((_from_record(record) for record in found), None)


def get(unit_id: str, phase_id: str, version: int) -> AwardList | None:
    """One version: one GetItem."""
    from chalicelib.tables import AwardListRecord

    try:
        return _from_record(AwardListRecord.get(partition(unit_id, phase_id), sort_key(version), consistent_read=True))
    except AwardListRecord.DoesNotExist:
        return None


def put_new(award_list: AwardList) -> bool:
    """Write a new version; False if that version number is taken already."""
    from pynamodb.exceptions import PutError

    try:
        _to_record(award_list).save(condition=version_is_free())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def claim(award_list: AwardList, attribute: str, at: str, status: str | None = None) -> bool:
    """Set bookkeeping `attribute` (workbook_written_at, notified_at) to `at`
    unless it is set (and, given `status`, only while the list has it): True
    if this call set it."""
    from pynamodb.exceptions import UpdateError

    from chalicelib.tables import AwardListRecord

    field_ = getattr(AwardListRecord, attribute)
    condition = not_yet_done(field_) if status is None else not_yet_done(field_) & still(status)
    try:
        _record(award_list.unit_id, award_list.phase_id, award_list.version).update(
            actions=[field_.set(at)], condition=condition)
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def approve(unit_id: str, phase_id: str, version: int, by: str, at: str) -> AwardList:
    """draft → approved, in one transaction with a check that no newer version
    exists; the Excel file moves to the approved one's key (to be written).
    Idempotent for its approver: the same leader approving again gets the
    list as they approved it. AlreadyApproved (by someone else), Superseded
    or ListNotFound otherwise."""
    from chalicelib.tables import AwardListRecord, Cancelled, Transaction

    transaction = Transaction()
    transaction.check("no newer version", AwardListRecord, partition(unit_id, phase_id), sort_key(version + 1),
                      no_newer_version())
    transaction.update("approval", _record(unit_id, phase_id, version),
                       [AwardListRecord.status.set(APPROVED), AwardListRecord.approved_at.set(at),
                        AwardListRecord.approved_by.set(by),
                        AwardListRecord.workbook_key.set(workbook_key(unit_id, phase_id, version, APPROVED)),
                        AwardListRecord.workbook_written_at.remove()], condition=is_draft())
    try:
        transaction.commit()
    except Cancelled as cancelled:
        current = get(unit_id, phase_id, version)
        if current is None:
            raise ListNotFound(list_id(unit_id, phase_id, version))
        if current.status == APPROVED and current.approved_by == by:
            return current  # a retry (a lost answer, a second tab): the approval stands as it was
        if cancelled.failed("no newer version"):
            raise Superseded(latest(unit_id, phase_id).version)
        if current.status == APPROVED:
            raise AlreadyApproved(current.id)
        raise
    return get(unit_id, phase_id, version)


def has_version_after(unit_id: str, phase_id: str, version: int) -> bool:
    """Whether a newer version than `version` exists: one GetItem of version + 1
    (versions are claimed one after another, so n + 1 exists whenever any newer
    one does; approve checks the same key). Only the key is projected: the
    entries are not read back, though a found item is still billed in full."""
    from chalicelib.tables import AwardListRecord

    try:
        AwardListRecord.get(partition(unit_id, phase_id), sort_key(version + 1), consistent_read=True,
                            attributes_to_get=["pk"])
    except AwardListRecord.DoesNotExist:
        return False
    return True


# ---------------------------------------------------------------- the item

def _to_record(award_list: AwardList):
    from chalicelib.tables import AwardListRecord

    packed = gzip.compress(json.dumps(award_list.lists, ensure_ascii=False, sort_keys=True,
                                      separators=(",", ":")).encode("utf-8"), mtime=0)
    record = AwardListRecord(
        partition(award_list.unit_id, award_list.phase_id), sort_key(award_list.version),
        list_id=award_list.id, unit_id=award_list.unit_id, phase_id=award_list.phase_id,
        program_id=award_list.program_id, version=award_list.version, status=award_list.status,
        counts=award_list.counts, criteria=award_list.criteria, content_hash=award_list.content_hash,
        compiled_at=award_list.compiled_at, compiled_by=award_list.compiled_by, workbook_key=award_list.workbook_key)
    if len(packed) <= INLINE_ENTRIES_LIMIT:
        record.entries_gz = packed
    else:
        # Under a key that includes the content hash, so a writer that loses the
        # race for a version number never overwrites the winner's entries.
        key = (f"award-lists/{award_list.unit_id}/{award_list.phase_id}/"
               f"v{award_list.version}-{award_list.content_hash[:16]}.entries.json.gz")
        aws.s3().put_object(Bucket=settings.awards_bucket(), Key=key, Body=packed, ContentType="application/json",
                            ContentEncoding="gzip")
        record.entries_key = key
    return record


def _from_record(record) -> AwardList:
    from chalicelib.dynamo_json import plain

    if record.entries_gz is not None:
        packed = record.entries_gz
    else:
        packed = aws.s3().get_object(Bucket=settings.awards_bucket(), Key=record.entries_key)["Body"].read()
    return AwardList(
        unit_id=record.unit_id, phase_id=record.phase_id, program_id=record.program_id,
        version=int(record.version), status=record.status, lists=json.loads(gzip.decompress(packed)),
        counts={k: int(v) for k, v in plain(record.counts).items()}, criteria=plain(record.criteria),
        content_hash=record.content_hash, compiled_at=record.compiled_at, compiled_by=record.compiled_by,
        workbook_key=record.workbook_key, approved_at=record.approved_at, approved_by=record.approved_by,
        workbook_written_at=record.workbook_written_at, notified_at=record.notified_at,
        entries_key=record.entries_key)


# ---------------------------------------------------------------- compile requests
#
# `COMPILE#<unit>#<phase>` / `REQUEST`: the latest request to compile a unit's
# list for a phase, one item, overwritten by the next request. It names the
# version a compile is expected to write (the list id POST /award-lists
# answers with), its progress, and how it ended: `done` (with the version it
# wrote or found unchanged) or `failed` (with a reason). Compiling itself runs
# elsewhere (the award-list queue's handler), guarded by the request's token.

COMPILING, DONE, FAILED = "compiling", "done", "failed"
REQUEST = "REQUEST"


@dataclass(frozen=True)
class CompileRequest:
    unit_id: str
    phase_id: str
    program_id: str
    version: int
    token: str
    status: str
    requested_by: str
    requested_at: str
    updated_at: str
    done_steps: int = 0
    total_steps: int = 0
    result_version: int | None = None
    reason: str | None = None
    attempts: int = 0

    @property
    def id(self) -> str:
        return list_id(self.unit_id, self.phase_id, self.version)


def request_partition(unit_id: str, phase_id: str) -> str:
    return f"COMPILE#{unit_id}#{phase_id}"


def request_is_open(stale_before: str):
    """Closes: two requests (two leaders, two tabs) both starting a compile of
    the same list. A new request replaces the item only when none is
    compiling, or when the one compiling has not been heard of since
    `stale_before` (its message lost, its handler gone): then it may be asked again."""
    from chalicelib.tables import CompileRequest as Record
    return Record.pk.does_not_exist() | (Record.status != COMPILING) | (Record.updated_at < stale_before)


def still_compiling(token: str):
    """Closes: a redelivered or late message of an earlier request (SQS
    delivers at least once) reporting progress or an outcome over a newer
    request's, or after its own outcome was recorded."""
    from chalicelib.tables import CompileRequest as Record
    return Record.pk.exists() & (Record.token == token) & (Record.status == COMPILING)


def compile_request(unit_id: str, phase_id: str) -> CompileRequest | None:
    """The latest compile request of the list: one GetItem, strongly consistent."""
    from chalicelib.tables import CompileRequest as Record

    try:
        record = Record.get(request_partition(unit_id, phase_id), REQUEST, consistent_read=True)
    except Record.DoesNotExist:
        return None
    return CompileRequest(
        unit_id=unit_id, phase_id=phase_id, program_id=record.program_id, version=int(record.version),
        token=record.token, status=record.status, requested_by=record.requested_by,
        requested_at=record.requested_at, updated_at=record.updated_at, done_steps=int(record.done_steps or 0),
        total_steps=int(record.total_steps or 0),
        result_version=int(record.result_version) if record.result_version is not None else None,
        reason=record.reason, attempts=int(record.attempts or 0))


def latest_version(unit_id: str, phase_id: str) -> int:
    """The newest version's number (0 when there is none): one Query, Limit 1,
    strongly consistent, projecting the number only."""
    from chalicelib.tables import AwardListRecord

    found = AwardListRecord.query(partition(unit_id, phase_id), AwardListRecord.sk.startswith("V#"),
                                  scan_index_forward=False, limit=1, consistent_read=True,
                                  attributes_to_get=["version"])
    return next((int(record.version) for record in found), 0)


def open_request(request: CompileRequest, stale_before: str) -> bool:
    """Write `request` (status compiling) unless another is compiling (see
    `request_is_open`): True if this call opened it."""
    from pynamodb.exceptions import PutError

    from chalicelib.tables import CompileRequest as Record

    record = Record(request_partition(request.unit_id, request.phase_id), REQUEST,
                    version=request.version, token=request.token, status=COMPILING, program_id=request.program_id,
                    requested_by=request.requested_by, requested_at=request.requested_at,
                    updated_at=request.updated_at, done_steps=0, total_steps=0, attempts=0)
    try:
        record.save(condition=request_is_open(stale_before))
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _update_request(unit_id: str, phase_id: str, token: str, actions) -> bool:
    from pynamodb.exceptions import UpdateError

    from chalicelib.tables import CompileRequest as Record

    try:
        Record(request_partition(unit_id, phase_id), REQUEST).update(actions=actions,
                                                                     condition=still_compiling(token))
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def report_progress(unit_id: str, phase_id: str, token: str, done: int, total: int, at: str) -> bool:
    """Record how far the compile is (steps done of total)."""
    from chalicelib.tables import CompileRequest as Record

    return _update_request(unit_id, phase_id, token, [
        Record.done_steps.set(done), Record.total_steps.set(total), Record.updated_at.set(at)])


def note_attempt(unit_id: str, phase_id: str, token: str, reason: str, at: str) -> bool:
    """An attempt failed and the queue will deliver the message again: say why, keep compiling."""
    from chalicelib.tables import CompileRequest as Record

    return _update_request(unit_id, phase_id, token, [
        Record.attempts.add(1), Record.reason.set(reason), Record.updated_at.set(at)])


def finish_request(unit_id: str, phase_id: str, token: str, result_version: int, at: str) -> bool:
    """compiling → done, naming the version written (or found unchanged): once."""
    from chalicelib.tables import CompileRequest as Record

    return _update_request(unit_id, phase_id, token, [
        Record.status.set(DONE), Record.result_version.set(result_version), Record.reason.remove(),
        Record.done_steps.set(Record.total_steps), Record.updated_at.set(at)])


def fail_request(unit_id: str, phase_id: str, token: str, reason: str, at: str) -> bool:
    """compiling → failed, with the reason (a code): once. Asking again opens a new request."""
    from chalicelib.tables import CompileRequest as Record

    return _update_request(unit_id, phase_id, token, [
        Record.status.set(FAILED), Record.reason.set(reason), Record.updated_at.set(at)])
