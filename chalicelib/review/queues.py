"""What a unit's reviewers see and may do, read from the workflow definition:
the levels the unit plays, the states whose initiatives wait for it, and the
events its reviewers may fire on them. Pure: no I/O."""
from dataclasses import dataclass

from chalicelib.workflow import engine
from chalicelib.workflow.definition import Definition


@dataclass(frozen=True)
class Desk:
    """One unit's place in the review: what waits for it and what it may decide."""
    levels: frozenset  # the levels it plays (a top-level unit may also play upper_grassroots)
    states: tuple  # State: whose initiatives may wait in its queue
    events: tuple  # Transition: what its reviewers may fire on them
    own_states: tuple  # names of the states whose queue is at the unit's own level

    @property
    def counts_alone(self) -> bool:
        """Whether the unit's counters say exactly what waits for it: only when it
        plays its own level alone. A top-level unit that also plays the
        upper-grassroots role for unions directly under it has counters summing
        those states over its whole subtree, including what waits for the
        upper-grassroots unions below it."""
        return len(self.levels) == 1


def desk(workflow: Definition, unit) -> Desk:
    """The desk of `unit` (a reference Unit; None gives an empty desk)."""
    if unit is None:
        return Desk(frozenset(), (), (), ())
    levels = engine.levels_played(unit.level)
    states = tuple(s for s in workflow.states.values() if s.queue in levels)
    names = {s.name for s in states}
    events = tuple(t for t in workflow.transitions.values()
                   if set(t.sources) & names and any(a.role == "reviewer" and a.level in levels for a in t.by))
    return Desk(levels, states, events, tuple(workflow.waiting_for(unit.level)))


# ------------------------------------------------------------------ search and order (issue 12)

SORTS = ("age", "due", "benefit")  # `age` is the queue's own order: phase by phase, oldest first


def searchable(row: dict) -> str:
    """What a search of the queue looks in, folded (lower case, no diacritics):
    the tracking code, the title and every author's name."""
    from chalicelib.text import fold

    return " | ".join(fold(part) for part in (row["code"], row["title"], *row.get("author_names", ())))


def matching(rows: list, query: str | None) -> list:
    """The rows whose code, title or an author's name holds `query`, folded the
    same way ("nguyen van" finds "Nguyễn Văn An", "sk-7k" finds SK-7K2M…);
    every row when there is no query."""
    from chalicelib.text import fold

    wanted = fold(query or "")
    return [row for row in rows if wanted in searchable(row)] if wanted else list(rows)


def due_of(row: dict) -> str | None:
    """When a queue row must be decided: the earlier of its wait's deadline at
    this desk (`due_at`) and the whole review's (`decision_due_at`, from
    receipt), or None when neither applies."""
    found = [at for at in (row.get("due_at"), row.get("decision_due_at")) if at]
    return min(found) if found else None


def ordered(rows: list, sort: str | None) -> list:
    """`rows` (in the queue's own order) sorted for `sort`, ties kept in the
    queue's order:
    - age (or None): as they are;
    - due: the overdue first (marked by the sweep: `overdue_since`), then by
      when each must be decided (due_of), earliest first, those without a
      deadline last;
    - benefit: the highest estimated benefit first, those without one last."""
    if sort == "due":
        def key(row):
            due = due_of(row)
            return (0 if row.get("overdue_since") else 1, due is None, due or "")
    elif sort == "benefit":
        def key(row):
            benefit = row.get("benefit_vnd")
            return (benefit is None, -(benefit or 0))
    else:
        return list(rows)
    return sorted(rows, key=key)


# ------------------------------------------------------------------ the count waiting, at every level (issue 12)

def split_waiting(queue_of: dict, unit_level, played, count, counts: dict, lower_desks: list) -> tuple[dict, dict]:
    """What waits at a unit's own desk and below it, from counters that count
    each state over a unit's whole subtree.

    `queue_of`: {state: the Level whose reviewers it waits for}; `unit_level`
    and `played`: the unit's own level and the levels it plays (a top-level
    unit also plays upper_grassroots for the unions directly under it);
    `count(counts, state)`: a state's count in one counter; `counts`: the
    unit's; `lower_desks`: the counters of the units under it that play a
    level it also plays (a top-level unit's upper-grassroots unions).

    Returns (own, below): own = {state: n} for the states whose desk the unit
    plays (less what waits at the `lower_desks`), below = {(Level, state): n}
    for what waits at the desks under it, nearest level first."""
    from chalicelib.levels import Level

    own, below = {}, {}
    rank = Level(unit_level).rank
    for state, level in sorted(queue_of.items(), key=lambda pair: Level(pair[1]).rank):
        level = Level(level)
        total = count(counts, state)
        if level in played:
            lower = sum(count(c, state) for c in lower_desks) if level != unit_level else 0
            own[state] = total - lower
            if lower_desks and level != unit_level:
                below[(level, state)] = lower
        elif level.rank > rank:
            below[(level, state)] = total
    return own, dict(sorted(below.items(), key=lambda pair: pair[0][0].rank))
