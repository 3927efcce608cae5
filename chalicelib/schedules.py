"""What runs on a clock: Chalice schedules, each calling one service.

`sweep_deadlines`, every 15 minutes: ring the deadlines' alarms that are due
(chalicelib/review/deadlines.py): reminders, overdue marks and escalations,
events a deadline fires. Each rings once, however often the sweep runs.

`send_digests`, daily at 07:00 Vietnam time (00:00 UTC): each reviewer's
digest email of their unit's queue (chalicelib/notify/digest.py), exactly
once per reviewer and day.

`snapshot_honours`, every 5 minutes: rebuild each begun phase's snapshot of
the emulation clusters' leaders (counters.stats.refresh_honours) when older
than 4 minutes, so that a national dashboard reads one item; an ended
phase's snapshot is final and only read.

`compile_award_lists`, daily at 00:30 Vietnam time (17:30 UTC the day before):
for every phase of every program that ended yesterday (Vietnam date), compile
the award list of every top-level unit and of the nation. Compiling is
idempotent by content hash, so a retry or a second run writes and sends
nothing new.
"""
import logging

from chalice import Blueprint, Cron, Rate

from chalicelib import settings

logger = logging.getLogger(__name__)
bp = Blueprint(__name__)

SCHEDULE = "schedule"  # `compiled_by` of the lists this compiles


def top_level_unit_ids(national_id: str) -> list[str]:
    """The national unit's children (catalog.children: one Query, pages followed)."""
    from chalicelib.reference import catalog

    return sorted(child.id for child in catalog.children(national_id))


def compile_ended_phases(today) -> list:
    """Compile the lists of every top-level unit and of the nation for each
    phase that ended the day before `today` (a Vietnam date). Returns the
    lists ((unit id, phase id, version, created)). One unit failing does not
    stop the others; the run then raises, so Lambda retries it (and the
    retry, idempotent, only does what is left)."""
    from datetime import timedelta

    from chalicelib.awards import service
    from chalicelib.reference import catalog

    yesterday = today - timedelta(days=1)
    ended = [(program, phase) for program in catalog.programs() for phase in program.phases
             if phase.ends_on == yesterday]
    if not ended:
        return []
    national = settings.national_unit_id()
    unit_ids = [*top_level_unit_ids(national), national]
    done, failed = [], []
    for program, phase in ended:
        for unit_id in unit_ids:
            unit = catalog.unit(unit_id)
            if unit is None:
                continue
            try:
                award_list, created = service.compile_list(unit, program, phase, compiled_by=SCHEDULE)
                done.append((unit.id, phase.id, award_list.version, created))
            except Exception:  # noqa: BLE001 - the other units still get their lists
                logger.exception("award list of %s for %s failed", unit_id, phase.id)
                failed.append((unit_id, phase.id))
    if failed:
        raise RuntimeError(f"award lists failed: {failed}")
    return done


# What each schedule runs, by name, without its Lambda event: the local run
# calls these every minute and `POST /dev/schedules/{name}` runs one now.
JOBS = {}


def job(name: str):
    def register(fn):
        JOBS[name] = fn
        return fn
    return register


@job("sweep_deadlines")
def run_sweep() -> dict:
    from chalicelib.review import deadlines

    return deadlines.sweep()


@job("compile_award_lists")
def run_compile() -> dict:
    from chalicelib import clock

    return {"compiled": [list(item) for item in compile_ended_phases(clock.today())]}


@job("snapshot_honours")
def run_honours() -> dict:
    from chalicelib.counters import stats

    return {"rebuilt": stats.refresh_honours()}


# The local run calls every job each minute: the digest goes on a slice at a time there.
DIGEST_SLICE_SECONDS = 5


@job("send_digests")
def run_digests(slice_seconds: float | None = DIGEST_SLICE_SECONDS) -> dict:
    """The reviewers' daily digest emails (notify.digest), once a day from 07:00 Vietnam time."""
    from chalicelib.notify import digest

    report = digest.send_todays_digests(slice_seconds)
    return {"units": report.units, "sent": report.sent}


@bp.schedule(Rate(15, unit=Rate.MINUTES), name="sweep_deadlines")
def sweep_deadlines(event):
    return run_sweep()


@bp.schedule(Rate(5, unit=Rate.MINUTES), name="snapshot_honours")
def snapshot_honours(event):
    return run_honours()


@bp.schedule(Cron(30, 17, "*", "*", "?", "*"), name="compile_award_lists")
def compile_award_lists(event):
    return run_compile()


@bp.schedule(Cron(0, 0, "*", "*", "?", "*"), name="send_digests")
def send_digests(event):
    return run_digests(slice_seconds=None)  # all of it in one invocation (docs/data-model.md: and beyond)
