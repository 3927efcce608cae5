"""GET /similar (issue 14, point 3): while a worker types, the initiatives
like it, at most five, with their score, state and unit and whether they are
of the same union; never more than title, state and unit of one the caller
may not read whole."""
from urllib.parse import urlencode

from chalicelib.similar import core
from tests.helpers import deliver, enter
from tests.test_similar_index import COPY, OTHER
from tests.test_stats import get


def ask(api, user: str | None, **params):
    return api.json("GET", "/similar?" + urlencode(params), user=user)


COPIED_TEXT = "\n".join(COPY.values())


def test_a_worker_typing_the_same_idea_is_shown_the_one_entered_before(api, stream):
    # GIVEN Rạng Đông's initiative about its LED lamp-base mould, and an unrelated one, indexed
    original = enter(api)
    enter(api, **OTHER)
    deliver(stream)
    # WHEN its author's colleague types the same idea without diacritics
    status, body = get(api, "/similar?" + urlencode({"text": COPIED_TEXT, "unit_id": "cdcs-rang-dong"}),
                       user="worker-rang-dong", schema="similar")
    # THEN the first one is shown, alike above the threshold, of the same union, pending, and may be opened
    assert status == 200, body
    [item] = body["items"]
    assert item["title"] == "Cải tiến khuôn ép đuôi đèn LED" and item["score"] >= body["threshold"]
    assert item["state"] == "pending" and item["state_name"]["vi"] == "Chờ duyệt"
    assert item["same_unit"] is True and item["unit"]["id"] == "cdcs-rang-dong"
    assert (item["id"], item["code"]) == (original["id"], original["code"])  # worker-rang-dong entered it


def test_outside_the_callers_scope_only_title_state_and_unit_are_shown(api, stream):
    original = enter(api)
    deliver(stream)
    # a worker of another company: the title, state and unit, nothing to open it with; another union
    status, body = ask(api, "worker-fpt", text=COPIED_TEXT)
    assert status == 200, body
    [item] = body["items"]
    assert "id" not in item and "code" not in item and item["same_unit"] is False
    assert set(item) == {"title", "state", "state_name", "unit", "same_unit", "score"}
    # a reviewer of Rạng Đông's union may open it
    [seen] = ask(api, "reviewer-rang-dong", text=COPIED_TEXT)[1]["items"]
    assert seen["id"] == original["id"]


def test_an_unrelated_text_and_the_initiative_being_edited_show_nothing(api, stream):
    original = enter(api)
    deliver(stream)
    assert ask(api, "worker-rang-dong", text="Sắp xếp lại kho vật tư theo mã vạch")[1]["items"] == []
    assert ask(api, "worker-rang-dong", text=COPIED_TEXT, exclude=original["id"])[1]["items"] == []


def test_bad_input_names_the_field_and_nobody_unsigned_may_ask(api):
    status, body = ask(api, "worker-rang-dong")
    assert status == 400 and body["errors"][0]["path"] == "/text", body
    assert body["errors"][0]["message"] == "Nội dung cần so sánh: bắt buộc phải nhập."
    status, body = ask(api, "worker-rang-dong", text="x" * 18301)
    assert status == 400 and body["errors"][0]["path"] == "/text", body
    assert ask(api, None, text=COPIED_TEXT)[0] == 401


def test_an_initiative_entered_keeps_the_ones_found_like_it(api, stream):
    original = enter(api)
    deliver(stream)
    # WHEN the support team enters the same idea for another worker of the union, without diacritics
    copy = enter(api, **COPY)
    # THEN the initiative stored says which one it was found like, how alike, of the same union
    [found] = copy["similar"]
    assert found["id"] == original["id"] and found["same_unit"] is True and found["score"] >= core.THRESHOLD
    status, read = api.json("GET", f"/submissions/{copy['id']}", user="worker-rang-dong")
    assert read["similar"] == copy["similar"]
    # AND an unrelated one stores none
    assert "similar" not in enter(api, **OTHER)
