"""The public showcase (issue 13): recognised initiatives whose authors agreed
to publish them, for anyone, without signing in; and the authors' consent.

What the public sees of an initiative is `story`'s whitelist and nothing else:
its title, unit and field, the story (problem, solution, results), where and
since when it is applied, its benefit, when it was recognised and the
authors' names (`rules.public_names`). Never a phone, an email, a member id,
a tracking code, the reviewers' scores or reasons, or its history.

Who consents: the submitter ticks the box on the form for the group (they
enter the group's initiative, its shares and its names on the others'
behalf, as the program's forms do); any author, the submitter or an accepted
co-author, may give or withdraw it later, in any state (withdrawing consent
must be as easy as giving it: Nghị định 13/2023/NĐ-CP on personal data), and
the history says who did.
"""
import re

from chalicelib import validation
from chalicelib.errors import Forbidden, Invalid, NotFound, Problem
from chalicelib.levels import Level
from chalicelib.reference import catalog
from chalicelib.submissions import rules, service, store
from chalicelib.text import fold
from chalicelib.workflow import definition
from chalicelib.workflow.definition import PUBLICATION_CHANGED
from chalicelib.workflow.exceptions import StateChanged

PAGE_SIZE = 12
MAX_WORDS = 6
SUBMISSION_ID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")  # a ULID (identifiers.new_id)


def page(params: dict) -> dict:
    """A page of the showcase: Malformed for a parameter of the wrong shape,
    Invalid (every problem at once) for an unknown program, a unit that is not
    a top-level unit or a field the program does not have. Returns the
    program, the filters, the rows (title, unit, field, benefit, when
    recognised) and the next page's cursor."""
    params = validation.normalized("showcase-query", params)
    problems = []
    program = catalog.program(params["program"]) if params.get("program") else None
    if params.get("program") and program is None:
        problems.append(Problem("/program", "unknown_program"))
    if program is None and not params.get("program"):
        found = catalog.current()
        program = found[0] if found else max(catalog.programs(), key=lambda p: p.counts_from, default=None)
    unit = catalog.unit(params["unit"]) if params.get("unit") else None
    if params.get("unit") and (unit is None or unit.level != Level.TOP_LEVEL):
        problems.append(Problem("/unit", "not_top_level_unit"))
    if program is not None and params.get("field") and not program.has_field(params["field"]):
        problems.append(Problem("/field", "unknown_field"))
    if problems:
        raise Invalid(problems)
    words = fold(params.get("q", "")).split()[:MAX_WORDS]
    if program is None:
        return {"program": None, "items": [], "next_cursor": None, "words": words, "read": 0}
    records, cursor, read = store.showcase_page(program.id, unit.id if unit else None, params.get("field"), words,
                                                PAGE_SIZE, params.get("cursor"))
    units = catalog.units({r.unit_id for r in records})
    items = [{"id": r.id, "title": r.title, "unit_id": r.unit_id,
              "unit_name": units[r.unit_id].name if r.unit_id in units else r.unit_id,
              "field": r.field,
              "benefit_vnd": _benefit(r.attribute_values), "recognized_at": r.recognized_at}
             for r in records]
    return {"program": program, "unit": unit, "items": items, "next_cursor": cursor, "words": words, "read": read}


def story(submission_id: str) -> dict:
    """One published initiative as the public sees it (see the module's
    docstring for what that is, and is not). NotFound for anything not on the
    showcase now: not recognised, not consented, withdrawn, or no such id;
    the answer is the same for each, so the page tells nothing of the rest."""
    record = store.published(submission_id) if SUBMISSION_ID.match(submission_id or "") else None
    if record is None:
        raise NotFound()
    data = store.plain(record)
    unit = catalog.unit(data["unit_id"])
    program = catalog.program(data["program_id"])
    top = catalog.unit(data["unit_path"][1]) if len(data["unit_path"]) > 1 else None
    return {
        "id": data["id"], "title": data["title"], "program": program,
        "unit_id": data["unit_id"], "unit_name": unit.name if unit else data["unit_id"],
        "top_unit_id": top.id if top else None, "top_unit_name": top.name if top else None,
        "field": data["field"], "subject_group": data["subject_group"],
        "problem": data["problem"], "solution": data["solution"], "results": data["results"],
        "applied_where": data.get("applied_where"), "applied_from": data["applied_from"],
        "benefit_vnd": _benefit(data), "benefit_confirmed": data.get("confirmed_benefit_vnd") is not None,
        "recognized_at": data.get("recognized_at") or data["updated_at"],
        "authors": rules.public_names(data["authors"]),
    }


def _benefit(data: dict):
    """The benefit the public sees: the one the reviewers confirmed, else the authors' estimate."""
    confirmed = data.get("confirmed_benefit_vnd")
    value = confirmed if confirmed is not None else data.get("benefit_vnd")
    return int(value) if value is not None else None


CONSENT_ATTEMPTS = 5


def set_consent(submission_id: str, principal, raw_body) -> dict:
    """PUT /submissions/{id}/publication {"publish_consent": bool}: an author
    (the submitter or an accepted co-author) gives or withdraws the consent
    to publish it on the showcase, in any state. Written as one
    `publication_changed` history event with the initiative changed, guarded
    by the version read (another write first: read again and decide again);
    a recognised initiative enters or leaves the showcase in that write.
    The same answer as stored changes nothing. Returns the initiative."""
    body = validation.normalized("publication-request", raw_body)
    wanted = body["publish_consent"]
    for _ in range(CONSENT_ATTEMPTS):
        record, data, subject = service.load(submission_id, principal)
        if principal.user_id not in subject.author_ids:
            raise Forbidden()
        if bool(data.get("publish_consent")) == wanted:
            return service.present(data, contacts=True)
        state = definition.default().states.get(record.status)
        step = store.Step(event=PUBLICATION_CHANGED, to_state=record.status, input={"publish_consent": wanted},
                          changes={"publish_consent": True if wanted else None},
                          recognized=bool(state and state.recognized))
        try:
            return store.append_event(record, step, principal,
                                      lambda after, event: service.present(store.plain_values(after), contacts=True))
        except StateChanged:
            continue  # someone changed it meanwhile (a reviewer's decision): read it again
    raise store.lost_race(submission_id)
