"""The whole journey in headless Chromium, against the app as the README's
first command serves it (moto server, demo data, the stream fed to the
counters and notifications every second):

a worker on a phone submits (Vietnamese text, a co-author), the grassroots
reviewer returns it with a reason, the worker edits and resubmits, the
reviewer validates, the upper-grassroots reviewer recognises it with scores,
the worker sees the history and the notification, and the national leader sees
the counts move, compiles an award list that contains it and approves it.

Screenshots are written to test-artifacts/screenshots/ (see conftest)."""
import re
import uuid

from playwright.sync_api import expect

from tests.e2e.conftest import COMPILE_TIMEOUT_MS, no_horizontal_scroll, save_screenshot

STREAM_WAIT_MS = 20_000  # the local stream feeder polls every second
RUN = uuid.uuid4().hex[:6]


def sign_in(page, user_id: str) -> None:
    page.goto("/app/sign-in")
    page.locator(f'button[data-user="{user_id}"]').click()
    expect(page.locator("form .who")).to_be_visible()


def fill_form(page, title: str, applied_from: str = "2026-03-01") -> None:
    page.goto("/app/submit")
    expect(page.locator("[data-unit-chosen]")).to_contain_text("Rạng Đông")
    page.fill("#title", title)
    page.select_option("#subject_group", "enterprise-workers")
    page.select_option("#field", "productivity")
    page.fill("#problem", "Máng cấp phôi cũ hay kẹt, công nhân phải dừng máy ép để gỡ phôi bằng tay.")
    page.fill("#solution", "Làm lại máng cấp phôi bằng thép không gỉ, thêm rãnh dẫn và cảm biến báo kẹt.")
    page.fill("#results", "Không còn dừng máy vì kẹt phôi; mỗi ca làm thêm được 1.200 sản phẩm.")
    page.fill("#applied_where", "Phân xưởng Đèn LED 2")
    page.fill("#applied_from", applied_from)


def dashboard_figure(page, testid: str) -> str:
    return page.locator(f'[data-testid="{testid}"] .value').inner_text().strip()


def reload_until(page, ready) -> None:
    """Reload `page` until `ready()` holds: a page shows what the stream consumer
    had done when it loaded (it polls every second), not what it does after."""
    for _ in range(STREAM_WAIT_MS // 1000):
        if ready():
            return
        page.wait_for_timeout(1000)
        page.reload()


def digits(text: str) -> int:
    return int(re.sub(r"\D", "", text) or "0")


def test_an_initiative_from_the_phone_form_to_an_approved_award_list(new_page):
    title = f"Cải tiến máng cấp phôi cho máy ép đuôi đèn ({RUN})"

    # The national leader's dashboard before anything is entered.
    leader = new_page(width=1280, height=800)
    sign_in(leader, "leader-national")
    leader.goto("/app/dashboard")
    entered_before = digits(dashboard_figure(leader, "entered"))

    # ---- A worker on a 360 px phone fills the form, with a co-author.
    worker = new_page(width=360, height=740)
    sign_in(worker, "worker-rang-dong")
    fill_form(worker, title)
    worker.locator("#benefit_vnd").press_sequentially("1500000000")
    expect(worker.locator("#benefit_vnd")).to_have_value("1.500.000.000")  # grouped as typed
    worker.fill("#authors-0-share_percent", "70")
    worker.locator("button[value=add_author]").click()  # added in place by the script
    worker.fill("#authors-1-full_name", "Trần Thị Bình")
    worker.fill("#authors-1-share_percent", "30")
    expect(worker.locator("[data-share-total]")).to_contain_text("100")
    assert no_horizontal_scroll(worker), "the form scrolls sideways at 360 px"
    save_screenshot(worker, "worker-form-360x740")
    worker.locator("[data-testid=send]").click()
    code = worker.locator("[data-testid=tracking-code]").inner_text()
    assert re.fullmatch(r"[A-Z0-9-]{6,}", code), code
    save_screenshot(worker, "worker-sent-360x740")
    worker.get_by_role("link", name="Xem sáng kiến").click()
    initiative_url = worker.url
    expect(worker.locator("[data-testid=state]")).to_have_text("Chờ duyệt")

    # ---- The grassroots reviewer returns it with a reason.
    reviewer = new_page(width=1280, height=800)
    sign_in(reviewer, "reviewer-rang-dong")
    reviewer.goto("/app/queue")
    reviewer.get_by_role("link", name=title).click()
    reason = "Bổ sung số liệu: số sản phẩm mỗi ca trước và sau khi áp dụng."
    reviewer.locator("#event-request_revision summary").click()
    reviewer.locator("#event-request_revision textarea[name=reason]").fill(reason)
    reviewer.locator('#event-request_revision button[data-event="request_revision"]').click()
    expect(reviewer.locator("[data-testid=state]")).to_have_text("Cần bổ sung")

    # ---- The worker reads the reason, edits and resubmits.
    worker.goto("/app/initiatives")
    expect(worker.locator("[data-testid=my-initiatives]")).to_contain_text("Cần bổ sung")
    worker.goto(initiative_url)
    expect(worker.locator("[data-testid=revision]")).to_contain_text(reason)
    worker.locator(f'a[href$="/edit"]').first.click()
    worker.fill("#results", "Không còn dừng máy vì kẹt phôi; mỗi ca từ 8.000 lên 9.200 sản phẩm (đo 4 tuần).")
    worker.locator("[data-testid=send]").click()
    expect(worker.locator("[data-testid=state]")).to_have_text("Chờ duyệt")

    # ---- The grassroots reviewer validates.
    reviewer.goto(initiative_url)
    reviewer.locator('button[data-event="validate"]').click()
    expect(reviewer.locator("[data-testid=state]")).to_have_text("Hợp lệ")

    # ---- The upper-grassroots reviewer starts the review and recognises it with scores.
    upper = new_page(width=1280, height=800)
    sign_in(upper, "reviewer-cong-thuong")
    upper.goto("/app/queue")
    upper.get_by_role("link", name=title).click()
    upper.locator('button[data-event="start_review"]').click()
    expect(upper.locator("[data-testid=state]")).to_have_text("Đang xem xét")
    upper.locator("#event-recognize summary").click()
    # Full marks: the national list holds each province's best five (the demo's best in Hà Nội score 27 of 30).
    for name, score in (("novelty", "10"), ("applicability", "10"), ("effectiveness", "10")):
        upper.locator(f"#event-recognize input[name={name}]").fill(score)
    upper.locator("#event-recognize input[name=confirmed_benefit_vnd]").press_sequentially("1200000000")
    upper.locator('#event-recognize button[data-event="recognize"]').click()
    expect(upper.locator("[data-testid=state]")).to_have_text("Được công nhận")

    # ---- The worker sees the history and the notification.
    worker.goto(initiative_url)
    history = worker.locator("[data-testid=history]")
    for step in ("Yêu cầu bổ sung", "Xác nhận hợp lệ", "Công nhận"):
        expect(history).to_contain_text(step)
    expect(history).to_contain_text(reason)
    expect(worker.locator("[data-testid=notifications-link] .badge")).to_be_visible()  # the unread count
    worker.locator("[data-testid=notifications-link]").click()
    notifications = worker.locator("[data-testid=notifications]")
    reload_until(worker, lambda: "Được công nhận" in notifications.inner_text())
    expect(notifications).to_contain_text("Được công nhận")
    save_screenshot(worker, "worker-notifications-360x740")

    # ---- The leader sees the counts move, compiles the award list and approves it.
    leader.goto("/app/dashboard")
    reload_until(leader, lambda: digits(dashboard_figure(leader, "entered")) > entered_before
                 and digits(dashboard_figure(leader, "benefit-confirmed")) > 0)
    assert digits(dashboard_figure(leader, "entered")) == entered_before + 1
    assert "tỷ đồng" in dashboard_figure(leader, "benefit-confirmed")
    save_screenshot(leader, "leader-dashboard-1280x800")
    awards = leader.locator("[data-testid=award-list]")
    awards.get_by_role("button", name=re.compile("^Lập")).click()  # "Lập danh sách khen thưởng" (or "… lại")
    # The list is compiled off the request path: its page shows the progress, then the list by itself.
    expect(leader.locator("main")).to_contain_text(title, timeout=COMPILE_TIMEOUT_MS)
    # Approving asks for a confirmation: without the box ticked the form stays, saying so beside the box
    # in the page's words (not the browser's bubble).
    leader.get_by_role("button", name=re.compile("Phê duyệt")).click()
    expect(leader.locator("[data-testid=approve-form] .field-error")).to_contain_text("Hãy đánh dấu ô")
    expect(leader.locator("[data-testid=status]")).to_have_text(re.compile("Dự thảo"))
    leader.get_by_label(re.compile("Tôi xác nhận phê duyệt danh sách này")).check()
    leader.get_by_role("button", name=re.compile("Phê duyệt")).click()
    expect(leader.locator("[data-testid=status]")).to_have_text(re.compile("Đã phê duyệt"))
    save_screenshot(leader, "leader-award-list-1280x800")


def test_two_quick_taps_store_one_initiative(new_page):
    worker = new_page(width=360, height=740)
    sign_in(worker, "worker-rang-dong-2")
    worker.goto("/app/initiatives")
    before = worker.locator("[data-testid=my-initiatives] > li").count()
    title = f"Gá kẹp nhanh cho máy khoan bàn ({RUN})"
    fill_form(worker, title)
    worker.fill("#authors-0-full_name", "Lê Văn Cường")
    worker.locator("[data-testid=send]").dblclick()
    expect(worker.locator("[data-testid=tracking-code]")).to_be_visible()
    worker.goto("/app/initiatives")
    expect(worker.locator("[data-testid=my-initiatives] > li")).to_have_count(before + 1)
    expect(worker.locator("[data-testid=my-initiatives]")).to_contain_text(title)


def test_a_server_side_error_shows_next_to_its_field(new_page):
    worker = new_page(width=360, height=740)
    sign_in(worker, "worker-fpt")
    worker.goto("/app/initiatives")
    before = worker.locator("[data-testid=my-initiatives] > li").count()
    worker.goto("/app/submit")
    # The FPT union is the worker's own; a date after today passes the browser, not the server.
    worker.fill("#title", f"Tự động hóa kiểm thử giao diện ({RUN})")
    worker.select_option("#subject_group", "enterprise-workers")
    worker.select_option("#field", "productivity")
    worker.fill("#problem", "Kiểm thử giao diện làm tay mất hai ngày mỗi bản phát hành.")
    worker.fill("#solution", "Viết bộ kiểm thử tự động chạy trên trình duyệt không giao diện.")
    worker.fill("#results", "Mỗi bản phát hành chỉ còn kiểm thử trong hai giờ.")
    worker.evaluate("document.querySelector('#applied_from').removeAttribute('max')")
    worker.fill("#applied_from", "2099-01-01")
    worker.locator("[data-testid=send]").click()
    error = worker.locator("#err-applied_from")
    expect(error).to_contain_text("Ngày bắt đầu áp dụng")
    expect(worker.locator("#applied_from")).to_have_attribute("aria-invalid", "true")
    expect(worker.locator("#title")).to_have_value(re.compile("Tự động hóa kiểm thử"))  # nothing typed is lost
    assert no_horizontal_scroll(worker)
    save_screenshot(worker, "worker-form-error-360x740")
    worker.goto("/app/initiatives")
    expect(worker.locator("[data-testid=my-initiatives] > li")).to_have_count(before)


def test_a_form_the_browser_refused_is_sent_once_corrected(new_page):
    worker = new_page(width=360, height=740)
    sign_in(worker, "worker-rang-dong-2")
    worker.goto("/app/initiatives")
    before = worker.locator("[data-testid=my-initiatives] > li").count()
    # WHEN the worker sends the form with a title too short for it
    fill_form(worker, "Gá")
    worker.fill("#authors-0-full_name", "Lê Văn Cường")
    worker.locator("[data-testid=send]").click()
    # THEN the browser says so beside the title, and nothing is sent
    expect(worker.locator("#err-title")).to_contain_text("Tên sáng kiến")
    # WHEN they correct it and send again (twice, quickly)
    title = f"Gá kẹp nhanh cho máy khoan đứng ({RUN})"
    worker.fill("#title", title)
    worker.locator("[data-testid=send]").dblclick()
    # THEN it is sent, once
    expect(worker.locator("[data-testid=tracking-code]")).to_be_visible()
    worker.goto("/app/initiatives")
    expect(worker.locator("[data-testid=my-initiatives] > li")).to_have_count(before + 1)
    expect(worker.locator("[data-testid=my-initiatives]")).to_contain_text(title)


def test_a_reviewer_taps_send_right_after_typing_and_the_tap_counts(new_page):
    # GIVEN an initiative waiting for Rạng Đông's reviewer
    worker = new_page(width=360, height=740)
    sign_in(worker, "worker-rang-dong-2")
    fill_form(worker, f"Cữ định vị nhanh cho máy dập ({RUN})")
    worker.fill("#authors-0-full_name", "Lê Văn Cường")
    worker.locator("[data-testid=send]").click()
    expect(worker.locator("[data-testid=tracking-code]")).to_be_visible()
    initiative_url = worker.url.removesuffix("/sent")
    reviewer = new_page(width=360, height=740)
    sign_in(reviewer, "reviewer-rang-dong")
    reviewer.goto(initiative_url)
    returning = reviewer.locator("#event-request_revision")
    returning.locator("summary").click()
    # WHEN they type a reason too short and tap the button straight from the field
    returning.locator("textarea[name=reason]").fill("Ít")
    returning.locator('button[data-event="request_revision"]').click()
    # THEN the tap was the button's: the reason is refused beside it, nothing sent
    expect(returning.locator(".field-error")).to_contain_text("quá ngắn")
    expect(reviewer.locator("[data-testid=state]")).to_have_text("Chờ duyệt")
    # WHEN they write a real reason and tap once, straight from the field again
    returning.locator("textarea[name=reason]").fill("Cần bổ sung ảnh chụp cữ trước và sau khi lắp.")
    returning.locator('button[data-event="request_revision"]').click()
    # THEN it is sent: the message leaving the field did not move the button from under the tap
    expect(reviewer.locator("[data-testid=state]")).to_have_text("Cần bổ sung")
