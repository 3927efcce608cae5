"""Many reviewers deciding the same initiative at the same moment.

The chalice test client is not thread-safe, so the threads call the service
layer (`review.service.fire`, what POST /submissions/{id}/transitions runs)
directly, each as reviewer-rang-dong; the initiative itself is created through
the HTTP API.
"""
import threading

import boto3
import pytest

from chalicelib import settings
from chalicelib.auth.principal import Principal
from chalicelib.api.http import status_of
from chalicelib.errors import DomainError
from chalicelib.review import service
from tests.conftest import demo_users
from tests.helpers import enter

THREADS = 20


@pytest.fixture
def dynamodb_serialises_writes(aws):
    """moto made to behave like DynamoDB under concurrent writers (writes
    serialised per call, a cancelled transaction leaving no trace):
    scripts/emulation.dynamodb_like_aws, which the `aws` fixture applies for
    every test and the local run applies to its server. Without it these
    tests would measure moto's races, not the app's."""
    from moto.dynamodb.models import DynamoDBBackend

    assert DynamoDBBackend._like_aws


def principal(user_id: str) -> Principal:
    user = demo_users()[user_id]
    return Principal(user_id=user["id"], roles=frozenset(user["roles"]), unit_id=user["unit_id"],
                     name=user["full_name"])


def history_items(submission_id: str) -> list[dict]:
    """The stored history, read straight from the table: Query SUB#<id>, sk begins_with EVT#."""
    page = boto3.client("dynamodb").query(
        TableName=settings.table_name("initiatives"), ConsistentRead=True,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :evt)",
        ExpressionAttributeValues={":pk": {"S": f"SUB#{submission_id}"}, ":evt": {"S": "EVT#"}})
    return page["Items"]


def race(bodies: list[dict], submission_id: str, who: Principal) -> list:
    """Fire every body from its own thread, all released at once; the outcome of each:
    ("ok", status, body) or ("error", DomainError) or ("crash", exception)."""
    start = threading.Barrier(len(bodies))
    outcomes = [None] * len(bodies)

    def run(index, body):
        start.wait()
        try:
            status, answer = service.fire(submission_id, who, body)
            outcomes[index] = ("ok", status, answer)
        except DomainError as error:
            outcomes[index] = ("error", error)
        except Exception as error:  # noqa: BLE001 - reported by the assertions below
            outcomes[index] = ("crash", error)

    threads = [threading.Thread(target=run, args=(i, body)) for i, body in enumerate(bodies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    crashes = [o[1] for o in outcomes if o[0] == "crash"]
    assert not crashes, f"unexpected exceptions: {crashes!r}"
    return outcomes


def created(api) -> dict:
    body = enter(api)
    assert body["status"] == "pending" and body["version"] == 1
    return body


@pytest.fixture
def everyone_decides_before_anyone_writes(monkeypatch):
    """Hold each request after the engine has decided (on the initiative as read)
    until all of them have: then all 20 reach the conditional write with version 1,
    and only the store's condition can stop 19 of them. Returns the decisions taken."""
    from chalicelib.workflow import engine

    decide, gate, decided = engine.decide, threading.Barrier(THREADS), []

    def held(*args, **kwargs):
        decision = decide(*args, **kwargs)
        decided.append(decision)
        gate.wait(timeout=30)
        return decision
    monkeypatch.setattr(engine, "decide", held)
    return decided


@pytest.mark.parametrize("timing", ["arriving together", "all read before any writes"])
def test_of_twenty_conflicting_decisions_exactly_one_is_applied(api, dynamodb_serialises_writes, timing, request):
    # GIVEN a pending initiative, seen at version 1 by the grassroots reviewer
    submission = created(api)
    reviewer = principal("reviewer-rang-dong")
    decided = None if timing == "arriving together" else request.getfixturevalue(
        "everyone_decides_before_anyone_writes")
    # WHEN 20 requests arrive at once, half marking it valid and half invalid, all from version 1
    bodies = [{"event": "validate", "expected_version": 1} if i % 2 == 0 else
              {"event": "invalidate", "expected_version": 1, "reason": f"Trùng với sáng kiến đã nộp ({i})"}
              for i in range(THREADS)]
    outcomes = race(bodies, submission["id"], reviewer)
    if decided is not None:  # the harsh timing really happened: every request got to the write
        assert len(decided) == THREADS

    # THEN exactly one is applied and the 19 others are told it changed under them (409)
    winners = [o for o in outcomes if o[0] == "ok"]
    losers = [o[1] for o in outcomes if o[0] == "error"]
    assert len(winners) == 1, outcomes
    assert winners[0][1] == 200
    assert [status_of(error) for error in losers] == [409] * (THREADS - 1), [str(e) for e in losers]
    won = winners[0][2]
    assert won["submission"]["version"] == 2
    assert won["submission"]["status"] in ("valid", "invalid")
    # ... each 409 names what the initiative is now, so the reviewer can refresh
    for error in losers:
        assert error.extra["current"] == {"status": won["submission"]["status"], "version": 2}

    # AND the history holds "submitted" and exactly one decision, the winner's
    events = sorted(history_items(submission["id"]), key=lambda item: item["sk"]["S"])
    assert [item["event"]["S"] for item in events] == ["submitted", won["event"]["event"]]
    assert [item["sk"]["S"] for item in events] == ["EVT#000001", "EVT#000002"]
    assert events[1]["to_state"]["S"] == won["submission"]["status"]

    # AND the initiative reads as the winner left it
    status, now_read = api.json("GET", f"/submissions/{submission['id']}", user="worker-rang-dong")
    assert status == 200
    assert (now_read["status"], now_read["version"]) == (won["submission"]["status"], 2)


@pytest.mark.parametrize("timing", ["arriving together", "all read before any writes"])
def test_twenty_retries_with_one_client_token_apply_once_and_all_get_the_same_answer(
        api, dynamodb_serialises_writes, timing, request):
    # GIVEN a pending initiative
    submission = created(api)
    reviewer = principal("reviewer-rang-dong")
    decided = None if timing == "arriving together" else request.getfixturevalue(
        "everyone_decides_before_anyone_writes")
    # WHEN the same request, with the same client token, is sent 20 times at once
    body = {"event": "validate", "expected_version": 1, "client_token": "validate-once-7f3a"}
    outcomes = race([dict(body) for _ in range(THREADS)], submission["id"], reviewer)
    if decided is not None:
        assert len(decided) == THREADS

    # THEN every one of them gets 200 with the same answer
    errors = [str(o[1]) for o in outcomes if o[0] == "error"]
    assert not errors, errors
    assert {o[1] for o in outcomes} == {200}
    answers = [o[2] for o in outcomes]
    assert all(answer == answers[0] for answer in answers), answers
    assert answers[0]["submission"]["status"] == "valid" and answers[0]["submission"]["version"] == 2
    # AND the decision was written once
    events = sorted(history_items(submission["id"]), key=lambda item: item["sk"]["S"])
    assert [item["event"]["S"] for item in events] == ["submitted", "validate"]
    status, now_read = api.json("GET", f"/submissions/{submission['id']}", user="reviewer-rang-dong")
    assert (now_read["status"], now_read["version"]) == ("valid", 2)
