"""What is overdue one level below, in headless Chromium at 360x740 and
1280x800, against the app as `serve` starts it (issue 12, point 1): the demo's
Rạng Đông initiative received 20 days ago is past its 15-day check, the sweep
run at start-up escalated it, and Công đoàn Công Thương's reviewer finds it
under "Quá hạn ở cấp dưới", with where it waits and how late it is, and opens
it. Its queue row is marked overdue too.

Screenshots: overdue-below-360x740.png, overdue-below-1280x800.png
(test-artifacts/screenshots/)."""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import no_horizontal_scroll, save_screenshot
from tests.e2e.test_journey import sign_in

LATE = "Đồ gá định vị nhanh khi thay khuôn dập nắp bóng đèn"


def test_the_union_above_finds_what_is_overdue_below_it_and_opens_it(new_page):
    for width, height in ((360, 740), (1280, 800)):
        page = new_page(width=width, height=height)
        sign_in(page, "reviewer-cong-thuong")
        page.get_by_role("link", name="Quá hạn ở cấp dưới").click()
        rows = page.locator("[data-testid=overdue-below] li")
        expect(rows.filter(has_text=LATE)).to_have_count(1)
        row = rows.filter(has_text=LATE)
        expect(row).to_contain_text("Đang chờ tại: Công đoàn Công ty CP Bóng đèn Phích nước Rạng Đông")
        expect(row.locator("[data-testid=days-late]")).to_contain_text(re.compile(r"Quá hạn \d+ ngày \(hạn \d{2}/\d{2}/\d{4}\)"))
        assert no_horizontal_scroll(page), f"the overdue list scrolls sideways at {width} px"
        save_screenshot(page, f"overdue-below-{width}x{height}")
        row.get_by_role("link", name=LATE).click()
        expect(page.locator("h1")).to_contain_text(LATE)
