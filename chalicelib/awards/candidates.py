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

from chalicelib.awards.compile import Candidate, top_level_of
from chalicelib.workflow.definition import SCORES

logger = logging.getLogger(__name__)


def partition(phase_id: str, unit_id: str) -> str:
    return f"CAND#{phase_id}#{unit_id}"


def not_yet_written():
    """Closes: a candidate written twice or changed after compiling began.
    Streams redeliver, and a listener may run again after a partial failure: a
    candidate is written once and never touched again, so a replay changes
    nothing, and an interrupted run is completed by the next delivery."""
    from chalicelib.tables import AwardCandidate
    return AwardCandidate.pk.does_not_exist()


def on_event(event: dict) -> None:
    """The `award_candidate` listener: `event` is the history event (a plain
    dict) of a recognition. Reads the initiative (one GetItem) and writes its
    candidate for every unit on its path. Idempotent."""
    from pynamodb.exceptions import PutError

    from chalicelib.submissions import store
    from chalicelib.tables import AwardCandidate, CandidateAuthor

    record = store.get(event["submission_id"])  # strongly consistent: the recognition's own write is visible
    if record is None:
        logger.warning("award candidate: initiative %s not found", event["submission_id"])
        return
    submission = store.plain(record)
    attributes = candidate_attributes(event, submission)
    if attributes is None:
        logger.warning("award candidate: event %s#%s has no scores or confirmed benefit; skipped",
                       event["submission_id"], event.get("seq"))
        return
    for unit_id in attributes["unit_path"]:
        item = AwardCandidate(partition(attributes["phase_id"], unit_id), attributes["submission_id"],
                              **{**attributes, "authors": [CandidateAuthor(**a) for a in attributes["authors"]]})
        try:
            item.save(condition=not_yet_written())
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise  # written by an earlier delivery, when it is that


def candidate_attributes(event: dict, submission: dict) -> dict | None:
    """A candidate's attributes from the recognition event and the initiative
    (plain dicts). Scores and benefit come from the event's input (what the
    reviewer decided), else from the initiative; None if neither has them."""
    given = event.get("input") or {}
    scores = given.get("scores") or submission.get("scores")
    benefit = given.get("confirmed_benefit_vnd")
    if benefit is None:
        benefit = submission.get("confirmed_benefit_vnd")
    if not scores or benefit is None or any(name not in scores for name in SCORES):
        return None
    path = list(submission["unit_path"])
    scores = {name: int(scores[name]) for name in SCORES}
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
    from chalicelib.dynamo_json import plain
    from chalicelib.tables import AwardCandidate

    for item in AwardCandidate.query(partition(phase_id, unit_id)):
        yield Candidate.from_json(plain(item.attribute_values))
