"""The Excel file of an award list (openpyxl) and its place in S3:
`award-lists/<unit>/<phase>/v<version>.xlsx`, one file per version, written
once (a version's entries never change).

One sheet of general information (unit, phase, version, its status, when and
by whom it was compiled and approved, by name, the criteria and the counts),
then one sheet per kind with Vietnamese column headers from the message
catalogue. A draft says DỰ THẢO in its title, its status and the printed
header of every sheet; an approved list says who approved it and when.

Text people typed (titles, names) is stored as text, never as a formula: a
cell starting with = + - @ (the CSV/Excel formula injection characters) is a
string cell with Excel's quote prefix, so "=HYPERLINK(...)" is shown as
written, and stays text when the cell is edited.

Money: whole đồng with the number format `#,##0 "₫"`. In an Excel number
format `,` means "group thousands" and `.` "decimal point" whatever the
reader's locale; Excel then shows the groups with the reader's own separator,
so a Vietnamese Excel shows 1.500.000.000 ₫ and an English one
1,500,000,000 ₫. Writing the Vietnamese `#.##0` literally would instead ask
for a decimal point and break the figure.
"""
import io
from datetime import datetime

from chalicelib import clock, settings
from chalicelib import aws
from chalicelib.awards.store import APPROVED
from chalicelib.formatting import when
from chalicelib.i18n import text
from chalicelib.workflow.definition import SCORES

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = '#,##0 "₫"'
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
# SigV4 presigned URLs live at most 7 days.
MAX_LINK_SECONDS = 7 * 24 * 3600
# What makes Excel (or a CSV export of the sheet) read text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Each kind's columns: (message key, how to get the value, width, number format).
COLUMNS = {
    "exemplary_initiatives": [
        ("awards.column.rank", lambda e: e["rank"], 6, None),
        ("awards.column.title", lambda e: e["title"], 48, None),
        ("awards.column.code", lambda e: e["code"], 13, None),
        ("awards.column.authors", lambda e: "; ".join(a["full_name"] for a in e["authors"]), 32, None),
        ("awards.column.unit", lambda e: e["unit_name"], 40, None),
        ("awards.column.top_level_unit", lambda e: e["top_level_unit_name"], 32, None),
        # One column per criterion, in the definition's order (awards.column.<criterion>).
        *((f"awards.column.{name}", lambda e, name=name: e["scores"][name], 12, None) for name in SCORES),
        ("awards.column.score", lambda e: e["score_total"], 8, None),
        ("awards.column.benefit", lambda e: e["confirmed_benefit_vnd"], 22, MONEY_FORMAT),
        ("awards.column.recognized_at", lambda e: _date(e["recognized_at"]), 14, DATE_FORMAT),
    ],
    "outstanding_individuals": [
        ("awards.column.rank", lambda e: e["rank"], 6, None),
        ("awards.column.full_name", lambda e: e["full_name"], 28, None),
        ("awards.column.member_id", lambda e: e["member_id"], 18, None),
        ("awards.column.unit", lambda e: e["unit_name"], 40, None),
        ("awards.column.top_level_unit", lambda e: e["top_level_unit_name"], 32, None),
        ("awards.column.recognized_count", lambda e: e["recognized_count"], 14, None),
        ("awards.column.score_total", lambda e: e["score_total"], 14, None),
        ("awards.column.benefit", lambda e: e["confirmed_benefit_vnd"], 22, MONEY_FORMAT),
        ("awards.column.codes", lambda e: ", ".join(e["codes"]), 40, None),
    ],
    "outstanding_collectives": [
        ("awards.column.rank", lambda e: e["rank"], 6, None),
        ("awards.column.unit", lambda e: e["unit_name"], 48, None),
        ("awards.column.top_level_unit", lambda e: e["top_level_unit_name"], 32, None),
        ("awards.column.target", lambda e: e["target"], 12, "#,##0"),
        ("awards.column.entered", lambda e: e["entered"], 12, "#,##0"),
        ("awards.column.recognized_count", lambda e: e["recognized_count"], 14, "#,##0"),
        ("awards.column.benefit", lambda e: e["confirmed_benefit_vnd"], 22, MONEY_FORMAT),
    ],
}


def _date(timestamp: str):
    return datetime.fromisoformat(timestamp).astimezone(clock.VIETNAM).date()


def _moment(timestamp: str):
    # Excel has no time zones: the Vietnam wall-clock time people read.
    return datetime.fromisoformat(timestamp).astimezone(clock.VIETNAM).replace(tzinfo=None)


def _as_text(row) -> None:
    """Cells of text that looks like a formula stay text (see the module's docstring)."""
    for cell in row:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True


def person(user_id: str | None, names: dict, language: str) -> str:
    """Who compiled or approved, by name (the id only for a user no longer known)."""
    if user_id == "schedule":
        return text("awards.compiled_by.schedule", language)
    return names.get(user_id) or user_id or ""


def stamp(award_list, names: dict, language: str = "vi") -> str:
    """What the list is, in one line: DỰ THẢO, or approved by whom and when."""
    if award_list.status == APPROVED:
        return text("awards.info.approved", language, at=when(award_list.approved_at),
                    by=person(award_list.approved_by, names, language))
    return text("awards.info.draft", language)


def render(award_list, unit_name: str, phase_name: str, names: dict | None = None, language: str = "vi") -> bytes:
    """The .xlsx file of one list version, as bytes. `names`: user id → full
    name of who compiled and approved it."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    names = names or {}
    approved = award_list.status == APPROVED
    book = Workbook()
    info = book.active
    info.title = text("awards.sheet.summary", language)
    bold = Font(bold=True)
    title = text("awards.info.title", language)
    info.append([title if approved else f"{title} ({text('awards.info.draft', language)})"])
    info["A1"].font = Font(bold=True, size=14)
    info.append([])
    rows = [("awards.info.unit", unit_name, None), ("awards.info.phase", phase_name, None),
            ("awards.info.version", award_list.version, None),
            ("awards.info.status", stamp(award_list, names, language), None),
            ("awards.info.compiled_at", _moment(award_list.compiled_at), DATETIME_FORMAT),
            ("awards.info.compiled_by", person(award_list.compiled_by, names, language), None)]
    if approved:
        rows += [("awards.info.approved_at", _moment(award_list.approved_at), DATETIME_FORMAT),
                 ("awards.info.approved_by", person(award_list.approved_by, names, language), None)]
    rows += [(f"awards.kind.{kind}", count, None) for kind, count in award_list.counts.items()]
    for key, value, number_format in rows:
        info.append([text(key, language), value])
        _as_text(info[info.max_row])
        info.cell(row=info.max_row, column=1).font = bold
        if number_format:
            info.cell(row=info.max_row, column=2).number_format = number_format
        if key == "awards.info.status":
            info.cell(row=info.max_row, column=2).font = Font(bold=True, color=None if approved else "C00000")
    if not approved:
        info.append([text("awards.info.draft_note", language)])
    info.append([])
    info.append([text("awards.info.criteria", language)])
    info.cell(row=info.max_row, column=1).font = bold
    criteria = award_list.criteria
    yes_no = {True: text("awards.yes", language), False: text("awards.no", language)}
    for key, value in [
        ("awards.criteria.min_total_score", criteria["exemplary_initiatives"]["min_total_score"]),
        ("awards.criteria.top_per_top_level_unit", criteria["exemplary_initiatives"]["top_per_top_level_unit"]),
        ("awards.criteria.individuals_min_recognized", criteria["outstanding_individuals"]["min_recognized"]),
        ("awards.criteria.collectives_min_recognized", criteria["outstanding_collectives"]["min_recognized"]),
        ("awards.criteria.require_target_reached",
         yes_no[bool(criteria["outstanding_collectives"]["require_target_reached"])]),
    ]:
        info.append([text(key, language), value])
    info.column_dimensions["A"].width = 70
    info.column_dimensions["B"].width = 50
    info["B3"].alignment = Alignment(wrap_text=True)

    for kind, columns in COLUMNS.items():
        sheet = book.create_sheet(text(f"awards.kind.{kind}", language))
        sheet.append([text(key, language) for key, _, _, _ in columns])
        for cell in sheet[1]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for entry in award_list.lists[kind]:
            sheet.append([value(entry) for _, value, _, _ in columns])
            _as_text(sheet[sheet.max_row])
        for index, (_, _, width, number_format) in enumerate(columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = width
            if number_format:
                for row in range(2, sheet.max_row + 1):
                    sheet.cell(row=row, column=index).number_format = number_format
        sheet.freeze_panes = "A2"
        if sheet.max_row > 1:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{sheet.max_row}"

    # Printed, every page of every sheet says what the list is.
    for sheet in book.worksheets:
        sheet.oddHeader.center.text = stamp(award_list, names, language).replace("&", "&&")
        sheet.oddHeader.center.font = "-,Bold"

    moment = _moment(award_list.compiled_at)
    book.properties.created = moment
    book.properties.title = f"{text('awards.info.title', language)} – {unit_name} – {phase_name}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_name(award_list) -> str:
    """The name a leader saves it under, saying draft (du-thao) or approved (da-phe-duyet)."""
    status = "da-phe-duyet" if award_list.status == APPROVED else "du-thao"
    return f"danh-sach-khen-thuong-{award_list.unit_id}-{award_list.phase_id}-v{award_list.version}-{status}.xlsx"


def write(award_list, unit_name: str, phase_name: str, names: dict | None = None) -> None:
    """Render and put the file at the list's workbook key."""
    aws.s3().put_object(Bucket=settings.awards_bucket(), Key=award_list.workbook_key,
                        Body=render(award_list, unit_name, phase_name, names), ContentType=CONTENT_TYPE,
                        ContentDisposition=f'attachment; filename="{file_name(award_list)}"')


def download_link(award_list) -> dict:
    """A presigned GET of the file, valid `settings.download_link_seconds()`
    (at most 7 days): {"url", "expires_at"}."""
    from datetime import timedelta

    seconds = max(1, min(settings.download_link_seconds(), MAX_LINK_SECONDS))
    url = aws.s3().generate_presigned_url(
        "get_object", Params={"Bucket": settings.awards_bucket(), "Key": award_list.workbook_key},
        ExpiresIn=seconds)
    return {"url": url, "expires_at": clock.timestamp(clock.now() + timedelta(seconds=seconds))}
