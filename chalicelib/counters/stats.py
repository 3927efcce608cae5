"""Progress and rankings: the counters read back, beside the targets.

Every read is keyed by unit, so what a call costs depends on how many units it
is about and never on how many initiatives they hold; nothing here scans or
reads an initiative.

GET /stats/units/{unit_id}?phase=  (`unit_stats`)
  - the unit and the programs: catalog.unit (GetItem) and catalog.programs
    (Query), both cached per container;
  - its direct children: one Query on the reference table's `gsi1`,
    `CHILDREN#<unit>` (another page per 1 MB);
  - the counters and targets of the unit and its children: BatchGetItem over
    both tables at once, 2 keys per unit, 100 keys per call.

GET /stats/rankings?phase=&level=top  (`rankings`), every top-level unit:
  - the top-level units: one Query on `gsi1`, `CHILDREN#<national unit>`;
  - their counters: one Query on the counters' `by_level` index,
    `LEVEL#top_level#<phase>`;
  - their targets: BatchGetItem, 100 keys per call.
GET /stats/rankings?phase=&level=<level>&within=<unit>, the units of a level
below one unit: one `gsi1` Query per unit walked above that level, then
BatchGetItem of their counters and targets, 2 keys per unit.

Lower levels are ranked only `within` a unit below the national one, so that
a call stays about a province's or a sector's units, not the country's tens of
thousands of grassroots unions.
"""
import time

from chalicelib import settings
from chalicelib.counters import core
from chalicelib.dynamo_json import from_item
from chalicelib.errors import ApiError, Problem, forbidden, not_found, unprocessable

# The `level` query parameter and the level it ranks.
RANKED_LEVELS = {"top": 1, "upper_grassroots": 2, "grassroots": 3}
READER_ROLES = ("leader", "reviewer", "admin")
# Attributes of a counter item that are not counts.
NOT_COUNTS = frozenset({"pk", "sk", "level_pk", "level_sk", "unit_id", "phase_id", "expires_at"})
BATCH_KEYS = 100


# ------------------------------------------------------------------ rules

def find_phase(phase_id: str):
    """(program, phase) for a phase id of a known program; 422 otherwise."""
    from chalicelib.reference import catalog

    found = catalog.phase(phase_id)
    if found is None:
        raise unprocessable([Problem("/phase", "unknown_phase")])
    return found


def may_read(principal, unit_path) -> bool:
    """Leaders, reviewers and admins read the figures of their own unit and of
    every unit under it (national ones: every unit)."""
    return principal.has_role(*READER_ROLES) and principal.unit_id in unit_path


# ------------------------------------------------------------------ services

def unit_stats(principal, unit_id: str, phase_id: str, client=None) -> dict:
    """A unit's figures for one phase and those of each of its direct children."""
    from chalicelib.reference import catalog

    program, phase = find_phase(phase_id)
    unit = catalog.unit(unit_id)
    if unit is None:
        raise not_found()
    if not may_read(principal, unit.path):
        raise forbidden()
    db = client or _dynamodb()
    children = sorted(_children(db, unit.id), key=lambda u: core.name_order(u["name"]))
    units = [_summary(unit)] + children
    counters, targets = _counters_and_targets(db, [u["id"] for u in units], program.id, phase.id)
    entries = [_progress(u, counters.get(u["id"], {}), targets.get(u["id"]), program) for u in units]
    return {"phase": _phase_json(program, phase), "unit": entries[0], "children": entries[1:]}


def rankings(principal, params: dict, client=None) -> dict:
    """The units of a level ranked three ways: by initiatives entered, by
    percentage of target reached, by participating authors."""
    from chalicelib.reference import catalog

    program, phase = find_phase(params["phase"])
    level = RANKED_LEVELS[params["level"]]
    within = None
    if params.get("within"):
        within = catalog.unit(params["within"])
        if within is None:
            raise unprocessable([Problem("/within", "unknown_unit")])
        if not may_read(principal, within.path):
            raise forbidden()
    elif level != RANKED_LEVELS["top"]:
        raise unprocessable([Problem("/within", "required")])
    elif not principal.has_role(*READER_ROLES):
        # The top-level ranking is the one published nationwide: any reader sees it.
        raise forbidden()
    caller_unit = catalog.unit(principal.unit_id)
    if caller_unit is None:
        raise forbidden()
    national_id = caller_unit.path[0]
    if within is not None and within.id == national_id and level != RANKED_LEVELS["top"]:
        raise unprocessable([Problem("/within", "within_too_wide")])

    db = client or _dynamodb()
    if within is None or within.id == national_id:
        units = [u for u in _children(db, national_id) if _level_of(u) == level]
        counters = _level_counters(db, level, phase.id)
        _, targets = _counters_and_targets(db, [u["id"] for u in units], program.id, phase.id, counters=False)
    else:
        units = _units_at(db, _summary(within), level)
        counters, targets = _counters_and_targets(db, [u["id"] for u in units], program.id, phase.id)

    rows = []
    for unit in units:
        counts, target = counters.get(unit["id"], {}), targets.get(unit["id"])
        entered, total = counts.get(core.ENTERED, 0), (target or {}).get("total")
        rows.append({"unit": {k: unit[k] for k in ("id", "name", "kind")}, "entered": entered, "target": total,
                     "percent_of_target": core.percent(entered, total), "authors": counts.get(core.AUTHORS, 0)})

    def numbered(order):
        return [{"rank": i, **row} for i, row in enumerate(order, start=1)]

    def name(row):
        return row["unit"]["name"]

    return {
        "phase": _phase_json(program, phase), "level": params["level"],
        "within": _summary(within) if within is not None else None,
        "by_initiatives": numbered(core.ranked(rows, lambda r: r["entered"], name)),
        "by_percent_of_target": numbered(core.ranked(rows, lambda r: core.share(r["entered"], r["target"]), name)),
        "by_authors": numbered(core.ranked(rows, lambda r: r["authors"], name)),
    }


# ------------------------------------------------------------------ shaping

def _phase_json(program, phase) -> dict:
    return {"id": phase.id, "program_id": program.id, "name": dict(phase.name)}


def _summary(unit) -> dict:
    """id, name, kind, block of a Unit or of a unit item read from gsi1."""
    if isinstance(unit, dict):
        return {"id": unit["id"], "name": unit["name"], "kind": unit["kind"], "block": unit.get("block")}
    return {"id": unit.id, "name": unit.name, "kind": unit.kind, "block": unit.block}


def _level_of(unit: dict) -> int | None:
    from chalicelib.reference.model import LEVELS
    return LEVELS.get(unit["kind"])


def _states() -> list:
    from chalicelib.workflow import definition
    return list(definition.default().states)


def _named(counts: dict, prefix: str, known) -> dict:
    """The counts `<prefix><name>` by name: every known name (zero when none),
    then any other name found (one the configuration no longer lists)."""
    found = {name: counts.get(prefix + name, 0) for name in known}
    for attribute, n in counts.items():
        if attribute.startswith(prefix) and attribute[len(prefix):] not in found:
            found[attribute[len(prefix):]] = n
    return found


def _progress(unit: dict, counts: dict, target: dict | None, program) -> dict:
    """One unit's figures: counts, target and how much of it is reached."""
    from chalicelib.reference.model import BLOCKS

    entered = counts.get(core.ENTERED, 0)
    by_block = _named(counts, core.BLOCK, BLOCKS)
    block_targets = (target or {}).get("by_block") or {}
    total = target["total"] if target else None
    return {
        "unit": unit,
        "entered": entered,
        "by_state": _named(counts, core.STATE, _states()),
        "by_subject_group": _named(counts, core.GROUP, [g["id"] for g in program.subject_groups]),
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
    }


# ------------------------------------------------------------------ reads

def _dynamodb():
    from chalicelib.counters import store
    return store.dynamodb()


def counts_of(item: dict) -> dict:
    """The counts of a counter item (its other attributes left out)."""
    return {name: value for name, value in item.items() if name not in NOT_COUNTS}


def _query(db, **kwargs) -> list[dict]:
    """Every item of a Query, following pages."""
    items, start = [], None
    while True:
        page = db.query(**kwargs, **({"ExclusiveStartKey": start} if start else {}))
        items += [from_item(raw) for raw in page.get("Items", [])]
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def _children(db, unit_id: str) -> list[dict]:
    """A unit's direct children, by name (gsi1 sorts them by folded name)."""
    items = _query(db, TableName=settings.table_name("reference"), IndexName="gsi1",
                   KeyConditionExpression="gsi1pk = :parent",
                   ExpressionAttributeValues={":parent": {"S": f"CHILDREN#{unit_id}"}})
    return [_summary(item) for item in items]


def _units_at(db, top: dict, level: int) -> list[dict]:
    """The units of `level` at or under `top`, by name: one children Query per
    unit walked above that level (a grassroots union directly under a
    top-level unit is found at its own level, not its depth)."""
    found, frontier = [], [top]
    while frontier:
        unit = frontier.pop()
        unit_level = _level_of(unit)
        if unit_level == level:
            found.append(unit)
        elif unit_level is not None and unit_level < level:
            frontier += _children(db, unit["id"])
    return sorted(found, key=lambda u: core.name_order(u["name"]))


def _level_counters(db, level: int, phase_id: str) -> dict:
    """Every counter of one level in one phase, by unit: one Query on `by_level`."""
    from chalicelib.counters.store import level_key
    from chalicelib.reference.model import LEVEL_NAMES

    items = _query(db, TableName=settings.table_name("counters"), IndexName="by_level",
                   KeyConditionExpression="level_pk = :level",
                   ExpressionAttributeValues={":level": {"S": level_key(LEVEL_NAMES[level], phase_id)}})
    return {item["level_sk"]: counts_of(item) for item in items}


def _counters_and_targets(db, unit_ids: list, program_id: str, phase_id: str, counters: bool = True):
    """({unit: counts}, {unit: target item}) for `unit_ids` in one phase:
    BatchGetItem over the counters and reference tables together."""
    from chalicelib.counters.store import counter_key

    counter_table, reference_table = settings.table_name("counters"), settings.table_name("reference")
    keys = []
    for unit_id in unit_ids:
        if counters:
            keys.append((counter_table, counter_key(unit_id, phase_id)))
        keys.append((reference_table, {"pk": {"S": f"UNIT#{unit_id}"},
                                       "sk": {"S": f"TARGET#{program_id}#{phase_id}"}}))
    found_counters, found_targets = {}, {}
    for item_table, item in _batch_get(db, keys):
        if item_table == counter_table:
            found_counters[item["unit_id"]] = counts_of(item)
        else:
            found_targets[item["unit_id"]] = item
    return found_counters, found_targets


def _batch_get(db, keys: list) -> list:
    """(table, item) for every key that exists: BATCH_KEYS keys per call,
    unprocessed keys asked again with backoff."""
    found = []
    for start in range(0, len(keys), BATCH_KEYS):
        request: dict = {}
        for table, key in keys[start:start + BATCH_KEYS]:
            request.setdefault(table, {"Keys": []})["Keys"].append(key)
        attempt = 0
        while request:
            answer = db.batch_get_item(RequestItems=request)
            for table, items in answer.get("Responses", {}).items():
                found += [(table, from_item(raw)) for raw in items]
            request = answer.get("UnprocessedKeys") or {}
            if request:
                attempt += 1
                if attempt > 8:
                    raise ApiError(503, [Problem("", "busy")])
                time.sleep(min(0.05 * 2 ** attempt, 1.0))
    return found


def unit_counts(unit_id: str, phase_id: str, client=None) -> dict:
    """One unit's counts in one phase, for its whole subtree, as the stream last
    left them (seconds behind the initiatives table): ONE GetItem of
    `COUNT#<unit>#<phase>` / `TOTAL`, eventually consistent, 0.5 RCU (the item
    stays well under 4 KB). {} when nothing was counted there yet."""
    from chalicelib.counters.store import counter_key

    db = client or _dynamodb()
    answer = db.get_item(TableName=settings.table_name("counters"), Key=counter_key(unit_id, phase_id))
    return counts_of(from_item(answer.get("Item")) or {})
