"""The DynamoDB tables and their items, declared with PynamoDB, and the few
ways the stores use them: named transactions, one page of a Query, batched
reads. `docs/data-model.md` explains every key and access pattern;
`deploy/resources.json` declares the same tables for CloudFormation, and a
test keeps the two in step.

Each table has ONE owning package, the only code that builds its keys and reads
or writes its items (`TABLES` below names it; tests/test_architecture.py holds
everyone to it). Others ask the owner: `catalog.children(...)`,
`submissions.store.get(...)`, `counters.store.unit_counts(...)` and so on.

Every model talks through the container's one DynamoDB client
(chalicelib.aws.dynamodb), so tests replace it in one place.

This module imports PynamoDB (and so botocore): import it lazily from routes.
"""
import base64
import json
import random
import time
from dataclasses import dataclass

from pynamodb.attributes import (
    BinaryAttribute, BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute, TTLAttribute,
    UnicodeAttribute, UnicodeSetAttribute, VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib import aws, settings
from chalicelib.errors import Busy, Malformed, Problem


class _Bound(Model):
    """A model that talks through chalicelib.aws.dynamodb(). PynamoDB would
    build a botocore client of its own per model; handing it the container's
    client keeps one client (one connection pool, one cold-start cost) and
    lets `aws.replaced(dynamodb=...)` replace every DynamoDB call at once. (PynamoDB
    6.1 offers no setting for this; its `Connection.client` takes a client set
    in `_client`, and the pinned version is tested to do so.)"""

    @classmethod
    def _get_connection(cls):
        table = super()._get_connection()
        table.connection._client = aws.dynamodb()
        return table


def _meta(kind: str):
    class Meta:
        table_name = settings.table_name(kind)
        region = settings.region()
        billing_mode = "PAY_PER_REQUEST"
    return Meta


# ================================================================ initiatives (chalicelib.submissions)

class Author(MapAttribute):
    full_name = UnicodeAttribute()
    member_id = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    share_percent = NumberAttribute()
    language = UnicodeAttribute(null=True)
    # A named member's answer to being made a co-author: invited | accepted | declined
    # (set by the service, never taken from a request; absent for names without a user).
    invitation = UnicodeAttribute(null=True)


class SimilarFound(MapAttribute):
    """An initiative found like this one when it was entered (issue 14): its
    id, how alike (0 … 1) and whether of the same grassroots union."""
    id = UnicodeAttribute()
    score = NumberAttribute()
    same_unit = BooleanAttribute()


SUMMARY_ATTRIBUTES = ["id", "code", "title", "status", "phase_id", "program_id", "unit_id",
                      "subject_group", "field", "created_at", "updated_at", "version",
                      "od"]  # overdue since (a deadline passed): a queue row marks it
# A queue row shows the estimated benefit and the authors, and the queue's search and
# sort read them (issue 12): the queue indexes project them too (not `by_person`).
QUEUE_ATTRIBUTES = [*SUMMARY_ATTRIBUTES, "benefit_vnd", "authors"]


class BySubmitterIndex(GlobalSecondaryIndex):
    """A person's own initiatives, newest first: `GET /me/submissions`. Holds
    the initiatives they entered (the `META` items) and, through a link item
    each (`SUB#<id>` / `AUTHOR#<user>`, keys only), those they accepted to
    co-author. Its keys are the initiative's own `submitter_id` and
    `created_at` (a link carries the co-author's id and the initiative's
    time under the same names), so nothing is stored twice for it."""
    class Meta:
        index_name = "by_person"  # was by_submitter, keyed by copies (issue 11)
        projection = IncludeProjection([name for name in SUMMARY_ATTRIBUTES if name != "created_at"])
    submitter_id = UnicodeAttribute(hash_key=True)  # the person whose list it is
    created_at = UnicodeAttribute(range_key=True)


class QueueIndex(GlobalSecondaryIndex):
    """The initiatives waiting for one unit's reviewers in one state, phase by
    phase, oldest first (the whole queue is the merge of its states).

    Sparse: only initiatives waiting for someone carry queue keys.
    """
    class Meta:
        index_name = "queue_by_state"  # was queue, by unit only (issue 11)
        projection = IncludeProjection(QUEUE_ATTRIBUTES)
    queue_pk = UnicodeAttribute(hash_key=True, attr_name="qp")   # <unit id>#<state>
    queue_sk = UnicodeAttribute(range_key=True, attr_name="qs")  # <phase>#<entered queue at, compact>#<id>


class QueueGroupIndex(GlobalSecondaryIndex):
    """A unit's queue in one subject group (the filter, as a key): same sort key as `queue`."""
    class Meta:
        index_name = "queue_group"
        projection = IncludeProjection(QUEUE_ATTRIBUTES)
    queue_group_pk = UnicodeAttribute(hash_key=True, attr_name="qg")  # <unit id>#<subject group>
    queue_sk = UnicodeAttribute(range_key=True, attr_name="qs")


class QueueFieldIndex(GlobalSecondaryIndex):
    """A unit's queue in one field (the filter, as a key): same sort key as `queue`."""
    class Meta:
        index_name = "queue_field"
        projection = IncludeProjection(QUEUE_ATTRIBUTES)
    queue_field_pk = UnicodeAttribute(hash_key=True, attr_name="qf")  # <unit id>#<field>
    queue_sk = UnicodeAttribute(range_key=True, attr_name="qs")


class AlarmIndex(GlobalSecondaryIndex):
    """What the deadline sweep must look at: every initiative with an alarm
    still to ring (a reminder, a deadline), under one of ALARM_SHARDS
    partitions by the time it rings. Sparse (only initiatives with an alarm)
    and keys only: the sweep reads the keys of what is due, then those items."""
    class Meta:
        index_name = "alarms"
        projection = KeysOnlyProjection()
    alarm_shard = UnicodeAttribute(hash_key=True, attr_name="ap")  # one digit: the id's shard
    alarm_sk = UnicodeAttribute(range_key=True, attr_name="as")  # <rings at, compact>#<alarm code>


class OverdueBelowIndex(GlobalSecondaryIndex):
    """What is overdue at the desks one level below a unit, the deadline's
    escalation: `op` the unit told, sorted by when it was due. Sparse (only
    escalated initiatives), with what a row of the list shows."""
    class Meta:
        index_name = "overdue_below"
        projection = IncludeProjection([*SUMMARY_ATTRIBUTES, "qp"])
    escalated_to = UnicodeAttribute(hash_key=True, attr_name="op")  # the unit one level above the desk
    escalated_sk = UnicodeAttribute(range_key=True, attr_name="os")  # <due, compact>#<id>


# ---- the drill-down lists (issue 13, point 4): the initiatives under a unit, newest first

# What a list's filters read (state, subject group, field, block, overdue since): all the
# `under_*` indexes project, so a filter is a FilterExpression on the index and the page's
# rows are then read whole (BatchGetItem). Nothing else, so a step of an initiative rewrites
# its entries only when one of these changes (its state, at every transition).
UNDER_ATTRIBUTES = ["status", "subject_group", "field", "block", "od"]


class UnderNationalIndex(GlobalSecondaryIndex):
    """Every initiative of a phase, nationwide, spread over UNDER_SHARDS
    partitions (`<national>#<phase>#<shard>`) that a page merges: a peak of
    1,000 new initiatives a second is more than one partition takes. Sorted
    by when it was entered (`<entered, compact>#<id>`), read newest first."""
    class Meta:
        index_name = "under_0"
        projection = IncludeProjection(UNDER_ATTRIBUTES)
    under_0 = UnicodeAttribute(hash_key=True, attr_name="u0")
    under_sk = UnicodeAttribute(range_key=True, attr_name="us")


class UnderTopLevelIndex(GlobalSecondaryIndex):
    """The initiatives under the unit at depth 1 of their path (a top-level unit), in a phase: `<unit>#<phase>`."""
    class Meta:
        index_name = "under_1"
        projection = IncludeProjection(UNDER_ATTRIBUTES)
    under_1 = UnicodeAttribute(hash_key=True, attr_name="u1")
    under_sk = UnicodeAttribute(range_key=True, attr_name="us")


class UnderDepth2Index(GlobalSecondaryIndex):
    """The initiatives under the unit at depth 2 of their path (an upper-grassroots
    union, or a grassroots union right under its top-level unit), in a phase."""
    class Meta:
        index_name = "under_2"
        projection = IncludeProjection(UNDER_ATTRIBUTES)
    under_2 = UnicodeAttribute(hash_key=True, attr_name="u2")
    under_sk = UnicodeAttribute(range_key=True, attr_name="us")


class UnderDepth3Index(GlobalSecondaryIndex):
    """The initiatives of the unit at depth 3 of their path (a grassroots union under an upper-grassroots one)."""
    class Meta:
        index_name = "under_3"
        projection = IncludeProjection(UNDER_ATTRIBUTES)
    under_3 = UnicodeAttribute(hash_key=True, attr_name="u3")
    under_sk = UnicodeAttribute(range_key=True, attr_name="us")


# What a showcase row shows (title, unit, field, benefit, when recognised) and what its
# search reads (`wt`, the folded text): nothing of the authors, so the public
# index holds no contact detail, not even a name.
SHOWCASE_ATTRIBUTES = ["id", "title", "unit_id", "field", "benefit_vnd", "confirmed_benefit_vnd", "recognized_at",
                       "wt"]


class ShowcaseIndex(GlobalSecondaryIndex):
    """The public showcase of one program (issue 13): its recognised
    initiatives whose authors agreed to publish them, newest recognition
    first. Sparse: only those carry `wp` (submissions.store.showcase_keys)."""
    class Meta:
        index_name = "showcase"
        projection = IncludeProjection(SHOWCASE_ATTRIBUTES)
    showcase_pk = UnicodeAttribute(hash_key=True, attr_name="wp")  # <program id>
    showcase_sk = UnicodeAttribute(range_key=True, attr_name="ws")  # <recognised at, compact>#<id>


class ShowcaseUnitIndex(GlobalSecondaryIndex):
    """The same showcase within one top-level unit (the filter "unit", as a
    key): same sort key and projection; as sparse."""
    class Meta:
        index_name = "showcase_unit"
        projection = IncludeProjection(SHOWCASE_ATTRIBUTES)
    showcase_unit_pk = UnicodeAttribute(hash_key=True, attr_name="wu")  # <program id>#<top-level unit id>
    showcase_sk = UnicodeAttribute(range_key=True, attr_name="ws")


class InitiativesItem(_Bound):
    """The initiatives table's key: every item there has `pk` and `sk`; a
    reviewer's claim on a queue item expires (`expires_at`, the table's TTL)."""
    Meta = _meta("initiatives")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    expires_at = TTLAttribute(null=True)


class SubmissionRecord(InitiativesItem):
    """One initiative, as stored: `SUB#<id>` / `META`. Its history events are
    numbered by its version (submissions.store.next_seq)."""
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
    # The reviewers' findings, kept by the transition that takes them as input.
    scores = MapAttribute(null=True)
    confirmed_benefit_vnd = NumberAttribute(null=True)
    authors = ListAttribute(of=Author)
    submitter_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()
    # Index keys, under short stored names (every write of the item pays for its size).
    queue_pk = UnicodeAttribute(null=True, attr_name="qp")
    queue_sk = UnicodeAttribute(null=True, attr_name="qs")
    queue_group_pk = UnicodeAttribute(null=True, attr_name="qg")
    queue_field_pk = UnicodeAttribute(null=True, attr_name="qf")
    # Deadlines (workflow/deadlines.py): the next alarm, and since when it is overdue and who was told.
    alarm_shard = UnicodeAttribute(null=True, attr_name="ap")
    alarm_sk = UnicodeAttribute(null=True, attr_name="as")
    overdue_since = UnicodeAttribute(null=True, attr_name="od")
    escalated_to = UnicodeAttribute(null=True, attr_name="op")
    escalated_sk = UnicodeAttribute(null=True, attr_name="os")
    # The drill-down lists (issue 13): the initiative under each unit of its path, by when it was entered.
    under_0 = UnicodeAttribute(null=True, attr_name="u0")
    under_1 = UnicodeAttribute(null=True, attr_name="u1")
    under_2 = UnicodeAttribute(null=True, attr_name="u2")
    under_3 = UnicodeAttribute(null=True, attr_name="u3")
    under_sk = UnicodeAttribute(null=True, attr_name="us")
    # The public showcase (issue 13): the authors' consent, when it was recognised, and the
    # sparse showcase keys with the folded text its search reads (only while both hold).
    publish_consent = BooleanAttribute(null=True)
    similar = ListAttribute(of=SimilarFound, null=True)  # found when it was entered (similar.service.found_for)
    recognized_at = UnicodeAttribute(null=True)
    showcase_pk = UnicodeAttribute(null=True, attr_name="wp")
    showcase_unit_pk = UnicodeAttribute(null=True, attr_name="wu")
    showcase_sk = UnicodeAttribute(null=True, attr_name="ws")
    showcase_text = UnicodeAttribute(null=True, attr_name="wt")
    by_submitter = BySubmitterIndex()
    queue = QueueIndex()
    queue_group = QueueGroupIndex()
    queue_field = QueueFieldIndex()
    alarms = AlarmIndex()
    overdue_below = OverdueBelowIndex()
    under_national = UnderNationalIndex()
    under_top_level = UnderTopLevelIndex()
    under_depth_2 = UnderDepth2Index()
    under_depth_3 = UnderDepth3Index()
    showcase = ShowcaseIndex()
    showcase_unit = ShowcaseUnitIndex()


class HistoryEvent(InitiativesItem):
    """One step of an initiative's history: `SUB#<id>` / `EVT#<seq, 6 digits>`.

    Append-only, like a Step Functions execution history.
    """
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
    # The members this event invited to co-author (`submitted`, `edited`): the invite_coauthors effect tells them.
    invited = ListAttribute(of=UnicodeAttribute, null=True)


class CoauthorLink(InitiativesItem):
    """Puts an initiative on an accepted co-author's "my initiatives":
    `SUB#<id>` / `AUTHOR#<user>`, in `by_submitter` under the co-author's id."""
    submission_id = UnicodeAttribute()
    listed_for = UnicodeAttribute(attr_name="submitter_id")  # the co-author: whose list it is on
    created_at = UnicodeAttribute()  # the initiative's


class QueueClaim(InitiativesItem):
    """A reviewer handling one queue item ("I'm handling this", issue 12):
    `CLAIM#<unit>` / `<submission id>`, beside nothing else of the initiative,
    so taking it never moves the initiative's version. It holds until
    `expires_at` (the TTL deletes it some time after)."""
    holder_id = UnicodeAttribute()
    holder_name = UnicodeAttribute()


class TrackingCode(InitiativesItem):
    """Claims a tracking code so that no two initiatives share one: `CODE#<code>` / `CODE`."""
    submission_id = UnicodeAttribute()


class ListExport(InitiativesItem):
    """A request to export a drill-down list to Excel (issue 13, point 4):
    `EXPORT#<id>` / `REQUEST`, written by the page that asks, worked on by the
    queue's handler (progress, then the file's place in S3 or why it failed),
    and gone by TTL (`expires_at`) with its file."""
    requested_by = UnicodeAttribute()
    requested_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    unit_id = UnicodeAttribute()
    phase_id = UnicodeAttribute()
    filters = UnicodeAttribute()  # the list's filters as JSON, exactly as the list validated them
    token = UnicodeAttribute()
    status = UnicodeAttribute()  # exporting | done | failed
    done_rows = NumberAttribute(default=0)
    file_key = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)


# ================================================================ reference (chalicelib.reference)

class Gsi1Index(GlobalSecondaryIndex):
    """Overloaded index `gsi1`: a unit's children (`CHILDREN#<parent>` / `<folded name>#<id>`,
    read as units) and a unit's users (`USERS#<unit>` / `<user id>`, read as users)."""
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()
    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class ReferenceItem(_Bound):
    """The reference table's key, and the digest of what the loader wrote (it
    writes an item again only when its digest changed)."""
    Meta = _meta("reference")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    digest = UnicodeAttribute()


class UnitRecord(ReferenceItem):
    """One unit of the organisation tree: `UNIT#<id>` / `UNIT`."""
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
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi1 = Gsi1Index()


class TargetRecord(ReferenceItem):
    """A unit's registered target for one phase: `UNIT#<id>` / `TARGET#<program>#<phase>`."""
    unit_id = UnicodeAttribute()
    program_id = UnicodeAttribute()
    phase_id = UnicodeAttribute()
    total = NumberAttribute()
    by_block = MapAttribute(null=True)


class UnitTokenRecord(ReferenceItem):
    """A unit listed under one word of its folded name, for search:
    `TOKEN#<word>` / `<level>#<folded name>#<id>`; `TOKEN#<word>` / `#STAT` counts them."""
    unit_id = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    name_folded = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(null=True)
    ancestor_names = ListAttribute(of=UnicodeAttribute, null=True)
    count = NumberAttribute(null=True)


class ProgramRecord(ReferenceItem):
    """A program with its phases, subject groups and fields: `PROGRAM` / `<program id>`."""
    document = UnicodeAttribute()  # the program exactly as in the data file, as JSON


class UserRecord(ReferenceItem):
    """A user's profile: `USER#<id>` / `USER`; listed per unit through gsi1 (`USERS#<unit>`)."""
    id = UnicodeAttribute()
    full_name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    roles = ListAttribute(of=UnicodeAttribute)
    unit_id = UnicodeAttribute()
    language = UnicodeAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi1 = Gsi1Index()  # the same index, its instance bound to this model


# ================================================================ idempotency (chalicelib.idempotency)

class IdempotencyRecord(_Bound):
    """The response first given for one caller's Idempotency-Key on one route."""
    Meta = _meta("idempotency")
    key = UnicodeAttribute(hash_key=True)  # <user id>#<route>#<Idempotency-Key>
    request_hash = UnicodeAttribute()
    status_code = NumberAttribute()
    # The response body, as JSON compressed with zlib: an answer of 1–2 KB fits in 1 KB, so the
    # record costs 2 WRU inside its transaction instead of 4.
    response_z = BinaryAttribute(legacy_encoding=False)
    created_at = UnicodeAttribute()
    expires_at = TTLAttribute()


# ================================================================ counters (chalicelib.counters)

# What the rankings read of each counter (counters.core.ENTERED, AUTHORS): all the by_level index holds.
RANKED_COUNTS = ["entered", "authors"]


class LevelIndex(GlobalSecondaryIndex):
    """Every unit's counters at one level in one phase (rankings): `LEVEL#<level>#<phase>`.
    It projects only what the rankings read (RANKED_COUNTS), so a change of
    state, which moves other counts, does not write the index again."""
    class Meta:
        index_name = "by_level"
        projection = IncludeProjection(RANKED_COUNTS)
    level_pk = UnicodeAttribute(hash_key=True)
    level_sk = UnicodeAttribute(range_key=True)  # unit id


class CountersItem(_Bound):
    """The counters table's key, and the expiry of the markers (counters never expire)."""
    Meta = _meta("counters")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    expires_at = TTLAttribute(null=True)


class CounterRecord(CountersItem):
    """A unit's counters for one phase: `COUNT#<unit>#<phase>` / `TOTAL`. The
    counts themselves are flat number attributes named by what they count
    (`entered`, `state:<s>`, `group:<g>`, `block:<b>`, `benefit_estimated`,
    `benefit_confirmed`, `authors`), moved with ADD (DynamoDB adds only to
    top-level attributes). Not declared one by one, they are read into
    `counts` ({name: int}) whenever an item is read."""
    unit_id = UnicodeAttribute(null=True)
    phase_id = UnicodeAttribute(null=True)
    level_pk = UnicodeAttribute(null=True)
    level_sk = UnicodeAttribute(null=True)
    imported = UnicodeSetAttribute(null=True)  # the imports whose sums it took (counters.store.count_import)
    by_level = LevelIndex()

    @classmethod
    def from_raw_data(cls, data: dict):
        record = super().from_raw_data(data)
        declared = {attribute.attr_name for attribute in cls.get_attributes().values()}
        record.counts = {name: int(value["N"]) for name, value in data.items()
                         if name not in declared and "N" in value}
        return record


class CountedMarker(CountersItem):
    """Makes each counting happen once: `APPLIED#<submission>` / `v<version>`,
    a change counted."""


class RankingSnapshot(CountersItem):
    """A ranking of many units, kept ready to be read a page at a time:
    `RANKING#<level>#<within>#<phase>` / `HEAD` (`built_at`, `sizes`: how many
    rows each ordering has) and / `<built_at>#<ordering>#<chunk>` (`rows_z`:
    up to RANKING_CHUNK rows, JSON compressed with zlib; they expire)."""
    built_at = UnicodeAttribute(null=True)
    sizes = UnicodeAttribute(null=True)  # JSON {ordering: rows}
    rows_z = BinaryAttribute(null=True, legacy_encoding=False)


class PersonMarker(CountersItem):
    """A person counted as a participating author in one phase:
    `PERSON#<phase>#<author key>` / `UNITS`, with the units whose `authors`
    count them (`units`) and a `version` bumped by every change of it (the
    condition that keeps two batches from counting the same person twice)."""
    units = UnicodeSetAttribute(null=True)
    version = NumberAttribute(null=True)


# ================================================================ notifications (chalicelib.notify)

class UnreadIndex(GlobalSecondaryIndex):
    """A user's unread notifications (sparse: `unread_pk` is set while a
    notification is unread and removed when it is read), keys only: counting
    them reads ~100 bytes an entry, and a notification costs no transaction."""
    class Meta:
        index_name = "unread"
        projection = KeysOnlyProjection()
    unread_pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class NotificationRecord(_Bound):
    """The notifications table: in-app notifications (`USER#<user>` /
    `N#<at>#<submission>#<seq>`, in the `unread` index while unread), each
    user's notification settings (`USER#<user>` / `SETTINGS`) and email
    delivery claims (`MAIL#<submission>#<seq>` / `<casefolded address>`,
    `MAIL#AWARD-LIST#<list id>` / `<leader id>`)."""
    Meta = _meta("notifications")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    expires_at = TTLAttribute(null=True)
    unread_pk = UnicodeAttribute(null=True)  # `USER#<user>` while unread
    unread = UnreadIndex()


class Notification(NotificationRecord):
    """One in-app notification: `USER#<user>` / `N#<at>#<submission>#<seq>[#<tag>]`.
    It keeps what the person was told, in both languages, as of the event."""
    kind = UnicodeAttribute()
    submission_id = UnicodeAttribute()
    seq = NumberAttribute()
    code = UnicodeAttribute()
    title = UnicodeAttribute()
    event = UnicodeAttribute()
    event_name = MapAttribute()  # {vi, en}: the transition's label
    from_state = UnicodeAttribute(null=True)
    to_state = UnicodeAttribute()
    state_name = MapAttribute()  # {vi, en}: the new state's name
    reason = UnicodeAttribute(null=True)
    scores = MapAttribute(null=True)
    confirmed_benefit_vnd = NumberAttribute(null=True)
    link = UnicodeAttribute()
    at = UnicodeAttribute()  # when the event happened
    # The deadlines' notifications (issue 12): when it is due, where and since when it waits.
    due_at = UnicodeAttribute(null=True)
    waiting_unit = UnicodeAttribute(null=True)  # the unit's name, as of the event
    waiting_since = UnicodeAttribute(null=True)
    read = BooleanAttribute(default=False)
    read_at = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()


class NotificationSettings(NotificationRecord):
    """A user's own notification settings: `USER#<user>` / `SETTINGS` (beside
    their in-app notifications, outside the `N#` range a page reads)."""
    daily_digest = BooleanAttribute(default=True)  # the reviewers' daily digest email
    updated_at = UnicodeAttribute(null=True)


class MailClaim(NotificationRecord):
    """The claim on one email: `MAIL#<submission>#<seq>` / `<casefolded address>`
    (an author's), `MAIL#AWARD-LIST#<list id>` / `<leader id>` (a leader's)."""
    status = UnicodeAttribute()  # sending | sent
    token = UnicodeAttribute()  # whose claim it is: one invocation's random token
    lease_until = NumberAttribute(null=True)  # epoch seconds; while status = sending
    recipient = UnicodeAttribute()
    message_id = UnicodeAttribute(null=True)  # SES MessageId, once sent
    sent_at = UnicodeAttribute(null=True)


# ================================================================ near-duplicates (chalicelib.similar)

class SimilarRecord(_Bound):
    """The near-duplicate index (issue 14): one document per indexed
    initiative (`DOC#<submission id>` / `DOC`) and one entry per band of its
    MinHash signature (`BAND#<band key>` / `<submission id>`): the initiatives
    sharing a band are one Query of its partition."""
    Meta = _meta("similar")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class SimilarDoc(SimilarRecord):
    """What a check re-ranks and shows of an indexed initiative, as of its
    `version` (the initiative's): its normalised words, where it is and who
    may read it whole, and the band keys it holds (to take back on an edit)."""
    words = UnicodeAttribute()  # similar.normalize.words, joined by spaces (at most WORDS_KEPT characters)
    bands = UnicodeSetAttribute(null=True)  # none once withdrawn: no longer found
    title = UnicodeAttribute()
    state = UnicodeAttribute()
    code = UnicodeAttribute()
    unit_id = UnicodeAttribute()
    unit_path = ListAttribute(of=UnicodeAttribute)
    phase_id = UnicodeAttribute()
    people = UnicodeSetAttribute(null=True)  # the submitter's and the authors' user ids (who may read it whole)
    created_at = UnicodeAttribute()
    version = NumberAttribute()


class SimilarBand(SimilarRecord):
    """One band of one initiative's signature: `BAND#<band key>` / `<submission id>` (keys only)."""


# ================================================================ awards (chalicelib.awards)

class ByScoreIndex(GlobalSecondaryIndex):
    """`by_score`: a unit's candidates best first (`pk` = `CAND#<phase>#<unit>`,
    `score_rank` = inverted score, inverted benefit, tracking code, id), so a
    unit's best N is one Query with Limit N. Sparse: only candidates with a
    `score_rank` (not those of the root of the tree, which no list reads)."""
    class Meta:
        index_name = "by_score"
        projection = AllProjection()
    pk = UnicodeAttribute(hash_key=True)
    score_rank = UnicodeAttribute(range_key=True)


class ByRecognizedIndex(GlobalSecondaryIndex):
    """`by_recognized`: award aggregates by how many recognised initiatives they
    hold (`count_pk` = `PERSON#<phase>#<unit>` for a unit's authors,
    `COLLECTIVE#<phase>#<top-level unit>` for the grassroots unions under a
    top-level unit; `recognized` the count), so "at least N" is one Query that
    reads only those. Sparse: only aggregates have a `count_pk`."""
    class Meta:
        index_name = "by_recognized"
        projection = AllProjection()
    count_pk = UnicodeAttribute(hash_key=True)
    recognized = NumberAttribute(range_key=True)


class AwardRecord(_Bound):
    """The awards table: award candidates (`CAND#<phase>#<unit>` /
    `<submission>`), per-author and per-grassroots aggregates (`PERSON#`,
    `COLLECTIVE#`), compiled award lists (`LIST#<unit>#<phase>` /
    `V#<version, 4 digits>`) and compile requests (`COMPILE#<unit>#<phase>` /
    `REQUEST`). Its two indexes are declared here, on the model that creates
    the table."""
    Meta = _meta("awards")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    score_rank = UnicodeAttribute(null=True)
    count_pk = UnicodeAttribute(null=True)
    recognized = NumberAttribute(null=True)
    by_score = ByScoreIndex()
    by_recognized = ByRecognizedIndex()


class CandidateAuthor(MapAttribute):
    full_name = UnicodeAttribute()
    member_id = UnicodeAttribute(null=True)


class AwardCandidate(AwardRecord):
    """A recognised initiative as a candidate for the lists of one unit on its
    path: `CAND#<phase>#<unit>` / `<submission id>`."""
    submission_id = UnicodeAttribute()
    code = UnicodeAttribute()
    title = UnicodeAttribute()
    program_id = UnicodeAttribute()
    phase_id = UnicodeAttribute()
    unit_path = ListAttribute(of=UnicodeAttribute)
    grassroots_unit_id = UnicodeAttribute()
    top_level_unit_id = UnicodeAttribute()
    authors = ListAttribute(of=CandidateAuthor)
    scores = MapAttribute()
    score_total = NumberAttribute()
    confirmed_benefit_vnd = NumberAttribute()
    recognized_at = UnicodeAttribute()
    event_seq = NumberAttribute()
    by_score = ByScoreIndex()  # the same index, its instance bound to this model


class AwardPerson(AwardRecord):
    """One author's recognised initiatives in one unit's subtree and phase:
    `PERSON#<phase>#<unit>` / `<author key>`. `entries` (a string set) holds one
    `<code>\x1f<name>\x1f<member id>\x1f<grassroots>\x1f<top-level>` per initiative:
    the codes of the list, the name as written on the first by code, and the
    guard that counts each initiative once."""
    score_total = NumberAttribute(null=True)
    benefit = NumberAttribute(null=True)
    entries = UnicodeSetAttribute(null=True)
    by_recognized = ByRecognizedIndex()  # the same index, its instance bound to this model


class AwardCollective(AwardRecord):
    """One grassroots union's recognised initiatives in a phase:
    `COLLECTIVE#<phase>#<grassroots>` / `SUM`, written in one transaction
    with the union's own candidate (the candidate is the guard)."""
    unit_id = UnicodeAttribute(null=True)
    unit_path = ListAttribute(of=UnicodeAttribute, null=True)
    top_level_unit_id = UnicodeAttribute(null=True)
    benefit = NumberAttribute(null=True)
    by_recognized = ByRecognizedIndex()  # the same index, its instance bound to this model


class CompileRequest(AwardRecord):
    """The latest request to compile one unit's list for one phase:
    `COMPILE#<unit>#<phase>` / `REQUEST`. What GET /award-lists/{id} shows
    while the version it names is being compiled (or failed)."""
    version = NumberAttribute()
    token = UnicodeAttribute()
    status = UnicodeAttribute()  # compiling | done | failed
    program_id = UnicodeAttribute()
    requested_by = UnicodeAttribute()
    requested_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    done_steps = NumberAttribute(default=0)
    total_steps = NumberAttribute(default=0)
    result_version = NumberAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    attempts = NumberAttribute(default=0)


class AwardListRecord(AwardRecord):
    """One compiled version of a unit's award list: `LIST#<unit>#<phase>` / `V#<version>`."""
    list_id = UnicodeAttribute()
    unit_id = UnicodeAttribute()
    phase_id = UnicodeAttribute()
    program_id = UnicodeAttribute()
    version = NumberAttribute()
    status = UnicodeAttribute()
    counts = MapAttribute()
    criteria = MapAttribute()
    content_hash = UnicodeAttribute()
    compiled_at = UnicodeAttribute()
    compiled_by = UnicodeAttribute()
    workbook_key = UnicodeAttribute()
    entries_gz = BinaryAttribute(null=True, legacy_encoding=False)  # the entries, gzipped JSON
    entries_key = UnicodeAttribute(null=True)  # or where in S3 they are, when too large for the item
    approved_at = UnicodeAttribute(null=True)
    approved_by = UnicodeAttribute(null=True)
    workbook_written_at = UnicodeAttribute(null=True)
    notified_at = UnicodeAttribute(null=True)


# ================================================================ the tables

@dataclass(frozen=True)
class Table:
    model: type  # the model whose declaration creates the table (with all its indexes)
    owner: str  # the one package (or module) that reads and writes its items


TABLES = {
    "initiatives": Table(SubmissionRecord, "chalicelib.submissions"),
    "reference": Table(UnitRecord, "chalicelib.reference"),
    "idempotency": Table(IdempotencyRecord, "chalicelib.idempotency"),
    "counters": Table(CounterRecord, "chalicelib.counters"),
    "notifications": Table(NotificationRecord, "chalicelib.notify"),
    "awards": Table(AwardRecord, "chalicelib.awards"),
    "similar": Table(SimilarRecord, "chalicelib.similar"),
}
# Tables with a TTL attribute (`expires_at`).
TTL_TABLES = ("idempotency", "counters", "notifications", "initiatives")


def create_tables(wait: bool = True) -> None:
    """Create any missing table (local emulation and tests; production uses CloudFormation)."""
    for table in TABLES.values():
        if not table.model.exists():
            table.model.create_table(wait=wait)
    _enable_ttl_and_streams()


def _enable_ttl_and_streams() -> None:
    client = aws.dynamodb()
    for kind in TTL_TABLES:
        ttl = client.describe_time_to_live(TableName=settings.table_name(kind))
        if ttl["TimeToLiveDescription"].get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
            client.update_time_to_live(TableName=settings.table_name(kind),
                                       TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"})
    table = client.describe_table(TableName=settings.table_name("initiatives"))["Table"]
    if not table.get("StreamSpecification", {}).get("StreamEnabled"):
        client.update_table(TableName=settings.table_name("initiatives"),
                            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})


# ================================================================ writing: named transactions

CONDITION_FAILED, CONFLICT = "ConditionalCheckFailed", "TransactionConflict"


class Cancelled(Exception):
    """DynamoDB cancelled a transaction: `reasons` maps each action's name to
    its cancellation code (None for an action that was not the cause), and
    `items` the old item DynamoDB handed back for a failed condition, when asked."""

    def __init__(self, reasons: dict, items: dict):
        self.reasons, self.items = reasons, items
        super().__init__(", ".join(f"{name}: {code}" for name, code in reasons.items() if code))

    def failed(self, name: str) -> bool:
        """The condition of action `name` failed."""
        return self.reasons.get(name) == CONDITION_FAILED

    @property
    def conflict(self) -> bool:
        """Another transaction was changing one of the same items at the same moment."""
        return CONFLICT in self.reasons.values()


class Transaction:
    """One TransactWriteItems whose actions have names, so that a cancellation
    is read by name (`Cancelled.failed("idempotency")`), never by position.

    The actions go to DynamoDB in the order they were added. (PynamoDB's own
    TransactWrite regroups them, checks first, then deletes, puts and updates,
    so positions there are not the order of the code; we do not rely on it.)
    """

    def __init__(self):
        self._actions: list[tuple[str, str, dict]] = []  # (name, DynamoDB action, its request)
        self._written: list = []  # models whose local version goes up once committed

    def _add(self, name: str, kind: str, request: dict) -> None:
        if any(name == existing for existing, _, _ in self._actions):
            raise ValueError(f"two actions named {name!r}")
        self._actions.append((name, kind, request))

    @property
    def actions(self) -> list[str]:
        """The names of its actions, in order."""
        return [name for name, _, _ in self._actions]

    def put(self, name: str, item, condition=None, return_old_on_failure: bool = False) -> None:
        self._add(name, "Put", item.get_save_kwargs_from_instance(
            condition=condition, return_values_on_condition_failure="ALL_OLD" if return_old_on_failure else None))
        self._written.append(item)

    def put_whole(self, name: str, item, condition=None, extra: dict | None = None) -> None:
        """Put `item` exactly as it is, its version included: an item whose
        history was built elsewhere and is imported whole (PynamoDB's `put`
        would add "version = <it>" to the condition and write it plus one).
        `extra`: attributes the model does not declare, as DynamoDB JSON
        (a counter item's counts)."""
        from pynamodb.constants import ITEM

        attributes = item.serialize(null_check=True) | (extra or {})
        hash_attribute, range_attribute = item._hash_key_attribute(), item._range_key_attribute()
        hash_key = attributes.pop(hash_attribute.attr_name)[hash_attribute.attr_type]
        range_key = attributes.pop(range_attribute.attr_name)[range_attribute.attr_type] if range_attribute else None
        self._add(name, "Put", item._get_connection().get_operation_kwargs(
            hash_key, range_key=range_key, key=ITEM, attributes=attributes, condition=condition))

    def update(self, name: str, item, actions: list, condition=None) -> None:
        """Update `item` with typed `actions`. A model with a VersionAttribute
        adds "version = <the version read>" to `condition` (PynamoDB's
        optimistic lock) and bumps it."""
        self._add(name, "Update", item.get_update_kwargs_from_instance(actions=actions, condition=condition))
        self._written.append(item)

    def delete(self, name: str, item, condition=None) -> None:
        self._add(name, "Delete", item.get_delete_kwargs_from_instance(condition=condition))

    def check(self, name: str, model, hash_key: str, range_key: str, condition) -> None:
        self._add(name, "ConditionCheck",
                  model.get_operation_kwargs_from_class(hash_key, range_key=range_key, condition=condition))

    def commit(self) -> None:
        """Write every action or none; raises Cancelled when DynamoDB cancelled it."""
        from botocore.exceptions import ClientError

        connection = SubmissionRecord._get_connection().connection  # any model's: one client serves all tables
        items = [{kind: request} for _, kind, request in self._actions]
        try:
            connection.dispatch("TransactWriteItems", {"TransactItems": items})
        except ClientError as error:
            found = getattr(error, "cancellation_reasons", None) or []
            if not found:
                raise
            names = [name for name, _, _ in self._actions]
            raise Cancelled({name: reason.code if reason else None for name, reason in zip(names, found)},
                            {name: reason.raw_item for name, reason in zip(names, found)
                             if reason and reason.raw_item}) from error
        for item in self._written:
            item.update_local_version_attribute()


# ================================================================ reading: pages, cursors, batches

def encode_cursor(key: dict | None) -> str | None:
    """A Query's LastEvaluatedKey as an opaque, URL-safe cursor (None: no more pages)."""
    if not key:
        return None
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, belongs) -> dict:
    """The DynamoDB key a cursor stands for. Malformed (`/cursor`) when it is
    not one of ours or when `belongs(key)` says it is not the caller's own (a
    cursor names a partition: nobody pages through another's)."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if isinstance(key, dict) and all(isinstance(v, dict) and set(v) == {"S"} for v in key.values()) \
                and belongs({name: value["S"] for name, value in key.items()}):
            return key
    except ValueError:
        pass
    raise Malformed([Problem("/cursor", "invalid_cursor")])


def query_page(source, hash_key: str, *, limit: int, cursor: str | None, belongs, **options):
    """ONE Query (DynamoDB's Limit caps what it reads) of `source`, a model or
    one of its indexes: the items of one page and the cursor of the next.
    `belongs` checks a cursor's key (see `decode_cursor`); `options` go to the
    query (range key condition, filter, direction). A filtered page may hold
    fewer than `limit` items: follow the cursor."""
    start = decode_cursor(cursor, belongs) if cursor else None
    pages = source.query(hash_key, page_size=limit, last_evaluated_key=start, **options).page_iter
    answer = next(pages)
    model = getattr(source, "_model", source)  # an index knows its model
    return [model.from_raw_data(raw) for raw in answer.get("Items", [])], encode_cursor(pages.last_evaluated_key)


BATCH_KEYS = 100
BATCH_ATTEMPTS = 8


class BatchRead:
    """Items of known keys, from any tables, read together: ONE BatchGetItem
    per 100 keys. Each owner adds the keys it builds (`want`) and reads its own
    items back (`found`) after `run`, so a caller that needs counters and
    targets at once pays one call, and neither table's keys leave their owner.
    Keys DynamoDB leaves unprocessed (throttling) are asked again with
    backoff; Busy if they stay so."""

    def __init__(self, consistent: bool = False):
        self._keys: list = []
        self._found: dict = {}
        self._consistent = consistent  # strongly consistent: 1 RCU per item instead of 0.5

    def want(self, model, hash_key: str, range_key: str) -> tuple:
        key = (model, hash_key, range_key)
        self._keys.append(key)
        return key

    def found(self, key: tuple):
        """The item read for `key` (a model instance), or None if there is none."""
        return self._found.get(key)

    def run(self) -> "BatchRead":
        unique = list(dict.fromkeys(self._keys))
        # Several models share a table (units and targets): each key is read back as the model that asked.
        wanted = {(model.Meta.table_name, hash_key, range_key): model for model, hash_key, range_key in unique}
        names = {model.Meta.table_name: (model._hash_key_attribute().attr_name,
                                         model._range_key_attribute().attr_name) for model, _, _ in unique}
        for start in range(0, len(unique), BATCH_KEYS):
            request: dict = {}
            for model, hash_key, range_key in unique[start:start + BATCH_KEYS]:
                hash_name, range_name = names[model.Meta.table_name]
                # Every key of these tables is a string.
                request.setdefault(model.Meta.table_name, {"Keys": [], "ConsistentRead": self._consistent})["Keys"].append(
                    {hash_name: {"S": hash_key}, range_name: {"S": range_key}})
            for attempt in range(BATCH_ATTEMPTS + 1):
                answer = aws.dynamodb().batch_get_item(RequestItems=request)
                for table, items in answer.get("Responses", {}).items():
                    hash_name, range_name = names[table]
                    for raw in items:
                        hash_key, range_key = raw[hash_name]["S"], raw[range_name]["S"]
                        model = wanted[(table, hash_key, range_key)]
                        self._found[(model, hash_key, range_key)] = model.from_raw_data(raw)
                request = answer.get("UnprocessedKeys") or {}
                if not request:
                    break
                if attempt == BATCH_ATTEMPTS:
                    raise Busy()
                time.sleep(min(0.05 * 2 ** attempt * random.uniform(0.5, 1.5), 1.0))
        return self
