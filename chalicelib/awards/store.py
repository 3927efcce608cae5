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
