"""Phase reports as pages (báo cáo sơ kết / tổng kết, issue 13 point 7).

GET /app/reports?unit=&phase=           the report, laid out to print on A4
                                        (report.css: @page A4, page breaks
                                        before the big sections, nothing of the
                                        app's navigation on paper) and to read on
                                        a 360 px phone
GET /app/reports/workbook?unit=&phase=  the same report as an Excel file, built
                                        now: 303 to a time-limited link

`unit` defaults to the reader's own, `phase` to the dashboard's (the phase
open today, else the latest begun). Who may read a unit's report, and what
it reads: chalicelib/reports/service.py (the same as GET /reports/units/{id}).
"""
from chalice import Blueprint

from chalicelib.auth.principal import UNIT_READERS
from chalicelib.web import charts, drilldown
from chalicelib.web.pages import PREFIX, page_view, redirect, url

bp = Blueprint(__name__)


@bp.route(PREFIX + "/reports", methods=["GET"])
@page_view(bp, roles=UNIT_READERS)
def report_page(page):
    from datetime import date

    from chalicelib.reference import catalog
    from chalicelib.reports import service, workbook
    from chalicelib.reports.core import LEADING_SHOWN
    from chalicelib.web.dashboard import _chosen_phase

    programs = catalog.programs()
    program, phase = _chosen_phase(programs, page.query("phase"))
    unit_id = page.query("unit") or page.principal.unit_id
    report = service.phase_report(page.principal, unit_id, {"phase": phase.id})
    unit = catalog.unit(unit_id)
    figures, names = report["figures"], report["names"]
    progress = report["progress"]
    heading, program_line = workbook.titles(report, page.lang)
    trend_days = report["trend"]["days"] if report["trend"] else []
    # The progress bar's "expected by now" mark: how much of the phase had gone by on the report's last day.
    made = charts.elapsed(phase.starts_on, phase.ends_on, date.fromisoformat(report["figures_to"]))
    return page.render(
        "report.html", report=report, unit=unit, program=program, phase=phase, programs=programs,
        heading=heading, program_line=program_line, issuer=list(unit.ancestor_names[-1:]),
        dated=date.fromisoformat(report["as_of"][:10]),
        elapsed=made, overall=charts.progress(progress["entered"], progress["target"], progress["percent"], made),
        blocks=[(page.t(f"reports.block.{block}"), charts.progress(r["entered"], r["target"], r["percent"], made), None)
                for block, r in figures["reached"]["by_block"].items()],
        states=charts.bars((s, page.name(names["states"].get(s, s)), n) for s, n in figures["by_state"].items()),
        groups=charts.bars((g, page.name(names["subject_groups"].get(g, g)), n)
                           for g, n in figures["by_subject_group"].items()),
        fields=charts.bars((f, page.name(names["fields"].get(f, f)), n) for f, n in figures["by_field"].items()),
        leading={name: rows[:LEADING_SHOWN] for name, rows in report["leading"].items()},
        children=len(report["leading"]["by_initiatives"]), shown=LEADING_SHOWN,
        trend=charts.trend(trend_days), recent_days=list(reversed(trend_days[-14:])), months=months(trend_days),
        kinds=("exemplary_initiatives", "outstanding_individuals", "outstanding_collectives"),
        workbook_url=url(PREFIX + "/reports/workbook", unit=unit.id, phase=phase.id),
        **drilldown.links(phase))  # each unit of a ranking opens its dashboard, each count its list


@bp.route(PREFIX + "/reports/workbook", methods=["GET"])
@page_view(bp, roles=UNIT_READERS)
def report_workbook(page):
    from chalicelib.reference import catalog
    from chalicelib.reports import service
    from chalicelib.web.dashboard import _chosen_phase

    _, phase = _chosen_phase(catalog.programs(), page.query("phase"))
    link = service.workbook_link(page.principal, page.query("unit") or page.principal.unit_id, {"phase": phase.id},
                                 page.lang)
    return redirect(link["url"])


def months(days: list) -> list[dict]:
    """The trend's days added up by month (oldest first), for the printed
    table: {"month": "04/2022", "entered", "recognized", "entered_total"}."""
    found: dict = {}
    for day in days:
        key = day["date"][:7]
        month = found.setdefault(key, {"month": f"{key[5:]}/{key[:4]}", "entered": 0, "recognized": 0})
        month["entered"] += day["entered"]
        month["recognized"] += day["recognized"]
        month["entered_total"] = day["entered_total"]
        month["recognized_total"] = day["recognized_total"]
    return list(found.values())
