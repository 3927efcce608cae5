"""The bad-input corpus (tests/bad_inputs.py): every case is refused with a 4xx
that names its field (or "" for the body or a header), and nothing is stored
in any table. Then what is cleaned rather than refused: NFD made NFC, invisible
characters removed, markup stored as typed and escaped where it is shown."""
import json
import re

import pytest

from tests import helpers
from tests.bad_inputs import CASES, MEMBER, REVIEWER
from tests.conftest import html_text, initiative

MIN_CASES = 60
# The tables a request can write to, counted around every case; the reference table (thousands of
# units, written only by the loader) is counted once around the whole corpus.
WRITTEN = ("initiatives", "idempotency", "counters", "notifications", "awards")


def item_counts(kinds=None) -> dict:
    """How many items each table (of `kinds`, default all) holds (Select=COUNT, every page)."""
    from chalicelib import aws, tables

    counts = {}
    for kind, table in tables.TABLES.items():
        if kinds is not None and kind not in kinds:
            continue
        total, start = 0, {}
        while True:
            page = aws.dynamodb().scan(TableName=table.model.Meta.table_name, Select="COUNT", **start)
            total += page["Count"]
            if "LastEvaluatedKey" not in page:
                break
            start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
        counts[kind] = total
    return counts


@pytest.fixture
def stage(api):
    """An initiative waiting at Rạng Đông ({sid}), one returned to its author ({rid}),
    and the key "corpus-replayed-key" used once."""
    sid = api.json("POST", "/submissions", initiative(), user=MEMBER)[1]["id"]
    rid = api.json("POST", "/submissions", initiative(), user=MEMBER)[1]["id"]
    helpers.fire(api, rid, "request_revision", 1, REVIEWER, reason="Cần bổ sung số liệu trước và sau.")
    first = api.request("POST", "/submissions", initiative(), user=MEMBER,
                        headers={"Idempotency-Key": "corpus-replayed-key"})
    assert first.status_code == 201
    return {"sid": sid, "rid": rid}


def payload(case) -> bytes:
    if "raw" in case:
        return case["raw"]
    if "json" in case:
        return json.dumps(case["json"], ensure_ascii=False).encode()
    if "body" not in case:
        return b""
    body = initiative(**case["body"].get("fields", {}))
    if "author" in case["body"]:
        body["authors"] = [{**body["authors"][0], **case["body"]["author"]}, *body["authors"][1:]]
    return json.dumps(body, ensure_ascii=False).encode()


def refusal_problem(api, stage, case) -> str | None:
    """What is wrong with the answer to `case` (None when it is refused as it must be)."""
    method, path = case["send"]
    headers = {"Content-Type": "application/json", "Accept-Language": "en", **case.get("headers", {}),
               "Authorization": f"Bearer {api.token(case.get('user', MEMBER))}"}
    before = item_counts(WRITTEN)
    response = api.client.http.request(method, path.format(**stage), headers=headers, body=payload(case))
    try:
        body = json.loads(response.body)
    except ValueError:
        return f"{response.status_code}, not our error shape: {response.body[:200]!r}"
    if not 400 <= response.status_code < 500 or response.status_code in (401, 403):
        return f"answered {response.status_code}: {str(body)[:300]}"
    named = [error["path"] for error in body["errors"]]
    if case["where"] not in named:
        return f"{response.status_code} names {named}, not {case['where']!r}: {body['errors']}"
    if not all(error["message"] and error["code"] for error in body["errors"]):
        return f"an error without its code or message: {body['errors']}"
    after = item_counts(WRITTEN)
    if after != before:
        return f"stored something: {before} -> {after}"
    return None


def test_the_corpus_is_large_and_named_once():
    ids = [case["id"] for case in CASES]
    assert len(ids) >= MIN_CASES and len(ids) == len(set(ids))


def test_every_bad_input_is_refused_naming_its_field_and_nothing_is_stored(api, stage):
    # One test for the whole corpus (the tables are made once): every case is tried, and every one that
    # is not refused as it must be is reported together.
    reference = item_counts(["reference"])
    wrong = {case["id"]: problem for case in CASES if (problem := refusal_problem(api, stage, case))}
    assert item_counts(["reference"]) == reference
    print(f"\nbad-input corpus: {len(CASES)} cases, {len(CASES) - len(wrong)} refused with their field named "
          f"and nothing stored")
    assert not wrong, "\n".join(f"{case_id}: {problem}" for case_id, problem in wrong.items())


# ------------------------------------------------------------ cleaned, not refused

def test_nfd_and_invisible_characters_are_cleaned_before_storing(api):
    import unicodedata

    title = unicodedata.normalize("NFD", "Cải tiến khuôn ép") + "\u200b\u202e đèn\ufeff LED\u2060"
    name = "\u200dNguy\u00ad" + unicodedata.normalize("NFD", "ễn Văn An") + "\u3164"
    body = initiative(title=title, authors=[{"full_name": name, "member_id": MEMBER, "share_percent": 100}])
    status, stored = api.json("POST", "/submissions", body, user=MEMBER)
    assert status == 201, stored
    assert stored["title"] == "Cải tiến khuôn ép đèn LED"
    assert stored["authors"][0]["full_name"] == "Nguyễn Văn An"
    # the same text typed the other way is the same initiative text, and search finds it
    assert stored["title"] == unicodedata.normalize("NFC", stored["title"])


def test_invisible_characters_are_cleaned_from_a_web_form_too(pages):
    form = {"title": "\u200b" * 8, "unit_id": "cdcs-rang-dong", "subject_group": "enterprise-workers",
            "field": "productivity", "problem": "Khuôn ép cũ làm hỏng 3% đuôi đèn.",
            "solution": "Thiết kế lại rãnh thoát khí của khuôn.", "results": "Tỷ lệ hỏng giảm còn 0,5%.",
            "applied_from": "2026-03-01", "authors-0-full_name": "\u202e\u200d",
            "authors-0-share_percent": "100", "action": "send"}
    before = item_counts()
    response = pages.post("/app/submit", form, user=MEMBER)
    assert 400 <= response.status_code < 500
    html = response.body.decode("utf-8")
    for name in ("title", "authors-0-full_name"):
        tag = re.search(r'<(?:input|textarea)[^>]*name="%s"[^>]*>' % name, html)
        assert tag and 'aria-invalid="true"' in tag.group(0), name
    assert item_counts() == before


MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_markup_is_stored_as_typed_and_escaped_where_shown(api, pages):
    status, stored = api.json("POST", "/submissions", initiative(title="Sáng kiến " + MARKUP), user=MEMBER)
    assert status == 201 and stored["title"] == "Sáng kiến " + MARKUP
    page = pages.get(f"/app/initiatives/{stored['id']}/sent", user=MEMBER).body.decode("utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_invisible_characters_go_before_nfc_so_letters_and_accents_join():
    from chalicelib import text

    assert text.normalize("e\u200b\u0301") == "\u00e9"  # the accent joins its letter once the space between goes
    assert text.normalize({"a": ["\ufeff  Đèn\u200d LED \u2060"]}) == {"a": ["Đèn LED"]}
    assert text.normalize("\u202e\u200b\u3164") == ""
    assert text.normalize("Tab\tand\nnewline stay") == "Tab\tand\nnewline stay"


def test_depth_is_measured_without_recursion():
    from chalicelib.api.http import depth_over

    deep = []
    for _ in range(100_000):
        deep = [deep]
    assert depth_over(deep, 32)
    assert not depth_over({"authors": [{"full_name": "An"}]}, 3)
    assert depth_over({"authors": [{"x": []}]}, 3)
