"""Progress and rankings (GET /stats/units/{unit_id}, GET /stats/rankings) on
the demo tree, with every expected figure worked out by hand, who may read
them, and what they cost."""
import json
import math
from datetime import datetime

import pytest

from chalicelib import validation
from chalicelib.clock import VIETNAM
from tests.conftest import initiative
from tests import helpers
from tests.helpers import deliver, enter, fire

PHASE = "sk2627-gd1"
RECOGNIZE = {"scores": {"novelty": 8, "applicability": 9, "effectiveness": 7}}
COUNT = ("count_changes",)  # the figures are the counters'


def get(api, path, user="leader-national", schema=None):
    status, body = api.json("GET", path, user=user)
    if status == 200 and schema:
        errors = [e.message for e in validation.validator(schema).iter_errors(body)]
        assert errors == [], errors
    return status, body


@pytest.fixture
def entered(api, stream):
    """Eight initiatives of phase sk2627-gd1, counted:

    Hà Nội (via FPT's union, under ldld-cau-giay), 2 initiatives, 2 people:
      F1 Phạm Minh Đức (worker-fpt); enterprise-workers; 100,000,000 estimated;
         recognised with 90,000,000 confirmed
      F2 Phạm Minh Đức (worker-fpt) and Vũ Thị Lan; works-and-technical; 20,000,000; pending
    An Giang (Sở Tài chính's union, administrative block), 2 initiatives, 1 person:
      A1, A2 Trần Văn Hậu (no member id); public-service; no estimate; pending
    Công Thương (Rạng Đông's union, directly under it), 3 initiatives, 2 people:
      R1 worker-rang-dong and Trần Thị Bình; enterprise-workers; 1,500,000,000; pending
      R2 worker-rang-dong; works-and-technical; no estimate; returned for revision
      R3 "TRẦN THỊ BÌNH" (the same person, typed in capitals); 10,000,000; pending
    Thanh Hóa (Sở Y tế's union, administrative block), 1 initiative, 3 people:
      S1 worker-so-y-te, Hoàng Văn Nam, Đỗ Thị Hoa; public-service; 5,000,000; valid
    """
    fpt = "cdcs-fpt-cau-giay"
    duc = {"full_name": "Phạm Minh Đức", "member_id": "worker-fpt"}
    f1 = enter(api, "worker-fpt", unit_id=fpt, benefit_vnd=100_000_000,
               authors=[{**duc, "share_percent": 100}])["id"]
    fire(api, f1, "validate", 1, "reviewer-fpt")
    fire(api, f1, "start_review", 2, "reviewer-cau-giay")
    fire(api, f1, "recognize", 3, "reviewer-cau-giay", **RECOGNIZE, confirmed_benefit_vnd=90_000_000)
    enter(api, "worker-fpt", unit_id=fpt, subject_group="works-and-technical", benefit_vnd=20_000_000,
          authors=[{**duc, "share_percent": 50}, {"full_name": "Vũ Thị Lan", "share_percent": 50}])
    for _ in range(2):
        enter(api, "worker-so-y-te", unit_id="cdcs-so-tai-chinh-an-giang", subject_group="public-service",
              benefit_vnd=None, authors=[{"full_name": "Trần Văn Hậu", "share_percent": 100}])
    enter(api, "worker-rang-dong")
    r2 = enter(api, "worker-rang-dong", subject_group="works-and-technical", benefit_vnd=None,
               authors=[{"full_name": "Nguyễn Văn An", "member_id": "worker-rang-dong", "share_percent": 100}])["id"]
    fire(api, r2, "request_revision", 1, "reviewer-rang-dong", reason="Cần bổ sung số liệu trước và sau.")
    enter(api, "worker-rang-dong", benefit_vnd=10_000_000,
          authors=[{"full_name": "TRẦN THỊ BÌNH", "share_percent": 100}])
    s1 = enter(api, "worker-so-y-te", unit_id="cdcs-so-y-te-thanh-hoa", subject_group="public-service",
               benefit_vnd=5_000_000,
               authors=[{"full_name": "Lê Thị Thu Hà", "member_id": "worker-so-y-te", "share_percent": 40},
                        {"full_name": "Hoàng Văn Nam", "share_percent": 30},
                        {"full_name": "Đỗ Thị Hoa", "share_percent": 30}])["id"]
    fire(api, s1, "validate", 1, "reviewer-so-y-te")
    deliver(stream, handlers=COUNT)
    return api


def zeros(names) -> dict:
    return {name: 0 for name in names}


STATES = ["pending", "valid", "invalid", "needs_revision", "under_review", "recognized", "not_recognized",
          "withdrawn"]
GROUPS = ["public-service", "works-and-technical", "new-countryside", "officials", "enterprise-workers"]
FIELDS = ["production-business", "productivity", "socio-economic", "union-work", "digital-transformation",
          "occupational-safety", "administrative-reform", "energy-environment"]


# ------------------------------------------------------------------ a unit's progress

def test_a_unit_sees_its_counts_target_and_progress_and_those_of_each_child(entered):
    # WHEN Hà Nội's leader looks at the Cầu Giấy district federation
    status, body = get(entered, f"/stats/units/ldld-cau-giay?phase={PHASE}", user="leader-ha-noi",
                       schema="unit-stats")
    # THEN they see its figures: F1 and F2
    assert status == 200
    assert body["phase"] == {"id": PHASE, "program_id": "sang-kien-2026-2027",
                             "name": {"vi": "Giai đoạn 1", "en": "Phase 1"}}
    # (how long they wait: F2 waits for FPT's check since November; F1 was decided at both levels on the day)
    clock = body["unit"].pop("clock")
    assert (clock["waiting"], clock["waiting_by_level"], clock["overdue"], clock["oldest_waiting_month"]) == (
        1, {"grassroots": 1, "upper_grassroots": 0}, 0, "2026-11")
    assert {level: (d["decided"], d["median_bucket"]) for level, d in clock["decisions"].items()} == {
        "grassroots": (1, {"from": 0, "to": 1}), "upper_grassroots": (1, {"from": 0, "to": 1})}
    assert body["unit"] == {
        "unit": {"id": "ldld-cau-giay", "name": "Liên đoàn Lao động quận Cầu Giấy", "kind": "upper_grassroots",
                 "block": None},
        "entered": 2,
        "by_state": {**zeros(STATES), "pending": 1, "recognized": 1},
        "by_subject_group": {**zeros(GROUPS), "enterprise-workers": 1, "works-and-technical": 1},
        "by_field": {**zeros(FIELDS), "productivity": 2},
        "by_block": {"enterprise": 2, "administrative": 0},
        "benefit_estimated_vnd": 120_000_000,
        "benefit_confirmed_vnd": 90_000_000,
        "authors": 2,
        "target": {"total": 2400, "by_block": {"enterprise": 1700, "administrative": 700}},
        # 2 / 2400 = 0.083 %; enterprise 2 / 1700 = 0.118 %
        "reached": {"percent": 0.1, "by_block": {"enterprise": {"entered": 2, "target": 1700, "percent": 0.1},
                                                 "administrative": {"entered": 0, "target": 700, "percent": 0.0}}},
    }
    # AND each of its five grassroots unions, by name (Vietnamese order), zeros included
    children = body["children"]
    assert [c["unit"]["id"] for c in children] == ["cdcs-ubnd-dich-vong-hau", "cdcs-misa-cau-giay",
                                                   "cdcs-fpt-cau-giay", "cdcs-thcs-nghia-tan",
                                                   "cdcs-thpt-cau-giay"]
    fpt = children[2]
    assert (fpt["entered"], fpt["authors"], fpt["target"], fpt["reached"]["percent"]) == (
        2, 2, {"total": 600, "by_block": {"enterprise": 600}}, 0.3)
    misa = children[1]
    assert (misa["entered"], misa["target"], misa["reached"]["percent"]) == (0, None, None)
    # A registered target of zero: nothing to measure against.
    assert children[4]["target"] == {"total": 0, "by_block": {"administrative": 0}}
    assert children[4]["reached"]["percent"] is None


def test_the_national_unit_sees_the_whole_country_and_people_counted_once(entered):
    status, body = get(entered, f"/stats/units/tld?phase={PHASE}", user="admin", schema="unit-stats")
    assert status == 200
    national = body["unit"]
    assert national["entered"] == 8
    assert national["by_state"] == {**zeros(STATES), "pending": 5, "valid": 1, "needs_revision": 1,
                                    "recognized": 1}
    assert national["by_subject_group"] == {**zeros(GROUPS), "enterprise-workers": 3, "works-and-technical": 2,
                                            "public-service": 3}
    assert national["by_block"] == {"enterprise": 5, "administrative": 3}
    assert national["benefit_estimated_vnd"] == 100_000_000 + 20_000_000 + 1_500_000_000 + 10_000_000 + 5_000_000
    assert national["benefit_confirmed_vnd"] == 90_000_000
    # Đức, Lan; Hậu; worker-rang-dong, Bình (typed twice); Hà, Nam, Hoa.
    assert national["authors"] == 8
    assert national["target"] is None and national["reached"]["percent"] is None
    assert len(body["children"]) == 83
    hanoi = next(c for c in body["children"] if c["unit"]["id"] == "ldld-ha-noi")
    assert (hanoi["entered"], hanoi["authors"], hanoi["reached"]["percent"]) == (2, 2, 0.0)


# ------------------------------------------------------------------ rankings

def test_top_level_units_are_ranked_three_ways_and_tied_units_share_a_rank(entered):
    status, body = get(entered, f"/stats/rankings?phase={PHASE}&level=top", user="reviewer-fpt",
                       schema="rankings")
    assert status == 200
    assert body["level"] == "top" and body["within"] is None

    def head(ranking, n=5):
        return [(row["rank"], row["unit"]["id"], row["entered"], row["percent_of_target"], row["authors"])
                for row in body[ranking][:n]]
    # By initiatives: Hà Nội and An Giang both have 2: both are second (standard competition
    # ranking, "1, 2, 2, 4"), listed by name: "Liên đoàn Lao động Thành phố Hà Nội" before
    # "Liên đoàn Lao động tỉnh An Giang" (though not by id). Thanh Hóa is fourth, not third.
    # Then the units with none, all fifth, by name: "Công đoàn Bưu điện Việt Nam" first.
    assert head("by_initiatives") == [(1, "cd-cong-thuong", 3, 0.0, 2), (2, "ldld-ha-noi", 2, 0.0, 2),
                                      (2, "ldld-an-giang", 2, 0.1, 1), (4, "ldld-thanh-hoa", 1, 0.0, 3),
                                      (5, "cd-buu-dien", 0, 0.0, 0)]
    # By share of target: An Giang 2/3,600 = 0.056 %, Công Thương 3/8,000 = 0.038 %,
    # Hà Nội 2/52,000 = 0.004 %, Thanh Hóa 1/32,000 = 0.003 % (ranked by the exact share,
    # so the rounded 0.0 % do not tie).
    assert head("by_percent_of_target") == [(1, "ldld-an-giang", 2, 0.1, 1), (2, "cd-cong-thuong", 3, 0.0, 2),
                                            (3, "ldld-ha-noi", 2, 0.0, 2), (4, "ldld-thanh-hoa", 1, 0.0, 3),
                                            (5, "cd-buu-dien", 0, 0.0, 0)]
    # By people: Thanh Hóa 3; Công Thương and Hà Nội 2 each (both second, by name); An Giang 1 (fourth).
    assert head("by_authors") == [(1, "ldld-thanh-hoa", 1, 0.0, 3), (2, "cd-cong-thuong", 3, 0.0, 2),
                                  (2, "ldld-ha-noi", 2, 0.0, 2), (4, "ldld-an-giang", 2, 0.1, 1),
                                  (5, "cd-buu-dien", 0, 0.0, 0)]
    # Every top-level unit is in every ranking, once; the 79 with nothing share fifth place.
    for ranking in ("by_initiatives", "by_percent_of_target", "by_authors"):
        assert len(body[ranking]) == 83 == len({row["unit"]["id"] for row in body[ranking]})
        assert [row["rank"] for row in body[ranking]][4:] == [5] * 79


def test_lower_levels_are_ranked_within_a_unit_by_their_kind_not_their_depth(entered):
    # Rạng Đông's union hangs directly under Công Thương, the others two levels down.
    status, body = get(entered, f"/stats/rankings?phase={PHASE}&level=grassroots&within=cd-cong-thuong",
                       user="reviewer-cong-thuong", schema="rankings")
    assert status == 200
    assert body["within"] == {"id": "cd-cong-thuong", "name": "Công đoàn Công Thương Việt Nam",
                              "kind": "central_sector_union", "block": None}
    rows = body["by_initiatives"]
    assert len(rows) == 10 and all(row["unit"]["kind"] == "grassroots" for row in rows)
    assert (rows[0]["unit"]["id"], rows[0]["entered"], rows[0]["target"], rows[0]["percent_of_target"]) == (
        "cdcs-rang-dong", 3, 500, 0.6)
    assert body["by_authors"][0]["unit"]["id"] == "cdcs-rang-dong" and body["by_authors"][0]["authors"] == 2
    # Upper-grassroots unions of Hà Nội: Cầu Giấy has F1 and F2, the other three none (by name).
    status, body = get(entered, f"/stats/rankings?phase={PHASE}&level=upper_grassroots&within=ldld-ha-noi",
                       user="leader-ha-noi", schema="rankings")
    assert status == 200
    assert [(r["unit"]["id"], r["entered"]) for r in body["by_initiatives"]] == [
        ("ldld-cau-giay", 2), ("cd-kcn-ha-noi", 0), ("ldld-dong-anh", 0), ("ldld-hoan-kiem", 0)]


def test_a_unit_above_its_target_shows_more_than_100_percent(api, stream, now):
    # GIVEN phase 2, where Sở Y tế Thanh Hóa's union registered 50 (all administrative),
    # and 51 initiatives entered there
    now(datetime(2027, 2, 1, 9, 0, tzinfo=VIETNAM))
    from chalicelib.submissions import service
    from tests.test_counters import principal

    worker = principal("worker-so-y-te")
    body = initiative(unit_id="cdcs-so-y-te-thanh-hoa", subject_group="public-service",
                      authors=[{"full_name": "Lê Thị Thu Hà", "member_id": "worker-so-y-te", "share_percent": 100}])
    for _ in range(51):
        assert service.create(body, worker, None)[0] == 201
    deliver(stream, handlers=COUNT)
    # WHEN its upper union's reviewer looks at the figures
    status, stats = get(api, "/stats/units/cd-vien-chuc-thanh-hoa?phase=sk2627-gd2",
                        user="reviewer-vien-chuc-thanh-hoa", schema="unit-stats")
    # THEN Sở Y tế is at 102 %, overall and in its block; the upper union at 51 / 3,000
    assert status == 200
    assert stats["unit"]["reached"]["percent"] == 1.7
    so_y_te = next(c for c in stats["children"] if c["unit"]["id"] == "cdcs-so-y-te-thanh-hoa")
    assert so_y_te["reached"] == {"percent": 102.0, "by_block": {
        "enterprise": {"entered": 0, "target": None, "percent": None},
        "administrative": {"entered": 51, "target": 50, "percent": 102.0}}}
    assert so_y_te["authors"] == 1
    status, ranking = get(api, "/stats/rankings?phase=sk2627-gd2&level=grassroots&within=ldld-thanh-hoa",
                          user="leader-thanh-hoa", schema="rankings")
    assert status == 200
    top = ranking["by_percent_of_target"][0]
    assert (top["unit"]["id"], top["percent_of_target"], top["rank"]) == ("cdcs-so-y-te-thanh-hoa", 102.0, 1)


# ------------------------------------------------------------------ who may read, and bad requests

@pytest.mark.parametrize("user, unit, status", [
    ("leader-national", "cdcs-rang-dong", 200),    # national leaders see every unit
    ("admin", "ldld-thanh-hoa", 200),
    ("leader-ha-noi", "ldld-ha-noi", 200),
    ("leader-ha-noi", "cdcs-fpt-cau-giay", 200),   # a unit under theirs
    ("reviewer-cau-giay", "cdcs-fpt-cau-giay", 200),
    ("leader-ha-noi", "cd-cong-thuong", 403),      # a unit elsewhere
    ("leader-ha-noi", "tld", 403),                 # a unit above theirs
    ("reviewer-fpt", "ldld-cau-giay", 403),
    ("worker-fpt", "cdcs-fpt-cau-giay", 403),      # members do not read unit figures
])
def test_leaders_reviewers_and_admins_read_the_units_their_unit_contains(api, user, unit, status):
    answer, body = get(api, f"/stats/units/{unit}?phase={PHASE}", user=user)
    assert answer == status, body
    if status == 403:
        assert body["errors"][0]["code"] == "forbidden"


def test_rankings_are_for_readers_and_within_their_own_unit(api):
    assert get(api, f"/stats/rankings?phase={PHASE}&level=top", user="worker-fpt")[0] == 403
    assert get(api, f"/stats/rankings?phase={PHASE}&level=top", user="leader-thanh-hoa")[0] == 200
    assert get(api, f"/stats/rankings?phase={PHASE}&level=grassroots&within=ldld-ha-noi",
               user="leader-thanh-hoa")[0] == 403
    assert get(api, f"/stats/rankings?phase={PHASE}&level=top&within=ldld-ha-noi", user="leader-ha-noi")[0] == 200


@pytest.mark.parametrize("path, status, problem", [
    ("/stats/units/ldld-ha-noi", 400, ("/phase", "required")),
    ("/stats/units/ldld-ha-noi?phase=gd-khong-co", 422, ("/phase", "unknown_phase")),
    ("/stats/units/ldld-ha-noi?phase=sk2627-gd1&sort=name", 400, ("/sort", "unknown_property")),
    ("/stats/units/khong-co-don-vi-nay?phase=sk2627-gd1", 404, ("", "not_found")),
    ("/stats/rankings?phase=sk2627-gd1", 400, ("/level", "required")),
    ("/stats/rankings?phase=sk2627-gd1&level=province", 400, ("/level", "not_allowed")),
    ("/stats/rankings?phase=mtsk-gd9&level=top", 422, ("/phase", "unknown_phase")),
    ("/stats/rankings?phase=sk2627-gd1&level=grassroots", 422, ("/within", "required")),
    ("/stats/rankings?phase=sk2627-gd1&level=grassroots&within=tld", 422, ("/within", "within_too_wide")),
    ("/stats/rankings?phase=sk2627-gd1&level=top&within=khong-co-don-vi-nay", 422, ("/within", "unknown_unit")),
])
def test_bad_requests_name_the_parameter(api, path, status, problem):
    answer, body = get(api, path)
    assert answer == status, body
    assert (body["errors"][0]["path"], body["errors"][0]["code"]) == problem


# ------------------------------------------------------------------ cost

class DynamoCalls:
    """Records every DynamoDB call while active: operation, table, index, keys
    asked, items answered, and the read units by the AWS rules."""

    def __enter__(self):
        from botocore.client import BaseClient

        self.calls, self.original = [], BaseClient._make_api_call
        calls, original = self.calls, self.original

        def hooked(client, operation, params):
            answer = original(client, operation, params)
            if client.meta.service_model.service_name == "dynamodb":
                calls.append(_call_cost(operation, params, answer))
            return answer
        BaseClient._make_api_call = hooked
        return self

    def __exit__(self, *exc):
        from botocore.client import BaseClient
        BaseClient._make_api_call = self.original


def _size(value) -> int:
    """DynamoDB's item size rules (attribute names + values)."""
    (kind, data), = value.items()
    if kind == "S":
        return len(data.encode())
    if kind == "N":
        return 1 + math.ceil(max(len(data.lstrip("-").replace(".", "").strip("0")), 1) / 2)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + _size(v) for v in data)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + _size(v) for k, v in data.items())
    return len(json.dumps(data))


def _item_size(item: dict) -> int:
    return sum(len(name.encode()) + _size(value) for name, value in item.items())


def _call_cost(operation, params, answer) -> tuple:
    if operation == "BatchGetItem":
        keys = sum(len(request["Keys"]) for request in params["RequestItems"].values())
        items = [i for found in answer["Responses"].values() for i in found]
        # Each key is priced as a GetItem (eventually consistent: half a unit per 4 KB, at least one).
        units = 0.5 * (keys - len(items)) + sum(0.5 * max(1, math.ceil(_item_size(i) / 4096)) for i in items)
        return operation, tuple(sorted(params["RequestItems"])), None, keys, units
    if operation == "Query":
        items = answer["Items"]
        units = 0.5 * max(1, math.ceil(sum(_item_size(i) for i in items) / 4096))
        return operation, params["TableName"], params.get("IndexName"), len(items), units
    if operation == "GetItem":
        return operation, params["TableName"], None, 1, 0.5
    return operation, params.get("TableName"), None, None, None


def count_synthetic(first: int, last: int):
    """Count initiatives first..last-1 straight through the stream consumer's
    function, spread over three grassroots unions of three top-level units.
    (Few authors: each new one is a transaction more, and moto copies every
    table for each transaction, which is slow.)"""
    from chalicelib.counters import store

    paths = [["tld", "ldld-ha-noi", "ldld-cau-giay", "cdcs-fpt-cau-giay"],
             ["tld", "cd-cong-thuong", "cdcs-rang-dong"],
             ["tld", "ldld-thanh-hoa", "cd-vien-chuc-thanh-hoa", "cdcs-so-y-te-thanh-hoa"]]
    for n in range(first, last):
        path = paths[n % 3]
        store.apply_change(None, {
            "id": f"synthetic-{n}", "version": 1, "status": ["pending", "valid", "recognized"][n % 3],
            "phase_id": PHASE, "unit_id": path[-1], "unit_path": path, "block": "enterprise",
            "subject_group": GROUPS[n % 5], "benefit_vnd": 1_000_000 * n, "confirmed_benefit_vnd": 500_000 * n,
            "authors": [{"full_name": f"Tác giả {n % 5}", "share_percent": 100}]})


def fill_shards():
    """Every shard of the counters count_synthetic moves, written once (with nothing to add)."""
    from chalicelib.counters import store

    scopes = {(unit, PHASE) for unit in ("tld", "ldld-ha-noi", "cd-cong-thuong", "ldld-thanh-hoa")}
    for shard in range(max(store.SHARDS.values())):
        store.count_once((f"SHARD#{shard}", PHASE), {scope: {"entered": 0} for scope in scopes}, shard=shard)


def test_what_the_stats_calls_cost_depends_on_units_never_on_initiatives(api):
    from chalicelib.reference import catalog

    requests = [("leader-national", f"/stats/units/ldld-ha-noi?phase={PHASE}"),
                ("leader-national", f"/stats/rankings?phase={PHASE}&level=top"),
                ("leader-thanh-hoa", f"/stats/rankings?phase={PHASE}&level=grassroots&within=ldld-thanh-hoa")]

    def measure():
        costs = []
        for user, path in requests:
            catalog.clear_cache()  # cold: the unit and programs reads are counted too
            with DynamoCalls() as meter:
                assert get(api, path, user=user)[0] == 200
            costs.append(meter.calls)
        return costs
    # GIVEN 10 initiatives counted, and every shard of the busiest counters written (as any campaign
    # leaves them: a unit's counters are read from all its shards whether they hold anything or not)
    count_synthetic(0, 10)
    fill_shards()
    few = measure()
    # WHEN ten times as many are
    count_synthetic(10, 100)
    many = measure()
    # THEN each call reads the same items with the same calls and the same request units
    assert many == few
    # AND they are these, whatever the number of initiatives (cold: the programs and the
    # caller's or asked unit are read once, then cached per container)
    def calls(costs):
        return [" ".join(part for part in (c[0], c[2]) if part) for c in costs]
    unit, top, grassroots = few
    assert calls(unit) == ["Query", "GetItem", "Query gsi1", "BatchGetItem"]
    # ldld-ha-noi (a top-level unit: its counters in 4 shards) and its 4 children: counters and a target each
    assert unit[3][3] == 4 + 4 + 5
    assert calls(top) == ["Query", "GetItem", "Query gsi1", "Query by_level", "BatchGetItem"]
    assert top[4][3] == 83  # the 83 top-level units' targets
    # Thanh Hóa's 3 upper unions are walked for their 59 grassroots unions.
    assert calls(grassroots) == ["Query", "GetItem"] + ["Query gsi1"] * 4 + ["BatchGetItem"] * 2
    assert grassroots[-2][3] + grassroots[-1][3] == 2 * 59


# ------------------------------------------------------------------ rankings within a province, in pages

TARGETED = ["cdcs-so-y-te-thanh-hoa", "cdcs-dh-hong-duc-thanh-hoa"]  # demo targets: 100 each in sk2627-gd1


def test_a_province_ranking_comes_in_pages_with_ranks_of_the_whole_ranking(api):
    from chalicelib.counters import core, stats
    from chalicelib.levels import Level
    from chalicelib.reference import catalog

    # GIVEN the grassroots unions of Thanh Hóa counted, with ties, one of them across a page boundary
    phase = "sk2627-gd1"
    units = [u.id for u in stats._units_at(catalog.unit("ldld-thanh-hoa"), Level.GRASSROOTS)]
    assert len(units) >= 7
    # eleven of them counted (two with a target), the others with nothing counted (not listed)
    counted = [u for u in units if u not in TARGETED][:9] + TARGETED
    values = [9, 7, 7, 7, 5, 3, 3, 1, 1, 1, 1]
    counts = {unit_id: (value, (n * 7) % 5) for n, (unit_id, value) in enumerate(zip(counted, values))}
    helpers.seed_ranked_counters(phase, counts)
    # WHEN the leader reads the ranking two units to a page, following each ordering's "next"
    pages, cursors, done, first_cursors = {name: [] for name in stats.RANKINGS}, {}, set(), {}
    while len(done) < len(stats.RANKINGS):
        query = "".join(f"&{stats.RANKINGS[name][0]}={c}" for name, c in cursors.items())
        status, body = get(api, f"/stats/rankings?phase={phase}&level=grassroots&within=ldld-thanh-hoa&limit=2"
                                + query, user="leader-thanh-hoa", schema="rankings")
        assert status == 200, body
        for name in set(stats.RANKINGS) - done:
            assert len(body[name]) <= 2
            pages[name].append(body[name])
            if body["next"][name]:
                cursors[name] = body["next"][name]
                first_cursors.setdefault(name, body["next"][name])
            else:
                done.add(name)
                cursors.pop(name, None)
    # THEN each ordering lists every counted union once, pages of two, ranks as in the whole ranking
    # (tied units share a rank, across pages too)
    for name, value in (("by_initiatives", lambda r: r["entered"]), ("by_authors", lambda r: r["authors"])):
        listed = [row for page in pages[name] for row in page]
        assert all(len(page) == 2 for page in pages[name][:-1])
        assert sorted(row["unit"]["id"] for row in listed) == sorted(counts)
        whole = core.ranking([{"unit": {"id": u, "name": u}, "entered": e, "authors": a}
                              for u, (e, a) in counts.items()], value, lambda r: r["unit"]["name"])
        assert {r["unit"]["id"]: r["rank"] for r in listed} == {r["unit"]["id"]: r["rank"] for r in whole}
        assert [value(r) for r in listed] == sorted((value(r) for r in listed), reverse=True)
    # some tie straddles a page boundary, and keeps one rank on both pages
    ranked = pages["by_initiatives"]
    assert any(a[-1]["entered"] == b[0]["entered"] and a[-1]["rank"] == b[0]["rank"] > 1
               for a, b in zip(ranked, ranked[1:]))
    # by percent of target: the unions with a target, best share first, the percentage shown
    listed = [row for page in pages["by_percent_of_target"] for row in page]
    assert sorted(row["unit"]["id"] for row in listed) == sorted(TARGETED)
    assert [row["percent_of_target"] for row in listed] == [1.0, 1.0] and [r["rank"] for r in listed] == [1, 1]
    shares = [core.share(r["entered"], r["target"]) for r in listed]
    assert shares == sorted(shares, reverse=True)
    # A cursor of another ordering, or forged, is refused
    for forged in (first_cursors["by_initiatives"], "eyJrIjoxfQ"):
        status, body = get(api, f"/stats/rankings?phase={phase}&level=grassroots&within=ldld-thanh-hoa&limit=2"
                                f"&cursor_authors={forged}", user="leader-thanh-hoa")
        assert status == 400 and body["errors"][0]["path"] == "/cursor_authors"


def test_a_province_ranking_is_read_from_a_snapshot_at_most_ten_minutes_old_and_its_cursor_keeps_it(api, now):
    from datetime import timedelta

    from tests.conftest import DEFAULT_NOW

    phase, first_page = "sk2627-gd1", "/stats/rankings?phase=sk2627-gd1&level=grassroots&within=ldld-thanh-hoa&limit=1"
    # GIVEN two of Thanh Hóa's unions counted, and the leader's first page of one
    helpers.seed_ranked_counters(phase, {TARGETED[0]: (5, 1), TARGETED[1]: (3, 1)})
    status, before = get(api, first_page, user="leader-thanh-hoa", schema="rankings")
    assert status == 200 and [r["entered"] for r in before["by_initiatives"]] == [5]
    cursor = before["next"]["by_initiatives"]
    # WHEN the second union overtakes the first
    helpers.seed_ranked_counters(phase, {TARGETED[1]: (9, 1)})
    # THEN for ten minutes the ranking is the snapshot's (as of when it was made)
    now(DEFAULT_NOW + timedelta(minutes=9))
    assert get(api, first_page, user="leader-thanh-hoa")[1]["by_initiatives"][0]["unit"]["id"] == TARGETED[0]
    # AND after that the first page is rebuilt and shows it
    now(DEFAULT_NOW + timedelta(minutes=11))
    status, after = get(api, first_page, user="leader-thanh-hoa", schema="rankings")
    assert [(r["unit"]["id"], r["entered"], r["rank"]) for r in after["by_initiatives"]] == [(TARGETED[1], 9, 1)]
    assert after["as_of"] > before["as_of"]
    # AND a cursor given before still reads its own snapshot: no union is shown twice or skipped
    status, second = get(api, first_page + f"&cursor_initiatives={cursor}", user="leader-thanh-hoa")
    assert [(r["unit"]["id"], r["entered"], r["rank"]) for r in second["by_initiatives"]] == [(TARGETED[1], 3, 2)]
    assert second["next"]["by_initiatives"] is None
