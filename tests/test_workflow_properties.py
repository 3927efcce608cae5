"""Properties of the review workflow, for any sequence of requests.

1. Against moto, through `review.service.fire` (what POST
   /submissions/{id}/transitions runs): random events by random people with
   random input never leave an initiative in a state the definition does not
   have, never move it along an edge the definition does not draw, and keep its
   status, version, history and queue keys in step.
2. The pure engine alone, with many more examples.
"""
import boto3
import pytest
import hypothesis
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from chalicelib import settings as app_settings
from chalicelib.auth.principal import Principal
from chalicelib.api.http import status_of
from chalicelib.errors import DomainError
from chalicelib.review import service
from chalicelib.workflow import definition, engine
from tests.conftest import demo_users
from tests.helpers import enter

WORKFLOW = definition.default()
EVENTS = sorted(WORKFLOW.transitions)
UNKNOWN_EVENT = "approve_everything"

# Who may try things on an initiative of cdcs-rang-dong (tld > cd-cong-thuong > cdcs-rang-dong).
ACTORS = {
    "author": "worker-rang-dong",
    "grassroots reviewer": "reviewer-rang-dong",
    "upper reviewer": "reviewer-cong-thuong",      # cd-cong-thuong plays upper-grassroots here
    "sibling reviewer": "reviewer-tct-thep",       # cd-tct-thep: a sibling subtree under cd-cong-thuong
    "leader": "leader-national",                   # sees everything, decides nothing in this definition
    "admin": "admin",
}
# The people the definition's actors stand for, on this initiative: the test's own model, not the engine's.
NAMED_BY = {("author", None): "author", ("submitter", None): "author",  # the author here entered it
            ("reviewer", "grassroots"): "grassroots reviewer",
            ("reviewer", "upper_grassroots"): "upper reviewer"}

GOOD_REASON = "Thiếu số liệu đo đạc trước và sau khi áp dụng"
SCORES = {"novelty": 8, "applicability": 7, "effectiveness": 9}


def test_the_demo_workflow_is_what_these_properties_assume():
    assert len(EVENTS) == 8 and UNKNOWN_EVENT not in EVENTS
    for t in WORKFLOW.transitions.values():
        for actor in t.by:
            assert (actor.role, actor.level) in NAMED_BY, t


def principal(key: str) -> Principal:
    user = demo_users()[ACTORS[key]]
    return Principal(user_id=user["id"], roles=frozenset(user["roles"]), unit_id=user["unit_id"],
                     name=user["full_name"])


def stored(submission_id: str):
    """The initiative's META item and its history events, read straight from the table."""
    client = boto3.client("dynamodb")
    table = app_settings.table_name("initiatives")
    meta = client.get_item(TableName=table, Key={"pk": {"S": f"SUB#{submission_id}"}, "sk": {"S": "META"}},
                           ConsistentRead=True)["Item"]
    events, start = [], None
    while True:
        kwargs = {"ExclusiveStartKey": start} if start else {}
        page = client.query(TableName=table, ConsistentRead=True,
                            KeyConditionExpression="pk = :pk AND begins_with(sk, :evt)",
                            ExpressionAttributeValues={":pk": {"S": f"SUB#{submission_id}"}, ":evt": {"S": "EVT#"}},
                            **kwargs)
        events += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return meta, sorted(events, key=lambda item: item["sk"]["S"])


def usually(data, label: str) -> bool:
    """True three times in four; shrinks towards True."""
    return data.draw(st.integers(0, 3), label=label) < 3


def input_for(data, event: str) -> dict:
    """Input for a request: mostly what the event takes (so that walks get deep),
    sometimes anything at all, including too short a reason."""
    spec = WORKFLOW.transitions[event].input if event in WORKFLOW.transitions else {}
    fitting = usually(data, "input that fits the event")
    payload = {}
    for name, value in (("reason", GOOD_REASON), ("scores", SCORES), ("confirmed_benefit_vnd", 1_200_000_000)):
        if fitting:
            present = spec.get(name) == "required" or (spec.get(name) == "optional" and data.draw(st.booleans()))
        else:
            present = data.draw(st.booleans(), label=f"send {name}")
        if present:
            payload[name] = value
    if "reason" in payload and data.draw(st.integers(0, 9), label="reason quality") == 0:
        payload["reason"] = "ok"  # too short: 422
    return payload


class Walk:
    """One initiative and what the test has seen happen to it."""

    def __init__(self, submission: dict, path: tuple):
        self.id = submission["id"]
        self.path = path  # the unit path the engine resolves levels on
        self.answers_by_token = {}  # (user, token) → the 200 answers given for it

    def check_invariants(self):
        meta, events = stored(self.id)
        status, version = meta["status"]["S"], int(meta["version"]["N"])
        # The stored status is a state of the definition.
        assert status in WORKFLOW.states, status
        # The version counts the history events, numbered 1..n without gaps.
        assert version == len(events)
        assert [int(e["seq"]["N"]) for e in events] == list(range(1, len(events) + 1))
        assert events[0]["event"]["S"] == "submitted" and events[0]["to_state"]["S"] == WORKFLOW.start_at
        # The current state is where the last event led.
        assert events[-1]["to_state"]["S"] == status
        # Consecutive events chain: each starts where the previous one ended.
        for before, after in zip(events, events[1:]):
            assert after["from_state"]["S"] == before["to_state"]["S"]
        # Queue keys exist exactly when the state waits in a queue, and name the unit the engine resolves.
        waiting_for = engine.queue_unit(WORKFLOW, status, self.path)
        if WORKFLOW.states[status].queue:
            assert waiting_for is not None
            assert meta["qp"]["S"] == f"{waiting_for}#{status}"
            assert meta["qs"]["S"].endswith(f"#{self.id}")
            # The filters' keys follow it: its subject group and field in that unit's queue.
            assert meta["qg"]["S"] == f"{waiting_for}#{meta['subject_group']['S']}"
            assert meta["qf"]["S"] == f"{waiting_for}#{meta['field']['S']}"
        else:
            assert not {"qp", "qs", "qg", "qf"} & set(meta), meta
        return status, version, events


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_any_sequence_of_requests_keeps_the_initiative_consistent(api, data):
    from chalicelib.reference import catalog

    # GIVEN a fresh initiative of cdcs-rang-dong (the `api` fixture's tables live for the whole
    # test, not per example, so each example makes its own initiative)
    submission = enter(api)
    path = tuple(catalog.unit("cdcs-rang-dong").path)
    assert path == ("tld", "cd-cong-thuong", "cdcs-rang-dong")
    walk = Walk(submission, path)
    status, version, events = walk.check_invariants()
    assert (status, version) == ("pending", 1)

    # WHEN random people send random requests, one after another (mostly plausible ones,
    # so that walks get deep; shrinking leads towards plausible ones too)
    tries_after_the_end, previous = 0, None
    for _ in range(data.draw(st.integers(1, 14), label="steps")):
        if WORKFLOW.states[status].final:  # a few tries to move a finished initiative are enough
            tries_after_the_end += 1
            if tries_after_the_end > 3:
                break
        if previous and data.draw(st.integers(0, 3), label="resend the last decision") == 3:
            who, body = previous  # a client retrying a decision: same person, same body, same token
            event = body["event"]
        else:
            exits = [t.event for t in WORKFLOW.exits(status)]
            event = data.draw(st.sampled_from(exits if exits and usually(data, "an event that leaves the state")
                                              else EVENTS + [UNKNOWN_EVENT]), label="event")
            transition = WORKFLOW.transitions.get(event)
            named = sorted({NAMED_BY[(a.role, a.level)] for a in transition.by}) if transition else []
            who = data.draw(st.sampled_from(named if named and usually(data, "someone the event names")
                                            else sorted(ACTORS)), label="actor")
            right_version = usually(data, "the version last seen")
            body = {"event": event, **input_for(data, event),
                    "expected_version": version if right_version else version + data.draw(st.sampled_from([-1, 1]))}
            token = data.draw(st.sampled_from([None, "retry-a", "retry-b"]), label="client token")
            if token:
                body["client_token"] = token
        transition = WORKFLOW.transitions.get(event)
        named = sorted({NAMED_BY[(a.role, a.level)] for a in transition.by}) if transition else []
        token = body.get("client_token")
        try:
            code, answer = service.fire(walk.id, principal(who), dict(body))
        except DomainError as error:
            code, answer = status_of(error), None
        note(f"{who} {body} -> {code}")
        if code == 200 and token:
            previous = (who, body)

        # THEN after every step the stored initiative is consistent ...
        new_status, new_version, new_events = walk.check_invariants()
        if code == 200 and len(new_events) == len(events) + 1:
            # ... a decision moved it along an edge the definition draws for that event,
            # fired by someone the definition names
            assert transition is not None
            last = new_events[-1]
            assert (last["event"]["S"], last["from_state"]["S"], last["to_state"]["S"]) == (event, status, new_status)
            assert status in transition.sources and new_status == transition.target
            assert who in named, (who, event)
            assert last["actor_id"]["S"] == ACTORS[who]
            assert new_version == version + 1 and body["expected_version"] == version
            assert answer["submission"]["status"] == new_status and answer["submission"]["version"] == new_version
            if token:
                walk.answers_by_token.setdefault((who, token), []).append(answer)
        elif code == 200:
            # ... a 200 that changed nothing is a retry answered as the first time
            assert token and answer in walk.answers_by_token.get((who, token), []), (who, body, answer)
            hypothesis.event("a retry was answered as the first time")
            assert (new_status, new_version, len(new_events)) == (status, version, len(events))
        else:
            # ... a refusal changes nothing
            assert code in (403, 409, 422), code
            hypothesis.event(f"refused with {code}")
            assert (new_status, new_version, new_events) == (status, version, events)
        status, version, events = new_status, new_version, new_events
    hypothesis.event(f"ended in {status}")
    hypothesis.event(f"decisions taken: {len(events) - 1}")


# ---------------------------------------------------------------------------
# The pure engine: many examples, no AWS.

PATHS = [
    ("tld", "cd-cong-thuong", "cdcs-rang-dong"),                       # grassroots directly under a top-level unit
    ("tld", "ldld-ha-noi", "ldld-cau-giay", "cdcs-fpt-cau-giay"),      # with an upper-grassroots union between
    ("tld", "cdcs-somewhere"),                                          # too short to resolve levels
]
UNITS = sorted({unit for path in PATHS for unit in path} | {"cd-tct-thep"})
USERS = ["worker-a", "worker-b", "reviewer-x"]

callers = st.builds(engine.Caller, user_id=st.sampled_from(USERS),
                    roles=st.frozensets(st.sampled_from(["member", "reviewer", "leader", "admin"])),
                    unit_id=st.sampled_from(UNITS))
subjects = st.builds(engine.Subject, status=st.sampled_from(sorted(WORKFLOW.states)), version=st.integers(1, 6),
                     unit_path=st.sampled_from(PATHS),
                     # the submitter (worker-a) is always an author; worker-b is an accepted co-author or not
                     author_ids=st.frozensets(st.sampled_from(USERS[1:2])).map(lambda ids: ids | {"worker-a"}),
                     submitter_id=st.just("worker-a"))
payloads = st.fixed_dictionaries({}, optional={"reason": st.just(GOOD_REASON), "scores": st.just(SCORES),
                                               "confirmed_benefit_vnd": st.integers(0, 10**9)})


def named_actor(transition, caller, subject):
    """Spelled out from the definition: is the caller one of the actors the transition names?"""
    if caller.user_id in subject.author_ids:
        return any(a.role == "author" or (a.role == "submitter" and caller.user_id == subject.submitter_id)
                   for a in transition.by)
    levels = {"grassroots": -1, "upper_grassroots": -2, "top_level": 1, "national": 0}
    return any(a.role not in ("author", "submitter") and a.role in caller.roles and len(subject.unit_path) >= 3
               and subject.unit_path[levels[a.level]] == caller.unit_id for a in transition.by)


@settings(max_examples=3000, deadline=None)
@given(subject=subjects, caller=callers, event=st.sampled_from(EVENTS + [UNKNOWN_EVENT]), payload=payloads,
       version_offset=st.sampled_from([0, 0, 0, -1, 1]))
def test_the_engine_allows_exactly_the_edges_the_definition_draws(subject, caller, event, payload, version_offset):
    # GIVEN any initiative and any caller; WHEN they fire any event with any input
    transition = WORKFLOW.transitions.get(event)
    try:
        decision = engine.decide(WORKFLOW, subject, caller, event, payload, subject.version + version_offset)
    except DomainError as error:
        # THEN a refusal says why, in this order of precedence
        if transition is None:
            assert (status_of(error), error.problems[0].code) == (422, "unknown_event")
            return
        required = {f for f, need in transition.input.items() if need == "required"}
        if not required <= set(payload) or not set(payload) <= set(transition.input):
            assert status_of(error) == 422
        elif not named_actor(transition, caller, subject):
            assert status_of(error) == 403
        else:
            assert status_of(error) == 409
            assert error.extra["current"] == {"status": subject.status, "version": subject.version}
            assert version_offset != 0 or subject.status not in transition.sources
        return
    # THEN a decision follows an edge of the definition, fired by someone it names, with the input it takes
    assert transition is not None and version_offset == 0
    assert decision.from_state == subject.status and subject.status in transition.sources
    assert decision.to_state == transition.target and decision.event == event
    assert named_actor(transition, caller, subject)
    assert caller.user_id not in subject.author_ids or any(a.role in ("author", "submitter") for a in transition.by)
    assert decision.input == {k: v for k, v in payload.items() if k in transition.input}
    assert decision.effects == transition.effects
    level = WORKFLOW.states[decision.to_state].queue
    if level is None:
        assert decision.queue_unit is None
    else:
        assert decision.queue_unit == engine.level_unit(level, subject.unit_path)
        if len(subject.unit_path) >= 3:  # every grassroots union of a checked tree is this deep
            assert decision.queue_unit in subject.unit_path


@settings(max_examples=1500, deadline=None)
@given(path=st.sampled_from(PATHS[:2]), steps=st.lists(
    st.tuples(st.sampled_from(EVENTS + [UNKNOWN_EVENT]), callers, payloads, st.sampled_from([0, 0, -1])),
    max_size=25))
def test_walking_the_engine_never_leaves_the_definition(path, steps):
    # GIVEN an initiative just submitted, held in memory
    subject = engine.Subject(status=WORKFLOW.start_at, version=1, unit_path=path, author_ids=frozenset({"worker-a"}),
                             submitter_id="worker-a")
    # WHEN random decisions are applied one after another
    for event, caller, payload, offset in steps:
        try:
            decision = engine.decide(WORKFLOW, subject, caller, event, payload, subject.version + offset)
        except DomainError:
            continue
        subject = engine.Subject(status=decision.to_state, version=subject.version + 1, unit_path=path,
                                 author_ids=subject.author_ids, submitter_id=subject.submitter_id)
        # THEN it only ever sits in states of the definition, and a final state is the end of it
        assert subject.status in WORKFLOW.states
    if WORKFLOW.states[subject.status].final:
        assert WORKFLOW.exits(subject.status) == []
        for event in EVENTS:
            for caller in (engine.Caller("worker-a", frozenset({"member"}), path[-1]),
                           engine.Caller("reviewer-x", frozenset({"reviewer"}), path[-1]),
                           engine.Caller("reviewer-x", frozenset({"reviewer"}), path[-2])):
                spec = WORKFLOW.transitions[event].input
                fitting = {k: {"reason": GOOD_REASON, "scores": SCORES, "confirmed_benefit_vnd": 1}[k]
                           for k, need in spec.items() if need == "required"}
                with pytest.raises(DomainError) as refused:
                    engine.decide(WORKFLOW, subject, caller, event, fitting, subject.version)
                assert status_of(refused.value) in (403, 409)
