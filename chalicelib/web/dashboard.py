"""A leader's dashboard: progress against target, rankings, award lists.

GET  /app/dashboard?phase=                  the caller's unit in one phase (leaders, admins)
POST /app/award-lists                       ask for the caller's unit's list for a phase (compiled off the request path)
GET  /app/award-lists/{list_id}             one version of a list (the award emails link here), or, while it
                                            is compiled, a progress bar (a small script polls .../progress;
                                            without it the page refreshes itself and offers "Tải lại")
GET  /app/award-lists/{list_id}/progress    the compile's progress as JSON, for that script
GET  /app/award-lists/{list_id}/workbook    303 to a fresh presigned link to its Excel file
POST /app/award-lists/{list_id}/approve     approve that version (the form's "I confirm" box ticked)

Figures come from the same services as GET /stats/units/{id} and
GET /stats/rankings; award lists from the same services as /award-lists, with
the same rules (chalicelib/awards/access.py): compile, a leader of the unit
(here always the caller's own unit); read, a leader, reviewer or admin whose
unit contains the list's unit; approve, a leader of the list's unit itself.

After a post the browser is sent (303) back to the page it came from with a
notice in the query: `done=` on success; `problem=` when the list was already
approved or a newer version exists (the API's 409), or the confirmation box
was not ticked (the API's 400 `approval_unconfirmed`), so the page it lands on
shows the list as it now is, and a reload posts nothing.

DynamoDB reads of each page (besides the session's unread count):
- dashboard: catalog.programs and catalog.unit (cached per container); the
  unit's stats (gsi1 Query of its children, BatchGetItem of counters and
  targets, 2 keys per unit; the review clock's table and chart come from the
  same counters, nothing more is read); the trend (one BatchGetItem of the
  unit's month items of per-day counts, one per month and shard, and its
  target); for a national unit or an admin the top-level
  ranking (gsi1 Query, `by_level` Query, BatchGetItem of targets); the latest
  award list (awards table, one Query, Limit 1, strongly consistent) and the
  names of who compiled and approved it (one BatchGetItem of ≤ 2 users).
- list page: one GetItem of the version, one GetItem of version + 1 (is there
  a newer one?), the names (one BatchGetItem); the workbook link is presigned
  locally (no S3 call). While compiling: the GetItem of the version (absent)
  and one GetItem of the compile request; the same for each poll.
- workbook: one GetItem, then the presigned link.
"""
from chalice import Blueprint

from chalicelib import clock
from chalicelib.awards import access
from chalicelib.errors import Forbidden, NotFound, Problem
from chalicelib.web import charts
from chalicelib.web.pages import FORM_TYPE, PREFIX, page_view, redirect, url

bp = Blueprint(__name__)

KINDS = ("exemplary_initiatives", "outstanding_individuals", "outstanding_collectives")
LIST_READERS = access.READERS
# What a redirect may ask the next page to say (anything else is ignored).
DONE = ("compiled", "unchanged", "approved")
# How often a compile's page refreshes itself without JavaScript (the script polls every 2 s).
REFRESH_SECONDS = 5
PROBLEMS = ("award_list_approved", "award_list_superseded", "approval_unconfirmed")


# ------------------------------------------------------------------ the dashboard

@bp.route(PREFIX + "/dashboard", methods=["GET"])
@page_view(bp, roles=("leader", "admin"))
def dashboard(page):
    from chalicelib.awards import service, store
    from chalicelib.counters import stats
    from chalicelib.levels import Level
    from chalicelib.reference import catalog
    from chalicelib.workflow import definition

    programs = catalog.programs()
    program, phase = _chosen_phase(programs, page.query("phase"))
    unit = catalog.unit(page.principal.unit_id)
    if unit is None:
        raise Forbidden()
    figures = stats.unit_stats(page.principal, unit.id, {"phase": phase.id})
    trend = _trend(page, unit, phase)
    national = unit.kind == "national"
    # The national unit's children are the top-level units: their ranking is
    # the nationwide one, shown once (from stats.rankings).
    top_level = (stats.rankings(page.principal, {"phase": phase.id, "level": Level.TOP_LEVEL.value})
                 if national or page.has_role("admin") else None)
    grassroots = _grassroots_ranking(page, unit, phase) if unit.level == Level.TOP_LEVEL else None
    latest = store.latest(unit.id, phase.id)
    request = store.compile_request(unit.id, phase.id)
    mine = figures["unit"]
    elapsed = charts.elapsed(phase.starts_on, phase.ends_on, clock.today())
    overall, program_target = _overall(mine, phase, national, elapsed)
    # Recognised: every state the definition counts as recognised (not one state's name).
    recognized = sum(n for state, n in mine["by_state"].items()
                     if state in definition.default().states_where("recognized"))
    return page.render(
        "dashboard.html", programs=programs, program=program, phase=phase, unit=unit, figures=mine,
        recognized=recognized,
        elapsed=elapsed, overall=overall, program_target=program_target, blocks=_blocks(page, mine, elapsed),
        states=_state_bars(page, mine), groups=_group_bars(page, program, mine),
        children=None if national else _children_ranking(figures["children"]), top_level=top_level,
        clock=_clock(page, figures),
        grassroots=grassroots,
        award_list=latest, names=service.names(latest) if latest else {}, kinds=KINDS,
        compiling=request if request is not None and request.status == store.COMPILING else None,
        may_compile=page.has_role("leader"),
        may_approve=latest is not None and latest.status == store.DRAFT and access.may_approve(page.principal, unit),
        trend=charts.trend(trend), recent_days=list(reversed(trend[-14:])),
        notices=_notices(page))


def _chosen_phase(programs, phase_id: str):
    """(program, phase): the one asked for (422 if unknown), else the phase
    open today, else the latest that has started (else the first there is)."""
    from chalicelib.counters import stats
    from chalicelib.reference import model

    if phase_id:
        return stats.find_phase(phase_id)
    today = clock.today()
    found = model.current(programs, today)
    if found:
        return found
    every = sorted(((phase.starts_on, program.id, program, phase) for program in programs for phase in program.phases),
                   key=lambda c: c[:2])
    if not every:
        raise NotFound()
    started = [c for c in every if c[0] <= today]
    _, _, program, phase = (started or every)[-1 if started else 0]
    return program, phase


def _overall(figures: dict, phase, national: bool, elapsed: float) -> tuple[charts.Progress, bool]:
    """The unit's progress, and whether it is measured against the program's
    target for the phase: the national unit registers none of its own, and
    the program's (300.000 in phase 1 of "1 triệu sáng kiến") is the one the
    country watches."""
    from chalicelib.counters import core

    target = (figures["target"] or {}).get("total")
    if target is None and national and phase.target:
        return charts.progress(figures["entered"], phase.target, core.percent(figures["entered"], phase.target),
                               elapsed), True
    return charts.progress(figures["entered"], target, figures["reached"]["percent"], elapsed), False


def _trend(page, unit, phase) -> list:
    """The unit's days in the phase, from the day it starts counting to
    today (or its last day): GET /stats/units/{id}/trend's (one
    BatchGetItem of a month item per month and shard). Nothing before the
    phase starts counting."""
    from chalicelib.counters import stats

    if clock.today() < phase.counts_from:
        return []
    return stats.unit_trend(page.principal, unit.id, {"phase": phase.id})["days"]


def _blocks(page, figures: dict, elapsed: float) -> list:
    """(block name, progress) for each block, enterprise then administrative."""
    return [(page.t(f"web.dashboard.block.{block}"),
             charts.progress(reached["entered"], reached["target"], reached["percent"], elapsed))
            for block, reached in figures["reached"]["by_block"].items()]


def _state_bars(page, figures: dict) -> list:
    """By review state, in the workflow's order, named as the definition names them."""
    from chalicelib.workflow import definition

    states = definition.default().states
    return charts.bars((name, page.name(states[name].title) if name in states else name, count)
                       for name, count in figures["by_state"].items())


def _group_bars(page, program, figures: dict) -> list:
    """By subject group, in the program's order, named as the program names them."""
    names = {group["id"]: group["name"] for group in program.subject_groups}
    return charts.bars((group, page.name(names.get(group, group)), count)
                       for group, count in figures["by_subject_group"].items())


def _children_ranking(children: list) -> dict | None:
    """The direct children ranked as GET /stats/rankings ranks units (same
    ranking function: tied units share a rank, listed by name): by
    initiatives entered and by share of target reached."""
    from chalicelib.counters import core

    if not children:
        return None
    rows = [{"unit": child["unit"], "entered": child["entered"], "target": (child["target"] or {}).get("total"),
             "percent_of_target": child["reached"]["percent"], "authors": child["authors"]} for child in children]

    def name(row):
        return row["unit"]["name"]

    return {"by_initiatives": core.ranking(rows, lambda r: r["entered"], name),
            "by_percent_of_target": core.ranking(rows, lambda r: core.share(r["entered"], r["target"]), name)}


# ------------------------------------------------------------------ the review clock (issue 12, point 6)

def _clock(page, figures: dict) -> dict | None:
    """How long initiatives wait under each direct child (and the whole unit),
    from the `clock` of the same stats (counters only: what it reads grows
    with the children, never with the initiatives). The table lists by name
    the children with anything to show (waiting, overdue or decided); the
    others (most of the 83 top-level units early in a phase) are only named,
    under the table. The chart puts the most overdue, then the most waiting,
    first and leaves out children with nothing waiting. None without children."""
    from chalicelib.counters import core

    children = figures["children"]
    if not children:
        return None
    every = [_clock_row(page, entry) for entry in children]
    rows = [row for row in every if row["waiting"] or row["overdue"] or any(n for _, n in row["medians"].values())]
    drawn = sorted((row for row in rows if row["waiting"] or row["overdue"]),
                   key=lambda row: (-row["overdue"], -row["waiting"], core.name_order(row["unit"]["name"])))
    return {"levels": list(figures["unit"]["clock"]["decisions"]), "rows": rows,
            "quiet": [row["unit"] for row in every if row not in rows],
            "total": _clock_row(page, figures["unit"]),
            "chart": charts.stacked((row["unit"]["id"], row["unit"]["name"], row["waiting"], row["overdue"])
                                    for row in drawn)}


def _clock_row(page, entry: dict) -> dict:
    """One unit's row: waiting, overdue, the month the oldest waiting entered
    its queue (mm/yyyy), and per level (median text, decisions counted)."""
    clock = entry["clock"]
    month = clock["oldest_waiting_month"]
    return {"unit": entry["unit"], "waiting": clock["waiting"], "overdue": clock["overdue"],
            "oldest": f"{month[5:]}/{month[:4]}" if month else None,
            "medians": {level: (_median(page, decided), decided["decided"])
                        for level, decided in clock["decisions"].items()}}


def _median(page, decided: dict) -> str | None:
    """"≈ 6,5" days (the median read from the buckets), "> 90" when it is in
    the open last bucket, None when nothing was decided."""
    if not decided["decided"]:
        return None
    if decided["median_days"] is None:
        return f"> {decided['median_bucket']['from'] - 1}"
    text = f"{decided['median_days']:.1f}".rstrip("0").rstrip(".")
    return "≈ " + (text.replace(".", ",") if page.lang != "en" else text)


GRASSROOTS_PAGE = "20"


def _grassroots_ranking(page, unit, phase) -> dict | None:
    """A top-level unit's grassroots unions ranked three ways, a page of each
    (stats.rankings in pages): each table's "next page" link carries its own
    cursor and keeps the others', so the tables page independently without
    JavaScript. None when nothing is ranked there yet."""
    from chalicelib.counters import stats

    cursors = {parameter: page.query(parameter) for parameter, _ in stats.RANKINGS.values() if page.query(parameter)}
    ranking = stats.rankings(page.principal, {"phase": phase.id, "level": "grassroots", "within": unit.id,
                                              "limit": GRASSROOTS_PAGE, **cursors})
    if not cursors and not ranking["by_initiatives"]:
        return None
    links = {}
    for name, (parameter, _) in stats.RANKINGS.items():
        others = {k: v for k, v in cursors.items() if k != parameter}
        links[name] = {
            "next": url(PREFIX + "/dashboard", phase=phase.id, **others, **{parameter: ranking["next"][name]})
            + "#h-grassroots" if ranking["next"][name] else None,
            "first": url(PREFIX + "/dashboard", phase=phase.id, **others) + "#h-grassroots"
            if cursors.get(parameter) else None}
    return {"ranking": ranking, "links": links}


def _notices(page) -> list:
    """(kind, text) of what the previous post asks this page to say."""
    done, problem = page.query("done"), page.query("problem")
    notices = []
    if done in DONE:
        notices.append(("ok", page.t(f"web.awards.done.{done}")))
    if problem in PROBLEMS:
        latest = page.query("latest")
        params = {"latest": int(latest)} if latest.isdigit() else {"latest": "?"}
        notices.append(("warn", Problem("", problem, params).render(page.lang)["message"]))
    return notices


# ------------------------------------------------------------------ award lists

@bp.route(PREFIX + "/award-lists", methods=["POST"], content_types=[FORM_TYPE])
@page_view(bp, roles=("leader",))
def compile_award_list(page):
    """Ask for the caller's unit's list for the posted phase to be compiled,
    then to its page: a progress bar until the list is there."""
    from chalicelib.awards import service

    phase_id = (page.form().get("phase") or [""])[0]
    request, *_ = service.request_for(page.principal, {"unit_id": page.principal.unit_id, "phase": phase_id})
    return redirect(url(f"{PREFIX}/award-lists/{request.id}"))


@bp.route(PREFIX + "/award-lists/{list_id}", methods=["GET"])
@page_view(bp, roles=LIST_READERS)
def award_list_page(page, list_id):
    from chalicelib.awards import service, store

    try:
        found, unit, program, phase = service.lookup_for(page.principal, list_id)
    except service.SameAs as same:
        return redirect(url(f"{PREFIX}/award-lists/{same.list_id}", done="unchanged"))
    if isinstance(found, store.CompileRequest):
        return page.render(
            "award_list_compiling.html", request=found, unit=unit, program=program, phase=phase,
            progress=service.present_request(found, unit, program, phase, page.lang)["progress"],
            reason=service.present_request(found, unit, program, phase, page.lang)["reason"],
            may_compile=access.may_compile(page.principal, unit) and page.principal.unit_id == unit.id,
            refresh_seconds=REFRESH_SECONDS, headers={"Cache-Control": "no-store"})
    award_list = found
    newer = store.has_version_after(unit.id, phase.id, award_list.version)
    return page.render(
        "award_list.html", award_list=award_list, names=service.names(award_list), unit=unit, program=program,
        phase=phase, kinds=KINDS,
        newer=store.list_id(unit.id, phase.id, award_list.version + 1) if newer else None,
        may_approve=not newer and award_list.status == store.DRAFT and access.may_approve(page.principal, unit),
        notices=_notices(page))


@bp.route(PREFIX + "/award-lists/{list_id}/progress", methods=["GET"])
@page_view(bp, roles=LIST_READERS)
def award_list_progress(page, list_id):
    """{status, done, total, percent, next}: what the progress bar's script
    polls; `next` is where to go once the compile is over (null while compiling)."""
    import json

    from chalice import Response

    from chalicelib.awards import service, store

    try:
        found, unit, program, phase = service.lookup_for(page.principal, list_id)
    except service.SameAs as same:
        answer = {"status": "done", "done": 1, "total": 1, "percent": 100,
                  "next": url(f"{PREFIX}/award-lists/{same.list_id}", done="unchanged")}
    else:
        if isinstance(found, store.CompileRequest):
            progress = service.present_request(found, unit, program, phase, page.lang)["progress"]
            answer = {"status": found.status, **progress,
                      "next": None if found.status == store.COMPILING else url(f"{PREFIX}/award-lists/{list_id}")}
        else:
            answer = {"status": found.status, "done": 1, "total": 1, "percent": 100,
                      "next": url(f"{PREFIX}/award-lists/{list_id}", done="compiled")}
    return Response(body=json.dumps(answer), status_code=200, headers={
        "Content-Type": "application/json", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


@bp.route(PREFIX + "/award-lists/{list_id}/workbook", methods=["GET"])
@page_view(bp, roles=LIST_READERS)
def award_list_workbook(page, list_id):
    """A presigned link lasts days, a page may stay open longer: the page links
    here and each click gets a fresh one."""
    from chalicelib.awards import service

    return redirect(service.present(*service.read_for(page.principal, list_id))["download"]["url"])


@bp.route(PREFIX + "/award-lists/{list_id}/approve", methods=["POST"], content_types=[FORM_TYPE])
@page_view(bp, roles=("leader",))
def approve_award_list(page, list_id):
    from chalicelib.awards import service, store
    from chalicelib.awards.exceptions import AlreadyApproved, Superseded
    from chalicelib.errors import Malformed

    _, phase_id, _ = store.parse_id(list_id)  # where to go back to, even when approving is refused
    form = page.form()
    to_dashboard = (form.get("from") or [""])[0] == "dashboard"

    def back(**notice):
        if to_dashboard:
            return redirect(url(PREFIX + "/dashboard", phase=phase_id, **notice))
        return redirect(url(f"{PREFIX}/award-lists/{list_id}", **notice))

    try:
        # The box is required in the browser; without it (no such browser check, a stale
        # form) the service refuses, and the page says what to tick.
        service.approve_for(page.principal, list_id, {"confirm": (form.get("confirm") or [""])[0] == "yes"})
    except Malformed as refused:
        if any(problem.code == "approval_unconfirmed" for problem in refused.problems):
            return back(problem="approval_unconfirmed")
        raise
    except AlreadyApproved:
        return back(problem="award_list_approved")
    except Superseded as newer:
        return back(problem="award_list_superseded", latest=newer.latest_version)
    return back(done="approved")
