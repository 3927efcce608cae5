"""An invitation to co-author in the browser, on the app as `serve` starts it:
the demo initiative (data/demo/initiatives.json) names Phạm Minh Anh
(worker-fpt-en), who finds the invitation in the notifications on a phone,
accepts it there, and then reads the initiative and finds it in "my
initiatives"; the phone numbers of the authors are shown to her as an author."""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import no_horizontal_scroll, save_screenshot
from tests.e2e.test_journey import sign_in


def test_a_named_member_accepts_the_invitation_from_the_notifications(new_page):
    member = new_page(width=360, height=740)
    sign_in(member, "worker-fpt-en")
    member.goto("/app/notifications")
    notifications = member.locator("[data-testid=notifications]")
    expect(notifications).to_contain_text("Bạn được ghi tên là đồng tác giả")
    actions = member.locator("[data-testid=invitation-actions]")
    expect(actions.get_by_role("button", name="Nhận lời")).to_be_visible()
    assert no_horizontal_scroll(member)
    save_screenshot(member, "member-invitation-360x740")

    actions.get_by_role("button", name="Nhận lời").click()
    expect(member.locator("[data-testid=notice]")).to_contain_text("Bạn đã nhận lời")
    expect(member.locator("[data-testid=invitation-state]")).to_have_text("Đã nhận lời")
    member.locator("[data-testid=open-initiative]").click()
    expect(member.locator("h1")).to_contain_text("đối soát hóa đơn")
    expect(member.locator("main")).to_contain_text("0904 118 226")  # an author sees the authors' phones
    member.goto("/app/initiatives")
    expect(member.locator("[data-testid=my-initiatives]")).to_contain_text(re.compile("Đồng tác giả"))
