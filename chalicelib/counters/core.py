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
    w<yymm>                 1 while it waits in a queue (a state with a `queue`
                            flag), under the month it entered that queue
                            (`waiting_since`): the oldest month with a count is
                            "waiting since"; min is not additive, a histogram is
    overdue                 1 while its current deadline has passed
                            (`overdue_since`, set by the deadlines' sweep and
                            removed by its next transition)

A change of an initiative moves each of those counters by
contribution(new) − contribution(old): the stream hands over both images, so
the arithmetic never needs to read anything, and the sum over every change of
an initiative telescopes to what it counts for now, in whatever order the
changes are applied.

Decisions are different again: what a change DID, not what an initiative
is. When reviewers of a level send an initiative away from their desk (out
of a state waiting for them, into one that does not wait for them, by a
transition of the definition that they may fire), the change adds 1 to
`d<level letter><days>`, the bucket (DECISION_DAYS) of the whole days it
waited: from `waiting_since` on the old image to `updated_at` on the new
one. Moving between two states of one desk (valid → under_review) is no
decision: the wait goes on, and its `waiting_since` keeps the day it came. Counted under the change's marker like every move, so exactly once;
but no recount of the initiatives as they are now can see them (`recount`
leaves them out, and `counts_by_scope` in the store too unless asked).

Days, for the trends (`daily`), are what a change did too: an insert adds 1
to `e@<yymmdd>`, the day (Vietnam time) it was entered (`created_at`); a
change into a state the definition flags `recognized`, from one it does not,
adds 1 to `r@<yymmdd>`, the day of the new image's `updated_at`. Counted under
the change's marker, so exactly once; kept by the store in one item per unit,
phase and month, so that a chart of N days reads about N / 30 items whatever
the number of initiatives.

The images are the stream's, made plain by the edge (streams.initiative):
`waiting_since` and `overdue_since` are already timestamps there.

`authors` is different: the number of distinct people who took part as an
author of an initiative of the unit (its subtree) in the phase. A person counts
once, the first time they appear; they are never taken off again: an author
whose initiative was withdrawn, or who was dropped from the list by an edit,
still took part. So `authors` is a set size, kept with one marker per (unit,
phase, person) rather than by addition.
"""
from dataclasses import dataclass
from fractions import Fraction

from chalicelib.text import fold

ENTERED = "entered"
AUTHORS = "authors"
BENEFIT_ESTIMATED = "benefit_estimated"
BENEFIT_CONFIRMED = "benefit_confirmed"

STATE, GROUP, BLOCK = "state:", "group:", "block:"
# Short names: a counter item is written by every change of every initiative under its unit,
# and every write pays for the item's whole size (1 WRU a KB).
WAITING_SINCE, OVERDUE, DECIDED = "w", "overdue", "d"
# A level in a decision counter's name.
LEVEL_LETTERS = {"national": "n", "top_level": "t", "upper_grassroots": "u", "grassroots": "g"}
# The decision buckets by their first day: 0–1, 2–3, 4–7, 8–15, 16–30, 31–60, 61–90, over 90 days.
DECISION_DAYS = (0, 2, 4, 8, 16, 31, 61, 91)

# The per-day counters (`daily`): "e@261130", "r@261130".
DAY_ENTERED, DAY_RECOGNIZED = "e@", "r@"

# (unit id, phase id): one counter item.
Scope = tuple[str, str]


def scopes(item: dict) -> list[Scope]:
    """The counters an initiative counts in: each unit on its path, in its phase."""
    return [(unit_id, item["phase_id"]) for unit_id in dict.fromkeys(item["unit_path"])]


@dataclass(frozen=True)
class Rules:
    """What the counting reads from a workflow definition: the states whose
    confirmed benefit counts (`confirms_benefit`), the level each waiting
    state waits for (`queue`), and, for each move from one state to another,
    the levels whose reviewers may make it (a decision of that level)."""
    confirming: frozenset
    queues: dict  # state → level value
    deciders: dict  # (from state, to state) → frozenset of level values
    recognizing: frozenset = frozenset()  # the states flagged `recognized`


def rules(definition=None) -> Rules:
    """The counting's Rules from `definition` (default: the one in force)."""
    if definition is None:
        from chalicelib.workflow import definition as workflow
        definition = workflow.default()
    deciders: dict = {}
    for transition in definition.transitions.values():
        levels = {actor.level.value for actor in transition.by if actor.role == "reviewer" and actor.level}
        for source in transition.sources:
            key = (source, transition.target)
            deciders[key] = deciders.get(key, frozenset()) | levels
    return Rules(confirming=definition.states_where("confirms_benefit"),
                 queues={name: state.queue.value for name, state in definition.states.items() if state.queue},
                 deciders=deciders, recognizing=definition.states_where("recognized"))


def waiting_month(waiting_since: str) -> str:
    """The counter of initiatives that entered their queue in the month of
    `waiting_since` (a clock.timestamp, Vietnam time): "w2611" for November 2026."""
    return f"{WAITING_SINCE}{waiting_since[2:4]}{waiting_since[5:7]}"


def contribution(item: dict | None, given: Rules | None = None) -> dict[str, int]:
    """What one initiative adds to each counter of its units (empty for None).
    `given`: the definition's Rules (default: the one in force)."""
    if not item:
        return {}
    given = given or rules()
    counts = {ENTERED: 1, STATE + item["status"]: 1, GROUP + item["subject_group"]: 1}
    if item.get("block"):
        counts[BLOCK + item["block"]] = 1
    if item.get("benefit_vnd") is not None:
        counts[BENEFIT_ESTIMATED] = int(item["benefit_vnd"])
    if item["status"] in given.confirming and item.get("confirmed_benefit_vnd") is not None:
        counts[BENEFIT_CONFIRMED] = int(item["confirmed_benefit_vnd"])
    if item["status"] in given.queues and item.get("waiting_since"):
        counts[waiting_month(item["waiting_since"])] = 1
    if item.get("overdue_since"):
        counts[OVERDUE] = 1
    return {name: n for name, n in counts.items() if n}


def delta(old: dict | None, new: dict | None, given: Rules | None = None) -> dict[Scope, dict[str, int]]:
    """How a change (old image → new image; None for an insert or a removal)
    moves each counter: contribution(new) − contribution(old) per scope, with
    zero moves and unmoved scopes left out."""
    given = given or rules()
    moves: dict[Scope, dict[str, int]] = {}
    for sign, item in ((-1, old), (1, new)):
        if not item:
            continue
        counts = contribution(item, given)
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


def decision_bucket(days: int) -> int:
    """The first day of the DECISION_DAYS bucket holding `days`."""
    return max(first for first in DECISION_DAYS if first <= max(days, 0))


def decision_counter(level: str, days: int) -> str:
    """The counter of decisions of `level` taken after `days` whole days: "dg4"."""
    return f"{DECIDED}{LEVEL_LETTERS[level]}{decision_bucket(days)}"


def days_between(start: str, end: str) -> int:
    """Whole days (24 hours each) from timestamp `start` to timestamp `end`."""
    from datetime import datetime
    return int((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() // 86400)


def decided(old: dict | None, new: dict | None, given: Rules | None = None) -> dict[Scope, dict[str, int]]:
    """The decision a change records, if it is one: reviewers of level L sent
    the initiative away from their desk, out of a state waiting for L (the
    old state's `queue`) into one that does not, by a move of the
    definition that L's reviewers may make (so an author's withdrawal is no
    decision, nor taking it into review at the same desk). 1 in L's bucket
    of the days it waited there, in each unit on the old image's path; {}
    for any other change."""
    given = given or rules()
    if not old or not new or old["status"] == new["status"]:
        return {}
    level = given.queues.get(old["status"])
    if level is None or given.queues.get(new["status"]) == level:
        return {}
    if level not in given.deciders.get((old["status"], new["status"]), ()):
        return {}
    if not old.get("waiting_since") or not new.get("updated_at"):
        return {}
    name = decision_counter(level, days_between(old["waiting_since"], new["updated_at"]))
    return {scope: {name: 1} for scope in scopes(old)}


def day_of(timestamp: str) -> str:
    """The day of a clock.timestamp (Vietnam time) as a daily counter spells it: "261130"."""
    return timestamp[2:4] + timestamp[5:7] + timestamp[8:10]


def daily(old: dict | None, new: dict | None, given: Rules | None = None) -> dict[Scope, dict[str, int]]:
    """The days a change counts in (see the module's docstring): 1 in
    `e@<day entered>` for an insert, 1 in `r@<day>` for a change into a
    recognised state from one that is not; in each unit on the new image's
    path. {} for any other change."""
    given = given or rules()
    if not new:
        return {}
    names = {}
    if not old and new.get("created_at"):
        names[DAY_ENTERED + day_of(new["created_at"])] = 1
    if (new["status"] in given.recognizing and (not old or old["status"] not in given.recognizing)
            and new.get("updated_at")):
        names[DAY_RECOGNIZED + day_of(new["updated_at"])] = 1
    return {scope: dict(names) for scope in scopes(new)} if names else {}


def is_daily(name: str) -> bool:
    """Whether counter `name` is a per-day one (`e@…`, `r@…`)."""
    return name[:2] in (DAY_ENTERED, DAY_RECOGNIZED)


def moves(old: dict | None, new: dict | None, given: Rules | None = None) -> dict[Scope, dict[str, int]]:
    """Everything a change moves: its delta, the decision it records and the days it counts in."""
    given = given or rules()
    found = delta(old, new, given)
    for extra in (decided(old, new, given), daily(old, new, given)):
        for scope, counts in extra.items():
            bucket = found.setdefault(scope, {})
            for name, n in counts.items():
                bucket[name] = bucket.get(name, 0) + n
    return found


def trend(days: dict, counts_from, ends_on, first, last, target: int | None) -> list[dict]:
    """Every day from `first` to `last` (dates), oldest first: what was
    entered and recognised that day (`days`: {"2022-04-13": {"entered",
    "recognized"}}, days without any left out, as the store reads them from
    `counts_from` on), the running totals since `counts_from`, and the
    `pace`: what the phase's `target` asks by the end of that day at an even
    pace from `counts_from` to `ends_on` (rounded half up; None without a target)."""
    from datetime import date, timedelta

    span = (ends_on - counts_from).days + 1
    entered = recognized = 0
    found, day = [], counts_from
    while day <= last:
        counted = days.get(day.isoformat(), {})
        entered += counted.get("entered", 0)
        recognized += counted.get("recognized", 0)
        if day >= first:
            gone = (day - counts_from).days + 1
            found.append({"date": day.isoformat(), "entered": counted.get("entered", 0),
                          "recognized": counted.get("recognized", 0), "entered_total": entered,
                          "recognized_total": recognized,
                          "pace": (2 * target * gone + span) // (2 * span) if target else None})
        day += timedelta(days=1)
    assert isinstance(first, date)
    return found


def is_decision(name: str) -> bool:
    """Whether counter `name` counts decisions (what changes did, which no recount sees)."""
    return (len(name) > 2 and name[0] == DECIDED and name[1] in LEVEL_LETTERS.values()
            and name[2:].isdigit())


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


def recount(items, given: Rules | None = None) -> dict[Scope, dict[str, int]]:
    """Every counter from scratch, from the initiatives as they are now: what
    the counters must equal (zeros left out), decisions apart (see `decided`).
    `authors` matches too as long as no author was ever dropped from an
    initiative (dropped ones stay counted)."""
    given = given or rules()
    totals: dict[Scope, dict[str, int]] = {}
    people: dict[Scope, set[str]] = {}
    for item in items:
        counts, keys = contribution(item, given), author_keys(item)
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


def waiting_by_level(counts: dict, given: Rules | None = None) -> dict[str, int]:
    """How many initiatives wait for each level's reviewers: the counts of the
    states waiting for it (every level with a waiting state, zeros included)."""
    given = given or rules()
    found: dict[str, int] = {}
    for state, level in given.queues.items():
        found[level] = found.get(level, 0) + max(counts.get(STATE + state, 0), 0)
    return found


def oldest_waiting(counts: dict) -> str | None:
    """The month ("2026-09") the oldest waiting initiative entered its queue:
    the earliest `w<yymm>` counter above zero; None when nothing waits."""
    months = [name[1:] for name, n in counts.items()
              if n > 0 and len(name) == 5 and name[0] == WAITING_SINCE and name[1:].isdigit()]
    if not months:
        return None
    first = min(months)
    return f"20{first[:2]}-{first[2:]}"


def decisions(counts: dict, level: str) -> dict:
    """The decisions of `level`'s reviewers: how many, how many in each
    bucket of days waited, and the median days. The median is read from the
    buckets, as for grouped data: in the bucket holding the middle decision,
    interpolated linearly across the days it spans (first day + (n/2 −
    decisions in earlier buckets) / decisions in it × its width), to one
    decimal; None when nothing was decided or the middle falls in the open
    last bucket (over 90 days), whose `median_bucket` still says so."""
    letter = LEVEL_LETTERS[level]
    found = [max(counts.get(f"{DECIDED}{letter}{first}", 0), 0) for first in DECISION_DAYS]
    total = sum(found)
    buckets = [{"from": first, "to": (DECISION_DAYS[i + 1] - 1) if i + 1 < len(DECISION_DAYS) else None, "count": n}
               for i, (first, n) in enumerate(zip(DECISION_DAYS, found))]
    median = bucket = None
    if total:
        half, before = Fraction(total, 2), 0
        for entry in buckets:
            if entry["count"] and before + entry["count"] >= half:
                bucket = {"from": entry["from"], "to": entry["to"]}
                if entry["to"] is not None:
                    span = entry["to"] + 1 - entry["from"]
                    median = round(float(entry["from"] + (half - before) / entry["count"] * span), 1)
                break
            before += entry["count"]
    return {"decided": total, "median_days": median, "median_bucket": bucket, "buckets": buckets}


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
