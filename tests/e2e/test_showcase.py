"""The public showcase and a union's poster in the served app (issue 13, point 8).

A visitor who is not signed in opens the showcase on a phone: the demo's
recognised initiatives whose authors agreed (five; the sixth did not), a
search without diacritics, one initiative's page with its Open Graph
preview tags. A union official prints Rạng Đông's poster: one A4 sheet whose
QR code opens the form; a worker who follows it signs in and lands on the
form with the union chosen. Screenshots: showcase-360x740.png,
showcase-story-360x740.png, poster-a4-794x1123.png."""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import no_horizontal_scroll, save_screenshot

CONSENTED = {"Cải tiến khuôn ép đuôi đèn LED giảm phế phẩm", "Thu hồi nhiệt khí thải lò nung thủy tinh để sấy cát",
             "Máy cắt ống thủy tinh có dao quay và nước làm mát", "Phần mềm đối soát hóa đơn điện tử với sổ kế toán",
             "Chatbot trả lời câu hỏi về chế độ cho đoàn viên"}
NOT_CONSENTED = "Sổ giao ca điện tử có ảnh chụp sự cố"


def test_a_visitor_reads_the_showcase_on_a_phone(served_app, new_page):
    # GIVEN nobody signed in, on a phone
    phone = new_page(width=360, height=740)
    # WHEN they open the showcase
    phone.goto("/app/showcase")
    items = phone.locator("[data-testid=showcase-item] h2")
    expect(items.first).to_be_visible()
    # THEN the recognised initiatives whose authors agreed are there, and only those
    titles = set(items.all_inner_texts())
    assert CONSENTED <= titles and NOT_CONSENTED not in titles
    assert no_horizontal_scroll(phone)
    save_screenshot(phone, "showcase-360x740")

    # WHEN they search without diacritics
    phone.fill("#showcase-q", "cai tien khuon")
    phone.locator("[data-testid=showcase-filters] button[type=submit]").click()
    # THEN the initiative about "cải tiến khuôn" is found
    expect(items).to_have_count(1)
    expect(items.first).to_have_text("Cải tiến khuôn ép đuôi đèn LED giảm phế phẩm")

    # AND its page tells its story, its benefit the Vietnamese way, with a preview for Zalo and Facebook
    items.first.locator("a").click()
    story = phone.locator("[data-testid=showcase-story]")
    expect(story.locator("h1")).to_have_text("Cải tiến khuôn ép đuôi đèn LED giảm phế phẩm")
    expect(phone.locator("[data-testid=showcase-benefit]")).to_contain_text("1.200.000.000 ₫")
    expect(phone.locator("[data-testid=showcase-authors]")).to_have_text("Nguyễn Văn An, Trần Thị Bình")
    for prop in ("og:title", "og:description", "og:url", "og:image", "og:type", "og:locale"):
        assert phone.locator(f'meta[property="{prop}"]').get_attribute("content"), prop
    assert phone.locator('meta[property="og:locale"]').get_attribute("content") == "vi_VN"
    assert no_horizontal_scroll(phone)
    save_screenshot(phone, "showcase-story-360x740")


def test_a_poster_prints_on_one_a4_sheet_and_its_code_opens_the_form_with_the_union(served_app, new_page,
                                                                                   screenshot_dir):
    # GIVEN Rạng Đông's poster in a window the size of an A4 sheet (794 × 1123 CSS pixels)
    sheet = new_page(width=794, height=1123)
    sheet.goto("/app/posters/cdcs-rang-dong")
    poster = sheet.locator("[data-testid=poster]")
    expect(poster.locator("[data-testid=poster-unit]")).to_have_text("Công đoàn Công ty CP Bóng đèn Phích nước Rạng Đông")
    expect(poster.locator("[data-testid=poster-phone]")).to_contain_text("024 3858 4310")
    expect(poster.locator("[data-testid=poster-qr] svg")).to_be_visible()
    save_screenshot(sheet, "poster-a4-794x1123")
    # THEN printed, it is one A4 page
    sheet.emulate_media(media="print")
    pdf = sheet.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    sheet.emulate_media(media="screen")

    # AND on a phone it reads as one column
    phone = new_page(width=360, height=740)
    phone.goto("/app/posters/cdcs-rang-dong")
    assert no_horizontal_scroll(phone)

    # WHEN a worker follows what the code encodes (not signed in)
    target = poster.locator("[data-testid=poster-qr]").get_attribute("data-payload")
    assert target.endswith("/app/submit?unit=cdcs-rang-dong")
    worker = new_page(width=360, height=740)
    # (The code holds LINK_BASE, the public address; the local run keeps it at :8000 whatever port it serves on.)
    worker.goto(target[target.index("/app/"):])
    # THEN they sign in and land on the form with the union chosen
    worker.locator('button[data-user="worker-fpt"]').click()
    expect(worker.locator("[data-testid=unit-chosen]")).to_have_text("Công đoàn Công ty CP Bóng đèn Phích nước Rạng Đông")
    assert worker.url.endswith("/app/submit?unit=cdcs-rang-dong")
