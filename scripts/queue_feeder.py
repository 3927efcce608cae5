"""Feeds the award-list queue to its handler where there is no Lambda event
source mapping: in the local run (moto's server). Receives like Lambda's SQS
poller does (one message per invocation, as batch_size=1 asks), shapes the
record as Lambda delivers it (with ApproximateReceiveCount), deletes a message
its handler took, and leaves a failed one to come back after the queue's
visibility timeout, as SQS does.

LOCAL_QUEUE_DELAY_SECONDS (default 0) holds each message back that long after
it was sent, as a busy queue would: the end-to-end tests use it to see a
compile's progress page before the list."""
import json
import os
import time


def lambda_shaped(message: dict, queue_arn: str) -> dict:
    attributes = message.get("Attributes") or {}
    return {"messageId": message["MessageId"], "receiptHandle": message["ReceiptHandle"], "body": message["Body"],
            "attributes": {"ApproximateReceiveCount": attributes.get("ApproximateReceiveCount", "1"),
                           "SentTimestamp": attributes.get("SentTimestamp", "0")},
            "messageAttributes": {}, "md5OfBody": message.get("MD5OfBody", ""), "eventSource": "aws:sqs",
            "eventSourceARN": queue_arn, "awsRegion": queue_arn.split(":")[3]}


def feed_forever(handler, queue_name: str, stop=None, wait_seconds: int = 1) -> None:
    """The local runner's loop: receive (long polling `wait_seconds`), invoke
    `handler(event_dict, context)` with one message, delete it if the handler returned."""
    import boto3

    sqs = boto3.client("sqs")
    delay = float(os.environ.get("LOCAL_QUEUE_DELAY_SECONDS", "0") or 0)
    url = arn = None
    while not (stop and stop.is_set()):
        try:
            if url is None:
                url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
                arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=wait_seconds,
                                         AttributeNames=["ApproximateReceiveCount", "SentTimestamp"])
        except Exception as error:  # noqa: BLE001 - keep the local run alive; say what happened
            print(f"queue feeder: {error}", flush=True)
            time.sleep(1)
            continue
        for message in answer.get("Messages", []):
            sent = int((message.get("Attributes") or {}).get("SentTimestamp", "0")) / 1000
            time.sleep(max(0.0, min(delay, sent + delay - time.time())))
            try:
                result = handler({"Records": [lambda_shaped(message, arn)]}, None)
                print(f"queue feeder: {queue_name}: {json.dumps(result)}", flush=True)
            except Exception as error:  # noqa: BLE001 - SQS delivers it again after the visibility timeout
                print(f"queue feeder: {queue_name}: {error!r}; it comes back after the visibility timeout", flush=True)
                continue
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
