"""The dashboard's charts as numbers: what each bar shows and how long it is.
Pure Python (no I/O); the templates draw them as inline SVG.

The pages' Content-Security-Policy allows no inline style or script, so a bar's
geometry is given by SVG presentation attributes (x, y, width, height, fill)
computed here. Each bar is its own small SVG whose width is a percentage of
its table cell: it stretches from 1280 px down to 360 px while every word
stays HTML text at reading size. The row beside it carries the name and the
numbers, so a chart reads without colour and by a screen reader (the SVG is
decoration and hidden from them).
"""
from dataclasses import dataclass
from datetime import date

from chalicelib.counters import core

# Presentation attributes cannot read the stylesheet's variables: the same
# colours as app.css (--bar, --bar-2, --bar-back, --ink).
BAR = "#0b4f9c"
REACHED = "#1e6b30"
TRACK = "#dde3ea"
MARKER = "#1a1a1a"


def width(value: float, maximum: float) -> str:
    """`value` as a share of `maximum`, as an SVG length: "37.5%" (at most 100%)."""
    if not maximum or value <= 0:
        return "0%"
    return f"{min(100.0, 100.0 * value / maximum):.1f}%"


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: a named count, its share of the total and the
    length of its bar (the largest count fills the track)."""
    key: str
    label: str
    value: int
    percent: float | None
    width: str
    fill: str = BAR
    track: str = TRACK


def bars(items, total: int | None = None) -> list[Bar]:
    """Bars for (key, label, value) items, in the order given. `total` (the
    sum of the values when not given) is what each share is a share of."""
    items = list(items)
    total = sum(value for _, _, value in items) if total is None else total
    largest = max((value for _, _, value in items), default=0)
    return [Bar(key=key, label=label, value=value, percent=core.percent(value, total) if total else None,
                width=width(value, largest)) for key, label, value in items]


@dataclass(frozen=True)
class Progress:
    """Initiatives entered against a target. The track is the target; the bar
    stops at its end when the target is passed (`percent` still tells by how
    much). `expected` marks where the bar would be if initiatives came in
    evenly over the phase."""
    entered: int
    target: int | None
    percent: float | None
    width: str
    fill: str
    reached: bool
    expected: str | None
    track: str = TRACK
    marker: str = MARKER


def progress(entered: int, target: int | None, percent: float | None, elapsed: float | None = None) -> Progress:
    """The bar for `entered` of `target` (`percent` as the counters computed it)."""
    reached = bool(target) and entered >= target
    return Progress(entered=entered, target=target, percent=percent, width=width(entered, target or 0),
                    fill=REACHED if reached else BAR, reached=reached,
                    expected=width(elapsed, 1) if target and elapsed is not None else None)


def elapsed(starts_on: date, ends_on: date, today: date) -> float:
    """How much of a phase has gone by on `today`, from 0 (not started) to 1
    (ended), counting whole days, both ends included."""
    days = (ends_on - starts_on).days + 1
    gone = (today - starts_on).days + 1
    return max(0.0, min(1.0, gone / days)) if days > 0 else 1.0


# ------------------------------------------------------------------ the review clock (issue 12, point 6)

OVERDUE = "#a30f0f"  # app.css --bad


@dataclass(frozen=True)
class Stacked:
    """One unit's row of the waiting chart: its overdue initiatives drawn
    first (from the left), then the rest of those waiting, both scaled so
    that the unit with the most waiting fills the track."""
    key: str
    label: str
    waiting: int
    overdue: int
    overdue_width: str
    rest_x: str
    rest_width: str
    fill: str = BAR
    overdue_fill: str = OVERDUE
    track: str = TRACK


def stacked(items) -> list[Stacked]:
    """Stacked bars for (key, label, waiting, overdue) items, in the order
    given. Overdue ones are drawn as part of the waiting (an overdue count
    above the waiting one, which the counters allow only for a moment, is
    drawn as all of it)."""
    items = list(items)
    largest = max((waiting for _, _, waiting, _ in items), default=0)
    found = []
    for key, label, waiting, overdue in items:
        late = min(overdue, waiting)
        found.append(Stacked(key=key, label=label, waiting=waiting, overdue=overdue,
                             overdue_width=width(late, largest), rest_x=width(late, largest),
                             rest_width=width(waiting - late, largest)))
    return found


# ------------------------------------------------------------------ the trend (issue 13, point 5)

RECOGNIZED = "#1e6b30"  # app.css --bar-2
PACE = "#6b7480"
# The line chart's own coordinates: the SVG stretches them to its box (preserveAspectRatio="none",
# strokes kept at their width by vector-effect), and every word stays HTML around it.
TREND_WIDTH, TREND_HEIGHT = 1000, 300


@dataclass(frozen=True)
class Trend:
    """A unit's days as three lines (running totals of initiatives entered
    and recognised, and the target's even pace), as SVG polyline points in
    a TREND_WIDTH × TREND_HEIGHT box whose top is `top` (the largest value
    shown, rounded up to a round number), with the figures a reader needs
    beside it: the first and last day, today's totals and pace."""
    entered: str
    recognized: str
    pace: str | None
    top: int
    first: str
    last: str
    entered_total: int
    recognized_total: int
    pace_total: int | None
    width: int = TREND_WIDTH
    height: int = TREND_HEIGHT
    entered_stroke: str = BAR
    recognized_stroke: str = RECOGNIZED
    pace_stroke: str = PACE
    grid: str = TRACK


def nice_top(value: int) -> int:
    """The smallest of 1, 2, 2.5 or 5 × a power of ten (10 at least) that is at least `value`."""
    magnitude = 10
    while True:
        for step in (1, 2, 2.5, 5):
            if step * magnitude >= value:
                return int(step * magnitude)
        magnitude *= 10


def trend(days: list[dict]) -> Trend | None:
    """The chart of `days` (counters.core.trend's, oldest first); None when
    there are none."""
    if not days:
        return None
    paced = [d["pace"] for d in days if d["pace"] is not None]
    top = nice_top(max([d["entered_total"] for d in days] + paced))
    span = max(len(days) - 1, 1)

    def points(values) -> str:
        return " ".join(f"{TREND_WIDTH * i / span:.1f},{TREND_HEIGHT * (1 - value / top):.1f}"
                        for i, value in enumerate(values))
    last = days[-1]
    return Trend(entered=points(d["entered_total"] for d in days),
                 recognized=points(d["recognized_total"] for d in days),
                 pace=points(d["pace"] for d in days) if len(paced) == len(days) else None,
                 top=top, first=days[0]["date"], last=last["date"], entered_total=last["entered_total"],
                 recognized_total=last["recognized_total"], pace_total=last["pace"])
