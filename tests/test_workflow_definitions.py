"""Workflow definitions: checked when loaded, interchangeable, documented.

- broken definitions are refused at load, naming the place (JSON Pointer);
- other definitions (tests/definitions/*.json) run through the same engine and
  HTTP API unchanged, when WORKFLOW_DEFINITION points at them;
- docs/workflow.md carries the diagram generated from the default definition.
"""
import copy
import json
import os
import subprocess
import sys

import pytest

from chalicelib.workflow import definition
from tests.conftest import ROOT
from tests.helpers import attempt, deliver, enter, fire

DEFINITIONS = os.path.join(ROOT, "tests", "definitions")
DOC = os.path.join(ROOT, "docs", "workflow.md")
SCORES = {"novelty": 8, "applicability": 9, "effectiveness": 7}


def default_doc() -> dict:
    with open(definition.DEFAULT_PATH, encoding="utf-8") as f:
        return json.load(f)


def transition_index(doc: dict, event: str) -> int:
    return next(i for i, t in enumerate(doc["transitions"]) if t["event"] == event)


# --------------------------------------------------------------------------- loading and checking

def test_the_default_definition_loads():
    workflow = definition.default()
    assert workflow.start_at == "pending"
    assert set(workflow.states) == {"pending", "valid", "invalid", "needs_revision", "under_review", "recognized",
                                    "not_recognized", "withdrawn"}
    assert sorted(workflow.transitions) == ["decline", "invalidate", "recognize", "request_revision", "resubmit",
                                            "start_review", "validate", "withdraw"]
    assert {name for name, s in workflow.states.items() if s.final} == {"invalid", "recognized", "not_recognized",
                                                                         "withdrawn"}


def unreachable_state(doc):
    doc["states"]["archived"] = {"name": {"vi": "Lưu trữ", "en": "Archived"}, "final": True}


def exit_from_final_state(doc):
    doc["transitions"].append({"event": "reopen", "label": {"vi": "Mở lại", "en": "Reopen"},
                               "from": ["recognized"], "to": "pending", "by": [{"role": "author"}]})


def non_final_state_without_exit(doc):
    # needs_revision is left only by resubmit and withdraw: take both away from it
    doc["transitions"].pop(transition_index(doc, "resubmit"))
    doc["transitions"][transition_index(doc, "withdraw")]["from"] = ["pending"]


def unknown_effect(doc):
    doc["transitions"][transition_index(doc, "validate")]["effects"] = ["notify_author", "send_fax"]


def unknown_state_in_transition(doc):
    doc["transitions"][transition_index(doc, "validate")]["to"] = "approved"


def duplicate_event(doc):
    doc["transitions"].append(copy.deepcopy(doc["transitions"][transition_index(doc, "validate")]))


def reviewer_without_level(doc):
    del doc["transitions"][transition_index(doc, "start_review")]["by"][0]["level"]


def no_final_state_reachable(doc):
    # under_review can now only go to a "parked" state and back: neither ever ends
    doc["states"]["parked"] = {"name": {"vi": "Tạm dừng", "en": "Parked"}}
    for event in ("recognize", "decline"):
        doc["transitions"][transition_index(doc, event)]["from"] = ["parked"]
        doc["transitions"][transition_index(doc, event)]["to"] = "under_review"
    doc["transitions"].append({"event": "park", "label": {"vi": "Tạm dừng", "en": "Park"}, "from": ["under_review"],
                               "to": "parked", "by": [{"role": "reviewer", "level": "upper_grassroots"}]})
    # (recognized and not_recognized are now unreachable too; that is reported as well)


def edit_event_from_a_state_authors_cannot_edit(doc):
    doc["transitions"][transition_index(doc, "resubmit")]["from"] = ["needs_revision", "pending"]


def two_edit_events(doc):
    doc["transitions"][transition_index(doc, "withdraw")]["after_edit"] = True


def edit_state_without_its_event(doc):
    del doc["transitions"][transition_index(doc, "resubmit")]["after_edit"]


def benefit_confirmed_outside_recognition(doc):
    doc["states"]["valid"]["confirms_benefit"] = True


def award_candidate_into_an_unrecognised_state(doc):
    doc["transitions"][transition_index(doc, "decline")]["effects"] = ["notify_author", "award_candidate"]


def event_named_like_a_history_event(doc):
    doc["transitions"][transition_index(doc, "start_review")]["event"] = "edited"


BROKEN = [
    # (how it is broken, the place and message that must be reported)
    (unreachable_state, "/states/archived", "state 'archived' cannot be reached from 'pending'"),
    (exit_from_final_state, "/transitions/8/from", "final state 'recognized' cannot have an exit"),
    (non_final_state_without_exit, "/states/needs_revision", "state 'needs_revision' is not final and has no exit"),
    (unknown_effect, "/transitions/0/effects", "unknown effect 'send_fax'"),
    (unknown_state_in_transition, "/transitions/0", "unknown state 'approved'"),
    (duplicate_event, "/transitions/8/event", "event 'validate' is declared twice"),
    (reviewer_without_level, "/transitions/5/by/0/level", "required"),
    (no_final_state_reachable, "/states/under_review", "no final state can be reached from 'under_review'"),
    (edit_event_from_a_state_authors_cannot_edit, "/transitions/3/after_edit",
     "the edit's event is fired by authors, from states where they may edit"),
    (two_edit_events, "/states/needs_revision/author_may_edit",
     "authors edit in 'needs_revision', so exactly one event leaving it must be the edit's (after_edit), not 2"),
    (edit_state_without_its_event, "/states/needs_revision/author_may_edit",
     "authors edit in 'needs_revision', so exactly one event leaving it must be the edit's (after_edit), not 0"),
    (benefit_confirmed_outside_recognition, "/states/valid/confirms_benefit",
     "state 'valid' confirms the benefit but does not count as recognised"),
    (award_candidate_into_an_unrecognised_state, "/transitions/7/effects",
     "effect 'award_candidate' needs a state flagged recognized, and 'not_recognized' is not"),
    (event_named_like_a_history_event, "/transitions/5/event", "'edited' names a history event of its own"),
]


@pytest.mark.parametrize("breakage, place, message", BROKEN, ids=[b[0].__name__ for b in BROKEN])
def test_a_broken_definition_is_refused_at_load_naming_the_place(breakage, place, message):
    # GIVEN the default definition, broken in one way
    doc = default_doc()
    breakage(doc)
    # WHEN it is loaded
    with pytest.raises(definition.DefinitionError) as refused:
        definition.Definition.from_json(doc)
    # THEN it is refused, and the problems name the place and what is wrong there
    assert (place, message) in refused.value.problems, refused.value.problems
    assert place in str(refused.value)


# --------------------------------------------------------------------------- other definitions, same app

@pytest.fixture
def workflow_file(monkeypatch):
    """Point the app at another definition file (WORKFLOW_DEFINITION) for one test."""
    def use(name: str):
        monkeypatch.setenv("WORKFLOW_DEFINITION", os.path.join(DEFINITIONS, name))
        definition.default.cache_clear()
        return definition.default()
    definition.default.cache_clear()
    yield use
    monkeypatch.undo()
    definition.default.cache_clear()


def attempt_step(api, submission, event, user, **payload):
    """`helpers.attempt` on `submission` at the version it has: (status, answer)."""
    return attempt(api, submission["id"], event, submission["version"], user, **payload)


def step(api, submission, event, user, **payload) -> dict:
    """`helpers.fire` on `submission` at the version it has; returns the initiative as it is now."""
    return fire(api, submission["id"], event, submission["version"], user, **payload)["submission"]


def queue_ids(api, user) -> list[str]:
    status, page = api.json("GET", "/queue", user=user)
    assert status == 200, page
    return [item["id"] for item in page["items"]]


def history(api, submission, user):
    status, page = api.json("GET", f"/submissions/{submission['id']}/history", user=user)
    assert status == 200, page
    return [(e["event"], e["from"], e["to"], e["actor"]["id"]) for e in page["items"]]


def test_what_states_mean_is_read_from_their_flags():
    # GIVEN the default definition and the one with a national level
    default = definition.default()
    national = definition.load(os.path.join(DEFINITIONS, "with_national.json"))
    # THEN recognition is a flag, not a state's name: one state here, five there
    assert default.states_where("recognized") == default.states_where("confirms_benefit") == {"recognized"}
    assert national.states_where("confirms_benefit") == {"recognized", "recognized_only", "nominated",
                                                         "national_award", "no_national_award"}
    # AND the edit page's event is the one flagged after_edit, from the one state authors edit in
    assert default.states_where("author_may_edit") == {"needs_revision"}
    assert default.after_edit("needs_revision").event == "resubmit" and default.after_edit("pending") is None


def test_the_spelling_of_levels_and_scores_is_the_one_of_the_schemas():
    from chalicelib import validation
    from chalicelib.levels import Level

    workflow = validation.load_schema("workflow")
    assert set(workflow["$defs"]["level"]["enum"]) == {level.value for level in Level}
    request = validation.load_schema("transition-request")
    assert tuple(request["$defs"]["scores"]["properties"]) == definition.SCORES
    assert set(request["$defs"]["scores"]["required"]) == set(definition.SCORES)


def test_the_test_definitions_load_and_differ_from_the_default():
    single = definition.load(os.path.join(DEFINITIONS, "single_level.json"))
    national = definition.load(os.path.join(DEFINITIONS, "with_national.json"))
    assert "valid" not in single.states and "validate" not in single.transitions
    assert {a.level for t in single.transitions.values() for a in t.by} == {"grassroots", None}
    assert national.states["nominated"].queue == "national"
    assert {a.level for a in national.transitions["award"].by} == {"national"}


def test_a_single_level_definition_runs_through_the_same_api(api, workflow_file):
    # GIVEN the app running a one-level workflow: the grassroots union recognises directly
    workflow = workflow_file("single_level.json")
    assert workflow.states["pending"].queue == "grassroots"
    submission = enter(api)
    # THEN the new initiative is named by this definition and waits for the grassroots reviewer
    assert submission["status"] == "pending"
    assert submission["status_name"] == {"vi": "Chờ công nhận", "en": "Awaiting recognition"}
    assert submission["id"] in queue_ids(api, "reviewer-rang-dong")
    assert submission["id"] not in queue_ids(api, "reviewer-cong-thuong")
    status, read = api.json("GET", f"/submissions/{submission['id']}", user="reviewer-rang-dong")
    assert sorted(e["event"] for e in read["allowed_events"]) == ["decline", "recognize", "request_revision"]

    # WHEN the reviewer tries the default definition's first step, THEN that event does not exist here
    status, answer = attempt_step(api, submission, "validate", "reviewer-rang-dong")
    assert status == 422 and answer["errors"][0]["code"] == "unknown_event"
    # AND the union above has no say in this workflow
    status, answer = attempt_step(api, submission, "recognize", "reviewer-cong-thuong", scores=SCORES,
                                  confirmed_benefit_vnd=900_000_000)
    assert status == 403, answer

    # WHEN the reviewer returns it, the author resubmits, and the reviewer recognises it with scores
    submission = step(api, submission, "request_revision", "reviewer-rang-dong",
                      reason="Bổ sung số liệu tiết kiệm điện năng")
    assert submission["status"] == "needs_revision"
    assert submission["id"] not in queue_ids(api, "reviewer-rang-dong")
    submission = step(api, submission, "resubmit", "worker-rang-dong")
    assert submission["status"] == "pending" and submission["id"] in queue_ids(api, "reviewer-rang-dong")
    status, answer = attempt_step(api, submission, "recognize", "reviewer-rang-dong",
                                  confirmed_benefit_vnd=900_000_000)
    assert status == 422 and answer["errors"][0]["path"] == "/scores"
    submission = step(api, submission, "recognize", "reviewer-rang-dong", scores=SCORES,
                      confirmed_benefit_vnd=900_000_000)

    # THEN it is recognised at the grassroots level, final, and waits for nobody
    assert submission["status"] == "recognized" and submission["version"] == 4
    assert submission["status_name"]["vi"] == "Được công nhận cấp cơ sở"
    assert submission["id"] not in queue_ids(api, "reviewer-rang-dong")
    assert submission["id"] not in queue_ids(api, "reviewer-cong-thuong")
    status, answer = attempt_step(api, submission, "withdraw", "worker-rang-dong")
    assert status == 409 and answer["current"] == {"status": "recognized", "version": 4}
    # AND the history tells the whole story
    assert history(api, submission, "worker-rang-dong") == [
        ("submitted", None, "pending", "worker-rang-dong"),
        ("request_revision", "pending", "needs_revision", "reviewer-rang-dong"),
        ("resubmit", "needs_revision", "pending", "worker-rang-dong"),
        ("recognize", "pending", "recognized", "reviewer-rang-dong"),
    ]
    status, page = api.json("GET", f"/submissions/{submission['id']}/history", user="worker-rang-dong")
    assert page["items"][-1]["input"] == {"scores": SCORES, "confirmed_benefit_vnd": 900_000_000}
    assert page["items"][-1]["effects"] == ["notify_author", "award_candidate"]


NATIONAL_REVIEWER = {  # no demo user reviews at the national level; this one exists only in this test's token
    "id": "reviewer-national", "full_name": "Lý Thị Hạnh", "email": "reviewer-national@example.vn",
    "roles": ["reviewer"], "unit_id": "tld"}


def test_a_definition_with_a_national_level_runs_through_the_same_api(api, workflow_file):
    # GIVEN the app running a workflow with a national level on top of the default one
    workflow_file("with_national.json")
    api.users[NATIONAL_REVIEWER["id"]] = NATIONAL_REVIEWER
    # AND an initiative of cdcs-fpt-cau-giay (tld > ldld-ha-noi > ldld-cau-giay > cdcs-fpt-cau-giay)
    submission = enter(api, user="worker-fpt", unit_id="cdcs-fpt-cau-giay", authors=[
        {"full_name": "Lê Quang Huy", "member_id": "worker-fpt", "share_percent": 100}])
    assert submission["id"] in queue_ids(api, "reviewer-fpt")

    # WHEN the grassroots union validates it and the upper-grassroots union reviews and recognises it
    submission = step(api, submission, "validate", "reviewer-fpt")
    assert submission["id"] in queue_ids(api, "reviewer-cau-giay")
    submission = step(api, submission, "start_review", "reviewer-cau-giay")
    submission = step(api, submission, "recognize", "reviewer-cau-giay", scores=SCORES,
                      confirmed_benefit_vnd=2_000_000_000)
    # THEN, recognised, it is not final here: it waits for the top-level unit to nominate it
    assert submission["status"] == "recognized"
    assert submission["id"] in queue_ids(api, "reviewer-ha-noi")
    assert submission["id"] not in queue_ids(api, "reviewer-cau-giay")
    status, answer = attempt_step(api, submission, "nominate", "reviewer-cau-giay")
    assert status == 403, answer

    # WHEN the top-level unit nominates it
    submission = step(api, submission, "nominate", "reviewer-ha-noi", reason="Có thể nhân rộng toàn ngành")
    # THEN it waits for the national level, under the state name the definition gives
    assert submission["status"] == "nominated"
    assert submission["status_name"] == {"vi": "Được đề cử cấp toàn quốc", "en": "Nominated nationally"}
    assert submission["id"] in queue_ids(api, "reviewer-national")
    assert submission["id"] not in queue_ids(api, "reviewer-ha-noi")
    status, read = api.json("GET", f"/submissions/{submission['id']}", user="reviewer-national")
    assert sorted(e["event"] for e in read["allowed_events"]) == ["award", "deny_award"]
    for outsider in ("reviewer-ha-noi", "reviewer-fpt"):
        status, answer = attempt_step(api, submission, "award", outsider, scores=SCORES)
        assert status == 403, (outsider, answer)

    # WHEN the national reviewer gives it an award
    submission = step(api, submission, "award", "reviewer-national", scores=SCORES)
    # THEN it is finished, in nobody's queue, and the history shows every level in turn
    assert submission["status"] == "national_award" and submission["version"] == 6
    for reviewer in ("reviewer-fpt", "reviewer-cau-giay", "reviewer-ha-noi", "reviewer-national"):
        assert submission["id"] not in queue_ids(api, reviewer), reviewer
    assert history(api, submission, "worker-fpt") == [
        ("submitted", None, "pending", "worker-fpt"),
        ("validate", "pending", "valid", "reviewer-fpt"),
        ("start_review", "valid", "under_review", "reviewer-cau-giay"),
        ("recognize", "under_review", "recognized", "reviewer-cau-giay"),
        ("nominate", "recognized", "nominated", "reviewer-ha-noi"),
        ("award", "nominated", "national_award", "reviewer-national"),
    ]


def test_a_recognised_initiative_moving_on_keeps_its_confirmed_benefit_counted(api, stream, workflow_file):
    # GIVEN the workflow with a national level, where "recognized" is not the last state: a
    # recognised initiative moves on to "nominated" (and beyond), recognised all the same
    workflow_file("with_national.json")
    submission = enter(api, user="worker-fpt", unit_id="cdcs-fpt-cau-giay", authors=[
        {"full_name": "Lê Quang Huy", "member_id": "worker-fpt", "share_percent": 100}])
    submission = step(api, submission, "validate", "reviewer-fpt")
    submission = step(api, submission, "start_review", "reviewer-cau-giay")
    submission = step(api, submission, "recognize", "reviewer-cau-giay", scores=SCORES,
                      confirmed_benefit_vnd=2_000_000_000)
    deliver(stream)

    def confirmed(unit_id):
        status, stats = api.json("GET", f"/stats/units/{unit_id}?phase={submission['phase']}", user="leader-ha-noi")
        assert status == 200, stats
        return stats["unit"]["benefit_confirmed_vnd"]
    assert confirmed("ldld-ha-noi") == confirmed("ldld-cau-giay") == 2_000_000_000
    # WHEN the top-level unit nominates it nationally
    step(api, submission, "nominate", "reviewer-ha-noi", reason="Có thể nhân rộng toàn ngành")
    deliver(stream)
    # THEN its confirmed benefit still counts, in every unit on its path
    assert confirmed("ldld-ha-noi") == confirmed("ldld-cau-giay") == 2_000_000_000


def test_after_another_definition_the_default_is_back(api):
    # (runs after the tests above: the fixture restored the env and cleared the cache)
    assert "WORKFLOW_DEFINITION" not in os.environ
    assert "nominated" not in definition.default().states
    submission = enter(api)
    assert submission["status_name"] == {"vi": "Chờ duyệt", "en": "Pending"}


# --------------------------------------------------------------------------- the generated diagram

def generated_block(text: str) -> str:
    begin, end = "<!-- BEGIN GENERATED: mermaid -->", "<!-- END GENERATED -->"
    assert text.count(begin) == 1 and text.count(end) == 1, f"{DOC} must hold the markers once each"
    inner = text[text.index(begin) + len(begin):text.index(end)]
    assert inner.startswith("\n```mermaid\n") and inner.endswith("\n```\n"), "the block must be one mermaid fence"
    return inner[len("\n```mermaid\n"):-len("```\n")]


def test_the_workflow_doc_shows_the_diagram_of_the_default_definition():
    # GIVEN docs/workflow.md; WHEN its generated block is compared with the definition's diagram
    with open(DOC, encoding="utf-8") as f:
        shown = generated_block(f.read())
    # THEN they are the same
    assert shown == definition.default().mermaid(), (
        "docs/workflow.md is out of date with chalicelib/workflow/definition.json: "
        "run .venv/bin/python scripts/make_workflow_doc.py")


def test_the_doc_script_rewrites_only_the_generated_block(tmp_path):
    # GIVEN a copy of the doc whose diagram is stale, and prose around it
    with open(DOC, encoding="utf-8") as f:
        text = f.read()
    stale = text.replace("pending --> valid: validate", "pending --> valid: approve")
    assert stale != text
    copy_path = tmp_path / "workflow.md"
    copy_path.write_text(stale, encoding="utf-8")
    script = [sys.executable, os.path.join(ROOT, "scripts", "make_workflow_doc.py"), "--doc", str(copy_path)]
    env = {k: v for k, v in os.environ.items() if k != "WORKFLOW_DEFINITION"}
    # WHEN it is checked, THEN it is reported out of date and left alone
    checked = subprocess.run([*script, "--check"], capture_output=True, text=True, env=env)
    assert checked.returncode == 1 and "make_workflow_doc.py" in checked.stderr
    assert copy_path.read_text(encoding="utf-8") == stale
    # WHEN the script runs, THEN the block is the generated diagram again and the prose is untouched
    ran = subprocess.run(script, capture_output=True, text=True, env=env)
    assert ran.returncode == 0, ran.stderr
    rewritten = copy_path.read_text(encoding="utf-8")
    assert generated_block(rewritten) == definition.default().mermaid()
    outside = lambda doc: (doc.split("<!-- BEGIN GENERATED")[0], doc.split("<!-- END GENERATED -->")[1])  # noqa: E731
    assert outside(rewritten) == outside(stale)
    # AND running it again changes nothing
    assert subprocess.run([*script, "--check"], capture_output=True, text=True, env=env).returncode == 0
