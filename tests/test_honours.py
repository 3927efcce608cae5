"""Emulation clusters (cụm, khối thi đua): each quarter, the member with the
most initiatives that also reached its own quarterly target leads its
cluster (counters.core.cluster_leaders, GET /stats/honours)."""
from datetime import date

from chalicelib.counters import core
from tests.test_stats import get

CLUSTER = {"id": "cum-5", "name": {"vi": "Cụm 5", "en": "Cluster 5"},
           "members": ["ldld-thanh-hoa", "ldld-nghe-an", "ldld-ha-tinh", "ldld-quang-binh"]}
NAMES = {"ldld-thanh-hoa": "Thanh Hóa", "ldld-nghe-an": "Nghệ An", "ldld-ha-tinh": "Hà Tĩnh",
         "ldld-quang-binh": "Quảng Bình"}


def test_the_leader_has_the_most_initiatives_of_the_members_that_reached_their_own_target():
    # Thanh Hóa entered the most but missed its target; Nghệ An and Hà Tĩnh both reached theirs
    entered = {"ldld-thanh-hoa": 900, "ldld-nghe-an": 700, "ldld-ha-tinh": 650, "ldld-quang-binh": 800}
    targets = {"ldld-thanh-hoa": 1000, "ldld-nghe-an": 600, "ldld-ha-tinh": 300, "ldld-quang-binh": None}
    [found] = core.cluster_leaders([CLUSTER], entered, targets, NAMES)
    assert found["leader"] == "ldld-nghe-an"  # 700 ≥ 600; Hà Tĩnh's 217 % does not beat more initiatives
    assert [m["unit_id"] for m in found["members"]] == ["ldld-nghe-an", "ldld-ha-tinh", "ldld-thanh-hoa",
                                                        "ldld-quang-binh"]
    assert [m["reached"] for m in found["members"]] == [True, True, False, False]  # no target: cannot reach it
    # a tie in initiatives goes to the higher share of its target
    [tied] = core.cluster_leaders([CLUSTER], dict(entered, **{"ldld-ha-tinh": 700}), targets, NAMES)
    assert tied["leader"] == "ldld-ha-tinh"
    # nobody reached a target: no leader that quarter
    [none] = core.cluster_leaders([CLUSTER], {"ldld-thanh-hoa": 10}, targets, NAMES)
    assert none["leader"] is None


def test_quarters_are_calendar_quarters_cut_to_the_phase_and_targets_are_spread_evenly():
    first, last = date(2022, 6, 1), date(2023, 9, 30)  # phase 2 of "1 triệu sáng kiến"
    found = core.quarters(first, last)
    assert [q[0] for q in found] == ["Q2/2022", "Q3/2022", "Q4/2022", "Q1/2023", "Q2/2023", "Q3/2023"]
    assert found[0][1:] == (date(2022, 6, 1), date(2022, 6, 30)) and found[-1][2] == date(2023, 9, 30)
    # 700 days... the phase has 487 days; June 2022 is 30 of them
    assert core.quarter_target(48_700, first, last, date(2022, 6, 1), date(2022, 6, 30)) == 3_000
    assert core.quarter_target(None, first, last, first, last) is None


def test_the_api_names_each_quarters_leaders_from_the_counters(api, now):
    from datetime import datetime

    from chalicelib import clock
    from chalicelib.counters import store

    # GIVEN phase 2's per-day counts of the four members in two months (Q3/2022 and Q4/2022)
    store.put_counts(("TEST", "honours"), {
        ("ldld-nghe-an", "mtsk-gd2"): {"entered": 20_000, "e@220801": 20_000},
        ("ldld-ha-tinh", "mtsk-gd2"): {"entered": 9_000, "e@220915": 4_000, "e@221001": 5_000},
        ("ldld-thanh-hoa", "mtsk-gd2"): {"entered": 15_000, "e@220701": 5_000, "e@221120": 10_000},
    })
    now(datetime(2022, 12, 15, 9, 0, tzinfo=clock.VIETNAM))
    # WHEN a reviewer asks (mid Q4/2022)
    status, body = get(api, "/stats/honours?phase=mtsk-gd2", user="reviewer-ha-noi", schema="honours")
    assert status == 200, body
    assert [q["quarter"] for q in body["quarters"]] == ["Q4/2022", "Q3/2022", "Q2/2022"]
    assert [q["complete"] for q in body["quarters"]] == [False, True, True]
    q3 = {c["cluster"]["id"]: c for c in body["quarters"][1]["clusters"]}["cum-5"]
    entered = {m["unit_id"]: m["entered"] for m in q3["members"]}
    assert entered == {"ldld-nghe-an": 20_000, "ldld-ha-tinh": 4_000, "ldld-thanh-hoa": 5_000,
                       "ldld-quang-binh": 0, "ldld-quang-tri": 0, "ldld-thua-thien-hue": 0}
    # Nghệ An reached its Q3 target (its phase target spread over 92 of the phase's 487 days) and entered most
    assert q3["leader"] == "ldld-nghe-an" and q3["members"][0]["reached"]
    q4 = {c["cluster"]["id"]: c for c in body["quarters"][0]["clusters"]}["cum-5"]
    assert {m["unit_id"]: m["entered"] for m in q4["members"]}["ldld-thanh-hoa"] == 10_000
    # AND a worker may not read it
    assert get(api, "/stats/honours?phase=mtsk-gd2", user="worker-fpt")[0] == 403


def test_the_leaders_are_read_from_a_snapshot_that_the_schedule_keeps_young_and_an_ended_phase_keeps(api, now):
    from datetime import datetime, timedelta

    from chalicelib import clock, schedules
    from chalicelib.counters import store

    def nghe_an(body, quarter=0):
        cluster = {c["cluster"]["id"]: c for c in body["quarters"][quarter]["clusters"]}["cum-5"]
        return {m["unit_id"]: m["entered"] for m in cluster["members"]}["ldld-nghe-an"]

    # GIVEN Nghệ An's 100 initiatives of October 2022, and a national leader who has looked once
    store.put_counts(("TEST", "snap-1"), {("ldld-nghe-an", "mtsk-gd2"): {"entered": 100, "e@221003": 100}})
    start = datetime(2022, 12, 15, 9, 0, tzinfo=clock.VIETNAM)
    now(start)
    assert nghe_an(get(api, "/stats/honours?phase=mtsk-gd2", user="leader-national")[1]) == 100
    # WHEN 50 more are counted, a reader within minutes still gets the snapshot (one item read)
    store.count_once(("TEST", "snap-2"), {("ldld-nghe-an", "mtsk-gd2"): {"entered": 50, "e@221004": 50}})
    now(start + timedelta(minutes=3))
    assert nghe_an(get(api, "/stats/honours?phase=mtsk-gd2", user="leader-national")[1]) == 100
    assert "mtsk-gd2" not in schedules.JOBS["snapshot_honours"]()["rebuilt"]  # 3 minutes old: young enough
    # THEN the schedule, once the snapshot is 4 minutes old, rebuilds it and readers see 150
    now(start + timedelta(minutes=5))
    assert "mtsk-gd2" in schedules.JOBS["snapshot_honours"]()["rebuilt"]
    assert nghe_an(get(api, "/stats/honours?phase=mtsk-gd2", user="leader-national")[1]) == 150
    # AND once the phase has ended (30 Sep 2023), the snapshot built after it is final: never rebuilt
    now(datetime(2023, 10, 5, 9, 0, tzinfo=clock.VIETNAM))
    assert "mtsk-gd2" in schedules.JOBS["snapshot_honours"]()["rebuilt"]  # another day's as_of
    store.count_once(("TEST", "snap-3"), {("ldld-nghe-an", "mtsk-gd2"): {"entered": 7, "e@221005": 7}})
    now(datetime(2023, 11, 5, 9, 0, tzinfo=clock.VIETNAM))
    assert "mtsk-gd2" not in schedules.JOBS["snapshot_honours"]()["rebuilt"]
    body = get(api, "/stats/honours?phase=mtsk-gd2", user="leader-national")[1]
    assert body["as_of"] == "2023-09-30" and nghe_an(body, quarter=-3) == 150  # Q4/2022, the third from the end
