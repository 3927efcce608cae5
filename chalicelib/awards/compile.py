"""Compiling award lists: candidates + grassroots progress + criteria → the
three lists. Pure: no AWS, no clock; the same input gives the same output.

The lists are made (`assemble`) from what they need: each top-level unit's
best N candidates, one aggregate per author (`PersonTotal`) and per
grassroots union (`CollectiveTotal`), and the progress of the unions that
qualify. The service reads those through indexes kept from the stream
(awards/candidates.py); `Tally` makes the same from every candidate, one at a
time (the reference the indexes are tested against). `units_to_check` names
the grassroots unions whose entered count and target decide whether they are
a collective, and `name_units` adds the names of the units the entries name
(read by the caller).

Every list has a total order, so arrival order never matters:
- exemplary initiatives: total score desc, confirmed benefit desc, tracking code, id;
- outstanding individuals: recognised initiatives desc, confirmed benefit desc,
  name (folded), author key;
- outstanding collectives: recognised initiatives desc, confirmed benefit desc, unit id.
The rank is the standard competition rank on what is compared (score and
benefit; recognised initiatives and benefit): entries equal on those share a
rank ("1, 2, 2, 4"), and the rest of the order only lists them. Which
initiatives make a top-level unit's best N is still decided by the full order
(the tracking code settles a tie at the cut), as the criteria say "the best N".
"""
import hashlib
import json
from dataclasses import dataclass

from chalicelib.awards.criteria import Criteria
from chalicelib.counters.core import competition_ranks
from chalicelib.text import fold

KINDS = ("exemplary_initiatives", "outstanding_individuals", "outstanding_collectives")


@dataclass(frozen=True)
class Author:
    full_name: str
    member_id: str | None = None

    def key(self, grassroots_unit_id: str) -> str:
        """Who the author is across initiatives: the member id when given, else
        the name (ignoring case and diacritics) within the grassroots union."""
        if self.member_id:
            return f"member:{self.member_id}"
        return f"name:{grassroots_unit_id}:{fold(self.full_name)}"


@dataclass(frozen=True)
class Candidate:
    """A recognised initiative, as a candidate for a unit's lists."""
    submission_id: str
    code: str
    title: str
    unit_path: tuple
    grassroots_unit_id: str
    top_level_unit_id: str
    authors: tuple  # of Author
    scores: dict  # novelty, applicability, effectiveness (0–10 each)
    score_total: int
    confirmed_benefit_vnd: int
    recognized_at: str

    @classmethod
    def from_json(cls, doc: dict) -> "Candidate":
        """A candidate from its stored item (a plain dict)."""
        return cls(submission_id=doc["submission_id"], code=doc["code"], title=doc["title"],
                   unit_path=tuple(doc["unit_path"]), grassroots_unit_id=doc["grassroots_unit_id"],
                   top_level_unit_id=doc["top_level_unit_id"],
                   authors=tuple(Author(a["full_name"], a.get("member_id")) for a in doc["authors"]),
                   scores={k: int(v) for k, v in doc["scores"].items()}, score_total=int(doc["score_total"]),
                   confirmed_benefit_vnd=int(doc["confirmed_benefit_vnd"]), recognized_at=doc["recognized_at"])

    def rank_key(self) -> tuple:
        """Best first: total score desc, confirmed benefit desc, tracking code, id."""
        return (-self.score_total, -self.confirmed_benefit_vnd, self.code, self.submission_id)

    def merit(self) -> tuple:
        """What ranks it: equal merit, equal rank."""
        return (self.score_total, self.confirmed_benefit_vnd)


@dataclass(frozen=True)
class Progress:
    """A grassroots union's standing in the phase: initiatives entered and its
    registered target (None: it registered none)."""
    entered: int
    target: int | None

    @property
    def reached(self) -> bool:
        # A target of 0 is no commitment: nothing was reached.
        return bool(self.target) and self.entered >= self.target


def top_level_of(unit_path) -> str:
    """The top-level unit on a path national → … → grassroots (the national
    unit itself for a path of one)."""
    return unit_path[1] if len(unit_path) > 1 else unit_path[0]


class PersonTotal:
    """One author's recognised initiatives in a unit's subtree: how many, the
    sums of their scores and benefits, their codes, and `first`: (code, name,
    member id, grassroots unit, top-level unit) as written on the first by code."""
    __slots__ = ("count", "score_total", "benefit", "codes", "first")

    def __init__(self):
        self.count, self.score_total, self.benefit, self.codes, self.first = 0, 0, 0, [], None

    @classmethod
    def from_entries(cls, count: int, score_total: int, benefit: int, entries, separator: str) -> "PersonTotal":
        """From a stored aggregate whose entries are `code<sep>name<sep>member id<sep>grassroots<sep>top-level`."""
        person = cls()
        person.count, person.score_total, person.benefit = count, score_total, benefit
        for text in entries or ():
            code, name, member_id, grassroots, top_level = text.split(separator)
            person.codes.append(code)
            seen_as = (code, name, member_id or None, grassroots, top_level)
            if person.first is None or seen_as < person.first:
                person.first = seen_as
        return person


class CollectiveTotal:
    """A grassroots union's recognised initiatives: how many, the benefit, its top-level unit."""
    __slots__ = ("count", "benefit", "top_level_unit_id")

    def __init__(self, top_level_unit_id, count: int = 0, benefit: int = 0):
        self.count, self.benefit, self.top_level_unit_id = count, benefit, top_level_unit_id


class Tally:
    """Accumulates candidates for one unit and phase under one set of criteria."""

    def __init__(self, criteria: Criteria):
        self.criteria = criteria
        self._best: dict[str, list] = {}   # top-level unit → its best candidates (≤ 2N kept)
        self._people: dict[str, PersonTotal] = {}
        self._collectives: dict[str, CollectiveTotal] = {}
        self._seen: set = set()

    def add(self, candidate: Candidate) -> None:
        """Count one candidate (a second copy of the same initiative counts once)."""
        if candidate.submission_id in self._seen:
            return
        self._seen.add(candidate.submission_id)
        rule = self.criteria.exemplary_initiatives
        if candidate.score_total >= rule.min_total_score:
            best = self._best.setdefault(candidate.top_level_unit_id, [])
            best.append(candidate)
            if len(best) > 2 * rule.top_per_top_level_unit:  # trim now and then: memory stays O(N)
                best.sort(key=Candidate.rank_key)
                del best[rule.top_per_top_level_unit:]
        keys = {}
        for author in candidate.authors:
            keys.setdefault(author.key(candidate.grassroots_unit_id), author)
        for key, author in keys.items():
            person = self._people.setdefault(key, PersonTotal())
            person.count += 1
            person.score_total += candidate.score_total
            person.benefit += candidate.confirmed_benefit_vnd
            person.codes.append(candidate.code)
            # Name and unit as written on the author's first initiative by code.
            seen_as = (candidate.code, author.full_name, author.member_id, candidate.grassroots_unit_id,
                       candidate.top_level_unit_id)
            if person.first is None or seen_as < person.first:
                person.first = seen_as
        collective = self._collectives.setdefault(candidate.grassroots_unit_id,
                                                  CollectiveTotal(candidate.top_level_unit_id))
        collective.count += 1
        collective.benefit += candidate.confirmed_benefit_vnd

    def units_to_check(self) -> list[str]:
        """Grassroots unions with enough recognised initiatives to be a
        collective: their progress decides the rest."""
        return units_to_check(self.criteria, self._collectives)

    def lists(self, progress: dict) -> dict:
        """The three lists, units named by id only (`name_units` adds names).
        `progress`: grassroots unit id → Progress (absent: nothing entered, no target)."""
        return assemble(self.criteria, self._best.values(), self._people, self._collectives, progress)


def units_to_check(criteria: Criteria, collectives: dict) -> list[str]:
    """The unions of `collectives` (unit id → CollectiveTotal) with enough
    recognised initiatives to be a collective."""
    floor = criteria.outstanding_collectives.min_recognized
    return sorted(unit for unit, c in collectives.items() if c.count >= floor)


def assemble(criteria: Criteria, best, people: dict, collectives: dict, progress: dict) -> dict:
    """The three lists from what they are made of, however it was gathered
    (a Tally of every candidate, or the aggregates read through the indexes):
    `best`, for each top-level unit, candidates that include its best N
    (any order, any more); `people`, author key → PersonTotal; `collectives`,
    grassroots unit id → CollectiveTotal; `progress`, grassroots unit id →
    Progress. Authors and unions below the criteria's floors are left out here."""
    rule = criteria.exemplary_initiatives
    chosen = []
    for found in best:
        chosen += sorted(found, key=Candidate.rank_key)[:rule.top_per_top_level_unit]
    chosen.sort(key=Candidate.rank_key)
    exemplary = [{
        "rank": rank, "submission_id": c.submission_id, "code": c.code, "title": c.title,
        "authors": [{"full_name": a.full_name, "member_id": a.member_id} for a in c.authors],
        "unit_id": c.grassroots_unit_id, "unit_name": None,
        "top_level_unit_id": c.top_level_unit_id, "top_level_unit_name": None,
        "scores": dict(sorted(c.scores.items())), "score_total": c.score_total,
        "confirmed_benefit_vnd": c.confirmed_benefit_vnd, "recognized_at": c.recognized_at,
    } for rank, c in zip(competition_ranks(c.merit() for c in chosen), chosen)]

    floor = criteria.outstanding_individuals.min_recognized
    ranked = sorted(((key, p) for key, p in people.items() if p.count >= floor),
                    key=lambda kp: (-kp[1].count, -kp[1].benefit, fold(kp[1].first[1]), kp[0]))
    individuals = [{
        "rank": rank, "key": key, "full_name": p.first[1], "member_id": p.first[2],
        "unit_id": p.first[3], "unit_name": None,
        "top_level_unit_id": p.first[4], "top_level_unit_name": None,
        "recognized_count": p.count, "score_total": p.score_total, "confirmed_benefit_vnd": p.benefit,
        "codes": sorted(p.codes),
    } for rank, (key, p) in zip(competition_ranks((p.count, p.benefit) for _, p in ranked), ranked)]

    rule = criteria.outstanding_collectives
    winners = []
    for unit in units_to_check(criteria, collectives):
        standing = progress.get(unit) or Progress(entered=0, target=None)
        if rule.require_target_reached and not standing.reached:
            continue
        winners.append((unit, collectives[unit], standing))
    winners.sort(key=lambda w: (-w[1].count, -w[1].benefit, w[0]))
    units = [{
        "rank": rank, "unit_id": unit, "unit_name": None,
        "top_level_unit_id": c.top_level_unit_id, "top_level_unit_name": None,
        "recognized_count": c.count, "entered": standing.entered, "target": standing.target,
        "confirmed_benefit_vnd": c.benefit,
    } for rank, (unit, c, standing) in zip(competition_ranks((c.count, c.benefit) for _, c, _ in winners),
                                            winners)]
    return {"exemplary_initiatives": exemplary, "outstanding_individuals": individuals,
            "outstanding_collectives": units}


def unit_ids(lists: dict) -> set:
    """Every unit the entries name."""
    return {entry[field] for kind in KINDS for entry in lists[kind]
            for field in ("unit_id", "top_level_unit_id")}


def name_units(lists: dict, names: dict) -> dict:
    """The lists with `unit_name` and `top_level_unit_name` filled from `names`
    (unit id → name; a unit missing there is named by its id)."""
    def named(entry):
        return {**entry, "unit_name": names.get(entry["unit_id"], entry["unit_id"]),
                "top_level_unit_name": names.get(entry["top_level_unit_id"], entry["top_level_unit_id"])}
    return {kind: [named(entry) for entry in lists[kind]] for kind in KINDS}


def compile_lists(candidates, criteria: Criteria, progress: dict, names: dict) -> dict:
    """The three lists from an iterable of candidates, in one call (for when
    progress and names are known up front, e.g. in tests)."""
    tally = Tally(criteria)
    for candidate in candidates:
        tally.add(candidate)
    return name_units(tally.lists(progress), names)


def counts(lists: dict) -> dict:
    """How many entries of each kind."""
    return {kind: len(lists[kind]) for kind in KINDS}


def content_hash(unit_id: str, phase_id: str, lists: dict, criteria: Criteria) -> str:
    """A digest of everything a list says: two compiles with the same hash are
    the same list, and the second writes nothing."""
    canonical = json.dumps({"unit_id": unit_id, "phase_id": phase_id, "criteria": criteria.to_json(),
                            "lists": lists}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
