"""Load the reference-data files into DynamoDB.

A directory holds `organisation.json`, `programs.json` and optionally
`targets.json` and `users.json`, each validated by its schema in `schemas/`
and then by the cross-file rules of `checks`. An invalid set is refused whole,
naming the file and JSON Pointer of every error, and nothing is written.
Loading the same files twice writes nothing the second time: each item carries
a digest of its content and only items whose digest changed are written.
"""
import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field

from chalicelib import validation
from chalicelib.levels import Level
from chalicelib.reference import checks
from chalicelib.text import fold, normalize

FILES = {"organisation": True, "programs": True, "targets": False, "users": False}


class LoadError(Exception):
    """The data files are invalid; `places` lists (file, pointer, message)."""

    def __init__(self, places):
        self.places = places
        super().__init__("\n".join(f"{file}#{pointer}: {message}" for file, pointer, message in places))


@dataclass
class LoadReport:
    written: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    def __str__(self) -> str:
        kinds = sorted(set(self.written) | set(self.unchanged) | set(self.deleted))
        return "\n".join(f"{kind:8} written {self.written[kind]:6}  unchanged {self.unchanged[kind]:6}"
                         f"  deleted {self.deleted[kind]:6}" for kind in kinds)


def read_directory(directory: str) -> dict:
    """Parse and validate the files of `directory`; raise LoadError listing every problem."""
    docs, places = {}, []
    for name, required in FILES.items():
        path = os.path.join(directory, f"{name}.json")
        if not os.path.exists(path):
            if required:
                places.append((f"{name}.json", "", "the file is missing"))
            continue
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except json.JSONDecodeError as error:
            places.append((f"{name}.json", "", f"not valid JSON at line {error.lineno} column {error.colno}: {error.msg}"))
            continue
        doc = normalize(doc)
        for error in validation.validator(name).iter_errors(doc):
            places.append((f"{name}.json", validation.pointer(error.absolute_path), error.message))
        docs[name] = doc
    if not places:
        places = checks.check(docs["organisation"], docs["programs"], docs.get("targets"), docs.get("users"))
    if places:
        raise LoadError(sorted(places))
    return docs


def digest(attributes: dict) -> str:
    return hashlib.sha256(json.dumps(attributes, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def desired_items(docs: dict) -> dict:
    """Every reference item the files call for, keyed by (pk, sk), with its digest."""
    items = {}

    def put(kind, attributes):
        attributes = {k: v for k, v in attributes.items() if v is not None}
        attributes["digest"] = digest(attributes)
        items[(attributes["pk"], attributes["sk"])] = (kind, attributes)

    units = docs["organisation"]["units"]
    by_id = {u["id"]: u for u in units}
    unit_paths = checks.paths(docs["organisation"])
    tokens = Counter()
    for unit in units:
        path = unit_paths[unit["id"]]
        # Names from the top-level unit down to the parent: what a person needs to tell
        # two "Công đoàn Trường THPT ..." apart.
        ancestor_names = [by_id[i]["name"] for i in path[1:-1]]
        folded = fold(unit["name"])
        level = Level.of_kind(unit["kind"]).rank
        parent = unit.get("parent_id")
        put("unit", {
            "pk": f"UNIT#{unit['id']}", "sk": "UNIT", "id": unit["id"], "name": unit["name"],
            "name_folded": folded, "kind": unit["kind"], "level": level, "parent_id": parent,
            "block": unit.get("block"), "path": list(path), "ancestor_names": ancestor_names,
            "support_team_phone": unit.get("support_team_phone"),
            # The national unit is the child of nobody (`CHILDREN#`): catalog.roots() finds it.
            "gsi1pk": f"CHILDREN#{parent or ''}",
            "gsi1sk": f"{folded}#{unit['id']}",
        })
        for word in set(folded.split()):
            tokens[word] += 1
            put("token", {
                "pk": f"TOKEN#{word}", "sk": f"{level}#{folded}#{unit['id']}", "unit_id": unit["id"],
                "name": unit["name"], "name_folded": folded, "kind": unit["kind"],
                "ancestor_names": ancestor_names,
            })
    for word, count in tokens.items():
        put("token", {"pk": f"TOKEN#{word}", "sk": "#STAT", "count": count})

    for program in docs["programs"]["programs"]:
        put("program", {"pk": "PROGRAM", "sk": program["id"],
                        "document": json.dumps(program, ensure_ascii=False, sort_keys=True)})

    for target in docs.get("targets", {}).get("targets", []):
        put("target", {
            "pk": f"UNIT#{target['unit_id']}", "sk": f"TARGET#{target['program_id']}#{target['phase_id']}",
            "unit_id": target["unit_id"], "program_id": target["program_id"], "phase_id": target["phase_id"],
            "total": target["total"], "by_block": target.get("by_block"),
        })

    for user in docs.get("users", {}).get("users", []):
        put("user", {
            "pk": f"USER#{user['id']}", "sk": "USER", "id": user["id"], "full_name": user["full_name"],
            "email": user.get("email"), "phone": user.get("phone"), "roles": user["roles"],
            "unit_id": user["unit_id"], "language": user.get("language", "vi"),
            "gsi1pk": f"USERS#{user['unit_id']}", "gsi1sk": user["id"],
        })
    return items


def _models() -> dict:
    """The model of each kind of reference item."""
    from chalicelib.tables import ProgramRecord, TargetRecord, UnitRecord, UnitTokenRecord, UserRecord

    return {"unit": UnitRecord, "token": UnitTokenRecord, "program": ProgramRecord, "target": TargetRecord,
            "user": UserRecord}


def load(docs: dict, dry_run: bool = False) -> LoadReport:
    """Write what changed: one BatchGetItem per 100 items to compare digests,
    then batched writes of the changed items only.

    Stale search tokens of renamed units are deleted; units, targets and users
    absent from the files are kept (initiatives refer to them) and are not
    looked for, since finding them would need a Scan.
    """
    from chalicelib.tables import BatchRead, UnitTokenRecord

    models = _models()
    wanted = desired_items(docs)
    read = BatchRead()
    keys = {key: read.want(models[kind], *key) for key, (kind, _) in wanted.items()}
    read.run()

    report = LoadReport()
    writes: dict = {}  # model → items to put
    stale = []
    for key, (kind, attributes) in wanted.items():
        old = read.found(keys[key])
        if old is not None and old.digest == attributes["digest"]:
            report.unchanged[kind] += 1
            continue
        report.written[kind] += 1
        writes.setdefault(models[kind], []).append(models[kind](**attributes))
        if kind == "unit" and old is not None:
            # A renamed (or re-kinded) unit's old search tokens must go.
            for word in set(old.name_folded.split()):
                token = (f"TOKEN#{word}", f"{int(old.level)}#{old.name_folded}#{old.id}")
                if token not in wanted:
                    report.deleted["token"] += 1
                    stale.append(UnitTokenRecord(*token))
    if not dry_run:
        for model, items in writes.items():
            with model.batch_write() as batch:  # 25 items a call, unprocessed ones sent again
                for item in items:
                    batch.save(item)
        with UnitTokenRecord.batch_write() as batch:
            for item in stale:
                batch.delete(item)
    return report
