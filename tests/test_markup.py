"""The stored-markup corpus (tests/markup.py): every case is stored through
the API in every text an initiative holds (title, the situation, solution,
results, where applied, both authors' names) and in reviewers' reasons, then
read back on every page that shows user text, in the award list's Excel file
and in the emails. Nothing in it may run: no element, event handler or
javascript: URL that the page does not have of its own, each text shown
exactly as typed, and no workbook cell a formula.
"""
import io
import re
import zipfile

import boto3
import pytest

from chalicelib import settings
from tests.conftest import sent_mail
from tests import helpers
from tests.helpers import deliver, enter, fire
from tests.markup import CORPUS, FORMULA_STARTS, TEXTS, injected, shown

PHASE = "sk2627-gd1"
RECOGNIZE = {"scores": {"novelty": 10, "applicability": 10, "effectiveness": 9}}
FORMULA_SCORES = {"novelty": 10, "applicability": 10, "effectiveness": 10}


def body(response) -> str:
    return response.body.decode("utf-8") if isinstance(response.body, bytes) else response.body


def assert_inert(response, where: str, texts=(), status=(200,)) -> None:
    """The page ran nothing of what users typed and shows `texts` as typed."""
    assert response.status_code in status, (where, response.status_code)
    page = body(response)
    assert injected(page) == [], where
    missing = [text for text in texts if text not in shown(page)]
    assert not missing, (where, missing)


def stored_fields(i: int, text: str) -> dict:
    """An initiative holding `text` in every text it has."""
    return dict(title=f"{text} #{i}", problem=f"Trước đây: {text} (hiện trạng)",
                solution=f"Giải pháp: {text} (cách làm)", results=f"Kết quả: {text}", applied_where=text,
                authors=[{"full_name": text, "member_id": "worker-rang-dong", "share_percent": 60,
                          "email": "an.nguyen@example.vn"},
                         {"full_name": f"Bình {text}", "share_percent": 40, "email": "binh.tran@example.vn"}])


@pytest.fixture
def stored(api, pages, stream):
    """Each corpus case in its own initiative at Rạng Đông. Even ones are
    returned for revision with the case as the reason; odd ones validated
    (from the queue's batch form), taken up and recognised by Công Thương with
    the case as the reason. Then the stream is delivered (notifications,
    emails, counters, award candidates) and the national list compiled and
    approved. Returns {"items", "queue", "results", "list_id"}."""
    items, mail_before = [], len(sent_mail())  # moto keeps the session's emails
    for i, (_, text) in enumerate(CORPUS):
        created = enter(api, **stored_fields(i, text))
        items.append({**created, "text": text, "returned": i % 2 == 0})
    queue = pages.get("/app/queue", user="reviewer-rang-dong")
    odd = [item for item in items if not item["returned"]]
    form = [("client_token", "markup-batch"), ("event", "validate")]
    for item in odd:
        form += [("ids", item["id"]), (f"version-{item['id']}", "1")]
    results = pages.post("/app/queue/decisions", form, user="reviewer-rang-dong")
    for item in items:
        if item["returned"]:
            fire(api, item["id"], "request_revision", 1, "reviewer-rang-dong", reason=f"Cần bổ sung: {item['text']}")
        else:
            fire(api, item["id"], "start_review", 2, "reviewer-cong-thuong")
            # The formula-looking cases score highest, so the award list (which keeps the best few, ties cut
            # by tracking code) always holds them, whatever codes were drawn.
            scores = FORMULA_SCORES if item["text"].startswith(FORMULA_STARTS) else RECOGNIZE["scores"]
            fire(api, item["id"], "recognize", 3, "reviewer-cong-thuong", reason=f"Công nhận: {item['text']}",
                 confirmed_benefit_vnd=1_000_000, scores=scores)
    deliver(stream)
    status, award_list = helpers.compiled(api, "tld", PHASE, "leader-national")
    assert status == 201, award_list
    assert api.json("POST", f"/award-lists/{award_list['id']}/approve", {"confirm": True},
                    user="leader-national")[0] == 200
    return {"items": items, "queue": queue, "results": results, "list_id": award_list["id"],
            "entries": award_list["entries"], "mail_before": mail_before}


def test_the_corpus_is_stored_as_typed(api, stored):
    # Markup is text: the API keeps it exactly (nothing stripped, nothing escaped twice).
    for item in stored["items"]:
        _, detail = api.json("GET", f"/submissions/{item['id']}", user="worker-rang-dong")
        assert detail["title"] == item["title"] and detail["applied_where"] == item["text"]
        assert [a["full_name"] for a in detail["authors"]] == [item["text"], f"Bình {item['text']}"]


def test_every_page_that_shows_user_text_runs_none_of_it(pages, stored):
    items, texts = stored["items"], TEXTS
    titles = [item["title"] for item in items]
    returned = [item for item in items if item["returned"]]
    # The reviewer's queue (all pending then) and the batch decision's results
    assert_inert(stored["queue"], "queue", titles)
    assert_inert(stored["results"], "queue results", [item["title"] for item in items if not item["returned"]])
    # The worker's pages: their initiatives, the notifications, the page after sending, the edit form
    assert_inert(pages.get("/app/initiatives", user="worker-rang-dong"), "my initiatives", titles)
    notifications, address = [], "/app/notifications"
    while address:  # every page of them
        response = pages.get(address, user="worker-rang-dong")
        assert_inert(response, "notifications")
        notifications.append(shown(body(response)))
        found = re.search(r'href="(/app/notifications\?cursor=[^"]+)"', body(response))
        address = found and found.group(1).replace("&amp;", "&")
    missing = [item["title"] for item in items if f"Cần bổ sung: {item['text']}" not in "".join(notifications)
               and item["returned"]]
    assert not missing, missing
    for item in items:
        assert_inert(pages.get(f"/app/initiatives/{item['id']}/sent", user="worker-rang-dong"), "sent",
                     [item["title"]])
    for item in returned:
        assert_inert(pages.get(f"/app/initiatives/{item['id']}/edit", user="worker-rang-dong"), "edit form",
                     [item["title"], f"Trước đây: {item['text']} (hiện trạng)", item["text"],
                      f"Bình {item['text']}"])
    # One initiative's page and its history, as its author and as a reviewer
    for item in items:
        reviewer = "reviewer-rang-dong" if item["returned"] else "reviewer-cong-thuong"
        reason = f"Cần bổ sung: {item['text']}" if item["returned"] else f"Công nhận: {item['text']}"
        for user in ("worker-rang-dong", reviewer):
            assert_inert(pages.get(f"/app/initiatives/{item['id']}", user=user), f"initiative as {user}",
                         [item["title"], f"Giải pháp: {item['text']} (cách làm)", f"Kết quả: {item['text']}",
                          item["text"], f"Bình {item['text']}", reason])
    # The leader's dashboard and the award list's page
    assert_inert(pages.get(f"/app/dashboard?phase={PHASE}", user="leader-national"), "dashboard")
    listed = [entry["title"] for entry in stored["entries"]["exemplary_initiatives"]]
    assert len(listed) == 5 and all(title in titles for title in listed)
    assert_inert(pages.get(f"/app/award-lists/{stored['list_id']}", user="leader-national"), "award list",
                 listed + [name for entry in stored["entries"]["outstanding_individuals"]
                           for name in [entry["full_name"]]])
    # A form sent back with a problem shows what was typed, as typed (the worker's form, no JavaScript)
    for text in texts:
        form = [("action", "send"), ("idempotency_key", "k" * 20), ("title", text), ("problem", text),
                ("solution", text), ("results", text), ("applied_where", text), ("authors-0-full_name", text),
                ("authors-0-share_percent", "100")]
        assert_inert(pages.post("/app/submit", form, user="worker-rang-dong"), "submit form with problems",
                     [text], status=(400, 422))


def _cells(book):
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                yield sheet.title, cell


def test_the_excel_file_holds_the_corpus_as_text_never_as_formulas(stored):
    from openpyxl import load_workbook

    list_id = stored["list_id"]
    unit, phase, version = list_id.split("~")
    raw = boto3.client("s3").get_object(
        Bucket=settings.awards_bucket(), Key=f"award-lists/{unit}/{phase}/v{version}-approved.xlsx")["Body"].read()
    # No formula anywhere in the file (a formula is an <f> element of a sheet)
    with zipfile.ZipFile(io.BytesIO(raw)) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >]", package.read(name)), name
    # AND every title and name is a text cell, exactly as typed; those that look like a
    # formula carry Excel's quote prefix, so editing the cell keeps them text
    book = load_workbook(io.BytesIO(raw))
    values = {cell.value for _, cell in _cells(book) if isinstance(cell.value, str)}
    for entry in stored["entries"]["exemplary_initiatives"]:
        assert entry["title"] in values
    looks_like_formula = [(sheet, cell) for sheet, cell in _cells(book)
                          if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)]
    assert looks_like_formula, "the corpus puts formula-looking text in the file"
    for sheet, cell in looks_like_formula:
        assert cell.data_type == "s" and cell.quotePrefix, (sheet, cell.coordinate, cell.value)


def test_a_workbook_of_formula_looking_texts_stores_each_as_text():
    from openpyxl import load_workbook

    from chalicelib.awards import store, workbook

    # GIVEN a list whose every text (titles, authors, names, member ids, unit names) is a corpus case
    exemplary = [{"rank": i + 1, "submission_id": f"S{i}", "code": f"{i:05d}-00000", "title": text,
                  "authors": [{"full_name": text, "member_id": None}], "unit_id": "u", "unit_name": text,
                  "top_level_unit_id": "t", "top_level_unit_name": text,
                  "scores": {"novelty": 9, "applicability": 9, "effectiveness": 9}, "score_total": 27,
                  "confirmed_benefit_vnd": 1, "recognized_at": "2026-11-21T10:00:00.000+07:00"}
                 for i, text in enumerate(TEXTS)]
    individuals = [{"rank": i + 1, "key": f"k{i}", "full_name": text, "member_id": text, "unit_id": "u",
                    "unit_name": text, "top_level_unit_id": "t", "top_level_unit_name": text,
                    "recognized_count": 2, "score_total": 50, "confirmed_benefit_vnd": 2, "codes": [text]}
                   for i, text in enumerate(TEXTS)]
    award_list = store.AwardList(
        unit_id="tld", phase_id=PHASE, program_id="p", version=1, status=store.APPROVED,
        lists={"exemplary_initiatives": exemplary, "outstanding_individuals": individuals,
               "outstanding_collectives": []},
        counts={"exemplary_initiatives": len(exemplary), "outstanding_individuals": len(individuals),
                "outstanding_collectives": 0},
        criteria={"exemplary_initiatives": {"min_total_score": 21, "top_per_top_level_unit": 5},
                  "outstanding_individuals": {"min_recognized": 2},
                  "outstanding_collectives": {"min_recognized": 3, "require_target_reached": True}},
        content_hash="0" * 64, compiled_at="2026-11-21T10:00:00.000+07:00", compiled_by="=cmd|' /C calc'!A0",
        approved_at="2026-11-21T11:00:00.000+07:00", approved_by="@leader", workbook_key="k")
    # WHEN it is rendered (the unit's name, too, looks like a formula)
    book = load_workbook(io.BytesIO(workbook.render(award_list, "=HYPERLINK(\"http://x\")", "+phase",
                                                    {"@leader": "-Người phê duyệt"})))
    # THEN no cell is a formula, each is the text as typed, and those looking like one are quoted
    cells = list(_cells(book))
    assert not [cell.coordinate for _, cell in cells if cell.data_type == "f"]
    values = [cell.value for _, cell in cells]
    for text in TEXTS:
        assert text in values, text
    assert "=HYPERLINK(\"http://x\")" in values and "-Người phê duyệt" in values and "=cmd|' /C calc'!A0" in values
    for sheet, cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            assert cell.data_type == "s" and cell.quotePrefix, (sheet, cell.coordinate, cell.value)


def test_the_emails_run_none_of_it(stored):
    # (moto keeps the HTML part of each email sent)
    mails = sent_mail()[stored["mail_before"]:]
    authors = [mail for mail in mails if "an.nguyen@example.vn" in mail.destinations["ToAddresses"]]
    leaders = [mail for mail in mails if "leader-national@example.vn" in mail.destinations["ToAddresses"]]
    assert len(authors) >= len(CORPUS) and leaders  # each decision told to the authors, and the award list
    for mail in authors + leaders:
        assert "<html" in mail.body and injected(mail.body) == [], mail.subject
    # AND the authors read each title and reason as typed
    read = [shown(mail.body) for mail in authors]
    for item in stored["items"]:
        reason = f"Cần bổ sung: {item['text']}" if item["returned"] else f"Công nhận: {item['text']}"
        assert any(item["title"] in text and reason in text for text in read), item["title"]
    # AND the leaders read the listed titles as typed
    for entry in stored["entries"]["exemplary_initiatives"]:
        assert entry["title"] in shown(leaders[-1].body)
