"""Leaders see the clock (issue 12, point 6): per child unit, how many wait,
how many are overdue, since when the oldest waits, and the median days to a
decision at each level, all read from the counters (never from the
initiatives), kept exactly once by the stream like every other count."""
import random
from datetime import datetime, timedelta

import boto3

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
    # Taken into review by the upper level 40 days later (31–60), then recognised the same day (0–1)
    review = item(version=3, status="under_review", waiting_since=at("2026-12-16"), updated_at=at("2026-12-16"))
    done = item(version=4, status="recognized", confirmed_benefit_vnd=9, updated_at=at("2026-12-16", 17))
    assert core.decided(valid, review)[("tld", PHASE)] == {"du31": 1}
    assert core.decided(review, done)[("tld", PHASE)] == {"du0": 1}
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
