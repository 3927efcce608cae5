"""The reviewer's pages as people use them: the queue with its filters and the
count waiting, deciding many at once, one initiative with its history and the
events the caller may fire, and what an author sees when asked to revise."""
import re
from datetime import timedelta
from urllib.parse import quote

from tests.conftest import DEFAULT_NOW, html_text
from tests.helpers import deliver, enter, fire, snapshot
from tests import helpers

FPT = dict(unit_id="cdcs-fpt-cau-giay",
           authors=[{"full_name": "Phạm Minh Đức", "member_id": "worker-fpt", "share_percent": 100}])
REVISION_REASON = "Cần bổ sung số liệu trước và sau khi áp dụng."


def text(response) -> str:
    return html_text(response)


def body(response) -> str:
    return response.body.decode("utf-8") if isinstance(response.body, bytes) else response.body


def rows(response) -> list[str]:
    """The ids of the queue's rows, top to bottom."""
    return re.findall(r'<li data-id="([0-9A-Z]{26})"', body(response))


def field_error(response, field_id: str) -> str:
    """The message shown beside one field (by the field's id)."""
    found = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', body(response), re.S)
    assert found, field_id
    return html_text(type("R", (), {"body": found.group(1)}))


def decision_form(items, event, **fields) -> list:
    """The queue's batch form as a browser posts it: ticked ids with their versions."""
    form = [("client_token", f"batch{len(items)}{event}"), ("event", event)]
    for item in items:
        form += [("ids", item["id"]), (f"version-{item['id']}", str(item["version"]))]
    return form + list(fields.items())


# ------------------------------------------------------------------ who may open the queue

def test_a_worker_is_refused_the_queue(pages):
    # GIVEN a worker signed in WHEN they open the queue THEN 403, as a page in their language
    response = pages.get("/app/queue", user="worker-rang-dong")
    assert response.status_code == 403
    assert "Bạn không có quyền thực hiện việc này." in text(response)


def test_someone_not_signed_in_is_sent_to_sign_in_and_back(pages):
    # WHEN nobody is signed in and the queue is asked for
    response = pages.get("/app/queue?state=pending")
    # THEN they are sent to sign in, then back to the queue they asked for
    assert response.status_code == 303
    assert response.headers["Location"] == "/app/sign-in?next=" + quote("/app/queue?state=pending", safe="")


# ------------------------------------------------------------------ the queue

def test_the_queue_lists_the_units_initiatives_oldest_first_and_no_one_elses(api, pages, now):
    # GIVEN two initiatives at Rạng Đông entered a day apart, the newer first in the
    # alphabet, and one at FPT Cầu Giấy
    now(DEFAULT_NOW - timedelta(days=1))
    older = enter(api, title="Z – Hệ thống thu hồi nhiệt khí thải lò nung")
    now(DEFAULT_NOW)
    newer = enter(api, title="A – Đồ gá kiểm tra nhanh đuôi đèn")
    elsewhere = enter(api, user="worker-fpt", title="Phần mềm chấm công bằng mã QR", **FPT)
    # WHEN Rạng Đông's reviewer opens the queue
    response = pages.get("/app/queue", user="reviewer-rang-dong")
    # THEN they see their union's two, oldest first, each with its code, unit,
    # subject group, waiting time and state, linked to its page
    assert response.status_code == 200
    assert rows(response) == [older["id"], newer["id"]]
    shown = text(response)
    assert elsewhere["title"] not in shown
    assert older["code"] in shown and "Công đoàn Công ty CP Bóng đèn Phích nước Rạng Đông" in shown
    assert "Công nhân, người lao động trong các doanh nghiệp sản xuất, kinh doanh" in shown
    assert "Chờ từ 20/11/2026 10:00" in shown and "Chờ duyệt" in shown
    assert f'href="/app/initiatives/{older["id"]}"' in body(response)
    assert f'name="version-{older["id"]}" value="1"' in body(response)
    # AND the batch form offers the grassroots reviewer's events, by their names in the definition
    events = re.findall(r'<option value="([a-z_]+)"[^>]*>([^<]+)</option>',
                        body(response).split('name="event"')[1].split("</select>")[0])
    assert events == [("validate", "Xác nhận hợp lệ"), ("invalidate", "Không hợp lệ"),
                      ("request_revision", "Yêu cầu bổ sung")]
    assert 'data-select-all="ids"' in body(response)


def test_a_rare_filter_fills_the_queue_page_and_its_next_page(api, pages):
    # GIVEN 1,500 initiatives waiting at Rạng Đông, one in 300 of the "new countryside" group
    rare = helpers.seed_waiting(1_500, ["tld", "cd-cong-thuong", "cdcs-rang-dong"], rare_every=300)
    # WHEN the reviewer picks that group, three to a page
    response = pages.get("/app/queue?subject_group=new-countryside&limit=3", user="reviewer-rang-dong")
    # THEN the page is full of it, oldest first, and "next page" brings the rest, then no further page
    assert rows(response) == rare[:3]
    next_link = re.search(r'href="([^"]+)" rel="next"', body(response)).group(1).replace("&amp;", "&")
    response = pages.get(next_link, user="reviewer-rang-dong")
    assert rows(response) == rare[3:]
    assert 'rel="next"' not in body(response)


def test_filters_narrow_the_queue_and_are_kept_on_the_next_page(api, pages):
    # GIVEN three initiatives at Rạng Đông in different subject groups and fields
    workers = enter(api, title="Cải tiến băng tải", subject_group="enterprise-workers", field="productivity")
    technical = enter(api, title="Chế tạo máy kiểm tra bóng đèn", subject_group="works-and-technical",
                      field="productivity")
    digital = enter(api, title="Số hóa sổ giao ca", subject_group="enterprise-workers",
                    field="digital-transformation")
    # WHEN the reviewer filters by subject group
    response = pages.get("/app/queue?subject_group=enterprise-workers", user="reviewer-rang-dong")
    # THEN only that group's initiatives show, and the filter stays chosen
    assert rows(response) == [workers["id"], digital["id"]]
    assert '<option value="enterprise-workers" selected>' in body(response)
    # WHEN they filter by field as well THEN only the one matching both
    response = pages.get("/app/queue?subject_group=enterprise-workers&field=digital-transformation",
                         user="reviewer-rang-dong")
    assert rows(response) == [digital["id"]]
    # WHEN they filter by a phase with nothing in it THEN nothing, said so
    response = pages.get("/app/queue?phase=mtsk-gd1", user="reviewer-rang-dong")
    assert rows(response) == []
    assert "Không có sáng kiến nào đang chờ khớp bộ lọc." in text(response)
    # AND the state filter offers only the states waiting at a grassroots union
    states = re.findall(r'<option value="([a-z_]+)"', body(pages.get("/app/queue", user="reviewer-rang-dong"))
                        .split('id="filter-state"')[1].split("</select>")[0])
    assert states == ["pending"]
    # WHEN a page holds fewer than all THEN "next page" keeps the filters
    response = pages.get("/app/queue?field=productivity&limit=1", user="reviewer-rang-dong")
    assert rows(response) == [workers["id"]]
    next_link = re.search(r'href="([^"]+)" rel="next"', body(response)).group(1).replace("&amp;", "&")
    assert "field=productivity" in next_link and "cursor=" in next_link
    response = pages.get(next_link, user="reviewer-rang-dong")
    assert rows(response) == [technical["id"]]
    assert "Về trang đầu" in text(response)


def test_the_count_waiting_shows_what_the_counters_hold_once_the_stream_has_run(api, pages, stream):
    # GIVEN two initiatives at FPT Cầu Giấy, one of them already found valid
    first = enter(api, user="worker-fpt", **FPT)
    second = enter(api, user="worker-fpt", title="Phần mềm chấm công bằng mã QR", **FPT)
    fire(api, second["id"], "validate", 1, "reviewer-fpt")
    # WHEN the stream has counted them
    deliver(stream)
    # THEN the grassroots reviewer sees 1 waiting for them (pending) in the current phase
    response = pages.get("/app/queue", user="reviewer-fpt")
    assert re.search(r'data-testid="waiting-count">\s*<span class="value">1</span>', body(response))
    assert "1 sáng kiến đang chờ Công đoàn Công ty TNHH Phần mềm FPT xét duyệt" in text(response)
    assert "chậm vài giây" in text(response)
    assert "Giai đoạn 1 · Sáng kiến vì năng suất, chất lượng 2026–2027" in text(response)
    assert rows(response) == [first["id"]]
    # AND the district federation above sees the valid one waiting for it
    response = pages.get("/app/queue", user="reviewer-cau-giay")
    assert re.search(r'data-testid="waiting-count">\s*<span class="value">1</span>', body(response))
    assert rows(response) == [second["id"]]
    # AND in a phase with nothing counted the count is 0
    response = pages.get("/app/queue?phase=sk2627-gd2", user="reviewer-fpt")
    assert re.search(r'data-testid="waiting-count">\s*<span class="value">0</span>', body(response))


# ------------------------------------------------------------------ deciding many at once

def test_validating_two_at_once_gives_a_result_for_each(api, pages):
    # GIVEN two pending initiatives at Rạng Đông
    one, two = enter(api, title="Cải tiến băng tải"), enter(api, title="Số hóa sổ giao ca")
    # WHEN the reviewer ticks both and marks them valid
    response = pages.post("/app/queue/decisions", decision_form([one, two], "validate"), user="reviewer-rang-dong")
    # THEN a line each says it is done and names the new state
    assert response.status_code == 200
    page = body(response)
    assert page.count('class="result-ok"') == 2 and 'class="result-bad"' not in page
    assert "Cải tiến băng tải" in text(response) and two["code"] in text(response)
    assert "Đã xong. Trạng thái mới: Hợp lệ" in text(response)
    for item in (one, two):
        _, now = api.json("GET", f"/submissions/{item['id']}", user="reviewer-rang-dong")
        assert now["status"] == "valid"


def test_a_batch_where_one_was_already_decided_says_so_for_that_one(api, pages):
    # GIVEN two pending initiatives, the reviewer's page showing both at version 1,
    # and a colleague who meanwhile returned one for revision
    one, two = enter(api, title="Cải tiến băng tải"), enter(api, title="Số hóa sổ giao ca")
    fire(api, two["id"], "request_revision", 1, "reviewer-rang-dong", reason=REVISION_REASON)
    # WHEN the reviewer marks both valid, in English
    response = pages.post("/app/queue/decisions", decision_form([one, two], "validate"), user="reviewer-rang-dong",
                          lang="en")
    # THEN the first is done and the second says someone else decided it, with its state now
    assert response.status_code == 200
    lines = dict(re.findall(r'<li data-id="([0-9A-Z]{26})">(.*?)</li>', body(response), re.S))
    assert 'class="result-ok"' in lines[one["id"]] and "New state: Valid" in lines[one["id"]]
    assert 'class="result-bad"' in lines[two["id"]]
    assert "Someone else already decided this" in lines[two["id"]]
    assert "Current state: Needs revision" in lines[two["id"]]
    assert "Số hóa sổ giao ca" in lines[two["id"]]
    assert "Done: 1. Not done: 1." in text(response)


def test_a_batch_sent_twice_decides_once_and_answers_the_same(api, pages):
    # GIVEN a pending initiative and the batch form posted once
    one = enter(api, title="Cải tiến băng tải")
    form = decision_form([one], "validate")
    first = pages.post("/app/queue/decisions", form, user="reviewer-rang-dong")
    # WHEN the same form arrives again (a double tap, a retried connection)
    again = pages.post("/app/queue/decisions", form, user="reviewer-rang-dong")
    # THEN it answers as the first time, and the history holds one decision
    assert 'class="result-ok"' in body(first) and 'class="result-ok"' in body(again)
    assert "Đã xong. Trạng thái mới: Hợp lệ" in text(again)
    _, history = api.json("GET", f"/submissions/{one['id']}/history", user="reviewer-rang-dong")
    assert [step["event"] for step in history["items"]] == ["submitted", "validate"]


def test_a_batch_without_its_reason_or_selection_comes_back_with_the_messages_by_the_fields(api, pages):
    # GIVEN two pending initiatives
    one, two = enter(api, title="Cải tiến băng tải"), enter(api, title="Số hóa sổ giao ca")
    before = snapshot()
    # WHEN the reviewer returns one for revision without a reason
    form = decision_form([one], "request_revision")
    response = pages.post("/app/queue/decisions", form, user="reviewer-rang-dong")
    # THEN the queue comes back with the reason's message beside it, the tick and
    # the chosen action kept, and nothing is stored
    assert response.status_code == 422
    assert field_error(response, "decision-reason") == "Lý do: bắt buộc phải nhập."
    assert "Chưa gửi được quyết định" in text(response)
    assert f'id="pick-{one["id"]}" name="ids" value="{one["id"]}" aria-describedby="items-error" checked' \
        in body(response)
    assert f'id="pick-{two["id"]}" name="ids" value="{two["id"]}" aria-describedby="items-error">' in body(response)
    assert '<option value="request_revision" selected>' in body(response)
    assert snapshot() == before
    # WHEN they send a decision with nothing ticked and a reason the action does not take
    response = pages.post("/app/queue/decisions", [("event", "validate"), ("reason", "Đủ hồ sơ")],
                          user="reviewer-rang-dong")
    # THEN each message is beside its field, every one at once, what was typed kept
    assert response.status_code == 422
    assert field_error(response, "items") == "Hãy chọn ít nhất một sáng kiến."
    assert field_error(response, "decision-reason") == \
        'Lý do: thao tác "Xác nhận hợp lệ" không nhận thông tin này.'
    assert ">Đủ hồ sơ</textarea>" in body(response)
    assert snapshot() == before


def test_recognising_from_the_queue_checks_the_scores_and_benefit_beside_their_fields(api, pages):
    # GIVEN an initiative under review by the union above Rạng Đông
    created = enter(api)
    fire(api, created["id"], "validate", 1, "reviewer-rang-dong")
    item = fire(api, created["id"], "start_review", 2, "reviewer-cong-thuong")["submission"]
    before = snapshot()
    # WHEN its reviewer recognises it from the queue with a score out of range, one
    # missing and no confirmed benefit
    form = decision_form([item], "recognize", novelty="11", applicability="9")
    response = pages.post("/app/queue/decisions", form, user="reviewer-cong-thuong")
    # THEN the scores open again with each message beside its field, values kept, nothing stored
    assert response.status_code == 422
    assert field_error(response, "decision-novelty") == \
        "Điểm đánh giá – Tính mới: phải nhỏ hơn hoặc bằng 10."
    assert field_error(response, "decision-effectiveness") == \
        "Điểm đánh giá – Hiệu quả: bắt buộc phải nhập."
    assert field_error(response, "decision-confirmed-benefit") == \
        "Giá trị làm lợi được xác nhận (đồng): bắt buộc phải nhập."
    assert '<details class="review-recognise" open>' in body(response)
    assert 'name="novelty" min="0" max="10" step="1" inputmode="numeric" value="11"' in body(response)
    assert snapshot() == before
    # WHEN they fix it THEN it is recognised
    form = decision_form([item], "recognize", novelty="8", applicability="9", effectiveness="7",
                         confirmed_benefit_vnd="900.000.000")
    response = pages.post("/app/queue/decisions", form, user="reviewer-cong-thuong")
    assert response.status_code == 200 and "Đã xong. Trạng thái mới: Được công nhận" in text(response)
    _, now = api.json("GET", f"/submissions/{item['id']}", user="reviewer-cong-thuong")
    assert now["confirmed_benefit_vnd"] == 900000000 and now["scores"]["novelty"] == 8


# ------------------------------------------------------------------ one initiative

def test_the_initiative_page_shows_the_details_history_and_the_reviewers_events(api, pages):
    # GIVEN an initiative at Rạng Đông
    created = enter(api)
    # WHEN Rạng Đông's reviewer opens it
    response = pages.get(f"/app/initiatives/{created['id']}", user="reviewer-rang-dong")
    # THEN they read everything, with money, dates and names written for people
    assert response.status_code == 200
    shown = text(response)
    for expected in ("Cải tiến khuôn ép đuôi đèn LED", created["code"], "Chờ duyệt", "1.500.000.000 ₫",
                     "01/03/2026", "Nguyễn Văn An – đóng góp 60%", "Trần Thị Bình – đóng góp 40%",
                     "Phân xưởng Đèn LED 2", "Nâng cao năng suất lao động",
                     "Công đoàn Công ty CP Bóng đèn Phích nước Rạng Đông"):
        assert expected in shown, expected
    # AND the history says who entered it and when
    history = body(response).split('data-testid="history"')[1]
    assert "Gửi sáng kiến" in history and "21/11/2026 10:00" in history
    assert "Trạng thái: Chờ duyệt" in history
    # AND one button or form per event they may fire now, labelled as the definition names it
    assert re.findall(r'data-event="([a-z_]+)">([^<]+)</button>', body(response)) == [
        ("validate", "Xác nhận hợp lệ"), ("invalidate", "Không hợp lệ"),
        ("request_revision", "Yêu cầu bổ sung")]
    # WHEN they read it in English THEN the same events, by their English names
    response = pages.get(f"/app/initiatives/{created['id']}", user="reviewer-rang-dong", lang="en")
    assert re.findall(r'data-event="([a-z_]+)">([^<]+)</button>', body(response)) == [
        ("validate", "Mark valid"), ("invalidate", "Mark invalid"), ("request_revision", "Return for revision")]
    assert "Pending" in text(response) and "1,500,000,000 VND" in text(response)


def test_the_history_names_who_acted_by_their_names_read_in_one_batch(api, pages):
    from chalicelib import aws

    # GIVEN an initiative validated at Rạng Đông (Đỗ Thị Lan) and taken up by Công Thương (Phan Văn Hòa)
    created = enter(api)
    fire(api, created["id"], "validate", 1, "reviewer-rang-dong")
    fire(api, created["id"], "start_review", 2, "reviewer-cong-thuong")
    # WHEN its author opens it
    counting = helpers.Counting(aws.dynamodb())
    with aws.replaced(dynamodb=counting):
        response = pages.get(f"/app/initiatives/{created['id']}", user="worker-rang-dong")
    # THEN each step names who acted, by name, in their seat and unit; the author's own step says "Bạn"
    steps = [" ".join(item.split()) for item in re.findall(
        r'<span class="meta">([^<]*)</span>', body(response).split('data-testid="history"')[1])]
    assert steps == [
        "21/11/2026 10:00 · Bạn",
        "21/11/2026 10:00 · Đỗ Thị Lan (Cán bộ xét duyệt – Công đoàn Công ty CP Bóng đèn Phích nước Rạng Đông)",
        "21/11/2026 10:00 · Phan Văn Hòa (Cán bộ xét duyệt – Công đoàn Công Thương Việt Nam)"]
    assert "reviewer-rang-dong" not in body(response) and "reviewer-cong-thuong" not in body(response)
    # AND the names were read together: one BatchGetItem, no read per step
    assert counting.reads_of("USER#", "USER") == ["BatchGetItem"]


def test_firing_an_event_goes_back_to_the_page_which_says_it_was_done(api, pages):
    # GIVEN an initiative the grassroots reviewer found valid, now under review above
    created = enter(api)
    fire(api, created["id"], "validate", 1, "reviewer-rang-dong")
    fire(api, created["id"], "start_review", 2, "reviewer-cong-thuong")
    # WHEN the upper reviewer recognises it with scores and a benefit typed with dots
    response = pages.post(f"/app/initiatives/{created['id']}/events", {
        "event": "recognize", "expected_version": "3", "client_token": "t1", "novelty": "8",
        "applicability": "9", "effectiveness": "7", "confirmed_benefit_vnd": "900.000.000", "reason": ""},
        user="reviewer-cong-thuong")
    # THEN they are sent back to the initiative's page, which says it was done
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location == f"/app/initiatives/{created['id']}?done=recognize"
    response = pages.get(location, user="reviewer-cong-thuong")
    shown = text(response)
    assert "Đã thực hiện: Công nhận." in shown and "Được công nhận" in shown
    # AND the history shows the step with its scores and confirmed benefit
    history = html_text(type("R", (), {"body": body(response).split('data-testid="history"')[1]}))
    assert "Đang xem xét → Được công nhận" in history
    assert "Tính mới: 8 · Khả năng áp dụng: 9 · Hiệu quả: 7" in history
    assert "900.000.000 ₫" in history


def test_returning_for_revision_without_a_reason_comes_back_with_the_message_by_the_field(api, pages):
    # GIVEN a pending initiative
    created = enter(api)
    before = snapshot()
    # WHEN the reviewer returns it for revision with an empty reason
    response = pages.post(f"/app/initiatives/{created['id']}/events", {
        "event": "request_revision", "expected_version": "1", "client_token": "t2", "reason": "   "},
        user="reviewer-rang-dong")
    # THEN the page comes back with that form open and the message beside the reason
    assert response.status_code == 422
    assert field_error(response, "request_revision-reason") == "Lý do: bắt buộc phải nhập."
    assert '<details class="review-event" id="event-request_revision" open>' in body(response)
    assert "Chưa thực hiện được" in text(response)
    # AND nothing is stored
    assert snapshot() == before
    # WHEN the reason is too short THEN that is said, and what was typed is kept
    response = pages.post(f"/app/initiatives/{created['id']}/events", {
        "event": "request_revision", "expected_version": "1", "client_token": "t3", "reason": "Sai"},
        user="reviewer-rang-dong", lang="en")
    assert response.status_code == 422
    assert field_error(response, "request_revision-reason") == "Reason: is too short (at least 5 characters)."
    assert ">Sai</textarea>" in body(response)
    assert snapshot() == before


def test_an_event_someone_else_beat_shows_the_new_state_and_what_is_possible_now(api, pages):
    # GIVEN a pending initiative the reviewer opened at version 1, which a colleague
    # meanwhile returned for revision
    created = enter(api)
    fire(api, created["id"], "request_revision", 1, "reviewer-rang-dong", reason=REVISION_REASON)
    # WHEN the reviewer marks it valid from the page they had open
    response = pages.post(f"/app/initiatives/{created['id']}/events", {
        "event": "validate", "expected_version": "1", "client_token": "t4"}, user="reviewer-rang-dong")
    # THEN 409: someone else already decided, the new state, and no event buttons left for them
    assert response.status_code == 409
    notice = body(response).split('data-testid="notice"')[1].split("</div>")[0]
    assert "Người khác đã xử lý sáng kiến này trước bạn" in notice
    assert "Trạng thái hiện tại: Cần bổ sung" in notice
    assert 'data-testid="state">Cần bổ sung<' in body(response)
    assert "data-event=" not in body(response)


def test_the_author_asked_to_revise_sees_the_reason_and_the_way_to_edit(api, pages):
    # GIVEN the author's initiative returned for revision with a reason
    created = enter(api)
    fire(api, created["id"], "request_revision", 1, "reviewer-rang-dong", reason=REVISION_REASON)
    # WHEN the author opens it
    response = pages.get(f"/app/initiatives/{created['id']}", user="worker-rang-dong")
    # THEN they read the reviewer's reason and a link to edit it
    assert response.status_code == 200
    revision = body(response).split('data-testid="revision"')[1].split("</div>")[0]
    assert REVISION_REASON in revision
    assert f'href="/app/initiatives/{created["id"]}/edit"' in revision
    assert "Sửa và gửi lại sáng kiến" in revision
    # AND they may withdraw it (the reason optional), but resubmitting is on the edit page
    events = re.findall(r'data-event="([a-z_]+)"', body(response))
    assert events == ["withdraw"]
    assert '<label for="withdraw-reason">Lý do <span class="optional">(không bắt buộc)</span>' in body(response)
    # AND the history shows the return with its reason
    history = body(response).split('data-testid="history"')[1]
    assert "Yêu cầu bổ sung" in history and REVISION_REASON in history


def test_someone_outside_the_initiative_is_refused_its_page(api, pages):
    # GIVEN an initiative at Rạng Đông WHEN FPT's reviewer opens it THEN 403 as a page
    created = enter(api)
    response = pages.get(f"/app/initiatives/{created['id']}", user="reviewer-fpt")
    assert response.status_code == 403
