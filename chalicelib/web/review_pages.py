"""What the reviewer's pages show: the queue page (rows, filters, the count
waiting, the decision form) and one initiative's page (detail, history, one
form per event the caller may fire). Every figure comes from the services:
the queue and decisions from chalicelib/review, visibility and the events
allowed from chalicelib/submissions, the count waiting from the counters.
"""
from chalicelib.errors import DomainError
from chalicelib.review.queues import desk
from chalicelib.submissions.store import QUEUE_FILTERS
from chalicelib.web import review_forms
from chalicelib.web.pages import PREFIX, new_token, url
from chalicelib.workflow.definition import SCORES

FILTERS = QUEUE_FILTERS  # the queue's own filters: state, phase, subject group, field


# ------------------------------------------------------------------ the queue

def queue_page(page, filters: dict, status: int = 200, decision: dict | None = None):
    from chalicelib.reference import catalog
    from chalicelib.review import service
    from chalicelib.workflow import definition

    answer = service.queue(page.principal, filters)
    workflow = definition.default()
    unit = catalog.unit(page.principal.unit_id)
    mine = desk(workflow, unit)
    programs = catalog.programs()
    chosen = catalog.phase(filters["phase"]) if filters.get("phase") else None
    groups, fields = choices(programs if chosen is None else [chosen[0]])
    rows = [{**item, "unit_name": unit_name(item["unit_id"]),
             "subject_group_name": page.name(groups.get(item["subject_group"], item["subject_group"])),
             "state_name": state_name(page, item["status"])} for item in answer["items"]]
    decision = decision or {"values": {}, "selected": set(), "problems": []}
    errors = review_forms.by_field(decision["problems"])
    # The scores and benefit fold away unless something was typed there or is wrong there.
    scores_open = any(errors.get(name) or decision["values"].get(name)
                      for name in ("scores", "confirmed_benefit_vnd", *SCORES))
    without_cursor = {k: v for k, v in filters.items() if k != "cursor"}
    reason_events = [page.name(t.label) for t in mine.events if t.input.get("reason") == "required"]
    score_events = [page.name(t.label) for t in mine.events
                    if "scores" in t.input or "confirmed_benefit_vnd" in t.input]
    return page.render(
        "queue.html", status=status, unit_name=unit.name if unit else page.principal.unit_id, rows=rows,
        filters=filters, states=[(s.name, page.name(s.title)) for s in mine.states],
        programs=[(page.name(p.name), [(ph.id, page.name(ph.name)) for ph in p.phases]) for p in programs],
        groups=[(gid, page.name(name)) for gid, name in groups.items()],
        fields=[(fid, page.name(name)) for fid, name in fields.items()],
        filtered=any(filters.get(name) for name in FILTERS),
        waiting=waiting(page, unit, mine, filters),
        next_page=url(PREFIX + "/queue", **without_cursor, cursor=answer["next_cursor"])
        if answer["next_cursor"] else None,
        first_page=url(PREFIX + "/queue", **without_cursor) if filters.get("cursor") else None,
        events=[(t.event, page.name(t.label)) for t in mine.events], reason_events=", ".join(reason_events),
        score_events=", ".join(score_events), client_token=new_token(), decision=decision, errors=errors,
        scores_open=scores_open,
        summary=review_forms.summary(decision["problems"], "decision",
                                     {"event": "decision-event", "items": "select-all"}))


def waiting(page, unit, mine, filters: dict) -> dict | None:
    """How many initiatives wait for this unit, read from the counters.

    The unit's counter per phase holds `state:<s>` for its whole subtree, so
    the states whose queue is at the unit's own level are exactly what waits
    for it: ONE GetItem (eventually consistent, 0.5 RCU) per phase shown (the
    current phase, or the filtered one), never a read of the initiatives
    themselves. The counters are kept by the stream consumer, so the figure
    lags the list by seconds. A unit whose counters cannot say it alone (see
    review.queues.Desk.counts_alone) is left without a figure."""
    from chalicelib.counters import core, store
    from chalicelib.reference import catalog

    states = list(mine.own_states)
    if unit is None or not states or not mine.counts_alone:
        return None
    if filters.get("state"):
        if filters["state"] not in states:
            return None
        states = [filters["state"]]
    found = catalog.phase(filters["phase"]) if filters.get("phase") else catalog.current()
    if not found:
        return None
    program, phase = found
    counts = store.unit_counts(unit.id, phase.id)
    return {"count": sum(int(counts.get(core.STATE + name, 0)) for name in states),
            "phase": page.name(phase.name), "program": page.name(program.name)}


def choices(programs) -> tuple[dict, dict]:
    """Subject groups and fields of `programs`, by id (first program's name wins)."""
    groups, fields = {}, {}
    for program in programs:
        for item in program.subject_groups:
            groups.setdefault(item["id"], item["name"])
        for item in program.fields:
            fields.setdefault(item["id"], item["name"])
    return groups, fields


def result_line(page, result: dict) -> dict:
    """One initiative's line on the results page: its new state, or why not."""
    from chalicelib.submissions import service as submissions

    if "submission" in result:
        done = result["submission"]
        return {"id": done["id"], "title": done["title"], "code": done["code"], "ok": True,
                "state": done["status"], "state_name": state_name(page, done["status"]), "messages": []}
    error = result["error"]
    line = {"id": result["id"], "title": None, "code": None, "ok": False, "state": None, "state_name": None,
            "messages": [p["message"] for p in error.body(page.lang)["errors"]]}
    current = error.extra.get("current")
    if current:
        line["state"], line["state_name"] = current["status"], state_name(page, current["status"])
    try:  # the title and code of one that failed (one GetItem each, failures only)
        _, data, _ = submissions.load(result["id"], page.principal)
        line["title"], line["code"] = data["title"], data["code"]
    except DomainError:
        pass
    return line


# ------------------------------------------------------------------ one initiative

def initiative_page(page, submission_id: str, status: int = 200, notice: dict | None = None,
                    failed: dict | None = None):
    from chalicelib.reference import catalog
    from chalicelib.review import service
    from chalicelib.submissions import rules
    from chalicelib.submissions import service as submissions
    from chalicelib.workflow import definition

    detail = submissions.read(submission_id, page.principal)
    steps = service.history(submission_id, page.principal)["items"]
    # Who acted, by name: one BatchGetItem for every actor of the history.
    actors = {user_id: user.full_name for user_id, user in catalog.users(s["actor"]["id"] for s in steps).items()}
    workflow = definition.default()
    program = catalog.program(detail["program_id"])
    groups, fields = choices([program] if program else [])
    phase = next((ph for ph in (program.phases if program else ()) if ph.id == detail["phase"]), None)
    is_author = page.principal.user_id in rules.author_ids(detail)
    state = workflow.states.get(detail["status"])

    revision = None
    if is_author and state is not None and state.author_may_edit:
        into = [step for step in steps if step["to"] == detail["status"] and step["input"].get("reason")]
        revision = {"reason": into[-1]["input"]["reason"] if into else None,
                    "edit": url(f"{PREFIX}/initiatives/{submission_id}/edit")}

    failed = failed or {}
    shown = []
    for allowed in detail["allowed_events"]:
        transition = workflow.transitions.get(allowed["event"])
        if is_author and transition is not None and transition.after_edit:
            continue  # authors send it from the edit page, after changing what was asked: never a bare button
        mine = failed.get("event") == allowed["event"]
        shown.append({"event": allowed["event"], "label": page.name(allowed["label"]), "input": allowed["input"],
                      "errors": failed["errors"] if mine else {}, "values": failed["values"] if mine else {},
                      "summary": failed["summary"] if mine else [], "open": mine,
                      # One token per form: each is a different request, so none may replay another.
                      "client_token": new_token()})
    if failed and not any(f["open"] for f in shown):
        # The event is no longer (or never was) one to offer here: say why at the top.
        notice = {"kind": "error", "messages": [message for message, _ in failed["summary"]]}

    return page.render(
        "initiative.html", status=status, item=detail, notice=notice, revision=revision, forms=shown,
        plain_forms=[f for f in shown if not f["input"]], input_forms=[f for f in shown if f["input"]],
        state_name=state_name(page, detail["status"]),
        program_name=page.name(program.name) if program else detail["program_id"],
        phase_name=page.name(phase.name) if phase else detail["phase"],
        subject_group_name=page.name(groups.get(detail["subject_group"], detail["subject_group"])),
        field_name=page.name(fields.get(detail["field"], detail["field"])),
        steps=[history_step(page, step, workflow, actors) for step in steps],
        is_reviewer=page.has_role("reviewer"), is_author=is_author,
        failed_summary=failed.get("summary") if failed and any(f["open"] for f in shown) else None)


def scores_of(page, scores: dict) -> list:
    """(criterion's name, score) in the definition's order of criteria."""
    return [(page.t(f"fields.{name}"), scores[name]) for name in SCORES if name in scores]


def history_step(page, step: dict, workflow, names: dict | None = None) -> dict:
    """One history event as the timeline shows it: who acted by name (`names`:
    user id → full name), in which seat and unit."""
    from chalicelib.workflow.definition import HISTORY_ONLY

    transition = workflow.transitions.get(step["event"])
    if transition is not None:
        label = page.name(transition.label)
    elif step["event"] in HISTORY_ONLY:
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
        elif transition is not None or step["event"] in HISTORY_ONLY:
            role = page.t("web.review.role_author")
        else:
            role = ", ".join(page.t(f"web.role.{name}") for name in actor["roles"])
        name = (names or {}).get(actor["id"])
        who = (page.t("web.review.history_named", name=name, role=role, unit=unit_name(actor["unit_id"])) if name
               else page.t("web.review.history_who", role=role, unit=unit_name(actor["unit_id"])))
    given = step["input"]
    return {"label": label, "at": step["at"], "who": who,
            "from": state_name(page, step["from"]) if step["from"] else None, "to": state_name(page, step["to"]),
            "to_state": step["to"], "reason": given.get("reason"),
            "scores": scores_of(page, given.get("scores") or {}),
            "confirmed_benefit_vnd": given.get("confirmed_benefit_vnd")}


# ------------------------------------------------------------------ names

def unit_name(unit_id: str) -> str:
    from chalicelib.reference import catalog

    unit = catalog.unit(unit_id)
    return unit.name if unit else unit_id


def state_name(page, state: str) -> str:
    from chalicelib.submissions import service as submissions
    return page.name(submissions.state_name(state))
