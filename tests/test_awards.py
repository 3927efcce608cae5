"""Award lists (chalicelib/awards/): candidates from the `award_candidate`
effect, compiling by the criteria file, versions and approval, the Excel file
in S3, the leaders' email and the end-of-phase schedule.

The seeded dataset (`dataset`) drives initiatives of three grassroots unions
to `recognized` through the API, delivers the stream, and sets the unions'
entered counters; the expected lists below are worked out by hand from it."""
import html
import io
import json
import random
from datetime import date

import boto3
import pytest

from chalicelib import settings, validation
from tests import helpers
from tests.conftest import sent_mail
from tests.helpers import deliver, fire

PHASE = "sk2627-gd1"  # open on the tests' default date, 2026-11-21; ends 2026-12-31
FPT, RANG_DONG, SO_Y_TE = "cdcs-fpt-cau-giay", "cdcs-rang-dong", "cdcs-so-y-te-thanh-hoa"
HA_NOI, CONG_THUONG, THANH_HOA = "ldld-ha-noi", "cd-cong-thuong", "ldld-thanh-hoa"
# Who enters, who validates (grassroots), who reviews and recognises (the union above).
CHAINS = {
    FPT: ("worker-fpt", "reviewer-fpt", "reviewer-cau-giay"),
    RANG_DONG: ("worker-rang-dong", "reviewer-rang-dong", "reviewer-cong-thuong"),
    SO_Y_TE: ("worker-so-y-te", "reviewer-so-y-te", "reviewer-vien-chuc-thanh-hoa"),
}
HUY = {"full_name": "Lê Quang Huy", "member_id": "worker-fpt"}
LAN = {"full_name": "Vũ Thị Lan"}
AN = {"full_name": "Nguyễn Văn An", "member_id": "worker-rang-dong"}
BINH = {"full_name": "Trần Thị Bình"}

# name: (unit, (novelty, applicability, effectiveness), confirmed benefit, authors)
RECOGNISED = {
    "F1": (FPT, (9, 9, 8), 900_000_000, [HUY]),
    "F2": (FPT, (8, 8, 8), 1_200_000_000, [HUY, LAN]),
    "F3": (FPT, (9, 8, 7), 1_200_000_000, [{"full_name": "Phạm Minh Anh", "member_id": "worker-fpt-en"}]),
    "F4": (FPT, (7, 7, 7), 300_000_000, [{"full_name": "VŨ THỊ LAN"}]),  # the same Lan, typed in capitals
    "F5": (FPT, (8, 7, 8), 2_000_000_000, [HUY]),
    "F6": (FPT, (10, 10, 10), 50_000_000, [{"full_name": "Đỗ Văn Nam"}]),
    "F7": (FPT, (6, 7, 7), 5_000_000_000, [HUY]),
    "R1": (RANG_DONG, (9, 9, 9), 700_000_000, [AN, BINH]),
    "R2": (RANG_DONG, (7, 7, 6), 100_000_000, [AN]),
    "R3": (RANG_DONG, (8, 8, 8), 400_000_000, [BINH]),
    "S1": (SO_Y_TE, (8, 9, 9), 150_000_000, [{"full_name": "Lê Thị Thu Hà", "member_id": "worker-so-y-te"}]),
}
# Initiatives entered in the phase (the counters), against the demo targets
# (FPT 600, Rạng Đông 500, Sở Y tế 100).
ENTERED = {FPT: 640, RANG_DONG: 480, SO_Y_TE: 150}
CONFIRM = {"confirm": True}  # what a leader sends to approve a list


# ---------------------------------------------------------------- helpers

def enter_in(api, unit, title, authors):
    """An initiative of `unit` entered by its worker, the authors sharing it equally."""
    shares = [100 // len(authors)] * len(authors)
    shares[0] += 100 - sum(shares)
    return helpers.enter(api, user=CHAINS[unit][0], unit_id=unit, title=title,
                         authors=[{**author, "share_percent": share} for author, share in zip(authors, shares)])


def recognise(api, unit, title, scores, benefit, authors) -> str:
    """Enter an initiative and take it to `recognized`; returns its tracking code."""
    created = enter_in(api, unit, title, authors)
    _, validator, reviewer = CHAINS[unit]
    fire(api, created["id"], "validate", 1, validator)
    fire(api, created["id"], "start_review", 2, reviewer)
    fire(api, created["id"], "recognize", 3, reviewer, confirmed_benefit_vnd=benefit,
         scores=dict(zip(("novelty", "applicability", "effectiveness"), scores)))
    return created["code"]


def set_entered(unit, count, phase=PHASE):
    """What the counters say was entered in `unit` in the phase."""
    boto3.client("dynamodb").update_item(
        TableName=settings.table_name("counters"), Key={"pk": {"S": f"COUNT#{unit}#{phase}"}, "sk": {"S": "TOTAL"}},
        UpdateExpression="SET entered = :n", ExpressionAttributeValues={":n": {"N": str(count)}})


def compile_list(api, unit, user, phase=PHASE):
    """Ask for the list (202), run the queue's handler, read the list back: 201
    for a new version, 200 when nothing changed (see helpers.compiled)."""
    return helpers.compiled(api, unit, phase, user)


def list_versions(unit, phase=PHASE) -> list[dict]:
    answer = boto3.client("dynamodb").query(
        TableName=settings.table_name("awards"), KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"LIST#{unit}#{phase}"}})
    return answer["Items"]


def mail_since(before: int) -> list:
    return sent_mail()[before:]


def leaders_mail(before: int) -> list:
    """Award-list mails only (authors are mailed about their initiatives too)."""
    return [m for m in mail_since(before) if any(a.startswith("leader-") for a in m.destinations["ToAddresses"])]


def valid(schema, body):
    problems = validation.problems(schema, body)
    assert problems == [], problems
    return body


@pytest.fixture
def dataset(api, stream):
    """The seeded dataset: name → tracking code."""
    codes = {name: recognise(api, unit, f"Sáng kiến {name}", scores, benefit, authors)
             for name, (unit, scores, benefit, authors) in RECOGNISED.items()}
    declined = enter_in(api, FPT, "Sáng kiến không được công nhận", [HUY])
    fire(api, declined["id"], "validate", 1, "reviewer-fpt")
    fire(api, declined["id"], "start_review", 2, "reviewer-cau-giay")
    fire(api, declined["id"], "decline", 3, "reviewer-cau-giay", reason="Hiệu quả chưa được chứng minh.")
    enter_in(api, FPT, "Sáng kiến còn chờ duyệt", [HUY])
    deliver(stream)
    for unit, count in ENTERED.items():
        set_entered(unit, count)
    return codes


def by_code(codes, *names):
    """Names of initiatives that tie on score and benefit, in tracking-code order."""
    return sorted(names, key=lambda name: codes[name])


def exemplary_rows(entries):
    return [(e["rank"], e["title"].removeprefix("Sáng kiến "), e["score_total"], e["confirmed_benefit_vnd"],
             e["unit_id"], e["top_level_unit_id"]) for e in entries["exemplary_initiatives"]]


def individual_rows(entries):
    return [(e["rank"], e["full_name"], e["member_id"], e["unit_id"], e["recognized_count"],
             e["confirmed_benefit_vnd"], e["codes"]) for e in entries["outstanding_individuals"]]


def collective_rows(entries):
    return [(e["rank"], e["unit_id"], e["recognized_count"], e["entered"], e["target"], e["confirmed_benefit_vnd"])
            for e in entries["outstanding_collectives"]]


# ---------------------------------------------------------------- the lists, by hand

def test_lists_on_a_seeded_dataset_are_the_ones_worked_out_by_hand(api, dataset):
    codes = dataset
    f2_f3 = by_code(codes, "F2", "F3")  # 24 points and 1.2 billion each: the tracking code decides
    lan = "Vũ Thị Lan" if codes["F2"] < codes["F4"] else "VŨ THỊ LAN"  # as on her first initiative by code

    # WHEN Hà Nội's leader compiles Hà Nội's list (default criteria: ≥ 21 points,
    # best 5 per top-level unit; individuals ≥ 2; collectives ≥ 3 and target reached)
    status, hanoi = compile_list(api, HA_NOI, "leader-ha-noi")
    assert status == 201, hanoi
    valid("award-list", hanoi)
    # THEN exemplary: 6 initiatives reach 21 points (F7 has 20), the best 5 are kept (F4 is 6th)
    assert exemplary_rows(hanoi["entries"]) == [
        (1, "F6", 30, 50_000_000, FPT, HA_NOI),
        (2, "F1", 26, 900_000_000, FPT, HA_NOI),
        (3, f2_f3[0], 24, 1_200_000_000, FPT, HA_NOI),
        (3, f2_f3[1], 24, 1_200_000_000, FPT, HA_NOI),
        (5, "F5", 23, 2_000_000_000, FPT, HA_NOI),
    ]
    # AND individuals: Huy (F1, F2, F5, F7: 0.9 + 1.2 + 2 + 5 billion) and Lan (F2, F4, whose
    # capitals fold to the same name in the same union); Anh and Nam have one each; the
    # declined and the pending initiatives do not count
    assert individual_rows(hanoi["entries"]) == [
        (1, "Lê Quang Huy", "worker-fpt", FPT, 4, 9_100_000_000, sorted(codes[n] for n in ("F1", "F2", "F5", "F7"))),
        (2, lan, None, FPT, 2, 1_500_000_000, sorted([codes["F2"], codes["F4"]])),
    ]
    # AND collectives: FPT, 7 recognised and 640 entered against a target of 600
    assert collective_rows(hanoi["entries"]) == [(1, FPT, 7, 640, 600, 10_650_000_000)]
    assert hanoi["counts"] == {"exemplary_initiatives": 5, "outstanding_individuals": 2, "outstanding_collectives": 1}
    assert hanoi["entries"]["exemplary_initiatives"][0]["unit_name"] == "Công đoàn Công ty TNHH Phần mềm FPT"
    assert hanoi["entries"]["exemplary_initiatives"][0]["top_level_unit_name"] == "Liên đoàn Lao động Thành phố Hà Nội"
    assert hanoi["criteria"]["exemplary_initiatives"] == {"min_total_score": 21, "top_per_top_level_unit": 5}

    # WHEN the national leader compiles the nation's list
    status, nation = compile_list(api, "tld", "leader-national")
    assert status == 201, nation
    # THEN the best 5 of each top-level unit, all together by score then benefit (F2 and F3 tied)
    assert exemplary_rows(nation["entries"]) == [
        (1, "F6", 30, 50_000_000, FPT, HA_NOI),
        (2, "R1", 27, 700_000_000, RANG_DONG, CONG_THUONG),
        (3, "F1", 26, 900_000_000, FPT, HA_NOI),
        (4, "S1", 26, 150_000_000, SO_Y_TE, THANH_HOA),
        (5, f2_f3[0], 24, 1_200_000_000, FPT, HA_NOI),
        (5, f2_f3[1], 24, 1_200_000_000, FPT, HA_NOI),
        (7, "R3", 24, 400_000_000, RANG_DONG, CONG_THUONG),
        (8, "F5", 23, 2_000_000_000, FPT, HA_NOI),
    ]
    # AND Bình (R1, R3) and An (R1, R2) join, by benefit
    assert [(r[1], r[4], r[5]) for r in individual_rows(nation["entries"])] == [
        ("Lê Quang Huy", 4, 9_100_000_000), (lan, 2, 1_500_000_000),
        ("Trần Thị Bình", 2, 1_100_000_000), ("Nguyễn Văn An", 2, 800_000_000)]
    # AND Rạng Đông has 3 recognised but 480 entered of 500: not a collective
    assert collective_rows(nation["entries"]) == [(1, FPT, 7, 640, 600, 10_650_000_000)]

    # WHEN a leader above it compiles Công Thương's list THEN only its subtree counts
    status, industry = compile_list(api, CONG_THUONG, "leader-national")
    assert status == 201
    assert [r[1] for r in exemplary_rows(industry["entries"])] == ["R1", "R3"]
    assert [r[1] for r in individual_rows(industry["entries"])] == ["Trần Thị Bình", "Nguyễn Văn An"]
    assert industry["entries"]["outstanding_collectives"] == []


def test_changing_the_criteria_file_changes_the_lists(api, dataset, tmp_path, monkeypatch):
    # GIVEN Hà Nội's and the nation's lists under the shipped criteria
    assert compile_list(api, HA_NOI, "leader-ha-noi")[0] == 201
    assert compile_list(api, "tld", "leader-national")[0] == 201
    # WHEN the file says, for this phase: 25 points, best 2 per top-level unit, individuals
    # with 3 recognised, collectives with 3 whether or not they reached their target
    from chalicelib.awards import criteria
    with open(criteria.DEFAULT_FILE, encoding="utf-8") as f:
        doc = json.load(f)
    doc["phases"][PHASE] = {"exemplary_initiatives": {"min_total_score": 25, "top_per_top_level_unit": 2},
                            "outstanding_individuals": {"min_recognized": 3},
                            "outstanding_collectives": {"require_target_reached": False}}
    changed = tmp_path / "criteria.json"
    changed.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("AWARD_CRITERIA_FILE", str(changed))
    # THEN compiling again gives new versions with the new lists; the code is the same
    status, hanoi = compile_list(api, HA_NOI, "leader-ha-noi")
    assert status == 201 and hanoi["version"] == 2
    assert [r[1] for r in exemplary_rows(hanoi["entries"])] == ["F6", "F1"]
    assert [r[1] for r in individual_rows(hanoi["entries"])] == ["Lê Quang Huy"]
    assert hanoi["criteria"] == {
        "exemplary_initiatives": {"min_total_score": 25, "top_per_top_level_unit": 2},
        "outstanding_individuals": {"min_recognized": 3},
        "outstanding_collectives": {"min_recognized": 3, "require_target_reached": False}}
    status, nation = compile_list(api, "tld", "leader-national")
    assert status == 201 and nation["version"] == 2
    assert [r[1] for r in exemplary_rows(nation["entries"])] == ["F6", "R1", "F1", "S1"]  # R3 has 24
    # AND Rạng Đông is a collective now that the target is not required
    assert collective_rows(nation["entries"]) == [(1, FPT, 7, 640, 600, 10_650_000_000),
                                                  (2, RANG_DONG, 3, 480, 500, 1_200_000_000)]
    # AND another phase keeps the defaults and its own overrides
    from chalicelib.awards.criteria import for_phase, load
    assert for_phase(load(), "sk2627-gd2").exemplary_initiatives.min_total_score == 21
    assert for_phase(load(), "mtsk-gd1").exemplary_initiatives.top_per_top_level_unit == 30


def test_a_criteria_file_that_breaks_its_schema_is_refused(tmp_path, monkeypatch):
    from chalicelib.awards import criteria
    from chalicelib.awards.exceptions import CriteriaError

    broken = tmp_path / "criteria.json"
    broken.write_text(json.dumps({"defaults": {"exemplary_initiatives": {"min_total_score": 31}},
                                  "phases": {"sk2627-gd1": {}}}), encoding="utf-8")
    monkeypatch.setenv("AWARD_CRITERIA_FILE", str(broken))
    with pytest.raises(CriteriaError) as refused:
        criteria.load()
    assert {("/defaults/exemplary_initiatives/min_total_score", "too_large"),
            ("/defaults/outstanding_individuals", "required"),
            ("/phases/sk2627-gd1", "invalid")} <= set(refused.value.places)
    assert criteria.load(criteria.DEFAULT_FILE)["defaults"]  # the shipped file is valid


# ---------------------------------------------------------------- same data, same list

def test_the_same_data_gives_the_same_list_and_writes_nothing_new(api, dataset):
    s3 = boto3.client("s3")
    mails = len(sent_mail())
    # GIVEN a compiled list
    status, first = compile_list(api, HA_NOI, "leader-ha-noi")
    assert status == 201 and first["id"] == f"{HA_NOI}~{PHASE}~1"
    key = f"award-lists/{HA_NOI}/{PHASE}/v1.xlsx"
    etag = s3.head_object(Bucket=settings.awards_bucket(), Key=key)["ETag"]
    assert len(leaders_mail(mails)) == 1
    # WHEN it is compiled again, and the stream redelivers every record (candidates again)
    from chalicelib.awards import candidates
    for record in _recognitions(api):
        candidates.on_event(record)
    status, again = compile_list(api, HA_NOI, "leader-ha-noi")
    # THEN the answer is the same version, 200; nothing is written, nobody is mailed again
    assert status == 200
    assert again["id"] == first["id"] and again["content_hash"] == first["content_hash"]
    assert again["entries"] == first["entries"] and again["compiled_at"] == first["compiled_at"]
    assert len(list_versions(HA_NOI)) == 1
    assert s3.head_object(Bucket=settings.awards_bucket(), Key=key)["ETag"] == etag
    assert len(leaders_mail(mails)) == 1


def _recognitions(api):
    """Every `recognize` history event, as the stream delivers them (plain dicts)."""
    from chalicelib.streams import image
    events = []
    for raw in _scan("initiatives"):
        if raw["sk"]["S"].startswith("EVT#") and raw["event"]["S"] == "recognize":
            events.append(image(raw))
    assert events
    return events


def _scan(kind):
    return helpers.table_items(kind)


def test_compiling_does_not_depend_on_the_order_candidates_come_in():
    from collections import Counter

    from chalicelib.awards.compile import Author, Candidate, Progress, compile_lists
    from chalicelib.awards.criteria import for_phase, load
    from chalicelib.text import fold

    def candidate(n, unit, score, benefit, authors):
        third = score // 3
        return Candidate(submission_id=f"S{n:02d}", code=f"{n:05d}-00000", title=f"T{n}",
                         unit_path=("tld", f"top-{unit}", unit), grassroots_unit_id=unit,
                         top_level_unit_id=f"top-{unit}", authors=tuple(authors),
                         scores={"novelty": third, "applicability": third, "effectiveness": score - 2 * third},
                         score_total=score, confirmed_benefit_vnd=benefit,
                         recognized_at="2026-11-21T10:00:00.000+07:00")
    # GIVEN 40 candidates in three unions, with many ties, and names typed in several ways
    rng = random.Random(7)
    pool = [candidate(n, f"unit-{n % 3}", rng.randint(15, 30), rng.choice([0, 1, 2]) * 10**8,
                      [Author(rng.choice(["Ann", "ANN", "Bảo", "Bao"])), Author("X", f"m{n % 4}")])
            for n in range(40)]
    criteria = for_phase(load(), PHASE)
    progress = {f"unit-{i}": Progress(entered=10 * i, target=10) for i in range(3)}
    expected = compile_lists(pool, criteria, progress, {})
    # WHEN they come in any order, some of them twice (a redelivery)
    for _ in range(5):
        rng.shuffle(pool)
        # THEN the lists are the same
        assert compile_lists(pool + pool[:5], criteria, progress, {}) == expected
    # AND "Bảo"/"Bao" and "Ann"/"ANN" are one person each within a union
    by_name = Counter((c.grassroots_unit_id, fold(c.authors[0].full_name)) for c in pool)
    assert {e["key"] for e in expected["outstanding_individuals"] if e["member_id"] is None} == {
        f"name:{unit}:{name}" for (unit, name), count in by_name.items() if count >= 2}
    # AND unit-0 (0 entered of 10) is no collective; unit-1 (10 of 10) and unit-2 (20 of 10) are
    assert sorted(e["unit_id"] for e in expected["outstanding_collectives"]) == ["unit-1", "unit-2"]


def test_entries_equal_on_what_ranks_them_share_a_rank_in_every_list():
    from chalicelib.awards.compile import Author, Candidate, Progress, compile_lists
    from chalicelib.awards.criteria import for_phase, load

    def candidate(code, unit, score, benefit, author):
        return Candidate(submission_id=f"S-{code}", code=code, title=f"T {code}", unit_path=("tld", "top", unit),
                         grassroots_unit_id=unit, top_level_unit_id="top", authors=(Author(author),),
                         scores={"novelty": 8, "applicability": 8, "effectiveness": score - 16},
                         score_total=score, confirmed_benefit_vnd=benefit,
                         recognized_at="2026-11-21T10:00:00.000+07:00")
    # GIVEN initiatives with scores 28, 26, 26 (same benefit), 26 (less benefit), 24:
    # two authors with 2 recognised and the same benefit, unions with 3 each and the same benefit
    pool = [candidate("00001-00001", "u-a", 28, 500, "An"), candidate("00002-00001", "u-a", 26, 300, "An"),
            candidate("00003-00001", "u-b", 26, 300, "Bình"), candidate("00004-00001", "u-b", 26, 100, "Bình"),
            candidate("00005-00001", "u-a", 24, 0, "Chi"), candidate("00006-00001", "u-b", 24, 500, "Dũng")]
    progress = {"u-a": Progress(entered=9, target=9), "u-b": Progress(entered=9, target=9)}
    lists = compile_lists(pool, for_phase(load(), PHASE), progress, {})
    # THEN the two initiatives equal on score and benefit share second place; the next is fourth
    assert [(e["rank"], e["code"]) for e in lists["exemplary_initiatives"]] == [
        (1, "00001-00001"), (2, "00002-00001"), (2, "00003-00001"), (4, "00004-00001"), (5, "00006-00001")]
    # AND An (2 recognised, 800) is first, Bình (2, 400) second; u-b (3 recognised, 900) before u-a (3, 800)
    assert [(e["rank"], e["full_name"]) for e in lists["outstanding_individuals"]] == [(1, "An"), (2, "Bình")]
    assert [(e["rank"], e["unit_id"]) for e in lists["outstanding_collectives"]] == [(1, "u-b"), (2, "u-a")]
    # WHEN two unions, two authors and pairs of initiatives are equal on what ranks them
    even = [candidate("00001-00001", "u-a", 28, 500, "An"), candidate("00002-00001", "u-a", 26, 300, "An"),
            candidate("00003-00001", "u-a", 24, 0, "Chi"), candidate("00004-00001", "u-b", 28, 500, "Em"),
            candidate("00005-00001", "u-b", 26, 300, "Em"), candidate("00006-00001", "u-b", 24, 0, "Giang")]
    lists = compile_lists(even, for_phase(load(), PHASE), progress, {})
    # THEN the unions share the first place, listed by id
    assert [(e["rank"], e["unit_id"]) for e in lists["outstanding_collectives"]] == [(1, "u-a"), (1, "u-b")]
    # AND the pairs of initiatives share theirs; the best 5 of the top-level unit are taken by the
    # full order, so the sixth, equal to the fifth, is left out by its tracking code
    assert [(e["rank"], e["code"]) for e in lists["exemplary_initiatives"]] == [
        (1, "00001-00001"), (1, "00004-00001"), (3, "00002-00001"), (3, "00005-00001"), (5, "00003-00001")]
    assert [(e["rank"], e["full_name"]) for e in lists["outstanding_individuals"]] == [(1, "An"), (1, "Em")]


# ---------------------------------------------------------------- approval and versions

def test_an_approved_list_is_frozen_and_a_new_recognition_makes_version_2(api, dataset, stream):
    status, first = compile_list(api, HA_NOI, "leader-ha-noi")
    assert status == 201
    list_id = first["id"]
    # Only a leader of the list's unit approves (not a leader above it, not a reviewer).
    assert api.json("POST", f"/award-lists/{list_id}/approve", CONFIRM, user="leader-national")[0] == 403
    assert api.json("POST", f"/award-lists/{list_id}/approve", CONFIRM, user="reviewer-ha-noi")[0] == 403
    # An approval is signed on purpose: without {"confirm": true} nothing is approved
    status, unsent = api.json("POST", f"/award-lists/{list_id}/approve", user="leader-ha-noi")
    assert status == 400 and [(e["path"], e["code"]) for e in unsent["errors"]] == [("/confirm", "required")]
    status, unticked = api.json("POST", f"/award-lists/{list_id}/approve", {"confirm": False}, user="leader-ha-noi")
    assert status == 400 and [(e["path"], e["code"]) for e in unticked["errors"]] == [
        ("/confirm", "approval_unconfirmed")]
    assert api.json("GET", f"/award-lists/{list_id}", user="leader-ha-noi")[1]["status"] == "draft"
    # WHEN Hà Nội's leader approves it
    status, approved = api.json("POST", f"/award-lists/{list_id}/approve", CONFIRM, user="leader-ha-noi")
    assert status == 200, approved
    valid("award-list", approved)
    assert approved["status"] == "approved" and approved["approved_by"] == "leader-ha-noi"
    assert approved["approved_at"] == "2026-11-21T10:00:00.000+07:00"
    assert approved["entries"] == first["entries"]
    # THEN the same leader approving again (a retry, a second tab) gets the approval as it was
    status, again = api.json("POST", f"/award-lists/{list_id}/approve", CONFIRM, user="leader-ha-noi")
    assert status == 200 and {k: v for k, v in again.items() if k != "download"} == {
        k: v for k, v in approved.items() if k != "download"}
    # WHEN another initiative is recognised afterwards (29 points: second best) and the list is compiled again
    late = recognise(api, FPT, "Sáng kiến F8", (10, 10, 9), 80_000_000, [{"full_name": "Hồ Thị Mai"}])
    deliver(stream)
    status, second = compile_list(api, HA_NOI, "leader-ha-noi")
    # THEN it is version 2, a draft, with the new initiative second and the fifth one out
    assert status == 201 and second["version"] == 2 and second["status"] == "draft"
    assert second["id"] == f"{HA_NOI}~{PHASE}~2"
    before = [e["code"] for e in first["entries"]["exemplary_initiatives"]]
    assert [e["code"] for e in second["entries"]["exemplary_initiatives"]] == [before[0], late, *before[1:4]]
    # AND version 1 is still approved and exactly as approved
    status, one = api.json("GET", f"/award-lists/{list_id}", user="leader-ha-noi")
    assert status == 200
    assert one["status"] == "approved" and one["version"] == 1
    assert one["entries"] == first["entries"] and one["content_hash"] == first["content_hash"]
    assert one["approved_at"] == approved["approved_at"]
    assert len(list_versions(HA_NOI)) == 2


def test_only_the_latest_version_can_be_approved(api, stream):
    recognise(api, FPT, "Sáng kiến F1", (9, 9, 9), 10_000_000, [HUY])
    deliver(stream)
    status, first = compile_list(api, HA_NOI, "leader-ha-noi")
    assert status == 201
    recognise(api, FPT, "Sáng kiến F9", (10, 10, 10), 10_000_000, [HUY])
    deliver(stream)
    assert compile_list(api, HA_NOI, "leader-ha-noi")[0] == 201
    status, answer = api.json("POST", f"/award-lists/{first['id']}/approve", CONFIRM, user="leader-ha-noi")
    assert status == 409 and answer["errors"][0]["code"] == "award_list_superseded"
    assert api.json("POST", f"/award-lists/{HA_NOI}~{PHASE}~2/approve", CONFIRM, user="leader-ha-noi")[0] == 200
    assert api.json("POST", f"/award-lists/{HA_NOI}~{PHASE}~3/approve", CONFIRM, user="leader-ha-noi")[0] == 404


def test_a_list_another_leader_approved_is_not_approved_again_in_anyone_elses_name(api, stream):
    from chalicelib.awards import store
    from chalicelib.awards.exceptions import AlreadyApproved

    recognise(api, FPT, "Sáng kiến F1", (9, 9, 9), 10_000_000, [HUY])
    deliver(stream)
    list_id = compile_list(api, HA_NOI, "leader-ha-noi")[1]["id"]
    assert api.json("POST", f"/award-lists/{list_id}/approve", CONFIRM, user="leader-ha-noi")[0] == 200
    # WHEN a second leader of the unit approves the same version THEN it is refused: it stays as signed
    with pytest.raises(AlreadyApproved):
        store.approve(HA_NOI, PHASE, 1, "leader-ha-noi-2", "2026-11-22T09:00:00.000+07:00")
    one = store.get(HA_NOI, PHASE, 1)
    assert (one.approved_by, one.approved_at) == ("leader-ha-noi", "2026-11-21T10:00:00.000+07:00")


# ---------------------------------------------------------------- email and Excel

def test_the_leaders_get_an_email_with_the_summary_and_a_link(api, dataset):
    mails = len(sent_mail())
    status, hanoi = compile_list(api, HA_NOI, "leader-ha-noi")
    assert status == 201
    # THEN Hà Nội's one leader gets one email, from the app's sender
    sent = leaders_mail(mails)
    assert [m.destinations["ToAddresses"] for m in sent] == [["leader-ha-noi@example.vn"]]
    mail = sent[0]
    assert mail.source == settings.mail_sender()
    assert mail.subject == ("Danh sách đề nghị khen thưởng Liên đoàn Lao động Thành phố Hà Nội – Giai đoạn 1 "
                            "(phiên bản 1)")
    body = html.unescape(mail.body)
    # AND it says how many of each kind, and shows the top 5 exemplary initiatives
    assert "Sáng kiến tiêu biểu: <strong>5</strong>" in body
    assert "Cá nhân tiêu biểu: <strong>2</strong>" in body
    assert "Tập thể tiêu biểu: <strong>1</strong>" in body
    for entry in hanoi["entries"]["exemplary_initiatives"][:5]:
        assert entry["code"] in body and entry["title"] in body
    assert "50.000.000 ₫" in body and "2.000.000.000 ₫" in body
    # AND a time-limited link to the workbook, and the list's page
    assert f"/{settings.awards_bucket()}/award-lists/{HA_NOI}/{PHASE}/v1.xlsx" in body or \
        f"{settings.awards_bucket()}.s3" in body
    assert "X-Amz-Expires=604800" in body and "X-Amz-Signature=" in body
    assert f"{settings.link_base()}/app/award-lists/{HA_NOI}~{PHASE}~1" in body
    # WHEN a unit with no leader on file gets a list THEN nobody is mailed, and nothing fails
    before = len(sent_mail())
    assert compile_list(api, "ldld-cau-giay", "leader-ha-noi")[0] == 201
    assert len(mail_since(before)) == 0


def test_leaders_who_read_english_get_the_english_email():
    from chalicelib.awards import mail, store

    award_list = store.AwardList(
        unit_id=HA_NOI, phase_id=PHASE, program_id="sang-kien-2026-2027", version=3, status="draft",
        lists={"exemplary_initiatives": [{"rank": 1, "title": "Robot <hàn>", "code": "12345-67890",
                                          "unit_name": "FPT", "score_total": 28,
                                          "confirmed_benefit_vnd": 1_500_000_000}],
               "outstanding_individuals": [], "outstanding_collectives": []},
        counts={"exemplary_initiatives": 1, "outstanding_individuals": 0, "outstanding_collectives": 0},
        criteria={}, content_hash="0" * 64, compiled_at="2027-01-01T00:30:00.000+07:00", compiled_by="schedule",
        workbook_key="k")
    leader = {"id": "x", "full_name": "Jane Tran", "email": "jane@example.vn", "language": "en"}
    link = {"url": "https://s3.example/k?a=1&b=2", "expires_at": "2027-01-08T00:30:00.000+07:00"}
    message = mail.message(award_list, leader, "Hà Nội", {"vi": "Giai đoạn 1", "en": "Phase 1"}, link)
    assert message["subject"] == "Award list: Hà Nội – Phase 1 (version 3)"
    assert "Dear Jane Tran," in message["text"] and "Phase 1 has ended." in message["text"]
    assert "Exemplary initiatives: 1" in message["text"] and "1,500,000,000 VND" in message["text"]
    assert "until 08/01/2027 00:30" in message["text"]
    assert "Robot &lt;hàn&gt;" in message["html"] and 'href="https://s3.example/k?a=1&amp;b=2"' in message["html"]
    vietnamese = mail.message(award_list, {**leader, "language": "vi"}, "Hà Nội", {"vi": "Giai đoạn 1"}, link)
    assert "Giai đoạn 1 đã kết thúc." in vietnamese["text"] and "1.500.000.000 ₫" in vietnamese["text"]


DEPUTIES = ("leader-ha-noi-pho-1", "leader-ha-noi-pho-2")  # sorted after leader-ha-noi: the 2nd and 3rd leader


@pytest.fixture
def deputies():
    """Two more leaders of Hà Nội with an email, as the loader writes users;
    removed after the test (the reference data outlives it)."""
    client, table = boto3.client("dynamodb"), settings.table_name("reference")
    for number, user_id in enumerate(DEPUTIES, start=1):
        client.put_item(TableName=table, Item={
            "pk": {"S": f"USER#{user_id}"}, "sk": {"S": "USER"}, "id": {"S": user_id}, "digest": {"S": "test"},
            "full_name": {"S": f"Phó Chủ tịch {number}"}, "email": {"S": f"{user_id}@example.vn"},
            "roles": {"L": [{"S": "leader"}]}, "unit_id": {"S": HA_NOI}, "language": {"S": "vi"},
            "gsi1pk": {"S": f"USERS#{HA_NOI}"}, "gsi1sk": {"S": user_id}})
    yield [f"{user_id}@example.vn" for user_id in DEPUTIES]
    for user_id in DEPUTIES:
        client.delete_item(TableName=table, Key={"pk": {"S": f"USER#{user_id}"}, "sk": {"S": "USER"}})


def mailed_to(mails) -> list[str]:
    return [address for m in mails for address in m.destinations["ToAddresses"]]


def test_a_failure_partway_mails_only_the_leaders_not_yet_mailed_when_compiled_again(api, dataset, deputies):
    from urllib.parse import quote

    from tests.test_openapi import check

    second, third = deputies
    before = len(sent_mail())
    # GIVEN Hà Nội has three leaders, and SES refuses the email to the second one
    with helpers.Faulty("ses", "SendEmail", "MessageRejected", when=lambda body: quote(second, safe="") in body):
        # WHEN a leader asks for the list and the queue's handler compiles it
        response = api.request("POST", "/award-lists", {"unit_id": HA_NOI, "phase": PHASE}, user="leader-ha-noi")
        asked = check(response, "post", "/award-lists", 202)
        [message] = helpers.queued_compiles()
        from chalicelib.awards.exceptions import LeadersNotMailed
        with pytest.raises(LeadersNotMailed) as refused:
            helpers.run_compiles(api, [message])
    # THEN the list is stored, and the handler failed (for SQS to deliver the message again): one leader not mailed
    assert len(refused.value.failures) == 1 and len(list_versions(HA_NOI)) == 1
    assert api.json("GET", f"/award-lists/{asked['id']}", user="leader-ha-noi")[1]["status"] == "draft"
    # AND the first and third leaders got their email all the same
    assert mailed_to(leaders_mail(before)) == ["leader-ha-noi@example.vn", third]
    # WHEN SQS delivers the message again (SES works again; the same content, so the same version)
    message["attributes"]["ApproximateReceiveCount"] = "2"
    assert helpers.run_compiles(api, [message]) == [{"done": ["unchanged"]}]
    # THEN only the leader not yet mailed is mailed: nobody twice
    assert mailed_to(leaders_mail(before)) == ["leader-ha-noi@example.vn", third, second]

    status, again = compile_list(api, HA_NOI, "leader-ha-noi")
    assert (status, again["version"]) == (200, 1)
    # AND once every leader has it, compiling again mails nobody
    assert compile_list(api, HA_NOI, "leader-ha-noi")[0] == 200
    assert len(leaders_mail(before)) == 3
    [stored] = list_versions(HA_NOI)
    assert "notified_at" in stored


def test_ses_throttling_is_retried_with_backoff_and_each_leader_gets_one_email(api, dataset, deputies):
    from urllib.parse import quote

    second, third = deputies
    before = len(sent_mail())
    # GIVEN SES throttles the email to the second leader twice ("Maximum sending rate exceeded")
    with helpers.Faulty("ses", "SendEmail", "Throttling", times=2,
                        when=lambda body: quote(second, safe="") in body) as throttled:
        status, _ = compile_list(api, HA_NOI, "leader-ha-noi")
    # THEN the SES client waited and tried again (backing off), and the compile went through
    assert status == 201 and throttled.failed == 2 and len(throttled.waits) == 2 and all(throttled.waits)
    # AND each leader has exactly one email
    assert sorted(mailed_to(leaders_mail(before))) == sorted(["leader-ha-noi@example.vn", second, third])


def test_the_excel_file_in_s3_has_the_vietnamese_headers_and_the_entries(api, dataset):
    from openpyxl import load_workbook

    status, hanoi = compile_list(api, HA_NOI, "leader-ha-noi")
    assert status == 201
    stored = boto3.client("s3").get_object(Bucket=settings.awards_bucket(), Key=f"award-lists/{HA_NOI}/{PHASE}/v1.xlsx")
    assert stored["ContentType"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(stored["Body"].read()))
    assert book.sheetnames == ["Thông tin chung", "Sáng kiến tiêu biểu", "Cá nhân tiêu biểu", "Tập thể tiêu biểu"]

    sheet = book["Sáng kiến tiêu biểu"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("STT", "Tên sáng kiến", "Mã", "Tác giả", "Đơn vị", "Đơn vị trực thuộc Tổng Liên đoàn",
                       "Điểm tính mới", "Điểm khả năng áp dụng", "Điểm hiệu quả", "Điểm", "Giá trị làm lợi (đồng)",
                       "Ngày công nhận")
    entries = hanoi["entries"]["exemplary_initiatives"]
    assert [(r[0], r[1], r[2], r[9], r[10]) for r in rows[1:]] == [
        (e["rank"], e["title"], e["code"], e["score_total"], e["confirmed_benefit_vnd"]) for e in entries]
    assert rows[1][3] == "Đỗ Văn Nam" and rows[1][4] == "Công đoàn Công ty TNHH Phần mềm FPT"
    assert rows[1][11].date() == date(2026, 11, 21)
    assert sheet["K2"].number_format == '#,##0 "₫"' and sheet["L2"].number_format == "DD/MM/YYYY"

    people = list(book["Cá nhân tiêu biểu"].iter_rows(values_only=True))
    assert people[0][:3] == ("STT", "Họ và tên", "Mã đoàn viên")
    assert people[1][1:3] == ("Lê Quang Huy", "worker-fpt") and people[1][7] == 9_100_000_000
    units = list(book["Tập thể tiêu biểu"].iter_rows(values_only=True))
    assert units[0] == ("STT", "Đơn vị", "Đơn vị trực thuộc Tổng Liên đoàn", "Chỉ tiêu đăng ký",
                        "Số sáng kiến đã nhập", "Số sáng kiến được công nhận", "Giá trị làm lợi (đồng)")
    assert units[1] == (1, "Công đoàn Công ty TNHH Phần mềm FPT", "Liên đoàn Lao động Thành phố Hà Nội", 600, 640, 7,
                        10_650_000_000)
    info = {row[0]: row[1] for row in book["Thông tin chung"].iter_rows(values_only=True) if row and row[0]}
    assert info["Đơn vị"] == "Liên đoàn Lao động Thành phố Hà Nội" and info["Giai đoạn"] == "Giai đoạn 1"
    assert info["Phiên bản"] == 1 and info["Sáng kiến tiêu biểu"] == 5
    # AND the API's link is a presigned GET of that file
    assert f"award-lists/{HA_NOI}/{PHASE}/v1.xlsx" in hanoi["download"]["url"]
    assert hanoi["download"]["expires_at"] == "2026-11-28T10:00:00.000+07:00"


def _unmark_workbook_written():
    """As if the list's Excel file had never been marked written (a crash between writing and marking)."""
    from chalicelib.awards import store
    from chalicelib.tables import AwardListRecord

    AwardListRecord(store.partition(HA_NOI, PHASE), store.sort_key(1)).update(
        actions=[AwardListRecord.workbook_written_at.remove()])


def _workbook(key):
    from openpyxl import load_workbook

    stored = boto3.client("s3").get_object(Bucket=settings.awards_bucket(), Key=key)
    return stored, load_workbook(io.BytesIO(stored["Body"].read()))


def _info(book) -> dict:
    return {row[0]: row[1] for row in book["Thông tin chung"].iter_rows(values_only=True) if row and row[0]}


def test_the_draft_workbook_says_draft_and_the_approved_one_who_approved_it_and_when(api, dataset, now):
    from datetime import datetime, timezone

    status, draft = compile_list(api, HA_NOI, "leader-ha-noi")
    # GIVEN the draft's Excel file: DỰ THẢO in its title, its status and every sheet's printed header,
    # compiled by the leader's name (not their user id)
    stored, book = _workbook(f"award-lists/{HA_NOI}/{PHASE}/v1.xlsx")
    assert stored["ContentDisposition"].endswith('-v1-du-thao.xlsx"')
    first = book["Thông tin chung"]["A1"].value
    assert first == "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG (DỰ THẢO – CHƯA PHÊ DUYỆT)"
    info = _info(book)
    assert info["Trạng thái"] == "DỰ THẢO – CHƯA PHÊ DUYỆT"
    assert info["Người lập"] == "Đinh Thị Thu Trang" and "leader-ha-noi" not in str(info.values())
    assert "Người phê duyệt" not in info
    assert all(sheet.oddHeader.center.text == "DỰ THẢO – CHƯA PHÊ DUYỆT" for sheet in book.worksheets)
    # WHEN the leader approves it, a day later at 09:05 in Hà Nội
    now(datetime(2026, 11, 22, 2, 5, tzinfo=timezone.utc))
    status, approved = api.json("POST", f"/award-lists/{draft['id']}/approve", CONFIRM, user="leader-ha-noi")
    assert status == 200
    # THEN the list's link gives another file, which says approved, by whom (by name) and when
    assert f"award-lists/{HA_NOI}/{PHASE}/v1-approved.xlsx" in approved["download"]["url"]
    stored, book = _workbook(f"award-lists/{HA_NOI}/{PHASE}/v1-approved.xlsx")
    assert stored["ContentDisposition"].endswith('-v1-da-phe-duyet.xlsx"')
    assert book["Thông tin chung"]["A1"].value == "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"
    info = _info(book)
    assert info["Trạng thái"] == "ĐÃ PHÊ DUYỆT lúc 22/11/2026 09:05 – Đinh Thị Thu Trang"
    assert info["Người phê duyệt"] == "Đinh Thị Thu Trang"
    assert info["Phê duyệt lúc"] == datetime(2026, 11, 22, 9, 5)  # Vietnam's wall clock (Excel has no zones)
    sheet = book["Thông tin chung"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == "Phê duyệt lúc")
    assert sheet.cell(row=row, column=2).number_format == "DD/MM/YYYY HH:MM"
    assert all(sheet.oddHeader.center.text == info["Trạng thái"] for sheet in book.worksheets)
    # AND the entries are those of the draft, exactly
    assert ([row for row in book["Sáng kiến tiêu biểu"].iter_rows(values_only=True)]
            == [row for row in _workbook(f"award-lists/{HA_NOI}/{PHASE}/v1.xlsx")[1]["Sáng kiến tiêu biểu"]
                .iter_rows(values_only=True)])
    # AND the file is rewritten if it is lost (a crash between the approval and the file)
    from chalicelib.awards import store

    boto3.client("s3").delete_object(Bucket=settings.awards_bucket(), Key=f"award-lists/{HA_NOI}/{PHASE}/v1-approved.xlsx")
    _unmark_workbook_written()
    assert api.json("GET", f"/award-lists/{draft['id']}", user="reviewer-ha-noi")[0] == 200
    assert _info(_workbook(f"award-lists/{HA_NOI}/{PHASE}/v1-approved.xlsx")[1])["Người phê duyệt"] == \
        "Đinh Thị Thu Trang"


def test_a_draft_rendered_before_an_approval_never_marks_the_approved_file_written(api, stream):
    from chalicelib.awards import access, service, store

    recognise(api, FPT, "Sáng kiến F1", (9, 9, 9), 10_000_000, [HUY])
    deliver(stream)
    list_id = compile_list(api, HA_NOI, "leader-ha-noi")[1]["id"]
    # GIVEN a reader who read the draft before its Excel file was marked written (e.g. a crash)
    _unmark_workbook_written()
    stale = store.get(HA_NOI, PHASE, 1)
    # WHEN the leader approves, and only then the slow reader writes and claims the draft's file
    api.json("POST", f"/award-lists/{list_id}/approve", CONFIRM, user="leader-ha-noi")
    _unmark_workbook_written()  # the approved file not yet written
    unit, _, phase, _ = access.locate(list_id)
    service._ensure_workbook(stale, unit, phase)
    # THEN the draft's file went to the draft's key, and the approved one is still to be written
    assert store.get(HA_NOI, PHASE, 1).workbook_written_at is None
    api.json("GET", f"/award-lists/{list_id}", user="leader-ha-noi")
    assert _info(_workbook(f"award-lists/{HA_NOI}/{PHASE}/v1-approved.xlsx")[1])["Người phê duyệt"] == \
        "Đinh Thị Thu Trang"


# ---------------------------------------------------------------- who may do what

def test_who_may_compile_read_and_approve(api, stream):
    recognise(api, FPT, "Sáng kiến A", (9, 9, 9), 1_000_000, [HUY])
    deliver(stream)
    # Compile: leaders of the unit or above it only
    assert compile_list(api, HA_NOI, "reviewer-ha-noi")[0] == 403
    assert compile_list(api, HA_NOI, "admin")[0] == 403
    assert compile_list(api, HA_NOI, "leader-thanh-hoa")[0] == 403
    status, answer = compile_list(api, "no-such-unit", "leader-ha-noi", phase="no-such-phase")
    assert status == 422
    assert {(e["path"], e["code"]) for e in answer["errors"]} == {("/unit_id", "unknown_unit"),
                                                                  ("/phase", "unknown_phase")}
    status, answer = api.json("POST", "/award-lists", {"unit_id": HA_NOI}, user="leader-ha-noi")
    assert status == 400 and answer["errors"][0]["path"] == "/phase"
    status, answer = compile_list(api, "ldld-cau-giay", "leader-ha-noi")
    assert status == 201
    list_id = answer["id"]
    # Read: leaders, reviewers and admins whose unit contains the list's unit
    for user in ("leader-ha-noi", "leader-national", "reviewer-cau-giay", "reviewer-ha-noi", "admin"):
        status, body = api.json("GET", f"/award-lists/{list_id}", user=user)
        assert status == 200, (user, body)
        valid("award-list", body)
    for user in ("reviewer-fpt", "leader-thanh-hoa", "worker-fpt"):
        assert api.json("GET", f"/award-lists/{list_id}", user=user)[0] == 403, user
    assert api.json("GET", "/award-lists/ldld-cau-giay~sk2627-gd1~9", user="leader-ha-noi")[0] == 404
    assert api.json("GET", "/award-lists/not-an-id", user="leader-ha-noi")[0] == 404
    assert api.request("GET", f"/award-lists/{list_id}").status_code == 401
    # Approve: a leader of that unit (Cầu Giấy has none on file, so nobody here)
    assert api.json("POST", f"/award-lists/{list_id}/approve", CONFIRM, user="leader-ha-noi")[0] == 403


# ---------------------------------------------------------------- candidates

def test_a_recognition_makes_one_candidate_per_unit_on_its_path_and_a_replay_changes_nothing(api, stream):
    code = recognise(api, RANG_DONG, "Sáng kiến C", (8, 8, 9), 123_000_000, [AN, BINH])
    records = deliver(stream)
    items = [item for item in _scan("awards") if item["pk"]["S"].startswith("CAND#")]
    assert sorted(item["pk"]["S"] for item in items) == [f"CAND#{PHASE}#{unit}"
                                                         for unit in sorted(["tld", CONG_THUONG, RANG_DONG])]
    from chalicelib.dynamo_json import from_item
    candidate = from_item(items[0])
    assert candidate["code"] == code and candidate["score_total"] == 25
    assert candidate["unit_path"] == ["tld", CONG_THUONG, RANG_DONG]
    assert candidate["top_level_unit_id"] == CONG_THUONG and candidate["grassroots_unit_id"] == RANG_DONG
    assert candidate["authors"] == [AN, BINH] and candidate["confirmed_benefit_vnd"] == 123_000_000
    # WHEN the stream delivers the same records again THEN nothing changes
    deliver(stream, records)
    assert [item for item in _scan("awards") if item["pk"]["S"].startswith("CAND#")] == items


# ---------------------------------------------------------------- the schedule

def test_the_schedule_compiles_top_level_units_and_the_nation_when_a_phase_ended_yesterday(api, stream, now):
    from chalicelib import schedules
    from chalicelib.clock import VIETNAM
    from datetime import datetime

    recognise(api, FPT, "Sáng kiến S", (9, 9, 9), 500_000_000, [HUY])
    deliver(stream)
    # Nothing ended yesterday on the last day of the phase
    assert schedules.compile_ended_phases(date(2026, 12, 31)) == []
    assert list_versions(HA_NOI) == []
    # WHEN the schedule runs on 1 January 2027, sk2627-gd1 having ended on 31 December
    now(datetime(2027, 1, 1, 0, 30, tzinfo=VIETNAM))
    mails = len(sent_mail())
    done = schedules.compile_ended_phases(date(2027, 1, 1))
    # THEN every top-level unit (the 83 children of tld) and the nation have version 1 of their list
    top_level = schedules.top_level_unit_ids("tld")
    assert len(top_level) == 83 and HA_NOI in top_level and CONG_THUONG in top_level
    assert sorted(unit for unit, phase, version, created in done) == sorted([*top_level, "tld"])
    assert all(phase == PHASE and version == 1 and created for _, phase, version, created in done)
    status, hanoi = api.json("GET", f"/award-lists/{HA_NOI}~{PHASE}~1", user="leader-ha-noi")
    assert status == 200 and hanoi["compiled_by"] == "schedule"
    assert [e["title"] for e in hanoi["entries"]["exemplary_initiatives"]] == ["Sáng kiến S"]
    _, nation = api.json("GET", f"/award-lists/tld~{PHASE}~1", user="leader-national")
    assert nation["counts"]["exemplary_initiatives"] == 1
    # AND the leaders on file (Hà Nội, Thanh Hóa, the nation) are mailed once each
    assert sorted(m.destinations["ToAddresses"][0] for m in leaders_mail(mails)) == [
        "leader-ha-noi@example.vn", "leader-national@example.vn", "leader-thanh-hoa@example.vn"]
    assert "Giai đoạn 1 đã kết thúc." in html.unescape(leaders_mail(mails)[0].body)
    # WHEN the scheduled Lambda itself runs again that night THEN nothing new is written or sent
    mails = len(sent_mail())
    event = api.client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                                resources=[])
    answer = api.client.lambda_.invoke("compile_award_lists", event).payload
    assert len(answer["compiled"]) == 84 and not any(created for *_, created in answer["compiled"])
    assert len(list_versions(HA_NOI)) == 1 and leaders_mail(mails) == []
