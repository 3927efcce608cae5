"""A national leader asks for the nation's award list in the served app: the
page shows a progress bar while the queue's handler compiles (the local run
feeds the queue to it like Lambda does), then the list by itself; without
JavaScript the page refreshes itself and offers "Tải lại". Screenshots at
390 px (a phone) and 1280 px."""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import COMPILE_TIMEOUT_MS, no_horizontal_scroll, save_screenshot

PHASE = "sk2627-gd1"


def sign_in(page, user_id: str) -> None:
    page.goto("/app/sign-in")
    page.locator(f'button[data-user="{user_id}"]').click()
    expect(page.locator("form .who")).to_be_visible()


def ask_for_the_list(page) -> None:
    page.goto(f"/app/dashboard?phase={PHASE}")
    page.locator("[data-testid=award-list]").get_by_role("button", name=re.compile("^Lập")).click()


def test_the_leader_sees_the_progress_then_the_list_on_a_phone_and_a_desktop(new_page):
    phone = new_page(width=390, height=844)
    sign_in(phone, "leader-national")
    # WHEN the national leader asks for the nation's list
    ask_for_the_list(phone)
    # THEN its page shows a progress bar, in Vietnamese, fitting the phone's width
    expect(phone.locator("[data-testid=status]")).to_have_text("Đang lập")
    progress = phone.locator("[data-testid=compile-progress] progress")
    expect(progress).to_be_visible()
    expect(phone.locator("[data-testid=compile-progress]")).to_contain_text("Danh sách đang được lập")
    expect(phone.get_by_role("link", name="Tải lại")).to_be_visible()
    assert no_horizontal_scroll(phone)
    save_screenshot(phone, "award-list-compiling-390x844")
    compiling_url = phone.url
    # AND then, by itself (the page's script polls), the list: a draft, the phone still needing no sideways scroll
    expect(phone.locator("[data-testid=status]")).to_have_text(re.compile("Dự thảo"), timeout=COMPILE_TIMEOUT_MS)
    expect(phone.locator("h1")).to_contain_text("Danh sách đề nghị khen thưởng – phiên bản")
    assert phone.url.startswith(compiling_url) and "done=compiled" in phone.url
    expect(phone.locator("main")).to_contain_text("Đã lập phiên bản mới")
    save_screenshot(phone, "award-list-compiled-390x844")

    # WHEN asked again on a desktop with nothing changed THEN the progress, then the same list, saying so
    desktop = new_page(width=1280, height=800)
    sign_in(desktop, "leader-national")
    ask_for_the_list(desktop)
    expect(desktop.locator("[data-testid=compile-progress] progress")).to_be_visible()
    save_screenshot(desktop, "award-list-compiling-1280x800")
    expect(desktop.locator("[data-testid=notice-ok]")).to_contain_text("Dữ liệu không thay đổi", timeout=COMPILE_TIMEOUT_MS)
    expect(desktop.locator("[data-testid=status]")).to_have_text(re.compile("Dự thảo"))
    save_screenshot(desktop, "award-list-unchanged-1280x800")


def test_without_javascript_the_progress_page_refreshes_itself_until_the_list(new_page):
    page = new_page(width=390, height=844, javascript=False)
    page.goto("/app/sign-in")
    # The sign-in buttons post a form: they work without a script.
    page.locator('button[data-user="leader-ha-noi"]').click()
    ask_for_the_list(page)
    expect(page.locator("[data-testid=status]")).to_have_text("Đang lập")
    assert page.locator('noscript').count() >= 1 and 'http-equiv="refresh"' in page.content()
    # The meta refresh (every 5 s) brings the list once it is compiled
    expect(page.locator("[data-testid=status]")).to_have_text(re.compile("Dự thảo"), timeout=COMPILE_TIMEOUT_MS)
    save_screenshot(page, "award-list-no-script-390x844")
