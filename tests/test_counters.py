"""Counters: what an initiative counts for, and the stream consumer that keeps
every unit's counters exact however the stream delivers (again, out of order,
in part)."""
import random

from hypothesis import HealthCheck, given, settings, strategies as st

from chalicelib.counters import core
from tests import helpers
from tests.conftest import demo_users, initiative
from tests.helpers import deliver, enter, event, failures, fire

PHASE = "sk2627-gd1"
COUNT = ("count_changes",)  # these tests are about the counters' stream consumer only
FPT_PATH = ["tld", "ldld-ha-noi", "ldld-cau-giay", "cdcs-fpt-cau-giay"]
RANG_DONG_PATH = ["tld", "cd-cong-thuong", "cdcs-rang-dong"]  # grassroots directly under a top-level unit


# ------------------------------------------------------------------ helpers (test_stats uses them too)

def principal(user_id: str):
    from chalicelib.auth.principal import Principal

    user = demo_users()[user_id]
    return Principal(user_id=user_id, roles=frozenset(user["roles"]), unit_id=user["unit_id"],
                     name=user["full_name"])


def stored_initiatives(items: list[dict] | None = None) -> list[dict]:
    """Every initiative as stored now (a Scan: tests may, the app never does);
    `items`: the initiatives table's raw items, when read elsewhere."""
    from chalicelib.streams import initiative

    return [initiative(raw) for raw in (items if items is not None else helpers.table_items("initiatives"))
            if raw["sk"]["S"] == "META"]


def counters(items: list[dict] | None = None, decisions: bool = False) -> dict:
    """Every unit's counters, {(unit, phase): counts}, its shards added up and
    zero counts left out (the decisions' counters too, unless `decisions`: no
    recount sees them); `items`: the counters table's raw items, when read elsewhere."""
    from chalicelib.counters import store

    return store.counts_by_scope(items if items is not None else helpers.table_items("counters"), decisions)


def item(**overrides) -> dict:
    """An initiative's META image as the stream hands it over."""
    base = {"id": "s1", "version": 1, "status": "pending", "phase_id": PHASE, "unit_id": "cdcs-fpt-cau-giay",
            "unit_path": FPT_PATH, "block": "enterprise", "subject_group": "enterprise-workers",
            "benefit_vnd": 5_000_000, "authors": [{"full_name": "Phạm Minh Đức", "member_id": "worker-fpt",
                                                   "share_percent": 100}]}
    return {**base, **overrides}


# ------------------------------------------------------------------ the arithmetic (pure)

def test_a_new_initiative_counts_once_in_its_unit_and_every_unit_above():
    # GIVEN a new initiative of FPT's union, four levels down
    moves = core.delta(None, item())
    # THEN each of the four units' counters moves by the same amounts
    assert set(moves) == {(unit, PHASE) for unit in FPT_PATH}
    assert moves[("tld", PHASE)] == {"entered": 1, "state:pending": 1, "group:enterprise-workers": 1,
                                     "block:enterprise": 1, "benefit_estimated": 5_000_000}


def test_a_transition_moves_one_initiative_from_state_to_state_and_recognition_confirms_the_benefit():
    before = item(version=3, status="under_review")
    after = item(version=4, status="recognized", confirmed_benefit_vnd=4_000_000)
    assert core.delta(before, after)[("ldld-ha-noi", PHASE)] == {
        "state:under_review": -1, "state:recognized": 1, "benefit_confirmed": 4_000_000}
    # An edit that changes nothing counted moves nothing.
    assert core.delta(item(version=2), item(version=3, title="Tên mới")) == {}
    # An author's edit of the subject group and the benefit moves those only.
    edited = item(version=3, subject_group="works-and-technical", benefit_vnd=None)
    assert core.delta(item(version=2), edited)[("cdcs-fpt-cau-giay", PHASE)] == {
        "group:enterprise-workers": -1, "group:works-and-technical": 1, "benefit_estimated": -5_000_000}


def test_applying_every_change_in_any_order_adds_up_to_the_recount():
    versions = [None, item(version=1), item(version=2, status="needs_revision"),
                item(version=3, status="needs_revision", subject_group="officials", benefit_vnd=7),
                item(version=4, status="pending", subject_group="officials", benefit_vnd=7)]
    changes = list(zip(versions, versions[1:]))
    random.Random(4).shuffle(changes)
    total: dict = {}
    for old, new in changes:
        for scope, moves in core.delta(old, new).items():
            for name, n in moves.items():
                total.setdefault(scope, {})[name] = total.get(scope, {}).get(name, 0) + n
    recounted = core.recount([versions[-1]])
    assert {s: {k: v for k, v in c.items() if v} for s, c in total.items()} == {
        s: {k: v for k, v in c.items() if k != "authors"} for s, c in recounted.items()}


def test_authors_are_people_by_member_id_or_by_name_within_their_union():
    # Same member id: one person, whatever name they typed.
    assert core.author_key({"full_name": "Nguyen Van An", "member_id": "dv-1"}, "a") == \
        core.author_key({"full_name": "Nguyễn Văn An", "member_id": "dv-1"}, "b")
    # No member id: the name, ignoring case and diacritics, within the grassroots union.
    binh = {"full_name": "Trần Thị Bình"}
    assert core.author_key({"full_name": "TRẦN THỊ BÌNH"}, "u1") == core.author_key({"full_name": "Tran Thi Binh"},
                                                                                     "u1")
    assert core.author_key(binh, "u1") != core.author_key(binh, "u2")


def test_a_change_brings_only_new_people_and_never_takes_anyone_away():
    one = item(version=2, authors=[{"full_name": "A", "member_id": "dv-1", "share_percent": 100}])
    two = item(version=3, authors=[{"full_name": "A", "member_id": "dv-1", "share_percent": 50},
                                   {"full_name": "Bùi Văn Cường", "share_percent": 50}])
    assert core.new_authors(None, one)[("tld", PHASE)] == {"member:dv-1"}
    assert core.new_authors(one, two)[("ldld-cau-giay", PHASE)] == {"name:cdcs-fpt-cau-giay:bui van cuong"}
    assert core.new_authors(two, one) == {}  # dropped from the list, but took part
    assert core.new_authors(one, None) == {}


def test_percentages_round_half_up_to_one_decimal_and_need_a_target():
    assert core.percent(1, 8) == 12.5
    assert core.percent(1, 3) == 33.3
    assert core.percent(49, 400) == 12.3  # 12.25 → 12.3
    assert core.percent(51, 50) == 102.0
    assert core.percent(3, 0) is None and core.percent(3, None) is None


def test_rankings_break_ties_by_vietnamese_name_and_put_units_without_a_value_last():
    units = [("Liên đoàn Lao động tỉnh An Giang", 2), ("Liên đoàn Lao động Thành phố Hà Nội", 2),
             ("Công đoàn các Đơn vị sự nghiệp", 1), ("Công đoàn Cơ quan", 1), ("Không chỉ tiêu", None)]
    order = core.ranked(units, lambda u: u[1], lambda u: u[0])
    # "thanh pho" before "tinh"; "cac don vi" before "co quan" although "C" < "c" in code points.
    assert [u[0] for u in order] == ["Liên đoàn Lao động Thành phố Hà Nội", "Liên đoàn Lao động tỉnh An Giang",
                                     "Công đoàn các Đơn vị sự nghiệp", "Công đoàn Cơ quan", "Không chỉ tiêu"]


# ------------------------------------------------------------------ through the stream

def test_a_batch_delivered_three_times_counts_each_change_once(api, stream):
    # GIVEN an FPT initiative taken through to recognition, and two Rạng Đông ones
    fpt = dict(unit_id="cdcs-fpt-cau-giay", benefit_vnd=200_000_000,
               authors=[{"full_name": "Phạm Minh Đức", "member_id": "worker-fpt", "share_percent": 100}])
    sid = enter(api, user="worker-fpt", **fpt)["id"]
    for version, (name, user, extra) in enumerate([
            ("validate", "reviewer-fpt", {}), ("start_review", "reviewer-cau-giay", {}),
            ("recognize", "reviewer-cau-giay", {"scores": {"novelty": 8, "applicability": 9, "effectiveness": 7},
                                                 "confirmed_benefit_vnd": 150_000_000})], start=1):
        fire(api, sid, name, version, user, **extra)
    for _ in range(2):
        enter(api)
    records = stream.records()
    # WHEN the same batch is delivered three times
    deliver(stream, records, COUNT)
    once = counters()
    deliver(stream, records, COUNT)
    deliver(stream, records, COUNT)
    # THEN the counters are what one delivery made, and what the initiatives add up to
    assert counters() == once == core.recount(stored_initiatives())
    assert once[("ldld-cau-giay", PHASE)] == {
        "entered": 1, "state:recognized": 1, "group:enterprise-workers": 1, "block:enterprise": 1,
        "benefit_estimated": 200_000_000, "benefit_confirmed": 150_000_000, "authors": 1}
    # The national counter holds all three; Rạng Đông's two share two authors.
    assert once[("tld", PHASE)]["entered"] == 3 and once[("tld", PHASE)]["authors"] == 3
    assert once[("cd-cong-thuong", PHASE)] == {
        "entered": 2, "state:pending": 2, "group:enterprise-workers": 2, "block:enterprise": 2,
        "benefit_estimated": 3_000_000_000, "authors": 2, "w2611": 2}  # both waiting since November 2026
    # AND the FPT initiative's two decisions (both on the day, 21/11/2026) were counted once each:
    # the grassroots check's and the upper level's (taking it into review at the same desk is none)
    decided = counters(decisions=True)
    assert {name: n for name, n in decided[("ldld-cau-giay", PHASE)].items() if core.is_decision(name)} == {
        "dg0": 1, "du0": 1}
    assert {name: n for name, n in decided[("cd-cong-thuong", PHASE)].items() if core.is_decision(name)} == {}


def test_the_nationwide_ranking_index_holds_top_level_counters_by_kind_not_depth(api, stream):
    # GIVEN Rạng Đông's union, a grassroots union directly under a top-level unit
    enter(api)
    # WHEN the change is counted
    deliver(stream, handlers=COUNT)
    # THEN the top-level unit's counter is listed for the nationwide ranking (one shard of it written), and
    # the others are not in that index (they are ranked within a unit, read by key)
    levels = {raw["pk"]["S"].split("#")[1]: raw.get("level_pk", {}).get("S") for raw in helpers.table_items("counters")
              if raw["pk"]["S"].startswith("COUNT#")}
    assert levels == {"tld": None, "cd-cong-thuong": f"LEVEL#top_level#{PHASE}", "cdcs-rang-dong": None}


def test_a_change_that_cannot_be_counted_is_reported_and_counted_when_retried(api, stream, monkeypatch):
    # GIVEN DynamoDB refusing the counters' writes for a moment
    from chalicelib import aws

    enter(api)
    records = stream.records()
    # WHEN the batch is delivered THEN its record is reported failed, nothing counted
    with aws.replaced(dynamodb=helpers.Refusing(aws.dynamodb(), "TransactWriteItems")):
        failed = failures(stream, records, "count_changes")
    changes_of_initiatives = [r["dynamodb"]["SequenceNumber"] for r in records
                              if r["dynamodb"]["Keys"]["sk"]["S"] == "META"]
    assert failed == changes_of_initiatives
    assert counters() == {}
    # WHEN it is delivered again once DynamoDB is back THEN it counts, once
    deliver(stream, records, COUNT)
    deliver(stream, records, COUNT)
    assert counters()[("tld", PHASE)]["entered"] == 1


def test_recorded_records_count_an_initiative_once_and_never_its_history_or_tracking_code(api, stream):
    # GIVEN what Lambda hands over for one POST /submissions, as recorded (tests/events/):
    # the initiative's INSERT (FPT's union, three authors, 1.5 billion estimated), then the
    # INSERTs of its first history event and of its tracking code
    entered = [event("stream-initiative-insert"), event("stream-history-submitted"), event("stream-code-insert")]
    # WHEN the counters' consumer gets them (and reports no record failed)
    deliver(stream, entered, COUNT)
    # THEN the initiative counts once in its union and in every unit above it, and nothing else counts
    counted = {"entered": 1, "state:pending": 1, "group:enterprise-workers": 1, "block:enterprise": 1,
               "benefit_estimated": 1_500_000_000, "authors": 3}
    assert counters() == {(unit, PHASE): counted for unit in FPT_PATH}
    # WHEN the records of its return for revision come (the new history event's INSERT, the
    # initiative's MODIFY), then every record again, as a retried batch would
    returned = [event("stream-history-request-revision"), event("stream-initiative-modify")]
    deliver(stream, returned, COUNT)
    deliver(stream, entered + returned, COUNT)
    # THEN it moved from pending to needs_revision once, everywhere, and nothing else moved
    moved = {**{name: n for name, n in counted.items() if name != "state:pending"}, "state:needs_revision": 1}
    assert counters() == {(unit, PHASE): moved for unit in FPT_PATH}


# ------------------------------------------------------------------ random sequences, replays included

UNITS = {
    "cdcs-fpt-cau-giay": {"submitter": "worker-fpt", "grassroots": "reviewer-fpt", "upper": "reviewer-cau-giay"},
    "cdcs-rang-dong": {"submitter": "worker-rang-dong", "grassroots": "reviewer-rang-dong",
                       "upper": "reviewer-cong-thuong"},
    "cdcs-so-y-te-thanh-hoa": {"submitter": "worker-so-y-te", "grassroots": "reviewer-so-y-te",
                               "upper": "reviewer-vien-chuc-thanh-hoa"},
}
# What may happen next in each state, and whose seat it is.
NEXT = {"pending": ["validate", "invalidate", "request_revision", "withdraw"],
        "needs_revision": ["resubmit", "withdraw", "edit"], "valid": ["start_review"],
        "under_review": ["recognize", "decline"]}
ACTOR = {"validate": "grassroots", "invalidate": "grassroots", "request_revision": "grassroots",
         "resubmit": "submitter", "withdraw": "submitter", "edit": "submitter", "start_review": "upper",
         "recognize": "upper", "decline": "upper"}
TO = {"validate": "valid", "invalidate": "invalid", "request_revision": "needs_revision", "resubmit": "pending",
      "withdraw": "withdrawn", "start_review": "under_review", "recognize": "recognized",
      "decline": "not_recognized"}
# People who may be authors: namesakes with different member ids, one person
# typed three ways without one, and people whose member id spans unions.
PEOPLE = [{"full_name": "Nguyễn Văn An", "member_id": "dv-0001"},
          {"full_name": "Nguyễn Văn An", "member_id": "dv-0002"},
          {"full_name": "Trần Thị Bình"}, {"full_name": "TRẦN THỊ BÌNH"}, {"full_name": "Tran Thi Binh"},
          {"full_name": "Lê Văn Cường"}, {"full_name": "Đỗ Thị Hoa", "member_id": "dv-0003"}]
GROUPS = ["public-service", "works-and-technical", "new-countryside", "officials", "enterprise-workers"]


def with_shares(people: list) -> list:
    share = 100 // len(people)
    return [{**person, "share_percent": share + (100 - share * len(people) if i == 0 else 0)}
            for i, person in enumerate(people)]


class Scenario:
    """Initiatives entered and moved through the service layer, as the API
    would, with the stream's records held back and delivered as drawn."""

    def __init__(self, stream, data):
        self.stream, self.data = stream, data
        self.initiatives: list[dict] = []
        # Polled from the stream but not delivered yet. Kept on the stream object: an
        # example that stops half-way (a failure, or hypothesis cutting a draw short
        # while shrinking) leaves them to the next one instead of losing them.
        self.pending: list[dict] = stream.held_back
        self.delivered: list[dict] = []  # delivered at least once

    def draw(self, strategy):
        return self.data.draw(strategy)

    def enter(self):
        from chalicelib.submissions import service

        unit = self.draw(st.sampled_from(sorted(UNITS)))
        people = self.draw(st.lists(st.sampled_from(range(len(PEOPLE))), min_size=1, max_size=3, unique=True))
        body = initiative(unit_id=unit, subject_group=self.draw(st.sampled_from(GROUPS)),
                          benefit_vnd=self.draw(st.sampled_from([None, 0, 1_000_000, 25_000_000])),
                          authors=with_shares([PEOPLE[i] for i in people]))
        body = {k: v for k, v in body.items() if v is not None}
        status, created = service.create(body, principal(UNITS[unit]["submitter"]), None)
        assert status == 201
        self.initiatives.append({"id": created["id"], "unit": unit, "status": "pending", "version": 1,
                                 "body": body, "people": people})

    def move(self):
        from chalicelib.review import service

        movable = [i for i in self.initiatives if i["status"] in NEXT]
        if not movable:
            return self.enter()
        chosen = self.draw(st.sampled_from(movable))
        event = self.draw(st.sampled_from(NEXT[chosen["status"]]))
        actor = principal(UNITS[chosen["unit"]][ACTOR[event]])
        if event == "edit":
            # An author's edit: another subject group and benefit, maybe one more co-author
            # (never one fewer: a dropped author stays counted, so a recount of the items as
            # they are would not see them).
            more = self.draw(st.sampled_from([None] + [i for i in range(len(PEOPLE)) if i not in chosen["people"]]))
            people = chosen["people"] + ([more] if more is not None else [])
            body = {**chosen["body"], "subject_group": self.draw(st.sampled_from(GROUPS)),
                    "authors": with_shares([PEOPLE[i] for i in people])}
            benefit = self.draw(st.sampled_from([None, 3_000_000, 40_000_000]))
            body = {k: v for k, v in {**body, "benefit_vnd": benefit}.items() if v is not None}
            service.edit(chosen["id"], actor, body, None)
            chosen.update(body=body, people=people)
        else:
            request = {"event": event, "expected_version": chosen["version"]}
            if event in ("invalidate", "request_revision", "decline"):
                request["reason"] = "Lý do kiểm thử."
            if event == "recognize":
                request |= {"scores": {"novelty": 7, "applicability": 8, "effectiveness": 9},
                            "confirmed_benefit_vnd": self.draw(st.sampled_from([0, 2_000_000, 90_000_000]))}
            status, answer = service.fire(chosen["id"], actor, request)
            assert status == 200, answer
            chosen["status"] = TO[event]
        chosen["version"] += 1

    def deliver_some(self):
        """A batch of what was written, in part, out of order, with replays."""
        self.pending += self.stream.records()
        order = self.draw(st.permutations(range(len(self.pending))))
        cut = self.draw(st.integers(0, len(self.pending)))
        batch = [self.pending[i] for i in order[:cut]]
        if self.delivered and self.draw(st.booleans()):
            batch += self.draw(st.lists(st.sampled_from(self.delivered), max_size=4))
        if batch:
            deliver(self.stream, batch, COUNT)
        self.delivered += batch
        self.pending[:] = [self.pending[i] for i in order[cut:]]

    def finish(self):
        """Whatever was held back, shuffled, then a replay of some delivered records."""
        self.pending += self.stream.records()
        rest = self.draw(st.permutations(self.pending))
        if rest:
            deliver(self.stream, list(rest), COUNT)
        self.delivered += rest
        self.pending.clear()
        replay = self.draw(st.lists(st.sampled_from(self.delivered), max_size=6)) if self.delivered else []
        if replay:
            deliver(self.stream, replay, COUNT)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_after_any_sequence_and_any_delivery_every_counter_equals_a_recount(stream, data):
    # What an example that stopped half-way wrote but did not deliver.
    leftover = getattr(stream, "held_back", []) + stream.records()
    if leftover:
        deliver(stream, leftover, COUNT)
    stream.held_back = []
    counted_before, recounted_before = counters(), core.recount(stored_initiatives())
    # GIVEN initiatives entered, reviewed, returned and edited at random, the
    # stream's records delivered in random parts, out of order, some again
    scenario = Scenario(stream, data)
    steps = data.draw(st.lists(st.sampled_from(["enter", "move", "move", "deliver"]), min_size=1, max_size=12))
    for step in ["enter", *steps]:
        {"enter": scenario.enter, "move": scenario.move, "deliver": scenario.deliver_some}[step]()
    # WHEN everything has been delivered at least once
    scenario.finish()
    # THEN every counter of every unit equals a full recount of the stored initiatives
    # (those of earlier examples included: the tables are shared across examples, so
    # what this example changed is compared too, to pin a failure on its example)
    counted, recounted = counters(), core.recount(stored_initiatives())
    assert changes(counted_before, counted) == changes(recounted_before, recounted)
    assert counted == recounted


def changes(before: dict, after: dict) -> dict:
    """after − before, counter by counter, zeros left out."""
    found = {}
    for scope in set(before) | set(after):
        old, new = before.get(scope, {}), after.get(scope, {})
        moved = {name: new.get(name, 0) - old.get(name, 0) for name in set(old) | set(new)}
        moved = {name: n for name, n in moved.items() if n}
        if moved:
            found[scope] = moved
    return found



# ------------------------------------------------------------------ ranks

def test_tied_values_share_a_rank_and_the_next_rank_skips_the_places_they_share():
    from chalicelib.counters.core import competition_ranks, ranking

    assert competition_ranks([9, 7, 7, 5]) == [1, 2, 2, 4]
    assert competition_ranks([3, 3, 3]) == [1, 1, 1]
    assert competition_ranks([]) == []
    # Units: tied ones share the rank, listed by name; a unit without a value (no target) comes last.
    rows = [{"name": "Bình Định", "n": 4}, {"name": "An Giang", "n": 4}, {"name": "Cà Mau", "n": 9},
            {"name": "Đà Nẵng", "n": 1}, {"name": "Điện Biên", "n": None}]
    ranked = ranking(rows, lambda r: r["n"], lambda r: r["name"])
    assert [(r["rank"], r["name"]) for r in ranked] == [
        (1, "Cà Mau"), (2, "An Giang"), (2, "Bình Định"), (4, "Đà Nẵng"), (5, "Điện Biên")]


def test_a_batch_moves_each_counter_once_and_counts_each_change_once(api, stream):
    import boto3

    from chalicelib import aws

    # GIVEN thirty initiatives of one union entered, and their records in one batch (a campaign's burst)
    for n in range(30):
        enter(api, title=f"Cải tiến số {n} cho dây chuyền đèn LED")
    records = stream.records()
    assert len([r for r in records if r["dynamodb"]["Keys"]["sk"]["S"] == "META"]) == 30
    # WHEN the counting handler gets the batch
    counting = helpers.Counting(boto3.client("dynamodb"))
    with aws.replaced(dynamodb=counting):
        deliver(stream, records, COUNT)
    # THEN the thirty changes' moves went out summed: ONE transaction holding the thirty markers, the two
    # authors once each (one marker per person for the phase), and each counter of the union's path once
    # (national, the top-level union, the union; one shard of each), with its month of per-day counts once
    # (the thirty were entered on one day)
    writes = [params for operation, params in counting.calls if operation == "TransactWriteItems"]
    assert len(writes) == 1
    moved = [action["Update"]["Key"]["pk"]["S"] for action in writes[0]["TransactItems"] if "Update" in action]
    assert sorted(key.split("#")[0] + "#" + key.split("#")[1] for key in moved) == [
        "COUNT#cd-cong-thuong", "COUNT#cdcs-rang-dong", "COUNT#tld", "DAY#cd-cong-thuong", "DAY#cdcs-rang-dong",
        "DAY#tld", "PERSON#sk2627-gd1", "PERSON#sk2627-gd1"]
    # AND every counter equals a recount; a second delivery of the batch changes nothing
    assert counters() == core.recount(stored_initiatives())
    assert counters()[("tld", PHASE)]["entered"] == 30
    deliver(stream, records, COUNT)
    assert counters() == core.recount(stored_initiatives())
