"""The counters table: the only code that builds its keys and reads or writes
its items. Changes of initiatives are counted here exactly once; the reads
others need (a unit's counts, a level's counts, counts to read together with
targets) are functions here too.

| item | pk | sk |
|---|---|---|
| a unit's counters in a phase (one shard of them) | `COUNT#<unit>#<phase>` (shard 0), `COUNT#<unit>#<phase>#<k>` | `TOTAL` |
| a change counted | `APPLIED#<submission>` | `v<version>` (`v<version>-removed`) |
| a person counted as an author, with the units that count them | `PERSON#<phase>#<author key>` | `UNITS` |
| a unit's per-day counts in one month of a phase (trends; sharded like its counters) | `DAY#<unit>#<phase>#<yymm>` (shard 0), `DAY#<unit>#<phase>#<yymm>#<k>` | `TOTAL` |

and the index `by_level` (`LEVEL#<level>#<phase>` / `<unit>`, top-level units' counters only)
for the nationwide ranking.

Shards: every change counts in the national unit, and in a campaign a
province's or a sector's top-level unit takes a large share of them too. One
item takes at most 1,000 WCU a second, and transactions on one item conflict,
so the counters of those levels are spread over SHARDS items (8 national, 4
per top-level unit; 1 below), each a partition of its own. A write goes to
one shard (chosen by the changes it carries); a read sums the shards (they are
read together, so a unit's counts stay one call, and what they cost depends
on the number of units read, never on the number of initiatives).

The stream delivers every change at least once: a failed batch is retried, a
record reported failed is delivered again with the ones after it, and a slow
invocation can be retried while it is still running. So every write here is
guarded by a marker the same change would write again, in ONE transaction per
group of changes (as many as fit in 100 actions):

- each change's marker, put only if absent (expiring after MARKER_TTL);
- each person the changes bring (core.new_authors), once per phase: their
  `PERSON` marker gains the units that had not counted them yet, only if its
  `version` is the one just read (a concurrent batch counting the same person
  cancels one of the two, which reads again);
- for every counter the changes move, ONE ADD of the summed moves (flat
  number attributes, `authors` included) with SET of the unit, the phase and
  the `by_level` keys. A counter moved by forty changes of a batch is written
  once, not forty times.

A change counted before (a redelivery) cancels the transaction by its marker;
it is left out and the rest are written again, so each change is counted
exactly once whatever the batch boundaries, retries or replays; a person
already counted in a unit is never counted there again, whichever change
brings them. Every write of an initiative bumps its version, so
`v<version>` names one change. Anything else that fails raises, so the stream
handler reports the records and they are retried.
"""
import random
import time
import zlib
from dataclasses import dataclass
from datetime import timedelta

from chalicelib import clock
from chalicelib.counters import core

# Stream records live 24 hours, so a redelivery comes well within this.
MARKER_TTL = timedelta(days=8)
# One action per marker or counter; DynamoDB's limit per transaction.
MAX_ACTIONS = 100
MAX_ATTEMPTS = 6
TOTAL = "TOTAL"
UNITS = "UNITS"
# How many items a unit's counters are spread over, by the unit's level (others: 1).
SHARDS = {"national": 8, "top_level": 4}
# The levels ranked through the `by_level` index (the nationwide ranking of top-level units); the
# units of other levels are ranked within a unit by key, so their counters stay out of the index
# and a new initiative does not write an index entry for each of them.
INDEXED_LEVELS = ("top_level",)


def counter_key(unit_id: str, phase_id: str, shard: int = 0) -> str:
    """The partition key of one shard of a unit's counters (shard 0 has no suffix)."""
    base = f"COUNT#{unit_id}#{phase_id}"
    return f"{base}#{shard}" if shard else base


def shards_of(unit_id: str) -> int:
    """How many items the unit's counters are spread over."""
    return SHARDS.get(level_of(unit_id), 1)


def counter_keys(unit_id: str, phase_id: str) -> list[str]:
    """Every shard of a unit's counters in a phase."""
    return [counter_key(unit_id, phase_id, shard) for shard in range(shards_of(unit_id))]


def day_key(unit_id: str, phase_id: str, month: str, shard: int = 0) -> str:
    """The partition key of one shard of a unit's per-day counts in one month ("2604")."""
    base = f"DAY#{unit_id}#{phase_id}#{month}"
    return f"{base}#{shard}" if shard else base


def level_key(level: str, phase_id: str) -> str:
    """The `by_level` partition of one level's counters in one phase (rankings)."""
    return f"LEVEL#{level}#{phase_id}"


def person_key(phase_id: str, author_key: str) -> str:
    return f"PERSON#{phase_id}#{author_key}"


def marker_absent():
    """Closes: one change counted twice. A second delivery of a change (a retry,
    or a retry racing the first attempt still in flight) finds the marker the
    first one put, so its ADDs never run twice; while the first is in flight
    the second is cancelled as a TransactionConflict, retried, and then finds it."""
    from chalicelib.tables import CountedMarker
    return CountedMarker.pk.does_not_exist()


def person_unchanged(version: int | None):
    """Closes: one person counted twice in a unit. The units a person counts in
    were read at `version` (None: never counted); two batches bringing the same
    person at once both read it, and only the first to write keeps that version."""
    from chalicelib.tables import PersonMarker
    return PersonMarker.pk.does_not_exist() if version is None else PersonMarker.version == version


# ------------------------------------------------------------ counting

def level_of(unit_id: str) -> str | None:
    """national, top_level, upper_grassroots or grassroots, by the unit's kind
    (not by its depth: a grassroots union may hang directly under a top-level
    unit); None for a unit no longer in the tree (one cached GetItem)."""
    from chalicelib.reference import catalog

    unit = catalog.unit(unit_id)
    return unit.level.value if unit is not None else None


def applied_marker(old: dict | None, new: dict | None) -> tuple[str, str]:
    """The marker that says this change was counted."""
    if new:
        return f"APPLIED#{new['id']}", f"v{int(new['version'])}"
    return f"APPLIED#{old['id']}", f"v{int(old['version'])}-removed"


@dataclass(frozen=True)
class Change:
    """One change to count: its id in the batch, its marker, how it moves each
    counter, and the people it may bring ({(phase, author key): units})."""
    id: str
    marker: tuple
    moves: dict
    people: dict
    place: tuple  # (phase, unit path): changes are grouped in this order


def apply_change(old: dict | None, new: dict | None) -> None:
    """Count one change of an initiative: the old and new images of its `META`
    item as plain dicts (None for an insert or a removal). Counts it once
    however often it is delivered; raises when it could not, so it is retried."""
    failed = apply_changes([("change", old, new)])
    if failed:
        raise failed["change"]


def apply_changes(changes: list) -> dict:
    """Count a whole stream batch of changes (`(id, old, new)` each): the
    moves of as many changes as fit in one transaction are summed per counter
    before they are written, with every change's marker and every person they
    bring in the same transaction. Returns {id: error} for the changes that
    could not be counted (to be redelivered); the others are counted exactly once."""
    failed: dict = {}
    pending, seen = [], set()
    rules = core.rules()
    for change_id, old, new in changes:
        marker = applied_marker(old, new)
        # Its delta and the decision it records (core.moves), under the change's one marker.
        moves, people = core.moves(old, new, rules), _people(core.new_authors(old, new))
        if (moves or people) and marker not in seen:  # the same change twice in a batch is one change
            seen.add(marker)
            item = new or old
            pending.append(Change(change_id, marker, moves, people, (item["phase_id"], tuple(item["unit_path"]))))
    # Changes of the same province, upper union and union side by side: a group (one transaction)
    # then writes each of their counters once for many changes, not once per change.
    pending.sort(key=lambda change: change.place)
    for group in _groups(pending):
        try:
            _count_group(group)
        except Exception as error:  # noqa: BLE001 - these changes are reported and redelivered
            failed.update({change.id: error for change in group})
    return failed


def _people(brought: dict) -> dict:
    """{(unit, phase): author keys} turned around: {(phase, author key): units}."""
    people: dict = {}
    for (unit_id, phase_id), keys in brought.items():
        for key in keys:
            people.setdefault((phase_id, key), set()).add(unit_id)
    return people


def _groups(pending: list) -> list:
    """`pending` changes cut into groups whose markers, people and counters fit
    in one transaction (every person counted as if new: the most it can take)."""
    groups, group, scopes, people = [], [], set(), set()
    for change in pending:
        wanted, brought = scopes | _items_of(change.moves) | _scopes_of(change.people), people | set(change.people)
        if group and len(group) + 1 + len(wanted) + len(brought) > MAX_ACTIONS:
            groups.append(group)
            group, wanted, brought = [], _items_of(change.moves) | _scopes_of(change.people), set(change.people)
        group.append(change)
        scopes, people = wanted, brought
    return groups + ([group] if group else [])


def _items_of(moves: dict) -> set:
    """The counter items `moves` write: each scope's counter, and its month
    item for each month with a per-day count."""
    found = set()
    for scope, counts in moves.items():
        found.add(scope)
        found.update((*scope, _month(name)) for name in counts if core.is_daily(name))
    return found


def _month(daily_name: str) -> str:
    """The month ("2604") of a per-day counter's name ("e@260413")."""
    return daily_name[2:6]


def _scopes_of(people: dict) -> set:
    return {(unit_id, phase_id) for (phase_id, _), units in people.items() for unit_id in units}


def _count_group(group: list) -> None:
    """One transaction: every change's marker (only if absent), the people they
    bring (only if unchanged since read) and the sum of their moves per
    counter. Changes already counted are left out and the rest tried again;
    people counted meanwhile by another batch are read again."""
    from chalicelib.tables import CountedMarker, PersonMarker, Transaction

    raced = 0
    while group:
        wanted: dict = {}
        for change in group:
            for person, units in change.people.items():
                wanted.setdefault(person, set()).update(units)
        counted = _read_people(wanted)
        transaction = Transaction()
        summed: dict = {}
        for change in group:
            transaction.put(_marker_action(change.marker),
                            CountedMarker(*change.marker, expires_at=clock.now() + MARKER_TTL),
                            condition=marker_absent())
            _sum(summed, change.moves)
        for (phase_id, key), units in sorted(wanted.items()):
            version, known = counted.get((phase_id, key), (None, set()))
            fresh = units - known
            if not fresh:
                continue
            transaction.update(_person_action(phase_id, key), PersonMarker(person_key(phase_id, key), UNITS),
                               [PersonMarker.units.add(fresh), PersonMarker.version.set((version or 0) + 1)],
                               condition=person_unchanged(version))
            _sum(summed, {(unit_id, phase_id): {core.AUTHORS: 1} for unit_id in fresh})
        shard = zlib.crc32("|".join(change.marker[0] + change.marker[1] for change in group).encode())
        for scope, counts in sorted(summed.items()):
            counts = {name: n for name, n in counts.items() if n}
            if counts:
                _add(transaction, scope, counts, shard)
        cancelled = _commit(transaction)
        if cancelled is None:
            return
        known = [change for change in group if cancelled.failed(_marker_action(change.marker))]
        crossed = any(cancelled.failed(_person_action(*person)) for person in wanted)
        if not known and not crossed:
            raise RuntimeError(f"counting a batch was cancelled: {cancelled}")
        if crossed:
            raced += 1
            if raced >= MAX_ATTEMPTS:
                raise RuntimeError("people kept being counted by another batch meanwhile")
        group = [change for change in group if change not in known]


def _sum(summed: dict, moves: dict) -> None:
    for scope, counts in moves.items():
        total = summed.setdefault(scope, {})
        for name, n in counts.items():
            total[name] = total.get(name, 0) + n


def _read_people(wanted: dict) -> dict:
    """{(phase, author key): (version, units)} for the people of `wanted`
    counted before (strongly consistent, read together: 1 RCU each)."""
    from chalicelib.tables import BatchRead, PersonMarker

    if not wanted:
        return {}
    read = BatchRead(consistent=True)
    keys = {person: read.want(PersonMarker, person_key(*person), UNITS) for person in wanted}
    read.run()
    found = {}
    for person, key in keys.items():
        marker = read.found(key)
        if marker is not None:
            found[person] = (int(marker.version or 0), set(marker.units or ()))
    return found


def _marker_action(marker: tuple[str, str]) -> str:
    return f"marker {marker[0]} {marker[1]}"


def _person_action(phase_id: str, key: str) -> str:
    return f"person {phase_id} {key}"


def count_once(marker: tuple[str, str], moves: dict, shard: int = 0) -> bool:
    """ADD `moves` ({(unit, phase): {count: n}}) to the counters (to `shard`
    of each), together with `marker`; False when the marker was there already
    (counted before). For seeding counters as counting would leave them."""
    from chalicelib.tables import CountedMarker, Transaction

    transaction = Transaction()
    transaction.put("marker", CountedMarker(*marker, expires_at=clock.now() + MARKER_TTL), condition=marker_absent())
    for scope, counts in sorted(moves.items()):
        _add(transaction, scope, counts, shard)
    cancelled = _commit(transaction)
    if cancelled is None:
        return True
    if cancelled.failed("marker"):
        return False
    raise RuntimeError(f"counting {marker} was cancelled: {cancelled}")


def put_counts(marker: tuple[str, str], moves: dict) -> bool:
    """Write counters as counting `moves` ({(unit, phase): {count: n}}, per-day
    counts included) would leave them, into units and phases that count
    nothing yet: each unit's counter and month items PUT whole (shard 0),
    only if absent, with `marker`, in ONE transaction (at most 99 items).
    For seeding a past program (scripts/history_2022.py): an UpdateItem of a
    hundred ADDs costs the emulator far more than a Put, and DynamoDB the
    same. False when the marker was there already."""
    from chalicelib.reference import catalog
    from chalicelib.tables import Cancelled, CountedMarker, CounterRecord, Transaction

    catalog.units(unit_id for unit_id, _ in moves)  # their levels, in one BatchGetItem (then cached)
    transaction = Transaction()
    transaction.put("marker", CountedMarker(*marker, expires_at=clock.now() + MARKER_TTL), condition=marker_absent())
    for scope, counts in sorted(moves.items()):
        for move in _item_moves(scope, counts, 0):  # the items counting would write, as `_add` finds them
            transaction.put_whole(move.action, CounterRecord(move.pk, TOTAL, **move.sets),
                                  condition=CounterRecord.pk.does_not_exist(),
                                  extra={name: {"N": str(int(n))} for name, n in move.adds.items()})
    try:
        transaction.commit()
        return True
    except Cancelled as cancelled:
        if cancelled.failed("marker"):
            return False
        raise


def _add(transaction, scope: tuple, counts: dict, shard: int) -> None:
    """ADD each count to one shard of a unit's counters (`shard` modulo the
    unit's shards); SET what the counter belongs to. The `by_level` keys (for
    INDEXED_LEVELS only) are SET on every change, so a unit whose kind changed
    in the tree ranks at its new level from its next change on."""
    from pynamodb.expressions.operand import Path

    from chalicelib.tables import CounterRecord

    for move in _item_moves(scope, counts, shard):
        # The counts are flat attributes named by what they count ("state:pending"): a Path,
        # in a list, so that no character of a name is read as a path separator.
        actions = [Path([name]).add(int(n)) for name, n in sorted(move.adds.items())]
        actions += [getattr(CounterRecord, name).set(value) for name, value in move.sets.items()]
        actions += [getattr(CounterRecord, name).remove() for name in move.removes]
        transaction.update(move.action, CounterRecord(move.pk, TOTAL), actions)


@dataclass(frozen=True)
class ItemMove:
    """What adding counts to one counter item writes: the name of its
    action, the item's key, the counts to ADD, the attributes to SET and
    those to REMOVE."""
    action: str
    pk: str
    adds: dict
    sets: dict
    removes: tuple = ()


def _item_moves(scope: tuple, counts: dict, shard: int) -> list:
    """The items `_add` moves for `counts` of one unit (`scope`): its counter
    item (one shard of it) and, for the per-day counts, one month item each."""
    unit_id, phase_id = scope
    level = level_of(unit_id)
    shard = shard % SHARDS.get(level, 1)
    days: dict = {}
    for name, n in counts.items():
        if core.is_daily(name):  # "e@260413" → the month item "2604", attribute "e13"
            days.setdefault(_month(name), {})[name[0] + name[6:8]] = n
    plain = {name: n for name, n in counts.items() if not core.is_daily(name)}
    found = []
    if plain:
        sets, removes = {"unit_id": unit_id, "phase_id": phase_id}, ()
        if level in INDEXED_LEVELS:
            sets |= {"level_pk": level_key(level, phase_id), "level_sk": unit_id}
        elif level:
            removes = ("level_pk", "level_sk")
        found.append(ItemMove(f"counter {unit_id} {phase_id}", counter_key(unit_id, phase_id, shard), plain, sets,
                              removes))
    for month, names in sorted(days.items()):
        # A month item stays out of `by_level` (no level keys): it is read by key only.
        found.append(ItemMove(f"days {unit_id} {phase_id} {month}", day_key(unit_id, phase_id, month, shard), names,
                              {}))
    return found


# ------------------------------------------------------------ counting an import

def import_not_taken(name: str):
    """Closes: an import counted twice in one item (run again after it
    stopped part way, or twice at once): an item takes an import's sums
    only if its `imported` set does not name it yet."""
    from chalicelib.tables import CounterRecord
    return CounterRecord.imported.does_not_exist() | ~CounterRecord.imported.contains(name)


def count_import(changes: list, name: str) -> int:
    """Count the changes of initiatives imported whole (`(id, old, new)`
    each, every step of every history, as `apply_changes` takes them; the
    demo's bulk), with the stream's arithmetic (core.moves, core.new_authors)
    and its items, but summed over the whole import: each counter item (and
    each month item of the per-day counts) is written once, put whole when
    it is not there yet, moved by ADD when it is, and each person counted in
    a unit once, as the stream counts them. Exactly once per import `name`:
    an item takes its sums only if it has not taken that import yet
    (`import_not_taken`), and a person only the units not counting them yet.
    The changes' own markers are not written: their stream records must not
    be counted (the import's caller skips them). Returns the items written.

    What it writes costs a few thousand items for a year of a whole tree
    (units × months), where counting change by change costs tens of
    thousands (a marker each) and an ADD per unit every hundred changes."""
    from pynamodb.expressions.operand import Path

    from chalicelib.tables import BatchRead, CounterRecord, PersonMarker, Transaction

    rules = core.rules()
    summed: dict = {}
    people: dict = {}
    for _, old, new in changes:
        _sum(summed, core.moves(old, new, rules))
        for person, units in _people(core.new_authors(old, new)).items():
            people.setdefault(person, set()).update(units)
    counted = _read_people(people)
    persons = []
    for (phase_id, key), units in sorted(people.items()):
        version, known = counted.get((phase_id, key), (None, set()))
        fresh = units - known
        if fresh:
            persons.append((phase_id, key, version, fresh))
            _sum(summed, {(unit_id, phase_id): {core.AUTHORS: 1} for unit_id in fresh})
    moves = [move for scope, counts in sorted(summed.items())
             for move in _item_moves(scope, {k: n for k, n in counts.items() if n}, 0)]
    written = 0
    for start in range(0, len(moves), MAX_ACTIONS):
        group = moves[start:start + MAX_ACTIONS]
        known: dict = {}  # pk → the item a put found there (read then), or None
        for _ in range(MAX_ATTEMPTS):
            transaction = Transaction()
            for move in group:
                if known.get(move.pk) is None:  # not there (as far as we know): put it whole
                    transaction.put_whole(move.action, CounterRecord(move.pk, TOTAL, imported={name}, **move.sets),
                                          condition=CounterRecord.pk.does_not_exist(),
                                          extra={count: {"N": str(int(n))} for count, n in move.adds.items()})
                else:
                    transaction.update(move.action, CounterRecord(move.pk, TOTAL), [
                        *(Path([count]).add(int(n)) for count, n in sorted(move.adds.items())),
                        *(getattr(CounterRecord, k).set(v) for k, v in move.sets.items()),
                        *(getattr(CounterRecord, k).remove() for k in move.removes),
                        CounterRecord.imported.add({name})], condition=import_not_taken(name))
            cancelled = _commit(transaction)
            if cancelled is None:
                written += len(group)
                break
            # Some were there (counted by the stream, or by a run of this import that stopped part way):
            # read them, leave out what took this import already, and move the rest with ADD.
            failed = [move for move in group if cancelled.failed(move.action)]
            read = BatchRead(consistent=True)
            wanted = {move.pk: read.want(CounterRecord, move.pk, TOTAL) for move in failed}
            read.run()
            known.update({pk: read.found(key) for pk, key in wanted.items()})
            group = [move for move in group if name not in (getattr(known.get(move.pk), "imported", None) or ())]
            if not group:
                break
        else:
            raise RuntimeError(f"counting import {name} kept being cancelled")
    for start in range(0, len(persons), MAX_ACTIONS):
        transaction = Transaction()
        for phase_id, key, version, fresh in persons[start:start + MAX_ACTIONS]:
            if version is None:
                transaction.put(_person_action(phase_id, key), PersonMarker(person_key(phase_id, key), UNITS,
                                                                            units=set(fresh), version=1),
                                condition=person_unchanged(None))
            else:
                transaction.update(_person_action(phase_id, key), PersonMarker(person_key(phase_id, key), UNITS),
                                   [PersonMarker.units.add(fresh), PersonMarker.version.set(version + 1)],
                                   condition=person_unchanged(version))
        cancelled = _commit(transaction)
        if cancelled is not None:
            raise RuntimeError(f"people of import {name} were counted by someone else meanwhile: {cancelled}")
        written += len(transaction.actions)
    return written


def _commit(transaction):
    """Commit; None when it committed, the Cancelled when a condition failed.
    A conflict with another transaction in flight on the same item is retried
    here with jittered backoff; anything else raises."""
    from chalicelib.tables import Cancelled

    for attempt in range(MAX_ATTEMPTS):
        try:
            transaction.commit()
            return None
        except Cancelled as cancelled:
            if any(code == "ConditionalCheckFailed" for code in cancelled.reasons.values()):
                return cancelled
            if not cancelled.conflict or attempt == MAX_ATTEMPTS - 1:
                raise
        time.sleep(random.uniform(0, 0.05 * 2 ** attempt))
    raise AssertionError("unreachable")


# ------------------------------------------------------------ reading

def _summed(records) -> dict:
    """The counts of several shards of one unit added up."""
    total: dict = {}
    for record in records:
        for name, n in record.counts.items():
            total[name] = total.get(name, 0) + n
    return total


def counts_by_scope(raw_items, decisions: bool = False) -> dict:
    """Every unit's counts, {(unit, phase): counts}, from the counters table's
    raw items as a Scan hands them over (the tests and bench/burst.py compare
    them with a recount; the app itself never scans): each unit's shards added
    up, markers and snapshots skipped, zero counts left out, and the
    decisions' counters too unless `decisions` (no recount sees them:
    core.decided)."""
    from chalicelib.tables import CounterRecord

    shards: dict = {}
    for raw in raw_items:
        if raw["pk"]["S"].startswith("COUNT#"):
            record = CounterRecord.from_raw_data(raw)
            shards.setdefault((record.unit_id, record.phase_id), []).append(record)
    found = {}
    for scope, records in shards.items():
        counts = {name: n for name, n in _summed(records).items() if n and (decisions or not core.is_decision(name))}
        if counts:
            found[scope] = counts
    return found


def unit_counts(unit_id: str, phase_id: str) -> dict:
    """One unit's counts in one phase, for its whole subtree, as the stream last
    left them (seconds behind the initiatives table): its counter's shards,
    eventually consistent, 0.5 RCU each (ONE GetItem below the top level, one
    BatchGetItem of 4 or 8 keys above). {} when nothing was counted there yet."""
    from chalicelib.tables import BatchRead, CounterRecord

    keys = counter_keys(unit_id, phase_id)
    if len(keys) == 1:
        try:
            return CounterRecord.get(keys[0], TOTAL).counts
        except CounterRecord.DoesNotExist:
            return {}
    read = BatchRead()
    found = want_counts(read, [unit_id], phase_id)
    read.run()
    return found().get(unit_id, {})


def want_counts(read, unit_ids, phase_id: str):
    """Add the counters of `unit_ids` in one phase (every shard) to `read` (a
    tables.BatchRead, run by the caller with other owners' keys); returns what
    gives them after the run: {unit id: counts} for the units with anything counted."""
    from chalicelib.reference import catalog
    from chalicelib.tables import CounterRecord

    unit_ids = list(unit_ids)
    catalog.units(unit_ids)  # their levels (how many shards each has), in one BatchGetItem per 100, then cached
    keys = {unit_id: [read.want(CounterRecord, key, TOTAL) for key in counter_keys(unit_id, phase_id)]
            for unit_id in unit_ids}

    def found() -> dict:
        counted = {}
        for unit_id, shards in keys.items():
            records = [read.found(key) for key in shards if read.found(key) is not None]
            if records:
                counted[unit_id] = _summed(records)
        return counted
    return found


def months_between(first_day, last_day) -> list[str]:
    """The months ("2604") from the date `first_day` to the date `last_day`, both included."""
    found, year, month = [], first_day.year, first_day.month
    while (year, month) <= (last_day.year, last_day.month):
        found.append(f"{year % 100:02d}{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def want_daily(read, unit_ids, phase_id: str, first_day, last_day):
    """Add the month items of `unit_ids`' per-day counts from `first_day` to
    `last_day` (dates; every shard) to `read` (a tables.BatchRead); returns
    what gives them after the run: {unit id: {date: {"entered": n,
    "recognized": n}}}, days with nothing counted left out."""
    from datetime import date

    from chalicelib.tables import CounterRecord

    months = months_between(first_day, last_day)
    keys = {unit_id: [read.want(CounterRecord, day_key(unit_id, phase_id, month, shard), TOTAL)
                      for month in months for shard in range(shards_of(unit_id))]
            for unit_id in unit_ids}
    names = {core.DAY_ENTERED[0]: "entered", core.DAY_RECOGNIZED[0]: "recognized"}

    def found() -> dict:
        by_unit = {}
        for unit_id, wanted in keys.items():
            days: dict = {}
            for key in wanted:
                record = read.found(key)
                if record is None:
                    continue
                month = record.pk.split("#")[3]
                for name, n in record.counts.items():
                    if name[0] not in names or not name[1:].isdigit() or not n:
                        continue
                    day = date(2000 + int(month[:2]), int(month[2:]), int(name[1:]))
                    if first_day <= day <= last_day:
                        entry = days.setdefault(day.isoformat(), {"entered": 0, "recognized": 0})
                        entry[names[name[0]]] += n
            by_unit[unit_id] = days
        return by_unit
    return found


def daily_counts(unit_id: str, phase_id: str, first_day, last_day) -> dict:
    """One unit's per-day counts from `first_day` to `last_day` (dates), for
    its subtree: {"2026-04-13": {"entered": n, "recognized": n}}, days with
    nothing counted left out. ONE BatchGetItem per 100 month items (one per
    month and shard: a year of a grassroots union is 12 keys, of the
    national unit 96), eventually consistent: what it costs grows with the
    days shown, never with the initiatives."""
    from chalicelib.tables import BatchRead

    read = BatchRead()
    found = want_daily(read, [unit_id], phase_id, first_day, last_day)
    read.run()
    return found()[unit_id]


def level_counts(level: str, phase_id: str) -> dict:
    """Every counter of one level in one phase, by unit (shards added up): one
    Query on `by_level` (pages followed)."""
    from chalicelib.tables import CounterRecord

    by_unit: dict = {}
    for record in CounterRecord.by_level.query(level_key(level, phase_id)):
        by_unit.setdefault(record.level_sk, []).append(record)
    return {unit_id: _summed(records) for unit_id, records in by_unit.items()}


# ------------------------------------------------------------ rankings of many units, a page at a time
#
# A province's thousands of grassroots unions cannot be ranked by a key the
# counting writes keep (they ADD inside transactions and never know the value
# they leave), and ranking them on every read would cost the province's size
# each page. So a ranking is a snapshot: built from the counters (by the
# caller, counters.stats) at most every RANKING_FRESH, stored sorted in
# chunks, and read a chunk at a time. A page costs the HEAD and one or two
# chunks (GetItem, ~0.5–1 RCU each) whatever the province's size; a rebuild
# costs what reading the province's counters and targets costs (0.5 RCU a
# unit each) and a few writes, once per RANKING_FRESH at most.

RANKING_CHUNK = 200  # rows per chunk item (~30 KB of JSON, a few KB compressed)
RANKING_FRESH = timedelta(minutes=10)
RANKING_KEEP = timedelta(hours=2)  # a snapshot's chunks outlive the next one, so a reader's cursor still works
HEAD = "HEAD"


def ranking_key(level: str, within_id: str, phase_id: str) -> str:
    return f"RANKING#{level}#{within_id}#{phase_id}"


def ranking_head(level: str, within_id: str, phase_id: str) -> tuple[str, dict] | None:
    """(built_at, {ordering: rows}) of the ranking's latest snapshot, or None:
    one GetItem (eventually consistent)."""
    import json

    from chalicelib.tables import RankingSnapshot

    try:
        head = RankingSnapshot.get(ranking_key(level, within_id, phase_id), HEAD)
    except RankingSnapshot.DoesNotExist:
        return None
    return head.built_at, json.loads(head.sizes)


def ranking_is_fresh(built_at: str) -> bool:
    from datetime import datetime
    return clock.now() - datetime.fromisoformat(built_at) < RANKING_FRESH


def save_ranking(level: str, within_id: str, phase_id: str, orderings: dict) -> str:
    """Store a snapshot ({ordering: rows, best first}, each row a JSON-ready
    dict) in chunks, then make it the latest (only if no newer one was stored
    meanwhile: two rebuilds at once both store whole snapshots, and the newer
    is kept). Returns its `built_at`."""
    import json

    from pynamodb.exceptions import PutError

    from chalicelib.tables import RankingSnapshot

    built_at = clock.timestamp()
    pk, expires = ranking_key(level, within_id, phase_id), clock.now() + RANKING_KEEP
    with RankingSnapshot.batch_write() as batch:
        for name, rows in orderings.items():
            for chunk in range(0, max(len(rows), 1), RANKING_CHUNK):
                data = json.dumps(rows[chunk:chunk + RANKING_CHUNK], ensure_ascii=False, separators=(",", ":"))
                batch.save(RankingSnapshot(pk, _chunk_key(built_at, name, chunk // RANKING_CHUNK),
                                           rows_z=zlib.compress(data.encode(), 9), expires_at=expires))
    head = RankingSnapshot(pk, HEAD, built_at=built_at,
                           sizes=json.dumps({name: len(rows) for name, rows in orderings.items()}))
    try:
        head.save(condition=RankingSnapshot.built_at.does_not_exist() | (RankingSnapshot.built_at < built_at))
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
    return built_at


def _chunk_key(built_at: str, name: str, chunk: int) -> str:
    return f"{built_at}#{name}#{chunk:05d}"


def ranking_rows(level: str, within_id: str, phase_id: str, built_at: str, name: str, offset: int,
                 limit: int) -> list | None:
    """Rows offset … offset + limit − 1 of one ordering of the snapshot
    `built_at`: the one or two chunks holding them, read together. None when
    that snapshot is gone (expired)."""
    import json

    from chalicelib.tables import BatchRead, RankingSnapshot

    pk = ranking_key(level, within_id, phase_id)
    first, last = offset // RANKING_CHUNK, (offset + max(limit, 1) - 1) // RANKING_CHUNK
    read = BatchRead()
    keys = [read.want(RankingSnapshot, pk, _chunk_key(built_at, name, n)) for n in range(first, last + 1)]
    read.run()
    chunks = [read.found(key) for key in keys]
    if chunks[0] is None:
        return None
    rows = [row for chunk in chunks if chunk is not None for row in json.loads(zlib.decompress(chunk.rows_z))]
    return rows[offset - first * RANKING_CHUNK:][:limit]


# ------------------------------------------------------------------ the clusters' leaders, kept ready
# counters.stats.honours answers from one item per phase (`HONOURS#<phase>` /
# `HEAD`: `built_at`, `rows_z` the answer as zlib-compressed JSON), rebuilt by
# the `snapshot_honours` schedule every few minutes (and by a reader who finds
# none, or one too old), so a national dashboard costs one GetItem, not the
# ~5,300 per-day keys of every cluster member.

def honours_key(phase_id: str) -> str:
    return f"HONOURS#{phase_id}"


def honours_snapshot(phase_id: str) -> tuple[str, dict] | None:
    """(built_at, answer) of a phase's latest snapshot, or None: one GetItem
    (eventually consistent)."""
    import json

    from chalicelib.tables import RankingSnapshot

    try:
        item = RankingSnapshot.get(honours_key(phase_id), HEAD)
    except RankingSnapshot.DoesNotExist:
        return None
    return item.built_at, json.loads(zlib.decompress(item.rows_z))


def save_honours(phase_id: str, answer: dict, replace: bool = False) -> str:
    """Store a phase's answer as its snapshot unless a newer one was stored
    meanwhile (two rebuilds at once: the newer is kept); with `replace`,
    whatever is there (a rebuild after an import of days past). Returns `built_at`."""
    import json

    from pynamodb.exceptions import PutError

    from chalicelib.tables import RankingSnapshot

    built_at = clock.timestamp()
    data = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()
    item = RankingSnapshot(honours_key(phase_id), HEAD, built_at=built_at, rows_z=zlib.compress(data, 9))
    newer = RankingSnapshot.built_at.does_not_exist() | (RankingSnapshot.built_at < built_at)
    try:
        item.save(condition=None if replace else newer)
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
    return built_at
