"""In-app notifications and each user's unread count, in the notifications table.

| item | pk | sk |
|---|---|---|
| a notification | `USER#<user>` | `N#<event at>#<submission>#<seq, 6 digits>[#<tag>]` |

The key is the event's, so a redelivered event finds its notification: one
user is told once per event and kind. A tag tells apart two notifications one
event may give one person (`q`: an initiative entered the queue they review,
keyed by the event that first brought it there, so once per initiative and
unit; `e`: an overdue initiative below their unit).

While a notification is unread it carries `unread_pk` = `USER#<user>`, so it
is in the sparse, keys-only index `unread`; marking it read removes it.

Access patterns:
- deliver one event's notification to a user: ONE PutItem conditioned on the
  item not existing (1 WRU, and 1 for its `unread` entry). A redelivered event
  finds it and writes nothing: nothing to count twice.
- a page of a user's notifications, newest first: ONE Query (`N#` prefix,
  descending), and the unread count.
- the unread count: a Query of the user's `unread` entries, Select COUNT (~100
  bytes an entry: 0.5 RRU per 40 unread), counted up to UNREAD_CAP.
- mark one read: ONE UpdateItem, `read` set and `unread_pk` removed on
  condition that it was unread, so marking twice counts once.

A notification's public id is its sort key without `N#`, in base64url, so it
goes in URLs and JSON without escaping.
"""
import base64
import binascii
import re

from chalicelib import clock, i18n, settings
from chalicelib.dynamo_json import plain
from chalicelib.formatting import day
from chalicelib.tables import Notification, query_page
from chalicelib.workflow.definition import SCORES

PREFIX = "N#"
# The unread count is counted up to this (a user who never reads costs a bounded read).
UNREAD_CAP = 999
SORT_KEY = re.compile(r"^N#[0-9T:.+-]{20,40}#[0-9A-Z]{26}#[0-9]{6}(#[a-z])?$", re.ASCII)

AUTHOR_UPDATE = "author_update"  # an author's initiative changed state
RESUBMITTED = "resubmitted"  # an initiative came back to a reviewer's queue
INVITATION = "invitation"  # a member was named as a co-author: accept or decline
QUEUED = "queued"  # an initiative entered a reviewer's queue for the first time
REMINDER = "reminder"  # an initiative in a reviewer's queue is due soon
OVERDUE = "overdue"  # an initiative in a reviewer's queue is past its deadline
OVERDUE_BELOW = "overdue_below"  # an initiative waiting at a unit below the reviewer's is past its deadline
# The sort key's tag of each kind that may share an event with another (see the table above).
TAGS = {QUEUED: "q", OVERDUE_BELOW: "e"}


def user_key(user_id: str) -> str:
    """The partition of one user's notifications and count."""
    return f"USER#{user_id}"


def sort_key(at: str, submission_id: str, seq: int, tag: str | None = None) -> str:
    """A notification's sort key: by the event's time, so a Query reads newest first."""
    return f"{PREFIX}{at}#{submission_id}#{int(seq):06d}" + (f"#{tag}" if tag else "")


def public_id(sk: str) -> str:
    """The id the API gives a notification: its sort key without `N#`, base64url."""
    return base64.urlsafe_b64encode(sk[len(PREFIX):].encode()).decode().rstrip("=")


def sort_key_of(notification_id: str) -> str | None:
    """The sort key a public id stands for; None when it is not one of ours."""
    try:
        sk = PREFIX + base64.urlsafe_b64decode(notification_id + "=" * (-len(notification_id) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return sk if SORT_KEY.match(sk) else None


def link(submission_id: str) -> str:
    """Where people open an initiative: its web page."""
    return f"{settings.link_base()}/app/initiatives/{submission_id}"


def invitation_link(submission_id: str) -> str:
    """Where an invited member answers: the invitation's page (the initiative's is not theirs until they accept)."""
    return f"{settings.link_base()}/app/invitations/{submission_id}"


# ------------------------------------------------------------ what a notification says

def content(kind: str, event: dict, submission: dict, workflow) -> dict:
    """What a notification of `kind` says about history `event` (a plain dict,
    as the stream delivers it) of `submission` (its stored attributes): plain
    data, the same for every recipient."""
    state = workflow.states.get(event["to_state"])
    transition = workflow.transitions.get(event["event"])
    given = event.get("input") or {}
    return {
        "kind": kind, "submission_id": event["submission_id"], "seq": int(event["seq"]),
        "code": submission["code"], "title": submission["title"], "event": event["event"],
        "event_name": dict(transition.label) if transition else history_event_name(event["event"]),
        "from_state": event.get("from_state"), "to_state": event["to_state"],
        "state_name": dict(state.title) if state else {lang: event["to_state"] for lang in i18n.LANGUAGES},
        "reason": given.get("reason") or None, "scores": ordered_scores(given.get("scores")),
        "confirmed_benefit_vnd": given.get("confirmed_benefit_vnd"),
        "link": link(event["submission_id"]), "at": event["at"],
        "due_at": given.get("due_at"),
    }


def history_event_name(name: str) -> dict:
    """The name of a history event that is no transition (submitted, reminded,
    overdue ...) in both languages, as the history shows it; the bare name
    when the catalogue has none."""
    key = f"web.review.event.{name}"
    return i18n.both(key) if key in i18n.catalogue() else {lang: name for lang in i18n.LANGUAGES}


def ordered_scores(scores: dict | None) -> dict | None:
    """Scores as {criterion: int}, the known criteria first in their usual order."""
    if not scores:
        return None
    names = [n for n in SCORES if n in scores] + sorted(n for n in scores if n not in SCORES)
    return {name: int(scores[name]) for name in names}


# ------------------------------------------------------------ writing

def deliver(user_ids, note: dict) -> int:
    """Give `note` (from `content`) to each user, once: a redelivery writes and
    counts nothing. Returns how many were new."""
    return sum(1 for user_id in dict.fromkeys(user_ids) if _put_once(user_id, note))


def not_delivered_yet():
    """Closes: a redelivered (or concurrently delivered) event delivering twice.
    The second put fails and writes nothing."""
    return Notification.pk.does_not_exist()


def still_unread():
    """Closes: a double mark-read (two tabs, a retried request) counting twice;
    also marking an id that does not exist."""
    return Notification.read == False  # noqa: E712 - a DynamoDB condition


def _put_once(user_id: str, note: dict) -> bool:
    from pynamodb.exceptions import PutError

    item = Notification(user_key(user_id), sort_key(note["at"], note["submission_id"], note["seq"],
                                                     TAGS.get(note["kind"])),
                        read=False, created_at=clock.timestamp(), unread_pk=user_key(user_id),
                        **{k: v for k, v in note.items() if v is not None})
    try:
        item.save(condition=not_delivered_yet())
        return True
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise


def mark_read(user_id: str, notification_ids) -> tuple[int, int]:
    """Mark the caller's notifications read; (how many were unread until now,
    the unread count after). Ids of notifications that are not the caller's,
    or are already read, change nothing."""
    from pynamodb.exceptions import UpdateError

    marked = 0
    now = clock.timestamp()
    for notification_id in dict.fromkeys(notification_ids):
        sk = sort_key_of(notification_id)
        if sk is None:
            continue
        # The key is built from the caller's own id: no id reaches anyone else's.
        item = Notification(user_key(user_id), sk)
        try:
            item.update(actions=[Notification.read.set(True), Notification.read_at.set(now),
                                 Notification.unread_pk.remove()], condition=still_unread())
            marked += 1
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
    return marked, unread_count(user_id)


# ------------------------------------------------------------ reading

def unread_count(user_id: str) -> int:
    """How many of the user's notifications are unread, up to UNREAD_CAP: one
    Query (Select COUNT) of their `unread` index entries (an index is
    eventually consistent: a notification just marked read may still count
    for a moment)."""
    return Notification.unread.count(user_key(user_id), limit=UNREAD_CAP)


def page(user_id: str, limit: int, cursor: str | None):
    """One page of the user's notifications, newest first: exactly one Query."""
    partition = user_key(user_id)
    # A cursor is the caller's own: one naming another user (or not a notification) is refused.
    return query_page(Notification, partition, limit=limit, cursor=cursor, scan_index_forward=False,
                      range_key_condition=Notification.sk.startswith(PREFIX),
                      belongs=lambda start: start.get("pk") == partition and start.get("sk", "").startswith(PREFIX))


def present(item: Notification, language: str) -> dict:
    """A notification as GET /me/notifications shows it (schemas/notifications-page.json)."""
    values = item.attribute_values
    state_name = plain(values["state_name"])
    view = {
        "id": public_id(item.sk), "kind": item.kind, "submission_id": item.submission_id, "seq": int(item.seq),
        "code": item.code, "title": item.title, "event": item.event, "event_name": plain(values["event_name"]),
        "from": item.from_state, "to": item.to_state, "state_name": state_name, "link": item.link,
        "at": item.at, "read": bool(item.read), "created_at": item.created_at,
        "message": i18n.text(f"notifications.{item.kind}", language, title=item.title, code=item.code,
                             state=state_name.get(language) or item.to_state,
                             due=day(item.due_at) if item.due_at else "", unit=item.waiting_unit or "",
                             since=day(item.waiting_since) if item.waiting_since else ""),
    }
    if item.reason:
        view["reason"] = item.reason
    if item.scores is not None:
        view["scores"] = ordered_scores(plain(item.scores))
    if item.confirmed_benefit_vnd is not None:
        view["confirmed_benefit_vnd"] = int(item.confirmed_benefit_vnd)
    if item.read_at:
        view["read_at"] = item.read_at
    for name in ("due_at", "waiting_unit", "waiting_since"):
        if getattr(item, name):
            view[name] = getattr(item, name)
    return view
