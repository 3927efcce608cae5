"""The demo as `serve` loads it (issue 13, point 1): the hand-made initiatives
and the generated bulk beside them (scripts/demo_bulk.py): 5,000 more in the
open edition, in every state, reached by legal steps with reasons, scores and
dates over the phase, written in Vietnamese with no two alike, waiting at
every level (some overdue), recognised ones on an award list, counted as a
recount counts them, and loaded once however often `serve` starts.

The demo is loaded once for this module (on the clock of the tests' DEFAULT_NOW).
"""
import dataclasses
import json
import re
from collections import Counter
from datetime import datetime

import pytest

from chalicelib.counters import core
from tests import helpers
from tests.conftest import DEFAULT_NOW, DEMO_DIR

PHASE = "sk2627-gd1"


class Demo:
    """The tables after the demo's seeding, read once (Scans: tests may)."""

    def __init__(self, api):
        from chalicelib import streams

        self.api = api
        self.raw = helpers.table_items("initiatives")
        self.initiatives = [streams.initiative(raw) for raw in self.raw if raw["sk"]["S"] == "META"]
        self.events: dict = {}
        for raw in self.raw:
            if raw["sk"]["S"].startswith("EVT#"):
                event = streams.image(raw)
                self.events.setdefault(event["submission_id"], []).append(event)
        for history in self.events.values():
            history.sort(key=lambda event: event["seq"])
        bulk = {event["submission_id"] for history in self.events.values() for event in history
                if event["actor_id"].startswith("dv-")}
        self.bulk = [i for i in self.initiatives if i["id"] in bulk]

    def counters(self, decisions: bool = False) -> dict:
        from chalicelib.counters import store
        return store.counts_by_scope(helpers.table_items("counters"), decisions)


@pytest.fixture(scope="module")
def demo(aws):
    """`serve`'s seeding on emptied tables (reference data kept), the clock at DEFAULT_NOW."""
    from chalice.test import Client

    from app import app
    from chalicelib import clock, streams, tables
    from chalicelib.reference import catalog
    from scripts import emulation, seed_demo
    from tests.conftest import Api

    for kind, table in tables.TABLES.items():
        if kind != "reference" and table.model.exists():
            table.model.delete_table()
    emulation.prepare()
    catalog.clear_cache()
    real = clock.set_clock(lambda: DEFAULT_NOW)
    try:
        seed_demo.seed(DEMO_DIR, [streams.count_changes, streams.react_to_events])
        with Client(app, stage_name="local") as client:
            yield Demo(Api(client))
    finally:
        clock.set_clock(real)


def test_the_demo_holds_5000_more_in_every_state_and_its_counters_equal_a_recount(demo):
    from chalicelib.workflow import definition

    # GIVEN the demo as `serve` loads it
    states = Counter(i["status"] for i in demo.bulk)
    # THEN 5,000 more initiatives, all in the open edition, beside the hand-made ones
    assert len(demo.bulk) >= 5000
    assert len(demo.initiatives) >= len(demo.bulk) + 120
    assert {(i["program_id"], i["phase_id"]) for i in demo.bulk} == {("sang-kien-2026-2027", PHASE)}
    # in every state of the workflow, most pending, valid, under review or recognised, a few of the others
    assert set(states) == set(definition.default().states)
    main = sum(states[s] for s in ("pending", "valid", "under_review", "recognized"))
    assert main >= 0.75 * len(demo.bulk)
    assert all(states[s] <= 0.1 * len(demo.bulk) for s in ("invalid", "needs_revision", "withdrawn",
                                                         "not_recognized"))
    assert all(states[s] >= 0.08 * len(demo.bulk) for s in ("pending", "valid", "under_review", "recognized"))
    # AND every counter of every unit (authors, benefits, waiting months, overdue) equals a recount
    assert demo.counters() == core.recount(demo.initiatives)
    # AND the national dashboard's API says so
    status, body = demo.api.json("GET", f"/stats/units/tld?phase={PHASE}", user="leader-national")
    assert status == 200, body
    recounted = core.recount(demo.initiatives)[("tld", PHASE)]
    assert body["unit"]["entered"] == recounted["entered"] == len(demo.initiatives)


def test_every_history_is_legal_with_reasons_scores_and_dates_over_the_phase(demo):
    from chalicelib.submissions import service
    from chalicelib.workflow import definition, engine
    from chalicelib.workflow.definition import HISTORY_ONLY, SYSTEM

    workflow = definition.default()
    phase_start, now = "2026-01-01", DEFAULT_NOW.isoformat()
    entered_months = Counter(i["created_at"][:7] for i in demo.bulk)
    assert len(entered_months) >= 10  # spread over the phase, January to November
    for initiative in demo.bulk:
        history = demo.events[initiative["id"]]
        # numbered without gaps, in time order, within the phase and before now
        assert [e["seq"] for e in history] == list(range(1, initiative["version"] + 1))
        assert phase_start <= history[0]["at"] == initiative["created_at"]
        assert all(a["at"] <= b["at"] for a, b in zip(history, history[1:]))
        assert history[-1]["at"][:19] <= now[:19]
        assert initiative["applied_from"] <= initiative["created_at"][:10]
        # every step one the definition allows from where it was, fired by whom it names, with what it needs
        status = history[0]["to_state"]
        subject = service.subject_of(dict(initiative, status=status, version=1))
        for event in history[1:]:
            assert event["from_state"] == status
            if event["event"] in HISTORY_ONLY:
                assert event["to_state"] == status
            else:
                caller = engine.Caller(user_id=event["actor_id"], roles=frozenset(event["actor_roles"]),
                                       unit_id=event["actor_unit"])
                then = dataclasses.replace(subject, status=status, version=event["seq"] - 1)
                decided = engine.decide(workflow, then, caller, event["event"], event["input"], event["seq"] - 1)
                assert decided.to_state == event["to_state"]
                assert SYSTEM not in event["actor_roles"]
            status = event["to_state"]
        assert status == initiative["status"]
        if initiative["status"] == "recognized":
            assert set(initiative["scores"]) == {"novelty", "applicability", "effectiveness"}
            assert initiative["confirmed_benefit_vnd"] >= 0
    reasons = [e["input"]["reason"] for h in demo.events.values() for e in h
               if e["event"] in ("invalidate", "request_revision", "decline")]
    assert reasons and all(len(reason) >= 20 for reason in reasons)


VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I)


def test_texts_read_as_vietnamese_no_two_alike_and_every_entry_passes_the_forms_checks(demo):
    from chalicelib import validation
    from chalicelib.text import fold
    from tests.conftest import demo_users

    import os

    with open(os.path.join(DEMO_DIR, "initiatives.json"), encoding="utf-8") as f:
        hand_made = {fold(i["body"]["title"]) for i in json.load(f)["initiatives"]}
    titles = [fold(i["title"]) for i in demo.bulk]
    assert len(set(titles)) == len(titles) and not hand_made & set(titles)
    assert len({(i["problem"], i["solution"], i["results"]) for i in demo.bulk}) == len(demo.bulk)
    for initiative in demo.bulk:
        for name in ("title", "problem", "solution", "results", "applied_where"):
            # (a place may be written without a diacritic: "Khoa Nhi")
            assert name == "applied_where" or VIETNAMESE.search(initiative[name]), (name, initiative[name])
            assert not re.search(r"lorem|ipsum|\{|\}", initiative[name], re.I)
        # what the form would send passes the schema and the rules, as on the day it was entered
        body = {name: initiative[name] for name in ("title", "unit_id", "subject_group", "field", "problem",
                                                    "solution", "results", "applied_where", "applied_from")}
        body["authors"] = [{k: v for k, v in a.items() if k != "invitation"} for a in initiative["authors"]]
        if initiative.get("benefit_vnd") is not None:
            body["benefit_vnd"] = initiative["benefit_vnd"]
        assert validation.checked("submission", body)[1] == []
        assert sum(a["share_percent"] for a in initiative["authors"]) == 100
    # authors with one initiative and with many; groups of co-authors; benefits none, small and large
    people = Counter(a.get("member_id") or a["full_name"] for i in demo.bulk for a in i["authors"])
    assert sum(1 for n in people.values() if n == 1) >= 1000 and max(people.values()) >= 10
    names = {a["full_name"] for i in demo.bulk for a in i["authors"]}
    assert all(re.fullmatch(r"(\w+ ){2,3}\w+", name) and name == name.title() for name in names)
    assert sum(1 for name in names if VIETNAMESE.search(name)) >= 0.9 * len(names)  # ("Mai Minh Anh" has none)
    sizes = Counter(len(i["authors"]) for i in demo.bulk)
    assert sizes[1] > sizes[2] > sizes[3] > 0 and sizes[5] > 0
    benefits = [i.get("benefit_vnd") for i in demo.bulk]
    assert sum(b is None for b in benefits) >= 500
    assert sum(1 for b in benefits if b and b < 100_000_000) >= 1000
    assert sum(1 for b in benefits if b and b >= 1_000_000_000) >= 50
    assert {i["subject_group"] for i in demo.bulk} == {g for g in ("public-service", "works-and-technical",
                                                                  "new-countryside", "officials",
                                                                  "enterprise-workers")}
    assert len({i["field"] for i in demo.bulk}) == 8
    assert not set(demo_users()) & {i["submitter_id"] for i in demo.bulk}  # its people are not the demo's users


def test_queues_wait_at_both_levels_and_some_are_overdue_after_the_sweep(demo):
    from chalicelib.levels import Level
    from chalicelib.reference import catalog

    waiting = [i for i in demo.bulk if i.get("qp")]
    desks = Counter(catalog.unit(i["qp"].rsplit("#", 1)[0]).level for i in waiting)
    assert desks[Level.GRASSROOTS] >= 300 and desks[Level.UPPER_GRASSROOTS] >= 300
    overdue = [i for i in waiting if i.get("overdue_since")]
    assert overdue and {catalog.unit(i["qp"].rsplit("#", 1)[0]).level for i in overdue} >= {
        Level.GRASSROOTS, Level.UPPER_GRASSROOTS}
    assert all(i.get("op") for i in overdue)  # escalated: the unit above was told
    # AND the demo's reviewers of both levels find a queue to work through
    for user, least in (("reviewer-so-y-te", 1), ("reviewer-fpt", 1), ("reviewer-vien-chuc-thanh-hoa", 20),
                        ("reviewer-cau-giay", 5), ("reviewer-tct-thep", 3)):
        status, page = demo.api.json("GET", "/queue?limit=50", user=user)
        assert status == 200 and len(page["items"]) >= least, (user, page)
    # AND the union above an overdue desk reads it under "overdue below me"
    told = Counter(i["op"] for i in overdue)
    reviewer = next(uid for uid, user in demo.api.users.items() if "reviewer" in user["roles"]
                    and user["unit_id"] in told)
    status, page = demo.api.json("GET", "/queue/overdue", user=reviewer)
    assert status == 200 and page["items"], page


def test_recognised_ones_are_award_candidates_and_a_leader_has_an_award_list(demo):
    from chalicelib.awards import candidates, store

    recognised = [i for i in demo.bulk if i["status"] == "recognized"]
    assert len(recognised) >= 1000
    best = candidates.best("ldld-thanh-hoa", PHASE, 5, 1)
    assert len(best) == 5 and all(c.submission_id in {i["id"] for i in recognised} for c in best)
    latest = store.latest("ldld-thanh-hoa", PHASE)
    assert latest is not None and latest.compiled_by == "leader-thanh-hoa"
    status, body = demo.api.json("GET", f"/award-lists/{latest.id}", user="leader-thanh-hoa")
    assert status == 200, body
    assert sum(body["counts"].values()) > 0


def test_the_bulk_tells_nobody_and_loading_again_enters_nothing_twice(demo):
    from chalicelib import streams
    from scripts import demo_bulk, seed_demo

    # The notifications are the hand-made ones' and the sweep's: none for the bulk's history
    notified = {raw.get("submission_id", {}).get("S") for raw in helpers.table_items("notifications")}
    entered_by_bulk = {i["id"] for i in demo.bulk if not any(
        e["event"] in ("reminded", "overdue") and e["at"] >= DEFAULT_NOW.strftime("%Y-%m-%d")
        for e in demo.events[i["id"]])}
    assert not notified & entered_by_bulk
    items, counted = len(demo.raw), demo.counters(decisions=True)
    awards = len(helpers.table_items("awards"))
    # WHEN `serve` seeds again (the bulk found loaded), and the bulk is loaded again regardless
    seed_demo.seed(DEMO_DIR, [streams.count_changes, streams.react_to_events])
    again = demo_bulk.load(DEMO_DIR, skip_if_done=False, log=lambda *_: None)
    # THEN nothing is entered, counted or made a candidate twice
    assert (again.written, again.found) == (0, len(demo.bulk))
    assert len(helpers.table_items("initiatives")) == items
    assert demo.counters(decisions=True) == counted
    assert len(helpers.table_items("awards")) == awards


# ------------------------------------------------------------------ the import's writers, against the app's

def lives(count: int):
    """The first `count` lives of the bulk, played in memory (nothing written)."""
    import random
    from datetime import time

    from chalicelib import clock
    from chalicelib.reference import catalog
    from chalicelib.workflow import definition
    from scripts import demo_bulk

    program, phase = catalog.current(DEFAULT_NOW.date())
    units = catalog.units(u["id"] for u in demo_bulk.read_json(DEMO_DIR, "organisation.json")["units"])
    targets = {t["unit_id"]: t["total"] for t in demo_bulk.read_json(DEMO_DIR, "targets.json")["targets"]
               if t["phase_id"] == phase.id}
    users = {u["id"]: u for u in demo_bulk.read_json(DEMO_DIR, "users.json")["users"]}
    planned = demo_bulk.plan(list(units.values()), targets, demo_bulk.COUNT)[:count]
    horizon = datetime.combine(DEFAULT_NOW.date(), time(0, 0), tzinfo=clock.VIETNAM)
    received = demo_bulk.entry_times(planned, phase.starts_on, horizon, random.Random(demo_bulk.SEED + "/time"))
    paces = demo_bulk.paces_of(list(units.values()), random.Random(demo_bulk.SEED + "/paces"))
    return [demo_bulk.live(item, program, phase, when, horizon, paces, users, definition.default())
            for item, when in zip(planned, received)]


def test_counting_an_import_leaves_what_counting_each_change_leaves(fresh_tables, now):
    from chalicelib import streams
    from chalicelib.counters import store
    from chalicelib.dynamo_json import from_item
    from chalicelib.submissions import store as submissions

    played = lives(150)
    # The images the import counts are the stream's images of the items it writes
    for life in played:
        assert streams.clocked(submissions.image(life.record)) == streams.initiative(life.record.serialize())
    changes = [change for life in played for change in life.changes()]
    assert {old is None for _, old, _ in changes} == {True, False}
    # WHEN the changes are counted one by one as the stream counts them, and then as an import (elsewhere)
    assert store.apply_changes(changes) == {}
    by_change = helpers.table_items("counters")
    fresh_tables_again()
    store.count_import(changes, "test-import")
    store.count_import(changes, "test-import")  # (a second run counts nothing)
    by_import = helpers.table_items("counters")

    def counts(raw_items, prefix):
        return {raw["pk"]["S"]: {k: v for k, v in from_item(raw).items() if isinstance(v, int) and v}
                for raw in raw_items if raw["pk"]["S"].startswith(prefix)}

    # THEN every unit's counts, its decisions and its per-day counts are the same, and so are the people counted
    assert store.counts_by_scope(by_import, decisions=True) == store.counts_by_scope(by_change, decisions=True)
    summed = {}
    for raw in by_change:
        if raw["pk"]["S"].startswith("DAY#"):
            key = "#".join(raw["pk"]["S"].split("#")[:4])
            for name, n in counts([raw], "DAY#")[raw["pk"]["S"]].items():
                summed.setdefault(key, {})[name] = summed.setdefault(key, {}).get(name, 0) + n
    assert counts(by_import, "DAY#") == summed
    people = {raw["pk"]["S"]: sorted(from_item(raw)["units"]) for raw in by_change
              if raw["pk"]["S"].startswith("PERSON#")}
    assert {raw["pk"]["S"]: sorted(from_item(raw)["units"]) for raw in by_import
            if raw["pk"]["S"].startswith("PERSON#")} == people


def fresh_tables_again():
    from chalicelib import tables
    from scripts import emulation

    for kind, table in tables.TABLES.items():
        if kind not in ("reference", "initiatives") and table.model.exists():
            table.model.delete_table()
    emulation.prepare()


def test_award_candidates_written_at_once_are_what_the_listener_writes_one_by_one(fresh_tables, now):
    from chalicelib.awards import candidates
    from chalicelib.dynamo_json import plain
    from chalicelib.submissions import store

    played = [life for life in lives(600) if life.record.status == "recognized"][:40]
    recognitions = [candidates.candidate_attributes(plain(event.attribute_values), store.plain(life.record))
                    for life in played for event in life.events if "award_candidate" in (event.effects or [])]
    assert len(recognitions) == 40
    # WHEN the listener's writes are made one recognition at a time, and then all at once (elsewhere)
    for attributes in recognitions:
        candidates.write(attributes)
    one_by_one = awards_items()
    fresh_tables_again()
    assert candidates.write_many(recognitions) > 0
    assert candidates.write_many(recognitions) == 0  # a second run writes nothing
    # THEN the awards table holds the same items
    assert awards_items() == one_by_one


def awards_items() -> list:
    from chalicelib.dynamo_json import from_item

    return sorted(json.dumps(from_item(raw), sort_keys=True, ensure_ascii=False, default=str)
                  for raw in helpers.table_items("awards"))
