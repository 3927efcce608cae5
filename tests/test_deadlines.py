"""Deadlines as data, and the sweep that rings them.

- the default definition's deadlines (15 days at the grassroots check, 60 at
  the upper level's desk, 90 for the whole review) and a second definition's
  (7, 30, 45, and a check that passes up by itself) on the same engine;
- broken deadlines refused when the definition loads;
- GET /submissions/{id} gives `due_at` and `decision_due_at`;
- the sweep, with a frozen clock: a reminder, then overdue and escalated to
  the unit above (its "overdue below me"), each exactly once under a sweep run
  again and two sweeps at once; a decision clears it;
- the sweep reads what is due, never what waits: the same calls with 1,000
  and 10,000 waiting (bench/cost_meter.py prices 1,000 and 100,000).
"""
import copy
import json
import os
from datetime import datetime, timedelta

import pytest

from chalicelib.clock import VIETNAM
from chalicelib.workflow import deadlines, definition
from chalicelib.workflow.exceptions import StateChanged
from tests import helpers
from tests.conftest import ROOT
from tests.helpers import enter, fire

DEFINITIONS = os.path.join(ROOT, "tests", "definitions")
RANG_DONG = ["tld", "cd-cong-thuong", "cdcs-rang-dong"]
RECEIVED = datetime(2026, 11, 21, 10, 0, tzinfo=VIETNAM)  # tests.conftest.DEFAULT_NOW
SCORES = {"novelty": 8, "applicability": 9, "effectiveness": 7}


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment of December 2026 or, past 31, of January 2027 (Vietnam time)."""
    return datetime(2026, 12, 1, hour, minute, tzinfo=VIETNAM) + timedelta(days=day - 1)


def codes(workflow, state, since, received=RECEIVED.isoformat(timespec="milliseconds")):
    return [(a.code, a.at.isoformat(timespec="minutes")) for a in deadlines.alarms(workflow, state, since, received)]


# --------------------------------------------------------------------------- deadlines as data

def test_the_default_deadlines_are_the_laws_and_a_second_definition_has_its_own():
    # GIVEN the default definition and a company's, received 21/11/2026 10:00
    default = definition.default()
    company = definition.load(os.path.join(DEFINITIONS, "company_deadlines.json"))
    received = "2026-11-21T10:00:00.000+07:00"
    # THEN the grassroots check is due at the end of 06/12 (15 days), reminded 3 days before at 07:00,
    # and the whole review at the end of 19/02/2027 (90 days: the law's 3 months), reminded 10 days before
    assert codes(default, "pending", received) == [
        ("sr", "2026-12-03T07:00+07:00"), ("so", "2026-12-06T23:59+07:00"),
        ("dr", "2027-02-09T07:00+07:00"), ("do", "2027-02-19T23:59+07:00")]
    assert deadlines.decision_due_at(default, received) == "2027-02-19T23:59:59.999+07:00"
    # AND the upper level's desk has 60 days from the day the initiative came to it
    assert deadlines.due_at(default, "valid", "2026-12-01T09:00:00.000+07:00") == "2027-01-30T23:59:59.999+07:00"
    assert deadlines.due_at(default, "under_review", "2026-12-01T09:00:00.000+07:00") == \
        "2027-01-30T23:59:59.999+07:00"
    # AND where no one waits, nothing is due but the whole review; a final state has no deadline at all
    assert deadlines.due_at(default, "needs_revision", None) is None
    assert codes(default, "needs_revision", None) == [("dr", "2027-02-09T07:00+07:00"),
                                                      ("do", "2027-02-19T23:59+07:00")]
    assert codes(default, "recognized", None) == [] and deadlines.decision_due_at(default, received, "invalid") is None
    # AND the company's own: 7 days to check (then the system passes it up), 45 for the whole review
    assert codes(company, "pending", received) == [
        ("sr", "2026-11-26T07:00+07:00"), ("so", "2026-11-28T23:59+07:00"),
        ("dr", "2026-12-31T07:00+07:00"), ("do", "2027-01-05T23:59+07:00")]
    assert company.states["pending"].deadline.fire == "pass_up"
    assert deadlines.decision_due_at(company, received) == "2027-01-05T23:59:59.999+07:00"


def default_doc() -> dict:
    with open(definition.DEFAULT_PATH, encoding="utf-8") as f:
        return json.load(f)


def fires_an_event_that_does_not_leave(doc):
    doc["states"]["pending"]["deadline"]["on_overdue"] = {"fire": "recognize"}


def fires_a_reviewers_event(doc):
    doc["states"]["pending"]["deadline"]["on_overdue"] = {"fire": "validate"}


def reminds_after_the_deadline(doc):
    doc["states"]["pending"]["deadline"]["remind_days_before"] = 15


def counts_a_wait_where_no_one_waits(doc):
    doc["states"]["needs_revision"]["deadline"] = {"days": 30}


def the_whole_review_fires_an_event(doc):
    doc["decision_deadline"]["on_overdue"] = {"fire": "withdraw"}


def a_system_event_no_deadline_fires(doc):
    doc["transitions"].append({"event": "expire", "label": {"vi": "Hết hạn", "en": "Expired"}, "from": ["pending"],
                               "to": "withdrawn", "by": [{"role": "system"}]})


def a_deadline_of_no_days(doc):
    doc["states"]["valid"]["deadline"]["days"] = 0


@pytest.mark.parametrize("breaks, where", [
    (fires_an_event_that_does_not_leave, "/states/pending/deadline/on_overdue/fire"),
    (fires_a_reviewers_event, "/states/pending/deadline/on_overdue/fire"),
    (reminds_after_the_deadline, "/states/pending/deadline/remind_days_before"),
    (counts_a_wait_where_no_one_waits, "/states/needs_revision/deadline"),
    (the_whole_review_fires_an_event, "/decision_deadline/on_overdue/fire"),
    (a_system_event_no_deadline_fires, "/transitions/8/by"),
    (a_deadline_of_no_days, "/states/valid/deadline/days"),
])
def test_a_broken_deadline_is_refused_when_the_definition_loads(breaks, where):
    doc = copy.deepcopy(default_doc())
    breaks(doc)
    with pytest.raises(definition.DefinitionError) as refused:
        definition.Definition.from_json(doc)
    assert where in [path for path, _ in refused.value.problems], refused.value.problems


# --------------------------------------------------------------------------- what people see

def test_an_initiative_says_when_its_wait_and_its_review_are_due(api, now):
    # GIVEN an initiative received 21/11/2026 at 10:00
    sid = enter(api)["id"]
    status, shown = api.json("GET", f"/submissions/{sid}", user="reviewer-rang-dong")
    # THEN the grassroots check is due by the end of 06/12, the decision by the end of 19/02/2027
    assert (shown["due_at"], shown["decision_due_at"], shown["overdue_since"]) == \
        ("2026-12-06T23:59:59.999+07:00", "2027-02-19T23:59:59.999+07:00", None)
    assert shown["waiting_since"] == "2026-11-21T10:00:00.000+07:00"
    # WHEN it is found valid on 01/12, and the review is started on 05/12
    now(at(1, 9))
    after = fire(api, sid, "validate", 1, "reviewer-rang-dong")["submission"]
    # THEN the upper level's 60 days count from 01/12, and starting the review does not restart them
    assert after["due_at"] == "2027-01-30T23:59:59.999+07:00"
    now(at(5, 9))
    after = fire(api, sid, "start_review", 2, "reviewer-cong-thuong")["submission"]
    assert after["due_at"] == "2027-01-30T23:59:59.999+07:00" and after["waiting_since"] == "2026-12-01T09:00:00.000+07:00"
    # AND once decided, nothing is due any more
    after = fire(api, sid, "recognize", 3, "reviewer-cong-thuong", scores=SCORES,
                 confirmed_benefit_vnd=1_000_000)["submission"]
    assert (after["due_at"], after["decision_due_at"]) == (None, None)


# --------------------------------------------------------------------------- the sweep

def sweep(now, moment):
    """Run the sweep with the app's clock at `moment` (`now`: the fixture that sets it)."""
    from chalicelib.review import deadlines as sweeper

    now(moment)
    return sweeper.sweep()


def events_of(api, sid, user="reviewer-rang-dong"):
    status, page = api.json("GET", f"/submissions/{sid}/history", user=user)
    assert status == 200, page
    return [(e["event"], e["actor"]["id"], e["input"]) for e in page["items"]]


def test_the_sweep_reminds_then_marks_overdue_and_escalates_each_once(api, now):
    from chalicelib.submissions import store

    # GIVEN an initiative waiting at Rạng Đông's grassroots union since 21/11
    sid = enter(api)["id"]
    # WHEN the sweep runs before anything is due
    assert sweep(now, at(3, 6, 59))["read"] == 0
    # AND when the reminder is due (03/12 07:00), twice (a Lambda retry)
    assert sweep(now, at(3, 7, 0)) == {"reminded": 1, "overdue": 0, "fired": 0, "passed": 0, "skipped": 0, "read": 1}
    assert sweep(now, at(3, 7, 15))["read"] == 0
    # THEN one `reminded` event, by the system, naming the deadline
    assert events_of(api, sid)[1:] == [("reminded", "system", {"deadline": "state",
                                                               "due_at": "2026-12-06T23:59:59.999+07:00"})]
    # WHEN the check is overdue (after 06/12) and the sweep runs
    assert sweep(now, at(7, 0, 5))["overdue"] == 1
    # THEN it is marked overdue, escalated to Công đoàn Công Thương, and shown there as overdue below it
    assert events_of(api, sid)[2:] == [("overdue", "system", {"deadline": "state",
                                                              "due_at": "2026-12-06T23:59:59.999+07:00",
                                                              "escalated_to": "cd-cong-thuong"})]
    shown = api.json("GET", f"/submissions/{sid}", user="reviewer-rang-dong")[1]
    assert shown["overdue_since"] == "2026-12-06T23:59:59.999+07:00"
    below, _ = store.overdue_below("cd-cong-thuong", 10, None)
    assert [row.id for row in below] == [sid] and store.overdue_below("tld", 10, None)[0] == []
    # AND the queue row carries the mark
    row = api.json("GET", "/queue", user="reviewer-rang-dong")[1]["items"][0]
    assert row["overdue_since"] == "2026-12-06T23:59:59.999+07:00" and row["due_at"] == shown["due_at"]
    # WHEN a reviewer decides at last
    now(at(8, 9))
    after = fire(api, sid, "validate", shown["version"], "reviewer-rang-dong")["submission"]
    # THEN it is no longer overdue nor escalated: a new desk, a new wait
    assert after["overdue_since"] is None and store.overdue_below("cd-cong-thuong", 10, None)[0] == []
    assert after["due_at"] == "2027-02-06T23:59:59.999+07:00"


def test_two_sweeps_at_once_ring_an_alarm_once(api, now):
    from chalicelib.review import deadlines as sweeper
    from chalicelib.submissions import store

    # GIVEN an initiative whose reminder is due, read by two sweeps at the same moment
    sid = enter(api)["id"]
    first, second = store.get(sid), store.get(sid)
    # WHEN both ring it
    now(at(3, 7, 1))
    assert sweeper.ring(first, at(3, 7, 1)) == "reminded"
    with pytest.raises(StateChanged):
        sweeper.ring(second, at(3, 7, 1))
    # THEN the history holds one reminder, and the next alarm is the deadline itself
    assert [e[0] for e in events_of(api, sid)] == ["submitted", "reminded"]
    assert store.alarm_of(store.get(sid)) == ("2026-12-06T23:59:59.999+07:00", "so")


def test_the_whole_reviews_deadline_goes_on_through_a_revision(api, now):
    # GIVEN an initiative returned for revision on 01/12 and left there by its author
    sid = enter(api)["id"]
    now(at(1, 9))
    fire(api, sid, "request_revision", 1, "reviewer-rang-dong", reason="Thiếu số liệu tiết kiệm")
    # WHEN the sweep runs on 09/02/2027 and after 19/02/2027
    assert sweep(now, at(71, 7, 1))["reminded"] == 1
    assert sweep(now, at(82, 0, 1))["overdue"] == 1
    # THEN the decision's reminder and overdue are in its history; no desk waits, so no one above is told
    assert [(e[0], e[2].get("deadline"), e[2].get("escalated_to")) for e in events_of(api, sid)[2:]] == [
        ("reminded", "decision", None), ("overdue", "decision", None)]
    # AND when the author sends it back, it waits at the desk overdue at once, escalated, with no alarm left
    from chalicelib.submissions import store

    now(at(83, 9))
    version = api.json("GET", f"/submissions/{sid}", user="worker-rang-dong")[1]["version"]
    shown = fire(api, sid, "resubmit", version, "worker-rang-dong")["submission"]
    assert shown["overdue_since"] == "2027-02-19T23:59:59.999+07:00" and shown["due_at"] == \
        "2027-03-08T23:59:59.999+07:00"
    assert [row.id for row in store.overdue_below("cd-cong-thuong", 10, None)[0]] == [sid]
    assert store.alarm_of(store.get(sid)) == ("2027-03-05T07:00:00.000+07:00", "sr")


def test_a_second_definition_fires_its_own_event_when_the_check_is_late(api, now, monkeypatch):
    # GIVEN the company's definition, where an unchecked initiative passes up by itself after 7 days
    monkeypatch.setenv("WORKFLOW_DEFINITION", os.path.join(DEFINITIONS, "company_deadlines.json"))
    definition.default.cache_clear()
    try:
        sid = enter(api)["id"]
        # WHEN the sweep runs on 26/11 (the reminder) and after 28/11
        assert sweep(now, datetime(2026, 11, 26, 7, 5, tzinfo=VIETNAM))["reminded"] == 1
        assert sweep(now, datetime(2026, 11, 29, 0, 5, tzinfo=VIETNAM)) == {
            "reminded": 0, "overdue": 0, "fired": 1, "passed": 0, "skipped": 0, "read": 1}
        # THEN the system fired pass_up: it waits at the upper level, with that desk's 30 days
        shown = api.json("GET", f"/submissions/{sid}", user="reviewer-cong-thuong")[1]
        assert shown["status"] == "valid" and shown["due_at"] == "2026-12-29T23:59:59.999+07:00"
        assert events_of(api, sid, "reviewer-cong-thuong")[-1][:2] == ("pass_up", "system")
        # AND no person may fire it
        status, _ = helpers.attempt(api, sid, "pass_up", shown["version"], "reviewer-rang-dong")
        assert status in (403, 409)
    finally:
        monkeypatch.undo()
        definition.default.cache_clear()


def sweep_calls(now, moment) -> tuple[dict, list]:
    """Run the sweep at `moment`, recording its reads: (what it did, [(operation, index, items read)])."""
    from chalicelib import aws

    client, calls = aws.dynamodb(), []
    original = client._make_api_call

    def counted(operation, params):
        answer = original(operation, params)
        if operation in ("Query", "BatchGetItem", "GetItem"):
            read = answer.get("Count", sum(len(v) for v in answer.get("Responses", {}).values()))
            calls.append((operation, params.get("IndexName"), read))
        return answer
    client._make_api_call = counted
    try:
        return sweep(now, moment), calls
    finally:
        del client._make_api_call


def reads(calls) -> dict:
    """{(operation, index): (calls, items read)}"""
    found = {}
    for operation, index, items in calls:
        n, total = found.get((operation, index), (0, 0))
        found[(operation, index)] = (n + 1, total + items)
    return {key: value for key, value in found.items() if key[0] != "GetItem"}


def test_the_sweep_reads_what_is_due_never_what_waits(api, now):
    # GIVEN 1,000 initiatives waiting whose reminders ring on 20/12, and 100 whose reminders rang on 01/12
    def later(n):
        return "2026-12-20T07:00:00.000+07:00"

    def rang(n):
        return "2026-12-01T07:00:00.000+07:00"
    helpers.seed_waiting(1_000, RANG_DONG, alarm_at=later, into_memory=True)
    helpers.seed_waiting(100, RANG_DONG, alarm_at=rang, start=1_000)
    # WHEN the sweep runs on 02/12
    done, small = sweep_calls(now, at(2, 0, 1))
    # THEN it read the 100 due (their made-up alarms are not the definition's: each is put right, not rung)
    assert done["read"] == 100 and done["skipped"] == 100
    # GIVEN 9,000 more waiting (10,000 in all) and another 100 due
    helpers.seed_waiting(9_000, RANG_DONG, alarm_at=later, start=2_000, into_memory=True)
    helpers.seed_waiting(100, RANG_DONG, alarm_at=rang, start=30_000)
    # WHEN it runs again
    done, large = sweep_calls(now, at(2, 0, 16))
    # THEN it made the same reads: one Query per shard of the alarms index, reading the 100 due keys
    # (how they fall in the shards depends on their ids), and one BatchGetItem of those 100
    assert done["read"] == 100
    assert reads(large) == reads(small) == {("Query", "alarms"): (8, 100), ("BatchGetItem", None): (1, 100)}


def test_a_sweep_that_did_not_run_for_days_catches_up_without_stale_reminders(api, now):
    # GIVEN an initiative received 21/11 and no sweep until 08/12 (the check was due 06/12)
    sid = enter(api)["id"]
    # WHEN the sweep runs once
    done = sweep(now, at(8, 9))
    # THEN it is overdue and escalated in that one run, and no one is reminded of what is already late
    assert (done["overdue"], done["reminded"], done["passed"]) == (1, 0, 1)
    assert [e[0] for e in events_of(api, sid)] == ["submitted", "overdue"]


def test_the_local_run_moves_its_clock_and_runs_a_schedule_now(api):
    from chalicelib import clock

    # GIVEN an initiative received now (21/11/2026 10:00, the frozen clock)
    sid = enter(api)["id"]
    try:
        # WHEN the clock is moved on 16 days and the sweep is run now
        status, moved = api.json("POST", "/dev/clock", {"advance_days": 16})
        assert status == 200 and moved == {"now": "2026-12-07T10:00:00.000+07:00", "shift_days": 16}
        status, ran = api.json("POST", "/dev/schedules/sweep_deadlines")
        # THEN the check is overdue (and its reminder, already late, let go)
        assert status == 200 and ran["name"] == "sweep_deadlines"
        assert (ran["result"]["overdue"], ran["result"]["passed"]) == (1, 1)
        shown = api.json("GET", f"/submissions/{sid}", user="reviewer-rang-dong")[1]
        assert shown["overdue_since"] == "2026-12-06T23:59:59.999+07:00"
        # AND a wrong value names the field, an unknown schedule is not found
        status, refused = api.json("POST", "/dev/clock", {"advance_days": -1})
        assert status == 422 and [e["path"] for e in refused["errors"]] == ["/advance_days"]
        assert api.json("POST", "/dev/schedules/no_such_thing")[0] == 404
    finally:
        # WHEN the clock is put back
        status, back = api.json("DELETE", "/dev/clock")
    # THEN it is the frozen clock's again
    assert status == 200 and back == {"now": "2026-11-21T10:00:00.000+07:00", "shift_days": 0}
    assert clock.shift().total_seconds() == 0


def test_the_level_above_sees_what_is_overdue_below_it(api, pages, now):
    from tests.conftest import html_text

    # GIVEN two initiatives at Rạng Đông, one overdue (received 21/11) and one received later (01/12)
    late = enter(api, title="Cải tiến khuôn dập tôn lợp")["id"]
    now(at(1, 9))
    enter(api, title="Sắp xếp lại kho vật tư")
    sweep(now, at(7, 9))
    # WHEN Công đoàn Công Thương's reviewer asks what is overdue below it
    status, page = api.json("GET", "/queue/overdue", user="reviewer-cong-thuong")
    # THEN only the late one, waiting at Rạng Đông's union
    assert status == 200 and [(i["id"], i["waiting_at"]) for i in page["items"]] == [(late, "cdcs-rang-dong")]
    assert page["items"][0]["overdue_since"] == "2026-12-06T23:59:59.999+07:00"
    # AND the page says where it waits and how late it is, and opens it
    response = pages.get("/app/overdue", user="reviewer-cong-thuong")
    text = html_text(response)
    assert response.status_code == 200 and "Cải tiến khuôn dập tôn lợp" in text and "Sắp xếp lại kho" not in text
    assert "Quá hạn 1 ngày (hạn 06/12/2026)" in text and "Rạng Đông" in text
    assert f"/app/initiatives/{late}" in response.body.decode()
    # AND the union itself sees nothing overdue below it; a worker may not look
    assert api.json("GET", "/queue/overdue", user="reviewer-rang-dong")[1]["items"] == []
    assert api.json("GET", "/queue/overdue", user="worker-rang-dong")[0] == 403
