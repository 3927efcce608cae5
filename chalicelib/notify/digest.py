"""The reviewers' daily digest email: what waits for them, once a day.

Each reviewer with an email (and who has not turned it off: preferences.py)
gets, at 07:00 Vietnam time, one email listing what waits in their unit's
queue: new since the last digest, due within 3 days, overdue; each with its
link, in the reviewer's language. Nothing is sent when there is nothing to
say. Exactly once per reviewer and day: the claim `MAIL#DIGEST#<date>` /
`<user id>` (mail.ClaimKey.for_digest), so a retried or doubled run sends
nothing twice.

`compose` is the pure part: what a digest says, given the items read and the
moment it is made for. `send_digests` does the I/O:
- the reviewers are found through the reference data: the tree walked from
  the national unit down (catalog.children, cached per container), then at
  each unit whose level has a queue, its users (catalog.users_of: one Query);
- their settings: one BatchGetItem per 100 reviewers (preferences.py);
- the items through the queue index, per state and phase, by when they
  entered the queue (submissions.store.queue_entered): the "new" window, and,
  since a state's deadline is a fixed time after entering, "overdue" and "due
  soon" are key ranges as well. Each read has Limit LIMIT + 1: a unit's
  digest costs the same with 10 or 100,000 waiting. Never a Scan.

The digest is made "as of" 07:00 of its day (CUTOFF_HOUR), whenever the run
happens to start (a retry at 09:00 says the same): "new" is what entered the
queue in the 24 hours before, so each item is new in exactly one digest.
"""
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from chalicelib import clock

logger = logging.getLogger(__name__)

TEMPLATE = "digest"
CUTOFF_HOUR = 7  # Vietnam time, when the schedule runs (schedules.py: 00:00 UTC)
SOON_DAYS = 3
LIMIT = 10  # items shown per section; the queue has the rest
ROLE = "reviewer"
SLACK = timedelta(days=1)  # how far a deadline's time of day may move it (workflow/deadlines.py: the day's end)


# ------------------------------------------------------------ what a digest says (pure)

@dataclass(frozen=True)
class Waiting:
    """One initiative waiting in a reviewer's queue, as the digest tells it."""
    id: str
    code: str
    title: str
    state: str
    waiting_since: str  # clock.timestamp: when it entered this queue
    due_at: str | None  # clock.timestamp: this state's deadline; None if the state has none
    link: str


@dataclass(frozen=True)
class Digest:
    """What one unit's reviewers are told, as of `at`. Each initiative is in one
    section at most: overdue first, then due soon, then new."""
    at: str
    overdue: tuple = ()
    due_soon: tuple = ()
    new: tuple = ()
    more: dict = field(default_factory=dict)  # section → True when the queue holds more than shown

    @property
    def sections(self) -> list:
        return [(name, getattr(self, name), self.more.get(name, False)) for name in ("overdue", "due_soon", "new")]


def _moment(timestamp) -> datetime:
    return timestamp if isinstance(timestamp, datetime) else datetime.fromisoformat(timestamp)


def compose(items, now, since, *, soon_days: int = SOON_DAYS, limit: int = LIMIT,
            more: frozenset = frozenset()) -> Digest | None:
    """The digest of `items` (Waiting) as of `now`, "new" counting from `since`
    (datetimes or timestamps): overdue (due at or before now, the longest
    overdue first), due soon (due within `soon_days` after now, the soonest
    first), new (entered the queue in [since, now), oldest first). Each
    section shows `limit` items; `more` names sections whose reads were cut
    short. None when there is nothing to say."""
    now, since = _moment(now), _moment(since)
    soon = now + timedelta(days=soon_days)
    overdue, due_soon, new, seen = [], [], [], set()
    for item in sorted(items, key=lambda i: (i.due_at or "~", i.waiting_since, i.id)):
        if item.id in seen:
            continue
        seen.add(item.id)
        due = _moment(item.due_at) if item.due_at else None
        if due is not None and due <= now:
            overdue.append(item)
        elif due is not None and due <= soon:
            due_soon.append(item)
        elif since <= _moment(item.waiting_since) < now:
            new.append(item)
    new.sort(key=lambda i: (i.waiting_since, i.id))
    if not (overdue or due_soon or new):
        return None
    flags = {name: len(found) > limit or name in more
             for name, found in (("overdue", overdue), ("due_soon", due_soon), ("new", new))}
    return Digest(at=clock.timestamp(now), overdue=tuple(overdue[:limit]), due_soon=tuple(due_soon[:limit]),
                  new=tuple(new[:limit]), more={name: flag for name, flag in flags.items() if flag})


def cutoff(today: date) -> datetime:
    """The moment a day's digest is made as of: CUTOFF_HOUR, Vietnam time."""
    return datetime.combine(today, time(CUTOFF_HOUR), clock.VIETNAM)


# ------------------------------------------------------------ reading a unit's queue

def deadline_offset(workflow, state: str, at: datetime) -> timedelta | None:
    """How long after entering `state`'s queue an initiative is due (None: no deadline)."""
    from chalicelib.workflow import deadlines

    start = clock.timestamp(at)
    due = deadlines.due_at(workflow, state, start)
    return _moment(due) - _moment(start) if due else None


def waiting_at(unit, now: datetime, since: datetime, workflow, phase_ids) -> tuple[list, frozenset]:
    """(Waiting items, sections whose reads were cut short) of `unit`'s queue
    for a digest as of `now`: per state of its level and phase, up to three
    Queries of LIMIT + 1 (new, overdue, due soon)."""
    from chalicelib.notify import inapp
    from chalicelib.submissions import store
    from chalicelib.workflow import deadlines

    found, more = {}, set()
    for state in workflow.waiting_for(unit.level):
        offset = deadline_offset(workflow, state, now)
        windows = [("new", since, now)]
        if offset is not None:
            # A deadline falls at the end of its day, so the time from entering to due is `offset` give or
            # take a day: each window reaches a day further, and `compose` sorts by the exact due time.
            edge = now - offset + SLACK
            windows += [("overdue", None, edge),
                        ("due_soon", edge - SLACK, now + timedelta(days=SOON_DAYS) - offset + SLACK)]
        for phase_id in phase_ids:
            for section, low, high in windows:
                rows, cut = store.queue_entered(unit.id, state, phase_id, clock.timestamp(low) if low else None,
                                                clock.timestamp(high), LIMIT)
                if cut:
                    more.add(section)
                for row in rows:
                    entered = store.waiting_since(row.queue_sk)
                    found[row.id] = Waiting(id=row.id, code=row.code, title=row.title, state=row.status,
                                            waiting_since=entered, due_at=deadlines.due_at(workflow, row.status,
                                                                                           entered),
                                            link=inapp.link(row.id))
    return list(found.values()), frozenset(more)


# ------------------------------------------------------------ sending

def email_context(digest: Digest, unit_name: str, reviewer_name: str, language: str, workflow) -> dict:
    """What the digest templates are given."""
    from chalicelib import settings

    def row(item):
        state = workflow.states.get(item.state)
        return {"code": item.code, "title": item.title, "link": item.link, "due_at": item.due_at,
                "waiting_since": item.waiting_since,
                "state_name": state.title.get(language) if state else item.state}

    from chalicelib import i18n

    return {"title": i18n.text("web.digest.title", language), "name": reviewer_name, "unit_name": unit_name,
            "at": digest.at,
            "sections": [{"name": name, "rows": [row(i) for i in items], "more": more}
                         for name, items, more in digest.sections if items],
            "counts": {name: len(items) for name, items, _ in digest.sections},
            "queue_link": f"{settings.link_base()}/app/queue",
            "settings_link": f"{settings.link_base()}/app/notifications#digest"}


@dataclass
class Report:
    units: int = 0  # units whose queue was read
    sent: int = 0  # emails sent by this run
    failed: list = field(default_factory=list)  # (user id, error)


class Run:
    """One day's digests, walked unit by unit from a root of the tree; a walk
    may be done in slices (`walk(until)`) and go on where it stopped."""

    def __init__(self, today: date, root_id: str | None = None):
        from chalicelib import settings
        from chalicelib.reference import catalog
        from chalicelib.workflow import definition

        self.today = today
        self.workflow = definition.default()
        self.levels = {state.queue for state in self.workflow.states.values() if state.queue}
        self.now = cutoff(today)
        self.since = self.now - timedelta(days=1)
        self.phase_ids = [phase.id for program in catalog.programs() for phase in program.phases
                          if phase.starts_on <= today]
        self.report = Report()
        root = catalog.unit(root_id or settings.national_unit_id())
        self.todo = [root] if root else []

    @property
    def finished(self) -> bool:
        return not self.todo

    def walk(self, until: float | None = None) -> Report:
        """Go on until every unit is done or time.monotonic() passes `until`."""
        import time as clock_time

        from chalicelib.levels import Level
        from chalicelib.reference import catalog

        while self.todo and (until is None or clock_time.monotonic() < until):
            unit = self.todo.pop()
            if unit.level in self.levels:
                send_unit_digest(unit, self.today, self.now, self.since, self.workflow, self.phase_ids, self.report)
            if unit.level != Level.GRASSROOTS:
                self.todo.extend(catalog.children(unit.id))
        return self.report


def send_digests(today: date, root_id: str | None = None) -> Report:
    """Send the digest of `today` (a Vietnam date) to every reviewer under
    `root_id` (default: the national unit, settings.national_unit_id). One
    reviewer's failure does not stop the others; the run raises at the end
    so that it is retried, and the retry sends only what is missing."""
    report = Run(today, root_id).walk()
    if report.failed:
        raise RuntimeError(f"digests not sent: {report.failed}")
    return report


_runs: dict = {}  # this container's run of each day


def send_todays_digests(slice_seconds: float | None = None) -> Report:
    """The schedule's: today's digests (clock.today), from CUTOFF_HOUR on
    (before it, nothing: a digest made early would miss what enters the queue
    before 07:00), once per container and day (each email is once per
    reviewer and day anyway). With `slice_seconds`, at most that long a call,
    going on where the last call stopped: the local run calls every job every
    minute and must not hold the emulator for minutes (moto reads an index
    by scanning its table). The report says what this call did."""
    import time as clock_time

    now = clock.now()
    today = now.date()
    if now < cutoff(today):
        return Report()
    run = _runs.get(today)
    if run is None:
        run = _runs[today] = Run(today)
    if run.finished:
        return Report()
    before_units, before_sent, failed_before = run.report.units, run.report.sent, len(run.report.failed)
    run.walk(clock_time.monotonic() + slice_seconds if slice_seconds is not None else None)
    done = Report(units=run.report.units - before_units, sent=run.report.sent - before_sent,
                  failed=run.report.failed[failed_before:])
    if run.finished and run.report.failed:
        del _runs[today]  # the next call walks again: the claims send only what is missing
        raise RuntimeError(f"digests not sent: {run.report.failed}")
    return done


def send_unit_digest(unit, today: date, now: datetime, since: datetime, workflow, phase_ids,
                     report: Report) -> None:
    """The digest of one unit's queue, to each of its reviewers who wants it."""
    from chalicelib.notify import mail, preferences, render
    from chalicelib.reference import catalog

    reviewers = [user for user in catalog.users_of(unit.id) if user.has_role(ROLE) and user.email]
    if not reviewers:
        return
    wanted = preferences.digest_wanted([user.id for user in reviewers])
    reviewers = [user for user in reviewers if wanted[user.id]]
    if not reviewers:
        return
    report.units += 1
    items, more = waiting_at(unit, now, since, workflow, phase_ids)
    digest = compose(items, now, since, more=more)
    if digest is None:
        return  # nothing to say: nothing sent
    for user in reviewers:
        language = user.language
        try:
            message = render.email(TEMPLATE, language,
                                   email_context(digest, unit.name, user.full_name, language, workflow))
            if mail.send_once(mail.ClaimKey.for_digest(today.isoformat(), user.id), user.email.strip(), message):
                report.sent += 1
        except Exception as error:  # noqa: BLE001 - every reviewer is tried; the run raises at the end
            logger.warning("digest of %s for %s not sent: %r", today, user.id, error)
            report.failed.append((user.id, repr(error)))
