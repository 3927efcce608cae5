"""The Excel file of an exported drill-down list (openpyxl, write-only: rows
stream to the file, so a list of 100,000 initiatives does not sit in memory
as cells). One sheet: a few lines saying which list it is (unit, phase,
filters, when and for whom), then one row per initiative, newest first, as
the list shows them: code, title, state in words, unit, authors with their
shares, subject group, field, block, when entered and last changed, since
when overdue, each reviewer's decision with its reason (from the history
events), the scores, and the benefit estimated and confirmed.

Text people typed stays text, never a formula (a cell starting with = + - @
gets Excel's quote prefix, as in the award lists' workbook); money is whole
đồng with `#,##0 "₫"`; times are Vietnam wall-clock times.
"""
import io
from datetime import datetime

from chalicelib import clock
from chalicelib.i18n import text

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = '#,##0 "₫"'
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_ROWS = 6  # the lines above the table: title, unit, phase, filters, exported, blank


def _moment(timestamp: str | None):
    if not timestamp:
        return None
    return datetime.fromisoformat(timestamp).astimezone(clock.VIETNAM).replace(tzinfo=None)


def columns(language: str, scores: tuple) -> list:
    """(heading, value of a row dict, width, number format) of each column."""
    def t(name):
        return text(f"exports.column.{name}", language)

    return [
        (t("code"), lambda r: r["code"], 13, None),
        (t("title"), lambda r: r["title"], 48, None),
        (t("state"), lambda r: r["state"], 18, None),
        (t("unit"), lambda r: r["unit"], 36, None),
        (t("authors"), lambda r: r["authors"], 36, None),
        (t("subject_group"), lambda r: r["subject_group"], 24, None),
        (t("field"), lambda r: r["field"], 24, None),
        (t("block"), lambda r: r["block"], 18, None),
        (t("entered_at"), lambda r: _moment(r["created_at"]), 17, DATETIME_FORMAT),
        (t("updated_at"), lambda r: _moment(r["updated_at"]), 17, DATETIME_FORMAT),
        (t("overdue_since"), lambda r: _moment(r["overdue_since"]), 17, DATETIME_FORMAT),
        (t("decisions"), lambda r: r["decisions"], 60, None),
        *((text(f"awards.column.{name}", language), lambda r, name=name: r["scores"].get(name), 12, None)
          for name in scores),
        (t("benefit_estimated"), lambda r: r["benefit_vnd"], 20, MONEY_FORMAT),
        (t("benefit_confirmed"), lambda r: r["confirmed_benefit_vnd"], 20, MONEY_FORMAT),
    ]


def row_of(record, events, unit_names: dict, program, language: str) -> dict:
    """What one initiative's row shows, from the stored initiative and its history."""
    from chalicelib.submissions import store
    from chalicelib.workflow import definition

    chosen = definition.default()
    data = store.plain(record)
    groups = {g["id"]: g["name"] for g in program.subject_groups}
    fields = {f["id"]: f["name"] for f in program.fields}

    def named(names, fallback):
        return (names or {}).get(language) or (names or {}).get("vi") or fallback

    state = chosen.states.get(data["status"])
    return {
        "code": data["code"], "title": data["title"],
        "state": named(state.title, data["status"]) if state else data["status"],
        "unit": unit_names.get(data["unit_id"], data["unit_id"]),
        "authors": "; ".join(f"{a['full_name']} ({_share(a['share_percent'])}%)" for a in data["authors"]),
        "subject_group": named(groups.get(data["subject_group"]), data["subject_group"]),
        "field": named(fields.get(data["field"]), data["field"]),
        "block": text(f"web.dashboard.block.{data['block']}", language) if data.get("block") else "",
        "created_at": data["created_at"], "updated_at": data["updated_at"],
        "overdue_since": data.get("overdue_since"),
        "decisions": "\n".join(decisions(events, unit_names, chosen, language)),
        "scores": {name: int(value) for name, value in _plain_map(data.get("scores")).items()},
        "benefit_vnd": data.get("benefit_vnd"),
        "confirmed_benefit_vnd": int(data["confirmed_benefit_vnd"])
        if data.get("confirmed_benefit_vnd") is not None else None,
    }


def _plain_map(value) -> dict:
    """A stored map (a PynamoDB MapAttribute, or already a dict) as a dict."""
    if value is None:
        return {}
    return value.as_dict() if hasattr(value, "as_dict") else dict(value)


def _share(value) -> str:
    number = float(value)
    return str(int(number)) if number == int(number) else f"{number:g}"


def decision_events(chosen) -> set:
    """The events of the definition that reviewers (or the clock) fire, not the authors."""
    return {name for name, transition in chosen.transitions.items()
            if any(actor.role not in ("author", "submitter") for actor in transition.by)}


def decisions(events, unit_names: dict, chosen, language: str) -> list[str]:
    """Each reviewer's decision, oldest first: "16/11/2026 09:30 – Xác nhận hợp
    lệ – <the reviewer's unit>: <the reason given>"."""
    from chalicelib.formatting import when

    wanted = decision_events(chosen)
    found = []
    for event in events:
        if event.event not in wanted:
            continue
        label = chosen.transitions[event.event].label
        line = f"{when(event.at)} – {label.get(language) or label.get('vi')} – " \
               f"{unit_names.get(event.actor_unit, event.actor_unit)}"
        reason = _plain_map(event.input).get("reason")
        found.append(f"{line}: {reason}" if reason else line)
    return found


def _cell(sheet, value, number_format=None):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    if number_format and value is not None:
        cell.number_format = number_format
    return cell


def build(unit, program, phase, export, records, language: str = "vi") -> tuple[bytes, int]:
    """The workbook of `records` (stored initiatives, in the list's order):
    (its bytes, how many rows). Reads each initiative's history (one Query
    each) and the names of the units it shows (cached per container)."""
    from openpyxl import Workbook

    from chalicelib.reference import catalog
    from chalicelib.submissions import store
    from chalicelib.workflow.definition import SCORES

    book = Workbook(write_only=True)
    sheet = book.create_sheet(text("exports.sheet", language))
    spec = columns(language, SCORES)
    for index, (_, _, width, _) in enumerate(spec):
        sheet.column_dimensions[_letter(index)].width = width
    filters = "; ".join(f"{name}={value}" for name, value in sorted(export.filters.items())) or \
        text("exports.no_filter", language)
    sheet.append([_cell(sheet, text("exports.title", language))])
    sheet.append([text("exports.unit", language), _cell(sheet, unit.name)])
    sheet.append([text("exports.phase", language), f"{program.name.get(language) or program.name['vi']} · "
                                                   f"{phase.name.get(language) or phase.name['vi']}"])
    sheet.append([text("exports.filters", language), _cell(sheet, filters)])
    sheet.append([text("exports.exported_at", language), _moment(clock.timestamp())])
    sheet.append([])
    sheet.append([heading for heading, _, _, _ in spec])
    count = 0
    for record in records:
        events = store.history(record.id)
        names = {uid: u.name for uid, u in catalog.units(
            {record.unit_id, *(e.actor_unit for e in events)}).items()}
        row = row_of(record, events, names, program, language)
        sheet.append([_cell(sheet, value(row), number_format) for _, value, _, number_format in spec])
        count += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), count


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
