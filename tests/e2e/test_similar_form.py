"""A worker typing an idea that is already there is told so (issue 14,
point 3), in the served app: Sở Y tế Thanh Hóa's accountant types, without
diacritics, the invoice-matching tool their union entered already (and FPT's
union before it). On a phone the warning appears a second after typing
stops; without JavaScript the "Kiểm tra" button shows it, the form kept as
typed. Screenshot: similar-warning-360x740.png."""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import no_horizontal_scroll, save_screenshot

TYPED = {"title": "Phan mem doi soat hoa don dien tu voi so ke toan",
         "problem": "Ke toan doi chieu tay tung hoa don, mat hai ngay moi thang.",
         "solution": "Cong cu doc hoa don dien tu, so khop voi so ke toan theo ma so thue, so tien va ngay."}


def sign_in(page, user_id: str) -> None:
    page.goto("/app/sign-in")
    page.locator(f'button[data-user="{user_id}"]').click()
    expect(page.locator("form .who")).to_be_visible()


def type_the_idea(page) -> None:
    page.goto("/app/submit")
    for name, value in TYPED.items():
        page.locator(f"#{name}").fill(value)


def test_a_worker_typing_an_idea_already_entered_is_told_on_a_phone_and_without_scripts(new_page):
    phone = new_page(width=360, height=740)
    sign_in(phone, "worker-so-y-te")
    # WHEN the worker types the idea on the form
    type_the_idea(phone)
    # THEN, once typing stops, the form says a similar initiative may exist: their own union's, which they may open,
    # marked "cùng đơn vị", and FPT's, named with its state and unit only
    found = phone.locator("[data-testid=similar-found]")
    expect(found).to_contain_text("Có thể đã có sáng kiến tương tự", timeout=15_000)
    own = found.locator("li", has_text="cùng đơn vị")
    expect(own.locator("a")).to_have_text("Phần mềm đối soát hóa đơn điện tử với sổ kế toán")
    other = found.locator("li", has_text="Phần mềm tự động đối soát hóa đơn điện tử với sổ kế toán")
    expect(other).to_contain_text(re.compile("giống \\d+%"))
    expect(other.locator("a")).to_have_count(0)
    assert no_horizontal_scroll(phone)
    phone.locator("[data-testid=similar-found]").scroll_into_view_if_needed()
    save_screenshot(phone, "similar-warning-360x740")

    # AND without JavaScript, the button shows the same, with what was typed kept
    bare = new_page(width=360, height=740, javascript=False)
    sign_in(bare, "worker-so-y-te")
    type_the_idea(bare)
    bare.get_by_role("button", name="Kiểm tra sáng kiến tương tự").click()
    expect(bare.locator("[data-testid=similar-found]")).to_contain_text("cùng đơn vị")
    expect(bare.locator("#title")).to_have_value(TYPED["title"])
