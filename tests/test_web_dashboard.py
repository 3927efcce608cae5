"""A leader's dashboard and the award-list pages (chalicelib/web/dashboard.py),
as a leader reads them in a browser: initiatives are entered and decided
through the API, the stream is delivered so the counters move, then the pages
are read and posted as a signed-in browser would."""
import os
import re
from datetime import date

import boto3
import pytest

from chalicelib import aws, settings
from chalicelib.web import charts
from tests import helpers
from tests.conftest import ROOT, html_text
from tests.helpers import deliver, enter, fire

PHASE = "sk2627-gd1"  # open on the tests' default date, 2026-11-21
HA_NOI = "ldld-ha-noi"
FPT, DONG_ANH, SO_Y_TE = "cdcs-fpt-cau-giay", "cdcs-ttyt-dong-anh", "cdcs-so-y-te-thanh-hoa"
SCORES = {"novelty": 9, "applicability": 9, "effectiveness": 8}
HUY = {"full_name": "Lê Quang Huy", "member_id": "worker-fpt"}


# ---------------------------------------------------------------- helpers

def recognise(api, title, benefit, confirmed, scores=SCORES) -> dict:
    """An FPT initiative taken to `recognized` (FPT's union validates, Cầu Giấy's recognises)."""
    created = enter(api, "worker-fpt", unit_id=FPT, title=title, benefit_vnd=benefit,
                    authors=[{**HUY, "share_percent": 100}])
    fire(api, created["id"], "validate", 1, "reviewer-fpt")
    fire(api, created["id"], "start_review", 2, "reviewer-cau-giay")
    fire(api, created["id"], "recognize", 3, "reviewer-cau-giay", scores=scores, confirmed_benefit_vnd=confirmed)
    return created


class Html:
    def __init__(self, body: str):
        self.body = body


def text_of(response) -> str:
    """What a reader sees: the page's text without the bars' hover titles."""
    body = response.body.decode("utf-8") if isinstance(response.body, bytes) else response.body
    return html_text(Html(re.sub(r"(?s)<svg\b.*?</svg>", " ", body)))


def section(response, testid: str) -> str:
    """The visible text of the element with `data-testid` (up to its closing tag of the same name)."""
    body = response.body.decode("utf-8")
    match = re.search(r'<(\w+)[^>]*data-testid="%s"' % re.escape(testid), body)
    assert match, f"no {testid} on the page"
    tag = match.group(1)
    end = body.index(f"</{tag}>", match.end())
    return text_of(Html(body[match.start():end]))


def section_html(response, testid: str) -> str:
    """The markup of the element with `data-testid` (up to its closing tag of the same name)."""
    body = response.body.decode("utf-8")
    match = re.search(r'<(\w+)[^>]*data-testid="%s"' % re.escape(testid), body)
    assert match, f"no {testid} on the page"
    return body[match.start():body.index(f"</{match.group(1)}>", match.end())]


def ranking(response, testid: str) -> list[tuple]:
    """(rank, unit name, entered) of each row of a ranking table."""
    body = response.body.decode("utf-8")
    start = body.index(f'data-testid="{testid}"')
    table = body[start:body.index("</table>", start)]
    rows = re.findall(r'<td class="num">(\d+)</td>\s*<th scope="row">([^<]+)</th>\s*<td class="num">([\d.,]+)</td>',
                      table)
    return [(int(rank), name, entered) for rank, name, entered in rows]


def location(response) -> str:
    return response.headers["Location"]


def set_counters(unit, phase=PHASE, **counts):
    """What the counters say about `unit` in the phase (for sums no test would enter one by one): the
    counts held by its first shard, and taken off the others (a unit's counters are spread over shards)."""
    from chalicelib.counters import store

    names = {f"#c{i}": name.replace("__", ":") for i, name in enumerate(counts)}
    values = {f":c{i}": {"N": str(value)} for i, value in enumerate(counts.values())}
    first, *others = store.counter_keys(unit, phase)
    boto3.client("dynamodb").update_item(
        TableName=settings.table_name("counters"), Key={"pk": {"S": first}, "sk": {"S": "TOTAL"}},
        UpdateExpression="SET " + ", ".join(f"{n} = {v}" for n, v in zip(names, values)),
        ExpressionAttributeNames=names, ExpressionAttributeValues=values)
    for key in others:
        boto3.client("dynamodb").update_item(
            TableName=settings.table_name("counters"), Key={"pk": {"S": key}, "sk": {"S": "TOTAL"}},
            UpdateExpression="REMOVE " + ", ".join(names), ExpressionAttributeNames=names)


@pytest.fixture
def counted(api, stream):
    """Six initiatives of phase sk2627-gd1, counted:
    Hà Nội: FPT (under Cầu Giấy) F1 recognised, 1,5 tỷ estimated, 1,2 tỷ confirmed,
            F2 pending, 2 tỷ estimated; Đông Anh's health centre D1–D3 pending, no estimate.
    Thanh Hóa: Sở Y tế S1 pending."""
    f1 = recognise(api, "Sáng kiến F1 – robot kiểm thử", 1_500_000_000, 1_200_000_000)
    enter(api, "worker-fpt", unit_id=FPT, title="Sáng kiến F2", benefit_vnd=2_000_000_000,
          subject_group="works-and-technical", authors=[{**HUY, "share_percent": 100}])
    for n in range(1, 4):
        enter(api, "worker-fpt", unit_id=DONG_ANH, title=f"Sáng kiến D{n}", subject_group="public-service",
              benefit_vnd=None, authors=[{"full_name": "Ngô Thị Hạnh", "share_percent": 100}])
    enter(api, "worker-so-y-te", unit_id=SO_Y_TE, title="Sáng kiến S1", subject_group="public-service",
          benefit_vnd=5_000_000, authors=[{"full_name": "Lê Thị Thu Hà", "member_id": "worker-so-y-te",
                                           "share_percent": 100}])
    deliver(stream)
    return {"F1": f1}


# ---------------------------------------------------------------- the charts' arithmetic

def test_bars_are_scaled_to_the_largest_count_and_show_their_share():
    rows = charts.bars([("pending", "Chờ duyệt", 3), ("valid", "Hợp lệ", 1), ("invalid", "Không hợp lệ", 0)])
    assert [(b.width, b.percent) for b in rows] == [("100.0%", 75.0), ("33.3%", 25.0), ("0%", 0.0)]
    assert [b.percent for b in charts.bars([("a", "A", 0)])] == [None]  # nothing to share


def test_a_progress_bar_stops_at_the_target_and_marks_where_time_says_it_should_be():
    behind = charts.progress(13_000, 52_000, 25.0, elapsed=charts.elapsed(date(2026, 1, 1), date(2026, 12, 31),
                                                                           date(2026, 11, 21)))
    assert (behind.width, behind.reached, behind.fill, behind.expected) == ("25.0%", False, charts.BAR, "89.0%")
    passed = charts.progress(130, 100, 130.0, elapsed=1.0)
    assert (passed.width, passed.reached, passed.fill) == ("100.0%", True, charts.REACHED)
    unmeasured = charts.progress(5, None, None, elapsed=0.5)
    assert (unmeasured.width, unmeasured.expected) == ("0%", None)
    assert charts.elapsed(date(2027, 1, 1), date(2027, 12, 31), date(2026, 11, 21)) == 0.0
    assert charts.elapsed(date(2022, 1, 1), date(2022, 5, 31), date(2026, 11, 21)) == 1.0


# ---------------------------------------------------------------- the dashboard

def test_a_provincial_leader_sees_what_was_entered_against_the_target(pages, counted):
    # WHEN Hà Nội's leader opens the dashboard (no phase asked: the one open today)
    response = pages.get("/app/dashboard", user="leader-ha-noi")
    # THEN it is their unit's, for phase 1 of the current edition
    assert response.status_code == 200
    text = text_of(response)
    assert "Bảng theo dõi: Liên đoàn Lao động Thành phố Hà Nội" in text
    assert re.search(r'<option value="sk2627-gd1" selected>', response.body.decode())
    # AND the five initiatives entered in Hà Nội, 2 people, against its 52.000 target
    assert section(response, "entered") == "5 Sáng kiến đã nhập"
    assert section(response, "percent-of-target") == "0 % chỉ tiêu đăng ký 52.000 sáng kiến"
    assert section(response, "authors") == "2 Tác giả tham gia"
    # AND the benefit is written the way the press writes large sums
    assert section(response, "benefit-estimated") == "3,5 tỷ đồng Giá trị làm lợi ước tính"
    assert section(response, "benefit-confirmed").startswith("1,2 tỷ đồng")
    # AND progress by block: 2 in enterprises of 40.000, 3 in administrative bodies of 12.000
    progress = section(response, "progress")
    assert "Toàn đơn vị 5 52.000 0 %" in progress
    assert "Khối doanh nghiệp, đơn vị sự nghiệp ngoài công lập 2 40.000 0 %" in progress
    assert "Khối cơ quan hành chính sự nghiệp 3 12.000 0 %" in progress
    # AND counts by state and by subject group, named as the workflow and the program name them
    states = section(response, "by-state")
    assert "Chờ duyệt 4 80 %" in states and "Được công nhận 1 20 %" in states and "Đã rút 0 0 %" in states
    groups = section(response, "by-subject-group")
    assert "Cán bộ, viên chức, người lao động các đơn vị sự nghiệp 3 60 %" in groups
    # AND a provincial leader is not shown the nationwide ranking
    assert 'data-testid="top-level-by-entered"' not in response.body.decode()


def test_percent_of_target_and_large_counts_are_grouped_the_vietnamese_way(pages, counted):
    # GIVEN the counters say Hà Nội has 13.000 initiatives, 10.000 of them in enterprises,
    # and 33.000 tỷ đồng of estimated benefit
    set_counters(HA_NOI, entered=13_000, block__enterprise=10_000, benefit_estimated=33_000 * 10**9)
    response = pages.get(f"/app/dashboard?phase={PHASE}", user="leader-ha-noi")
    assert section(response, "entered") == "13.000 Sáng kiến đã nhập"
    assert section(response, "percent-of-target") == "25 % chỉ tiêu đăng ký 52.000 sáng kiến"
    assert section(response, "benefit-estimated") == "33.000 tỷ đồng Giá trị làm lợi ước tính"
    assert "Khối doanh nghiệp, đơn vị sự nghiệp ngoài công lập 10.000 40.000 25 %" in section(response, "progress")


def test_the_units_below_are_ranked_by_entered_and_by_share_of_target(pages, counted):
    response = pages.get(f"/app/dashboard?phase={PHASE}", user="leader-ha-noi")
    # THEN by initiatives: Đông Anh (3), Cầu Giấy (2), then those with none, both third
    # (tied units share a rank), listed by name
    assert ranking(response, "children-by-entered") == [
        (1, "Liên đoàn Lao động huyện Đông Anh", "3"),
        (2, "Liên đoàn Lao động quận Cầu Giấy", "2"),
        (3, "Công đoàn các Khu công nghiệp và chế xuất Hà Nội", "0"),
        (3, "Liên đoàn Lao động quận Hoàn Kiếm", "0"),
    ]
    # AND by share of target, the three without a target share the second place
    assert [row[0] for row in ranking(response, "children-by-percent")] == [1, 2, 2, 2]
    # AND by share of target: only Cầu Giấy registered one (2 of 2.400); the others come last, by name
    assert [row[1] for row in ranking(response, "children-by-percent")] == [
        "Liên đoàn Lao động quận Cầu Giấy", "Công đoàn các Khu công nghiệp và chế xuất Hà Nội",
        "Liên đoàn Lao động huyện Đông Anh", "Liên đoàn Lao động quận Hoàn Kiếm"]
    assert "2.400" in section(response, "children-by-percent")


def test_the_national_leader_sees_the_ranking_of_top_level_units(pages, counted):
    response = pages.get(f"/app/dashboard?phase={PHASE}", user="leader-national")
    assert response.status_code == 200
    assert section(response, "entered") == "6 Sáng kiến đã nhập"
    # AND the national unit, which registers no target, is measured against the program's for the phase
    assert section(response, "percent-of-target") == "0 % chỉ tiêu của chương trình cho giai đoạn: 400.000 sáng kiến"
    assert "Toàn đơn vị 6 400.000 0 %" in section(response, "progress")
    top = ranking(response, "top-level-by-entered")
    assert top[:2] == [(1, "Liên đoàn Lao động Thành phố Hà Nội", "5"), (2, "Liên đoàn Lao động tỉnh Thanh Hóa", "1")]
    assert len(top) == 83
    assert ranking(response, "top-level-by-percent")[:2] == top[:2]
    # AND the national unit's children are those same units: they are not listed twice
    assert 'data-testid="children-by-entered"' not in response.body.decode()
    # AND an admin sees it too
    assert ranking(pages.get(f"/app/dashboard?phase={PHASE}", user="admin"), "top-level-by-entered")[:2] == top[:2]


def test_another_phase_is_chosen_from_the_list(pages, counted):
    response = pages.get("/app/dashboard?phase=mtsk-gd1", user="leader-ha-noi")
    assert response.status_code == 200
    assert '<option value="mtsk-gd1" selected>' in response.body.decode()
    assert section(response, "entered") == "0 Sáng kiến đã nhập"
    # AND a phase that does not exist is an error page, not a crash
    unknown = pages.get("/app/dashboard?phase=no-such-phase", user="leader-ha-noi")
    assert unknown.status_code == 422 and "không có giai đoạn này" in text_of(unknown)


def test_only_leaders_and_admins_open_the_dashboard(pages, api):
    assert pages.get("/app/dashboard", user="worker-fpt").status_code == 403
    assert "Bạn không có quyền" in text_of(pages.get("/app/dashboard", user="reviewer-ha-noi"))
    anonymous = pages.get("/app/dashboard")
    assert anonymous.status_code == 303 and location(anonymous).startswith("/app/sign-in?next=")


def test_the_page_is_in_english_for_an_english_reader(pages, counted):
    response = pages.get(f"/app/dashboard?phase={PHASE}", user="leader-ha-noi", lang="en")
    body = response.body.decode()
    assert '<html lang="en">' in body and response.headers["Content-Language"] == "en"
    assert section(response, "entered") == "5 Initiatives entered"
    assert section(response, "benefit-estimated") == "3.5 billion VND Estimated benefit"
    assert "Pending 4 80%" in section(response, "by-state")
    assert "Workers in production and business enterprises" in section(response, "by-subject-group")
    assert "Ranking of the units below" in text_of(response)


def test_every_word_comes_from_the_catalogue_and_nothing_inline_breaks_the_csp(pages, counted):
    for user in ("leader-ha-noi", "leader-national"):
        for lang in ("vi", "en"):
            response = pages.get(f"/app/dashboard?phase={PHASE}", user=user, lang=lang)
            body, text = response.body.decode(), text_of(response)
            assert not re.search(r"\b(web|awards|errors)\.[a-z_]+\.", text), text
            assert " style=" not in body and "<script>" not in body and "<style" not in body
            # The bars are SVG beside numbers; their drawing is hidden from screen readers.
            assert '<svg class="bar' in body and 'aria-hidden="true"' in body


# ---------------------------------------------------------------- award lists

APPROVE_FROM_LIST = {"from": "list", "confirm": "yes"}  # the form, its confirmation box ticked
APPROVE_FROM_DASHBOARD = {"from": "dashboard", "confirm": "yes"}


def compile_page(pages, user="leader-ha-noi", run=True):
    """Post the compile form; unless `run` is False, the queue's handler then compiles
    (as Lambda would, off the request path). Returns the post's answer."""
    response = pages.post("/app/award-lists", {"phase": PHASE}, user=user)
    if run and response.status_code == 303:
        helpers.run_compiles(pages)
    return response


def test_a_leader_compiles_then_approves_the_list_from_the_dashboard(pages, counted):
    # GIVEN no list yet
    dashboard = pages.get(f"/app/dashboard?phase={PHASE}", user="leader-ha-noi")
    assert "Chưa có danh sách khen thưởng" in section(dashboard, "award-list")
    # WHEN Hà Nội's leader compiles
    response = compile_page(pages, run=False)
    # THEN to the list's page, which shows a progress bar while the list is compiled off the request path
    assert response.status_code == 303
    assert location(response) == f"/app/award-lists/{HA_NOI}~{PHASE}~1"
    waiting = pages.get(location(response), user="leader-ha-noi")
    assert waiting.status_code == 200 and "Đang lập" in section(waiting, "status")
    assert "<progress" in section_html(waiting, "compile-progress") and "Tải lại" in section(waiting, "compile-progress")
    assert "Đang lập phiên bản 1" in section(pages.get(f"/app/dashboard?phase={PHASE}", user="leader-ha-noi"),
                                             "award-list-compiling")
    # WHEN the queue's handler has compiled it THEN the page is the list, and the dashboard shows
    # version 1, a draft with F1 as exemplary
    helpers.run_compiles(pages)
    listed = pages.get(location(response), user="leader-ha-noi")
    assert "Dự thảo" in section(listed, "status")
    dashboard = pages.get(f"/app/dashboard?phase={PHASE}", user="leader-ha-noi")
    awards = section(dashboard, "award-list")
    assert "Trạng thái Dự thảo" in awards and "Phiên bản 1" in awards and "Lập lúc 21/11/2026 10:00" in awards
    assert "Sáng kiến tiêu biểu 1" in awards
    assert "Phê duyệt phiên bản 1" in awards
    # AND compiled by the leader's name, not their user id
    assert section(dashboard, "compiled") == "21/11/2026 10:00 · Đinh Thị Thu Trang"
    assert "leader-ha-noi" not in awards
    # WHEN they compile again with nothing changed THEN it says so, and it is still version 1
    again = compile_page(pages)
    asked = pages.get(location(again), user="leader-ha-noi")
    assert location(asked) == f"/app/award-lists/{HA_NOI}~{PHASE}~1?done=unchanged"
    assert "Dữ liệu không thay đổi" in section(pages.get(location(asked), user="leader-ha-noi"), "notice-ok")
    # WHEN they approve it from the dashboard, confirming it
    list_id = f"{HA_NOI}~{PHASE}~1"
    response = pages.post(f"/app/award-lists/{list_id}/approve", APPROVE_FROM_DASHBOARD, user="leader-ha-noi")
    assert response.status_code == 303
    assert location(response) == f"/app/dashboard?phase={PHASE}&done=approved"
    dashboard = pages.get(location(response), user="leader-ha-noi")
    awards = section(dashboard, "award-list")
    assert "Trạng thái Đã phê duyệt" in awards and "Phê duyệt lúc 21/11/2026 10:00 · Đinh Thị Thu Trang" in awards
    assert "Phê duyệt phiên bản" not in awards and "leader-ha-noi" not in awards
    # WHEN the approve is posted a second time (another tab) THEN it stands as it was: approved by them
    response = pages.post(f"/app/award-lists/{list_id}/approve", APPROVE_FROM_DASHBOARD, user="leader-ha-noi")
    assert location(response) == f"/app/dashboard?phase={PHASE}&done=approved"
    page = pages.get(location(response), user="leader-ha-noi")
    assert section(page, "approved") == "21/11/2026 10:00 · Đinh Thị Thu Trang"


def test_approving_asks_for_a_confirmation_that_works_without_javascript(pages, counted):
    assert compile_page(pages).status_code == 303
    list_id = f"{HA_NOI}~{PHASE}~1"
    # GIVEN the list's page: the approve form has a required "I confirm" box, named by its label
    page = pages.get(f"/app/award-lists/{list_id}", user="leader-ha-noi")
    form = page.body.decode()
    form = form[form.index('data-testid="approve-form"'):]
    form = form[:form.index("</form>")]
    box = re.search(r'<input type="checkbox" id="([^"]+)" name="confirm" value="yes" required[ >]', form)
    assert box and f'<label for="{box.group(1)}">Tôi xác nhận phê duyệt danh sách này (phiên bản 1)</label>' in form
    assert "Đây là bản dự thảo, chưa được phê duyệt." in section(page, "draft-notice")
    # WHEN the form is posted without the box ticked (a browser that does not check `required`)
    response = pages.post(f"/app/award-lists/{list_id}/approve", {"from": "list"}, user="leader-ha-noi")
    # THEN nothing is approved, and the page says what to tick
    assert location(response) == f"/app/award-lists/{list_id}?problem=approval_unconfirmed"
    page = pages.get(location(response), user="leader-ha-noi")
    assert "Hãy đánh dấu ô «Tôi xác nhận phê duyệt danh sách này»" in section(page, "notice-warn")
    assert section(page, "status") == "Dự thảo" and 'data-testid="approve-form"' in page.body.decode()
    # AND a ticked box approves it
    response = pages.post(f"/app/award-lists/{list_id}/approve", {"from": "list", "confirm": "yes"},
                          user="leader-ha-noi")
    assert location(response) == f"/app/award-lists/{list_id}?done=approved"
    assert section(pages.get(location(response), user="leader-ha-noi"), "status") == "Đã phê duyệt"


def test_the_list_page_shows_the_entries_and_is_approved_from_there(pages, counted):
    assert compile_page(pages).status_code == 303
    list_id = f"{HA_NOI}~{PHASE}~1"
    # WHEN a reviewer of Hà Nội opens the list (the award email links here)
    response = pages.get(f"/app/award-lists/{list_id}", user="reviewer-ha-noi")
    assert response.status_code == 200
    text = text_of(response)
    assert "Danh sách đề nghị khen thưởng – phiên bản 1" in text
    assert "Đơn vị Liên đoàn Lao động Thành phố Hà Nội" in text and "Dự thảo" in text
    # THEN F1 is there, linked to its page, with its authors, score and confirmed benefit
    exemplary = section(response, "exemplary_initiatives")
    assert "Sáng kiến F1 – robot kiểm thử" in exemplary and "Lê Quang Huy" in exemplary
    assert "26 Tính mới 9 · Áp dụng 9 · Hiệu quả 8" in exemplary and "1.200.000.000" in exemplary
    assert f'href="/app/initiatives/{counted["F1"]["id"]}"' in response.body.decode()
    assert "Không có ai đạt tiêu chí." in text  # nobody has the 5 recognised an individual needs
    # AND a reviewer may read but not approve
    assert "Phê duyệt phiên bản" not in text
    # WHEN Hà Nội's leader approves it on that page THEN they are back there, and it is approved
    page = pages.get(f"/app/award-lists/{list_id}", user="leader-ha-noi")
    assert "Phê duyệt phiên bản 1" in text_of(page)
    response = pages.post(f"/app/award-lists/{list_id}/approve", APPROVE_FROM_LIST, user="leader-ha-noi")
    assert location(response) == f"/app/award-lists/{list_id}?done=approved"
    page = pages.get(location(response), user="leader-ha-noi")
    assert "Đã phê duyệt danh sách khen thưởng." in text_of(page)
    assert section(page, "status") == "Đã phê duyệt"
    # AND a reader of the list sees who compiled and approved it by name, read in one BatchGetItem
    counting = helpers.Counting(aws.dynamodb())
    with aws.replaced(dynamodb=counting):
        page = pages.get(f"/app/award-lists/{list_id}", user="reviewer-ha-noi")
    assert section(page, "compiled") == "21/11/2026 10:00 · Đinh Thị Thu Trang"
    assert section(page, "approved") == "21/11/2026 10:00 · Đinh Thị Thu Trang"
    assert "leader-ha-noi" not in text_of(page) and "draft-notice" not in page.body.decode()
    assert counting.reads_of("USER#", "USER") == ["BatchGetItem"]


def test_an_older_version_says_a_newer_one_exists_and_cannot_be_approved(pages, api, counted, stream):
    assert compile_page(pages).status_code == 303
    recognise(api, "Sáng kiến F9", 10_000_000, 10_000_000, {"novelty": 10, "applicability": 10, "effectiveness": 10})
    deliver(stream)
    assert location(compile_page(pages)) == f"/app/award-lists/{HA_NOI}~{PHASE}~2"
    old = f"{HA_NOI}~{PHASE}~1"
    page = pages.get(f"/app/award-lists/{old}", user="leader-ha-noi")
    assert "Đã có phiên bản mới hơn" in section(page, "newer-version")
    assert f'href="/app/award-lists/{HA_NOI}~{PHASE}~2"' in page.body.decode()
    assert "Phê duyệt phiên bản 1" not in text_of(page)
    # WHEN an old tab posts the approval of version 1 anyway THEN the page says which version to approve
    response = pages.post(f"/app/award-lists/{old}/approve", APPROVE_FROM_LIST, user="leader-ha-noi")
    page = pages.get(location(response), user="leader-ha-noi")
    assert "(phiên bản 2); hãy phê duyệt phiên bản mới nhất." in section(page, "notice-warn")


def test_the_excel_link_redirects_to_a_fresh_presigned_link(pages, counted):
    compile_page(pages)
    list_id = f"{HA_NOI}~{PHASE}~1"
    dashboard = pages.get(f"/app/dashboard?phase={PHASE}", user="leader-ha-noi")
    assert f'href="/app/award-lists/{list_id}/workbook"' in dashboard.body.decode()
    response = pages.get(f"/app/award-lists/{list_id}/workbook", user="leader-ha-noi")
    assert response.status_code == 303
    link = location(response)
    assert f"award-lists/{HA_NOI}/{PHASE}/v1.xlsx" in link and settings.awards_bucket() in link
    assert "Signature" in link and "Expires" in link
    # AND the file behind it is the list's workbook
    stored = boto3.client("s3").get_object(Bucket=settings.awards_bucket(), Key=f"award-lists/{HA_NOI}/{PHASE}/v1.xlsx")
    assert stored["ContentLength"] > 0


def test_who_may_compile_read_and_approve_through_the_pages(pages, counted):
    list_id = f"{HA_NOI}~{PHASE}~1"
    # An admin sees the dashboard but neither compiles nor approves
    admin = pages.get(f"/app/dashboard?phase={PHASE}", user="admin")
    assert "Lập danh sách khen thưởng" not in text_of(admin)
    assert compile_page(pages, user="admin").status_code == 403
    assert compile_page(pages).status_code == 303
    # Readers: leaders, reviewers and admins whose unit contains the list's unit
    for user in ("leader-ha-noi", "leader-national", "reviewer-ha-noi", "admin"):
        assert pages.get(f"/app/award-lists/{list_id}", user=user).status_code == 200, user
    for user in ("leader-thanh-hoa", "reviewer-fpt", "worker-fpt"):
        assert pages.get(f"/app/award-lists/{list_id}", user=user).status_code == 403, user
        assert pages.get(f"/app/award-lists/{list_id}/workbook", user=user).status_code == 403, user
    assert pages.get(f"/app/award-lists/{HA_NOI}~{PHASE}~9", user="leader-ha-noi").status_code == 404
    assert pages.get("/app/award-lists/not-a-list", user="leader-ha-noi").status_code == 404
    # Approve: a leader of the list's own unit only (not the national leader above it)
    national = pages.get(f"/app/award-lists/{list_id}", user="leader-national")
    assert "Phê duyệt phiên bản" not in text_of(national)
    assert pages.post(f"/app/award-lists/{list_id}/approve", APPROVE_FROM_LIST,
                      user="leader-national").status_code == 403
    # A post from another site is refused
    forged = pages.post(f"/app/award-lists/{list_id}/approve", APPROVE_FROM_LIST, user="leader-ha-noi",
                        headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403


def test_the_english_list_page(pages, counted):
    compile_page(pages)
    response = pages.get(f"/app/award-lists/{HA_NOI}~{PHASE}~1", user="leader-ha-noi", lang="en")
    text = text_of(response)
    assert '<html lang="en">' in response.body.decode()
    assert "Award list – version 1" in text and "Exemplary initiatives" in text and "Draft" in text
    assert "Approve version 1" in text and "Download the Excel file" in text


def test_the_recognised_figure_counts_every_state_the_definition_counts_as_recognised(pages, counted, monkeypatch):
    from chalicelib.workflow import definition

    # GIVEN Hà Nội with one initiative recognised (F1)
    response = pages.get("/app/dashboard", user="leader-ha-noi")
    # THEN the dashboard shows it among the figures
    assert section(response, "recognized") == "1 Sáng kiến được công nhận"
    # GIVEN a workflow where a recognised initiative moves on (nominated, awarded nationally), and
    # counters that hold some in each of those states
    monkeypatch.setenv("WORKFLOW_DEFINITION", os.path.join(ROOT, "tests", "definitions", "with_national.json"))
    definition.default.cache_clear()
    try:
        set_counters("ldld-ha-noi", state__recognized=1, state__nominated=2, state__national_award=1,
                     state__no_national_award=1, state__not_recognized=3)
        # THEN every state that definition flags as recognised counts, and only those
        assert section(pages.get("/app/dashboard", user="leader-ha-noi"), "recognized") == \
            "5 Sáng kiến được công nhận"
    finally:
        monkeypatch.undo()
        definition.default.cache_clear()


def test_a_compile_in_progress_then_failed_shows_on_its_page_and_its_progress_json(pages, counted, tmp_path,
                                                                                  monkeypatch):
    import json

    list_id = f"{HA_NOI}~{PHASE}~1"
    # GIVEN a compile asked for and not run yet
    response = compile_page(pages, run=False)
    assert location(response) == f"/app/award-lists/{list_id}"
    page = pages.get(f"/app/award-lists/{list_id}", user="leader-ha-noi")
    body = page.body.decode()
    # THEN its page: no inline script or style (CSP), a refresh for browsers without a script, in Vietnamese
    assert " style=" not in body and "<script>" not in body and "<style" not in body
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in body
    assert page.headers["Cache-Control"] == "no-store"
    assert "Danh sách đang được lập" in section(page, "compile-progress")
    english = pages.get(f"/app/award-lists/{list_id}", user="leader-ha-noi", lang="en")
    assert "Compiling" in section(english, "status") and "Reload" in section(english, "compile-progress")
    # AND the JSON its script polls says compiling, with nowhere to go yet
    polled = pages.get(f"/app/award-lists/{list_id}/progress", user="leader-ha-noi")
    assert polled.headers["Content-Type"] == "application/json"
    assert json.loads(polled.body) == {"status": "compiling", "done": 0, "total": 0, "percent": 0, "next": None}
    # WHEN every delivery fails (a broken criteria file)
    broken = tmp_path / "criteria.json"
    broken.write_text("[]", encoding="utf-8")
    monkeypatch.setenv("AWARD_CRITERIA_FILE", str(broken))
    [message] = helpers.queued_compiles()
    message["attributes"]["ApproximateReceiveCount"] = "3"
    assert helpers.run_compiles(pages, [message]) == [{"done": ["failed"]}]
    # THEN the script is sent back to the page, which says it failed and why, and offers to compile again
    assert json.loads(pages.get(f"/app/award-lists/{list_id}/progress", user="leader-ha-noi").body)["next"] == \
        f"/app/award-lists/{list_id}"
    page = pages.get(f"/app/award-lists/{list_id}", user="leader-ha-noi")
    assert "Lập danh sách không thành công. Tệp tiêu chí khen thưởng không hợp lệ" in section(page, "compile-failed")
    assert "Lập lại danh sách" in text_of(page)
    # WHEN it is mended and asked again THEN the same version is compiled, and the script goes to the list
    monkeypatch.delenv("AWARD_CRITERIA_FILE")
    assert location(compile_page(pages)) == f"/app/award-lists/{list_id}"
    assert json.loads(pages.get(f"/app/award-lists/{list_id}/progress", user="leader-ha-noi").body)["next"] == \
        f"/app/award-lists/{list_id}?done=compiled"
    assert "Dự thảo" in section(pages.get(f"/app/award-lists/{list_id}", user="leader-ha-noi"), "status")


def test_a_provincial_leader_pages_through_the_grassroots_ranking_without_javascript(pages, api):
    from html import unescape

    from chalicelib.counters import stats
    from chalicelib.levels import Level
    from chalicelib.reference import catalog

    # GIVEN 30 grassroots unions of Thanh Hóa counted, 30 initiatives down to 1, the 20th and 21st tied
    units = [u.id for u in stats._units_at(catalog.unit("ldld-thanh-hoa"), Level.GRASSROOTS)][:30]
    entered = [30 - n for n in range(30)]
    entered[20] = entered[19]
    helpers.seed_ranked_counters(PHASE, {u: (n, 1) for u, n in zip(units, entered)})
    # WHEN the leader opens the dashboard
    first = pages.get(f"/app/dashboard?phase={PHASE}", user="leader-thanh-hoa")
    assert first.status_code == 200
    # AND it says when the ranking was made (a snapshot, made again every 10 minutes)
    assert section(first, "grassroots-as-of") == \
        "Số liệu xếp hạng lúc 21/11/2026 10:00; bảng được lập lại sau mỗi 10 phút."
    # THEN the first 20 by initiatives show, ranked 1..20, with a "Trang sau" link under that table
    top = ranking(first, "grassroots-by-entered")
    assert [row[0] for row in top] == list(range(1, 21)) and top[0][2] == "30"
    body = first.body.decode("utf-8")
    link = unescape(re.search(r'href="([^"]+)" rel="next" data-testid="grassroots-by-entered-next"', body).group(1))
    assert "Trang sau" in section(first, "grassroots-by-entered-next")
    # WHEN they follow it (a plain link) THEN the other ten, the tie keeping rank 20, and no further page
    second = pages.get(link, user="leader-thanh-hoa")
    rest = ranking(second, "grassroots-by-entered")
    assert [row[0] for row in rest] == [20] + list(range(22, 31))
    assert 'data-testid="grassroots-by-entered-next"' not in second.body.decode("utf-8")
    # AND the other tables stay on their first page
    assert ranking(second, "grassroots-by-authors")[0][0] == 1


# ---------------------------------------------------------------- the trend (issue 13, point 5)

def test_the_trend_chart_has_the_running_totals_and_the_targets_pace_as_text_and_lines(pages, counted):
    # WHEN Hà Nội's leader opens the dashboard (the five initiatives entered and one recognised today)
    response = pages.get("/app/dashboard", user="leader-ha-noi")
    # THEN the trend says the totals and the pace in words, next to the chart
    trend = section(response, "trend")
    assert "Sáng kiến đã nhập (cộng dồn): 5" in trend
    assert "Sáng kiến được công nhận (cộng dồn): 1" in trend
    from chalicelib.reference import catalog

    _, phase = catalog.phase(PHASE)
    gone = (date(2026, 11, 21) - phase.counts_from).days + 1
    span = (phase.ends_on - phase.counts_from).days + 1
    pace = (2 * 52_000 * gone + span) // (2 * span)
    assert f"Nhịp độ cần có để đạt chỉ tiêu: {pace:,}".replace(",", ".") in trend
    assert f"Đang chậm hơn nhịp độ cần có {pace - 5:,} sáng kiến".replace(",", ".") in trend
    # AND the chart is three lines over the phase so far: the entered line ends at 5 of its top
    svg = section_html(response, "trend-svg")
    lines = dict(re.findall(r'<polyline class="(\w+)" points="([^"]+)"', svg))
    assert set(lines) == {"entered", "recognized", "pace"}
    days = (date(2026, 11, 21) - phase.counts_from).days + 1
    assert all(len(points.split()) == days for points in lines.values())
    top = charts.nice_top(pace)
    last_entered = lines["entered"].split()[-1]
    assert last_entered == f"1000.0,{300 * (1 - 5 / top):.1f}"
    # AND the last days are a table too, newest first: today's five entries
    days_table = section(response, "trend-days")
    assert "21/11/2026 5 1 5" in days_table


def test_a_round_top_for_the_trend_axis():
    assert [charts.nice_top(n) for n in (0, 7, 11, 24, 26, 133_000, 2_000_001)] == [
        10, 10, 20, 25, 50, 200_000, 2_500_000]
