"""Replay the stream's failure queue into the stream handlers, exactly once.

    python scripts/redrive.py --queue-url URL [--invoke lambda|local] [--max-messages N] [--dry-run]
    python scripts/redrive.py --local [--moto-port 5000] [--dry-run]     (the local run)

What the queue holds. When a batch of the initiatives table's stream records
still fails after the event source mapping's retries (MaximumRetryAttempts,
deploy/resources.json; every failure is retried first, with the clients' own
backoff inside each attempt), Lambda sends an *invocation record* to the
mapping's on-failure destination, the SQS queue `StreamFailureQueue`. It names
the function that failed (`requestContext.functionArn`, `condition`,
`approximateInvokeCount`) and where the batch is in the stream
(`DDBStreamBatchInfo`: `streamArn`, `shardId`, `startSequenceNumber`,
`endSequenceNumber`, `batchSize`, arrival times). It does NOT hold the records
themselves, so this script reads them again from the stream, by sequence
number (an `AT_SEQUENCE_NUMBER` iterator on the shard, up to the end sequence
number). DynamoDB Streams keeps records 24 hours: redrive within a day of the
alarm on the queue. A message whose records the stream no longer has is left in
the queue and reported (see the README's operations section for what to do).

For each message, the batch is handed, shaped as Lambda hands it, to the handler
that failed it (`count_changes` or `react_to_events`, told apart by the
function's name): through Lambda's Invoke API in AWS (`--invoke lambda`: the
function runs with its own role), or in this process against the local run's
emulator (`--invoke local`). When the handler reports no failed record
(ReportBatchItemFailures), the message is deleted; otherwise it stays, comes
back after its visibility timeout, and the failed sequence numbers are printed.

Exactly once. Every record handler is idempotent: a counter change is applied
with its marker in one transaction, an in-app notification is a conditional
put, an email is claimed before it is sent (chalicelib/notify/mail.py), an
award candidate is a conditional put. So the records of a batch that partly
succeeded before it failed are not applied twice, and a message replayed twice
(SQS delivers at least once; this script may die between invoking and
deleting) changes nothing the second time.

Exit status: 0 when every message read was replayed and deleted, 1 otherwise.
"""
import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The local run's stand-in for StreamFailureQueue (in moto), for the stream feeder to send to.
LOCAL_QUEUE_NAME = "sangkien-local-stream-failures"
HANDLERS = ("count_changes", "react_to_events", "index_similar")  # chalicelib.streams.HANDLERS (this tool imports no app code first)
# Longer than a handler's timeout (30 s): nobody else sees the message while it is replayed.
VISIBILITY_SECONDS = 300
# DynamoDB Streams may answer a few empty pages before it reaches the records an iterator points at.
EMPTY_PAGES = 10


class NotReplayable(Exception):
    """The message cannot be replayed as it is: not an invocation record of a
    stream handler, or its records are no longer in the stream."""


# ------------------------------------------------------------ what Lambda sends, what it hands

def handler_of(function_arn: str) -> str:
    """The stream handler a function ARN (or name) stands for. Function names
    differ by stage and deployment (`sangkien-local-count_changes`,
    `sangkien-prod-CountChanges-1A2B3C`): compared letters and digits only."""
    name = re.sub(r"[^a-z0-9]", "", function_arn.rsplit(":function:", 1)[-1].split(":")[0].lower())
    for handler in HANDLERS:
        if handler.replace("_", "") in name:
            return handler
    raise NotReplayable(f"{function_arn!r} is not one of the stream handlers {HANDLERS}")


def failure_message(function_name: str, records: list[dict], shard_id: str | None = None, invoke_count: int = 6,
                    condition: str = "RetryAttemptsExhausted", timestamp: str = "") -> dict:
    """The invocation record Lambda sends to the on-failure destination when
    `records` (one batch, from one shard, as the handler was handed them)
    failed every retry of `function_name`. The local run's feeder sends the
    same to LOCAL_QUEUE_NAME, so one redrive serves both."""
    from datetime import datetime, timezone

    first, last = records[0], records[-1]

    def arrival(record):
        return datetime.fromtimestamp(float(record["dynamodb"]["ApproximateCreationDateTime"]),
                                      timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    stream_arn = first["eventSourceARN"]
    region, account = stream_arn.split(":")[3:5]
    return {
        "requestContext": {"requestId": "00000000-0000-0000-0000-000000000000",
                           "functionArn": f"arn:aws:lambda:{region}:{account}:function:{function_name}",
                           "condition": condition, "approximateInvokeCount": invoke_count},
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "version": "1.0",
        "timestamp": timestamp or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "DDBStreamBatchInfo": {
            "shardId": shard_id or _shard_of(first),
            "startSequenceNumber": first["dynamodb"]["SequenceNumber"],
            "endSequenceNumber": last["dynamodb"]["SequenceNumber"],
            "approximateArrivalOfFirstRecord": arrival(first),
            "approximateArrivalOfLastRecord": arrival(last),
            "batchSize": len(records),
            "streamArn": stream_arn,
        },
    }


def _shard_of(record: dict) -> str:
    """The shard a record came from (Lambda's records do not say; the stream does)."""
    import boto3

    streams = boto3.client("dynamodbstreams")
    sequence = int(record["dynamodb"]["SequenceNumber"])
    for shard in streams.describe_stream(StreamArn=record["eventSourceARN"])["StreamDescription"]["Shards"]:
        numbers = shard["SequenceNumberRange"]
        if int(numbers["StartingSequenceNumber"]) <= sequence and (
                "EndingSequenceNumber" not in numbers or sequence <= int(numbers["EndingSequenceNumber"])):
            return shard["ShardId"]
    raise NotReplayable(f"no shard of {record['eventSourceARN']} holds record {sequence}")


def lambda_shaped(record: dict, stream_arn: str) -> dict:
    """A record from GetRecords as Lambda hands it to a handler: with its
    stream's ARN, and its creation time as epoch seconds."""
    shaped = dict(record, eventSourceARN=stream_arn)
    dynamodb = dict(record["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if hasattr(created, "timestamp"):
        dynamodb["ApproximateCreationDateTime"] = created.timestamp()
    shaped["dynamodb"] = dynamodb
    return shaped


def read_batch(streams, info: dict) -> list[dict]:
    """The records a failure message names, read again from the stream: from
    `startSequenceNumber` up to `endSequenceNumber`, in order, Lambda-shaped.
    NotReplayable when the stream no longer has them (older than 24 hours,
    or the stream was replaced)."""
    from botocore.exceptions import ClientError

    start, end = int(info["startSequenceNumber"]), int(info["endSequenceNumber"])
    try:
        iterator = streams.get_shard_iterator(
            StreamArn=info["streamArn"], ShardId=info["shardId"], ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber=info["startSequenceNumber"])["ShardIterator"]
    except ClientError as error:  # TrimmedDataAccessException, ResourceNotFoundException
        raise NotReplayable(f"the stream no longer has records {start}..{end}: "
                            f"{error.response['Error']['Code']}") from error
    records, empty = [], 0
    while iterator and empty < EMPTY_PAGES:
        page = streams.get_records(ShardIterator=iterator, Limit=1000)
        empty = 0 if page["Records"] else empty + 1
        for record in page["Records"]:
            sequence = int(record["dynamodb"]["SequenceNumber"])
            if sequence > end:
                return _complete(records, start, end)
            if sequence >= start:
                records.append(lambda_shaped(record, info["streamArn"]))
        if records and int(records[-1]["dynamodb"]["SequenceNumber"]) == end:
            break
        iterator = page.get("NextShardIterator")
    return _complete(records, start, end)


def _complete(records: list[dict], start: int, end: int) -> list[dict]:
    found = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    if not found or found[0] != start or found[-1] != end:
        raise NotReplayable(f"the stream no longer has all of records {start}..{end} (found {len(found)})")
    return records


# ------------------------------------------------------------ who runs the handler

class LambdaInvoker:
    """The handler as deployed: Lambda's Invoke API on the function that
    failed, which runs with its own role and answers its batchItemFailures."""

    def __init__(self, client=None):
        import boto3

        self.client = client or boto3.client("lambda")

    def __call__(self, function_arn: str, handler: str, event: dict) -> dict:
        answer = self.client.invoke(FunctionName=function_arn, InvocationType="RequestResponse",
                                    Payload=json.dumps(event).encode("utf-8"))
        payload = json.loads(answer["Payload"].read() or b"null")
        if answer.get("FunctionError"):  # the whole batch failed
            return {"batchItemFailures": [{"itemIdentifier": r["dynamodb"]["SequenceNumber"]}
                                          for r in event["Records"]], "error": payload}
        return payload or {}


class LocalInvoker:
    """The handler in this process, through chalice's test client, against
    whatever AWS the environment points at (the local run's emulator)."""

    def __init__(self, client=None):
        if client is None:
            from chalice.test import Client

            sys.path.insert(0, ROOT)
            from app import app

            client = Client(app, stage_name="local")
        self.client = client

    def __call__(self, function_arn: str, handler: str, event: dict) -> dict:
        return self.client.lambda_.invoke(handler, event).payload or {}


# ------------------------------------------------------------ the redrive

@dataclass
class Report:
    replayed: list = field(default_factory=list)  # (message id, handler, records)
    left: list = field(default_factory=list)  # (message id, why)

    @property
    def ok(self) -> bool:
        return not self.left


def replay(body: dict, streams, invoke) -> tuple[str, list[dict], list[str]]:
    """Replay one failure message: (handler, the records handed to it, the
    sequence numbers it reported failed)."""
    try:
        function_arn = body["requestContext"]["functionArn"]
        info = body["DDBStreamBatchInfo"]
    except (KeyError, TypeError) as error:
        raise NotReplayable(f"not an invocation record of a DynamoDB stream handler (no {error})") from error
    handler = handler_of(function_arn)
    records = read_batch(streams, info)
    answer = invoke(function_arn, handler, {"Records": records})
    failed = [f["itemIdentifier"] for f in (answer or {}).get("batchItemFailures", [])]
    return handler, records, failed


def redrive(queue_url: str, invoke, sqs=None, streams=None, max_messages: int = 1000,
            dry_run: bool = False, out=sys.stdout) -> Report:
    """Replay up to `max_messages` messages of the failure queue, each through
    `invoke` (LambdaInvoker or LocalInvoker); delete each one whose batch went
    through. Returns what was replayed and what was left, and why."""
    import boto3

    sqs = sqs or boto3.client("sqs")
    streams = streams or boto3.client("dynamodbstreams")
    report, seen, looked_at = Report(), set(), []
    while len(seen) < max_messages:
        page = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=min(10, max_messages - len(seen)),
                                   VisibilityTimeout=VISIBILITY_SECONDS, WaitTimeSeconds=0,
                                   AttributeNames=["ApproximateReceiveCount"])
        messages = [m for m in page.get("Messages", []) if m["MessageId"] not in seen]
        if not messages:
            break
        for message in messages:
            seen.add(message["MessageId"])
            looked_at.append(message["ReceiptHandle"])
            _one(message, queue_url, invoke, sqs, streams, dry_run, report, out)
    if dry_run:  # a look changes nothing: the messages are visible again at once
        for receipt in looked_at:
            sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=receipt, VisibilityTimeout=0)
    print(f"redrive: {len(report.replayed)} message(s) replayed, {len(report.left)} left in the queue", file=out)
    return report


def _one(message, queue_url, invoke, sqs, streams, dry_run, report, out) -> None:
    message_id = message["MessageId"]
    try:
        body = json.loads(message["Body"])
        if dry_run:
            handler = handler_of(body["requestContext"]["functionArn"])
            records = read_batch(streams, body["DDBStreamBatchInfo"])
            print(f"{message_id}: would replay {len(records)} record(s) into {handler}: "
                  + ", ".join(_describe(r) for r in records), file=out)
            report.left.append((message_id, "dry run"))
            return
        handler, records, failed = replay(body, streams, invoke)
    except (NotReplayable, ValueError, KeyError) as error:
        print(f"{message_id}: left in the queue: {error}", file=out)
        report.left.append((message_id, str(error)))
        return
    except Exception as error:  # noqa: BLE001 - one message's trouble does not stop the others
        print(f"{message_id}: left in the queue: the replay failed: {error!r}", file=out)
        report.left.append((message_id, repr(error)))
        return
    if failed:
        print(f"{message_id}: {handler} failed again on record(s) {', '.join(failed)}; "
              f"left in the queue (it comes back in {VISIBILITY_SECONDS} s)", file=out)
        report.left.append((message_id, f"records failed again: {failed}"))
        return
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    print(f"{message_id}: replayed {len(records)} record(s) into {handler}", file=out)
    report.replayed.append((message_id, handler, records))


def _describe(record: dict) -> str:
    keys = record["dynamodb"].get("Keys", {})
    key = "/".join(str(next(iter(value.values()))) for _, value in sorted(keys.items()))
    return f"{record['dynamodb']['SequenceNumber']} {record.get('eventName', '?')} {key}"


# ------------------------------------------------------------ command line

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--queue-url", default=os.environ.get("STREAM_FAILURE_QUEUE_URL"),
                       help="the failure queue (the stack's StreamFailureQueueUrl output; "
                            "default: $STREAM_FAILURE_QUEUE_URL)")
    where.add_argument("--local", action="store_true",
                       help=f"the local run: its emulator's {LOCAL_QUEUE_NAME}, handlers run in this process")
    parser.add_argument("--moto-port", type=int, default=int(os.environ.get("MOTO_PORT", "5000")),
                        help="the local run's emulator port (5000), with --local")
    parser.add_argument("--invoke", choices=("lambda", "local"), default=None,
                        help="run the handlers through Lambda (default with --queue-url) or in this process "
                             "(default with --local)")
    parser.add_argument("--max-messages", type=int, default=1000, help="stop after this many messages (1000)")
    parser.add_argument("--dry-run", action="store_true", help="show what would be replayed; change nothing")
    args = parser.parse_args(argv)

    queue_url = args.queue_url
    if not args.local and not queue_url:
        parser.error("name the failure queue (--queue-url, or $STREAM_FAILURE_QUEUE_URL), or use --local")
    if args.local:
        sys.path.insert(0, ROOT)
        from scripts import emulation

        emulation.apply(emulation.environment(f"http://127.0.0.1:{args.moto_port}"))
        import boto3

        queue_url = boto3.client("sqs").get_queue_url(QueueName=LOCAL_QUEUE_NAME)["QueueUrl"]
    invoke = LocalInvoker() if (args.invoke or ("local" if args.local else "lambda")) == "local" else LambdaInvoker()
    report = redrive(queue_url, invoke, max_messages=args.max_messages, dry_run=args.dry_run)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
