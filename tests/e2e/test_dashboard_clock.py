"""Leaders see the clock (issue 12, point 6) in the served app: Thanh Hóa's
chair reads how long the demo initiatives wait under each unit below, as
stacked bars and a table, on a phone (360 px, each row a card, nothing to
scroll sideways) and on a desktop, with and without JavaScript. Two
decisions are taken first through the API, so the medians have something to
show. Screenshots of the section: dashboard-clock-360x740.png,
dashboard-clock-1280x800.png."""
import time

from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, no_horizontal_scroll
from tests.e2e.test_local_run import call, token

PHASE = "sk2627-gd1"
SECTION = "section[aria-labelledby=h-clock]"


def decide_one_at_each_level(url: str) -> None:
    """Sở Y tế's union validates one of its demo initiatives; Viên chức's union takes it into review."""
    for user, state, event in (("reviewer-so-y-te", "pending", "validate"),
                               ("reviewer-vien-chuc-thanh-hoa", "valid", "start_review")):
        who = token(url, user)
        for _ in range(40):  # the stream feeder brings the validated one into the upper queue within seconds
            status, page = call(url, "GET", f"/queue?state={state}&limit=5", token=who)
            assert status == 200, page
            if page["items"]:
                break
            time.sleep(0.25)
        first = page["items"][0]
        status, answer = call(url, "POST", f"/submissions/{first['id']}/transitions",
                              {"event": event, "expected_version": first["version"]}, token=who)
        assert status == 200, answer


def clock_of(url: str, leader: str) -> dict:
    status, body = call(url, "GET", f"/stats/units/ldld-thanh-hoa?phase={PHASE}", token=token(url, leader))
    assert status == 200, body
    return body["unit"]["clock"]


def sign_in(page, user_id: str) -> None:
    page.goto("/app/sign-in")
    page.locator(f'button[data-user="{user_id}"]').click()
    expect(page.locator("form .who")).to_be_visible()


def test_a_provincial_chair_reads_the_clock_on_a_phone_and_a_desktop_without_scripts_too(browser, served_app, screenshot_dir,
                                                                                       new_page):
    # GIVEN the demo initiatives, and one of them decided at each level
    decide_one_at_each_level(served_app)
    deadline = time.monotonic() + 15
    while not all(d["decided"] for d in clock_of(served_app, "leader-thanh-hoa")["decisions"].values()):
        assert time.monotonic() < deadline, "the counters did not catch up"
        time.sleep(0.25)
    mine = clock_of(served_app, "leader-thanh-hoa")
    assert mine["waiting"] > 0

    # WHEN Thanh Hóa's chair opens the dashboard on a phone
    phone = new_page(width=360, height=740)
    sign_in(phone, "leader-thanh-hoa")
    phone.goto(f"/app/dashboard?phase={PHASE}")
    section = phone.locator(SECTION)
    # THEN the section shows the chart and the table, each row a card with its figures beside their headings
    expect(section.locator("h2")).to_have_text("Thời gian chờ xét duyệt ở các đơn vị trực thuộc")
    expect(section.locator("[data-testid=clock-chart] li").first).to_contain_text("đang chờ")
    vien_chuc = section.locator('tr[data-unit="cd-vien-chuc-thanh-hoa"]')
    expect(vien_chuc.locator("th")).to_have_text("Công đoàn Viên chức tỉnh Thanh Hóa")
    expect(vien_chuc.locator("td").nth(3)).to_contain_text("≈")
    total = section.locator('tr[data-unit="ldld-thanh-hoa"] td').first
    expect(total).to_have_text(str(mine["waiting"]))
    # (a card: the heading is drawn before the figure, on the same line)
    label = total.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Đang chờ"'
    assert no_horizontal_scroll(phone)
    section.scroll_into_view_if_needed()
    section.screenshot(path=f"{SCREENSHOTS}/dashboard-clock-360x740.png")

    # AND on a desktop, a table with its column headings
    desktop = new_page(width=1280, height=800)
    sign_in(desktop, "leader-thanh-hoa")
    desktop.goto(f"/app/dashboard?phase={PHASE}")
    headings = desktop.locator(f"{SECTION} table.clock thead th")
    expect(headings).to_have_count(6)
    expect(headings.nth(4)).to_have_text("Số ngày đến quyết định (trung vị): kiểm tra ở cơ sở")
    assert no_horizontal_scroll(desktop)
    desktop.locator(SECTION).screenshot(path=f"{SCREENSHOTS}/dashboard-clock-1280x800.png")

    # AND without JavaScript the same figures are there (the page is drawn by the server)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", base_url=served_app,
                                  java_script_enabled=False)
    try:
        bare = context.new_page()
        sign_in(bare, "leader-thanh-hoa")
        bare.goto(f"/app/dashboard?phase={PHASE}")
        expect(bare.locator(f'{SECTION} tr[data-unit="ldld-thanh-hoa"] td').first).to_have_text(str(mine["waiting"]))
        expect(bare.locator(f"{SECTION} [data-testid=clock-chart] svg.bar").first).to_be_visible()
    finally:
        context.close()
