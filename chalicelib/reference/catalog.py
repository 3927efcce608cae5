"""Reads reference data from DynamoDB: the reference table's only reader
(chalicelib/reference/loader.py is its only writer).

| item | pk | sk |
|---|---|---|
| a unit | `UNIT#<id>` | `UNIT` |
| its target for a phase | `UNIT#<id>` | `TARGET#<program>#<phase>` |
| a program | `PROGRAM` | `<program id>` |
| a search word | `TOKEN#<word>` | `<level>#<folded name>#<id>`, and `#STAT` |
| a user | `USER#<id>` | `USER` |

and the overloaded index `gsi1`: a unit's children (`CHILDREN#<unit>`) and its
users (`USERS#<unit>`).

Programs and units change rarely (a loader run), so a container trusts its copy
for `settings.reference_cache_seconds()`; this keeps a submission to one write
call and no reads once the container is warm. Children, targets and users are
read when asked (see docs/data-model.md for what each costs).
"""
import json
import time
from collections import OrderedDict

from chalicelib import clock, settings
from chalicelib.dynamo_json import plain
from chalicelib.reference import model
from chalicelib.levels import Level
from chalicelib.reference.model import Program, Target, Unit, User
from chalicelib.text import fold

_cache: OrderedDict = OrderedDict()
# Enough for every unit a container meets in practice; past it the least recently
# used entries go, so ids that do not exist (cached as None) cannot grow it forever.
CACHE_ENTRIES = 20_000

# The search reads at most this many candidates from the rarest word's list.
SEARCH_READ_LIMIT = 300


def clear_cache() -> None:
    _cache.clear()


_MISSING = object()


def _fresh(key):
    """What the cache holds for `key` while it is fresh (None included: a unit
    known not to exist), else _MISSING."""
    hit = _cache.get(key)
    if hit and hit[0] > time.monotonic():
        _cache.move_to_end(key)
        return hit[1]
    return _MISSING


def _cached(key, load):
    found = _fresh(key)
    return _remember(key, load()) if found is _MISSING else found


def _remember(key, value):
    _cache[key] = (time.monotonic() + settings.reference_cache_seconds(), value)
    _cache.move_to_end(key)
    while len(_cache) > CACHE_ENTRIES:
        _cache.popitem(last=False)
    return value


def programs() -> list[Program]:
    """All programs: one Query on the `PROGRAM` partition (a handful of items)."""
    def load():
        from chalicelib.tables import ProgramRecord
        return [Program.from_json(json.loads(record.document)) for record in ProgramRecord.query("PROGRAM")]
    return _cached("programs", load)


def current(day=None):
    """The (program, phase) open on `day` (today in Vietnam unless given), or None."""
    return model.current(programs(), day or clock.today())


def program(program_id: str) -> Program | None:
    """The program with this id, or None."""
    return next((p for p in programs() if p.id == program_id), None)


def phase(phase_id: str):
    """(program, phase) for a phase id (unique across programs), or None."""
    for program in programs():
        for candidate in program.phases:
            if candidate.id == phase_id:
                return program, candidate
    return None


def unit(unit_id: str) -> Unit | None:
    """One unit by id: one GetItem when not cached."""
    def load():
        from chalicelib.tables import UnitRecord
        try:
            record = UnitRecord.get(unit_key(unit_id), "UNIT")
        except UnitRecord.DoesNotExist:
            return None
        return _unit(record)
    return _cached(("unit", unit_id), load)


def units(unit_ids) -> dict:
    """{id: Unit} for those of `unit_ids` that exist: the cached ones from the
    container's copy, the rest in one BatchGetItem per 100 (then cached)."""
    from chalicelib.tables import BatchRead, UnitRecord

    found, missing = {}, []
    for unit_id in dict.fromkeys(unit_ids):
        cached = _fresh(("unit", unit_id))
        if cached is _MISSING:
            missing.append(unit_id)
        elif cached is not None:
            found[unit_id] = cached
    if missing:
        read = BatchRead()
        keys = {unit_id: read.want(UnitRecord, unit_key(unit_id), "UNIT") for unit_id in missing}
        read.run()
        for unit_id, key in keys.items():
            record = read.found(key)
            unit = _remember(("unit", unit_id), _unit(record) if record is not None else None)
            if unit is not None:
                found[unit_id] = unit
    return found


def unit_key(unit_id: str) -> str:
    return f"UNIT#{unit_id}"


def _unit(record) -> Unit:
    return Unit(id=record.id, name=record.name, kind=record.kind, parent_id=record.parent_id,
                block=record.block, path=tuple(record.path), ancestor_names=tuple(record.ancestor_names),
                support_phone=record.support_team_phone)


def children(unit_id: str) -> list[Unit]:
    """A unit's direct children, by folded name: one Query of `gsi1`
    `CHILDREN#<unit>` (pages followed), then cached per container like the
    units themselves (the tree changes only when reference data is loaded)."""
    from chalicelib.tables import UnitRecord

    def load():
        return [_remember(("unit", record.id), _unit(record))
                for record in UnitRecord.gsi1.query(f"CHILDREN#{unit_id}")]
    return list(_cached(("children", unit_id), load))


def top_level_units() -> list[Unit]:
    """The top-level units (provincial federations, central sector unions,
    corporations' unions), by folded name: the children of the national unit,
    itself the child of nobody (`CHILDREN#`). Two Queries, then cached."""
    roots = children("")
    return children(roots[0].id) if roots else []


def want_targets(read, unit_ids, program_id: str, phase_id: str):
    """Add the targets of `unit_ids` in one phase to `read` (a tables.BatchRead,
    run by the caller with other owners' keys); returns what gives them after
    the run: {unit id: Target} for the units that registered one.
    Targets are cached per container like units (registered targets change
    only when reference data is loaded): a unit whose target (or its absence)
    is cached adds no key, so a warm ranking reads the counters alone."""
    from chalicelib.tables import TargetRecord

    cached, keys = {}, {}
    for unit_id in dict.fromkeys(unit_ids):
        hit = _fresh(("target", program_id, phase_id, unit_id))
        if hit is _MISSING:
            keys[unit_id] = read.want(TargetRecord, unit_key(unit_id), f"TARGET#{program_id}#{phase_id}")
        else:
            cached[unit_id] = hit

    def target(unit_id, r):
        return None if r is None else Target(unit_id=unit_id, program_id=program_id, phase_id=phase_id,
                                             total=int(r.total),
                                             by_block={k: int(v) for k, v in (plain(r.by_block) or {}).items()})

    def found() -> dict:
        for unit_id, key in keys.items():
            cached[unit_id] = _remember(("target", program_id, phase_id, unit_id), target(unit_id, read.found(key)))
        return {unit_id: t for unit_id, t in cached.items() if t is not None}
    return found


def _user(record) -> User:
    return User(id=record.id, full_name=record.full_name, roles=tuple(record.roles or ()), unit_id=record.unit_id,
                language=record.language or "vi", email=record.email, phone=record.phone)


def users_of(unit_id: str) -> list[User]:
    """Every user of a unit, by id: one Query of `gsi1` `USERS#<unit>` (pages
    followed), then cached per container like the units (users change only
    when reference data is loaded): the listeners that tell a unit's
    reviewers, and the daily digest's walk, ask for the same units again and again."""
    from chalicelib.tables import UserRecord

    def load():
        return tuple(_user(record) for record in UserRecord.gsi1.query(f"USERS#{unit_id}"))
    return list(_cached(("users_of", unit_id), load))


def users(user_ids) -> dict:
    """{id: User} for those of `user_ids` that are users (a member id may also
    be a union member number, not a user): one BatchGetItem per 100 ids."""
    from chalicelib.tables import BatchRead, UserRecord

    ids = sorted({user_id for user_id in user_ids if user_id})
    if not ids:
        return {}
    read = BatchRead()
    keys = {user_id: read.want(UserRecord, f"USER#{user_id}", "USER") for user_id in ids}
    read.run()
    return {user_id: _user(read.found(key)) for user_id, key in keys.items() if read.found(key) is not None}


def search_units(query: str, kind: str | None = None, limit: int = 20) -> list[dict] | None:
    """Units whose name has every word of `query`, ignoring case and diacritics.

    The last word may be unfinished (a prefix). Reads one BatchGetItem of word
    counts and one Query of the rarest whole word's list (at most
    SEARCH_READ_LIMIT items); units whose name holds the words as typed, in
    order, come first, then by level (top-level first) and name. Returns None
    when the query has no whole word of two letters or more to look up.
    """
    from chalicelib.tables import BatchRead, UnitTokenRecord

    words = fold(query).split()
    complete = [w for w in words[:-1] if len(w) >= 2]
    last = words[-1] if words else ""
    candidates = complete + ([last] if len(last) >= 2 else [])
    if not candidates:
        return None
    read = BatchRead()
    stats = {word: read.want(UnitTokenRecord, f"TOKEN#{word}", "#STAT") for word in set(candidates)}
    read.run()
    counts = {word: int(read.found(key).count) for word, key in stats.items() if read.found(key) is not None}
    if any(w not in counts for w in complete):
        return []  # a whole word that no unit name has
    known = [w for w in candidates if w in counts]
    if not known:
        return []
    rarest = min(known, key=lambda w: (counts[w], w))
    condition = UnitTokenRecord.sk >= "0"
    if kind:
        condition = UnitTokenRecord.sk.startswith(f"{Level.of_kind(kind).rank}#")
    phrase = " ".join(words)
    found = []
    for item in UnitTokenRecord.query(f"TOKEN#{rarest}", condition, limit=SEARCH_READ_LIMIT, page_size=100):
        if kind and item.kind != kind:
            continue
        name_words = item.name_folded.split()
        if all(w in name_words for w in complete) and (
                not last or any(n.startswith(last) for n in name_words)):
            # The words typed together, in order, rank first ("rang do" → "… rang dong").
            rank = 0 if f" {item.name_folded}".find(f" {phrase}") >= 0 else 1
            found.append((rank, item.sk, {"id": item.unit_id, "name": item.name, "kind": item.kind,
                                          "ancestors": list(item.ancestor_names or [])}))
    return [unit for _, _, unit in sorted(found, key=lambda f: f[:2])[:limit]]
