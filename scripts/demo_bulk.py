"""The demo's bulk: 5,000 initiatives of the edition open today, across the
demo tree, as the program would have them by now, loaded in seconds.

Generated, never typed in: from a fixed seed (the same demo every time for
the same day), texts from scripts/demo_texts.py, dates spread from the phase's
start to yesterday. Each initiative lives its life through the app's own code,
in memory: entered as `POST /submissions` stores it
(submissions.service.first_desk, submissions.store.new_initiative), then its
reviewers' steps decided by the workflow engine with the roles and levels the
definition names (engine.decide, review.service.step_of), the authors'
edit and resubmission, and the deadline sweep ringing its alarms when they
fell due (review.deadlines.plan), every step appended as
submissions.store.append_event would (store.advance). So every state is
reached by legal transitions, with reasons, scores and confirmed benefits
where the definition asks, and with the history, queue keys and deadlines the
app itself would have written.

Then, instead of one request per step (a minute per hundred initiatives):
- the initiatives are written whole, each item only if absent
  (submissions.store.import_initiatives: 100 items a transaction);
- their changes, as (old image, new image) pairs of every step, are counted by
  the stream's own arithmetic (counters.store.apply_changes: the same markers,
  so nothing is counted twice, and the per-day trends come with them);
- the recognised ones become award candidates (the `award_candidate`
  effect's writes, awards.candidates.write_many), and leaders' award lists
  are compiled (awards.service.compile_list);
- the stream records they leave are skipped by the local run's feeder
  (scripts/seed_demo.py): no notifications for a year of history.

Loading again writes nothing: the ids are fixed by the phase, the number and
the day the bulk was made (found again from the first one loaded), and every
write is guarded.
"""
import json
import os
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from scripts import demo_texts as texts
from scripts.demo_texts import (CULTURE, FACTORY, FIELD, GOVERNMENT, HOSPITAL, SCHOOL, SERVICE, UTILITY)

COUNT = 5000
AWARD_CANDIDATE = "award_candidate"  # the one effect that writes data; the others tell people, not wanted here
SEED = "sang-kien-demo-bulk-1"
IMPORT_NAME = "demo-bulk-{phase}"  # what the counters know the bulk's sums by (counters.store.count_import)
NAMESPACE = uuid.UUID("0b5f7f3e-6a43-5d0e-9c1e-2f7a9d4b8c11")
# Rạng Đông's union keeps the hand-made demo's queue (issue 12's 24 items and the six deadline cases).
LEFT_OUT = ("cdcs-rang-dong",)
# Desks that keep every deadline, so that what their reviewers see overdue below them is the
# hand-made demo's case (the README's and the end-to-end tests' story).
ON_TIME = ("cd-cong-thuong",)
# The award list compiled once the bulk is in, as its leader would: (unit, leader). (Not the
# nation's: its leader's first compile is the browser tests' story.)
AWARD_LISTS = (("ldld-thanh-hoa", "leader-thanh-hoa"),)

FIELD_WEIGHTS = {
    FACTORY: {"productivity": 26, "production-business": 20, "occupational-safety": 16, "energy-environment": 16,
              "digital-transformation": 10, "union-work": 8, "socio-economic": 4},
    UTILITY: {"digital-transformation": 18, "productivity": 14, "production-business": 16, "energy-environment": 16,
              "occupational-safety": 14, "administrative-reform": 6, "union-work": 10, "socio-economic": 6},
    FIELD: {"productivity": 24, "occupational-safety": 24, "energy-environment": 18, "production-business": 16,
            "digital-transformation": 8, "union-work": 8, "socio-economic": 2},
    SERVICE: {"digital-transformation": 34, "productivity": 18, "production-business": 16,
              "administrative-reform": 10, "union-work": 10, "energy-environment": 6, "occupational-safety": 3,
              "socio-economic": 3},
    HOSPITAL: {"digital-transformation": 26, "administrative-reform": 18, "occupational-safety": 16,
               "productivity": 12, "energy-environment": 10, "union-work": 10, "socio-economic": 8},
    SCHOOL: {"digital-transformation": 28, "productivity": 20, "union-work": 14, "administrative-reform": 12,
             "energy-environment": 10, "socio-economic": 10, "occupational-safety": 6},
    GOVERNMENT: {"administrative-reform": 32, "digital-transformation": 28, "socio-economic": 14, "union-work": 10,
                 "energy-environment": 8, "productivity": 5, "occupational-safety": 3},
    CULTURE: {"digital-transformation": 26, "socio-economic": 22, "union-work": 14, "administrative-reform": 14,
              "energy-environment": 10, "productivity": 10, "occupational-safety": 4},
}
# The subject groups of a workplace's authors, with weights (an idea may narrow them).
GROUPS = {
    FACTORY: {"enterprise-workers": 65, "works-and-technical": 35},
    UTILITY: {"enterprise-workers": 55, "works-and-technical": 45},
    FIELD: {"enterprise-workers": 50, "works-and-technical": 50},
    SERVICE: {"enterprise-workers": 100},
    HOSPITAL: {"public-service": 85, "works-and-technical": 15},
    SCHOOL: {"public-service": 90, "works-and-technical": 10},
    CULTURE: {"public-service": 100},
    GOVERNMENT: {"officials": 90, "new-countryside": 10},
}
# Initiatives entered per month of the year (a slow start, Tết in February, a spring campaign in
# April and May, the push before the phase closes).
MONTH_WEIGHTS = {1: 2, 2: 2, 3: 5, 4: 9, 5: 8, 6: 5, 7: 5, 8: 6, 9: 7, 10: 8, 11: 9, 12: 9}
# And the last 40 days before today: the program's "40-day peak campaign" (đợt cao điểm 40 ngày).
PEAK_DAYS, PEAK = 40, 5
# How a grassroots union's desk keeps up: (share of unions, days to the check).
GRASSROOTS_PACE = (("fast", 45, (1, 7)), ("normal", 43, (3, 14)), ("slow", 12, (8, 35)))
# How an upper-grassroots desk keeps up: (share, days until it takes an initiative into
# review, the months whose last working day its council meets to decide: every month, every
# other month, every quarter). A review takes at least a week before a meeting decides it.
UPPER_PACE = (("fast", 35, (3, 15), tuple(range(1, 13))), ("normal", 45, (5, 25), (2, 4, 6, 8, 10, 12)),
              ("slow", 20, (10, 40), (3, 6, 9, 12)))
REVIEW_DAYS = 7


# ------------------------------------------------------------------ the plan (pure, no I/O)

@dataclass
class Person:
    full_name: str
    member_id: str
    lists_member_id: bool  # writes their member id on the form
    phone: str | None


@dataclass
class Planned:
    """One initiative before its life is played: who, where, what."""
    n: int
    unit: object  # reference.model.Unit
    kind: str
    authors: list  # [(Person, share)]
    texts: dict
    field: str
    group: str
    benefit: int | None


def weighted(rng: random.Random, weights: dict):
    names = sorted(weights)
    return rng.choices(names, [weights[name] for name in names])[0]


def counts_per_union(unions: list, targets: dict, count: int, rng: random.Random) -> dict:
    """How many initiatives each grassroots union enters: its top-level unit's
    target for the phase shared among its unions (dampened by a square root:
    a big province's unions are busier, not ten times busier), times how keen
    the union is; at least two each, `count` in all."""
    by_top: dict = {}
    for unit in unions:
        by_top.setdefault(unit.path[1], []).append(unit)
    weights = {}
    for unit in unions:
        share = max(targets.get(unit.path[1], 1000), 1000) / len(by_top[unit.path[1]])
        weights[unit.id] = share ** 0.5 * rng.choice([0.4, 0.6, 0.8, 1.0, 1.0, 1.2, 1.5, 2.0, 2.4])
    spare = count - 2 * len(unions)
    total = sum(weights.values())
    exact = {uid: spare * w / total for uid, w in weights.items()}
    found = {uid: 2 + int(x) for uid, x in exact.items()}
    for uid in sorted(exact, key=lambda uid: (int(exact[uid]) - exact[uid], uid))[:count - sum(found.values())]:
        found[uid] += 1
    return found


SHARES = {1: [[100]], 2: [[50, 50], [60, 40], [70, 30]], 3: [[40, 30, 30], [50, 30, 20], [34, 33, 33]],
          4: [[40, 20, 20, 20], [25, 25, 25, 25], [30, 30, 20, 20]], 5: [[20, 20, 20, 20, 20], [40, 15, 15, 15, 15]]}


def plan(units: list, targets: dict, count: int, taken_titles=()) -> list:
    """Who enters what where: `count` initiatives over the grassroots `units`
    (reference.model.Unit), deterministic. No dates yet: they depend on the
    day (`live`)."""
    rng = random.Random(SEED)
    writer = texts.Writer(random.Random(SEED + "/texts"), taken_titles)
    unions = sorted((u for u in units if u.is_grassroots and u.id not in LEFT_OUT), key=lambda u: u.id)
    per_union = counts_per_union(unions, targets, count, rng)
    planned = []
    for index, unit in enumerate(unions):
        kind = texts.kind_of(unit.name, unit.block)
        workplace = unit.name.removeprefix("Công đoàn ")
        people_rng = random.Random(f"{SEED}/people/{unit.id}")
        used: set = set()
        people = texts.Writer(people_rng)
        pool = [Person(people.person(used), f"dv-{index:03d}-{k:03d}", people_rng.random() < 0.7,
                       f"09{people_rng.randint(10, 99)} {people_rng.randint(100, 999)} {people_rng.randint(100, 999)}"
                       if people_rng.random() < 0.5 else None)
                for k in range(max(4, per_union[unit.id] * 4 // 5))]
        # Some write many, most one or two (the program's prolific authors).
        keen = [1 / (k + 1) ** 1.1 for k in range(len(pool))]
        fields = {f: w for f, w in FIELD_WEIGHTS[kind].items() if writer.ideas_for(kind, f)}
        for _ in range(per_union[unit.id]):
            size = rng.choices([1, 2, 3, 4, 5], [55, 25, 12, 5, 3])[0]
            first = rng.choices(range(len(pool)), keen)[0]
            others = rng.sample([k for k in range(len(pool)) if k != first], min(size - 1, len(pool) - 1))
            shares = rng.choice(SHARES[1 + len(others)])
            chosen_field = weighted(rng, fields)

            def benefit_of(idea, kind=kind, field=chosen_field):
                if not idea.money:  # mostly not put in money; sometimes the hours saved are
                    return round(10 ** rng.uniform(6, 7.3), -5) if rng.random() < 0.3 else None
                if rng.random() < 0.08:
                    return None
                busy = kind in (FACTORY, UTILITY, FIELD) and field in (
                    "productivity", "production-business", "energy-environment")
                roll = rng.random()
                if busy and roll < 0.02:
                    return round(rng.uniform(5e9, 15e9), -8)  # a line rebuilt, a furnace's heat recovered
                if roll < (0.3 if busy else 0.06):
                    return round(10 ** rng.uniform(8, 9.6), -7)  # 100 million to 4 billion
                return round(10 ** rng.uniform(6.3, 7.9), -5)  # 2 to 80 million
            written = writer.write(kind, chosen_field, 1 + len(others), benefit_of, workplace)
            groups = GROUPS[kind]
            if written["idea"].groups:
                groups = {g: w for g, w in groups.items() if g in written["idea"].groups} or {
                    written["idea"].groups[0]: 1}
            planned.append(Planned(n=0, unit=unit, kind=kind, authors=[(pool[k], share) for k, share in zip(
                [first, *others], shares)], texts=written, field=chosen_field, group=weighted(rng, groups),
                benefit=written["benefit_vnd"]))
    rng.shuffle(planned)
    for n, item in enumerate(planned):
        item.n = n
    return planned


def entry_times(planned: list, phase_start: date, horizon: datetime, rng: random.Random) -> list:
    """When each initiative was entered, newest first for the first of them
    (the bulk's first one, entered the day before the bulk was made, tells
    that day again): the months weighted, working hours, fewer at weekends."""
    days = [phase_start + timedelta(days=d) for d in range((horizon.date() - phase_start).days)]
    campaign = horizon.date() - timedelta(days=PEAK_DAYS)
    weights = [MONTH_WEIGHTS[day.month] * (PEAK if day >= campaign else 1) * (0.35 if day.weekday() >= 5 else 1.0)
               for day in days]
    found = []
    for item in planned:
        day = rng.choices(days, weights)[0] if item.n else horizon.date() - timedelta(days=1)
        minute = rng.randint(7 * 60, 21 * 60 + 30) if item.n else 16 * 60 + 40
        found.append(datetime.combine(day, time(minute // 60, minute % 60, rng.randint(0, 59)),
                                      tzinfo=horizon.tzinfo))
    return found


def working(moment: datetime, rng: random.Random) -> datetime:
    """`moment` moved to working hours on a working day (reviewers rarely work weekends)."""
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    minute = rng.randint(7 * 60 + 45, 17 * 60)
    moved = moment.replace(hour=minute // 60, minute=minute % 60, second=rng.randint(0, 59))
    return moved


def after(start: datetime, days: int, rng: random.Random) -> datetime:
    """A working moment `days` days after `start`, never before it."""
    moment = working(start + timedelta(days=days), rng)
    return moment if moment > start else start + timedelta(minutes=rng.randint(20, 180))


# ------------------------------------------------------------------ a life, played in memory

class Life:
    """One initiative's history as the app would have written it: its record
    (a SubmissionRecord, changed in memory), its events, and the (old, new)
    image of every change, for counting."""

    def __init__(self, item: Planned, program, phase, received: datetime, workflow):
        from chalicelib import clock
        from chalicelib.submissions import rules, service, store
        from chalicelib.submissions.identifiers import luhn_digit
        from chalicelib.workflow import engine

        self.workflow, self.item = workflow, item
        submitter = item.authors[0][0]
        self.submitter = engine.Caller(user_id=submitter.member_id, roles=frozenset({"member"}),
                                       unit_id=item.unit.id)
        created_at = clock.timestamp(received)
        sid = submission_id(phase, item, received)
        digits = f"{uuid.uuid5(NAMESPACE, f'{phase.id}#{item.n}#code').int % 10 ** 9:09d}"
        digits += luhn_digit(digits)
        body = {"title": item.texts["title"], "unit_id": item.unit.id, "subject_group": item.group,
                "field": item.field, "problem": item.texts["problem"], "solution": item.texts["solution"],
                "results": item.texts["results"], "applied_where": item.texts["applied_where"],
                "applied_from": applied_from(received, program, item.n),
                "authors": [{"full_name": person.full_name, "share_percent": share,
                             **({"member_id": person.member_id} if person.lists_member_id or not k else {}),
                             **({"phone": person.phone} if person.phone and not k else {})}
                            for k, (person, share) in enumerate(item.authors)]}
        if item.benefit is not None:
            body["benefit_vnd"] = int(item.benefit)
        if item.n % 5 in (0, 2):  # two in five agree to the public showcase (it shows the recognised ones)
            body["publish_consent"] = True
        self.body = body
        attributes = rules.stored_form(body, submission_id=sid, code=f"{digits[:5]}-{digits[5:]}", program=program,
                                       phase=phase, unit=item.unit, submitter_id=submitter.member_id,
                                       created_at=created_at, initial_state=workflow.start_at)
        # Named members are invited only when they are users of the app; the bulk's people are not.
        attributes["authors"] = rules.with_invitations(attributes["authors"], submitter.member_id, {})
        first_queue, first_alarm = service.first_desk(workflow, item.unit, created_at)
        self.record, event = store.new_initiative(attributes, self.submitter, first_queue, first_alarm)
        self.record.version = 1  # as `create`'s write stores it (PynamoDB sets the version attribute on a put)
        self.events = [event]
        self.images = [None, self.image()]

    def image(self) -> dict:
        from chalicelib import streams
        from chalicelib.submissions import store

        return streams.clocked(store.image(self.record))

    def ring_until(self, until: datetime) -> None:
        """Ring the alarms that fall due before `until`, as the sweep every 15 minutes would."""
        from chalicelib.review import deadlines as sweep
        from chalicelib.submissions import store
        from chalicelib.workflow import deadlines

        while True:
            carried = store.alarm_of(self.record)
            if carried is None:
                return
            moment = quarter_after(deadlines.parse(carried[0]), self.item.n)
            if moment >= until:
                return
            found = sweep.plan(self.record, moment)
            if found is None:
                return
            if found.step is None:
                store.set_alarm_keys(self.record, found.keys)
            else:
                self.events.append(store.advance(self.record, found.step, found.actor, stamp(moment)))
            self.images.append(self.image())

    def fire(self, moment: datetime, event: str, caller, payload: dict | None = None) -> None:
        """`caller` fires `event` at `moment`, decided by the engine (refused if not legal)."""
        from chalicelib.review.service import step_of
        from chalicelib.submissions import service, store
        from chalicelib.workflow import engine

        self.ring_until(moment)
        subject = service.subject_of(store.plain(self.record))
        decision = engine.decide(self.workflow, subject, caller, event, payload or {}, int(self.record.version))
        step = step_of(self.workflow, self.record, subject, decision, moment)
        self.events.append(store.advance(self.record, step, caller, stamp(moment)))
        self.images.append(self.image())

    def edit(self, moment: datetime, changes: dict) -> None:
        """The submitter edits it (as review.service.edit stores an edit: the editable fields and the authors)."""
        from chalicelib.submissions import store
        from chalicelib.submissions.rules import EDITABLE
        from chalicelib.workflow.definition import EDITED

        self.ring_until(moment)
        before = store.plain(self.record)
        step = store.Step(event=EDITED, to_state=self.record.status,
                          changes={**{name: changes.get(name, before.get(name)) for name in EDITABLE},
                                   "authors": before["authors"]})
        self.events.append(store.advance(self.record, step, self.submitter, stamp(moment)))
        self.images.append(self.image())

    def changes(self) -> list:
        """(id, old image, new image) of every change, in order."""
        return [(f"{self.record.id}#{k}", old, new) for k, (old, new) in enumerate(zip(self.images, self.images[1:]))]


def submission_id(phase, item: Planned, received: datetime) -> str:
    """A bulk initiative's id: a ULID of when it was entered, its random part fixed by the phase and its number."""
    return ulid(received, uuid.uuid5(NAMESPACE, f"{phase.id}#{item.n}"))


def quarter_after(moment: datetime, n: int) -> datetime:
    """When the sweep (every 15 minutes) finds an alarm due at `moment`: the next quarter hour, a few seconds in."""
    base = moment.replace(second=0, microsecond=0)
    base += timedelta(minutes=15 - base.minute % 15)
    return base + timedelta(seconds=5 + n % 40)


def stamp(moment: datetime) -> str:
    from chalicelib import clock
    return clock.timestamp(moment)


def ulid(moment: datetime, name: uuid.UUID) -> str:
    """A ULID (as identifiers.new_id makes) of `moment` whose 80 random bits come from `name`."""
    from chalicelib.submissions.identifiers import CROCKFORD

    value = (int(moment.timestamp() * 1000) << 80) | (name.int >> 48)
    chars = []
    for _ in range(26):
        value, rest = divmod(value, 32)
        chars.append(CROCKFORD[rest])
    return "".join(reversed(chars))


def applied_from(received: datetime, program, n: int) -> str:
    """Since when it is applied: weeks to months before it was entered, never before the program counts."""
    day = received.date() - timedelta(days=7 + (n * 37) % 150)
    return max(day, program.counts_from).isoformat()


def reviewer(unit_id: str, users: dict):
    """Who reviews at `unit_id`: its demo reviewer when it has one, else a reviewer of its own."""
    from chalicelib.workflow import engine

    user_id = next((uid for uid, user in sorted(users.items()) if user["unit_id"] == unit_id
                    and "reviewer" in user["roles"]), f"reviewer-{unit_id}")
    return engine.Caller(user_id=user_id, roles=frozenset({"reviewer"}), unit_id=unit_id)


def live(item: Planned, program, phase, received: datetime, horizon: datetime, paces: dict, users: dict,
         workflow) -> Life:
    """Play one initiative's life from `received` up to `horizon`: what its
    reviewers, its authors and the sweep did, each step at its time; what
    would come after `horizon` has not happened yet."""
    rng = random.Random(f"{SEED}/life/{item.n}")
    life = Life(item, program, phase, received, workflow)
    path = item.unit.path
    grassroots, upper = reviewer(path[-1], users), reviewer(path[-2], users)
    check_days, (start_days, council_months) = paces[path[-1]], paces[path[-2]]
    writer = texts.Writer(rng)

    def step(moment, event, caller, payload=None):
        if moment >= horizon:
            return False
        life.fire(moment, event, caller, payload)
        return True

    moment = received
    roll = rng.random()
    if roll < 0.02:  # withdrawn by its submitter before the union looked at it
        step(after(moment, rng.randint(1, 4), rng), "withdraw", life.submitter,
             {"reason": writer.reason("withdraw")} if rng.random() < 0.6 else {})
        return finish(life, horizon)
    checked = after(moment, rng.randint(*check_days), rng)
    if roll < 0.065:
        step(checked, "invalidate", grassroots, {"reason": writer.reason("invalidate")})
        return finish(life, horizon)
    if roll < 0.135:
        if not step(checked, "request_revision", grassroots, {"reason": writer.reason("request_revision")}):
            return finish(life, horizon)
        answer = rng.random()
        replied = after(checked, rng.randint(2, 25), rng)
        if answer < 0.12:
            step(replied, "withdraw", life.submitter, {"reason": writer.reason("withdraw")})
            return finish(life, horizon)
        if answer < 0.3 or replied >= horizon:
            return finish(life, horizon)  # the authors have not answered yet
        life.edit(replied, {"results": writer.revised(life.record.results)})
        step(replied + timedelta(minutes=rng.randint(2, 30)), "resubmit", life.submitter)
        checked = after(replied, rng.randint(*check_days), rng)
        if rng.random() < 0.08:
            step(checked, "invalidate", grassroots, {"reason": writer.reason("invalidate")})
            return finish(life, horizon)
    if not step(checked, "validate", grassroots):
        return finish(life, horizon)
    started = after(checked, rng.randint(*start_days), rng)
    if not step(started, "start_review", upper):
        return finish(life, horizon)
    decided = council_meets(started + timedelta(days=REVIEW_DAYS), council_months, rng)
    if rng.random() < 0.86:
        benefit = item.benefit or 0
        base = 7 if benefit >= 100_000_000 else 6 if benefit else 5
        scores = {name: min(10, base + rng.randint(0, 3)) for name in ("novelty", "applicability", "effectiveness")}
        payload = {"scores": scores, "confirmed_benefit_vnd": int(round(benefit * rng.uniform(0.6, 1.0), -5))}
        if rng.random() < 0.3:
            payload["reason"] = writer.reason("recognize")
        step(decided, "recognize", upper, payload)
    else:
        step(decided, "decline", upper, {"reason": writer.reason("decline")})
    return finish(life, horizon)


def council_meets(earliest: datetime, months: tuple, rng: random.Random) -> datetime:
    """When the council of a desk whose council meets at the end of `months`
    decides what it reviewed since before `earliest`: the first meeting
    (the month's last working day, in working hours) not before it."""
    day = earliest.date()
    while True:
        if day.month in months:
            last = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            while last.weekday() >= 5:
                last -= timedelta(days=1)
            if last >= day:
                return working(datetime.combine(last, time(9, 0), tzinfo=earliest.tzinfo), rng)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def finish(life: Life, horizon: datetime) -> Life:
    life.ring_until(horizon)
    return life


def paces_of(units: list, rng: random.Random) -> dict:
    """How each desk keeps up: a grassroots union's days to its check; an upper
    union's days to take into review and the months its council meets. ON_TIME
    subtrees are fast."""
    found = {}
    for unit in sorted(units, key=lambda u: u.id):
        on_time = any(top in unit.path for top in ON_TIME)
        grassroots = GRASSROOTS_PACE[0] if on_time else rng.choices(GRASSROOTS_PACE, [p[1] for p in GRASSROOTS_PACE])[0]
        upper = UPPER_PACE[0] if on_time else rng.choices(UPPER_PACE, [p[1] for p in UPPER_PACE])[0]
        found[unit.id] = grassroots[2] if unit.is_grassroots else (upper[2], upper[3])
    return found


# ------------------------------------------------------------------ loading

@dataclass
class Loaded:
    """What a load did: initiatives there, written now, found written before, and the steps taken."""
    initiatives: int = 0
    written: int = 0
    found: int = 0
    counted: int = 0
    candidates: int = 0
    award_lists: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)


def read_json(directory: str, name: str) -> dict:
    with open(os.path.join(directory, name), encoding="utf-8") as f:
        return json.load(f)


def made_on(first: Planned, phase) -> date | None:
    """The day the bulk was made, if it was (from its first initiative, entered the day before)."""
    from chalicelib.submissions import store

    submitter = first.authors[0][0].member_id
    rows, _ = store.list_by_submitter(submitter, 20, None)
    for record, _ in rows:
        if record.title == first.texts["title"] and record.phase_id == phase.id:
            return date.fromisoformat(record.created_at[:10]) + timedelta(days=1)
    return None


def load(directory: str, count: int = COUNT, skip_if_done: bool = True, log=print, in_process: bool = True) -> Loaded:
    """Load the bulk into the tables (reference data loaded already): generate,
    write, count, make award candidates, compile the award lists. Nothing
    when no phase is open today; nothing again for a bulk already loaded."""
    import time as timer

    from chalicelib import clock
    from chalicelib.awards import candidates, service as awards, store as award_store
    from chalicelib.counters import store as counters
    from chalicelib.reference import catalog
    from chalicelib.submissions import store
    from chalicelib.workflow import definition

    loaded, started = Loaded(), timer.monotonic()
    if in_process:
        from chalicelib import aws

        with aws.replaced(dynamodb=Importing(aws.dynamodb())):
            return load(directory, count, skip_if_done, log, in_process=False)

    def lap(name):
        nonlocal started
        now = timer.monotonic()
        loaded.seconds[name] = round(now - started, 2)
        started = now

    today = clock.today()
    open_now = catalog.current(today)
    if open_now is None:
        log("demo bulk: no phase is open today; nothing loaded")
        return loaded
    program, phase = open_now
    ids = [unit["id"] for unit in read_json(directory, "organisation.json")["units"]]
    units = catalog.units(ids)  # one BatchGetItem per 100, and every unit cached for what follows
    targets = {t["unit_id"]: t["total"] for t in read_json(directory, "targets.json")["targets"]
               if t["phase_id"] == phase.id}
    users = {user["id"]: user for user in read_json(directory, "users.json")["users"]}
    hand_made = [i["body"]["title"] for i in read_json(directory, "initiatives.json")["initiatives"]] if \
        os.path.exists(os.path.join(directory, "initiatives.json")) else []
    planned = plan(list(units.values()), targets, count, hand_made)
    lap("plan")
    made = made_on(planned[0], phase)
    day = made or today
    horizon = datetime.combine(day, time(0, 0), tzinfo=clock.VIETNAM)
    received = entry_times(planned, max(phase.starts_on, program.counts_from), horizon,
                           random.Random(SEED + "/time"))
    if skip_if_done and made and store.get(submission_id(phase, planned[-1], received[-1])) is not None \
            and award_store.latest(AWARD_LISTS[-1][0], phase.id) is not None:
        loaded.initiatives = count
        log(f"demo bulk: {count} initiatives loaded on {day.isoformat()} already")
        return loaded
    paces = paces_of(list(units.values()), random.Random(SEED + "/paces"))
    workflow = definition.default()
    lives = [live(item, program, phase, when, horizon, paces, users, workflow)
             for item, when in zip(planned, received)]
    lap("lives")
    loaded.written, loaded.found = store.import_initiatives([(life.record, life.events) for life in lives])
    loaded.initiatives = len(lives)
    lap("write")
    changes = [change for life in lives for change in life.changes()]
    counters.count_import(changes, IMPORT_NAME.format(phase=phase.id))
    loaded.counted = len(changes)
    lap("count")
    # The effects that write data (award candidates), not those that tell people of what happened long ago.
    recognitions = []
    for life in lives:
        for event in life.events:
            if AWARD_CANDIDATE in (event.effects or []):
                attributes = candidates.candidate_attributes(plain_event(event), store.plain(life.record))
                if attributes is not None:
                    recognitions.append(attributes)
    loaded.candidates = candidates.write_many(recognitions)
    lap("awards")
    for unit_id, leader in AWARD_LISTS:
        award_list, _ = awards.compile_list(catalog.unit(unit_id), program, phase, compiled_by=leader)
        loaded.award_lists.append(award_list.id)
    lap("lists")
    return loaded


def plain_event(event) -> dict:
    from chalicelib.dynamo_json import plain
    return plain(event.attribute_values)


# ------------------------------------------------------------------ writing into the emulator

class Importing:
    """The DynamoDB client the bulk is loaded through, in the local run and
    the tests, where the emulator (moto) runs in this process: transactions
    go straight to the emulator's tables, conditions checked as everywhere
    (scripts/emulation.dynamodb_like_aws), with no stream records, as items
    restored from a backup or imported from S3 have none (their changes are
    counted by the import itself, and a year of history is nobody's news);
    every other call goes to `client`. What it saves is the round trip of
    50,000 items through HTTP and JSON, and writing and then skipping as
    many stream records: most of the load's time. Use it while nothing
    else writes (the seeding, before the app answers): the stream is off
    for everyone meanwhile."""

    def __init__(self, client):
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends

        from chalicelib import settings

        self.client = client
        self.backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.region()]

    def __getattr__(self, name):
        return getattr(self.client, name)

    def _make_api_call(self, operation: str, params: dict):
        if operation != "TransactWriteItems":
            return self.client._make_api_call(operation, params)
        import json

        from botocore.exceptions import ClientError
        from moto.dynamodb.exceptions import DynamodbException, TransactionCanceledException

        tables = {op["TableName"] for entry in params["TransactItems"] for op in entry.values()}
        paused = {name: self.backend.get_table(name) for name in tables}
        shards = {name: table.stream_shard for name, table in paused.items()}
        try:
            for table in paused.values():
                table.stream_shard = None
            self.backend.transact_write_items(params["TransactItems"])
        except TransactionCanceledException as error:
            answer = json.loads(error.description)
            raise ClientError({"Error": {"Code": "TransactionCanceledException", "Message": answer["Message"]},
                               "CancellationReasons": answer["CancellationReasons"]}, operation) from None
        except DynamodbException as error:
            raise ClientError({"Error": {"Code": error.error_type.rsplit("#", 1)[-1], "Message": error.message}},
                              operation) from None
        finally:
            for name, table in paused.items():
                table.stream_shard = shards[name]
        return {}
