"""Trends: initiatives entered and recognised per day, per unit and phase,
counted by the stream (counters/core.daily, kept in month items) and read
back a month item at a time (counters/store.daily_counts)."""
from datetime import date, datetime, timedelta

from chalicelib.counters import core
from tests.conftest import DEFAULT_NOW
from tests.helpers import deliver, enter, fire
from tests.test_counters import FPT_PATH, PHASE, item

COUNT = ("count_changes",)
SCORES = {"novelty": 8, "applicability": 9, "effectiveness": 7}


# ------------------------------------------------------------------ the arithmetic (pure)

def test_an_insert_counts_on_the_day_it_was_entered_in_every_unit_of_its_path():
    new = item(created_at="2026-04-13T06:59:00.000+07:00", updated_at="2026-04-13T06:59:00.000+07:00")
    days = core.daily(None, new)
    assert days == {(unit, PHASE): {"e@260413": 1} for unit in FPT_PATH}
    # and nothing else does: a later change of the same initiative is no new entry
    assert core.daily(new, dict(new, version=2, status="valid", updated_at="2026-04-20T10:00:00.000+07:00")) == {}


def test_recognition_counts_on_the_day_it_was_decided_and_only_when_it_enters_a_recognised_state():
    before = item(version=3, status="under_review", created_at="2026-03-01T08:00:00.000+07:00")
    after = dict(before, version=4, status="recognized", updated_at="2026-05-31T23:59:00.000+07:00")
    assert core.daily(before, after)[("tld", PHASE)] == {"r@260531": 1}
    declined = dict(before, version=4, status="not_recognized", updated_at="2026-05-31T23:59:00.000+07:00")
    assert core.daily(before, declined) == {}
    # the moves the stream writes carry them, the recount (what an initiative is now) does not
    assert core.moves(before, after)[("tld", PHASE)]["r@260531"] == 1
    assert not any(core.is_daily(name) for counts in core.recount([after]).values() for name in counts)


# ------------------------------------------------------------------ through the stream

def test_the_trend_of_a_unit_equals_what_was_entered_and_recognised_each_day(api, stream, now):
    # GIVEN initiatives entered over three days (two on the first, one at 23:30 on the third)
    # and one of them recognised on the fifth
    entered = {}
    first = None
    for moment in (DEFAULT_NOW - timedelta(days=4), DEFAULT_NOW - timedelta(days=4, hours=1),
                   DEFAULT_NOW - timedelta(days=2), (DEFAULT_NOW - timedelta(days=1)).replace(hour=23, minute=30)):
        now(moment)
        sid = enter(api, user="worker-fpt", unit_id="cdcs-fpt-cau-giay")["id"]
        first = first or sid
        entered[moment.date().isoformat()] = entered.get(moment.date().isoformat(), 0) + 1
    now(DEFAULT_NOW)
    for version, (name, user, extra) in enumerate([
            ("validate", "reviewer-fpt", {}), ("start_review", "reviewer-cau-giay", {}),
            ("recognize", "reviewer-cau-giay", {"scores": SCORES, "confirmed_benefit_vnd": 1_000_000})], start=1):
        fire(api, first, name, version, user, **extra)
    records = stream.records()
    # WHEN the stream delivers every change, twice
    deliver(stream, records, COUNT)
    deliver(stream, records, COUNT)
    # THEN each unit of the path reads, day by day, what was entered and recognised that day
    from chalicelib.counters import store

    week = DEFAULT_NOW.date() - timedelta(days=7), DEFAULT_NOW.date()
    expected = {day: {"entered": n, "recognized": 0} for day, n in entered.items()}
    expected.setdefault(DEFAULT_NOW.date().isoformat(), {"entered": 0, "recognized": 0})["recognized"] = 1
    for unit in FPT_PATH:
        assert store.daily_counts(unit, PHASE, *week) == expected, unit
    # AND a range shows only its own days
    only = DEFAULT_NOW.date() - timedelta(days=2)
    assert store.daily_counts("tld", PHASE, only, only) == {only.isoformat(): {"entered": 1, "recognized": 0}}


def test_the_months_of_a_range_are_read_across_a_new_year():
    from chalicelib.counters import store

    assert store.months_between(date(2022, 11, 30), date(2023, 2, 1)) == ["2211", "2212", "2301", "2302"]
    assert store.months_between(date(2022, 4, 13), date(2022, 4, 13)) == ["2204"]


# ------------------------------------------------------------------ the API

def test_the_trend_api_gives_every_day_with_running_totals_and_the_targets_pace(api, stream, now):
    from tests.test_stats import get

    # GIVEN one initiative of Hà Nội entered three days ago, counted
    now(DEFAULT_NOW - timedelta(days=3))
    enter(api, user="worker-fpt", unit_id="cdcs-fpt-cau-giay")
    now(DEFAULT_NOW)
    deliver(stream, handlers=COUNT)
    # WHEN Hà Nội's leader asks for the last week of the phase so far
    first = (DEFAULT_NOW - timedelta(days=6)).date()
    status, body = get(api, f"/stats/units/ldld-ha-noi/trend?phase={PHASE}&from={first}", user="leader-ha-noi",
                       schema="unit-trend")
    # THEN every day is there, zeros included, ending today; the entry counts on its day and in the totals after
    assert status == 200, body
    assert [d["date"] for d in body["days"]] == [(first + timedelta(days=n)).isoformat() for n in range(7)]
    by_day = {d["date"]: d for d in body["days"]}
    entered_on = (DEFAULT_NOW - timedelta(days=3)).date().isoformat()
    assert by_day[entered_on]["entered"] == 1 and by_day[entered_on]["entered_total"] == 1
    assert body["days"][-1]["entered_total"] == 1 and body["days"][0]["entered_total"] == 0
    # AND the pace is Hà Nội's phase target spread evenly from the phase's first counting day
    from chalicelib.reference import catalog

    _, phase = catalog.phase(PHASE)
    target = body["target"]
    assert target == 52_000
    gone = (DEFAULT_NOW.date() - phase.counts_from).days + 1
    span = (phase.ends_on - phase.counts_from).days + 1
    assert body["days"][-1]["pace"] == round(target * gone / span)
    # AND a leader elsewhere may not read it; a day outside the phase is named
    assert get(api, f"/stats/units/ldld-ha-noi/trend?phase={PHASE}", user="leader-thanh-hoa")[0] == 403
    status, body = get(api, f"/stats/units/ldld-ha-noi/trend?phase={PHASE}&from=2020-01-01", user="leader-ha-noi")
    assert status == 422 and [(e["path"], e["code"]) for e in body["errors"]] == [("/from", "outside_phase")]
