"""Award lists as operations: compile (on demand and on schedule), read,
approve. Wires the pure core (criteria, compile) to its adapters (candidates,
progress, store, workbook, mail). The `*_for` functions are what a caller
asks: they check the request and the caller's rights (chalicelib/awards/access.py)
before acting, for the API and the pages alike."""
import logging

from chalicelib import clock, validation
from chalicelib.awards import access, candidates, criteria as criteria_file, mail, progress, store, workbook
from chalicelib.awards.compile import Tally, content_hash, counts, name_units, unit_ids
from chalicelib.awards.exceptions import ListNotFound
from chalicelib.errors import Forbidden, Invalid, Malformed, Problem
from chalicelib.reference import catalog

logger = logging.getLogger(__name__)

# Two compiles racing for the same version number: the loser re-reads and
# tries again; more than a few losses in a row means something is wrong.
MAX_VERSION_ATTEMPTS = 5


def compute(unit_id: str, phase_id: str, program_id: str) -> tuple[dict, object]:
    """The lists and the criteria used, from the data as it is now: one Query
    of the unit's candidates, then batched reads of the few grassroots unions
    that could be collectives and of the names of the units in the lists."""
    criteria = criteria_file.for_phase(criteria_file.load(), phase_id)
    tally = Tally(criteria)
    for candidate in candidates.for_unit(unit_id, phase_id):
        tally.add(candidate)
    raw = tally.lists(progress.grassroots_progress(tally.units_to_check(), program_id, phase_id))
    names = {unit_id: unit.name for unit_id, unit in catalog.units(unit_ids(raw)).items()}
    return name_units(raw, names), criteria


def compile_list(unit, program, phase, compiled_by: str) -> tuple[store.AwardList, bool]:
    """Compile `unit`'s list for `phase`. If the latest version says the same
    (same content hash), that version is the answer and nothing is written;
    otherwise version n+1 is written (never over an existing one). Returns
    (the list, True if this call wrote a new version).

    Then finishes what a version needs and may lack after a crash: its Excel
    file in S3 and, once per leader, the leaders' email (LeadersNotMailed
    when some could not be sent: the list is stored, and compiling again sends
    only those)."""
    lists, criteria = compute(unit.id, phase.id, program.id)
    digest = content_hash(unit.id, phase.id, lists, criteria)
    for _ in range(MAX_VERSION_ATTEMPTS):
        current = store.latest(unit.id, phase.id)
        if current is not None and current.content_hash == digest:
            award_list, created = current, False
            break
        version = current.version + 1 if current else 1
        award_list = store.AwardList(
            unit_id=unit.id, phase_id=phase.id, program_id=program.id, version=version, status=store.DRAFT,
            lists=lists, counts=counts(lists), criteria=criteria.to_json(), content_hash=digest,
            compiled_at=clock.timestamp(), compiled_by=compiled_by,
            workbook_key=store.workbook_key(unit.id, phase.id, version))
        if store.put_new(award_list):
            created = True
            break
    else:
        raise RuntimeError(f"could not claim a version of {unit.id}/{phase.id}")
    _finish(award_list, unit, phase)
    return award_list, created


def _finish(award_list, unit, phase) -> None:
    _ensure_workbook(award_list, unit, phase)
    if award_list.notified_at is None:
        # Each leader's email is claimed on its own (one claim per leader and
        # version), so a compile that failed partway, run again, mails only
        # those not mailed yet. `notified_at` only records that every leader
        # was mailed, so that later compiles skip even reading the leaders.
        sent = mail.notify_leaders(award_list, unit.name, phase.name, workbook.download_link(award_list))
        logger.info("award list %s: emailed %d leader(s)", award_list.id, len(sent))
        store.claim(award_list, "notified_at", clock.timestamp())


def _ensure_workbook(award_list, unit, phase) -> None:
    if award_list.workbook_written_at is None:
        # Rendered from the stored version, so rewriting it gives the same sheets;
        # claimed only while the list still has the status the file says.
        workbook.write(award_list, unit.name, phase.name.get("vi", phase.id), names(award_list))
        store.claim(award_list, "workbook_written_at", clock.timestamp(), status=award_list.status)


def names(award_list) -> dict:
    """{user id: full name} of who compiled and who approved the list (one
    BatchGetItem; `schedule` and users no longer known are left out)."""
    from chalicelib.reference import catalog

    return {user_id: user.full_name
            for user_id, user in catalog.users([award_list.compiled_by, award_list.approved_by]).items()}


def compile_for(principal, raw_body) -> tuple:
    """POST /award-lists: compile the list a leader asks for. Returns
    (award list, unit, program, phase, created)."""
    if not principal.has_role("leader"):
        raise Forbidden()
    body = validation.normalized("award-list-request", raw_body)
    unit, found = catalog.unit(body["unit_id"]), catalog.phase(body["phase"])
    problems = ([Problem("/unit_id", "unknown_unit")] if unit is None else []) + (
        [Problem("/phase", "unknown_phase")] if found is None else [])
    if problems:
        raise Invalid(problems)
    if not access.may_compile(principal, unit):
        raise Forbidden()
    program, phase = found
    award_list, created = compile_list(unit, program, phase, compiled_by=principal.user_id)
    return award_list, unit, program, phase, created


def read_for(principal, list_id: str) -> tuple:
    """One version of a list for a reader: (award list, unit, program, phase)."""
    unit, program, phase, version = access.locate(list_id)
    if not access.may_read(principal, unit):
        raise Forbidden()
    award_list = read(unit, phase, version)
    if award_list is None:
        raise ListNotFound(list_id)
    return award_list, unit, program, phase


def approve_for(principal, list_id: str, raw_body) -> tuple:
    """A leader of the list's unit approves one version: (award list, unit,
    program, phase). An approval is signed on purpose: the body must say
    `{"confirm": true}` (Malformed, `approval_unconfirmed`, otherwise).
    AlreadyApproved or Superseded when it cannot be; the same leader
    approving again gets the list as they approved it."""
    body = validation.normalized("award-list-approve", {} if raw_body is None else raw_body)
    unit, program, phase, version = access.locate(list_id)
    if not access.may_approve(principal, unit):
        raise Forbidden()
    if body["confirm"] is not True:  # asked after who may approve: only a signatory is told to confirm
        raise Malformed([Problem("/confirm", "approval_unconfirmed")])
    return approve(unit, phase, version, principal.user_id), unit, program, phase


def read(unit, phase, version: int) -> store.AwardList | None:
    """One version (None if there is none), its Excel file made sure of."""
    award_list = store.get(unit.id, phase.id, version)
    if award_list is not None:
        _ensure_workbook(award_list, unit, phase)
    return award_list


def approve(unit, phase, version: int, by: str) -> store.AwardList:
    """draft → approved (see store.approve for what can refuse it), then the
    approved Excel file: status, approver and date."""
    award_list = store.approve(unit.id, phase.id, version, by, clock.timestamp())
    _ensure_workbook(award_list, unit, phase)
    return award_list


def present(award_list: store.AwardList, unit, program, phase) -> dict:
    """A list as the API returns it (schemas/award-list.json), with a fresh
    download link."""
    return {
        "id": award_list.id, "version": award_list.version, "status": award_list.status,
        "unit": {"id": unit.id, "name": unit.name}, "program_id": program.id,
        "phase": {"id": phase.id, "name": phase.name},
        "compiled_at": award_list.compiled_at, "compiled_by": award_list.compiled_by,
        "approved_at": award_list.approved_at, "approved_by": award_list.approved_by,
        "content_hash": award_list.content_hash, "criteria": award_list.criteria, "counts": award_list.counts,
        "entries": award_list.lists, "download": workbook.download_link(award_list),
    }
