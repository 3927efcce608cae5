"""Phase reports (báo cáo sơ kết / tổng kết, issue 13 point 7): a unit's
figures for a phase as its leaders report them, on a page printed on A4 and in
an Excel workbook, both read from the counters.

Hand-built data (tests/test_web_dashboard.py's `counted`: six initiatives
entered through the API, one recognised, the stream delivered) checks that
every figure of the report is the unit's counters'; the 2022–2023 program
(scripts/history_2022.py) checks the national report of its last phase, its
clusters' leaders, and what building that workbook costs."""
import io
import re
import time
import zipfile
from datetime import date, datetime

import boto3

from chalicelib import settings, validation
from chalicelib.reports import core
from tests.test_openapi import check
from tests.test_web_dashboard import PHASE, HA_NOI, counted, location, ranking, section  # noqa: F401

SHEETS_VI = ["Tổng hợp", "Theo nhóm đối tượng", "Theo lĩnh vực", "Theo khối", "Đơn vị dẫn đầu",
             "Diễn biến theo ngày", "Khen thưởng"]
P1, P2 = "mtsk-gd1", "mtsk-gd2"


def report_of(api, unit, phase=PHASE, user="leader-ha-noi"):
    response = api.request("GET", f"/reports/units/{unit}?phase={phase}", user=user)
    body = check(response, "get", "/reports/units/{unit_id}", 200)
    errors = [e.message for e in validation.validator("phase-report").iter_errors(body)]
    assert errors == [], errors
    return body


def stored_workbook(location_url: str):
    """The object a presigned link names, read from the (emulated) bucket: (its S3 answer, the workbook)."""
    from openpyxl import load_workbook

    key = location_url.split(".amazonaws.com/", 1)[1].split("?", 1)[0]
    stored = boto3.client("s3").get_object(Bucket=settings.awards_bucket(), Key=key)
    body = stored["Body"].read()
    return stored, body, load_workbook(io.BytesIO(body))


def rows(sheet) -> list[tuple]:
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def value_of(sheet, label: str):
    """The value beside a label in the first column (the first such row)."""
    return next(row[1] for row in rows(sheet) if row and row[0] == label)


# ------------------------------------------------------------------ which report (pure)

def test_the_last_phase_once_over_is_the_programs_final_report_and_everything_else_an_interim_one():
    from chalicelib.reference.model import Phase, Program

    def phase(pid, first, last):
        return Phase(id=pid, name={"vi": pid, "en": pid}, starts_on=first, ends_on=last, counts_from=first, target=1)
    one, two = phase("gd1", date(2021, 12, 15), date(2022, 5, 31)), phase("gd2", date(2022, 6, 1), date(2023, 9, 30))
    program = Program(id="p", name={"vi": "p", "en": "p"}, phases=(one, two), subject_groups=(), fields=())
    assert core.kind(program, one, date(2022, 3, 1)) == core.INTERIM  # phase 1 while it runs
    assert core.kind(program, one, date(2026, 1, 1)) == core.INTERIM  # phase 1 after it: still a sơ kết
    assert core.kind(program, two, date(2023, 9, 30)) == core.INTERIM  # the last day of the last phase: not over yet
    assert core.kind(program, two, date(2023, 10, 1)) == core.FINAL
    alone = Program(id="q", name={"vi": "q", "en": "q"}, phases=(one,), subject_groups=(), fields=())
    assert [core.kind(alone, one, day) for day in (date(2022, 5, 31), date(2022, 6, 1))] == [core.INTERIM, core.FINAL]
    assert core.file_name(core.FINAL, "tld", "gd2") == "bao-cao-tong-ket-tld-gd2.xlsx"


# ------------------------------------------------------------------ the figures are the counters'

def test_the_reports_figures_are_the_units_counters(api, counted):
    # GIVEN Hà Nội's five initiatives (F1 recognised with 1,2 tỷ confirmed) and Thanh Hóa's one, counted
    # WHEN Hà Nội's chair asks for its report of phase 1
    report = report_of(api, HA_NOI)
    _, stats = api.json("GET", f"/stats/units/{HA_NOI}?phase={PHASE}", user="leader-ha-noi")
    _, trend = api.json("GET", f"/stats/units/{HA_NOI}/trend?phase={PHASE}", user="leader-ha-noi")
    # THEN every figure is the unit's counters', as the stats give them
    assert report["kind"] == "interim" and report["phase"]["number"] == 1 and not report["phase"]["last"]
    assert report["figures"] == stats["unit"]
    assert (report["figures"]["entered"], report["recognized"]) == (5, 1)
    assert report["figures"]["by_state"]["pending"] == 4
    assert (report["figures"]["benefit_estimated_vnd"], report["figures"]["benefit_confirmed_vnd"]) == (
        3_500_000_000, 1_200_000_000)
    assert report["progress"] == {"entered": 5, "target": 52_000, "percent": 0.0, "program_target": False}
    # its children ranked, each with its own counters
    children = {child["unit"]["id"]: child for child in stats["children"]}
    assert len(report["leading"]["by_initiatives"]) == len(children)
    for row in report["leading"]["by_initiatives"]:
        assert row["entered"] == children[row["unit"]["id"]]["entered"]
    first = report["leading"]["by_initiatives"][0]
    assert first["rank"] == 1 and first["entered"] == max(c["entered"] for c in children.values()) > 0
    # its days are the trend's, the program in all its two phases' counters
    assert report["trend"]["days"] == trend["days"] and report["trend"]["days"][-1]["entered_total"] == 5
    assert report["program_in_all"] == {"phases": 2, "entered": 5, "benefit_estimated_vnd": 3_500_000_000,
                                        "benefit_confirmed_vnd": 1_200_000_000}
    # no award list yet; and no clusters outside the national report
    assert report["awards"] is None and report["honours"] is None


def test_the_report_carries_the_latest_award_list_and_the_national_one_the_country(api, counted):
    from tests import helpers

    status, award = helpers.compiled(api, HA_NOI, PHASE, "leader-ha-noi")
    assert status == 201, award
    report = report_of(api, HA_NOI)
    assert report["awards"]["id"] == award["id"] and report["awards"]["status"] == "draft"
    assert report["awards"]["counts"] == award["counts"] and report["awards"]["counts"]["exemplary_initiatives"] == 1
    # the national leader's report of the same phase: the program's target, every top-level unit ranked
    country = report_of(api, "tld", user="leader-national")
    assert country["progress"]["program_target"] and country["progress"]["target"] == 400_000
    assert country["figures"]["entered"] == 6
    top = [(row["rank"], row["unit"]["id"], row["entered"]) for row in country["leading"]["by_initiatives"][:2]]
    assert top == [(1, HA_NOI, 5), (2, "ldld-thanh-hoa", 1)]
    assert isinstance(country["honours"], list) and country["honours"], "the clusters' quarters so far"


def test_only_who_may_read_the_units_figures_gets_its_report(api, pages, counted):
    for user in ("leader-ha-noi", "reviewer-ha-noi", "leader-national", "admin"):
        assert api.json("GET", f"/reports/units/{HA_NOI}?phase={PHASE}", user=user)[0] == 200, user
    for user in ("leader-thanh-hoa", "reviewer-rang-dong", "worker-fpt"):
        assert api.json("GET", f"/reports/units/{HA_NOI}?phase={PHASE}", user=user)[0] == 403, user
        assert api.json("GET", f"/reports/units/{HA_NOI}/workbook?phase={PHASE}", user=user)[0] == 403, user
    assert pages.get(f"/app/reports?unit={HA_NOI}&phase={PHASE}", user="leader-thanh-hoa").status_code == 403
    assert pages.get(f"/app/reports/workbook?unit={HA_NOI}&phase={PHASE}", user="leader-thanh-hoa").status_code == 403
    assert pages.get(f"/app/reports?unit={HA_NOI}&phase={PHASE}", user="worker-fpt").status_code == 403
    assert api.json("GET", "/reports/units/ldld-ha-noi?phase=no-such-phase", user="leader-ha-noi")[0] == 422
    assert api.json("GET", "/reports/units/no-such-unit?phase=" + PHASE, user="leader-ha-noi")[0] == 404


# ------------------------------------------------------------------ the page

def test_the_page_shows_the_reports_figures_and_prints_on_a4(pages, api, counted):
    # GIVEN the report's figures through the API
    report = report_of(api, HA_NOI)
    # WHEN Hà Nội's chair opens the dashboard, then its link to the report
    dashboard = pages.get(f"/app/dashboard?phase={PHASE}", user="leader-ha-noi")
    link = re.search(r'<a href="([^"]+)" data-testid="report-link">', dashboard.body.decode()).group(1)
    assert link == f"/app/reports?unit={HA_NOI}&amp;phase={PHASE}"
    page = pages.get(link.replace("&amp;", "&"), user="leader-ha-noi")
    assert page.status_code == 200
    # THEN it is titled as an interim report of phase 1 of the program, for Hà Nội
    assert section(page, "report-title") == (
        "BÁO CÁO SƠ KẾT GIAI ĐOẠN 1 Chương trình “Sáng kiến vì năng suất, chất lượng 2026–2027”")
    assert section(page, "report-unit") == "LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HÀ NỘI"
    assert "Số liệu tính đến ngày 21/11/2026" in section(page, "report-as-of")
    # the key figures are the report's
    figures = section(page, "key-figures")
    for expected in ("Sáng kiến đã nhập 5", "Hợp lệ 0", "Đang xem xét 0", "Sáng kiến được công nhận 1",
                     "Chỉ tiêu đăng ký 52.000", "Tác giả tham gia 2", "Giá trị làm lợi ước tính 3,5 tỷ đồng",
                     "Giá trị làm lợi đã xác nhận 1,2 tỷ đồng"):
        assert expected in figures, (expected, figures)
    assert "Chờ duyệt 4" in section(page, "report-by-state")
    groups = section(page, "report-by-subject-group")
    assert f'{report["names"]["subject_groups"]["public-service"]["vi"]} 3 60 %' in groups
    leading = ranking(page, "report-leading-by-entered")
    assert leading[0] == (1, report["leading"]["by_initiatives"][0]["unit"]["name"],
                          str(report["leading"]["by_initiatives"][0]["entered"]))
    assert "Chưa lập danh sách đề nghị khen thưởng" in section(page, "report-awards")
    assert section(page, "report-in-all").startswith("Cả chương trình Số giai đoạn 2 Sáng kiến đã nhập 5")
    # the trend is the dashboard's line chart, and the months add up to the days
    assert 'data-testid="trend-svg"' in page.body.decode()
    assert "11/2026" in section(page, "report-months")
    # AND it prints on A4: its own stylesheet, which sets the page, breaks before the big sections and leaves
    # the app's header, the buttons and the phase chooser off the paper
    body = page.body.decode()
    css_link = re.search(r'href="(/app/static/report\.css\?v=[0-9a-f]+)"', body).group(1)
    css = pages.get(css_link).body.decode()
    assert re.search(r"@page\s*{[^}]*size:\s*A4", css)
    printed = css[css.index("@media print"):]
    assert ".top" in printed and ".report-actions" in printed and ".phase-chooser" in printed
    assert re.search(r"section\.major\s*{\s*break-before:\s*page", printed)
    assert len(re.findall(r'<section class="major[ "]', body)) >= 2


def test_the_page_in_english_and_for_the_caller_own_unit_by_default(pages, counted):
    page = pages.get(f"/app/reports?phase={PHASE}", user="leader-national", lang="en")
    assert page.status_code == 200
    assert section(page, "report-title") == (
        "INTERIM REPORT: PHASE 1 Program “Initiatives for productivity and quality 2026–2027”")
    assert "Initiatives entered 6" in section(page, "key-figures")
    assert "The program's target for the phase 400,000" in section(page, "key-figures")


# ------------------------------------------------------------------ the workbook

def test_the_workbook_holds_the_reports_numbers_and_its_charts(api, pages, counted):
    report = report_of(api, HA_NOI)
    # WHEN Hà Nội's chair downloads the Excel file from the report page
    response = pages.get(f"/app/reports/workbook?unit={HA_NOI}&phase={PHASE}", user="leader-ha-noi")
    assert response.status_code == 303
    stored, body, book = stored_workbook(location(response))
    # THEN it is named as the report is, one sheet per section
    assert stored["ContentDisposition"] == f'attachment; filename="bao-cao-so-ket-{HA_NOI}-{PHASE}.xlsx"'
    assert book.sheetnames == SHEETS_VI  # (no clusters outside the national report)
    summary = book["Tổng hợp"]
    assert summary["A1"].value == "BÁO CÁO SƠ KẾT GIAI ĐOẠN 1 – Liên đoàn Lao động Thành phố Hà Nội"
    assert value_of(summary, "Sáng kiến đã nhập") == report["figures"]["entered"] == 5
    assert value_of(summary, "Sáng kiến được công nhận") == 1
    assert value_of(summary, "Chỉ tiêu đăng ký") == 52_000
    assert value_of(summary, "Giá trị làm lợi ước tính") == 3_500_000_000
    assert value_of(summary, "Giá trị làm lợi đã xác nhận") == 1_200_000_000
    assert value_of(summary, "Tác giả tham gia") == 2
    assert value_of(summary, "Chờ duyệt") == 4 and value_of(summary, "Được công nhận") == 1
    money = next(row for row in summary.iter_rows() if row[0].value == "Giá trị làm lợi ước tính")[1]
    assert money.number_format == '#,##0 "₫"'
    groups = {row[0]: row[1] for row in rows(book["Theo nhóm đối tượng"])[1:]}
    names = report["names"]["subject_groups"]
    assert groups == {names[g]["vi"]: n for g, n in report["figures"]["by_subject_group"].items()}
    fields = {row[0]: row[1] for row in rows(book["Theo lĩnh vực"])[1:]}
    assert sum(fields.values()) == 5
    blocks = rows(book["Theo khối"])
    assert blocks[1][:3] == ("Khối doanh nghiệp, đơn vị sự nghiệp ngoài công lập", 2, 40_000)
    leading = rows(book["Đơn vị dẫn đầu"])
    assert leading[0][:3] == ("Hạng theo số sáng kiến", "Đơn vị", "Đã nhập")
    assert [(r[0], r[1], r[2]) for r in leading[1:]] == [
        (row["rank"], row["unit"]["name"], row["entered"]) for row in report["leading"]["by_initiatives"]]
    days = rows(book["Diễn biến theo ngày"])
    assert len(days) - 1 == len(report["trend"]["days"])
    assert days[-1][3] == 5 and days[-1][0] == datetime(2026, 11, 21)
    assert rows(book["Khen thưởng"]) == [
        ("Chưa lập danh sách đề nghị khen thưởng của đơn vị cho giai đoạn này.",)]
    # AND native Excel charts: bars of the states, the subject groups and the fields, a line of the days
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        charts = [archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/charts/chart")]
    assert sum("barChart>" in chart for chart in charts) == 3
    assert sum("lineChart>" in chart for chart in charts) == 1
    assert len(book["Tổng hợp"]._charts) == 1 and len(book["Diễn biến theo ngày"]._charts) == 1


def test_the_workbook_in_english_through_the_api(api, counted):
    response = api.request("GET", f"/reports/units/{HA_NOI}/workbook?phase={PHASE}", user="leader-ha-noi",
                           headers={"Accept-Language": "en"})
    link = check(response, "get", "/reports/units/{unit_id}/workbook", 303)
    assert response.headers["Location"] == link["url"] and link["file_name"] == f"bao-cao-so-ket-{HA_NOI}-{PHASE}.xlsx"
    _, body, book = stored_workbook(link["url"])
    assert link["bytes"] == len(body)
    assert book.sheetnames[0] == "Summary" and value_of(book["Summary"], "Initiatives entered") == 5


# ------------------------------------------------------------------ the 2022–2023 program, nationally

def test_the_national_final_report_of_2022_2023_and_what_its_workbook_costs(api, pages, now):
    from scripts import history_2022 as history

    # GIVEN the program counted into the counters: the country and its 83 top-level units
    data = history.load()
    wanted = {"tld"} | {u["id"] for u in data["units"] if u.get("parent_id") == "tld"}
    assert history.seed(units=wanted)["written"]
    # WHEN the national leader asks for the report of phase 2 (over since 30/09/2023)
    started = time.perf_counter()
    report = report_of(api, "tld", P2, user="leader-national")
    read_seconds = time.perf_counter() - started
    _, stats = api.json("GET", f"/stats/units/tld?phase={P2}", user="leader-national")
    # THEN it is the program's final report, with the counters' figures
    assert report["kind"] == "final" and report["phase"]["last"]
    assert report["figures"] == stats["unit"] and report["figures"]["entered"] == 1_641_830
    assert report["program_in_all"]["entered"] == 412_650 + 1_641_830 > 2_000_000
    assert report["program_in_all"]["benefit_estimated_vnd"] > 33_000 * 10 ** 9
    assert len(report["leading"]["by_initiatives"]) == 83
    assert report["progress"]["target"] == 700_000 and report["progress"]["program_target"]
    assert len(report["trend"]["days"]) == (date(2023, 9, 30) - date(2022, 6, 1)).days + 1
    assert [q["quarter"] for q in report["honours"]][-1] == "Q2/2022" and len(report["honours"]) == 6
    page = pages.get(f"/app/reports?phase={P2}", user="leader-national")
    assert section(page, "report-title").startswith("BÁO CÁO TỔNG KẾT Chương trình “1 triệu sáng kiến")
    clusters_text = section(page, "report-clusters")
    assert "Q3/2023" in clusters_text
    led = [(q["quarter"], c["members"][0]["name"]) for q in report["honours"] for c in q["clusters"] if c["leader"]]
    assert led and all(name in clusters_text for _, name in led)
    # AND its workbook: built in the request, small and quick (the figures go to docs/data-model.md)
    from chalicelib.reports import workbook

    started = time.perf_counter()
    body = workbook.render(report, "vi")
    build_seconds = time.perf_counter() - started
    started = time.perf_counter()
    response = api.request("GET", f"/reports/units/tld/workbook?phase={P2}", user="leader-national")
    request_seconds = time.perf_counter() - started
    link = check(response, "get", "/reports/units/{unit_id}/workbook", 303)
    assert link["file_name"] == f"bao-cao-tong-ket-tld-{P2}.xlsx"
    print(f"\nnational report of {P2}: JSON read {read_seconds:.2f} s; workbook {len(body):,} bytes, "
          f"built in {build_seconds:.2f} s; whole request {request_seconds:.2f} s (moto)")
    assert len(body) < 1_000_000 and build_seconds < 10
    _, _, book = stored_workbook(link["url"])
    assert book.sheetnames == ["Tổng hợp", "Theo nhóm đối tượng", "Theo lĩnh vực", "Theo khối", "Đơn vị dẫn đầu",
                               "Cụm thi đua", "Diễn biến theo ngày", "Khen thưởng"]
    assert value_of(book["Tổng hợp"], "Sáng kiến đã nhập") == 1_641_830
    clusters = rows(book["Cụm thi đua"])[1:]
    assert len(clusters) == 6 * len(report["honours"][0]["clusters"])
    first = report["honours"][0]["clusters"][0]
    nobody = "Không có đơn vị nào vừa nhiều sáng kiến nhất cụm vừa vượt chỉ tiêu quý"
    leader = first["members"][0]["name"] if first["leader"] else nobody
    assert clusters[0][4] == leader
    assert len(rows(book["Diễn biến theo ngày"])) - 1 == len(report["trend"]["days"])
