"""Co-authors are invited, not made: the rights matrix (README, "Who may do
what to an initiative") cell by cell, on the API and on the pages; the
invitation itself (notification, accept, decline, double taps, races); "my
initiatives" for accepted co-authors; and who sees the authors' phones and
emails (docs/data-model.md, "Contact details").

The cast, on one FPT initiative entered by worker-fpt:
- the submitter: worker-fpt;
- an accepted co-author: worker-fpt-en (named, accepted);
- an invited member: worker-rang-dong-2 (named, never answers);
- a declined member: worker-so-y-te (named, declined);
- a stranger: worker-gang-thep (a member elsewhere, not named);
- the reviewer of its unit (acting on it while pending): reviewer-fpt;
- the reviewer of the union above (acting once it is valid): reviewer-cau-giay;
- a reviewer further up (Hà Nội) and of another unit (Rạng Đông);
- the leader of its subtree (Hà Nội), a leader elsewhere (Thanh Hóa), the national leader, an admin.
"""
import re

import pytest

from chalicelib.submissions import rules
from tests.conftest import html_text, initiative
from tests.helpers import attempt, deliver, enter, fire, table_items

FPT_UNIT = "cdcs-fpt-cau-giay"
REASON = "Cần bổ sung số liệu trước và sau khi áp dụng."
PHONE, EMAIL = "0903 111 222", "an.le@example.vn"
AUTHORS = [
    {"full_name": "Lê Quang Huy", "member_id": "worker-fpt", "share_percent": 40, "phone": PHONE, "email": EMAIL},
    {"full_name": "Phạm Minh Anh", "member_id": "worker-fpt-en", "share_percent": 20, "phone": "0903 333 444"},
    {"full_name": "Trần Văn Minh", "member_id": "worker-rang-dong-2", "share_percent": 20},
    {"full_name": "Lê Thị Thu Hà", "member_id": "worker-so-y-te", "share_percent": 20},
]

CAST = {
    "submitter": "worker-fpt",
    "accepted co-author": "worker-fpt-en",
    "invited member": "worker-rang-dong-2",
    "declined member": "worker-so-y-te",
    "stranger": "worker-gang-thep",
    "reviewer of its unit": "reviewer-fpt",
    "reviewer of the union above": "reviewer-cau-giay",
    "reviewer further up": "reviewer-ha-noi",
    "reviewer of another unit": "reviewer-rang-dong",
    "leader of its subtree": "leader-ha-noi",
    "leader elsewhere": "leader-thanh-hoa",
    "national leader": "leader-national",
    "admin": "admin",
}

# The rights matrix, as README states it. Review: the event waiting on the initiative
# (validate while pending: the grassroots reviewer's; start_review once valid: the union above's).
READ = {"submitter", "accepted co-author", "reviewer of its unit", "reviewer of the union above",
        "reviewer further up", "leader of its subtree", "national leader", "admin"}
EDIT = RESUBMIT = {"submitter", "accepted co-author"}
WITHDRAW = {"submitter"}
REVIEW_PENDING = {"reviewer of its unit"}
REVIEW_VALID = {"reviewer of the union above"}
# Who sees the authors' phones and emails (docs/data-model.md): the authors, and the reviewers who may act now.
CONTACTS_PENDING = {"submitter", "accepted co-author", "reviewer of its unit"}
CONTACTS_VALID = {"submitter", "accepted co-author", "reviewer of the union above"}


def answer(api, sid, user, given, expect=200):
    status, body = api.json("POST", f"/submissions/{sid}/invitation", {"answer": given}, user=user)
    assert status == expect, (user, given, status, body)
    return body


def version_of(api, sid, user="worker-fpt"):
    return api.json("GET", f"/submissions/{sid}", user=user)[1]["version"]


@pytest.fixture
def cast(api, stream):
    """The cast's initiative, pending, its invitations delivered and answered: (id, version)."""
    sid = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=AUTHORS)["id"]
    deliver(stream)
    answer(api, sid, "worker-fpt-en", "accept")
    answer(api, sid, "worker-so-y-te", "decline")
    deliver(stream)
    return sid, version_of(api, sid)


def page_status(pages, path, user):
    return pages.get(path, user=user).status_code


def post_event(pages, sid, user, event, version, **given):
    return pages.post(f"/app/initiatives/{sid}/events", {"event": event, "expected_version": str(version),
                                                         "client_token": f"t{event}{user}{version}"[:60], **given},
                      user=user)


# ------------------------------------------------------------------ the rights matrix, cell by cell

def test_read_cells(api, pages, cast):
    sid, _ = cast
    wrong = []
    for role, user in CAST.items():
        allowed = role in READ
        for path in (f"/submissions/{sid}", f"/submissions/{sid}/history"):
            status = api.json("GET", path, user=user)[0]
            if status != (200 if allowed else 403):
                wrong.append((role, path, status))
        status = page_status(pages, f"/app/initiatives/{sid}", user)
        if status != (200 if allowed else 403):
            wrong.append((role, "page", status))
    assert wrong == []


def test_edit_and_resubmit_cells(api, pages, cast):
    sid, version = cast
    fire(api, sid, "request_revision", version, "reviewer-fpt", reason=REASON)
    body = initiative(unit_id=FPT_UNIT, authors=AUTHORS)
    wrong = []
    for role, user in CAST.items():
        version = version_of(api, sid)
        status = api.json("PUT", f"/submissions/{sid}", dict(body, title=f"Đối soát hóa đơn – {role}"),
                          user=user, headers={"If-Match": f'"{version}"'})[0]
        if status != (200 if role in EDIT else 403):
            wrong.append((role, "PUT", status))
        # The edit page: the form for authors, back to the initiative for other readers, 403 for the rest.
        status = page_status(pages, f"/app/initiatives/{sid}/edit", user)
        if status != (200 if role in EDIT else 303 if role in READ else 403):
            wrong.append((role, "edit page", status))
        if role not in RESUBMIT:
            version = version_of(api, sid)
            status = attempt(api, sid, "resubmit", version, user)[0]
            if status != 403:
                wrong.append((role, "resubmit", status))
            status = post_event(pages, sid, user, "resubmit", version).status_code
            if status != 403:
                wrong.append((role, "resubmit page", status))
    assert wrong == []
    # Both authors may resubmit: the co-author on the API, then (returned again) the submitter on the page.
    assert attempt(api, sid, "resubmit", version_of(api, sid), "worker-fpt-en")[0] == 200
    fire(api, sid, "request_revision", version_of(api, sid), "reviewer-fpt", reason=REASON)
    assert post_event(pages, sid, "worker-fpt", "resubmit", version_of(api, sid)).status_code == 303
    assert api.json("GET", f"/submissions/{sid}", user="worker-fpt")[1]["status"] == "pending"


def test_withdraw_cells_only_the_submitter_withdraws(api, pages, cast):
    sid, version = cast
    wrong = []
    for role, user in CAST.items():
        if role in WITHDRAW:
            continue
        status = attempt(api, sid, "withdraw", version, user)[0]
        if status != 403:
            wrong.append((role, "API", status))
        status = post_event(pages, sid, user, "withdraw", version).status_code
        if status != 403:
            wrong.append((role, "page", status))
    assert wrong == []
    # The accepted co-author is not offered the button either.
    detail = api.json("GET", f"/submissions/{sid}", user="worker-fpt-en")[1]
    assert "withdraw" not in [e["event"] for e in detail["allowed_events"]]
    assert 'data-event="withdraw"' not in pages.get(f"/app/initiatives/{sid}", user="worker-fpt-en").body.decode()
    # The submitter withdraws, on the page.
    assert post_event(pages, sid, "worker-fpt", "withdraw", version).status_code == 303
    assert api.json("GET", f"/submissions/{sid}", user="worker-fpt")[1]["status"] == "withdrawn"


def test_review_cells(api, pages, cast):
    sid, version = cast
    wrong = []
    for role, user in CAST.items():
        if role in REVIEW_PENDING:
            continue
        if attempt(api, sid, "validate", version, user)[0] != 403:
            wrong.append((role, "validate"))
        if post_event(pages, sid, user, "validate", version).status_code != 403:
            wrong.append((role, "validate page"))
    assert post_event(pages, sid, "reviewer-fpt", "validate", version).status_code == 303
    version += 1
    for role, user in CAST.items():
        if role not in REVIEW_VALID and attempt(api, sid, "start_review", version, user)[0] != 403:
            wrong.append((role, "start_review"))
    assert wrong == []
    assert attempt(api, sid, "start_review", version, "reviewer-cau-giay")[0] == 200


def test_an_invitation_cannot_block_a_reviewer_only_accepting_does(api, stream):
    # GIVEN the grassroots reviewer is named as a co-author of two initiatives
    named = [dict(AUTHORS[0], share_percent=50), {"full_name": "Vũ Đức Thắng", "member_id": "reviewer-fpt",
                                                   "share_percent": 50}]
    first = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=named)["id"]
    second = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=named)["id"]
    # WHEN they do not answer (or decline) THEN they still review it
    assert attempt(api, first, "validate", 1, "reviewer-fpt")[0] == 200
    answer(api, second, "reviewer-fpt", "decline")
    version = version_of(api, second)
    assert attempt(api, second, "request_revision", version, "reviewer-fpt", reason=REASON)[0] == 200
    # WHEN they accept on a third (a real conflict, declared by accepting) THEN they may not review it
    third = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=named)["id"]
    answer(api, third, "reviewer-fpt", "accept")
    status, body = attempt(api, third, "validate", version_of(api, third), "reviewer-fpt")
    assert status == 403 and body["errors"][0]["code"] == "forbidden"


# ------------------------------------------------------------------ the invitation

def test_named_members_are_invited_in_app_once_and_only_they(api, stream):
    sid = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=AUTHORS)["id"]
    records = stream.records()
    deliver(stream, records)
    deliver(stream, records)  # a redelivery invites nobody twice
    for user in ("worker-fpt-en", "worker-rang-dong-2", "worker-so-y-te"):
        [note] = api.json("GET", "/me/notifications", user=user)[1]["items"]
        assert note["kind"] == "invitation" and note["submission_id"] == sid
        assert note["link"].endswith(f"/app/invitations/{sid}")
        assert note["message"].startswith("Bạn được ghi tên là đồng tác giả")
    # The submitter named themself: no invitation to themself; the stranger: nothing.
    assert api.json("GET", "/me/notifications", user="worker-fpt")[1]["items"] == []
    assert api.json("GET", "/me/notifications", user="worker-gang-thep")[1]["items"] == []
    # A member named with a number that is no user gets no invitation (and no rights).
    stored = api.json("GET", f"/submissions/{sid}", user="worker-fpt")[1]
    assert [a.get("invitation") for a in stored["authors"]] == [None, "invited", "invited", "invited"]


def test_until_they_accept_a_named_member_has_nothing_and_is_told_nothing(api, stream):
    sid = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=AUTHORS)["id"]
    deliver(stream)
    fire(api, sid, "request_revision", 1, "reviewer-fpt", reason=REASON)
    deliver(stream)
    # Not readable, not on their list, no state change told (only the invitation).
    assert api.json("GET", f"/submissions/{sid}", user="worker-rang-dong-2")[0] == 403
    assert api.json("GET", "/me/submissions", user="worker-rang-dong-2")[1]["items"] == []
    kinds = [n["kind"] for n in api.json("GET", "/me/notifications", user="worker-rang-dong-2")[1]["items"]]
    assert kinds == ["invitation"]
    # Their invitation says just enough to decide: no content, no contacts.
    status, view = api.json("GET", f"/submissions/{sid}/invitation", user="worker-rang-dong-2")
    assert status == 200 and view["invitation"] == "invited" and view["submitted_by"] == "Lê Quang Huy"
    assert "problem" not in view and PHONE not in str(view) and EMAIL not in str(view)


def test_a_named_member_is_emailed_about_the_initiative_only_once_they_accept(api, stream):
    from tests.conftest import sent_mail

    member_email = "thuha.le@example.vn"
    authors = [dict(a, email=member_email) if a["member_id"] == "worker-so-y-te" else a for a in AUTHORS]
    sid = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=authors)["id"]
    deliver(stream)
    before = len(sent_mail())
    # WHEN the initiative is returned while the member has not answered
    fire(api, sid, "request_revision", 1, "reviewer-fpt", reason=REASON)
    deliver(stream)
    # THEN the submitter is mailed, the member named is not
    mailed = [m.destinations["ToAddresses"][0] for m in sent_mail()[before:]]
    assert EMAIL in mailed and member_email not in mailed
    # WHEN they accept, the next news reaches them too
    answer(api, sid, "worker-so-y-te", "accept")
    fire(api, sid, "resubmit", version_of(api, sid), "worker-fpt")
    deliver(stream)
    before = len(sent_mail())
    fire(api, sid, "validate", version_of(api, sid), "reviewer-fpt")
    deliver(stream)
    assert member_email in [m.destinations["ToAddresses"][0] for m in sent_mail()[before:]]


def test_accept_twice_is_one_answer_and_the_other_answer_after_it_is_refused(api, stream):
    sid = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=AUTHORS)["id"]
    first = answer(api, sid, "worker-fpt-en", "accept")
    again = answer(api, sid, "worker-fpt-en", "accept")
    assert first == again and first["invitation"] == "accepted"
    refused = answer(api, sid, "worker-fpt-en", "decline", expect=409)
    assert refused["errors"][0]["code"] == "invitation_answered"
    answer(api, sid, "worker-so-y-te", "decline")
    answer(api, sid, "worker-so-y-te", "decline")
    answer(api, sid, "worker-so-y-te", "accept", expect=409)
    # One history event per answer, one link for the one who accepted.
    _, history = api.json("GET", f"/submissions/{sid}/history", user="worker-fpt")
    assert [e["event"] for e in history["items"]] == ["submitted", "coauthor_accepted", "coauthor_declined"]
    links = [i["sk"]["S"] for i in table_items("initiatives") if i["sk"]["S"].startswith("AUTHOR#")]
    assert links == ["AUTHOR#worker-fpt-en"]
    # A bad answer names its field; nobody else's invitation can be answered.
    status, body = api.json("POST", f"/submissions/{sid}/invitation", {"answer": "yes"}, user="worker-rang-dong-2")
    assert status == 400 and body["errors"][0]["path"] == "/answer"
    answer(api, sid, "worker-gang-thep", "accept", expect=404)
    answer(api, sid, "worker-fpt", "accept", expect=404)  # the submitter is no invitee


def test_an_answer_that_lost_a_race_with_an_edit_is_decided_again_on_what_is_stored(api):
    from chalicelib.auth.principal import Principal
    from chalicelib.submissions import store

    sid = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=AUTHORS)["id"]
    stale = store.get(sid)
    # GIVEN the submitter changed the initiative after the member's read (here: the member accepted elsewhere)
    answer(api, sid, "worker-rang-dong-2", "accept")
    member = Principal("worker-fpt-en", frozenset({"member"}), FPT_UNIT)
    # WHEN the answer is written on the stale read THEN it is refused as a race, and nothing is written
    with pytest.raises(store.Raced):
        store.answer_invitation(stale, member, rules.ACCEPTED)
    assert rules.invitation_of(store.plain(store.get(sid)), "worker-fpt-en") == rules.INVITED
    # AND the service reads again and answers
    answer(api, sid, "worker-fpt-en", "accept")


def test_accepted_co_authors_see_it_in_my_initiatives_and_lose_it_when_dropped(api, pages, stream):
    mine = enter(api, user="worker-fpt-en", unit_id=FPT_UNIT,
                 authors=[{"full_name": "Phạm Minh Anh", "share_percent": 100}])["id"]
    sid = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=AUTHORS)["id"]
    assert [i["id"] for i in api.json("GET", "/me/submissions", user="worker-fpt-en")[1]["items"]] == [mine]
    answer(api, sid, "worker-fpt-en", "accept")
    listed = api.json("GET", "/me/submissions", user="worker-fpt-en")[1]["items"]
    assert [(i["id"], i.get("coauthor")) for i in listed] == [(sid, True), (mine, None)]
    # Paging goes through both kinds of row.
    first = api.json("GET", "/me/submissions?limit=1", user="worker-fpt-en")[1]
    second = api.json("GET", f"/me/submissions?limit=1&cursor={first['next_cursor']}", user="worker-fpt-en")[1]
    assert [i["id"] for i in first["items"] + second["items"]] == [sid, mine]
    assert "Đồng tác giả" in html_text(pages.get("/app/initiatives", user="worker-fpt-en"))
    # WHEN the authors drop them (returned, edited) THEN they lose it: no list row, no read
    fire(api, sid, "request_revision", version_of(api, sid), "reviewer-fpt", reason=REASON)
    body = initiative(unit_id=FPT_UNIT, authors=[dict(AUTHORS[0], share_percent=100)])
    assert api.json("PUT", f"/submissions/{sid}", body, user="worker-fpt")[0] == 200
    assert [i["id"] for i in api.json("GET", "/me/submissions", user="worker-fpt-en")[1]["items"]] == [mine]
    assert api.json("GET", f"/submissions/{sid}", user="worker-fpt-en")[0] == 403
    assert not [i for i in table_items("initiatives") if i["sk"]["S"].startswith("AUTHOR#")]


def test_an_edit_invites_only_the_members_it_adds_and_keeps_the_answers_given(api, stream):
    three = AUTHORS[:2] + [dict(AUTHORS[2], share_percent=40)]
    sid = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=three)["id"]
    deliver(stream)
    answer(api, sid, "worker-fpt-en", "accept")
    fire(api, sid, "request_revision", version_of(api, sid), "reviewer-fpt", reason=REASON)
    deliver(stream)
    # The accepted co-author edits: adds worker-so-y-te; an `invitation` in the body is not the editor's to set.
    tampered = [dict(a) for a in AUTHORS]
    tampered[3]["invitation"] = "accepted"
    body = initiative(unit_id=FPT_UNIT, authors=tampered)
    assert api.json("PUT", f"/submissions/{sid}", body, user="worker-fpt-en")[0] == 400
    body = initiative(unit_id=FPT_UNIT, authors=AUTHORS)
    status, edited = api.json("PUT", f"/submissions/{sid}", body, user="worker-fpt-en")
    assert status == 200
    assert [a.get("invitation") for a in edited["authors"]] == [None, "accepted", "invited", "invited"]
    deliver(stream)

    def kinds(user):
        return [n["kind"] for n in api.json("GET", "/me/notifications", user=user)[1]["items"]]
    assert kinds("worker-so-y-te") == ["invitation"]
    assert kinds("worker-rang-dong-2") == ["invitation"]  # invited once, when first named
    assert api.json("GET", f"/submissions/{sid}", user="worker-so-y-te")[0] == 403


def test_the_invitation_on_the_pages_notification_and_its_own_page(api, pages, stream):
    sid = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=AUTHORS)["id"]
    deliver(stream)
    # The notification offers both answers, as buttons of the invitation's form.
    listed = pages.get("/app/notifications", user="worker-fpt-en")
    html = listed.body.decode()
    assert f'formaction="/app/invitations/{sid}"' in html and 'value="accept"' in html and 'value="decline"' in html
    # The invitation's page: title, code, who named them, and the two buttons; nothing of the content.
    shown = pages.get(f"/app/invitations/{sid}", user="worker-fpt-en")
    text = html_text(shown)
    assert shown.status_code == 200 and "Lê Quang Huy đã ghi tên bạn" in text and "Chưa trả lời" in text
    assert PHONE not in text and "Nhận lời" in text and "Từ chối" in text
    # Accept from the notification (a double tap: the same post twice).
    form = {"answer": "accept", "ids": "x"}
    for _ in range(2):
        sent = pages.post(f"/app/invitations/{sid}", form, user="worker-fpt-en")
        assert sent.status_code == 303 and sent.headers["Location"].endswith(f"/app/invitations/{sid}?done=accepted")
    after = html_text(pages.get(f"/app/invitations/{sid}?done=accepted", user="worker-fpt-en"))
    assert "Bạn đã nhận lời" in after and "Mở sáng kiến" in after
    assert "Đã nhận lời" in html_text(pages.get("/app/notifications", user="worker-fpt-en"))
    assert pages.get(f"/app/initiatives/{sid}", user="worker-fpt-en").status_code == 200
    # The other answer now: 409, the page says the answer that stands.
    refused = pages.post(f"/app/invitations/{sid}", {"answer": "decline"}, user="worker-fpt-en")
    assert refused.status_code == 409 and "Đã nhận lời" in html_text(refused)
    # Decline on the page; the initiative stays closed to them.
    assert pages.post(f"/app/invitations/{sid}", {"answer": "decline"}, user="worker-so-y-te").status_code == 303
    assert pages.get(f"/app/initiatives/{sid}", user="worker-so-y-te").status_code == 403
    # Nobody else's invitation: 404, on the page too.
    assert pages.get(f"/app/invitations/{sid}", user="worker-gang-thep").status_code == 404
    assert pages.post(f"/app/invitations/{sid}", {"answer": "accept"}, user="worker-gang-thep").status_code == 404
    # The initiative's page shows each named member's answer.
    shown = html_text(pages.get(f"/app/initiatives/{sid}", user="worker-fpt"))
    assert "(đã nhận lời)" in shown and "(chờ nhận lời)" in shown and "(đã từ chối)" in shown


# ------------------------------------------------------------------ contact details

def contacts_seen(detail: dict) -> bool:
    found = [k for a in detail["authors"] for k in ("phone", "email") if k in a]
    return bool(found)


def test_contact_cells_follow_who_may_act_now(api, pages, cast):
    sid, version = cast
    wrong = []
    for state, may_see in (("pending", CONTACTS_PENDING), ("valid", CONTACTS_VALID)):
        if state == "valid":
            fire(api, sid, "validate", version, "reviewer-fpt")
        for role, user in CAST.items():
            if role not in READ:
                continue
            detail = api.json("GET", f"/submissions/{sid}", user=user)[1]
            if contacts_seen(detail) != (role in may_see):
                wrong.append((state, role, "API"))
            page = html_text(pages.get(f"/app/initiatives/{sid}", user=user))
            if (PHONE in page or EMAIL in page) != (role in may_see):
                wrong.append((state, role, "page"))
            # Whatever else they see is the same initiative.
            assert detail["title"] and [a["full_name"] for a in detail["authors"]] == [a["full_name"] for a in AUTHORS]
    assert wrong == []


def test_a_decision_answers_with_contacts_only_when_the_decider_still_acts(api, cast):
    sid, version = cast
    # The grassroots reviewer validates: it now waits for the union above, so the answer leaves the contacts out.
    validated = fire(api, sid, "validate", version, "reviewer-fpt")["submission"]
    assert not contacts_seen(validated)
    # The union above starts its review: it still acts on it, so it sees them.
    started = fire(api, sid, "start_review", version + 1, "reviewer-cau-giay")["submission"]
    assert contacts_seen(started)
    # A final state waits for nobody: only the authors see them.
    recognized = fire(api, sid, "recognize", version + 2, "reviewer-cau-giay",
                      scores={"novelty": 8, "applicability": 8, "effectiveness": 8},
                      confirmed_benefit_vnd=100_000_000)["submission"]
    assert not contacts_seen(recognized)
    assert contacts_seen(api.json("GET", f"/submissions/{sid}", user="worker-fpt-en")[1])
    assert not contacts_seen(api.json("GET", f"/submissions/{sid}", user="reviewer-cau-giay")[1])


def test_the_queue_and_lists_carry_no_contacts(api, cast):
    sid, _ = cast
    queue = api.json("GET", "/queue", user="reviewer-fpt")[1]
    assert sid in [i["id"] for i in queue["items"]]
    assert not re.search(r"0903|@example", str(queue))


# ------------------------------------------------------------------ the demo

def test_the_local_run_starts_with_an_invitation_waiting_for_a_demo_user(api, pages):
    from chalicelib import streams
    from scripts import seed_demo
    from tests.conftest import DEMO_DIR

    import json
    import os

    with open(os.path.join(DEMO_DIR, "initiatives.json"), encoding="utf-8") as f:
        demo = len(json.load(f)["initiatives"])
    handlers = [streams.count_changes, streams.react_to_events]
    # The hand-made initiatives alone (the generated bulk beside them: tests/test_demo_bulk.py)
    assert seed_demo.seed(DEMO_DIR, handlers, bulk=0) == demo
    assert seed_demo.seed(DEMO_DIR, handlers, bulk=0) == demo  # fixed Idempotency-Keys: a restart enters nothing twice
    assert len([i for i in table_items("initiatives") if i["sk"]["S"] == "META"]) == demo
    [note] = api.json("GET", "/me/notifications", user="worker-fpt-en")[1]["items"]
    assert note["kind"] == "invitation"
    shown = html_text(pages.get(f"/app/invitations/{note['submission_id']}", user="worker-fpt-en"))
    assert "Lê Quang Huy đã ghi tên bạn" in shown and "Nhận lời" in shown
    assert [i["id"] for i in api.json("GET", "/me/submissions", user="worker-fpt")[1]["items"]] == [
        note["submission_id"]]
    # AND the demo's queues run against their deadlines: overdue at the union (Công đoàn Công Thương is told),
    # overdue at Công đoàn Công Thương's desk (the national unit is told), the rest due on a date
    below = api.json("GET", "/queue/overdue", user="reviewer-cong-thuong")[1]["items"]
    assert [i["title"] for i in below] == ["Đồ gá định vị nhanh khi thay khuôn dập nắp bóng đèn"]
    national = api.json("GET", "/queue/overdue", user="leader-national")[1]["items"]
    assert sorted(i["waiting_at"] for i in national) == ["cd-cong-thuong", "cd-cong-thuong"]
    waiting = api.json("GET", "/queue", user="reviewer-rang-dong")[1]["items"]
    assert all(i["due_at"] for i in waiting) and sum(bool(i["overdue_since"]) for i in waiting) == 1


def test_an_answered_invitation_no_longer_waits_in_the_unread_count(api, stream):
    sid = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=AUTHORS)["id"]
    deliver(stream)

    def unread(user):
        return api.json("GET", "/me/notifications", user=user)[1]["unread"]

    assert unread("worker-fpt-en") == unread("worker-so-y-te") == 1
    # WHEN one accepts and one declines, and the stream delivers the answers (twice: it redelivers)
    answer(api, sid, "worker-fpt-en", "accept")
    answer(api, sid, "worker-so-y-te", "decline")
    records = stream.records()
    deliver(stream, records)
    deliver(stream, records)
    # THEN their invitations are read; the one still open stays unread
    assert unread("worker-fpt-en") == unread("worker-so-y-te") == 0
    assert unread("worker-rang-dong-2") == 1
    items = api.json("GET", "/me/notifications", user="worker-fpt-en")[1]["items"]
    assert [(i["kind"], i["read"]) for i in items] == [("invitation", True)]
