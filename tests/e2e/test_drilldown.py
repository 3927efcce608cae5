"""Drill-down in the served app (issue 13, point 4), on a phone: the national
leader opens the national ranking (once, sortable by its column headings),
taps Thanh Hóa, then Công đoàn Viên chức below it, then the provincial
hospital's union (a grassroots union), whose dashboard says where it is
(the breadcrumb back up); its "entered" figure opens the list of exactly
those initiatives. Screenshots: drilldown-grassroots-360x740.png (the
union's dashboard, the top of it) and drilldown-list-360x740.png (the list)."""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import no_horizontal_scroll, save_screenshot
from tests.e2e.test_local_run import call, token

PHASE = "sk2627-gd1"
UNION = "cdcs-bv-da-khoa-thanh-hoa"


def sign_in(page, user_id: str) -> None:
    page.goto("/app/sign-in")
    page.locator(f'button[data-user="{user_id}"]').click()
    expect(page.locator("form .who")).to_be_visible()


def test_the_national_leader_drills_down_to_a_grassroots_union_on_a_phone(served_app, screenshot_dir, new_page):
    phone = new_page(width=360, height=740)
    sign_in(phone, "leader-national")
    phone.goto(f"/app/dashboard?phase={PHASE}")
    ranking = phone.locator("[data-testid=top-level-ranking]")
    # GIVEN the national ranking, printed once, sorted by initiatives
    expect(phone.locator("table.ranking")).to_have_count(1)
    expect(ranking.locator("caption")).to_contain_text("xếp theo số sáng kiến")
    # WHEN the leader sorts it by authors (a link: the page is drawn again by the server)
    ranking.locator("[data-testid=top-level-ranking-sort-authors]").click()
    expect(ranking.locator("caption")).to_contain_text("xếp theo số tác giả")
    # AND taps Thanh Hóa, then Công đoàn Viên chức below it, then the provincial hospital's union
    for name in ("Liên đoàn Lao động tỉnh Thanh Hóa", "Công đoàn Viên chức tỉnh Thanh Hóa",
                 "Công đoàn Bệnh viện Đa khoa tỉnh Thanh Hóa"):
        phone.locator("table.ranking th a", has_text=re.compile(f"^{name}$")).first.click()
        expect(phone.locator("h1")).to_have_text(f"Bảng theo dõi: {name}")
    # THEN the union's dashboard says where it is, each unit above it a link back up
    crumbs = phone.locator("[data-testid=breadcrumb] li")
    expect(crumbs).to_have_text(["Tổng Liên đoàn Lao động Việt Nam", "Liên đoàn Lao động tỉnh Thanh Hóa",
                                 "Công đoàn Viên chức tỉnh Thanh Hóa", "Công đoàn Bệnh viện Đa khoa tỉnh Thanh Hóa"])
    expect(phone.locator("[data-testid=breadcrumb] a")).to_have_count(3)
    assert f"unit={UNION}" in phone.url
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=f"{screenshot_dir}/drilldown-grassroots-360x740.png")

    # WHEN the leader taps the number of initiatives entered
    entered = phone.locator("[data-testid=entered-list]")
    shown = int(entered.inner_text().replace(".", ""))
    assert shown > 0
    entered.click()
    # THEN the list holds exactly those, as the API lists them, with their states in words and their authors
    expect(phone.locator("h1")).to_have_text("Danh sách sáng kiến: Công đoàn Bệnh viện Đa khoa tỉnh Thanh Hóa")
    cards = phone.locator("[data-testid=initiatives-list] > li")
    expect(cards).to_have_count(shown)
    status, body = call(served_app, "GET", f"/stats/units/{UNION}/initiatives?phase={PHASE}&limit=100",
                        token=token(served_app, "leader-national"))
    assert status == 200, body
    assert [cards.nth(i).get_attribute("data-code") for i in range(shown)] == [i["code"] for i in body["items"]]
    expect(cards.first.locator("[data-testid=state]")).to_have_text(body["items"][0]["status_name"]["vi"])
    assert no_horizontal_scroll(phone)
    save_screenshot(phone, "drilldown-list-360x740")
    # AND a leader elsewhere is refused the union's dashboard and its list
    other = new_page(width=360, height=740)
    sign_in(other, "leader-ha-noi")
    assert other.goto(f"/app/dashboard?phase={PHASE}&unit={UNION}").status == 403
    assert other.goto(f"/app/initiatives-list?phase={PHASE}&unit={UNION}").status == 403
