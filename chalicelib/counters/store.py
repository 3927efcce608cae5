"""Applies one change of an initiative to the `counters` table, exactly once.

The stream delivers every change at least once: a failed batch is retried, a
record reported failed is delivered again with the ones after it, and a slow
invocation can be retried while it is still running. So each write here is
guarded by a marker that the same change would write again:

1. The counts: ONE TransactWriteItems per change, holding
   - the marker `APPLIED#<submission id>` / `v<new version>` (for a removal
     `v<old version>-removed`), put only if it does not exist yet, expiring
     after MARKER_TTL (`expires_at`);
   - for every counter the change moves, `COUNT#<unit>#<phase>` / `TOTAL`: ADD
     of each move (flat number attributes: DynamoDB's ADD works only on
     top-level attributes), and SET of the unit, the phase and the `by_level`
     index keys `LEVEL#<level name>#<phase>` / `<unit id>`.
   A redelivered change's transaction is cancelled by the marker and counts
   nothing; that is success. Every write of an initiative bumps its version
   (PynamoDB's VersionAttribute), so `v<version>` names one change.
2. The participating authors (see core): for people a change brings, one
   transaction putting `AUTHORS#<unit>#<phase>` / `<author key>` for each unit
   on the path, only if absent, with ADD authors <n> on each of those counters.
   People already counted in a unit cancel it; they are taken out (the
   cancellation reasons say which) and the rest are tried again.

Anything else that fails raises, so the stream handler reports the record and
it is retried; both steps are safe to run again.
"""
import random
import time
from datetime import timedelta

from chalicelib import clock, settings
from chalicelib.counters import core

# Stream records live 24 hours, so a redelivery comes well within this.
MARKER_TTL = timedelta(days=8)
# One action per marker or counter; DynamoDB's limit per transaction.
MAX_ACTIONS = 100
MAX_ATTEMPTS = 6

# The one condition of every marker. A second delivery of a change (a retry,
# or a retry racing the first attempt still in flight) finds the marker the
# first one put, so its ADDs never run twice; while the first is in flight the
# second is cancelled as a TransactionConflict, retried, and then finds it.
MARKER_ABSENT = "attribute_not_exists(pk)"

_client = None


def dynamodb():
    """The DynamoDB client, made once per container."""
    global _client
    if _client is None:
        import boto3
        _client = boto3.client("dynamodb", region_name=settings.region())
    return _client


def set_client(client) -> None:
    """Test hook: use `client` (None: make a fresh one when next needed)."""
    global _client
    _client = client


def counter_key(unit_id: str, phase_id: str) -> dict:
    return {"pk": {"S": f"COUNT#{unit_id}#{phase_id}"}, "sk": {"S": "TOTAL"}}


def level_key(level_name: str, phase_id: str) -> str:
    """The `by_level` partition of one level's counters in one phase (rankings)."""
    return f"LEVEL#{level_name}#{phase_id}"


def level_name(unit_id: str) -> str | None:
    """national, top_level, upper_grassroots or grassroots, by the unit's kind
    (not by its depth: a grassroots union may hang directly under a top-level
    unit); None for a unit no longer in the tree (one cached GetItem)."""
    from chalicelib.reference import catalog
    from chalicelib.reference.model import LEVEL_NAMES, LEVELS

    unit = catalog.unit(unit_id)
    if unit is None or unit.kind not in LEVELS:
        return None
    return LEVEL_NAMES[LEVELS[unit.kind]]


def applied_marker(old: dict | None, new: dict | None) -> tuple[str, str]:
    """The marker that says this change was counted."""
    if new:
        return f"APPLIED#{new['id']}", f"v{int(new['version'])}"
    return f"APPLIED#{old['id']}", f"v{int(old['version'])}-removed"


def apply_change(old: dict | None, new: dict | None, client=None) -> None:
    """Count one change of an initiative: the old and new images of its `META`
    item as plain dicts (None for an insert or a removal). Counts it once
    however often it is delivered; raises when it could not, so it is retried."""
    db = client or dynamodb()
    table = settings.table_name("counters")
    moves = core.delta(old, new)
    if moves:
        count_once(db, table, applied_marker(old, new), moves)
    people = core.new_authors(old, new)
    if people:
        count_authors(db, table, people)


def count_once(db, table: str, marker: tuple[str, str], moves: dict) -> bool:
    """ADD `moves` ({(unit, phase): {count: n}}) to the counters, together with
    `marker`; False when the marker was there already (counted before)."""
    expires_at = int((clock.now() + MARKER_TTL).timestamp())
    actions = [_put_marker(table, *marker, expires_at=expires_at)]
    actions += [_update_counter(table, scope, counts) for scope, counts in sorted(moves.items())]
    codes = _transact(db, actions)
    if codes is None:
        return True
    if codes[0] == "ConditionalCheckFailed":
        return False
    raise RuntimeError(f"counting {marker} was cancelled: {codes}")


def count_authors(db, table: str, people: dict) -> int:
    """Count the people of `people` ({(unit, phase): {author key}}) each
    counter has not counted yet; returns how many (unit, person) were new."""
    pending = sorted((scope, key) for scope, keys in people.items() for key in keys)
    counted = 0
    while pending:
        batch = _fitting(pending)
        per_scope: dict = {}
        for scope, _ in batch:
            per_scope[scope] = per_scope.get(scope, 0) + 1
        actions = [_put_marker(table, f"AUTHORS#{scope[0]}#{scope[1]}", key) for scope, key in batch]
        actions += [_update_counter(table, scope, {core.AUTHORS: n}) for scope, n in sorted(per_scope.items())]
        codes = _transact(db, actions)
        if codes is None:
            counted += len(batch)
            pending = pending[len(batch):]
            continue
        known = {pair for pair, code in zip(batch, codes) if code == "ConditionalCheckFailed"}
        if not known:
            raise RuntimeError(f"counting authors was cancelled: {codes}")
        # Already counted in that unit (by an earlier initiative or delivery): leave them out, try the rest.
        pending = [pair for pair in pending if pair not in known]
    return counted


def _fitting(pending: list) -> list:
    """The longest head of `pending` whose markers and counter updates fit in one transaction."""
    scopes: set = set()
    for size, (scope, _) in enumerate(pending):
        if size + 1 + len(scopes | {scope}) > MAX_ACTIONS:
            return pending[:size]
        scopes.add(scope)
    return pending


def _put_marker(table: str, pk: str, sk: str, expires_at: int | None = None) -> dict:
    item = {"pk": {"S": pk}, "sk": {"S": sk}}
    if expires_at is not None:
        item["expires_at"] = {"N": str(expires_at)}
    return {"Put": {"TableName": table, "Item": item, "ConditionExpression": MARKER_ABSENT}}


def _update_counter(table: str, scope: tuple, counts: dict) -> dict:
    """ADD each count; SET what the counter belongs to. The level is SET on
    every change, so a unit whose kind changed in the tree ranks at its new
    level from its next change on."""
    unit_id, phase_id = scope
    names = {"#unit": "unit_id", "#phase": "phase_id"}
    values = {":unit": {"S": unit_id}, ":phase": {"S": phase_id}}
    adds = []
    for i, (name, n) in enumerate(sorted(counts.items())):
        names[f"#c{i}"], values[f":c{i}"] = name, {"N": str(int(n))}
        adds.append(f"#c{i} :c{i}")
    sets = ["#unit = :unit", "#phase = :phase"]
    level = level_name(unit_id)
    if level:
        names |= {"#lpk": "level_pk", "#lsk": "level_sk"}
        values |= {":lpk": {"S": level_key(level, phase_id)}, ":lsk": {"S": unit_id}}
        sets += ["#lpk = :lpk", "#lsk = :lsk"]
    return {"Update": {"TableName": table, "Key": counter_key(unit_id, phase_id),
                       "UpdateExpression": f"ADD {', '.join(adds)} SET {', '.join(sets)}",
                       "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}}


def _transact(db, actions: list) -> list | None:
    """Run one transaction: None when it committed, else the cancellation code
    of each action when a condition failed. A conflict with another
    transaction in flight on the same item (every change touches the national
    counter) is retried here with jittered backoff; anything else raises."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            db.transact_write_items(TransactItems=actions)
            return None
        except db.exceptions.TransactionCanceledException as error:
            codes = [reason.get("Code", "None") for reason in error.response.get("CancellationReasons", [])]
            if "ConditionalCheckFailed" in codes:
                return codes
            if "TransactionConflict" not in codes or attempt == MAX_ATTEMPTS - 1:
                raise
        time.sleep(random.uniform(0, 0.05 * 2 ** attempt))
    raise AssertionError("unreachable")
