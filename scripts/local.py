"""The local run on the embedded default: moto's threaded server on 127.0.0.1,
tables created, demo data loaded, and `chalice local` serving the API.

Run through `python3 scripts/dev.py serve [--port 8000] [--moto-port 5000]
[--data-dir DIR] [--reset | --empty]`. Ctrl-C stops everything it started.
Nothing leaves the loopback interface.

What was entered is kept across a stop and a start (scripts/local_data.py):
saved into the data directory (`.local-data/`, or --data-dir, or
SANGKIEN_DATA_DIR) every 30 s when something changed and at the stop, and
restored at the next start instead of entering the demo again.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(ROOT, "data", "demo")
HOST = "127.0.0.1"


def port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex((HOST, port)) != 0


def main(argv) -> int:
    parser = argparse.ArgumentParser(prog="scripts/dev.py serve")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")), help="API port (8000)")
    parser.add_argument("--moto-port", type=int, default=int(os.environ.get("MOTO_PORT", "5000")),
                        help="port of the AWS emulator (5000)")
    parser.add_argument("--data-dir", default=None,
                        help="where what was entered is kept between runs (default: $SANGKIEN_DATA_DIR, "
                             "else .local-data/ in the project)")
    start = parser.add_mutually_exclusive_group()
    start.add_argument("--reset", action="store_true",
                       help="start clean: forget what the data directory kept (data, sign-ins, the moved clock) "
                            "and enter the demo initiatives again")
    start.add_argument("--empty", action="store_true",
                       help="start clean with the reference data only (units, users, programs) and no demo "
                            "initiatives; what is entered then is kept as usual")
    parser.add_argument("--reload", action="store_true",
                        help="restart the API when a file under the project changes (off by default: a restart "
                             "drops the requests in flight, and tests write files here)")
    args = parser.parse_args(argv)
    for port in (args.port, args.moto_port):
        if not port_free(port):
            print(f"Port {port} on {HOST} is in use; choose another with --port / --moto-port.", file=sys.stderr)
            return 1

    sys.path.insert(0, ROOT)
    from scripts import emulation, local_data

    data = local_data.DataDir(args.data_dir)
    try:
        data.claim()
    except local_data.Busy:
        print(f"Another `serve` is using {data.path}; stop it, or give this one its own with --data-dir.",
              file=sys.stderr)
        return 1
    if args.reset or args.empty:
        data.clear()
    snapshot = None
    if data.has_state():
        try:
            snapshot = local_data.read(data.state)
        except local_data.Unreadable as error:
            print(f"The saved data cannot be read ({error}). Start over with --reset (which deletes it), "
                  "or move it away first to keep it.", file=sys.stderr)
            return 1

    # Ctrl-C (SIGINT) and SIGTERM both stop everything, even when started from a
    # shell that ignores SIGINT in background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    # The signing key is kept with the data, so tokens and signed-in browsers outlive a restart.
    emulation.apply(emulation.environment(f"http://{HOST}:{args.moto_port}", data.key_file))
    # POST /dev/clock moves the clock on for the API process and for the feeders and schedules here alike,
    # and the data keep the moved clock they were entered on.
    os.environ["CLOCK_SHIFT_FILE"] = data.clock_file

    from moto.server import ThreadedMotoServer

    # The server runs in this process: give its DynamoDB what AWS guarantees (locking, clean cancels).
    emulation.dynamodb_like_aws()
    local_data.watch_writes()

    emulator = ThreadedMotoServer(ip_address=HOST, port=args.moto_port, verbose=False)
    emulator.start()
    chalice = None
    stop_feeding = None
    keeper = None
    try:
        from scripts import load_reference

        emulation.prepare()
        if snapshot is not None:
            started = time.monotonic()
            restored = local_data.restore(snapshot)
            print(f"Restored from {data.state} in {time.monotonic() - started:.1f} s: {restored}", flush=True)
        # The reference data (tree, programs, targets, users) is restored with the rest, and loaded again
        # from data/demo only when that would change it (its files, or how they are loaded, changed since).
        from chalicelib.reference.loader import LoadError

        try:
            reference = local_data.reference_fingerprint(DEMO)
        except LoadError:
            reference = None  # load_reference says what is wrong with the files
        if reference and snapshot is not None and snapshot.get("reference") == reference:
            print("Reference data: as saved (data/demo unchanged)", flush=True)
        elif load_reference.main([DEMO]) != 0:
            return 1
        # `chalice local` serves HTTP only: feed the table's stream to the stream handlers here.
        from chalicelib import settings, streams
        from scripts import seed_demo
        from scripts.stream_feeder import StreamFeeder, feed_forever

        handlers = {name: getattr(streams, name) for name in streams.HANDLERS}
        feeder = StreamFeeder(settings.table_name("initiatives"))
        keeper = local_data.Keeper(data, feeder, settings.table_name("initiatives"), reference=reference)
        if snapshot is not None:
            # Restored items wrote no stream records: the feeder hands over only what changes from now on.
            # The changes saved before the handlers were done with them are handed over once more.
            if snapshot.get("reference") == reference:
                keeper.saved_as_is()  # else the first round saves again, with what was loaded now
            local_data.replay(snapshot["stream_tail"], handlers)
        elif not args.empty:
            # The demo initiatives (an invitation to co-author waits for worker-fpt-en), counted and delivered
            # before the app answers; the feeder below goes on from where the seeding's reading stopped, so the
            # first thing entered in the app is not kept waiting behind the whole demo handled a second time.
            print("Entering the demo initiatives (data/demo) …", flush=True)
            seed_demo.seed(DEMO, list(handlers.values()), feeder)
            feeder.mark_handled()
        if snapshot is None:
            keeper.save("(the start)")  # the next start restores this, and does not enter the demo again

        stop_feeding = threading.Event()
        threading.Thread(target=feed_forever, daemon=True, name="stream-feeder",
                         args=(handlers, settings.table_name("initiatives")),
                         kwargs={"stop": stop_feeding, "feeder": feeder}).start()
        threading.Thread(target=keeper.keep_saving, daemon=True, name="keeper", args=(stop_feeding,)).start()
        # The award-list queue's handler, as Lambda's SQS poller would run it: compiles requested lists.
        from chalicelib import queues
        from scripts import queue_feeder

        threading.Thread(target=queue_feeder.feed_forever, daemon=True, name="queue-feeder",
                         args=(queues.compile_requested_list, settings.award_list_queue()),
                         kwargs={"stop": stop_feeding}).start()
        # The schedules, as EventBridge would run them in AWS, but every minute (on the app's clock).
        threading.Thread(target=run_schedules_forever, daemon=True, name="schedules",
                         kwargs={"stop": stop_feeding}).start()
        if not args.empty:
            # The clusters' leaders made ready, then the 2022–2023 program at national scale, in the counters (data/demo/history.json): written once,
            # while the app already answers (half a minute or more on a busy machine); a restart finds it there.
            threading.Thread(target=count_history, daemon=True, name="history").start()
        chalice = subprocess.Popen(
            [sys.executable, os.path.join(ROOT, "scripts", "chalice_local.py"), "local", "--stage", "local", "--host", HOST,
             "--port", str(args.port), "--autoreload" if args.reload else "--no-autoreload"], cwd=ROOT, env=os.environ.copy(),
            # Its own process group, so stopping it also stops its reloader's worker.
            start_new_session=True)
        url = f"http://{HOST}:{args.port}"
        print(f"""
  API:        {url}   (AWS emulated by moto at {os.environ['AWS_ENDPOINT_URL']})
  Demo users: curl {url}/dev/users
  A token:    curl -s -X POST {url}/dev/token -H 'Content-Type: application/json' -d '{{"user_id": "worker-rang-dong"}}'
  Then:       curl {url}/programs/current -H "Authorization: Bearer $TOKEN"
  Deadlines:  curl -X POST {url}/dev/clock -H 'Content-Type: application/json' -d '{{"advance_days": 16}}'
              (the schedules run every minute; or now: curl -X POST {url}/dev/schedules/sweep_deadlines)
  Data:       kept in {data.path} across restarts ({"restored" if snapshot is not None else "new"});
              --reset starts over with the demo, --empty with no demo initiatives
  Stop:       Ctrl-C (saves what changed)
""", flush=True)
        return chalice.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if stop_feeding:
            stop_feeding.set()
        if chalice:
            stop_group(chalice)
        # Only once started: a start stopped halfway (the demo half entered, a restore half done) saves
        # nothing, and the next start begins from the last save again.
        if stop_feeding:
            try:
                if keeper.changed():
                    keeper.save("(the stop)")
            except Exception as error:  # noqa: BLE001 - the last save stays whole; say what was not kept
                print(f"  saving the local data at the stop failed ({error!r}); the last save is kept", flush=True)
        emulator.stop()
        print("Stopped.", flush=True)


def count_history() -> None:
    """The clusters' leaders of the phases under way made ready (the first
    national dashboard need not build them), then scripts/history_2022.seed(),
    saying what it did (nothing when the program is counted already)."""
    from chalicelib.counters import stats
    from scripts import history_2022

    try:
        stats.refresh_honours()
    except Exception as error:  # noqa: BLE001 - the schedule tries again within the minute
        print(f"  the clusters' leaders could not be made ready ({error!r})", flush=True)

    try:
        done = history_2022.seed()
    except Exception as error:  # noqa: BLE001 - the app runs on without the past program; say so
        print(f"  the 2022–2023 program could not be counted ({error!r}); the current edition is unaffected",
              flush=True)
        return
    if done["written"]:
        print(f"  the 2022–2023 program is counted: {done['entered_in_all']:,} initiatives in "
              f"{done['seconds']} s (choose its phases on the dashboard)", flush=True)
    else:
        print("  the 2022–2023 program is counted (kept from an earlier start)", flush=True)


SCHEDULE_EVERY = 60  # seconds


def run_schedules_forever(stop, every: float = SCHEDULE_EVERY) -> None:
    """Run every schedule of chalicelib/schedules.py once a minute until `stop`
    is set; a failing one is reported and tried again a minute later (as
    Lambda retries an asynchronous invocation)."""
    import logging

    from chalicelib import schedules

    log = logging.getLogger("schedules")
    while not stop.wait(every):
        for name, job in schedules.JOBS.items():
            try:
                done = job()
                if any(done.values()) if isinstance(done, dict) else done:
                    print(f"  schedule {name}: {done}", flush=True)
            except Exception:  # noqa: BLE001 - the next minute tries again
                log.exception("schedule %s failed", name)


def stop_group(process) -> None:
    """SIGINT to the process group, then SIGKILL if it has not ended in 5 s."""
    for sig in (signal.SIGINT, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=5)
            return
        except subprocess.TimeoutExpired:
            continue
