"""The national leader reads the 2022–2023 program as it happened in the
served app (issue 13, points 2, 5 and 6): `serve` counts it in the
background at its first start; the dashboard of phase 1 shows 412.650
initiatives, the program in all over two million and 33.000 tỷ đồng, the
trend line against the target's pace, and for phase 2 the emulation
clusters' leaders. Screenshots: national-dashboard-1280x800.png (phase 1),
national-honours-360x740.png (phase 2's clusters on a phone)."""
import time

from playwright.sync_api import expect

from tests.e2e.conftest import no_horizontal_scroll, save_screenshot
from tests.e2e.test_journey import sign_in
from tests.e2e.test_local_run import call, token

P1, P2 = "mtsk-gd1", "mtsk-gd2"


def wait_for_history(url: str, seconds: float = 240) -> dict:
    """The national counters of phase 1, once the background counting has written them."""
    who = token(url, "leader-national")
    deadline = time.monotonic() + seconds
    while True:
        status, body = call(url, "GET", f"/stats/units/tld?phase={P1}", token=who)
        assert status == 200, body
        if body["unit"]["entered"] or time.monotonic() > deadline:
            return body
        time.sleep(2)


def test_the_national_leader_reads_the_2022_2023_program_on_a_desktop_and_a_phone(served_app, new_page):
    national = wait_for_history(served_app)
    assert national["unit"]["entered"] == 412_650, "the 2022–2023 program was not counted within 4 minutes"
    # the API's figures of the press (Hà Nội's 15.175 on the evening of 12/04/2022)
    who = token(served_app, "leader-national")
    status, trend = call(served_app, "GET", f"/stats/units/ldld-ha-noi/trend?phase={P1}&to=2022-04-12", token=who)
    assert status == 200 and trend["days"][-1]["entered_total"] == 15_175

    page = new_page(1280, 800)
    sign_in(page, "leader-national")
    page.goto(f"/app/dashboard?phase={P1}")
    expect(page.locator("[data-testid=entered] .value")).to_have_text("412.650")
    expect(page.locator("[data-testid=in-all]")).to_contain_text("2.054.480 sáng kiến")
    expect(page.locator("[data-testid=trend-entered]")).to_have_text("412.650")
    expect(page.locator("[data-testid=trend-svg] polyline.entered")).to_have_count(1)
    save_screenshot(page, "national-dashboard-1280x800")

    phone = new_page(360, 740)
    sign_in(phone, "leader-national")
    phone.goto(f"/app/dashboard?phase={P2}")
    honours = phone.locator("[data-testid=honours-latest]")
    expect(honours).to_contain_text("Quý III/2023")
    expect(honours).to_contain_text("Cụm thi đua số 1")
    assert no_horizontal_scroll(phone)
    honours.scroll_into_view_if_needed()
    save_screenshot(phone, "national-honours-360x740")
