"""Local stage only: list the demo users and hand out tokens for them; move
the app's clock on and run a schedule now, to try deadlines in minutes.

`app.py` registers this blueprint only when STAGE is `local` (or `test`), so the
routes do not exist in any deployed stage; a test checks the packaged template.
"""
from chalice import Blueprint

from chalicelib.api.http import api_view, json_body, json_response

bp = Blueprint(__name__)


@bp.route("/dev/users", methods=["GET"])
@api_view(bp, public=True)
def list_users():
    from chalicelib.auth import demo

    return json_response(200, {"items": demo.users()})


@bp.route("/dev/token", methods=["POST"], content_types=["application/json"])
@api_view(bp, public=True)
def issue_token():
    from chalicelib.auth import demo

    return json_response(200, demo.token_for(json_body(bp.current_request)))


# The schedules by name (app.py hands over chalicelib.schedules.JOBS).
JOBS = {}


def use_jobs(jobs: dict) -> None:
    JOBS.update(jobs)


@bp.route("/dev/clock", methods=["GET"])
@api_view(bp, public=True)
def read_clock():
    return json_response(200, clock_answer())


@bp.route("/dev/clock", methods=["POST"], content_types=["application/json"])
@api_view(bp, public=True)
def advance_clock():
    from chalicelib import clock, validation
    from chalicelib.errors import Invalid

    body, problems = validation.checked("dev-clock-request", json_body(bp.current_request))
    if problems:
        raise Invalid(problems)
    clock.advance(body["advance_days"])
    return json_response(200, clock_answer())


@bp.route("/dev/clock", methods=["DELETE"])
@api_view(bp, public=True)
def reset_clock():
    from chalicelib import clock

    clock.reset_shift()
    return json_response(200, clock_answer())


@bp.route("/dev/schedules/{name}", methods=["POST"])
@api_view(bp, public=True)
def run_schedule(name):
    from chalicelib import validation
    from chalicelib.errors import NotFound

    if bp.current_request.raw_body:
        validation.normalized("dev-schedule-request", json_body(bp.current_request))
    if name not in JOBS:
        raise NotFound()
    return json_response(200, {"name": name, "result": JOBS[name]()})


def clock_answer() -> dict:
    from chalicelib import clock

    return {"now": clock.timestamp(), "shift_days": clock.shift().total_seconds() / 86400}
