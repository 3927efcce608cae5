"""Faults on the way from a history event to what people notice, injected as
AWS answers them (tests.helpers.Faulty: the error at the HTTP level, so
botocore retries it with backoff as it does in AWS), and the way back:

- SES throttling or refusing; DynamoDB ProvisionedThroughputExceededException
  and ThrottlingException on the counters', the notifications' and the awards'
  writes; a crash between sending an email and marking it sent.
- Each is first retried inside the invocation (the clients' backoff), then the
  record is reported failed (batchItemFailures) and redelivered, and a record
  that keeps failing ends in the failure queue, from which scripts/redrive.py
  replays it. Nothing is lost and nothing is doubled: every counter equals a
  recount, each address gets one email, each user one in-app notification.

`lambda_delivers` does what Lambda's event source mapping does with a batch
(deploy/resources.json: ReportBatchItemFailures, MaximumRetryAttempts, the
on-failure destination), with moto's SQS as the failure queue."""
import json
from datetime import timedelta

import boto3
import pytest

from chalicelib import settings
from chalicelib.counters import core
from scripts import redrive
from tests import helpers
from tests.conftest import DEFAULT_NOW, ROOT, sent_mail
from tests.helpers import Faulty, deliver, enter, failures, fire
from tests.test_counters import counters, stored_initiatives

COUNT, REACT = "count_changes", "react_to_events"
FPT_UNIT = "cdcs-fpt-cau-giay"
REASON = "Cần bổ sung số liệu trước và sau khi áp dụng."
AUTHORS = [
    {"full_name": "Phạm Minh Anh", "member_id": "worker-fpt-en", "email": "minhanh.pham@example.vn",
     "share_percent": 50},
    {"full_name": "Jane Tran", "email": "jane.tran@example.vn", "language": "en", "share_percent": 50},
]
ADDRESSES = ["jane.tran@example.vn", "minhanh.pham@example.vn"]


def retry_attempts() -> dict:
    """MaximumRetryAttempts of each stream consumer, as deployed."""
    with open(f"{ROOT}/deploy/resources.json", encoding="utf-8") as f:
        resources = json.load(f)["Resources"]
    found = {}
    for logical_id, handler in (("CountChanges", COUNT), ("ReactToEvents", REACT)):
        (source,) = resources[logical_id]["Properties"]["Events"].values()
        found[handler] = source["Properties"]["MaximumRetryAttempts"]
    return found


@pytest.fixture
def failure_queue(aws):
    """The failure queue (StreamFailureQueue in AWS), empty, in moto's SQS."""
    import uuid

    sqs = boto3.client("sqs", region_name=settings.region())
    url = sqs.create_queue(QueueName=f"{redrive.LOCAL_QUEUE_NAME}-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    yield url
    sqs.delete_queue(QueueUrl=url)


def queued(url) -> list[dict]:
    """The failure messages in the queue (read without taking them)."""
    sqs = boto3.client("sqs", region_name=settings.region())
    page = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    return [json.loads(m["Body"]) for m in page.get("Messages", [])]


def lambda_delivers(stream, records, handler, queue_url) -> int:
    """What Lambda does with one batch: hand it to `handler`; while records
    fail, retry from the first failed one on (its checkpoint), at most
    MaximumRetryAttempts times; then send the invocation record of what still
    fails to the failure queue. Returns how many times the handler was invoked."""
    batch, invocations = list(records), 0
    for _ in range(1 + retry_attempts()[handler]):
        invocations += 1
        failed = set(failures(stream, batch, handler))
        if not failed:
            return invocations
        first = next(i for i, r in enumerate(batch) if r["dynamodb"]["SequenceNumber"] in failed)
        batch = batch[first:]
    message = redrive.failure_message(f"sangkien-local-{handler}", batch, invoke_count=invocations)
    boto3.client("sqs", region_name=settings.region()).send_message(QueueUrl=queue_url,
                                                                    MessageBody=json.dumps(message))
    return invocations


def run_redrive(stream, queue_url):
    out = []

    class Lines:
        def write(self, text):
            out.append(text)

    report = redrive.redrive(queue_url, redrive.LocalInvoker(stream.client), out=Lines())
    return report, "".join(out)


def submit_and_return(api, stream):
    """An FPT initiative with two authors with an email (the member named accepted), returned for revision;
    the records of the return (its META change, its history event) not yet delivered."""
    created = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=AUTHORS)
    deliver(stream)
    # The member named accepts (until then they are no author, and get no email).
    status, _ = api.json("POST", f"/submissions/{created['id']}/invitation", {"answer": "accept"}, user="worker-fpt-en")
    assert status == 200
    deliver(stream)
    fire(api, created["id"], "request_revision", 2, "reviewer-fpt", reason=REASON)
    return created, stream.records()


def mailed(before: int) -> list[str]:
    return sorted(m.destinations["ToAddresses"][0] for m in sent_mail()[before:])


def unread(api, user) -> int:
    status, page = api.json("GET", "/me/notifications", user=user)
    assert status == 200
    return page["unread"]


def notifications_of(api, user) -> list[dict]:
    return api.json("GET", "/me/notifications", user=user)[1]["items"]


def on_table(kind: str):
    """Only the requests on one of the app's tables."""
    name = settings.table_name(kind)
    return lambda body: f'"{name}"' in body


def in_app_notifications(body: str) -> bool:
    """Only the puts of in-app notifications (they carry `unread_pk`; email claims do not)."""
    return on_table("notifications")(body) and '"unread_pk"' in body


# ------------------------------------------------------------ DynamoDB throttling: the counters

def test_throttled_counter_writes_are_retried_with_backoff_inside_the_invocation(api, stream):
    # GIVEN DynamoDB throttles the counters' transaction twice
    enter(api)
    records = stream.records()
    with Faulty("dynamodb", "TransactWriteItems", "ProvisionedThroughputExceededException", times=2,
                when=on_table("counters")) as throttled:
        # WHEN the change is delivered THEN no record fails: the client waited and tried again
        assert failures(stream, records, COUNT) == []
    assert throttled.failed == 2 and len(throttled.waits) == 2
    # AND the change counted once
    assert counters() == core.recount(stored_initiatives())


def test_counters_throttled_for_good_end_in_the_failure_queue_and_a_redrive_counts_them_once(
        api, stream, failure_queue):
    # GIVEN an initiative entered and validated, and DynamoDB throttling every counters' write
    created = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=AUTHORS)
    fire(api, created["id"], "validate", 1, "reviewer-fpt")
    records = stream.records()
    with Faulty("dynamodb", "TransactWriteItems", "ThrottlingException", when=on_table("counters")) as throttled:
        # WHEN Lambda delivers the batch and retries what fails
        invocations = lambda_delivers(stream, records, COUNT, failure_queue)
    # THEN every attempt was retried by the client with backoff, then reported, then retried by
    # Lambda as many times as deployed, and nothing was counted (each change is one transaction)
    assert invocations == 1 + retry_attempts()[COUNT]
    assert throttled.failed >= invocations * 5 and all(throttled.waits)
    assert counters() == {}
    # AND the batch is in the failure queue, as Lambda writes it: where it is in the stream, from
    # the first change that failed (the initiative's insert) to the last record of the batch
    [message] = queued(failure_queue)
    info = message["DDBStreamBatchInfo"]
    first_meta = next(r for r in records if r["dynamodb"]["Keys"]["sk"]["S"] == "META")
    assert info["startSequenceNumber"] == first_meta["dynamodb"]["SequenceNumber"]
    assert info["endSequenceNumber"] == records[-1]["dynamodb"]["SequenceNumber"]
    assert message["requestContext"]["condition"] == "RetryAttemptsExhausted"

    # WHEN the operator first looks (a dry run) THEN it says what it would replay, and changes nothing
    looked = []
    dry = redrive.redrive(failure_queue, redrive.LocalInvoker(stream.client), dry_run=True,
                          out=type("Out", (), {"write": lambda self, text: looked.append(text)})())
    assert dry.replayed == [] and f"would replay {info['batchSize']} record(s) into count_changes" in "".join(looked)
    assert counters() == {} and len(queued(failure_queue)) == 1

    # WHEN DynamoDB is back and the queue is redriven
    report, said = run_redrive(stream, failure_queue)
    # THEN the records were read again from the stream and counted, once; the queue is empty
    assert report.ok and len(report.replayed) == 1 and queued(failure_queue) == []
    assert f"replayed {info['batchSize']} record(s) into count_changes" in said
    once = counters()
    assert once == core.recount(stored_initiatives()) and once[("tld", "sk2627-gd1")]["entered"] == 1

    # WHEN the same failure message arrives again (SQS delivers at least once) and is redriven
    boto3.client("sqs", region_name=settings.region()).send_message(QueueUrl=failure_queue,
                                                                    MessageBody=json.dumps(message))
    assert run_redrive(stream, failure_queue)[0].ok
    # THEN nothing is counted twice
    assert counters() == once


# ------------------------------------------------------------ DynamoDB throttling: the notifications

def test_throttled_notification_writes_fail_the_record_and_a_redelivery_notifies_each_once(api, stream):
    created, records = submit_and_return(api, stream)
    before = len(sent_mail())
    # GIVEN DynamoDB throttles the email claims (every PutItem of a `MAIL#` claim on the notifications table)
    with Faulty("dynamodb", "PutItem", "ProvisionedThroughputExceededException",
                when=lambda body: on_table("notifications")(body) and '"MAIL#' in body) as throttled:
        # WHEN the event is delivered THEN its record is reported failed, after the client's retries
        failed = failures(stream, records, REACT)
    event_record = next(r for r in records if r["dynamodb"]["Keys"]["sk"]["S"] == "EVT#000003")
    assert failed == [event_record["dynamodb"]["SequenceNumber"]]
    assert throttled.failed == len(ADDRESSES) * 5 and len(throttled.waits) == len(ADDRESSES) * 4
    # AND no email went out unclaimed; the in-app notifications were written (once)
    assert mailed(before) == [] and unread(api, "worker-fpt-en") == 1

    # GIVEN DynamoDB now throttles the in-app notifications' puts instead
    with Faulty("dynamodb", "PutItem", "ThrottlingException", when=in_app_notifications):
        # THEN the record fails again (each in-app write is tried, however often it was written before)
        assert failures(stream, records, REACT) == failed
    # WHEN it is delivered again, twice, with DynamoDB back
    assert failures(stream, records, REACT) == []
    assert failures(stream, records, REACT) == []
    # THEN each author got one email and each user one in-app notification
    assert mailed(before) == ADDRESSES
    assert unread(api, "worker-fpt-en") == 1 and unread(api, "worker-fpt") == 1
    assert len(notifications_of(api, "worker-fpt")) == 1


def test_a_throttled_in_app_notification_is_written_once_when_retried(api, stream):
    created, records = submit_and_return(api, stream)
    # GIVEN the in-app notifications' puts are throttled for good
    with Faulty("dynamodb", "PutItem", "ThrottlingException", when=in_app_notifications):
        assert len(failures(stream, records, REACT)) == 1
    assert unread(api, "worker-fpt") == 0
    # WHEN redelivered THEN each user has exactly one, and the unread count says so
    assert failures(stream, records, REACT) == []
    assert failures(stream, records, REACT) == []
    assert [n["event"] for n in notifications_of(api, "worker-fpt")] == ["request_revision"]
    assert unread(api, "worker-fpt") == 1 and unread(api, "worker-fpt-en") == 1


# ------------------------------------------------------------ DynamoDB throttling: the awards

def test_a_throttled_award_candidate_is_written_once_when_retried(api, stream):
    # GIVEN an initiative recognised, and DynamoDB throttling the awards table's writes
    created = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=AUTHORS)
    fire(api, created["id"], "validate", 1, "reviewer-fpt")
    fire(api, created["id"], "start_review", 2, "reviewer-cau-giay")
    fire(api, created["id"], "recognize", 3, "reviewer-cau-giay", confirmed_benefit_vnd=100_000_000,
         scores={"novelty": 8, "applicability": 8, "effectiveness": 8})
    records = stream.records()
    with Faulty("dynamodb", "PutItem", "ProvisionedThroughputExceededException", when=on_table("awards")):
        # THEN the recognition's record is reported failed, no candidate is written
        assert len(failures(stream, records, REACT)) == 1
    assert [i for i in helpers.table_items("awards") if i["pk"]["S"].startswith("CAND#")] == []
    # WHEN redelivered (twice) THEN one candidate per unit on its path, as one delivery writes
    assert failures(stream, records, REACT) == []
    assert failures(stream, records, REACT) == []
    written = sorted(i["pk"]["S"] for i in helpers.table_items("awards") if i["pk"]["S"].startswith("CAND#"))
    assert written == sorted(f"CAND#sk2627-gd1#{unit}" for unit in
                             ("tld", "ldld-ha-noi", "ldld-cau-giay", FPT_UNIT))


# ------------------------------------------------------------ SES

def test_ses_throttling_is_retried_with_backoff_and_each_author_gets_one_email(api, stream):
    created, records = submit_and_return(api, stream)
    before = len(sent_mail())
    # GIVEN SES throttles ("Maximum sending rate exceeded") twice
    with Faulty("ses", "SendEmail", "Throttling", times=2) as throttled:
        assert failures(stream, records, REACT) == []
    # THEN the SES client waited and tried again, and each author has one email
    assert throttled.failed == 2 and len(throttled.waits) == 2
    assert mailed(before) == ADDRESSES


def test_ses_throttling_for_good_ends_in_the_failure_queue_and_a_redrive_mails_each_author_once(
        api, stream, failure_queue):
    created, records = submit_and_return(api, stream)
    before = len(sent_mail())
    # GIVEN SES throttles every send
    with Faulty("ses", "SendEmail", "Throttling"):
        # WHEN Lambda delivers the batch and retries it as deployed
        lambda_delivers(stream, records, REACT, failure_queue)
    # THEN nothing was sent, no claim is left behind, the in-app notifications are there once,
    # and the event's record is in the failure queue
    assert mailed(before) == []
    assert [i for i in helpers.table_items("notifications") if i["pk"]["S"].startswith("MAIL#") and not i["pk"]["S"].startswith("MAIL#RECEIPT#")] == []
    assert unread(api, "worker-fpt") == 1
    [message] = queued(failure_queue)
    assert redrive.handler_of(message["requestContext"]["functionArn"]) == REACT

    # WHEN SES is back and the queue is redriven, then the same message redriven again
    report, said = run_redrive(stream, failure_queue)
    assert report.ok and queued(failure_queue) == []
    boto3.client("sqs", region_name=settings.region()).send_message(QueueUrl=failure_queue,
                                                                    MessageBody=json.dumps(message))
    assert run_redrive(stream, failure_queue)[0].ok
    # THEN each author got exactly one email, and nobody a second in-app notification
    assert mailed(before) == ADDRESSES
    assert unread(api, "worker-fpt") == 1 and unread(api, "worker-fpt-en") == 1


def test_a_redrive_that_fails_again_leaves_the_message_in_the_queue(api, stream, failure_queue):
    created, records = submit_and_return(api, stream)
    with Faulty("ses", "SendEmail", "MessageRejected"):
        lambda_delivers(stream, records, REACT, failure_queue)
        # WHEN the queue is redriven while SES still refuses
        report, said = run_redrive(stream, failure_queue)
    # THEN the message stays (it comes back after its visibility timeout), and the output says why
    assert not report.ok and len(report.left) == 1
    assert "react_to_events failed again on record(s)" in said
    sqs = boto3.client("sqs", region_name=settings.region())
    attributes = sqs.get_queue_attributes(QueueUrl=failure_queue, AttributeNames=["ApproximateNumberOfMessagesNotVisible"])
    assert attributes["Attributes"]["ApproximateNumberOfMessagesNotVisible"] == "1"


def test_a_message_whose_records_the_stream_no_longer_has_is_left_and_reported(api, stream, failure_queue):
    created, records = submit_and_return(api, stream)
    message = redrive.failure_message("sangkien-prod-ReactToEvents-1A2B3C", records)
    # Records the stream no longer has: a range past its end (as after the 24-hour trim)
    gone = str(int(records[-1]["dynamodb"]["SequenceNumber"]) + 1000)
    message["DDBStreamBatchInfo"].update(startSequenceNumber=gone, endSequenceNumber=gone)
    sqs = boto3.client("sqs", region_name=settings.region())
    sqs.send_message(QueueUrl=failure_queue, MessageBody=json.dumps(message))
    sqs.send_message(QueueUrl=failure_queue, MessageBody=json.dumps({"not": "a failure record"}))
    report, said = run_redrive(stream, failure_queue)
    assert not report.ok and len(report.left) == 2 and report.replayed == []
    assert "the stream no longer has" in said and "not an invocation record" in said


# ------------------------------------------------------------ a crash between sending and marking

class Crash(BaseException):
    """The process dies (a timeout, the container gone): nothing catches it."""


class SendsThenDies:
    """SES, which accepts the email; then the invocation dies before it can mark it sent."""

    def __init__(self, client):
        self.client = client

    def send_email(self, **request):
        self.client.send_email(**request)
        raise Crash("the invocation died after SES accepted the email")


def test_a_crash_between_sending_and_marking_resends_at_most_once_after_the_lease(api, stream, now):
    """The documented choice (chalicelib/notify/mail.py, docs/data-model.md):
    at-least-once. The claim says `sending`; while its lease lasts a
    redelivery waits (the record fails, nothing is sent); after it, the email
    is sent again, once, and the claim says `sent`."""
    from chalicelib import aws
    from chalicelib.notify import mail

    created = enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=[dict(AUTHORS[1], share_percent=100)])
    deliver(stream)
    fire(api, created["id"], "validate", 1, "reviewer-fpt")
    records = stream.records()
    before = len(sent_mail())
    # GIVEN SES accepts Jane's email and the invocation dies before marking its claim
    with aws.replaced(ses=SendsThenDies(boto3.client("ses", region_name=settings.region()))):
        with pytest.raises(Crash):
            stream.deliver(records, (REACT,))
    assert mailed(before) == ["jane.tran@example.vn"]
    [claim] = [i for i in helpers.table_items("notifications") if i["pk"]["S"].startswith("MAIL#") and not i["pk"]["S"].startswith("MAIL#RECEIPT#")]
    assert (claim["sk"]["S"], claim["status"]["S"]) == ("jane.tran@example.vn", mail.SENDING)

    # WHEN Lambda retries the record while the claim's lease lasts
    # THEN the record fails (to be retried) and nothing more is sent
    assert len(failures(stream, records, REACT)) == 1
    assert mailed(before) == ["jane.tran@example.vn"]
    # WHEN it is retried after the lease (or redriven from the failure queue)
    now(DEFAULT_NOW + timedelta(seconds=mail.LEASE_SECONDS + 1))
    assert failures(stream, records, REACT) == []
    assert failures(stream, records, REACT) == []
    # THEN Jane has the email a second time, never a third, and the claim says sent
    assert mailed(before) == ["jane.tran@example.vn", "jane.tran@example.vn"]
    [claim] = [i for i in helpers.table_items("notifications") if i["pk"]["S"].startswith("MAIL#") and not i["pk"]["S"].startswith("MAIL#RECEIPT#")]
    assert claim["status"]["S"] == mail.SENT


# ------------------------------------------------------------ the redrive's parts

def test_the_redrive_tells_the_handlers_apart_by_the_failed_functions_name():
    assert redrive.handler_of("arn:aws:lambda:ap-southeast-1:123456789012:function:sangkien-prod-CountChanges-1A2B") \
        == "count_changes"
    assert redrive.handler_of("arn:aws:lambda:ap-southeast-1:123456789012:function:sangkien-local-react_to_events") \
        == "react_to_events"
    with pytest.raises(redrive.NotReplayable):
        redrive.handler_of("arn:aws:lambda:ap-southeast-1:123456789012:function:sangkien-prod-APIHandler")


def test_through_lambda_the_redrive_invokes_the_function_that_failed_and_reads_its_answer():
    import io

    class LambdaClient:
        def __init__(self, answer, error=None):
            self.answer, self.error, self.calls = answer, error, []

        def invoke(self, **request):
            self.calls.append(request)
            reply = {"Payload": io.BytesIO(json.dumps(self.answer).encode())}
            return {**reply, "FunctionError": self.error} if self.error else reply

    event = {"Records": [{"dynamodb": {"SequenceNumber": "11"}}, {"dynamodb": {"SequenceNumber": "12"}}]}
    arn = "arn:aws:lambda:ap-southeast-1:123456789012:function:sangkien-prod-ReactToEvents-1A2B"
    client = LambdaClient({"batchItemFailures": [{"itemIdentifier": "12"}]})
    assert redrive.LambdaInvoker(client)(arn, REACT, event)["batchItemFailures"] == [{"itemIdentifier": "12"}]
    assert client.calls[0]["FunctionName"] == arn and json.loads(client.calls[0]["Payload"]) == event
    # A function error (it crashed) fails the whole batch
    crashed = redrive.LambdaInvoker(LambdaClient({"errorMessage": "Task timed out"}, error="Unhandled"))
    assert [f["itemIdentifier"] for f in crashed(arn, REACT, event)["batchItemFailures"]] == ["11", "12"]


# ------------------------------------------------------------ the local run's feeder

def test_the_local_runs_feeder_sets_aside_what_keeps_failing_and_the_redrive_replays_it_once(api, stream):
    import threading
    import time

    from scripts.stream_feeder import feed_forever

    # GIVEN an initiative whose records the local run's counting handler fails every time
    enter(api, user="worker-fpt", unit_id=FPT_UNIT, authors=AUTHORS)
    invoked = []

    def failing(event, context):
        invoked.append(len(event["Records"]))
        return {"batchItemFailures": [{"itemIdentifier": r["dynamodb"]["SequenceNumber"]} for r in event["Records"]]}

    sqs = boto3.client("sqs", region_name=settings.region())
    queue_url = sqs.get_queue_url(QueueName=redrive.LOCAL_QUEUE_NAME)["QueueUrl"]
    stop = threading.Event()
    feeding = threading.Thread(target=feed_forever, args=({COUNT: failing}, settings.table_name("initiatives")),
                               kwargs={"interval": 0.01, "stop": stop})
    feeding.start()
    deadline = time.monotonic() + 20
    while not queued(queue_url) and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    feeding.join(10)

    # THEN it was tried six times (Lambda's 1 + MaximumRetryAttempts), then set aside as Lambda sets a batch aside
    assert len(invoked) == 1 + retry_attempts()[COUNT]
    (message,) = queued(queue_url)
    assert message["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert redrive.handler_of(message["requestContext"]["functionArn"]) == COUNT
    assert message["DDBStreamBatchInfo"]["batchSize"] == invoked[0]
    assert counters() == {}
    # WHEN the failure queue is replayed, twice
    report, _ = run_redrive(stream, queue_url)
    again, _ = run_redrive(stream, queue_url)
    # THEN the initiative is counted, once, and the queue is empty
    assert report.ok and again.ok
    assert counters() == core.recount(stored_initiatives()) != {}
    assert queued(queue_url) == []
