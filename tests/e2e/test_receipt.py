"""The author's receipt and the reviewer's first notice, in headless Chromium
on a 360 px phone, against the app as `serve` starts it (issue 12, points 3
and 4): a worker sends an initiative, the confirmation gives the tracking
code, the date received and the date a decision is due, the printable receipt
reads on the phone and prints without the app's header; the grassroots
reviewer finds it announced in their notifications, where the daily digest
can be turned off.

Screenshots: worker-receipt-360x740.png, worker-receipt-print.png,
reviewer-notifications-360x740.png (test-artifacts/screenshots/)."""
import re
import uuid

from playwright.sync_api import expect

from tests.e2e.conftest import no_horizontal_scroll, save_screenshot
from tests.e2e.test_journey import fill_form, sign_in

DATE = re.compile(r"\d{2}/\d{2}/\d{4}")
# The local stream feeder goes on after the demo's records (seed_demo hands them over); on a busy
# machine a new record may still wait a while behind another test's.
STREAM_WAIT_S = 180


def reload_until(page, ready) -> None:
    for _ in range(STREAM_WAIT_S // 2):
        if ready():
            return
        page.wait_for_timeout(2000)
        page.reload()


def test_a_worker_keeps_a_receipt_and_the_reviewer_is_told_it_waits(new_page):
    title = f"Gá kẹp nhanh cho máy dập vỏ đèn ({uuid.uuid4().hex[:6]})"
    worker = new_page(width=360, height=740)
    sign_in(worker, "worker-rang-dong")
    fill_form(worker, title)
    worker.locator("[data-testid=send]").click()
    code = worker.locator("[data-testid=tracking-code]").inner_text()
    expect(worker.locator("[data-testid=received-on]")).to_contain_text(DATE)
    expect(worker.locator("[data-testid=decision-due]")).to_contain_text("Hạn trả lời kết quả xét công nhận")

    worker.locator("[data-testid=receipt-link]").click()
    receipt = worker.locator("[data-testid=receipt]")
    expect(receipt).to_contain_text("Giấy biên nhận sáng kiến")
    expect(worker.locator("[data-testid=receipt-code]")).to_have_text(code)
    expect(worker.locator("[data-testid=receipt-due]")).to_contain_text(DATE)
    expect(worker.get_by_role("button", name="In giấy biên nhận")).to_be_visible()  # the script shows it
    assert no_horizontal_scroll(worker), "the receipt scrolls sideways at 360 px"
    save_screenshot(worker, "worker-receipt-360x740")
    worker.emulate_media(media="print")
    expect(worker.locator("header.top")).to_be_hidden()
    expect(worker.get_by_role("button", name="In giấy biên nhận")).to_be_hidden()
    expect(receipt).to_be_visible()
    save_screenshot(worker, "worker-receipt-print")

    reviewer = new_page(width=360, height=740)
    sign_in(reviewer, "reviewer-rang-dong")
    reviewer.goto("/app/notifications")
    announced = reviewer.locator("[data-testid=notifications]")
    reload_until(reviewer, lambda: code in (announced.inner_text() if announced.count() else ""))
    expect(announced).to_contain_text(f"({code}) vừa vào hàng chờ duyệt của đơn vị bạn")
    expect(reviewer.locator("[data-testid=digest-setting]")).to_be_checked()
    assert no_horizontal_scroll(reviewer)
    save_screenshot(reviewer, "reviewer-notifications-360x740")
    reviewer.locator("[data-testid=digest-setting]").uncheck()
    reviewer.get_by_role("button", name="Lưu").click()
    expect(reviewer.locator("[data-testid=digest-saved]")).to_contain_text("không nhận thư tóm tắt")
    expect(reviewer.locator("[data-testid=digest-setting]")).not_to_be_checked()
