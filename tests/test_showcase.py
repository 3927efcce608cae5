"""The public showcase (issue 13, point 8): the consent box, the public pages
(no sign-in), what they show and never show, the search without diacritics,
the filters, Open Graph tags, the posters' QR codes and the form a QR opens.

GIVEN initiatives in every combination of "recognised" and "the authors
agree", WHEN anyone (signed in or not) opens the showcase, THEN exactly the
recognised AND consented ones are there, and of them only their story."""
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib import settings
from tests.conftest import html_text
from tests.helpers import deliver, enter, fire

SCORES = {"novelty": 8, "applicability": 9, "effectiveness": 8}
PHONE, EMAIL, MEMBER = "0912 345 678", "an.nguyen@example.vn", "worker-rang-dong"
AUTHORS = [{"full_name": "Nguyễn Văn An", "member_id": MEMBER, "share_percent": 60, "email": EMAIL, "phone": PHONE},
           {"full_name": "Trần Thị Bình", "share_percent": 40}]
REVIEWERS = {"cdcs-rang-dong": ("reviewer-rang-dong", "reviewer-cong-thuong"),
             "cdcs-fpt-cau-giay": ("reviewer-fpt", "reviewer-cau-giay")}
REASON = "Trình tự kiểm tra đã có trong quy trình của công ty từ trước."
WORKER = {"cdcs-rang-dong": "worker-rang-dong", "cdcs-fpt-cau-giay": "worker-fpt"}


def recognise(api, sid: str, unit: str, version: int = 1, benefit: int = 1_200_000_000) -> dict:
    grassroots, upper = REVIEWERS[unit]
    fire(api, sid, "validate", version, grassroots)
    fire(api, sid, "start_review", version + 1, upper)
    return fire(api, sid, "recognize", version + 2, upper, scores=SCORES, confirmed_benefit_vnd=benefit,
                reason="Hội đồng đánh giá cao hiệu quả tiết kiệm.")["submission"]


def decline(api, sid: str, unit: str) -> dict:
    grassroots, upper = REVIEWERS[unit]
    fire(api, sid, "validate", 1, grassroots)
    fire(api, sid, "start_review", 2, upper)
    return fire(api, sid, "decline", 3, upper, reason=REASON)["submission"]


def entered(api, unit="cdcs-rang-dong", consent=True, **overrides) -> dict:
    return enter(api, WORKER[unit], unit_id=unit, publish_consent=True if consent else None,
                 authors=AUTHORS if unit == "cdcs-rang-dong" else
                 [{"full_name": "Lê Quang Huy", "member_id": "worker-fpt", "share_percent": 100,
                   "phone": "0904 118 226"}], **overrides)


@pytest.fixture
def world(api, stream):
    """Five initiatives: two on the showcase, three that must never be."""
    shown = entered(api, title="Cải tiến khuôn ép đuôi đèn LED")
    recognise(api, shown["id"], "cdcs-rang-dong")
    elsewhere = entered(api, unit="cdcs-fpt-cau-giay", title="Phần mềm đối soát hóa đơn điện tử",
                        field="digital-transformation",
                        problem="Kế toán đối chiếu tay từng hóa đơn, mất hai ngày mỗi tháng.",
                        solution="Công cụ đọc hóa đơn điện tử và so khớp với sổ kế toán tự động.",
                        results="Đối soát còn hai giờ mỗi tháng.")
    recognise(api, elsewhere["id"], "cdcs-fpt-cau-giay", benefit=180_000_000)
    no_consent = entered(api, consent=False, title="Khuôn dập nắp bóng đèn không được đăng")
    recognise(api, no_consent["id"], "cdcs-rang-dong")
    pending = entered(api, title="Cải tiến khuôn đang chờ duyệt")
    declined = entered(api, title="Cải tiến khuôn không được công nhận")
    decline(api, declined["id"], "cdcs-rang-dong")
    deliver(stream)
    return {"shown": shown["id"], "elsewhere": elsewhere["id"], "no_consent": no_consent["id"],
            "pending": pending["id"], "declined": declined["id"]}


def source(response) -> str:
    """A page's HTML as text."""
    return response.body.decode("utf-8") if isinstance(response.body, bytes) else response.body


def listed(pages, query: str = "", user=None) -> list[str]:
    """The ids the showcase lists, in order (links to their public pages)."""
    response = pages.get("/app/showcase" + query, user=user)
    assert response.status_code == 200, source(response)
    return re.findall(r'href="/app/showcase/([0-9A-Z]{26})"', source(response))


# ------------------------------------------------------------------ consent

def test_consent_is_off_unless_given_and_stored_on_the_initiative(api):
    without = enter(api)
    assert without["publish_consent"] is False
    given = enter(api, publish_consent=True)
    assert given["publish_consent"] is True
    assert api.json("GET", f"/submissions/{given['id']}", user="worker-rang-dong")[1]["publish_consent"] is True


def test_the_form_has_the_box_unticked_with_what_is_shown_and_sends_it(pages, api):
    form = pages.get("/app/submit", user="worker-rang-dong")
    box = re.search(r'<input type="checkbox" name="publish_consent"[^>]*>', source(form)).group(0)
    assert "checked" not in box
    text = html_text(form)
    assert "trang công khai" in text and "Không bao giờ hiện số điện thoại, email hay mã đoàn viên" in text


def test_the_form_posts_the_consent(pages, api):
    body = {"title": "Cải tiến khuôn ép đuôi đèn LED", "unit_id": "cdcs-rang-dong",
            "subject_group": "enterprise-workers", "field": "productivity",
            "problem": "Khuôn ép cũ làm hỏng 3% đuôi đèn và phải dừng máy.",
            "solution": "Thiết kế lại rãnh thoát khí của khuôn, thêm cảm biến.", "results": "Tỷ lệ hỏng còn 0,5%.",
            "applied_from": "2026-03-01", "authors-0-full_name": "Nguyễn Văn An", "authors-0-share_percent": "100",
            "idempotency_key": "consent-form-1", "action": "send"}
    sent = pages.post("/app/submit", body | {"publish_consent": "on"}, user="worker-rang-dong")
    assert sent.status_code == 303, html_text(sent)
    sid = sent.headers["Location"].split("/")[-2]
    assert api.json("GET", f"/submissions/{sid}", user="worker-rang-dong")[1]["publish_consent"] is True
    unticked = pages.post("/app/submit", body | {"idempotency_key": "consent-form-2"}, user="worker-rang-dong")
    sid = unticked.headers["Location"].split("/")[-2]
    assert api.json("GET", f"/submissions/{sid}", user="worker-rang-dong")[1]["publish_consent"] is False


def test_an_author_gives_and_withdraws_it_later_and_the_showcase_follows(api, pages, stream):
    sid = entered(api, consent=False)["id"]
    recognise(api, sid, "cdcs-rang-dong")
    assert sid not in listed(pages)
    # A stranger, a reviewer: not theirs to decide.
    for user in ("worker-fpt", "reviewer-cong-thuong"):
        status, _ = api.json("PUT", f"/submissions/{sid}/publication", {"publish_consent": True}, user=user)
        assert status == 403
    assert sid not in listed(pages)
    # The author gives it (on the initiative's page): it is on the showcase at once.
    answer = pages.post(f"/app/initiatives/{sid}/publication", {"publish_consent": "on"}, user="worker-rang-dong")
    assert answer.status_code == 303
    assert listed(pages) == [sid]
    page = html_text(pages.get(f"/app/initiatives/{sid}", user="worker-rang-dong"))
    assert "Sáng kiến đang được giới thiệu công khai." in page
    history = api.json("GET", f"/submissions/{sid}/history", user="worker-rang-dong")[1]["items"]
    assert history[-1]["event"] == "publication_changed" and history[-1]["input"] == {"publish_consent": True}
    # And withdraws it (the box unticked): gone from the list and its page.
    pages.post(f"/app/initiatives/{sid}/publication", {}, user="worker-rang-dong")
    assert listed(pages) == []
    assert pages.get(f"/app/showcase/{sid}").status_code == 404
    status, detail = api.json("PUT", f"/submissions/{sid}/publication", {"publish_consent": False},
                              user="worker-rang-dong")
    assert status == 200 and detail["publish_consent"] is False  # the same answer again changes nothing
    assert len(api.json("GET", f"/submissions/{sid}/history", user="worker-rang-dong")[1]["items"]) == 6


def test_consent_given_before_recognition_publishes_it_on_recognition_only(api, pages):
    sid = entered(api)["id"]
    assert listed(pages) == []
    fire(api, sid, "validate", 1, "reviewer-rang-dong")
    fire(api, sid, "start_review", 2, "reviewer-cong-thuong")
    assert listed(pages) == []
    fire(api, sid, "recognize", 3, "reviewer-cong-thuong", scores=SCORES, confirmed_benefit_vnd=5_000_000)
    assert listed(pages) == [sid]


def test_an_edit_while_it_needs_revision_may_change_the_consent(api, pages):
    sid = entered(api, consent=False)["id"]
    fire(api, sid, "request_revision", 1, "reviewer-rang-dong", reason=REASON)
    form = pages.get(f"/app/initiatives/{sid}/edit", user="worker-rang-dong")
    assert re.search(r'name="publish_consent"', source(form))
    from tests.conftest import initiative
    body = initiative(authors=AUTHORS, publish_consent=True)
    status, after = api.json("PUT", f"/submissions/{sid}", body, user="worker-rang-dong", headers={"If-Match": '"2"'})
    assert status == 200 and after["publish_consent"] is True


# ------------------------------------------------------------------ what the showcase shows

def test_only_recognised_and_consented_initiatives_are_listed_for_anyone(pages, world):
    for user in (None, "worker-fpt", "leader-national"):
        ids = listed(pages, user=user)
        assert sorted(ids) == sorted([world["shown"], world["elsewhere"]]), user
    for hidden in ("no_consent", "pending", "declined"):
        assert pages.get(f"/app/showcase/{world[hidden]}").status_code == 404, hidden
    assert pages.get("/app/showcase/01KAHQ3M6X2V7E9R0T4B5N8C1D").status_code == 404
    assert pages.get("/app/showcase/not-an-id").status_code == 404


def test_the_public_page_shows_the_story_and_nothing_else_of_it(pages, api, world):
    response = pages.get(f"/app/showcase/{world['shown']}")  # nobody signed in
    assert response.status_code == 200
    text = html_text(response)
    for shown in ("Cải tiến khuôn ép đuôi đèn LED", "Khuôn ép cũ làm hỏng 3% đuôi đèn",
                  "Thiết kế lại rãnh thoát khí", "Tỷ lệ hỏng giảm còn 0,5%", "Phân xưởng Đèn LED 2",
                  "Nguyễn Văn An, Trần Thị Bình", "Công ty CP Bóng đèn Phích nước Rạng Đông",
                  "1.200.000.000 ₫", "Giá trị làm lợi được xác nhận"):
        assert shown in text, shown
    detail = api.json("GET", f"/submissions/{world['shown']}", user="worker-rang-dong")[1]
    for never in (PHONE, EMAIL, MEMBER, detail["code"], "Hội đồng đánh giá cao", "Tính mới", "1.500.000.000",
                  "Lịch sử", "reviewer-", "Khuôn dập nắp bóng đèn không được đăng"):
        assert never not in source(response), never


def test_the_listing_carries_no_contact_and_nothing_of_the_others(pages, world, api):
    response = pages.get("/app/showcase")
    for never in (PHONE, EMAIL, MEMBER, "0904 118 226", "không được đăng", "đang chờ duyệt", "không được công nhận"):
        assert never not in source(response), never
    assert "1.200.000.000 ₫" in html_text(response)


def test_the_index_holds_only_what_is_published(world):
    """At scale the showcase reads a sparse index: only the two published initiatives carry its keys."""
    from chalicelib.tables import SubmissionRecord

    rows = list(SubmissionRecord.showcase.query(settings_program()))
    assert sorted(r.id for r in rows) == sorted([world["shown"], world["elsewhere"]])


def settings_program() -> str:
    from chalicelib.reference import catalog

    return catalog.current()[0].id


# ------------------------------------------------------------------ search and filters

@pytest.mark.parametrize("typed", ["cai tien khuon", "CẢI TIẾN KHUÔN", "khuon ep", "nguyen van an", "đuoi đen"])
def test_search_ignores_diacritics_and_case(pages, world, typed):
    from urllib.parse import quote

    assert listed(pages, f"?q={quote(typed)}") == [world["shown"]]


def test_search_finds_words_by_their_start_and_needs_every_word(pages, world):
    assert listed(pages, "?q=hoa+don") == [world["elsewhere"]]
    assert listed(pages, "?q=khuon+hoa+don") == []
    assert listed(pages, "?q=uon") == []  # inside a word: not a match


def test_filter_by_top_level_unit_and_field(pages, world):
    assert listed(pages, "?unit=ldld-ha-noi") == [world["elsewhere"]]
    assert listed(pages, "?unit=cd-cong-thuong") == [world["shown"]]
    assert listed(pages, "?field=digital-transformation") == [world["elsewhere"]]
    assert listed(pages, "?unit=cd-cong-thuong&field=digital-transformation") == []
    assert pages.get("/app/showcase?unit=cdcs-rang-dong").status_code == 422  # not a top-level unit
    assert pages.get("/app/showcase?field=nope").status_code == 422


def test_the_list_is_paged_newest_recognition_first(api, pages, now, stream):
    from datetime import timedelta

    from chalicelib import clock
    from chalicelib.submissions import showcase

    ids = []
    for n in range(showcase.PAGE_SIZE + 2):
        sid = entered(api, title=f"Sáng kiến khuôn số {n + 1}")["id"]
        recognise(api, sid, "cdcs-rang-dong")
        ids.append(sid)
        now(clock.now() + timedelta(minutes=5))
    first = pages.get("/app/showcase")
    on_first = re.findall(r'href="/app/showcase/([0-9A-Z]{26})"', source(first))
    assert on_first == list(reversed(ids))[:showcase.PAGE_SIZE]
    next_link = unescape(re.search(r'href="([^"]+)" rel="next"', source(first)).group(1))
    on_second = re.findall(r'href="/app/showcase/([0-9A-Z]{26})"', source(pages.get(next_link)))
    assert on_second == list(reversed(ids))[showcase.PAGE_SIZE:]


def test_a_search_reads_a_bounded_part_of_the_index_per_page(api, world, monkeypatch):
    """A rare word never reads the whole showcase at once: the page stops after
    SHOWCASE_READS Queries and its cursor goes on from there."""
    from chalicelib.submissions import store

    monkeypatch.setattr(store, "SHOWCASE_FILTERED_READ", 1)
    monkeypatch.setattr(store, "SHOWCASE_READS", 1)
    rows, cursor, read = store.showcase_page(settings_program(), None, None, ["khuon"], 12, None)
    assert read == 1 and cursor is not None
    found = [r.id for r in rows]
    while cursor:
        rows, cursor, read = store.showcase_page(settings_program(), None, None, ["khuon"], 12, cursor)
        assert read <= 1
        found += [r.id for r in rows]
    assert found == [world["shown"]]


# ------------------------------------------------------------------ Open Graph

def meta(body: str, prop: str) -> str | None:
    found = re.search(rf'<meta property="{re.escape(prop)}" content="([^"]*)">', body)
    return unescape(found.group(1)) if found else None


def test_a_story_link_has_open_graph_tags_for_a_preview(pages, world):
    body = source(pages.get(f"/app/showcase/{world['shown']}"))
    assert meta(body, "og:title") == "Cải tiến khuôn ép đuôi đèn LED"
    assert meta(body, "og:description").startswith("Tỷ lệ hỏng giảm còn 0,5%")
    assert meta(body, "og:url") == f"{settings.link_base()}/app/showcase/{world['shown']}"
    assert meta(body, "og:type") == "article"
    assert meta(body, "og:locale") == "vi_VN"
    image = meta(body, "og:image")
    assert image.startswith(settings.link_base() + "/app/static/showcase-og.png")
    # (A crawler asks with Accept: */*; Chalice answers a binary type only to an Accept that allows it.)
    png = pages.get(urlsplit(image).path + "?" + urlsplit(image).query, headers={"Accept": "*/*"})
    assert png.status_code == 200 and png.headers["Content-Type"] == "image/png"
    assert png.body[:8] == b"\x89PNG\r\n\x1a\n"
    listing = source(pages.get("/app/showcase"))
    assert meta(listing, "og:type") == "website" and meta(listing, "og:title") == "Sáng kiến được công nhận"


# ------------------------------------------------------------------ posters and the form they open

def qr_modules(svg: str) -> set:
    """The dark modules (x, y) an inline SVG from segno draws: one path of
    horizontal runs ("M4 4.5h7m2 0h1 ..."), relative moves after the first."""
    path = re.search(r'<path stroke="#000" d="([^"]+)"', svg).group(1)  # (the first path is the white ground)
    dark, x, y = set(), 0.0, 0.0
    for command, numbers in re.findall(r"([MmHh])([-0-9. ]+)", path.replace("-", " -")):
        values = [float(v) for v in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:  # h: a run of dark modules to the right
            run = values[0]
            for i in range(int(run)):
                dark.add((int(x) + i, int(y)))
            x += run
    return dark


def expected_modules(payload: str, border: int = 4) -> set:
    import segno

    matrix = segno.make(payload, error="m", micro=False, boost_error=False).matrix
    return {(c + border, r + border) for r, row in enumerate(matrix) for c, dark in enumerate(row) if dark}


def test_a_poster_is_public_and_its_qr_code_opens_the_form_with_the_union_chosen(pages):
    response = pages.get("/app/posters/cdcs-rang-dong")  # nobody signed in
    assert response.status_code == 200
    text = html_text(response)
    assert "Công ty CP Bóng đèn Phích nước Rạng Đông" in text and "024 3858 4310" in text
    assert "Bạn có sáng kiến? Hãy gửi ngay!" in text
    svg = re.search(r'<div class="poster-qr"[^>]*>\s*(<svg.*?</svg>)', source(response), re.S).group(1)
    form_url = f"{settings.link_base()}/app/submit?unit=cdcs-rang-dong"
    # The code drawn is the code of the form's address with the union: module for module.
    assert qr_modules(svg) == expected_modules(form_url)
    assert qr_modules(svg) != expected_modules(f"{settings.link_base()}/app/submit?unit=cdcs-fpt-cau-giay")
    assert "@page { size: A4" in source(pages.get("/app/static/showcase.css"))


def test_only_a_grassroots_union_has_a_poster(pages):
    assert pages.get("/app/posters/ldld-ha-noi").status_code == 404
    assert pages.get("/app/posters/no-such-unit").status_code == 404
    found = html_text(pages.get("/app/posters?q=rang+dong", user="reviewer-cong-thuong"))
    assert "Rạng Đông" in found


def test_the_form_opened_by_a_qr_code_has_the_union_chosen(pages):
    form = pages.get("/app/submit?unit=cdcs-fpt-cau-giay", user="worker-rang-dong")
    assert 'name="unit_id" value="cdcs-fpt-cau-giay"' in source(form)
    assert "Công đoàn Công ty Cổ phần FPT" in html_text(form) or "FPT" in html_text(form)
    # Not a grassroots union, or none: the worker's own union as before.
    own = pages.get("/app/submit?unit=ldld-ha-noi", user="worker-rang-dong")
    assert 'name="unit_id" value="cdcs-rang-dong"' in source(own)


def test_a_visitor_signs_in_and_comes_back_to_the_form_with_the_union(pages):
    first = pages.get("/app/submit?unit=cdcs-fpt-cau-giay")
    assert first.status_code == 303
    location = urlsplit(first.headers["Location"])
    assert location.path == "/app/sign-in"
    back_to = parse_qs(location.query)["next"][0]
    assert back_to == "/app/submit?unit=cdcs-fpt-cau-giay"
    signed_in = pages.post("/app/sign-in", {"user_id": "worker-fpt", "next": back_to})
    assert signed_in.headers["Location"] == "/app/submit?unit=cdcs-fpt-cau-giay"
