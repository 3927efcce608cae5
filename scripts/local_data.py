"""What the local run keeps between a stop and a start of `serve`.

`serve` (scripts/local.py) runs moto's server in its own process, so this
reads and writes the emulator's own objects directly:

- every DynamoDB table's items, in DynamoDB's JSON (what a Scan answers),
  copied under the lock that serialises every DynamoDB call
  (scripts/emulation.dynamodb_like_aws), so all tables are saved as they
  were between two calls, never halfway through a transaction;
- the initiatives stream's records that the stream handlers had not finished
  with when saved (`StreamFeeder.handled`), which a restore hands them once
  more (counting and reacting are idempotent: a change counted already is
  not counted twice);
- the S3 buckets' objects (award lists' workbooks and entries);
- the SQS queues' messages (a compile asked for and not yet done, stream
  records set aside for `scripts/redrive.py --local`), bodies only: the app
  sends no message attributes; a message being handled when saved comes back
  as a new one (its handler is idempotent).

All of it goes in one file, `state.json.gz` in the data directory, written to
a temporary file and renamed over the last one, so a crash halfway through a
save leaves the previous one whole. The directory also holds the local
signing key (tokens and signed-in browsers outlive a restart) and the
shifted clock of `POST /dev/clock`.

Restored items go into the tables with no stream record, as if they had
always been there: the stream starts empty, and the stream feeder hands the
handlers only what changes after the restart.

Why not the others (scripts/measure_local_data.py, 40,900 items on the
2-core machine: a save takes 1.6 s of CPU, about 1 s of it holding the lock,
and a restore 3.2 s): BatchWriteItem through the server alone takes 20 to
90 s for them, and writes a stream record per item, which the handlers would
take for new changes; pickling moto's backends ties the file to one moto
version (an upgrade would lose the data) and to objects that hold threads
and locks.
"""
import base64
import gzip
import json
import os
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DIR = os.path.join(ROOT, ".local-data")
DIR_ENV = "SANGKIEN_DATA_DIR"
FORMAT = 1
SAVE_EVERY = 30  # seconds between two looks for changes to save
HANDLER_ATTEMPTS = 6  # as the stream feeder (and Lambda's 5 retries)


class Unreadable(Exception):
    """The saved data cannot be read back (damaged, or written by a newer format)."""


class Busy(Exception):
    """Another `serve` is using the data directory."""


class DataDir:
    """The directory of one local run's saved data, and what lives in it."""

    def __init__(self, path: str | None = None):
        self.path = os.path.abspath(path or os.environ.get(DIR_ENV) or DEFAULT_DIR)
        self.state = os.path.join(self.path, "state.json.gz")
        self.key_file = os.path.join(self.path, "local-jwt-key.pem")
        self.clock_file = os.path.join(self.path, "clock-shift")
        self._lock = None

    def has_state(self) -> bool:
        return os.path.exists(self.state)

    def claim(self) -> None:
        """Make the directory (only its owner may read it: it holds the signing
        key) and hold it for this process: two runs saving into one directory
        would overwrite each other's data. Raises Busy when another holds it."""
        import fcntl

        os.makedirs(self.path, mode=0o700, exist_ok=True)
        self._lock = open(os.path.join(self.path, "lock"), "w")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            self._lock = None
            raise Busy(self.path) from None

    def clear(self) -> None:
        """Forget what was saved: the tables' data, the signing key, the clock's shift."""
        for path in (self.state, self.key_file, self.clock_file):
            try:
                os.remove(path)
            except FileNotFoundError:
                pass


# ---------------------------------------------------------------- moto's objects

def _account_region():
    from moto.core import DEFAULT_ACCOUNT_ID

    from chalicelib import settings
    return DEFAULT_ACCOUNT_ID, settings.region()


def _dynamodb():
    from moto.dynamodb.models import dynamodb_backends

    account, region = _account_region()
    return dynamodb_backends[account][region]


def _sqs():
    from moto.sqs.models import sqs_backends

    account, region = _account_region()
    return sqs_backends[account][region]


def _lock():
    """The lock every DynamoDB call holds (scripts/emulation.dynamodb_like_aws)."""
    from moto.dynamodb.models import DynamoDBBackend

    return DynamoDBBackend.like_aws_lock


_writes = {"count": 0}


def watch_writes() -> None:
    """Count the DynamoDB writes that succeed (`writes()`), so a periodic save
    knows whether anything changed. Applied once per process."""
    import functools

    from moto.dynamodb.models import DynamoDBBackend

    from scripts import emulation

    if getattr(DynamoDBBackend, "_writes_watched", False):
        return

    def counted(method):
        @functools.wraps(method)
        def wrapper(*args, **kwargs):
            result = method(*args, **kwargs)
            _writes["count"] += 1
            return result
        return wrapper

    for name in emulation._WRITES:
        setattr(DynamoDBBackend, name, counted(getattr(DynamoDBBackend, name)))
    DynamoDBBackend._writes_watched = True


def writes() -> int:
    return _writes["count"]


# ---------------------------------------------------------------- saving

def reference_fingerprint(directory: str) -> str:
    """What loading `directory`'s reference files would make the reference table hold (every
    item's key and digest), in one digest: equal to the one saved, loading them again would write
    nothing, so a restore skips it (comparing 6,000 items through the emulator takes 10-25 s)."""
    import hashlib

    from chalicelib.reference import loader

    wanted = loader.desired_items(loader.read_directory(directory))
    listed = sorted(f"{pk}\t{sk}\t{attributes['digest']}" for (pk, sk), (_, attributes) in wanted.items())
    return hashlib.sha256("\n".join(listed).encode("utf-8")).hexdigest()


def capture(handled: dict | None = None, stream_table: str | None = None) -> dict:
    """Everything `serve` keeps, as plain data (see the module's docstring).
    `handled`: the stream feeder's `handled` (shard id -> sequence number)
    for `stream_table`; its records after those are kept as `stream_tail`."""
    import boto3

    backend = _dynamodb()
    with _lock():
        tables = {name: [{key: _plain(value) for key, value in item.attrs.items()} for item in table.all_items()]
                  for name, table in backend.tables.items()}
        tail = _stream_tail(backend.tables.get(stream_table), handled or {}) if stream_table else []
        writes_seen = writes()
    s3 = boto3.client("s3")
    objects = {}
    for bucket in s3.list_buckets().get("Buckets", []):
        name = bucket["Name"]
        objects[name] = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
            for listed in page.get("Contents", []):
                got = s3.get_object(Bucket=name, Key=listed["Key"])
                objects[name].append({
                    "key": listed["Key"], "body": base64.b64encode(got["Body"].read()).decode("ascii"),
                    **{field: got[field] for field in ("ContentType", "ContentDisposition", "ContentEncoding",
                                                       "Metadata") if got.get(field)}})
    queues = {name: [message.body for message in list(queue._messages)] for name, queue in _sqs().queues.items()}
    return {"format": FORMAT, "saved_at": time.time(), "writes": writes_seen, "tables": tables,
            "stream_tail": tail, "objects": objects, "queues": queues}


def _plain(value) -> dict:
    """A moto DynamoType as DynamoDB's JSON ({"S": "..."}, {"M": {...}}, ...), sharing
    nothing that moto may change after the lock is let go (its lists are copied).
    moto's own `to_json` deep-copies every map and list first: several times slower."""
    kind, inner = value.type, value.value
    if kind == "M":
        return {"M": {key: _plain(item) for key, item in inner.items()}}
    if kind == "L":
        return {"L": [_plain(item) for item in inner]}
    if isinstance(inner, list):  # SS, NS, BS
        return {kind: list(inner)}
    return {kind: inner}


def _stream_tail(table, handled: dict) -> list[dict]:
    """The stream's records after `handled`, shaped as Lambda delivers them."""
    shard = getattr(table, "stream_shard", None)
    if shard is None:
        return []
    after = int(handled.get(shard.id, 0))
    arn = table.table_arn + "/stream/" + str(table.latest_stream_label)
    tail = []
    for record in shard.items:
        body = record.to_json()
        if int(body["dynamodb"]["SequenceNumber"]) <= after:
            continue
        dynamodb = dict(body["dynamodb"])
        created = dynamodb.get("ApproximateCreationDateTime")
        if hasattr(created, "timestamp"):
            dynamodb["ApproximateCreationDateTime"] = created.timestamp()
        tail.append(dict(body, dynamodb=dynamodb, eventSourceARN=arn))
    return tail


def write(path: str, snapshot: dict) -> int:
    """Write `snapshot` to `path` atomically (a temporary file in the same
    directory, flushed to disk, then renamed over `path`). Returns its size."""
    directory = os.path.dirname(path)
    fd, temporary = tempfile.mkstemp(prefix=".state-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1, mtime=0) as f:
                f.write(json.dumps(snapshot, ensure_ascii=False, separators=(",", ":"), default=_base64).encode("utf-8"))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.remove(temporary)
        except FileNotFoundError:
            pass
        raise
    return os.path.getsize(path)


def _base64(value):
    """A binary value (moto keeps some as bytes) as DynamoDB's JSON writes it: base64 text."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"{type(value).__name__} in a saved item")


def read(path: str) -> dict:
    """The snapshot saved at `path`; Unreadable if it is damaged or of another format."""
    try:
        with gzip.open(path, "rb") as f:
            snapshot = json.loads(f.read())
    except (OSError, EOFError, ValueError) as error:
        raise Unreadable(f"{path}: {error}") from error
    if not isinstance(snapshot, dict) or snapshot.get("format") != FORMAT:
        raise Unreadable(f"{path}: not a format {FORMAT} save of the local run")
    return snapshot


# ---------------------------------------------------------------- restoring

def restore(snapshot: dict) -> dict:
    """Put `snapshot`'s items, objects and messages back into the emulator,
    whose tables, buckets and queues exist and are empty (emulation.prepare).
    The items go in with no stream record. Returns {table: items restored},
    and "(not restored)" lists the tables and queues that no longer exist."""
    import boto3

    backend = _dynamodb()
    restored, missing = {}, []
    with _lock():
        for name, items in snapshot["tables"].items():
            table = backend.tables.get(name)
            if table is None:
                missing.append(name)
                continue
            for attributes in items:
                put_back(table, attributes)
            restored[name] = len(items)
    s3 = boto3.client("s3")
    for bucket, objects in snapshot["objects"].items():
        for entry in objects:
            s3.put_object(Bucket=bucket, Key=entry["key"], Body=base64.b64decode(entry["body"]),
                          **{field: entry[field] for field in ("ContentType", "ContentDisposition",
                                                               "ContentEncoding", "Metadata") if field in entry})
    sqs = boto3.client("sqs")
    queues = _sqs().queues
    for name, bodies in snapshot["queues"].items():
        if name not in queues:
            missing.append(name)
            continue
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        for body in bodies:
            sqs.send_message(QueueUrl=url, MessageBody=body)
    if missing:
        restored["(not restored)"] = missing
    return restored


def put_back(table, attributes: dict) -> None:
    """Put one saved item into a moto table as it was, writing no stream record.
    Built as moto's own `Item.__deepcopy__` builds one: without the size check
    that `Item()` runs again over the whole item for every attribute it adds
    (the item passed it when it was first written); 10 times faster here."""
    from moto.dynamodb.models.dynamo_type import Item, LimitedSizeDict

    item = Item.__new__(Item)
    item.hash_key = _typed(attributes[table.hash_key_attr])
    item.range_key = _typed(attributes[table.range_key_attr]) if table.range_key_attr else None
    item.attrs = LimitedSizeDict.__new__(LimitedSizeDict)
    dict.update(item.attrs, {key: _typed(value) for key, value in attributes.items()})
    if item.range_key is None:
        table.items[item.hash_key] = item
    else:
        table.items[item.hash_key][item.range_key] = item


def _typed(value: dict):
    """A saved value ({"S": "..."}, {"M": {...}}, ...) as the DynamoType moto keeps, binary values
    as bytes (as moto holds what comes over the wire; the file has them in base64)."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    (kind, inner), = value.items()
    typed = DynamoType.__new__(DynamoType)
    typed.type = kind
    if kind == "M":
        inner = {key: _typed(item) for key, item in inner.items()}
    elif kind == "L":
        inner = [_typed(item) for item in inner]
    elif kind == "B":
        inner = _bytes(inner)
    elif kind == "BS":
        inner = [_bytes(item) for item in inner]
    typed.value = inner
    return typed


def _bytes(value) -> bytes:
    return value if isinstance(value, bytes) else base64.b64decode(value)


def replay(records: list[dict], handlers: dict) -> None:
    """Hand `records` (a snapshot's stream tail) to each handler (name ->
    handler), retrying those it reports failed as the stream feeder would,
    and setting aside, as it does, those that still fail."""
    from scripts.stream_feeder import StreamFeeder, set_aside

    for name, handler in handlers.items():
        batch = records
        for _ in range(HANDLER_ATTEMPTS):
            if not batch:
                break
            try:
                answer = handler(StreamFeeder.event(batch), None) or {}
                failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
            except Exception as error:  # noqa: BLE001 - a crashed batch is retried whole
                print(f"restore: {name}: {error}", flush=True)
                failed = {r["dynamodb"]["SequenceNumber"] for r in batch}
            batch = [r for r in batch if r["dynamodb"]["SequenceNumber"] in failed]
        if batch:
            set_aside(name, batch, HANDLER_ATTEMPTS)


# ---------------------------------------------------------------- the running local run

class Keeper:
    """Saves the local run into `data` (a DataDir): `save()` now, and from
    `keep_saving()` (a thread) every `every` seconds when something was
    written since the last save, so a crash loses at most that much."""

    def __init__(self, data: DataDir, feeder=None, stream_table: str | None = None, every: float = SAVE_EVERY,
                 reference: str | None = None):
        self.data, self.feeder, self.stream_table, self.every = data, feeder, stream_table, every
        self.reference = reference  # reference_fingerprint() of the files loaded, kept with the data
        self.saved_writes = None  # None: nothing saved by this run yet
        self.saved_fingerprint = None
        # One save at a time: the last one to start is the last one renamed into place.
        self._saving = threading.Lock()

    def saved_as_is(self) -> None:
        """What is there now is what is saved (just restored): save again only after a change."""
        self.saved_writes, self.saved_fingerprint = writes(), outside_fingerprint()

    def save(self, why: str = "") -> None:
        with self._saving:
            started = time.monotonic()
            fingerprint = outside_fingerprint()  # before: a change while saving makes the next round save again
            handled = dict(self.feeder.handled) if self.feeder is not None else None
            snapshot = capture(handled, self.stream_table)
            snapshot["reference"] = self.reference
            size = write(self.data.state, snapshot)
            self.saved_writes, self.saved_fingerprint = snapshot["writes"], fingerprint
            items = sum(len(items) for items in snapshot["tables"].values())
            print(f"  saved {items} items{' ' + why if why else ''} to {self.data.state} "
                  f"({size // 1024} KiB, {time.monotonic() - started:.1f} s)", flush=True)

    def changed(self) -> bool:
        """Written to since the last save: a DynamoDB write, an object or a message come or gone."""
        if self.saved_writes is None or writes() != self.saved_writes:
            return True
        return outside_fingerprint() != self.saved_fingerprint

    def keep_saving(self, stop) -> None:
        while not stop.wait(self.every):
            try:
                if self.changed():
                    self.save()
            except Exception as error:  # noqa: BLE001 - the next round tries again; the last save stays whole
                print(f"  saving the local data failed: {error!r}", flush=True)


def outside_fingerprint() -> tuple:
    """The objects (key and ETag) and queued messages (ids) there now: what changes
    outside DynamoDB, read without reading the objects."""
    import boto3

    s3 = boto3.client("s3")
    objects = []
    for bucket in s3.list_buckets().get("Buckets", []):
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket["Name"]):
            objects += [(bucket["Name"], o["Key"], o["ETag"]) for o in page.get("Contents", [])]
    messages = [(name, message.id) for name, queue in _sqs().queues.items() for message in list(queue._messages)]
    return tuple(sorted(objects)), tuple(sorted(messages))
