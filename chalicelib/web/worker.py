"""A worker's pages: the initiative form (new, and the edit that resubmits),
the confirmation with the tracking code and the printable receipt, "my
initiatives", notifications (with the daily digest's setting), and the unit
search the form uses.

The form is a plain HTML form: "find my unit", "add a co-author" and "remove"
are submit buttons the server answers by showing the form again, so it all
works without JavaScript; app.js does the same in place. A hidden one-use
Idempotency-Key goes with every post, so a double tap stores one initiative.
"""
import json

from chalice import Blueprint, Response

from chalicelib import clock, formatting
from chalicelib.errors import Conflict, DomainError, Problem
from chalicelib.web import forms
from chalicelib.web.pages import PREFIX, new_token, page_view, problems_by_field, redirect, url

bp = Blueprint(__name__)

FORM = "application/x-www-form-urlencoded"
IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"


# ------------------------------------------------------------------ the form

@bp.route(PREFIX + "/submit", methods=["GET"])
@page_view(bp)
def new_initiative(page):
    program = _open_program()
    if program is None:
        return page.render("submit.html", program=None, mode="new")
    # A poster's QR code names the unit (`?unit=<id>`): chosen already, if it is a grassroots union.
    from_poster = _grassroots_unit(page.query("unit")[:63])
    unit = from_poster or _own_grassroots_unit(page.principal)
    name = page.principal.name
    start = {name_: "" for name_ in forms.TEXT_FIELDS + ("benefit_vnd",)}
    start.update(unit_id=unit.id if unit else "", authors=[forms.blank_author("100") | {"full_name": name}],
                 publish_consent=False)
    # A draft kept in the browser is offered back, but not over the unit a poster chose.
    return _form(page, "new", program, start, idempotency_key=new_token(), unit_name=unit.name if unit else "",
                 draft_restore=from_poster is None)


@bp.route(PREFIX + "/submit", methods=["POST"], content_types=[FORM])
@page_view(bp)
def post_initiative(page):
    from chalicelib.similar.service import found_for
    from chalicelib.submissions import service

    program = _open_program()
    form = page.form()
    typed = forms.values(form)
    key = forms.first(form, "idempotency_key") or new_token()
    action = forms.first(form, "action") or "send"
    if program is None:
        return page.render("submit.html", program=None, mode="new")
    if action != "send":
        return _form_action(page, "new", program, typed, form, action, idempotency_key=key)
    body = forms.submission(typed, page.lang)
    try:
        status, stored = service.create(body, page.principal, key, find_similar=found_for)
    except DomainError as error:
        if any(p.code == IDEMPOTENCY_KEY_REUSED for p in error.problems):
            # This key already stored another initiative: said in the worker's words
            # (not "Idempotency-Key"), and the next try is a new one.
            key = new_token()
            error = Conflict([Problem("", "sent_before")])
        return _form(page, "new", program, _aligned(typed), idempotency_key=key, error=error)
    if status >= 400:  # the replay of a key whose first use failed
        return _form(page, "new", program, _aligned(typed), idempotency_key=new_token(),
                     error=Conflict([Problem("", "send_again")]), status=status)
    return redirect(url(f"{PREFIX}/initiatives/{stored['id']}/sent"))


@bp.route(PREFIX + "/initiatives/{submission_id}/sent", methods=["GET"])
@page_view(bp)
def sent(page, submission_id):
    from chalicelib.submissions import service

    return page.render("sent.html", submission=service.read(submission_id, page.principal),
                       draft=_draft_name(page, "new"))


@bp.route(PREFIX + "/initiatives/{submission_id}/receipt", methods=["GET"])
@page_view(bp)
def receipt(page, submission_id):
    """The printable receipt (Thông tư 18/2013/TT-BKHCN, Điều 6): tracking code,
    date received, date by which a decision is due, in Vietnamese then English
    whatever the page's language (it is a paper to keep). Only for those who
    may read the initiative (the service refuses the others)."""
    from chalicelib.submissions import service

    return page.render("receipt.html", submission=service.read(submission_id, page.principal))


@bp.route(PREFIX + "/initiatives/{submission_id}/edit", methods=["GET"])
@page_view(bp)
def edit_initiative(page, submission_id):
    from chalicelib.submissions import service

    submission = service.read(submission_id, page.principal)
    if not _may_edit(page, submission):
        return redirect(url(f"{PREFIX}/initiatives/{submission_id}"))
    program = _program(submission["program_id"])
    typed = forms.from_submission(submission, lambda n: formatting.number(n, page.lang))
    return _form(page, "edit", program, typed, idempotency_key=new_token(), submission=submission,
                 unit_name=submission["unit_name"] or submission["unit_id"])


@bp.route(PREFIX + "/initiatives/{submission_id}/edit", methods=["POST"], content_types=[FORM])
@page_view(bp)
def post_edit(page, submission_id):
    """Save the author's changes (PUT semantics, guarded by the version they saw),
    then fire the definition's event for after an edit ("resubmit") so the
    initiative goes back to its reviewers."""
    from chalicelib.review import service as review
    from chalicelib.submissions import service

    submission = service.read(submission_id, page.principal)
    if not _may_edit(page, submission):
        return redirect(url(f"{PREFIX}/initiatives/{submission_id}"))
    program = _program(submission["program_id"])
    form = page.form()
    typed = forms.values(form) | {"unit_id": submission["unit_id"]}
    token = forms.first(form, "idempotency_key") or new_token()
    action = forms.first(form, "action") or "send"
    context = {"submission": submission, "unit_name": submission["unit_name"] or submission["unit_id"]}
    if action != "send":
        return _form_action(page, "edit", program, typed, form, action, idempotency_key=token, **context)
    try:
        _, event = review.edit_and_send(submission_id, page.principal, forms.submission(typed, page.lang),
                                        forms.first(form, "version"), token)
    except DomainError as error:
        if isinstance(error, Conflict) and not _may_edit(page, service.read(submission_id, page.principal)):
            # Already resubmitted (a second tap) or decided meanwhile: the initiative's page says which.
            return redirect(url(f"{PREFIX}/initiatives/{submission_id}"))
        return _form(page, "edit", program, _aligned(typed), idempotency_key=token, error=error, **context)
    return redirect(url(f"{PREFIX}/initiatives/{submission_id}", done=event))


def _form_action(page, mode, program, typed, form, action, **context):
    """The buttons that change the form itself: find a unit, add or remove an author."""
    from chalicelib.reference import catalog

    found = None
    if action == "find_unit":
        query = forms.first(form, "unit_query").strip()
        found = catalog.search_units(query, "grassroots", 10) if query else None
        context["unit_query"] = query
        context["unit_results"] = found if found is not None else []
        context["unit_searched"] = True
    elif action == "add_author" and len(typed["authors"]) < forms.limits()["authors"]["max_items"]:
        typed["authors"].append(forms.blank_author())
    elif action == "check_similar":  # without JavaScript: the form again, with the initiatives like it
        context["similar"] = _similar(page, typed, context.get("submission"))
    elif action.startswith("remove_author_") and len(typed["authors"]) > 1:
        index = action.removeprefix("remove_author_")
        if index.isdigit() and int(index) < len(typed["authors"]):
            del typed["authors"][int(index)]
    if "unit_name" not in context:
        unit = catalog.unit(typed["unit_id"]) if typed.get("unit_id") else None
        context["unit_name"] = unit.name if unit else ""
    return _form(page, mode, program, typed, **context)


def _form(page, mode, program, typed, error=None, status=None, unit_name=None, **context):
    """The form again, as typed, with `error`'s problems beside their fields
    (the answer's status is the error's, as the API would answer it)."""
    from chalicelib.api.http import status_of
    from chalicelib.reference import catalog

    if status is None:
        status = status_of(error) if error else 200
    if unit_name is None:
        unit = catalog.unit(typed["unit_id"]) if typed.get("unit_id") else None
        unit_name = unit.name if unit else ""
    problems = problems_by_field(error, page.lang) if error else {}
    if not typed["authors"]:
        typed["authors"] = [forms.blank_author()]
    known = {"", "/unit_id", "/authors"} | {f"/{name}" for name in forms.TEXT_FIELDS + ("benefit_vnd",)}
    # In the order the service listed them: the form's own order, top to bottom.
    summary = [m for messages in problems.values() for m in messages]
    return page.render(
        "submit.html", status=status, mode=mode, program=program, values=typed, limits=forms.limits(),
        problems=problems, summary=summary, general=[m for p, ms in problems.items() if p not in known
                                                     and not p.startswith("/authors/") for m in ms],
        author_problems=forms.author_errors(problems, len(typed["authors"])), unit_name=unit_name,
        today=clock.today().isoformat(), draft=_draft_name(page, mode),
        share_total=sum(int(a["share_percent"]) for a in typed["authors"] if a["share_percent"].strip().isdigit()),
        **context)


def _aligned(typed: dict) -> dict:
    """Drop author rows left empty, as the body does, so that error paths
    (/authors/1/...) name the rows shown."""
    kept = [row for row in typed["authors"] if any(v.strip() for k, v in row.items() if k != "language")]
    return typed | {"authors": kept or typed["authors"][:1]}


def _draft_name(page, mode: str) -> str:
    """The browser-side draft's name: per user, so two people sharing a phone keep theirs apart."""
    return f"{mode}-{page.principal.user_id}"


def _may_edit(page, submission: dict) -> bool:
    from chalicelib.submissions import rules
    from chalicelib.workflow import definition

    state = definition.default().states.get(submission["status"])
    return bool(state and state.author_may_edit and page.principal.user_id in rules.author_ids(submission))


def _open_program():
    from chalicelib.reference import catalog

    found = catalog.current()
    return found[0] if found else None


def _program(program_id: str):
    from chalicelib.reference import catalog

    return catalog.program(program_id)


def _own_grassroots_unit(principal):
    return _grassroots_unit(principal.unit_id)


def _grassroots_unit(unit_id: str | None):
    from chalicelib.reference import catalog

    unit = catalog.unit(unit_id) if unit_id else None
    return unit if unit and unit.is_grassroots else None


# ------------------------------------------------------------------ lists

@bp.route(PREFIX + "/initiatives", methods=["GET"])
@page_view(bp)
def my_initiatives(page):
    from chalicelib.submissions import service

    listed = service.list_mine(page.principal, _page_of_20(page))
    return page.render("mine.html", items=listed["items"], next_cursor=listed["next_cursor"])


@bp.route(PREFIX + "/notifications", methods=["GET"])
@page_view(bp)
def notifications(page):
    from chalicelib.notify import service

    from chalicelib.notify.inapp import INVITATION
    from chalicelib.submissions import service as submissions

    listed = service.page_for(page.principal, _page_of_20(page), page.lang)
    invitations = submissions.my_invitations(
        page.principal, [item["submission_id"] for item in listed["items"] if item["kind"] == INVITATION])
    return page.render("notifications.html", items=listed["items"], next_cursor=listed["next_cursor"],
                       invitations=invitations, digest=_digest_setting(page))


def _digest_setting(page) -> dict | None:
    """The daily digest's setting, for reviewers (the only ones it is sent to); None for others."""
    from chalicelib.notify import service

    if not page.has_role("reviewer"):
        return None
    return {"on": service.settings_for(page.principal)["daily_digest"], "saved": page.query("saved") == "digest"}


@bp.route(PREFIX + "/notifications/settings", methods=["POST"], content_types=[FORM])
@page_view(bp)
def change_notification_settings(page):
    """The daily digest on or off (a checkbox: absent from the form means off)."""
    from chalicelib.notify import service

    service.change_settings(page.principal, {"daily_digest": forms.first(page.form(), "daily_digest") == "on"})
    return redirect(url(PREFIX + "/notifications", saved="digest") + "#digest")


def _page_of_20(page) -> dict:
    """A list page's query as the services take it: 20 a page, from the cursor in the link."""
    return {"limit": "20", **({"cursor": page.query("cursor")} if page.query("cursor") else {})}


@bp.route(PREFIX + "/notifications/read", methods=["POST"], content_types=[FORM])
@page_view(bp)
def read_notifications(page):
    from chalicelib.notify import service

    ids = [i for i in page.form().get("ids", []) if i][:100]
    if ids:
        service.mark_read(page.principal, {"ids": ids})
    return redirect(url(PREFIX + "/notifications"))


@bp.route(PREFIX + "/units", methods=["GET"])
@page_view(bp)
def find_units(page):
    """Grassroots unions whose name has the words typed (the form's unit search)."""
    from chalicelib.reference import catalog

    query = page.query("q").strip()[:100]
    found = catalog.search_units(query, "grassroots", 10) if query else None
    return Response(body=json.dumps({"items": found or []}, ensure_ascii=False), status_code=200,
                    headers={"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"})


SIMILAR_MIN_CHARS = 20  # fewer typed characters are no idea yet: nothing is looked up


def _similar(page, typed: dict, submission=None) -> list:
    """The initiatives like the form's title, problem, solution and results (similar.service)."""
    from chalicelib.similar import index, service

    text = index.text_of(typed)
    if len(text.strip()) < SIMILAR_MIN_CHARS:
        return []
    unit_id = typed.get("unit_id") or (submission or {}).get("unit_id")  # an edit's form has no unit to pick
    params = {"text": text[:service.MAX_TEXT], **({"unit_id": unit_id} if unit_id else {}),
              **({"exclude": submission["id"]} if submission else {})}
    try:
        return service.similar_for(page.principal, params)["items"]
    except DomainError:  # a unit or an id the form was sent with that is not one: the form goes on without
        return []


@bp.route(PREFIX + "/similar", methods=["POST"], content_types=[FORM])
@page_view(bp)
def similar_fragment(page):
    """What the form's script shows while the worker types: the initiatives
    like the text, as an HTML fragment of the form's own section. A POST of
    the form's fields (the whole text: a URL would hold a few hundred
    Vietnamese characters); it stores nothing."""
    form = page.form()
    typed = {name: forms.first(form, name) for name in ("title", "problem", "solution", "results", "unit_id")}
    exclude = forms.first(form, "exclude")
    found = _similar(page, typed, {"id": exclude} if exclude else None)
    return page.render("similar_fragment.html", similar=found,
                       headers={"Cache-Control": "no-store"})


@bp.route(PREFIX + "/initiatives/{submission_id}/publication", methods=["POST"], content_types=[FORM])
@page_view(bp)
def change_publication(page, submission_id):
    """An author gives or withdraws the consent to publish it on the showcase
    (the initiative page's box); back to the initiative page, which says so."""
    from chalicelib.submissions import showcase

    wanted = forms.first(page.form(), "publish_consent") == "on"
    showcase.set_consent(submission_id, page.principal, {"publish_consent": wanted})
    return redirect(url(f"{PREFIX}/initiatives/{submission_id}", published="yes" if wanted else "no")
                    + "#publication")
