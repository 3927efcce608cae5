"""What `serve` keeps across a stop and a start (scripts/local_data.py): a save
and a restore give back every table's items, the S3 objects and the queued
messages as they were; restored items are not handed to the stream handlers
as new changes, while the changes the handlers had not finished with when
saved are handed to them once more, and everything after the restart flows
as usual."""
import gzip
import os

import boto3
import pytest

from chalicelib import settings, tables
from scripts import emulation, local_data
from scripts.stream_feeder import StreamFeeder
from tests.conftest import DEMO_DIR, initiative
from tests.helpers import compiled, deliver, enter, fire

PHASE = "sk2627-gd1"
HANDLERS = ("count_changes", "react_to_events")


def items_of(kind: str) -> list:
    """Every item of the table as moto's own `to_json` writes it (what a Scan answers, without a Scan's
    seconds for the 6,000 reference items), in key order."""
    table = local_data._dynamodb().tables[settings.table_name(kind)]
    return sorted((item.to_json()["Attributes"] for item in table.all_items()), key=repr)


def everything() -> dict:
    """Every table's items, every object, every queued message."""
    s3, sqs = boto3.client("s3"), boto3.client("sqs")
    objects = {}
    for listed in s3.list_objects_v2(Bucket=settings.awards_bucket()).get("Contents", []):
        got = s3.get_object(Bucket=settings.awards_bucket(), Key=listed["Key"])
        objects[listed["Key"]] = (got["Body"].read(), got.get("ContentType"), got.get("ContentDisposition"),
                                  got.get("ContentEncoding"))
    url = sqs.get_queue_url(QueueName=settings.award_list_queue())["QueueUrl"]
    bodies = sorted(m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                                            VisibilityTimeout=0).get("Messages", []))
    return {"tables": {kind: items_of(kind) for kind in tables.TABLES}, "objects": objects, "messages": bodies}


def no_objects_nor_messages() -> None:
    """The award-list bucket and queue emptied (the session's other tests leave lists and requests in them)."""
    s3, sqs = boto3.client("s3"), boto3.client("sqs")
    for listed in s3.list_objects_v2(Bucket=settings.awards_bucket()).get("Contents", []):
        s3.delete_object(Bucket=settings.awards_bucket(), Key=listed["Key"])
    url = sqs.get_queue_url(QueueName=settings.award_list_queue())["QueueUrl"]
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):  # PurgeQueue: once a minute
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def a_new_emulator() -> None:
    """What the next `serve` starts from: every table made anew (a new, empty stream), no object, no message."""
    for table in tables.TABLES.values():
        table.model.delete_table()
    no_objects_nor_messages()
    emulation.prepare()


@pytest.fixture
def restart(api, tmp_path):
    """Save into a data directory, start from a new emulator and restore, as a stop and a start of `serve`
    do; returns the snapshot read back. The reference table is put back for the next tests whatever happens,
    and the award-list bucket and queue emptied."""
    data = local_data.DataDir(str(tmp_path / "data"))
    data.claim()

    def stop_and_start(feeder=None) -> dict:
        local_data.Keeper(data, feeder, settings.table_name("initiatives")).save()
        a_new_emulator()
        snapshot = local_data.read(data.state)
        local_data.restore(snapshot)
        return snapshot
    yield stop_and_start
    from chalicelib.reference import catalog, loader

    no_objects_nor_messages()  # nothing left for the next tests' award-list queue

    if not items_of("reference"):  # a test that failed between the new emulator and the restore
        loader.load(loader.read_directory(DEMO_DIR))
    catalog.clear_cache()


def entered_at(api, unit: str) -> tuple:
    stats = api.json("GET", f"/stats/units/{unit}?phase={PHASE}", user="leader-national")[1]["unit"]
    return stats["entered"], stats["by_state"]


def test_a_restart_gives_back_every_table_object_and_message_as_it_was(api, stream, restart):
    # GIVEN an initiative recognised at Rạng Đông and one waiting at FPT (entered with an Idempotency-Key),
    # all counted and their notices delivered,
    no_objects_nor_messages()
    sid = enter(api)["id"]
    for version, (event, user, given) in enumerate([
            ("validate", "reviewer-rang-dong", {}), ("start_review", "reviewer-cong-thuong", {}),
            ("recognize", "reviewer-cong-thuong", {"confirmed_benefit_vnd": 90_000_000,
                                                   "scores": {"novelty": 8, "applicability": 9, "effectiveness": 7}})],
            start=1):
        fire(api, sid, event, version, user, **given)
    status, _ = api.json("POST", "/submissions", initiative(
        unit_id="cdcs-fpt-cau-giay", authors=[{"full_name": "Phạm Minh Đức", "member_id": "worker-fpt",
                                               "share_percent": 100}]),
        user="worker-fpt", headers={"Idempotency-Key": "fpt-1"})
    assert status == 201
    deliver(stream)
    # Công đoàn Công Thương's award list compiled (its workbook and entries in S3),
    assert compiled(api, "cd-cong-thuong", PHASE, "leader-national")[0] == 201
    # (a long list's entries go to S3 too, gzip'd: awards/store.py)
    boto3.client("s3").put_object(Bucket=settings.awards_bucket(), Key="award-lists/tld/sk2627-gd1/v1-0.entries.json.gz",
                                  Body=gzip.compress(b'[{"code": "01"}]'), ContentType="application/json",
                                  ContentEncoding="gzip")
    # and a compile asked for and not yet done (its message waiting in the queue)
    assert api.json("POST", "/award-lists", {"unit_id": "tld", "phase": PHASE}, user="leader-national")[0] == 202
    before = everything()
    assert {kind for kind, items in before["tables"].items() if not items} == set()
    assert len(before["objects"]) == 2 and len(before["messages"]) == 1
    # WHEN serve stops and starts again
    restart()
    # THEN every item of every table, every object (with its content type) and every message is back, identical
    after = everything()
    assert after["tables"] == before["tables"]
    assert after["objects"] == before["objects"]
    assert after["messages"] == before["messages"]
    # AND the app reads them as before: the initiative, the award list's workbook
    shown = api.json("GET", f"/submissions/{sid}", user="worker-rang-dong")[1]
    assert (shown["status"], shown["version"]) == ("recognized", 4)


def test_restored_items_are_not_counted_again_and_what_follows_is(api, stream, restart):
    # GIVEN two initiatives entered and counted
    for _ in range(2):
        enter(api)
    deliver(stream)
    counted = entered_at(api, "cdcs-rang-dong")
    assert counted[0] == 2
    # WHEN serve restarts and its stream feeder reads the stream from the start (TRIM_HORIZON)
    restart()
    feeder = StreamFeeder(settings.table_name("initiatives"))
    # THEN it finds nothing to hand over: the restored items wrote no stream record
    assert feeder.poll() == []
    assert entered_at(api, "cdcs-rang-dong") == counted
    # AND an initiative entered after the restart is counted as usual, once
    enter(api)
    records = feeder.poll()
    assert records and all(r["eventName"] == "INSERT" for r in records)
    deliver(stream, records)
    assert entered_at(api, "cdcs-rang-dong")[0] == 3


def test_changes_saved_before_they_were_counted_are_counted_after_the_restart_once(api, stream, restart):
    # GIVEN one initiative handled by the stream handlers (the feeder marked it done) ...
    feeder = StreamFeeder(settings.table_name("initiatives"))
    enter(api)
    deliver(stream, feeder.poll())
    feeder.mark_handled()
    # ... then one entered, and one validated, that the handlers had not seen when serve stopped
    sid = enter(api)["id"]
    fire(api, sid, "validate", 1, "reviewer-rang-dong")
    assert entered_at(api, "cdcs-rang-dong")[0] == 1
    # WHEN serve restarts: the save kept the records after the handled ones, and the start hands them over
    snapshot = restart(feeder)
    assert {r["dynamodb"]["Keys"]["pk"]["S"] for r in snapshot["stream_tail"]} >= {f"SUB#{sid}"}
    local_data.replay(snapshot["stream_tail"], {name: getattr(__import__("chalicelib.streams").streams, name)
                                                for name in HANDLERS})
    # THEN they are counted, each once, with the one counted before
    entered, by_state = entered_at(api, "cdcs-rang-dong")
    assert (entered, by_state["pending"], by_state["valid"]) == (2, 1, 1)
    # AND handing them over once more (a stop right after the start) counts nothing twice
    local_data.replay(snapshot["stream_tail"], {name: getattr(__import__("chalicelib.streams").streams, name)
                                                for name in HANDLERS})
    assert entered_at(api, "cdcs-rang-dong") == (entered, by_state)


def test_a_save_that_fails_halfway_leaves_the_last_one_whole(api, tmp_path):
    data = local_data.DataDir(str(tmp_path))
    data.claim()
    local_data.write(data.state, {"format": local_data.FORMAT, "tables": {"t": [{"pk": {"S": "kept"}}]}})
    with pytest.raises(TypeError):
        local_data.write(data.state, {"format": local_data.FORMAT, "tables": {"t": [{"pk": {"S": object()}}]}})
    assert local_data.read(data.state)["tables"] == {"t": [{"pk": {"S": "kept"}}]}
    assert sorted(os.listdir(tmp_path)) == ["lock", "state.json.gz"]  # no temporary file left behind
    with open(data.state, "r+b") as f:
        f.truncate(10)
    with pytest.raises(local_data.Unreadable):
        local_data.read(data.state)


def test_the_data_directory_is_the_option_else_the_environment_else_the_project_and_one_serve_at_a_time(
        tmp_path, monkeypatch):
    monkeypatch.delenv(local_data.DIR_ENV, raising=False)
    assert local_data.DataDir().path == os.path.join(local_data.ROOT, ".local-data")
    monkeypatch.setenv(local_data.DIR_ENV, str(tmp_path / "env"))
    assert local_data.DataDir().path == str(tmp_path / "env")
    assert local_data.DataDir(str(tmp_path / "option")).path == str(tmp_path / "option")
    first = local_data.DataDir(str(tmp_path / "option"))
    first.claim()
    assert oct(os.stat(first.path).st_mode & 0o777) == "0o700"  # it holds the signing key
    with pytest.raises(local_data.Busy):
        local_data.DataDir(str(tmp_path / "option")).claim()


def test_the_feeder_counts_records_handled_only_once_every_handler_is_done_with_them(api):
    import threading
    import time

    from scripts.stream_feeder import feed_forever

    # GIVEN an initiative entered, and a handler that fails its records the first time, and one that takes them
    enter(api)
    feeder = StreamFeeder(settings.table_name("initiatives"))
    handled_when_called = []

    def flaky(event, context):
        handled_when_called.append(dict(feeder.handled))
        if len(handled_when_called) == 1:
            return {"batchItemFailures": [{"itemIdentifier": r["dynamodb"]["SequenceNumber"]}
                                          for r in event["Records"]]}
        return {"batchItemFailures": []}

    # WHEN the local run's feeder hands them over until both are done
    stop = threading.Event()
    feeding = threading.Thread(target=feed_forever, args=({"flaky": flaky, "fine": lambda event, context: None},
                                                          settings.table_name("initiatives")),
                               kwargs={"interval": 0.01, "stop": stop, "feeder": feeder})
    feeding.start()
    deadline = time.monotonic() + 20
    while not feeder.handled and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    feeding.join(10)
    # THEN the records were not counted as handled while one handler still had to retry them (a save then
    # keeps them, to hand over again after a restart), and are once it took them
    assert handled_when_called[:2] == [{}, {}]
    assert feeder.handled == feeder.positions and feeder.positions


def test_while_serving_a_change_is_saved_within_the_round_and_nothing_is_written_without_one(api, tmp_path):
    import threading
    import time

    # GIVEN the local run's keeper saving every 0.05 s (30 s in serve), after a first save
    local_data.watch_writes()
    data = local_data.DataDir(str(tmp_path))
    data.claim()
    keeper = local_data.Keeper(data, every=0.05)
    keeper.save()
    first = os.stat(data.state).st_mtime_ns
    stop = threading.Event()
    keeping = threading.Thread(target=keeper.keep_saving, args=(stop,))
    keeping.start()
    try:
        # WHEN nothing changes, THEN nothing is written
        time.sleep(0.5)
        assert os.stat(data.state).st_mtime_ns == first
        # WHEN an initiative is entered, THEN the next round saves it (a kill -9 then loses nothing of it)
        sid = enter(api)["id"]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            saved = local_data.read(data.state)["tables"][settings.table_name("initiatives")]
            if any(item["pk"]["S"] == f"SUB#{sid}" for item in saved):
                break
            time.sleep(0.05)
        else:
            pytest.fail("the initiative was not saved within 20 s")
    finally:
        stop.set()
        keeping.join(10)
