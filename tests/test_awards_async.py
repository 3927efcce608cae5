"""Award lists compiled off the request path (issue 11, point 4): POST
/award-lists answers 202 and a progress resource; the award-list queue's
handler (chalicelib/queues.py) compiles, once however often SQS delivers;
a compile that keeps failing says so and can be asked for again; and the
lists read through the indexes and aggregates are exactly the lists of every
candidate, at a cost that does not grow with what was recognised."""
import json
import random

import pytest

from chalicelib import settings
from tests import helpers
from tests.conftest import sent_mail
from tests.helpers import deliver
from tests.test_awards import FPT, HA_NOI, HUY, PHASE, RANG_DONG, SO_Y_TE, leaders_mail, list_versions, recognise


def ask(api, unit=HA_NOI, user="leader-ha-noi", phase=PHASE):
    response = api.request("POST", "/award-lists", {"unit_id": unit, "phase": phase}, user=user)
    return response, json.loads(response.body)


def read(api, list_id, user="leader-ha-noi"):
    return api.json("GET", f"/award-lists/{list_id}", user=user)


# ---------------------------------------------------------------- 202, progress, then the draft

def test_a_requested_list_answers_202_and_shows_its_progress_then_the_draft(api, stream, monkeypatch):
    recognise(api, FPT, "Sáng kiến A", (9, 9, 9), 100_000_000, [HUY])
    recognise(api, RANG_DONG, "Sáng kiến B", (8, 8, 8), 200_000_000, [HUY])
    deliver(stream)
    mails = len(sent_mail())
    # WHEN the national leader asks for the nation's list
    response, asked = ask(api, "tld", "leader-national")
    # THEN 202 at once, naming version 1 and where to follow it; nothing is compiled or mailed yet
    assert response.status_code == 202, asked
    assert response.headers["Location"] == f"/award-lists/tld~{PHASE}~1" and asked["id"] == f"tld~{PHASE}~1"
    assert (asked["status"], asked["progress"]) == ("compiling", {"done": 0, "total": 0, "percent": 0})
    assert read(api, asked["id"], "leader-national")[1]["status"] == "compiling"
    assert list_versions("tld") == [] and leaders_mail(mails) == []
    # WHEN the queue's handler compiles it, THEN while it runs the list shows how far it is
    from chalicelib.awards import candidates
    seen, people = [], candidates.people

    def watching(*args):
        seen.append(read(api, asked["id"], "leader-national")[1])
        return people(*args)
    monkeypatch.setattr(candidates, "people", watching)
    assert helpers.run_compiles(api) == [{"done": ["compiled"]}]
    [halfway] = seen
    # (83 top-level units' best initiatives, then the individuals, then 83 units' collectives)
    assert halfway["status"] == "compiling" and halfway["progress"]["total"] == 2 * 83 + 1
    assert 0 < halfway["progress"]["done"] <= 83 and 0 < halfway["progress"]["percent"] < 100
    # AND then the same id is the list: a draft, emailed to the nation's leader once
    status, listed = read(api, asked["id"], "leader-national")
    assert status == 200 and (listed["status"], listed["version"]) == ("draft", 1)
    assert [e["title"] for e in listed["entries"]["exemplary_initiatives"]] == ["Sáng kiến A", "Sáng kiến B"]
    assert listed["compiled_by"] == "leader-national"
    assert [m.destinations["ToAddresses"] for m in leaders_mail(mails)] == [["leader-national@example.vn"]]


def test_nothing_changed_answers_303_to_the_latest_version_and_writes_nothing(api, stream):
    recognise(api, FPT, "Sáng kiến A", (9, 9, 9), 100_000_000, [HUY])
    deliver(stream)
    first = helpers.compiled(api, HA_NOI, PHASE, "leader-ha-noi")[1]
    mails = len(sent_mail())
    _, asked = ask(api)
    assert asked["id"] == f"{HA_NOI}~{PHASE}~2"
    helpers.run_compiles(api)
    response = api.request("GET", f"/award-lists/{asked['id']}", user="leader-ha-noi")
    assert response.status_code == 303 and response.headers["Location"] == f"/award-lists/{first['id']}"
    assert len(list_versions(HA_NOI)) == 1 and leaders_mail(mails) == []


# ---------------------------------------------------------------- at least once, compiled once

def test_a_message_delivered_twice_compiles_once_with_one_list_and_one_email(api, stream):
    recognise(api, FPT, "Sáng kiến A", (9, 9, 9), 100_000_000, [HUY])
    deliver(stream)
    mails = len(sent_mail())
    response, asked = ask(api)
    # WHEN the leader asks again while it is compiling (a second tab, a double tap)
    again_response, again = ask(api)
    # THEN the same compile is the answer, and one message only is on the queue
    assert again_response.status_code == 202 and again["id"] == asked["id"]
    [message] = helpers.queued_compiles()
    # WHEN SQS delivers that message twice (at least once), and again later
    assert helpers.run_compiles(api, [message, message]) == [{"done": ["compiled"]}, {"done": ["skipped"]}]
    message["attributes"]["ApproximateReceiveCount"] = "2"
    assert helpers.run_compiles(api, [message]) == [{"done": ["skipped"]}]
    # THEN one version, one Excel file, one email
    assert len(list_versions(HA_NOI)) == 1
    assert [m.destinations["ToAddresses"] for m in leaders_mail(mails)] == [["leader-ha-noi@example.vn"]]
    assert read(api, asked["id"])[1]["status"] == "draft"


def test_a_compile_run_twice_at_once_writes_one_version_and_mails_once(api, stream):
    """Two deliveries both past the check (a visibility timeout ran out mid-compile):
    the version and each leader's email are claimed, so still one of each."""
    from chalicelib.awards import access, queue, service, store

    recognise(api, FPT, "Sáng kiến A", (9, 9, 9), 100_000_000, [HUY])
    deliver(stream)
    mails = len(sent_mail())
    _, asked = ask(api)
    [message] = helpers.queued_compiles()
    assert service.run_request(queue.parse(message["body"]), 1) == "compiled"
    # WHEN the second delivery, which had read the request as still compiling, compiles too
    unit, program, phase, _ = access.locate(asked["id"])
    award_list, created = service.compile_list(unit, program, phase, compiled_by="leader-ha-noi")
    # THEN it finds the same content: no second version, no second email
    assert (award_list.version, created) == (1, False)
    assert len(list_versions(HA_NOI)) == 1 and len(leaders_mail(mails)) == 1
    assert store.compile_request(HA_NOI, PHASE).status == store.DONE


# ---------------------------------------------------------------- failure

def test_a_compile_that_keeps_failing_shows_failed_with_its_reason_and_can_be_asked_again(
        api, stream, tmp_path, monkeypatch):
    recognise(api, FPT, "Sáng kiến A", (9, 9, 9), 100_000_000, [HUY])
    deliver(stream)
    # GIVEN a criteria file broken by a deployment
    broken = tmp_path / "criteria.json"
    broken.write_text("{", encoding="utf-8")
    monkeypatch.setenv("AWARD_CRITERIA_FILE", str(broken))
    _, asked = ask(api)
    [message] = helpers.queued_compiles()
    # WHEN the first deliveries fail THEN the handler raises (SQS delivers again) and it is still compiling
    from chalicelib.awards.exceptions import CriteriaError
    for delivery in (1, 2):
        message["attributes"]["ApproximateReceiveCount"] = str(delivery)
        with pytest.raises(CriteriaError):
            helpers.run_compiles(api, [message])
        assert read(api, asked["id"])[1]["status"] == "compiling"
    # WHEN the last attempt fails too THEN the list says failed, and why, in the reader's language
    message["attributes"]["ApproximateReceiveCount"] = "3"
    assert helpers.run_compiles(api, [message]) == [{"done": ["failed"]}]
    status, failed = read(api, asked["id"])
    assert status == 200 and failed["status"] == "failed" and failed["reason"]["code"] == "criteria"
    assert failed["reason"]["message"].startswith("Tệp tiêu chí khen thưởng không hợp lệ")
    english = api.json("GET", f"/award-lists/{asked['id']}", user="leader-ha-noi", headers={"Accept-Language": "en"})
    assert english[1]["reason"]["message"].startswith("The award criteria file is not valid")
    assert list_versions(HA_NOI) == []
    # WHEN the file is mended and the leader asks again THEN the same version is compiled anew
    monkeypatch.delenv("AWARD_CRITERIA_FILE")
    response, again = ask(api)
    assert response.status_code == 202 and again["id"] == asked["id"] and again["status"] == "compiling"
    # (the old message, delivered late, belongs to the failed request: it does nothing)
    assert helpers.run_compiles(api, [message]) == [{"done": ["skipped"]}]
    assert helpers.run_compiles(api) == [{"done": ["compiled"]}]
    assert read(api, asked["id"])[1]["status"] == "draft"


def test_a_compile_whose_handler_was_lost_can_be_asked_again_once_stale(api, stream, now):
    from datetime import timedelta

    from tests.conftest import DEFAULT_NOW

    recognise(api, FPT, "Sáng kiến A", (9, 9, 9), 100_000_000, [HUY])
    deliver(stream)
    _, asked = ask(api)
    helpers.queued_compiles()  # the message is lost
    # Within the stale time, asking again is the same compile (nothing queued twice)
    now(DEFAULT_NOW + timedelta(minutes=10))
    ask(api)
    assert helpers.queued_compiles() == []
    # After it, a new request for the same version is queued
    now(DEFAULT_NOW + timedelta(minutes=21))
    _, again = ask(api)
    assert again["id"] == asked["id"]
    assert helpers.run_compiles(api) == [{"done": ["compiled"]}]


# ---------------------------------------------------------------- the indexes give the same lists

GRASSROOTS = ["cdcs-fpt-cau-giay", "cdcs-thpt-cau-giay", RANG_DONG, SO_Y_TE, "cdcs-buu-dien-ha-noi",
              "cdcs-buu-dien-thanh-hoa", "cdcs-bia-ha-noi-hai-duong", "cdcs-thuoc-la-thanh-hoa"]
NAMES = ["Nguyễn Văn An", "NGUYỄN VĂN AN", "Trần Thị Bình", "Lê Quang Huy", "Phạm Minh Đức", "Vũ Thị Lan"]


def random_recognitions(rng: random.Random, count: int) -> list[dict]:
    """Candidate attributes as the listener makes them, over real units' paths."""
    from chalicelib.awards.candidates import candidate_attributes
    from chalicelib.reference import catalog

    made = []
    for n in range(count):
        unit = catalog.unit(rng.choice(GRASSROOTS))
        authors = []
        for _ in range(rng.choice((1, 1, 2, 3))):
            name = rng.choice(NAMES)
            authors.append({"full_name": name, **({"member_id": f"m-{rng.randrange(4)}"} if rng.random() < .3 else {})})
        submission = {"id": f"01S{n:06d}", "code": f"{rng.randrange(100000):05d}-{n:05d}", "title": f"Sáng kiến {n}",
                      "program_id": "sang-kien-2026-2027", "phase_id": PHASE, "unit_path": list(unit.path),
                      "authors": authors}
        event = {"submission_id": submission["id"], "seq": 3, "at": "2026-11-21T10:00:00.000+07:00",
                 "input": {"scores": {"novelty": rng.randrange(5, 11), "applicability": rng.randrange(5, 11),
                                      "effectiveness": rng.randrange(5, 11)},
                           "confirmed_benefit_vnd": rng.choice((0, 1_000_000, 5_000_000, 5_000_000, 10**15))}}
        made.append(candidate_attributes(event, submission))
    return made


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_lists_read_through_the_indexes_are_the_lists_of_every_candidate(api, seed, tmp_path, monkeypatch):
    from chalicelib.awards import candidates, progress, service
    from chalicelib.awards.compile import compile_lists, units_to_check  # noqa: F401
    from chalicelib.awards.criteria import for_phase, load
    from chalicelib.reference import catalog

    rng = random.Random(seed)
    recognitions = random_recognitions(rng, 60)
    # GIVEN the recognitions written as the listener writes them, some delivered again (replays)
    for attributes in recognitions + rng.sample(recognitions, 15):
        candidates.write(attributes)
    for unit_id, count in {RANG_DONG: 600, SO_Y_TE: 150, "cdcs-fpt-cau-giay": 700}.items():
        from tests.test_awards import set_entered
        set_entered(unit_id, count)
    # AND criteria that let many through (each kind has entries), and the shipped ones
    doc = load()
    doc["phases"][PHASE] = {"exemplary_initiatives": {"min_total_score": 20, "top_per_top_level_unit": 3},
                            "outstanding_individuals": {"min_recognized": 1},  # every author: read without the index
                            "outstanding_collectives": {"min_recognized": 2, "require_target_reached": False}}
    loose = tmp_path / "criteria.json"
    loose.write_text(json.dumps(doc), encoding="utf-8")
    for criteria_file in (str(loose), None):
        if criteria_file:
            monkeypatch.setenv("AWARD_CRITERIA_FILE", criteria_file)
        else:
            monkeypatch.delenv("AWARD_CRITERIA_FILE")
        criteria = for_phase(load(), PHASE)
        for unit_id in ("tld", HA_NOI, "ldld-cau-giay", "cdcs-fpt-cau-giay", "ldld-thanh-hoa"):
            unit = catalog.unit(unit_id)
            # WHEN compiled from the indexes and aggregates
            lists, _ = service.compute(unit, PHASE, "sang-kien-2026-2027")
            # THEN they are the lists a tally of every candidate of the unit's partition gives
            everyone = list(candidates.for_unit(unit_id, PHASE))
            assert everyone, unit_id
            from chalicelib.awards.compile import Tally
            tally = Tally(criteria)
            for candidate in everyone:
                tally.add(candidate)
            standing = progress.grassroots_progress(tally.units_to_check(), "sang-kien-2026-2027", PHASE)
            names = {u: found.name for u, found in catalog.units(
                {c.grassroots_unit_id for c in everyone} | {c.top_level_unit_id for c in everyone}).items()}
            assert lists == compile_lists(everyone, criteria, standing, names), (seed, unit_id, criteria_file)
        if criteria_file:
            counts = {kind: len(lists[kind]) for kind in lists}
            assert all(counts.values()), counts  # every kind was compared with entries in it


# ---------------------------------------------------------------- cost independent of volume

def test_compiling_the_national_list_costs_the_same_with_few_and_many_recognised(api):
    """bench/cost_meter.py's rows at a small scale: the partitions and the
    authors who do not qualify grow tenfold, the list stays, the calls and
    request units of the compile stay."""
    from bench import cost_meter

    small = cost_meter.measure_award_compile(api, recognized=1_000, unread_per_partition=2, unread_people=20,
                                             phase_id="sk2627-gd1")
    large = cost_meter.measure_award_compile(api, recognized=100_000, unread_per_partition=20, unread_people=200,
                                             phase_id="sk2627-gd2")
    for step in ("request", "compile"):
        assert (small[step]["calls"], small[step]["rcu_rules"], small[step]["wcu_rules"]) == \
               (large[step]["calls"], large[step]["rcu_rules"], large[step]["wcu_rules"]), step
    assert small["compile"]["calls"]["Query"] >= 83 * 2 + 1  # each top-level unit's best, the people, the unions
    assert "Scan" not in small["compile"]["calls"]
    assert small["entries"] == large["entries"] and small["entries"]["outstanding_individuals"] > 0
    assert settings.award_list_queue()  # the rows went through the queue's handler
