"""Cold start and cost, checked structurally (nothing here is timed).

- Importing `app` in a deployed stage must not import the heavy libraries: the
  routes that need them import them lazily. (`bench/import_time.py` prints the
  actual wall times.)
- The cost meter (`bench/cost_meter.py`) must find no Scan anywhere and a warm
  submission of exactly one TransactWriteItems, its only write, beside the
  near-duplicate check's fixed reads (issue 14).
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEAVY = ("boto3", "botocore", "pynamodb", "jsonschema", "jwt", "cryptography", "numpy", "rapidfuzz")

PROBE = """
import json, sys
import app
heavy = {heavy!r}
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in heavy)))
"""


def _env(**changes) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONSTARTUP", "AWS_ENDPOINT_URL")}
    env.update(changes)
    return env


def test_importing_the_app_in_a_deployed_stage_imports_no_heavy_library():
    # GIVEN a fresh interpreter in the project root, as a deployed (prod) Lambda container
    done = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY)], cwd=ROOT, env=_env(STAGE="prod"),
                          capture_output=True, text=True, timeout=60)
    # WHEN it imports the app
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    # THEN none of boto3, botocore, pynamodb, jsonschema, jwt, cryptography is loaded
    assert loaded == [], f"`import app` (STAGE=prod) loaded {loaded}; import them lazily in the routes that need them"


def test_cost_meter_finds_no_scan_and_a_one_write_warm_submission():
    # GIVEN the cost meter run against the local emulation (moto in-process)
    # (it seeds 20,000 waiting initiatives into moto for the rare queue filter: minutes on a busy machine)
    # (and the deadline sweep among 1,000 and 5,000 waiting here; the meter's default is 1,000 and 100,000)
    done = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "cost_meter.py"), "--json", "--campaign-batch", "100",
                           "--sweep-sizes", "1000,5000"],
                          cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=420)
    # THEN its own checks pass
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(done.stdout)
    rows = {row["id"]: row for row in result["rows"]}
    # AND a warm submission is exactly one TransactWriteItems, its only write, and the near-duplicate check's
    # reads: one Query per band of its signature, and one BatchGetItem of its candidates if it found any
    from chalicelib.similar.core import BANDS

    warm = rows["submit-warm"]
    assert warm["status"] == 201
    assert warm["calls"].pop("TransactWriteItems") == 1 and warm["write_calls"] == 1, warm["calls"]
    assert warm["calls"].pop("Query") == BANDS and warm["calls"].pop("BatchGetItem", 1) == 1, warm["calls"]
    assert warm["calls"] == {}
    # AND no request Scans
    scanning = [(row["operation"], row["scenario"]) for row in result["rows"]
                if row["scan_count"] or "Scan" in row["calls"]]
    assert scanning == []
    # AND every operation the meter is meant to cover was measured
    assert {"submit-cold", "submit-replay", "read-warm", "mine", "program-cold", "program-warm",
            "units-rang-dong", "units-thanh-hoa", "sweep-1000", "sweep-5000"} <= set(rows)
    # AND the deadline sweep read the same with 1,000 and 5,000 waiting, and rang the 100 due
    assert rows["sweep-1000"]["rcu_rules"] == rows["sweep-5000"]["rcu_rules"]
    assert rows["sweep-1000"]["calls"] == rows["sweep-5000"]["calls"]


def test_the_burst_benchmark_counts_a_small_peak_exactly_and_prices_its_busiest_item():
    # GIVEN bench/burst.py on a small peak (60 initiatives over 2 s, a tenth of the batches replayed)
    done = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "burst.py"), "--rate", "30", "--seconds", "2",
                           "--replay", "0.5", "--json"], cwd=ROOT, env=_env(), capture_output=True, text=True,
                          timeout=300)
    # THEN it runs, every counter equals a recount despite the replays, and the busiest item is a counter
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(done.stdout)
    assert result["recount_equal"] is True and result["records"] == 60 and result["replayed"] >= 1
    assert result["busiest_item"]["key"]["pk"]["S"].startswith("COUNT#")
    assert 0 < result["max_item_wcu_per_s"] and 0 < result["counter_wru_per_initiative"]
