"""Progress and rankings: the counters read back, beside the targets.

Every read is keyed by unit, so what a call costs depends on how many units it
is about and never on how many initiatives they hold; nothing here scans or
reads an initiative. The reads themselves belong to the tables' owners
(counters.store, reference.catalog); docs/data-model.md says what each costs.

GET /stats/units/{unit_id}?phase=  (`unit_stats`)
  - the unit and the programs (cached per container);
  - its direct children (catalog.children: one Query of `gsi1`);
  - the counters and targets of the unit and its children, read together:
    ONE BatchGetItem per 100 keys, 2 keys per unit.

GET /stats/rankings?phase=&level=top  (`rankings`), every top-level unit:
  - the top-level units (catalog.children of the national unit);
  - their counters: one Query on the counters' `by_level` index;
  - their targets: BatchGetItem, 100 keys per call.
GET /stats/rankings?phase=&level=<level>&within=<unit>, the units of a level
below one unit: catalog.children of each unit walked above that level, then
their counters and targets read together.
GET /stats/rankings?phase=&level=grassroots&within=<top-level unit>&limit=50
(`_ranked_pages`), a province's thousands of grassroots unions a page at a
time, from a snapshot of the ranking (counters.store.ranking_*): the head and
one or two chunks per page; rebuilt at most every 10 minutes.

GET /stats/units/{unit_id}/trend?phase=&from=&to=  (`unit_trend`)
  - the unit, the programs (cached); its target (one GetItem);
  - its per-day counts: the month items of the days shown (one per month
    and shard, 1 below the top level, 4 for a top-level unit, 8 for the
    national one), ONE BatchGetItem per 100. A whole phase of 16 months
    reads 16 items for a grassroots union and 128 for the country.

GET /stats/honours?phase=  (`honours`), the emulation clusters' leaders
quarter by quarter: the program's clusters (cached), then every member's
per-day counts over the phase so far and targets, read together (members ×
months × 4 shards: a 16-month phase of 83 top-level units is ~5,300 keys,
54 BatchGetItems, ~2,700 RCU), built at most every few minutes into one
snapshot item per phase (counters.store.honours_snapshot): a read is one
GetItem, rebuilt in the call only when the `snapshot_honours` schedule has
not kept it younger than HONOURS_FRESH; final once the phase has ended.

Lower levels are ranked only `within` a unit below the national one, so that
a call stays about a province's or a sector's units, not the country's tens of
thousands of grassroots unions.
"""
from datetime import timedelta

from chalicelib import validation
from chalicelib.counters import core, store
from chalicelib.auth.principal import UNIT_READERS, reads_unit
from chalicelib.errors import Forbidden, Invalid, NotFound, Problem
from chalicelib.levels import Level
from chalicelib.reference import catalog
from chalicelib.reference.model import BLOCKS

# The `level` query parameter and the level it ranks ("top" is the short name of top_level).
RANKED_LEVELS = {"top": Level.TOP_LEVEL, Level.TOP_LEVEL.value: Level.TOP_LEVEL,
                 Level.UPPER_GRASSROOTS.value: Level.UPPER_GRASSROOTS, Level.GRASSROOTS.value: Level.GRASSROOTS}


# ------------------------------------------------------------------ services

def find_phase(phase_id: str):
    """(program, phase) for a phase id of a known program; Invalid otherwise."""
    found = catalog.phase(phase_id)
    if found is None:
        raise Invalid([Problem("/phase", "unknown_phase")])
    return found


def unit_stats(principal, unit_id: str, params: dict) -> dict:
    """A unit's figures for one phase and those of each of its direct children."""
    params = validation.normalized("stats-unit-query", params)
    program, phase = find_phase(params["phase"])
    unit = catalog.unit(unit_id)
    if unit is None:
        raise NotFound()
    if not reads_unit(principal, unit.path):
        raise Forbidden()
    children = sorted(catalog.children(unit.id), key=lambda u: core.name_order(u.name))
    units = [unit] + children
    counters, targets = _counters_and_targets([u.id for u in units], program.id, phase.id)
    rules = core.rules()
    entries = [_progress(u, counters.get(u.id, {}), targets.get(u.id), program, rules) for u in units]
    return {"phase": _phase_json(program, phase), "unit": entries[0], "children": entries[1:]}


def rankings(principal, params: dict) -> dict:
    """The units of a level ranked three ways: by initiatives entered, by
    percentage of target reached, by participating authors."""
    params = validation.normalized("rankings-query", params)
    program, phase = find_phase(params["phase"])
    level = RANKED_LEVELS[params["level"]]
    within = None
    if params.get("within"):
        within = catalog.unit(params["within"])
        if within is None:
            raise Invalid([Problem("/within", "unknown_unit")])
        if not reads_unit(principal, within.path):
            raise Forbidden()
    elif level != Level.TOP_LEVEL:
        raise Invalid([Problem("/within", "required")])
    elif not principal.has_role(*UNIT_READERS):
        # The top-level ranking is the one published nationwide: any reader sees it.
        raise Forbidden()
    caller_unit = catalog.unit(principal.unit_id)
    if caller_unit is None:
        raise Forbidden()
    national_id = caller_unit.path[0]
    if within is not None and within.id == national_id and level != Level.TOP_LEVEL:
        raise Invalid([Problem("/within", "within_too_wide")])

    paged = "limit" in params or any(params.get(parameter) for parameter, _ in RANKINGS.values())
    if paged and within is not None and within.level == Level.TOP_LEVEL and level == Level.GRASSROOTS:
        return _ranked_pages(params, program, phase, level, within)
    if within is None or within.id == national_id:
        units = [u for u in catalog.children(national_id) if u.level == level]
        counters = store.level_counts(level, phase.id)
        _, targets = _counters_and_targets([u.id for u in units], program.id, phase.id, counters=False)
    else:
        units = _units_at(within, level)
        counters, targets = _counters_and_targets([u.id for u in units], program.id, phase.id)

    rows = [_ranking_row(unit, counters.get(unit.id, {}), targets.get(unit.id)) for unit in units]
    # Tied units share a rank ("1, 2, 2, 4"); the name only orders them on the list.
    return {
        "phase": _phase_json(program, phase), "level": params["level"],
        "within": _summary(within) if within is not None else None,
        "by_initiatives": core.ranking(rows, lambda r: r["entered"], _row_name),
        "by_percent_of_target": core.ranking(rows, lambda r: core.share(r["entered"], r["target"]), _row_name),
        "by_authors": core.ranking(rows, lambda r: r["authors"], _row_name),
        "next": dict.fromkeys(RANKINGS),
    }


def unit_trend(principal, unit_id: str, params: dict) -> dict:
    """A unit's initiatives entered and recognised per day in one phase,
    with their running totals and the target's even pace (schemas/unit-trend.json)."""
    from datetime import date

    from chalicelib import clock
    from chalicelib.tables import BatchRead

    params = validation.normalized("stats-trend-query", params)
    program, phase = find_phase(params["phase"])
    first = date.fromisoformat(params["from"]) if params.get("from") else phase.counts_from
    last = date.fromisoformat(params["to"]) if params.get("to") else min(phase.ends_on, clock.today())
    problems = []
    if not phase.counts_from <= first <= phase.ends_on:
        problems.append(Problem("/from", "outside_phase"))
    if not phase.counts_from <= last <= phase.ends_on:
        problems.append(Problem("/to", "outside_phase"))
    if not problems and last < first:
        problems.append(Problem("/to", "before_from"))
    if problems:
        raise Invalid(problems)
    unit = catalog.unit(unit_id)
    if unit is None:
        raise NotFound()
    if not reads_unit(principal, unit.path):
        raise Forbidden()
    read = BatchRead()
    found_days = store.want_daily(read, [unit.id], phase.id, phase.counts_from, last)
    found_targets = catalog.want_targets(read, [unit.id], program.id, phase.id)
    read.run()
    target = found_targets().get(unit.id)
    total = target.total if target else (phase.target if unit.level == Level.NATIONAL else None)
    return {"phase": {**_phase_json(program, phase), "counts_from": phase.counts_from.isoformat(),
                      "ends_on": phase.ends_on.isoformat()},
            "unit": _summary(unit), "from": first.isoformat(), "to": last.isoformat(), "target": total,
            "days": core.trend(found_days()[unit.id], phase.counts_from, phase.ends_on, first, last, total)}


def program_totals(principal, unit_id: str, program_id: str) -> dict:
    """A unit's figures over every phase of a program added up (the
    program "in all": over 2,000,000 initiatives, over 33.000 tỷ đồng):
    its counters in each phase, ONE BatchGetItem."""
    from chalicelib.tables import BatchRead

    program = catalog.program(program_id)
    unit = catalog.unit(unit_id)
    if program is None or unit is None:
        raise NotFound()
    if not reads_unit(principal, unit.path):
        raise Forbidden()
    read = BatchRead()
    found = [store.want_counts(read, [unit.id], phase.id) for phase in program.phases]
    read.run()
    totals = {"phases": len(program.phases), "entered": 0, "benefit_estimated_vnd": 0, "benefit_confirmed_vnd": 0}
    for counts in (each().get(unit.id, {}) for each in found):
        totals["entered"] += counts.get(core.ENTERED, 0)
        totals["benefit_estimated_vnd"] += counts.get(core.BENEFIT_ESTIMATED, 0)
        totals["benefit_confirmed_vnd"] += counts.get(core.BENEFIT_CONFIRMED, 0)
    return totals


# A reader rebuilds a snapshot of the clusters' leaders older than this; the
# `snapshot_honours` schedule rebuilds those older than HONOURS_REBUILD, so a
# reader seldom has to.
HONOURS_FRESH = timedelta(minutes=10)
HONOURS_REBUILD = timedelta(minutes=4)


def honours(principal, params: dict) -> dict:
    """Each quarter of a phase (so far, newest first), the leader of each
    emulation cluster of its program (core.cluster_leaders): published
    nationwide, so any leader, reviewer or admin may read it (schemas/honours.json).
    Read from the phase's snapshot (counters.store.honours_snapshot), at most
    HONOURS_FRESH old."""
    params = validation.normalized("honours-query", params)
    program, phase = find_phase(params["phase"])
    if not principal.has_role(*UNIT_READERS):
        raise Forbidden()
    return _kept_honours(program, phase, HONOURS_FRESH)


def refresh_honours(max_age: timedelta = HONOURS_REBUILD) -> list[str]:
    """The `snapshot_honours` schedule: rebuild the snapshot of every phase
    begun that is missing, older than `max_age` or of another day, unless
    final (built after the phase ended: its quarters no longer change).
    Returns the phases rebuilt."""
    from chalicelib import clock

    rebuilt = []
    for program in catalog.programs():
        for phase in program.phases:
            if phase.counts_from <= clock.today():
                _kept_honours(program, phase, max_age, rebuilt)
    return rebuilt


def rebuild_honours(phase_id: str) -> dict:
    """Rebuild a phase's snapshot now, whatever its age, final or not: after
    an import wrote counts of days past (scripts/history_2022.py)."""
    program, phase = find_phase(phase_id)
    return _kept_honours(program, phase, timedelta(0), force=True)


def _kept_honours(program, phase, max_age: timedelta, rebuilt: list | None = None, force: bool = False) -> dict:
    """The phase's snapshot when it is of today's `as_of` and younger than
    `max_age` or final; otherwise (or when `force`d) the answer built from the
    counters and stored."""
    from datetime import datetime

    from chalicelib import clock

    last = min(phase.ends_on, clock.today())
    found = None if force else store.honours_snapshot(phase.id)
    if found is not None and found[1]["as_of"] == last.isoformat():
        built = datetime.fromisoformat(found[0])
        final = built.astimezone(clock.VIETNAM).date() > phase.ends_on + timedelta(days=1)
        if final or timedelta(0) <= clock.now() - built < max_age:
            return found[1]
    answer = _built_honours(program, phase, last)
    store.save_honours(phase.id, answer, replace=force)
    if rebuilt is not None:
        rebuilt.append(phase.id)
    return answer


def _built_honours(program, phase, last) -> dict:
    """The answer from every cluster member's per-day counts over the phase so
    far and their targets, read together (members × months × shards keys)."""
    from chalicelib import clock
    from chalicelib.tables import BatchRead

    today = clock.today()
    members = sorted({unit_id for cluster in program.clusters for unit_id in cluster["members"]})
    quarters = [q for q in core.quarters(phase.counts_from, phase.ends_on) if q[1] <= last]
    answer = {"phase": _phase_json(program, phase), "as_of": last.isoformat(), "quarters": []}
    if members and quarters:
        units = catalog.units(members)
        read = BatchRead()
        found_days = store.want_daily(read, members, phase.id, phase.counts_from, last)
        found_targets = catalog.want_targets(read, members, program.id, phase.id)
        read.run()
        days, targets = found_days(), found_targets()
        names = {unit_id: unit.name for unit_id, unit in units.items()}
        for label, first, end in reversed(quarters):
            shown_to = min(end, last)
            entered = {}
            for unit_id in members:
                day, n = first, 0
                while day <= shown_to:
                    n += days.get(unit_id, {}).get(day.isoformat(), {}).get("entered", 0)
                    day += timedelta(days=1)
                entered[unit_id] = n
            quarter_targets = {unit_id: core.quarter_target(targets[unit_id].total if unit_id in targets else None,
                                                            phase.counts_from, phase.ends_on, first, end)
                               for unit_id in members}
            answer["quarters"].append({"quarter": label, "from": first.isoformat(), "to": end.isoformat(),
                                       "complete": end <= last and end < today,
                                       "clusters": core.cluster_leaders(program.clusters, entered, quarter_targets,
                                                                        names)})
    return answer


# The three orderings: the list in the answer, its cursor parameter, its name in a snapshot.
RANKINGS = {"by_initiatives": ("cursor_initiatives", "entered"),
            "by_percent_of_target": ("cursor_percent_of_target", "percent"),
            "by_authors": ("cursor_authors", "authors")}
DEFAULT_RANKING_PAGE = 50


def _ranked_pages(params: dict, program, phase, level: Level, within) -> dict:
    """The grassroots unions under a top-level unit (a province has
    thousands), one page of each ordering, from the ranking's snapshot
    (counters.store: at most RANKING_FRESH old; rebuilt here when older, from
    every union's counters and targets, which costs the province's size once
    per RANKING_FRESH). A page reads the snapshot's head and the one or two
    chunks holding its rows, whatever the province's size. Ranks are over the
    whole ranking (tied units share one, across pages too; ties are listed in
    Vietnamese name order). A cursor names its snapshot and where the page
    starts, so following it reads the same ranking even after a rebuild
    (until that snapshot expires; then the newest, from the same place).

    Exact as of the snapshot's `built_at` (shown as `as_of`): the counters
    then, the targets then. Units with nothing counted are not listed (they
    would share the last place); by percent of target, neither are units
    without a target."""
    from chalicelib.tables import encode_cursor

    limit = int(params.get("limit", DEFAULT_RANKING_PAGE))
    starts = {name: _rank_cursor(params.get(parameter), parameter, name) for name, (parameter, _) in RANKINGS.items()}
    head = store.ranking_head(level.value, within.id, phase.id)
    if head is None or not store.ranking_is_fresh(head[0]):
        head = store.save_ranking(level.value, within.id, phase.id, _ranking_rows(program, phase, level, within)), None
    built_at = head[0]
    answer = {"phase": _phase_json(program, phase), "level": params["level"], "within": _summary(within),
              "as_of": built_at, "next": {}}
    for name, (built, offset) in starts.items():
        ordering = RANKINGS[name][1]
        rows = store.ranking_rows(level.value, within.id, phase.id, built or built_at, ordering, offset, limit + 1)
        if rows is None:  # the cursor's snapshot has expired: the newest one, from the same place
            built = built_at
            rows = store.ranking_rows(level.value, within.id, phase.id, built_at, ordering, offset, limit + 1) or []
        answer[name] = rows[:limit]
        answer["next"][name] = encode_cursor({"b": built or built_at, "o": offset + limit, "r": name}) \
            if len(rows) > limit else None
    return answer


def _ranking_rows(program, phase, level: Level, within) -> dict:
    """Every ordering of the units of `level` under `within`, ranked: the
    rows a snapshot stores. Reads every unit's counters and targets (ONE
    BatchGetItem per 50 units) and the tree (cached per container)."""
    units = _units_at(within, level)
    counters, targets = _counters_and_targets([u.id for u in units], program.id, phase.id)
    rows = [row for row in (_ranking_row(unit, counters.get(unit.id, {}), targets.get(unit.id)) for unit in units)
            if row["entered"] or row["authors"]]
    return {"entered": core.ranking(rows, lambda r: r["entered"], _row_name),
            "percent": core.ranking([r for r in rows if r["target"]], lambda r: core.share(r["entered"], r["target"]),
                                    _row_name),
            "authors": core.ranking(rows, lambda r: r["authors"], _row_name)}


def _ranking_row(unit, counts: dict, target) -> dict:
    """One unit as a ranking lists it (schemas/rankings.json), before its rank."""
    entered, total = counts.get(core.ENTERED, 0), target.total if target else None
    return {"unit": {"id": unit.id, "name": unit.name, "kind": unit.kind}, "entered": entered, "target": total,
            "percent_of_target": core.percent(entered, total), "authors": counts.get(core.AUTHORS, 0)}


def _row_name(row: dict) -> str:
    return row["unit"]["name"]


def _rank_cursor(cursor: str | None, parameter: str, name: str) -> tuple[str | None, int]:
    """Where one ordering's page starts: (the snapshot's built_at, or None
    for the newest; how many rows come before). Malformed when the cursor is
    not one a ranking gave (tables.encode_cursor made it)."""
    import base64
    import json

    from chalicelib.errors import Malformed

    if not cursor:
        return None, 0
    try:
        state = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if (isinstance(state, dict) and set(state) == {"b", "o", "r"} and state["r"] == name
                and isinstance(state["b"], str) and len(state["b"]) <= 40
                and isinstance(state["o"], int) and 0 < state["o"] <= 1_000_000):
            return state["b"], state["o"]
    except ValueError:
        pass
    raise Malformed([Problem("/" + parameter, "invalid_cursor")])


# ------------------------------------------------------------------ reads (through the owners)

def _counters_and_targets(unit_ids: list, program_id: str, phase_id: str, counters: bool = True):
    """({unit: counts}, {unit: Target}) for `unit_ids` in one phase: the
    counters and the targets read together, in ONE BatchGetItem per 100 keys."""
    from chalicelib.tables import BatchRead

    read = BatchRead()
    found_counts = store.want_counts(read, unit_ids, phase_id) if counters else dict
    found_targets = catalog.want_targets(read, unit_ids, program_id, phase_id)
    read.run()
    return found_counts(), found_targets()


def _units_at(top, level: Level) -> list:
    """The units of `level` at or under `top`, by name: one children Query per
    unit walked above that level (a grassroots union directly under a
    top-level unit is found at its own level, not its depth)."""
    found, frontier = [], [top]
    while frontier:
        unit = frontier.pop()
        if unit.level == level:
            found.append(unit)
        elif unit.level.rank < level.rank:
            frontier += catalog.children(unit.id)
    return sorted(found, key=lambda u: core.name_order(u.name))


# ------------------------------------------------------------------ shaping

def _phase_json(program, phase) -> dict:
    return {"id": phase.id, "program_id": program.id, "name": dict(phase.name)}


def _summary(unit) -> dict:
    return {"id": unit.id, "name": unit.name, "kind": unit.kind, "block": unit.block}


def _named(counts: dict, prefix: str, known) -> dict:
    """The counts `<prefix><name>` by name: every known name (zero when none),
    then any other name found (one the configuration no longer lists)."""
    found = {name: counts.get(prefix + name, 0) for name in known}
    for attribute, n in counts.items():
        if attribute.startswith(prefix) and attribute[len(prefix):] not in found:
            found[attribute[len(prefix):]] = n
    return found


def _progress(unit, counts: dict, target, program, rules: core.Rules) -> dict:
    """One unit's figures: counts, target and how much of it is reached."""
    from chalicelib.workflow import definition

    entered = counts.get(core.ENTERED, 0)
    by_block = _named(counts, core.BLOCK, BLOCKS)
    block_targets = (target.by_block if target else None) or {}
    total = target.total if target else None
    return {
        "unit": _summary(unit),
        "entered": entered,
        "by_state": _named(counts, core.STATE, list(definition.default().states)),
        "by_subject_group": _named(counts, core.GROUP, [g["id"] for g in program.subject_groups]),
        "by_field": _named(counts, core.FIELD, [f["id"] for f in program.fields]),
        "by_block": by_block,
        "benefit_estimated_vnd": counts.get(core.BENEFIT_ESTIMATED, 0),
        "benefit_confirmed_vnd": counts.get(core.BENEFIT_CONFIRMED, 0),
        "authors": counts.get(core.AUTHORS, 0),
        "target": {"total": total, "by_block": block_targets} if target else None,
        "reached": {
            "percent": core.percent(entered, total),
            "by_block": {block: {"entered": n, "target": block_targets.get(block),
                                 "percent": core.percent(n, block_targets.get(block))}
                         for block, n in by_block.items()},
        },
        "clock": _clock(counts, rules),
    }


def _clock(counts: dict, rules: core.Rules) -> dict:
    """How long initiatives wait in the unit's subtree (schemas/unit-stats.json
    `clock`), from the same counters: how many wait (for each level whose
    reviewers have a queue in the definition), how many are overdue, the month
    the oldest entered its queue, and each level's decisions by days waited."""
    by_level = core.waiting_by_level(counts, rules)
    return {"waiting": sum(by_level.values()), "waiting_by_level": by_level,
            "overdue": max(counts.get(core.OVERDUE, 0), 0),
            "oldest_waiting_month": core.oldest_waiting(counts),
            "decisions": {level: core.decisions(counts, level) for level in by_level}}
