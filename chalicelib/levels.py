"""The levels of the organisation tree: one spelling for the whole code base.

A unit's level comes from its kind, not its depth: a grassroots union may hang
directly under a top-level unit (Rạng Đông's union under Công đoàn Công Thương).
The workflow definition, the counters' rankings and the reference loader all
name levels by these values. Pure: no I/O.
"""
from enum import StrEnum


class Level(StrEnum):
    NATIONAL = "national"
    TOP_LEVEL = "top_level"
    UPPER_GRASSROOTS = "upper_grassroots"
    GRASSROOTS = "grassroots"

    @property
    def rank(self) -> int:
        """0 for the national unit down to 3 for a grassroots union (stored on
        unit items and in the search index's sort keys)."""
        return _RANKS[self]

    @classmethod
    def of_kind(cls, kind: str) -> "Level":
        """The level of a unit of `kind` (KeyError for a kind the tree does not know)."""
        return KINDS[kind]


_RANKS = {Level.NATIONAL: 0, Level.TOP_LEVEL: 1, Level.UPPER_GRASSROOTS: 2, Level.GRASSROOTS: 3}

# Each kind of unit in schemas/organisation.json and its level.
KINDS = {
    "national": Level.NATIONAL,
    "provincial_federation": Level.TOP_LEVEL,
    "central_sector_union": Level.TOP_LEVEL,
    "corporation_union": Level.TOP_LEVEL,
    "upper_grassroots": Level.UPPER_GRASSROOTS,
    "grassroots": Level.GRASSROOTS,
}

