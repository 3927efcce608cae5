"""The counters' arithmetic. Pure: no boto3, no clock, no I/O.

An initiative counts, in its phase and in every unit on its path (the national
unit, the units between, and its grassroots union), for:

    entered                 1
    state:<status>          1
    group:<subject group>   1
    block:<block>           1
    benefit_estimated       its estimated benefit in VND, when it has one
    benefit_confirmed       its confirmed benefit in VND, while it is in a state
                            whose flag `confirms_benefit` the workflow definition sets

A change of an initiative moves each of those counters by
contribution(new) − contribution(old): the stream hands over both images, so
the arithmetic never needs to read anything, and the sum over every change of
an initiative telescopes to what it counts for now, in whatever order the
changes are applied.

`authors` is different: the number of distinct people who took part as an
author of an initiative of the unit (its subtree) in the phase. A person counts
once, the first time they appear; they are never taken off again: an author
whose initiative was withdrawn, or who was dropped from the list by an edit,
still took part. So `authors` is a set size, kept with one marker per (unit,
phase, person) rather than by addition.
"""
from fractions import Fraction

from chalicelib.text import fold

ENTERED = "entered"
AUTHORS = "authors"
BENEFIT_ESTIMATED = "benefit_estimated"
BENEFIT_CONFIRMED = "benefit_confirmed"

STATE, GROUP, BLOCK = "state:", "group:", "block:"

# (unit id, phase id): one counter item.
Scope = tuple[str, str]


def scopes(item: dict) -> list[Scope]:
    """The counters an initiative counts in: each unit on its path, in its phase."""
    return [(unit_id, item["phase_id"]) for unit_id in dict.fromkeys(item["unit_path"])]


def confirming_states() -> frozenset:
    """The states whose confirmed benefit counts: those the workflow definition
    in force flags `confirms_benefit` (its recognised states)."""
    from chalicelib.workflow import definition
    return definition.default().states_where("confirms_benefit")


def contribution(item: dict | None, confirming: frozenset | None = None) -> dict[str, int]:
    """What one initiative adds to each counter of its units (empty for None).
    `confirming`: the states whose confirmed benefit counts (default: the
    definition's, see `confirming_states`)."""
    if not item:
        return {}
    if confirming is None:
        confirming = confirming_states()
    counts = {ENTERED: 1, STATE + item["status"]: 1, GROUP + item["subject_group"]: 1}
    if item.get("block"):
        counts[BLOCK + item["block"]] = 1
    if item.get("benefit_vnd") is not None:
        counts[BENEFIT_ESTIMATED] = int(item["benefit_vnd"])
    if item["status"] in confirming and item.get("confirmed_benefit_vnd") is not None:
        counts[BENEFIT_CONFIRMED] = int(item["confirmed_benefit_vnd"])
    return {name: n for name, n in counts.items() if n}


def delta(old: dict | None, new: dict | None, confirming: frozenset | None = None) -> dict[Scope, dict[str, int]]:
    """How a change (old image → new image; None for an insert or a removal)
    moves each counter: contribution(new) − contribution(old) per scope, with
    zero moves and unmoved scopes left out."""
    if confirming is None:
        confirming = confirming_states()
    moves: dict[Scope, dict[str, int]] = {}
    for sign, item in ((-1, old), (1, new)):
        if not item:
            continue
        counts = contribution(item, confirming)
        for scope in scopes(item):
            bucket = moves.setdefault(scope, {})
            for name, n in counts.items():
                bucket[name] = bucket.get(name, 0) + sign * n
    found = {}
    for scope, counts in moves.items():
        moved = {name: n for name, n in counts.items() if n}
        if moved:
            found[scope] = moved
    return found


def author_key(author: dict, unit_id: str) -> str:
    """Who an author is, for counting distinct people: their member id when
    they gave one; otherwise their name, folded (case, diacritics and spacing
    ignored), within their grassroots union `unit_id`: the best identity there
    is for a person without a member id, and one that never merges two
    namesakes of different unions."""
    member_id = (author.get("member_id") or "").strip()
    if member_id:
        return f"member:{member_id}"
    return f"name:{unit_id}:{fold(author.get('full_name') or '')}"


def author_keys(item: dict | None) -> set[str]:
    """The distinct people named as authors of one initiative."""
    if not item:
        return set()
    return {author_key(author, item["unit_id"]) for author in item.get("authors") or []}


def new_authors(old: dict | None, new: dict | None) -> dict[Scope, set[str]]:
    """The people a change may bring to each counter's `authors`: everyone on
    `new` who was not already on `old` in that scope (all of them for an
    insert; nobody for a removal, since taking part is never undone).
    Whether they are new to the unit is for the store to find out."""
    if not new:
        return {}
    keys, before = author_keys(new), author_keys(old)
    old_scopes = set(scopes(old)) if old else set()
    found = {}
    for scope in scopes(new):
        fresh = keys - before if scope in old_scopes else keys
        if fresh:
            found[scope] = fresh
    return found


def recount(items, confirming: frozenset | None = None) -> dict[Scope, dict[str, int]]:
    """Every counter from scratch, from the initiatives as they are now: what
    the counters must equal (zeros left out). `authors` matches too as long as
    no author was ever dropped from an initiative (dropped ones stay counted)."""
    if confirming is None:
        confirming = confirming_states()
    totals: dict[Scope, dict[str, int]] = {}
    people: dict[Scope, set[str]] = {}
    for item in items:
        counts, keys = contribution(item, confirming), author_keys(item)
        for scope in scopes(item):
            bucket = totals.setdefault(scope, {})
            for name, n in counts.items():
                bucket[name] = bucket.get(name, 0) + n
            people.setdefault(scope, set()).update(keys)
    for scope, keys in people.items():
        if keys:
            totals[scope][AUTHORS] = len(keys)
    return {scope: {name: n for name, n in counts.items() if n} for scope, counts in totals.items()}


# ------------------------------------------------------------------ reading

def percent(done: int, target: int | None) -> float | None:
    """`done` as a percentage of `target`, rounded half up to one decimal
    (12.25 → 12.3); None when there is no target to measure against (none
    registered, or zero)."""
    if not target:
        return None
    tenths = (2 * 1000 * done + target) // (2 * target)
    return tenths / 10


def share(done: int, target: int | None) -> Fraction | None:
    """`done` / `target` exactly, for ranking (rounded percentages tie too often)."""
    return Fraction(done, target) if target else None


def name_order(name: str) -> tuple:
    """Vietnamese alphabetical order, near enough: by the name without case
    and diacritics, then as written (so "Ánh" and "Anh" have a fixed order)."""
    return fold(name), name


def ranked(entries: list, value, name) -> list:
    """`entries` best first: highest `value(entry)` first, entries whose value
    is None last, ties listed by `name(entry)` in Vietnamese order."""
    def key(entry):
        found = value(entry)
        return (found is None, -(found or 0), name_order(name(entry)))
    return sorted(entries, key=key)


def competition_ranks(values) -> list[int]:
    """The rank of each of `values` (already best first) in standard
    competition ranking, "1, 2, 2, 4": equal values share the better rank and
    the next one skips as many places as shared it. Order among equals (by
    name, say) is how they are listed, never a rank."""
    ranks, previous = [], object()
    for place, value in enumerate(values, start=1):
        ranks.append(ranks[-1] if ranks and value == previous else place)
        previous = value
    return ranks


def ranking(entries: list, value, name) -> list:
    """`entries` ranked (see `ranked`), each with its `rank` (see
    `competition_ranks`): tied values share a rank."""
    order = ranked(entries, value, name)
    return [{"rank": rank, **entry} for rank, entry in zip(competition_ranks(value(e) for e in order), order)]
