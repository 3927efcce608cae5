"""The review workflow through the HTTP API: who may fire each event, the
queues, batch decisions, history and author edits."""
import pytest

from tests import helpers
from tests.conftest import initiative
from tests.helpers import enter

FPT = dict(unit_id="cdcs-fpt-cau-giay",
           authors=[{"full_name": "Phạm Minh Đức", "member_id": "worker-fpt", "share_percent": 100}])

# The chain above cdcs-fpt-cau-giay: ldld-cau-giay (upper-grassroots) → ldld-ha-noi (top-level) → tld.
RIGHT_ACTOR = {
    "validate": "reviewer-fpt", "invalidate": "reviewer-fpt", "request_revision": "reviewer-fpt",
    "resubmit": "worker-fpt", "withdraw": "worker-fpt",
    "start_review": "reviewer-cau-giay", "recognize": "reviewer-cau-giay", "decline": "reviewer-cau-giay",
}
INPUT = {
    "invalidate": {"reason": "Trùng với sáng kiến đã công nhận năm trước."},
    "request_revision": {"reason": "Cần bổ sung số liệu trước và sau khi áp dụng."},
    "decline": {"reason": "Hiệu quả chưa được chứng minh."},
    "recognize": {"scores": {"novelty": 8, "applicability": 9, "effectiveness": 7}, "confirmed_benefit_vnd": 900000000},
}
# How to bring a new initiative into each event's source state.
PATH_TO = {"pending": [], "needs_revision": ["request_revision"], "valid": ["validate"],
           "under_review": ["validate", "start_review"]}
SOURCE = {"validate": "pending", "invalidate": "pending", "request_revision": "pending",
          "resubmit": "needs_revision", "withdraw": "pending", "start_review": "valid",
          "recognize": "under_review", "decline": "under_review"}
EVERYONE = ["worker-fpt", "worker-fpt-en", "reviewer-fpt", "reviewer-cau-giay", "reviewer-ha-noi",
            "reviewer-rang-dong", "reviewer-tct-thep", "leader-ha-noi", "leader-national", "admin"]


def attempt(api, sid, event, version, user, **extra):
    """`helpers.attempt` (status, answer), with the input the event needs (INPUT) unless `extra` says otherwise."""
    return helpers.attempt(api, sid, event, version, user, **{**INPUT.get(event, {}), **extra})


def new_initiative(api, user="worker-fpt", **overrides):
    return enter(api, user=user, **{**FPT, **overrides})["id"]


def bring_to(api, state):
    sid, version = new_initiative(api), 1
    for event in PATH_TO[state]:
        helpers.fire(api, sid, event, version, RIGHT_ACTOR[event], **INPUT.get(event, {}))
        version += 1
    return sid, version


@pytest.mark.parametrize("event", sorted(RIGHT_ACTOR))
def test_each_event_is_refused_to_everyone_but_its_actor_then_allowed_to_them(api, event):
    # GIVEN an initiative of cdcs-fpt-cau-giay in the state the event leaves
    sid, version = bring_to(api, SOURCE[event])
    # WHEN anybody else fires it: a member of the same union, reviewers at the wrong
    # level, reviewers of sibling subtrees, leaders, the admin
    for user in EVERYONE:
        if user == RIGHT_ACTOR[event]:
            continue
        status, answer = attempt(api, sid, event, version, user)
        # THEN 403, and nothing changes
        assert status == 403, (user, answer)
        assert answer["errors"][0]["code"] == "forbidden"
    _, now = api.json("GET", f"/submissions/{sid}", user="admin")
    assert now["status"] == SOURCE[event] and now["version"] == version
    # WHEN the right actor fires it THEN it happens
    status, answer = attempt(api, sid, event, version, RIGHT_ACTOR[event])
    assert status == 200, answer
    assert answer["submission"]["version"] == version + 1
    assert answer["event"]["event"] == event and answer["event"]["from"] == SOURCE[event]


@pytest.mark.parametrize("event", ["validate", "invalidate", "request_revision", "start_review", "recognize",
                                   "decline"])
def test_nobody_reviews_their_own_initiative(api, event):
    # GIVEN the grassroots and upper-grassroots reviewers are co-authors, and accepted
    authors = [{"full_name": "Phạm Minh Đức", "member_id": "worker-fpt", "share_percent": 50},
               {"full_name": "Vũ Thị Lan", "member_id": RIGHT_ACTOR[event], "share_percent": 50}]
    sid = new_initiative(api, authors=authors)
    assert api.json("POST", f"/submissions/{sid}/invitation", {"answer": "accept"}, user=RIGHT_ACTOR[event])[0] == 200
    version = 2
    # WHEN the co-author, in their reviewer's seat, fires the event (or a step on
    # the way to its source state that is theirs to fire)
    for step in [*PATH_TO[SOURCE[event]], event]:
        status, answer = attempt(api, sid, step, version, RIGHT_ACTOR[step])
        if RIGHT_ACTOR[step] == RIGHT_ACTOR[event]:
            # THEN they are refused, though anyone else at their level would not be
            assert status == 403 and answer["errors"][0]["code"] == "forbidden"
            return
        assert status == 200
        version += 1


def test_a_top_level_parent_plays_the_upper_grassroots_role(api):
    # Rạng Đông's union hangs directly under Công đoàn Công Thương Việt Nam.
    sid = enter(api)["id"]
    assert attempt(api, sid, "validate", 1, "reviewer-rang-dong")[0] == 200
    assert attempt(api, sid, "start_review", 2, "reviewer-tct-thep")[0] == 403  # an upper union beside it
    status, answer = attempt(api, sid, "start_review", 2, "reviewer-cong-thuong")
    assert status == 200 and answer["submission"]["status"] == "under_review"


def test_missing_or_invalid_input_is_422_and_changes_nothing(api):
    sid, version = bring_to(api, "under_review")
    # (helpers.attempt: the request as given, without the INPUT the local `attempt` adds)
    status, answer = helpers.attempt(api, sid, "recognize", version, "reviewer-cau-giay")
    assert status == 422
    assert {(e["path"], e["code"]) for e in answer["errors"]} == {("/scores", "required"),
                                                                  ("/confirmed_benefit_vnd", "required")}
    status, answer = attempt(api, sid, "recognize", version, "reviewer-cau-giay",
                             scores={"novelty": 11, "applicability": 9})
    assert status == 422
    assert {(e["path"], e["code"]) for e in answer["errors"]} == {("/scores/novelty", "too_large"),
                                                                  ("/scores/effectiveness", "required")}
    status, answer = helpers.attempt(api, sid, "decline", version, "reviewer-cau-giay", reason="  ")
    assert status == 422 and answer["errors"][0]["path"] == "/reason"
    status, answer = helpers.attempt(api, sid, "approve", version, "reviewer-cau-giay")
    assert status == 422 and answer["errors"][0] == {
        "path": "/event", "code": "unknown_event", "message": "Thao tác: không có thao tác này trong quy trình duyệt."}
    status, answer = attempt(api, sid, "start_review", version, "reviewer-cau-giay", reason="Không cần lý do ở đây")
    assert status == 422 and answer["errors"][0]["code"] == "not_accepted"
    _, now = api.json("GET", f"/submissions/{sid}", user="admin")
    assert now["status"] == "under_review" and now["version"] == version


def test_a_stale_version_gets_409_with_the_current_state(api):
    sid, version = bring_to(api, "pending")
    assert attempt(api, sid, "validate", version, "reviewer-fpt")[0] == 200
    status, answer = attempt(api, sid, "invalidate", version, "reviewer-fpt")
    assert status == 409
    assert answer["current"] == {"status": "valid", "version": version + 1}
    assert answer["errors"][0]["code"] == "stale_version"
    status, answer = attempt(api, sid, "validate", version + 1, "reviewer-fpt")
    assert status == 409 and answer["errors"][0]["code"] == "invalid_state"


def test_a_replayed_client_token_does_nothing_and_answers_the_same(api):
    sid, version = bring_to(api, "pending")
    first = attempt(api, sid, "request_revision", version, "reviewer-fpt", client_token="tap-7")
    again = attempt(api, sid, "request_revision", version, "reviewer-fpt", client_token="tap-7")
    assert first == again and first[0] == 200
    _, history = api.json("GET", f"/submissions/{sid}/history", user="worker-fpt")
    assert [e["event"] for e in history["items"]] == ["submitted", "request_revision"]


def test_history_is_complete_and_visible_to_the_author_and_reviewers_only(api):
    sid, version = bring_to(api, "under_review")
    assert attempt(api, sid, "recognize", version, "reviewer-cau-giay")[0] == 200
    status, history = api.json("GET", f"/submissions/{sid}/history", user="worker-fpt")
    assert status == 200
    events = history["items"]
    assert [(e["seq"], e["event"], e["from"], e["to"]) for e in events] == [
        (1, "submitted", None, "pending"), (2, "validate", "pending", "valid"),
        (3, "start_review", "valid", "under_review"), (4, "recognize", "under_review", "recognized")]
    assert events[3]["actor"] == {"id": "reviewer-cau-giay", "roles": ["reviewer"], "unit_id": "ldld-cau-giay"}
    assert events[3]["input"] == INPUT["recognize"]
    assert events[3]["effects"] == ["notify_author", "award_candidate"]
    assert api.json("GET", f"/submissions/{sid}/history", user="reviewer-ha-noi")[0] == 200
    assert api.json("GET", f"/submissions/{sid}/history", user="reviewer-rang-dong")[0] == 403
    assert api.json("GET", f"/submissions/{sid}/history", user="worker-fpt-en")[0] == 403


def test_author_edits_a_returned_initiative_and_resubmits(api):
    sid, version = bring_to(api, "needs_revision")
    edited = initiative(**FPT, title="Phần mềm tự động đối soát hóa đơn (bổ sung số liệu)", benefit_vnd=250000000)
    status, answer = api.json("PUT", f"/submissions/{sid}", edited, user="worker-fpt")
    assert status == 200, answer
    assert answer["title"].endswith("(bổ sung số liệu)") and answer["version"] == version + 1
    assert answer["status"] == "needs_revision"
    # Same validation as entering it; only the authors may edit.
    status, answer = api.json("PUT", f"/submissions/{sid}", {**edited, "benefit_vnd": -5}, user="worker-fpt")
    assert status == 400 and answer["errors"][0]["path"] == "/benefit_vnd"
    status, answer = api.json("PUT", f"/submissions/{sid}", {**edited, "unit_id": "cdcs-rang-dong"}, user="worker-fpt")
    assert status == 422 and answer["errors"][0]["code"] == "unit_cannot_change"
    assert api.json("PUT", f"/submissions/{sid}", edited, user="reviewer-fpt")[0] == 403
    assert attempt(api, sid, "resubmit", version + 1, "worker-fpt")[0] == 200
    # Once back in review, it can no longer be edited.
    status, answer = api.json("PUT", f"/submissions/{sid}", edited, user="worker-fpt")
    assert status == 409 and answer["errors"][0]["code"] == "not_editable"
    _, history = api.json("GET", f"/submissions/{sid}/history", user="worker-fpt")
    assert [e["event"] for e in history["items"]] == ["submitted", "request_revision", "edited", "resubmit"]


# ------------------------------------------------------------ queues

def test_queues_hold_exactly_what_waits_for_each_unit(api):
    pending = new_initiative(api)
    valid, _ = bring_to(api, "valid")
    reviewing, _ = bring_to(api, "under_review")
    returned, _ = bring_to(api, "needs_revision")
    other = enter(api)["id"]

    def queue(user, query=""):
        status, page = api.json("GET", f"/queue{query}", user=user)
        assert status == 200, page
        return [item["id"] for item in page["items"]]
    assert queue("reviewer-fpt") == [pending]
    assert queue("reviewer-cau-giay") == [valid, reviewing]
    assert queue("reviewer-cau-giay", "?state=under_review") == [reviewing]
    assert queue("reviewer-ha-noi") == []
    assert queue("reviewer-rang-dong") == [other]
    assert returned not in queue("reviewer-fpt") + queue("reviewer-cau-giay")
    status, answer = api.json("GET", "/queue", user="worker-fpt")
    assert status == 403
    status, answer = api.json("GET", "/queue?colour=red", user="reviewer-fpt")
    assert status == 400 and answer["errors"][0]["path"] == "/colour"


def test_queue_pages_oldest_first_with_none_missing_or_repeated_while_others_decide(api, now):
    from datetime import datetime

    from chalicelib.clock import VIETNAM
    ids = []
    for minute in range(12):
        now(datetime(2026, 11, 21, 8, minute, tzinfo=VIETNAM))
        ids.append(new_initiative(api, title=f"Sáng kiến thứ {minute + 1:02d}"))
    now(datetime(2026, 11, 21, 9, 0, tzinfo=VIETNAM))
    seen, cursor, decided = [], None, []
    while True:
        status, page = api.json("GET", "/queue?limit=5" + (f"&cursor={cursor}" if cursor else ""), user="reviewer-fpt")
        assert status == 200
        seen += [item["id"] for item in page["items"]]
        # Meanwhile another official decides an item further down the queue.
        later = [i for i in ids if i not in seen and i not in decided]
        if later:
            assert attempt(api, later[-1], "validate", 1, "reviewer-fpt")[0] == 200
            decided.append(later[-1])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen))
    assert seen == [i for i in ids if i not in decided]
    assert set(seen) | set(decided) == set(ids)


def test_batch_decisions_report_per_item(api):
    first, second, third = (new_initiative(api) for _ in range(3))
    assert attempt(api, third, "validate", 1, "reviewer-fpt")[0] == 200
    foreign = enter(api)["id"]
    body = {"event": "request_revision", "reason": "Thiếu ảnh minh họa trước và sau.", "client_token": "batch-1",
            "items": [{"id": first, "expected_version": 1}, {"id": second, "expected_version": 1},
                      {"id": third, "expected_version": 1}, {"id": foreign, "expected_version": 1},
                      {"id": "01HZZZZZZZZZZZZZZZZZZZZZZZ", "expected_version": 1}]}
    status, answer = api.json("POST", "/queue/decisions", body, user="reviewer-fpt")
    assert status == 200
    assert [(r["id"], r["status"]) for r in answer["results"]] == [
        (first, 200), (second, 200), (third, 409), (foreign, 403), ("01HZZZZZZZZZZZZZZZZZZZZZZZ", 404)]
    assert answer["succeeded"] == 2 and answer["failed"] == 3
    assert answer["results"][0]["submission"]["status"] == "needs_revision"
    assert answer["results"][2]["current"] == {"status": "valid", "version": 2}
    # The same batch again (a double tap) changes nothing more.
    status, again = api.json("POST", "/queue/decisions", body, user="reviewer-fpt")
    assert [r["status"] for r in again["results"]] == [200, 200, 409, 403, 404]
    _, history = api.json("GET", f"/submissions/{first}/history", user="worker-fpt")
    assert len(history["items"]) == 2
    too_many = {**body, "items": [{"id": first, "expected_version": 1}] * 101}
    status, answer = api.json("POST", "/queue/decisions", too_many, user="reviewer-fpt")
    assert status == 422 and answer["errors"][0] == {"path": "/items", "code": "too_many",
                                                    "message": "Danh sách sáng kiến: nhiều nhất 100 mục."}


def test_an_edit_with_a_stale_if_match_is_refused(api):
    sid, version = bring_to(api, "needs_revision")
    response = api.request("GET", f"/submissions/{sid}", user="worker-fpt")
    assert response.headers["ETag"] == f'"{version}"'
    edited = initiative(**FPT, title="Tên mới sau khi bổ sung")
    status, answer = api.json("PUT", f"/submissions/{sid}", edited, user="worker-fpt",
                              headers={"If-Match": f'"{version - 1}"'})
    assert status == 409 and answer["current"] == {"status": "needs_revision", "version": version}
    for bad in ("²", "abc", "*"):
        status, answer = api.json("PUT", f"/submissions/{sid}", edited, user="worker-fpt", headers={"If-Match": bad})
        assert status == 400 and answer["errors"][0]["code"] == "invalid_if_match"
    status, answer = api.json("PUT", f"/submissions/{sid}", edited, user="worker-fpt",
                              headers={"If-Match": f'"{version}"'})
    assert status == 200 and answer["version"] == version + 1


def test_a_decision_is_refused_with_every_problem_at_once_and_nothing_changes(api):
    # GIVEN an initiative waiting for its grassroots reviewer
    sid = new_initiative(api)
    # WHEN the reviewer returns it with a reason too short (the request's schema) and
    # scores the event does not take (the workflow definition)
    status, answer = helpers.attempt(api, sid, "request_revision", 1, "reviewer-fpt", reason="Ít",
                                     scores={"novelty": 8, "applicability": 9, "effectiveness": 7})
    # THEN both are said in one answer, each naming its field
    assert status == 422
    assert {(e["path"], e["code"]) for e in answer["errors"]} == {("/reason", "too_short"), ("/scores", "not_accepted")}
    # AND nothing happened
    assert attempt(api, sid, "validate", 1, "reviewer-fpt")[0] == 200


def test_a_batch_without_the_input_its_event_needs_is_refused_whole(api):
    # GIVEN two initiatives waiting for their grassroots reviewer
    first, second = new_initiative(api), new_initiative(api)
    # WHEN the reviewer returns both at once without the reason returning needs
    status, answer = api.json("POST", "/queue/decisions", {
        "event": "request_revision", "items": [{"id": first, "expected_version": 1},
                                                {"id": second, "expected_version": 1}]}, user="reviewer-fpt")
    # THEN the batch is refused once, naming the field, and neither initiative moved
    assert status == 422 and [(e["path"], e["code"]) for e in answer["errors"]] == [("/reason", "required")]
    for sid in (first, second):
        assert api.json("GET", f"/submissions/{sid}", user="reviewer-fpt")[1]["status"] == "pending"


RANG_DONG = ["tld", "cd-cong-thuong", "cdcs-rang-dong"]


def _all_pages(api, query: str, user: str = "reviewer-rang-dong") -> list[list[str]]:
    pages, cursor = [], None
    while True:
        status, page = api.json("GET", f"/queue?{query}" + (f"&cursor={cursor}" if cursor else ""), user=user)
        assert status == 200, page
        pages.append([item["id"] for item in page["items"]])
        cursor = page["next_cursor"]
        if not cursor:
            return pages
        assert len(pages) < 50, "the pages never end"


def test_a_rare_filter_gives_full_pages_until_its_matches_run_out(api):
    # GIVEN 2,000 initiatives waiting at Rạng Đông, one in 400 of a rare subject group and field,
    # and three of the next phase (entered later)
    rare = helpers.seed_waiting(2_000, RANG_DONG, rare_every=400)
    later = helpers.seed_waiting(3, RANG_DONG, rare_every=1, phase="sk2627-gd2", start=5_000)
    assert len(rare) == 5
    # WHEN the reviewer filters by that subject group, or that field, two to a page
    for query in ("subject_group=new-countryside", "field=energy-environment"):
        pages = _all_pages(api, query + "&limit=2")
        # THEN every page is full until the matches run out, oldest first, phase by phase,
        # none missed, none twice, and no empty page at the end
        assert pages == [rare[0:2], rare[2:4], [rare[4], later[0]], later[1:3]], query
    # A phase alone, and a phase with a subject group, are key ranges too
    assert _all_pages(api, "phase=sk2627-gd2&limit=2") == [later[:2], later[2:]]
    assert _all_pages(api, "phase=sk2627-gd1&subject_group=new-countryside&limit=3") == [rare[:3], rare[3:]]
    # Two filters that are not one key (state and subject group): still every match, once, in order
    combined = _all_pages(api, "state=pending&subject_group=new-countryside&field=energy-environment&limit=4")
    assert [sid for page in combined for sid in page] == rare + later
    # A state the unit does not review: nothing
    assert _all_pages(api, "state=valid&subject_group=new-countryside") == [[]]
    # Unfiltered, the first page is the oldest of the older phase
    status, page = api.json("GET", "/queue?limit=3", user="reviewer-rang-dong")
    assert [item["id"] for item in page["items"]] == [f"01SEED{n:020d}" for n in range(3)]
    assert page["items"][0]["waiting_since"] == "2026-11-01T00:00:00.000+07:00"


def test_a_rare_filter_reads_one_page_whatever_waits_before_its_matches(api):
    # GIVEN 3,000 initiatives waiting, the only rare one the very last
    from chalicelib import aws

    rare = helpers.seed_waiting(3_000, RANG_DONG, rare_every=3_000)
    calls = []
    original = aws.dynamodb()._make_api_call

    def counted(operation, params):
        calls.append((operation, params.get("IndexName")))
        return original(operation, params)
    client = aws.dynamodb()
    client._make_api_call = counted
    try:
        status, page = api.json("GET", "/queue?subject_group=new-countryside&limit=50", user="reviewer-rang-dong")
    finally:
        del client._make_api_call
    # THEN it is found at once, with one Query of the subject group's index (not 60 pages of the queue),
    # and the one Query of the unit's claims on its queue ("I'm handling this", issue 12: the table itself)
    assert status == 200 and [item["id"] for item in page["items"]] == rare and page["next_cursor"] is None
    assert [c for c in calls if c[0] == "Query"] == [("Query", "queue_group"), ("Query", None)]


def test_items_stored_with_the_old_keys_are_found_after_the_backfill(api):
    # GIVEN an initiative waiting at Rạng Đông, and a co-author's link, stored as before issue 11
    # (QUEUE#<unit> / <entered>#<id>, USER#<id> / <created_at>#<id> copies, last_event_seq)
    import boto3

    from chalicelib import settings
    from scripts import backfill_queue_keys

    sid = enter(api, subject_group="new-countryside")["id"]
    client, table = boto3.client("dynamodb"), settings.table_name("initiatives")
    key = {"pk": {"S": f"SUB#{sid}"}, "sk": {"S": "META"}}
    item = client.get_item(TableName=table, Key=key)["Item"]
    entered = api.json("GET", "/queue", user="reviewer-rang-dong")[1]["items"][0]["waiting_since"]
    created = item["created_at"]["S"]
    client.update_item(TableName=table, Key=key, UpdateExpression=(
        "SET queue_pk = :pk, queue_sk = :sk, last_event_seq = :seq, submitter_pk = :me, submitter_sk = :mine "
        "REMOVE qp, qs, qg, qf"), ExpressionAttributeValues={
        ":pk": {"S": "QUEUE#cdcs-rang-dong"}, ":sk": {"S": f"{entered}#{sid}"}, ":seq": {"N": "1"},
        ":me": {"S": "USER#worker-rang-dong"}, ":mine": {"S": f"{created}#{sid}"}})
    client.put_item(TableName=table, Item={"pk": key["pk"], "sk": {"S": "AUTHOR#worker-fpt"},
                                           "submission_id": {"S": sid}, "submitter_pk": {"S": "USER#worker-fpt"},
                                           "submitter_sk": {"S": f"{created}#{sid}"}})
    assert api.json("GET", "/queue?subject_group=new-countryside", user="reviewer-rang-dong")[1]["items"] == []
    # WHEN the backfill runs (twice: the second changes nothing)
    assert backfill_queue_keys.backfill(client, table)[1] == 2
    assert backfill_queue_keys.backfill(client, table)[1] == 0
    # THEN the filter finds it, waiting since when it was, it can be decided on, and the lists still hold it
    found = api.json("GET", "/queue?subject_group=new-countryside", user="reviewer-rang-dong")[1]["items"]
    assert [i["id"] for i in found] == [sid] and found[0]["waiting_since"] == entered
    assert [i["id"] for i in api.json("GET", "/me/submissions", user="worker-rang-dong")[1]["items"]] == [sid]
    link = client.get_item(TableName=table, Key={"pk": key["pk"], "sk": {"S": "AUTHOR#worker-fpt"}})["Item"]
    assert (link["submitter_id"]["S"], link["created_at"]["S"]) == ("worker-fpt", created)
    assert "submitter_pk" not in link
    assert helpers.attempt(api, sid, "validate", 1, "reviewer-rang-dong")[0] == 200
