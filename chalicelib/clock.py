"""The one clock and the one time zone.

Every time a person sees is in Asia/Ho_Chi_Minh (UTC+07:00, no daylight saving),
and timestamps are stored in that offset too, so a stored value is what people
see and sorts correctly as a string.
"""
import os
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# Replaced in tests to freeze time; returns an aware datetime.
_now = lambda: datetime.now(timezone.utc)  # noqa: E731


def now() -> datetime:
    """The current instant, in Vietnam time (moved on by `advance`, in the local run only)."""
    return (_now() + shift()).astimezone(VIETNAM)


def today() -> date:
    """Today's date in Vietnam: the date that decides phases and deadlines."""
    return now().date()


def timestamp(moment: datetime | None = None) -> str:
    """ISO 8601 with milliseconds and the +07:00 offset, e.g. 2022-05-31T23:59:00.000+07:00."""
    return (moment or now()).astimezone(VIETNAM).isoformat(timespec="milliseconds")


def set_clock(fn):
    """Test hook: make `now()` return `fn()` (an aware datetime). Returns the
    function it replaces, to put it back (or to count from it)."""
    global _now
    previous, _now = _now, fn
    return previous


# ------------------------------------------------------------------ the local run's clock
# `POST /dev/clock` (local stage only) moves the app's clock on, to try
# deadlines in minutes. The shift lives in this process and, when
# CLOCK_SHIFT_FILE names a file (the local run sets it), in that file, so the
# API, the stream and queue feeders and the schedule runner share it.
SHIFT_FILE_ENV = "CLOCK_SHIFT_FILE"
_shift = {"seconds": 0.0, "seen": None}


def shift() -> timedelta:
    """How far `advance` moved the clock on (zero in every deployed stage: nothing there calls it)."""
    path = os.environ.get(SHIFT_FILE_ENV)
    if path:
        try:
            stat = os.stat(path)
            seen = (stat.st_mtime_ns, stat.st_size)
            if seen != _shift["seen"]:
                with open(path, encoding="ascii") as f:
                    _shift.update(seconds=float(f.read().strip() or 0), seen=seen)
        except (FileNotFoundError, ValueError):
            _shift.update(seconds=0.0, seen=None)
    return timedelta(seconds=_shift["seconds"])


def advance(days: float) -> timedelta:
    """Move the clock on by `days` (the local run's `POST /dev/clock`); returns the shift now."""
    return _set_shift(shift() + timedelta(days=days))


def reset_shift() -> None:
    """Put the clock back (`DELETE /dev/clock`)."""
    _set_shift(timedelta(0))


def _set_shift(value: timedelta) -> timedelta:
    _shift.update(seconds=value.total_seconds(), seen=None)
    path = os.environ.get(SHIFT_FILE_ENV)
    if path:
        if value:
            with open(path, "w", encoding="ascii") as f:
                f.write(repr(value.total_seconds()))
        elif os.path.exists(path):
            os.remove(path)
    return value
