"""The initiative form: its limits read from `schemas/submission.json` (so the
hints and the browser's checks never drift from the API's), and the posted
form turned into the API's submission body and back.

Form names: the schema's property names; authors as `authors-<n>-<property>`.
"""
import re
from functools import lru_cache

from chalicelib import formatting, validation

SCHEMA = "submission"
TEXT_FIELDS = ("title", "unit_id", "subject_group", "field", "problem", "solution", "results", "applied_where",
               "applied_from")
AUTHOR_FIELDS = ("full_name", "member_id", "phone", "email", "share_percent", "language")
AUTHOR_NAME = re.compile(r"^authors-(\d{1,2})-([a-z_]+)$")
WHOLE_NUMBER = re.compile(r"^[+-]?[0-9]{1,12}$")
DAY_MONTH_YEAR = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")


def _resolved(schema: dict, root: dict) -> dict:
    """A property's schema with its local `$ref` merged in (the property's own keywords win)."""
    ref = schema.get("$ref", "")
    if not ref.startswith("#/$defs/"):
        return schema
    base = _resolved(root["$defs"][ref[len("#/$defs/"):]], root)
    return {**base, **{k: v for k, v in schema.items() if k != "$ref"}}


def _limits(schema: dict, required) -> dict:
    return {"required": required, "min_length": schema.get("minLength"), "max_length": schema.get("maxLength"),
            "minimum": schema.get("minimum"), "maximum": schema.get("maximum"),
            "min_items": schema.get("minItems"), "max_items": schema.get("maxItems"),
            "pattern": schema.get("pattern") if schema.get("pattern") != validation.SINGLE_LINE_PATTERN else None,
            "format": schema.get("format"), "enum": schema.get("enum")}


@lru_cache(maxsize=1)
def limits() -> dict:
    """{property: limits} for the submission and, under "author", for one author."""
    root = validation.load_schema(SCHEMA)
    found = {name: _limits(_resolved(spec, root), name in root["required"])
             for name, spec in root["properties"].items()}
    author = _resolved(root["properties"]["authors"]["items"], root)
    found["author"] = {name: _limits(_resolved(spec, root), name in author["required"])
                       for name, spec in author["properties"].items()}
    return found


def first(form: dict, name: str) -> str:
    """The first value posted under `name`, as typed ("" when none)."""
    return (form.get(name) or [""])[0]


def text(form: dict, name: str) -> str:
    """The first value posted under `name`, trimmed."""
    return first(form, name).strip()


def money(value: str, language: str = "vi"):
    """Money as typed (1.500.000) as an int, by the one rule
    (formatting.read_money); anything else stays text, so the schema names the
    field and says it must be a whole number: never a different number."""
    found = formatting.read_money(value, language)
    return found if found is not None else value.strip()


def day(value: str):
    """A date picked (YYYY-MM-DD, what a date field sends) or typed as people
    write it here (31/05/2022), as the API's YYYY-MM-DD; anything else as typed,
    for the schema to refuse."""
    typed = DAY_MONTH_YEAR.match(value.strip())
    if typed:
        return f"{typed.group(3)}-{int(typed.group(2)):02d}-{int(typed.group(1)):02d}"
    return value


def whole(value: str):
    """A whole number typed without separators (a score, a version) as an int;
    anything else as typed, for the schema to refuse."""
    return int(value) if WHOLE_NUMBER.match(value) else value


def author_rows(form: dict) -> list[dict]:
    """The author rows as typed, in order (empty rows included)."""
    rows: dict[int, dict] = {}
    for name, values in form.items():
        match = AUTHOR_NAME.match(name)
        if match and match.group(2) in AUTHOR_FIELDS:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = values[0]
    return [{field: rows[i].get(field, "") for field in AUTHOR_FIELDS} for i in sorted(rows)]


def values(form: dict) -> dict:
    """What the form holds, as strings, to show it again."""
    found = {name: first(form, name) for name in TEXT_FIELDS + ("benefit_vnd",)}
    # A unit picked from the "find my unit" results (radio buttons) replaces the one chosen before.
    found["unit_id"] = first(form, "unit_pick") or found["unit_id"]
    found["authors"] = author_rows(form)
    found["publish_consent"] = first(form, "publish_consent") == "on"  # a checkbox: absent means no
    return found


def submission(form_values: dict, language: str = "vi") -> dict:
    """The API body for form values: empty optional fields left out, numbers
    and dates read (money grouped the page's way, `language`)."""
    body = {name: form_values[name] for name in TEXT_FIELDS if form_values.get(name, "").strip()}
    if "applied_from" in body:
        body["applied_from"] = day(body["applied_from"])
    if form_values.get("benefit_vnd", "").strip():
        body["benefit_vnd"] = money(form_values["benefit_vnd"], language)
    authors = []
    for row in form_values.get("authors", []):
        if not any(v.strip() for k, v in row.items() if k != "language"):
            continue  # a row left empty is not an author
        author = {k: v for k, v in row.items() if v.strip() and k != "share_percent"}
        if row.get("share_percent", "").strip():
            author["share_percent"] = whole(row["share_percent"].strip())
        authors.append(author)
    body["authors"] = authors
    if form_values.get("publish_consent"):
        body["publish_consent"] = True
    return body


def from_submission(data: dict, group_digits) -> dict:
    """Form values for a stored initiative (the edit form)."""
    found = {name: str(data.get(name) or "") for name in TEXT_FIELDS}
    found["benefit_vnd"] = group_digits(data["benefit_vnd"]) if data.get("benefit_vnd") is not None else ""
    found["authors"] = [{field: str(author.get(field) if author.get(field) is not None else "")
                         for field in AUTHOR_FIELDS} for author in data["authors"]]
    found["publish_consent"] = bool(data.get("publish_consent"))
    return found


def blank_author(share: str = "") -> dict:
    return {field: "" for field in AUTHOR_FIELDS} | {"share_percent": share}


def author_errors(problems: dict, count: int) -> list[dict]:
    """Per author row, {property: [messages]} from problems keyed by JSON Pointer."""
    rows = []
    for i in range(count):
        prefix = f"/authors/{i}"
        rows.append({path[len(prefix) + 1:]: messages for path, messages in problems.items()
                     if path.startswith(prefix + "/")})
        if prefix in problems:
            rows[-1][""] = problems[prefix]
    return rows
