"""What makes an entered initiative acceptable, beyond its JSON Schema. Pure."""
from datetime import date

from chalicelib.errors import Problem
from chalicelib.reference.model import Program, Phase, Unit

# What an author may change when editing an initiative (besides its authors).
# The consent to publish on the showcase is one of them: an edit that leaves it out turns it off.
EDITABLE = ("title", "subject_group", "field", "problem", "solution", "results", "applied_where", "applied_from",
            "benefit_vnd", "publish_consent")


def check(body: dict, program: Program | None, phase: Phase | None, unit: Unit | None, today: date,
          needs_open_phase: bool = True, entered_in: str | None = None, broken=frozenset()) -> list[Problem]:
    """Every rule `body` breaks. `program` and `phase` are the ones the
    initiative belongs to (for a new one: the phase open today, or None), `unit`
    its unit (None if unknown), `today` the date in Vietnam. An edit of an
    initiative already entered does not need an open phase, and keeps the unit
    it was entered in (`entered_in`).

    `broken` holds the paths the schema already refused (JSON Pointers): a rule
    whose fields are among them is not checked, so that the schema's problems
    and the rules' are reported together, each field once."""
    def usable(*paths) -> bool:
        return not any(path in broken for path in paths) and "" not in broken

    found = []
    if needs_open_phase and phase is None:
        found.append(Problem("", "no_open_phase"))
    if not isinstance(body, dict):
        return found
    if usable("/unit_id"):
        if entered_in is not None and body["unit_id"] != entered_in:
            found.append(Problem("/unit_id", "unit_cannot_change"))
        elif unit is None:
            found.append(Problem("/unit_id", "unknown_unit"))
        elif not unit.is_grassroots:
            found.append(Problem("/unit_id", "not_grassroots", {"kind": unit.kind}))

    if program is not None and usable("/subject_group") and not program.has_subject_group(body["subject_group"]):
        found.append(Problem("/subject_group", "unknown_subject_group"))
    if program is not None and usable("/field") and not program.has_field(body["field"]):
        found.append(Problem("/field", "unknown_field"))

    if usable("/applied_from"):
        applied_from = date.fromisoformat(body["applied_from"])
        # Dates in messages as people write them here (30/11/2026), in both languages.
        if applied_from > today:
            found.append(Problem("/applied_from", "date_in_future", {"today": today.strftime("%d/%m/%Y")}))
        if program is not None and applied_from < program.counts_from:
            found.append(Problem("/applied_from", "before_program_start",
                                 {"counts_from": program.counts_from.strftime("%d/%m/%Y")}))

    authors = body.get("authors")
    if usable("/authors") and isinstance(authors, list) and authors and all(
            usable(f"/authors/{i}", f"/authors/{i}/share_percent") for i in range(len(authors))):
        total = sum(author["share_percent"] for author in authors)
        if total != 100:
            found.append(Problem("/authors", "shares_not_100", {"total": total}))
    return found


def stored_form(body: dict, *, submission_id: str, code: str, program: Program, phase: Phase, unit: Unit,
                submitter_id: str, created_at: str, initial_state: str) -> dict:
    """The attributes of a new initiative, from a body that passed every check."""
    return {
        "id": submission_id, "code": code, "status": initial_state,
        "program_id": program.id, "phase_id": phase.id,
        "unit_id": unit.id, "unit_path": list(unit.path), "block": unit.block,
        "title": body["title"], "subject_group": body["subject_group"], "field": body["field"],
        "problem": body["problem"], "solution": body["solution"], "results": body["results"],
        "applied_where": body.get("applied_where"), "applied_from": body["applied_from"],
        "benefit_vnd": body.get("benefit_vnd"),
        "authors": [dict(author) for author in body["authors"]],
        "publish_consent": True if body.get("publish_consent") else None,  # off: not stored
        "submitter_id": submitter_id, "created_at": created_at, "updated_at": created_at,
    }


# A named member's answer to being made a co-author (stored on their author entry).
INVITED, ACCEPTED, DECLINED = "invited", "accepted", "declined"
ANSWERS = {"accept": ACCEPTED, "decline": DECLINED}


def with_invitations(authors: list, submitter_id: str, users, before: list | None = None) -> list:
    """`authors` as stored: every entry whose member id names a user (one of
    `users`) other than the submitter carries that member's invitation. On an
    edit, `before` (the stored authors) keeps each member's answer; a member
    new to the list is invited. Nobody is made an author by being named: the
    member accepts first (and a request can never set `invitation` itself)."""
    answered = {a["member_id"]: a["invitation"] for a in before or () if a.get("member_id") and a.get("invitation")}
    stored = []
    for author in authors:
        author = {k: v for k, v in author.items() if k != "invitation"}
        member = author.get("member_id")
        if member and member != submitter_id and member in users:
            author["invitation"] = answered.get(member, INVITED)
        stored.append(author)
    return stored


def invitation_of(data: dict, user_id: str) -> str | None:
    """`user_id`'s invitation to co-author (invited, accepted, declined), or None if they were not named."""
    return next((a["invitation"] for a in data["authors"]
                 if a.get("member_id") == user_id and a.get("invitation")), None)


def invited_members(data: dict) -> list:
    """The members still waiting to answer their invitation, once each, in the authors' order."""
    return list(dict.fromkeys(a["member_id"] for a in data["authors"] if a.get("invitation") == INVITED))


def accepted_members(data: dict) -> set:
    return {a["member_id"] for a in data["authors"] if a.get("invitation") == ACCEPTED}


def author_ids(data: dict) -> set:
    """User ids that own an initiative: the submitter, and the members named as
    co-authors who accepted. A member named but not (yet) accepting has no right on it."""
    return {data["submitter_id"]} | accepted_members(data)


def public_names(authors: list) -> list[str]:
    """The authors' names the public showcase honours: every name the submitter
    entered, but not a member named who declined or has not yet accepted
    (being named makes nobody an author, so nobody is published as one
    unasked). Names only: never a phone, an email or a member id."""
    return [a["full_name"] for a in authors if a.get("invitation") in (None, ACCEPTED)]
