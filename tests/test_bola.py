"""The BOLA matrix: every route of the app (read from Chalice's own route
table, API and pages alike) × every role to which an object is foreign × that
object: another author's initiative, an invitation not addressed to you,
another unit's queue, the figures and award lists of a foreign subtree,
another user's notifications and lists (a cursor naming their partition), a
key another user sent. Each attempt must be refused, and refused without a
trace (nothing the victim owns changes). A route added without a case here
fails `test_every_route_has_a_case`; a route with no object of anyone's is
listed in NO_OBJECT with the reason.

The figures (attempts, wrongly allowed) are printed (`pytest -s`) and asserted.
"""
import pytest

from chalicelib.tables import encode_cursor
from tests.conftest import initiative
from tests import helpers
from tests.helpers import deliver

FPT_UNIT = "cdcs-fpt-cau-giay"
PHASE = "sk2627-gd1"
REASON = "Cần bổ sung số liệu trước và sau khi áp dụng."
AUTHORS = [
    {"full_name": "Lê Quang Huy", "member_id": "worker-fpt", "share_percent": 40, "phone": "0903 111 222"},
    {"full_name": "Phạm Minh Anh", "member_id": "worker-fpt-en", "share_percent": 20},
    {"full_name": "Trần Văn Minh", "member_id": "worker-rang-dong-2", "share_percent": 20},
    {"full_name": "Lê Thị Thu Hà", "member_id": "worker-so-y-te", "share_percent": 20},
]
VICTIM = "worker-fpt"
VICTIM_KEY = "victim-key-0001"

# One user per role (None: nobody signed in).
ROLES = {
    "submitter": "worker-fpt",
    "accepted co-author": "worker-fpt-en",
    "invited member": "worker-rang-dong-2",
    "declined member": "worker-so-y-te",
    "stranger": "worker-rang-dong",
    "reviewer of its unit": "reviewer-fpt",
    "reviewer of the union above": "reviewer-cau-giay",
    "reviewer of its top-level unit": "reviewer-ha-noi",
    "reviewer elsewhere": "reviewer-rang-dong",
    "leader of its top-level unit": "leader-ha-noi",
    "leader elsewhere": "leader-thanh-hoa",
    "national leader": "leader-national",
    "admin": "admin",
    "anonymous": None,
}
# Who is allowed, per kind of object (the README's matrices); everyone else is foreign to it.
READ_A = {"worker-fpt", "worker-fpt-en", "reviewer-fpt", "reviewer-cau-giay", "reviewer-ha-noi", "leader-ha-noi",
          "leader-national", "admin"}
EDIT_C = {"worker-fpt", "worker-fpt-en"}
WITHDRAW_A = {"worker-fpt"}
VALIDATE_A = {"reviewer-fpt"}
INVITED_TO_A = {"worker-fpt-en", "worker-rang-dong-2", "worker-so-y-te"}
READS_HA_NOI = {"reviewer-ha-noi", "leader-ha-noi", "leader-national", "admin"}
COMPILES_HA_NOI = {"leader-ha-noi", "leader-national"}
APPROVES_HA_NOI = {"leader-ha-noi"}
QUEUE_OF_FPT = {"reviewer-fpt"}
LEADERS = {"leader-ha-noi", "leader-thanh-hoa", "leader-national"}
LEADS_OVER_HA_NOI = {"leader-ha-noi", "leader-national", "admin"}  # a dashboard of Hà Nội (drill-down, issue 13)

# Routes where there is no object of anyone's to reach, and why.
NO_OBJECT = {
    ("/", "GET"): "redirects to /app",
    ("/app", "GET"): "the caller's own first page by role (a redirect)",
    ("/app/sign-in", "GET"): "public: the sign-in page",
    ("/app/sign-in", "POST"): "local stage only: sign in as a demo user",
    ("/app/auth/callback", "GET"): "public: Cognito's code exchange",
    ("/app/sign-out", "POST"): "public: clears the caller's own cookie",
    ("/app/language", "GET"): "public: the caller's language cookie",
    ("/app/static/{name}", "GET"): "public files of the app",
    ("/app/units", "GET"): "the public catalogue of units (search)",
    ("/app/submit", "GET"): "an empty form for the caller's own new initiative",
    ("/app/showcase", "GET"): "public: recognised initiatives whose authors agreed to publish them, and nothing else "
                              "of them (tests/test_showcase.py); a cursor names only the showcase's own partition",
    ("/app/posters", "GET"): "finds any grassroots union's public poster (the public catalogue of units)",
    ("/app/posters/{unit_id}", "GET"): "public: a grassroots union's poster (its name, its support team's public "
                                       "phone, the form's QR code)",
    ("/health", "GET"): "public health check",
    ("/app/similar", "POST"): "the form's fragment of GET /similar: the same rules (tests/test_web_similar.py)",
    ("/similar", "GET"): "any signed-in caller: initiatives like a text, their title, state and unit only, unless the "
                         "caller may read one whole (tests/test_similar_api.py)",
    ("/programs/current", "GET"): "the public program and phases",
    ("/units", "GET"): "the public catalogue of units (search)",
    ("/me/preferences", "GET"): "the caller's own notification settings, keyed by the token's user: no id to name",
    ("/me/preferences", "PUT"): "the caller's own notification settings, keyed by the token's user: no id to name",
    ("/app/notifications/settings", "POST"): "the caller's own digest setting, keyed by the session's user: no id",
    ("/dev/users", "GET"): "local stage only (not deployed): the demo users",
    ("/dev/token", "POST"): "local stage only (not deployed): a demo user's token",
    ("/dev/clock", "GET"): "local stage only (not deployed): the app's clock",
    ("/dev/clock", "POST"): "local stage only (not deployed): move the app's clock on",
    ("/dev/clock", "DELETE"): "local stage only (not deployed): the app's clock back to real time",
    ("/dev/schedules/{name}", "POST"): "local stage only (not deployed): run a schedule now",
    ("/stats/honours", "GET"): "published nationwide to every leader, reviewer and admin (the clusters' leaders, "
                               "like the top-level ranking); members are refused (tests/test_honours.py)",
    ("/queue/overdue", "GET"): "the caller's own unit's escalations, named by nothing in the request; a cursor of "
                               "another unit's is refused (tests/test_deadlines.py)",
    ("/app/overdue", "GET"): "the caller's own unit's escalations (the page of GET /queue/overdue)",
    ("/{proxy+}", "DELETE"): "no object: every URL no other route takes, answered 404 (tests/test_unknown_urls.py)",
    ("/{proxy+}", "GET"): "no object: every URL no other route takes, answered 404 (tests/test_unknown_urls.py)",
    ("/{proxy+}", "HEAD"): "no object: every URL no other route takes, answered 404 (tests/test_unknown_urls.py)",
    ("/{proxy+}", "OPTIONS"): "no object: every URL no other route takes, answered 404 (tests/test_unknown_urls.py)",
    ("/{proxy+}", "PATCH"): "no object: every URL no other route takes, answered 404 (tests/test_unknown_urls.py)",
    ("/{proxy+}", "POST"): "no object: every URL no other route takes, answered 404 (tests/test_unknown_urls.py)",
    ("/{proxy+}", "PUT"): "no object: every URL no other route takes, answered 404 (tests/test_unknown_urls.py)",
}

MIN_ATTEMPTS = 100


def app_routes() -> set:
    from app import app

    return {(path, method) for path, methods in app.routes.items() for method in methods}


class Matrix:
    """Every attempt, and those wrongly allowed."""

    def __init__(self):
        self.attempts, self.wrong = [], []

    def record(self, route: tuple, role: str, denied: bool, detail=None):
        self.attempts.append((route, role))
        if not denied:
            self.wrong.append((route, role, detail))


def foreign(allowed: set) -> list:
    """(role, user) for every role to which an object allowed to `allowed` is foreign."""
    return [(role, user) for role, user in ROLES.items() if user not in allowed]


def api_denied(status: int, also=()) -> bool:
    return status in (401, 403, 404, *also)


def page_denied(response, also=()) -> bool:
    """Refused: an error page, or sent to sign in."""
    if response.status_code in (400, 403, 404, *also):
        return True
    return response.status_code == 303 and "/app/sign-in" in response.headers.get("Location", "")


@pytest.fixture
def world(api, pages, stream):
    """A (pending: a co-author accepted, one invited, one declined), C (returned
    for revision), the victim's notifications, and Hà Nội's award list."""
    body = initiative(unit_id=FPT_UNIT, authors=AUTHORS)
    status, a = api.json("POST", "/submissions", body, user=VICTIM, headers={"Idempotency-Key": VICTIM_KEY})
    assert status == 201
    c = api.json("POST", "/submissions", body, user=VICTIM)[1]
    deliver(stream)
    for sid in (a["id"], c["id"]):
        assert api.json("POST", f"/submissions/{sid}/invitation", {"answer": "accept"}, user="worker-fpt-en")[0] == 200
    declined = api.json("POST", f"/submissions/{a['id']}/invitation", {"answer": "decline"}, user="worker-so-y-te")
    assert declined[0] == 200
    status, _ = api.json("POST", f"/submissions/{c['id']}/transitions",
                         {"event": "request_revision", "expected_version": 2, "reason": REASON}, user="reviewer-fpt")
    assert status == 200
    deliver(stream)
    status, award_list = helpers.compiled(api, "ldld-ha-noi", PHASE, "leader-ha-noi")
    assert status in (200, 201), award_list
    notes = api.json("GET", "/me/notifications", user=VICTIM)[1]
    assert notes["items"], "the victim has notifications to protect"
    return {"a": a["id"], "c": c["id"], "list": award_list["id"], "notes": [n["id"] for n in notes["items"]]}


def state(api, world) -> dict:
    """What the victims own, as they see it."""
    def initiative_state(sid):
        detail = api.json("GET", f"/submissions/{sid}", user=VICTIM)[1]
        return detail["status"], detail["version"], detail["title"], [a.get("invitation") for a in detail["authors"]]

    invitations = {user: api.json("GET", f"/submissions/{world['a']}/invitation", user=user)[1]["invitation"]
                   for user in INVITED_TO_A}
    award = api.json("GET", f"/award-lists/{world['list']}", user="leader-ha-noi")[1]
    return {"a": initiative_state(world["a"]), "c": initiative_state(world["c"]),
            "unread": api.json("GET", "/me/notifications", user=VICTIM)[1]["unread"],
            "invitations": invitations, "award_list": (award["status"], award["version"]),
            "mine": [i["id"] for i in api.json("GET", "/me/submissions", user=VICTIM)[1]["items"]]}


def cursors() -> dict:
    """Cursors that name someone else's partition: the victim's lists, FPT's queue."""
    sub = "01KAHQ3M6X2V7E9R0T4B5N8C1D"
    return {
        "mine": encode_cursor({"pk": {"S": f"SUB#{sub}"}, "sk": {"S": "META"}, "submitter_id": {"S": VICTIM},
                               "created_at": {"S": "2026-11-21T10:00:00.000+07:00"}}),
        "notes": encode_cursor({"pk": {"S": f"USER#{VICTIM}"},
                                "sk": {"S": f"N#2026-11-21T10:00:00+07:00#{sub}#000002"}}),
        "queue": encode_cursor({"queue": {"S": FPT_UNIT}, "after": {"S": f"sk2627-gd1#20261121100000000#{sub}"}}),
    }


def test_every_route_has_a_case_and_nothing_foreign_is_allowed(api, pages, world):
    before = state(api, world)
    matrix = Matrix()
    a, c, award, notes = world["a"], world["c"], world["list"], world["notes"]
    foreign_cursor = cursors()
    edit_body = initiative(unit_id=FPT_UNIT, authors=AUTHORS, title="Sửa bởi người ngoài")

    def api_attempts(route, allowed, call, denied=api_denied):
        for role, user in foreign(allowed):
            status, body = call(user)
            matrix.record(route, role, denied(status) if denied is api_denied else denied(status, body), (status, body))

    def page_attempts(route, allowed, call, denied=page_denied):
        for role, user in foreign(allowed):
            response = call(user)
            matrix.record(route, role, denied(response), (response.status_code, response.headers.get("Location")))

    # ---- another author's initiative (API)
    api_attempts(("/submissions/{submission_id}", "GET"), READ_A,
                 lambda u: api.json("GET", f"/submissions/{a}", user=u))
    api_attempts(("/submissions/{submission_id}/history", "GET"), READ_A,
                 lambda u: api.json("GET", f"/submissions/{a}/history", user=u))
    api_attempts(("/submissions/{submission_id}", "PUT"), EDIT_C,
                 lambda u: api.json("PUT", f"/submissions/{c}", edit_body, user=u, headers={"If-Match": '"3"'}))
    version_a = before["a"][1]
    api_attempts(("/submissions/{submission_id}/transitions", "POST"), WITHDRAW_A,
                 lambda u: api.json("POST", f"/submissions/{a}/transitions",
                                    {"event": "withdraw", "expected_version": version_a}, user=u))
    api_attempts(("/submissions/{submission_id}/transitions", "POST"), VALIDATE_A,
                 lambda u: api.json("POST", f"/submissions/{a}/transitions",
                                    {"event": "validate", "expected_version": version_a}, user=u))
    api_attempts(("/submissions/{submission_id}/transitions", "POST"), EDIT_C,
                 lambda u: api.json("POST", f"/submissions/{c}/transitions",
                                    {"event": "resubmit", "expected_version": 3}, user=u))
    # A key another user sent: the answer is never their initiative.
    api_attempts(("/submissions", "POST"), {VICTIM},
                 lambda u: api.json("POST", "/submissions", initiative(unit_id=FPT_UNIT), user=u,
                                    headers={"Idempotency-Key": VICTIM_KEY}),
                 denied=lambda status, body: status == 401 or (status == 201 and body["id"] != a))

    # ---- an invitation not addressed to you
    api_attempts(("/submissions/{submission_id}/invitation", "GET"), INVITED_TO_A,
                 lambda u: api.json("GET", f"/submissions/{a}/invitation", user=u))
    api_attempts(("/submissions/{submission_id}/invitation", "POST"), INVITED_TO_A,
                 lambda u: api.json("POST", f"/submissions/{a}/invitation", {"answer": "accept"}, user=u))

    # ---- another user's lists and notifications
    api_attempts(("/me/submissions", "GET"), {VICTIM},
                 lambda u: api.json("GET", f"/me/submissions?cursor={foreign_cursor['mine']}", user=u),
                 denied=lambda status, body: status in (400, 401))
    api_attempts(("/me/notifications", "GET"), {VICTIM},
                 lambda u: api.json("GET", f"/me/notifications?cursor={foreign_cursor['notes']}", user=u),
                 denied=lambda status, body: status in (400, 401))
    # (An id names a notification within the caller's own partition: one about the same event marks the
    # caller's own copy, never the victim's.)
    api_attempts(("/me/notifications/read", "POST"), {VICTIM},
                 lambda u: (api.json("POST", "/me/notifications/read", {"ids": notes}, user=u)[0],
                            api.json("GET", "/me/notifications", user=VICTIM)[1]["unread"]),
                 denied=lambda status, victim_unread: status in (200, 401) and victim_unread == before["unread"])

    # ---- another unit's queue
    api_attempts(("/queue", "GET"), QUEUE_OF_FPT,
                 lambda u: api.json("GET", f"/queue?cursor={foreign_cursor['queue']}", user=u),
                 denied=lambda status, body: status in (400, 401, 403))
    api_attempts(("/queue/decisions", "POST"), VALIDATE_A,
                 lambda u: api.json("POST", "/queue/decisions",
                                    {"event": "validate", "items": [{"id": a, "expected_version": version_a}]}, user=u),
                 denied=lambda status, body: status in (401, 403) or (
                     status == 200 and all("submission" not in r and r["status"] == 403 for r in body["results"])))

    # ---- another desk's queue item: "I'm handling this" (issue 12); the desk's own reviewer holds it
    def fpt_still_holds(status, body=None):
        from chalicelib.submissions import store

        held = store.claims(FPT_UNIT).get(a)
        return status in (401, 403) and held is not None and held["holder_id"] == "reviewer-fpt"
    assert api.json("POST", f"/submissions/{a}/claim", user="reviewer-fpt")[0] == 200
    api_attempts(("/submissions/{submission_id}/claim", "POST"), QUEUE_OF_FPT,
                 lambda u: api.json("POST", f"/submissions/{a}/claim", user=u), denied=fpt_still_holds)
    api_attempts(("/submissions/{submission_id}/claim", "DELETE"), QUEUE_OF_FPT,
                 lambda u: api.json("DELETE", f"/submissions/{a}/claim", user=u), denied=fpt_still_holds)

    # ---- the figures and award lists of a foreign subtree (Hà Nội's)
    api_attempts(("/stats/units/{unit_id}", "GET"), READS_HA_NOI,
                 lambda u: api.json("GET", f"/stats/units/ldld-ha-noi?phase={PHASE}", user=u))
    api_attempts(("/stats/units/{unit_id}/trend", "GET"), READS_HA_NOI,
                 lambda u: api.json("GET", f"/stats/units/ldld-ha-noi/trend?phase={PHASE}", user=u))
    # phase reports (issue 13, point 7): whoever may read Hà Nội's figures, and no one else; nothing is
    # built (the workbook's 303) for anyone else
    api_attempts(("/reports/units/{unit_id}", "GET"), READS_HA_NOI,
                 lambda u: api.json("GET", f"/reports/units/ldld-ha-noi?phase={PHASE}", user=u))
    api_attempts(("/reports/units/{unit_id}/workbook", "GET"), READS_HA_NOI,
                 lambda u: api.json("GET", f"/reports/units/ldld-ha-noi/workbook?phase={PHASE}", user=u))
    page_attempts(("/app/reports", "GET"), READS_HA_NOI,
                  lambda u: pages.get(f"/app/reports?unit=ldld-ha-noi&phase={PHASE}", user=u))
    page_attempts(("/app/reports/workbook", "GET"), READS_HA_NOI,
                  lambda u: pages.get(f"/app/reports/workbook?unit=ldld-ha-noi&phase={PHASE}", user=u))
    api_attempts(("/stats/rankings", "GET"), READS_HA_NOI,
                 lambda u: api.json("GET", f"/stats/rankings?phase={PHASE}&level=grassroots&within=ldld-ha-noi",
                                    user=u))
    api_attempts(("/award-lists", "POST"), COMPILES_HA_NOI,
                 lambda u: api.json("POST", "/award-lists", {"unit_id": "ldld-ha-noi", "phase": PHASE}, user=u))
    api_attempts(("/award-lists/{list_id}", "GET"), READS_HA_NOI,
                 lambda u: api.json("GET", f"/award-lists/{award}", user=u))
    api_attempts(("/award-lists/{list_id}/approve", "POST"), APPROVES_HA_NOI,
                 lambda u: api.json("POST", f"/award-lists/{award}/approve", {"confirm": True}, user=u))

    # ---- the same on the pages
    page_attempts(("/app/initiatives/{submission_id}", "GET"), READ_A,
                  lambda u: pages.get(f"/app/initiatives/{a}", user=u))
    # The public showcase's page of an initiative that is not published (pending, no consent): nobody's.
    page_attempts(("/app/showcase/{submission_id}", "GET"), set(),
                  lambda u: pages.get(f"/app/showcase/{a}", user=u))
    # The consent to publish: its authors' only (the submitter, the accepted co-author).
    api_attempts(("/submissions/{submission_id}/publication", "PUT"), EDIT_C,
                 lambda u: api.json("PUT", f"/submissions/{a}/publication", {"publish_consent": True}, user=u))
    page_attempts(("/app/initiatives/{submission_id}/publication", "POST"), EDIT_C,
                  lambda u: pages.post(f"/app/initiatives/{a}/publication", {"publish_consent": "on"}, user=u))
    page_attempts(("/app/initiatives/{submission_id}/sent", "GET"), READ_A,
                  lambda u: pages.get(f"/app/initiatives/{a}/sent", user=u))
    page_attempts(("/app/initiatives/{submission_id}/receipt", "GET"), READ_A,
                  lambda u: pages.get(f"/app/initiatives/{a}/receipt", user=u))
    # The edit page: anything but the form (a reader who may not edit is sent back to the initiative).
    page_attempts(("/app/initiatives/{submission_id}/edit", "GET"), EDIT_C,
                  lambda u: pages.get(f"/app/initiatives/{c}/edit", user=u),
                  denied=lambda r: r.status_code != 200)
    edit_form = {"title": "Sửa bởi người ngoài", "version": "3", "idempotency_key": "k" * 32, "action": "send"}
    page_attempts(("/app/initiatives/{submission_id}/edit", "POST"), EDIT_C,
                  lambda u: pages.post(f"/app/initiatives/{c}/edit", edit_form, user=u),
                  denied=lambda r: r.status_code in (403, 404) or (
                      r.status_code == 303 and "done=" not in r.headers["Location"]))
    for event, allowed, sid, version in (("withdraw", WITHDRAW_A, a, version_a), ("validate", VALIDATE_A, a, version_a),
                                         ("resubmit", EDIT_C, c, 3)):
        page_attempts(("/app/initiatives/{submission_id}/events", "POST"), allowed,
                      lambda u, event=event, sid=sid, version=version: pages.post(
                          f"/app/initiatives/{sid}/events",
                          {"event": event, "expected_version": str(version), "client_token": f"bola{event}{u}"},
                          user=u))
    page_attempts(("/app/invitations/{submission_id}", "GET"), INVITED_TO_A,
                  lambda u: pages.get(f"/app/invitations/{a}", user=u))
    page_attempts(("/app/invitations/{submission_id}", "POST"), INVITED_TO_A,
                  lambda u: pages.post(f"/app/invitations/{a}", {"answer": "accept"}, user=u))
    page_attempts(("/app/initiatives", "GET"), {VICTIM},
                  lambda u: pages.get(f"/app/initiatives?cursor={foreign_cursor['mine']}", user=u))
    page_attempts(("/app/notifications", "GET"), {VICTIM},
                  lambda u: pages.get(f"/app/notifications?cursor={foreign_cursor['notes']}", user=u))

    def mark_victims_read(user):
        response = pages.post("/app/notifications/read", [("ids", n) for n in notes], user=user)
        response.victim_unread = api.json("GET", "/me/notifications", user=VICTIM)[1]["unread"]
        return response
    page_attempts(("/app/notifications/read", "POST"), {VICTIM}, mark_victims_read,
                  denied=lambda r: r.victim_unread == before["unread"])
    page_attempts(("/app/queue", "GET"), QUEUE_OF_FPT,
                  lambda u: pages.get(f"/app/queue?cursor={foreign_cursor['queue']}", user=u))

    def decide_a(user):
        response = pages.post("/app/queue/decisions", [("event", "validate"), ("client_token", f"bolaq{user}"),
                                                       ("ids", a), (f"version-{a}", str(version_a))], user=user)
        response.a_now = api.json("GET", f"/submissions/{a}", user=VICTIM)[1]["version"]
        return response
    page_attempts(("/app/queue/decisions", "POST"), VALIDATE_A, decide_a,
                  denied=lambda r: r.a_now == version_a and (r.status_code in (200, 403) or page_denied(r)))
    page_attempts(("/app/queue/claims", "POST"), QUEUE_OF_FPT,
                  lambda u: pages.post("/app/queue/claims", {"release": a}, user=u),
                  denied=lambda r: page_denied(r) and fpt_still_holds(403))
    # A dashboard opens for any unit the caller may read (drill-down, issue 13), a foreign one never; those
    # who lead no unit are refused. Compiling acts on the caller's own unit only: a foreign one cannot be named.
    page_attempts(("/app/dashboard", "GET"), LEADS_OVER_HA_NOI,
                  lambda u: pages.get(f"/app/dashboard?phase={PHASE}&unit=ldld-ha-noi", user=u))
    # ---- the initiatives behind a foreign subtree's figures, and their Excel export (issue 13)
    api_attempts(("/stats/units/{unit_id}/initiatives", "GET"), READS_HA_NOI,
                 lambda u: api.json("GET", f"/stats/units/ldld-ha-noi/initiatives?phase={PHASE}", user=u))
    page_attempts(("/app/initiatives-list", "GET"), READS_HA_NOI,
                  lambda u: pages.get(f"/app/initiatives-list?unit=ldld-ha-noi&phase={PHASE}", user=u))
    page_attempts(("/app/initiatives-list/export", "POST"), READS_HA_NOI,
                  lambda u: pages.post("/app/initiatives-list/export", {"unit": "ldld-ha-noi", "phase": PHASE},
                                       user=u))
    # (An export is its requester's alone: another reader of Hà Nội is refused it too.)
    asked = pages.post("/app/initiatives-list/export", {"unit": "ldld-ha-noi", "phase": PHASE}, user="leader-ha-noi")
    export = asked.headers["Location"].rsplit("/", 1)[1]
    helpers.run_compiles(pages)
    page_attempts(("/app/exports/{export_id}", "GET"), {"leader-ha-noi"},
                  lambda u: pages.get(f"/app/exports/{export}", user=u))
    page_attempts(("/app/exports/{export_id}/file", "GET"), {"leader-ha-noi"},
                  lambda u: pages.get(f"/app/exports/{export}/file", user=u))
    page_attempts(("/app/award-lists", "POST"), LEADERS,
                  lambda u: pages.post("/app/award-lists", {"phase": PHASE, "unit_id": "ldld-ha-noi"}, user=u))
    page_attempts(("/app/award-lists/{list_id}", "GET"), READS_HA_NOI,
                  lambda u: pages.get(f"/app/award-lists/{award}", user=u))
    page_attempts(("/app/award-lists/{list_id}/progress", "GET"), READS_HA_NOI,
                  lambda u: pages.get(f"/app/award-lists/{award}/progress", user=u))
    page_attempts(("/app/award-lists/{list_id}/workbook", "GET"), READS_HA_NOI,
                  lambda u: pages.get(f"/app/award-lists/{award}/workbook", user=u))
    page_attempts(("/app/award-lists/{list_id}/approve", "POST"), APPROVES_HA_NOI,
                  lambda u: pages.post(f"/app/award-lists/{award}/approve", {"confirm": "yes"}, user=u))

    def submit_with_victims_key(user):
        form = {**{k: v for k, v in edit_body.items() if isinstance(v, str)}, "idempotency_key": VICTIM_KEY,
                "action": "send"}
        return pages.post("/app/submit", form, user=user)
    page_attempts(("/app/submit", "POST"), {VICTIM}, submit_with_victims_key,
                  denied=lambda r: a not in r.headers.get("Location", "") and a not in r.body.decode("utf-8"))

    # THEN nothing foreign was allowed, and nothing the victims own changed
    after = state(api, world)
    print(f"\nBOLA matrix: {len(matrix.attempts)} attempts on {len({r for r, _ in matrix.attempts})} routes, "
          f"{len(matrix.wrong)} wrongly allowed")
    assert matrix.wrong == [], "\n".join(map(str, matrix.wrong))
    assert after == before
    assert len(matrix.attempts) >= MIN_ATTEMPTS

    # AND every route of the app has a case here, or no object of anyone's
    covered = {route for route, _ in matrix.attempts}
    missing = app_routes() - covered - set(NO_OBJECT)
    assert missing == set(), f"routes without a BOLA case: {sorted(missing)}"
    assert not covered & set(NO_OBJECT)
    assert set(NO_OBJECT) <= app_routes(), "NO_OBJECT names a route the app no longer has"
    # Every role is someone's attacker somewhere.
    assert {role for _, role in matrix.attempts} == set(ROLES)

