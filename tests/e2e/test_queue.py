"""The reviewer's queue for 300 items in the served app (issue 12), on a phone
(360×740) and a desktop (1280×800): the grassroots reviewer's compact queue of
the demo data searched without diacritics, a preview opened inside the queue,
and the union above recognising two at once, each with its own scores and
confirmed benefit. Screenshots: test-artifacts/screenshots/queue-*.png."""
import json
import os
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DIRECT, SCREENSHOTS, no_horizontal_scroll, save_screenshot

SIZES = {"360x740": (360, 740), "1280x800": (1280, 800)}


def sign_in(page, user_id: str) -> None:
    page.goto("/app/sign-in")
    page.locator(f'button[data-user="{user_id}"]').click()
    expect(page.locator("form .who")).to_be_visible()


def call(base: str, method: str, path: str, body=None, user: str | None = None) -> dict:
    """The served API, as `user` (a bearer token from POST /dev/token)."""
    import urllib.request

    headers = {"Content-Type": "application/json"}
    if user:
        headers["Authorization"] = "Bearer " + call(base, "POST", "/dev/token", {"user_id": user})["token"]
    request = urllib.request.Request(base + path, method=method, headers=headers,
                                     data=json.dumps(body, ensure_ascii=False).encode() if body is not None else None)
    with DIRECT.open(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def under_review(base: str, tag: str) -> list[dict]:
    """Two initiatives of Rạng Đông's union, tagged `tag` in their titles, under review by the union above."""
    made = []
    for n, (title, names) in enumerate([("Khuôn ép đuôi đèn cải tiến", ["Nguyễn Văn Định", "Lê Thị Ánh"]),
                                        ("Máy cắt ống thủy tinh làm mát bằng nước", ["Phạm Quốc Hưng"])]):
        body = {"title": f"{title} {tag}", "unit_id": "cdcs-rang-dong", "subject_group": "enterprise-workers",
                "field": "productivity", "problem": "Khuôn cũ làm hỏng đuôi đèn và phải dừng máy để chỉnh.",
                "solution": "Thiết kế lại rãnh thoát khí của khuôn, thêm cảm biến nhiệt độ.",
                "results": f"Tỷ lệ hỏng giảm còn 0,{n + 3}%, không phải dừng máy giữa ca.",
                "applied_from": "2026-03-01", "benefit_vnd": [800_000_000, 95_000_000][n],
                "authors": [{"full_name": name, "share_percent": 100 // len(names) + (100 % len(names) if i == 0 else 0)}
                            for i, name in enumerate(names)]}
        created = call(base, "POST", "/submissions", body, user="worker-rang-dong")
        call(base, "POST", f"/submissions/{created['id']}/transitions",
             {"event": "validate", "expected_version": 1}, user="reviewer-rang-dong")
        made.append(call(base, "POST", f"/submissions/{created['id']}/transitions",
                         {"event": "start_review", "expected_version": 2}, user="reviewer-cong-thuong")["submission"])
    return made


@pytest.mark.parametrize("size", list(SIZES))
def test_the_grassroots_reviewer_searches_the_compact_queue_and_previews_one(new_page, size):
    width, height = SIZES[size]
    page = new_page(width=width, height=height)
    sign_in(page, "reviewer-rang-dong")
    page.goto("/app/queue")
    rows = page.locator("[data-testid=queue] > li")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 20, "the demo data puts 24 at Rạng Đông's union"
    # Compact: a row is at most two short lines on a phone, one line (and the authors) on a desktop.
    line = rows.first.locator(".review-line").bounding_box()
    assert line["height"] <= 64, line
    expect(page.locator("[data-testid=waiting-count]")).to_be_visible()
    heights = [box["height"] for box in (rows.nth(n).bounding_box() for n in range(5))]
    assert max(heights) <= 72, heights  # a closed row, "Preview" included
    if width < 600:
        assert no_horizontal_scroll(page), "the queue scrolls sideways at 360 px"
        # Down the list, the decision panel stays within reach at the bottom of the screen.
        rows.nth(12).scroll_into_view_if_needed()
        panel = page.locator("[data-testid=decision-panel]").bounding_box()
        assert panel["y"] + panel["height"] <= height + 1 and panel["y"] < height, panel
        # What the phone's screen shows there (not the whole page): rows, and the panel at the bottom.
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, f"queue-{size}-scrolled.png"), full_page=False)
        page.evaluate("window.scrollTo(0, 0)")
    else:
        rows.nth(15).scroll_into_view_if_needed()
        panel = page.locator("[data-testid=decision-panel]").bounding_box()
        assert panel["x"] > width / 2 and 0 <= panel["y"] < height, panel  # beside the list, following it down
    save_screenshot(page, f"queue-{size}")

    # WHEN they search without diacritics
    page.fill("#queue-q", "thu hoi nhiet")
    page.locator(".review-search button[type=submit]").click()
    # THEN only those titled "Thu hồi nhiệt…" are left, counted
    expect(page.locator("[data-testid=search-total]")).to_contain_text("sáng kiến khớp")
    titles = page.locator("[data-testid=queue] > li .review-what .title").all_inner_texts()
    assert titles and all(t.startswith("Thu hồi nhiệt khí thải lò nung thủy tinh") for t in titles), titles
    save_screenshot(page, f"queue-search-{size}")

    # WHEN they open the first one's preview THEN what the authors wrote shows inside the queue
    first = page.locator("[data-testid=queue] > li").first
    first.locator("details.review-more > summary").click()
    first.locator("[data-testid=preview-link]").click()
    preview = page.locator("[data-testid=preview]")
    expect(preview).to_contain_text("Khí thải lò nung ra trời còn rất nóng.")
    expect(preview).to_contain_text("Lắp bộ trao đổi nhiệt")
    assert "/app/queue?" in page.url and "q=thu+hoi+nhiet" in page.url
    expect(page.locator("[data-testid=queue] > li")).to_have_count(len(titles))
    if width < 600:
        assert no_horizontal_scroll(page)
    save_screenshot(page, f"queue-preview-{size}")


@pytest.mark.parametrize("size", list(SIZES))
def test_the_union_above_recognises_two_at_once_each_with_its_own_scores(new_page, served_app, size):
    width, height = SIZES[size]
    tag = f"e2e{uuid.uuid4().hex[:6]}"
    first, second = under_review(served_app, tag)
    page = new_page(width=width, height=height)
    sign_in(page, "reviewer-cong-thuong")
    page.goto(f"/app/queue?q={tag}")
    rows = page.locator("[data-testid=queue] > li")
    expect(rows).to_have_count(2)
    # The shared count at the desk, and what waits below it at the grassroots unions
    expect(page.locator("[data-testid=waiting-below]")).to_contain_text("Chờ duyệt tại các công đoàn cơ sở")
    # WHEN the reviewer chooses "recognise", ticks both and gives each its own scores and benefit
    page.select_option("#decision-event", "recognize")
    for item, scores, benefit in ((first, ("9", "8", "9"), "750000000"), (second, ("6", "7", "5"), "40000000")):
        row = page.locator(f'li[data-id="{item["id"]}"]')
        row.locator("details.review-own > summary").click()
        for name, score in zip(("novelty", "applicability", "effectiveness"), scores):
            row.locator(f'input[name="{name}-{item["id"]}"]').fill(score)
        row.locator(f'input[name="confirmed_benefit_vnd-{item["id"]}"]').press_sequentially(benefit)
        expect(row.locator(f'input[name="ids"][value="{item["id"]}"]')).to_be_checked()  # typing ticks the row
    # The row also offers its own reason (optional when recognising)
    expect(page.locator(f'li[data-id="{first["id"]}"] textarea[name="reason-{first["id"]}"]')).to_be_visible()
    if width < 600:
        assert no_horizontal_scroll(page)
    save_screenshot(page, f"queue-batch-scores-{size}")
    page.locator("[data-testid=decision-panel] button.primary").click()
    # THEN both are recognised, each with its own figures
    expect(page.locator("[data-testid=results]")).to_contain_text("Được công nhận")
    expect(page.locator(".result-ok")).to_have_count(2)
    save_screenshot(page, f"queue-batch-results-{size}")
    one = call(served_app, "GET", f"/submissions/{first['id']}", user="reviewer-cong-thuong")
    two = call(served_app, "GET", f"/submissions/{second['id']}", user="reviewer-cong-thuong")
    assert one["scores"] == {"novelty": 9, "applicability": 8, "effectiveness": 9}
    assert one["confirmed_benefit_vnd"] == 750_000_000
    assert two["scores"] == {"novelty": 6, "applicability": 7, "effectiveness": 5}
    assert two["confirmed_benefit_vnd"] == 40_000_000


def test_without_javascript_the_preview_and_each_rows_input_still_work(new_page, served_app):
    tag = f"nojs{uuid.uuid4().hex[:6]}"
    first, second = under_review(served_app, tag)
    page = new_page(width=360, height=740, javascript=False)
    sign_in(page, "reviewer-cong-thuong")
    page.goto(f"/app/queue?q={tag}")
    # The preview is a link that opens the row inside the same queue
    row = page.locator(f'li[data-id="{first["id"]}"]')
    row.locator("details.review-more > summary").click()
    row.locator("[data-testid=preview-link]").click()
    expect(page.locator("[data-testid=preview]")).to_contain_text("Thiết kế lại rãnh thoát khí")
    # Each row's own fields are there without the script, and used for the row that is ticked
    page.select_option("#decision-event", "recognize")
    for item, novelty in ((first, "10"), (second, "4")):
        row = page.locator(f'li[data-id="{item["id"]}"]')
        row.locator(f'label[for="pick-{item["id"]}"]').click()
        row.locator("details.review-own > summary").click()
        for name, score in (("novelty", novelty), ("applicability", "7"), ("effectiveness", "7")):
            row.locator(f'input[name="{name}-{item["id"]}"]').fill(score)
        row.locator(f'input[name="confirmed_benefit_vnd-{item["id"]}"]').fill("5.000.000")
    page.locator("[data-testid=decision-panel] button.primary").click()
    expect(page.locator(".result-ok")).to_have_count(2)
    assert call(served_app, "GET", f"/submissions/{first['id']}", user="reviewer-cong-thuong")["scores"][
        "novelty"] == 10
    assert call(served_app, "GET", f"/submissions/{second['id']}", user="reviewer-cong-thuong")["scores"][
        "novelty"] == 4
