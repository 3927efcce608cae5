"""The form warns of similar initiatives (issue 14, point 3): with the
script, a fragment fetched as the worker types; without it, a button that
shows the form again with them. Nothing typed is lost, nothing is stored."""
from tests.conftest import html_text, initiative
from tests.helpers import deliver, enter
from tests.test_similar_index import COPY
from tests.test_web_worker import WORKER, form_of


def test_without_javascript_the_button_shows_the_similar_ones_and_keeps_what_was_typed(api, pages, stream):
    # GIVEN Rạng Đông's initiative, indexed
    original = enter(api)
    deliver(stream)
    # WHEN a colleague types the same idea without diacritics and presses "Kiểm tra sáng kiến tương tự"
    response = pages.post("/app/submit", form_of(initiative(**COPY), action="check_similar"), user=WORKER)
    # THEN the form comes back with the warning, the one found linked (its author's union may open it), nothing stored
    assert response.status_code == 200
    text = html_text(response)
    assert "Có thể đã có sáng kiến tương tự" in text and "Cải tiến khuôn ép đuôi đèn LED" in text
    assert "cùng đơn vị" in text and "Chờ duyệt" in text
    body = response.body.decode()
    assert f'href="/app/initiatives/{original["id"]}"' in body
    assert 'value="Cai tien khuon ep duoi den LED"' in body  # the title as typed
    status, mine = api.json("GET", "/me/submissions", user=WORKER)
    assert [item["id"] for item in mine["items"]] == [original["id"]]


def test_the_scripts_fragment_lists_them_and_says_when_there_are_none(api, pages, stream):
    enter(api)
    deliver(stream)
    found = pages.post("/app/similar", {**COPY, "unit_id": "cdcs-rang-dong"}, user=WORKER)
    assert found.status_code == 200 and found.headers["Cache-Control"] == "no-store"
    assert "Cải tiến khuôn ép đuôi đèn LED" in html_text(found) and "giống" in html_text(found)
    none = pages.post("/app/similar", {"title": "Sắp xếp lại kho vật tư theo mã vạch cho tổ bảo trì"}, user=WORKER)
    assert html_text(none) == "Chưa thấy sáng kiến nào tương tự."
    # a worker of another company sees the title, not a link to it
    foreign = pages.post("/app/similar", COPY, user="worker-fpt")
    assert "Cải tiến khuôn ép đuôi đèn LED" in html_text(foreign) and "/app/initiatives/" not in foreign.body.decode()
    # in English, for an English-speaking worker
    english = pages.post("/app/similar", COPY, user=WORKER, lang="en")
    assert "A similar initiative may already exist" in html_text(english)


def test_editing_an_initiative_compares_it_with_the_others_not_with_itself(api, pages, stream):
    from tests.helpers import fire

    # GIVEN the original, and the support team's copy of it returned to its submitter for revision
    original = enter(api)
    copy = enter(api, **COPY)
    fire(api, copy["id"], "request_revision", copy["version"], "reviewer-rang-dong", reason="Trùng ý tưởng?")
    deliver(stream)
    # WHEN its submitter, editing it, asks for similar ones
    form = form_of(initiative(**COPY), action="check_similar", version=str(copy["version"] + 1))
    response = pages.post(f"/app/initiatives/{copy['id']}/edit", form, user=WORKER)
    # THEN the original is shown, of the same union, and the copy itself is not
    assert response.status_code == 200
    body = response.body.decode()
    assert f'/app/initiatives/{original["id"]}"' in body and "cùng đơn vị" in html_text(response)
    assert body.count("data-similar-item") == 1
