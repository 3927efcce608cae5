"""The reviewers' daily digest (chalicelib/notify/digest.py): what it says
(the pure `compose`), whom it goes to, exactly once per reviewer and day,
nothing when there is nothing to say, and the setting that turns it off
(GET/PUT /me/preferences, the notifications page).

Deadlines are the default definition's: the grassroots union's check is due
15 days after an initiative enters its queue."""
import html
import re
from datetime import date, datetime, timedelta

import pytest

from chalicelib import clock, settings, validation
from chalicelib.clock import VIETNAM
from chalicelib.notify import digest
from chalicelib.notify.digest import Waiting, compose
from tests.conftest import html_text, sent_mail
from tests.helpers import deliver, enter, fire

FPT_UNIT = "cdcs-fpt-cau-giay"
DAY = date(2026, 11, 22)  # the digest's day: made as of 07:00 that morning


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=VIETNAM)


def ts(moment: datetime) -> str:
    return clock.timestamp(moment)


# ------------------------------------------------------------ the pure part: what a digest says

def waiting(n: int, entered: datetime, due_days: int | None = 15) -> Waiting:
    return Waiting(id=f"ID{n}", code=f"SK-{n}", title=f"Sáng kiến {n}", state="pending",
                   waiting_since=ts(entered), due_at=ts(entered + timedelta(days=due_days)) if due_days else None,
                   link=f"https://x/app/initiatives/ID{n}")


def test_a_digest_sorts_items_into_overdue_due_soon_and_new_each_once():
    now, since = at(22, 7), at(21, 7)
    items = [waiting(1, at(2)),  # due 17/11: overdue
             waiting(2, at(9)),  # due 24/11: within 3 days
             waiting(3, at(21, 10)),  # entered yesterday after 07:00: new
             waiting(4, at(15)),  # due 30/11, entered a week ago: nothing to say
             waiting(5, at(21, 6)),  # entered before yesterday's digest: it was new then
             waiting(6, at(1)),  # due 16/11: overdue longer than 1
             waiting(7, at(21, 12), due_days=2)]  # new, but due 23/11: told as due soon, not twice
    told = compose(items, now, since)
    assert [i.code for i in told.overdue] == ["SK-6", "SK-1"]  # the longest overdue first
    assert [i.code for i in told.due_soon] == ["SK-7", "SK-2"]  # the soonest first
    assert [i.code for i in told.new] == ["SK-3"]
    assert told.more == {} and told.at == "2026-11-22T07:00:00.000+07:00"


def test_the_edges_of_each_section():
    now, since = at(22, 7), at(21, 7)
    due_now = waiting(1, now - timedelta(days=15))  # due this very moment: overdue
    due_at_soon_edge = waiting(2, now - timedelta(days=12))  # due exactly 3 days on: due soon
    just_past = waiting(3, now - timedelta(days=12) + timedelta(minutes=1))  # a minute later: not yet
    entered_at_since = waiting(4, since, due_days=None)  # no deadline, entered exactly at the window's start
    entered_at_now = waiting(5, now, due_days=None)  # entered at the cutoff: tomorrow's news
    told = compose([due_now, due_at_soon_edge, just_past, entered_at_since, entered_at_now], now, since)
    assert ([i.id for i in told.overdue], [i.id for i in told.due_soon], [i.id for i in told.new]) == (
        ["ID1"], ["ID2"], ["ID4"])


def test_nothing_to_say_is_no_digest():
    now, since = at(22, 7), at(21, 7)
    assert compose([], now, since) is None
    assert compose([waiting(1, at(15)), waiting(2, at(20), due_days=None)], now, since) is None


def test_a_long_section_shows_the_first_ten_and_says_there_is_more():
    now, since = at(22, 7), at(21, 7)
    items = [waiting(n, at(1) + timedelta(minutes=n)) for n in range(12)]
    told = compose(items, now, since)
    assert [i.code for i in told.overdue] == [f"SK-{n}" for n in range(10)] and told.more == {"overdue": True}
    # A read the service cut short says so too, however few it shows.
    assert compose(items[:1], now, since, more=frozenset({"overdue"})).more == {"overdue": True}


def test_the_email_says_it_in_the_readers_language():
    from chalicelib.notify import render
    from chalicelib.workflow import definition

    told = compose([waiting(1, at(2)), waiting(3, at(21, 10))], at(22, 7), at(21, 7))
    for language, words in (("vi", ["Kính gửi Vũ Đức Thắng", "Quá hạn (1)", "hạn 17/11/2026",
                                     "Mới vào hàng chờ từ hôm qua (1)", "Tắt thư tóm tắt này"]),
                            ("en", ["Dear Vũ Đức Thắng", "Overdue (1)", "due 17/11/2026", "New since yesterday (1)",
                                    "Turn this digest off"])):
        context = digest.email_context(told, "Công đoàn FPT", "Vũ Đức Thắng", language, definition.default())
        message = render.email("digest", language, context)
        for word in words + ["SK-1", "SK-3", "https://x/app/initiatives/ID1", f"{settings.link_base()}/app/queue"]:
            assert word in message.text and word in html.unescape(message.html), (language, word)
        assert "SK-2" not in message.text
    assert render.email("digest", "vi", digest.email_context(
        told, "FPT", "A", "vi", definition.default())).subject == "Tóm tắt ngày 22/11/2026: 1 quá hạn, 0 sắp đến hạn, 1 mới"


# ------------------------------------------------------------ sending, through the queue index

def enter_at(api, now, moment: datetime, title: str) -> dict:
    now(moment)
    return enter(api, user="worker-fpt", unit_id=FPT_UNIT, title=title,
                 authors=[{"full_name": "Nguyễn Văn Tư", "share_percent": 100}])


def digests_to(address: str, since: int = 0) -> list:
    return [m for m in sent_mail()[since:] if m.destinations["ToAddresses"] == [address]]


def text_of(message) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", message.body)).split())


@pytest.fixture
def queue(api, stream, now):
    """FPT's grassroots queue on the morning of 22/11/2026, and one initiative
    it passed on to Cầu Giấy's upper-grassroots union."""
    made = {name: enter_at(api, now, moment, f"Sáng kiến {name}") for name, moment in (
        ("overdue", at(2)), ("due soon", at(9)), ("later", at(15)), ("new", at(21, 10)), ("passed on", at(20)))}
    now(at(21, 12))
    fire(api, made["passed on"]["id"], "validate", 1, "reviewer-fpt")
    made["after the cutoff"] = enter_at(api, now, at(22, 8), "Sáng kiến after the cutoff")
    deliver(stream)
    now(at(22, 7, ))
    return made


def test_each_reviewer_gets_their_units_digest_once_with_links(api, stream, now, queue):
    before = len(sent_mail())
    # WHEN the day's digests are sent, twice (a retry, a second run)
    first = digest.send_digests(DAY, root_id="ldld-ha-noi")
    again = digest.send_digests(DAY, root_id="ldld-ha-noi")
    # THEN FPT's reviewer got one email: its overdue, due soon and new, each with its link
    [mail] = digests_to("reviewer-fpt@example.vn", before)
    assert mail.subject == "Tóm tắt ngày 22/11/2026: 1 quá hạn, 1 sắp đến hạn, 1 mới"
    text = text_of(mail)
    for name, due in (("overdue", "hạn 17/11/2026"), ("due soon", "hạn 24/11/2026"), ("new", "hạn 06/12/2026")):
        assert queue[name]["code"] in text and due in text, name
        assert f"{settings.link_base()}/app/initiatives/{queue[name]['id']}" in mail.body
    for name in ("later", "passed on", "after the cutoff"):
        assert queue[name]["code"] not in text, name
    assert text.index("Quá hạn") < text.index(queue["overdue"]["code"]) < text.index("Sắp đến hạn") \
        < text.index(queue["due soon"]["code"]) < text.index("Mới vào hàng chờ") < text.index(queue["new"]["code"])
    # AND Cầu Giấy's reviewer one, with what FPT passed on to them yesterday
    [upper] = digests_to("reviewer-cau-giay@example.vn", before)
    assert upper.subject == "Tóm tắt ngày 22/11/2026: 0 quá hạn, 0 sắp đến hạn, 1 mới"
    assert queue["passed on"]["code"] in text_of(upper) and queue["overdue"]["code"] not in text_of(upper)
    # AND nobody else under Hà Nội (their queues are empty), and the second run sent nothing
    assert len(sent_mail()) - before == 2
    assert (first.sent, again.sent) == (2, 0)


def test_nothing_is_sent_when_there_is_nothing_to_say(api, stream, now):
    enter_at(api, now, at(15), "Sáng kiến giữa chừng")  # due 30/11, not new on the 22nd
    deliver(stream)
    before = len(sent_mail())
    assert digest.send_digests(DAY, root_id="ldld-cau-giay").sent == 0
    assert sent_mail()[before:] == []


def test_a_reviewer_who_turns_it_off_gets_none_and_can_turn_it_on_again(api, stream, now, queue):
    status, answer = api.json("GET", "/me/preferences", user="reviewer-fpt")
    assert (status, answer) == (200, {"daily_digest": True})
    status, answer = api.json("PUT", "/me/preferences", {"daily_digest": False}, user="reviewer-fpt")
    assert (status, answer) == (200, {"daily_digest": False})
    assert validation.problems("preferences", answer) == []
    before = len(sent_mail())
    digest.send_digests(DAY, root_id="ldld-cau-giay")
    assert digests_to("reviewer-fpt@example.vn", before) == []
    assert len(digests_to("reviewer-cau-giay@example.vn", before)) == 1  # a colleague's setting is their own
    assert api.json("GET", "/me/preferences", user="reviewer-cau-giay")[1] == {"daily_digest": True}

    api.json("PUT", "/me/preferences", {"daily_digest": True}, user="reviewer-fpt")
    digest.send_digests(DAY + timedelta(days=1), root_id="ldld-cau-giay")
    assert len(digests_to("reviewer-fpt@example.vn", before)) == 1


def test_preferences_requests_are_checked(api):
    for body in ({}, {"daily_digest": "no"}, {"daily_digest": False, "other": 1}):
        status, answer = api.json("PUT", "/me/preferences", body, user="reviewer-fpt")
        assert status == 400, (body, answer)
    assert api.json("GET", "/me/preferences")[0] == 401
    assert api.json("GET", "/me/preferences", user="reviewer-fpt")[1] == {"daily_digest": True}


def test_the_notifications_page_turns_the_digest_off_for_a_reviewer(pages):
    page = pages.get("/app/notifications", user="reviewer-fpt")
    assert page.status_code == 200 and 'name="daily_digest" value="on" data-testid="digest-setting" checked' in \
        page.body.decode()
    # An unchecked box is absent from the form: off.
    answer = pages.post("/app/notifications/settings", {}, user="reviewer-fpt")
    assert answer.status_code == 303
    page = pages.get(answer.headers["Location"].split("#")[0], user="reviewer-fpt")
    assert "Đã lưu: bạn sẽ không nhận thư tóm tắt hằng ngày nữa." in html_text(page)
    assert "checked" not in page.body.decode().split('data-testid="digest-setting"')[1].split(">")[0]
    # A worker (no digest for them) sees no such setting.
    assert "daily_digest" not in pages.get("/app/notifications", user="worker-fpt").body.decode()


@pytest.fixture(autouse=True)
def fresh_runs():
    """Each test starts with no day's run remembered by this process (the job remembers them)."""
    digest._runs.clear()
    yield
    digest._runs.clear()


def test_the_days_job_waits_for_seven_and_goes_on_where_it_stopped(api, stream, now, queue, monkeypatch):
    monkeypatch.setenv("NATIONAL_UNIT_ID", "ldld-cau-giay")
    before = len(sent_mail())
    now(at(22, 6, ))
    assert digest.send_todays_digests().sent == 0  # before 07:00: nothing yet
    now(at(22, 7))
    assert digest.send_todays_digests(slice_seconds=0).units == 0  # a slice with no time does nothing
    assert digest.send_todays_digests(slice_seconds=None).sent == 2  # the rest, where it stopped
    assert digest.send_todays_digests(slice_seconds=None).sent == 0  # the day is done
    assert len(sent_mail()) - before == 2


def test_the_schedule_sends_the_days_digests(api, stream, now, queue, monkeypatch):
    # The tree walked from Hà Nội's federation rather than the nation: moto reads
    # an index by scanning the whole table, so 600 units take minutes here.
    monkeypatch.setenv("NATIONAL_UNIT_ID", "ldld-ha-noi")
    before = len(sent_mail())
    now(at(22, 7))
    event = api.client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                                resources=[])
    answer = api.client.lambda_.invoke("send_digests", event).payload
    assert answer["sent"] == 2
    assert sorted(m.destinations["ToAddresses"][0] for m in sent_mail()[before:]) == [
        "reviewer-cau-giay@example.vn", "reviewer-fpt@example.vn"]
