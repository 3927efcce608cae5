"""Rules across the reference-data files that a JSON Schema cannot express.

Pure: takes parsed documents, returns `(file, JSON Pointer, message)` places.
"""
from collections import Counter

from chalicelib.levels import Level


def check(organisation: dict, programs: dict, targets: dict | None, users: dict | None) -> list[tuple]:
    """Every cross-file problem, each as (file name, pointer, English message)."""
    places = []
    units = organisation["units"]
    by_id = {}
    for index, unit in enumerate(units):
        if unit["id"] in by_id:
            places.append(("organisation.json", f"/units/{index}/id", f"duplicate unit id {unit['id']!r}"))
        by_id.setdefault(unit["id"], unit)

    national = [u["id"] for u in units if u["kind"] == "national"]
    if len(national) != 1:
        places.append(("organisation.json", "/units", f"exactly one national unit is needed, found {len(national)}"))

    names = Counter((u.get("parent_id"), u["name"]) for u in units)
    for index, unit in enumerate(units):
        here = f"/units/{index}"
        if names[(unit.get("parent_id"), unit["name"])] > 1:
            places.append(("organisation.json", f"{here}/name", f"two units under the same parent are named {unit['name']!r}"))
        parent_id = unit.get("parent_id")
        if unit["kind"] == "national":
            continue
        parent = by_id.get(parent_id)
        if parent is None:
            places.append(("organisation.json", f"{here}/parent_id", f"unknown parent unit {parent_id!r}"))
            continue
        level, parent_level = Level.of_kind(unit["kind"]), Level.of_kind(parent["kind"])
        # A grassroots union hangs under an upper-grassroots union or directly under a top-level unit.
        allowed = {Level.TOP_LEVEL: {Level.NATIONAL}, Level.UPPER_GRASSROOTS: {Level.TOP_LEVEL},
                   Level.GRASSROOTS: {Level.TOP_LEVEL, Level.UPPER_GRASSROOTS}}[level]
        if parent_level not in allowed:
            places.append(("organisation.json", f"{here}/parent_id",
                           f"a {unit['kind']} unit cannot hang under {parent['kind']} unit {parent_id!r}"))

    phase_ids = {}
    program_ids = set()
    for p_index, program in enumerate(programs["programs"]):
        if program["id"] in program_ids:
            places.append(("programs.json", f"/programs/{p_index}/id", f"duplicate program id {program['id']!r}"))
        program_ids.add(program["id"])
        for f_index, phase in enumerate(program["phases"]):
            here = f"/programs/{p_index}/phases/{f_index}"
            if phase["id"] in phase_ids:
                places.append(("programs.json", f"{here}/id", f"duplicate phase id {phase['id']!r}"))
            phase_ids[phase["id"]] = program["id"]
            if phase["ends_on"] < phase["starts_on"]:
                places.append(("programs.json", f"{here}/ends_on", "the phase ends before it starts"))
        ordered = sorted(program["phases"], key=lambda ph: ph["starts_on"])
        for earlier, later in zip(ordered, ordered[1:]):
            if later["starts_on"] <= earlier["ends_on"]:
                places.append(("programs.json", f"/programs/{p_index}/phases",
                               f"phases {earlier['id']!r} and {later['id']!r} overlap"))
        for list_name in ("subject_groups", "fields"):
            seen = Counter(item["id"] for item in program[list_name])
            for i_index, item in enumerate(program[list_name]):
                if seen[item["id"]] > 1:
                    places.append(("programs.json", f"/programs/{p_index}/{list_name}/{i_index}/id",
                                   f"duplicate id {item['id']!r}"))

    seen_targets = set()
    for index, target in enumerate((targets or {}).get("targets", [])):
        here = f"/targets/{index}"
        if target["unit_id"] not in by_id:
            places.append(("targets.json", f"{here}/unit_id", f"unknown unit {target['unit_id']!r}"))
        if phase_ids.get(target["phase_id"]) != target["program_id"]:
            places.append(("targets.json", f"{here}/phase_id",
                           f"phase {target['phase_id']!r} is not a phase of program {target['program_id']!r}"))
        key = (target["program_id"], target["phase_id"], target["unit_id"])
        if key in seen_targets:
            places.append(("targets.json", here, "a second target for the same unit and phase"))
        seen_targets.add(key)
        split = target.get("by_block")
        if split and sum(split.values()) != target["total"]:
            places.append(("targets.json", f"{here}/by_block",
                           f"the blocks add up to {sum(split.values())}, not to the total {target['total']}"))

    seen_users = set()
    for index, user in enumerate((users or {}).get("users", [])):
        if user["id"] in seen_users:
            places.append(("users.json", f"/users/{index}/id", f"duplicate user id {user['id']!r}"))
        seen_users.add(user["id"])
        if user["unit_id"] not in by_id:
            places.append(("users.json", f"/users/{index}/unit_id", f"unknown unit {user['unit_id']!r}"))
    return places


def paths(organisation: dict) -> dict:
    """Each unit's path of ids from the national unit down to itself (tree already checked)."""
    by_id = {u["id"]: u for u in organisation["units"]}
    found: dict[str, tuple] = {}

    def path_of(unit_id: str) -> tuple:
        if unit_id not in found:
            parent = by_id[unit_id].get("parent_id")
            found[unit_id] = (path_of(parent) if parent else ()) + (unit_id,)
        return found[unit_id]

    for unit_id in by_id:
        path_of(unit_id)
    return found
