"""Reads reference data from DynamoDB, cached per Lambda container.

Programs and units change rarely (a loader run), so a container trusts its copy
for `settings.reference_cache_seconds()`; this keeps a submission to one write
call and no reads once the container is warm.
"""
import json
import time
from collections import OrderedDict

from chalicelib import clock, settings
from chalicelib.reference import model
from chalicelib.reference.model import Program, Unit
from chalicelib.text import fold

_cache: OrderedDict = OrderedDict()
# Enough for every unit a container meets in practice; past it the least recently
# used entries go, so ids that do not exist (cached as None) cannot grow it forever.
CACHE_ENTRIES = 20_000

# The search reads at most this many candidates from the rarest word's list.
SEARCH_READ_LIMIT = 300


def clear_cache() -> None:
    _cache.clear()


def _cached(key, load):
    hit = _cache.get(key)
    now = time.monotonic()
    if hit and hit[0] > now:
        _cache.move_to_end(key)
        return hit[1]
    value = load()
    _cache[key] = (now + settings.reference_cache_seconds(), value)
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
            record = UnitRecord.get(f"UNIT#{unit_id}", "UNIT")
        except UnitRecord.DoesNotExist:
            return None
        return _unit(record)
    return _cached(("unit", unit_id), load)


def _unit(record) -> Unit:
    return Unit(id=record.id, name=record.name, kind=record.kind, parent_id=record.parent_id,
                block=record.block, path=tuple(record.path), ancestor_names=tuple(record.ancestor_names))


def search_units(query: str, kind: str | None = None, limit: int = 20) -> list[dict] | None:
    """Units whose name has every word of `query`, ignoring case and diacritics.

    The last word may be unfinished (a prefix). Reads one BatchGetItem of word
    counts and one Query of the rarest whole word's list (at most
    SEARCH_READ_LIMIT items); units whose name holds the words as typed, in
    order, come first, then by level (top-level first) and name. Returns None
    when the query has no whole word of two letters or more to look up.
    """
    from chalicelib.tables import UnitTokenRecord

    words = fold(query).split()
    complete = [w for w in words[:-1] if len(w) >= 2]
    last = words[-1] if words else ""
    candidates = complete + ([last] if len(last) >= 2 else [])
    if not candidates:
        return None
    counts = {}
    for stat in UnitTokenRecord.batch_get([(f"TOKEN#{w}", "#STAT") for w in set(candidates)]):
        counts[stat.pk.removeprefix("TOKEN#")] = int(stat.count)
    if any(w not in counts for w in complete):
        return []  # a whole word that no unit name has
    known = [w for w in candidates if w in counts]
    if not known:
        return []
    rarest = min(known, key=lambda w: (counts[w], w))
    condition = UnitTokenRecord.sk >= "0"
    if kind:
        from chalicelib.reference.model import LEVELS
        condition = UnitTokenRecord.sk.startswith(f"{LEVELS[kind]}#")
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
