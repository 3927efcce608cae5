"""A national campaign's peak through the counting consumer: what the busiest counter item takes.

    .venv/bin/python bench/burst.py                    # 1,000 submissions/s for 60 s, 4 shards
    .venv/bin/python bench/burst.py --json             # the figures as one JSON object
    .venv/bin/python bench/burst.py --rate 200 --seconds 10

Generates the stream a peak writes: `rate` new initiatives a second for
`seconds` seconds, spread over the country (`national_path`: the demo tree's
83 top-level units, made-up upper and grassroots unions below them), each a
record shaped as Lambda delivers it (an INSERT of the initiative's META item). Records go to `shards` shards by initiative, and
each shard's records are cut into batches as Lambda's event source mapping
cuts them (at most `batch` records, or what arrived within the batching
window). The batches, in time order, go through the real counting handler
(`count_changes`, chalice's test client) against in-process moto, as the
local run and the tests emulate it; then a tenth of them, picked at random,
are delivered again (redeliveries, bisected retries, replays).

Every DynamoDB write is priced by the cost meter's rules (bench/cost_meter.py:
the item before and after, index upkeep) and put in the simulated second of
its batch. Printed, and with `--json` emitted as one JSON object:
- `max_item_wcu_per_s`: the busiest single item in its busiest second (with
  its index upkeep). One DynamoDB partition serves 1,000 WCU/s; the goal is
  ≤ 300, so a peak never throttles;
- `busiest_item`: which item that was;
- `counter_wru_per_initiative`: every write of the counting consumer (markers,
  counters, authors, index upkeep) over the initiatives;
- `recount_equal`: true when every counter equals a recount of the generated
  initiatives (nothing lost, nothing doubled by the replays);
- `records`, `batches`, `replayed`, `seconds` (wall time of the run).

Only the counting consumer is measured (the counters are what every change
of every initiative writes, and what a peak puts on a few hot items).

In-process moto takes about 20–30 ms a record here (its update-expression
parsing dominates), so the full peak (60,000 records) runs for about 30
minutes on the 2-core machine; `--seconds 2` already shows the steady state.
On 30/11/2026, the full 60 s peak (60 batches of 1,000, 6 replayed): the
busiest item (one of the national counter's 8 shards) took 56 WCU in its
busiest second, 8.01 WRU of counting per initiative, recount equal, in 1,813 s.
"""
import argparse
import json
import math
import os
import random
import sys
import time
import zlib
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from scripts import emulation  # noqa: E402

emulation.apply(emulation.environment())

PHASE = "sk2627-gd1"
GROUPS = ["enterprise-workers", "works-and-technical", "public-service", "officials", "new-countryside"]
# The counting mapping as deployed (chalicelib/streams.py): a batch leaves at COUNT_BATCH records, or
# COUNT_WINDOW seconds after its first record arrived (--batch, --window).
BATCH, WINDOW_SECONDS = 1000, 5.0


def top_level_units() -> list[tuple[str, str]]:
    """(id, block) of the demo tree's 83 top-level units (provinces' federations, sectors, corporations)."""
    with open(os.path.join(ROOT, "data", "demo", "organisation.json"), encoding="utf-8") as f:
        units = json.load(f)["units"]
    return sorted((u["id"], u.get("block") or "enterprise") for u in units if u.get("parent_id") == "tld")


UPPER_PER_TOP, GRASSROOTS_PER_UPPER = 8, 150  # 83 x 8 x 150: about the country's hundred thousand


def national_path(n: int, tops: list) -> tuple[list[str], str]:
    """(path, block) of grassroots union number n (0 ≤ n < grassroots(tops)) of
    a national tree: the 83 top-level units (the demo tree's) in turn, each with
    8 upper unions (about 660 in all), each with 150 grassroots unions (about a
    hundred thousand, as in the country). The demo tree has 368 grassroots
    unions in all, which would make a peak's batches share far more counters
    than the country's do, so the lower units here are made up."""
    top, block = tops[n % len(tops)]
    upper = (n // len(tops)) % UPPER_PER_TOP
    return ["tld", top, f"peak-upper-{top}-{upper}", f"peak-grassroots-{n}"], block


def grassroots(tops: list) -> int:
    return len(tops) * UPPER_PER_TOP * GRASSROOTS_PER_UPPER


def initiatives(rate: int, seconds: int, seed: int) -> list[tuple[float, dict]]:
    """(when, META image) of every initiative of the peak, in time order."""
    rng = random.Random(seed)
    tops = top_level_units()
    found = []
    for n in range(rate * seconds):
        path, block = national_path(rng.randrange(grassroots(tops)), tops)
        author = f"m{rng.randrange(rate * seconds * 2)}"
        found.append((n / rate, {
            "id": f"B{n:09d}", "version": 1, "status": "pending", "phase_id": PHASE, "unit_id": path[-1],
            "unit_path": path, "block": block, "subject_group": rng.choice(GROUPS),
            "benefit_vnd": rng.randrange(0, 500) * 1_000_000,
            "authors": [{"full_name": f"Tác giả {author}", "member_id": author, "share_percent": 100}]}))
    return found


def lambda_record(image: dict, sequence: int, when: float, arn: str) -> dict:
    from boto3.dynamodb.types import TypeSerializer

    serialize = TypeSerializer().serialize
    keys = {"pk": {"S": f"SUB#{image['id']}"}, "sk": {"S": "META"}}
    new_image = {**keys, **{name: serialize(value) for name, value in image.items()}}
    return {"eventID": f"e{sequence}", "eventName": "INSERT", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
            "awsRegion": "ap-southeast-1", "eventSourceARN": arn,
            "dynamodb": {"ApproximateCreationDateTime": 1_795_000_000 + when, "Keys": keys, "NewImage": new_image,
                         "SequenceNumber": str(sequence), "SizeBytes": 1000, "StreamViewType": "NEW_AND_OLD_IMAGES"}}


def batches(generated, shards: int, size: int, arn: str, window: float = WINDOW_SECONDS
            ) -> list[tuple[float, list[dict]]]:
    """(when it leaves, records) of every batch, in time order: per shard, at most
    `size` records, or what arrived within the batching window."""
    per_shard = defaultdict(list)
    for sequence, (when, image) in enumerate(generated, start=1):
        # A stable hash of the partition key (Python's own is salted per process): the same run, the same batches.
        per_shard[zlib.crc32(image["id"].encode()) % shards].append((when, lambda_record(image, sequence, when, arn)))
    found = []
    for records in per_shard.values():
        batch, opened = [], None
        for when, record in records:
            if batch and (len(batch) == size or when - opened >= window):
                found.append((last, batch))
                batch = []
            if not batch:
                opened = when
            batch.append(record)
            last = when
        if batch:
            found.append((last, batch))
    return sorted(found, key=lambda b: b[0])


def run(rate: int, seconds: int, shards: int, size: int, replay_share: float, seed: int,
        window: float = WINDOW_SECONDS) -> dict:
    from moto import mock_aws

    from bench.cost_meter import Meter, Schemas
    from tests.conftest import DEMO_DIR

    started = time.monotonic()
    emulation.dynamodb_like_aws()
    with mock_aws():
        import boto3
        from chalice.test import Client

        from chalicelib import settings, tables
        from chalicelib.counters import core, store
        from chalicelib.reference import loader

        emulation.prepare()
        loader.load(loader.read_directory(DEMO_DIR))
        from app import app

        generated = initiatives(rate, seconds, seed)
        arn = "arn:aws:dynamodb:ap-southeast-1:123456789012:table/sangkien-local-initiatives/stream/burst"
        cut = batches(generated, shards, size, arn, window)
        rng = random.Random(seed + 1)
        again = sorted(rng.sample(range(len(cut)), k=int(len(cut) * replay_share)))
        deliveries = cut + [(cut[i][0] + 1.0, cut[i][1]) for i in again]  # replays a second after the first

        meter = Meter()
        meter.schemas = Schemas(boto3.client("dynamodb"), [settings.table_name(k) for k in tables.TABLES])
        per_second = defaultdict(float)  # (item, second) -> WCU
        total = 0.0
        meter.install()
        try:
            with Client(app, stage_name="local") as client:
                for when, records in deliveries:
                    with meter.measure():
                        answer = client.lambda_.invoke("count_changes", {"Records": records}).payload
                    if answer != {"batchItemFailures": []}:
                        raise SystemExit(f"burst: a batch failed: {answer}")
                    for call in meter.calls_done:
                        for part in call.get("parts", ()):
                            item = (part["table"], json.dumps(part["key"], sort_keys=True))
                            units = part["wcu"] + sum(part["index_wcu"].values())
                            per_second[(item, math.floor(when))] += units
                            total += units
        finally:
            meter.uninstall()

        # Every page of the counters table (markers included, it is far past one 1 MB page at full scale).
        pages = boto3.client("dynamodb").get_paginator("scan").paginate(TableName=settings.table_name("counters"))
        counted = store.counts_by_scope(item for page in pages for item in page["Items"])
        recount_equal = counted == core.recount([image for _, image in generated])

    (busiest, second), most = max(per_second.items(), key=lambda kv: kv[1])
    return {
        "max_item_wcu_per_s": most, "busiest_item": {"table": busiest[0], "key": json.loads(busiest[1]),
                                                     "second": second},
        "counter_wru_per_initiative": round(total / len(generated), 2), "recount_equal": recount_equal,
        "records": len(generated), "batches": len(cut), "replayed": len(again), "shards": shards,
        "batch": size, "window_seconds": window,
        "rate_per_s": rate, "seconds_simulated": seconds, "seconds": round(time.monotonic() - started, 1),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=int, default=1000, help="submissions a second (1000)")
    parser.add_argument("--seconds", type=int, default=60, help="how long the peak lasts (60)")
    parser.add_argument("--shards", type=int, default=4, help="stream shards (4)")
    parser.add_argument("--batch", type=int, default=BATCH, help=f"records per batch at most ({BATCH}, as deployed)")
    parser.add_argument("--window", type=float, default=WINDOW_SECONDS,
                        help=f"the batching window in seconds ({WINDOW_SECONDS:g}, as deployed)")
    parser.add_argument("--replay", type=float, default=0.1, help="share of the batches delivered again (0.1)")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--json", action="store_true", help="the figures as one JSON object")
    args = parser.parse_args(argv)
    result = run(args.rate, args.seconds, args.shards, args.batch, args.replay, args.seed, args.window)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for name, value in result.items():
            print(f"{name}: {value}")
    return 0 if result["recount_equal"] else 1


if __name__ == "__main__":
    sys.exit(main())
