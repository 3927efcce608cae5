"""The environment that points the app at moto instead of AWS: one definition
for the local run, the tests and the cost meter. Fake credentials, so nothing
can ever reach real AWS."""
import functools
import os
import threading

TABLES = {f"{kind.upper()}_TABLE": f"sangkien-local-{kind}"
          for kind in ("initiatives", "reference", "idempotency", "counters", "notifications", "awards")}
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

    Applied once per process; harmless to call again."""

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
    DynamoDBBackend.update_item = _one_record_per_upsert(DynamoDBBackend.update_item)
    for name in _WRITES + _READS:
        setattr(DynamoDBBackend, name, serialised(getattr(DynamoDBBackend, name)))
    for name in _STREAM_READS:
        setattr(DynamoDBStreamsBackend, name, serialised(getattr(DynamoDBStreamsBackend, name)))
    DynamoDBStreamsBackend.get_records = _iterator_used_once(DynamoDBStreamsBackend.get_records)
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

    from moto.dynamodb.exceptions import (ConditionalCheckFailed, MultipleTransactionsException,
                                          TooManyTransactionsException, TransactionCanceledException,
                                          TransactWriteSingleOpException)
    from moto.dynamodb.comparisons import get_filter_expression

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
            condition = get_filter_expression(op["ConditionExpression"], op.get("ExpressionAttributeNames"),
                                              op.get("ExpressionAttributeValues"))
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
