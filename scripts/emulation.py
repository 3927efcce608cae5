"""The environment that points the app at moto instead of AWS: one definition
for the local run, the tests and the cost meter. Fake credentials, so nothing
can ever reach real AWS."""
import functools
import os
import threading

TABLES = {f"{kind.upper()}_TABLE": f"sangkien-local-{kind}"
          for kind in ("initiatives", "reference", "idempotency", "counters", "notifications", "awards", "similar")}
OTHER = {"AWARDS_BUCKET": "sangkien-local-awards", "MAIL_SENDER": "sangkien@example.vn",
         "LINK_BASE": "http://127.0.0.1:8000"}


def environment(endpoint: str | None = None, key_file: str | None = None) -> dict:
    """Variables for the `local` stage against moto: its server at `endpoint`,
    or in-process `mock_aws` when there is no endpoint."""
    env = {
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "ap-southeast-1", "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "STAGE": "local", **TABLES, **OTHER,
    }
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    if key_file:
        env["LOCAL_JWT_KEY_FILE"] = key_file
    return env


def apply(env: dict) -> None:
    """Set `env` in this process, dropping anything that could lead elsewhere."""
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "LOCAL_JWT_KEY_FILE"):
        os.environ.pop(name, None)
    os.environ.update(env)


def prepare() -> None:
    """Make in the emulator what CloudFormation makes in AWS: the tables (with
    stream and TTL), the award-list bucket, the verified mail sender, the
    stream's failure queue and the award-list queue."""
    import boto3

    from chalicelib import settings, tables

    tables.create_tables(wait=False)
    s3 = boto3.client("s3", region_name=settings.region())
    if settings.awards_bucket() not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
        s3.create_bucket(Bucket=settings.awards_bucket(),
                         CreateBucketConfiguration={"LocationConstraint": settings.region()})
    boto3.client("ses", region_name=settings.region()).verify_email_identity(EmailAddress=settings.mail_sender())
    # The stream's failure queue (StreamFailureQueue in AWS): the local feeder sets records aside there.
    from scripts import redrive

    sqs = boto3.client("sqs", region_name=settings.region())
    sqs.create_queue(QueueName=redrive.LOCAL_QUEUE_NAME)
    # The award-list queue (AwardListQueue in AWS). A short visibility timeout: a
    # failed compile is delivered again within seconds here (minutes in AWS).
    sqs.create_queue(QueueName=settings.award_list_queue(), Attributes={"VisibilityTimeout": "5"})


# ---------------------------------------------------------------- DynamoDB's guarantees, which moto lacks

_WRITES = ("put_item", "update_item", "delete_item", "batch_write_item", "transact_write_items",
           "execute_statement", "execute_transaction", "batch_execute_statement")
_READS = ("get_item", "query", "scan", "batch_get_item", "transact_get_items")
_STREAM_READS = ("describe_stream", "get_shard_iterator", "get_records")


def dynamodb_like_aws() -> None:
    """Give moto (in this process: the tests' `mock_aws`, or the local run's
    ThreadedMotoServer) what real DynamoDB guarantees and moto does not:

    - **Writes are serialised.** DynamoDB checks a condition and writes as one
      atomic step per item (a whole TransactWriteItems too), so of two writers
      conditioned on the same version only one passes. moto has no locking: two
      threads both pass the condition. One re-entrant lock here is held for
      each backend call, reads included (a read sees an item whole, never moto
      mid-change); nothing holds it between two calls, so the app's
      read-decide-write sequences still interleave as they would in AWS.
    - **A cancelled transaction leaves no trace.** moto writes a transaction's
      items one by one and, when one fails, puts back a deep copy of every
      table it touched: another thread's committed write can be undone, the
      table's stream becomes a new object (readers keep reading the detached
      one), and the rolled-back writes stay in the stream. Here every
      condition is checked first and nothing is written unless all pass; a
      write that still fails puts back just the items touched, in place, and
      drops their stream records (no one read them: stream reads take the lock).
    - **An upsert is one stream record.** moto's UpdateItem of a missing item
      writes a key-only item first: two INSERT records. Here: one.
    - **An update expression is checked once.** moto parses `ADD a :x, b :y,
      …` into nested nodes and runs its whole-expression checks (one clause
      of each kind, no path twice) on every nested node again: quadratic in
      the actions, 0.2 s for a counter item's 80 ADDs. Here they run on the
      whole expression only, which covers every nested one.
    - **An item is measured once.** moto builds an item attribute by
      attribute and measures the whole item again at each one against the
      400 KB limit (quadratic in its attributes: most of the time a put of an
      initiative takes). Here it is measured once, whole, against the same
      limit, and as sent (without making a typed value of every part first).
    - **A table is listed in order cheaply.** moto's every Query (on the
      table or an index) starts from all the table's items sorted by key,
      comparing typed values (seconds with the demo's 30,000 items, so that
      a queue page or the sweep took seconds); here they are sorted by their
      keys' plain values (the same order) and two strings compare as strings.
    - **A condition is read once.** A transaction's conditions are few
      distinct texts ("attribute_not_exists(#0)"), which moto parses again
      for each item; here each text (with its names and values) is parsed
      once and the parsed condition used again.

    Applied once per process; harmless to call again. The lock is
    `DynamoDBBackend.like_aws_lock`: holding it, a reader of moto's own
    objects (the local run's save, scripts/local_data.py) sees every table
    between two calls, never in the middle of one."""
    import functools

    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend

    if getattr(DynamoDBBackend, "_like_aws", False):
        return
    lock = threading.RLock()

    def serialised(method):
        @functools.wraps(method)
        def wrapper(*args, **kwargs):
            with lock:
                return method(*args, **kwargs)
        return wrapper

    DynamoDBBackend.transact_write_items = _transact_write_items
    _check_update_expressions_once()
    _measure_items_once()
    _list_items_cheaply()
    DynamoDBBackend.update_item = _one_record_per_upsert(DynamoDBBackend.update_item)
    for name in _WRITES + _READS:
        setattr(DynamoDBBackend, name, serialised(getattr(DynamoDBBackend, name)))
    for name in _STREAM_READS:
        setattr(DynamoDBStreamsBackend, name, serialised(getattr(DynamoDBStreamsBackend, name)))
    DynamoDBStreamsBackend.get_records = _iterator_used_once(DynamoDBStreamsBackend.get_records)
    DynamoDBBackend.like_aws_lock = lock
    DynamoDBBackend._like_aws = True


def _check_update_expressions_once() -> None:
    """moto's checks of a whole update expression, run on its root only (a
    nested node is part of the root's expression, whose check covers it)."""
    from moto.dynamodb.parsing import validators
    from moto.dynamodb.parsing.ast_nodes import UpdateExpression

    def on_the_root(check):
        @functools.wraps(check)
        def wrapper(self, node):
            return node if isinstance(node.parent, UpdateExpression) else check(self, node)
        return wrapper
    for validator, name in ((validators.OverlappingPathsValidator, "check_for_overlapping_paths"),
                            (validators.ActionCountValidator, "verify_action_counts")):
        setattr(validator, name, on_the_root(getattr(validator, name)))


def _measure_items_once() -> None:
    """moto's Item built with its size checked once (moto checks it after each
    attribute; the last check, of the whole item, is the one that counts)."""
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models import dynamo_type
    from moto.dynamodb.models.utilities import bytesize

    def __init__(self, hash_key, range_key, attrs):
        self.hash_key, self.range_key = hash_key, range_key
        if sum(bytesize(key) + _size(value) for key, value in attrs.items()) > ITEM_SIZE_LIMIT:
            raise ItemSizeTooLarge
        self.attrs = dynamo_type.LimitedSizeDict()
        # dict's own update: no check per attribute
        dict.update(self.attrs, {key: dynamo_type.DynamoType(value) for key, value in attrs.items()})
    dynamo_type.Item.__init__ = __init__


def _list_items_cheaply() -> None:
    """moto's Table.all_items in the same order, sorted by the keys' plain
    values; DynamoType equality of two strings as string equality."""
    from moto.dynamodb.models import dynamo_type
    from moto.dynamodb.models.table import Table

    def plain(value):
        return value.value if value.type == "S" else value.cast_value

    def all_items(self):
        items = []
        for hash_set in self.items.values():
            if self.range_key_attr:
                items.extend(hash_set.values())
            else:
                items.append(hash_set)
        if self.range_key_attr:  # every item of such a table has both keys
            return sorted(items, key=lambda x: (plain(x.hash_key), plain(x.range_key)))
        return sorted(items, key=lambda x: plain(x.hash_key))
    Table.all_items = all_items

    equal, unequal = dynamo_type.DynamoType.__eq__, dynamo_type.DynamoType.__ne__

    def __eq__(self, other):
        if self.type == "S" and getattr(other, "type", None) == "S":
            return self.value == other.value
        return equal(self, other)

    def __ne__(self, other):
        if self.type == "S" and getattr(other, "type", None) == "S":
            return self.value != other.value
        return unequal(self, other)
    dynamo_type.DynamoType.__eq__, dynamo_type.DynamoType.__ne__ = __eq__, __ne__


def _size(value) -> int:
    """The size of an attribute value as sent ({"S": ...}, {"M": {...}}, a
    DynamoType too), measured as moto's DynamoType.size measures it."""
    from moto.dynamodb.models.utilities import bytesize

    if hasattr(value, "type") and hasattr(value, "value"):  # a DynamoType
        return value.size()
    (kind, inner), = value.items()
    if kind == "N":
        return len(str(inner))
    if kind in ("SS", "NS", "BS"):
        return sum(_size({kind[0]: part}) for part in inner)
    if kind == "L":
        return sum(_size(part) for part in inner)
    if kind == "M":
        return sum(bytesize(key) + _size(part) for key, part in inner.items())
    if kind in ("BOOL", "NULL"):
        return 1
    return bytesize(inner)


@functools.lru_cache(maxsize=4096)
def _parsed_condition(expression: str, names: str, values: str):
    """A condition expression parsed (moto's get_filter_expression), once per text, names and values."""
    import json

    from moto.dynamodb.comparisons import get_filter_expression

    return get_filter_expression(expression, json.loads(names), json.loads(values))


ITEM_SIZE_LIMIT = 405000  # moto's (LimitedSizeDict): between AWS's 409 and 410 KB, measured


def _iterator_used_once(get_records):
    """moto keeps every shard iterator it ever handed out (two a poll, forever,
    in a local run of days); a reader that asks a fresh one each time never
    reuses one, so each is forgotten once read."""
    def wrapper(self, iterator_arn: str, limit: int):
        try:
            return get_records(self, iterator_arn, limit)
        finally:
            self.shard_iterators.pop(iterator_arn, None)
    return wrapper


def _one_record_per_upsert(update_item):
    def wrapper(self, table_name, key, *args, **kwargs):
        table = self.get_table(table_name)
        shard = table.stream_shard
        before = len(shard.items) if shard is not None else 0
        existed = table.get_item(*self.get_keys_value(table, key)) is not None
        item = update_item(self, table_name, key, *args, **kwargs)
        if shard is not None and not existed and len(shard.items) == before + 2:
            del shard.items[before:]  # the key-only INSERT and the INSERT of the item: one INSERT
            shard.add(None, item)
        return item
    return wrapper


def _transact_write_items(self, transact_items: list) -> None:
    """TransactWriteItems as DynamoDB runs it: all conditions, then all writes, or nothing."""
    import copy
    import json

    from moto.dynamodb.exceptions import (ConditionalCheckFailed, MultipleTransactionsException,
                                          TooManyTransactionsException, TransactionCanceledException,
                                          TransactWriteSingleOpException)

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    targets, checked, reasons = set(), [], []
    for entry in transact_items:
        if len(entry) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(entry.items()))
        table = self.get_table(op["TableName"])
        if op_type == "Put":
            key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = op["Item"][table.range_key_attr]
        else:
            key = op["Key"]
        target = (op["TableName"], str(sorted(key.items())))
        if target in targets:
            raise MultipleTransactionsException()
        targets.add(target)
        current = self.get_item(op["TableName"], key)
        reason = (None, None, None)
        if op_type not in ("ConditionCheck", "Put", "Delete", "Update"):
            reason = ("ValidationError", "Unsupported transaction operation", None)
        elif op.get("ConditionExpression") is not None:
            condition = _parsed_condition(op["ConditionExpression"],
                                          json.dumps(op.get("ExpressionAttributeNames"), sort_keys=True),
                                          json.dumps(op.get("ExpressionAttributeValues"), sort_keys=True))
            if not condition.expr(current):
                failed = ConditionalCheckFailed()
                old = (current.to_json()["Attributes"] if current is not None and
                       op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" else None)
                reason = ("ConditionalCheckFailed", str(failed.message), old)
        reasons.append(reason)
        checked.append((op_type, op, table, key, copy.deepcopy(current)))
    if any(code is not None for code, _, _ in reasons):
        raise TransactionCanceledException(reasons)

    streams = {id(table): (table.stream_shard, len(table.stream_shard.items))
               for _, _, table, _, _ in checked if table.stream_shard is not None}
    failing = 0
    try:
        for failing, (op_type, op, table, key, _) in enumerate(checked):
            names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            if op_type == "Put":
                self.put_item(op["TableName"], op["Item"])
            elif op_type == "Delete":
                self.delete_item(op["TableName"], key)
            elif op_type == "Update":
                self.update_item(op["TableName"], key, update_expression=op["UpdateExpression"],
                                 expression_attribute_names=names, expression_attribute_values=values)
    except Exception as error:
        for _, _, table, key, before in checked:
            _put_back(self, table, key, before)
        for shard, length in streams.values():
            del shard.items[length:]
        if type(error).__name__ == "MockValidationException":
            raise
        raise TransactionCanceledException(
            [(type(error).__name__, str(getattr(error, "message", error)), None) if i == failing
             else (None, None, None) for i in range(len(reasons))]) from error


def _put_back(backend, table, key: dict, item) -> None:
    """Restore one item as it was (`item`, or absent when None), writing no stream record."""
    hash_value, range_value = backend.get_keys_value(table, key)
    if range_value is not None:
        if item is None:
            table.items.get(hash_value, {}).pop(range_value, None)
        else:
            table.items[hash_value][range_value] = item
    elif item is None:
        table.items.pop(hash_value, None)
    else:
        table.items[hash_value] = item
