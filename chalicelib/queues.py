"""What runs when a message arrives on a queue: one SQS consumer.

`compile_requested_list`: POST /award-lists queued a compile request
(chalicelib/awards/queue.py); this compiles the list off the request path, in
its own Lambda with its own timeout, reporting progress on the request
(GET /award-lists/{id} shows it), and records the outcome. One message per
invocation (batch size 1): a failure is raised, so SQS delivers that message
again (at least once, so the service acts only while the request is still
compiling); the last attempt records `failed` instead. Locally the same
handler is fed by scripts/queue_feeder.py.

The same queue and handler carry the other long work: a drill-down list
exported to Excel (issue 13; chalicelib/submissions/exports.py), told apart by
its message (`export_id`), with the same at-least-once rules.
"""
import logging
import os

from chalice import Blueprint

logger = logging.getLogger(__name__)
bp = Blueprint(__name__)

# The real ARN is set in the packaged template (deploy/resources.json: the
# AwardListQueue's); locally and in tests the handler is fed by
# scripts/queue_feeder.py and tests/helpers.run_compiles.
QUEUE_ARN = os.environ.get("AWARD_LIST_QUEUE_ARN", "arn:aws:sqs:ap-southeast-1:000000000000:sangkien-award-lists")


def delivery_of(record) -> int:
    """How many times SQS has delivered this message (1 the first time)."""
    attributes = record.to_dict().get("attributes") or {}
    try:
        return max(1, int(attributes.get("ApproximateReceiveCount", 1)))
    except (TypeError, ValueError):
        return 1


def compile_from(record) -> str:
    """One message: parse it and hand it to its service (an exported list's,
    issue 13, or else an award list's compile)."""
    import json

    from chalicelib.awards import queue, service
    from chalicelib.submissions import exports

    try:
        message = json.loads(record.body)
    except ValueError:
        message = None
    if exports.is_message(message):
        return exports.run_request(message, delivery_of(record))
    return service.run_request(queue.parse(record.body), delivery_of(record))


@bp.on_sqs_message(queue_arn=QUEUE_ARN, batch_size=1, name="compile_requested_list")
def compile_requested_list(event):
    done = [compile_from(record) for record in event]
    logger.info("award-list messages: %s", done)
    return {"done": done}
