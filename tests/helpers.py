"""Test helpers, one set for every test file:

- the requests tests make over and over: `enter` an initiative, `fire` a
  transition (`attempt` it when the test checks a refusal itself, `transition`
  for the raw response);
- the initiatives table's stream handed to its handlers: `deliver` (asserting
  no record failed), `failures` (for tests about failed records);
- recorded fixtures from tests/events/: `event`;
- reads of DynamoDB (tests may Scan; the app never does) and stand-in clients.

Argument order, always: api, submission id, event, expected version, user."""
import copy
import json
import os

import boto3

from chalicelib import settings

EVENTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "events")
# What a stream handler answers when every record of the batch went through.
NO_FAILURES = {"batchItemFailures": []}


# ------------------------------------------------------------------ the API

def enter(api, user: str = "worker-rang-dong", expect: int = 201, **overrides) -> dict:
    """POST /submissions as `user` with `initiative(**overrides)` (the Rạng Đông
    body of tests/events/submission.json; an override of None leaves that field
    out). Asserts the status is `expect` (201: stored) and returns the answer:
    the stored initiative, or the error body when `expect` is a refusal."""
    from tests.conftest import initiative

    body = {name: value for name, value in initiative(**overrides).items() if value is not None}
    status, answer = api.json("POST", "/submissions", body, user=user)
    assert status == expect, (user, status, answer)
    return answer


def transition(api, sid: str, event: str, version: int, user: str | None, **given):
    """POST /submissions/{sid}/transitions as `user` with the body
    {"event": event, "expected_version": version, **given} (`given`: the event's
    input, e.g. reason, scores, confirmed_benefit_vnd, client_token). Returns the
    raw response, asserting nothing: for tests that check the response itself
    (its headers, its status against the OpenAPI document)."""
    return api.request("POST", f"/submissions/{sid}/transitions",
                       {"event": event, "expected_version": version, **given}, user=user)


def attempt(api, sid: str, event: str, version: int, user: str | None, **given) -> tuple[int, dict | None]:
    """Fire `event` as `transition` does and return (status, parsed body),
    asserting nothing: for tests that check a refusal (403, 409, 422) themselves."""
    response = transition(api, sid, event, version, user, **given)
    return response.status_code, (json.loads(response.body) if response.body else None)


def fire(api, sid: str, event: str, version: int, user: str, expect: int = 200, **given) -> dict:
    """Fire `event` on initiative `sid` at `version` as `user`, with `given` as
    the event's input. Asserts the status is `expect` and returns the whole
    answer: {"submission": ..., "event": ...} on 200, the error body otherwise."""
    status, answer = attempt(api, sid, event, version, user, **given)
    assert status == expect, (event, user, status, answer)
    return answer


# ------------------------------------------------------------------ the stream

def deliver(stream, records: list[dict] | None = None, handlers=None) -> list[dict]:
    """Hand `records` (default: every record written since the stream was last
    read) as one batch to each of `handlers` (default: both stream handlers,
    count_changes and react_to_events) through the `stream` fixture, as Lambda
    would. Asserts every handler answers {"batchItemFailures": []} (no record
    failed). Returns the records delivered (an empty batch is not delivered:
    Lambda never sends one)."""
    if records is None:
        records = stream.records()
    if records:
        for name, answer in stream.deliver(records, handlers or stream.HANDLERS).items():
            assert answer == NO_FAILURES, (name, answer)
    return records


def failures(stream, records: list[dict], handler: str) -> list[str]:
    """Hand `records` as one batch to the one stream handler named `handler` and
    return the sequence numbers it reports failed (to be retried), asserting
    nothing: for tests about failures, retries and redeliveries."""
    answer = stream.deliver(records, (handler,))[handler] or {}
    return [failure["itemIdentifier"] for failure in answer.get("batchItemFailures", [])]


# ------------------------------------------------------------------ recorded fixtures

def event(name: str, **changes) -> dict:
    """The recorded fixture tests/events/<name>.json, a fresh copy on every call,
    with `changes` replacing its top-level keys (a change of None drops the key).

    The stream-*.json files are DynamoDB stream records shaped as Lambda hands
    them to the handlers (scripts/stream_feeder.py `lambda_shaped`), recorded
    from one FPT initiative with three authors (two with an email) entered by
    worker-fpt, then returned for revision by reviewer-fpt:
    stream-initiative-insert (its META item), stream-history-submitted (history
    event 1, no effects), stream-code-insert (the tracking-code claim), then
    stream-history-request-revision (history event 2, effect notify_author) and
    stream-initiative-modify (META, pending → needs_revision, version 2)."""
    with open(os.path.join(EVENTS_DIR, f"{name}.json"), encoding="utf-8") as f:
        recorded = json.load(f)
    for key, value in changes.items():
        if value is None:
            recorded.pop(key, None)
        else:
            recorded[key] = copy.deepcopy(value)
    return recorded


# ------------------------------------------------------------------ DynamoDB as it is


def table_items(kind: str) -> list[dict]:
    client = boto3.client("dynamodb")
    items, start = [], None
    while True:
        kwargs = {"TableName": settings.table_name(kind)}
        if start:
            kwargs["ExclusiveStartKey"] = start
        page = client.scan(**kwargs)
        items += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return sorted(items, key=repr)


def seed_waiting(count: int, unit_path: list, *, rare_every: int = 1000, state: str = "pending",
                 phase: str = "sk2627-gd1", start: int = 0, into_memory: bool = False,
                 alarm_at=None) -> list[str]:
    """Put `count` initiatives waiting in the queue of the unit ending
    `unit_path` straight into the table (25 to a BatchWriteItem, keys built by
    the store's own `queue_keys`), one a minute apart; every `rare_every`-th is
    in the subject group "new-countryside" and the field
    "energy-environment", the rest in "enterprise-workers" / "productivity".
    Returns the ids of the rare ones, oldest first. `into_memory` puts them
    straight into moto's memory instead (in-process moto only; six times
    faster, for the cost meter's 100,000). `alarm_at(n)`: when the n-th one's
    next alarm rings (a clock.timestamp; made up, as its grassroots check's
    reminder), or "definition": its first alarm as the definition says; for
    the deadline sweep. None: no alarm."""
    from chalicelib.submissions import store

    client = boto3.client("dynamodb")
    unit = unit_path[-1]
    rare, requests = [], []
    for n in range(start, start + count):
        sid = f"01SEED{n:020d}"
        odd = n % rare_every == rare_every - 1
        attributes = {"phase_id": phase, "subject_group": "new-countryside" if odd else "enterprise-workers",
                      "field": "energy-environment" if odd else "productivity"}
        at = f"2026-11-{1 + n // 1440 % 28:02d}T{n // 60 % 24:02d}:{n % 60:02d}:00.000+07:00"
        item = {"pk": store.key(sid), "sk": "META", "id": sid, "code": f"S{n:010d}", "status": state,
                "program_id": "sang-kien-2026-2027", "unit_id": unit, "block": "enterprise",
                "title": f"Sáng kiến {n}", "problem": "-", "solution": "-", "results": "-", "applied_from": "2026-03-01",
                "submitter_id": "worker-rang-dong", "created_at": at, "updated_at": at, "version": 1,
                **attributes, **store.queue_keys(unit, state, attributes, at, sid),
                **store.under_keys({"id": sid, "unit_path": unit_path, "phase_id": phase, "created_at": at})}
        if alarm_at:
            from chalicelib.workflow import deadlines, definition

            if alarm_at == "definition":  # the definition's own first alarm for what it is
                alarm = deadlines.on_entry(definition.default(), state, at, at, deadlines.parse(at)).next_alarm
            else:
                rings = deadlines.parse(alarm_at(n))
                alarm = deadlines.Alarm(rings, deadlines.STATE, deadlines.REMIND, rings)
            item |= {k: v for k, v in store.deadline_keys(sid, alarm).items() if v is not None}
        raw = {name: {"N": str(v)} if isinstance(v, int) else {"S": v} for name, v in item.items()}
        raw.update(unit_path={"L": [{"S": u} for u in unit_path]}, authors={"L": []})
        for name, stored in (("queue_pk", "qp"), ("queue_sk", "qs"), ("queue_group_pk", "qg"),
                             ("queue_field_pk", "qf"), ("alarm_shard", "ap"), ("alarm_sk", "as"),
                             ("under_0", "u0"), ("under_1", "u1"), ("under_2", "u2"), ("under_3", "u3"),
                             ("under_sk", "us")):
            if name in raw:
                raw[stored] = raw.pop(name)
        requests.append({"PutRequest": {"Item": raw}})
        if odd:
            rare.append(sid)
    table = settings.table_name("initiatives")
    if into_memory:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends

        backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.region()]
        for request in requests:
            backend.put_item(table, request["PutRequest"]["Item"])
        return rare
    for first in range(0, len(requests), 25):
        pending = {table: requests[first:first + 25]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    return rare


def seed_ranked_counters(phase: str, counts: dict, top_unit: str = "ldld-thanh-hoa") -> None:
    """Counters of grassroots unions under `top_unit` ({unit: (entered, authors)})
    as counting leaves them (their first shard; grassroots unions have one)."""
    import boto3

    from chalicelib import settings
    from chalicelib.counters import store

    for unit_id, (entered, authors) in counts.items():
        item = {"pk": {"S": store.counter_key(unit_id, phase)}, "sk": {"S": store.TOTAL},
                "unit_id": {"S": unit_id}, "phase_id": {"S": phase},
                "entered": {"N": str(entered)}, "authors": {"N": str(authors)}}
        boto3.client("dynamodb").put_item(TableName=settings.table_name("counters"), Item=item)


def snapshot() -> dict:
    """Everything a request may write, to compare before and after it.
    (The reference table is written only by the loader.)"""
    return {kind: table_items(kind) for kind in ("initiatives", "idempotency")}


class Refusing:
    """The DynamoDB client, failing every call of one operation (as when
    throttled or unreachable) and passing the rest on: put in place with
    `chalicelib.aws.replaced(dynamodb=Refusing(...))`. PynamoDB's calls go
    through `_make_api_call`, boto3's through their method, both end here."""

    def __init__(self, client, operation: str):
        self.client, self.operation = client, operation

    def __getattr__(self, name):
        return getattr(self.client, name)

    def _make_api_call(self, operation, params):
        if operation == self.operation:
            raise RuntimeError(f"{operation} refused (throttled)")
        return self.client._make_api_call(operation, params)


class Throttled:
    """The DynamoDB client, whose BatchGetItem processes nothing, as when throttled."""

    def __init__(self, client):
        self.client = client

    def __getattr__(self, name):
        return getattr(self.client, name)

    def batch_get_item(self, RequestItems):
        return {"Responses": {}, "UnprocessedKeys": RequestItems}


# ------------------------------------------------------------------ faults, as AWS answers them

# AWS's own error answers, by service protocol: DynamoDB speaks JSON 1.0, SES the query protocol (XML).
_DYNAMODB_ERROR_TYPES = {"ProvisionedThroughputExceededException": "com.amazonaws.dynamodb.v20120810#",
                         "ThrottlingException": "com.amazon.coral.availability#",
                         "InternalServerError": "com.amazonaws.dynamodb.v20120810#"}
_STATUS = {"InternalServerError": 500, "ServiceUnavailable": 503}


class Faulty:
    """One of the app's clients (chalicelib.aws) answering `operation` with
    AWS's own error `code` (ProvisionedThroughputExceededException,
    ThrottlingException, Throttling, MessageRejected, ...) at the HTTP level,
    as AWS would: botocore parses it and retries it exactly as it does in AWS
    (standard mode, exponential backoff; chalicelib/aws.py), so a test sees the
    app's whole answer to the fault. `times`: how many calls fail (None: every
    one); `when`: which requests fail (a predicate on the raw body, e.g. one
    recipient). Counts the calls it failed (`failed`); botocore's waits
    between attempts are recorded in `waits`, not slept.

        with Faulty("dynamodb", "TransactWriteItems", "ProvisionedThroughputExceededException", times=2) as fault:
    """

    def __init__(self, service: str, operation: str, code: str, times: int | None = None, when=None):
        self.service, self.operation, self.code = service, operation, code
        self.times, self.when = times, when
        self.failed, self.waits = 0, []

    def __enter__(self):
        import botocore.endpoint

        from chalicelib import aws

        self._events = aws.client(self.service).meta.events
        self._event = f"before-send.{self.service}.{self.operation}"
        # botocore calls every before-send handler, the operation's own first,
        # and takes the first answer: ours answers before moto's, and moto is
        # switched off for that one request (else it would still do what was
        # asked: send the email, write the item), then on again after it.
        self._events.register_first(self._event, self._answer, unique_id=f"faulty-{id(self)}")
        self._events.register_last("before-send", self._moto_on, unique_id=f"faulty-on-{id(self)}")
        self._time = botocore.endpoint.time
        botocore.endpoint.time = _RecordedTime(self.waits)
        return self

    def __exit__(self, *exc):
        import botocore.endpoint

        self._events.unregister(self._event, unique_id=f"faulty-{id(self)}")
        self._events.unregister("before-send", unique_id=f"faulty-on-{id(self)}")
        self._moto_on()
        botocore.endpoint.time = self._time
        return False

    def _answer(self, request, **kwargs):
        from botocore.awsrequest import AWSResponse
        from moto.core.botocore_stubber import MockRawResponse

        body = request.body.decode("utf-8") if isinstance(request.body, bytes) else (request.body or "")
        if (self.times is not None and self.failed >= self.times) or (self.when and not self.when(body)):
            return None
        self.failed += 1
        _moto_stubber().enabled = False
        status = _STATUS.get(self.code, 400)
        if self.service == "dynamodb":
            payload = json.dumps({"__type": _DYNAMODB_ERROR_TYPES.get(self.code, "") + self.code,
                                  "message": f"{self.code} (injected by a test)"})
            headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "fault"}
        else:
            payload = (f'<ErrorResponse xmlns="http://{self.service}.amazonaws.com/doc/2010-12-01/"><Error>'
                       f"<Type>Sender</Type><Code>{self.code}</Code><Message>{self.code} (injected by a test)"
                       "</Message></Error><RequestId>fault</RequestId></ErrorResponse>")
            headers = {"Content-Type": "text/xml", "x-amzn-RequestId": "fault"}
        return AWSResponse(request.url, status, headers, MockRawResponse(payload))


    @staticmethod
    def _moto_on(**kwargs):
        _moto_stubber().enabled = True


def _moto_stubber():
    from moto.core.models import botocore_stubber
    return botocore_stubber


class _RecordedTime:
    """botocore.endpoint's `time`, whose sleep (the wait before a retry) is recorded instead."""

    def __init__(self, waits: list):
        self.waits = waits

    def sleep(self, seconds):
        self.waits.append(seconds)


class Counting:
    """The DynamoDB client, recording each call (operation, parameters) and
    passing it on: put in place with `chalicelib.aws.replaced(dynamodb=...)`."""

    def __init__(self, client):
        self.client, self.calls = client, []

    def __getattr__(self, name):
        return getattr(self.client, name)

    def _make_api_call(self, operation, params):
        self.calls.append((operation, params))
        return self.client._make_api_call(operation, params)

    def batch_get_item(self, **params):
        self.calls.append(("BatchGetItem", params))
        return self.client.batch_get_item(**params)

    def reads_of(self, prefix: str, sk: str) -> list[str]:
        """The operations that read a key whose partition starts with `prefix`
        and whose sort key is `sk` (a user: "USER#", "USER")."""
        found = []
        for operation, params in self.calls:
            keys = [params.get("Key", {})] + [key for request in params.get("RequestItems", {}).values()
                                              if isinstance(request, dict) for key in request.get("Keys", [])]
            if any(key.get("pk", {}).get("S", "").startswith(prefix) and key.get("sk", {}).get("S") == sk
                   for key in keys):
                found.append(operation)
        return found


# ------------------------------------------------------------------ the award-list queue

def queued_compiles() -> list[dict]:
    """Take every message waiting on the award-list queue (moto), shaped as
    Lambda delivers SQS records; the messages are deleted (as Lambda does once
    its handler returns)."""
    from scripts.queue_feeder import lambda_shaped

    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=settings.award_list_queue())["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    records = []
    while True:
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])
        if not answer.get("Messages"):
            return records
        for message in answer["Messages"]:
            records.append(lambda_shaped(message, arn))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def run_compiles(api, records: list[dict] | None = None) -> list:
    """`api`: the `api` or `pages` fixture (anything with chalice's test `client`).
    Hand each queued compile (default: every message waiting) to the
    `compile_requested_list` handler through chalice's test client, one message
    per invocation as Lambda does (batch size 1). Returns the handler's answers."""
    records = queued_compiles() if records is None else records
    return [api.client.lambda_.invoke("compile_requested_list", {"Records": [record]}).payload for record in records]


def compiled(api, unit: str, phase: str, user: str):
    """POST /award-lists, the queue's handler run, then the list read back:
    (201, list) when a new version was written, (200, list) when nothing had
    changed (the requested id answers 303 to the existing version), or the
    POST's refusal (status, error body) as answered."""
    status, answer = api.json("POST", "/award-lists", {"unit_id": unit, "phase": phase}, user=user)
    if status != 202:
        return status, answer
    run_compiles(api)
    status, body = api.json("GET", f"/award-lists/{answer['id']}", user=user)
    if status == 303:
        status, body = api.json("GET", f"/award-lists/{body['id']}", user=user)
        return status, body
    if status == 200 and body["status"] in ("compiling", "failed"):
        return status, body
    return (201 if status == 200 else status), body
