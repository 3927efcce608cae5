"""The worker's form on a 360 px phone, in headless Chromium with the script on
(issue 10, section 4): a refused send never locks the form, money is never
turned into another number, all the problems show at once, a send without a
network keeps the form and says so, and the pages are Vietnamese whatever the
phone's language until the worker picks English."""
import re
import uuid

from playwright.sync_api import expect

from tests.e2e.conftest import no_horizontal_scroll, save_screenshot
from tests.e2e.test_journey import fill_form, sign_in

RUN = uuid.uuid4().hex[:6]
PHONE = {"width": 360, "height": 740}


def count_mine(page) -> int:
    page.goto("/app/initiatives")
    return page.locator("[data-testid=my-initiatives] > li").count()


def every_button_works(page, tried: str) -> None:
    """After a refused send: "add a co-author", its "remove", and "find unit" do their job now."""
    for name in ("send", "add_author", "find_unit"):
        expect(page.locator(f"button[value={name}]"), f"{name} after {tried}").to_be_enabled()
    rows = page.locator("[data-author]")
    before = rows.count()
    page.locator("button[value=add_author]").click()
    expect(rows, f"add a co-author after {tried}").to_have_count(before + 1)
    rows.last.locator("[data-remove-author]").click()
    expect(rows, f"remove a co-author after {tried}").to_have_count(before)
    page.fill("#unit_query", "Rạng Đông")
    page.locator("button[value=find_unit]").click()
    suggestion = page.locator(".suggestions button", has_text="Rạng Đông")
    expect(suggestion.first, f"find unit after {tried}").to_be_visible()
    suggestion.first.click()
    expect(page.locator("[data-unit-chosen]")).to_contain_text("Rạng Đông")


def test_after_each_kind_of_refused_send_every_button_still_works(new_page):
    worker = new_page(**PHONE)
    sign_in(worker, "worker-rang-dong-2")
    before = count_mine(worker)
    title = f"Gá kẹp phôi nhanh cho máy phay ({RUN})"
    fill_form(worker, title)
    worker.fill("#authors-0-full_name", "Lê Văn Cường")

    # A required field left empty
    worker.fill("#title", "")
    worker.locator("[data-testid=send]").click()
    expect(worker.locator("#err-title")).to_contain_text("bắt buộc")
    every_button_works(worker, "a missing title")
    worker.fill("#title", title)

    # Shares of 60 and 30
    worker.fill("#authors-0-share_percent", "60")
    worker.locator("button[value=add_author]").click()
    worker.fill("#authors-1-full_name", "Phạm Thị Dung")
    worker.fill("#authors-1-share_percent", "30")
    worker.locator("[data-testid=send]").click()
    expect(worker.locator("[data-share-total]")).to_have_class(re.compile(r"\bbad\b"))
    every_button_works(worker, "shares of 60/30")
    worker.fill("#authors-1-share_percent", "40")

    # Money the rule cannot read: left as typed (not "150.000.050"), refused beside the field
    worker.locator("#benefit_vnd").press_sequentially("-1.500.000,50")
    expect(worker.locator("#benefit_vnd")).to_have_value("-1.500.000,50")
    worker.locator("[data-testid=send]").click()
    expect(worker.locator("#err-benefit_vnd")).to_have_text(
        "Giá trị làm lợi ước tính (đồng): phải là một số nguyên, chỉ gồm chữ số.")
    every_button_works(worker, "money with a sign and decimals")

    # Corrected: grouped as typed, sent once, stored as typed
    worker.fill("#benefit_vnd", "")
    worker.locator("#benefit_vnd").press_sequentially("2500000")
    expect(worker.locator("#benefit_vnd")).to_have_value("2.500.000")
    assert no_horizontal_scroll(worker)
    worker.locator("[data-testid=send]").dblclick()
    expect(worker.locator("[data-testid=tracking-code]")).to_be_visible()
    worker.get_by_role("link", name="Xem sáng kiến").click()
    expect(worker.locator("main")).to_contain_text("2.500.000 ₫")
    assert count_mine(worker) == before + 1


def test_all_the_problems_show_at_once_in_the_browser(new_page):
    worker = new_page(**PHONE)
    sign_in(worker, "worker-rang-dong-2")
    fill_form(worker, "Đèn")  # too short
    worker.fill("#authors-0-full_name", "Lê Văn Cường")
    worker.fill("#authors-0-share_percent", "70")
    worker.fill("#applied_from", "2099-01-01")  # typed past the date picker's limit
    worker.locator("[data-testid=send]").click()
    # The three at once, on the first send, dates as people write them
    expect(worker.locator("#err-title")).to_contain_text("quá ngắn")
    expect(worker.locator("#err-applied_from")).to_contain_text("không được là ngày trong tương lai")
    expect(worker.locator("#err-applied_from")).not_to_contain_text("-")  # no 2026-11-30
    expect(worker.locator("#err-applied_from")).to_contain_text(re.compile(r"\d{2}/\d{2}/\d{4}"))
    expect(worker.locator("[data-share-total]")).to_have_class(re.compile(r"\bbad\b"))
    expect(worker).to_have_url(re.compile(r"/app/submit$"))
    save_screenshot(worker, "worker-form-three-problems-360x740")


def test_a_send_without_network_keeps_the_form_and_says_so(new_page):
    worker = new_page(**PHONE)
    sign_in(worker, "worker-rang-dong-2")
    before = count_mine(worker)
    title = f"Máng hứng dầu cho máy tiện ({RUN})"
    fill_form(worker, title)
    worker.fill("#authors-0-full_name", "Lê Văn Cường")
    worker.fill("#benefit_vnd", "3500000")

    # WHEN the network drops and the worker taps send
    worker.context.set_offline(True)
    worker.locator("[data-testid=send]").click()
    # THEN the app says so, in its own page, with everything still typed and the button ready again
    offline = worker.locator("[data-testid=offline]")
    expect(offline).to_be_visible()
    expect(offline).to_contain_text("Không có mạng")
    expect(worker).to_have_url(re.compile(r"/app/submit$"))
    expect(worker.locator("#title")).to_have_value(title)
    expect(worker.locator("[data-testid=send]")).to_be_enabled()
    assert no_horizontal_scroll(worker)
    save_screenshot(worker, "worker-form-offline-360x740")

    # WHEN the network is back and the page is opened again: the draft is there
    worker.context.set_offline(False)
    worker.reload()
    expect(worker.locator("[data-draft-notice]")).to_be_visible()
    expect(worker.locator("#title")).to_have_value(title)
    expect(worker.locator("#authors-0-full_name")).to_have_value("Lê Văn Cường")
    expect(worker.locator("#benefit_vnd")).to_have_value("3.500.000")
    # AND sending it now stores it, once
    worker.locator("[data-testid=send]").click()
    expect(worker.locator("[data-testid=tracking-code]")).to_be_visible()
    assert count_mine(worker) == before + 1


def test_a_phone_set_to_english_gets_vietnamese_until_english_is_picked(new_page):
    worker = new_page(**PHONE, locale="en-US")
    sign_in(worker, "worker-rang-dong-2")
    worker.goto("/app/submit")
    expect(worker.locator("html")).to_have_attribute("lang", "vi")
    expect(worker.locator("[data-testid=send]")).to_have_text("Gửi sáng kiến")
    # WHEN the worker picks English
    worker.get_by_role("link", name="English").click()
    expect(worker.locator("[data-testid=send]")).to_have_text("Send the initiative")
    # THEN it is kept: another page, and the same after a reload
    worker.goto("/app/initiatives")
    expect(worker.locator("html")).to_have_attribute("lang", "en")
    worker.reload()
    expect(worker.locator("html")).to_have_attribute("lang", "en")
    worker.get_by_role("link", name="Tiếng Việt").click()
    expect(worker.locator("html")).to_have_attribute("lang", "vi")
