"""The DynamoDB tables, declared with PynamoDB. `docs/data-model.md` explains
every key and access pattern; `deploy/resources.json` declares the same tables
for CloudFormation, and a test keeps the two in step.

Three tables:
- initiatives: each initiative (`SUB#<id>` / `META`), its history events
  (`SUB#<id>` / `EVT#<seq>`) and its tracking-code claim (`CODE#<code>` / `CODE`).
  Its stream drives notifications and counters (later issues).
- reference: programs, units, targets, unit-search tokens and users, loaded from
  the JSON files in `data/` by `scripts/load_reference.py`.
- idempotency: one record per Idempotency-Key, expiring by TTL.

This module imports PynamoDB (and so botocore): import it lazily from routes.
"""
from pynamodb.attributes import (
    ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute, TTLAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection, AllProjection
from pynamodb.models import Model

from chalicelib import settings


def _meta(kind: str):
    class Meta:
        table_name = settings.table_name(kind)
        region = settings.region()
        billing_mode = "PAY_PER_REQUEST"
    return Meta


# ---------------------------------------------------------------- initiatives

class Author(MapAttribute):
    full_name = UnicodeAttribute()
    member_id = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    share_percent = NumberAttribute()
    language = UnicodeAttribute(null=True)


SUMMARY_ATTRIBUTES = ["id", "code", "title", "status", "phase_id", "program_id", "unit_id",
                      "subject_group", "field", "created_at", "updated_at", "version"]


class BySubmitterIndex(GlobalSecondaryIndex):
    """A person's own initiatives, newest first: `GET /me/submissions`."""
    class Meta:
        index_name = "by_submitter"
        projection = IncludeProjection(SUMMARY_ATTRIBUTES)
    submitter_pk = UnicodeAttribute(hash_key=True)   # USER#<user id>
    submitter_sk = UnicodeAttribute(range_key=True)  # <created_at>#<id>


class QueueIndex(GlobalSecondaryIndex):
    """The initiatives waiting for one unit's reviewers, oldest first.

    Sparse: only initiatives waiting for someone carry queue keys.
    """
    class Meta:
        index_name = "queue"
        projection = IncludeProjection(SUMMARY_ATTRIBUTES)
    queue_pk = UnicodeAttribute(hash_key=True)   # QUEUE#<unit id>
    queue_sk = UnicodeAttribute(range_key=True)  # <entered queue at>#<id>


class SubmissionRecord(Model):
    """One initiative, as stored: `SUB#<id>` / `META`."""
    Meta = _meta("initiatives")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    id = UnicodeAttribute()
    code = UnicodeAttribute()
    status = UnicodeAttribute()
    program_id = UnicodeAttribute()
    phase_id = UnicodeAttribute()
    unit_id = UnicodeAttribute()
    unit_path = ListAttribute(of=UnicodeAttribute)  # national → … → the grassroots unit
    block = UnicodeAttribute()
    title = UnicodeAttribute()
    subject_group = UnicodeAttribute()
    field = UnicodeAttribute()
    problem = UnicodeAttribute()
    solution = UnicodeAttribute()
    results = UnicodeAttribute()
    applied_where = UnicodeAttribute(null=True)
    applied_from = UnicodeAttribute()
    benefit_vnd = NumberAttribute(null=True)
    # Set by the transition that recognises it (input of the `recognize` event).
    scores = MapAttribute(null=True)
    confirmed_benefit_vnd = NumberAttribute(null=True)
    authors = ListAttribute(of=Author)
    submitter_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    last_event_seq = NumberAttribute()
    version = VersionAttribute()
    submitter_pk = UnicodeAttribute()
    submitter_sk = UnicodeAttribute()
    queue_pk = UnicodeAttribute(null=True)
    queue_sk = UnicodeAttribute(null=True)
    by_submitter = BySubmitterIndex()
    queue = QueueIndex()


class HistoryEvent(Model):
    """One step of an initiative's history: `SUB#<id>` / `EVT#<seq, 6 digits>`.

    Append-only, like a Step Functions execution history.
    """
    Meta = _meta("initiatives")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    submission_id = UnicodeAttribute()
    seq = NumberAttribute()
    event = UnicodeAttribute()
    from_state = UnicodeAttribute(null=True)
    to_state = UnicodeAttribute()
    actor_id = UnicodeAttribute()
    actor_roles = ListAttribute(of=UnicodeAttribute)
    actor_unit = UnicodeAttribute()
    at = UnicodeAttribute()
    input = MapAttribute(default=dict)
    effects = ListAttribute(of=UnicodeAttribute, default=list)
    client_token = UnicodeAttribute(null=True)


class TrackingCode(Model):
    """Claims a tracking code so that no two initiatives share one: `CODE#<code>` / `CODE`."""
    Meta = _meta("initiatives")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    submission_id = UnicodeAttribute()


# ---------------------------------------------------------------- reference

class ChildrenIndex(GlobalSecondaryIndex):
    """Overloaded index `gsi1`: a unit's children (`CHILDREN#<parent>`), a unit's users (`USERS#<unit>`)."""
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()
    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class UnitRecord(Model):
    """One unit of the organisation tree: `UNIT#<id>` / `UNIT`."""
    Meta = _meta("reference")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    name_folded = UnicodeAttribute()
    kind = UnicodeAttribute()
    level = NumberAttribute()
    parent_id = UnicodeAttribute(null=True)
    block = UnicodeAttribute(null=True)
    path = ListAttribute(of=UnicodeAttribute)
    ancestor_names = ListAttribute(of=UnicodeAttribute)
    support_team_phone = UnicodeAttribute(null=True)
    digest = UnicodeAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi1 = ChildrenIndex()


class TargetRecord(Model):
    """A unit's registered target for one phase: `UNIT#<id>` / `TARGET#<program>#<phase>`."""
    Meta = _meta("reference")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    unit_id = UnicodeAttribute()
    program_id = UnicodeAttribute()
    phase_id = UnicodeAttribute()
    total = NumberAttribute()
    by_block = MapAttribute(null=True)
    digest = UnicodeAttribute()


class UnitTokenRecord(Model):
    """A unit listed under one word of its folded name, for search:
    `TOKEN#<word>` / `<level>#<folded name>#<id>`; `TOKEN#<word>` / `#STAT` counts them."""
    Meta = _meta("reference")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    unit_id = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    name_folded = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(null=True)
    ancestor_names = ListAttribute(of=UnicodeAttribute, null=True)
    count = NumberAttribute(null=True)
    digest = UnicodeAttribute(null=True)


class ProgramRecord(Model):
    """A program with its phases, subject groups and fields: `PROGRAM` / `<program id>`."""
    Meta = _meta("reference")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    document = UnicodeAttribute()  # the program exactly as in the data file, as JSON
    digest = UnicodeAttribute()


class UserRecord(Model):
    """A user's profile: `USER#<id>` / `USER`; listed per unit through gsi1 (`USERS#<unit>`)."""
    Meta = _meta("reference")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    id = UnicodeAttribute()
    full_name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    roles = ListAttribute(of=UnicodeAttribute)
    unit_id = UnicodeAttribute()
    language = UnicodeAttribute()
    digest = UnicodeAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)


# ---------------------------------------------------------------- idempotency

class IdempotencyRecord(Model):
    """The response first given for one caller's Idempotency-Key on one route."""
    Meta = _meta("idempotency")
    key = UnicodeAttribute(hash_key=True)  # <user id>#<route>#<Idempotency-Key>
    request_hash = UnicodeAttribute()
    status_code = NumberAttribute()
    response = UnicodeAttribute()  # the response body, as JSON
    created_at = UnicodeAttribute()
    expires_at = TTLAttribute()


# Tables with a TTL attribute, and the stream of the initiatives table.
TTL_TABLES = ("idempotency", "counters", "notifications")


def create_tables(wait: bool = True) -> None:
    """Create any missing table (local emulation and tests; production uses CloudFormation)."""
    for model in TABLE_OWNERS.values():
        if not model.exists():
            model.create_table(wait=wait)
    _enable_ttl_and_streams()


def _enable_ttl_and_streams() -> None:
    import boto3

    client = boto3.client("dynamodb", region_name=settings.region())
    for kind in TTL_TABLES:
        ttl = client.describe_time_to_live(TableName=settings.table_name(kind))
        if ttl["TimeToLiveDescription"].get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
            client.update_time_to_live(TableName=settings.table_name(kind),
                                       TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"})
    table = client.describe_table(TableName=settings.table_name("initiatives"))["Table"]
    if not table.get("StreamSpecification", {}).get("StreamEnabled"):
        client.update_table(TableName=settings.table_name("initiatives"),
                            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})


# ---------------------------------------------------------------- counters

class LevelIndex(GlobalSecondaryIndex):
    """Every unit's counters at one level in one phase (rankings): `LEVEL#<level>#<phase>`."""
    class Meta:
        index_name = "by_level"
        projection = AllProjection()
    level_pk = UnicodeAttribute(hash_key=True)
    level_sk = UnicodeAttribute(range_key=True)  # unit id


class CounterRecord(Model):
    """A unit's counters for one phase: `COUNT#<unit>#<phase>` / `TOTAL`. The
    counts themselves are flat number attributes (`entered`, `state:<s>`,
    `group:<g>`, `block:<b>`, `benefit_estimated`, `benefit_confirmed`,
    `authors`) updated with ADD; see chalicelib/counters. Markers in the same
    table make each change count once: `APPLIED#<submission>` / `v<version>`
    and `AUTHORS#<unit>#<phase>` / `<author key>`."""
    Meta = _meta("counters")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    level_pk = UnicodeAttribute(null=True)
    level_sk = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)
    by_level = LevelIndex()


# ---------------------------------------------------------------- notifications

class NotificationRecord(Model):
    """An in-app notification: `USER#<user>` / `N#<at>#<submission>#<seq>`;
    email delivery claims: `MAIL#<submission>#<seq>` / `<author index>`."""
    Meta = _meta("notifications")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    expires_at = TTLAttribute(null=True)


# ---------------------------------------------------------------- awards

class AwardRecord(Model):
    """Award candidates (`CAND#<phase>#<unit>` / `<submission>`, one per ancestor
    unit of a recognised initiative) and compiled award lists
    (`LIST#<unit>#<phase>` / `V#<version, 4 digits>`)."""
    Meta = _meta("awards")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


# The model whose declaration creates each table (with all its indexes).
TABLE_OWNERS = {"initiatives": SubmissionRecord, "reference": UnitRecord, "idempotency": IdempotencyRecord,
                "counters": CounterRecord, "notifications": NotificationRecord, "awards": AwardRecord}
