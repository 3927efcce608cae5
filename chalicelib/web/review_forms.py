"""The reviewer's forms: a posted decision turned into the review service's
request body, and the service's problems turned back into messages beside
the fields that caused them, in the order the form shows them.

The service checks everything (chalicelib/review/service.py) and reports every
problem at once; here is only the wording a form needs: a score typed as
something other than a whole number reads as such, an event that does not
take a field is named by its label, and nothing ticked reads as such.
"""
from chalicelib.errors import Problem
from chalicelib.web import forms
from chalicelib.workflow.definition import SCORES

# Fields a posted decision carries, as the form names them (scores by their own name).
INPUT_NAMES = ("reason", *SCORES, "confirmed_benefit_vnd")
# The order each form shows its fields in (its messages are listed so), and the
# id suffix of each field (see _review_fields.html).
QUEUE_FORM_ORDER = ("", "items", "event", "reason", *SCORES, "scores", "confirmed_benefit_vnd")
EVENT_FORM_ORDER = ("", "event", *SCORES, "scores", "confirmed_benefit_vnd", "reason")
FIELD_IDS = {"reason": "reason", **{name: name for name in SCORES}, "scores": SCORES[0],
             "confirmed_benefit_vnd": "confirmed-benefit"}


def typed(form: dict) -> dict:
    """What the reviewer typed in the decision's fields, to show them again."""
    return {name: forms.text(form, name) for name in ("event", *INPUT_NAMES)}


def decision(form: dict, language: str = "vi") -> dict:
    """The event, its client token and its input from a posted form, as the
    service takes them: empty fields left out, money read by the one rule
    (1.500.000 → 1500000, grouped the page's way: `language`), whole numbers
    as numbers (anything else is passed on as typed, for the service to refuse)."""
    body = {"event": forms.text(form, "event")}
    if forms.text(form, "client_token"):
        body["client_token"] = forms.text(form, "client_token")
    if forms.text(form, "reason"):
        body["reason"] = forms.text(form, "reason")
    scores = {name: forms.whole(forms.text(form, name)) for name in SCORES if forms.text(form, name)}
    if scores:
        body["scores"] = scores
    if forms.text(form, "confirmed_benefit_vnd"):
        body["confirmed_benefit_vnd"] = forms.money(forms.text(form, "confirmed_benefit_vnd"), language)
    return body


def friendly(problems, transition, page, order: tuple) -> list:
    """(message, field) for each problem, in the page's language, in the order
    the form shows its fields."""
    found = []
    for problem in problems:
        if problem.code == "wrong_type" and problem.path.startswith(("/scores/", "/expected_version", "/items/",
                                                                      "/confirmed_benefit_vnd")):
            problem = Problem(problem.path, "whole_number")
        elif problem.code == "not_accepted" and transition is not None:
            problem = Problem(problem.path, problem.code, {"event": page.name(transition.label)})
        elif (problem.path, problem.code) == ("/items", "too_few"):
            problem = Problem("/items", "none_selected")
        found.append((problem.render(page.lang)["message"], field_of(problem.path)))
    rank = {field: index for index, field in enumerate(order)}
    return sorted(dict.fromkeys(found), key=lambda pair: rank.get(pair[1], len(order)))


def field_of(path: str) -> str:
    """Which form field a problem's JSON Pointer is about ("" for the form as a whole)."""
    parts = [part for part in path.split("/") if part]
    if not parts:
        return ""
    if parts[0] == "scores" and len(parts) > 1:
        return parts[1]
    return parts[0]


def summary(problems: list, prefix: str, elsewhere: dict) -> list:
    """(message, id of the element to jump to, or None) for the summary at the
    top: the field of the form whose ids start with `prefix`, or what
    `elsewhere` names for problems not about one of its fields."""
    jump = {**{field: f"{prefix}-{suffix}" for field, suffix in FIELD_IDS.items()}, **elsewhere}
    return [(message, jump.get(field)) for message, field in problems]


def by_field(problems: list) -> dict:
    found: dict = {}
    for message, field in problems:
        found.setdefault(field, []).append(message)
    return found


# ------------------------------------------------------------------ each row's own input (issue 12)

ROW_FIELDS = ("reason", *SCORES, "confirmed_benefit_vnd")  # posted as <name>-<submission id>


def row_input(form: dict, submission_id: str, takes: set, language: str = "vi") -> dict:
    """What the reviewer typed in one selected row's own fields, as an item of
    the batch takes it: only the fields the chosen event takes (`takes`: its
    input names; the row's other fields are for other events), empty ones
    left out, read by the same rules as the shared fields."""
    given = {}
    typed = typed_row(form, submission_id)
    if "reason" in takes and typed.get("reason"):
        given["reason"] = typed["reason"]
    if "scores" in takes and any(typed.get(name) for name in SCORES):
        given["scores"] = {name: forms.whole(typed[name]) for name in SCORES if typed.get(name)}
    if "confirmed_benefit_vnd" in takes and typed.get("confirmed_benefit_vnd"):
        given["confirmed_benefit_vnd"] = forms.money(typed["confirmed_benefit_vnd"], language)
    return given


def typed_row(form: dict, submission_id: str) -> dict:
    """One row's own fields as typed, to show them again (empty ones left out)."""
    found = {name: forms.text(form, f"{name}-{submission_id}") for name in ROW_FIELDS}
    return {name: value for name, value in found.items() if value}


def typed_rows(form: dict) -> set:
    """The rows something was typed in (selected or not), to keep what was typed."""
    found = set()
    for key, values in form.items():
        name, _, submission_id = key.rpartition("-")
        if name in ROW_FIELDS and any(value.strip() for value in values):
            found.add(submission_id)
    return found


def by_item(problems, selected: list) -> tuple[list, dict]:
    """The problems of the batch as a whole, and those of one item's own input
    ({submission id: problems}, each path made the item's own: /items/2/scores/novelty
    → /scores/novelty, so it reads as the row's field does)."""
    shared, rows = [], {}
    for problem in problems:
        parts = problem.path.split("/")[1:]
        if len(parts) >= 3 and parts[0] == "items" and parts[1].isdigit() and int(parts[1]) < len(selected) \
                and parts[2] in ("reason", "scores", "confirmed_benefit_vnd"):
            rows.setdefault(selected[int(parts[1])], []).append(
                Problem("/" + "/".join(parts[2:]), problem.code, problem.params))
        else:
            shared.append(problem)
    return shared, rows
