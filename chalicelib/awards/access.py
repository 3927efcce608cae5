"""Who may do what with award lists, and finding a list by its id: one set of
rules for the API and the pages.

- compile: a leader of the unit, or of a unit above it;
- read: leaders, reviewers and admins whose unit contains the list's unit;
- approve: a leader of the list's unit itself.
"""
from chalicelib.auth.principal import UNIT_READERS as READERS, reads_unit
from chalicelib.awards.exceptions import ListNotFound


def may_compile(principal, unit) -> bool:
    return principal.has_role("leader") and principal.unit_id in unit.path


def may_read(principal, unit) -> bool:
    return reads_unit(principal, unit.path)


def may_approve(principal, unit) -> bool:
    return principal.has_role("leader") and principal.unit_id == unit.id


def locate(list_id: str):
    """(unit, program, phase, version) named by a list id `<unit>~<phase>~<version>`;
    ListNotFound if any of them is unknown."""
    from chalicelib.awards import store
    from chalicelib.reference import catalog

    unit_id, phase_id, version = store.parse_id(list_id)
    unit, found = catalog.unit(unit_id), catalog.phase(phase_id)
    if unit is None or found is None:
        raise ListNotFound(list_id)
    return unit, found[0], found[1], version
