"""What compiling reads besides candidates: grassroots unions' entered counts
and targets (is a collective's target reached?) and unit names. Batched reads
of known keys only; never a Scan."""
from chalicelib import settings
from chalicelib.awards import aws
from chalicelib.awards.compile import Progress


def grassroots_progress(unit_ids, program_id: str, phase_id: str) -> dict:
    """unit id → Progress for each of `unit_ids` in the phase: the `entered`
    counter of `COUNT#<unit>#<phase>` / `TOTAL` (counters table; absent: 0) and
    the `total` of `UNIT#<unit>` / `TARGET#<program>#<phase>` (reference table;
    absent: no target). Two BatchGetItems per 100 units."""
    unit_ids = sorted(set(unit_ids))
    if not unit_ids:
        return {}
    counted = aws.batch_get(settings.table_name("counters"),
                            [(f"COUNT#{unit}#{phase_id}", "TOTAL") for unit in unit_ids],
                            projection="pk, entered")
    entered = {item["pk"][len("COUNT#"):-len(f"#{phase_id}")]: int(item.get("entered") or 0) for item in counted}
    registered = aws.batch_get(settings.table_name("reference"),
                               [(f"UNIT#{unit}", f"TARGET#{program_id}#{phase_id}") for unit in unit_ids],
                               projection="pk, #total", names={"#total": "total"})
    targets = {item["pk"][len("UNIT#"):]: int(item["total"]) for item in registered}
    return {unit: Progress(entered=entered.get(unit, 0), target=targets.get(unit)) for unit in unit_ids}


def unit_names(unit_ids) -> dict:
    """unit id → name, for the units that exist: one BatchGetItem per 100."""
    keys = [(f"UNIT#{unit}", "UNIT") for unit in sorted(set(unit_ids))]
    items = aws.batch_get(settings.table_name("reference"), keys, projection="id, #name", names={"#name": "name"})
    return {item["id"]: item["name"] for item in items}
