"""Enter the demo initiatives (data/demo/initiatives.json) through the app's own
service, as `POST /submissions` would, then hand their stream records to the
stream handlers once, so that the local run starts with them counted and their
invitations delivered (a co-author invitation waiting for worker-fpt-en).

Run by `scripts/dev.py serve` (scripts/local.py) after the reference data is
loaded, against the emulated AWS. Each initiative has a fixed Idempotency-Key,
so running it twice enters nothing twice. When no phase is open today (the
demo program's phases have dates), nothing is entered and it says so.
"""
import json
import os

from chalicelib.errors import DomainError


def seed(directory: str, handlers=()) -> int:
    """Enter the initiatives of `directory`/initiatives.json; feed the new
    stream records to `handlers` once. Returns how many are there (entered
    now, or by an earlier run: a replayed key answers as the first time)."""
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
    feeder = StreamFeeder(settings.table_name("initiatives"))
    entered = 0
    for item in initiatives:
        user = users[item["submitted_by"]]
        principal = Principal(user_id=user["id"], roles=frozenset(user["roles"]), unit_id=user["unit_id"],
                              name=user["full_name"])
        try:
            status, stored = service.create(item["body"], principal, item["idempotency_key"])
        except DomainError as error:
            print(f"demo initiative {item['idempotency_key']} not entered: {error.body('en')['errors']}", flush=True)
            continue
        entered += status == 201  # the first answer, again on a replay
        print(f"demo initiative {stored['code']} «{stored['title']}» by {user['id']}", flush=True)
    records = feeder.poll()
    for handler in handlers:
        if records:
            handler(StreamFeeder.event(records), None)
    return entered
