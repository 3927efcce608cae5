"""The one clock and the one time zone.

Every time a person sees is in Asia/Ho_Chi_Minh (UTC+07:00, no daylight saving),
and timestamps are stored in that offset too, so a stored value is what people
see and sorts correctly as a string.
"""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# Replaced in tests to freeze time; returns an aware datetime.
_now = lambda: datetime.now(timezone.utc)  # noqa: E731


def now() -> datetime:
    """The current instant, in Vietnam time."""
    return _now().astimezone(VIETNAM)


def today() -> date:
    """Today's date in Vietnam: the date that decides phases and deadlines."""
    return now().date()


def timestamp(moment: datetime | None = None) -> str:
    """ISO 8601 with milliseconds and the +07:00 offset, e.g. 2022-05-31T23:59:00.000+07:00."""
    return (moment or now()).astimezone(VIETNAM).isoformat(timespec="milliseconds")


def set_clock(fn) -> None:
    """Test hook: make `now()` return `fn()` (an aware datetime)."""
    global _now
    _now = fn
