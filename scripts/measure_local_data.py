#!/usr/bin/env python3
"""How long the local run's save and restore take (scripts/local_data.py), on
the demo grown to a given size, against the other way it could be done
(Scan, then BatchWriteItem through moto's server).

    .venv/bin/python scripts/measure_local_data.py [--items 40000] [--batch-sample 4000]

Starts moto's server in this process as `serve` does, loads the reference
data and the demo, then copies the demo's initiatives (each with its events,
its counters' markers, its notifications ...) under new keys until the tables
hold `--items` items, and times: a save (copy under the lock, JSON, gzip,
atomic write), a restore into empty tables (read, put back), and BatchWriteItem
of `--batch-sample` items through the server, with the time it would take for all.
"""
import argparse
import os
import shutil
import socket
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def grow(target: int) -> None:
    """Copy every non-reference item under new keys (`~<n>` after the partition key) until `target` items."""
    from scripts import local_data

    backend = local_data._dynamodb()
    with local_data._lock():
        originals = {name: [{key: local_data._plain(value) for key, value in item.attrs.items()}
                            for item in table.all_items()]
                     for name, table in backend.tables.items() if not name.endswith("reference")}
        total = sum(len(table.all_items()) for table in backend.tables.values())
        per_copy = sum(len(items) for items in originals.values())
        copy = 0
        while total < target:
            copy += 1
            for name, items in originals.items():
                table = backend.tables[name]
                for attributes in items:
                    attributes = dict(attributes)
                    key = attributes[table.hash_key_attr]
                    attributes[table.hash_key_attr] = {"S": f"{key['S']}~{copy}"}
                    local_data.put_back(table, attributes)
            total += per_copy


def empty_tables() -> None:
    from chalicelib import tables
    from scripts import emulation

    for table in tables.TABLES.values():
        table.model.delete_table()
    emulation.prepare()


def main(argv) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=40_000)
    parser.add_argument("--batch-sample", type=int, default=4_000)
    args = parser.parse_args(argv)

    from scripts import emulation

    work = tempfile.mkdtemp(prefix="sangkien-measure-")
    port = free_port()
    emulation.apply(emulation.environment(f"http://127.0.0.1:{port}", os.path.join(work, "key.pem")))
    from moto.server import ThreadedMotoServer

    emulation.dynamodb_like_aws()
    from scripts import local_data

    local_data.watch_writes()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        import boto3

        from chalicelib import streams
        from chalicelib.reference import loader
        from scripts import seed_demo

        emulation.prepare()
        loader.load(loader.read_directory(os.path.join(ROOT, "data", "demo")))
        started = time.monotonic()
        seed_demo.seed(os.path.join(ROOT, "data", "demo"), [streams.count_changes, streams.react_to_events])
        print(f"demo seeded in {time.monotonic() - started:.1f} s")
        grow(args.items)

        data = local_data.DataDir(work)
        started, cpu = time.monotonic(), time.process_time()
        snapshot = local_data.capture()
        captured = time.monotonic()
        size = local_data.write(data.state, snapshot)
        written, cpu = time.monotonic(), time.process_time() - cpu
        counts = {name: len(items) for name, items in snapshot["tables"].items()}
        print(f"items: {sum(counts.values())} {counts}")
        print(f"save: {written - started:.2f} s (copy under the lock {captured - started:.2f} s, "
              f"JSON + gzip + write {written - captured:.2f} s; CPU {cpu:.2f} s), {size / 2**20:.1f} MiB")

        empty_tables()
        started, cpu = time.monotonic(), time.process_time()
        read = local_data.read(data.state)
        loaded = time.monotonic()
        local_data.restore(read)
        restored, cpu = time.monotonic(), time.process_time() - cpu
        print(f"restore: {restored - started:.2f} s (read + gunzip + JSON {loaded - started:.2f} s, "
              f"put back {restored - loaded:.2f} s; CPU {cpu:.2f} s)")
        assert {name: len(items) for name, items in local_data.capture()["tables"].items()} == counts

        empty_tables()
        client = boto3.client("dynamodb")
        sample = [(name, item) for name, items in snapshot["tables"].items() for item in items][:args.batch_sample]
        started = time.monotonic()
        for i in range(0, len(sample), 25):
            batch: dict = {}
            for name, item in sample[i:i + 25]:
                batch.setdefault(name, []).append({"PutRequest": {"Item": item}})
            while batch:
                batch = client.batch_write_item(RequestItems=batch).get("UnprocessedItems") or {}
        took = time.monotonic() - started
        print(f"BatchWriteItem through the server: {len(sample)} items in {took:.1f} s, "
              f"so {took * sum(counts.values()) / len(sample):.0f} s for all (and one stream record per item)")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
