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

# The queue's search and order, carried with its filters by its links and forms.
VIEW = ("q", "sort")


def queue_page(page, filters: dict, status: int = 200, decision: dict | None = None, notice: dict | None = None,
               preview: str | None = None):
    """The queue: the count waiting (own desk and below), search, sort and
    filters, compact rows with who handles each, one row opened for a preview
    (`preview`: its id; one GetItem) and the decision panel with each row's
    own input for the events that take one."""
    from chalicelib import clock
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
    decision = decision or {"values": {}, "selected": set(), "problems": [], "rows": {}}
    decision.setdefault("rows", {})
    today = clock.now()
    rows = [queue_row(page, item, groups, today, decision) for item in answer["items"]]
    opened = preview_of(page, preview) if preview and any(row["id"] == preview for row in rows) else None
    errors = review_forms.by_field(decision["problems"])
    # The shared scores and benefit fold away unless something was typed there or is wrong there.
    scores_open = any(errors.get(name) or decision["values"].get(name)
                      for name in ("scores", "confirmed_benefit_vnd", *SCORES))
    without_cursor = {k: v for k, v in filters.items() if k != "cursor"}
    reason_events = [page.name(t.label) for t in mine.events if t.input.get("reason") == "required"]
    score_events = [page.name(t.label) for t in mine.events
                    if "scores" in t.input or "confirmed_benefit_vnd" in t.input]
    row_summary = [(message, anchor) for row in rows for message, anchor in row["summary"]]
    return page.render(
        "queue.html", status=status, unit_name=unit.name if unit else page.principal.unit_id, rows=rows,
        filters=filters, states=[(s.name, page.name(s.title)) for s in mine.states],
        programs=[(page.name(p.name), [(ph.id, page.name(ph.name)) for ph in p.phases]) for p in programs],
        groups=[(gid, page.name(name)) for gid, name in groups.items()],
        fields=[(fid, page.name(name)) for fid, name in fields.items()],
        filtered=any(filters.get(name) for name in FILTERS), searched=bool(filters.get("q")),
        sorts=[(name, page.t(f"web.review.sort.{name}")) for name in SORTS],
        total=answer.get("total"), complete=answer.get("complete", True),
        waiting=waiting(page, unit, mine, filters), notice=notice, preview=opened,
        next_page=url(PREFIX + "/queue", **without_cursor, cursor=answer["next_cursor"])
        if answer["next_cursor"] else None,
        first_page=url(PREFIX + "/queue", **without_cursor) if filters.get("cursor") else None,
        here=dict(filters), only_filters={k: v for k, v in filters.items() if k in FILTERS},
        short_money=lambda amount: short_money(page, amount),
        events=[(t.event, page.name(t.label), " ".join(sorted(t.input))) for t in mine.events],
        row_inputs=row_inputs(page, mine), reason_events=", ".join(reason_events),
        score_events=", ".join(score_events), client_token=new_token(), decision=decision, errors=errors,
        scores_open=scores_open,
        summary=review_forms.summary(decision["problems"], "decision",
                                     {"event": "decision-event", "items": "select-all"}) + row_summary)


SORTS = ("age", "due", "benefit")


def queue_row(page, item: dict, groups: dict, now, decision: dict) -> dict:
    """One row as the queue shows it: code, title, unit, authors, benefit, how
    long it has waited, its due date (overdue marked), who handles it, and
    what was typed in its own inputs (with their messages) after a refusal."""
    from chalicelib import clock, formatting

    from chalicelib.review.queues import due_of

    waited = (now.date() - formatting.local_time(item["waiting_since"]).date()).days
    due = due_of(item)
    claim = item.get("claimed_by")
    typed = decision.get("rows", {}).get(item["id"], {})
    problems = typed.get("problems", [])
    return {**item, "unit_name": unit_name(item["unit_id"]),
            "subject_group_name": page.name(groups.get(item["subject_group"], item["subject_group"])),
            "state_name": state_name(page, item["status"]),
            "authors_text": ", ".join(item.get("author_names") or []),
            "age": page.t("web.review.age_today") if waited <= 0 else page.t("web.review.age_days", days=waited),
            "due": formatting.local_time(due).strftime("%d/%m") if due else None,
            "overdue": bool(item.get("overdue_since")) or bool(due and due < clock.timestamp(now)),
            "claim": None if not claim else {
                "mine": claim["id"] == page.principal.user_id, "name": claim["name"],
                "until": formatting.hour(claim["until"])},
            "values": typed.get("values", {}), "errors": review_forms.by_field(problems),
            "summary": [(f"{item['code']}: {message}", f"row-{item['id']}-{review_forms.FIELD_IDS.get(field, field)}")
                        for message, field in problems],
            "open": bool(typed.get("values") or problems)}


def short_money(page, amount: int) -> str:
    """An estimated benefit in a queue row, short: 1,5 tỷ, 900 triệu, 750.000 đ
    (en: 1.5 billion, 900 million, 750,000 VND)."""
    from chalicelib import formatting

    amount = int(amount)
    for size, unit in ((1_000_000_000, "billion"), (1_000_000, "million")):
        if abs(amount) >= size:
            value = round(amount / size, 1)
            text = formatting.number(int(value), page.lang)
            if value != int(value):
                text += ("." if page.lang == "en" else ",") + str(round((value - int(value)) * 10))
            return page.t(f"web.review.money_{unit}", amount=text)
    return page.money(amount)


def row_inputs(page, mine) -> dict:
    """Which inputs each row offers, for the desk's events that take them:
    {"reason": "events taking it", "scores": ..., "confirmed_benefit_vnd": ...}
    (space-separated event names, for the page's script to show only the
    selected event's; without it all are shown and used for that event only)."""
    found = {}
    for name in ("reason", "scores", "confirmed_benefit_vnd"):
        events = [t.event for t in mine.events if name in t.input]
        if events:
            found[name] = " ".join(events)
    return found


def preview_of(page, submission_id: str) -> dict | None:
    """The initiative opened inside the queue: what the authors wrote (one
    GetItem through the submissions service, which checks the caller may see it)."""
    from chalicelib.submissions import service as submissions

    try:
        detail = submissions.read(submission_id, page.principal)
    except DomainError:
        return None
    return {"id": detail["id"], "problem": detail["problem"], "solution": detail["solution"],
            "results": detail["results"], "applied_where": detail.get("applied_where"),
            "applied_from": detail["applied_from"], "benefit_vnd": detail.get("benefit_vnd"),
            "authors": [a["full_name"] + (f" ({a['share_percent']}%)" if a.get("share_percent") else "")
                        for a in detail["authors"]]}


def waiting(page, unit, mine, filters: dict) -> dict | None:
    """How many initiatives wait, read from the counters, never from the
    initiatives: at the caller's own desk (the headline, and per state) and,
    for a unit above the grassroots, below it (per level and state: e.g.
    pending at the grassroots unions under it).

    A unit's counter per phase holds `state:<s>` for its whole subtree: ONE
    GetItem (eventually consistent, 0.5 RCU; a top-level unit's 4 shards in
    one BatchGetItem) per phase shown (the current phase, or the filtered
    one). A top-level unit also plays the upper-grassroots desk for the unions
    directly under it: its own desk is its count less what waits at the
    upper-grassroots unions under it, read in the same BatchGetItem (one key
    per such child). The counters are kept by the stream consumer, so the
    figures lag the list by seconds."""
    from chalicelib.counters import core, store
    from chalicelib.reference import catalog
    from chalicelib.review.queues import split_waiting

    if unit is None:
        return None
    found = catalog.phase(filters["phase"]) if filters.get("phase") else catalog.current()
    if not found:
        return None
    program, phase = found
    workflow_states = {s.name: s.queue for s in _workflow().states.values() if s.queue}
    lower_desks = [] if mine.counts_alone else [
        child.id for child in catalog.children(unit.id) if child.level in mine.levels and child.level != unit.level]
    if lower_desks:
        from chalicelib.tables import BatchRead

        read = BatchRead()
        got = store.want_counts(read, [unit.id, *lower_desks], phase.id)
        read.run()
        counted = got()
        counts, below_desks = counted.get(unit.id, {}), [counted.get(child, {}) for child in lower_desks]
    else:
        counts, below_desks = store.unit_counts(unit.id, phase.id), []
    own, below = split_waiting(workflow_states, unit.level, mine.levels,
                               lambda c, s: int(c.get(core.STATE + s, 0)), counts, below_desks)
    states = [filters["state"]] if filters.get("state") else list(own)
    return {"count": sum(own.get(name, 0) for name in states),
            "own": [(state_name(page, name), count) for name, count in own.items()],
            "below": [(page.t(f"web.review.level.{level}"), state_name(page, name), count)
                      for (level, name), count in below.items()],
            "phase": page.name(phase.name), "program": page.name(program.name)}


def _workflow():
    from chalicelib.workflow import definition
    return definition.default()


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
        publication=publication_of(page, detail, state),
        failed_summary=failed.get("summary") if failed and any(f["open"] for f in shown) else None)


def publication_of(page, detail: dict, state) -> dict:
    """The consent to publish it on the public showcase (issue 13): given or
    not, whether it is there now (recognised and consented) with its public
    link, and the box to change it (any author, any state)."""
    consent = bool(detail.get("publish_consent"))
    on_showcase = consent and bool(state and state.recognized)
    changed = page.query("published")
    return {"consent": consent, "on_showcase": on_showcase,
            "link": url(f"{PREFIX}/showcase/{detail['id']}") if on_showcase else None,
            "changed": changed in ("yes", "no")}


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
