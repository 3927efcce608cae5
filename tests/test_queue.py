"""The reviewer's queue for 300 items, through the API (issue 12): search by
code, title or author (diacritics ignored), sort by due date, age or benefit,
paging that stays whole under both, batch decisions where each item carries
its own input, and "I'm handling this" claims."""
from datetime import timedelta

import pytest

from tests import helpers
from tests.conftest import DEFAULT_NOW
from tests.helpers import enter, fire

RANG_DONG = "reviewer-rang-dong"
SCORES = {"novelty": 8, "applicability": 9, "effectiveness": 7}


def authors(*names):
    share = 100 // len(names)
    return [{"full_name": name, "share_percent": share + (100 - share * len(names) if i == 0 else 0)}
            for i, name in enumerate(names)]


def queue(api, query="", user=RANG_DONG, check=True) -> dict:
    from chalicelib import validation

    status, page = api.json("GET", f"/queue{query}", user=user)
    assert status == 200, page
    if check:  # (seeded initiatives have codes of their own shape)
        assert validation.problems("queue-page", page) == [], "the answer is as schemas/queue-page.json says"
    return page


def ids(page) -> list:
    return [item["id"] for item in page["items"]]


def every_page(api, query, user=RANG_DONG) -> list:
    seen, cursor = [], None
    while True:
        page = queue(api, query + (f"&cursor={cursor}" if cursor else ""), user, check=False)
        seen.append(ids(page))
        cursor = page["next_cursor"]
        if not cursor:
            return seen
        assert len(seen) < 50, "the pages never end"


@pytest.fixture
def waiting(api, now):
    """Five initiatives waiting at Rạng Đông, a minute apart, with their own titles, authors and benefits."""
    made = {}
    for minute, (key, title, names, benefit) in enumerate([
            ("lamp", "Cải tiến khuôn ép đuôi đèn LED", ("Nguyễn Văn An", "Trần Thị Bình"), 1_500_000_000),
            ("belt", "Băng tải tự động cho dây chuyền phích", ("Lê Thị Hồng",), 20_000_000),
            ("heat", "Thu hồi nhiệt khí thải lò nung", ("Đoàn Văn Đức", "Nguyễn Thị Thu"), 900_000_000),
            ("shift", "Số hóa sổ giao ca", ("Phạm Quang Huy",), None),
            ("glass", "Giảm vỡ ống thủy tinh khi cắt", ("Hoàng Minh Đức",), 300_000_000)]):
        now(DEFAULT_NOW - timedelta(hours=5) + timedelta(minutes=minute))
        made[key] = enter(api, title=title, authors=authors(*names), benefit_vnd=benefit)
    now(DEFAULT_NOW)
    return made


# ------------------------------------------------------------------ rows

def test_a_queue_row_carries_the_benefit_and_the_authors_names_but_never_their_contacts(api, waiting):
    page = queue(api)
    row = page["items"][0]
    assert row["id"] == waiting["lamp"]["id"]
    assert row["benefit_vnd"] == 1_500_000_000
    assert row["author_names"] == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert "authors" not in row and "@" not in str(row)
    assert "benefit_vnd" not in page["items"][3]  # none was entered
    assert "complete" not in page  # the queue's own order reads no more than a page


# ------------------------------------------------------------------ search

@pytest.mark.parametrize("typed, expected", [
    ("nguyen van an", ["lamp"]),          # an author, typed without diacritics
    ("ĐỨC", ["heat", "glass"]),           # two authors named Đức, in capitals
    ("lo nung", ["heat"]),                # a word of a title, without diacritics
    ("  Số   HÓA ", ["shift"]),           # spaces and case do not matter
    ("thu", ["heat", "glass"]),           # a title's word and a co-author's name (found once), and "thủy"
    ("không có", []),
])
def test_search_finds_by_title_or_author_whatever_the_diacritics(api, waiting, typed, expected):
    from urllib.parse import quote

    page = queue(api, f"?q={quote(typed)}")
    assert ids(page) == [waiting[key]["id"] for key in expected]
    assert page["total"] == len(expected) and page["complete"] is True


def test_search_finds_by_tracking_code_whole_or_in_part(api, waiting):
    code = waiting["belt"]["code"]
    assert ids(queue(api, f"?q={code}")) == [waiting["belt"]["id"]]
    assert ids(queue(api, f"?q={code.lower()[:-1]}")) == [waiting["belt"]["id"]]


def test_search_keeps_to_the_callers_desk_and_its_filters(api, waiting):
    fpt = enter(api, user="worker-fpt", unit_id="cdcs-fpt-cau-giay", title="Khuôn ép nhựa",
                authors=authors("Nguyễn Văn An"))
    # The same author's name at FPT is not in Rạng Đông's queue, nor the other way round.
    assert ids(queue(api, "?q=nguyen%20van%20an")) == [waiting["lamp"]["id"]]
    assert ids(queue(api, "?q=nguyen%20van%20an", user="reviewer-fpt")) == [fpt["id"]]
    # A filter narrows a search.
    assert ids(queue(api, "?q=duc&subject_group=new-countryside")) == []
    assert ids(queue(api, "?q=duc&subject_group=enterprise-workers")) == [waiting["heat"]["id"], waiting["glass"]["id"]]


# ------------------------------------------------------------------ sort

def test_sort_by_benefit_puts_the_highest_first_and_those_without_last(api, waiting):
    assert ids(queue(api, "?sort=benefit")) == [waiting[k]["id"] for k in ("lamp", "heat", "glass", "belt", "shift")]


def test_sort_by_age_is_the_queues_own_order_oldest_first(api, waiting):
    order = [waiting[k]["id"] for k in ("lamp", "belt", "heat", "shift", "glass")]
    assert ids(queue(api)) == order
    assert ids(queue(api, "?sort=age")) == order
    assert ids(queue(api, "?sort=age&q=duc")) == [waiting["heat"]["id"], waiting["glass"]["id"]]


def test_an_unknown_sort_or_an_empty_search_is_refused_naming_the_parameter(api, waiting):
    status, answer = api.json("GET", "/queue?sort=title", user=RANG_DONG)
    assert status == 400 and answer["errors"][0]["path"] == "/sort"
    status, answer = api.json("GET", "/queue?q=" + "x" * 101, user=RANG_DONG)
    assert status == 400 and answer["errors"][0]["path"] == "/q"


# ------------------------------------------------------------------ paging under search and sort

def test_pages_of_a_sorted_search_hold_every_match_once_in_order(api, waiting):
    # GIVEN 40 more waiting
    helpers.seed_waiting(40, ["tld", "cd-cong-thuong", "cdcs-rang-dong"])
    everyone = ids(queue(api, "?limit=100", check=False))
    assert len(everyone) == 45
    # WHEN the reviewer pages through the 40 titled "Sáng kiến <n>", by benefit, 7 to a page
    pages = every_page(api, "?q=sang%20kien&sort=benefit&limit=7")
    seen = [sid for page in pages for sid in page]
    # THEN no match is missing or repeated, every page but the last is full, and the order is the sort's
    assert len(seen) == len(set(seen)) == 40
    assert all(len(page) == 7 for page in pages[:-1])
    whole = ids(queue(api, "?q=sang%20kien&sort=benefit&limit=100", check=False))
    assert seen == whole


def test_a_cursor_serves_only_the_search_and_order_it_came_from(api, waiting):
    cursor = queue(api, "?sort=benefit&limit=2")["next_cursor"]
    assert cursor
    for other in (f"?sort=due&limit=2&cursor={cursor}", f"?q=duc&sort=benefit&limit=2&cursor={cursor}",
                  f"?limit=2&cursor={cursor}"):
        status, answer = api.json("GET", "/queue" + other, user=RANG_DONG)
        assert status == 400 and answer["errors"][0]["path"] == "/cursor", other
    status, _ = api.json("GET", f"/queue?sort=benefit&limit=2&cursor={cursor}", user="reviewer-fpt")
    assert status == 400
    assert ids(queue(api, f"?sort=benefit&limit=2&cursor={cursor}")) == [waiting["glass"]["id"], waiting["belt"]["id"]]


def test_a_search_reads_at_most_its_cap_and_says_so(api, waiting, monkeypatch):
    from chalicelib.submissions import store

    monkeypatch.setattr(store, "QUEUE_READ_CAP", 3)
    page = queue(api, "?q=duc")
    assert page["complete"] is False
    assert ids(page) == [waiting["heat"]["id"]]  # the third of those read; the fifth was not read


# ------------------------------------------------------------------ batch decisions, each item its own input

def under_review(api, count):
    found = []
    for n in range(count):
        created = enter(api, title=f"Sáng kiến xét công nhận {n}")
        fire(api, created["id"], "validate", 1, RANG_DONG)
        found.append(fire(api, created["id"], "start_review", 2, "reviewer-cong-thuong")["submission"])
    return found


def test_recognising_many_at_once_with_each_items_own_scores_and_benefit(api):
    first, second, third = under_review(api, 3)
    body = {"event": "recognize", "client_token": "per-item-1", "reason": "Hội đồng đã xem xét.",
            "scores": SCORES, "confirmed_benefit_vnd": 100_000_000,
            "items": [{"id": first["id"], "expected_version": 3,
                       "scores": {"novelty": 10, "applicability": 6, "effectiveness": 5},
                       "confirmed_benefit_vnd": 1_200_000_000},
                      {"id": second["id"], "expected_version": 3, "confirmed_benefit_vnd": 45_000_000,
                       "reason": "Giá trị được tính lại theo số liệu quý 3."},
                      {"id": third["id"], "expected_version": 3}]}
    status, answer = api.json("POST", "/queue/decisions", body, user="reviewer-cong-thuong")
    assert status == 200 and answer["succeeded"] == 3, answer
    stored = {r["id"]: r["submission"] for r in answer["results"]}
    assert stored[first["id"]]["scores"] == {"novelty": 10, "applicability": 6, "effectiveness": 5}
    assert stored[first["id"]]["confirmed_benefit_vnd"] == 1_200_000_000
    assert stored[second["id"]]["scores"] == SCORES and stored[second["id"]]["confirmed_benefit_vnd"] == 45_000_000
    assert stored[third["id"]]["scores"] == SCORES and stored[third["id"]]["confirmed_benefit_vnd"] == 100_000_000
    _, history = api.json("GET", f"/submissions/{second['id']}/history", user="reviewer-cong-thuong")
    assert history["items"][-1]["input"]["reason"] == "Giá trị được tính lại theo số liệu quý 3."
    _, history = api.json("GET", f"/submissions/{third['id']}/history", user="reviewer-cong-thuong")
    assert history["items"][-1]["input"]["reason"] == "Hội đồng đã xem xét."


def test_a_batch_missing_one_items_input_is_refused_whole_naming_each_items_field(api):
    first, second, third = under_review(api, 3)
    body = {"event": "recognize",
            "items": [{"id": first["id"], "expected_version": 3, "scores": SCORES, "confirmed_benefit_vnd": 5},
                      {"id": second["id"], "expected_version": 3,
                       "scores": {"novelty": 11, "applicability": 6}},
                      {"id": third["id"], "expected_version": 3, "scores": SCORES}]}
    status, answer = api.json("POST", "/queue/decisions", body, user="reviewer-cong-thuong")
    assert status == 422
    found = {(e["path"], e["code"]) for e in answer["errors"]}
    assert found == {("/items/1/scores/novelty", "too_large"), ("/items/1/scores/effectiveness", "required"),
                     ("/items/1/confirmed_benefit_vnd", "required"), ("/items/2/confirmed_benefit_vnd", "required")}
    messages = {e["path"]: e["message"] for e in answer["errors"]}
    assert messages["/items/2/confirmed_benefit_vnd"] == \
        "Danh sách sáng kiến 3 – Giá trị làm lợi được xác nhận (đồng): bắt buộc phải nhập."
    for item in (first, second, third):
        assert api.json("GET", f"/submissions/{item['id']}", user="reviewer-cong-thuong")[1]["status"] == "under_review"


def test_an_items_input_the_event_does_not_take_is_named_on_that_item(api):
    one = enter(api)
    two = enter(api)
    body = {"event": "validate", "items": [{"id": one["id"], "expected_version": 1},
                                           {"id": two["id"], "expected_version": 1, "reason": "Đủ hồ sơ rồi."}]}
    status, answer = api.json("POST", "/queue/decisions", body, user=RANG_DONG)
    assert status == 422 and [(e["path"], e["code"]) for e in answer["errors"]] == [("/items/1/reason", "not_accepted")]


def test_the_shared_input_alone_still_serves_every_item(api):
    one, two = enter(api), enter(api)
    body = {"event": "request_revision", "reason": "Thiếu ảnh minh họa trước và sau.",
            "items": [{"id": one["id"], "expected_version": 1}, {"id": two["id"], "expected_version": 1}]}
    status, answer = api.json("POST", "/queue/decisions", body, user=RANG_DONG)
    assert status == 200 and answer["succeeded"] == 2


# ------------------------------------------------------------------ "I'm handling this"

COLLEAGUE = "reviewer-rang-dong-2"


@pytest.fixture
def colleague(api):
    """A second reviewer of Rạng Đông's union (the demo data has one per unit)."""
    api.users[COLLEAGUE] = {"id": COLLEAGUE, "full_name": "Lương Thị Hà", "roles": ["reviewer"],
                            "unit_id": "cdcs-rang-dong"}
    return COLLEAGUE


def test_a_reviewer_takes_an_item_and_colleagues_see_who_until_when(api, colleague, waiting, now):
    from chalicelib import validation

    sid = waiting["belt"]["id"]
    status, answer = api.json("POST", f"/submissions/{sid}/claim", user=RANG_DONG)
    assert status == 200
    assert answer["holder"] == {"id": RANG_DONG, "name": "Đỗ Thị Lan"}
    assert validation.problems("claim", answer) == []
    assert answer["until"] == "2026-11-21T12:00:00.000+07:00"  # two hours from now
    # THEN the queue shows it taken, to the colleague too, and no other row
    rows = {item["id"]: item for item in queue(api, user=colleague)["items"]}
    assert rows[sid]["claimed_by"] == {"id": RANG_DONG, "name": "Đỗ Thị Lan", "until": answer["until"]}
    assert sum("claimed_by" in row for row in rows.values()) == 1
    # AND the colleague cannot take it, and is told who has it, in Vietnamese
    status, refused = api.json("POST", f"/submissions/{sid}/claim", user=colleague)
    assert status == 409
    assert refused["errors"][0]["message"] == ("Đỗ Thị Lan đang xử lý sáng kiến này (đến 21/11/2026 12:00). "
                                               "Hãy chọn sáng kiến khác hoặc chờ người đó trả lại.")
    assert refused["claimed_by"]["name"] == "Đỗ Thị Lan"
    status, _ = api.json("DELETE", f"/submissions/{sid}/claim", user=colleague)
    assert status == 409
    # AND taking it does not touch the initiative: its version is what reviewers expect
    assert api.json("GET", f"/submissions/{sid}", user=RANG_DONG)[1]["version"] == 1
    # WHEN the holder releases it THEN the colleague may take it
    assert api.request("DELETE", f"/submissions/{sid}/claim", user=RANG_DONG).status_code == 200
    assert "claimed_by" not in {i["id"]: i for i in queue(api)["items"]}[sid]
    assert api.json("POST", f"/submissions/{sid}/claim", user=colleague)[0] == 200
    # AND releasing what one no longer holds is done already
    assert api.request("DELETE", f"/submissions/{sid}/claim", user=RANG_DONG).status_code == 409


def test_a_claim_expires_and_a_colleague_may_then_take_it(api, colleague, waiting, now):
    sid = waiting["heat"]["id"]
    assert api.json("POST", f"/submissions/{sid}/claim", user=RANG_DONG)[0] == 200
    now(DEFAULT_NOW + timedelta(hours=2, minutes=1))
    assert "claimed_by" not in {i["id"]: i for i in queue(api)["items"]}[sid]
    status, answer = api.json("POST", f"/submissions/{sid}/claim", user=colleague)
    assert status == 200 and answer["holder"]["id"] == colleague
    # Taking one's own again extends it.
    now(DEFAULT_NOW + timedelta(hours=3))
    assert api.json("POST", f"/submissions/{sid}/claim", user=colleague)[1]["until"] == \
        "2026-11-21T15:00:00.000+07:00"


def test_only_reviewers_of_the_desk_holding_it_may_take_it(api, waiting):
    sid = waiting["lamp"]["id"]
    for user in ("reviewer-fpt", "reviewer-cong-thuong", "worker-rang-dong", "admin"):
        if user not in api.users:
            continue
        status, answer = api.json("POST", f"/submissions/{sid}/claim", user=user)
        assert status == 403, user
    status, _ = api.json("POST", "/submissions/01HZZZZZZZZZZZZZZZZZZZZZZZ/claim", user=RANG_DONG)
    assert status == 404
    # Once decided it waits at the union above: Rạng Đông may no longer take it.
    fire(api, sid, "validate", 1, RANG_DONG)
    assert api.json("POST", f"/submissions/{sid}/claim", user=RANG_DONG)[0] == 403
    assert api.json("POST", f"/submissions/{sid}/claim", user="reviewer-cong-thuong")[0] == 200


def test_the_queue_reads_a_units_claims_in_one_query(api, waiting, monkeypatch):
    from chalicelib.submissions import store

    for key in ("lamp", "heat"):
        api.json("POST", f"/submissions/{waiting[key]['id']}/claim", user=RANG_DONG)
    calls = []
    original = store.claims
    monkeypatch.setattr(store, "claims", lambda unit: calls.append(unit) or original(unit))
    page = queue(api)
    assert calls == ["cdcs-rang-dong"]
    assert [item["id"] for item in page["items"] if "claimed_by" in item] == [waiting["lamp"]["id"],
                                                                             waiting["heat"]["id"]]


# ------------------------------------------------------------------ due dates (the deadlines core's fields)

def test_sort_by_due_puts_first_what_must_be_decided_first_not_what_came_first(api, now):
    from datetime import datetime

    from chalicelib.clock import VIETNAM

    # GIVEN Y received on 21/11 but found valid only on 28/12, and X received on 26/12 and found valid on 27/12
    y = enter(api, title="Y – nhận từ 21/11")["id"]
    now(datetime(2026, 12, 26, 9, tzinfo=VIETNAM))
    x = enter(api, title="X – nhận ngày 26/12")["id"]
    now(datetime(2026, 12, 27, 9, tzinfo=VIETNAM))
    fire(api, x, "validate", 1, RANG_DONG)
    now(datetime(2026, 12, 28, 9, tzinfo=VIETNAM))
    fire(api, y, "validate", 1, RANG_DONG)
    # WHEN the union above lists its queue
    rows = {item["id"]: item for item in queue(api, user="reviewer-cong-thuong")["items"]}
    # THEN in its own order X came first; by due date Y is first: its 90 days from receipt end
    # before X's 60 days at this desk
    assert list(rows) == [x, y]
    assert rows[y]["decision_due_at"] < rows[x]["due_at"] < rows[y]["due_at"]
    assert ids(queue(api, "?sort=due", user="reviewer-cong-thuong")) == [y, x]


def test_the_overdue_come_first_then_the_earliest_due_then_those_without_a_deadline():
    from chalicelib.review.queues import ordered

    rows = [{"id": "none"}, {"id": "late", "due_at": "2026-12-20T23:59:59.999+07:00"},
            {"id": "soon", "due_at": "2026-12-06T23:59:59.999+07:00", "decision_due_at": "2027-02-19T23:59:59.999+07:00"},
            {"id": "overdue", "due_at": "2026-12-30T23:59:59.999+07:00",
             "overdue_since": "2026-12-01T23:59:59.999+07:00"},
            {"id": "review-ends", "due_at": "2027-01-30T23:59:59.999+07:00",
             "decision_due_at": "2026-12-10T23:59:59.999+07:00"}]
    assert [r["id"] for r in ordered(rows, "due")] == ["overdue", "soon", "review-ends", "late", "none"]
    assert [r["id"] for r in ordered(rows, "age")] == [r["id"] for r in rows]


def test_a_sweep_marks_a_row_overdue_and_due_sorts_it_on_top(api, now):
    from datetime import datetime

    from chalicelib.clock import VIETNAM
    from chalicelib.review import deadlines as sweeper

    first = enter(api, title="Chờ từ 21/11")["id"]
    now(datetime(2026, 11, 25, 9, tzinfo=VIETNAM))
    second = enter(api, title="Chờ từ 25/11")["id"]
    now(datetime(2026, 12, 7, 0, 5, tzinfo=VIETNAM))
    sweeper.sweep()
    rows = {item["id"]: item for item in queue(api, "?sort=due")["items"]}
    assert list(rows) == [first, second]
    assert rows[first]["overdue_since"] == "2026-12-06T23:59:59.999+07:00"
    assert rows[second]["overdue_since"] is None and rows[second]["due_at"] == "2026-12-10T23:59:59.999+07:00"
