"""Award candidates and the aggregates compiling reads: what the
`award_candidate` effect writes when an initiative is recognised, and the
reads that make a list cost what the list holds, not what was recognised.

For every unit on the initiative's path (national → top-level → … →
grassroots), in the awards table:

- a candidate, `CAND#<phase>#<unit>` / `<submission id>`, with `score_rank`
  (inverted score, inverted benefit, tracking code, id: best first) for the
  `by_score` index, so a unit's best N is ONE Query with Limit N. The root's
  candidates are not ranked (no list reads them: the national list reads each
  top-level unit's best N), so they cost no index upkeep;
- per author, `PERSON#<phase>#<unit>` / `<author key>`: recognised count,
  score and benefit totals and one entry per initiative (its code, and the
  name as written there), in the `by_recognized` index under its own
  partition once it holds two (INDEX_FLOOR), so "authors with at least N" is
  one Query reading only those;

and once, for the grassroots union, `GRASSROOTS#<phase>#<unit>` / `SUM`: its
recognised count and benefit, in `by_recognized` under
`COLLECTIVE#<phase>#<top-level unit>`, so the unions of a top-level unit with
at least N are one Query.

Exactly once under redelivery: an author's aggregate is updated only if its
`entries` do not hold this initiative's entry yet (the entry is the guard); a
candidate is put only if absent; the grassroots sum is updated in ONE
transaction with the grassroots candidate, whose absence is the guard. A run
interrupted part way is completed by the next delivery, each write guarded.
"""
import logging

from chalicelib.awards.compile import Author, Candidate, CollectiveTotal, PersonTotal, top_level_of
from chalicelib.workflow.definition import SCORES

logger = logging.getLogger(__name__)

# score_rank: the score and the benefit inverted, fixed width, so ascending is best first.
SCORE_CEILING = 999  # scores are 0..30
BENEFIT_CEILING = 10 ** 16 - 1  # confirmed benefits are at most 10^15 (schemas/transition-request.json)
SEPARATOR = "\x1f"  # between the fields of a person's entry (never in text people type)
# An author's aggregate enters `by_recognized` once it holds this many initiatives; criteria
# asking for fewer (1: every author) read the unit's aggregates without the index.
INDEX_FLOOR = 2
SUM = "SUM"


def partition(phase_id: str, unit_id: str) -> str:
    return f"CAND#{phase_id}#{unit_id}"


def person_partition(phase_id: str, unit_id: str) -> str:
    return f"PERSON#{phase_id}#{unit_id}"


def grassroots_key(phase_id: str, unit_id: str) -> str:
    return f"GRASSROOTS#{phase_id}#{unit_id}"


def collective_partition(phase_id: str, top_level_unit_id: str) -> str:
    return f"COLLECTIVE#{phase_id}#{top_level_unit_id}"


def score_rank(score_total: int, benefit: int, code: str, submission_id: str) -> str:
    """The `by_score` sort key: ascending is Candidate.rank_key's order (score
    desc, benefit desc, tracking code, id)."""
    return (f"{SCORE_CEILING - score_total:03d}#{BENEFIT_CEILING - min(benefit, BENEFIT_CEILING):016d}"
            f"#{code}#{submission_id}")


def score_bound(min_total_score: int) -> str:
    """Every score_rank of a score ≥ `min_total_score` sorts below this."""
    return f"{SCORE_CEILING - min_total_score + 1:03d}"


def entry(code: str, author: Author, grassroots_unit_id: str, top_level_unit_id: str) -> str:
    """One initiative in an author's aggregate; sorting entries sorts them by code."""
    return SEPARATOR.join((code, author.full_name, author.member_id or "", grassroots_unit_id, top_level_unit_id))


# ---------------------------------------------------------------- the guards (named conditions)

def not_yet_written():
    """Closes: a candidate written twice or changed after compiling began.
    Streams redeliver, and a listener may run again after a partial failure: a
    candidate is written once and never touched again, so a replay changes
    nothing, and an interrupted run is completed by the next delivery. (For
    the grassroots candidate it also guards the union's sum, written in the
    same transaction.)"""
    from chalicelib.tables import AwardCandidate
    return AwardCandidate.pk.does_not_exist()


def entry_is_new(value: str):
    """Closes: one initiative counted twice for an author (a redelivered or
    replayed record, a listener run again after a partial failure): the
    author's aggregate moves only if its entries do not hold this one."""
    from chalicelib.tables import AwardPerson
    return AwardPerson.entries.does_not_exist() | ~AwardPerson.entries.contains(value)


# ---------------------------------------------------------------- the listener

def on_event(event: dict) -> None:
    """The `award_candidate` listener: `event` is the history event (a plain
    dict) of a recognition. Reads the initiative (one GetItem) and writes its
    candidate and aggregates for every unit on its path. Idempotent."""
    from chalicelib.submissions import store

    record = store.get(event["submission_id"])  # strongly consistent: the recognition's own write is visible
    if record is None:
        logger.warning("award candidate: initiative %s not found", event["submission_id"])
        return
    submission = store.plain(record)
    attributes = candidate_attributes(event, submission)
    if attributes is None:
        logger.warning("award candidate: event %s#%s has no scores or confirmed benefit; skipped",
                       event["submission_id"], event.get("seq"))
        return
    write(attributes)


def write(attributes: dict) -> None:
    """Write a recognised initiative's candidates and aggregates (its
    `candidate_attributes`) for every unit on its path; each write guarded,
    so running it again changes nothing."""
    path = attributes["unit_path"]
    for unit_id in path:
        _count_authors(unit_id, attributes)
    for unit_id in path:
        _write_candidate(unit_id, attributes, ranked=unit_id != path[0] or len(path) == 1,
                         grassroots=unit_id == path[-1])


def _count_authors(unit_id: str, attributes: dict) -> None:
    from pynamodb.exceptions import UpdateError

    from chalicelib.tables import AwardPerson

    phase_id = attributes["phase_id"]
    partition_key = person_partition(phase_id, unit_id)
    for key, author in author_keys(attributes).items():
        value = entry(attributes["code"], author, attributes["grassroots_unit_id"], attributes["top_level_unit_id"])
        person = AwardPerson(partition_key, key)
        try:
            person.update(actions=[
                AwardPerson.recognized.add(1), AwardPerson.score_total.add(attributes["score_total"]),
                AwardPerson.benefit.add(attributes["confirmed_benefit_vnd"]), AwardPerson.entries.add({value}),
            ], condition=entry_is_new(value))
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            # Counted by an earlier delivery, which may have stopped before indexing it.
            person = AwardPerson.get(partition_key, key, consistent_read=True)
        if int(person.recognized or 0) >= INDEX_FLOOR and person.count_pk is None:
            # Into `by_recognized` once it could be listed: authors of one initiative (most of
            # them) cost no index upkeep. SET of a constant: a second delivery changes nothing.
            person.update(actions=[AwardPerson.count_pk.set(partition_key)])


def _write_candidate(unit_id: str, attributes: dict, ranked: bool, grassroots: bool) -> None:
    from pynamodb.exceptions import PutError

    from chalicelib.tables import AwardCandidate, AwardCollective, Cancelled, CandidateAuthor, Transaction

    phase_id = attributes["phase_id"]
    item = AwardCandidate(partition(phase_id, unit_id), attributes["submission_id"],
                          **{**attributes, "authors": [CandidateAuthor(**a) for a in attributes["authors"]]})
    if ranked:
        item.score_rank = score_rank(attributes["score_total"], attributes["confirmed_benefit_vnd"],
                                     attributes["code"], attributes["submission_id"])
    if not grassroots:
        try:
            item.save(condition=not_yet_written())
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise  # written by an earlier delivery, when it is that
        return
    transaction = Transaction()
    transaction.put("candidate", item, condition=not_yet_written())
    transaction.update("union's sum", AwardCollective(grassroots_key(phase_id, unit_id), SUM), [
        AwardCollective.count_pk.set(collective_partition(phase_id, attributes["top_level_unit_id"])),
        AwardCollective.unit_id.set(unit_id), AwardCollective.unit_path.set(attributes["unit_path"]),
        AwardCollective.top_level_unit_id.set(attributes["top_level_unit_id"]),
        AwardCollective.recognized.add(1), AwardCollective.benefit.add(attributes["confirmed_benefit_vnd"])])
    try:
        transaction.commit()
    except Cancelled as cancelled:
        if not cancelled.failed("candidate"):
            raise  # written (and summed) by an earlier delivery, when it is that


MANY_ACTIONS = 100  # DynamoDB's limit per transaction


def write_many(recognitions: list) -> int:
    """`write` for many recognised initiatives at once (their
    `candidate_attributes`; the demo's bulk import), leaving the same items:
    their moves summed per item (an author's aggregate moves once for all of
    their initiatives; a union's sum once for its candidates), as many
    writes as fit in one transaction at a time, each under the guard `write`
    uses: a candidate put only if absent, an author's aggregate moved only if
    its `entries` hold none of the entries added, a union's sum moved in the
    transaction of the union's candidates it counts. What an earlier run
    wrote is left out (a second run writes nothing). An author's aggregate
    not there yet is put whole (indexed once it reaches INDEX_FLOOR), one
    there already is read and moved. Returns the writes made."""
    from chalicelib.tables import AwardCandidate, AwardCollective, BatchRead, CandidateAuthor

    people: dict = {}  # (partition, author key) -> {entry: (score, benefit)}
    unions: dict = {}  # grassroots unit -> attributes of its recognitions
    candidates = []  # (unit, attributes) of the units above the grassroots union
    for attributes in recognitions:
        path = attributes["unit_path"]
        for unit_id in path:
            for key, author in author_keys(attributes).items():
                value = entry(attributes["code"], author, attributes["grassroots_unit_id"],
                              attributes["top_level_unit_id"])
                people.setdefault((person_partition(attributes["phase_id"], unit_id), key), {}).setdefault(
                    value, (attributes["score_total"], attributes["confirmed_benefit_vnd"]))
            if unit_id != path[-1]:
                candidates.append((unit_id, attributes))
        unions.setdefault((attributes["phase_id"], path[-1]), []).append(attributes)
    read = BatchRead(consistent=True)
    sums = {union: read.want(AwardCollective, grassroots_key(*union), SUM) for union in unions}
    read.run()

    def candidate(unit_id: str, attributes: dict):
        path = attributes["unit_path"]
        item = AwardCandidate(partition(attributes["phase_id"], unit_id), attributes["submission_id"],
                              **{**attributes, "authors": [CandidateAuthor(**a) for a in attributes["authors"]]})
        if unit_id != path[0] or len(path) == 1:
            item.score_rank = score_rank(attributes["score_total"], attributes["confirmed_benefit_vnd"],
                                         attributes["code"], attributes["submission_id"])
        return item

    writes = []  # (names of the guarded actions, how many actions at most, how to add them to a transaction)
    for (phase_id, unit_id), found in sorted(unions.items()):
        for start in range(0, len(found), MANY_ACTIONS - 1):
            chunk = found[start:start + MANY_ACTIONS - 1]
            new_sum = read.found(sums[(phase_id, unit_id)]) is None

            def add(transaction, skip, chunk=chunk, phase_id=phase_id, unit_id=unit_id, start=start,
                    new_sum=new_sum):
                # The union's sum moves by the candidates written with it (those written before are left out).
                fresh = [a for a in chunk if f"candidate {unit_id} {a['submission_id']}" not in skip]
                for attributes in fresh:
                    transaction.put(f"candidate {unit_id} {attributes['submission_id']}",
                                    candidate(unit_id, attributes), condition=not_yet_written())
                if not fresh:
                    return
                first, name = fresh[0], f"sum {unit_id} {start}"
                total = AwardCollective(grassroots_key(phase_id, unit_id), SUM)
                values = {"count_pk": collective_partition(phase_id, first["top_level_unit_id"]), "unit_id": unit_id,
                          "unit_path": first["unit_path"], "top_level_unit_id": first["top_level_unit_id"]}
                count, benefit = len(fresh), sum(a["confirmed_benefit_vnd"] for a in fresh)
                if new_sum and not start:
                    # No sum yet: the whole item at once, only if still absent (an ADD costs more to emulate).
                    transaction.put(name, AwardCollective(total.pk, SUM, **values, recognized=count, benefit=benefit),
                                    condition=AwardCollective.pk.does_not_exist())
                else:
                    transaction.update(name, total, [
                        *(getattr(AwardCollective, k).set(v) for k, v in values.items()),
                        AwardCollective.recognized.add(count), AwardCollective.benefit.add(benefit)])
            writes.append(([f"candidate {unit_id} {a['submission_id']}" for a in chunk], len(chunk) + 1, add))
    for unit_id, attributes in candidates:
        name = f"candidate {unit_id} {attributes['submission_id']}"

        def add(transaction, skip, name=name, unit_id=unit_id, attributes=attributes):
            if name not in skip:
                transaction.put(name, candidate(unit_id, attributes), condition=not_yet_written())
        writes.append(([name], 1, add))
    done, _ = _commit_all(writes)
    # Each author's aggregate put whole where there is none yet (the usual case: nobody was
    # recognised before); those there already are read and moved by what they do not hold yet.
    done_people, there = _commit_all([_person_write(person, entries, None)
                                      for person, entries in sorted(people.items())])
    if there:
        from chalicelib.tables import AwardPerson

        read = BatchRead(consistent=True)
        wanted = {person: read.want(AwardPerson, *person) for person in people if _person_name(*person) in there}
        read.run()
        moved, _ = _commit_all([_person_write(person, people[person], read.found(key) or AwardPerson(*person))
                                for person, key in sorted(wanted.items())])
        done_people += moved
    return done + done_people


def _person_name(partition_key: str, key: str) -> str:
    return f"person {partition_key} {key}"


def _person_write(person: tuple, entries: dict, before):
    """The write that moves one author's aggregate by `entries` ({entry: (score, benefit)}):
    a put of the whole aggregate when `before` is None (only if still absent), else an update
    by the entries it does not hold yet (only if it still holds none of them); None when it
    holds them all."""
    from chalicelib.tables import AwardPerson

    partition_key, key = person
    known = set(before.entries or ()) if before is not None else set()
    fresh = {value: moves for value, moves in entries.items() if value not in known}
    name = _person_name(partition_key, key)
    count = (int(before.recognized or 0) if before is not None else 0) + len(fresh)
    index = count >= INDEX_FLOOR and (before is None or before.count_pk is None)
    score, benefit = sum(s for s, _ in fresh.values()), sum(b for _, b in fresh.values())

    def add(transaction, skip):
        if name in skip or not fresh:
            return
        if before is None:
            transaction.put(name, AwardPerson(partition_key, key, recognized=len(fresh), score_total=score,
                                              benefit=benefit, entries=set(fresh),
                                              **({"count_pk": partition_key} if index else {})),
                            condition=AwardPerson.pk.does_not_exist())
            return
        condition = None
        for value in sorted(fresh):
            condition = entry_is_new(value) if condition is None else condition & entry_is_new(value)
        actions = [AwardPerson.recognized.add(len(fresh)), AwardPerson.score_total.add(score),
                   AwardPerson.benefit.add(benefit), AwardPerson.entries.add(set(fresh))]
        if index:
            actions.append(AwardPerson.count_pk.set(partition_key))
        transaction.update(name, AwardPerson(partition_key, key), actions, condition=condition)
    return [name], 1, add


def _commit_all(writes: list) -> tuple[int, set]:
    """Commit `writes` ((guarded actions' names, size, adder) each:
    `adder(transaction, skip)` adds its actions, at most `size`, but those
    named in `skip`) in transactions of at most MANY_ACTIONS actions. An
    action whose guard fails (written before) is left out and the rest
    committed again. Returns (the actions committed, the names left out)."""
    from chalicelib.tables import Cancelled, Transaction

    groups, group, size = [], [], 0
    for write in writes:
        if group and size + write[1] > MANY_ACTIONS:
            groups.append(group)
            group, size = [], 0
        group.append(write)
        size += write[1]
    groups += [group] if group else []
    done, left_out = 0, set()
    for group in groups:
        names = [name for write in group for name in write[0]]
        skip: set = set()
        for _ in range(len(names) + 2):  # each round leaves out at least one action, or ends
            transaction = Transaction()
            for _, _, add in group:
                add(transaction, skip)
            if not transaction.actions:
                break
            try:
                transaction.commit()
                done += len(transaction.actions)
                break
            except Cancelled as cancelled:
                failed = {name for name in names if cancelled.failed(name)}
                if not failed and not cancelled.conflict:
                    raise
                skip |= failed
        left_out |= skip
    return done, left_out


def author_keys(attributes: dict) -> dict:
    """author key → Author, each key once (the first author listed under it),
    as compiling counts them."""
    keys = {}
    for raw in attributes["authors"]:
        author = Author(raw["full_name"], raw.get("member_id"))
        keys.setdefault(author.key(attributes["grassroots_unit_id"]), author)
    return keys


def candidate_attributes(event: dict, submission: dict) -> dict | None:
    """A candidate's attributes from the recognition event and the initiative
    (plain dicts). Scores and benefit come from the event's input (what the
    reviewer decided), else from the initiative; None if neither has them."""
    given = event.get("input") or {}
    scores = given.get("scores") or submission.get("scores")
    benefit = given.get("confirmed_benefit_vnd")
    if benefit is None:
        benefit = submission.get("confirmed_benefit_vnd")
    if not scores or benefit is None or any(name not in scores for name in SCORES):
        return None
    path = list(submission["unit_path"])
    scores = {name: int(scores[name]) for name in SCORES}
    return {
        "submission_id": submission["id"], "code": submission["code"], "title": submission["title"],
        "program_id": submission["program_id"], "phase_id": submission["phase_id"],
        "unit_path": path, "grassroots_unit_id": path[-1], "top_level_unit_id": top_level_of(path),
        "authors": [{"full_name": a["full_name"], **({"member_id": a["member_id"]} if a.get("member_id") else {})}
                    for a in submission["authors"]],
        "scores": scores, "score_total": sum(scores.values()), "confirmed_benefit_vnd": int(benefit),
        "recognized_at": event["at"], "event_seq": int(event["seq"]),
    }


# ---------------------------------------------------------------- what compiling reads

def for_unit(unit_id: str, phase_id: str):
    """Every candidate of `unit_id`'s subtree in `phase_id`: one Query, page
    after page (a generator of Candidate). Compiling no longer reads this (it
    grows with what was recognised); kept to check the aggregates against."""
    from chalicelib.dynamo_json import plain
    from chalicelib.tables import AwardCandidate

    for item in AwardCandidate.query(partition(phase_id, unit_id)):
        yield Candidate.from_json(plain(item.attribute_values))


def best(unit_id: str, phase_id: str, limit: int, min_total_score: int) -> list:
    """The best `limit` candidates of `unit_id`'s subtree scoring at least
    `min_total_score`, best first: ONE Query of `by_score` with Limit (reads
    only what it returns)."""
    from chalicelib.dynamo_json import plain
    from chalicelib.tables import AwardCandidate

    found = AwardCandidate.by_score.query(partition(phase_id, unit_id),
                                          AwardCandidate.score_rank < score_bound(min_total_score), limit=limit)
    return [Candidate.from_json(plain(item.attribute_values)) for item in found]


def people(unit_id: str, phase_id: str, min_recognized: int) -> dict:
    """author key → PersonTotal of every author with at least `min_recognized`
    recognised initiatives in `unit_id`'s subtree: a Query of `by_recognized`
    (paginated) reading only those; when the criteria ask for fewer than
    INDEX_FLOOR (every author is listed), a Query of the unit's aggregates."""
    from chalicelib.tables import AwardPerson

    if min_recognized >= INDEX_FLOOR:
        found = AwardPerson.by_recognized.query(person_partition(phase_id, unit_id),
                                                AwardPerson.recognized >= min_recognized)
    else:
        found = AwardPerson.query(person_partition(phase_id, unit_id))
    return {item.sk: PersonTotal.from_entries(int(item.recognized), int(item.score_total), int(item.benefit),
                                              item.entries, SEPARATOR)
            for item in found if int(item.recognized) >= min_recognized}


def collectives(top_level_unit_id: str, phase_id: str, min_recognized: int, within: str | None = None) -> dict:
    """grassroots unit id → CollectiveTotal of the unions under
    `top_level_unit_id` with at least `min_recognized` recognised initiatives
    (only those under `within`, when given: a filter on what is read): a Query
    of `by_recognized` (paginated)."""
    from chalicelib.tables import AwardCollective

    condition = AwardCollective.unit_path.contains(within) if within else None
    found = AwardCollective.by_recognized.query(collective_partition(phase_id, top_level_unit_id),
                                                AwardCollective.recognized >= min_recognized,
                                                filter_condition=condition)
    return {item.unit_id: CollectiveTotal(count=int(item.recognized), benefit=int(item.benefit),
                                          top_level_unit_id=item.top_level_unit_id) for item in found}
