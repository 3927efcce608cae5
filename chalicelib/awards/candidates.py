"""Award candidates: what the `award_candidate` effect writes when an
initiative is recognised, and what compiling reads.

One candidate item per unit on the initiative's path (national → top-level →
… → grassroots): `CAND#<phase>#<unit>` / `<submission id>` in the awards table,
holding everything compiling needs. So a list for any unit and phase is ONE
Query of one partition (paginated), never a Scan, and costs what that unit's
recognised initiatives weigh, not the whole table. The price is up to four
small puts per recognition, once.
"""
import logging

from chalicelib import dynamo_json
from chalicelib import settings
from chalicelib.awards import aws
from chalicelib.awards.compile import Candidate, top_level_of

logger = logging.getLogger(__name__)

SCORE_NAMES = ("novelty", "applicability", "effectiveness")

# Streams redeliver, and a listener may run again after a partial failure: a
# candidate is written once and never touched again, so a replay changes
# nothing, and an interrupted run is completed by the next delivery.
NOT_YET_WRITTEN = "attribute_not_exists(pk)"


def partition(phase_id: str, unit_id: str) -> str:
    return f"CAND#{phase_id}#{unit_id}"


def on_event(event: dict) -> None:
    """The `award_candidate` listener: `event` is the history event (a plain
    dict) of a recognition. Reads the initiative (one GetItem) and writes its
    candidate for every unit on its path. Idempotent."""
    submission = _initiative(event["submission_id"])
    if submission is None:
        logger.warning("award candidate: initiative %s not found", event["submission_id"])
        return
    attributes = candidate_attributes(event, submission)
    if attributes is None:
        logger.warning("award candidate: event %s#%s has no scores or confirmed benefit; skipped",
                       event["submission_id"], event.get("seq"))
        return
    client = aws.dynamodb()
    for unit_id in attributes["unit_path"]:
        item = {"pk": partition(attributes["phase_id"], unit_id), "sk": attributes["submission_id"], **attributes}
        try:
            client.put_item(TableName=settings.table_name("awards"), Item=dynamo_json.to_item(item),
                            ConditionExpression=NOT_YET_WRITTEN)
        except client.exceptions.ConditionalCheckFailedException:
            pass  # written by an earlier delivery


def _initiative(submission_id: str) -> dict | None:
    # Strongly consistent: the recognition's own write must be visible.
    answer = aws.dynamodb().get_item(TableName=settings.table_name("initiatives"),
                                     Key={"pk": {"S": f"SUB#{submission_id}"}, "sk": {"S": "META"}},
                                     ConsistentRead=True)
    return dynamo_json.from_item(answer["Item"]) if "Item" in answer else None


def candidate_attributes(event: dict, submission: dict) -> dict | None:
    """A candidate's attributes from the recognition event and the initiative
    (plain dicts). Scores and benefit come from the event's input (what the
    reviewer decided), else from the initiative; None if neither has them."""
    given = event.get("input") or {}
    scores = given.get("scores") or submission.get("scores")
    benefit = given.get("confirmed_benefit_vnd")
    if benefit is None:
        benefit = submission.get("confirmed_benefit_vnd")
    if not scores or benefit is None or any(name not in scores for name in SCORE_NAMES):
        return None
    path = list(submission["unit_path"])
    scores = {name: int(scores[name]) for name in SCORE_NAMES}
    return {
        "submission_id": submission["id"], "code": submission["code"], "title": submission["title"],
        "program_id": submission["program_id"], "phase_id": submission["phase_id"],
        "unit_path": path, "grassroots_unit_id": path[-1], "top_level_unit_id": top_level_of(path),
        "authors": [{"full_name": a["full_name"], **({"member_id": a["member_id"]} if a.get("member_id") else {})}
                    for a in submission["authors"]],
        "scores": scores, "score_total": sum(scores.values()), "confirmed_benefit_vnd": int(benefit),
        "recognized_at": event["at"], "event_seq": int(event["seq"]),
    }


def for_unit(unit_id: str, phase_id: str):
    """Every candidate of `unit_id`'s subtree in `phase_id`: one Query, page
    after page (a generator of Candidate)."""
    items = aws.query_all(TableName=settings.table_name("awards"), KeyConditionExpression="pk = :pk",
                          ExpressionAttributeValues={":pk": {"S": partition(phase_id, unit_id)}})
    for item in items:
        yield Candidate.from_json(item)
