"""The local run behaves like AWS under concurrency, tried over HTTP against the
served app (`scripts/dev.py serve`: moto's server, its stream fed by
scripts/stream_feeder.py, `chalice local`), not in-process.

DynamoDB serialises the writes to an item and a cancelled transaction leaves no
trace, in the table or in its stream; a Lambda reading the stream never loses
its place. moto does none of this by itself (scripts/emulation.py makes it)."""
import json
import threading
import time
import urllib.error
import urllib.request
import uuid

import boto3

from chalicelib.counters import core
from scripts import emulation
from tests.e2e.conftest import DIRECT
from tests.test_counters import counters, stored_initiatives

SETTLE = 10  # seconds within which the stream handlers must have caught up
SCORES = {"novelty": 8, "applicability": 9, "effectiveness": 7}


def call(url: str, method: str, path: str, body=None, token=None, headers=None) -> tuple[int, dict]:
    request = urllib.request.Request(url + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **(headers or {}),
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with DIRECT.open(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def token(url: str, user_id: str) -> str:
    status, answer = call(url, "POST", "/dev/token", {"user_id": user_id})
    assert status == 200, answer
    return answer["token"]


def at_once(calls) -> list:
    """Run every zero-argument callable in its own thread, all released together; their results in order."""
    start, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, work):
        start.wait()
        results[index] = work()

    threads = [threading.Thread(target=run, args=(i, work)) for i, work in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def fpt_initiative(title: str) -> dict:
    return {"title": title, "unit_id": "cdcs-fpt-cau-giay", "subject_group": "enterprise-workers",
            "field": "productivity", "problem": "Máy đóng gói dừng mỗi ca vì kẹt màng co.",
            "solution": "Thêm bộ dẫn hướng màng và cảm biến căng màng.", "results": "Không còn dừng máy giữa ca.",
            "applied_from": "2026-03-01", "benefit_vnd": 200_000_000,
            "authors": [{"full_name": "Phạm Minh Đức", "member_id": "worker-fpt", "share_percent": 100}]}


class Tables:
    """The served app's tables, read straight from its emulator (a Scan: tests may, the app never does)."""

    def __init__(self, endpoint: str):
        env = emulation.environment()
        self.client = boto3.client("dynamodb", endpoint_url=endpoint, region_name=env["AWS_DEFAULT_REGION"],
                                   aws_access_key_id="testing", aws_secret_access_key="testing")
        self.names = {kind: env[f"{kind.upper()}_TABLE"] for kind in ("initiatives", "counters")}

    def items(self, kind: str) -> list[dict]:
        found, start = [], {}
        while True:
            page = self.client.scan(TableName=self.names[kind], ConsistentRead=True, **start)
            found += page["Items"]
            if "LastEvaluatedKey" not in page:
                return found
            start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}

    def initiatives(self) -> list[dict]:
        return stored_initiatives(self.items("initiatives"))

    def counters(self) -> dict:
        return counters(self.items("counters"))


def settled(check, seconds: float = SETTLE):
    """Poll `check()` (returning (ok, detail)) until ok or `seconds` pass; the last (ok, detail)."""
    deadline = time.monotonic() + seconds
    while True:
        ok, detail = check()
        if ok or time.monotonic() > deadline:
            return ok, detail
        time.sleep(0.25)


def notifications_of(url: str, who: str, submission_id: str) -> list[str]:
    status, page = call(url, "GET", "/me/notifications?limit=100", token=who)
    assert status == 200, page
    return sorted(n["event"] for n in page["items"] if n["submission_id"] == submission_id)


def counters_match_a_recount(tables: Tables):
    """Every counter of a phase with initiatives equals a recount of them. The
    2022–2023 program's phases are counters only (scripts/history_2022.py: no
    items behind them, by design), so they are left out."""
    recounted = core.recount(tables.initiatives())
    phases = {phase for _, phase in recounted}
    counted = {scope: counts for scope, counts in tables.counters().items() if scope[1] in phases}
    return counted == recounted, {"counted": counted, "recounted": recounted}


def test_five_replays_at_once_store_one_initiative_and_three_transitions_notify_and_count_once(
        served_app, served_emulator):
    worker, checker, upper = (token(served_app, user) for user in ("worker-fpt", "reviewer-fpt", "reviewer-cau-giay"))
    tables = Tables(served_emulator)
    title = f"Dẫn hướng màng co cho máy đóng gói {uuid.uuid4().hex[:6]}"
    key = {"Idempotency-Key": str(uuid.uuid4())}

    # WHEN the same Idempotency-Key is sent five times at once (a double tap, a retrying phone)
    answers = at_once([lambda: call(served_app, "POST", "/submissions", fpt_initiative(title), worker, key)] * 5)

    # THEN every request is answered with the one initiative, stored once
    assert {status for status, _ in answers} == {201}, answers
    ids = {answer["id"] for _, answer in answers}
    assert len(ids) == 1, answers
    (sid,) = ids
    assert [i["id"] for i in tables.initiatives() if i["title"] == title] == [sid]

    # WHEN three transitions follow
    for version, (event, who, extra) in enumerate([
            ("validate", checker, {}), ("start_review", upper, {}),
            ("recognize", upper, {"scores": SCORES, "confirmed_benefit_vnd": 150_000_000})], start=1):
        status, answer = call(served_app, "POST", f"/submissions/{sid}/transitions",
                              {"event": event, "expected_version": version, **extra}, who)
        assert status == 200, (event, answer)

    # THEN within 10 s the author has exactly those three notifications, and every counter equals a recount
    wanted = sorted(["validate", "start_review", "recognize"])
    ok, seen = settled(lambda: ((found := notifications_of(served_app, worker, sid)) == wanted, found))
    assert ok, f"the author's notifications after {SETTLE} s: {seen}, wanted {wanted}"
    ok, detail = settled(lambda: counters_match_a_recount(tables))
    assert ok, detail
    # and nothing arrives twice later
    time.sleep(2)
    assert notifications_of(served_app, worker, sid) == wanted
    assert counters_match_a_recount(tables)[0]


def test_of_fifty_conflicting_transitions_at_once_exactly_one_wins(served_app, served_emulator):
    worker, checker = token(served_app, "worker-fpt"), token(served_app, "reviewer-fpt")
    tables = Tables(served_emulator)
    # Three rounds: without DynamoDB's locking, one round in three or so goes wrong.
    for _ in range(3):
        status, created = call(served_app, "POST", "/submissions",
                               fpt_initiative(f"Cảm biến căng màng {uuid.uuid4().hex[:6]}"), worker)
        assert status == 201, created
        sid = created["id"]
        bodies = [{"event": "validate", "expected_version": 1} if i % 2 else
                  {"event": "invalidate", "expected_version": 1,
                   "reason": "Trùng với sáng kiến đã công nhận năm trước."} for i in range(50)]

        # WHEN fifty reviewers' decisions, half "validate" and half "invalidate", arrive at once
        answers = at_once([lambda body=body: call(served_app, "POST", f"/submissions/{sid}/transitions", body, checker)
                           for body in bodies])

        # THEN exactly one is applied, 49 are told of the conflict, and the record says what the winner was told
        statuses = sorted(status for status, _ in answers)
        assert statuses == [200] + [409] * 49, statuses
        (winner,) = [answer for status, answer in answers if status == 200]
        status, stored = call(served_app, "GET", f"/submissions/{sid}", token=checker)
        assert status == 200 and (stored["status"], stored["version"]) == (winner["submission"]["status"], 2), stored
        # and the author hears of that one decision only; the counters count it once
        ok, seen = settled(lambda: ((found := notifications_of(served_app, worker, sid)) == [winner["event"]["event"]],
                                    found))
        assert ok, seen
        ok, detail = settled(lambda: counters_match_a_recount(tables))
        assert ok, detail
