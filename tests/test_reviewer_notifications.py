"""Reviewers told in-app (issue 12, point 4): when an initiative enters their
queue for the first time (once per initiative and unit, whatever event brought
it there), and by the deadlines' listeners (a reminder before it is due; when
it is overdue, and to the unit above when it escalates). Exactly once under
redelivery: every notification is keyed by its event."""
from datetime import timedelta

import boto3
import pytest

from chalicelib import clock, settings, validation
from chalicelib.notify import deadlines
from tests.conftest import DEFAULT_NOW
from tests.helpers import deliver, enter, failures, fire

REACT = "react_to_events"
FPT_UNIT = "cdcs-fpt-cau-giay"
SOLO = [{"full_name": "Nguyễn Văn Tư", "share_percent": 100}]


def inbox(api, user, lang=None) -> list:
    headers = {"Accept-Language": lang} if lang else None
    status, page = api.json("GET", "/me/notifications", user=user, headers=headers)
    assert status == 200 and validation.problems("notifications-page", page) == [], page
    return page["items"]


def redeliver(stream, times=3):
    records = stream.records()
    for _ in range(times):
        assert failures(stream, records, REACT) == []


class CountingPuts:
    """The DynamoDB client, counting PutItem calls on the notifications table."""

    def __init__(self, client):
        self.client, self.puts = client, 0

    def __getattr__(self, name):
        return getattr(self.client, name)

    def _make_api_call(self, operation, params):
        if operation == "PutItem" and params.get("TableName") == settings.table_name("notifications"):
            self.puts += 1
        return self.client._make_api_call(operation, params)


def test_each_unit_is_told_once_when_an_initiative_first_enters_its_queue(api, stream):
    from chalicelib import aws

    # GIVEN a new FPT initiative, its creation delivered three times
    created = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=SOLO)
    sid = created["id"]
    redeliver(stream)
    # THEN FPT's reviewer is told once that it entered their queue; the union above hears nothing yet
    [item] = inbox(api, "reviewer-fpt")
    assert (item["kind"], item["event"], item["to"], item["seq"]) == ("queued", "submitted", "pending", 1)
    assert item["message"] == (f"Sáng kiến «{created['title']}» ({created['code']}) vừa vào hàng chờ duyệt "
                               "của đơn vị bạn (Chờ duyệt).")
    assert item["link"].endswith(f"/app/initiatives/{sid}")
    assert inbox(api, "reviewer-cau-giay") == []

    # WHEN FPT validates it (into Cầu Giấy's queue), delivered three times
    counting = CountingPuts(boto3.client("dynamodb"))
    with aws.replaced(dynamodb=counting):
        fire(api, sid, "validate", 1, "reviewer-fpt")
        records = stream.records()
        for _ in range(3):
            assert failures(stream, records, REACT) == []
    # THEN Cầu Giấy's reviewer is told once, in their language
    [item] = inbox(api, "reviewer-cau-giay", lang="en")
    assert (item["kind"], item["event"], item["to"], item["seq"]) == ("queued", "validate", "valid", 2)
    assert item["message"] == (f"Initiative “{created['title']}” ({created['code']}) has entered your unit's "
                               "review queue (Valid).")
    # with ONE conditional put per reviewer (their one), and the two redeliveries' puts finding it there
    # (plus the author's notification of `validate`, three times: notify_author's own)
    assert counting.puts == 3 * 1 + 3 * 1
    assert [i["kind"] for i in inbox(api, "reviewer-fpt")] == ["queued"]

    # WHEN Cầu Giấy starts reviewing it (it stays in their queue) THEN nobody is told again
    fire(api, sid, "start_review", 2, "reviewer-cau-giay")
    redeliver(stream, 2)
    assert [i["event"] for i in inbox(api, "reviewer-cau-giay")] == ["validate"]


def test_back_in_a_queue_it_had_entered_is_a_resubmission_never_a_second_first_entry(api, stream):
    created = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=SOLO)
    sid = created["id"]
    fire(api, sid, "request_revision", 1, "reviewer-fpt", reason="Thiếu số liệu.")
    fire(api, sid, "resubmit", 2, "worker-fpt")
    redeliver(stream, 2)
    assert [(i["kind"], i["seq"]) for i in inbox(api, "reviewer-fpt")] == [("resubmitted", 3), ("queued", 1)]


def test_a_notification_for_an_initiative_decided_meanwhile_is_not_written(api, stream):
    created = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=SOLO)
    fire(api, created["id"], "validate", 1, "reviewer-fpt")
    fire(api, created["id"], "start_review", 2, "reviewer-cau-giay")
    fire(api, created["id"], "decline", 3, "reviewer-cau-giay", reason="Chưa áp dụng.")
    deliver(stream)
    # Delivered after the decision: Cầu Giấy's first-entry note would only be noise.
    assert [i["kind"] for i in inbox(api, "reviewer-cau-giay")] == []


# ------------------------------------------------------------ the deadlines' listeners

def deadline_event(created: dict, seq: int, name: str, state: str, **given) -> dict:
    """A history event as the sweep appends it and the stream delivers it
    (the deadlines core's contract: from and to state are where it waits)."""
    return {"submission_id": created["id"], "seq": seq, "event": name, "from_state": state, "to_state": state,
            "actor_id": "system", "actor_roles": [], "actor_unit": "tld", "at": clock.timestamp(),
            "input": given, "effects": []}


@pytest.fixture
def waiting(api, stream, now):
    """An FPT initiative waiting in FPT's queue since DEFAULT_NOW, and the day the sweep finds it due soon."""
    created = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=SOLO)
    deliver(stream)
    now(DEFAULT_NOW + timedelta(days=13))
    return created


def test_a_reminder_tells_the_queues_reviewers_once_when_it_is_due(api, waiting):
    due = clock.timestamp(DEFAULT_NOW + timedelta(days=15))
    event = deadline_event(waiting, 2, "reminded", "pending", deadline="state", due_at=due)
    for _ in range(3):  # redelivered
        deadlines.on_reminder(event)
    reminder, _queued = inbox(api, "reviewer-fpt")
    assert (reminder["kind"], reminder["event"], reminder["due_at"]) == ("reminder", "reminded", due)
    assert reminder["message"] == (f"Sáng kiến «{waiting['title']}» ({waiting['code']}) trong hàng chờ của bạn "
                                   "cần được xử lý trước hạn ngày 06/12/2026.")
    assert inbox(api, "reviewer-fpt", lang="en")[0]["message"].endswith("in your queue is due on 06/12/2026.")
    assert inbox(api, "reviewer-cau-giay") == []


def test_an_overdue_initiative_tells_its_queue_and_the_unit_it_escalates_to_once_each(api, waiting, now):
    now(DEFAULT_NOW + timedelta(days=16))
    due = clock.timestamp(DEFAULT_NOW + timedelta(days=15))
    event = deadline_event(waiting, 2, "overdue", "pending", deadline="state", due_at=due,
                           escalated_to="ldld-cau-giay")
    for _ in range(2):
        deadlines.on_overdue(event)
    overdue, _queued = inbox(api, "reviewer-fpt")
    assert (overdue["kind"], overdue["due_at"]) == ("overdue", due)
    assert overdue["message"].endswith("trong hàng chờ của bạn đã quá hạn xử lý (hạn ngày 06/12/2026).")
    [below] = inbox(api, "reviewer-cau-giay")
    assert (below["kind"], below["waiting_unit"], below["waiting_since"]) == (
        "overdue_below", "Công đoàn Công ty TNHH Phần mềm FPT", waiting["created_at"])
    assert below["message"] == (f"Quá hạn ở cấp dưới: sáng kiến «{waiting['title']}» ({waiting['code']}) đang "
                                "chờ tại Công đoàn Công ty TNHH Phần mềm FPT từ ngày 21/11/2026.")
    assert inbox(api, "reviewer-cau-giay", lang="en")[0]["message"] == (
        f"Overdue below you: initiative “{waiting['title']}” ({waiting['code']}), waiting at "
        "Công đoàn Công ty TNHH Phần mềm FPT since 21/11/2026.")
    # Without an escalation only the queue's own reviewers hear of it.
    other = deadline_event(waiting, 3, "overdue", "pending", deadline="decision", due_at=due)
    deadlines.on_overdue(other)
    assert len(inbox(api, "reviewer-cau-giay")) == 1 and len(inbox(api, "reviewer-fpt")) == 3


def test_a_deadline_event_for_an_initiative_that_moved_on_tells_nobody(api, stream, waiting):
    fire(api, waiting["id"], "validate", 1, "reviewer-fpt")
    deliver(stream)
    stale = deadline_event(waiting, 2, "reminded", "pending", deadline="state",
                           due_at=clock.timestamp(DEFAULT_NOW + timedelta(days=15)))
    deadlines.on_reminder(stale)
    deadlines.on_overdue(dict(stale, event="overdue", input=dict(stale["input"], escalated_to="ldld-cau-giay")))
    assert [i["kind"] for i in inbox(api, "reviewer-fpt")] == ["queued"]
    assert [i["kind"] for i in inbox(api, "reviewer-cau-giay")] == ["queued"]


# ------------------------------------------------------------ end to end: the sweep, the stream, the digest

def test_the_sweep_reminds_then_escalates_once_each_and_the_digest_says_overdue(api, stream, now):
    from datetime import date, datetime

    from chalicelib.clock import VIETNAM
    from chalicelib.notify import digest
    from chalicelib.review import deadlines as sweeper
    from tests.conftest import sent_mail

    # GIVEN an FPT initiative received 21/11/2026: FPT's check is due at the end of 06/12 (15 days), reminded 3 days before
    created = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=SOLO)
    deliver(stream)
    # WHEN the sweep runs on the morning of 03/12, twice, and the stream delivers its events twice
    now(datetime(2026, 12, 3, 8, 0, tzinfo=VIETNAM))
    sweeper.sweep()
    sweeper.sweep()
    redeliver(stream, 2)
    # THEN FPT's reviewer is reminded once: due on 06/12/2026
    reminder, _queued = inbox(api, "reviewer-fpt")
    assert (reminder["kind"], reminder["event"]) == ("reminder", "reminded")
    assert reminder["message"].endswith("cần được xử lý trước hạn ngày 06/12/2026.")
    assert inbox(api, "reviewer-cau-giay") == []

    # WHEN it is still waiting on 07/12 and the sweep runs (twice again)
    now(datetime(2026, 12, 7, 8, 0, tzinfo=VIETNAM))
    sweeper.sweep()
    sweeper.sweep()
    redeliver(stream, 2)
    # THEN FPT's reviewer hears it is overdue, and Cầu Giấy's that it is overdue below them, once each
    overdue = inbox(api, "reviewer-fpt")[0]
    assert (overdue["kind"], len(inbox(api, "reviewer-fpt"))) == ("overdue", 3)
    [below] = inbox(api, "reviewer-cau-giay")
    assert below["kind"] == "overdue_below" and below["message"].endswith(
        "đang chờ tại Công đoàn Công ty TNHH Phần mềm FPT từ ngày 21/11/2026.")

    # AND the next morning's digest tells FPT's reviewer it is overdue
    before = len(sent_mail())
    digest.send_digests(date(2026, 12, 8), root_id="ldld-cau-giay")
    [mail] = [m for m in sent_mail()[before:] if m.destinations["ToAddresses"] == ["reviewer-fpt@example.vn"]]
    assert mail.subject == "Tóm tắt ngày 08/12/2026: 1 quá hạn, 0 sắp đến hạn, 0 mới"
    assert created["code"] in mail.body and "hạn 06/12/2026" in mail.body
