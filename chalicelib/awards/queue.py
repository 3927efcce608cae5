"""The award-list queue (SQS): POST /award-lists puts one message per compile
request on it; its handler (chalicelib/queues.py) compiles. A message says
which list and which request: `{"unit_id", "phase_id", "program_id",
"version", "token"}`; SQS may deliver it more than once, and the handler
acts only while the request with that token is still compiling."""
import json

from chalicelib import aws, settings

_url: dict = {}


def url() -> str:
    """The queue's URL: the setting, else asked of SQS by name once per container."""
    configured = settings.award_list_queue_url()
    if configured:
        return configured
    name = settings.award_list_queue()
    if name not in _url:
        _url[name] = aws.sqs().get_queue_url(QueueName=name)["QueueUrl"]
    return _url[name]


def send(request) -> None:
    """Put the message of a compile request (store.CompileRequest) on the queue."""
    body = {"unit_id": request.unit_id, "phase_id": request.phase_id, "program_id": request.program_id,
            "version": request.version, "token": request.token}
    aws.sqs().send_message(QueueUrl=url(), MessageBody=json.dumps(body, separators=(",", ":")))


def parse(body: str) -> dict:
    """A message's body as sent; ValueError if it is not one."""
    message = json.loads(body)
    if not isinstance(message, dict) or not all(isinstance(message.get(k), str)
                                                for k in ("unit_id", "phase_id", "program_id", "token")) \
            or not isinstance(message.get("version"), int):
        raise ValueError(f"not an award-list message: {body[:200]!r}")
    return message
