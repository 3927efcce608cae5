"""The review state machine as data: load a JSON definition and check it.

Checked when loaded, so that a broken definition fails at deploy time, not at
2 a.m.: the shape (schemas/workflow.json), then every state reachable from the
start, no exit from a final state, an exit from every other state, every state
able to reach a final one, known states, effects and levels, unique events.
"""
import json
import os
from dataclasses import dataclass
from functools import lru_cache

from chalicelib import validation

DEFAULT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "definition.json")

# Effects a transition may name; each is carried out by a listener in
# chalicelib/effects.py, outside the core that decides transitions (a test
# keeps the two lists equal).
KNOWN_EFFECTS = frozenset({"notify_author", "notify_reviewers", "award_candidate"})
LEVELS = ("grassroots", "upper_grassroots", "top_level", "national")
INPUT_FIELDS = ("reason", "scores", "confirmed_benefit_vnd")


class DefinitionError(Exception):
    """The definition is broken; `problems` lists (JSON Pointer, message)."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("; ".join(f"{path or '/'}: {message}" for path, message in problems))


@dataclass(frozen=True)
class Actor:
    role: str  # author | reviewer | leader | admin
    level: str | None = None


@dataclass(frozen=True)
class Transition:
    event: str
    label: dict
    sources: tuple
    target: str
    by: tuple  # of Actor
    input: dict  # field → "required" | "optional"
    effects: tuple


@dataclass(frozen=True)
class State:
    name: str
    title: dict
    final: bool
    queue: str | None
    author_may_edit: bool


@dataclass(frozen=True)
class Definition:
    start_at: str
    states: dict  # name → State
    transitions: dict  # event → Transition

    @classmethod
    def from_json(cls, doc: dict) -> "Definition":
        problems = [(p.path, p.code) for p in validation.problems("workflow", doc)]
        if problems:
            raise DefinitionError(problems)
        states = {name: State(name=name, title=spec["name"], final=spec.get("final", False),
                              queue=spec.get("queue"), author_may_edit=spec.get("author_may_edit", False))
                  for name, spec in doc["states"].items()}
        transitions, problems = {}, []
        for index, spec in enumerate(doc["transitions"]):
            if spec["event"] in transitions:
                problems.append((f"/transitions/{index}/event", f"event {spec['event']!r} is declared twice"))
            transitions[spec["event"]] = Transition(
                event=spec["event"], label=spec["label"], sources=tuple(spec["from"]), target=spec["to"],
                by=tuple(Actor(a["role"], a.get("level")) for a in spec["by"]), input=dict(spec.get("input", {})),
                effects=tuple(spec.get("effects", ())))
        definition = cls(start_at=doc["start_at"], states=states, transitions=transitions)
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
            for name in t.get("effects", []):
                if name not in KNOWN_EFFECTS:
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
        if self.states[self.start_at].final:
            problems.append(("/start_at", "the first state cannot be final"))
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

    def mermaid(self) -> str:
        """The state diagram in Mermaid, generated from the definition."""
        lines = ["stateDiagram-v2", f"    [*] --> {self.start_at}"]
        for name, state in self.states.items():
            lines.append(f"    {name}: {name} ({state.title['vi']})")
        for t in self.transitions.values():
            actors = ", ".join(a.role if a.role == "author" else f"{a.role}@{a.level}" for a in t.by)
            needs = [f for f, need in t.input.items() if need == "required"]
            for source in t.sources:
                note = f"{t.event} [{actors}]" + (f" needs {'+'.join(needs)}" if needs else "")
                lines.append(f"    {source} --> {t.target}: {note}")
        for name, state in self.states.items():
            if state.final:
                lines.append(f"    {name} --> [*]")
        return "\n".join(lines) + "\n"


def load(path: str) -> Definition:
    with open(path, encoding="utf-8") as f:
        return Definition.from_json(json.load(f))


@lru_cache(maxsize=None)
def default() -> Definition:
    """The definition in force: WORKFLOW_DEFINITION if set, else definition.json beside this file."""
    return load(os.environ.get("WORKFLOW_DEFINITION") or DEFAULT_PATH)
