"""Drill-down (issue 13, point 4): every unit on a dashboard or ranking opens
that unit's dashboard, down to a grassroots union, for whoever may read it;
every figure opens the list of the initiatives behind it (filters, cursor
pages, through the `under_*` indexes, never a Scan); that list exports to
Excel whole, and the export's rows are the list's."""
import io
import re
from datetime import datetime
from html import unescape

import boto3
import pytest

from chalicelib import settings
from chalicelib.clock import VIETNAM
from chalicelib.submissions import store
from tests import helpers
from tests.conftest import html_text
from tests.helpers import deliver, enter, fire

PHASE = "sk2627-gd1"
FPT, NGHIA_TAN, RANG_DONG = "cdcs-fpt-cau-giay", "cdcs-thcs-nghia-tan", "cdcs-rang-dong"
HUY = {"full_name": "Lê Quang Huy", "member_id": "worker-fpt", "share_percent": 70, "phone": "0903 111 222",
       "email": "huy@example.vn"}
LAN = {"full_name": "Đỗ Thị Lan", "share_percent": 30}
# (unit, subject group, field): one entered each day from 1 November 2026, in this order.
ENTERED = [(FPT, "enterprise-workers", "productivity"), (FPT, "works-and-technical", "productivity"),
           (NGHIA_TAN, "public-service", "administrative-reform"), (FPT, "enterprise-workers", "energy-environment"),
           (RANG_DONG, "enterprise-workers", "productivity"), (NGHIA_TAN, "public-service", "productivity"),
           (FPT, "enterprise-workers", "productivity")]
REASON = "Cần bổ sung số liệu tiết kiệm điện trước và sau."


@pytest.fixture
def entered(api, stream, now):
    """Seven initiatives of sk2627-gd1, one a day from 1/11/2026 (S1 oldest … S7 newest): Hà Nội's
    FPT (enterprise block, under Cầu Giấy) S1, S2, S4, S7 and Nghĩa Tân's school (administrative
    block, under Cầu Giấy too) S3, S6; Công Thương's Rạng Đông (a grassroots union right under its
    top-level unit) S5. On 10/11: S1 validated, S2 returned for revision, S4 recognised (scored,
    benefit confirmed); counted by the stream."""
    found = []
    for day, (unit, group, field) in enumerate(ENTERED, start=1):
        now(datetime(2026, 11, day, 9, 0, tzinfo=VIETNAM))
        user = "worker-rang-dong" if unit == RANG_DONG else "worker-fpt"
        authors = [HUY, LAN] if unit != RANG_DONG else [{"full_name": "Nguyễn Văn An", "share_percent": 100}]
        found.append(enter(api, user, unit_id=unit, subject_group=group, field=field, title=f"Sáng kiến S{day}",
                           benefit_vnd=day * 1_000_000, authors=authors))
    now(datetime(2026, 11, 10, 9, 0, tzinfo=VIETNAM))
    fire(api, found[0]["id"], "validate", 1, "reviewer-fpt")
    fire(api, found[1]["id"], "request_revision", 1, "reviewer-fpt", reason=REASON)
    fire(api, found[3]["id"], "validate", 1, "reviewer-fpt")
    fire(api, found[3]["id"], "start_review", 2, "reviewer-cau-giay")
    fire(api, found[3]["id"], "recognize", 3, "reviewer-cau-giay",
         scores={"novelty": 8, "applicability": 7, "effectiveness": 9}, confirmed_benefit_vnd=3_500_000)
    deliver(stream)
    return {f"S{n}": item for n, item in enumerate(found, start=1)}


def codes(entered, *names) -> list[str]:
    return [entered[name]["code"] for name in names]


def listed(api, unit: str, user: str = "leader-national", limit: int = 2, **filters) -> tuple[list[str], int]:
    """Every code of the list (following its cursors), and how many pages it took."""
    query = "&".join(f"{k}={v}" for k, v in {"phase": PHASE, "limit": limit, **filters}.items())
    found, cursor, pages = [], None, 0
    while True:
        status, body = api.json("GET", f"/stats/units/{unit}/initiatives?{query}"
                                + (f"&cursor={cursor}" if cursor else ""), user=user)
        assert status == 200, body
        assert len(body["items"]) <= limit
        found += [item["code"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            return found, pages


def raw_item(sid: str) -> dict:
    return boto3.client("dynamodb").get_item(TableName=settings.table_name("initiatives"),
                                             Key={"pk": {"S": f"SUB#{sid}"}, "sk": {"S": "META"}})["Item"]


# ---------------------------------------------------------------- the keys

def test_an_initiative_is_listed_under_every_unit_of_its_path_from_the_moment_it_is_entered(entered):
    fpt, rang_dong = raw_item(entered["S4"]["id"]), raw_item(entered["S5"]["id"])
    # THEN FPT's (four units deep) is under the nation (one of its shards), Hà Nội, Cầu Giấy and FPT
    assert re.fullmatch(r"tld#sk2627-gd1#[0-7]", fpt["u0"]["S"])
    assert (fpt["u1"]["S"], fpt["u2"]["S"], fpt["u3"]["S"]) == (
        "ldld-ha-noi#sk2627-gd1", "ldld-cau-giay#sk2627-gd1", "cdcs-fpt-cau-giay#sk2627-gd1")
    # AND its sort key is when it was entered, kept through its three transitions
    assert fpt["us"]["S"] == f"{store.compact_time(entered['S4']['created_at'])}#{entered['S4']['id']}"
    assert fpt["status"]["S"] == "recognized"
    # AND Rạng Đông's (a grassroots union right under Công Thương) has no fourth level
    assert (rang_dong["u1"]["S"], rang_dong["u2"]["S"]) == ("cd-cong-thuong#sk2627-gd1", "cdcs-rang-dong#sk2627-gd1")
    assert "u3" not in rang_dong


# ---------------------------------------------------------------- the list (API)

def test_the_list_is_newest_first_and_pages_at_every_level(api, entered):
    everyone = codes(entered, "S7", "S6", "S5", "S4", "S3", "S2", "S1")
    # THEN the nation's list merges its shards, newest first, two a page
    assert listed(api, "tld") == (everyone, 4)
    ha_noi = codes(entered, "S7", "S6", "S4", "S3", "S2", "S1")
    assert listed(api, "ldld-ha-noi")[0] == ha_noi
    assert listed(api, "ldld-cau-giay")[0] == ha_noi
    assert listed(api, FPT)[0] == codes(entered, "S7", "S4", "S2", "S1")
    assert listed(api, "cd-cong-thuong")[0] == listed(api, RANG_DONG)[0] == codes(entered, "S5")
    # AND a page bigger than the list holds it all, with no next page
    assert listed(api, "ldld-ha-noi", limit=100) == (ha_noi, 1)


def test_the_list_shows_what_a_leader_needs_and_no_contact_details(api, entered):
    status, body = api.json("GET", f"/stats/units/ldld-ha-noi/initiatives?phase={PHASE}&state=recognized",
                            user="leader-ha-noi")
    assert status == 200
    (row,) = body["items"]
    assert (row["code"], row["title"], row["status_name"]["vi"], row["unit"]["name"]) == (
        entered["S4"]["code"], "Sáng kiến S4", "Được công nhận", "Công đoàn Công ty TNHH Phần mềm FPT")
    assert row["authors"] == [{"full_name": "Lê Quang Huy", "share_percent": 70},
                              {"full_name": "Đỗ Thị Lan", "share_percent": 30}]
    assert (row["benefit_vnd"], row["confirmed_benefit_vnd"]) == (4_000_000, 3_500_000)
    assert row["created_at"].startswith("2026-11-04T09:00")
    assert "0903 111 222" not in str(body) and "huy@example.vn" not in str(body)


def test_every_filter_keeps_what_it_names(api, entered):
    def ha_noi(**filters):
        return listed(api, "ldld-ha-noi", **filters)[0]

    assert ha_noi(state="pending") == codes(entered, "S7", "S6", "S3")
    # (several states at once: the dashboard's "waiting" figures)
    assert ha_noi(state="valid,needs_revision") == codes(entered, "S2", "S1")
    assert ha_noi(subject_group="public-service") == codes(entered, "S6", "S3")
    assert ha_noi(field="energy-environment") == codes(entered, "S4")
    assert ha_noi(block="administrative") == codes(entered, "S6", "S3")
    # AND the period is of days entered, both ends included, Vietnam time
    assert ha_noi(**{"from": "2026-11-02", "to": "2026-11-04"}) == codes(entered, "S4", "S3", "S2")
    assert ha_noi(**{"from": "2026-11-06"}) == codes(entered, "S7", "S6")
    # AND filters combine
    assert ha_noi(subject_group="enterprise-workers", field="productivity", state="pending") == codes(entered, "S7")
    assert listed(api, "tld", block="enterprise", **{"to": "2026-11-05"})[0] == codes(entered, "S5", "S4", "S2", "S1")


def test_overdue_keeps_only_those_a_deadline_passed(api, entered):
    # GIVEN the sweep found S3 overdue (its `od`, as the sweep writes it)
    boto3.client("dynamodb").update_item(
        TableName=settings.table_name("initiatives"), Key={"pk": {"S": f"SUB#{entered['S3']['id']}"},
                                                           "sk": {"S": "META"}},
        UpdateExpression="SET od = :at", ExpressionAttributeValues={":at": {"S": "2026-11-09T09:00:00.000+07:00"}})
    assert listed(api, "ldld-cau-giay", overdue="true")[0] == codes(entered, "S3")
    assert listed(api, "tld", overdue="true")[0] == codes(entered, "S3")


def test_a_rare_filter_reads_on_within_its_budget_and_its_cursor_is_honest(api, entered, monkeypatch):
    # GIVEN a page of one may read two index entries (one Query)
    monkeypatch.setattr(store, "UNDER_FILTERED_PAGE", 1)
    monkeypatch.setattr(store, "UNDER_READS", 1)
    found, pages = listed(api, "ldld-ha-noi", limit=1, field="energy-environment")
    # THEN the pages before the match are short (empty) but go on, and nothing is lost or repeated
    assert found == codes(entered, "S4") and pages >= 3
    found, _ = listed(api, "tld", limit=1, state="pending")  # eight shards: each gets at least one read a page
    assert found == codes(entered, "S7", "S6", "S5", "S3")


def test_who_may_read_the_list_and_what_is_refused(api, entered):
    ha_noi = f"/stats/units/ldld-ha-noi/initiatives?phase={PHASE}"
    for user in ("leader-ha-noi", "reviewer-ha-noi", "leader-national", "admin"):
        assert api.json("GET", ha_noi, user=user)[0] == 200, user
    for user in ("leader-thanh-hoa", "reviewer-fpt", "worker-fpt"):
        assert api.json("GET", ha_noi, user=user)[0] == 403, user
    assert api.json("GET", f"/stats/units/nowhere/initiatives?phase={PHASE}", user="admin")[0] == 404
    status, body = api.json("GET", f"{ha_noi}&state=pending,lost&from=2026-11-05&to=2026-11-01", user="admin")
    assert status == 422 and [p["path"] for p in body["errors"]] == ["/state", "/to"]
    assert api.json("GET", f"{ha_noi}&color=red", user="admin")[0] == 400
    # AND a cursor of another unit's list is refused, not followed
    cursor = api.json("GET", f"/stats/units/ldld-cau-giay/initiatives?phase={PHASE}&limit=1", user="admin")[1][
        "next_cursor"]
    assert api.json("GET", f"{ha_noi}&cursor={cursor}", user="admin")[0] == 400


# ---------------------------------------------------------------- drill-down on the pages

def links(response) -> dict:
    """{link text: href} of a page's links (the last one of each text)."""
    body = response.body.decode("utf-8")
    return {html_text_of(text): unescape(href) for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>',
                                                                            body, re.S)}


def html_text_of(fragment: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_drill_down_from_the_nation_to_a_grassroots_union(pages, entered):
    # GIVEN the national leader's dashboard
    national = pages.get(f"/app/dashboard?phase={PHASE}", user="leader-national")
    assert national.status_code == 200
    # WHEN they follow the national ranking's Hà Nội, then Cầu Giấy below it, then FPT's union below that
    steps = [("Liên đoàn Lao động Thành phố Hà Nội", "ldld-ha-noi"), ("Liên đoàn Lao động quận Cầu Giấy", "ldld-cau-giay"),
             ("Công đoàn Công ty TNHH Phần mềm FPT", FPT)]
    here = national
    for name, unit in steps:
        href = links(here)[name]
        assert f"unit={unit}" in href and f"phase={PHASE}" in href
        here = pages.get(href, user="leader-national")
        # THEN each opens that unit's dashboard for whoever may read it, and is refused to a leader elsewhere
        assert here.status_code == 200 and f"Bảng theo dõi: {name}" in html_text(here)
        assert pages.get(href, user="leader-thanh-hoa").status_code == 403
        assert pages.get(href, user="leader-ha-noi").status_code == 200
    # AND the grassroots union's dashboard says where it is, each unit above a link back up
    crumbs = html_text_of(section_html(here, "breadcrumb"))
    assert crumbs == ("Tổng Liên đoàn Lao động Việt Nam Liên đoàn Lao động Thành phố Hà Nội "
                      "Liên đoàn Lao động quận Cầu Giấy Công đoàn Công ty TNHH Phần mềm FPT")
    assert all(pages.get(links(here)[name], user="leader-national").status_code == 200 for name, _ in steps[:2])
    # AND Hà Nội's own leader sees the nation above as a name, not a link (they may not read it)
    mine = pages.get(f"/app/dashboard?phase={PHASE}&unit={FPT}", user="leader-ha-noi")
    assert "Tổng Liên đoàn Lao động Việt Nam" not in links(mine)
    assert "Liên đoàn Lao động Thành phố Hà Nội" in links(mine)
    # AND a grassroots union right under its top-level unit opens the same way
    assert pages.get(f"/app/dashboard?phase={PHASE}&unit={RANG_DONG}", user="leader-national").status_code == 200
    assert pages.get(f"/app/dashboard?phase={PHASE}&unit=nowhere", user="leader-national").status_code == 404


def test_every_figure_opens_the_list_of_exactly_the_initiatives_it_counts(pages, entered):
    dashboard = pages.get(f"/app/dashboard?phase={PHASE}&unit=ldld-cau-giay", user="leader-ha-noi")
    body = dashboard.body.decode("utf-8")
    figures = re.findall(r'<a (?:class="value" )?href="([^"]*initiatives-list[^"]*)"[^>]*>\s*([\d.]+)\s*</a>', body)
    assert len(figures) >= 15  # entered, recognised, each block, state and subject group, each child's count
    for href, shown in figures:
        response = pages.get(unescape(href) + "&limit=100", user="leader-ha-noi")
        assert response.status_code == 200, href
        rows = response.body.decode("utf-8").count("<li data-code=")
        assert rows == int(shown.replace(".", "")), (href, shown, rows)
    # AND the list is refused to a leader who may not read the unit
    assert pages.get(unescape(figures[0][0]), user="leader-thanh-hoa").status_code == 403


def section_html(response, testid: str) -> str:
    body = response.body.decode("utf-8")
    match = re.search(r'<(\w+)[^>]*data-testid="%s"' % re.escape(testid), body)
    assert match, f"no {testid} on the page"
    return body[match.start():body.index(f"</{match.group(1)}>", match.end())]


def test_the_list_page_shows_rows_filters_and_pages(pages, entered):
    first = pages.get(f"/app/initiatives-list?unit=ldld-ha-noi&phase={PHASE}&block=enterprise&limit=2",
                      user="leader-ha-noi")
    assert first.status_code == 200
    text = html_text(first)
    assert "Sáng kiến S7" in text and "Sáng kiến S4" in text and "Sáng kiến S2" not in text
    assert "Lê Quang Huy (70%); Đỗ Thị Lan (30%)" in text and "0903 111 222" not in text
    assert "Được công nhận" in text
    nxt = unescape(re.search(r'<a href="([^"]+)" rel="next"', first.body.decode()).group(1))
    assert "block=enterprise" in nxt and "limit=2" in nxt
    second = html_text(pages.get(nxt, user="leader-ha-noi"))
    assert "Sáng kiến S2" in second and "Sáng kiến S1" in second and "Sáng kiến S7" not in second


# ---------------------------------------------------------------- the Excel export

def exported_rows(pages, user: str, unit: str, **filters) -> tuple[list[list], str]:
    """Ask for the export on the page, run the queue's handler, download: (the sheet's rows, export id)."""
    from openpyxl import load_workbook

    asked = pages.post("/app/initiatives-list/export", {"unit": unit, "phase": PHASE, **filters}, user=user)
    assert asked.status_code == 303, asked.body
    page = asked.headers["Location"]
    export_id = page.rsplit("/", 1)[1]
    assert "Đang xuất" in html_text(pages.get(page, user=user))
    assert helpers.run_compiles(pages) == [{"done": ["exported"]}]
    done = pages.get(page, user=user)
    assert "Đã xong" in html_text(done)
    link = pages.get(f"{page}/file", user=user)
    assert link.status_code == 303 and "X-Amz-Signature" in link.headers["Location"]
    content = boto3.client("s3").get_object(Bucket=settings.awards_bucket(),
                                            Key=f"initiative-lists/{export_id}.xlsx")["Body"].read()
    sheet = load_workbook(io.BytesIO(content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = values.index(next(row for row in values if row and row[0] == "Mã"))
    return [dict(zip(values[header], row)) for row in values[header + 1:]], export_id


@pytest.mark.parametrize("unit,filters", [("ldld-ha-noi", {}), ("tld", {"block": "enterprise", "state": "pending"}),
                                          ("ldld-cau-giay", {"from": "2026-11-02", "to": "2026-11-05"})])
def test_the_export_holds_exactly_the_rows_of_the_list(pages, api, entered, unit, filters):
    rows, _ = exported_rows(pages, "leader-national", unit, **filters)
    assert [row["Mã"] for row in rows] == listed(api, unit, **filters)[0]


def test_the_export_says_what_reviewers_decided_and_why(pages, entered):
    rows, export_id = exported_rows(pages, "leader-ha-noi", FPT)
    by_title = {row["Tên sáng kiến"]: row for row in rows}
    returned, recognised = by_title["Sáng kiến S2"], by_title["Sáng kiến S4"]
    assert returned["Trạng thái"] == "Cần bổ sung"
    assert REASON in returned["Quyết định của người duyệt (lý do)"]
    assert "Công đoàn Công ty TNHH Phần mềm FPT" in returned["Quyết định của người duyệt (lý do)"]
    assert recognised["Tác giả (tỷ lệ đóng góp)"] == "Lê Quang Huy (70%); Đỗ Thị Lan (30%)"
    assert len(recognised["Quyết định của người duyệt (lý do)"].splitlines()) == 3  # validate, start_review, recognize
    assert (recognised["Điểm tính mới"], recognised["Giá trị làm lợi ước tính"],
            recognised["Giá trị làm lợi được xác nhận"]) == (8, 4_000_000, 3_500_000)
    assert recognised["Ngày nhập"] == datetime(2026, 11, 4, 9, 0)
    assert recognised["Đơn vị"] == "Công đoàn Công ty TNHH Phần mềm FPT"
    # AND only who asked for it sees it
    assert pages.get(f"/app/exports/{export_id}", user="leader-national").status_code == 404
    assert pages.get(f"/app/exports/{export_id}/file", user="leader-national").status_code == 404


def test_an_export_of_a_unit_one_may_not_read_is_refused(pages, entered):
    refused = pages.post("/app/initiatives-list/export", {"unit": "ldld-ha-noi", "phase": PHASE},
                         user="leader-thanh-hoa")
    assert refused.status_code == 403
    assert helpers.queued_compiles() == []
