"""Notifying authors and reviewers (chalicelib/notify/): emails through (moto's)
SES exactly once per event and author, in-app notifications exactly once per
event and user, and GET /me/notifications with mark-read.

Stream batches go to `react_to_events` only: these tests are about its effects."""
import json
import os
from datetime import timedelta

import boto3
import pytest

from chalicelib import i18n, settings, validation
from tests.conftest import DEFAULT_NOW, ROOT, sent_mail
from tests.helpers import deliver, enter, event, failures, fire, table_items

REACT = "react_to_events"
FPT_UNIT = "cdcs-fpt-cau-giay"
SUBMITTER_ADDRESS = "worker-fpt@example.vn"  # worker-fpt's profile: where their receipts go
TITLE = "Khuôn gá & dưỡng kiểm <nhanh> cho dây chuyền SMT"
REASON = "Cần bổ sung số liệu trước và sau khi áp dụng."
# Two authors with an email (one reads English), one of them a user; a third
# with a union member number that is no user, and no email.
AUTHORS = [
    {"full_name": "Phạm Minh Anh", "member_id": "worker-fpt-en", "email": "minhanh.pham@example.vn",
     "share_percent": 50},
    {"full_name": "Jane Tran", "email": "jane.tran@example.vn", "language": "en", "share_percent": 30},
    {"full_name": "Đỗ Văn Khoa", "member_id": "HV-0042", "share_percent": 20},
]


class RecordingSes:
    """The real (moto) SES client, remembering what was asked of send_email."""

    def __init__(self, client):
        self.client, self.sent = client, []

    def send_email(self, **request):
        answer = self.client.send_email(**request)
        self.sent.append(request)
        return answer


@pytest.fixture
def ses():
    from chalicelib import aws

    recording = RecordingSes(boto3.client("ses", region_name=settings.region()))
    with aws.replaced(ses=recording):
        yield recording
    # Whatever a test did to the sender, the next one finds it verified.
    recording.client.verify_email_identity(EmailAddress=settings.mail_sender())


def submit(api, stream, **overrides):
    """A new FPT initiative by worker-fpt; its creation records already consumed.
    The submitter's receipt they sent is forgotten by the `ses` recorder (these
    tests count the emails of later events; tests/test_receipt.py has the receipt)."""
    from chalicelib import aws

    created = enter(api, user="worker-fpt", unit_id=FPT_UNIT, **{"authors": AUTHORS, **overrides})
    deliver(stream, handlers=(REACT,))
    recorder = aws.ses()
    if isinstance(recorder, RecordingSes):
        recorder.sent[:] = [r for r in recorder.sent if r["Destination"]["ToAddresses"] != [SUBMITTER_ADDRESS]]
    return created


def accept(api, sid, user="worker-fpt-en") -> int:
    """`user` accepts to co-author `sid` (a named member is told nothing about it until then); the version after."""
    status, answer = api.json("POST", f"/submissions/{sid}/invitation", {"answer": "accept"}, user=user)
    assert status == 200 and answer["invitation"] == "accepted", answer
    return api.json("GET", f"/submissions/{sid}", user=user)[1]["version"]


def event_record(records, seq):
    sk = f"EVT#{seq:06d}"
    return next(r for r in records if r["dynamodb"]["Keys"]["sk"]["S"] == sk)


def notifications(api, user, query="", lang=None):
    headers = {"Accept-Language": lang} if lang else None
    status, page = api.json("GET", f"/me/notifications{query}", user=user, headers=headers)
    assert status == 200, page
    assert validation.problems("notifications-page", page) == []
    return page


def mark_read(api, user, ids):
    status, answer = api.json("POST", "/me/notifications/read", {"ids": ids}, user=user)
    assert status == 200, answer
    assert validation.problems("mark-read-response", answer) == []
    return answer


def claims():
    """The claims of the emails about history events (not the submitters' receipts: tests/test_receipt.py)."""
    return [item for item in table_items("notifications")
            if item["pk"]["S"].startswith("MAIL#") and not item["pk"]["S"].startswith("MAIL#RECEIPT#")]


# ------------------------------------------------------------ authors: exactly once

def test_a_batch_delivered_three_times_notifies_each_author_once(api, stream, ses):
    # GIVEN an initiative with two authors who gave an email (one reads English)
    # and one author who is a user and accepted, returned for revision with a reason
    created = submit(api, stream, title=TITLE)
    sid, code = created["id"], created["code"]
    version = accept(api, sid)
    mail_before = len(sent_mail())
    fire(api, sid, "request_revision", version, "reviewer-fpt", reason=REASON)
    records = stream.records()

    # WHEN the stream delivers the batch three times
    for _ in range(3):
        assert failures(stream, records, REACT) == []

    # THEN each author with an email got exactly one email, in their language
    assert len(sent_mail()) - mail_before == 2
    by_address = {request["Destination"]["ToAddresses"][0]: request for request in ses.sent}
    assert sorted(by_address) == ["jane.tran@example.vn", "minhanh.pham@example.vn"]
    assert all(request["Source"] == settings.mail_sender() for request in ses.sent)
    link = f"{settings.link_base()}/app/initiatives/{sid}"
    for address, state, words in [("minhanh.pham@example.vn", "Cần bổ sung", ["Kính gửi Phạm Minh Anh", "Lý do"]),
                                  ("jane.tran@example.vn", "Needs revision", ["Dear Jane Tran", "Reason"])]:
        message = by_address[address]["Message"]
        subject, text, html = (message["Subject"]["Data"], message["Body"]["Text"]["Data"],
                               message["Body"]["Html"]["Data"])
        assert TITLE in subject and code in subject and state in subject, subject
        for part in [TITLE, code, state, REASON, link, *words]:
            assert part in text, (address, part)
        # The HTML body says the same, escaped.
        assert "Khuôn gá &amp; dưỡng kiểm &lt;nhanh&gt;" in html and TITLE not in html
        for part in [code, state, REASON, f'href="{link}"']:
            assert part in html, (address, part)
    assert "21/11/2026" in by_address["jane.tran@example.vn"]["Message"]["Body"]["Text"]["Data"]
    # moto kept what it was given
    assert {m.subject for m in sent_mail()[mail_before:]} == {r["Message"]["Subject"]["Data"] for r in ses.sent}
    # AND every claim says sent, with SES's message id
    assert sorted((c["sk"]["S"], c["status"]["S"]) for c in claims()) == [
        ("jane.tran@example.vn", "sent"), ("minhanh.pham@example.vn", "sent")]
    assert all(c["message_id"]["S"] for c in claims())

    # AND the author who is a user, and the submitter, each have one in-app notification
    for user in ("worker-fpt-en", "worker-fpt"):
        page = notifications(api, user)
        # (the co-author's other one is the invitation they accepted: answered, it is read)
        invitations = [i for i in page["items"] if i["kind"] == "invitation"]
        assert all(i["read"] for i in invitations) and page["next_cursor"] is None
        assert page["unread"] == len(page["items"]) - len(invitations) == 1
        [item] = [i for i in page["items"] if i["kind"] == "author_update"]
        assert (item["kind"], item["submission_id"], item["code"], item["title"]) == (
            "author_update", sid, code, TITLE)
        assert (item["event"], item["from"], item["to"], item["read"]) == (
            "request_revision", "pending", "needs_revision", False)
        assert item["state_name"] == {"vi": "Cần bổ sung", "en": "Needs revision"}
        assert item["reason"] == REASON and item["link"] == link
        assert item["message"] == f"Sáng kiến «{TITLE}» ({code}) đã chuyển sang trạng thái: Cần bổ sung."
    english = notifications(api, "worker-fpt-en", lang="en")["items"][0]["message"]  # newest first
    assert english == f"Initiative “{TITLE}” ({code}) is now: Needs revision."
    # AND nobody else: not the reviewer (told only that it entered their queue), not an unrelated user
    assert [i["kind"] for i in notifications(api, "reviewer-fpt")["items"]] == ["queued"]
    assert notifications(api, "worker-rang-dong") == {"items": [], "next_cursor": None, "unread": 0}


def test_authors_sharing_an_address_get_one_email_and_authors_without_one_none(api, stream, ses):
    same = [dict(AUTHORS[0], share_percent=60), dict(AUTHORS[0], full_name="Phạm M. Anh", share_percent=40,
                                                     member_id=None, email="MinhAnh.Pham@example.vn ")]
    same[1].pop("member_id")
    created = submit(api, stream, authors=same)
    fire(api, created["id"], "validate", accept(api, created["id"]), "reviewer-fpt")
    assert failures(stream, stream.records(), REACT) == []
    assert [r["Destination"]["ToAddresses"] for r in ses.sent] == [["minhanh.pham@example.vn"]]

    created = submit(api, stream, authors=[{"full_name": "Nguyễn Văn Tư", "share_percent": 100}])
    fire(api, created["id"], "validate", 1, "reviewer-fpt")
    assert failures(stream, stream.records(), REACT) == []
    assert len(ses.sent) == 1
    assert len(notifications(api, "worker-fpt")["items"]) == 2  # the submitter still hears of both


# ------------------------------------------------------------ SES failing

def test_an_ses_failure_fails_the_record_and_a_redelivery_sends_exactly_once(api, stream, ses):
    # GIVEN an event that notifies two authors by email (the named member accepted), and SES refusing the sender
    created = submit(api, stream)
    fire(api, created["id"], "request_revision", accept(api, created["id"]), "reviewer-fpt", reason=REASON)
    records = stream.records()
    ses.client.delete_identity(Identity=settings.mail_sender())
    mail_before = len(sent_mail())

    # WHEN the batch is delivered
    failed = failures(stream, records, REACT)

    # THEN the event's record is reported failed (and only it), nothing was sent
    # and nothing is marked sent: every claim was released
    assert failed == [event_record(records, 3)["dynamodb"]["SequenceNumber"]]
    assert len(sent_mail()) == mail_before and claims() == []
    # (the in-app notifications were written once, and stay once)
    assert notifications(api, "worker-fpt")["unread"] == 1

    # WHEN it is retried while SES still fails THEN it fails again
    assert failures(stream, records, REACT) != []

    # WHEN SES works again and the record is redelivered (twice)
    ses.client.verify_email_identity(EmailAddress=settings.mail_sender())
    assert failures(stream, records, REACT) == []
    assert failures(stream, records, REACT) == []

    # THEN each author got exactly one email, and the in-app notifications did not double
    assert sorted(m.destinations["ToAddresses"][0] for m in sent_mail()[mail_before:]) == [
        "jane.tran@example.vn", "minhanh.pham@example.vn"]
    assert [c["status"]["S"] for c in claims()] == ["sent", "sent"]
    assert notifications(api, "worker-fpt")["unread"] == 1


def test_one_authors_failed_email_does_not_hold_back_the_others(api, stream, ses, monkeypatch):
    created = submit(api, stream)
    fire(api, created["id"], "request_revision", accept(api, created["id"]), "reviewer-fpt", reason=REASON)
    records = stream.records()
    real_send = ses.send_email

    def send_email(**request):
        if request["Destination"]["ToAddresses"] == ["jane.tran@example.vn"]:
            raise ConnectionError("SES is unreachable")
        return real_send(**request)
    monkeypatch.setattr(ses, "send_email", send_email)
    assert len(failures(stream, records, REACT)) == 1
    assert [r["Destination"]["ToAddresses"] for r in ses.sent] == [["minhanh.pham@example.vn"]]
    assert [(c["sk"]["S"], c["status"]["S"]) for c in claims()] == [("minhanh.pham@example.vn", "sent")]

    monkeypatch.setattr(ses, "send_email", real_send)
    assert failures(stream, records, REACT) == []
    assert [r["Destination"]["ToAddresses"] for r in ses.sent] == [["minhanh.pham@example.vn"],
                                                                  ["jane.tran@example.vn"]]


def test_a_claim_left_by_a_dead_invocation_is_taken_over_once_its_lease_ends(api, stream, ses, now):
    from chalicelib.notify import mail

    created = submit(api, stream, authors=[dict(AUTHORS[1], share_percent=100)])
    fire(api, created["id"], "validate", 1, "reviewer-fpt")
    records = stream.records()
    # GIVEN an invocation claimed the email and died before sending (a timeout)
    key = mail.ClaimKey.for_event(created["id"], 2, "Jane.Tran@example.vn")
    lease_until = int(DEFAULT_NOW.timestamp()) + mail.LEASE_SECONDS
    mail.MailClaim(key.pk, key.sk, status=mail.SENDING, token="dead", lease_until=lease_until,
                   recipient="jane.tran@example.vn").save()
    # WHEN the record is redelivered while the lease lasts THEN it waits (fails, to be retried), sending nothing
    assert len(failures(stream, records, REACT)) == 1 and ses.sent == []
    # WHEN it is redelivered after the lease ended THEN the email goes out, once
    now(DEFAULT_NOW + timedelta(seconds=mail.LEASE_SECONDS + 1))
    assert failures(stream, records, REACT) == []
    assert failures(stream, records, REACT) == []
    assert [r["Destination"]["ToAddresses"] for r in ses.sent] == [["jane.tran@example.vn"]]


def test_editing_the_authors_between_two_deliveries_mails_each_address_exactly_once(api, stream, ses):
    from tests.conftest import initiative

    # GIVEN an initiative returned for revision, its event delivered: the two
    # authors with an email (the named member accepted) were mailed
    created = submit(api, stream)
    sid = created["id"]
    fire(api, sid, "request_revision", accept(api, sid), "reviewer-fpt", reason=REASON)
    records = stream.records()
    assert failures(stream, records, REACT) == []
    assert sorted(r["Destination"]["ToAddresses"][0] for r in ses.sent) == [
        "jane.tran@example.vn", "minhanh.pham@example.vn"]

    # WHEN the submitter edits the authors: a new author with an email goes
    # first, the two others swap places (one retyping her address in capitals)
    hang = {"full_name": "Trần Thu Hằng", "email": "thuhang.tran@example.vn", "share_percent": 10}
    authors = [hang, dict(AUTHORS[1], share_percent=30),
               dict(AUTHORS[0], share_percent=40, email="MinhAnh.Pham@Example.VN"), AUTHORS[2]]
    status, answer = api.json("PUT", f"/submissions/{sid}", initiative(unit_id=FPT_UNIT, authors=authors),
                              user="worker-fpt")
    assert status == 200 and [a["full_name"] for a in answer["authors"]][:2] == ["Trần Thu Hằng", "Jane Tran"]
    # AND the event's record is delivered again (a retry, or a redrive from the failure queue), twice
    assert failures(stream, records, REACT) == []
    assert failures(stream, records, REACT) == []

    # THEN every address got exactly one email about the event: nobody twice
    # (Jane and Phạm Minh Anh are not mailed again) and nobody never (the new author is)
    sent = sorted(r["Destination"]["ToAddresses"][0] for r in ses.sent)
    assert sent == ["jane.tran@example.vn", "minhanh.pham@example.vn", "thuhang.tran@example.vn"]
    assert sorted(c["sk"]["S"] for c in claims()) == sent


def test_only_a_new_history_event_is_acted_on_never_a_change_or_removal_of_one(api, stream, ses):
    # GIVEN an initiative with two authors who gave an email, returned for revision, as stored
    # (recorded in tests/events/: the new image of its MODIFY record)
    stored = event("stream-initiative-modify")["dynamodb"]["NewImage"]
    # (its co-author who is a user, worker-fpt-en, accepted the invitation: recorded before invitations existed)
    assert stored["authors"]["L"][0]["M"]["member_id"] == {"S": "worker-fpt-en"}
    stored["authors"]["L"][0]["M"]["invitation"] = {"S": "accepted"}
    boto3.client("dynamodb").put_item(TableName=settings.table_name("initiatives"), Item=stored)
    # AND its "request_revision" history event's record as recorded (an INSERT), and that item
    # as a MODIFY and a REMOVE would show it
    inserted = event("stream-history-request-revision")
    modified = event("stream-history-request-revision", eventName="MODIFY")
    modified["dynamodb"]["OldImage"] = modified["dynamodb"]["NewImage"]
    removed = event("stream-history-request-revision", eventName="REMOVE")
    removed["dynamodb"]["OldImage"] = removed["dynamodb"].pop("NewImage")

    # WHEN react_to_events gets the MODIFY and the REMOVE (and reports no record failed)
    deliver(stream, [modified, removed], handlers=(REACT,))
    # THEN nobody is emailed or notified
    assert ses.sent == [] and claims() == []
    assert notifications(api, "worker-fpt-en")["unread"] == 0 and notifications(api, "worker-fpt")["unread"] == 0

    # WHEN it gets the INSERT, twice
    deliver(stream, [inserted], handlers=(REACT,))
    deliver(stream, [inserted], handlers=(REACT,))
    # THEN each author with an email got one email about it
    assert sorted(r["Destination"]["ToAddresses"][0] for r in ses.sent) == ["jane.tran@example.vn",
                                                                            "minhanh.pham@example.vn"]
    assert all(stored["code"]["S"] in r["Message"]["Subject"]["Data"] for r in ses.sent)
    # AND the author who is a user, and the submitter, one in-app notification each, with the reason
    for user in ("worker-fpt-en", "worker-fpt"):
        [item] = notifications(api, user)["items"]
        assert (item["submission_id"], item["event"], item["to"], item["reason"]) == (
            stored["id"]["S"], "request_revision", "needs_revision", REASON)


# ------------------------------------------------------------ reviewers

def test_a_resubmitted_initiative_is_announced_to_its_queues_reviewers_in_app_only(api, stream, ses):
    created = submit(api, stream)
    sid = created["id"]
    version = accept(api, sid)
    fire(api, sid, "request_revision", version, "reviewer-fpt", reason=REASON)
    fire(api, sid, "resubmit", version + 1, "worker-fpt")
    records = stream.records()
    for _ in range(2):
        assert failures(stream, records, REACT) == []
    # The request_revision emailed the two authors; the resubmit emailed nobody.
    assert len(ses.sent) == 2
    # (newest first: the resubmission, then the first entry into the queue, told once)
    item, first = notifications(api, "reviewer-fpt")["items"]
    assert (item["kind"], item["event"], item["to"], item["seq"]) == ("resubmitted", "resubmit", "pending", 4)
    assert (first["kind"], first["event"], first["seq"]) == ("queued", "submitted", 1)
    assert item["message"].startswith(f"Sáng kiến «{created['title']}» ({created['code']}) đã được tác giả bổ sung")
    # The reviewers of other units, and the author who resubmitted, hear nothing of it.
    assert notifications(api, "reviewer-cau-giay")["items"] == []
    assert [i["event"] for i in notifications(api, "worker-fpt")["items"]] == ["request_revision"]


# ------------------------------------------------------------ GET /me/notifications, mark read

def test_notifications_page_newest_first_and_mark_read_keeps_the_count_exact(api, stream, ses, now):
    # GIVEN three initiatives of worker-fpt, each validated a minute after the last
    sids = []
    for minute in range(3):
        now(DEFAULT_NOW + timedelta(minutes=minute))
        sid = submit(api, stream)["id"]
        fire(api, sid, "validate", 1, "reviewer-fpt")
        sids.append(sid)
    assert failures(stream, stream.records(), REACT) == []

    # WHEN worker-fpt pages through their notifications two at a time
    seen, cursor, pages = [], None, 0
    while True:
        page = notifications(api, "worker-fpt", "?limit=2" + (f"&cursor={cursor}" if cursor else ""))
        assert len(page["items"]) <= 2 and page["unread"] == 3
        seen += page["items"]
        cursor, pages = page["next_cursor"], pages + 1
        if cursor is None or pages > 5:
            break
    # THEN they see all three, newest first, each once
    assert cursor is None and [item["submission_id"] for item in seen] == sids[::-1]
    ids = [item["id"] for item in seen]

    # WHEN they mark the newest read, twice (a second tab, a retry)
    assert mark_read(api, "worker-fpt", [ids[0]]) == {"marked": 1, "unread": 2}
    assert mark_read(api, "worker-fpt", [ids[0]]) == {"marked": 0, "unread": 2}
    # THEN the count went down once
    page = notifications(api, "worker-fpt")
    assert page["unread"] == 2
    assert [(item["read"], "read_at" in item) for item in page["items"]] == [(True, True), (False, False),
                                                                             (False, False)]
    # AND marking it with others counts only the others
    assert mark_read(api, "worker-fpt", ids) == {"marked": 2, "unread": 0}
    assert mark_read(api, "worker-fpt", ids) == {"marked": 0, "unread": 0}
    # AND none of them is left in the unread index
    assert [i for i in table_items("notifications") if i["pk"]["S"] == "USER#worker-fpt" and "unread_pk" in i] == []


def test_nobody_sees_or_marks_another_users_notifications(api, stream, ses):
    for _ in range(2):
        fire(api, submit(api, stream)["id"], "validate", 1, "reviewer-fpt")
    assert failures(stream, stream.records(), REACT) == []
    mine = notifications(api, "worker-fpt", "?limit=1")
    assert mine["unread"] == 2 and mine["next_cursor"]

    # Another user sees none of them, not even with the owner's cursor ...
    assert notifications(api, "worker-rang-dong")["items"] == []
    status, answer = api.json("GET", f"/me/notifications?cursor={mine['next_cursor']}", user="worker-rang-dong")
    assert status == 400 and answer["errors"][0]["path"] == "/cursor"
    # ... and cannot mark them read: nothing changes for the owner.
    ids = [item["id"] for item in notifications(api, "worker-fpt")["items"]]
    assert mark_read(api, "worker-rang-dong", ids) == {"marked": 0, "unread": 0}
    assert notifications(api, "worker-fpt")["unread"] == 2
    assert not any(item["read"] for item in notifications(api, "worker-fpt")["items"])
    # No item was made for them either (an update cancelled by its condition writes nothing).
    assert [i["sk"]["S"] for i in table_items("notifications") if i["pk"]["S"] == "USER#worker-rang-dong"] == []


def test_notification_requests_are_checked(api):
    for query in ("?limit=0", "?limit=101", "?cursor=bad%21", "?cursor=AAAA", "?page=2"):
        status, answer = api.json("GET", f"/me/notifications{query}", user="worker-fpt")
        assert status == 400, (query, answer)
    assert api.json("GET", "/me/notifications")[0] == 401
    for body in ({}, {"ids": []}, {"ids": ["a"] * 2}, {"ids": ["not ok!"]}, {"ids": [f"id{i}" for i in range(101)]},
                 {"ids": ["abc"], "all": True}):
        status, answer = api.json("POST", "/me/notifications/read", body, user="worker-fpt")
        assert status == 400, (body, answer)
    status, answer = api.json("POST", "/me/notifications/read", {"ids": ["not ok!"]}, user="worker-fpt",
                              headers={"Accept-Language": "en"})
    assert answer["errors"][0]["message"].startswith("Notifications 1:")
    # Well-formed ids that name no notification of the caller's change nothing.
    assert mark_read(api, "worker-fpt", ["AAAA", "Tk9QRQ"]) == {"marked": 0, "unread": 0}
    assert api.json("POST", "/me/notifications/read", {"ids": ["AAAA"]})[0] == 401


# ------------------------------------------------------------ templates (no AWS)

def test_templates_write_money_dates_and_scores_for_people():
    from chalicelib.notify import render

    assert render.money(1500000, "vi") == "1.500.000 ₫" and render.money(1500000, "en") == "1,500,000 VND"
    # 23:30 UTC is 06:30 the next day in Vietnam.
    assert (render.day("2026-11-21T23:30:00.000+00:00"), render.hour("2026-11-21T23:30:00.000+00:00")) == (
        "22/11/2026", "06:30")
    context = {"author_name": "Nguyễn Văn An", "title": "Cải tiến khuôn ép", "code": "40173-26958",
               "state_name": "Được công nhận", "event_name": "Công nhận", "at": "2026-11-21T10:05:00.000+07:00",
               "reason": None, "link": "https://sangkien.example.vn/app/initiatives/01KAHQ3M6X2V7E9R0T4B5N8C1D",
               "scores": [{"name": "novelty", "value": 8}, {"name": "applicability", "value": 9},
                          {"name": "effectiveness", "value": 7}],
               "confirmed_benefit_vnd": 900000000}
    vi = render.email("author_update", "vi", context)
    assert vi.subject == "Sáng kiến «Cải tiến khuôn ép» (40173-26958): Được công nhận"
    for part in ["Tính mới: 8/10", "Khả năng áp dụng: 9/10", "Hiệu quả: 7/10", "900.000.000 ₫",
                 "lúc 10:05 ngày 21/11/2026", "Điểm đánh giá"]:
        assert part in vi.text and part in vi.html, part
    assert "Lý do" not in vi.text
    en = render.email("author_update", "en", dict(context, state_name="Recognised", event_name="Recognise"))
    for part in ["Novelty: 8/10", "Applicability: 9/10", "Effectiveness: 7/10", "900,000,000 VND",
                 "on 21/11/2026 at 10:05"]:
        assert part in en.text and part in en.html, part
    # An unknown language falls back to Vietnamese; subjects are one line, whatever the title.
    assert render.email("author_update", "fr", context).subject == vi.subject
    long_title = dict(context, title="Dài " * 60)
    subject = render.email("author_update", "vi", long_title).subject
    assert "\n" not in subject and len(subject) < 160
