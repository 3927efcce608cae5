"""The one validator: JSON Schemas from `schemas/`, errors turned into `Problem`s.

Validators are built once per container (a prebuilt validator is ~45x faster
than `jsonschema.validate`) and every error is reported at once.
"""
import json
import os
from functools import lru_cache

from chalicelib import text
from chalicelib.errors import Malformed, Problem
from chalicelib.text import escape_pointer

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "schemas")
SINGLE_LINE_PATTERN = "^[^\\n\\t]*$"


def schema_path(name: str) -> str:
    return os.path.join(SCHEMA_DIR, f"{name}.json")


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    with open(schema_path(name), encoding="utf-8") as f:
        return json.load(f)


@lru_cache(maxsize=1)
def registry():
    """Every schema in `schemas/`, by its `$id`, so that schemas can refer to one another."""
    from referencing import Registry, Resource

    resources = []
    for file_name in sorted(os.listdir(SCHEMA_DIR)):
        if file_name.endswith(".json"):
            schema = load_schema(file_name[:-5])
            resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


@lru_cache(maxsize=None)
def validator(name: str):
    """The prebuilt validator for `schemas/<name>.json`, with format checks on."""
    from jsonschema import Draft202012Validator

    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def problems(name: str, instance) -> list[Problem]:
    """Every way `instance` breaks schema `name`, as problems sorted by path."""
    found: dict[tuple, Problem] = {}
    for error in validator(name).iter_errors(instance):
        for problem in _to_problems(error):
            found.setdefault((problem.path, problem.code), problem)
    return sorted(found.values(), key=lambda p: (p.path, p.code))


def in_schema_order(name: str, found) -> list[Problem]:
    """`found` sorted the way schema `name` declares its properties (which is
    the order of its form's fields), the body as a whole first; problems of one
    field keep their order (the schema's, then the rules')."""
    root = load_schema(name)

    def key(problem: Problem) -> tuple:
        schema, place = root, []
        for token in [t for t in problem.path.split("/")[1:]]:
            while "$ref" in schema and schema["$ref"].startswith("#/$defs/"):
                schema = {**root["$defs"][schema["$ref"][len("#/$defs/"):]],
                          **{k: v for k, v in schema.items() if k != "$ref"}}
            names = list(schema.get("properties", {}))
            if token in names:
                place.append(names.index(token))
                schema = schema["properties"][token]
            elif token.isdigit() and "items" in schema:
                place.append(int(token))
                schema = schema["items"]
            else:
                place.append(len(names) + 1_000)  # unknown to the schema: after what it knows
                schema = {}
        return tuple(place)

    return sorted(found, key=key)


def pointer(parts) -> str:
    return "".join(f"/{escape_pointer(str(part))}" for part in parts)


def _to_problems(error):
    path = pointer(error.absolute_path)
    kind, value, instance = error.validator, error.validator_value, error.instance
    if kind == "required":
        return [Problem(f"{path}/{escape_pointer(name)}", "required")
                for name in value if isinstance(instance, dict) and name not in instance]
    if kind == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        return [Problem(f"{path}/{escape_pointer(name)}", "unknown_property")
                for name in instance if name not in allowed]
    if kind == "type":
        return [Problem(path, "wrong_type", {"expected": value if isinstance(value, str) else "/".join(value)})]
    if kind == "minLength":
        return [Problem(path, "required" if instance == "" else "too_short", {"limit": value})]
    if kind == "maxLength":
        return [Problem(path, "too_long", {"limit": value})]
    if kind in ("minimum", "exclusiveMinimum"):
        return [Problem(path, "too_small", {"limit": value})]
    if kind in ("maximum", "exclusiveMaximum"):
        return [Problem(path, "too_large", {"limit": value})]
    if kind == "minItems":
        return [Problem(path, "too_few", {"limit": value})]
    if kind == "maxItems":
        return [Problem(path, "too_many", {"limit": value})]
    if kind == "uniqueItems":
        return [Problem(path, "duplicate")]
    if kind == "format":
        return [Problem(path, {"date": "invalid_date", "email": "invalid_email"}.get(value, "invalid_format"))]
    if kind == "pattern":
        if error.schema.get("format") == "email":  # pattern and format say the same thing
            return [Problem(path, "invalid_email")]
        return [Problem(path, "single_line" if value == SINGLE_LINE_PATTERN else "invalid_format")]
    if kind in ("enum", "const"):
        return [Problem(path, "not_allowed")]
    return [Problem(path, "invalid")]


def checked(name: str, raw) -> tuple:
    """`raw` with every string NFC-normalised and trimmed, and every problem it
    has against schema `name` and for control characters: (body, problems)."""
    body = text.normalize(raw)
    found = [Problem(path, "control_character") for path in text.control_character_paths(body)]
    return body, found + problems(name, body)


def normalized(name: str, raw, error=Malformed):
    """`raw` normalised and checked (see `checked`); raises `error` (a
    DomainError kind: Malformed unless the operation counts a schema breach as
    another kind) listing every problem."""
    body, found = checked(name, raw)
    if found:
        raise error(found)
    return body
