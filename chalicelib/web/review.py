"""A reviewer's pages, the routes: the queue of their unit, decisions on many
at once, and one initiative with its history and the events the caller may
fire on it.

Every rule stays in the services (chalicelib/review, chalicelib/submissions),
which check everything and report every problem at once: a route turns a
form into a request (review_forms), calls one service, and shows the answer
(review_pages). An expected mistake (a reason left out, nothing selected)
brings the same page back with the message beside the field and what was
typed kept.
"""
from chalice import Blueprint

from chalicelib.errors import Conflict, Invalid, Malformed
from chalicelib.web import forms
from chalicelib.web.pages import FORM_TYPE, PREFIX, page_view, redirect, url

bp = Blueprint(__name__)

# review_pages and review_forms are imported by the routes: they load the
# workflow core, which `import app` need not pay for.


def page_params(review_pages) -> tuple:
    """The queue's filters, search, order and paging, as the page's links and forms carry them."""
    return (*review_pages.FILTERS, *review_pages.VIEW, "cursor", "limit")


@bp.route(PREFIX + "/queue", methods=["GET"])
@page_view(bp, roles=("reviewer",))
def queue(page):
    from chalicelib.web import review_pages

    filters = {name: page.query(name) for name in page_params(review_pages) if page.query(name)}
    return review_pages.queue_page(page, filters, preview=page.query("preview") or None)


@bp.route(PREFIX + "/queue/decisions", methods=["POST"], content_types=[FORM_TYPE])
@page_view(bp, roles=("reviewer",))
def decide_selected(page):
    """One event on every selected initiative; a result line for each."""
    from chalicelib.review import service
    from chalicelib.web import review_forms, review_pages
    from chalicelib.workflow import definition

    form = page.form()
    filters = posted_filters(form, review_pages)
    selected = [value.strip() for value in form.get("ids", []) if value.strip()]
    transition = definition.default().transitions.get(forms.text(form, "event"))
    takes = set(transition.input) if transition else set()
    body = {**review_forms.decision(form, page.lang),
            "items": [{"id": sid, "expected_version": forms.whole(forms.text(form, f"version-{sid}")),
                       **review_forms.row_input(form, sid, takes, page.lang)} for sid in selected]}
    try:
        outcome = service.decide_many(page.principal, body)
    except (Invalid, Malformed) as error:
        shared, rows = review_forms.by_item(error.problems, selected)
        problems = review_forms.friendly(shared, transition, page, review_forms.QUEUE_FORM_ORDER)
        return review_pages.queue_page(page, filters, status=422, decision={
            "values": review_forms.typed(form), "selected": set(selected), "problems": problems,
            "rows": {sid: {"values": review_forms.typed_row(form, sid),
                           "problems": review_forms.friendly(rows.get(sid, []), transition, page,
                                                             review_forms.EVENT_FORM_ORDER)}
                     for sid in {*selected, *review_forms.typed_rows(form)}}})
    results = [review_pages.result_line(page, result) for result in outcome["results"]]
    return page.render("queue_results.html", results=results,
                       event_label=page.name(transition.label) if transition else body["event"],
                       succeeded=sum(1 for r in results if r["ok"]), failed=sum(1 for r in results if not r["ok"]),
                       back=url(PREFIX + "/queue", **filters))


def posted_filters(form: dict, review_pages) -> dict:
    """The queue's filters, search and page as the posted form carries them back."""
    filters = {name: forms.text(form, f"filter-{name}") for name in page_params(review_pages)}
    return {name: value for name, value in filters.items() if value}


@bp.route(PREFIX + "/queue/claims", methods=["POST"], content_types=[FORM_TYPE])
@page_view(bp, roles=("reviewer",))
def claim_or_release(page):
    """"I'm handling this" / "Release it" on one row (a button of the decision
    form, so the rows need no form of their own); back to the same queue page,
    which shows it, or the queue with the reason when a colleague has it."""
    from chalicelib.review import service
    from chalicelib.web import review_pages

    form = page.form()
    filters = posted_filters(form, review_pages)
    taking = forms.text(form, "take")
    submission_id = taking or forms.text(form, "release")
    if not submission_id:
        raise Malformed()
    try:
        if taking:
            service.claim(submission_id, page.principal)
        else:
            service.release(submission_id, page.principal)
    except Conflict as error:
        return review_pages.queue_page(page, filters, status=409, notice={
            "kind": "warn", "messages": [p["message"] for p in error.body(page.lang)["errors"]]})
    # The row now says who handles it.
    return redirect(url(PREFIX + "/queue", **filters) + f"#row-{submission_id}")


@bp.route(PREFIX + "/initiatives/{submission_id}", methods=["GET"])
@page_view(bp)
def initiative(page, submission_id):
    from chalicelib.web import review_pages
    from chalicelib.workflow import definition

    done = page.query("done")
    transition = definition.default().transitions.get(done) if done else None
    notice = {"kind": "ok", "messages": [page.t("web.review.done", event=page.name(transition.label))]} \
        if transition else None
    return review_pages.initiative_page(page, submission_id, notice=notice)


@bp.route(PREFIX + "/initiatives/{submission_id}/events", methods=["POST"], content_types=[FORM_TYPE])
@page_view(bp)
def fire_event(page, submission_id):
    """Fire one event; back to the initiative page, which says it was done."""
    from chalicelib.api.http import status_of
    from chalicelib.review import service
    from chalicelib.web import review_forms, review_pages
    from chalicelib.workflow import definition

    form = page.form()
    body = {**review_forms.decision(form, page.lang), "expected_version": forms.whole(forms.text(form, "expected_version"))}
    event = body["event"]
    try:
        service.fire(submission_id, page.principal, body)
    except Conflict as error:
        # Someone else decided first: the page as it is now, the events allowed now.
        messages = [p["message"] for p in error.body(page.lang)["errors"]]
        current = error.extra.get("current")
        if current:
            messages.append(page.t("web.review.state_now", state=review_pages.state_name(page, current["status"])))
        return review_pages.initiative_page(page, submission_id, status=409,
                                            notice={"kind": "warn", "messages": messages})
    except (Invalid, Malformed) as error:
        transition = definition.default().transitions.get(event)
        problems = review_forms.friendly(error.problems, transition, page, review_forms.EVENT_FORM_ORDER)
        return review_pages.initiative_page(page, submission_id, status=status_of(error), failed={
            "event": event, "values": review_forms.typed(form), "errors": review_forms.by_field(problems),
            "summary": review_forms.summary(problems, event, {"": f"event-{event}", "event": f"event-{event}"})})
    return redirect(url(f"{PREFIX}/initiatives/{submission_id}", done=event))
