"""The initiatives behind a number (issue 13, point 4: drill-down): the
initiatives of a unit and of every unit under it in one phase, newest first,
filtered by state, subject group, field, block, overdue and the period they
were entered in, a page at a time. GET /stats/units/{unit_id}/initiatives and
the page /app/initiatives-list call `initiatives_under`; the Excel export
(submissions/exports.py) reads the same list whole through `every_row`.

Who may read a list: whoever may read the unit's figures (auth.principal
reads_unit: leaders, reviewers and admins whose unit is the unit or above it).
A row shows what a leader needs to tell initiatives apart and open one: code,
title, state (in words), unit, authors and their shares (never a phone or an
email: see docs/data-model.md, "Contact details"), when it was entered and
last changed, the estimated and confirmed benefit, and since when it is overdue.

Reads: the unit and the programs (cached per container), then
`store.under_page` (Queries of one `under_*` index partition, eight merged for
the national unit, and ONE BatchGetItem of the page's initiatives).
"""
from datetime import date, datetime, time, timedelta

from chalicelib import clock, validation
from chalicelib.auth.principal import reads_unit
from chalicelib.errors import Forbidden, Invalid, NotFound, Problem
from chalicelib.reference import catalog
from chalicelib.submissions import store

DEFAULT_LIMIT = 20
FILTERS = ("state", "subject_group", "field", "block", "overdue", "from", "to")


def asked(principal, unit_id: str, params: dict, schema: str = "unit-initiatives-query"):
    """The list a caller asks for, checked in the API's order: the query (400),
    the phase and the filters' values (422, every problem at once), the unit
    (404), the caller (403). Returns (unit, program, phase, filters as given,
    store.UnderFilters)."""
    params = validation.normalized(schema, params)
    found = catalog.phase(params["phase"])
    problems = [] if found else [Problem("/phase", "unknown_phase")]
    program = found[0] if found else None
    given = {name: params[name] for name in FILTERS if params.get(name)}
    problems += _filter_problems(program, given)
    if problems:
        raise Invalid(problems)
    unit = catalog.unit(unit_id)
    if unit is None:
        raise NotFound()
    if not reads_unit(principal, unit.path):
        raise Forbidden()
    return unit, program, found[1], given, under_filters(given)


def _filter_problems(program, given: dict) -> list:
    from chalicelib.workflow import definition

    problems = []
    states = definition.default().states
    if any(state not in states for state in given.get("state", "").split(",") if state):
        problems.append(Problem("/state", "unknown_state"))
    if program is not None:
        if "subject_group" in given and given["subject_group"] not in {g["id"] for g in program.subject_groups}:
            problems.append(Problem("/subject_group", "unknown_subject_group"))
        if "field" in given and given["field"] not in {f["id"] for f in program.fields}:
            problems.append(Problem("/field", "unknown_field"))
    if given.get("from") and given.get("to") and given["from"] > given["to"]:
        problems.append(Problem("/to", "period_reversed"))
    return problems


def under_filters(given: dict) -> store.UnderFilters:
    """The store's filters for the query's (already checked): a period of days,
    Vietnam time, from the start of `from` to the end of `to`."""
    def start_of(day: str) -> str:
        return clock.timestamp(datetime.combine(date.fromisoformat(day), time(), tzinfo=clock.VIETNAM))

    return store.UnderFilters(
        states=tuple(dict.fromkeys(s for s in given.get("state", "").split(",") if s)),
        subject_group=given.get("subject_group"), field=given.get("field"), block=given.get("block"),
        overdue=given.get("overdue") == "true",
        entered_from=start_of(given["from"]) if given.get("from") else None,
        entered_before=start_of((date.fromisoformat(given["to"]) + timedelta(days=1)).isoformat())
        if given.get("to") else None)


def initiatives_under(principal, unit_id: str, params: dict) -> dict:
    """One page of the list (schemas/unit-initiatives.json)."""
    unit, program, phase, given, filters = asked(principal, unit_id, params)
    limit = int(params.get("limit") or DEFAULT_LIMIT)
    records, next_cursor = store.under_page(unit.path, phase.id, filters, limit, params.get("cursor"))
    return {"unit": {"id": unit.id, "name": unit.name, "kind": unit.kind},
            "phase": {"id": phase.id, "program_id": program.id, "name": dict(phase.name)},
            "filters": given, "items": rows(records), "next_cursor": next_cursor}


def rows(records) -> list[dict]:
    """The stored initiatives as the list's rows (their units named: cached per container)."""
    from chalicelib.workflow import definition

    states = definition.default().states
    data = [store.plain(record) for record in records]
    names = {uid: unit.name for uid, unit in catalog.units({d["unit_id"] for d in data}).items()}
    return [{
        "id": d["id"], "code": d["code"], "title": d["title"], "status": d["status"],
        "status_name": dict(states[d["status"]].title) if d["status"] in states else {"vi": d["status"],
                                                                                        "en": d["status"]},
        "unit": {"id": d["unit_id"], "name": names.get(d["unit_id"], d["unit_id"])},
        "authors": [{"full_name": a["full_name"], "share_percent": a["share_percent"]} for a in d["authors"]],
        "subject_group": d["subject_group"], "field": d["field"], "block": d.get("block"),
        "created_at": d["created_at"], "updated_at": d["updated_at"],
        "benefit_vnd": d.get("benefit_vnd"),
        "confirmed_benefit_vnd": int(d["confirmed_benefit_vnd"]) if d.get("confirmed_benefit_vnd") is not None
        else None,
        "overdue_since": d.get("overdue_since"),
    } for d in data]


def every_row(unit, phase, filters: store.UnderFilters, report=None, page_size: int = 100):
    """Every stored initiative of the list, newest first, a page at a time (a
    generator): what the export writes. `report(done)` after each page."""
    cursor, done = None, 0
    while True:
        records, cursor = store.under_page(unit.path, phase.id, filters, page_size, cursor)
        yield from records
        done += len(records)
        if report:
            report(done)
        if not cursor:
            return
