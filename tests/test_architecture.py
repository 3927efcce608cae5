"""The layers of docs/architecture.md, held by reading the code (ast), not by trust:

- the workflow core imports nothing that does I/O or speaks HTTP;
- a package imports only from layers below its own (and from itself);
- the package graph has no cycle;
- each table's models are imported only by the package that owns the table,
  and each table's keys are written only there.
"""
import ast
import os
from collections import defaultdict

from tests.conftest import ROOT

CHALICELIB = os.path.join(ROOT, "chalicelib")

# Bottom to top. A unit is a package of chalicelib (or a top-level module).
LAYERS = [
    # foundation: pure helpers every layer may use (and they one another)
    {"errors", "i18n", "text", "clock", "formatting", "settings", "levels", "validation", "dynamo_json"},
    # the pure workflow core: definition, engine, effects registry, domain exceptions
    {"workflow"},
    # the platform: the AWS clients, the tables (bound to the clients), idempotency records (a table)
    {"aws"},
    {"tables"},
    {"idempotency"},
    # reference data and identity
    {"reference", "auth"},
    # initiatives, and the counters kept from their changes
    {"submissions", "counters"},
    # review operations above the initiatives; notifications; near-duplicates (issue 14: the index reads initiatives)
    {"review", "notify", "similar"},
    # award lists (read candidates, counters, reference data)
    {"awards"},
    # phase reports (read counters, clusters' leaders and award lists)
    {"reports"},
    # edges: HTTP API, stream consumers, schedules, queue consumers
    {"api", "streams", "schedules", "queues"},
    # the web pages (they use the API's HTTP helpers)
    {"web"},
]
LAYER_OF = {unit: index for index, units in enumerate(LAYERS) for unit in units}
# What the workflow core may never import: I/O, AWS, the framework, HTTP.
NOT_IN_THE_CORE = ("boto3", "botocore", "pynamodb", "chalice", "jinja2", "openpyxl", "jwt", "urllib.request",
                   "http", "socket", "requests")

# The keys each table's owner builds; nobody else writes them.
KEY_PREFIXES = {
    "SUB#": {"submissions"}, "EVT#": {"submissions"}, "CODE#": {"submissions"}, "QUEUE#": {"submissions"},
    "USER#": {"submissions", "notify", "reference"},  # three tables, each owner its own partition
    "UNIT#": {"reference"}, "TARGET#": {"reference"}, "CHILDREN#": {"reference"}, "USERS#": {"reference"},
    "TOKEN#": {"reference"},
    "COUNT#": {"counters"}, "APPLIED#": {"counters"}, "LEVEL#": {"counters"},
    "PERSON#": {"counters", "awards"},  # two tables, each owner its own items
    "CAND#": {"awards"}, "LIST#": {"awards"}, "GRASSROOTS#": {"awards"},
    "COLLECTIVE#": {"awards"}, "COMPILE#": {"awards"}, "MAIL#": {"notify"}, "AUTHOR#": {"submissions"},
    "CLAIM#": {"submissions"},  # a reviewer's claim on a queue item (issue 12)
    "EXPORT#": {"submissions"},  # an exported drill-down list (issue 13)
    "DOC#": {"similar"}, "BAND#": {"similar"},  # the near-duplicate index (issue 14)
}
WHOLE_KEYS = {"META": {"submissions"}, "TOTAL": {"counters"}, "UNITS": {"counters"}, "#STAT": {"reference"},
              "PROGRAM": {"reference"}}


def modules():
    """(unit, path, tree) of every Python module under chalicelib/."""
    for folder, _, files in os.walk(CHALICELIB):
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                relative = os.path.relpath(path, CHALICELIB).split(os.sep)
                unit = relative[0][:-3] if len(relative) == 1 else relative[0]
                with open(path, encoding="utf-8") as f:
                    yield unit, os.path.relpath(path, ROOT), ast.parse(f.read(), path)


def imports(tree) -> list[str]:
    """Every module a tree imports, at the top or inside a function (lazy imports count)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
            if node.module == "chalicelib":  # from chalicelib import clock, settings
                found += [f"chalicelib.{alias.name}" for alias in node.names]
    return found


def unit_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "chalicelib" and len(parts) > 1 else None


def test_every_unit_has_a_layer():
    units = {unit for unit, _, _ in modules() if unit != "__init__"}
    assert units == set(LAYER_OF), "docs/architecture.md and LAYERS above must name every package"


def test_the_workflow_core_imports_nothing_that_does_io_or_speaks_http():
    for unit, path, tree in modules():
        if unit != "workflow":
            continue
        for module in imports(tree):
            assert not any(module == name or module.startswith(name + ".") for name in NOT_IN_THE_CORE), \
                f"{path} imports {module}"
            if unit_of(module):
                assert LAYER_OF[unit_of(module)] <= LAYER_OF["workflow"], f"{path} imports {module}"


def test_no_package_imports_from_a_layer_above_it_or_beside_it():
    wrong = []
    for unit, path, tree in modules():
        if unit == "__init__":
            continue
        for module in imports(tree):
            other = unit_of(module)
            if other is None or other == unit:
                continue
            mine, theirs = LAYER_OF[unit], LAYER_OF[other]
            # Beside it (same layer) only in the foundation, a bag of leaf helpers.
            if theirs > mine or (theirs == mine and mine != 0):
                wrong.append(f"{path} ({unit}, layer {mine}) imports {module} (layer {theirs})")
    assert not wrong, "\n".join(wrong)


def test_the_packages_import_one_another_without_a_cycle():
    edges = defaultdict(set)
    for unit, _, tree in modules():
        edges[unit] |= {unit_of(m) for m in imports(tree) if unit_of(m) and unit_of(m) != unit}
    done, active = set(), []

    def visit(unit):
        assert unit not in active, f"import cycle: {' → '.join(active[active.index(unit):] + [unit])}"
        if unit in done:
            return
        active.append(unit)
        for other in edges[unit]:
            visit(other)
        active.pop()
        done.add(unit)
    for unit in list(edges):
        visit(unit)


def _model_owners() -> dict:
    """Model name → the unit that owns its table."""
    from chalicelib import tables

    by_table = {table.model.Meta.table_name: table.owner.split(".")[1] for table in tables.TABLES.values()}
    return {name: by_table[model.Meta.table_name] for name, model in vars(tables).items()
            if isinstance(model, type) and issubclass(model, tables._Bound) and model is not tables._Bound}


def test_a_tables_models_are_imported_only_by_its_owner():
    owners = _model_owners()
    wrong = []
    for unit, path, tree in modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "chalicelib.tables":
                for alias in node.names:
                    owner = owners.get(alias.name)
                    if owner and owner != unit:
                        wrong.append(f"{path} imports {alias.name}, whose table {owner} owns")
    assert not wrong, "\n".join(wrong)


def _docstrings(tree) -> set:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def test_a_tables_keys_are_built_only_by_its_owner():
    wrong = []
    for unit, path, tree in modules():
        if unit == "tables":
            continue
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str) or id(node) in skip:
                continue
            text = node.value
            owners = WHOLE_KEYS.get(text) or next((o for p, o in KEY_PREFIXES.items() if text.startswith(p)), None)
            if owners and unit not in owners:
                wrong.append(f"{path}:{node.lineno} writes {text!r}, a key of {'/'.join(sorted(owners))}")
    assert not wrong, "\n".join(wrong)
