"""The queue page for 300 items (issue 12): compact rows, search and sort kept
across pages, a preview inside the queue, each selected row's own input in a
batch, "I'm handling this", and the count waiting at the desk and below it."""
import re
from datetime import timedelta

import pytest

from tests.conftest import DEFAULT_NOW, html_text
from tests.helpers import deliver, enter, fire, snapshot
from tests.test_web_review import body, rows

RANG_DONG = "reviewer-rang-dong"
UPPER = "reviewer-cong-thuong"


def row_html(response, sid: str) -> str:
    found = re.search(rf'<li data-id="{sid}".*?</li>', body(response), re.S)
    assert found, sid
    return found.group(0)


def row_text(response, sid: str) -> str:
    return html_text(type("R", (), {"body": row_html(response, sid)}))


def line_text(response, sid: str) -> str:
    """The row's compact line only (what shows before anything is opened)."""
    found = re.search(r'<div class="review-line">(.*?)</div>', row_html(response, sid), re.S)
    return " ".join(html_text(type("R", (), {"body": found.group(1)})).split())


def authors(*names):
    share = 100 // len(names)
    return [{"full_name": n, "share_percent": share + (100 - share * len(names) if i == 0 else 0)}
            for i, n in enumerate(names)]


@pytest.fixture
def three(api, now):
    made = []
    for day, (title, names, benefit) in enumerate([
            ("Cải tiến khuôn ép đuôi đèn LED", ("Nguyễn Văn An", "Trần Thị Bình"), 1_500_000_000),
            ("Băng tải tự động cho dây chuyền phích", ("Lê Thị Hồng",), 20_000_000),
            ("Thu hồi nhiệt khí thải lò nung", ("Đoàn Văn Đức",), 900_000_000)]):
        now(DEFAULT_NOW - timedelta(days=3 - day))
        made.append(enter(api, title=title, authors=authors(*names), benefit_vnd=benefit))
    now(DEFAULT_NOW)
    return made


# ------------------------------------------------------------------ compact rows

def test_a_row_is_one_compact_line_with_code_title_authors_unit_benefit_and_age(api, pages, three):
    response = pages.get("/app/queue", user=RANG_DONG)
    assert response.status_code == 200
    assert rows(response) == [item["id"] for item in three]
    line = line_text(response, three[0]["id"])
    assert three[0]["code"] in line
    assert "Cải tiến khuôn ép đuôi đèn LED" in line
    assert "Nguyễn Văn An, Trần Thị Bình · Công đoàn Công ty CP Bóng đèn Phích nước Rạng Đông" in line
    assert "1,5 tỷ" in line and "3 ngày" in line
    assert "900 triệu" in line_text(response, three[2]["id"]) and "1 ngày" in line_text(response, three[2]["id"])
    # The columns are named once, above the rows, for a desktop.
    assert "Làm lợi (ước tính)" in body(response) and "Hạn xử lý" in body(response)
    # The decision panel is one, after the list, marked to stay within reach.
    assert body(response).count('data-testid="decision-panel"') == 1


# ------------------------------------------------------------------ search and sort

def test_searching_without_diacritics_and_sorting_by_benefit_on_the_page(api, pages, three):
    response = pages.get("/app/queue?q=doan%20van%20duc", user=RANG_DONG)
    assert rows(response) == [three[2]["id"]]
    assert "1 sáng kiến khớp." in html_text(response)
    assert 'name="q" value="doan van duc"' in body(response)
    response = pages.get("/app/queue?sort=benefit", user=RANG_DONG)
    assert rows(response) == [three[0]["id"], three[2]["id"], three[1]["id"]]
    assert '<option value="benefit" selected>' in body(response)


def test_the_next_page_keeps_the_search_and_the_order(api, pages, three):
    response = pages.get("/app/queue?sort=benefit&limit=2", user=RANG_DONG)
    assert rows(response) == [three[0]["id"], three[2]["id"]]
    link = re.search(r'href="([^"]+)" rel="next"', body(response)).group(1).replace("&amp;", "&")
    assert "sort=benefit" in link
    response = pages.get(link, user=RANG_DONG)
    assert rows(response) == [three[1]["id"]]
    assert 'rel="next"' not in body(response)


# ------------------------------------------------------------------ preview

def test_a_preview_opens_inside_the_queue_with_what_the_authors_wrote(api, pages, three):
    response = pages.get("/app/queue", user=RANG_DONG)
    assert 'data-testid="preview"' not in body(response)
    assert f'preview={three[1]["id"]}#row-{three[1]["id"]}' in body(response)
    response = pages.get(f"/app/queue?preview={three[1]['id']}", user=RANG_DONG)
    assert rows(response) == [item["id"] for item in three]  # still the queue
    opened = row_text(response, three[1]["id"])
    assert "Khuôn ép cũ làm hỏng 3% đuôi đèn" in opened  # the situation before
    assert "Thiết kế lại rãnh thoát khí" in opened and "Tỷ lệ hỏng giảm còn 0,5%" in opened
    assert "Lê Thị Hồng (100%)" in opened
    assert 'data-testid="preview"' not in row_html(response, three[0]["id"])


# ------------------------------------------------------------------ each row's own input

def under_review(api, count):
    found = []
    for n in range(count):
        created = enter(api, title=f"Sáng kiến xét công nhận {n}")
        fire(api, created["id"], "validate", 1, RANG_DONG)
        found.append(fire(api, created["id"], "start_review", 2, UPPER)["submission"])
    return found


def batch(items, event, **fields):
    form = [("client_token", f"rows{len(items)}{event}"), ("event", event)]
    for item in items:
        form += [("ids", item["id"]), (f"version-{item['id']}", str(item["version"]))]
    return form + list(fields.items())


def test_recognising_two_from_the_queue_each_with_its_own_scores_and_benefit(api, pages):
    first, second = under_review(api, 2)
    response = pages.get("/app/queue", user=UPPER)
    # Each row offers its own scores and benefit (the desk's "recognise" takes them).
    assert f'name="novelty-{first["id"]}"' in body(response)
    assert f'name="confirmed_benefit_vnd-{second["id"]}"' in body(response)
    form = batch([first, second], "recognize", **{
        f"novelty-{first['id']}": "9", f"applicability-{first['id']}": "8", f"effectiveness-{first['id']}": "7",
        f"confirmed_benefit_vnd-{first['id']}": "1.200.000.000",
        f"novelty-{second['id']}": "5", f"applicability-{second['id']}": "6", f"effectiveness-{second['id']}": "4",
        f"confirmed_benefit_vnd-{second['id']}": "45.000.000"})
    response = pages.post("/app/queue/decisions", form, user=UPPER)
    assert response.status_code == 200 and body(response).count('class="result-ok"') == 2
    one = api.json("GET", f"/submissions/{first['id']}", user=UPPER)[1]
    two = api.json("GET", f"/submissions/{second['id']}", user=UPPER)[1]
    assert one["scores"] == {"novelty": 9, "applicability": 8, "effectiveness": 7}
    assert one["confirmed_benefit_vnd"] == 1_200_000_000
    assert two["scores"] == {"novelty": 5, "applicability": 6, "effectiveness": 4}
    assert two["confirmed_benefit_vnd"] == 45_000_000


def test_a_rows_missing_input_comes_back_beside_that_rows_field_with_everything_kept(api, pages):
    first, second = under_review(api, 2)
    before = snapshot()
    form = batch([first, second], "recognize", novelty="8", applicability="8", effectiveness="8", **{
        f"confirmed_benefit_vnd-{first['id']}": "300.000.000", f"novelty-{second['id']}": "12"})
    response = pages.post("/app/queue/decisions", form, user=UPPER)
    assert response.status_code == 422
    page = body(response)

    def error(field_id):
        found = re.search(rf'id="{field_id}-error">(.*?)</p>', page, re.S)
        return found.group(1).strip()
    sid = second["id"]
    # The second row's own novelty is out of range, and it has no benefit: said beside its fields.
    assert error(f"row-{sid}-novelty") == "Điểm đánh giá – Tính mới: phải nhỏ hơn hoặc bằng 10."
    assert error(f"row-{sid}-applicability") == "Điểm đánh giá – Khả năng áp dụng: bắt buộc phải nhập."
    assert error(f"row-{sid}-confirmed-benefit") == "Giá trị làm lợi được xác nhận (đồng): bắt buộc phải nhập."
    assert error(f"row-{first['id']}-confirmed-benefit") == ""
    # The summary names the row by its code and jumps to the field.
    assert f'href="#row-{sid}-confirmed-benefit">{second["code"]}: Giá trị làm lợi' in page
    # What was typed is kept, the rows stay ticked, and nothing was stored.
    assert f'name="confirmed_benefit_vnd-{first["id"]}" inputmode="numeric" autocomplete="off" data-money="." ' \
           f'value="300.000.000"' in page
    assert f'name="novelty-{sid}" min="0" max="10" step="1" inputmode="numeric" value="12"' in page
    assert f'value="{sid}" aria-describedby="items-error" checked' in page
    assert snapshot() == before


# ------------------------------------------------------------------ "I'm handling this"

def test_taking_an_item_shows_on_the_row_for_the_holder_and_colleagues(api, pages, three):
    api.users["reviewer-rang-dong-2"] = pages.users["reviewer-rang-dong-2"] = {
        "id": "reviewer-rang-dong-2", "full_name": "Lương Thị Hà", "roles": ["reviewer"], "unit_id": "cdcs-rang-dong"}
    sid = three[1]["id"]
    response = pages.get("/app/queue", user=RANG_DONG)
    assert f'name="take" value="{sid}"' in body(response)
    response = pages.post("/app/queue/claims", [("take", sid), ("filter-sort", "benefit")], user=RANG_DONG)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/app/queue?sort=benefit#row-{sid}"
    mine = pages.get("/app/queue?sort=benefit", user=RANG_DONG)
    assert "Bạn đang xử lý (đến 12:00)" in line_text(mine, sid)
    assert f'name="release" value="{sid}"' in body(mine)
    theirs = pages.get("/app/queue", user="reviewer-rang-dong-2")
    assert "Đỗ Thị Lan đang xử lý (đến 12:00)" in line_text(theirs, sid)
    assert f'name="take" value="{sid}"' not in body(theirs)
    # A colleague who tries anyway (an old page) is told who has it.
    refused = pages.post("/app/queue/claims", [("take", sid)], user="reviewer-rang-dong-2")
    assert refused.status_code == 409
    assert "Đỗ Thị Lan đang xử lý sáng kiến này (đến 21/11/2026 12:00)" in html_text(refused)
    # Released, the row is free again.
    assert pages.post("/app/queue/claims", [("release", sid)], user=RANG_DONG).status_code == 303
    assert "đang xử lý" not in line_text(pages.get("/app/queue", user="reviewer-rang-dong-2"), sid)


# ------------------------------------------------------------------ the count waiting, at every level

def test_each_level_sees_what_waits_at_its_desk_and_below_it(api, pages, stream):
    gang_thep = {"id": "reviewer-gang-thep", "full_name": "Mai Văn Lực", "roles": ["reviewer"],
                 "unit_id": "cdcs-gang-thep-thai-nguyen"}
    api.users[gang_thep["id"]] = pages.users[gang_thep["id"]] = gang_thep
    steel = dict(unit_id="cdcs-gang-thep-thai-nguyen", authors=authors("Hà Văn Thép"))
    # GIVEN at Rạng Đông (directly under Công đoàn Công Thương): 2 pending, 1 valid;
    # at Gang thép Thái Nguyên (under Công đoàn Tổng Công ty Thép): 1 pending, 2 valid, 1 under review
    for _ in range(2):
        enter(api)
    fire(api, enter(api)["id"], "validate", 1, RANG_DONG)
    enter(api, user="worker-gang-thep", **steel)
    for n in range(3):
        sid = enter(api, user="worker-gang-thep", **steel)["id"]
        fire(api, sid, "validate", 1, gang_thep["id"])
        if n == 2:
            fire(api, sid, "start_review", 2, "reviewer-tct-thep")
    deliver(stream)
    # THEN Công đoàn Công Thương (top level, reviewing Rạng Đông itself) sees 1 valid at its own desk,
    # and below it: 3 pending at grassroots unions, 2 valid and 1 under review at upper-grassroots unions
    response = pages.get("/app/queue", user=UPPER)
    assert re.search(r'data-testid="waiting-count">\s*<span class="value">1</span>', body(response))
    below = re.search(r'data-testid="waiting-below">(.*?)</div>', body(response), re.S).group(1)
    below = " ".join(html_text(type("R", (), {"body": below})).split())
    assert "Chờ duyệt tại các công đoàn cơ sở: 3" in below
    assert "Hợp lệ tại các công đoàn cấp trên cơ sở: 2" in below
    assert "Đang xem xét tại các công đoàn cấp trên cơ sở: 1" in below
    # AND Công đoàn Tổng Công ty Thép sees its own desk per state, and 1 pending below it
    response = pages.get("/app/queue", user="reviewer-tct-thep")
    assert re.search(r'data-testid="waiting-count">\s*<span class="value">3</span>', body(response))
    own = " ".join(html_text(type("R", (), {"body": re.search(
        r'data-testid="waiting-own">(.*?)</ul>', body(response), re.S).group(1)})).split())
    assert own == "Hợp lệ 2 Đang xem xét 1"
    assert "Chờ duyệt tại các công đoàn cơ sở: 1" in html_text(response)
    # AND a grassroots union has nothing below it
    response = pages.get("/app/queue", user=RANG_DONG)
    assert 'data-testid="waiting-below"' not in body(response)
    assert re.search(r'data-testid="waiting-count">\s*<span class="value">2</span>', body(response))


def test_a_row_shows_its_due_date_and_the_overdue_are_marked(api, pages, now):
    from datetime import datetime

    from chalicelib.clock import VIETNAM
    from chalicelib.review import deadlines as sweeper

    late = enter(api, title="Quá hạn ở công đoàn cơ sở")["id"]
    now(datetime(2026, 11, 30, 9, tzinfo=VIETNAM))
    fresh = enter(api, title="Mới gửi")["id"]
    now(datetime(2026, 12, 7, 0, 5, tzinfo=VIETNAM))
    sweeper.sweep()
    response = pages.get("/app/queue?sort=due", user=RANG_DONG)
    assert rows(response) == [late, fresh]
    assert "Quá hạn 06/12" in line_text(response, late)
    assert 'class="review-row overdue"' in row_html(response, late)
    assert "hạn 15/12" in line_text(response, fresh) and "Quá hạn" not in line_text(response, fresh)
    assert "16 ngày" in line_text(response, late) and "7 ngày" in line_text(response, fresh)
