"""Drill-down (issue 13, point 4): from a dashboard's figures to the
initiatives behind them, and from a ranking to any unit's dashboard.

GET  /app/initiatives-list?unit=&phase=&state=&subject_group=&field=&block=&overdue=&from=&to=&cursor=
                                       the initiatives behind a number, a page at a time, with a form
                                       of its filters (the page of GET /stats/units/{id}/initiatives)
POST /app/initiatives-list/export      the same list (the posted filters) exported to Excel, whole:
                                       off the request path, then to its progress page
GET  /app/exports/{export_id}          the export's progress (refreshes itself without JavaScript),
                                       then its download link (only for who asked for it)
GET  /app/exports/{export_id}/file     303 to a short-lived presigned link to the file

And what the dashboard (web/dashboard.py) uses to link: `viewed_unit` (the
`unit=` a dashboard is asked for, checked as GET /stats/units/{id} checks
it), `breadcrumb` (the unit's path back up, a link wherever the caller may
read), `links` (the URLs of a unit's dashboard and of a list behind a
figure) and `ranked` (the one sortable ranking table: `sort=`).

Who may: whoever may read the unit (auth.principal.reads_unit), through the
same services as the API (submissions.listing, submissions.exports).
"""
from chalice import Blueprint

from chalicelib.errors import Forbidden, NotFound
from chalicelib.web.pages import FORM_TYPE, PREFIX, page_view, redirect, url

bp = Blueprint(__name__)

READERS = ("leader", "reviewer", "admin")
FILTERS = ("state", "subject_group", "field", "block", "overdue", "from", "to")
REFRESH_SECONDS = 3
# The orderings of a sortable ranking: sort= value → the list in stats.rankings' answer.
SORTS = {"initiatives": "by_initiatives", "percent": "by_percent_of_target", "authors": "by_authors"}


# ------------------------------------------------------------------ what the dashboard links with

def viewed_unit(page):
    """The unit a dashboard shows: `unit=` if given (NotFound when unknown,
    Forbidden when the caller may not read it), else the caller's own."""
    from chalicelib.auth.principal import reads_unit
    from chalicelib.reference import catalog

    asked = page.query("unit")
    unit = catalog.unit(asked or page.principal.unit_id)
    if unit is None:
        if asked:
            raise NotFound()
        raise Forbidden()
    if asked and not reads_unit(page.principal, unit.path):
        raise Forbidden()
    return unit


def breadcrumb(page, unit, phase) -> list[dict]:
    """The unit's path from the top, each {"name", "href"}: a link to that
    unit's dashboard where the caller may read it (their own unit and those
    below), plain text above it; the unit itself last, not a link."""
    from chalicelib.reference import catalog

    names = catalog.units(unit.path)
    mine = page.principal.unit_id
    readable = mine in unit.path and unit.path.index(mine)
    crumbs = []
    for depth, unit_id in enumerate(unit.path):
        href = url(PREFIX + "/dashboard", unit=unit_id, phase=phase.id) \
            if readable is not False and depth >= readable and unit_id != unit.id else None
        crumbs.append({"id": unit_id, "name": names[unit_id].name if unit_id in names else unit_id, "href": href})
    return crumbs


def links(phase) -> dict:
    """Template helpers: `dashboard_url(unit_id)`, `list_url(unit_id, **filters)`
    and the states where initiatives wait (`waiting_states`, for the clock's
    "waiting" figures), all in `phase`."""
    from chalicelib.workflow import definition

    def dashboard_url(unit_id: str, **params) -> str:
        return url(PREFIX + "/dashboard", unit=unit_id, phase=phase.id, **params)

    def list_url(unit_id: str, **filters) -> str:
        return url(PREFIX + "/initiatives-list", unit=unit_id, phase=phase.id, **filters)

    chosen = definition.default()
    return {"dashboard_url": dashboard_url, "list_url": list_url,
            "waiting_states": ",".join(name for name, state in chosen.states.items() if state.queue),
            "recognized_states": ",".join(name for name in chosen.states if name in chosen.states_where("recognized"))}


def ranked(page, ranking: dict | None) -> dict | None:
    """One ranking table sorted as `sort=` asks (initiatives, the default;
    percent of target; authors): {"sort", "rows"}. None without a ranking."""
    if not ranking:
        return None
    sort = page.query("sort") if page.query("sort") in SORTS else "initiatives"
    return {"sort": sort, "rows": ranking[SORTS[sort]]}


# ------------------------------------------------------------------ the list

def _asked_filters(source) -> dict:
    """The list's filters from a query (or a posted form), blanks left out."""
    return {name: source(name) for name in FILTERS if source(name)}


@bp.route(PREFIX + "/initiatives-list", methods=["GET"])
@page_view(bp, roles=READERS)
def initiatives_list(page):
    from chalicelib.reference import catalog
    from chalicelib.submissions import listing
    from chalicelib.workflow import definition

    unit_id = page.query("unit") or page.principal.unit_id
    params = {"phase": page.query("phase") or _current_phase_id(), **_asked_filters(page.query)}
    for name in ("cursor", "limit"):
        if page.query(name):
            params[name] = page.query(name)
    answer = listing.initiatives_under(page.principal, unit_id, params)
    program, phase = catalog.phase(answer["phase"]["id"])
    unit = catalog.unit(unit_id)
    given = answer["filters"]
    chosen = definition.default()
    here = dict(unit=unit.id, phase=phase.id, **given, limit=page.query("limit"))
    return page.render(
        "initiatives_list.html", unit=unit, program=program, phase=phase, given=given, items=answer["items"],
        crumbs=breadcrumb(page, unit, phase), states=chosen.states, **links(phase),
        next_url=url(PREFIX + "/initiatives-list", **here, cursor=answer["next_cursor"])
        if answer["next_cursor"] else None,
        first_url=url(PREFIX + "/initiatives-list", **here) if page.query("cursor") else None,
        dashboard=url(PREFIX + "/dashboard", unit=unit.id, phase=phase.id))


def _current_phase_id() -> str:
    """The phase open today (else none: the list then asks for one, 400)."""
    from chalicelib import clock
    from chalicelib.reference import catalog, model

    found = model.current(catalog.programs(), clock.today())
    return found[1].id if found else ""


@bp.route(PREFIX + "/initiatives-list/export", methods=["POST"], content_types=[FORM_TYPE])
@page_view(bp, roles=READERS)
def export_list(page):
    """Export the posted list (its unit, phase and filters) whole; then its progress page."""
    from chalicelib.submissions import exports

    form = page.form()

    def posted(name):
        return (form.get(name) or [""])[0]

    unit_id = posted("unit") or page.principal.unit_id
    export = exports.request_for(page.principal, unit_id, {"phase": posted("phase"), **_asked_filters(posted)})
    return redirect(url(f"{PREFIX}/exports/{export.id}"))


@bp.route(PREFIX + "/exports/{export_id}", methods=["GET"])
@page_view(bp, roles=READERS)
def export_page(page, export_id):
    from chalicelib.reference import catalog
    from chalicelib.submissions import exports

    export = exports.read_for(page.principal, export_id)
    unit = catalog.unit(export.unit_id)
    found = catalog.phase(export.phase_id)
    if unit is None or found is None:
        raise NotFound()
    program, phase = found
    return page.render(
        "export.html", export=export, unit=unit, program=program, phase=phase, refresh_seconds=REFRESH_SECONDS,
        back=url(PREFIX + "/initiatives-list", unit=unit.id, phase=phase.id, **export.filters),
        download=url(f"{PREFIX}/exports/{export.id}/file") if export.status == exports.DONE else None,
        headers={"Cache-Control": "no-store"})


@bp.route(PREFIX + "/exports/{export_id}/file", methods=["GET"])
@page_view(bp, roles=READERS)
def export_file(page, export_id):
    """A presigned link lasts minutes, the page may stay open longer: each click gets a fresh one."""
    from chalicelib.submissions import exports

    return redirect(exports.download_link(page.principal, export_id))
