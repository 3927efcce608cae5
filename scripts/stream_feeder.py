"""Feeds the initiatives table's stream to the stream handlers, where there is
no Lambda event source mapping: in the local run (moto's server) and in tests
(in-process moto). Reads the stream like Lambda does (every shard, from the
trim horizon, remembering where it stopped) and shapes records as Lambda does."""
import time


class StreamFeeder:
    """Reads a table's stream from where it last stopped. Its place is the last
    sequence number read on each shard, and every poll asks for a fresh
    AFTER_SEQUENCE_NUMBER iterator from there (TRIM_HORIZON the first time):
    an iterator is never kept between polls, so nothing that happens to the
    stream in between (an iterator expiring after 15 minutes in AWS, a shard
    object replaced in an emulator) can make it lose its place."""

    def __init__(self, table_name: str, client=None, streams_client=None):
        import boto3

        self.table_name = table_name
        self.client = client or boto3.client("dynamodb")
        self.streams = streams_client or boto3.client("dynamodbstreams")
        self.arn = None
        self.positions: dict[str, str] = {}  # shard id -> the last sequence number read

    def _stream_arn(self) -> str:
        arn = self.client.describe_table(TableName=self.table_name)["Table"]["LatestStreamArn"]
        if arn != self.arn:  # a new table (tests recreate it): start over
            self.arn, self.positions = arn, {}
        return arn

    def _iterator(self, arn: str, shard_id: str) -> str:
        last = self.positions.get(shard_id)
        where = ({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": last} if last
                 else {"ShardIteratorType": "TRIM_HORIZON"})
        return self.streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id, **where)["ShardIterator"]

    def poll(self) -> list[dict]:
        """Every record written since the last poll, in order, shaped as Lambda delivers them."""
        arn = self._stream_arn()
        records = []
        for shard in self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            shard_id = shard["ShardId"]
            iterator = self._iterator(arn, shard_id)
            while iterator:
                page = self.streams.get_records(ShardIterator=iterator, Limit=1000)
                if not page["Records"]:
                    break
                records += [self.lambda_shaped(r) for r in page["Records"]]
                self.positions[shard_id] = page["Records"][-1]["dynamodb"]["SequenceNumber"]
                iterator = page.get("NextShardIterator")
        return records

    def lambda_shaped(self, record: dict) -> dict:
        shaped = dict(record, eventSourceARN=self.arn)
        dynamodb = dict(record["dynamodb"])
        created = dynamodb.get("ApproximateCreationDateTime")
        if hasattr(created, "timestamp"):
            dynamodb["ApproximateCreationDateTime"] = created.timestamp()
        dynamodb.setdefault("SizeBytes", 1)
        shaped["dynamodb"] = dynamodb
        return shaped

    @staticmethod
    def event(records: list[dict]) -> dict:
        return {"Records": records}


def feed_forever(handlers: dict, table_name: str, interval: float = 1.0, stop=None, max_attempts: int = 6,
                 feeder: "StreamFeeder | None" = None) -> None:
    """The local runner's loop: poll and hand each new batch to every handler
    (`handlers`: name -> `handler(event_dict, context)`). Records a handler
    reports failed are retried, like Lambda's MaximumRetryAttempts (5 retries),
    then set aside as Lambda sets them aside: an invocation record naming them
    (scripts/redrive.failure_message) sent to the emulator's failure queue,
    which `scripts/redrive.py --local` replays. `feeder`: one that has read
    part of the stream already (the demo's seeding), to go on from there."""
    feeder = feeder or StreamFeeder(table_name)
    pending = {name: [] for name in handlers}
    attempts: dict = {}
    while not (stop and stop.is_set()):
        try:
            fresh = feeder.poll()
        except Exception as error:  # noqa: BLE001 - keep the local run alive; say what happened
            print(f"stream feeder: {error}", flush=True)
            fresh = []
        for name, handler in handlers.items():
            batch = pending[name] + fresh
            if not batch:
                continue
            try:
                answer = handler(StreamFeeder.event(batch), None) or {}
                failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
            except Exception as error:  # noqa: BLE001 - a crashed batch is retried whole
                print(f"stream feeder: {error}", flush=True)
                failed = {r["dynamodb"]["SequenceNumber"] for r in batch}
            pending[name], given_up = [], []
            for record in batch:
                sequence = record["dynamodb"]["SequenceNumber"]
                if sequence not in failed:
                    continue
                attempts[(name, sequence)] = attempts.get((name, sequence), 0) + 1
                if attempts[(name, sequence)] < max_attempts:
                    pending[name].append(record)
                else:
                    given_up.append(record)
            if given_up:
                set_aside(name, given_up, max_attempts)
        time.sleep(interval)


def set_aside(handler_name: str, records: list[dict], attempts: int) -> None:
    """Send the failure queue what Lambda sends its on-failure destination for `records`."""
    import json

    import boto3

    from chalicelib import settings
    from scripts import redrive

    first, last = records[0]["dynamodb"]["SequenceNumber"], records[-1]["dynamodb"]["SequenceNumber"]
    try:
        sqs = boto3.client("sqs")
        queue = sqs.get_queue_url(QueueName=redrive.LOCAL_QUEUE_NAME)["QueueUrl"]
        function = f"sangkien-{settings.stage()}-{handler_name}"
        sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(
            redrive.failure_message(function, records, invoke_count=attempts)))
        print(f"stream feeder: {handler_name} failed records {first}…{last} {attempts} times; sent to "
              f"{redrive.LOCAL_QUEUE_NAME} (replay: python scripts/redrive.py --local)", flush=True)
    except Exception as error:  # noqa: BLE001 - keep the local run alive; say what was lost
        print(f"stream feeder: {handler_name} failed records {first}…{last}; could not queue them: {error}",
              flush=True)
