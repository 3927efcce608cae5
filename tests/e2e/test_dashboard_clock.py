"""Leaders see the clock (issue 12, point 6) in the served app: the national
leader reads how long the demo initiatives wait under each top-level unit
(the demo's Rạng Đông ones were received weeks ago and swept: some are
overdue), as stacked bars and a table, on a phone (360 px, each row a card,
nothing to scroll sideways) and on a desktop; Thanh Hóa's chair reads its
units without JavaScript. One Thanh Hóa initiative is decided at each level
first through the API. Screenshots of the section:
dashboard-clock-360x740.png, dashboard-clock-1280x800.png."""
import time

from playwright.sync_api import expect

from tests.e2e.conftest import no_horizontal_scroll
from tests.e2e.test_local_run import call, token

PHASE = "sk2627-gd1"
SECTION = "section[aria-labelledby=h-clock]"


def decide_one_at_each_level(url: str) -> None:
    """Sở Y tế's union validates one of its demo initiatives; Viên chức's union takes it into review and
    recognises it."""
    for user, state, steps in (
            ("reviewer-so-y-te", "pending", [("validate", {})]),
            ("reviewer-vien-chuc-thanh-hoa", "valid", [
                ("start_review", {}),
                ("recognize", {"scores": {"novelty": 8, "applicability": 8, "effectiveness": 7},
                               "confirmed_benefit_vnd": 15_000_000})])):
        who = token(url, user)
        for _ in range(40):  # the stream feeder brings the validated one into the upper queue within seconds
            status, page = call(url, "GET", f"/queue?state={state}&limit=5", token=who)
            assert status == 200, page
            if page["items"]:
                break
            time.sleep(0.25)
        first = page["items"][0]
        for version, (event, given) in enumerate(steps, start=first["version"]):
            status, answer = call(url, "POST", f"/submissions/{first['id']}/transitions",
                                  {"event": event, "expected_version": version, **given}, token=who)
            assert status == 200, answer


def clock_of(url: str, leader: str, unit: str) -> dict:
    status, body = call(url, "GET", f"/stats/units/{unit}?phase={PHASE}", token=token(url, leader))
    assert status == 200, body
    return body["unit"]["clock"]


def vn(n: int) -> str:
    """A count as the pages write it: 2.783."""
    return f"{n:,}".replace(",", ".")


def open_when_it_agrees(page, url: str, leader: str, unit: str) -> dict:
    """Open the dashboard until its row of `unit` shows what the API says
    (the stream, and the minute's deadline sweep, may move a count between
    the two reads); returns the API's clock. At most 30 s."""
    row = page.locator(f'{SECTION} tr[data-unit="{unit}"] td')
    deadline = time.monotonic() + 30
    while True:
        clock = clock_of(url, leader, unit)
        page.goto(f"/app/dashboard?phase={PHASE}")
        shown = (row.nth(0).inner_text().strip(), row.nth(1).inner_text().strip())
        overdue = f"⚠ {vn(clock['overdue'])}" if clock["overdue"] else "0"
        if shown == (vn(clock["waiting"]), overdue) or time.monotonic() > deadline:
            return clock
        time.sleep(1)


def sign_in(page, user_id: str) -> None:
    page.goto("/app/sign-in")
    page.locator(f'button[data-user="{user_id}"]').click()
    expect(page.locator("form .who")).to_be_visible()


def test_leaders_read_the_clock_on_a_phone_and_a_desktop_without_scripts_too(served_app, screenshot_dir, new_page):
    # GIVEN the demo initiatives (some received weeks ago, reviewed and swept: overdue ones among them), and
    # one of Thanh Hóa's decided at each level
    decide_one_at_each_level(served_app)
    deadline = time.monotonic() + 15
    while not all(d["decided"] for d in clock_of(served_app, "leader-thanh-hoa", "ldld-thanh-hoa")["decisions"].values()):
        assert time.monotonic() < deadline, "the counters did not catch up"
        time.sleep(0.25)
    country = clock_of(served_app, "leader-national", "tld")
    assert country["waiting"] > 0 and country["overdue"] > 0

    # WHEN the national leader opens the dashboard on a phone
    phone = new_page(width=360, height=740)
    sign_in(phone, "leader-national")
    country = open_when_it_agrees(phone, served_app, "leader-national", "tld")
    section = phone.locator(SECTION)
    # THEN the section shows the chart and the table, each row a card with its figures beside their headings,
    # the overdue marked
    expect(section.locator("h2")).to_have_text("Thời gian chờ xét duyệt ở các đơn vị trực thuộc")
    expect(section.locator("[data-testid=clock-chart] li").first).to_contain_text("quá hạn")
    total = section.locator('tr[data-unit="tld"] td')
    expect(total.nth(0)).to_have_text(vn(country["waiting"]))  # 2.783: the demo's bulk included
    expect(total.nth(1)).to_have_text(f"⚠ {vn(country['overdue'])}")
    # (a card: the heading is drawn before the figure, on the same line)
    assert total.nth(0).evaluate("cell => getComputedStyle(cell, '::before').content") == '"Đang chờ"'
    thanh_hoa = section.locator('tr[data-unit="ldld-thanh-hoa"]')
    expect(thanh_hoa.locator("th")).to_have_text("Liên đoàn Lao động tỉnh Thanh Hóa")
    expect(thanh_hoa.locator("td").nth(3)).to_contain_text("≈")
    assert no_horizontal_scroll(phone)
    section.scroll_into_view_if_needed()
    section.screenshot(path=f"{screenshot_dir}/dashboard-clock-360x740.png")

    # AND on a desktop, a table with its column headings
    desktop = new_page(width=1280, height=800)
    sign_in(desktop, "leader-national")
    desktop.goto(f"/app/dashboard?phase={PHASE}")
    headings = desktop.locator(f"{SECTION} table.clock thead th")
    expect(headings).to_have_count(6)
    expect(headings.nth(4)).to_have_text("Số ngày đến quyết định (trung vị): kiểm tra ở cơ sở")
    assert no_horizontal_scroll(desktop)
    desktop.locator(SECTION).screenshot(path=f"{screenshot_dir}/dashboard-clock-1280x800.png")

    # AND without JavaScript Thanh Hóa's chair reads the same figures of its units (drawn by the server)
    bare = new_page(width=360, height=740, javascript=False)
    sign_in(bare, "leader-thanh-hoa")
    mine = open_when_it_agrees(bare, served_app, "leader-thanh-hoa", "ldld-thanh-hoa")
    expect(bare.locator(f'{SECTION} tr[data-unit="ldld-thanh-hoa"] td').first).to_have_text(vn(mine["waiting"]))
    vien_chuc = bare.locator(f'{SECTION} tr[data-unit="cd-vien-chuc-thanh-hoa"]')
    expect(vien_chuc.locator("th")).to_have_text("Công đoàn Viên chức tỉnh Thanh Hóa")
    expect(vien_chuc.locator("td").nth(3)).to_contain_text("≈")
    expect(bare.locator(f"{SECTION} [data-testid=clock-chart] svg.bar").first).to_be_visible()
