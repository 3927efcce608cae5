"""The worker's form as a trial on a phone found it (issue 10, section 4), on
the API and on the page without JavaScript: money read strictly (never another
number), every problem at once in the form's order, messages without jargon,
Vietnamese pages whatever the browser's language.

Today is 21/11/2026 in these tests (tests/conftest.py DEFAULT_NOW)."""
import json
import re

import pytest

from chalicelib import formatting, i18n
from tests.conftest import html_text, initiative
from tests.helpers import snapshot
from tests.test_web_worker import WORKER, body_of, error_beside, form_of, mine

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
TYPE_NAMES = re.compile(r"\b(integer|string|array|object|boolean|null)\b")


def typed_form(body: dict, **typed) -> list:
    """The form as posted, with some fields typed as given (strings, as a person types them)."""
    pairs = [(name, value) for name, value in form_of(body) if name not in typed]
    return pairs + list(typed.items())


# ------------------------------------------------------------------ money, read strictly

@pytest.mark.parametrize("typed, language, read", [
    ("1.500.000", "vi", 1_500_000), ("1500000", "vi", 1_500_000), ("  2.500.000 ", "vi", 2_500_000),
    ("0", "vi", 0), ("999", "vi", 999), ("1,500,000", "en", 1_500_000), ("1500000", "en", 1_500_000),
    ("-1.500.000,50", "vi", None), ("-2500000", "vi", None), ("+2500000", "vi", None), ("1.500.000,50", "vi", None),
    ("1.5000", "vi", None), ("15.00.000", "vi", None), (".500", "vi", None), ("1.500.", "vi", None),
    ("1 500 000", "vi", None), ("1.500.000 ₫", "vi", None), ("1,500,000", "vi", None), ("1.500.000", "en", None),
    ("2e6", "vi", None), ("", "vi", None), ("١٢٣", "vi", None),
])
def test_money_is_read_by_one_strict_rule(typed, language, read):
    assert formatting.read_money(typed, language) == read


@pytest.mark.parametrize("typed", ["-1.500.000,50", "-2500000", "1.500.000,50", "1.5000", "1,500,000"])
def test_money_the_form_cannot_read_is_an_error_beside_it_and_nothing_is_stored(pages, api, typed):
    # GIVEN a worker without JavaScript WHEN they type a sum with a sign, decimals or stray separators
    before = snapshot()
    response = pages.post("/app/submit", typed_form(initiative(), benefit_vnd=typed), user=WORKER)
    # THEN the form comes back with the message beside the money field, naming it
    assert response.status_code == 400
    message = error_beside(response, "benefit_vnd")
    assert message == "Giá trị làm lợi ước tính (đồng): phải là một số nguyên, chỉ gồm chữ số."
    # AND what they typed is still in the field, and nothing was stored (no other number either)
    assert f'value="{typed}"' in body_of(response)
    assert mine(api) == [] and snapshot() == before


@pytest.mark.parametrize("typed, language, stored", [
    ("1.500.000", "vi", 1_500_000), (" 2500000 ", "vi", 2_500_000), ("1,500,000", "en", 1_500_000)])
def test_money_typed_the_pages_way_is_stored_as_typed(pages, api, typed, language, stored):
    response = pages.post("/app/submit", typed_form(initiative(), benefit_vnd=typed), user=WORKER, lang=language)
    assert response.status_code == 303, html_text(response)
    entered = api.json("GET", f"/submissions/{mine(api)[0]['id']}", user=WORKER)[1]
    assert entered["benefit_vnd"] == stored


def test_a_reviewers_confirmed_benefit_follows_the_same_rule():
    from chalicelib.web import review_forms

    assert review_forms.decision({"event": ["recognize"], "confirmed_benefit_vnd": ["1.200.000"]},
                                 "vi")["confirmed_benefit_vnd"] == 1_200_000
    assert review_forms.decision({"event": ["recognize"], "confirmed_benefit_vnd": ["-1.200.000,5"]},
                                 "vi")["confirmed_benefit_vnd"] == "-1.200.000,5"  # for the service to refuse


def test_a_date_typed_as_people_write_it_is_understood(pages, api):
    # A browser without a date picker shows a text box: 01/03/2026 is 1 March 2026
    response = pages.post("/app/submit", typed_form(initiative(), applied_from="01/03/2026"), user=WORKER)
    assert response.status_code == 303, html_text(response)
    entered = api.json("GET", f"/submissions/{mine(api)[0]['id']}", user=WORKER)[1]
    assert entered["applied_from"] == "2026-03-01"


# ------------------------------------------------------------------ every problem at once, in the form's order

def three_problems() -> dict:
    """What the trial typed: a short title, a date after today, one author with 70 %."""
    return initiative(title="Đèn", applied_from="2026-12-25",
                      authors=[{"full_name": "Nguyễn Văn An", "share_percent": 70}])


def test_the_api_reports_schema_and_rule_problems_together_in_the_forms_order(api):
    before = snapshot()
    status, answer = api.json("POST", "/submissions", three_problems(), user=WORKER)
    # The schema is broken (the title), so 400; the rules' problems come with it, not on the next send.
    assert status == 400
    assert [(e["path"], e["code"]) for e in answer["errors"]] == [
        ("/title", "too_short"), ("/applied_from", "date_in_future"), ("/authors", "shares_not_100")]
    assert snapshot() == before


def test_problems_are_listed_top_to_bottom_as_the_form_shows_its_fields(api):
    body = initiative(unit_id="khong-co-don-vi", title="Đèn", field="khong-co", applied_from="2026-12-25",
                      benefit_vnd=-5, authors=[{"full_name": "A", "share_percent": 50, "language": "fr"},
                                               {"full_name": "Trần Thị Bình", "share_percent": 30}])
    del body["subject_group"]
    status, answer = api.json("POST", "/submissions", body, user=WORKER)
    assert status == 400
    assert [(e["path"], e["code"]) for e in answer["errors"]] == [
        ("/unit_id", "unknown_unit"), ("/title", "too_short"), ("/subject_group", "required"),
        ("/field", "unknown_field"), ("/applied_from", "date_in_future"), ("/benefit_vnd", "too_small"),
        ("/authors", "shares_not_100"), ("/authors/0/full_name", "too_short"), ("/authors/0/language", "not_allowed")]


def test_only_rules_broken_is_still_422(api):
    status, answer = api.json("POST", "/submissions", initiative(applied_from="2026-12-25"), user=WORKER)
    assert status == 422 and [e["code"] for e in answer["errors"]] == ["date_in_future"]


def test_a_rule_is_not_checked_on_a_field_the_schema_refused(api):
    # One message per field: a date that is not a date is not also "in the future"
    status, answer = api.json("POST", "/submissions", initiative(applied_from="2026-13-45",
                                                                 authors=[{"full_name": "An", "share_percent": "70"}]),
                              user=WORKER)
    assert status == 400
    assert [(e["path"], e["code"]) for e in answer["errors"]] == [
        ("/applied_from", "invalid_date"), ("/authors/0/share_percent", "wrong_type")]


def test_the_form_shows_every_problem_at_once_beside_its_field(pages, api):
    # WHEN a worker without JavaScript sends the trial's three problems
    response = pages.post("/app/submit", form_of(three_problems()), user=WORKER)
    # THEN the summary counts all three, top to bottom, and each is beside its field on this first send
    text = html_text(response)
    assert "Cần sửa 3 chỗ trước khi gửi" in text
    summary = text.split("Cần sửa 3 chỗ trước khi gửi:")[1]
    assert summary.index("Tên sáng kiến") < summary.index("Ngày bắt đầu áp dụng") < summary.index("Tác giả:")
    assert "quá ngắn" in error_beside(response, "title")
    assert "21/11/2026" in error_beside(response, "applied_from")
    assert "70%" in error_beside(response, "authors")
    assert mine(api) == []


def test_the_forms_fields_come_in_the_order_problems_are_listed(pages):
    from chalicelib import validation

    # The problems are listed in the schema's order; the form must show its fields in that order too.
    schema = validation.load_schema("submission")
    page = body_of(pages.get("/app/submit", user=WORKER))
    places = [page.index(f'name="{name}"' if name != "authors" else 'id="err-authors"') for name in schema["properties"]]
    assert places == sorted(places), "the form shows its fields in another order than schemas/submission.json"
    row = [page.index(f'name="authors-0-{name}"') for name in schema["$defs"]["author"]["properties"]]
    assert row == sorted(row), "an author's row shows its fields in another order than the schema"


# ------------------------------------------------------------------ messages without jargon

BAD_BODIES = [
    initiative(applied_from="2026-12-25"),
    initiative(applied_from="2025-08-31"),
    initiative(applied_from="hôm qua"),
    initiative(benefit_vnd="1.500.000"),
    initiative(benefit_vnd=1.5),
    initiative(title=12345),
    initiative(authors="Nguyễn Văn An"),
    initiative(authors=[{"full_name": "Nguyễn Văn An", "share_percent": "100"}]),
    initiative(authors=[{"full_name": "Nguyễn Văn An", "share_percent": 100, "language": "fr"}]),
    initiative(unit_id="cd-vien-chuc-thanh-hoa"),
    initiative(subject_group="khong-co-nhom", field=""),
    {k: v for k, v in initiative().items() if k not in ("subject_group", "field", "unit_id")},
]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_message_speaks_iso_dates_or_type_names(api, language):
    messages = []
    for body in BAD_BODIES:
        status, answer = api.json("POST", "/submissions", body, user=WORKER, headers={"Accept-Language": language})
        assert status in (400, 422), answer
        messages += [e["message"] for e in answer["errors"]]
    assert len(messages) >= len(BAD_BODIES)
    assert not [m for m in messages if ISO_DATE.search(m) or TYPE_NAMES.search(m)], messages
    assert not [m for m in messages if re.search(r"upper_grassroots|YYYY|NNNN", m)], messages


def test_dates_in_messages_read_day_month_year(api):
    _, answer = api.json("POST", "/submissions", initiative(applied_from="2026-12-25"), user=WORKER)
    assert answer["errors"][0]["message"] == \
        "Ngày bắt đầu áp dụng: không được là ngày trong tương lai (hôm nay là 21/11/2026)."


def test_types_are_said_in_words(api):
    _, answer = api.json("POST", "/submissions", initiative(benefit_vnd="1.500.000"), user=WORKER)
    assert answer["errors"][0]["message"] == "Giá trị làm lợi ước tính (đồng): phải là một số nguyên, chỉ gồm chữ số."
    _, answer = api.json("POST", "/submissions", initiative(title=12345), user=WORKER,
                         headers={"Accept-Language": "en"})
    assert answer["errors"][0]["message"] == "Title: must be text."


def test_choices_say_choose(api):
    body = {k: v for k, v in initiative().items() if k not in ("subject_group", "field")}
    body["authors"] = [{"full_name": "Nguyễn Văn An", "share_percent": 100, "language": "fr"}]
    _, answer = api.json("POST", "/submissions", body, user=WORKER)
    assert [e["message"] for e in answer["errors"]] == [
        "Nhóm đối tượng: phải chọn một mục.", "Lĩnh vực: phải chọn một mục.",
        "Tác giả 1 – Ngôn ngữ nhận thông báo: phải chọn một trong các mục có sẵn."]
    _, answer = api.json("POST", "/submissions", initiative(subject_group="khong-co-nhom"), user=WORKER)
    assert answer["errors"][0]["message"] == "Nhóm đối tượng: phải chọn một nhóm đối tượng có trong chương trình."
    _, answer = api.json("POST", "/submissions", initiative(unit_id="cd-vien-chuc-thanh-hoa"), user=WORKER)
    assert answer["errors"][0]["message"] == \
        "Đơn vị (công đoàn cơ sở): phải chọn một công đoàn cơ sở; sáng kiến không gửi qua công đoàn cấp trên cơ sở."


def test_the_form_says_choose_for_a_list_left_unchosen(pages):
    body = initiative()
    response = pages.post("/app/submit", typed_form(body, subject_group=""), user=WORKER)
    assert error_beside(response, "subject_group") == "Nhóm đối tượng: phải chọn một mục."


def test_large_limits_are_grouped_as_people_read_them(api):
    _, answer = api.json("POST", "/submissions", initiative(benefit_vnd=10 ** 16), user=WORKER)
    assert answer["errors"][0]["message"] == \
        "Giá trị làm lợi ước tính (đồng): phải nhỏ hơn hoặc bằng 1.000.000.000.000.000."


def test_the_catalogue_has_no_iso_date_nor_type_name_in_its_error_messages():
    for key, entry in i18n.catalogue().items():
        if key.startswith("errors."):
            for language in ("vi", "en"):
                assert not ISO_DATE.search(entry[language]) and not TYPE_NAMES.search(entry[language]), key
                assert "YYYY" not in entry[language] and "NNNN" not in entry[language], key


# ------------------------------------------------------------------ the pages' language

def test_pages_are_vietnamese_whatever_the_browser_asks(pages):
    # GIVEN a worker's phone set to English
    english_phone = {"Accept-Language": "en-US,en;q=0.9"}
    # WHEN they open the form, or send it with a mistake
    opened = pages.get("/app/submit", user=WORKER, headers=english_phone)
    refused = pages.post("/app/submit", form_of(initiative(title="Đèn")), user=WORKER, headers=english_phone)
    # THEN both are in Vietnamese
    assert opened.headers["Content-Language"] == "vi" and "Gửi sáng kiến" in html_text(opened)
    assert refused.headers["Content-Language"] == "vi" and "Tên sáng kiến: quá ngắn" in error_beside(refused, "title")
    signin = pages.get("/app/sign-in", headers=english_phone)
    assert signin.headers["Content-Language"] == "vi"


def test_english_when_picked_and_the_choice_is_kept(pages):
    # WHEN the reader picks English with the switch
    switched = pages.get("/app/language?to=en&next=/app/submit", user=WORKER,
                         headers={"Accept-Language": "vi-VN,vi"})
    cookie = switched.headers["Set-Cookie"]
    assert cookie.startswith("sk_lang=en;") and "Max-Age=31536000" in cookie.replace(" ", "")  # kept for a year
    # THEN every page they open with it is English, whatever the browser says
    for path in ("/app/submit", "/app/initiatives", "/app/notifications"):
        shown = pages.get(path, user=WORKER, lang="en", headers={"Accept-Language": "vi-VN,vi"})
        assert shown.headers["Content-Language"] == "en", path
    # AND back to Vietnamese the same way
    assert pages.get("/app/language?to=vi&next=/app", user=WORKER).headers["Set-Cookie"].startswith("sk_lang=vi;")


def test_the_json_api_honours_an_explicit_accept_language(api):
    # A program's explicit choice (documented in README.md and docs/openapi.json); Vietnamese otherwise.
    _, english = api.json("POST", "/submissions", initiative(title=""), user=WORKER, headers={"Accept-Language": "en"})
    _, default = api.json("POST", "/submissions", initiative(title=""), user=WORKER)
    assert english["errors"][0]["message"] == "Title: is required."
    assert default["errors"][0]["message"] == "Tên sáng kiến: bắt buộc phải nhập."
    assert json.dumps(default, ensure_ascii=False).count("Title") == 0
    with open("docs/openapi.json", encoding="utf-8") as f:
        described = json.load(f)["components"]["parameters"]["Accept-Language"]["description"]
    assert "honours" in described and "pages" in described


def test_a_form_sent_again_with_other_content_is_told_in_plain_words(pages, api):
    # GIVEN an initiative sent from a form (its one-use key spent)
    assert pages.post("/app/submit", form_of(initiative(), key="k-once"), user=WORKER).status_code == 303
    # WHEN the same form (same key) comes back with other content, e.g. after a lost answer and a change
    again = pages.post("/app/submit", form_of(initiative(title="Cải tiến khuôn ép đuôi đèn LED (bản 2)"),
                                              key="k-once"), user=WORKER)
    # THEN the worker reads what happened, without "Idempotency-Key", and the next tap sends it as a new one
    text = html_text(again)
    assert "Một sáng kiến khác đã được gửi từ biểu mẫu này" in text and "Idempotency" not in text
    assert 'name="idempotency_key" value="k-once"' not in body_of(again)
    assert len(mine(api)) == 1
