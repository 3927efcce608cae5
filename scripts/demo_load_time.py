#!/usr/bin/env python3
"""How long `serve`'s seeding of the demo takes: the emulator started as
`serve` starts it (moto's threaded server on a free loopback port, in this
process), the reference data loaded, then scripts/seed_demo.seed with the
stream handlers, as scripts/local.py calls it. Prints the wall-clock and CPU
time of each part (the emulator's threads are in this process, so its CPU
time is the whole seeding's) and of the whole. A measurement, not a test:
on a machine shared with other work, wall-clock time grows with the load
while CPU time does not.

Usage: python scripts/demo_load_time.py [--bulk N] [--twice]
"""
import argparse
import logging
import os
import shutil
import socket
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def main(argv) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bulk", type=int, default=None, help="generated initiatives (default: seed_demo.BULK)")
    parser.add_argument("--twice", action="store_true", help="seed a second time, as a restart on the same data would")
    args = parser.parse_args(argv)
    sys.path.insert(0, ROOT)
    from scripts import emulation

    key_dir = tempfile.mkdtemp(prefix="sangkien-time-")
    port = free_port()
    emulation.apply(emulation.environment(f"http://{HOST}:{port}", os.path.join(key_dir, "local-jwt-key.pem")))
    from moto.server import ThreadedMotoServer

    emulation.dynamodb_like_aws()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)
    server.start()
    try:
        from scripts import load_reference, seed_demo

        emulation.prepare()
        if load_reference.main([os.path.join(ROOT, "data", "demo")]) != 0:
            return 1
        from chalicelib import streams

        bulk = seed_demo.BULK if args.bulk is None else args.bulk
        for run in range(2 if args.twice else 1):
            wall, cpu = time.monotonic(), time.process_time()
            seed_demo.seed(os.path.join(ROOT, "data", "demo"), [streams.count_changes, streams.react_to_events],
                           bulk=bulk)
            print(f"seeding{' again' if run else ''} ({bulk} generated): {time.monotonic() - wall:.1f} s wall clock, "
                  f"{time.process_time() - cpu:.1f} s CPU; load average now {os.getloadavg()[0]:.1f} "
                  f"on {os.cpu_count()} CPUs", flush=True)
    finally:
        server.stop()
        shutil.rmtree(key_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
