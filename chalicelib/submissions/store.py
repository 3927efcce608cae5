"""The initiatives table: the only code that builds its keys and reads or
writes its items (`docs/data-model.md` lists them).

| item | pk | sk |
|---|---|---|
| an initiative | `SUB#<id>` | `META` |
| its history events | `SUB#<id>` | `EVT#<seq, 6 digits>` |
| a tracking-code claim | `CODE#<code>` | `CODE` |
| an accepted co-author's link | `SUB#<id>` | `AUTHOR#<user>` |

and two indexes: `by_submitter` (`USER#<user>`, newest first: the initiatives
a person entered, and the links of those they accepted to co-author) and the
sparse `queue` (`QUEUE#<unit>`, oldest first).

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
from chalicelib.workflow.effects import CLOSE_INVITATION, INVITE_COAUTHORS
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


def person_keys(user_id: str, created_at: str, submission_id: str) -> dict:
    """The `by_submitter` index keys: on `user_id`'s "my initiatives", by when it was entered."""
    return {"submitter_pk": f"USER#{user_id}", "submitter_sk": f"{created_at}#{submission_id}"}


def invitations(invited: list) -> dict:
    """What a history event that names new co-authors carries: whom, and the effect that tells them."""
    return {"invited": list(invited), "effects": [INVITE_COAUTHORS]} if invited else {}


def queue_partition(unit_id: str) -> str:
    return f"QUEUE#{unit_id}"


def queue_keys(unit_id: str | None, entered_at: str, submission_id: str) -> dict:
    """The `queue` index keys: waiting for `unit_id`'s reviewers since `entered_at`."""
    if unit_id is None:
        return {}
    return {"queue_pk": queue_partition(unit_id), "queue_sk": f"{entered_at}#{submission_id}"}


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
    prefix = queue_partition("")
    return record.queue_pk[len(prefix):] if (record.queue_pk or "").startswith(prefix) else None


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

def create(attributes: dict, actor, idem_key: str | None, body_hash: str, respond, queue_unit) -> dict:
    """Store a new initiative; return `respond(attributes)`, the answer that the
    idempotency record also keeps. It waits in the queue of `queue_unit`
    (resolved by the workflow for its first state). Raises idempotency.Replay
    when `idem_key` was used already, Busy when no free tracking code was found."""
    from chalicelib.tables import Author, HistoryEvent, SubmissionRecord, TrackingCode, Transaction, Cancelled

    for attempt in range(MAX_ATTEMPTS):
        attributes = dict(attributes, code=attributes["code"] if attempt == 0 else new_tracking_code())
        sub_id, created_at = attributes["id"], attributes["created_at"]
        record = SubmissionRecord(
            pk=key(sub_id), sk="META", last_event_seq=1, **person_keys(actor.user_id, created_at, sub_id),
            **queue_keys(queue_unit, created_at, sub_id),
            **{k: v for k, v in attributes.items() if v is not None and k != "authors"},
            authors=[Author(**author) for author in attributes["authors"]])
        event = HistoryEvent(
            pk=key(sub_id), sk=event_key(1), submission_id=sub_id, seq=1, event=SUBMITTED,
            from_state=None, to_state=attributes["status"], actor_id=actor.user_id,
            actor_roles=sorted(actor.roles), actor_unit=actor.unit_id, at=created_at,
            input={}, client_token=idem_key, **({"effects": []} | invitations(rules.invited_members(attributes))))
        response = respond(attributes | {"version": 1})
        transaction = Transaction()
        transaction.put("initiative", record, condition=initiative_is_new())
        transaction.put("event", event, condition=event_is_new())
        transaction.put("code", TrackingCode(pk=f"CODE#{attributes['code']}", sk="CODE", submission_id=sub_id),
                        condition=code_is_free())
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
    invited: tuple = ()  # members newly invited to co-author (an edit of the authors)
    unlinked: tuple = ()  # accepted co-authors the step removes (their links go)


def append_event(record, step: Step, actor, respond, *, client_token: str | None = None,
                 idempotency_scope: str | None = None, body_hash: str | None = None) -> dict:
    """Apply `step` to the stored initiative `record` and append its history
    event, in ONE transaction conditioned on the state and version read. The
    answer is `respond(attributes after, history event)`; with a client token
    it is kept in the same transaction, so a retry gets it again. Raises
    StateChanged when someone else changed the initiative first,
    idempotency.Replay for a token used before."""
    from chalicelib.tables import Author, CoauthorLink, HistoryEvent, SubmissionRecord, Transaction, Cancelled

    now = clock.timestamp()
    seq = int(record.last_event_seq) + 1
    event = HistoryEvent(
        pk=record.pk, sk=event_key(seq), submission_id=record.id, seq=seq, event=step.event,
        from_state=record.status, to_state=step.to_state, actor_id=actor.user_id,
        actor_roles=sorted(actor.roles), actor_unit=actor.unit_id, at=now, input=step.input,
        effects=list(step.effects), client_token=client_token)
    if step.invited:
        event.invited, event.effects = list(step.invited), list(dict.fromkeys([*step.effects, INVITE_COAUTHORS]))
    changes = dict(step.changes, status=step.to_state, updated_at=now, last_event_seq=seq)
    if step.moves_queue:
        changes |= queue_keys(step.queue_unit, now, record.id) or {"queue_pk": None, "queue_sk": None}
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
    seq = int(record.last_event_seq) + 1
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
        SubmissionRecord.authors.set([Author(**{k: v for k, v in a.items() if v is not None}) for a in authors]),
        SubmissionRecord.last_event_seq.set(seq)], condition=still_in(record.status))
    if answer == rules.ACCEPTED:
        transaction.put("link", CoauthorLink(record.pk, coauthor_key(actor.user_id), submission_id=record.id,
                                             **person_keys(actor.user_id, record.created_at, record.id)),
                        condition=link_is_new())
    try:
        transaction.commit()
    except Cancelled as cancelled:
        if cancelled.failed("initiative") or cancelled.failed("event") or cancelled.failed("link") \
                or cancelled.conflict:
            raise Raced() from cancelled
        raise
    return dict(data, authors=authors, last_event_seq=seq, version=int(record.version))


def lost_race(submission_id: str) -> StateChanged:
    """The refusal after another writer changed the initiative first, saying
    what it left (one GetItem)."""
    current = get(submission_id)
    return StateChanged("stale_version", current.status, int(current.version))


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

    partition = f"USER#{user_id}"
    rows, next_cursor = query_page(SubmissionRecord.by_submitter, partition, limit=limit, cursor=cursor,
                                   belongs=lambda start: start.get("submitter_pk") == partition,
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


def queue_page(unit_id: str, filters: dict, limit: int, cursor: str | None):
    """One page of what waits for `unit_id`'s reviewers, oldest first: ONE Query
    on the `queue` index, whose partition is exactly that unit's scope. The
    optional filters (state, phase, subject group, field) narrow that page, so a
    filtered page may hold fewer than `limit` items; follow the cursor."""
    from chalicelib.tables import SubmissionRecord, query_page

    condition = None
    for name, attribute in zip(QUEUE_FILTERS, (SubmissionRecord.status, SubmissionRecord.phase_id,
                                               SubmissionRecord.subject_group, SubmissionRecord.field)):
        if filters.get(name):
            part = attribute == filters[name]
            condition = part if condition is None else condition & part
    partition = queue_partition(unit_id)
    return query_page(SubmissionRecord.queue, partition, limit=limit, cursor=cursor, filter_condition=condition,
                      belongs=lambda start: start.get("queue_pk") == partition)


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
