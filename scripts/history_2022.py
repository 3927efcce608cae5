"""The 2022–2023 program "1 triệu sáng kiến" as it happened, at national
scale, in the counters: over two million initiatives cannot be demo items,
but what they leave in the counters can be, built with the stream's own
arithmetic (counters.core.moves) rather than typed in.

What happened is data (data/demo/history.json, checked by
schemas/program-history.json): each phase's entries in the whole country, the days
they were entered, the states they ended the phase in, and the figures the
press reported (at 07:00 on 13/04/2022 over 133,000 on the portal, Thanh Hóa
first and Hà Nội second with 15,175; Công đoàn Viên chức tỉnh Thanh Hóa's 840
at the end of phase 1, 562 valid and 278 under review). From it, and from the
demo tree and targets, `plan` deals the entries out, deterministically:

1. to the 83 top-level units, in proportion to their registered targets
   (times a made-up performance), each unit's checkpoint figure exactly;
2. over the days of the phase (more towards its end: `ramp`; a late climber
   like Hà Nội, which rose from tenth, comes later still);
3. each day's entries of a top-level unit to one of its grassroots unions
   at a time (the one furthest behind its made-up share: union officers
   enter a batch on a day), the `fixed` subtrees getting exactly their figure;
4. each such batch (a cohort of identical initiatives) to a final state
   and subject group, furthest behind its share again (exactly, one by one,
   for a `fixed` unit).

Every cohort is then lived as initiatives live (entered; checked at the
grassroots some days later; taken into review and decided by the union
above some weeks later), each change's moves computed by counters.core for
ONE initiative of it and counted `n` times: the same counters as `n`
initiatives through the stream (entries and recognitions per day, waiting
months, decisions by days waited, benefits, states, groups, blocks).
Authors are `authors_per_initiative` distinct people per initiative (no
person counted twice: each cohort's people are its own).

`seed` writes the sums with counters.store.put_counts (each unit's items
put whole, as counting would leave them), one transaction per 99 counter
items, each under a marker of its own; it writes nothing when the
national counter of the program's first phase already counts anything.
Run by scripts/seed_demo.py; alone: `.venv/bin/python scripts/history_2022.py
[--dry-run] [--json]` (dry run: the figures, nothing written).
"""
import argparse
import json
import os
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(ROOT, "data", "demo")
NATIONAL = "tld"
ACTIONS = 99  # counter items per transaction, beside its marker


# ------------------------------------------------------------------ reading the data

def load(directory: str = DEMO) -> dict:
    """history.json (checked by schemas/program-history.json), the tree and the targets."""
    from chalicelib import validation

    def read(name):
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            return json.load(f)
    history = read("history.json")
    problems = [error.message for error in validation.validator("program-history").iter_errors(history)]
    if problems:
        raise ValueError(f"data/demo/history.json: {problems}")
    return {"history": history, "units": read("organisation.json")["units"],
            "targets": read("targets.json")["targets"]}


def split(total: int, weights: list) -> list[int]:
    """`total` dealt out in proportion to `weights`, to the unit, exactly
    (largest remainders first, ties to the first). Integer arithmetic on the
    weights scaled to millionths (Fractions cost seconds here)."""
    scaled = [round(w * 1_000_000) for w in weights]
    whole = sum(scaled)
    if not whole:
        scaled, whole = [1] * len(weights), len(weights)
    parts, remainders = [], []
    for w in scaled:
        part, remainder = divmod(total * w, whole)
        parts.append(part)
        remainders.append(remainder)
    order = sorted(range(len(scaled)), key=lambda i: (-remainders[i], i))
    for i in order[:total - sum(parts)]:
        parts[i] += 1
    return parts


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def ramped(days: list[date], ramp: float, offset: int = 0) -> list[float]:
    """Day k of a run weighs (k + 1 + offset) ** ramp: more towards the end."""
    return [(k + 1 + offset) ** ramp for k in range(len(days))]


# ------------------------------------------------------------------ the plan

@dataclass(frozen=True)
class Cohort:
    """`n` initiatives of one grassroots union alike: entered on `day`,
    ending the phase in `state`, of `group` and `field`, each with `benefit` (None: no
    estimate), checked `check` days after entry and decided by the union
    above `decide` days after that."""
    phase_id: str
    unit_id: str
    block: str | None
    day: date
    state: str
    group: str
    field: str
    n: int
    benefit: int | None
    check: int
    decide: int


def plan(data: dict) -> list[Cohort]:
    """Every cohort of the program (see the module's docstring)."""
    history = data["history"]
    units = {u["id"]: u for u in data["units"]}
    children: dict = {}
    for unit in data["units"]:
        children.setdefault(unit.get("parent_id"), []).append(unit["id"])
    tops = sorted(children.get(NATIONAL, []))
    rng = random.Random(history["seed"])
    benefit = history["benefit_vnd"]
    cohorts = []
    for spec in history["phases"]:
        phase_id = spec["phase_id"]
        targets = {t["unit_id"]: t["total"] for t in data["targets"] if t["phase_id"] == phase_id}
        fixed = {unit_id: {state: n for state, n in f["states"].items()} for unit_id, f in spec.get("fixed", {}).items()}
        totals = _top_totals(spec, tops, targets, units, fixed, rng)
        days = days_between(date.fromisoformat(spec["entries_from"]), date.fromisoformat(spec["entries_to"]))
        series = _daily(spec, tops, totals, days, rng)
        for top in tops:
            grassroots = _grassroots(top, children, units)
            weights = {g: rng.uniform(0.3, 2.0) for g in grassroots}
            parts = []
            held = [f for f in fixed if f in _subtree(top, children)]
            rest = [g for g in grassroots if not any(g in _subtree(f, children) for f in held)]
            remaining = list(series[top])
            for unit_id in held:
                share = split(sum(fixed[unit_id].values()), series[top])
                remaining = [a - b for a, b in zip(remaining, share)]
                members = [g for g in grassroots if g in _subtree(unit_id, children)]
                parts.append((members, share, dict(fixed[unit_id]), True))
            parts.append((rest, remaining, _weights(spec["states"]), False))
            for members, per_day, shares, exact in parts:
                if not members:
                    continue
                cohorts += _cohorts(phase_id, members, weights, per_day, days, shares, exact, units,
                                    history["subject_groups"], history["fields"], benefit, rng)
    return cohorts


def _top_totals(spec, tops, targets, units, fixed, rng) -> dict:
    """Each top-level unit's entries in the phase: in proportion to its
    target times a made-up performance, at least its checkpoint figure and
    its fixed subtrees."""
    weights = [targets.get(top, 1000) * rng.uniform(0.8, 1.8) for top in tops]
    totals = dict(zip(tops, split(spec["entered"], weights)))
    checkpoint = spec.get("checkpoint")
    if checkpoint:
        for unit_id, n in checkpoint["units"].items():
            assert totals[unit_id] > n, f"{unit_id}: {totals[unit_id]} by the end of the phase, {n} at the checkpoint"
    return totals


def _daily(spec, tops, totals, days, rng) -> dict:
    """Each top-level unit's entries per day. With a checkpoint: each unit's
    figure by then exactly (the named ones as reported, every other one
    below the smallest of them, together the national figure), the rest of
    its entries after it."""
    ramp = spec["ramp"]
    checkpoint = spec.get("checkpoint")
    if not checkpoint:
        return {top: split(totals[top], [w * rng.uniform(0.7, 1.3) for w in ramped(days, ramp)]) for top in tops}
    cut = date.fromisoformat(checkpoint["day"])
    before, after = [d for d in days if d <= cut], [d for d in days if d > cut]
    named = checkpoint["units"]
    ceiling = min(named.values()) - 1
    others = [top for top in tops if top not in named]
    rest = checkpoint["national"] - sum(named.values())
    by_then = dict(zip(others, split(rest, [totals[top] * rng.uniform(0.6, 1.1) for top in others])))
    # No other unit passes the named ones (nor its own total for the phase): what is over goes to those with room.
    while True:
        over = {top: n - min(ceiling, totals[top] * 3 // 5) for top, n in by_then.items()
                if n > min(ceiling, totals[top] * 3 // 5)}
        if not over:
            break
        for top, n in over.items():
            by_then[top] -= n
        room = [top for top in others if top not in over]
        for top, n in zip(room, split(sum(over.values()), [totals[top] for top in room])):
            by_then[top] += n
    by_then.update(named)
    climbers = set(checkpoint.get("late_climbers", []))
    series = {}
    for top in tops:
        first = ramped(before, ramp * (2.5 if top in climbers else 1))
        second = ramped(after, ramp, offset=len(before))
        series[top] = split(by_then[top], first) + split(totals[top] - by_then[top], second)
    return series


def _subtree(unit_id, children) -> set:
    found, frontier = set(), [unit_id]
    while frontier:
        unit = frontier.pop()
        found.add(unit)
        frontier += children.get(unit, [])
    return found


def _grassroots(top, children, units) -> list:
    return sorted(u for u in _subtree(top, children) if units[u]["kind"] == "grassroots")


def _behind(shares: dict, done: int, assigned: dict) -> str:
    """The one of `shares` ({key: integer weight}) furthest behind its share
    of `done` (ties: the first by name)."""
    whole = sum(shares.values())
    return max(sorted(shares), key=lambda key: shares[key] * done - assigned.get(key, 0) * whole)


def _weights(shares: dict) -> dict:
    """Shares ({key: number}) as integer weights (millionths)."""
    return {key: round(float(value) * 1_000_000) for key, value in shares.items()}


def _cohorts(phase_id, members, weights, per_day, days, shares, exact, units, groups_by_block, fields_by_group,
             benefit, rng):
    """A part's daily entries as cohorts: each day's to the union furthest
    behind its share; each batch to the state and group furthest behind
    theirs (one by one when `exact`)."""
    union_shares = _weights({g: weights[g] for g in members})
    by_union, by_state, by_group = {}, {}, {}
    group_weights = {block: _weights(shares) for block, shares in groups_by_block.items()}
    field_weights = {group: _weights(shares) for group, shares in fields_by_group.items()}
    by_field: dict = {}
    done = 0
    found = []
    for day, n in zip(days, per_day):
        if n <= 0:
            continue
        done += n
        union = _behind(union_shares, done, by_union)
        by_union[union] = by_union.get(union, 0) + n
        states: dict = {}
        if exact:
            for k in range(n):
                state = _behind(shares, done - n + k + 1, by_state)
                by_state[state] = by_state.get(state, 0) + 1
                states[state] = states.get(state, 0) + 1
        else:
            state = _behind(shares, done, by_state)
            by_state[state] = by_state.get(state, 0) + n
            states[state] = n
        block = units[union].get("block")
        group_shares = group_weights[block or "administrative"]
        for state, count in sorted(states.items()):
            counted = by_group.setdefault(block, {})
            group = _behind(group_shares, sum(counted.values()) + count, counted)
            counted[group] = counted.get(group, 0) + count
            fielded = by_field.setdefault(group, {})
            field = _behind(field_weights[group], sum(fielded.values()) + count, fielded)
            fielded[field] = fielded.get(field, 0) + count
            value = rng.choices(benefit["values"], benefit["weights"])[0]
            found.append(Cohort(phase_id, union, block, day, state, group, field, count, value or None,
                                rng.randint(1, 14), rng.randint(7, 55)))
    return found


# ------------------------------------------------------------------ the arithmetic

# How each final state is reached: the events of the default workflow, in order.
LIVES = {
    "pending": [],
    "valid": ["validate"],
    "under_review": ["validate", "start_review"],
    "recognized": ["validate", "start_review", "recognize"],
    "not_recognized": ["validate", "start_review", "decline"],
    "invalid": ["invalidate"],
    "needs_revision": ["request_revision"],
    "withdrawn": ["withdraw"],
}


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T09:00:00.000+07:00"


def lived(cohort: Cohort, benefit_share: float) -> list[tuple]:
    """The changes one initiative of the cohort went through: (old image,
    new image) pairs as the stream hands them over, its path just its union
    (the sums are rolled up the tree afterwards, as `scopes` would)."""
    from chalicelib.workflow import definition

    flow = definition.default()
    image = {"id": "history", "version": 1, "status": flow.start_at, "phase_id": cohort.phase_id,
             "unit_id": cohort.unit_id, "unit_path": [cohort.unit_id], "block": cohort.block,
             "subject_group": cohort.group, "field": cohort.field, "benefit_vnd": cohort.benefit, "authors": [],
             "created_at": _stamp(cohort.day), "updated_at": _stamp(cohort.day), "waiting_since": _stamp(cohort.day)}
    changes = [(None, image)]
    checked = cohort.day + timedelta(days=cohort.check)
    decided = checked + timedelta(days=cohort.decide)
    for event in LIVES[cohort.state]:
        transition = flow.transitions[event]
        when = decided if event in ("recognize", "decline") else checked
        new = dict(image, version=image["version"] + 1, status=transition.target, updated_at=_stamp(when))
        target = flow.states[transition.target]
        if target.queue is None:
            new.pop("waiting_since", None)
        elif flow.states[image["status"]].queue != target.queue:
            new["waiting_since"] = _stamp(when)  # a new desk: its wait starts now
        if flow.states[transition.target].confirms_benefit and cohort.benefit:
            new["confirmed_benefit_vnd"] = int(cohort.benefit * benefit_share)
        changes.append((image, new))
        image = new
    return changes


def totals(data: dict, cohorts: list[Cohort]) -> dict:
    """{(unit, phase): counts} over the whole tree: each cohort's moves
    (counters.core.moves of one initiative, times n) in its union, then
    rolled up to every unit above it; authors as distinct people."""
    from chalicelib.counters import core

    rules = core.rules()
    history = data["history"]
    share = history["benefit_vnd"]["confirmed_share"]
    per_union: dict = {}
    for cohort in cohorts:
        bucket = per_union.setdefault((cohort.unit_id, cohort.phase_id), {})
        for old, new in lived(cohort, share):
            for counts in core.moves(old, new, rules).values():
                for name, n in counts.items():
                    bucket[name] = bucket.get(name, 0) + n * cohort.n
        people = max(1, round(cohort.n * history["authors_per_initiative"]))
        bucket[core.AUTHORS] = bucket.get(core.AUTHORS, 0) + people
    parents = {u["id"]: u.get("parent_id") for u in data["units"]}
    found: dict = {}
    for (unit_id, phase_id), counts in per_union.items():
        unit = unit_id
        while unit is not None:
            bucket = found.setdefault((unit, phase_id), {})
            for name, n in counts.items():
                bucket[name] = bucket.get(name, 0) + n
            unit = parents.get(unit)
    return {scope: {name: n for name, n in counts.items() if n} for scope, counts in found.items()}


# ------------------------------------------------------------------ writing

def seed(directory: str = DEMO, units=None) -> dict:
    """Count the program into the counters table (see the module's
    docstring); {"written": False} when it is there already. `units`: write
    only those units' counters (all of them computed still; for tests that
    read a few units and cannot wait for the emulator to store 15,000 items)."""
    from chalicelib.counters import stats, store

    data = load(directory)
    first_phase = data["history"]["phases"][0]["phase_id"]
    if store.unit_counts(NATIONAL, first_phase).get("entered", 0) > 0:
        return {"written": False}
    started = time.perf_counter()
    counted = totals(data, plan(data))
    computed = time.perf_counter() - started
    program = data["history"]["program_id"]
    chunk, size, written = {}, 0, 0
    for scope in sorted(counted):
        if units is not None and scope[0] not in units:
            continue
        counts = counted[scope]
        items = 1 + len({name[2:6] for name in counts if name[:2] in ("e@", "r@")})
        if chunk and size + items > ACTIONS:
            store.put_counts((f"HISTORY#{program}", f"c{written:05d}"), chunk)
            written, chunk, size = written + 1, {}, 0
        chunk[scope] = counts
        size += items
    if chunk:
        store.put_counts((f"HISTORY#{program}", f"c{written:05d}"), chunk)
        written += 1
    # The clusters' leaders of an ended phase are kept as final: build them from what is now counted.
    for phase in data["history"]["phases"]:
        stats.rebuild_honours(phase["phase_id"])
    return {"written": True, "units": len({unit for unit, _ in counted}), "transactions": written,
            "computed_s": round(computed, 1), "seconds": round(time.perf_counter() - started, 1),
            **summary(counted, data)}


def summary(counted: dict, data: dict) -> dict:
    """The figures a reader checks against the press."""
    phases = [spec["phase_id"] for spec in data["history"]["phases"]]
    national = [counted.get((NATIONAL, phase), {}) for phase in phases]
    return {"entered": {phase: c.get("entered", 0) for phase, c in zip(phases, national)},
            "entered_in_all": sum(c.get("entered", 0) for c in national),
            "benefit_estimated_vnd": sum(c.get("benefit_estimated", 0) for c in national)}


def main(argv) -> int:
    parser = argparse.ArgumentParser(prog="scripts/history_2022.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="compute and print the figures, write nothing")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    sys.path.insert(0, ROOT)
    if args.dry_run:
        started = time.perf_counter()
        data = load()
        cohorts = plan(data)
        found = {"cohorts": len(cohorts), **summary(totals(data, cohorts), data),
                 "seconds": round(time.perf_counter() - started, 1)}
    else:
        found = seed()
    print(json.dumps(found, ensure_ascii=False) if args.json else
          "\n".join(f"{name}: {value}" for name, value in found.items()))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, ROOT)
    sys.exit(main(sys.argv[1:]))
