"""The cost meter: DynamoDB calls and request units per API operation.

    .venv/bin/python bench/cost_meter.py          # a table
    .venv/bin/python bench/cost_meter.py --json   # the same figures as JSON

Runs the app in-process against moto's `mock_aws` with the demo reference data
loaded, through chalice's test client, exactly as tests/conftest.py does (the
same environment, set before boto3 or the app is imported; no real AWS endpoint
is ever called). While one request is measured, every botocore client's
`_make_api_call` (PynamoDB's clients included) is wrapped: each DynamoDB call is
counted by operation name, `ReturnConsumedCapacity: TOTAL` is added to it, and
the request units it consumed are taken from moto's answer.

moto's figures are fixed placeholders, not sizes: GetItem always 0.5, Query
and Scan always 1.0, BatchGetItem 1.0 per requested key, and TransactWriteItems
returns none at all. So every call is also priced by the AWS rules from the
serialized sizes of the items in the request/response (see RULES below), and
the table shows both: "RCU"/"WCU" are moto's figure where moto gave one and the
computed figure (marked `*`) where it gave none; "RCU rules"/"WCU rules" are
the AWS-rule figures for every call.

Exits non-zero, with a message, when the app ever Scans or when a warm
submission takes anything but exactly one TransactWriteItems (its only write)
and the near-duplicate check's reads: one Query per band and at most one
BatchGetItem (issue 14: the same whatever the corpus).
"""
import argparse
import json
import math
import os
import sys
import time
from collections import Counter
from contextlib import contextmanager

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

# The environment tests/conftest.py sets, before anything imports boto3 or the app.
from scripts import emulation  # noqa: E402

emulation.apply(emulation.environment())

from chalicelib.similar.core import BANDS  # noqa: E402 - the near-duplicate check's Queries per submission

READS = {"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems", "ExecuteStatement",
         "BatchExecuteStatement"}
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems",
          "ExecuteTransaction"}
# The operations that accept ReturnConsumedCapacity.
CAPACITY_OPS = READS | WRITES

RULES = """\
Request units by the AWS rules (on-demand RRU/WRU are priced the same way as RCU/WCU):
- item size = sum over attributes of UTF-8 name length + value size; S: UTF-8 bytes; B: bytes;
  N: 1 + ceil(significant digits / 2); BOOL/NULL: 1; L/M: 3 + per element 1 (+ the key's
  UTF-8 length for M) + the element's size; SS/NS/BS: sum of elements.
- GetItem: ceil(size / 4 KB) units, at least 1; x0.5 eventually consistent, x1 strongly
  consistent. A missing item still costs 1 unit.
- Query/Scan: the sizes of all items returned are summed, then ceil(/ 4 KB), at least 1;
  x0.5 eventually consistent (always so on a GSI), x1 strongly consistent.
- BatchGetItem: each requested key priced as a GetItem (missing keys cost 1 unit too).
- TransactGetItems: each item ceil(size / 4 KB), x2.
- Every write (Put, Update, Delete; alone, in a batch or in a transaction) is priced by the
  item as it was before and as it is after the call, read from the emulator's memory (not
  through the API, so not counted): ceil(max(size before, size after) / 1 KB), at least 1.
  TransactWriteItems: each action x2, ConditionCheck included (priced by the item it checks;
  assumption).
- A cancelled TransactWriteItems (a condition failed) is priced as if it had succeeded:
  DynamoDB charges the prepare phase of every action (assumption; AWS charges failed
  conditional writes).
- Index upkeep, per GSI, from the item's projected entry before and after (entry = table key +
  index key + the projected attributes: INCLUDE list, ALL, or none for KEYS_ONLY; an item
  without the index's key attributes has no entry: sparse): unchanged entry, 0; an entry
  added or removed, ceil(its size / 1 KB); the index key changed, a delete and a put (both);
  the same key, projected attributes changed, ceil(new entry / 1 KB). At the standard rate,
  NOT doubled inside a transaction (propagation is asynchronous; assumption). Index
  definitions are read from DescribeTable."""


# --------------------------------------------------------------------------- sizes

def _number_size(text: str) -> int:
    digits = text.lstrip("+-").lower().split("e")[0].replace(".", "").strip("0")
    return 1 + math.ceil(max(len(digits), 1) / 2)


def value_size(value: dict) -> int:
    (kind, data), = value.items()
    if kind == "S":
        return len(data.encode("utf-8"))
    if kind == "N":
        return _number_size(data)
    if kind == "B":
        return len(data)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode("utf-8")) for s in data)
    if kind == "NS":
        return sum(_number_size(n) for n in data)
    if kind == "BS":
        return sum(len(b) for b in data)
    if kind == "L":
        return 3 + sum(1 + value_size(v) for v in data)
    if kind == "M":
        return 3 + sum(1 + len(k.encode("utf-8")) + value_size(v) for k, v in data.items())
    raise ValueError(f"unknown attribute type {kind}")


def item_size(item: dict | None) -> int:
    return sum(len(name.encode("utf-8")) + value_size(value) for name, value in (item or {}).items())


def read_units(size: int) -> int:
    return max(1, math.ceil(size / 4096))


def write_units(size: int) -> int:
    return max(1, math.ceil(size / 1024))


# --------------------------------------------------------------------------- pricing

class Schemas:
    """Key schema and secondary indexes of each table, from DescribeTable."""

    def __init__(self, client, table_names):
        self.tables = {}
        for name in table_names:
            table = client.describe_table(TableName=name)["Table"]
            keys = [k["AttributeName"] for k in table["KeySchema"]]
            indexes = []
            for index in table.get("GlobalSecondaryIndexes", []) + table.get("LocalSecondaryIndexes", []):
                projection = index.get("Projection", {})
                indexes.append({"name": index["IndexName"],
                                "keys": [k["AttributeName"] for k in index["KeySchema"]],
                                "type": projection.get("ProjectionType", "ALL"),
                                "include": projection.get("NonKeyAttributes", [])})
            self.tables[name] = {"keys": keys, "indexes": indexes}

    def entry(self, table: str, index: dict, item: dict | None) -> dict | None:
        """`item`'s entry in `index`, or None when it has none (no item, or sparse)."""
        if not item or not all(k in item for k in index["keys"]):
            return None
        if index["type"] == "ALL":
            return item
        names = set(self.tables[table]["keys"]) | set(index["keys"])
        if index["type"] == "INCLUDE":
            names |= set(index["include"])
        return {k: v for k, v in item.items() if k in names}

    def index_writes(self, table: str, before: dict | None, after: dict | None) -> list[tuple[str, int]]:
        """(index name, WCU) for each index a write from `before` to `after` touches."""
        schema = self.tables.get(table)
        if not schema:
            return []
        found = []
        for index in schema["indexes"]:
            old, new = self.entry(table, index, before), self.entry(table, index, after)
            if old == new:
                continue
            if old is None or new is None:
                units = write_units(item_size(old or new))
            elif any(old[k] != new[k] for k in index["keys"]):
                units = write_units(item_size(old)) + write_units(item_size(new))  # moved: delete + put
            else:
                units = write_units(item_size(new))
            found.append((index["name"], units))
        return found

    def key_of(self, table: str, item: dict) -> dict:
        return {k: item[k] for k in self.tables.get(table, {}).get("keys", []) if k in item}


def written(op: str, params: dict, schemas: Schemas) -> list[tuple[str, str, dict, dict | None, int]]:
    """The items a write call touches: (action, table, key, the item it puts or None, factor)."""
    if op == "PutItem":
        return [("Put", params["TableName"], schemas.key_of(params["TableName"], params["Item"]), params["Item"], 1)]
    if op in ("UpdateItem", "DeleteItem"):
        return [(op[:-4], params["TableName"], params["Key"], None, 1)]
    if op == "BatchWriteItem":
        return [("Put", table, schemas.key_of(table, r["PutRequest"]["Item"]), r["PutRequest"]["Item"], 1)
                if "PutRequest" in r else ("Delete", table, r["DeleteRequest"]["Key"], None, 1)
                for table, requests in params.get("RequestItems", {}).items() for r in requests]
    if op == "TransactWriteItems":
        found = []
        for action in params.get("TransactItems", []):
            (kind, body), = action.items()
            item = body.get("Item")
            found.append((kind, body["TableName"], body.get("Key") or schemas.key_of(body["TableName"], item), item, 2))
        return found
    return []


def price(op: str, params: dict, response: dict, schemas: Schemas, before=None, after=None
          ) -> tuple[float, float, list[str], list[dict]]:
    """(RCU, WCU, notes, parts) by the AWS rules (RULES); `parts` itemises written items.
    `before` / `after`: each written item as it was before and is after the call, in order."""
    rcu = wcu = 0.0
    notes, parts = [], []
    if op == "GetItem":
        factor = 1.0 if params.get("ConsistentRead") else 0.5
        rcu = read_units(item_size(response.get("Item"))) * factor
        if params.get("ProjectionExpression"):
            notes.append("projected response: the full item size is unknown")
    elif op in ("Query", "Scan"):
        factor = 1.0 if params.get("ConsistentRead") and not params.get("IndexName") else 0.5
        rcu = read_units(sum(item_size(i) for i in response.get("Items", []))) * factor
        if response.get("ScannedCount", 0) > response.get("Count", 0):
            notes.append("filter: items read but not returned are not priced")
    elif op == "BatchGetItem":
        for table, request in params.get("RequestItems", {}).items():
            factor = 1.0 if request.get("ConsistentRead") else 0.5
            sizes = {}
            for item in response.get("Responses", {}).get(table, []):
                sizes[_key_of(table, item, schemas)] = item_size(item)
            for key in request.get("Keys", []):
                rcu += read_units(sizes.get(_key_of(table, key, schemas), 0)) * factor
    elif op == "TransactGetItems":
        for item in response.get("Responses", []):
            rcu += 2 * read_units(item_size(item.get("Item")))
    elif op in WRITES:
        actions = written(op, params, schemas)
        for index, (kind, table, key, item, factor) in enumerate(actions):
            old = before[index] if before else None
            new = after[index] if after else None
            if kind == "Put" and new is None:  # refused or cancelled: priced as asked
                new = item
            size = max(item_size(old), item_size(new))
            base = factor * write_units(size)
            # A refused or cancelled call changed nothing: no index was touched.
            indexes = dict(schemas.index_writes(table, old, new)) if after is not None and not response.get(
                "Error") else {}
            parts.append({"action": kind, "table": table, "key": key, "bytes": size, "wcu": base,
                          "index_wcu": indexes})
            wcu += base + sum(indexes.values())
    return rcu, wcu, notes, parts


def _key_of(table: str, item: dict, schemas: Schemas):
    keys = schemas.tables.get(table, {}).get("keys") or sorted(item)
    return tuple(json.dumps(item.get(k), sort_keys=True, default=str) for k in keys)


def moto_units(response: dict):
    """moto's ConsumedCapacity total, or None when it gave none."""
    consumed = response.get("ConsumedCapacity")
    if not consumed:
        return None
    if isinstance(consumed, dict):
        consumed = [consumed]
    return float(sum(c.get("CapacityUnits", 0) for c in consumed))


def stored(table: str, key: dict) -> dict | None:
    """The item at `key` as the emulator holds it now, read from its memory (no API call, nothing counted)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from chalicelib import settings

    try:
        item = dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.region()].get_item(table, key)
    except Exception:  # noqa: BLE001 - an unknown table or a malformed key: the call itself will say so
        return None
    return item.to_json()["Attributes"] if item is not None else None


# --------------------------------------------------------------------------- the hook

class Meter:
    """Wraps botocore.client.BaseClient._make_api_call; records DynamoDB calls while measuring."""

    def __init__(self):
        self.calls = None
        self.schemas = None
        self._original = None

    def install(self):
        from botocore.client import BaseClient

        self._original = original = BaseClient._make_api_call
        meter = self

        def hooked(client, operation_name, api_params):
            calls = meter.calls
            if calls is None or client.meta.service_model.service_name != "dynamodb":
                return original(client, operation_name, api_params)
            params = dict(api_params)
            asked = params.get("ReturnConsumedCapacity", "NONE") != "NONE"
            if operation_name in CAPACITY_OPS and not asked:
                params["ReturnConsumedCapacity"] = "TOTAL"
            record = {"operation": operation_name, "table": params.get("TableName"),
                      "index": params.get("IndexName"), "error": None}
            calls.append(record)
            touched = [(table, key) for _, table, key, _, _ in written(operation_name, params, meter.schemas)]
            before = [stored(table, key) for table, key in touched]
            try:
                response = original(client, operation_name, params)
            except Exception as error:  # ClientError: price what was asked, then re-raise
                body = getattr(error, "response", {}) or {}
                record["error"] = body.get("Error", {}).get("Code", type(error).__name__)
                self._price(record, operation_name, params, body, before, None)
                raise
            self._price(record, operation_name, params, response, before,
                        [stored(table, key) for table, key in touched])
            if not asked and "ConsumedCapacity" in response:
                # Give the caller the answer it asked for.
                response = {k: v for k, v in response.items() if k != "ConsumedCapacity"}
            return response

        BaseClient._make_api_call = hooked

    def uninstall(self):
        from botocore.client import BaseClient

        if self._original is not None:
            BaseClient._make_api_call = self._original

    def _price(self, record, operation_name, params, response, before=None, after=None):
        is_read = operation_name in READS
        rcu, wcu, notes, parts = price(operation_name, params, response, self.schemas, before, after)
        moto = moto_units(response) if operation_name in CAPACITY_OPS else None
        record.update({
            "rcu_rules": rcu, "wcu_rules": wcu, "notes": notes, "parts": parts,
            "moto_units": moto,
            # The reported figure: moto's when it gave one, else the computed one.
            "rcu": (moto if moto is not None else rcu) if is_read else rcu,
            "wcu": (moto if moto is not None else wcu) if operation_name in WRITES else wcu,
            "source": "moto" if moto is not None else ("computed" if operation_name in CAPACITY_OPS else "-"),
        })

    @contextmanager
    def measure(self):
        self.calls = []
        try:
            yield self.calls
        finally:
            self.calls_done, self.calls = self.calls, None


# --------------------------------------------------------------------------- scenarios

def run() -> dict:
    """Every measurement. The reference cache lives an hour here: a warm
    container is one whose cache holds, and the emulator can take longer than
    its 5 minutes to get through the meter (the cold measurements empty it themselves)."""
    cache_seconds = os.environ.get("REFERENCE_CACHE_SECONDS")
    os.environ["REFERENCE_CACHE_SECONDS"] = "3600"
    try:
        return _run()
    finally:
        if cache_seconds is None:
            os.environ.pop("REFERENCE_CACHE_SECONDS", None)
        else:
            os.environ["REFERENCE_CACHE_SECONDS"] = cache_seconds


def _run() -> dict:
    from moto import mock_aws

    from tests.conftest import DEFAULT_NOW, DEMO_DIR, Api, initiative

    meter = Meter()
    rows = []
    started = time.monotonic()
    emulation.dynamodb_like_aws()
    with mock_aws():
        import boto3

        from chalicelib import clock, settings, tables
        from chalicelib.reference import catalog, loader

        emulation.prepare()  # the tables, the bucket, the verified mail sender, the failure queue
        client = boto3.client("dynamodb")
        loader.load(loader.read_directory(DEMO_DIR))
        meter.schemas = Schemas(client, [settings.table_name(k) for k in tables.TABLES])
        clock.set_clock(lambda: DEFAULT_NOW)

        from chalice.test import Client

        from app import app

        meter.install()
        try:
            with Client(app, stage_name="local") as chalice_client:
                api = Api(chalice_client)
                for user in ("worker-rang-dong",):
                    api.token(user)  # make the local signing key before measuring

                def measured(row_id, operation, scenario, method, path, body=None, headers=None, cold=False,
                             expect=200, user="worker-rang-dong"):
                    if cold:
                        catalog.clear_cache()
                    t0 = time.perf_counter()
                    with meter.measure():
                        status, answer = api.json(method, path, body, user=user, headers=headers)
                    elapsed = time.perf_counter() - t0
                    if status != expect:
                        raise SystemExit(f"cost meter: {operation} ({scenario}) answered {status}, "
                                         f"expected {expect}: {answer}")
                    rows.append(summarize(row_id, operation, scenario, status, meter.calls_done, elapsed))
                    return answer

                first = measured("submit-cold", "POST /submissions", "cold (reference cache empty)", "POST", "/submissions",
                                 initiative(), cold=True, expect=201)
                measured("submit-warm", "POST /submissions", "warm (second call)", "POST", "/submissions",
                         initiative(), expect=201)
                key = {"Idempotency-Key": "cost-meter-key-1"}
                keyed = measured("submit-idempotent", "POST /submissions", "warm, Idempotency-Key (first use)", "POST",
                                 "/submissions", initiative(), headers=key, expect=201)
                replay = measured("submit-replay", "POST /submissions", "replay, same Idempotency-Key", "POST", "/submissions",
                                  initiative(), headers=key, expect=201)
                if replay != keyed:
                    raise SystemExit("cost meter: the replay did not return the first response")
                measured("read-warm", "GET /submissions/{id}", "warm", "GET", f"/submissions/{first['id']}")
                measured("read-cold", "GET /submissions/{id}", "cold (reference cache empty)", "GET",
                         f"/submissions/{first['id']}", cold=True)

                # 50 initiatives stored for one person, then their first page of 20.
                for _ in range(50 - 3):
                    status, _ = api.json("POST", "/submissions", initiative(), user="worker-rang-dong")
                    assert status == 201
                page = measured("mine", "GET /me/submissions", "page of 20, 50 stored", "GET", "/me/submissions?limit=20")
                if len(page["items"]) != 20 or not page["next_cursor"]:
                    raise SystemExit(f"cost meter: expected a full page of 20 with a cursor, got "
                                     f"{len(page['items'])} items")

                # The review workflow: the 50 initiatives wait in the Rạng Đông union's queue.
                queue = measured("queue", "GET /queue", "page of 50, 50+ waiting", "GET", "/queue?limit=50",
                                 user="reviewer-rang-dong")
                if len(queue["items"]) != 50:
                    raise SystemExit(f"cost meter: expected a queue page of 50, got {len(queue['items'])}")
                waiting = [item["id"] for item in queue["items"]]
                measured("transition", "POST /submissions/{id}/transitions", "validate (warm)", "POST",
                         f"/submissions/{waiting[0]}/transitions", {"event": "validate", "expected_version": 1},
                         user="reviewer-rang-dong")
                measured("transition-token", "POST /submissions/{id}/transitions",
                         "request_revision with reason + client_token", "POST",
                         f"/submissions/{waiting[1]}/transitions",
                         {"event": "request_revision", "expected_version": 1, "client_token": "cost-1",
                          "reason": "Cần bổ sung số liệu trước và sau khi áp dụng."}, user="reviewer-rang-dong")
                measured("history", "GET /submissions/{id}/history", "2 events", "GET",
                         f"/submissions/{waiting[1]}/history")
                measured("decisions", "POST /queue/decisions", "validate 10 at once", "POST", "/queue/decisions",
                         {"event": "validate", "items": [{"id": i, "expected_version": 1} for i in waiting[2:12]]},
                         user="reviewer-rang-dong")

                # Progress and rankings read counters, never initiatives: the same calls and
                # request units with 1,000 and with 100,000 initiatives counted.
                for size in (1_000, 100_000):
                    seed_counters(size)
                    for row_id, user, path in STATS_REQUESTS:
                        route, query = path.split("?")
                        what = query.split('&', 1)[-1] if 'rankings' in route else route.rsplit('/', 1)[-1]
                        for warmth in ("cold", "warm"):  # the reference cache empty, then as a warm container has it
                            if warmth == "cold":
                                catalog.clear_cache()
                            measured(f"{row_id}-{size}" + ("-warm" if warmth == "warm" else ""),
                                     "GET " + route.replace("ldld-ha-noi", "{id}"),
                                     f"{what}, {size:,} counted, {warmth}", "GET", path, user=user)

                life = measure_life(api, meter, rows)
                measure_award_lists(api, meter, rows)
                measure_rare_filter(api, meter, rows)
                measure_ranked_pages(api, meter, rows)
                measure_sweep(api, meter, rows)
                # Last: its rare filter's Queries are slow in moto (seconds), and nothing after it is timed.
                measure_drill_list(api, meter, rows, RARE_QUEUE_SIZES[-1])

                measured("program-cold", "GET /programs/current", "cold (reference cache empty)", "GET", "/programs/current",
                         cold=True)
                measured("program-warm", "GET /programs/current", "warm", "GET", "/programs/current")
                for q in ("rang%20dong", "thanh%20hoa"):
                    found = measured("units-" + q.replace("%20", "-"), "GET /units", f"q={q}", "GET", f"/units?q={q}")
                    if not found["items"]:
                        raise SystemExit(f"cost meter: /units?q={q} found nothing")
        finally:
            meter.uninstall()
    return {"rows": rows, "rules": RULES, "life": life, "seconds": round(time.monotonic() - started, 2)}


# On-demand prices, us-east-1 (USD): DynamoDB per write / read request unit, Step Functions
# Standard per state transition.
USD_PER_WRU = 0.625 / 1_000_000
USD_PER_RRU = 0.125 / 1_000_000
USD_PER_STATE_TRANSITION = 0.025 / 1_000
# One initiative's life in the Step Functions design: start, the three review states with their
# waits for a task token, and the end (9 state transitions).
STEP_FUNCTIONS_TRANSITIONS = 9
LIFE = [("validate", "reviewer-fpt", {}), ("start_review", "reviewer-cau-giay", {}),
        ("recognize", "reviewer-cau-giay", {"scores": {"novelty": 8, "applicability": 9, "effectiveness": 7},
                                            "confirmed_benefit_vnd": 150_000_000})]


# A campaign's batches: the counting consumer gets up to streams.COUNT_BATCH records at once (the
# deployed batch size, which a campaign fills within the batching window): CAMPAIGN_OTHERS
# initiatives at the same step as this life, whose batch costs this life a share (--campaign-batch).
CAMPAIGN_OTHERS = 1000


def national_spread() -> list:
    """A national peak (bench/burst.national_path): every initiative in a
    grassroots union of its own, round robin over the 83 top-level units, each
    with 8 upper unions (only the top-level units are the demo tree's)."""
    from bench.burst import national_path, top_level_units

    tops = top_level_units()
    return [national_path(n, tops) for n in range(CAMPAIGN_OTHERS)]


def province_spread() -> list:
    """One province's campaign: every initiative in a grassroots union of its
    own, in Thanh Hóa, spread over 30 upper unions (the lower ones made up)."""
    return [(["tld", "ldld-thanh-hoa", f"campaign-upper-{n % 30}", f"campaign-grassroots-{n}"], "enterprise")
            for n in range(CAMPAIGN_OTHERS)]


def campaign_records(fresh: list[dict], step: int, spread: list, tag: str) -> list[dict]:
    """The records of CAMPAIGN_OTHERS other initiatives taking the same step as
    this life's META change in `fresh`: its images copied to other ids, the
    grassroots unions of `spread` ((path, block) each) and other authors (each
    a new person on submission). Shaped as Lambda delivers them."""
    mine = next(r for r in fresh if r["dynamodb"]["Keys"]["sk"]["S"] == "META")
    found = []
    for n, (path, block) in enumerate(spread):
        sid = f"CAMPAIGN{tag}{n:06d}"
        changed = {"pk": {"S": f"SUB#{sid}"}, "id": {"S": sid}, "unit_id": {"S": path[-1]},
                   "unit_path": {"L": [{"S": unit} for unit in path]}, "block": {"S": block},
                   "authors": {"L": [{"M": {"full_name": {"S": f"Tác giả {n}"}, "member_id": {"S": f"campaign-{tag}{n}"},
                                            "share_percent": {"N": "100"}}}]}}
        record = json.loads(json.dumps(mine))
        body = record["dynamodb"]
        body["Keys"] = {"pk": {"S": f"SUB#{sid}"}, "sk": {"S": "META"}}
        for image in ("OldImage", "NewImage"):
            if image in body:
                body[image].update(changed)
        body["SequenceNumber"] = str(10 ** 20 + step * 100_000 + n)
        record["eventID"] = f"campaign-{tag}-{step}-{n}"
        found.append(record)
    return found


# --------------------------------------------------------------------------- award lists (issue 11, point 4)

AWARD_SCALES = (10_000, 1_000_000)  # recognised initiatives in the phase
# What one compile of the national list reads, whatever was recognised: each of the 83 top-level units'
# best 5 (the criteria's N for these phases), 20 authors with 2 or more, one union per top-level unit
# with 3 or more. What it must not read grows with the scale: more candidates in each partition, and
# authors of a single initiative, ten times more at the larger scale (seeding a million items in moto
# takes hours; the property shown is that they are never read).
AWARD_LISTED_PEOPLE = 20


def seed_award_aggregates(phase_id: str, recognized: int, unread_per_partition: int, unread_people: int) -> None:
    """Leave the awards table as the `award_candidate` listener leaves it after
    `recognized` recognitions in `phase_id`, for what a national list reads:
    the items themselves are built with the listener's keys (candidates.partition,
    score_rank, person_partition, ...), written in batches."""
    from chalicelib.awards import candidates
    from chalicelib.reference import catalog
    from chalicelib.tables import AwardCandidate, AwardCollective, AwardPerson, CandidateAuthor

    tops = sorted(child.id for child in catalog.children("tld"))
    per_union = recognized // len(tops)

    def candidate(top: str, n: int, score: int):
        code = f"{n:05d}-{tops.index(top):05d}"
        item = AwardCandidate(
            candidates.partition(phase_id, top), f"01BENCH{tops.index(top):04d}{n:06d}", submission_id=f"01BENCH{n:06d}",
            code=code, title=f"Sáng kiến đo chi phí số {n:06d}", program_id="sang-kien-2026-2027", phase_id=phase_id,
            unit_path=["tld", top, f"bench-{top}"], grassroots_unit_id=f"bench-{top}", top_level_unit_id=top,
            authors=[CandidateAuthor(full_name=f"Tác giả {n % 50:02d}")],
            scores={"novelty": score // 3, "applicability": score // 3, "effectiveness": score - 2 * (score // 3)},
            score_total=score, confirmed_benefit_vnd=1_000_000 * (n + 1), recognized_at="2026-11-21T10:00:00.000+07:00",
            event_seq=3)
        item.score_rank = candidates.score_rank(score, item.confirmed_benefit_vnd, code, item.sk)
        return item

    with AwardCandidate.batch_write() as batch:
        for top in tops:
            for n in range(5):  # the best five: what the list holds
                batch.save(candidate(top, n, 29 - n))
            for n in range(5, 5 + unread_per_partition):  # ranked below them (some under the minimum score)
                batch.save(candidate(top, n, 21 + n % 4 if n % 3 else 12))
    with AwardCollective.batch_write() as batch:
        for top in tops:
            union = f"bench-{top}"
            batch.save(AwardCollective(candidates.grassroots_key(phase_id, union), candidates.SUM,
                                       count_pk=candidates.collective_partition(phase_id, top), unit_id=union,
                                       unit_path=["tld", top, union], top_level_unit_id=top,
                                       recognized=per_union, benefit=per_union * 1_000_000))
    with AwardPerson.batch_write() as batch:
        partition = candidates.person_partition(phase_id, "tld")
        for k in range(AWARD_LISTED_PEOPLE + unread_people):
            listed = k < AWARD_LISTED_PEOPLE
            count = 2 + k % 3 if listed else 1
            entries = {candidates.SEPARATOR.join((f"{k:05d}-{j:05d}", f"Tác giả {k:05d}", "", f"bench-{tops[k % 83]}",
                                                  tops[k % 83])) for j in range(count)}
            # In `by_recognized` from two initiatives on (candidates.INDEX_FLOOR), as the listener leaves them.
            batch.save(AwardPerson(partition, f"name:bench-{tops[k % 83]}:tac gia {k:05d}",
                                   count_pk=partition if count >= candidates.INDEX_FLOOR else None,
                                   recognized=count, score_total=25 * count, benefit=1_000_000 * count,
                                   entries=entries))


def measure_award_compile(api, recognized: int, unread_per_partition: int, unread_people: int, phase_id: str,
                          meter=None) -> dict:
    """Seed `phase_id` (seed_award_aggregates), then price POST /award-lists
    (the national leader asks for the nation's list: 202) and the queue's
    handler compiling it, as Lambda would hand it the message, each from a
    cold container (the reference cache empty). Returns the
    two summarized rows and how many entries of each kind the list has."""
    from chalicelib import settings, tables
    from chalicelib.reference import catalog
    from tests import helpers

    seed_award_aggregates(phase_id, recognized, unread_per_partition, unread_people)
    # The reference cache must outlive one compile, as it does in AWS (a national compile takes a second or
    # two there; moto's index Queries scan the whole table, so here it can outlast the local stage's 30 s).
    cache_seconds = os.environ.get("REFERENCE_CACHE_SECONDS")
    os.environ["REFERENCE_CACHE_SECONDS"] = "3600"
    own = meter is None
    if own:
        import boto3

        meter = Meter()
        meter.schemas = Schemas(boto3.client("dynamodb"), [settings.table_name(k) for k in tables.TABLES])
        meter.install()
    try:
        scenario = f"national list, {recognized:,} recognised"
        catalog.clear_cache()  # each step as a fresh container runs it: the reference reads counted too
        with meter.measure():
            t0 = time.perf_counter()
            status, asked = api.json("POST", "/award-lists", {"unit_id": "tld", "phase": phase_id}, user="leader-national")
            elapsed = time.perf_counter() - t0
        if status != 202:
            raise SystemExit(f"cost meter: POST /award-lists answered {status}: {asked}")
        request = summarize(f"award-request-{recognized}", "POST /award-lists", scenario + " (202, queued)", status,
                            meter.calls_done, elapsed)
        [message] = helpers.queued_compiles()
        catalog.clear_cache()
        with meter.measure():
            t0 = time.perf_counter()
            done = api.client.lambda_.invoke("compile_requested_list", {"Records": [message]}).payload
            elapsed = time.perf_counter() - t0
        if done != {"done": ["compiled"]}:
            raise SystemExit(f"cost meter: the award-list handler answered {done}")
        compiled = summarize(f"award-compile-{recognized}", "compile_requested_list (SQS)",
                             scenario + " (the queue's handler)", 200, meter.calls_done, elapsed)
    finally:
        if own:
            meter.uninstall()
        if cache_seconds is None:
            os.environ.pop("REFERENCE_CACHE_SECONDS", None)
        else:
            os.environ["REFERENCE_CACHE_SECONDS"] = cache_seconds
    listed = api.json("GET", f"/award-lists/{asked['id']}", user="leader-national")[1]
    return {"request": request, "compile": compiled, "entries": listed["counts"]}


def measure_award_lists(api, meter, rows) -> None:
    """The award-list rows: the national list at 10,000 and at 1,000,000
    recognised (phases sk2627-gd1 and sk2627-gd2, the same criteria)."""
    for recognized, phase_id, unread_per_partition, unread_people in (
            (AWARD_SCALES[0], "sk2627-gd1", 1, 50), (AWARD_SCALES[1], "sk2627-gd2", 10, 500)):
        measured = measure_award_compile(api, recognized, unread_per_partition, unread_people, phase_id, meter)
        rows += [measured["request"], measured["compile"]]


def award_checks(rows) -> list[str]:
    """The compile of the national list costs the same at both scales."""
    failures = []
    for step in ("request", "compile"):
        few, many = (next((r for r in rows if r["id"] == f"award-{step}-{n}"), None) for n in AWARD_SCALES)
        if not few or not many:
            failures.append(f"award-{step}: not measured at both scales")
        elif (few["calls"], few["rcu_rules"], few["wcu_rules"]) != (many["calls"], many["rcu_rules"], many["wcu_rules"]):
            failures.append(f"award-{step}: the calls or request units changed with the number of recognised "
                            f"initiatives ({few['calls']}, {few['rcu_rules']} RRU, {few['wcu_rules']} WRU at "
                            f"{AWARD_SCALES[0]:,}; {many['calls']}, {many['rcu_rules']} RRU, {many['wcu_rules']} WRU at "
                            f"{AWARD_SCALES[1]:,})")
    return failures


# A rare queue filter (issue 11, point 5): 1 in 1,000 of what waits matches, at 10,000 and at
# 20,000 waiting: the same calls and request units at both, filtered or not. 100,000 is too slow
# for a benchmark run in the test suite: moto takes ~11 s per 10,000 written (~2 min for 100,000,
# measured; the pages read the same there: 1 Query, 1 RRU) and each Query walks its whole table.
RARE_QUEUE_PATH = ["tld", "ldld-thanh-hoa", "cd-vien-chuc-thanh-hoa", "cdcs-so-y-te-thanh-hoa"]
RARE_QUEUE_SIZES = (10_000, 20_000)
RARE_QUEUE_PAGE = 10  # a full page at both sizes: 10 and 20 matches
RARE_QUEUE_REQUESTS = [("queue-unfiltered", ""), ("queue-rare-group", "&subject_group=new-countryside"),
                       ("queue-rare-field", "&field=energy-environment")]


def measure_rare_filter(api, meter, rows) -> None:
    """A reviewer's first queue page unfiltered and filtered by a subject
    group and by a field that 1 in 1,000 waiting initiatives have, at each of
    RARE_QUEUE_SIZES waiting (written straight into moto's memory, keys built
    by the store): full pages, the same page reads and request units as the
    unfiltered page, at both sizes."""
    from tests import helpers

    seeded = 0
    for size in RARE_QUEUE_SIZES:
        t0 = time.perf_counter()
        helpers.seed_waiting(size - seeded, RARE_QUEUE_PATH, rare_every=1000, start=seeded, into_memory=True)
        print(f"cost meter: {size - seeded:,} waiting initiatives seeded in {time.perf_counter() - t0:.1f} s",
              file=sys.stderr)
        seeded = size
        api.json("GET", "/queue?limit=1", user="reviewer-so-y-te")  # a warm container: the reviewer's unit read
        for row_id, query in RARE_QUEUE_REQUESTS:
            t0 = time.perf_counter()
            with meter.measure():
                status, answer = api.json("GET", f"/queue?limit={RARE_QUEUE_PAGE}{query}", user="reviewer-so-y-te")
            elapsed = time.perf_counter() - t0
            if status != 200 or len(answer["items"]) != RARE_QUEUE_PAGE:
                raise SystemExit(f"cost meter: {row_id} at {size:,} waiting: expected a full page, got "
                                 f"{status} {len(answer.get('items', []))}")
            rows.append(summarize(f"{row_id}-{size}", "GET /queue",
                                  f"page of {RARE_QUEUE_PAGE}, {size:,} waiting, "
                                  + (query.split("&", 1)[1] + " (1 in 1,000)" if query else "unfiltered"),
                                  status, meter.calls_done, elapsed))


# The drill-down list (issue 13, point 4) over the rare filter's seeded initiatives (20,000), measured
# once they are all there: a leader of the
# upper-grassroots union above that desk reads the first page of 20 unfiltered, and filtered by the
# field 1 in 1,000 have (a FilterExpression on the `under_2` index: pages read on within a budget
# of UNDER_READS Queries, so the page may be short, its cursor going on).
DRILL_UNIT = "cd-vien-chuc-thanh-hoa"
DRILL_PAGE = 20
DRILL_REQUESTS = [("drill-unfiltered", ""), ("drill-rare-field", "&field=energy-environment"),
                  ("drill-state", "&state=pending")]


def measure_drill_list(api, meter, rows, size: int) -> None:
    """GET /stats/units/{unit}/initiatives at `size` initiatives under the unit."""
    for row_id, query in DRILL_REQUESTS:
        t0 = time.perf_counter()
        with meter.measure():
            status, answer = api.json("GET", f"/stats/units/{DRILL_UNIT}/initiatives?phase=sk2627-gd1"
                                             f"&limit={DRILL_PAGE}{query}", user="leader-thanh-hoa")
        elapsed = time.perf_counter() - t0
        if status != 200:
            raise SystemExit(f"cost meter: {row_id} at {size:,}: {status} {answer}")
        rows.append(summarize(f"{row_id}-{size}", "GET /stats/units/{id}/initiatives",
                              f"page of {DRILL_PAGE}, {size:,} under the unit, "
                              + (query[1:] + f" ({len(answer['items'])} on the page)" if query else "unfiltered"),
                              status, meter.calls_done, elapsed))


def rare_filter_failures(rows) -> list[str]:
    """A rare filter's full page must cost what an unfiltered page costs, at every size."""
    failures = []
    for size in RARE_QUEUE_SIZES:
        plain = next((r for r in rows if r["id"] == f"queue-unfiltered-{size}"), None)
        for row_id, _ in RARE_QUEUE_REQUESTS[1:]:
            row = next((r for r in rows if r["id"] == f"{row_id}-{size}"), None)
            if not plain or not row or (row["calls"], row["rcu_rules"]) != (plain["calls"], plain["rcu_rules"]):
                failures.append(f"{row_id} at {size:,} waiting: the page reads or request units differ from an "
                                f"unfiltered page's")
    for row_id, _ in RARE_QUEUE_REQUESTS:
        few, many = (next((r for r in rows if r["id"] == f"{row_id}-{n}"), None) for n in RARE_QUEUE_SIZES)
        if not few or not many or (few["calls"], few["rcu_rules"]) != (many["calls"], many["rcu_rules"]):
            failures.append(f"{row_id}: the page reads or request units grew with what waits")
    return failures


# Rankings of a province's grassroots unions in pages (issue 11, point 6): 1,000 and 4,000 unions
# under one top-level unit (a province has thousands; made-up unions added to the demo tree under
# Thanh Hóa's upper unions), a page of 50 of each of the three orderings: the first page (which
# builds the ranking's snapshot: what that costs grows with the province, once per 10 minutes), the
# same page again (read from the snapshot), and the next page.
RANKED_TOP = "ldld-thanh-hoa"
RANKED_SIZES = (1_000, 4_000)
RANKED_PAGE = 50


def measure_ranked_pages(api, meter, rows) -> None:
    """GET /stats/rankings?level=grassroots&within=<province>&limit=50 at each
    of RANKED_SIZES unions: a page read from the snapshot costs the same
    whatever the province's size."""
    from chalicelib import settings
    from chalicelib.counters import store
    from chalicelib.reference import catalog, loader
    from tests.conftest import DEMO_DIR

    import boto3

    docs = loader.read_directory(DEMO_DIR)
    uppers = [u["id"] for u in docs["organisation"]["units"] if u.get("parent_id") == RANKED_TOP]
    dynamodb, table = boto3.client("dynamodb"), settings.table_name("counters")
    seeded = 0
    for size in RANKED_SIZES:
        docs["organisation"]["units"] += [
            {"id": f"cdcs-synthetic-{n:05d}", "name": f"CĐCS Đơn vị thử {n:05d}", "kind": "grassroots",
             "parent_id": uppers[n % len(uppers)], "block": "administrative"} for n in range(seeded, size)]
        loader.load(docs)
        requests = []
        for n in range(seeded, size):
            unit_id = f"cdcs-synthetic-{n:05d}"
            requests.append({"PutRequest": {"Item": {
                "pk": {"S": store.counter_key(unit_id, STATS_PHASE)}, "sk": {"S": store.TOTAL},
                "unit_id": {"S": unit_id}, "phase_id": {"S": STATS_PHASE},
                "entered": {"N": str((n * 7919) % 997 + 1)}, "authors": {"N": str((n * 104729) % 211 + 1)}}}})
        for first in range(0, len(requests), 25):
            pending = {table: requests[first:first + 25]}
            while pending:
                pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
        seeded = size
        catalog.clear_cache()
        # A stale snapshot, so that the first page builds one (as it would 10 minutes after the last).
        dynamodb.delete_item(TableName=table, Key={"pk": {"S": store.ranking_key("grassroots", RANKED_TOP, STATS_PHASE)},
                                                   "sk": {"S": store.HEAD}})
        path = (f"/stats/rankings?phase={STATS_PHASE}&level=grassroots&within={RANKED_TOP}&limit={RANKED_PAGE}")
        answer = None
        for row_id, what in (("build", "first page, builds the snapshot"), ("warm", "first page, from the snapshot"),
                             ("next", "next page, from the snapshot")):
            url = path
            if row_id == "next":
                url += "".join(f"&{parameter}={answer['next'][name]}" for name, parameter in (
                    ("by_initiatives", "cursor_initiatives"), ("by_percent_of_target", "cursor_percent_of_target"),
                    ("by_authors", "cursor_authors")) if answer["next"][name])
            t0 = time.perf_counter()
            with meter.measure():
                status, answer = api.json("GET", url, user="leader-thanh-hoa")
            elapsed = time.perf_counter() - t0
            if status != 200 or len(answer["by_initiatives"]) != RANKED_PAGE:
                raise SystemExit(f"cost meter: ranking page ({what}, {size:,}): {status} {answer}")
            rows.append(summarize(f"rankings-page-{row_id}-{size}", "GET /stats/rankings",
                                  f"grassroots within {RANKED_TOP}, page of {RANKED_PAGE} x 3 orderings, "
                                  f"{size:,} unions, {what}", status, meter.calls_done, elapsed))


def ranked_pages_failures(rows) -> list[str]:
    """A ranking page read from its snapshot must cost the same whatever the province's size."""
    failures = []
    for row_id in ("warm", "next"):
        few, many = (next((r for r in rows if r["id"] == f"rankings-page-{row_id}-{n}"), None) for n in RANKED_SIZES)
        if not few or not many or (few["calls"], few["rcu_rules"]) != (many["calls"], many["rcu_rules"]):
            failures.append(f"rankings-page-{row_id}: the calls or request units grew with the province")
    return failures


# The deadline sweep (issue 12, point 2): 100 initiatives whose reminder is due, among 1,000 and
# 100,000 waiting whose alarms ring months later (written straight into moto's memory); the sweep
# must read the same (one Query per shard of the sparse alarms index, one BatchGetItem of what is
# due) whatever waits, and write one transaction per alarm rung.
SWEEP_PATH = ["tld", "cd-cong-thuong", "cdcs-rang-dong"]
SWEEP_SIZES = (1_000, 100_000)
SWEEP_DUE = 100
SWEEP_WAITING_START = 3_000_000  # seeded ids (01SEED<n>): clear of every other scenario's
SWEEP_DUE_START = 40_320 * 60  # entered on 01/11 (seed_waiting's day cycle is 28 × 1,440): reminded 13/11 07:00
SWEEP_AT = (2026, 11, 14, 8, 0)  # after that reminder, before the check is overdue (16/11)


def measure_sweep(api, meter, rows) -> None:
    from datetime import datetime

    from chalicelib import clock
    from chalicelib.reference import catalog
    from chalicelib.review import deadlines as sweeper
    from tests import helpers

    # After the due ones' reminder (seeded as entered on 01/11), before their check is overdue.
    real, seeded = clock.set_clock(lambda: datetime(*SWEEP_AT, tzinfo=clock.VIETNAM)), 0
    try:
        for round_, size in enumerate(SWEEP_SIZES):
            t0 = time.perf_counter()
            helpers.seed_waiting(size - seeded, SWEEP_PATH, start=SWEEP_WAITING_START + seeded, into_memory=True,
                                 alarm_at=lambda n: "2027-06-01T07:00:00.000+07:00")
            helpers.seed_waiting(SWEEP_DUE, SWEEP_PATH, start=SWEEP_DUE_START + round_ * SWEEP_DUE, into_memory=True,
                                 alarm_at="definition")
            print(f"cost meter: {size - seeded:,} waiting and {SWEEP_DUE} due seeded in "
                  f"{time.perf_counter() - t0:.1f} s", file=sys.stderr)
            seeded = size
            catalog.unit(SWEEP_PATH[-1])  # a warm container: the union read once, as by every sweep before
            t0 = time.perf_counter()
            with meter.measure():
                done = sweeper.sweep()
            if done["reminded"] != SWEEP_DUE:
                raise SystemExit(f"cost meter: the sweep at {size:,} waiting reminded {done}, not {SWEEP_DUE}")
            rows.append(summarize(f"sweep-{size}", "schedule sweep_deadlines",
                                  f"{SWEEP_DUE} reminders due, {size:,} waiting", 200, meter.calls_done,
                                  time.perf_counter() - t0))
    finally:
        clock.set_clock(real)


def sweep_failures(rows) -> list[str]:
    """The sweep's reads must not grow with what waits: same calls and read units at both sizes."""
    few, many = (next((r for r in rows if r["id"] == f"sweep-{n}"), None) for n in SWEEP_SIZES)
    if not few or not many:
        return ["the sweep was not measured"]
    if (few["calls"], few["rcu_rules"]) != (many["calls"], many["rcu_rules"]):
        return [f"the sweep's reads grew with what waits: {few['calls']} {few['rcu_rules']} RRU at "
                f"{SWEEP_SIZES[0]:,}, {many['calls']} {many['rcu_rules']} RRU at {SWEEP_SIZES[1]:,}"]
    return []


def measure_life(api, meter, rows) -> dict:
    """One initiative's whole life, consumers included: submitted (with an
    Idempotency-Key, as the form sends it), validated, taken into review and
    recognised through the API, and every record of the
    stream handed to both stream handlers as Lambda would. Reading the stream
    is not the app's cost (Lambda reads it for free) and is not measured.

    Measured twice at once: on a quiet day (each step's records a batch of
    their own) and at campaign batch sizes (the counting consumer gets each
    step's record in a batch of 100 with 99 other initiatives at the same step
    across the tree, and this life pays a hundredth of that batch; the API and
    the event consumer cost the same either way)."""
    from chalicelib import settings
    from scripts.stream_feeder import StreamFeeder
    from tests.conftest import initiative

    feeder = StreamFeeder(settings.table_name("initiatives"))
    feeder.poll()  # what earlier rows wrote is not this life's
    calls, counting, campaign, province, records = [], [], [], [], []
    spreads = ((campaign, national_spread(), "N"), (province, province_spread(), "P"))

    def step(number, method, path, body, user, expect, headers=None):
        # A life's steps are days apart: each step's records reach the consumers in a batch of their own.
        with meter.measure():
            status, answer = api.json(method, path, body, user=user, headers=headers)
        assert status == expect, answer
        calls.extend(meter.calls_done)
        fresh = feeder.poll()
        records.extend(fresh)
        for name in ("count_changes", "react_to_events"):
            with meter.measure():
                delivered = api.client.lambda_.invoke(name, StreamFeeder.event(fresh)).payload
            assert delivered == {"batchItemFailures": []}, delivered
            (counting if name == "count_changes" else calls).extend(meter.calls_done)
        # The same step in a campaign: a full batch of 100 other initiatives at this step (this life's change
        # is counted already); each of them, this life among them, pays a hundredth of it.
        for measured, spread, tag in spreads:
            with meter.measure():
                delivered = api.client.lambda_.invoke("count_changes", StreamFeeder.event(
                    campaign_records(fresh, number, spread, tag))).payload
            assert delivered == {"batchItemFailures": []}, delivered
            measured.extend(meter.calls_done)
        return answer

    created = step(0, "POST", "/submissions", initiative(
        unit_id="cdcs-fpt-cau-giay", authors=[{"full_name": "Phạm Minh Đức", "share_percent": 100,
                                               "email": "duc.pham@example.vn"}]), "worker-fpt", 201,
        # as the phone's form sends it: with its one-use Idempotency-Key (a double tap stores one initiative)
        headers={"Idempotency-Key": "cost-meter-life-1"})
    for version, (event, user, given) in enumerate(LIFE, start=1):
        step(version, "POST", f"/submissions/{created['id']}/transitions",
             {"event": event, "expected_version": version, **given}, user, 200)
    row = summarize("life", "a whole life, quiet day", "submit, validate, start_review, recognize; both stream "
                    "consumers, each step's records a batch of their own", 201, calls + counting, 0)
    rows.append(row)
    counted = summarize("life-counting-campaign", f"counting {CAMPAIGN_OTHERS:,} lives at campaign batch sizes",
                        f"the 4 steps, each a batch of {CAMPAIGN_OTHERS} (national spread)", 200, campaign, 0)
    rows.append(counted)
    in_province = summarize("life-counting-province", f"counting {CAMPAIGN_OTHERS:,} lives at campaign batch sizes",
                            f"the 4 steps, each a batch of {CAMPAIGN_OTHERS} (one province's campaign)", 200,
                            province, 0)
    rows.append(in_province)
    quiet_wru = row["wcu_rules"]
    base = summarize("life-base", "", "", 0, calls, 0)  # the API and the event consumer: the same in a campaign
    wru = round(base["wcu_rules"] + counted["wcu_rules"] / CAMPAIGN_OTHERS, 2)
    rru = round(base["rcu_rules"] + counted["rcu_rules"] / CAMPAIGN_OTHERS, 2)
    # The floor: every item this life leaves behind written once, at its final size, outside any transaction.
    final = {}
    for call in calls + counting:
        for part in call.get("parts", ()):
            final[(part["table"], json.dumps(part["key"], sort_keys=True))] = part["bytes"]
    floor_wru = sum(write_units(size) for size in final.values())
    life_usd = wru * USD_PER_WRU + rru * USD_PER_RRU
    quiet_usd = quiet_wru * USD_PER_WRU + row["rcu_rules"] * USD_PER_RRU
    step_functions_usd = STEP_FUNCTIONS_TRANSITIONS * USD_PER_STATE_TRANSITION + floor_wru * USD_PER_WRU
    return {"life_wru": wru, "life_rru": rru, "life_usd": round(life_usd, 9),
            "counting_wru": round(counted["wcu_rules"] / CAMPAIGN_OTHERS, 2),
            "province_life_wru": round(base["wcu_rules"] + in_province["wcu_rules"] / CAMPAIGN_OTHERS, 2),
            "province_counting_wru": round(in_province["wcu_rules"] / CAMPAIGN_OTHERS, 2),
            "quiet_day_wru": quiet_wru, "quiet_day_rru": row["rcu_rules"], "quiet_day_usd": round(quiet_usd, 9),
            "records": len(records), "items_written": len(final), "floor_wru": floor_wru,
            "index_wru": sum(sum(p["index_wcu"].values()) for c in calls for p in c.get("parts", ())),
            "wru_by_item": wru_by_item(calls), "counting_wru_by_item": wru_by_item(campaign, CAMPAIGN_OTHERS),
            "step_functions_usd": round(step_functions_usd, 9), "ratio": round(step_functions_usd / life_usd, 2),
            "quiet_day_ratio": round(step_functions_usd / quiet_usd, 2)}


def wru_by_item(calls, per: int = 1) -> dict:
    """Where a life's write units go: by table and kind of item (the partition
    key up to its first '#'), index upkeep included, largest first; divided by `per`."""
    found: dict = {}
    for call in calls:
        for part in call.get("parts", ()):
            pk = next(iter(part["key"].values()), {})
            (value,) = pk.values() if isinstance(pk, dict) and pk else ("?",)
            kind = f"{part['table'].rsplit('-', 1)[-1]} {str(value).split('#', 1)[0]}"
            found[kind] = found.get(kind, 0) + (part["wcu"] + sum(part["index_wcu"].values())) / per
    return {kind: round(n, 2) for kind, n in sorted(found.items(), key=lambda kv: -kv[1])}


STATS_PHASE = "sk2627-gd1"
STATS_REQUESTS = [
    ("stats-unit", "leader-national", f"/stats/units/ldld-ha-noi?phase={STATS_PHASE}"),
    ("rankings-top", "leader-national", f"/stats/rankings?phase={STATS_PHASE}&level=top"),
    ("rankings-within", "leader-thanh-hoa",
     f"/stats/rankings?phase={STATS_PHASE}&level=grassroots&within=ldld-thanh-hoa"),
]
SEED_PATHS = [["tld", "ldld-ha-noi", "ldld-cau-giay", "cdcs-fpt-cau-giay"],
              ["tld", "ldld-ha-noi", "ldld-cau-giay", "cdcs-thpt-cau-giay"],
              ["tld", "cd-cong-thuong", "cdcs-rang-dong"],
              ["tld", "ldld-thanh-hoa", "cd-vien-chuc-thanh-hoa", "cdcs-so-y-te-thanh-hoa"]]


def seed_counters(size: int) -> None:
    """Leave the counters as counting `size` initiatives would: the totals come
    from the consumer's own arithmetic (counters.core.recount) and are written
    with the consumer's own counting (counters.store.count_once), once per
    counter, not once per initiative."""
    from chalicelib.counters import core, store
    from chalicelib.tables import CounterRecord

    states = ["pending", "valid", "under_review", "recognized", "needs_revision"]
    groups = ["enterprise-workers", "works-and-technical", "public-service", "officials", "new-countryside"]
    items = ({"id": f"seed-{n}", "version": 1, "status": states[n % 5], "phase_id": STATS_PHASE,
              "unit_id": SEED_PATHS[n % 4][-1], "unit_path": SEED_PATHS[n % 4],
              "block": "administrative" if n % 4 == 1 or n % 4 == 3 else "enterprise",
              "subject_group": groups[n % 5], "benefit_vnd": 1_000_000 * (n % 97),
              "confirmed_benefit_vnd": 500_000 * (n % 89),
              "authors": [{"full_name": f"Tác giả {n % 1000}", "share_percent": 100}]} for n in range(size))
    for scope, counts in core.recount(items).items():
        unit_id, phase_id = scope
        CounterRecord(store.counter_key(unit_id, phase_id), store.TOTAL).delete()
        store.count_once((f"SEEDED#{size}#{unit_id}", phase_id), {scope: counts})


def summarize(row_id, operation, scenario, status, calls, elapsed) -> dict:
    counts = Counter(c["operation"] for c in calls)

    def total(field, ops):
        return round(sum(c[field] for c in calls if c["operation"] in ops), 3)

    read_calls = [c for c in calls if c["operation"] in READS]
    write_calls = [c for c in calls if c["operation"] in WRITES]
    return {
        "id": row_id, "operation": operation, "scenario": scenario, "status": status,
        "calls": dict(counts), "read_calls": len(read_calls), "write_calls": len(write_calls),
        "rcu": total("rcu", READS), "wcu": total("wcu", WRITES),
        "rcu_computed": any(c["source"] == "computed" for c in read_calls),
        "wcu_computed": any(c["source"] == "computed" for c in write_calls),
        "rcu_rules": total("rcu_rules", READS), "wcu_rules": total("wcu_rules", WRITES),
        "scan_count": counts.get("Scan", 0),
        "milliseconds": round(elapsed * 1000, 1),
        "details": calls,
    }


# --------------------------------------------------------------------------- output and checks

def warm_submission_calls_hold(calls: dict) -> bool:
    """One TransactWriteItems; the near-duplicate check's BANDS Queries (its
    band partitions) and at most one BatchGetItem (its candidates); nothing else."""
    return (calls.get("TransactWriteItems") == 1 and calls.get("Query") == BANDS and calls.get("BatchGetItem", 0) <= 1
            and set(calls) <= {"TransactWriteItems", "Query", "BatchGetItem"})


def checks(rows) -> list[str]:
    failures = []
    scans = sum(r["scan_count"] for r in rows)
    if scans:
        failures.append(f"the app Scanned {scans} time(s): "
                        + ", ".join(f"{r['operation']} ({r['scenario']})" for r in rows if r["scan_count"]))
    warm = [r for r in rows if r["id"] == "submit-warm"]
    if len(warm) != 1:
        failures.append("no warm submission was measured")
    else:
        row = warm[0]
        if not warm_submission_calls_hold(row["calls"]) or row["write_calls"] != 1:
            failures.append(f"a warm submission must take exactly one TransactWriteItems and, for the near-duplicate "
                            f"check, {BANDS} Queries and at most one BatchGetItem; it took {row['calls']}")
    for row_id, _, _ in STATS_REQUESTS:
        for warmth in ("", "-warm"):
            few, many = (next((r for r in rows if r["id"] == f"{row_id}-{n}{warmth}"), None) for n in (1_000, 100_000))
            if not few or not many or (few["calls"], few["rcu_rules"]) != (many["calls"], many["rcu_rules"]):
                failures.append(f"{row_id}{warmth}: the calls or request units changed with the number of initiatives")
    failures += award_checks(rows)
    failures += rare_filter_failures(rows) + ranked_pages_failures(rows) + sweep_failures(rows)
    # The queue: one Query of its index, and one of the unit's claims ("I'm handling this", issue 12).
    for row_id, wanted in (("transition", {"GetItem": 1, "TransactWriteItems": 1}), ("queue", {"Query": 2})):
        row = next((r for r in rows if r["id"] == row_id), None)
        if row is None or row["calls"] != wanted:
            failures.append(f"{row_id} must take {wanted}; it took {row and row['calls']}")
    return failures


def _units(value: float, computed: bool) -> str:
    text = f"{value:g}"
    return text + ("*" if computed else "")


def table(rows) -> str:
    headers = ["operation", "scenario", "DynamoDB calls by operation", "RCU", "WCU", "Scan count",
               "RCU rules", "WCU rules"]
    lines = []
    for r in rows:
        failed = Counter(c["operation"] for c in r["details"] if c["error"])
        calls = ", ".join(f"{op} {n}" + (f" ({failed[op]} cancelled)" if failed[op] else "")
                          for op, n in r["calls"].items()) or "none"
        lines.append([r["operation"], r["scenario"], calls, _units(r["rcu"], r["rcu_computed"]),
                      _units(r["wcu"], r["wcu_computed"]), str(r["scan_count"]),
                      f"{r['rcu_rules']:g}", f"{r['wcu_rules']:g}"])
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]
    numeric = {3, 4, 5, 6, 7}

    def fmt(cells):
        return " | ".join(c.rjust(w) if i in numeric else c.ljust(w)
                          for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    out = [fmt(headers), "-+-".join("-" * w for w in widths)]
    out += [fmt(line) for line in lines]
    return "\n".join(out)


LEGEND = """\
RCU, WCU: what moto reported (ReturnConsumedCapacity=TOTAL); * = moto reported none for at least
  one call in the cell, so the figure is computed by the AWS rules below. moto's figures are fixed
  placeholders (GetItem 0.5, Query/Scan 1.0, BatchGetItem 1.0 per key), not size-based.
RCU rules, WCU rules: every call priced by the AWS rules from the serialized item sizes."""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="write the figures as JSON to stdout")
    parser.add_argument("--campaign-batch", type=int, default=CAMPAIGN_OTHERS,
                        help=f"records a campaign's counting batch holds ({CAMPAIGN_OTHERS}, as deployed)")
    parser.add_argument("--sweep-sizes", default=",".join(str(n) for n in SWEEP_SIZES),
                        help="initiatives waiting when the deadline sweep is measured, two sizes "
                             f"({SWEEP_SIZES[0]},{SWEEP_SIZES[1]})")
    args = parser.parse_args(argv)
    globals()["CAMPAIGN_OTHERS"] = args.campaign_batch
    globals()["SWEEP_SIZES"] = tuple(int(n) for n in args.sweep_sizes.split(","))
    result = run()
    failures = checks(result["rows"])
    result["checks"] = {"passed": not failures, "failures": failures}
    if args.json:
        result.update({k: result["life"][k] for k in ("life_wru", "life_usd", "step_functions_usd", "ratio")})
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1, default=str)
        sys.stdout.write("\n")
    else:
        print(table(result["rows"]))
        print()
        print(LEGEND)
        print()
        print(RULES)
        life = result["life"]
        print(f"""
One initiative's whole life (submit, validate, start_review, recognize; both stream consumers),
at campaign batch sizes (counting in batches of {CAMPAIGN_OTHERS:,}, national spread):
  ours: {life['life_wru']:g} WRU (of which counting {life['counting_wru']:g}) + {life['life_rru']:g} RRU \
= ${life['life_usd']:.7f} ({life['items_written']} items written; floor {life['floor_wru']} WRU)
  Step Functions design: {STEP_FUNCTIONS_TRANSITIONS} state transitions x $0.025/1,000 + its own writes at the \
floor = ${life['step_functions_usd']:.7f}
  ratio (Step Functions / ours): {life['ratio']:g}
  where the write units go: {', '.join(f"{k} {v:g}" for k, v in life['wru_by_item'].items())}
    + counting: {', '.join(f"{k} {v:g}" for k, v in life['counting_wru_by_item'].items())}
  in one province's campaign (its batches in {CAMPAIGN_OTHERS:,} of its unions): {life['province_life_wru']:g} WRU \
(counting {life['province_counting_wru']:g})
  on a quiet day (each step's records a batch of their own): {life['quiet_day_wru']:g} WRU + \
{life['quiet_day_rru']:g} RRU = ${life['quiet_day_usd']:.7f}, ratio {life['quiet_day_ratio']:g}""")
        print(f"\n({result['seconds']} s)")
    for failure in failures:
        print(f"cost meter: FAILED: {failure}", file=sys.stderr)
    if not failures and not args.json:
        print("checks: no Scan anywhere; a warm submission is 1 TransactWriteItems and 0 reads; a transition 1 read + 1 write call; a queue page 1 Query, a 1-in-1,000 filter's page the same as an unfiltered one at 10k and 20k waiting; a page of a province's ranking (from its snapshot) the same at 1k and 4k unions; stats cost the same with 1,000 and 100,000 initiatives: OK")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
