"""A reviewer's pages: the queue of their unit, decisions on many at once, and
one initiative with its history and the events the caller may fire on it.

Every rule stays where the API finds it: the queue, transitions and batch
decisions are chalicelib.workflow.service, visibility and the allowed events
chalicelib.submissions.service. Here a form becomes the API's request body and
an answer becomes a page; an expected mistake (a reason left out, nothing
selected) brings the same page back with the message beside the field and
what was typed kept.
"""
import re

from chalice import Blueprint

from chalicelib import validation
from chalicelib.errors import ApiError, Problem
from chalicelib.web.pages import FORM_TYPE, PREFIX, new_token, page_view, redirect, url

bp = Blueprint(__name__)

FILTERS = ("state", "phase", "subject_group", "field")
SCORES = ("novelty", "applicability", "effectiveness")
# Fields a posted decision carries, as the form names them (scores by their own name).
INPUT_NAMES = ("reason", *SCORES, "confirmed_benefit_vnd")
# Authors resubmit from the edit page (chalicelib/web/worker.py), after changing
# what the reviewer asked for: never as a bare button on the initiative page.
EDIT_PAGE_EVENTS = frozenset({"resubmit"})
# History events that are not transitions of the definition, named by the catalogue.
OTHER_EVENTS = frozenset({"submitted", "edited"})
WHOLE_NUMBER = re.compile(r"^[+-]?[0-9]{1,12}$")
# The order each form shows its fields in (its messages are listed so), and the
# id suffix of each field (see _review_fields.html).
QUEUE_FORM_ORDER = ("", "items", "event", "reason", *SCORES, "scores", "confirmed_benefit_vnd")
EVENT_FORM_ORDER = ("", "event", *SCORES, "scores", "confirmed_benefit_vnd", "reason")
FIELD_IDS = {"reason": "reason", **{name: name for name in SCORES}, "scores": SCORES[0],
             "confirmed_benefit_vnd": "confirmed-benefit"}


# ------------------------------------------------------------------ the queue

@bp.route(PREFIX + "/queue", methods=["GET"])
@page_view(bp, roles=("reviewer",))
def queue(page):
    filters = {name: page.query(name) for name in (*FILTERS, "cursor", "limit") if page.query(name)}
    return _queue_page(page, filters)


@bp.route(PREFIX + "/queue/decisions", methods=["POST"], content_types=[FORM_TYPE])
@page_view(bp, roles=("reviewer",))
def decide_selected(page):
    """One event on every selected initiative; a result line for each."""
    from chalicelib.workflow import definition, service

    form = page.form()
    filters = {name: _first(form, f"filter-{name}") for name in (*FILTERS, "cursor", "limit")}
    filters = {name: value for name, value in filters.items() if value}
    selected = [value.strip() for value in form.get("ids", []) if value.strip()]
    event = _first(form, "event")
    body = {"event": event, **_token(form), **_event_input(form),
            "items": [{"id": sid, "expected_version": _whole(_first(form, f"version-{sid}"))} for sid in selected]}
    values = {name: _first(form, name) for name in ("event", *INPUT_NAMES)}

    transition = definition.default().transitions.get(event)
    problems = _input_problems("decisions-request", body, transition)
    try:
        if problems:
            raise ApiError(422, problems)
        outcome = service.decide_many(page.principal, body)
    except ApiError as error:
        if error.status not in (400, 422):
            raise
        return _queue_page(page, filters, status=422, decision={
            "values": values, "selected": set(selected),
            "problems": _friendly(error.problems, transition, page, QUEUE_FORM_ORDER)})
    results = [_result_line(page, result) for result in outcome["results"]]
    return page.render("queue_results.html", results=results,
                       event_label=page.name(transition.label) if transition else event,
                       succeeded=sum(1 for r in results if r["ok"]), failed=sum(1 for r in results if not r["ok"]),
                       back=url(PREFIX + "/queue", **filters))


def _input_problems(schema: str, body: dict, transition) -> list:
    """Everything wrong with a decision before anything is tried, all at once:
    the request schema the service applies first, and the event's input checked
    by the engine's own rule (for a batch, once: a missing reason is one message
    beside the field, not the same refusal on every line)."""
    from chalicelib.workflow import engine

    if transition is not None:
        problems = list(engine.check_input(transition, _payload(body)))
    else:
        problems = [Problem("/event", "unknown_event")] if body.get("event") else []
    try:
        validation.normalized(schema, body, status=422)
    except ApiError as error:
        problems += [p for p in error.problems if p not in problems]
    # Nothing ticked reads better as such than as "at least 1 entry".
    return [Problem("/items", "none_selected") if (p.path, p.code) == ("/items", "too_few") else p
            for p in problems]


def _queue_page(page, filters: dict, status: int = 200, decision: dict | None = None):
    from chalicelib.reference import catalog
    from chalicelib.workflow import definition, service

    problems = validation.problems("queue-query", filters)
    if problems:
        raise ApiError(400, problems)
    workflow = definition.default()
    unit = catalog.unit(page.principal.unit_id)
    played = _levels_played(unit)
    states = [s for s in workflow.states.values() if s.queue in played]
    events = [t for t in workflow.transitions.values()
              if set(t.sources) & {s.name for s in states}
              and any(a.role == "reviewer" and a.level in played for a in t.by)]
    answer = service.queue(page.principal, filters)
    programs = catalog.programs()
    chosen = catalog.phase(filters["phase"]) if filters.get("phase") else None
    groups, fields = _choices(programs if chosen is None else [chosen[0]])
    rows = [{**item, "unit_name": _unit_name(item["unit_id"]),
             "subject_group_name": page.name(groups.get(item["subject_group"], item["subject_group"])),
             "state_name": _state_name(page, item["status"])} for item in answer["items"]]
    decision = decision or {"values": {}, "selected": set(), "problems": []}
    without_cursor = {k: v for k, v in filters.items() if k != "cursor"}
    reason_events = [page.name(t.label) for t in events if t.input.get("reason") == "required"]
    score_events = [page.name(t.label) for t in events if "scores" in t.input or "confirmed_benefit_vnd" in t.input]
    return page.render(
        "queue.html", status=status, unit_name=unit.name if unit else page.principal.unit_id, rows=rows,
        filters=filters, states=[(s.name, page.name(s.title)) for s in states],
        programs=[(page.name(p.name), [(ph.id, page.name(ph.name)) for ph in p.phases]) for p in programs],
        groups=[(gid, page.name(name)) for gid, name in groups.items()],
        fields=[(fid, page.name(name)) for fid, name in fields.items()],
        filtered=any(filters.get(name) for name in FILTERS),
        waiting=_waiting(page, unit, workflow, filters),
        next_page=url(PREFIX + "/queue", **without_cursor, cursor=answer["next_cursor"])
        if answer["next_cursor"] else None,
        first_page=url(PREFIX + "/queue", **without_cursor) if filters.get("cursor") else None,
        events=[(t.event, page.name(t.label)) for t in events], reason_events=", ".join(reason_events),
        score_events=", ".join(score_events), client_token=new_token(), decision=decision,
        errors=_by_field(decision["problems"]),
        summary=_summary(decision["problems"], "decision", {"event": "decision-event", "items": "select-all"}))


def _levels_played(unit) -> frozenset:
    """The workflow levels whose queue may be this unit's (none for an unknown unit)."""
    from chalicelib.reference.model import LEVEL_NAMES
    from chalicelib.workflow import engine

    return engine.levels_played(LEVEL_NAMES[unit.level]) if unit is not None else frozenset()


def _waiting(page, unit, workflow, filters: dict) -> dict | None:
    """How many initiatives wait for this unit, read from the counters.

    The unit's counter item per phase holds `state:<s>` for its whole subtree,
    so the states whose queue is at the unit's own level are exactly what waits
    for it: ONE GetItem (eventually consistent, 0.5 RCU) of
    `COUNT#<unit>#<phase>` / `TOTAL` per phase shown (the current phase, or the
    filtered one), never a read of the initiatives themselves. The counters are
    kept by the stream consumer, so the figure lags the list by seconds.
    A top-level unit that also plays the upper-grassroots role for grassroots
    unions directly under it is left without a figure: its counter sums those
    states over its whole subtree, including what waits for the upper-grassroots
    unions below it, so one read cannot say what waits for the unit itself."""
    from chalicelib.counters import core, stats
    from chalicelib.reference import catalog
    from chalicelib.reference.model import LEVEL_NAMES

    if unit is None:
        return None
    own = LEVEL_NAMES[unit.level]
    states = [s.name for s in workflow.states.values() if s.queue == own]
    if not states or _levels_played(unit) != {own}:
        return None
    if filters.get("state"):
        if filters["state"] not in states:
            return None
        states = [filters["state"]]
    if filters.get("phase"):
        found = catalog.phase(filters["phase"])
    else:
        found = catalog.current()
    if not found:
        return None
    program, phase = found
    counts = stats.unit_counts(unit.id, phase.id)
    return {"count": sum(int(counts.get(core.STATE + name, 0)) for name in states),
            "phase": page.name(phase.name), "program": page.name(program.name)}


def _choices(programs) -> tuple[dict, dict]:
    """Subject groups and fields of `programs`, by id (first program's name wins)."""
    groups, fields = {}, {}
    for program in programs:
        for item in program.subject_groups:
            groups.setdefault(item["id"], item["name"])
        for item in program.fields:
            fields.setdefault(item["id"], item["name"])
    return groups, fields


def _result_line(page, result: dict) -> dict:
    """One initiative's line on the results page: its new state, or why not."""
    from chalicelib.submissions import service as submissions

    if "submission" in result:
        done = result["submission"]
        return {"id": done["id"], "title": done["title"], "code": done["code"], "ok": True,
                "state": done["status"], "state_name": _state_name(page, done["status"]), "messages": []}
    error = result["error"]
    line = {"id": result["id"], "title": None, "code": None, "ok": False, "state": None, "state_name": None,
            "messages": [p["message"] for p in error.body(page.lang)["errors"]]}
    current = error.extra.get("current")
    if current:
        line["state"], line["state_name"] = current["status"], _state_name(page, current["status"])
    try:  # the title and code of one that failed (one GetItem each, failures only)
        _, data, _ = submissions.load(result["id"], page.principal)
        line["title"], line["code"] = data["title"], data["code"]
    except ApiError:
        pass
    return line


# ------------------------------------------------------------------ one initiative

@bp.route(PREFIX + "/initiatives/{submission_id}", methods=["GET"])
@page_view(bp)
def initiative(page, submission_id):
    from chalicelib.workflow import definition

    done = page.query("done")
    transition = definition.default().transitions.get(done) if done else None
    notice = {"kind": "ok", "messages": [page.t("web.review.done", event=page.name(transition.label))]} \
        if transition else None
    return _initiative_page(page, submission_id, notice=notice)


@bp.route(PREFIX + "/initiatives/{submission_id}/events", methods=["POST"], content_types=[FORM_TYPE])
@page_view(bp)
def fire_event(page, submission_id):
    """Fire one event; back to the initiative page, which says it was done."""
    from chalicelib.workflow import definition, service

    form = page.form()
    event = _first(form, "event")
    body = {"event": event, "expected_version": _whole(_first(form, "expected_version")), **_token(form),
            **_event_input(form)}
    transition = definition.default().transitions.get(event)
    try:
        problems = _input_problems("transition-request", body, transition)
        if problems:
            raise ApiError(422, problems)
        service.fire(submission_id, page.principal, body)
    except ApiError as error:
        if error.status == 409:
            # Someone else decided first: the page as it is now, the events allowed now.
            messages = [p["message"] for p in error.body(page.lang)["errors"]]
            current = error.extra.get("current")
            if current:
                messages.append(page.t("web.review.state_now", state=_state_name(page, current["status"])))
            return _initiative_page(page, submission_id, status=409,
                                    notice={"kind": "warn", "messages": messages})
        if error.status not in (400, 422):
            raise
        problems = _friendly(error.problems, transition, page, EVENT_FORM_ORDER)
        return _initiative_page(page, submission_id, status=error.status, failed={
            "event": event, "values": {name: _first(form, name) for name in INPUT_NAMES},
            "errors": _by_field(problems),
            "summary": _summary(problems, event, {"": f"event-{event}", "event": f"event-{event}"})})
    return redirect(url(f"{PREFIX}/initiatives/{submission_id}", done=event))


def _initiative_page(page, submission_id: str, status: int = 200, notice: dict | None = None,
                     failed: dict | None = None):
    from chalicelib.reference import catalog
    from chalicelib.submissions import rules
    from chalicelib.submissions import service as submissions
    from chalicelib.workflow import definition, service

    detail = submissions.read(submission_id, page.principal)
    steps = service.history(submission_id, page.principal)["items"]
    workflow = definition.default()
    program = next((p for p in catalog.programs() if p.id == detail["program_id"]), None)
    groups, fields = _choices([program] if program else [])
    phase = next((ph for ph in (program.phases if program else ()) if ph.id == detail["phase"]), None)
    is_author = page.principal.user_id in rules.author_ids(detail)
    state = workflow.states.get(detail["status"])

    revision = None
    if is_author and state is not None and state.author_may_edit:
        into = [step for step in steps if step["to"] == detail["status"] and step["input"].get("reason")]
        revision = {"reason": into[-1]["input"]["reason"] if into else None,
                    "edit": url(f"{PREFIX}/initiatives/{submission_id}/edit")}

    failed = failed or {}
    forms = []
    for allowed in detail["allowed_events"]:
        if is_author and allowed["event"] in EDIT_PAGE_EVENTS:
            continue
        mine = failed.get("event") == allowed["event"]
        forms.append({"event": allowed["event"], "label": page.name(allowed["label"]), "input": allowed["input"],
                      "errors": failed["errors"] if mine else {}, "values": failed["values"] if mine else {},
                      "summary": failed["summary"] if mine else [], "open": mine,
                      # One token per form: each is a different request, so none may replay another.
                      "client_token": new_token()})
    if failed and not any(f["open"] for f in forms):
        # The event is no longer (or never was) one to offer here: say why at the top.
        notice = {"kind": "error", "messages": [message for message, _ in failed["summary"]]}

    return page.render(
        "initiative.html", status=status, item=detail, notice=notice, revision=revision, forms=forms,
        plain_forms=[f for f in forms if not f["input"]], input_forms=[f for f in forms if f["input"]],
        state_name=_state_name(page, detail["status"]),
        program_name=page.name(program.name) if program else detail["program_id"],
        phase_name=page.name(phase.name) if phase else detail["phase"],
        subject_group_name=page.name(groups.get(detail["subject_group"], detail["subject_group"])),
        field_name=page.name(fields.get(detail["field"], detail["field"])),
        steps=[_step(page, step, workflow) for step in steps],
        is_reviewer=page.has_role("reviewer"), is_author=is_author,
        failed_summary=failed.get("summary") if failed and any(f["open"] for f in forms) else None)


def _step(page, step: dict, workflow) -> dict:
    """One history event as the timeline shows it."""
    transition = workflow.transitions.get(step["event"])
    if transition is not None:
        label = page.name(transition.label)
    elif step["event"] in OTHER_EVENTS:
        label = page.t(f"web.review.event.{step['event']}")
    else:
        label = step["event"]
    actor = step["actor"]
    if actor["id"] == page.principal.user_id:
        who = page.t("web.review.history_you")
    else:
        # In the seat the definition names for the event (a reviewer who is also
        # a member acted as reviewer); authors for what only authors do.
        seats = [a.role for a in transition.by if a.role != "author" and a.role in actor["roles"]] \
            if transition is not None else []
        if seats:
            role = ", ".join(page.t(f"web.role.{seat}") for seat in dict.fromkeys(seats))
        elif transition is not None or step["event"] in OTHER_EVENTS:
            role = page.t("web.review.role_author")
        else:
            role = ", ".join(page.t(f"web.role.{name}") for name in actor["roles"])
        who = page.t("web.review.history_who", role=role, unit=_unit_name(actor["unit_id"]))
    given = step["input"]
    return {"label": label, "at": step["at"], "who": who,
            "from": _state_name(page, step["from"]) if step["from"] else None, "to": _state_name(page, step["to"]),
            "to_state": step["to"], "reason": given.get("reason"),
            "scores": [(page.t(f"fields.{name}"), given["scores"][name]) for name in SCORES
                       if name in (given.get("scores") or {})],
            "confirmed_benefit_vnd": given.get("confirmed_benefit_vnd")}


# ------------------------------------------------------------------ forms

def _first(form: dict, name: str) -> str:
    return (form.get(name) or [""])[0].strip()


def _token(form: dict) -> dict:
    token = _first(form, "client_token")
    return {"client_token": token} if token else {}


def _whole(value: str):
    """A whole number typed in a form; anything else is passed on as typed, for
    the schema to refuse (and `_friendly` to word)."""
    return int(value) if WHOLE_NUMBER.match(value) else value


def _event_input(form: dict) -> dict:
    """An event's input from a posted form, as the API takes it: empty fields
    left out; money with only its digits kept (1.500.000 → 1500000)."""
    body = {}
    if _first(form, "reason"):
        body["reason"] = _first(form, "reason")
    scores = {name: _whole(_first(form, name)) for name in SCORES if _first(form, name)}
    if scores:
        body["scores"] = scores
    digits = re.sub(r"[^0-9]", "", _first(form, "confirmed_benefit_vnd"))
    if digits:
        body["confirmed_benefit_vnd"] = int(digits)
    return body


def _payload(body: dict) -> dict:
    from chalicelib.workflow import definition
    return {k: body[k] for k in definition.INPUT_FIELDS if k in body}


def _friendly(problems, transition, page, order: tuple) -> list:
    """(message, field) for each problem, in the page's language, in the order
    the form shows its fields. A score typed as something other than a whole
    number reads as such, and an event that does not take a field is named by
    its label, not its code."""
    found = []
    for problem in problems:
        if problem.code == "wrong_type" and problem.path.startswith(("/scores/", "/expected_version", "/items/")):
            problem = Problem(problem.path, "whole_number")
        elif problem.code == "not_accepted" and transition is not None:
            problem = Problem(problem.path, problem.code, {"event": page.name(transition.label)})
        message = problem.render(page.lang)["message"]
        found.append((message, _field_of(problem.path)))
    rank = {field: index for index, field in enumerate(order)}
    return sorted(dict.fromkeys(found), key=lambda pair: rank.get(pair[1], len(order)))


def _field_of(path: str) -> str:
    """Which form field a problem's JSON Pointer is about ("" for the form as a whole)."""
    parts = [part for part in path.split("/") if part]
    if not parts:
        return ""
    if parts[0] == "scores" and len(parts) > 1:
        return parts[1]
    return parts[0]


def _summary(problems: list, prefix: str, elsewhere: dict) -> list:
    """(message, id of the element to jump to, or None) for the summary at the
    top: the field of the form whose ids start with `prefix`, or what
    `elsewhere` names for problems not about one of its fields."""
    jump = {**{field: f"{prefix}-{suffix}" for field, suffix in FIELD_IDS.items()}, **elsewhere}
    return [(message, jump.get(field)) for message, field in problems]


def _by_field(problems: list) -> dict:
    found: dict = {}
    for message, field in problems:
        found.setdefault(field, []).append(message)
    return found


# ------------------------------------------------------------------ names

def _unit_name(unit_id: str) -> str:
    from chalicelib.reference import catalog

    unit = catalog.unit(unit_id)
    return unit.name if unit else unit_id


def _state_name(page, state: str) -> str:
    from chalicelib.submissions import service as submissions
    return page.name(submissions.state_name(state))
