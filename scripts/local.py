"""The local run on the embedded default: moto's threaded server on 127.0.0.1,
tables created, demo data loaded, and `chalice local` serving the API.

Run through `python3 scripts/dev.py serve [--port 8000] [--moto-port 5000]`.
Ctrl-C stops everything it started. Nothing leaves the loopback interface.
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOST = "127.0.0.1"


def port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex((HOST, port)) != 0


def main(argv) -> int:
    parser = argparse.ArgumentParser(prog="scripts/dev.py serve")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")), help="API port (8000)")
    parser.add_argument("--moto-port", type=int, default=int(os.environ.get("MOTO_PORT", "5000")),
                        help="port of the AWS emulator (5000)")
    parser.add_argument("--reload", action="store_true",
                        help="restart the API when a file under the project changes (off by default: a restart "
                             "drops the requests in flight, and tests write files here)")
    args = parser.parse_args(argv)
    for port in (args.port, args.moto_port):
        if not port_free(port):
            print(f"Port {port} on {HOST} is in use; choose another with --port / --moto-port.", file=sys.stderr)
            return 1

    # Ctrl-C (SIGINT) and SIGTERM both stop everything, even when started from a
    # shell that ignores SIGINT in background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    key_dir = tempfile.mkdtemp(prefix="sangkien-")
    key_file = os.path.join(key_dir, "local-jwt-key.pem")
    sys.path.insert(0, ROOT)
    from scripts import emulation

    emulation.apply(emulation.environment(f"http://{HOST}:{args.moto_port}", key_file))
    # POST /dev/clock moves the clock on for the API process and for the feeders and schedules here alike.
    os.environ["CLOCK_SHIFT_FILE"] = os.path.join(key_dir, "clock-shift")

    from moto.server import ThreadedMotoServer

    # The server runs in this process: give its DynamoDB what AWS guarantees (locking, clean cancels).
    emulation.dynamodb_like_aws()

    emulator = ThreadedMotoServer(ip_address=HOST, port=args.moto_port, verbose=False)
    emulator.start()
    chalice = None
    stop_feeding = None
    try:
        from scripts import load_reference

        emulation.prepare()
        if load_reference.main([os.path.join(ROOT, "data", "demo")]) != 0:
            return 1
        # `chalice local` serves HTTP only: feed the table's stream to the stream handlers here.
        from chalicelib import settings, streams
        from scripts import seed_demo
        from scripts.stream_feeder import StreamFeeder, feed_forever

        # The demo initiatives (an invitation to co-author waits for worker-fpt-en), counted and delivered
        # before the app answers; the feeder below goes on from where the seeding's reading stopped, so the
        # first thing entered in the app is not kept waiting behind the whole demo handled a second time.
        feeder = StreamFeeder(settings.table_name("initiatives"))
        seed_demo.seed(os.path.join(ROOT, "data", "demo"), [streams.count_changes, streams.react_to_events], feeder)

        stop_feeding = threading.Event()
        threading.Thread(target=feed_forever, daemon=True, name="stream-feeder",
                         args=({"count_changes": streams.count_changes, "react_to_events": streams.react_to_events},
                               settings.table_name("initiatives")),
                         kwargs={"stop": stop_feeding, "feeder": feeder}).start()
        # The award-list queue's handler, as Lambda's SQS poller would run it: compiles requested lists.
        from chalicelib import queues
        from scripts import queue_feeder

        threading.Thread(target=queue_feeder.feed_forever, daemon=True, name="queue-feeder",
                         args=(queues.compile_requested_list, settings.award_list_queue()),
                         kwargs={"stop": stop_feeding}).start()
        # The schedules, as EventBridge would run them in AWS, but every minute (on the app's clock).
        threading.Thread(target=run_schedules_forever, daemon=True, name="schedules",
                         kwargs={"stop": stop_feeding}).start()
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
  Stop:       Ctrl-C
""", flush=True)
        return chalice.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if stop_feeding:
            stop_feeding.set()
        if chalice:
            stop_group(chalice)
        emulator.stop()
        shutil.rmtree(key_dir, ignore_errors=True)
        print("Stopped.", flush=True)


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
