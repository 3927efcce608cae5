"""Reference data as the forms ask for it: the program open now, and unit search."""
from chalicelib import validation
from chalicelib.errors import Malformed, NotFound, Problem
from chalicelib.reference import catalog


def current_program() -> dict:
    """GET /programs/current: the program with a phase open today (Vietnam), and that phase."""
    found = catalog.current()
    if found is None:
        raise NotFound([Problem("", "no_open_phase")])
    program, phase = found
    return {**program.to_json(), "current_phase": phase.id, "counts_from": program.counts_from.isoformat()}


def search(params: dict) -> dict:
    """GET /units?q=&kind=&limit=: units whose name has the words typed."""
    params = validation.normalized("unit-search-query", params)
    found = catalog.search_units(params["q"], params.get("kind"), int(params.get("limit", "20")))
    if found is None:
        raise Malformed([Problem("/q", "query_too_short")])
    return {"items": found}
