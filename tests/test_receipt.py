"""The author's receipt (issue 12, point 3; Thông tư 18/2013/TT-BKHCN, Điều 6):
on sending, the confirmation page, an email to the submitter and a printable
receipt page give the tracking code, the date received and the date by which
a decision is due; the initiative's page shows that date while it waits.

Entered at DEFAULT_NOW (21/11/2026 10:00, Vietnam time); the default
definition's overall deadline is 90 days from receipt: 19/02/2027."""
import html
import re

from tests.conftest import html_text, sent_mail
from tests.helpers import deliver, enter, failures, fire

FPT_UNIT = "cdcs-fpt-cau-giay"
RECEIVED, DUE = "21/11/2026", "19/02/2027"
SOLO = [{"full_name": "Nguyễn Văn Tư", "share_percent": 100}]


def text_of(message) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", message.body)).split())


def mail_to(address: str, since: int = 0) -> list:
    return [m for m in sent_mail()[since:] if m.destinations["ToAddresses"] == [address]]


def test_the_submitter_gets_one_receipt_email_with_the_code_and_both_dates(api, stream):
    before = len(sent_mail())
    created = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=SOLO)
    records = stream.records()
    # WHEN the stream delivers the creation three times
    for _ in range(3):
        assert failures(stream, records, "react_to_events") == []
    # THEN the submitter (their profile's address, in Vietnamese) got exactly one receipt
    [receipt] = mail_to("worker-fpt@example.vn", before)
    assert created["code"] in receipt.subject and receipt.subject.startswith("Giấy biên nhận sáng kiến")
    text = text_of(receipt)
    for words in (f"Mã theo dõi {created['code']}", f"Ngày tiếp nhận {RECEIVED}",
                  f"Hạn trả lời kết quả xét công nhận trước ngày {DUE}"):
        assert words in text, words
    assert f"/app/initiatives/{created['id']}/receipt" in receipt.body


def test_a_submitter_who_reads_english_gets_it_in_english_and_one_without_email_none(api, stream):
    before = len(sent_mail())
    created = enter(api, user="worker-fpt-en", unit_id=FPT_UNIT, authors=SOLO)
    enter(api, user="worker-gang-thep", unit_id="cdcs-gang-thep-thai-nguyen", authors=SOLO)  # no email on file
    deliver(stream)
    [receipt] = sent_mail()[before:]
    assert receipt.destinations["ToAddresses"] == ["worker-fpt-en@example.vn"]
    assert receipt.subject.startswith(f"Receipt for initiative {created['code']}")
    assert f"Date received {RECEIVED}" in text_of(receipt) and f"A decision is due by {DUE}" in text_of(receipt)


def test_the_confirmation_page_gives_the_code_the_date_received_and_the_date_due(api, pages):
    created = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=SOLO)
    page = pages.get(f"/app/initiatives/{created['id']}/sent", user="worker-fpt")
    text = html_text(page)
    assert created["code"] in text
    assert f"Ngày tiếp nhận: {RECEIVED}" in text
    assert f"Hạn trả lời kết quả xét công nhận: trước ngày {DUE}" in text
    assert f'href="/app/initiatives/{created["id"]}/receipt"' in page.body.decode()
    english = html_text(pages.get(f"/app/initiatives/{created['id']}/sent", user="worker-fpt", lang="en"))
    assert f"Received on {RECEIVED}" in english and f"A decision is due by {DUE}" in english


def test_the_printable_receipt_is_for_those_who_may_read_the_initiative(api, pages):
    created = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=SOLO)
    path = f"/app/initiatives/{created['id']}/receipt"
    page = pages.get(path, user="worker-fpt", lang="en")
    assert page.status_code == 200
    text = html_text(page)
    # Vietnamese first, then English, whatever the page's language: a paper to keep.
    assert text.index("Giấy biên nhận sáng kiến") < text.index("Receipt for an initiative")
    assert f"Mã theo dõi Tracking code {created['code']}" in text
    for words in (f"Ngày tiếp nhận Date received {RECEIVED}",
                  f"Hạn trả lời kết quả xét công nhận A decision is due by {DUE}"):
        assert words in text, words
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page.body.decode()
    # The reviewer of its unit may read it too; a worker of another union may not, nor a stranger.
    assert pages.get(path, user="reviewer-fpt").status_code == 200
    assert pages.get(path, user="worker-rang-dong").status_code == 403
    anonymous = pages.get(path)
    assert anonymous.status_code == 303 and "/app/sign-in" in anonymous.headers["Location"]


def test_the_receipt_prints_without_the_apps_chrome(pages):
    css = pages.get("/app/static/app.css").body.decode()
    printed = " ".join(block for block in re.findall(r"@media print \{(.*?)\n\}", css, re.S))
    assert ".receipt" in printed and ".account" in printed and ".top" in css.split("@media print")[1]


def test_the_initiatives_page_shows_the_date_due_while_it_waits(api, pages):
    created = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=SOLO)
    path = f"/app/initiatives/{created['id']}"
    assert f"Hạn trả lời kết quả xét công nhận: trước ngày {DUE}" in html_text(pages.get(path, user="worker-fpt"))
    fire(api, created["id"], "invalidate", 1, "reviewer-fpt", reason="Trùng với sáng kiến đã có.")
    assert "Hạn trả lời kết quả xét công nhận" not in html_text(pages.get(path, user="worker-fpt"))
