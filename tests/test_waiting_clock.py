"""Leaders see the clock (issue 12, point 6): per child unit, how many wait,
how many are overdue, since when the oldest waits, and the median days to a
decision at each level, all read from the counters (never from the
initiatives), kept exactly once by the stream like every other count."""
import random
import re
from datetime import datetime

import boto3
import pytest

from chalicelib import settings
from chalicelib.clock import VIETNAM
from chalicelib.counters import core
from tests import helpers
from tests.helpers import deliver, enter, fire
from tests.test_counters import FPT_PATH, PHASE, counters, item, stored_initiatives

COUNT = ("count_changes",)
NOV_1 = "2026-11-01T08:00:00.000+07:00"


def at(day: str, hour: int = 8) -> str:
    return f"{day}T{hour:02d}:00:00.000+07:00"


def moved(changes, given=None) -> dict:
    """Every change's moves (core.moves) added up, zeros left out."""
    total: dict = {}
    for old, new in changes:
        for scope, counts in core.moves(old, new, given).items():
            for name, n in counts.items():
                total.setdefault(scope, {})[name] = total.get(scope, {}).get(name, 0) + n
    return {scope: {k: v for k, v in counts.items() if v} for scope, counts in total.items()
            if any(counts.values())}


# ------------------------------------------------------------------ the arithmetic (pure)

def test_a_waiting_initiative_counts_under_the_month_it_entered_its_queue_until_it_leaves_it():
    # GIVEN an initiative entered on 28/10 (waiting for the grassroots check), validated on 3/11
    entered = item(version=1, status="pending", waiting_since=at("2026-10-28"), updated_at=at("2026-10-28"))
    valid = item(version=2, status="valid", waiting_since=at("2026-11-03"), updated_at=at("2026-11-03"))
    recognized = item(version=4, status="recognized", updated_at=at("2026-11-20"), confirmed_benefit_vnd=1)
    # THEN it counts in October while pending, in November while waiting for the upper level, nowhere once decided
    assert core.contribution(entered)["w2610"] == 1
    assert core.delta(entered, valid)[("tld", PHASE)] == {"state:pending": -1, "state:valid": 1,
                                                          "w2610": -1, "w2611": 1}
    assert not any(core.is_decision(n) or n.startswith("w") for n in core.contribution(recognized))
    # AND the oldest month with a count is what "waiting since" reads
    assert core.oldest_waiting({"w2611": 3, "w2610": 0, "w2609": 1, "state:pending": 4}) == "2026-09"
    assert core.oldest_waiting({"w2610": 0}) is None


def test_overdue_is_plus_one_when_the_sweep_marks_it_and_minus_one_when_a_transition_clears_it():
    pending = item(version=1, waiting_since=NOV_1, updated_at=NOV_1)
    marked = item(version=2, waiting_since=NOV_1, updated_at=NOV_1, overdue_since=at("2026-11-16"))
    validated = item(version=3, status="valid", waiting_since=at("2026-11-18"), updated_at=at("2026-11-18"))
    # The sweep marks it: only `overdue` moves, in every unit on the path
    assert core.delta(pending, marked) == {(unit, PHASE): {"overdue": 1} for unit in FPT_PATH}
    # The next transition clears it
    assert core.delta(marked, validated)[("ldld-ha-noi", PHASE)]["overdue"] == -1
    # In any order, the changes add up to what the initiative counts for now (not overdue)
    changes = [(None, pending), (pending, marked), (marked, validated)]
    random.Random(12).shuffle(changes)
    total = moved(changes)
    assert {s: {k: v for k, v in c.items() if not core.is_decision(k)} for s, c in total.items()} == {
        s: {k: v for k, v in c.items() if k != "authors"} for s, c in core.recount([validated]).items()}
    assert "overdue" not in total[("tld", PHASE)]


def test_a_transition_out_of_a_waiting_state_counts_one_decision_of_that_level_by_days_waited():
    pending = item(version=1, waiting_since=NOV_1, updated_at=NOV_1)
    # Validated on the 6th: 5 whole days (the bucket 4–7) at the grassroots check, in every unit on the path
    valid = item(version=2, status="valid", waiting_since=at("2026-11-06"), updated_at=at("2026-11-06"))
    assert core.decided(pending, valid) == {(unit, PHASE): {"dg4": 1} for unit in FPT_PATH}
    assert core.moves(pending, valid)[("cdcs-fpt-cau-giay", PHASE)]["dg4"] == 1
    # Taken into review by the upper level 40 days later: no decision, the wait at its desk goes on (its
    # waiting_since kept); recognised that afternoon: one decision of the upper level after 40 days (31–60)
    review = item(version=3, status="under_review", waiting_since=at("2026-11-06"), updated_at=at("2026-12-16"))
    done = item(version=4, status="recognized", confirmed_benefit_vnd=9, updated_at=at("2026-12-16", 17))
    assert core.decided(valid, review) == {} and core.delta(valid, review)[("tld", PHASE)] == {
        "state:valid": -1, "state:under_review": 1}
    assert core.decided(review, done)[("tld", PHASE)] == {"du31": 1}
    # Nothing else is a decision: an edit, the sweep's marks, the author's withdrawal, an insert, a removal
    edited = item(version=2, waiting_since=NOV_1, updated_at=at("2026-11-03"), title="Mới")
    withdrawn = item(version=2, status="withdrawn", updated_at=at("2026-11-20"))
    marked = item(version=2, waiting_since=NOV_1, updated_at=NOV_1, overdue_since=at("2026-11-16"))
    for old, new in ((pending, edited), (pending, marked), (pending, withdrawn), (None, pending), (pending, None)):
        assert core.decided(old, new) == {}
    # Boundaries: 23 h 59 is day 0; just over 90 days is the open bucket
    assert core.decision_counter("grassroots", core.days_between(NOV_1, "2026-11-02T07:59:00.000+07:00")) == "dg0"
    assert core.decision_counter("upper_grassroots", 91) == "du91"
    assert [core.decision_bucket(d) for d in (0, 1, 2, 3, 4, 7, 8, 15, 16, 30, 31, 60, 61, 90, 91, 400)] == [
        0, 0, 2, 2, 4, 4, 8, 8, 16, 16, 31, 31, 61, 61, 91, 91]


def test_decisions_follow_the_definition_not_state_names(tmp_path):
    # GIVEN a second definition: one state waiting for the top-level unit, decided by its reviewers
    from chalicelib.workflow.definition import Definition

    definition = Definition.from_json({
        "start_at": "received", "states": {
            "received": {"name": {"vi": "Đã nhận", "en": "Received"}, "queue": "top_level"},
            "accepted": {"name": {"vi": "Chấp nhận", "en": "Accepted"}, "final": True}},
        "transitions": [{"event": "accept", "label": {"vi": "Chấp nhận", "en": "Accept"}, "from": ["received"],
                         "to": "accepted", "by": [{"role": "reviewer", "level": "top_level"}]}]})
    given = core.rules(definition)
    old = item(status="received", waiting_since=NOV_1, updated_at=NOV_1)
    new = item(version=2, status="accepted", updated_at=at("2026-11-20"))
    # THEN its waiting state counts, and leaving it is a decision of the top level (18 days: 16–30)
    assert core.contribution(old, given)["w2611"] == 1
    assert core.decided(old, new, given)[("tld", PHASE)] == {"dt16": 1}
    assert core.waiting_by_level({"state:received": 4}, given) == {"top_level": 4}


def test_the_median_is_read_from_the_buckets_by_interpolating_in_the_one_holding_it():
    # 1 decision in 0–1, 3 in 4–7, 1 in 16–30: the 2.5th of 5 falls in 4–7, half-way through its 4 days from 1
    counts = {"dg0": 1, "dg4": 3, "dg16": 1, "du0": 0}
    grassroots = core.decisions(counts, "grassroots")
    assert grassroots["decided"] == 5 and grassroots["median_bucket"] == {"from": 4, "to": 7}
    assert grassroots["median_days"] == 4 + (2.5 - 1) / 3 * 4  # 6.0
    assert [b["count"] for b in grassroots["buckets"]] == [1, 0, 3, 0, 1, 0, 0, 0]
    # Nothing decided: no median; the middle in the open bucket: the bucket, no number
    assert core.decisions(counts, "upper_grassroots") == {
        "decided": 0, "median_days": None, "median_bucket": None, "buckets": core.decisions({}, "upper_grassroots")[
            "buckets"]}
    late = core.decisions({"du91": 2, "du2": 1}, "upper_grassroots")
    assert late["median_days"] is None and late["median_bucket"] == {"from": 91, "to": None}


# ------------------------------------------------------------------ through the stream, exactly once

def sweep(now, moment: datetime) -> dict:
    """The deadlines' sweep (chalicelib/review/deadlines.py), run with the app's clock at `moment`."""
    from chalicelib.review import deadlines

    now(moment)
    return deadlines.sweep()


def mark_overdue(sid: str, since: str) -> None:
    """What the deadlines' sweep does to a META item, as far as counting sees it: `od` set, version bumped."""
    boto3.client("dynamodb").update_item(
        TableName=settings.table_name("initiatives"), Key={"pk": {"S": f"SUB#{sid}"}, "sk": {"S": "META"}},
        UpdateExpression="SET od = :since ADD version :one",
        ExpressionAttributeValues={":since": {"S": since}, ":one": {"N": "1"}})


def test_the_stream_counts_waiting_overdue_and_decisions_once_however_often_it_delivers(api, stream, now):
    # GIVEN two FPT initiatives entered on 1/11; one validated on 13/11, the other marked overdue on 16/11
    now(datetime(2026, 11, 1, 9, 0, tzinfo=VIETNAM))
    first = enter(api, "worker-fpt", unit_id="cdcs-fpt-cau-giay")["id"]
    second = enter(api, "worker-fpt", unit_id="cdcs-fpt-cau-giay")["id"]
    now(datetime(2026, 11, 13, 15, 0, tzinfo=VIETNAM))
    fire(api, first, "validate", 1, "reviewer-fpt")
    mark_overdue(second, at("2026-11-16"))
    records = stream.records()
    # WHEN the batch is delivered three times, the second and third time cut and shuffled
    deliver(stream, records, COUNT)
    once = counters(decisions=True)
    for _ in range(2):
        again = list(records)
        random.Random(len(again)).shuffle(again)
        deliver(stream, again[:3], COUNT)
        deliver(stream, again[3:], COUNT)
    # THEN each count is what one delivery made: at Cầu Giấy (FPT's upper union) 2 waiting, one since
    # 1/11 (FPT's check), one since 13/11 (its own); 1 overdue; one decision of the grassroots check
    # after 12 days (8–15)
    assert counters(decisions=True) == once
    cau_giay = once[("ldld-cau-giay", PHASE)]
    assert {k: v for k, v in cau_giay.items() if k.startswith(("state:", "w", "overdue", "d"))} == {
        "state:pending": 1, "state:valid": 1, "w2611": 2, "overdue": 1, "dg8": 1}
    # AND everything but the decisions equals a recount of the initiatives as they are
    assert counters() == core.recount(stored_initiatives())
    assert counters()[("tld", PHASE)]["overdue"] == 1


def test_the_sweep_marks_overdue_once_and_a_decision_clears_it_end_to_end(api, stream, now):
    # GIVEN an FPT initiative entered on 1/11 (FPT's check is due in 15 days: by the end of 16/11), counted
    now(when(11, 1))
    sid = enter(api, "worker-fpt", unit_id=FPT)["id"]
    deliver(stream, handlers=COUNT)
    # WHEN the sweep runs after the deadline, then again (a rerun), and its records are delivered twice
    assert sweep(now, when(11, 17, 10))["overdue"] == 1
    assert sweep(now, when(11, 17, 10))["overdue"] == 0
    records = stream.records()
    deliver(stream, records, COUNT)
    deliver(stream, records, COUNT)
    # THEN the initiative counts once as overdue in every unit on its path, and still waits since November
    counted = counters()
    assert all(counted[(unit, PHASE)]["overdue"] == 1 for unit in FPT_PATH)
    assert counted[("tld", PHASE)]["w2611"] == 1 and counted == core.recount(stored_initiatives())
    # WHEN FPT's union finally validates it on 20/11 (19 days: 16–30)
    now(when(11, 20))
    fire(api, sid, "validate", int(stored_initiatives()[0]["version"]), "reviewer-fpt")
    deliver(stream, handlers=COUNT)
    # THEN it is overdue no more, waits for Cầu Giấy since 20/11, and one late decision of the check is counted
    decided = counters(decisions=True)
    assert all("overdue" not in decided[(unit, PHASE)] for unit in FPT_PATH)
    assert decided[("ldld-cau-giay", PHASE)]["dg16"] == 1 and decided[("ldld-cau-giay", PHASE)]["state:valid"] == 1
    assert counters() == core.recount(stored_initiatives())


def test_a_transition_out_of_a_waiting_state_is_counted_as_one_decision_whatever_the_redeliveries(api, stream, now):
    # GIVEN an initiative checked after 3 days, replays of every record in between and after
    now(datetime(2026, 11, 2, 9, 0, tzinfo=VIETNAM))
    sid = enter(api, "worker-fpt", unit_id="cdcs-fpt-cau-giay")["id"]
    deliver(stream, handlers=COUNT)
    entered = helpers.table_items("counters")
    now(datetime(2026, 11, 5, 10, 0, tzinfo=VIETNAM))
    fire(api, sid, "request_revision", 1, "reviewer-fpt", reason="Thiếu số liệu")
    records = stream.records()
    for _ in range(3):
        deliver(stream, records, COUNT)
    # THEN the grassroots check counted one decision after 3 days (2–3), in each of the four units
    decided = counters(decisions=True)
    assert all(decided[(unit, PHASE)]["dg2"] == 1 for unit in FPT_PATH)
    assert all(n == 1 for counts in decided.values() for name, n in counts.items() if core.is_decision(name))
    # AND the initiative no longer waits (back with its authors)
    assert "w2611" not in decided[("tld", PHASE)] and counters(entered)[("tld", PHASE)]["w2611"] == 1


# ------------------------------------------------------------------ the API and the dashboard

FPT, DONG_ANH = "cdcs-fpt-cau-giay", "cdcs-ttyt-dong-anh"


def when(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=VIETNAM)


@pytest.fixture
def clocked(api, stream, now):
    """Initiatives of Hà Nội entered and decided over a month, counted through the stream; today 21/11/2026:
    FPT's union (under Cầu Giấy): A entered 20/10, still waiting for FPT's check (15 days: overdue since 4/11);
        B entered 1/11, validated 4/11 (3 days), taken into review by Cầu Giấy 10/11 (the wait at its desk
          goes on), in review;
        C entered 12/11 09:00, returned for revision at 17:00 (0 days);
        E entered 1/11, validated 2/11 (1 day), taken into review 5/11, recognised 9/11 (7 days at Cầu Giấy).
    Đông Anh's health centre: D1 entered 1/11 (overdue since 16/11), D2 entered 10/11, waiting.
    The deadlines' sweep ran this morning (it marks A and D1 overdue)."""
    now(when(10, 20))
    a = enter(api, "worker-fpt", unit_id=FPT, title="Sáng kiến A")["id"]
    now(when(11, 1))
    b = enter(api, "worker-fpt", unit_id=FPT, title="Sáng kiến B")["id"]
    e = enter(api, "worker-fpt", unit_id=FPT, title="Sáng kiến E")["id"]
    d1 = enter(api, "worker-fpt", unit_id=DONG_ANH, title="Sáng kiến D1", subject_group="public-service",
               benefit_vnd=None)["id"]
    now(when(11, 2))
    fire(api, e, "validate", 1, "reviewer-fpt")
    now(when(11, 4))
    fire(api, b, "validate", 1, "reviewer-fpt")
    now(when(11, 5))
    fire(api, e, "start_review", 2, "reviewer-cau-giay")
    now(when(11, 9))
    fire(api, e, "recognize", 3, "reviewer-cau-giay", scores={"novelty": 8, "applicability": 8, "effectiveness": 8},
         confirmed_benefit_vnd=1_000_000)
    now(when(11, 10))
    fire(api, b, "start_review", 2, "reviewer-cau-giay")
    enter(api, "worker-fpt", unit_id=DONG_ANH, title="Sáng kiến D2", subject_group="public-service", benefit_vnd=None)
    now(when(11, 12))
    c = enter(api, "worker-fpt", unit_id=FPT, title="Sáng kiến C")["id"]
    now(when(11, 12, 17))
    fire(api, c, "request_revision", 1, "reviewer-fpt", reason="Thiếu số liệu")
    assert sweep(now, when(11, 21, 7))["overdue"] == 2
    now(when(11, 21, 10))
    deliver(stream, handlers=COUNT)  # (only counting: the overdue events' listeners are another part's)
    return {"A": a, "B": b, "C": c, "D1": d1, "E": e}


def test_the_api_gives_each_child_its_waiting_overdue_oldest_and_median_days(api, clocked):
    from tests.test_stats import get

    # WHEN Hà Nội's leader asks for the federation's figures
    status, body = get(api, f"/stats/units/ldld-ha-noi?phase={PHASE}", user="leader-ha-noi", schema="unit-stats")
    assert status == 200
    children = {child["unit"]["id"]: child["clock"] for child in body["children"]}
    # THEN Cầu Giấy: A and B wait (since October), A overdue; FPT's check decided E after 1 day, B after 3
    # and C on the day (median ≈ 1.5, in 0–1), the upper level recognised E after 7 days (≈ 6.0, in 4–7)
    cau_giay = children["ldld-cau-giay"]
    assert (cau_giay["waiting"], cau_giay["waiting_by_level"], cau_giay["overdue"],
            cau_giay["oldest_waiting_month"]) == (2, {"grassroots": 1, "upper_grassroots": 1}, 1, "2026-10")
    assert {level: (d["decided"], d["median_days"], d["median_bucket"])
            for level, d in cau_giay["decisions"].items()} == {
        "grassroots": (3, 1.5, {"from": 0, "to": 1}), "upper_grassroots": (1, 6.0, {"from": 4, "to": 7})}
    assert [b["count"] for b in cau_giay["decisions"]["grassroots"]["buckets"]] == [2, 1, 0, 0, 0, 0, 0, 0]
    # AND Đông Anh: two waiting since November, one overdue, nothing decided
    dong_anh = children["ldld-dong-anh"]
    assert (dong_anh["waiting"], dong_anh["overdue"], dong_anh["oldest_waiting_month"]) == (2, 1, "2026-11")
    assert all(d["decided"] == 0 and d["median_days"] is None for d in dong_anh["decisions"].values())
    # AND the federation as a whole adds them up
    mine = body["unit"]["clock"]
    assert (mine["waiting"], mine["overdue"], mine["oldest_waiting_month"]) == (4, 2, "2026-10")
    # A unit with nothing at all reads zeros
    assert children["ldld-hoan-kiem"] == {
        "waiting": 0, "waiting_by_level": {"grassroots": 0, "upper_grassroots": 0}, "overdue": 0,
        "oldest_waiting_month": None, "decisions": {level: core.decisions({}, level)
                                                    for level in ("grassroots", "upper_grassroots")}}


def clock_rows(response) -> dict:
    """{unit id: [the cells' text]} of the clock table's rows (the whole unit's row under its own id)."""
    from tests.test_web_dashboard import Html, section_html, text_of

    table = section_html(response, "clock-table")
    rows = re.findall(r'<tr[^>]*data-unit="([^"]+)"[^>]*>(.*?)</tr>', table, re.S)
    return {unit: [text_of(Html(cell)) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for unit, row in rows}


def chart_rows(response) -> list[str]:
    """The stacked chart's rows as read (name and figures), top to bottom."""
    from tests.test_web_dashboard import Html, section_html, text_of

    chart = section_html(response, "clock-chart")
    return [text_of(Html(item)) for item in re.findall(r"<li>(.*?)</li>", chart, re.S)]


def test_a_provincial_chair_sees_the_clock_of_each_unit_below_as_a_table_and_a_chart(pages, clocked):
    # WHEN Hà Nội's chair opens the dashboard
    page = pages.get("/app/dashboard", user="leader-ha-noi")
    assert page.status_code == 200
    rows = clock_rows(page)
    # THEN each district reads waiting, overdue (marked), the oldest's month, the medians with how many decided
    assert rows["ldld-cau-giay"] == ["Liên đoàn Lao động quận Cầu Giấy", "2", "⚠ 1", "10/2026",
                                     "≈ 1,5 (3 quyết định)", "≈ 6 (1 quyết định)"]
    assert rows["ldld-dong-anh"] == ["Liên đoàn Lao động huyện Đông Anh", "2", "⚠ 1", "11/2026", "–", "–"]
    # (districts with nothing waiting or decided are only named, under the table)
    assert "ldld-hoan-kiem" not in rows
    assert "Liên đoàn Lao động quận Hoàn Kiếm" in section(page, "clock-quiet")
    assert rows["ldld-ha-noi"] == ["Toàn đơn vị", "4", "⚠ 2", "10/2026", "≈ 1,5 (3 quyết định)",
                                   "≈ 6 (1 quyết định)"]
    assert '<strong class="overdue">⚠ 1</strong>' in page.body.decode()
    # AND the chart draws the districts with something waiting, the most overdue first (tied: by name),
    # overdue in red
    assert chart_rows(page) == ["Liên đoàn Lao động huyện Đông Anh 2 đang chờ · 1 quá hạn",
                                "Liên đoàn Lao động quận Cầu Giấy 2 đang chờ · 1 quá hạn"]
    from tests.test_web_dashboard import section_html
    chart = section_html(page, "clock-chart")
    assert re.search(r'<rect class="late" x="0" y="2" width="50.0%" height="14" fill="#a30f0f"/>', chart)
    assert re.search(r'<rect class="fill" x="50.0%" y="2" width="50.0%"', chart)
    # AND the page says how coarse the figures are
    text = pages_text(page)
    assert "Được đếm theo tháng, nên không chi tiết hơn một tháng" in text
    assert "nội suy trong khoảng chứa quyết định ở giữa" in text


def section(response, testid: str) -> str:
    from tests.test_web_dashboard import section as visible
    return visible(response, testid)


def pages_text(response) -> str:
    from tests.test_web_dashboard import text_of
    return text_of(response)


def test_the_national_leader_and_an_upper_grassroots_chair_see_their_own_children(pages, clocked):
    # The national leader: the top-level units (Hà Nội's four waiting, one overdue)
    page = pages.get("/app/dashboard", user="leader-national")
    national = clock_rows(page)
    assert national["ldld-ha-noi"][1:4] == ["4", "⚠ 2", "10/2026"]
    assert set(national) == {"ldld-ha-noi", "tld"}
    quiet = section(page, "clock-quiet")
    assert quiet.startswith("82 đơn vị không có sáng kiến nào đang chờ") and "Liên đoàn Lao động tỉnh Thanh Hóa" in quiet
    # A chair of Cầu Giấy (an upper-grassroots unit): its grassroots unions; FPT's initiatives wait at both levels
    pages.users["leader-cau-giay"] = {"id": "leader-cau-giay", "roles": ["leader"], "unit_id": "ldld-cau-giay",
                                      "full_name": "Đặng Thu Trang"}
    page = pages.get("/app/dashboard", user="leader-cau-giay")
    cau_giay = clock_rows(page)
    assert cau_giay["cdcs-fpt-cau-giay"] == ["Công đoàn Công ty TNHH Phần mềm FPT", "2", "⚠ 1", "10/2026",
                                             "≈ 1,5 (3 quyết định)", "≈ 6 (1 quyết định)"]
    assert set(cau_giay) == {"cdcs-fpt-cau-giay", "ldld-cau-giay"}
    assert "Công đoàn Công ty CP MISA" in section(page, "clock-quiet")


def test_the_clock_in_english(pages, clocked):
    page = pages.get("/app/dashboard", user="leader-ha-noi", lang="en")
    assert clock_rows(page)["ldld-cau-giay"][1:] == ["2", "⚠ 1", "10/2026", "≈ 1.5 (3 decided)", "≈ 6 (1 decided)"]
    text = pages_text(page)
    assert "How long initiatives wait, by unit below" in text and "Days to a decision (median): grassroots check" in text
    assert chart_rows(page)[0] == "Liên đoàn Lao động huyện Đông Anh 2 waiting · 1 overdue"
