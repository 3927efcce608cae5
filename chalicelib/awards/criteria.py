"""The award criteria: a JSON file (chalicelib/awards/criteria.json, shipped
in the Lambda package, or the file env AWARD_CRITERIA_FILE names), checked by
schemas/award-criteria.json. Pure: no AWS.

The file has `defaults` and optional per-phase overrides; `for_phase` merges
them into the `Criteria` one compile uses, and that is what a list stores.
"""
import json
import os
from dataclasses import asdict, dataclass

from chalicelib.awards.exceptions import CriteriaError

DEFAULT_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "criteria.json")
KINDS = ("exemplary_initiatives", "outstanding_individuals", "outstanding_collectives")


@dataclass(frozen=True)
class ExemplaryInitiatives:
    min_total_score: int
    top_per_top_level_unit: int


@dataclass(frozen=True)
class OutstandingIndividuals:
    min_recognized: int


@dataclass(frozen=True)
class OutstandingCollectives:
    min_recognized: int
    require_target_reached: bool


@dataclass(frozen=True)
class Criteria:
    """The criteria in force for one phase."""
    exemplary_initiatives: ExemplaryInitiatives
    outstanding_individuals: OutstandingIndividuals
    outstanding_collectives: OutstandingCollectives

    def to_json(self) -> dict:
        """As stored with a list and shown by the API (schemas/award-criteria.json#/$defs/criteria)."""
        return asdict(self)

    @classmethod
    def from_json(cls, doc: dict) -> "Criteria":
        """From merged criteria (every field present)."""
        return cls(exemplary_initiatives=ExemplaryInitiatives(**doc["exemplary_initiatives"]),
                   outstanding_individuals=OutstandingIndividuals(**doc["outstanding_individuals"]),
                   outstanding_collectives=OutstandingCollectives(**doc["outstanding_collectives"]))


def file_path() -> str:
    """The criteria file in force: AWARD_CRITERIA_FILE, else the shipped default."""
    return os.environ.get("AWARD_CRITERIA_FILE") or DEFAULT_FILE


def load(path: str | None = None) -> dict:
    """The criteria document at `path` (default: `file_path()`), checked by its
    schema; CriteriaError naming every problem. Read on every call: the file is
    small, and a changed file must change the next list."""
    from chalicelib import validation

    path = path or file_path()
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError:
        raise CriteriaError(path, [("", "missing")])
    except json.JSONDecodeError:
        raise CriteriaError(path, [("", "invalid_json")])
    problems = validation.problems("award-criteria", doc)
    if problems:
        raise CriteriaError(path, [(p.path, p.code) for p in problems])
    return doc


def for_phase(doc: dict, phase_id: str) -> Criteria:
    """The defaults with `phase_id`'s overrides laid over them, field by field."""
    override = (doc.get("phases") or {}).get(phase_id, {})
    merged = {kind: {**doc["defaults"][kind], **override.get(kind, {})} for kind in KINDS}
    return Criteria.from_json(merged)
