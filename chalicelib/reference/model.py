"""Programs, phases and units as plain values, and the rules about them."""
from dataclasses import dataclass, field
from datetime import date

from chalicelib.levels import Level

BLOCKS = ("enterprise", "administrative")


@dataclass(frozen=True)
class Phase:
    id: str
    name: dict
    starts_on: date
    ends_on: date  # inclusive
    counts_from: date
    target: int

    def is_open_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "starts_on": self.starts_on.isoformat(),
                "ends_on": self.ends_on.isoformat(), "counts_from": self.counts_from.isoformat(),
                "target": self.target}


@dataclass(frozen=True)
class Program:
    id: str
    name: dict
    phases: tuple
    subject_groups: tuple  # of {"id", "name": {"vi", "en"}}
    fields: tuple
    clusters: tuple = ()  # of {"id", "name": {"vi", "en"}, "members": [top-level unit ids]}

    @classmethod
    def from_json(cls, doc: dict) -> "Program":
        phases = tuple(
            Phase(id=p["id"], name=p["name"], starts_on=date.fromisoformat(p["starts_on"]),
                  ends_on=date.fromisoformat(p["ends_on"]), counts_from=date.fromisoformat(p["counts_from"]),
                  target=p["target"])
            for p in sorted(doc["phases"], key=lambda p: p["starts_on"]))
        return cls(id=doc["id"], name=doc["name"], phases=phases,
                   subject_groups=tuple(doc["subject_groups"]), fields=tuple(doc["fields"]),
                   clusters=tuple(doc.get("clusters", ())))

    @property
    def counts_from(self) -> date:
        """The program's counting date: initiatives applied before it do not count."""
        return min(phase.counts_from for phase in self.phases)

    def phase_open_on(self, day: date) -> Phase | None:
        return next((phase for phase in self.phases if phase.is_open_on(day)), None)

    def has_subject_group(self, group_id: str) -> bool:
        return any(item["id"] == group_id for item in self.subject_groups)

    def has_field(self, field_id: str) -> bool:
        return any(item["id"] == field_id for item in self.fields)

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "phases": [p.to_json() for p in self.phases],
                "subject_groups": list(self.subject_groups), "fields": list(self.fields)}


def current(programs, day: date):
    """The (program, phase) open on `day`, earliest-starting first; None when none is."""
    candidates = [(phase.starts_on, program.id, program, phase)
                  for program in programs for phase in program.phases if phase.is_open_on(day)]
    if not candidates:
        return None
    _, _, program, phase = min(candidates, key=lambda c: (c[0], c[1]))
    return program, phase


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    kind: str
    parent_id: str | None
    block: str | None
    path: tuple  # ids from national down to this unit
    ancestor_names: tuple = field(default=())  # names from the top-level unit down to the parent
    support_phone: str | None = None  # its initiative support team's public phone (tổ hỗ trợ sáng kiến), if any

    @property
    def level(self) -> Level:
        """Its level, by its kind (not its depth: see chalicelib/levels.py)."""
        return Level.of_kind(self.kind)

    @property
    def is_grassroots(self) -> bool:
        return self.level == Level.GRASSROOTS

    def contains(self, other_path) -> bool:
        """True when a unit with path `other_path` is this unit or below it."""
        return self.id in other_path

    def summary(self) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind, "block": self.block,
                "ancestors": list(self.ancestor_names)}


@dataclass(frozen=True)
class Target:
    """A unit's registered target (chỉ tiêu) for one phase, maybe split by block."""
    unit_id: str
    program_id: str
    phase_id: str
    total: int
    by_block: dict = field(default_factory=dict)


@dataclass(frozen=True)
class User:
    """A user's profile as the reference data holds it."""
    id: str
    full_name: str
    roles: tuple
    unit_id: str
    language: str = "vi"
    email: str | None = None
    phone: str | None = None

    def has_role(self, role: str) -> bool:
        return role in self.roles
