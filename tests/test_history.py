"""The 2022–2023 program as it happened (scripts/history_2022.py): the
press's figures come out of the counters, built with the stream's own
arithmetic, through the API and on the national leader's dashboard."""
from datetime import date

import pytest

from scripts import history_2022 as history
from tests.test_stats import get

P1, P2 = "mtsk-gd1", "mtsk-gd2"
CHECKPOINT = date(2022, 4, 12)  # "by 07:00 on 13/04/2022"


@pytest.fixture(scope="module")
def planned():
    data = history.load()
    cohorts = history.plan(data)
    return data, cohorts, history.totals(data, cohorts)


def entered_by(counts: dict, day: date) -> int:
    """Entries up to the end of `day`, from a unit's per-day counts."""
    stamp = day.strftime("%y%m%d")
    return sum(n for name, n in counts.items() if name.startswith("e@") and name[2:] <= stamp)


# ------------------------------------------------------------------ the plan (pure)

def test_the_program_adds_up_to_the_press_figures(planned):
    data, _, counted = planned
    national = [counted[("tld", phase)] for phase in (P1, P2)]
    assert sum(c["entered"] for c in national) > 2_000_000
    assert sum(c["benefit_estimated"] for c in national) > 33_000 * 10 ** 9  # over 33.000 tỷ đồng
    # every top-level unit registered a target, and together over one million
    tops = {u["id"] for u in data["units"] if u.get("parent_id") == "tld"}
    assert len(tops) == 83
    assert sum(t["total"] for t in data["targets"] if t["unit_id"] in tops and t["program_id"] ==
               "mot-trieu-sang-kien") > 1_000_000


def test_on_the_morning_of_13_april_2022_ha_noi_was_second_to_thanh_hoa_with_15175(planned):
    data, _, counted = planned
    tops = [u["id"] for u in data["units"] if u.get("parent_id") == "tld"]
    by_then = {top: entered_by(counted[(top, P1)], CHECKPOINT) for top in tops}
    ranked = sorted(by_then, key=by_then.get, reverse=True)
    assert ranked[:2] == ["ldld-thanh-hoa", "ldld-ha-noi"] and by_then["ldld-ha-noi"] == 15_175
    assert entered_by(counted[("tld", P1)], CHECKPOINT) > 133_000
    # and Hà Nội climbed: it was not second a month before
    month_before = {top: entered_by(counted[(top, P1)], date(2022, 3, 12)) for top in tops}
    assert sorted(month_before, key=month_before.get, reverse=True).index("ldld-ha-noi") > 1


def test_the_public_servants_union_of_thanh_hoa_ends_phase_1_with_562_valid_and_278_under_review(planned):
    data, cohorts, counted = planned
    union = counted[("cd-vien-chuc-thanh-hoa", P1)]
    assert union["entered"] == 840
    assert {name: n for name, n in union.items() if name.startswith("state:")} == {
        "state:valid": 562, "state:under_review": 278}
    # from its 54 grassroots unions, every one of them taking part
    members = {u["id"] for u in data["units"] if u.get("parent_id") == "cd-vien-chuc-thanh-hoa"}
    assert len(members) == 54
    assert {c.unit_id for c in cohorts if c.phase_id == P1 and c.unit_id in members} <= members
    assert sum(counted[(m, P1)]["entered"] for m in members if (m, P1) in counted) == 840


def test_a_units_counters_are_the_sum_of_its_childrens(planned):
    data, _, counted = planned
    children = [u["id"] for u in data["units"] if u.get("parent_id") == "ldld-ha-noi"]
    for name in ("entered", "state:recognized", "benefit_estimated", "authors", "e@220412"):
        assert counted[("ldld-ha-noi", P1)].get(name, 0) == sum(
            counted.get((c, P1), {}).get(name, 0) for c in children), name


# ------------------------------------------------------------------ through the API and the dashboard

def test_the_national_leader_reads_the_program_as_it_happened(api, pages):
    # GIVEN the program counted into the (emulated) counters table: the units read below (all of them
    # take the emulator minutes to store; the local run stores them all, tests/e2e reads them there)
    data = history.load()
    wanted = ({"tld", "ldld-ha-noi", "ldld-thanh-hoa", "cd-vien-chuc-thanh-hoa"}
              | {u["id"] for u in data["units"] if u.get("parent_id") in ("tld", "cd-vien-chuc-thanh-hoa")})
    # (and a national dashboard opened before the counting ended: the ended phases' leaders kept, all zero)
    from chalicelib.counters import stats

    stats.refresh_honours()
    written = history.seed(units=wanted)
    assert written["written"] and written["entered"] == {P1: 412_650, P2: 1_641_830}
    # THEN the clusters' leaders are those of the program counted, not the snapshot taken before
    _, honours = get(api, f"/stats/honours?phase={P2}", schema="honours")
    q3 = next(q for q in honours["quarters"] if q["quarter"] == "Q3/2022")
    assert sum(m["entered"] for c in q3["clusters"] for m in c["members"]) > 0
    # a second run writes nothing
    assert history.seed() == {"written": False}
    # THEN the API gives the press's figures
    _, p1 = get(api, f"/stats/units/tld?phase={P1}", schema="unit-stats")
    _, p2 = get(api, f"/stats/units/tld?phase={P2}", schema="unit-stats")
    assert p1["unit"]["entered"] + p2["unit"]["entered"] > 2_000_000
    assert p1["unit"]["benefit_estimated_vnd"] + p2["unit"]["benefit_estimated_vnd"] > 33_000 * 10 ** 9
    assert len(p1["children"]) == 83
    _, union = get(api, f"/stats/units/cd-vien-chuc-thanh-hoa?phase={P1}", schema="unit-stats")
    assert union["unit"]["entered"] == 840
    assert (union["unit"]["by_state"]["valid"], union["unit"]["by_state"]["under_review"]) == (562, 278)
    assert len(union["children"]) == 54
    _, trend = get(api, f"/stats/units/ldld-ha-noi/trend?phase={P1}&to=2022-04-12", schema="unit-trend")
    assert trend["days"][-1]["entered_total"] == 15_175
    _, country = get(api, f"/stats/units/tld/trend?phase={P1}&from=2022-04-12&to=2022-04-12")
    assert country["days"][0]["entered_total"] > 133_000
    # AND the national dashboard of phase 1 shows them
    from tests.test_web_dashboard import section

    response = pages.get(f"/app/dashboard?phase={P1}", user="leader-national")
    assert section(response, "entered").startswith("412.650")
    in_all = section(response, "in-all")
    assert "Cả chương trình (2 giai đoạn): 2.054.480 sáng kiến" in in_all and "tỷ đồng" in in_all
    assert int(in_all.split("ước tính ")[1].split(",")[0].split(" ")[0].replace(".", "")) >= 33_000
    # the trend reaches 15.175 for Hà Nội on 12/04/2022 (its own dashboard, phase 1)
    hanoi = pages.get(f"/app/dashboard?phase={P1}", user="leader-ha-noi")
    assert "Sáng kiến đã nhập (cộng dồn):" in section(hanoi, "trend")
