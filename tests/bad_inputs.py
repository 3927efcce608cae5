"""The bad-input corpus: requests every one of which must be refused with a 4xx
naming what is wrong (the field's JSON Pointer, or "" for the body or a header)
and must store nothing. tests/test_bad_input.py replays them.

A case: `id`; `send` (method, path: `{sid}` is an initiative waiting at
Rạng Đông, `{rid}` one returned to its author); `user`; one of `body` (a
submission: tests/events/submission.json with `fields` changed, and `author`
changed in the first author), `json` (any JSON value), `raw` (bytes as sent);
`headers`; `where`: the path the answer must name. Markup is not here: it is
stored as typed and escaped when shown (tests/test_bad_input.py checks that
too, with the text-cleaning cases that are accepted).
"""
import json

DEEP = 1000
MB = 1024 * 1024


def sub(**fields):
    return {"fields": fields}


def author(**fields):
    return {"author": fields}


def surrogate(template: dict) -> bytes:
    """JSON as a client would send it, with Python's lone surrogates written as \\ud800 escapes."""
    return json.dumps(template, ensure_ascii=True).encode()


def nested(depth: int, leaf="x") -> bytes:
    return ("[" * depth + json.dumps(leaf) + "]" * depth).encode()


NFD_SHORT_TITLE = "\u1ec0\u1ec7"  # "Ềệ": 2 letters, 6 code points once decomposed
ZW = "\u200b"  # zero-width space
POST, PUT, GET = "POST", "PUT", "GET"
SUBMIT = (POST, "/submissions")
EDIT = (PUT, "/submissions/{rid}")
FIRE = (POST, "/submissions/{sid}/transitions")
MEMBER, REVIEWER = "worker-rang-dong", "reviewer-rang-dong"

CASES = [
    # ---- Unicode: NFD, control characters, invisible (Cf) characters, lone surrogates
    dict(id="nfd-title-too-short-once-composed", send=SUBMIT, body=sub(title=__import__("unicodedata").normalize(
        "NFD", NFD_SHORT_TITLE)), where="/title"),
    dict(id="nfd-name-one-letter", send=SUBMIT, body=author(full_name="E\u0323\u0302"), where="/authors/0/full_name"),
    dict(id="nfd-unit-id", send=SUBMIT, body=sub(unit_id="cdcs-ra\u0323ng-dong"), where="/unit_id"),
    dict(id="control-nul-title", send=SUBMIT, body=sub(title="Cải tiến\x00 khuôn ép"), where="/title"),
    dict(id="control-escape-title", send=SUBMIT, body=sub(title="Cải tiến \x1b[31mkhuôn"), where="/title"),
    dict(id="control-del-problem", send=SUBMIT, body=sub(problem="Khuôn ép cũ làm hỏng \x7f3% đuôi đèn."),
         where="/problem"),
    dict(id="control-c1-name", send=SUBMIT, body=author(full_name="Nguyễn\x85Văn An"), where="/authors/0/full_name"),
    dict(id="control-lone-cr-title", send=SUBMIT, body=sub(title="Cải tiến\rkhuôn ép"), where="/title"),
    dict(id="control-bell-reason", send=FIRE, user=REVIEWER,
         json={"event": "invalidate", "expected_version": 1, "reason": "Trùng \x07 với sáng kiến khác"},
         where="/reason"),
    dict(id="tab-in-single-line-title", send=SUBMIT, body=sub(title="Cải tiến\tkhuôn ép"), where="/title"),
    dict(id="newline-in-applied-where", send=SUBMIT, body=sub(applied_where="Phân xưởng\nĐèn LED"),
         where="/applied_where"),
    dict(id="cf-title-only-zero-width-spaces", send=SUBMIT, body=sub(title=ZW * 10), where="/title"),
    dict(id="cf-title-only-bom", send=SUBMIT, body=sub(title="\ufeff" * 6), where="/title"),
    dict(id="cf-title-only-rlo-and-joiners", send=SUBMIT, body=sub(title="\u202e\u200d\u200c\u2060\u202c"),
         where="/title"),
    dict(id="cf-title-too-short-without-them", send=SUBMIT, body=sub(title="Đ" + ZW * 20 + "n"), where="/title"),
    dict(id="cf-name-only-joiners", send=SUBMIT, body=author(full_name="\u200d\u200d\u200d"),
         where="/authors/0/full_name"),
    dict(id="cf-name-one-letter-and-invisibles", send=SUBMIT, body=author(full_name="A\u200b\u2063\u00ad"),
         where="/authors/0/full_name"),
    dict(id="hangul-filler-name", send=SUBMIT, body=author(full_name="\u3164\u3164\u3164"),
         where="/authors/0/full_name"),
    dict(id="cf-solution-soft-hyphens", send=SUBMIT, body=sub(solution="\u00ad" * 40), where="/solution"),
    dict(id="cf-reason-only-invisible", send=FIRE, user=REVIEWER,
         json={"event": "invalidate", "expected_version": 1, "reason": ZW * 30}, where="/reason"),
    dict(id="cf-edit-title-only-invisible", send=EDIT, body=sub(title="\u2066\u2069" * 5), where="/title"),
    dict(id="lone-high-surrogate-title", send=SUBMIT, raw=surrogate({"title": "C\ud800"}), where="/title"),
    dict(id="lone-low-surrogate-name", send=SUBMIT,
         raw=surrogate({"authors": [{"full_name": "\udc00An", "share_percent": 100}]}),
         where="/authors/0/full_name"),
    dict(id="lone-surrogate-reason", send=FIRE, user=REVIEWER,
         raw=surrogate({"event": "invalidate", "expected_version": 1, "reason": "Trùng lặp C\ud800 với"}),
         where="/reason"),
    dict(id="lone-surrogate-in-a-key", send=SUBMIT, raw=surrogate({"ti\ud801tle": "x"}), where=""),
    dict(id="lone-surrogate-edit", send=EDIT, raw=surrogate({"title": "\udfff" * 8}), where="/title"),
    # ---- structure: deep nesting, size
    dict(id="deep-nesting-1000-submit", send=SUBMIT, raw=nested(DEEP), where=""),
    dict(id="deep-nesting-1000-transition", send=FIRE, user=REVIEWER, raw=nested(DEEP, {}), where=""),
    dict(id="deep-nesting-1000-edit", send=EDIT, raw=nested(DEEP), where=""),
    dict(id="deep-nesting-1000-decisions", send=(POST, "/queue/decisions"), user=REVIEWER, raw=nested(DEEP),
         where=""),
    dict(id="deep-nesting-30000", send=SUBMIT, raw=nested(30000), where=""),
    dict(id="deep-nesting-40-in-a-field", send=SUBMIT, raw=b'{"title": ' + nested(40) + b"}", where=""),
    dict(id="string-of-1-mb", send=SUBMIT, body=sub(title="Đ" * MB), where=""),
    dict(id="string-of-1-mb-edit", send=EDIT, body=sub(solution="a" * MB), where=""),
    dict(id="title-of-54-kb", send=SUBMIT, body=sub(title="Khuon " * 9000), where="/title"),
    dict(id="solution-too-long", send=SUBMIT, body=sub(solution="Thiết kế lại. " * 700), where="/solution"),
    # ---- wrong types
    dict(id="title-a-number", send=SUBMIT, body=sub(title=12345), where="/title"),
    dict(id="authors-a-string", send=SUBMIT, body=sub(authors="Nguyễn Văn An"), where="/authors"),
    # (found by the fuzzer: a list as the event's name was looked up as a dict key, a 500)
    dict(id="decisions-event-a-list", send=(POST, "/queue/decisions"), user=REVIEWER,
         json={"event": ["validate"], "items": [{"id": "01M8MX0ZVDBJ9P7HMKWWTKRSN5", "expected_version": 1}]},
         where="/event"),
    dict(id="transition-event-a-list", send=FIRE, user=REVIEWER, json={"event": ["validate"], "expected_version": 1},
         where="/event"),
    dict(id="benefit-a-string", send=SUBMIT, body=sub(benefit_vnd="1.500.000"), where="/benefit_vnd"),
    dict(id="benefit-a-fraction", send=SUBMIT, body=sub(benefit_vnd=1500000.5), where="/benefit_vnd"),
    dict(id="benefit-a-boolean", send=SUBMIT, body=sub(benefit_vnd=True), where="/benefit_vnd"),
    dict(id="share-a-string", send=SUBMIT, body=author(share_percent="60"), where="/authors/0/share_percent"),
    dict(id="date-a-number", send=SUBMIT, body=sub(applied_from=20260301), where="/applied_from"),
    dict(id="body-an-array", send=SUBMIT, json=[], where=""),
    dict(id="body-a-string", send=SUBMIT, json="Cải tiến khuôn ép", where=""),
    dict(id="body-null", send=SUBMIT, json=None, where=""),
    dict(id="expected-version-a-string", send=FIRE, user=REVIEWER, json={"event": "validate", "expected_version": "1"},
         where="/expected_version"),
    dict(id="mark-read-ids-a-string", send=(POST, "/me/notifications/read"), json={"ids": "abc"}, where="/ids"),
    # ---- money
    dict(id="money-negative", send=SUBMIT, body=sub(benefit_vnd=-1500000), where="/benefit_vnd"),
    dict(id="money-past-the-maximum", send=SUBMIT, body=sub(benefit_vnd=10 ** 16), where="/benefit_vnd"),
    dict(id="money-400-digits", send=SUBMIT, body=sub(benefit_vnd=10 ** 400), where="/benefit_vnd"),
    dict(id="money-5000-digits", send=SUBMIT, raw=b'{"benefit_vnd": 1' + b"0" * 5000 + b"}", where=""),
    dict(id="money-exponent", send=SUBMIT, body=sub(benefit_vnd=1e30), where="/benefit_vnd"),
    dict(id="money-nan", send=SUBMIT, raw=b'{"benefit_vnd": NaN}', where=""),
    dict(id="money-infinity", send=SUBMIT, raw=b'{"benefit_vnd": -Infinity}', where=""),
    dict(id="confirmed-benefit-negative", send=FIRE, user=REVIEWER,
         json={"event": "validate", "expected_version": 1, "confirmed_benefit_vnd": -1},
         where="/confirmed_benefit_vnd"),
    # ---- dates
    dict(id="date-in-the-future", send=SUBMIT, body=sub(applied_from="2030-01-01"), where="/applied_from"),
    dict(id="date-tomorrow", send=SUBMIT, body=sub(applied_from="2026-11-22"), where="/applied_from"),
    dict(id="date-impossible", send=SUBMIT, body=sub(applied_from="2026-02-30"), where="/applied_from"),
    dict(id="date-vietnamese-order", send=SUBMIT, body=sub(applied_from="01/03/2026"), where="/applied_from"),
    dict(id="date-before-the-program", send=SUBMIT, body=sub(applied_from="2001-01-01"), where="/applied_from"),
    dict(id="edit-date-in-the-future", send=EDIT, body=sub(applied_from="2031-12-31"), where="/applied_from"),
    # ---- shares
    dict(id="shares-90", send=SUBMIT, body=sub(authors=[{"full_name": "Nguyễn Văn An", "share_percent": 60},
                                                        {"full_name": "Trần Thị Bình", "share_percent": 30}]),
         where="/authors"),
    dict(id="shares-110", send=SUBMIT, body=sub(authors=[{"full_name": "Nguyễn Văn An", "share_percent": 70},
                                                         {"full_name": "Trần Thị Bình", "share_percent": 40}]),
         where="/authors"),
    dict(id="share-zero", send=SUBMIT, body=sub(authors=[{"full_name": "Nguyễn Văn An", "share_percent": 100},
                                                         {"full_name": "Trần Thị Bình", "share_percent": 0}]),
         where="/authors/1/share_percent"),
    dict(id="share-over-100", send=SUBMIT, body=author(share_percent=160), where="/authors/0/share_percent"),
    # ---- unknown ids and values
    dict(id="unknown-unit", send=SUBMIT, body=sub(unit_id="cdcs-khong-co-that"), where="/unit_id"),
    dict(id="unit-not-grassroots", send=SUBMIT, body=sub(unit_id="ldld-ha-noi"), where="/unit_id"),
    dict(id="unknown-subject-group", send=SUBMIT, body=sub(subject_group="aliens"), where="/subject_group"),
    dict(id="unknown-field", send=SUBMIT, body=sub(field="astrology"), where="/field"),
    dict(id="markup-as-a-unit-id", send=SUBMIT, body=sub(unit_id="<script>alert(1)</script>"), where="/unit_id"),
    dict(id="unknown-event", send=FIRE, user=REVIEWER, json={"event": "approve", "expected_version": 1},
         where="/event"),
    dict(id="unknown-submission-id", send=(POST, "/submissions/01HZZZZZZZZZZZZZZZZZZZZZZZ/transitions"),
         user=REVIEWER, json={"event": "validate", "expected_version": 1}, where=""),
    dict(id="unknown-property", send=SUBMIT, body=sub(is_admin=True), where="/is_admin"),
    dict(id="unknown-author-property", send=SUBMIT, body=author(role="owner"), where="/authors/0/role"),
    dict(id="unknown-language", send=SUBMIT, body=author(language="fr"), where="/authors/0/language"),
    dict(id="email-not-an-address", send=SUBMIT, body=author(email="an.nguyen at example"),
         where="/authors/0/email"),
    dict(id="phone-letters", send=SUBMIT, body=author(phone="số máy bàn"), where="/authors/0/phone"),
    dict(id="no-authors", send=SUBMIT, body=sub(authors=[]), where="/authors"),
    dict(id="score-out-of-range", send=FIRE, user=REVIEWER,
         json={"event": "validate", "expected_version": 1, "scores": {"novelty": 11}}, where="/scores/novelty"),
    dict(id="unit-changed-on-edit", send=EDIT, body=sub(unit_id="cdcs-fpt-cau-giay"), where="/unit_id"),
    # ---- keys, JSON and content types
    dict(id="replayed-key-other-body", send=SUBMIT, body=sub(title="Một nội dung khác cho cùng khóa"),
         headers={"Idempotency-Key": "corpus-replayed-key"}, where=""),
    dict(id="idempotency-key-with-spaces", send=SUBMIT, body=sub(), headers={"Idempotency-Key": "not a key"},
         where=""),
    dict(id="idempotency-key-too-long", send=SUBMIT, body=sub(), headers={"Idempotency-Key": "k" * 101}, where=""),
    dict(id="if-match-not-a-version", send=EDIT, body=sub(), headers={"If-Match": "W/\"abc\""}, where=""),
    dict(id="broken-json", send=SUBMIT, raw='{"title": "Cải tiến'.encode(), where=""),
    dict(id="json-trailing-comma", send=SUBMIT, raw=b'{"title": "x",}', where=""),
    dict(id="json-single-quotes", send=SUBMIT, raw=b"{'title': 'x'}", where=""),
    dict(id="empty-body", send=SUBMIT, raw=b"", where=""),
    dict(id="not-utf-8", send=SUBMIT, raw='{"title": "Đèn LED"}'.encode("cp1258"), where=""),
    dict(id="utf-16-body", send=SUBMIT, raw='{"title": "x"}'.encode("utf-16"), where=""),
    dict(id="wrong-content-type-text", send=SUBMIT, body=sub(), headers={"Content-Type": "text/plain"}, where=""),
    dict(id="wrong-content-type-form", send=SUBMIT, raw=b"title=abc",
         headers={"Content-Type": "application/x-www-form-urlencoded"}, where=""),
    dict(id="wrong-content-type-xml", send=FIRE, user=REVIEWER, raw=b"<event>validate</event>",
         headers={"Content-Type": "application/xml"}, where=""),
    # ---- query strings
    dict(id="cursor-zero", send=(GET, "/me/submissions?cursor=0"), where="/cursor"),
    dict(id="cursor-forged", send=(GET, "/queue?cursor=eyJwayI6IlVTRVIjYWRtaW4ifQ"), user=REVIEWER,
         where="/cursor"),
    dict(id="limit-huge", send=(GET, "/me/submissions?limit=100000"), where="/limit"),
    dict(id="search-one-letter", send=(GET, "/units?q=a"), where="/q"),
    dict(id="search-only-invisible", send=(GET, "/units?q=%E2%80%8B%E2%80%8B%E2%80%8B"), where="/q"),
    dict(id="queue-unknown-state", send=(GET, "/queue?state=Pending!"), user=REVIEWER, where="/state"),
]
