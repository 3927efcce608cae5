"""A unit's phase report for a caller, and its workbook behind a link.

GET /reports/units/{unit_id}?phase=           (`phase_report`)
GET /reports/units/{unit_id}/workbook?phase=  (`workbook_link`)
and the pages /app/reports and /app/reports/workbook.

Who may read a unit's report: whoever may read its figures (leaders,
reviewers and admins whose unit is the unit or above it: auth.principal.reads_unit),
as GET /stats/units/{id} decides it; the award list's summary follows the
award lists' own rule for reading (awards.access.may_read), which is the same.

What it reads (docs/data-model.md, "phase reports"): the unit's stats (its
children: one gsi1 Query; the counters and targets of the unit and its
children: one BatchGetItem per 100 keys), its trend (the month items of the
phase so far, one per month and shard, and its target: one BatchGetItem), the
program in all (its counters in each phase: one BatchGetItem), for the
national unit the clusters' leaders (counters.stats.honours, kept per
container for 10 minutes), and the latest award list (one Query, Limit 1).
Never an initiative.

The workbook is built in the request from that report (a few hundred KB at
most, well under a second: docs/data-model.md gives the national figures of
the 2022–2023 program) and put in the awards bucket under `reports/` (one
object per unit, phase and language, overwritten each time), then reached by
a presigned link (303). Not returned in the response itself: API Gateway's
REST APIs turn a Lambda's base64 body back into bytes only when the request's
FIRST Accept type is a binary media type, which a browser following a link
never sends (it starts with text/html); the award lists' workbooks go the same way.
"""
from chalicelib import clock, validation
from chalicelib.errors import NotFound
from chalicelib.levels import Level
from chalicelib.reports import core

S3_PREFIX = "reports"


def phase_report(principal, unit_id: str, params: dict) -> dict:
    """The report's figures (schemas/phase-report.json): the unit's counters
    for the phase, its children ranked, its days, the program in all, the
    clusters' leaders (national unit) and its latest award list's summary."""
    from chalicelib.awards import store as awards
    from chalicelib.counters import core as counting, stats
    from chalicelib.reference import catalog
    from chalicelib.workflow import definition

    params = validation.normalized("stats-unit-query", params)
    # unit_stats checks the phase (422), the unit (404) and the caller (403), in that order.
    figures = stats.unit_stats(principal, unit_id, {"phase": params["phase"]})
    program, phase = stats.find_phase(params["phase"])
    unit = catalog.unit(unit_id)
    today = clock.today()
    started = today >= phase.counts_from
    mine = figures["unit"]
    national = unit.level == Level.NATIONAL
    states = definition.default().states
    recognized_states = sorted(definition.default().states_where("recognized"))
    target = (mine["target"] or {}).get("total")
    program_target = target is None and national and bool(phase.target)
    if program_target:
        # The national unit registers none of its own: the program's for the phase is the one the country watches.
        target = phase.target
    trend = stats.unit_trend(principal, unit.id, {"phase": phase.id}) if started else None
    honours = (stats.honours(principal, {"phase": phase.id})["quarters"]
               if national and program.clusters and started else None)
    latest = awards.latest(unit.id, phase.id)

    return {
        "kind": core.kind(program, phase, today),
        "program": {"id": program.id, "name": dict(program.name), "phases": len(program.phases)},
        "phase": {**phase.to_json(), "number": core.phase_number(program, phase),
                  "last": program.phases[-1].id == phase.id},
        "unit": {"id": unit.id, "name": unit.name, "kind": unit.kind, "level": unit.level.value,
                 "block": unit.block},
        "as_of": clock.timestamp(),
        "figures_to": core.figures_to(phase, today).isoformat(),
        "figures": mine,
        "recognized": sum(n for state, n in mine["by_state"].items() if state in recognized_states),
        "progress": {"entered": mine["entered"], "target": target,
                     "percent": counting.percent(mine["entered"], target), "program_target": program_target},
        "names": {"states": {state: dict(states[state].title) if state in states else {"vi": state, "en": state}
                             for state in mine["by_state"]},
                  "recognized_states": recognized_states,
                  "subject_groups": {group["id"]: dict(group["name"]) for group in program.subject_groups},
                  "fields": {field["id"]: dict(field["name"]) for field in program.fields}},
        "leading": _leading(figures["children"]),
        "trend": {"target": trend["target"], "days": trend["days"]} if trend else None,
        "honours": honours,
        "program_in_all": (stats.program_totals(principal, unit.id, program.id)
                           if len(program.phases) > 1 else None),
        "awards": _awards(latest),
    }


def _leading(children: list) -> dict:
    ranked = core.leading(children)
    return {name: [{**row, "unit": {key: row["unit"][key] for key in ("id", "name", "kind")}}
                   for row in rows] for name, rows in ranked.items()}


def _awards(latest) -> dict | None:
    """The latest award list of the unit and phase, in short: which version, its status, its counts per kind."""
    if latest is None:
        return None
    return {"id": latest.id, "version": latest.version, "status": latest.status, "counts": dict(latest.counts),
            "compiled_at": latest.compiled_at, "approved_at": latest.approved_at}


def workbook(principal, unit_id: str, params: dict, language: str) -> tuple[dict, bytes]:
    """(the report, its .xlsx bytes) in `language`."""
    from chalicelib.reports import workbook as excel

    report = phase_report(principal, unit_id, params)
    return report, excel.render(report, language)


def workbook_link(principal, unit_id: str, params: dict, language: str) -> dict:
    """Build the workbook, put it where a link reaches it, and give that link:
    {"url", "expires_at", "file_name", "bytes"} (see the module's docstring)."""
    from datetime import timedelta

    from chalicelib import aws, settings
    from chalicelib.awards.workbook import CONTENT_TYPE, MAX_LINK_SECONDS

    report, body = workbook(principal, unit_id, params, language)
    name = core.file_name(report["kind"], report["unit"]["id"], report["phase"]["id"])
    key = object_key(report["unit"]["id"], report["phase"]["id"], language, name)
    client = aws.s3()
    client.put_object(Bucket=settings.awards_bucket(), Key=key, Body=body, ContentType=CONTENT_TYPE,
                      ContentDisposition=f'attachment; filename="{name}"')
    seconds = max(1, min(settings.download_link_seconds(), MAX_LINK_SECONDS))
    url = client.generate_presigned_url("get_object", Params={"Bucket": settings.awards_bucket(), "Key": key},
                                        ExpiresIn=seconds)
    return {"url": url, "expires_at": clock.timestamp(clock.now() + timedelta(seconds=seconds)), "file_name": name,
            "bytes": len(body)}


def object_key(unit_id: str, phase_id: str, language: str, name: str) -> str:
    """Where a report's workbook is put: one object per unit, phase and language."""
    if not name.endswith(".xlsx"):
        raise NotFound()
    return f"{S3_PREFIX}/{unit_id}/{phase_id}/{language}/{name}"
