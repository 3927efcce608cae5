"""POST /submissions, GET /submissions/{id}, GET /me/submissions."""
import json
import unicodedata
from datetime import datetime

import pytest

from chalicelib.clock import VIETNAM
from chalicelib.submissions.identifiers import is_valid_tracking_code
from tests.conftest import initiative
from tests.helpers import enter, snapshot, table_items


def test_nfd_vietnamese_is_stored_and_returned_as_nfc(api):
    # GIVEN a body typed on a keyboard that sends decomposed (NFD) Vietnamese, with stray spaces
    body = initiative()
    nfd = {**body, "title": "  " + unicodedata.normalize("NFD", "Cải tiến khuôn ép đuôi đèn Rạng Đông") + " ",
           "authors": [{"full_name": unicodedata.normalize("NFD", "Nguyễn Thị Hương"), "share_percent": 100}]}
    assert nfd["title"].strip() != "Cải tiến khuôn ép đuôi đèn Rạng Đông"  # really different bytes
    # WHEN it is submitted
    status, created = api.json("POST", "/submissions", nfd, user="worker-rang-dong")
    # THEN the response and the stored item hold the NFC form, trimmed
    assert status == 201, created
    assert created["title"] == "Cải tiến khuôn ép đuôi đèn Rạng Đông"
    assert created["authors"][0]["full_name"] == "Nguyễn Thị Hương"
    stored = next(i for i in table_items("initiatives") if i["sk"]["S"] == "META")
    assert stored["title"]["S"].encode() == "Cải tiến khuôn ép đuôi đèn Rạng Đông".encode("utf-8")
    assert unicodedata.is_normalized("NFC", stored["problem"]["S"])


def test_success_returns_the_stored_initiative(api):
    status, created = api.json("POST", "/submissions", initiative(), user="worker-rang-dong")
    assert status == 201
    assert created["status"] == "pending" and created["status_name"] == {"vi": "Chờ duyệt", "en": "Pending"}
    assert created["phase"] == "sk2627-gd1" and created["program_id"] == "sang-kien-2026-2027"
    assert created["created_at"].startswith("2026-11-21T10:00:00") and created["created_at"].endswith("+07:00")
    assert is_valid_tracking_code(created["code"]) and len(created["code"]) == 11
    assert created["unit_name"] == "Công đoàn Công ty CP Bóng đèn Phích nước Rạng Đông"
    assert created["benefit_vnd"] == 1500000000 and created["block"] == "enterprise"
    # One initiative, its "submitted" history event and its tracking-code claim.
    items = table_items("initiatives")
    assert sorted(i["sk"]["S"] for i in items) == ["CODE", "EVT#000001", "META"]
    event = next(i for i in items if i["sk"]["S"] == "EVT#000001")
    assert event["event"]["S"] == "submitted" and event["to_state"]["S"] == "pending"
    assert event["actor_id"]["S"] == "worker-rang-dong"


def test_two_submissions_get_different_ids_and_codes(api):
    first, second = enter(api), enter(api)
    assert first["id"] != second["id"] and first["code"] != second["code"]


SCHEMA_ERRORS = [
    # (change to the body, expected (path, code) pairs)
    ({"title": None}, [("/title", "wrong_type")]),
    ({"title": "   "}, [("/title", "required")]),
    ({"title": "x" * 201}, [("/title", "too_long")]),
    ({"title": "Dòng một\nDòng hai"}, [("/title", "single_line")]),
    ({"applied_from": "31/05/2022"}, [("/applied_from", "invalid_date")]),
    ({"benefit_vnd": -1}, [("/benefit_vnd", "too_small")]),
    ({"benefit_vnd": 1.5}, [("/benefit_vnd", "wrong_type")]),
    ({"authors": []}, [("/authors", "too_few")]),
    ({"authors": [{"full_name": f"Tác giả {i}", "share_percent": 5} for i in range(21)]}, [("/authors", "too_many")]),
    ({"authors": [{"full_name": "Lê Văn Cường", "share_percent": 100, "email": "khong-phai-email"}]},
     [("/authors/0/email", "invalid_email")]),
    ({"authors": [{"share_percent": 100}]}, [("/authors/0/full_name", "required")]),
    ({"nickname": "x"}, [("/nickname", "unknown_property")]),
    ({"unit_id": "Rạng Đông"}, [("/unit_id", "invalid_format")]),
    ({"problem": "Máy ép\u0007 kêu to suốt cả ca làm việc"}, [("/problem", "control_character")]),
]


@pytest.mark.parametrize("change, expected", SCHEMA_ERRORS)
def test_schema_errors_are_400_name_the_field_and_store_nothing(api, change, expected):
    body = {k: v for k, v in {**initiative(), **change}.items() if v is not None}
    if change.get("title", "") is None:
        body["title"] = None
    before = snapshot()
    status, answer = api.json("POST", "/submissions", body, user="worker-rang-dong")
    assert status == 400
    assert [(e["path"], e["code"]) for e in answer["errors"]] == expected
    assert all(e["message"] for e in answer["errors"])
    assert snapshot() == before


def test_every_schema_error_is_reported_at_once(api):
    body = initiative(title="", applied_from="hôm qua", authors=[{"full_name": "A", "share_percent": 0}])
    del body["solution"]
    status, answer = api.json("POST", "/submissions", body, user="worker-rang-dong")
    assert status == 400
    assert {(e["path"], e["code"]) for e in answer["errors"]} == {
        ("/title", "required"), ("/applied_from", "invalid_date"), ("/solution", "required"),
        ("/authors/0/full_name", "too_short"), ("/authors/0/share_percent", "too_small")}


def test_messages_are_vietnamese_by_default_and_english_on_request(api):
    body = initiative(title="")
    _, vi = api.json("POST", "/submissions", body, user="worker-rang-dong")
    _, en = api.json("POST", "/submissions", body, user="worker-rang-dong", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert vi["errors"][0]["message"] == "Tên sáng kiến: bắt buộc phải nhập."
    assert en["errors"][0]["message"] == "Title: is required."
    _, nested = api.json("POST", "/submissions", initiative(authors=[{"full_name": "Lê Văn Cường"}]),
                         user="worker-rang-dong")
    assert nested["errors"][0]["message"] == "Tác giả 1 – Tỷ lệ đóng góp (%): bắt buộc phải nhập."


RULE_ERRORS = [
    ({"unit_id": "khong-co-don-vi"}, [("/unit_id", "unknown_unit")]),
    ({"unit_id": "cd-vien-chuc-thanh-hoa"}, [("/unit_id", "not_grassroots")]),
    ({"unit_id": "ldld-ha-noi"}, [("/unit_id", "not_grassroots")]),
    ({"subject_group": "khong-co-nhom"}, [("/subject_group", "unknown_subject_group")]),
    ({"field": "epidemic-prevention"}, [("/field", "unknown_field")]),  # a field of the 2022 program only
    ({"applied_from": "2026-11-22"}, [("/applied_from", "date_in_future")]),
    ({"applied_from": "2025-08-31"}, [("/applied_from", "before_program_start")]),
    ({"authors": [{"full_name": "Nguyễn Văn An", "share_percent": 60},
                  {"full_name": "Trần Thị Bình", "share_percent": 30}]}, [("/authors", "shares_not_100")]),
]


@pytest.mark.parametrize("change, expected", RULE_ERRORS)
def test_rule_errors_are_422_name_the_field_and_store_nothing(api, change, expected):
    before = snapshot()
    status, answer = api.json("POST", "/submissions", initiative(**change), user="worker-rang-dong")
    assert status == 422
    assert [(e["path"], e["code"]) for e in answer["errors"]] == expected
    assert snapshot() == before


def test_all_rule_errors_at_once_in_english(api):
    body = initiative(unit_id="ldld-ha-noi", field="khong-co", applied_from="2027-01-01",
                      authors=[{"full_name": "Nguyễn Văn An", "share_percent": 90}])
    status, answer = api.json("POST", "/submissions", body, user="worker-rang-dong", headers={"Accept-Language": "en"})
    assert status == 422
    assert {e["code"] for e in answer["errors"]} == {"not_grassroots", "unknown_field", "date_in_future",
                                                    "shares_not_100"}
    shares = next(e for e in answer["errors"] if e["code"] == "shares_not_100")
    assert shares["message"] == "Authors: the authors' shares must add up to 100% (now 90%)."


def test_nothing_open_between_programs(api, now):
    now(datetime(2025, 1, 10, 9, 0, tzinfo=VIETNAM))
    status, answer = api.json("POST", "/submissions", initiative(applied_from="2025-01-01"), user="worker-rang-dong")
    assert status == 422 and ("", "no_open_phase") in [(e["path"], e["code"]) for e in answer["errors"]]


@pytest.mark.parametrize("moment, phase", [
    (datetime(2022, 5, 31, 23, 59, tzinfo=VIETNAM), "mtsk-gd1"),
    (datetime(2022, 6, 1, 0, 0, tzinfo=VIETNAM), "mtsk-gd2"),
])
def test_phase_boundary_is_midnight_in_hanoi(api, now, moment, phase):
    # 23:59 on 31/05/2022 in Hà Nội is 16:59 UTC: still phase 1; midnight starts phase 2.
    now(moment)
    body = initiative(applied_from="2022-01-15", field="epidemic-prevention")
    status, created = api.json("POST", "/submissions", body, user="worker-rang-dong")
    assert status == 201, created
    assert created["phase"] == phase and created["program_id"] == "mot-trieu-sang-kien"


def test_applied_before_the_programs_counting_date_is_refused_in_2022(api, now):
    now(datetime(2022, 3, 1, 9, 0, tzinfo=VIETNAM))
    status, answer = api.json("POST", "/submissions", initiative(applied_from="2021-08-31", field="productivity"),
                              user="worker-rang-dong")
    assert status == 422
    assert answer["errors"][0]["code"] == "before_program_start"
    assert "01/09/2021" in answer["errors"][0]["message"]  # as people write dates here, not 2021-09-01


def test_malformed_and_oversized_bodies(api):
    before = snapshot()
    status, answer = api.json("POST", "/submissions", user="worker-rang-dong", raw=b"{not json")
    assert status == 400 and answer["errors"][0]["code"] == "invalid_json"
    big = initiative(solution="x" * (70 * 1024))
    status, answer = api.json("POST", "/submissions", big, user="worker-rang-dong")
    assert status == 413 and answer["errors"][0]["code"] == "body_too_large"
    status, answer = api.json("POST", "/submissions", user="worker-rang-dong", raw=b"[1, 2]")
    assert status == 400 and answer["errors"][0]["code"] == "wrong_type"
    assert snapshot() == before


# ------------------------------------------------------------ idempotency

def test_same_idempotency_key_and_body_returns_the_first_response_and_stores_once(api):
    headers = {"Idempotency-Key": "f3b1c2d4-tap-1"}
    status1, first = api.json("POST", "/submissions", initiative(), user="worker-rang-dong", headers=headers)
    after_first = snapshot()
    # The retry arrives in the other Unicode form: still the same request.
    retry = initiative(title=unicodedata.normalize("NFD", initiative()["title"]))
    status2, second = api.json("POST", "/submissions", retry, user="worker-rang-dong", headers=headers)
    assert (status1, status2) == (201, 201)
    assert second == first
    assert snapshot() == after_first
    assert len([i for i in table_items("initiatives") if i["sk"]["S"] == "META"]) == 1


def test_same_key_with_a_different_body_is_422_and_stores_nothing(api):
    headers = {"Idempotency-Key": "key-42"}
    api.json("POST", "/submissions", initiative(), user="worker-rang-dong", headers=headers)
    before = snapshot()
    status, answer = api.json("POST", "/submissions", initiative(title="Một sáng kiến khác hẳn"),
                              user="worker-rang-dong", headers=headers)
    assert status == 422 and answer["errors"][0]["code"] == "idempotency_key_reused"
    assert snapshot() == before


def test_keys_belong_to_their_caller(api):
    headers = {"Idempotency-Key": "shared-key"}
    _, mine = api.json("POST", "/submissions", initiative(), user="worker-rang-dong", headers=headers)
    status, theirs = api.json("POST", "/submissions", initiative(), user="worker-rang-dong-2", headers=headers)
    assert status == 201 and theirs["id"] != mine["id"]


def test_a_malformed_idempotency_key_is_refused(api):
    status, answer = api.json("POST", "/submissions", initiative(), user="worker-rang-dong",
                              headers={"Idempotency-Key": "có dấu cách"})
    assert status == 400 and answer["errors"][0]["code"] == "invalid_idempotency_key"
    assert table_items("initiatives") == []


# ------------------------------------------------------------ reading

def test_who_may_read_an_initiative(api):
    created = enter(api)
    path = f"/submissions/{created['id']}"
    # The submitter, reviewers of its grassroots union and of the top-level unit above it, national leaders.
    for user in ("worker-rang-dong", "reviewer-rang-dong", "reviewer-cong-thuong", "leader-national", "admin"):
        assert api.json("GET", path, user=user)[0] == 200, user
    # Another worker of the same union, a reviewer elsewhere, a leader of another province.
    for user in ("worker-rang-dong-2", "reviewer-fpt", "reviewer-ha-noi", "leader-thanh-hoa"):
        status, answer = api.json("GET", path, user=user)
        assert status == 403 and answer["errors"][0]["code"] == "forbidden", user


def test_unknown_initiative_is_404(api):
    status, answer = api.json("GET", "/submissions/01HZZZZZZZZZZZZZZZZZZZZZZZ", user="admin")
    assert status == 404 and answer["errors"][0]["code"] == "not_found"


def test_my_submissions_pages_newest_first_without_gaps_or_repeats(api, now):
    created = []
    for minute in range(7):
        now(datetime(2026, 11, 21, 8, minute, tzinfo=VIETNAM))
        created.append(enter(api, title=f"Sáng kiến số {minute + 1}")["id"])
    enter(api, user="worker-rang-dong-2")  # someone else's
    seen, cursor, pages = [], None, 0
    while True:
        path = "/me/submissions?limit=3" + (f"&cursor={cursor}" if cursor else "")
        status, page = api.json("GET", path, user="worker-rang-dong")
        assert status == 200
        pages += 1
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(created))
    assert pages in (3, 4)  # 3+3+1 (DynamoDB may return one last empty page)
    first = api.json("GET", "/me/submissions?limit=1", user="worker-rang-dong")[1]["items"][0]
    assert first["title"] == "Sáng kiến số 7" and first["status_name"]["vi"] == "Chờ duyệt"


def test_cursors_cannot_be_forged_or_borrowed(api):
    for _ in range(2):
        enter(api)
    _, page = api.json("GET", "/me/submissions?limit=1", user="worker-rang-dong")
    status, answer = api.json("GET", f"/me/submissions?cursor={page['next_cursor']}", user="worker-rang-dong-2")
    assert status == 400 and answer["errors"][0] == {
        "path": "/cursor", "code": "invalid_cursor",
        "message": "Liên kết tới trang sau không còn dùng được; hãy tải lại từ trang đầu."}
    status, _ = api.json("GET", "/me/submissions?cursor=bm90LWEtY3Vyc29y", user="worker-rang-dong")
    assert status == 400
    status, answer = api.json("GET", "/me/submissions?limit=500", user="worker-rang-dong")
    assert status == 400 and answer["errors"][0]["path"] == "/limit"
