"""Compiled award lists, versioned: `LIST#<unit>#<phase>` / `V#<version, 4 digits>`
in the awards table.

A version is written once, with `attribute_not_exists`, and its entries never
change afterwards; compiling again writes version n+1 (only if the content
differs from version n), so an approved list stays exactly as it was approved.
Only bookkeeping attributes (`workbook_written_at`, `notified_at`) and the
approval (draft → approved, once) are ever updated.

Entries are stored gzip-compressed in the item (`entries_gz`); a list whose
compressed entries would crowd the 400 KB item limit keeps them in S3 instead
(`entries_key`), under a key that includes the content hash, so a writer that
loses the race for a version number never overwrites the winner's entries.
"""
import gzip
import json
import re
from dataclasses import dataclass, field

from chalicelib import dynamo_json
from chalicelib import settings
from chalicelib.awards import aws
from chalicelib.awards.exceptions import AlreadyApproved, ListNotFound, Superseded

DRAFT, APPROVED = "draft", "approved"
INLINE_ENTRIES_LIMIT = 300 * 1024
LIST_ID = re.compile(r"^([a-z0-9][a-z0-9-]{0,62})~([a-z0-9][a-z0-9-]{0,62})~([1-9][0-9]{0,3})$")

# Named parts of the conditions below.
# A version number is claimed once: of two compiles racing for version n, one
# writes it and the other re-reads and tries n+1 (or finds the same content).
VERSION_IS_FREE = "attribute_not_exists(pk)"
# Approving races a compile: approve only while no newer version exists (the
# newer one is what leaders should sign), and only a draft (a second approve
# must not move approved_at / approved_by).
NO_NEWER_VERSION = "attribute_not_exists(pk)"
IS_DRAFT = "attribute_exists(pk) AND #status = :draft"
# Bookkeeping: a side effect (the email) is claimed before it happens, so two
# compiles finishing the same version do not both send it.
NOT_YET_DONE = "attribute_exists(pk) AND attribute_not_exists(#done)"


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


def workbook_key(unit_id: str, phase_id: str, version: int) -> str:
    return f"award-lists/{unit_id}/{phase_id}/v{version}.xlsx"


def _key(unit_id, phase_id, version) -> dict:
    return {"pk": {"S": partition(unit_id, phase_id)}, "sk": {"S": sort_key(version)}}


def _table() -> str:
    return settings.table_name("awards")


def latest(unit_id: str, phase_id: str) -> AwardList | None:
    """The newest version, or None: one Query, newest first, one item, strongly
    consistent (a compile compares its content with it)."""
    answer = aws.dynamodb().query(
        TableName=_table(), KeyConditionExpression="pk = :pk AND begins_with(sk, :v)",
        ExpressionAttributeValues={":pk": {"S": partition(unit_id, phase_id)}, ":v": {"S": "V#"}},
        ScanIndexForward=False, Limit=1, ConsistentRead=True)
    items = answer.get("Items") or []
    return _from_item(dynamo_json.from_item(items[0])) if items else None


def get(unit_id: str, phase_id: str, version: int) -> AwardList | None:
    """One version: one GetItem."""
    answer = aws.dynamodb().get_item(TableName=_table(), Key=_key(unit_id, phase_id, version), ConsistentRead=True)
    return _from_item(dynamo_json.from_item(answer["Item"])) if "Item" in answer else None


def put_new(award_list: AwardList) -> bool:
    """Write a new version; False if that version number is taken already."""
    client = aws.dynamodb()
    item = _to_item(award_list)
    try:
        client.put_item(TableName=_table(), Item=dynamo_json.to_item(item), ConditionExpression=VERSION_IS_FREE)
    except client.exceptions.ConditionalCheckFailedException:
        return False
    return True


def claim(award_list: AwardList, attribute: str, at: str) -> bool:
    """Set bookkeeping `attribute` (workbook_written_at, notified_at) to `at`
    unless it is set: True if this call set it."""
    client = aws.dynamodb()
    try:
        client.update_item(TableName=_table(), Key=_key(award_list.unit_id, award_list.phase_id, award_list.version),
                           UpdateExpression="SET #done = :at", ConditionExpression=NOT_YET_DONE,
                           ExpressionAttributeNames={"#done": attribute},
                           ExpressionAttributeValues={":at": {"S": at}})
    except client.exceptions.ConditionalCheckFailedException:
        return False
    return True


def release(award_list: AwardList, attribute: str) -> None:
    """Undo `claim` when the side effect failed, so the next compile retries it."""
    key = _key(award_list.unit_id, award_list.phase_id, award_list.version)
    aws.dynamodb().update_item(TableName=_table(), Key=key, UpdateExpression="REMOVE #done",
                               ExpressionAttributeNames={"#done": attribute})


def approve(unit_id: str, phase_id: str, version: int, by: str, at: str) -> AwardList:
    """draft → approved, in one transaction with a check that no newer version
    exists. AlreadyApproved, Superseded or ListNotFound otherwise."""
    client = aws.dynamodb()
    try:
        client.transact_write_items(TransactItems=[
            {"ConditionCheck": {"TableName": _table(), "Key": _key(unit_id, phase_id, version + 1),
                                "ConditionExpression": NO_NEWER_VERSION}},
            {"Update": {"TableName": _table(), "Key": _key(unit_id, phase_id, version),
                        "UpdateExpression": "SET #status = :approved, approved_at = :at, approved_by = :by",
                        "ConditionExpression": IS_DRAFT,
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": {":approved": {"S": APPROVED}, ":draft": {"S": DRAFT},
                                                      ":at": {"S": at}, ":by": {"S": by}}}},
        ])
    except client.exceptions.TransactionCanceledException:
        current = get(unit_id, phase_id, version)
        if current is None:
            raise ListNotFound(list_id(unit_id, phase_id, version))
        newest = latest(unit_id, phase_id)
        if newest is not None and newest.version > version:
            raise Superseded(newest.version)
        if current.status == APPROVED:
            raise AlreadyApproved(current.id)
        raise
    return get(unit_id, phase_id, version)


# ---------------------------------------------------------------- the item

def _to_item(award_list: AwardList) -> dict:
    packed = gzip.compress(json.dumps(award_list.lists, ensure_ascii=False, sort_keys=True,
                                      separators=(",", ":")).encode("utf-8"), mtime=0)
    item = {
        "pk": partition(award_list.unit_id, award_list.phase_id), "sk": sort_key(award_list.version),
        "list_id": award_list.id, "unit_id": award_list.unit_id, "phase_id": award_list.phase_id,
        "program_id": award_list.program_id, "version": award_list.version, "status": award_list.status,
        "counts": award_list.counts, "criteria": award_list.criteria, "content_hash": award_list.content_hash,
        "compiled_at": award_list.compiled_at, "compiled_by": award_list.compiled_by,
        "workbook_key": award_list.workbook_key,
    }
    if len(packed) <= INLINE_ENTRIES_LIMIT:
        item["entries_gz"] = packed
    else:
        key = (f"award-lists/{award_list.unit_id}/{award_list.phase_id}/"
               f"v{award_list.version}-{award_list.content_hash[:16]}.entries.json.gz")
        aws.s3().put_object(Bucket=settings.awards_bucket(), Key=key, Body=packed, ContentType="application/json",
                            ContentEncoding="gzip")
        item["entries_key"] = key
    return item


def _from_item(item: dict) -> AwardList:
    if "entries_gz" in item:
        packed = item["entries_gz"]
    else:
        packed = aws.s3().get_object(Bucket=settings.awards_bucket(), Key=item["entries_key"])["Body"].read()
    return AwardList(
        unit_id=item["unit_id"], phase_id=item["phase_id"], program_id=item["program_id"],
        version=int(item["version"]), status=item["status"], lists=json.loads(gzip.decompress(packed)),
        counts={k: int(v) for k, v in item["counts"].items()}, criteria=item["criteria"],
        content_hash=item["content_hash"], compiled_at=item["compiled_at"], compiled_by=item["compiled_by"],
        workbook_key=item["workbook_key"], approved_at=item.get("approved_at"), approved_by=item.get("approved_by"),
        workbook_written_at=item.get("workbook_written_at"), notified_at=item.get("notified_at"),
        entries_key=item.get("entries_key"))


def has_version_after(unit_id: str, phase_id: str, version: int) -> bool:
    """Whether a newer version than `version` exists: one GetItem of version + 1
    (versions are claimed one after another, so n + 1 exists whenever any newer
    one does; approve checks the same key). Only the key is projected: the
    entries are not read back, though a found item is still billed in full."""
    answer = aws.dynamodb().get_item(TableName=_table(), Key=_key(unit_id, phase_id, version + 1),
                                     ProjectionExpression="pk", ConsistentRead=True)
    return "Item" in answer
