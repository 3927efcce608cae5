"""The review state machine as data: load a JSON definition and check it.

Checked when loaded, so that a broken definition fails at deploy time, not at
2 a.m.: the shape (schemas/workflow.json), then every state reachable from the
start, no exit from a final state, an exit from every other state, every state
able to reach a final one, known states and effects, unique events, and what
the states' flags promise (a state where authors edit has the one event their
edit fires; a state that confirms the benefit counts as recognised).

What a state means is said by flags in the definition, and the rest of the
code reads them instead of naming states: `final`, `queue` (whose reviewers
it waits for), `author_may_edit`, `recognized` (counts as a recognised
initiative), `confirms_benefit` (its confirmed benefit counts).
"""
import json
import os
from dataclasses import dataclass
from functools import lru_cache

from chalicelib import validation
from chalicelib.levels import Level
from chalicelib.workflow.effects import EFFECTS

DEFAULT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "definition.json")

# The input an event may take (which ones, each event says), and the scores'
# criteria (schemas/transition-request.json requires exactly these).
INPUT_FIELDS = ("reason", "scores", "confirmed_benefit_vnd")
SCORES = ("novelty", "applicability", "effectiveness")
# The reviewers' findings: kept on the initiative itself, not only in its history.
FINDINGS = ("scores", "confirmed_benefit_vnd")
# History events that are not transitions of any definition: an initiative
# entered, an author's edit, and a named member accepting or declining to
# co-author it. No transition may take these names.
SUBMITTED, EDITED = "submitted", "edited"
COAUTHOR_ACCEPTED, COAUTHOR_DECLINED = "coauthor_accepted", "coauthor_declined"
# And the deadline sweep's: a reminder, and a deadline passed (workflow/deadlines.py).
REMINDED, MARKED_OVERDUE = "reminded", "overdue"
# And an author giving or withdrawing the consent to publish it on the public showcase (issue 13).
PUBLICATION_CHANGED = "publication_changed"
HISTORY_ONLY = (SUBMITTED, EDITED, COAUTHOR_ACCEPTED, COAUTHOR_DECLINED, REMINDED, MARKED_OVERDUE,
                PUBLICATION_CHANGED)
SYSTEM = "system"  # the actor role of what a deadline fires


class DefinitionError(Exception):
    """The definition is broken; `problems` lists (JSON Pointer, message)."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("; ".join(f"{path or '/'}: {message}" for path, message in problems))


@dataclass(frozen=True)
class Deadline:
    """How long an initiative may wait (workflow/deadlines.py reads it)."""
    days: int
    remind_days_before: int | None = None
    escalate: bool = False  # when overdue, the unit one level above is told
    fire: str | None = None  # when overdue, the system fires this event

    def describe(self, word: str) -> str:
        """For the diagram: "due 15 days, reminder 3 days before, overdue escalates"."""
        parts = [f"{word} {self.days} days"]
        if self.remind_days_before:
            parts.append(f"reminder {self.remind_days_before} days before")
        if self.escalate:
            parts.append("overdue escalates")
        if self.fire:
            parts.append(f"overdue fires {self.fire}")
        return " · ".join(parts)

    @classmethod
    def from_json(cls, spec: dict | None) -> "Deadline | None":
        if not spec:
            return None
        overdue = spec.get("on_overdue", {})
        return cls(spec["days"], spec.get("remind_days_before"), overdue.get("escalate", False), overdue.get("fire"))


@dataclass(frozen=True)
class Actor:
    role: str  # author (the submitter or an accepted co-author) | submitter | reviewer | leader | admin | system
    level: Level | None = None


@dataclass(frozen=True)
class Transition:
    event: str
    label: dict
    sources: tuple
    target: str
    by: tuple  # of Actor
    input: dict  # field → "required" | "optional"
    effects: tuple
    after_edit: bool = False  # the event an author's edit fires (the edit page's "send")


@dataclass(frozen=True)
class State:
    name: str
    title: dict
    final: bool
    queue: Level | None  # whose reviewers an initiative in this state waits for
    author_may_edit: bool
    recognized: bool = False  # counts as a recognised initiative
    confirms_benefit: bool = False  # its confirmed benefit counts (counters, dashboards)
    deadline: Deadline | None = None  # how long it may wait at its desk


@dataclass(frozen=True)
class Definition:
    start_at: str
    states: dict  # name → State
    transitions: dict  # event → Transition
    decision_deadline: Deadline | None = None  # the whole review's, counted from receipt

    @classmethod
    def from_json(cls, doc: dict) -> "Definition":
        problems = [(p.path, p.code) for p in validation.problems("workflow", doc)]
        if problems:
            raise DefinitionError(problems)
        states = {name: State(name=name, title=spec["name"], final=spec.get("final", False),
                              queue=Level(spec["queue"]) if spec.get("queue") else None,
                              author_may_edit=spec.get("author_may_edit", False),
                              recognized=spec.get("recognized", False),
                              confirms_benefit=spec.get("confirms_benefit", False),
                              deadline=Deadline.from_json(spec.get("deadline")))
                  for name, spec in doc["states"].items()}
        transitions, problems = {}, []
        for index, spec in enumerate(doc["transitions"]):
            if spec["event"] in transitions:
                problems.append((f"/transitions/{index}/event", f"event {spec['event']!r} is declared twice"))
            transitions[spec["event"]] = Transition(
                event=spec["event"], label=spec["label"], sources=tuple(spec["from"]), target=spec["to"],
                by=tuple(Actor(a["role"], Level(a["level"]) if a.get("level") else None) for a in spec["by"]),
                input=dict(spec.get("input", {})), effects=tuple(spec.get("effects", ())),
                after_edit=spec.get("after_edit", False))
        definition = cls(start_at=doc["start_at"], states=states, transitions=transitions,
                         decision_deadline=Deadline.from_json(doc.get("decision_deadline")))
        problems += definition._problems(doc)
        if problems:
            raise DefinitionError(problems)
        return definition

    def _problems(self, doc) -> list:
        problems = []
        if self.start_at not in self.states:
            return [("/start_at", f"unknown state {self.start_at!r}")]
        for index, t in enumerate(doc["transitions"]):
            for name in (*t["from"], t["to"]):
                if name not in self.states:
                    problems.append((f"/transitions/{index}", f"unknown state {name!r}"))
            if t["event"] in HISTORY_ONLY:
                problems.append((f"/transitions/{index}/event", f"{t['event']!r} names a history event of its own"))
            for name in t.get("effects", []):
                if name not in EFFECTS:
                    problems.append((f"/transitions/{index}/effects", f"unknown effect {name!r}"))
            for name in t["from"]:
                if self.states.get(name) and self.states[name].final:
                    problems.append((f"/transitions/{index}/from", f"final state {name!r} cannot have an exit"))
        if problems:
            return problems
        exits = {name: [t.target for t in self.transitions.values() if name in t.sources] for name in self.states}
        reachable = self._closure(self.start_at, exits)
        for name, state in self.states.items():
            if name not in reachable:
                problems.append((f"/states/{name}", f"state {name!r} cannot be reached from {self.start_at!r}"))
            if not state.final and not exits[name]:
                problems.append((f"/states/{name}", f"state {name!r} is not final and has no exit"))
            if not state.final and not any(self.states[s].final for s in self._closure(name, exits)):
                problems.append((f"/states/{name}", f"no final state can be reached from {name!r}"))
            if state.final and state.queue:
                problems.append((f"/states/{name}/queue", f"final state {name!r} waits in no queue"))
            if state.confirms_benefit and not state.recognized:
                problems.append((f"/states/{name}/confirms_benefit",
                                 f"state {name!r} confirms the benefit but does not count as recognised"))
            edits = [t for t in self.exits(name) if t.after_edit]
            if state.author_may_edit and len(edits) != 1:
                problems.append((f"/states/{name}/author_may_edit",
                                 f"authors edit in {name!r}, so exactly one event leaving it must be "
                                 f"the edit's (after_edit), not {len(edits)}"))
        for index, t in enumerate(doc["transitions"]):
            for name in t.get("effects", []):
                needs = EFFECTS[name].needs_state
                if needs and not getattr(self.states[t["to"]], needs):
                    problems.append((f"/transitions/{index}/effects",
                                     f"effect {name!r} needs a state flagged {needs}, and {t['to']!r} is not"))
            if t.get("after_edit") and (not any(a["role"] == "author" for a in t["by"])
                                        or not all(self.states[s].author_may_edit for s in t["from"])):
                problems.append((f"/transitions/{index}/after_edit",
                                 "the edit's event is fired by authors, from states where they may edit"))
        if self.states[self.start_at].final:
            problems.append(("/start_at", "the first state cannot be final"))
        return problems + self._deadline_problems(doc)

    def _deadline_problems(self, doc) -> list:
        """A deadline counts a wait at a desk (a state with a queue); a reminder
        comes before it is due; an event a deadline fires leaves that state, is
        the system's and needs no input. The whole review's deadline fires nothing."""
        problems = []
        checks = [(f"/states/{name}/deadline", state.deadline, state) for name, state in self.states.items()
                  if state.deadline]
        if self.decision_deadline:
            checks.append(("/decision_deadline", self.decision_deadline, None))
        for path, spec, state in checks:
            if spec.remind_days_before is not None and spec.remind_days_before >= spec.days:
                problems.append((f"{path}/remind_days_before", "the reminder must come before the deadline"))
            if state is None:
                if spec.fire:
                    problems.append((f"{path}/on_overdue/fire", "the whole review's deadline cannot fire an event"))
                continue
            if not state.queue:
                problems.append((path, f"state {state.name!r} waits in no queue, so nothing counts its wait"))
            if spec.fire:
                t = self.transitions.get(spec.fire)
                if t is None or state.name not in t.sources:
                    problems.append((f"{path}/on_overdue/fire", f"event {spec.fire!r} does not leave {state.name!r}"))
                elif not any(a.role == SYSTEM for a in t.by):
                    problems.append((f"{path}/on_overdue/fire", f"event {spec.fire!r} is not fired by the system"))
                elif any(need == "required" for need in t.input.values()):
                    problems.append((f"{path}/on_overdue/fire", f"event {spec.fire!r} needs input the system lacks"))
        for index, t in enumerate(doc["transitions"]):
            if any(a["role"] == SYSTEM for a in t["by"]) and not any(
                    state.deadline and state.deadline.fire == t["event"] for state in self.states.values()):
                problems.append((f"/transitions/{index}/by", f"no deadline fires {t['event']!r}, "
                                                              "so the system never does"))
        return problems

    @staticmethod
    def _closure(start: str, exits: dict) -> set:
        seen, todo = {start}, [start]
        while todo:
            for nxt in exits[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def exits(self, state: str) -> list:
        """The transitions that may leave `state`, in definition order."""
        return [t for t in self.transitions.values() if state in t.sources]

    def after_edit(self, state: str) -> Transition | None:
        """The event an author's edit fires from `state` (None where authors do not edit)."""
        return next((t for t in self.exits(state) if t.after_edit), None)

    def states_where(self, flag: str) -> frozenset:
        """The names of the states whose `flag` (recognized, confirms_benefit, final, author_may_edit) is set."""
        return frozenset(name for name, state in self.states.items() if getattr(state, flag))

    def waiting_for(self, level: Level) -> list:
        """The states whose initiatives wait in the queue of `level`'s reviewers."""
        return [name for name, state in self.states.items() if state.queue == level]

    def mermaid(self) -> str:
        """The state diagram in Mermaid, generated from the definition."""
        lines = ["stateDiagram-v2", f"    [*] --> {self.start_at}"]
        for name, state in self.states.items():
            flags = [flag for flag in ("recognized", "confirms_benefit", "author_may_edit") if getattr(state, flag)]
            if state.deadline:
                flags.append(state.deadline.describe("due"))
            lines.append(f"    {name}: {name} ({state.title['vi']})" + (f" {', '.join(flags)}" if flags else ""))
        for t in self.transitions.values():
            actors = ", ".join(a.role if a.level is None else f"{a.role}@{a.level.value}" for a in t.by)
            needs = [f for f, need in t.input.items() if need == "required"]
            for source in t.sources:
                note = f"{t.event} [{actors}]" + (f" needs {'+'.join(needs)}" if needs else "") \
                    + (" after an edit" if t.after_edit else "")
                lines.append(f"    {source} --> {t.target}: {note}")
        for name, state in self.states.items():
            if state.final:
                lines.append(f"    {name} --> [*]")
        if self.decision_deadline:
            lines.append(f"    note right of {self.start_at}: whole review {self.decision_deadline.describe('due')} "
                         "from receipt, in every state not final")
        return "\n".join(lines) + "\n"


def load(path: str) -> Definition:
    with open(path, encoding="utf-8") as f:
        return Definition.from_json(json.load(f))


@lru_cache(maxsize=None)
def default() -> Definition:
    """The definition in force: WORKFLOW_DEFINITION if set, else definition.json beside this file."""
    return load(os.environ.get("WORKFLOW_DEFINITION") or DEFAULT_PATH)
