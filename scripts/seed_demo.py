"""Enter the demo initiatives (data/demo/initiatives.json) through the app's own
service, as `POST /submissions` would, then hand their stream records to the
stream handlers once, so that the local run starts with them counted and their
invitations delivered (a co-author invitation waiting for worker-fpt-en).

Run by `scripts/dev.py serve` (scripts/local.py) after the reference data is
loaded, against the emulated AWS. Each initiative has a fixed Idempotency-Key,
so running it twice enters nothing twice. When no phase is open today (the
demo program's phases have dates), nothing is entered and it says so.

An initiative may say it was received `received_days_ago` days ago, and
list `steps` its reviewers took since (`event`, `by`, `days_ago`, input):
they are entered and fired on the app's clock set back that far, so that
queues hold items at every level, some near their deadline and some
overdue. The deadline sweep then runs once, as its schedule would have, and
their stream records go to the handlers.

Then the generated bulk beside them (scripts/demo_bulk.py: 5,000 in the open
edition, `bulk` to choose another number, 0 for none), which counts itself and
leaves no stream records; what of it fell due since the day it was made rings
in a second sweep, whose records go to the handlers too. The hand-made ones
are handled first, while the counters are still small (the emulator's updates
cost more the larger an item is).
"""
import json
import os
import time
from contextlib import contextmanager
from datetime import timedelta

from chalicelib.errors import DomainError


HANDLER_ATTEMPTS = 6  # as the local stream feeder (and Lambda's 5 retries)
BULK = 5000  # generated initiatives loaded after the hand-made ones (scripts/demo_bulk.py)


def seed(directory: str, handlers=(), feeder=None, bulk: int = BULK) -> int:
    """Enter the initiatives of `directory`/initiatives.json, then (`bulk`:
    how many; 0 for none) the generated bulk (scripts/demo_bulk.py); feed the
    new stream records to `handlers`, retrying the records a handler reports
    failed as the feeder would, but not the bulk's own (it counted itself).
    `feeder` (a StreamFeeder; default a new one) keeps its place, so the
    local run's feeder goes on after the demo instead of handling it all
    again. Returns how many hand-made ones are there (entered now, or by an
    earlier run: a replayed key answers as the first time)."""
    from chalicelib import settings
    from chalicelib.auth.principal import Principal
    from chalicelib.submissions import service
    from scripts.stream_feeder import StreamFeeder

    path = os.path.join(directory, "initiatives.json")
    if not os.path.exists(path):
        return 0
    with open(path, encoding="utf-8") as f:
        initiatives = json.load(f)["initiatives"]
    with open(os.path.join(directory, "users.json"), encoding="utf-8") as f:
        users = {user["id"]: user for user in json.load(f)["users"]}
    from chalicelib.review import deadlines

    def principal_of(user_id):
        user = users[user_id]
        return Principal(user_id=user["id"], roles=frozenset(user["roles"]), unit_id=user["unit_id"],
                         name=user["full_name"])
    feeder = feeder or StreamFeeder(settings.table_name("initiatives"))
    entered = 0
    laps, started = {}, (time.monotonic(), time.process_time())

    def lap(name):  # how long each part took, wall clock and CPU (the emulator's threads included)
        nonlocal started
        now = (time.monotonic(), time.process_time())
        laps[name], started = (now[0] - started[0], now[1] - started[1]), now

    for item in initiatives:
        try:
            with days_ago(item.get("received_days_ago", 0)):
                status, stored = service.create(item["body"], principal_of(item["submitted_by"]),
                                                item["idempotency_key"])
            for n, step in enumerate(item.get("steps", [])):
                with days_ago(step["days_ago"]):
                    stored = take(stored, step, principal_of(step["by"]), f"{item['idempotency_key']}-{n}")
        except DomainError as error:
            print(f"demo initiative {item['idempotency_key']} not entered: {error.body('en')['errors']}", flush=True)
            continue
        entered += status == 201  # the first answer, again on a replay
        print(f"demo initiative {stored['code']} «{stored['title']}» by {item['submitted_by']}", flush=True)
    lap("entered")
    rung = deadlines.sweep()
    print(f"demo deadlines: {rung}", flush=True)
    lap("swept")
    handle(feeder.poll(), handlers)
    lap("handled")
    if bulk:
        from scripts import demo_bulk

        loaded = demo_bulk.load(directory, count=bulk)
        print(f"demo bulk: {loaded.initiatives} initiatives ({loaded.written} written now), "
              f"{loaded.counted} changes counted, award lists {', '.join(loaded.award_lists) or '-'} "
              f"({', '.join(f'{k} {v} s' for k, v in loaded.seconds.items())})", flush=True)
        # Its alarms due since the day it was made ring now, as the schedule would ring them.
        rung = deadlines.sweep()
        print(f"demo bulk deadlines: {rung}", flush=True)
        handle(feeder.poll(), handlers)
        lap("bulk")
    print("demo: " + ", ".join(f"{name} in {wall:.1f} s ({cpu:.1f} s CPU)" for name, (wall, cpu) in laps.items()),
          flush=True)
    return entered


def handle(records: list, handlers) -> None:
    """Hand `records` to each handler, retrying those it reports failed, as the feeder would."""
    from scripts.stream_feeder import StreamFeeder

    for handler in handlers:
        batch = records
        for _ in range(HANDLER_ATTEMPTS):
            if not batch:
                break
            failed = {f["itemIdentifier"] for f in (handler(StreamFeeder.event(batch), None) or {}).get(
                "batchItemFailures", [])}
            batch = [r for r in batch if r["dynamodb"]["SequenceNumber"] in failed]
        if batch:
            print(f"demo: {len(batch)} stream records still failing in {getattr(handler, '__name__', handler)}",
                  flush=True)


def take(stored: dict, step: dict, principal, token: str) -> dict:
    """Fire one reviewer's step on a demo initiative (a client token per step: a second run changes nothing)."""
    from chalicelib.review import service

    body = {"event": step["event"], "expected_version": stored["version"], "client_token": token,
            **step.get("input", {})}
    return service.fire(stored["id"], principal, body)[1]["submission"]


@contextmanager
def days_ago(days: int):
    """The app's clock set back `days` days while entering (0: as it is)."""
    from chalicelib import clock

    if not days:
        yield
        return
    real = clock.set_clock(lambda: real() - timedelta(days=days))  # counts back from the clock it replaces
    try:
        yield
    finally:
        clock.set_clock(real)
