"""Award lists as operations: compile (on demand and on schedule), read,
approve. Wires the pure core (criteria, compile) to its adapters (candidates,
progress, store, workbook, mail). The `*_for` functions are what a caller
asks: they check the request and the caller's rights (chalicelib/awards/access.py)
before acting, for the API and the pages alike."""
import logging

from chalicelib import clock, validation
from chalicelib.awards import access, candidates, criteria as criteria_file, mail, progress, store, workbook
from chalicelib.awards.compile import assemble, content_hash, counts, name_units, top_level_of, unit_ids, units_to_check
from chalicelib.awards.exceptions import ListNotFound
from chalicelib.errors import Forbidden, Invalid, Malformed, Problem
from chalicelib.reference import catalog

logger = logging.getLogger(__name__)

# Two compiles racing for the same version number: the loser re-reads and
# tries again; more than a few losses in a row means something is wrong.
MAX_VERSION_ATTEMPTS = 5


def compute(unit, phase_id: str, program_id: str, report=None) -> tuple[dict, object]:
    """The lists and the criteria used, from the data as it is now, reading
    only what the lists need (chalicelib/awards/candidates.py): each top-level
    unit's best N (one Query with Limit N each: the national list's 83, a
    lower unit's list one), the authors with at least the criteria's count
    (one Query), the grassroots unions with at least theirs (one Query per
    top-level unit), then batched reads of those unions' progress and of the
    names of the units in the lists. `report(done, total)` is told after each step."""
    criteria = criteria_file.for_phase(criteria_file.load(), phase_id)
    top_level = _top_level_units(unit)
    within = None if unit.id in top_level or unit.parent_id is None else unit.id
    total, done = 2 * len(top_level) + 1, 0

    def step():
        nonlocal done
        done += 1
        if report:
            report(done, total)

    if report:
        report(0, total)
    rule = criteria.exemplary_initiatives
    best = []
    for top in top_level:
        # A lower unit's own partition holds exactly its subtree's candidates, all of one top-level unit.
        best.append(candidates.best(top if within is None else unit.id, phase_id, rule.top_per_top_level_unit,
                                    rule.min_total_score))
        step()
    people = candidates.people(unit.id, phase_id, criteria.outstanding_individuals.min_recognized)
    step()
    collectives = {}
    for top in top_level:
        collectives.update(candidates.collectives(top, phase_id, criteria.outstanding_collectives.min_recognized,
                                                  within))
        step()
    raw = assemble(criteria, best, people, collectives, progress.grassroots_progress(
        units_to_check(criteria, collectives), program_id, phase_id))
    names = {unit_id: unit.name for unit_id, unit in catalog.units(unit_ids(raw)).items()}
    return name_units(raw, names), criteria


def _top_level_units(unit) -> list[str]:
    """The top-level units of `unit`'s subtree: the root's children (one Query,
    cached), else the one above (or being) `unit`."""
    if unit.parent_id is None:
        return sorted(child.id for child in catalog.children(unit.id))
    return [top_level_of(unit.path)]


def compile_list(unit, program, phase, compiled_by: str, report=None) -> tuple[store.AwardList, bool]:
    """Compile `unit`'s list for `phase`. If the latest version says the same
    (same content hash), that version is the answer and nothing is written;
    otherwise version n+1 is written (never over an existing one). Returns
    (the list, True if this call wrote a new version).

    Then finishes what a version needs and may lack after a crash: its Excel
    file in S3 and, once per leader, the leaders' email (LeadersNotMailed
    when some could not be sent: the list is stored, and compiling again sends
    only those)."""
    lists, criteria = compute(unit, phase.id, program.id, report)
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


def _asked(principal, raw_body) -> tuple:
    """(unit, program, phase) a leader asks to compile, checked."""
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
    return unit, *found


# ---------------------------------------------------------------- compiling off the request path

# A compile not heard of for this long (no progress reported: its message or
# handler lost) may be asked for again. Longer than the handler's timeout.
STALE_SECONDS = 20 * 60
# Deliveries of one message before its compile is marked failed (the queue's
# own maxReceiveCount is higher, so the failure is always recorded first).
MAX_ATTEMPTS = 3
# Progress is written at most this many times per compile (each a small conditional write).
PROGRESS_WRITES = 10


def request_for(principal, raw_body) -> tuple:
    """POST /award-lists: ask for the list to be compiled off the request path.
    Returns (compile request, unit, program, phase, started): a compile of the
    same list already running is the answer (started False); otherwise a
    request for version n+1 is opened and its message queued."""
    unit, program, phase = _asked(principal, raw_body)
    return (*request_compile(unit, program, phase, principal.user_id), unit, program, phase)


def request_compile(unit, program, phase, requested_by: str) -> tuple:
    """(compile request, started) as `request_for` says, for a checked caller."""
    import uuid
    from datetime import timedelta

    from chalicelib.awards import queue
    from chalicelib.errors import UpstreamFailed

    now = clock.now()
    stale_before = clock.timestamp(now - timedelta(seconds=STALE_SECONDS))
    current = store.compile_request(unit.id, phase.id)
    if current is not None and current.status == store.COMPILING and current.updated_at >= stale_before:
        return current, False
    at = clock.timestamp(now)
    request = store.CompileRequest(
        unit_id=unit.id, phase_id=phase.id, program_id=program.id,
        version=store.latest_version(unit.id, phase.id) + 1, token=uuid.uuid4().hex, status=store.COMPILING,
        requested_by=requested_by, requested_at=at, updated_at=at)
    if not store.open_request(request, stale_before):
        return store.compile_request(unit.id, phase.id), False  # another request got there first: that one
    try:
        queue.send(request)
    except Exception as error:  # noqa: BLE001 - the request says why; asking again is allowed at once
        logger.exception("award list %s: the compile request could not be queued", request.id)
        store.fail_request(unit.id, phase.id, request.token, "queue_unavailable", clock.timestamp())
        raise UpstreamFailed([Problem("", "award_list_not_queued")]) from error
    return request, True


def run_request(message: dict, delivery: int) -> str:
    """The award-list queue's handler: compile the list a message asks for,
    reporting progress, then record the outcome on the request. `delivery`:
    how many times SQS has delivered this message (1 the first time).

    Idempotent under redelivery: a message whose request is no longer
    compiling (done, failed, or replaced by a newer request) does nothing; a
    compile run twice finds the same content and writes no second version,
    and each leader's email is claimed once (awards/mail.py). A failure is
    raised for the queue to deliver again, and recorded as `failed` (with its
    reason) on the last attempt. Returns what happened: compiled, unchanged,
    failed or skipped."""
    request = store.compile_request(message["unit_id"], message["phase_id"])
    if request is None or request.token != message["token"] or request.status != store.COMPILING:
        logger.info("award list %s~%s: message %s has nothing to do", message["unit_id"], message["phase_id"],
                    message["token"])
        return "skipped"
    unit, found = catalog.unit(request.unit_id), catalog.phase(request.phase_id)
    try:
        if unit is None or found is None:
            raise ListNotFound(request.id)
        program, phase = found
        award_list, created = compile_list(unit, program, phase, compiled_by=request.requested_by,
                                           report=_reporter(request))
    except Exception as error:  # noqa: BLE001 - recorded, and raised again while attempts are left
        reason = failure_reason(error)
        if delivery < MAX_ATTEMPTS:
            store.note_attempt(request.unit_id, request.phase_id, request.token, reason, clock.timestamp())
            raise
        logger.exception("award list %s: compile failed (%s) after %d attempts", request.id, reason, delivery)
        store.fail_request(request.unit_id, request.phase_id, request.token, reason, clock.timestamp())
        return "failed"
    store.finish_request(request.unit_id, request.phase_id, request.token, award_list.version, clock.timestamp())
    return "compiled" if created else "unchanged"


def _reporter(request):
    """report(done, total): writes progress at the start and each time another
    tenth of the steps is done (at most PROGRESS_WRITES + 1 small writes)."""
    written = {"at": -1}

    def report(done: int, total: int) -> None:
        mark = done * PROGRESS_WRITES // max(total, 1)
        if mark > written["at"] and done < total:
            written["at"] = mark
            store.report_progress(request.unit_id, request.phase_id, request.token, done, total, clock.timestamp())
    return report


def failure_reason(error: Exception) -> str:
    """The reason code a failed compile shows (messages `awards.failed.<code>`)."""
    from chalicelib.awards.exceptions import CriteriaError, LeadersNotMailed

    if isinstance(error, CriteriaError):
        return "criteria"
    if isinstance(error, LeadersNotMailed):
        return "not_mailed"
    if isinstance(error, ListNotFound):
        return "unknown_list"
    return "error"


class SameAs(Exception):
    """The compile asked for under this id found the data unchanged: the list
    is the existing version `list_id`."""

    def __init__(self, list_id: str):
        self.list_id = list_id
        super().__init__(list_id)


def lookup_for(principal, list_id: str) -> tuple:
    """GET /award-lists/{id}: (the list or its compile request, unit, program,
    phase). The version when it exists; else the compile request that will
    write it (compiling or failed); SameAs when that compile found the data
    unchanged; ListNotFound otherwise."""
    unit, program, phase, version = access.locate(list_id)
    if not access.may_read(principal, unit):
        raise Forbidden()
    award_list = read(unit, phase, version)
    if award_list is not None:
        return award_list, unit, program, phase
    request = store.compile_request(unit.id, phase.id)
    if request is None or request.version != version:
        raise ListNotFound(list_id)
    if request.status == store.DONE:
        if request.result_version == version:  # written, then removed? never: versions stay
            raise ListNotFound(list_id)
        raise SameAs(store.list_id(unit.id, phase.id, request.result_version))
    return request, unit, program, phase


def present_request(request, unit, program, phase, language: str = "vi") -> dict:
    """A compile request as the API returns it (schemas/award-list-compiling.json)."""
    from chalicelib.i18n import text

    total = request.total_steps
    return {
        "id": request.id, "version": request.version, "status": request.status,
        "unit": {"id": unit.id, "name": unit.name}, "program_id": program.id,
        "phase": {"id": phase.id, "name": phase.name},
        "requested_at": request.requested_at, "requested_by": request.requested_by,
        "progress": {"done": request.done_steps, "total": total,
                     "percent": round(100 * request.done_steps / total) if total else 0},
        "reason": ({"code": request.reason, "message": text(f"awards.failed.{request.reason}", language)}
                   if request.status == store.FAILED and request.reason else None),
    }


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
