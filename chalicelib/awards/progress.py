"""What compiling reads besides candidates: grassroots unions' entered counts
and targets (is a collective's target reached?). Read through the owners of
those tables (counters.store, reference.catalog), together: one BatchGetItem
per 100 keys; never a Scan."""
from chalicelib.awards.compile import Progress


def grassroots_progress(unit_ids, program_id: str, phase_id: str) -> dict:
    """unit id → Progress for each of `unit_ids` in the phase: its `entered`
    count (absent: 0) and its registered target (absent: none)."""
    from chalicelib.counters import core
    from chalicelib.counters import store as counters
    from chalicelib.reference import catalog
    from chalicelib.tables import BatchRead

    unit_ids = sorted(set(unit_ids))
    if not unit_ids:
        return {}
    read = BatchRead()
    counted = counters.want_counts(read, unit_ids, phase_id)
    registered = catalog.want_targets(read, unit_ids, program_id, phase_id)
    read.run()
    counts, targets = counted(), registered()
    return {unit: Progress(entered=int(counts.get(unit, {}).get(core.ENTERED, 0)),
                           target=targets[unit].total if unit in targets else None)
            for unit in unit_ids}
