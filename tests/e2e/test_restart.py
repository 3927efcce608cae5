"""What is entered survives a stop and a start of `scripts/dev.py serve` on the
same data directory (scripts/local_data.py), counted once; `--reset` brings
the demo back without it, `--empty` starts with no demo initiatives and is
kept so. Tried as a user does it: over HTTP, stopping `serve` as Ctrl-C or
a `kill` does (SIGTERM to its process group, as tests/e2e/conftest.py)."""
import contextlib
import json
import os
import subprocess
import sys
import time

import pytest

from tests.e2e.conftest import (ARTIFACTS, HOST, ROOT, START_TIMEOUT, answers_health, free_ports, stop,
                                user_environment)
from tests.e2e.test_local_run import SETTLE, Tables, call, counters_match_a_recount, settled, token

UNIT, PHASE = "cdcs-rang-dong", "sk2627-gd1"
LOGS = os.path.join(ARTIFACTS, "e2e")


@contextlib.contextmanager
def serving(data_dir: str, *flags: str, log: str):
    """`scripts/dev.py serve --data-dir data_dir *flags` on free ports until the block ends (then SIGTERM);
    yields (url, emulator url, the process). Its output goes to test-artifacts/e2e/<log>."""
    port, moto_port = free_ports(2)
    url = f"http://{HOST}:{port}"
    path = os.path.join(LOGS, log)
    os.makedirs(LOGS, exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [sys.executable, "scripts/dev.py", "serve", "--port", str(port), "--moto-port", str(moto_port),
             "--data-dir", data_dir, *flags],
            cwd=ROOT, env=user_environment(), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not answers_health(url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"serve {' '.join(flags)} did not start (see {path}):\n{tail(path)}", pytrace=False)
            time.sleep(0.25)
        yield url, f"http://{HOST}:{moto_port}", process
    finally:
        stop(process)


def tail(path: str, lines: int | None = 40) -> str:
    """The log's last `lines` (None: all), without the emulator's request lines."""
    with open(path, encoding="utf-8", errors="replace") as f:
        said = [line for line in f if "HTTP/1.1" not in line]
    return "".join(said[-lines:] if lines else said)


def entered(url: str) -> int:
    status, stats = call(url, "GET", f"/stats/units/{UNIT}?phase={PHASE}", token=token(url, "leader-national"))
    assert status == 200, stats
    return stats["unit"]["entered"]


def counted_as(url: str, wanted: int) -> int:
    """What the unit's counters say once the stream handlers have caught up with `wanted` (or after SETTLE s)."""
    return settled(lambda: ((n := entered(url)) == wanted, n))[1]


def enter(url: str, worker: str, key: str) -> str:
    with open(os.path.join(ROOT, "tests", "events", "submission.json"), encoding="utf-8") as f:
        body = json.load(f)
    status, answer = call(url, "POST", "/submissions", body, worker, {"Idempotency-Key": key})
    assert status == 201, answer
    return answer["id"]


def test_what_was_entered_survives_a_restart_counted_once_and_reset_brings_back_the_demo(tmp_path):
    data_dir = str(tmp_path / "data")
    # GIVEN serve started on a new data directory: the demo is entered, and an initiative is entered over HTTP
    with serving(data_dir, log="restart-1-new.log") as (url, _, process):
        demo = entered(url)
        assert demo > 0
        worker = token(url, "worker-rang-dong")
        sid = enter(url, worker, "restart-1")
        assert counted_as(url, demo + 1) == demo + 1
    # WHEN it is stopped (SIGTERM) and started again on the same data directory
    assert process.returncode == 0
    assert "saved" in tail(os.path.join(LOGS, "restart-1-new.log"), None)
    with serving(data_dir, log="restart-2-again.log") as (url, emulator, _):
        # THEN the initiative is there, for its author, with the token signed before the restart
        status, shown = call(url, "GET", f"/submissions/{sid}", token=worker)
        assert (status, shown["id"], shown["status"]) == (200, sid, "pending")
        # AND it is counted once: an initiative entered now is counted on top of it, and nothing else is
        assert entered(url) == demo + 1
        enter(url, token(url, "worker-rang-dong"), "restart-2")
        assert counted_as(url, demo + 2) == demo + 2
        time.sleep(2)  # the stream feeder polls every second: a restored item handed over again would show now
        assert entered(url) == demo + 2
        ok, detail = counters_match_a_recount(Tables(emulator))
        assert ok, detail
    log = tail(os.path.join(LOGS, "restart-2-again.log"), None)
    assert "Restored from" in log and "Entering the demo" not in log  # the demo was not entered again

    # WHEN it is started with --reset
    with serving(data_dir, "--reset", log="restart-3-reset.log") as (url, _, _):
        # THEN the demo is back, and what was entered is gone
        assert entered(url) == demo
        status, _ = call(url, "GET", f"/submissions/{sid}", token=token(url, "worker-rang-dong"))
        assert status == 404

    # WHEN it is started with --empty, and once more without it
    with serving(data_dir, "--empty", log="restart-4-empty.log") as (url, _, _):
        # THEN no demo initiative is there, but the units and users are
        assert entered(url) == 0
        status, found = call(url, "GET", "/units?q=rang%20dong&kind=grassroots", token=token(url, "worker-rang-dong"))
        assert status == 200 and UNIT in str(found)
    with serving(data_dir, log="restart-5-kept-empty.log") as (url, _, _):
        assert entered(url) == 0  # kept as it was left: the demo is not entered again
    assert "Entering the demo" not in tail(os.path.join(LOGS, "restart-5-kept-empty.log"), None)
