"""The initiatives table: the only code that builds its keys and reads or
writes its items (`docs/data-model.md` lists them).

| item | pk | sk |
|---|---|---|
| an initiative | `SUB#<id>` | `META` |
| its history events | `SUB#<id>` | `EVT#<seq, 6 digits>` |
| a tracking-code claim | `CODE#<code>` | `CODE` |
| an accepted co-author's link | `SUB#<id>` | `AUTHOR#<user>` |
| a reviewer's claim on a queue item | `CLAIM#<unit>` | `<submission id>` |

and two indexes: `by_submitter` (`USER#<user>`, newest first: the initiatives
a person entered, and the links of those they accepted to co-author) and the
sparse `queue` (`QUEUE#<unit>`, oldest first).
The sparse `showcase` and `showcase_unit` indexes hold only the recognised
initiatives whose authors agreed to publish them (`showcase_keys`).

Every write is ONE TransactWriteItems whose actions have names
(chalicelib/tables.py), each guarded by a condition named below with the race
it closes:
- a new initiative: the initiative, its first history event, its tracking-code
  claim and (with an Idempotency-Key) the idempotency record;
- every later step (a transition, an author's edit): `append_event`, the
  initiative changed and one history event appended (an edit that drops an
  accepted co-author also deletes their link);
- a named member's answer to their invitation: `answer_invitation`, the
  initiative's authors changed, one history event, and on "accept" their link.
"""
import time
from dataclasses import dataclass, field

from chalicelib import clock, idempotency
from chalicelib.errors import Busy
from chalicelib.submissions import rules
from chalicelib.submissions.identifiers import new_tracking_code
from chalicelib.workflow.definition import COAUTHOR_ACCEPTED, COAUTHOR_DECLINED, SUBMITTED
from chalicelib.workflow.effects import CLOSE_INVITATION, INVITE_COAUTHORS, NOTIFY_REVIEWERS, RECEIPT
from chalicelib.workflow.exceptions import StateChanged

MAX_ATTEMPTS = 5
CREATE_SCOPE = "POST /submissions"


def key(submission_id: str) -> str:
    return f"SUB#{submission_id}"


def event_key(seq: int) -> str:
    return f"EVT#{seq:06d}"


def coauthor_key(user_id: str) -> str:
    """The sort key of an accepted co-author's link, beside the initiative's items."""
    return f"AUTHOR#{user_id}"


def link_keys(user_id: str, created_at: str) -> dict:
    """A co-author's link in the `by_submitter` index: on `user_id`'s "my
    initiatives", by when the initiative was entered. (The initiative itself
    is there under its own `submitter_id` and `created_at`.)"""
    return {"listed_for": user_id, "created_at": created_at}


def invitations(invited: list) -> dict:
    """What a history event that names new co-authors carries: whom, and the effect that tells them."""
    return {"invited": list(invited), "effects": [INVITE_COAUTHORS]} if invited else {}


# What the `submitted` event sets off: the first reviewers told that it waits
# in their queue, and the submitter's receipt (with the invitations, if any).
# In-app first: an email that fails (and is retried) holds nothing else back.
SUBMITTED_EFFECTS = (NOTIFY_REVIEWERS, RECEIPT)


def submitted_effects(invited: list) -> dict:
    """The `submitted` event's effects (SUBMITTED_EFFECTS, and the invitations
    when members are named), with whom it invites."""
    invited_part = invitations(invited)
    return {**invited_part, "effects": [*SUBMITTED_EFFECTS, *invited_part.get("effects", [])]}


QUEUE_KEYS = ("queue_pk", "queue_sk", "queue_group_pk", "queue_field_pk")


def queue_partition(unit_id: str, state: str) -> str:
    """The `queue` partition of what waits for `unit_id`'s reviewers in `state`."""
    return f"{unit_id}#{state}"


TIME_DIGITS = 9  # base 36, milliseconds since 1970: enough until the year 5188


def compact_time(timestamp: str) -> str:
    """A clock.timestamp (2026-11-21T10:00:00.000+07:00) as milliseconds since
    1970 in base 36, 9 characters (0knc3w0xs): it sorts the same, and every
    queue key is 20 bytes shorter than with the timestamp itself."""
    from datetime import datetime

    n = round(datetime.fromisoformat(timestamp).timestamp() * 1000)
    digits = ""
    while n:
        n, d = divmod(n, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[d] + digits
    return digits.rjust(TIME_DIGITS, "0")


def full_time(compact: str) -> str:
    """compact_time undone: the timestamp as clock.timestamp writes it."""
    from datetime import datetime, timezone

    from chalicelib import clock

    return clock.timestamp(datetime.fromtimestamp(int(compact, 36) / 1000, tz=timezone.utc))


def queue_keys(unit_id: str | None, state: str, attributes: dict, entered_at: str, submission_id: str) -> dict:
    """The keys of the queue's three indexes: waiting for `unit_id`'s reviewers
    in `state` since `entered_at`, under its phase, subject group and field
    (`attributes`), so that each filter of the queue is a key range of its own.
    {} when it waits for nobody."""
    if unit_id is None:
        return {}
    return {"queue_pk": queue_partition(unit_id, state),
            "queue_sk": f"{attributes['phase_id']}#{compact_time(entered_at)}#{submission_id}",
            "queue_group_pk": f"{unit_id}#{attributes['subject_group']}",
            "queue_field_pk": f"{unit_id}#{attributes['field']}"}


UNDER_SHARDS = 8  # the nationwide list's partitions per phase (the `under_0` index), merged when read
UNDER_DEPTHS = 4  # national, top-level, upper-grassroots, grassroots: the deepest path the tree allows


def under_partition(unit_id: str, phase_id: str, shard: int | None = None) -> str:
    """A drill-down list's partition: `<unit>#<phase>`, and `#<shard>` for the national unit's."""
    return f"{unit_id}#{phase_id}" + (f"#{shard}" if shard is not None else "")


def under_keys(attributes: dict) -> dict:
    """The keys that list an initiative under every unit of its path (issue 13,
    the drill-down lists): `under_<depth>` = the unit at that depth of
    `unit_path` and the phase (the national unit's spread over UNDER_SHARDS
    by id), and one sort key for all four, when it was entered
    (`<created_at, compact>#<id>`). Set once, when the initiative is entered:
    its unit, phase and entry time never change, so no later step moves them."""
    import zlib

    sub_id, path, phase_id = attributes["id"], attributes["unit_path"], attributes["phase_id"]
    keys = {"under_0": under_partition(path[0], phase_id, zlib.crc32(sub_id.encode()) % UNDER_SHARDS),
            "under_sk": f"{compact_time(attributes['created_at'])}#{sub_id}"}
    for depth, unit_id in enumerate(path[1:UNDER_DEPTHS], start=1):
        keys[f"under_{depth}"] = under_partition(unit_id, phase_id)
    return keys


SHOWCASE_KEYS = ("showcase_pk", "showcase_unit_pk", "showcase_sk", "showcase_text")
SEARCH_TEXT_CHARS = 1_000  # of the folded story the showcase's search reads: bounds what each item adds to the index


def showcase_text(values: dict) -> str:
    """What the showcase's search reads, folded (text.fold: "cải tiến khuôn" as
    "cai tien khuon"), between spaces so that a word is found by its start
    (" khuon"): the title, the authors' public names, where it is applied,
    then the story, cut at SEARCH_TEXT_CHARS."""
    from chalicelib.text import fold

    authors = [a.as_dict() if hasattr(a, "as_dict") else dict(a) for a in values.get("authors") or []]
    parts = [values["title"], *rules.public_names(authors), values.get("applied_where") or "",
             values["problem"], values["solution"], values["results"]]
    folded = fold(" ".join(parts))
    if len(folded) > SEARCH_TEXT_CHARS:
        folded = folded[:SEARCH_TEXT_CHARS].rsplit(" ", 1)[0]  # whole words only
    return f" {folded} "


def showcase_keys(values: dict, recognized: bool) -> dict:
    """The keys of the sparse `showcase` indexes for an initiative with
    attributes `values` (plain, as stored) in a state whose `recognized` flag
    is given: set only while it is recognised AND its authors agree
    (`publish_consent`), every one None (removed) otherwise. Under its program,
    and under its program and top-level unit, by when it was recognised."""
    if not (recognized and values.get("publish_consent")):
        return dict.fromkeys(SHOWCASE_KEYS)
    path = list(values.get("unit_path") or [])
    top = path[1] if len(path) > 1 else values["unit_id"]
    at = values.get("recognized_at") or values["updated_at"]
    return {"showcase_pk": values["program_id"], "showcase_unit_pk": f"{values['program_id']}#{top}",
            "showcase_sk": f"{compact_time(at)}#{values['id']}", "showcase_text": showcase_text(values)}


ALARM_SHARDS = 8  # the alarms index's partitions: a peak of 1,000 new initiatives a second spread over 8


def alarm_shard(submission_id: str) -> str:
    import zlib

    return str(zlib.crc32(submission_id.encode()) % ALARM_SHARDS)


def deadline_keys(submission_id: str, next_alarm, overdue_since: str | None = None,
                  escalated_to: str | None = None) -> dict:
    """The deadline attributes of an initiative (None removes one): its next
    alarm in the sparse `alarms` index (a workflow.deadlines.Alarm, or None
    when none is left), since when it is overdue, and the unit told of it in
    the sparse `overdue_below` index."""
    from chalicelib.workflow.deadlines import stamp

    keys = {"alarm_shard": None, "alarm_sk": None, "overdue_since": overdue_since, "escalated_to": None,
            "escalated_sk": None}
    if next_alarm is not None:
        keys |= {"alarm_shard": alarm_shard(submission_id),
                 "alarm_sk": f"{compact_time(stamp(next_alarm.at))}#{next_alarm.code}"}
    if overdue_since and escalated_to:
        keys |= {"escalated_to": escalated_to, "escalated_sk": f"{compact_time(overdue_since)}#{submission_id}"}
    return keys


def alarm_of(record) -> tuple[str, str] | None:
    """The next alarm a stored initiative carries: (when it rings, clock.timestamp; its code), or None."""
    if not record.alarm_sk:
        return None
    at, code = record.alarm_sk.split("#")
    return full_time(at), code


def waiting_since(queue_sk: str) -> str:
    """When an initiative entered the queue it waits in (clock.timestamp), read from its sort key."""
    return full_time(queue_sk.split("#")[1])


INITIATIVE, EVENT = "initiative", "event"


def item_kind(keys: dict) -> str | None:
    """What a stream record's keys (DynamoDB JSON) name: INITIATIVE (`META`),
    EVENT (a history event) or None (a tracking-code claim)."""
    sort = (keys or {}).get("sk", {}).get("S", "")
    if sort == "META":
        return INITIATIVE
    if sort.startswith("EVT#"):
        return EVENT
    return None


def queue_unit_of(record) -> str | None:
    """Whose queue a stored initiative waits in (None: nobody's)."""
    return record.queue_pk.rsplit("#", 1)[0] if record.queue_pk else None


# ------------------------------------------------------------ the guards (named conditions)

def initiative_is_new():
    """Closes: a second initiative overwriting the first under the same id (ids
    are random, so only a replayed request could; it is answered as one)."""
    from chalicelib.tables import SubmissionRecord
    return SubmissionRecord.pk.does_not_exist()


def event_is_new():
    """Closes: two writers appending the same step of a history (a transition and
    an edit racing): the sequence has no gaps and no event is written twice."""
    from chalicelib.tables import HistoryEvent
    return HistoryEvent.pk.does_not_exist()


def code_is_free():
    """Closes: two initiatives with one tracking code (a person reads it over
    the phone to find theirs): the second draws another."""
    from chalicelib.tables import TrackingCode
    return TrackingCode.pk.does_not_exist()


def link_is_new():
    """Closes: two accepts of one invitation (a double tap on two phones) both
    writing the co-author's link; with the version condition only one commits."""
    from chalicelib.tables import CoauthorLink
    return CoauthorLink.pk.does_not_exist()


def still_in(state: str):
    """Closes: two officials deciding on one initiative at once. With the version
    condition PynamoDB adds (the version the actor saw), exactly one of them wins."""
    from chalicelib.tables import SubmissionRecord
    return SubmissionRecord.status == state


# ------------------------------------------------------------ writing

def new_initiative(attributes: dict, actor, queue_unit, first_alarm=None, client_token: str | None = None,
                   recognized: bool = False):
    """What a new initiative is stored as (`create` writes it; the demo's bulk
    import too): its `META` item, waiting in the queue of `queue_unit` with its
    deadlines' first alarm, listed under every unit of its path (`under_keys`)
    and on the showcase if its first state is `recognized` with its authors'
    consent, and its first history event (`submitted` by `actor`).
    Returns (SubmissionRecord, HistoryEvent), not yet written."""
    from chalicelib.tables import Author, HistoryEvent, SimilarFound, SubmissionRecord

    sub_id, created_at = attributes["id"], attributes["created_at"]
    record = SubmissionRecord(
        pk=key(sub_id), sk="META",
        **queue_keys(queue_unit, attributes["status"], attributes, created_at, sub_id),
        **under_keys(attributes),
        **{k: v for k, v in deadline_keys(sub_id, first_alarm).items() if v is not None},
        **{k: v for k, v in showcase_keys(attributes, recognized).items() if v is not None},
        **{k: v for k, v in attributes.items() if v is not None and k not in ("authors", "similar")},
        **({"similar": [SimilarFound(**found) for found in attributes["similar"]]} if attributes.get("similar") else {}),
        authors=[Author(**author) for author in attributes["authors"]])
    event = HistoryEvent(
        pk=key(sub_id), sk=event_key(1), submission_id=sub_id, seq=1, event=SUBMITTED,
        from_state=None, to_state=attributes["status"], actor_id=actor.user_id,
        actor_roles=sorted(actor.roles), actor_unit=actor.unit_id, at=created_at,
        input={}, client_token=client_token, **submitted_effects(rules.invited_members(attributes)))
    return record, event


def code_claim(code: str, submission_id: str):
    """The item that claims a tracking code for one initiative."""
    from chalicelib.tables import TrackingCode

    return TrackingCode(pk=f"CODE#{code}", sk="CODE", submission_id=submission_id)


def create(attributes: dict, actor, idem_key: str | None, body_hash: str, respond, queue_unit,
           first_alarm=None, recognized: bool = False) -> dict:
    """Store a new initiative; return `respond(attributes)`, the answer that the
    idempotency record also keeps. It waits in the queue of `queue_unit`
    (resolved by the workflow for its first state), its deadlines' first
    alarm (a workflow.deadlines.Alarm) in the alarms index. Raises
    idempotency.Replay when `idem_key` was used already, Busy when no free
    tracking code was found. `recognized`: whether its first state counts as
    recognised (never so in the default definition; the showcase keys follow it)."""
    from chalicelib.tables import Transaction, Cancelled

    for attempt in range(MAX_ATTEMPTS):
        attributes = dict(attributes, code=attributes["code"] if attempt == 0 else new_tracking_code())
        sub_id, created_at = attributes["id"], attributes["created_at"]
        record, event = new_initiative(attributes, actor, queue_unit, first_alarm, client_token=idem_key,
                                       recognized=recognized)
        response = respond(attributes | {"version": 1} | queue_keys(queue_unit, attributes["status"], attributes,
                                                                     created_at, sub_id))
        transaction = Transaction()
        transaction.put("initiative", record, condition=initiative_is_new())
        transaction.put("event", event, condition=event_is_new())
        transaction.put("code", code_claim(attributes["code"], sub_id), condition=code_is_free())
        if idem_key:
            idempotency.add_to(transaction, actor.user_id, CREATE_SCOPE, idem_key, body_hash, 201, response,
                               created_at)
        try:
            transaction.commit()
            return response
        except Cancelled as cancelled:
            idempotency.raise_if_replayed(cancelled, actor.user_id, CREATE_SCOPE, idem_key, body_hash)
            if cancelled.failed("code") or cancelled.conflict:
                time.sleep(0.02 * (attempt + 1))
                continue
            raise
    raise Busy()


@dataclass(frozen=True)
class Step:
    """What one history event does to an initiative: the event, the state it
    leads to, the input given, the effects to run, attribute changes (None
    removes one) and, if the step moves it, the queue it waits in next
    (`queue_unit`, None for nobody's)."""
    event: str
    to_state: str
    input: dict = field(default_factory=dict)
    effects: tuple = ()
    changes: dict = field(default_factory=dict)
    moves_queue: bool = False
    queue_unit: str | None = None
    waiting_since: str | None = None  # when it came to that queue's desk (None: now, a new desk)
    deadlines: dict | None = None  # deadline_keys for where it goes (None: as they are)
    invited: tuple = ()  # members newly invited to co-author (an edit of the authors)
    unlinked: tuple = ()  # accepted co-authors the step removes (their links go)
    # Whether the state it leads to counts as recognised (the definition's flag): the showcase keys
    # follow it and the consent (showcase_keys). None: the step leaves them as they are.
    recognized: bool | None = None


def step_event(record, step: Step, actor, now: str, client_token: str | None = None):
    """The history event `step` appends to the stored initiative `record` at
    `now` (a clock.timestamp), fired by `actor`: what `append_event` writes,
    and the demo's bulk import too."""
    from chalicelib.tables import HistoryEvent

    seq = next_seq(record)
    event = HistoryEvent(
        pk=record.pk, sk=event_key(seq), submission_id=record.id, seq=seq, event=step.event,
        from_state=record.status, to_state=step.to_state, actor_id=actor.user_id,
        actor_roles=sorted(actor.roles), actor_unit=actor.unit_id, at=now, input=step.input,
        effects=list(step.effects), client_token=client_token)
    if step.invited:
        event.invited, event.effects = list(step.invited), list(dict.fromkeys([*step.effects, INVITE_COAUTHORS]))
    return event


def step_changes(record, step: Step, now: str) -> dict:
    """The attributes `step` changes on the stored initiative `record` at `now`
    ({name: value}, None removes one): its state, the time, the queue it waits
    in, its deadlines, when it was recognised and its showcase keys (which
    follow its state and its authors' consent). The version moves on by one besides."""
    changes = dict(step.changes, status=step.to_state, updated_at=now)
    if step.moves_queue:
        changes |= queue_keys(step.queue_unit, step.to_state, dict(record.attribute_values, **step.changes),
                              step.waiting_since or now, record.id) or dict.fromkeys(QUEUE_KEYS)
    if step.deadlines is not None:
        changes |= step.deadlines
    elif record.queue_pk and {"subject_group", "field"} & set(step.changes):
        # Still waiting where it was, under its new subject group or field.
        keys = queue_keys(queue_unit_of(record), record.status, dict(record.attribute_values, **step.changes),
                          waiting_since(record.queue_sk), record.id)
        changes |= {name: keys[name] for name in ("queue_group_pk", "queue_field_pk")}
    if step.recognized and not record.recognized_at:
        changes["recognized_at"] = now
    if step.recognized is not None:
        published = showcase_keys(dict(record.attribute_values, **changes), step.recognized)
        if published["showcase_pk"] or record.showcase_pk:  # on the showcase now, or until now
            changes |= published
    return changes


def append_event(record, step: Step, actor, respond, *, client_token: str | None = None,
                 idempotency_scope: str | None = None, body_hash: str | None = None) -> dict:
    """Apply `step` to the stored initiative `record` and append its history
    event, in ONE transaction conditioned on the state and version read. The
    answer is `respond(attributes after, history event)`; with a client token
    it is kept in the same transaction, so a retry gets it again. Raises
    StateChanged when someone else changed the initiative first,
    idempotency.Replay for a token used before."""
    from chalicelib.tables import Author, CoauthorLink, SubmissionRecord, Transaction, Cancelled

    now = clock.timestamp()
    event = step_event(record, step, actor, now, client_token)
    changes = step_changes(record, step, now)
    actions = []
    for name, value in changes.items():
        attribute = getattr(SubmissionRecord, name)
        if name == "authors":
            value = [Author(**author) for author in value]
        actions.append(attribute.remove() if value is None else attribute.set(value))
    after = dict(record.attribute_values, **changes, version=int(record.version) + 1)
    response = respond(after, event)

    transaction = Transaction()
    transaction.put("event", event, condition=event_is_new())
    if client_token:
        idempotency.add_to(transaction, actor.user_id, idempotency_scope, client_token, body_hash, 200, response,
                           now)
    transaction.update("initiative", record, actions, condition=still_in(record.status))
    for user_id in step.unlinked:
        transaction.delete(f"unlink {user_id}", CoauthorLink(record.pk, coauthor_key(user_id)))
    try:
        transaction.commit()
    except Cancelled as cancelled:
        if client_token:
            idempotency.raise_if_replayed(cancelled, actor.user_id, idempotency_scope, client_token, body_hash)
        if cancelled.failed("initiative") or cancelled.failed("event") or cancelled.conflict:
            raise lost_race(record.id)
        raise
    return response


class Raced(Exception):
    """Someone changed the initiative between the read and the write: read it again."""


def answer_invitation(record, actor, answer: str) -> dict:
    """`actor` answers their invitation to co-author `record` (rules.ACCEPTED
    or DECLINED): their author entries take the answer, a history event says
    so, and on acceptance their link puts the initiative on their "my
    initiatives". ONE transaction, conditioned on the version read (PynamoDB's
    lock), so it cannot undo an edit of the authors made meanwhile. Returns
    the initiative's attributes after; Raced when it lost a race."""
    from chalicelib.tables import Author, Cancelled, CoauthorLink, HistoryEvent, SubmissionRecord, Transaction

    data = plain(record)
    now = clock.timestamp()
    seq = next_seq(record)
    authors = [dict(a, invitation=answer) if a.get("member_id") == actor.user_id and a.get("invitation") else a
               for a in data["authors"]]
    event = HistoryEvent(
        pk=record.pk, sk=event_key(seq), submission_id=record.id, seq=seq,
        event=COAUTHOR_ACCEPTED if answer == rules.ACCEPTED else COAUTHOR_DECLINED,
        from_state=record.status, to_state=record.status, actor_id=actor.user_id,
        actor_roles=sorted(actor.roles), actor_unit=actor.unit_id, at=now, input={}, effects=[CLOSE_INVITATION])
    transaction = Transaction()
    transaction.put("event", event, condition=event_is_new())
    transaction.update("initiative", record, [
        SubmissionRecord.authors.set([Author(**{k: v for k, v in a.items() if v is not None}) for a in authors])],
        condition=still_in(record.status))
    if answer == rules.ACCEPTED:
        transaction.put("link", CoauthorLink(record.pk, coauthor_key(actor.user_id), submission_id=record.id,
                                             **link_keys(actor.user_id, record.created_at)),
                        condition=link_is_new())
    try:
        transaction.commit()
    except Cancelled as cancelled:
        if cancelled.failed("initiative") or cancelled.failed("event") or cancelled.failed("link") \
                or cancelled.conflict:
            raise Raced() from cancelled
        raise
    return dict(data, authors=authors, version=int(record.version))


def next_seq(record) -> int:
    """The sequence number of the initiative's next history event. Every write
    of the initiative appends exactly one event and moves its version by one
    (the lock), so its version is the number of its events: not stored twice."""
    return int(record.version) + 1


def lost_race(submission_id: str) -> StateChanged:
    """The refusal after another writer changed the initiative first, saying
    what it left (one GetItem)."""
    current = get(submission_id)
    return StateChanged("stale_version", current.status, int(current.version))


# ------------------------------------------------------------ importing whole histories (the demo's bulk)

def advance(record, step: Step, actor, now: str):
    """Apply `step` to `record` in memory at `now`, as `append_event` would
    write it (the same event, the same changes, the version moved on by one),
    writing nothing; returns the history event. For histories built whole and
    imported at once (`import_initiatives`): no co-author links are kept, so
    a step may not drop an accepted co-author."""
    from chalicelib.tables import Author

    if step.unlinked:
        raise ValueError("an imported history keeps no co-author links to drop")
    event = step_event(record, step, actor, now)
    for name, value in step_changes(record, step, now).items():
        setattr(record, name, [Author(**author) for author in value] if name == "authors" and value else value)
    record.version = next_seq(record)
    return event


def set_alarm_keys(record, keys: dict) -> None:
    """`set_deadline_keys` in memory: the deadline keys put right, no event, the version kept."""
    for name, value in keys.items():
        setattr(record, name, value)


def image(record) -> dict:
    """A stored initiative (its `META` item) as plain Python under its stored
    attribute names, as a stream image of it reads once made plain
    (streams.image), built from the model without serialising it: the demo's
    bulk import counts the changes of histories it built in memory with it."""
    from chalicelib.dynamo_json import plain as plain_value

    names = _stored_names(type(record))
    found = {}
    for name, value in record.attribute_values.items():
        if value is None:
            continue
        if not isinstance(value, str):
            value = _bare(plain_value(value))
        found[names[name]] = value
    return found


def _bare(value):
    """A plain value without the None entries DynamoDB would not store."""
    if isinstance(value, dict):
        return {k: _bare(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_bare(v) for v in value]
    return value


_STORED_NAMES: dict = {}


def _stored_names(model) -> dict:
    if model not in _STORED_NAMES:
        _STORED_NAMES[model] = {name: attribute.attr_name for name, attribute in model.get_attributes().items()}
    return _STORED_NAMES[model]


IMPORT_ACTIONS = 100  # DynamoDB's limit per transaction


def import_initiatives(histories) -> tuple[int, int]:
    """Write whole initiatives whose histories were built in memory
    (`new_initiative`, then `advance` for each step): each one's `META` item
    as it ends, its history events and its tracking-code claim, every item
    only if absent (`initiative_is_new`, `event_is_new`, `code_is_free`), as
    many initiatives as fit in one transaction (100 items) at a time, so an
    initiative is written whole or not at all. `histories`: (record, events)
    pairs, their ids fixed by the caller. What is there already is left as it
    is, so importing the same again writes nothing and never undoes what
    happened to an initiative since. Returns (initiatives written, found there).
    Raises Busy when a tracking code is taken by another initiative."""
    from chalicelib.tables import Cancelled, Transaction

    batches, batch, size = [], [], 0
    for record, events in histories:
        items = 2 + len(events)
        if batch and size + items > IMPORT_ACTIONS:
            batches.append(batch)
            batch, size = [], 0
        batch.append((record, events))
        size += items
    if batch:
        batches.append(batch)
    written = found = 0
    for batch in batches:
        while batch:
            transaction = Transaction()
            for record, events in batch:
                transaction.put_whole(f"initiative {record.id}", record, condition=initiative_is_new())
                for event in events:
                    transaction.put_whole(f"event {record.id} {event.seq}", event, condition=event_is_new())
                transaction.put_whole(f"code {record.id}", code_claim(record.code, record.id),
                                      condition=code_is_free())
            try:
                transaction.commit()
                written += len(batch)
                break
            except Cancelled as cancelled:
                there = {record.id for record, _ in batch if cancelled.failed(f"initiative {record.id}")}
                if any(cancelled.failed(f"code {record.id}") for record, _ in batch if record.id not in there):
                    raise Busy() from cancelled  # a code another initiative holds (1 in 10^9 a pair)
                if not there and not cancelled.conflict:
                    raise
                found += len(there)
                batch = [(record, events) for record, events in batch if record.id not in there]
    return written, found


# ------------------------------------------------------------ reading

def get(submission_id: str):
    """The stored initiative or None: one GetItem (strongly consistent, so an
    author reading right after submitting sees it)."""
    from chalicelib.tables import SubmissionRecord

    try:
        return SubmissionRecord.get(key(submission_id), "META", consistent_read=True)
    except SubmissionRecord.DoesNotExist:
        return None


def list_by_submitter(user_id: str, limit: int, cursor: str | None):
    """One page of a person's initiatives, newest first, as (record, whether
    they co-author it rather than entered it): one Query on `by_submitter`,
    and for the rows that are co-author links one BatchGetItem of those
    initiatives. A link whose initiative no longer counts them as an accepted
    author is left out (cannot happen: links change with the authors, in one
    transaction)."""
    from chalicelib.tables import BatchRead, SubmissionRecord, query_page

    rows, next_cursor = query_page(SubmissionRecord.by_submitter, user_id, limit=limit, cursor=cursor,
                                   belongs=lambda start: start.get("submitter_id") == user_id,
                                   scan_index_forward=False)
    linked = [row for row in rows if row.sk != "META"]
    if linked:
        read = BatchRead()
        wanted = {row.pk: read.want(SubmissionRecord, row.pk, "META") for row in linked}
        read.run()
    found = []
    for row in rows:
        if row.sk == "META":
            found.append((row, False))
            continue
        record = read.found(wanted[row.pk])
        if record is not None and user_id in rules.accepted_members(plain(record)):
            found.append((record, True))
    return found, next_cursor


QUEUE_FILTERS = ("state", "phase", "subject_group", "field")
# Query calls one queue page may make when a filter is not a key of its own
# (two of state, subject group and field together): past it the page is
# shorter and its cursor continues from where the reading stopped.
QUEUE_READS = 8


def queue_page(unit_id: str, states, filters: dict, limit: int, cursor: str | None):
    """One page of what waits for `unit_id`'s reviewers, phase by phase and
    oldest first within a phase: (items, cursor of the next page or None).

    Every filter alone is a key range, so its pages are full while anything
    matches and cost what an unfiltered page costs, however rare it is:
    - none, or a state: the `queue_by_state` partitions of the unit's `states` (the
      desk's, at most a few), merged; a state is one of them;
    - a subject group, or a field: ONE partition of `queue_group` / `queue_field`;
    - a phase: `begins_with` on the sort key, in any of the above.
    Two of state, subject group and field together: the subject group's (else
    the field's) partition, the rest as a FilterExpression, reading on until
    the page is full, the partition ends or QUEUE_READS calls were made (then
    the page is short and its cursor honest: it continues after what was read).

    A partition is read with Limit `limit` + 1 and only up to the sort key a
    page already has enough before, so a page reads about `limit` items."""
    from chalicelib.tables import SubmissionRecord, decode_cursor, encode_cursor

    after = None
    if cursor:
        after = decode_cursor(cursor, lambda key: set(key) == {"queue", "after"} and key["queue"] == unit_id)[
            "after"]["S"]
    record = SubmissionRecord
    state, group, field = filters.get("state"), filters.get("subject_group"), filters.get("field")
    if state and state not in states:
        return [], None  # nothing in that state waits for this unit
    condition = None
    if group:
        lanes = [(record.queue_group, f"{unit_id}#{group}")]
        for attribute, value in ((record.status, state), (record.field, field)):
            if value:
                condition = attribute == value if condition is None else condition & (attribute == value)
    elif field:
        lanes = [(record.queue_field, f"{unit_id}#{field}")]
        condition = record.status == state if state else None
    else:
        lanes = [(record.queue, queue_partition(unit_id, name)) for name in ([state] if state else states)]
    prefix = f"{filters['phase']}#" if filters.get("phase") else None
    found, frontiers, budget = [], [], [QUEUE_READS]
    for index, partition in lanes:
        ceiling = sorted(row.queue_sk for row in found)[limit] if len(found) > limit else None
        rows, frontier = _read_lane(index, partition, after, prefix, ceiling, limit + 1, condition, budget)
        found += rows
        if frontier is not None:
            frontiers.append(frontier)
    found.sort(key=lambda row: row.queue_sk)
    safe = min(frontiers) if frontiers else None  # past it, a partition was not read
    ready = [row for row in found if safe is None or row.queue_sk <= safe]
    page = ready[:limit]
    if len(ready) > limit or (len(page) == limit and frontiers):
        next_after = page[-1].queue_sk
    elif frontiers:
        next_after = safe  # everything up to it is on this page
    else:
        next_after = None
    return page, encode_cursor({"queue": {"S": unit_id}, "after": {"S": next_after}}) if next_after else None


EMPTY = object()  # a sort-key range with nothing in it


def sort_range(sort, low, high):
    """The key condition `low` ≤ `sort` ≤ `high` on an index's sort key
    attribute (an open end when None; None when both are), or EMPTY when
    `low` is above `high`."""
    if low is not None and high is not None:
        return EMPTY if low > high else sort.between(low, high)
    if low is not None:
        return sort >= low
    if high is not None:
        return sort <= high
    return None


def _read_lane(index, partition: str, after, prefix, ceiling, want: int, condition, budget: list):
    """The rows of one index partition after `after` (exclusive), within
    `prefix` and up to `ceiling` (inclusive), oldest first: up to `want` of
    them, following DynamoDB's pages while a FilterExpression leaves them
    short and `budget[0]` (Query calls left for the page) lasts. Returns
    (rows, frontier): frontier is the last sort key read when the range was
    not read to its end, else None."""
    low, high = after, ceiling
    if prefix:
        low = prefix if low is None or low < prefix else low
        top = prefix + "~"  # "~" sorts after every character of a time and an id
        high = top if high is None or high > top else high
    from chalicelib.tables import SubmissionRecord

    range_condition = sort_range(SubmissionRecord.queue_sk, low, high)  # all three queue indexes sort by it
    if range_condition is EMPTY:
        return [], None
    rows, start = [], None
    while budget[0] > 0:
        budget[0] -= 1
        pages = index.query(partition, range_key_condition=range_condition, filter_condition=condition,
                            page_size=want - len(rows), last_evaluated_key=start).page_iter
        answer = next(pages)
        rows += [row for row in (index._model.from_raw_data(raw) for raw in answer.get("Items", []))
                 if row.queue_sk != after]
        start = answer.get("LastEvaluatedKey")
        if not start or len(rows) >= want:
            break
    if start is None:
        return rows, None
    return rows, start["qs"]["S"]


# The most a search or a sort other than the queue's own order reads of one desk's
# queue (issue 12): a desk holds ~300, at most ~2,000 waiting; past this the answer
# says it is incomplete (see docs/data-model.md, "Searching and sorting the queue").
QUEUE_READ_CAP = 2_000
QUEUE_READ_PAGE = 1_000  # items asked of queue_page at a time while reading a queue whole


def queue_read(unit_id: str, states, filters: dict, cap: int = QUEUE_READ_CAP):
    """What waits for `unit_id`'s reviewers under `filters`, in the queue's
    order (phase by phase, oldest first), read whole up to `cap` items: the
    same Queries as queue_page, followed until the queue ends. Returns
    (records, complete): complete is False when `cap` stopped the reading."""
    found, cursor = [], None
    while True:
        rows, cursor = queue_page(unit_id, states, filters, min(QUEUE_READ_PAGE, cap - len(found)), cursor)
        found += rows
        if not cursor:
            return found, True
        if len(found) >= cap:
            return found, False


def offset_cursor(unit_id: str, view: str, offset: int) -> str:
    """The cursor of the next page of a queue read whole and searched or sorted
    in memory: how many rows of it were shown, for one unit and one `view`
    (a digest of the search and order, so a cursor serves only its own)."""
    from chalicelib.tables import encode_cursor

    return encode_cursor({"queue": {"S": unit_id}, "view": {"S": view}, "offset": {"S": str(offset)}})


def offset_of(cursor: str, unit_id: str, view: str) -> int:
    """offset_cursor undone; Malformed (`/cursor`) for another unit's, view's or a key-order cursor."""
    from chalicelib.tables import decode_cursor

    key = decode_cursor(cursor, lambda key: set(key) == {"queue", "view", "offset"} and key["queue"] == unit_id
                        and key["view"] == view and key["offset"].isdigit() and len(key["offset"]) <= 5)
    return int(key["offset"]["S"])


# ------------------------------------------------------------ the drill-down lists (issue 13)

# Query calls one page of a list may make (each lane, national shards included,
# gets its share and at least one): with a filter that few initiatives match, the
# page is shorter past it and its cursor continues from where the reading stopped.
UNDER_READS = 16
# Index entries a filtered Query asks for at a time (~130 bytes each: ~5 RCU a call).
UNDER_FILTERED_PAGE = 300


@dataclass(frozen=True)
class UnderFilters:
    """What a drill-down list keeps of the initiatives under a unit in a phase:
    states (any of them; empty: every state), a subject group, a field, a
    block, only the overdue, and when they were entered (clock.timestamps:
    `entered_from` inclusive, `entered_before` exclusive)."""
    states: tuple = ()
    subject_group: str | None = None
    field: str | None = None
    block: str | None = None
    overdue: bool = False
    entered_from: str | None = None
    entered_before: str | None = None

    def condition(self):
        """The FilterExpression of these filters on the `under_*` indexes' projection (None: none)."""
        from chalicelib.tables import SubmissionRecord as record

        parts = []
        if self.states:
            parts.append(record.status.is_in(*self.states))
        for attribute, value in ((record.subject_group, self.subject_group), (record.field, self.field),
                                 (record.block, self.block)):
            if value:
                parts.append(attribute == value)
        if self.overdue:
            parts.append(record.overdue_since.exists())
        condition = None
        for part in parts:
            condition = part if condition is None else condition & part
        return condition


def under_page(unit_path, phase_id: str, filters: UnderFilters, limit: int, cursor: str | None):
    """One page of the initiatives under the unit `unit_path` ends with (the
    unit itself and every unit below it) in phase `phase_id`, newest first:
    (stored initiatives, cursor of the next page or None).

    The unit's depth on the path names the index (`under_<depth>`), the unit
    and phase its partition (the national unit's UNDER_SHARDS partitions,
    merged), the entry period a key range. The other filters are a
    FilterExpression on what the index projects, read on until the page is
    full, the partitions end or UNDER_READS Query calls were made (then the
    page is short and its cursor honest: it continues after what was read).
    The page's rows are then read whole: ONE BatchGetItem. Never a Scan."""
    from chalicelib.tables import SubmissionRecord, decode_cursor, encode_cursor

    unit_id, depth = unit_path[-1], len(unit_path) - 1
    if depth >= UNDER_DEPTHS:
        raise ValueError(f"no drill-down index for a unit at depth {depth}")
    partition = under_partition(unit_id, phase_id)
    before = None
    if cursor:
        before = decode_cursor(cursor, lambda key: set(key) == {"under", "before"} and key["under"] == partition)[
            "before"]["S"]
    index = {0: SubmissionRecord.under_national, 1: SubmissionRecord.under_top_level,
             2: SubmissionRecord.under_depth_2, 3: SubmissionRecord.under_depth_3}[depth]
    lanes = [under_partition(unit_id, phase_id, shard) for shard in range(UNDER_SHARDS)] if depth == 0 \
        else [partition]
    low = compact_time(filters.entered_from) if filters.entered_from else None
    # Every key is `<time>#<id>`: below the bare `<time>` of the end is before it.
    high = compact_time(filters.entered_before) if filters.entered_before else None
    if before is not None:
        high = before if high is None else min(high, before)
    condition = filters.condition()
    page_size = max(limit + 1, UNDER_FILTERED_PAGE) if condition is not None else limit + 1
    share = max(1, UNDER_READS // len(lanes))
    found, frontiers = [], []
    for lane in lanes:
        newest = sorted((row.under_sk for row in found), reverse=True)
        floor = newest[limit] if len(newest) > limit else None  # the page has enough newer than it
        rows, frontier = _read_under(index, lane, low if floor is None or (low and low > floor) else floor, high,
                                     before, limit + 1, page_size, condition, share)
        found += rows
        if frontier is not None:
            frontiers.append(frontier)
    found.sort(key=lambda row: row.under_sk, reverse=True)
    safe = max(frontiers) if frontiers else None  # below it, a partition was not read
    ready = [row for row in found if safe is None or row.under_sk >= safe]
    page = ready[:limit]
    if len(ready) > limit or (len(page) == limit and frontiers):
        next_before = page[-1].under_sk
    elif frontiers:
        next_before = safe  # everything newer than it is on this page
    else:
        next_before = None
    whole = get_many(row.pk.removeprefix("SUB#") for row in page)
    items = [whole[row.pk.removeprefix("SUB#")] for row in page if row.pk.removeprefix("SUB#") in whole]
    return items, encode_cursor({"under": {"S": partition}, "before": {"S": next_before}}) if next_before else None


def _read_under(index, partition: str, low, high, before, want: int, page_size: int, condition, calls: int):
    """The entries of one `under_*` partition from `high` down to `low` (both
    inclusive; `before` itself left out), newest first: up to `want` that
    pass `condition`, in at most `calls` Queries. Returns (rows, frontier):
    frontier is the last sort key read when the range was not read to its
    end (everything newer than it was read), else None."""
    from chalicelib.tables import SubmissionRecord

    range_condition = sort_range(SubmissionRecord.under_sk, low, high)
    if range_condition is EMPTY:
        return [], None
    rows, start = [], None
    for _ in range(calls):
        pages = index.query(partition, range_key_condition=range_condition, filter_condition=condition,
                            scan_index_forward=False, page_size=page_size, last_evaluated_key=start).page_iter
        answer = next(pages)
        rows += [row for row in (index._model.from_raw_data(raw) for raw in answer.get("Items", []))
                 if row.under_sk != before]
        start = answer.get("LastEvaluatedKey")
        if not start or len(rows) >= want:
            break
    return rows, (start["us"]["S"] if start else None)


# ------------------------------------------------------------ claims ("I'm handling this")

def claim_key(unit_id: str) -> str:
    """The partition of every claim on `unit_id`'s queue: one Query reads them all."""
    return f"CLAIM#{unit_id}"


def ours_to_change(user_id: str, now):
    """Closes: two reviewers of one desk taking one item at once (the second
    one's write finds the first's claim and fails), and a reviewer releasing a
    colleague's claim. Passes when there is no claim, when it has expired
    (the TTL deletes expired items only some time later) or when it is the
    caller's own (taking it again extends it)."""
    from chalicelib.tables import QueueClaim
    return QueueClaim.pk.does_not_exist() | (QueueClaim.expires_at < now) | (QueueClaim.holder_id == user_id)


class ClaimHeld(Exception):
    """Someone else holds the claim: `claim` says who and until when."""

    def __init__(self, claim: dict):
        super().__init__(claim)
        self.claim = claim


def _claim_view(record) -> dict:
    return {"submission_id": record.sk, "holder_id": record.holder_id, "holder_name": record.holder_name,
            "until": clock.timestamp(record.expires_at)}


def take_claim(unit_id: str, submission_id: str, user_id: str, name: str, until) -> dict:
    """`user_id` handles `submission_id` in `unit_id`'s queue until `until` (a
    datetime): ONE conditional PutItem (ours_to_change), ~100 bytes, 1 WCU.
    Raises ClaimHeld (after one GetItem) when a colleague holds it."""
    from pynamodb.exceptions import PutError

    from chalicelib.tables import QueueClaim

    record = QueueClaim(claim_key(unit_id), submission_id, holder_id=user_id, holder_name=name, expires_at=until)
    try:
        record.save(condition=ours_to_change(user_id, clock.now()))
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        held = _claim_of(unit_id, submission_id)
        if held is None:  # released in between: take it now
            return take_claim(unit_id, submission_id, user_id, name, until)
        raise ClaimHeld(held) from error
    return _claim_view(record)


def release_claim(unit_id: str, submission_id: str, user_id: str) -> None:
    """`user_id` no longer handles it: ONE conditional DeleteItem (ours_to_change;
    releasing what nobody holds is done already). Raises ClaimHeld when a
    colleague holds it."""
    from pynamodb.exceptions import DeleteError

    from chalicelib.tables import QueueClaim

    try:
        QueueClaim(claim_key(unit_id), submission_id).delete(condition=ours_to_change(user_id, clock.now()))
    except DeleteError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        held = _claim_of(unit_id, submission_id)
        if held is not None:
            raise ClaimHeld(held) from error


def _claim_of(unit_id: str, submission_id: str) -> dict | None:
    """The live claim on one item (strongly consistent GetItem), or None."""
    from chalicelib.tables import QueueClaim

    try:
        record = QueueClaim.get(claim_key(unit_id), submission_id, consistent_read=True)
    except QueueClaim.DoesNotExist:
        return None
    return _claim_view(record) if record.expires_at > clock.now() else None


def claims(unit_id: str) -> dict:
    """{submission id: claim} of every live claim on `unit_id`'s queue: ONE
    Query of its `CLAIM#` partition (eventually consistent; ~100 bytes a claim,
    so 0.5 RCU for up to ~40 claims), expired ones left out."""
    from chalicelib.tables import QueueClaim

    now = clock.now()
    return {record.sk: _claim_view(record) for record in QueueClaim.query(claim_key(unit_id))
            if record.expires_at > now}


def due_alarms(until: str, limit: int) -> list[str]:
    """The ids of initiatives whose next alarm rings at or before `until`
    (a clock.timestamp), earliest first per shard: ONE Query per shard of
    the sparse keys-only `alarms` index (pages followed up to `limit` ids in
    all), so what it reads is what is due, never what merely waits."""
    from chalicelib.tables import SubmissionRecord

    ceiling = compact_time(until) + "#~"
    found = []
    for shard in range(ALARM_SHARDS):
        for row in SubmissionRecord.alarms.query(str(shard), SubmissionRecord.alarm_sk <= ceiling,
                                                 page_size=min(limit, 500), limit=limit - len(found)):
            found.append(row.pk.removeprefix("SUB#"))
        if len(found) >= limit:
            break
    return found


def set_deadline_keys(record, keys: dict) -> bool:
    """Put right the deadline keys of an initiative whose stored alarm is not
    one of its alarms any more (the definition's deadlines changed): no
    history event, and the version kept (it decides nothing), guarded by the
    alarm read (`alarm_unchanged`). False when someone changed it first."""
    from chalicelib import aws, settings
    from chalicelib.tables import SubmissionRecord

    names, values, sets, removes = {}, {}, [], []
    for index, (name, value) in enumerate(keys.items()):
        stored = getattr(SubmissionRecord, name).attr_name
        names[f"#a{index}"] = stored
        if value is None:
            removes.append(f"#a{index}")
        else:
            values[f":v{index}"] = {"S": value}
            sets.append(f"#a{index} = :v{index}")
    names["#alarm"], values[":alarm"] = SubmissionRecord.alarm_sk.attr_name, {"S": record.alarm_sk}
    expression = " ".join(part for part in (("SET " + ", ".join(sets)) if sets else "",
                                            ("REMOVE " + ", ".join(removes)) if removes else "") if part)
    try:
        aws.dynamodb().update_item(TableName=settings.table_name("initiatives"),
                                   Key={"pk": {"S": record.pk}, "sk": {"S": "META"}},
                                   UpdateExpression=expression, ConditionExpression=alarm_unchanged(),
                                   ExpressionAttributeNames=names, ExpressionAttributeValues=values)
        return True
    except aws.dynamodb().exceptions.ConditionalCheckFailedException:
        return False


def alarm_unchanged() -> str:
    """Closes: putting right an alarm another sweep (or a transition) moved
    since it was read, which would bring back an alarm already handled."""
    return "#alarm = :alarm"


def overdue_below(unit_id: str, limit: int, cursor: str | None):
    """One page of what is overdue at the desks one level below `unit_id`
    (the escalations it was told of), the longest overdue first: one Query
    of the sparse `overdue_below` index."""
    from chalicelib.tables import SubmissionRecord, query_page

    return query_page(SubmissionRecord.overdue_below, unit_id, limit=limit, cursor=cursor,
                      belongs=lambda start: start.get("op") == unit_id)


def queue_entered(unit_id: str, state: str, phase_id: str, entered_from: str | None, entered_before: str,
                  limit: int) -> tuple[list, bool]:
    """What waits for `unit_id`'s reviewers in `state`, of phase `phase_id`,
    and entered that queue at or after `entered_from` (None: any time) and
    before `entered_before` (clock.timestamps), oldest first: (up to `limit`
    rows, whether there are more). ONE Query of `queue_by_state` with Limit
    `limit` + 1: the sort key is `<phase>#<entered, compact>#<id>`, so a time
    window within a phase is a key range and what it costs depends on what it
    finds, not on how long the queue is. (The daily digest reads its "new",
    "due soon" and "overdue" this way: a state's deadline is a fixed time after
    entering its queue.)"""
    from chalicelib.tables import SubmissionRecord

    low = f"{phase_id}#" + (compact_time(entered_from) if entered_from else "")
    high = f"{phase_id}#{compact_time(entered_before)}"  # every key has `#<id>` after: before it, exclusive
    if low >= high:
        return [], False
    rows = list(SubmissionRecord.queue.query(queue_partition(unit_id, state),
                                             range_key_condition=SubmissionRecord.queue_sk.between(low, high),
                                             limit=limit + 1, page_size=limit + 1))
    return rows[:limit], len(rows) > limit


def get_many(submission_ids) -> dict:
    """{id: stored initiative} for those of `submission_ids` that exist: one
    BatchGetItem per 100 (eventually consistent)."""
    from chalicelib.tables import BatchRead, SubmissionRecord

    ids = list(dict.fromkeys(submission_ids))
    if not ids:
        return {}
    read = BatchRead()
    wanted = {sid: read.want(SubmissionRecord, key(sid), "META") for sid in ids}
    read.run()
    return {sid: read.found(k) for sid, k in wanted.items() if read.found(k) is not None}


def history(submission_id: str) -> list:
    """An initiative's events, oldest first: one Query (pages followed if long)."""
    from chalicelib.tables import HistoryEvent

    return list(HistoryEvent.query(key(submission_id), HistoryEvent.sk.startswith("EVT#"), consistent_read=True))


def plain(record) -> dict:
    """A stored initiative as plain Python (authors as dicts, money as int)."""
    return plain_values(record.attribute_values)


def plain_values(values: dict) -> dict:
    """Stored attribute values as plain Python: authors as dicts, money as int."""
    data = dict(values)
    data["authors"] = [a.as_dict() if hasattr(a, "as_dict") else dict(a) for a in data.get("authors", [])]
    if data.get("benefit_vnd") is not None:
        data["benefit_vnd"] = int(data["benefit_vnd"])
    return data


# ------------------------------------------------------------ the public showcase (issue 13)

SHOWCASE_READS = 4  # Query calls one showcase page may take while a filter or a search leaves it short
SHOWCASE_FILTERED_READ = 100  # items each of those reads (projected ~1.3 KB each: ~16 RCU a call)


def showcase_page(program_id: str, top_unit: str | None, field: str | None, words: list, limit: int,
                  cursor: str | None):
    """One page of `program_id`'s showcase, newest recognition first, within
    `top_unit` (a top-level unit, a key: the `showcase_unit` index) or the
    whole program (`showcase`), of `field` and holding every one of `words`
    (folded: each must start a word of the folded text) when given. Never a
    scan: Queries of a sparse index that holds only what is published. The
    field and the words are a filter, so the read is bounded: SHOWCASE_READS
    Queries of SHOWCASE_FILTERED_READ items at most, after which the page may
    be short and its cursor goes on where the reading stopped. Returns
    (rows, the next page's cursor or None, how many index items were read)."""
    from chalicelib.tables import SubmissionRecord, decode_cursor, encode_cursor

    if top_unit:
        index, partition, hash_name = SubmissionRecord.showcase_unit, f"{program_id}#{top_unit}", "wu"
    else:
        index, partition, hash_name = SubmissionRecord.showcase, program_id, "wp"
    condition = None
    for part in ([SubmissionRecord.field == field] if field else []) + [
            SubmissionRecord.showcase_text.contains(f" {word}") for word in words]:
        condition = part if condition is None else condition & part
    start = decode_cursor(cursor, lambda key: set(key) == {"pk", "sk", hash_name, "ws"}
                          and key[hash_name] == partition) if cursor else None
    rows, read = [], 0
    for _ in range(SHOWCASE_READS):
        pages = index.query(partition, filter_condition=condition, scan_index_forward=False,
                            page_size=SHOWCASE_FILTERED_READ if condition is not None else limit + 1,
                            last_evaluated_key=start).page_iter
        answer = next(pages)
        read += answer.get("ScannedCount", 0)
        rows += [SubmissionRecord.from_raw_data(raw) for raw in answer.get("Items", [])]
        start = answer.get("LastEvaluatedKey")
        if not start or len(rows) > limit or condition is None:
            break
    if len(rows) > limit:  # more than a page found: the next one starts after the last shown
        rows = rows[:limit]
        last = rows[-1]
        start = {"pk": {"S": last.pk}, "sk": {"S": last.sk}, hash_name: {"S": partition},
                 "ws": {"S": last.showcase_sk}}
    return rows, encode_cursor(start), read


def published(submission_id: str):
    """The initiative if it is on the showcase now (recognised, and its
    authors agree), else None: one GetItem (eventually consistent, 0.5 RCU:
    a public page needs no read-your-writes)."""
    from chalicelib.tables import SubmissionRecord

    try:
        record = SubmissionRecord.get(key(submission_id), "META")
    except SubmissionRecord.DoesNotExist:
        return None
    return record if record.showcase_pk else None
