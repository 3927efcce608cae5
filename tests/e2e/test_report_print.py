"""The phase report in the served app (issue 13, point 7): the national
leader opens it from the dashboard's link, reads it on a desktop and on a
phone (nothing to scroll sideways), and prints it: Chromium's print to PDF
on A4 with the report's print stylesheet (no app header, no buttons, the big
sections on pages of their own). Screenshots: report-1280x800.png,
report-360x740.png; the PDF: test-artifacts/report-a4.pdf."""
import os

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, no_horizontal_scroll, save_screenshot
from tests.e2e.test_dashboard_clock import sign_in

PHASE = "sk2627-gd1"
A4_POINTS = (595, 842)  # 210 × 297 mm in PDF points, rounded


def pdf_pages(data: bytes) -> list[tuple[float, float]]:
    """The page sizes (points) of a PDF Chromium wrote: its /MediaBox entries."""
    import re

    return [(float(w), float(h)) for w, h in
            re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)]


def test_the_national_report_reads_on_a_desktop_and_a_phone_and_prints_on_a4(served_app, screenshot_dir, new_page):
    # GIVEN the national leader on the dashboard of the current phase, on a desktop
    desk = new_page(width=1280, height=800)
    sign_in(desk, "leader-national")
    desk.goto(f"/app/dashboard?phase={PHASE}")
    # WHEN they follow the dashboard's link to the phase report
    desk.locator("[data-testid=report-link]").click()
    # THEN the report is titled as an interim report of phase 1, with the demo's figures
    expect(desk.locator("[data-testid=report-title] .heading")).to_have_text("BÁO CÁO SƠ KẾT GIAI ĐOẠN 1")
    entered = desk.locator("[data-testid=key-figures] tr[data-figure=entered] td")
    expect(entered).not_to_have_text("0")
    expect(desk.locator("[data-testid=trend-svg]")).to_be_visible()
    expect(desk.locator("[data-print]")).to_be_visible()  # the script shows the print button
    save_screenshot(desk, "report-1280x800")

    # AND on a phone it reads without scrolling sideways
    phone = new_page(width=360, height=740)
    sign_in(phone, "leader-national")
    phone.goto(f"/app/reports?phase={PHASE}")
    expect(phone.locator("[data-testid=report-title] .heading")).to_have_text("BÁO CÁO SƠ KẾT GIAI ĐOẠN 1")
    assert no_horizontal_scroll(phone)
    save_screenshot(phone, "report-360x740")

    # AND printed: the print stylesheet takes the app's header, the buttons and the chooser off the paper
    desk.emulate_media(media="print")
    expect(desk.locator("header.top")).to_be_hidden()
    expect(desk.locator(".report-actions")).to_be_hidden()
    expect(desk.locator(".phase-chooser")).to_be_hidden()
    expect(desk.locator("[data-testid=report-title]")).to_be_visible()
    assert desk.evaluate("getComputedStyle(document.querySelector('section.major')).breakBefore") == "page"
    pdf = desk.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    os.makedirs(ARTIFACTS, exist_ok=True)
    with open(os.path.join(ARTIFACTS, "report-a4.pdf"), "wb") as f:
        f.write(pdf)
    sizes = pdf_pages(pdf)
    assert len(sizes) >= 3, sizes  # the results, then the breakdown and the leading units on pages of their own
    assert all(abs(w - A4_POINTS[0]) < 2 and abs(h - A4_POINTS[1]) < 2 for w, h in sizes), sizes
