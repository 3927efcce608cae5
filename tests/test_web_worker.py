"""The worker's pages, through the app as a browser would use them without
JavaScript: sign in, the form (hints from the schema, errors beside fields,
find a unit, add and remove co-authors, one initiative per double tap), the
tracking code, "my initiatives", the edit that resubmits, notifications."""
import re

from tests.conftest import html_text, initiative
from tests.helpers import deliver, fire

WORKER = "worker-rang-dong"
REVIEWER = "reviewer-rang-dong"


def form_of(body: dict, key: str = "k-1", action: str = "send", **extra) -> list:
    """A submission body as the form posts it (authors as authors-<n>-<field>),
    with the button pressed as `action`."""
    pairs = [("idempotency_key", key), ("action", action)]
    for name, value in body.items():
        if name == "authors":
            for i, author in enumerate(value):
                pairs += [(f"authors-{i}-{k}", str(v)) for k, v in author.items()]
        elif name == "benefit_vnd":
            pairs.append((name, f"{value:,}".replace(",", ".")))
        else:
            pairs.append((name, str(value)))
    return pairs + list(extra.items())


def mine(api, user=WORKER) -> list:
    return api.json("GET", "/me/submissions", user=user)[1]["items"]


def body_of(response) -> str:
    return response.body.decode() if isinstance(response.body, bytes) else response.body


def error_beside(response, field_id: str) -> str:
    """The text of the error box beside a field (empty when it shows none)."""
    found = re.search(rf'<p class="field-error" id="err-{re.escape(field_id)}"[^>]*>(.*?)</p>', body_of(response), re.S)
    assert found, f"no error box for {field_id}"
    return html_text(type("R", (), {"body": found.group(1)})())


# ------------------------------------------------------------------ signing in

def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(pages):
    # WHEN an anonymous browser opens the form
    response = pages.get("/app/submit")
    # THEN it is sent to sign in, and will come back to the form
    assert response.status_code == 303
    assert response.headers["Location"] == "/app/sign-in?next=%2Fapp%2Fsubmit"
    # AND the local sign-in page lists the demo users by name and unit
    text = html_text(pages.get("/app/sign-in?next=/app/submit"))
    assert "Nguyễn Thị Hương" in text or "Đoàn viên" in text
    # WHEN they pick the worker
    signed = pages.post("/app/sign-in", {"user_id": WORKER, "next": "/app/submit"})
    # THEN a session cookie is set (HttpOnly, SameSite=Lax) and they are back on the form
    assert signed.status_code == 303 and signed.headers["Location"] == "/app/submit"
    cookie = signed.headers["Set-Cookie"]
    assert cookie.startswith("sk_session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_sign_in_never_sends_the_browser_to_another_site(pages):
    signed = pages.post("/app/sign-in", {"user_id": WORKER, "next": "https://evil.example/steal"})
    assert signed.headers["Location"] == "/app"


def test_a_post_from_another_site_is_refused_and_changes_nothing(pages, api):
    response = pages.post("/app/submit", form_of(initiative()), user=WORKER,
                          headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert mine(api) == []


def test_pages_load_nothing_from_elsewhere(pages):
    response = pages.get("/app/submit", user=WORKER)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    body = body_of(response)
    assert not re.search(r'(src|href)="(https?:)?//', body), "a page refers to another host"
    css = pages.get("/app/static/app.css")
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
    assert "@import" not in body_of(css) and "url(http" not in body_of(css)


# ------------------------------------------------------------------ the form

def test_the_form_shows_the_schemas_limits_and_the_workers_own_unit(pages):
    response = pages.get("/app/submit", user=WORKER)
    assert response.status_code == 200
    text = html_text(response)
    # the title's limits as the schema has them (minLength 5, maxLength 200)
    assert 'minlength="5"' in body_of(response) and 'maxlength="200"' in body_of(response)
    assert "Từ 5 đến 200 ký tự" in text
    # the worker's grassroots union is chosen already, by name
    assert "Rạng Đông" in text
    # the first author is the worker with the whole share
    assert 'name="authors-0-share_percent"' in body_of(response) and 'value="100"' in body_of(response)


def test_a_worker_submits_with_a_co_author_and_sees_the_tracking_code(pages, api):
    # GIVEN the form filled in Vietnamese, with a co-author, benefit typed as 1.500.000.000
    response = pages.post("/app/submit", form_of(initiative()), user=WORKER)
    # THEN the browser is sent to the confirmation
    assert response.status_code == 303
    location = response.headers["Location"]
    assert re.fullmatch(r"/app/initiatives/[0-9A-Z]+/sent", location)
    stored = mine(api)
    assert len(stored) == 1
    detail = api.json("GET", f"/submissions/{stored[0]['id']}", user=WORKER)[1]
    assert detail["title"] == "Cải tiến khuôn ép đuôi đèn LED"
    assert detail["benefit_vnd"] == 1_500_000_000
    assert [a["full_name"] for a in detail["authors"]] == ["Nguyễn Văn An", "Trần Thị Bình"]
    # AND the confirmation shows the tracking code large, and clears the browser's draft
    sent = pages.get(location, user=WORKER)
    assert f'data-testid="tracking-code">{detail["code"]}<' in body_of(sent)
    assert f'data-draft-clear="new-{WORKER}"' in body_of(sent)


def test_two_quick_taps_store_one_initiative(pages, api):
    form = form_of(initiative(), key="tap-tap-1")
    first = pages.post("/app/submit", form, user=WORKER)
    second = pages.post("/app/submit", form, user=WORKER)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(mine(api)) == 1


def test_a_server_side_error_appears_next_to_its_field_and_nothing_is_stored(pages, api):
    # WHEN the title is shorter than the schema allows
    response = pages.post("/app/submit", form_of(initiative(title="Đèn")), user=WORKER)
    # THEN the message is beside the title, and only there
    assert response.status_code == 400
    assert "Tên sáng kiến" in error_beside(response, "title") and "5" in error_beside(response, "title")
    assert error_beside(response, "problem") == ""
    assert "Tên sáng kiến" in html_text(response).split("Cần sửa")[1]  # and in the summary at the top
    # AND what was typed is still there
    assert "Phân xưởng Đèn LED 2" in body_of(response) and "Trần Thị Bình" in body_of(response)
    # WHEN the shares add up to 90 (a rule the API checks after the schema)
    body = initiative()
    body["authors"][1]["share_percent"] = 30
    response = pages.post("/app/submit", form_of(body), user=WORKER)
    assert response.status_code == 422 and "100" in error_beside(response, "authors")
    assert mine(api) == []


def test_errors_are_in_english_for_an_english_reader(pages):
    response = pages.post("/app/submit", form_of(initiative(title="Đèn")), user=WORKER, lang="en")
    assert "Title: is too short (at least 5 characters)." in error_beside(response, "title")
    assert 'lang="en"' in body_of(response)


def test_find_a_unit_by_name_without_javascript(pages, api):
    # WHEN the worker searches "phần mềm fpt" with the plain button
    found = pages.post("/app/submit", form_of(initiative(), action="find_unit", unit_query="phần mềm fpt"),
                       user=WORKER)
    # THEN the grassroots unions found are offered, nothing is sent
    assert found.status_code == 200 and 'value="cdcs-fpt-cau-giay"' in body_of(found)
    assert mine(api) == []
    # WHEN they pick it and send
    sent = pages.post("/app/submit", form_of(initiative(), unit_pick="cdcs-fpt-cau-giay"), user=WORKER)
    assert sent.status_code == 303
    assert mine(api)[0]["unit_id"] == "cdcs-fpt-cau-giay"


def test_the_unit_search_answers_the_scripts_lookup(pages):
    response = pages.get("/app/units?q=rang%20dong", user=WORKER)
    import json
    items = json.loads(body_of(response))["items"]
    assert items and items[0]["id"] == "cdcs-rang-dong"


def test_co_authors_are_added_and_removed_without_javascript(pages):
    body = initiative()
    added = pages.post("/app/submit", form_of(body, action="add_author"), user=WORKER)
    assert 'name="authors-2-full_name"' in body_of(added)
    removed = pages.post("/app/submit", form_of(body, action="remove_author_0"), user=WORKER)
    page = body_of(removed)
    assert "Nguyễn Văn An" not in page and 'value="Trần Thị Bình"' in page
    assert 'name="authors-1-full_name"' not in page


# ------------------------------------------------------------------ after sending

def returned(api, pages) -> str:
    """An initiative the grassroots reviewer returned with a reason; its id."""
    pages.post("/app/submit", form_of(initiative()), user=WORKER)
    submission = mine(api)[0]
    fire(api, submission["id"], "request_revision", submission["version"], REVIEWER,
         reason="Bổ sung số liệu đo trước và sau khi áp dụng.")
    return submission["id"]


def test_my_initiatives_shows_each_state_in_words(pages, api):
    sid = returned(api, pages)
    text = html_text(pages.get("/app/initiatives", user=WORKER))
    assert "Cải tiến khuôn ép đuôi đèn LED" in text and "Cần bổ sung" in text
    assert f'/app/initiatives/{sid}/edit' in body_of(pages.get("/app/initiatives", user=WORKER))


def test_the_worker_edits_a_returned_initiative_and_it_goes_back_to_review(pages, api):
    sid = returned(api, pages)
    edit = pages.get(f"/app/initiatives/{sid}/edit", user=WORKER)
    assert edit.status_code == 200 and 'value="Cải tiến khuôn ép đuôi đèn LED"' in body_of(edit)
    version = api.json("GET", f"/submissions/{sid}", user=WORKER)[1]["version"]
    form = form_of(initiative(results="Tỷ lệ hỏng giảm từ 3% còn 0,5% (đo 4 tuần trước và sau)."), key="edit-1",
                   version=str(version))
    saved = pages.post(f"/app/initiatives/{sid}/edit", form, user=WORKER)
    assert saved.status_code == 303 and saved.headers["Location"] == f"/app/initiatives/{sid}?done=resubmit"
    detail = api.json("GET", f"/submissions/{sid}", user=WORKER)[1]
    assert detail["status"] == "pending" and detail["results"].startswith("Tỷ lệ hỏng giảm từ 3%")
    events = [e["event"] for e in api.json("GET", f"/submissions/{sid}/history", user=WORKER)[1]["items"]]
    assert events[-2:] == ["edited", "resubmit"]
    # a second tap on "save" changes nothing more and lands on the initiative
    again = pages.post(f"/app/initiatives/{sid}/edit", form, user=WORKER)
    assert again.status_code == 303 and again.headers["Location"] == f"/app/initiatives/{sid}"
    assert api.json("GET", f"/submissions/{sid}", user=WORKER)[1]["version"] == detail["version"]


def test_someone_else_cannot_open_the_edit_form(pages, api):
    sid = returned(api, pages)
    assert pages.get(f"/app/initiatives/{sid}/edit", user="worker-fpt").status_code == 403


def test_notifications_show_the_unread_count_and_can_be_marked_read(pages, api, stream):
    returned(api, pages)
    deliver(stream)
    page = pages.get("/app/notifications", user=WORKER)
    text = html_text(page)
    assert "1 thông báo chưa đọc" in text
    assert "Bổ sung số liệu đo trước và sau khi áp dụng." in text
    ids = re.findall(r'name="ids" value="([^"]+)"', body_of(page))
    pages.post("/app/notifications/read", [("ids", i) for i in ids], user=WORKER)
    assert "0 thông báo chưa đọc" in html_text(pages.get("/app/notifications", user=WORKER))
