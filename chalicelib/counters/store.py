"""The counters table: the only code that builds its keys and reads or writes
its items. Changes of initiatives are counted here exactly once; the reads
others need (a unit's counts, a level's counts, counts to read together with
targets) are functions here too.

| item | pk | sk |
|---|---|---|
| a unit's counters in a phase | `COUNT#<unit>#<phase>` | `TOTAL` |
| a change counted | `APPLIED#<submission>` | `v<version>` (`v<version>-removed`) |
| a person counted as an author of a unit | `AUTHORS#<unit>#<phase>` | `<author key>` |

and the index `by_level` (`LEVEL#<level>#<phase>` / `<unit>`) for rankings.

The stream delivers every change at least once: a failed batch is retried, a
record reported failed is delivered again with the ones after it, and a slow
invocation can be retried while it is still running. So each write here is
guarded by a marker that the same change would write again:

1. The counts: a stream batch's changes go in as few transactions as fit
   (100 actions each): every change's marker (put only if absent, expiring
   after MARKER_TTL) and, for every counter the changes move, ONE ADD of the
   summed moves (flat number attributes) with SET of the unit, the phase and
   the `by_level` keys. A counter moved by forty changes of a batch is written
   once. A change counted before (a redelivery) cancels the transaction by its
   marker; it is left out and the rest are written again, so each change is
   counted exactly once whatever the batch boundaries, retries or replays.
   Every write of an initiative bumps its version, so `v<version>` names one change.
2. The participating authors (see core): for the people a batch brings,
   transactions putting an author marker for each unit on the path, only if
   absent, with ADD authors <n> on each of those counters. People already
   counted in a unit cancel it; they are taken out (the cancellation says
   which, by name) and the rest are tried again.

Anything else that fails raises, so the stream handler reports the record and
it is retried; both steps are safe to run again.
"""
import random
import time
from datetime import timedelta

from chalicelib import clock
from chalicelib.counters import core

# Stream records live 24 hours, so a redelivery comes well within this.
MARKER_TTL = timedelta(days=8)
# One action per marker or counter; DynamoDB's limit per transaction.
MAX_ACTIONS = 100
MAX_ATTEMPTS = 6
TOTAL = "TOTAL"


def counter_key(unit_id: str, phase_id: str) -> str:
    return f"COUNT#{unit_id}#{phase_id}"


def level_key(level: str, phase_id: str) -> str:
    """The `by_level` partition of one level's counters in one phase (rankings)."""
    return f"LEVEL#{level}#{phase_id}"


def marker_absent():
    """Closes: one change counted twice. A second delivery of a change (a retry,
    or a retry racing the first attempt still in flight) finds the marker the
    first one put, so its ADDs never run twice; while the first is in flight
    the second is cancelled as a TransactionConflict, retried, and then finds it."""
    from chalicelib.tables import CountedMarker
    return CountedMarker.pk.does_not_exist()


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
    before they are written, so a counter moved by forty changes of a batch is
    written once, not forty times, with every change's marker in the same
    transaction (a change already counted cancels it, is left out, and the
    rest are written again). The people the changes bring are counted
    together (author markers). Returns {id: error} for the changes that could
    not be counted (to be redelivered); the others are counted exactly once."""
    failed: dict = {}
    pending, seen, people, brought = [], set(), {}, {}
    for change_id, old, new in changes:
        marker = applied_marker(old, new)
        moves = core.delta(old, new)
        if moves and marker not in seen:  # the same change twice in a batch is one change
            seen.add(marker)
            pending.append((change_id, marker, moves))
        for scope, keys in core.new_authors(old, new).items():
            people.setdefault(scope, set()).update(keys)
            brought.setdefault(change_id, True)
    for group in _groups(pending):
        try:
            _count_group(group)
        except Exception as error:  # noqa: BLE001 - these changes are reported and redelivered
            failed.update({change_id: error for change_id, _, _ in group})
    if people:
        try:
            count_authors(people)
        except Exception as error:  # noqa: BLE001 - author markers make the redelivery count only the rest
            failed.update({change_id: error for change_id in brought if change_id not in failed})
    return failed


def _groups(pending: list) -> list:
    """`pending` changes cut into groups whose markers and counters fit in one transaction."""
    groups, group, scopes = [], [], set()
    for change in pending:
        wanted = scopes | set(change[2])
        if group and len(group) + 1 + len(wanted) > MAX_ACTIONS:
            groups.append(group)
            group, wanted = [], set(change[2])
        group.append(change)
        scopes = wanted
    return groups + ([group] if group else [])


def _count_group(group: list) -> None:
    """One transaction: every change's marker (only if absent) and the sum of
    their moves per counter. Changes already counted are left out, and the
    rest tried again, until it commits or none is left."""
    from chalicelib.tables import CountedMarker, Transaction

    while group:
        transaction = Transaction()
        summed: dict = {}
        for _, marker, moves in group:
            transaction.put(_marker_action(marker), CountedMarker(*marker, expires_at=clock.now() + MARKER_TTL),
                            condition=marker_absent())
            for scope, counts in moves.items():
                total = summed.setdefault(scope, {})
                for name, n in counts.items():
                    total[name] = total.get(name, 0) + n
        for scope, counts in sorted(summed.items()):
            counts = {name: n for name, n in counts.items() if n}
            if counts:
                _add(transaction, scope, counts)
        cancelled = _commit(transaction)
        if cancelled is None:
            return
        known = [change for change in group if cancelled.failed(_marker_action(change[1]))]
        if not known:
            raise RuntimeError(f"counting a batch was cancelled: {cancelled}")
        group = [change for change in group if change not in known]


def _marker_action(marker: tuple[str, str]) -> str:
    return f"marker {marker[0]} {marker[1]}"


def count_once(marker: tuple[str, str], moves: dict) -> bool:
    """ADD `moves` ({(unit, phase): {count: n}}) to the counters, together with
    `marker`; False when the marker was there already (counted before)."""
    from chalicelib.tables import CountedMarker, Transaction

    transaction = Transaction()
    transaction.put("marker", CountedMarker(*marker, expires_at=clock.now() + MARKER_TTL), condition=marker_absent())
    for scope, counts in sorted(moves.items()):
        _add(transaction, scope, counts)
    cancelled = _commit(transaction)
    if cancelled is None:
        return True
    if cancelled.failed("marker"):
        return False
    raise RuntimeError(f"counting {marker} was cancelled: {cancelled}")


def count_authors(people: dict) -> int:
    """Count the people of `people` ({(unit, phase): {author key}}) each
    counter has not counted yet; returns how many (unit, person) were new."""
    from chalicelib.tables import CountedMarker, Transaction

    pending = sorted((scope, key) for scope, keys in people.items() for key in keys)
    counted = 0
    while pending:
        batch = _fitting(pending)
        per_scope: dict = {}
        transaction = Transaction()
        for (unit_id, phase_id), key in batch:
            per_scope[(unit_id, phase_id)] = per_scope.get((unit_id, phase_id), 0) + 1
            transaction.put(_author_action(unit_id, phase_id, key),
                            CountedMarker(f"AUTHORS#{unit_id}#{phase_id}", key), condition=marker_absent())
        for scope, n in sorted(per_scope.items()):
            _add(transaction, scope, {core.AUTHORS: n})
        cancelled = _commit(transaction)
        if cancelled is None:
            counted += len(batch)
            pending = pending[len(batch):]
            continue
        known = {pair for pair in batch if cancelled.failed(_author_action(pair[0][0], pair[0][1], pair[1]))}
        if not known:
            raise RuntimeError(f"counting authors was cancelled: {cancelled}")
        # Already counted in that unit (by an earlier initiative or delivery): leave them out, try the rest.
        pending = [pair for pair in pending if pair not in known]
    return counted


def _author_action(unit_id: str, phase_id: str, key: str) -> str:
    return f"author {unit_id} {phase_id} {key}"


def _fitting(pending: list) -> list:
    """The longest head of `pending` whose markers and counter updates fit in one transaction."""
    scopes: set = set()
    for size, (scope, _) in enumerate(pending):
        if size + 1 + len(scopes | {scope}) > MAX_ACTIONS:
            return pending[:size]
        scopes.add(scope)
    return pending


def _add(transaction, scope: tuple, counts: dict) -> None:
    """ADD each count to a unit's counter; SET what the counter belongs to.
    The level is SET on every change, so a unit whose kind changed in the tree
    ranks at its new level from its next change on."""
    from pynamodb.expressions.operand import Path

    from chalicelib.tables import CounterRecord

    unit_id, phase_id = scope
    # The counts are flat attributes named by what they count ("state:pending"): a Path,
    # in a list, so that no character of a name is read as a path separator.
    actions = [Path([name]).add(int(n)) for name, n in sorted(counts.items())]
    actions += [CounterRecord.unit_id.set(unit_id), CounterRecord.phase_id.set(phase_id)]
    level = level_of(unit_id)
    if level:
        actions += [CounterRecord.level_pk.set(level_key(level, phase_id)), CounterRecord.level_sk.set(unit_id)]
    transaction.update(f"counter {unit_id} {phase_id}", CounterRecord(counter_key(unit_id, phase_id), TOTAL), actions)


def _commit(transaction):
    """Commit; None when it committed, the Cancelled when a condition failed.
    A conflict with another transaction in flight on the same item (every
    change touches the national counter) is retried here with jittered
    backoff; anything else raises."""
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

def unit_counts(unit_id: str, phase_id: str) -> dict:
    """One unit's counts in one phase, for its whole subtree, as the stream last
    left them (seconds behind the initiatives table): ONE GetItem of its
    counter, eventually consistent, 0.5 RCU (the item stays well under 4 KB).
    {} when nothing was counted there yet."""
    from chalicelib.tables import CounterRecord

    try:
        return CounterRecord.get(counter_key(unit_id, phase_id), TOTAL).counts
    except CounterRecord.DoesNotExist:
        return {}


def want_counts(read, unit_ids, phase_id: str):
    """Add the counters of `unit_ids` in one phase to `read` (a tables.BatchRead,
    run by the caller with other owners' keys); returns what gives them after
    the run: {unit id: counts} for the units with anything counted."""
    from chalicelib.tables import CounterRecord

    keys = {unit_id: read.want(CounterRecord, counter_key(unit_id, phase_id), TOTAL) for unit_id in unit_ids}

    def found() -> dict:
        return {unit_id: read.found(key).counts for unit_id, key in keys.items() if read.found(key) is not None}
    return found


def level_counts(level: str, phase_id: str) -> dict:
    """Every counter of one level in one phase, by unit: one Query on `by_level`
    (pages followed)."""
    from chalicelib.tables import CounterRecord

    return {record.level_sk: record.counts for record in CounterRecord.by_level.query(level_key(level, phase_id))}


# ------------------------------------------------------------ rankings within a top-level unit, a page at a time
#
# The counting writes keep, on the counter of every grassroots union
# (`COUNT#<unit>#<phase>` / `TOTAL`), the keys `rank_keys` gives: a partition
# per (level, top-level unit, phase) and one sort key per ordering. The reads
# below take one page of one ordering: one Query of at most `limit` small
# entries, whatever the province's size.

RANK_ORDERS = ("entered", "authors", "percent")
RANK_DIGITS = 20
# A share of the target as a whole number: entered x 10^12 // target.
SHARE_SCALE = 10 ** 12


def rank_partition(level: str, top_unit_id: str, phase_id: str) -> str:
    return f"{level}#{top_unit_id}#{phase_id}"


def rank_keys(level: str, top_unit_id: str, phase_id: str, unit_id: str, entered: int, authors: int,
              target: int | None) -> dict:
    """The attributes a grassroots union's counter carries (stored names `rp`,
    `re`, `ra`, `rt`) after a counting write leaves it at `entered` and
    `authors`, with `target` its registered target in the phase (None or 0:
    none, and no `rank_percent`)."""
    keys = {"rank_pk": rank_partition(level, top_unit_id, phase_id),
            "rank_entered": f"{int(entered):0{RANK_DIGITS}d}#{unit_id}",
            "rank_authors": f"{int(authors):0{RANK_DIGITS}d}#{unit_id}"}
    if target:
        keys["rank_percent"] = f"{int(entered) * SHARE_SCALE // int(target):0{RANK_DIGITS}d}#{unit_id}"
    return keys


def ranked_page(level: str, top_unit_id: str, phase_id: str, order: str, limit: int, start: dict | None):
    """One page of the counters of `level`'s units under `top_unit_id` in one
    phase, best first by `order` (RANK_ORDERS): ONE Query (descending, Limit
    `limit`) of that ordering's index, eventually consistent. Returns
    ([(unit id, rank value, counts)], the key to start the next page from, or
    None). `start` is a key this function returned (the caller checks it
    belongs to the same partition with `rank_start_belongs`)."""
    from chalicelib.tables import CounterRecord

    index = {"entered": CounterRecord.ranked_by_entered, "authors": CounterRecord.ranked_by_authors,
             "percent": CounterRecord.ranked_by_percent}[order]
    pages = index.query(rank_partition(level, top_unit_id, phase_id), scan_index_forward=False, page_size=limit,
                        last_evaluated_key=start).page_iter
    answer = next(pages)
    rows = []
    for raw in answer.get("Items", []):
        record = CounterRecord.from_raw_data(raw)
        sort = getattr(record, "rank_" + order)
        value, unit_id = sort.split("#", 1)
        rows.append((unit_id, int(value), record.counts))
    return rows, answer.get("LastEvaluatedKey")


def rank_start_belongs(start: dict, level: str, top_unit_id: str, phase_id: str, order: str) -> bool:
    """Whether `start` (a next-page key from a client's cursor) is a key of
    that ranking's partition and ordering, and nothing else."""
    sort = {"entered": "re", "authors": "ra", "percent": "rt"}[order]
    return (isinstance(start, dict) and set(start) == {"pk", "sk", "rp", sort}
            and all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in start.values())
            and start["rp"]["S"] == rank_partition(level, top_unit_id, phase_id))
