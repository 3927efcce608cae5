"""A phase report as an Excel workbook (openpyxl), one sheet per section, in
the house style of the award lists' workbook (chalicelib/awards/workbook.py):
Vietnamese headers from the message catalogue, bold header rows, frozen
panes, numbers with thousands separators (`#,##0`: Excel shows the reader's
own separator, so 1.500.000 in a Vietnamese Excel), money in whole đồng
(`#,##0 "₫"`), shares as percentages (`0.0%`), dates as DD/MM/YYYY, and
native Excel charts (openpyxl.chart: bars for the states, subject groups
and fields; a line chart of the running totals) drawn from the sheet's own
cells, so the file needs nothing but Excel (or LibreOffice) to read.

Every figure is the report's (reports.service.phase_report), itself the
counters': nothing here counts.
"""
import io
from datetime import date, datetime

from chalicelib import clock
from chalicelib.awards.workbook import DATE_FORMAT, DATETIME_FORMAT, MONEY_FORMAT
from chalicelib.i18n import text
from chalicelib.reports import core

COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
KINDS = ("exemplary_initiatives", "outstanding_individuals", "outstanding_collectives")
BLOCKS = ("enterprise", "administrative")


def titles(report: dict, language: str) -> tuple[str, str]:
    """(heading, program line): "Báo cáo sơ kết giai đoạn 1" and "Chương trình “…”"."""
    program = report["program"]["name"].get(language) or report["program"]["name"]["vi"]
    phase = report["phase"]["name"].get(language) or report["phase"]["name"]["vi"]
    if report["kind"] == core.FINAL:
        heading = text("reports.heading.final", language)
    elif report["program"]["phases"] > 1:
        # "Báo cáo sơ kết giai đoạn 1": the phase's name inside a sentence, lower case in Vietnamese.
        heading = text("reports.heading.interim", language, phase=phase[:1].lower() + phase[1:]
                       if language == "vi" else phase)
    else:
        heading = text("reports.heading.interim_program", language)
    return heading, text("reports.heading.program", language, program=program)


def title(report: dict, language: str) -> str:
    """The report's title in one line."""
    return " ".join(titles(report, language))


def name_in(names: dict, key: str, language: str) -> str:
    found = names.get(key) or {}
    return found.get(language) or found.get("vi") or key


def _day(value: str) -> date:
    return date.fromisoformat(value)


def _moment(timestamp: str) -> datetime:
    # Excel has no time zones: the Vietnam wall-clock time people read.
    return datetime.fromisoformat(timestamp).astimezone(clock.VIETNAM).replace(tzinfo=None)


def _share(value: int, total: int):
    return value / total if total else None


def _percent(value):
    """A counters' percentage (12.5) as Excel's fraction (0.125) under PERCENT_FORMAT."""
    return None if value is None else value / 100


class _Sheet:
    """A sheet written row by row, with the house style."""

    def __init__(self, book, name: str, first: bool = False):
        from openpyxl.styles import Font

        self.sheet = book.active if first else book.create_sheet()
        self.sheet.title = name[:31]
        self.bold = Font(bold=True)

    def row(self, values, formats=(), bold: bool = False) -> int:
        self.sheet.append(list(values))
        at = self.sheet.max_row
        for column, number_format in enumerate(formats, start=1):
            if number_format:
                self.sheet.cell(row=at, column=column).number_format = number_format
        if bold:
            for cell in self.sheet[at]:
                cell.font = self.bold
        return at

    def header(self, keys, language: str) -> int:
        from openpyxl.styles import Alignment

        at = self.row([text(key, language) for key in keys], bold=True)
        for cell in self.sheet[at]:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        return at

    def widths(self, *widths) -> None:
        from openpyxl.utils import get_column_letter

        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width

    def title(self, value: str) -> None:
        from openpyxl.styles import Font

        at = self.row([value])
        self.sheet.cell(row=at, column=1).font = Font(bold=True, size=13)


def _bar_chart(sheet, title: str, label_column: int, value_column: int, first: int, last: int, anchor: str,
               y_title: str):
    """A horizontal bar chart of the sheet's rows first..last (labels, values); the header row is first - 1."""
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = title
    chart.y_axis.title = y_title
    chart.legend = None
    chart.add_data(Reference(sheet, min_col=value_column, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=label_column, min_row=first, max_row=last))
    chart.y_axis.numFmt = COUNT_FORMAT
    chart.height, chart.width = max(6.0, 1.0 + 0.8 * (last - first + 1)), 16.0
    # openpyxl leaves the axes' delete flag unset, which recent Excel reads as "hidden".
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    sheet.add_chart(chart, anchor)
    return chart


def render(report: dict, language: str = "vi") -> bytes:
    """The .xlsx file of a report (reports.service.phase_report), as bytes."""
    from openpyxl import Workbook

    book = Workbook()
    heading, program_line = titles(report, language)
    figures, names = report["figures"], report["names"]
    unit_name = report["unit"]["name"]
    phase_name = name_in({"p": report["phase"]["name"]}, "p", language)

    # ---- Tổng hợp: who, when, the figures, the states (with a bar chart), the program in all
    summary = _Sheet(book, text("reports.section.summary", language), first=True)
    summary.title(f"{heading.upper()} – {unit_name}")
    summary.row([program_line])
    summary.row([])
    summary.row([text("reports.unit", language), unit_name], bold=False)
    summary.row([text("reports.phase", language),
                 text("reports.phase_dates", language, phase=phase_name,
                      first=_day(report["phase"]["starts_on"]).strftime("%d/%m/%Y"),
                      last=_day(report["phase"]["ends_on"]).strftime("%d/%m/%Y"))])
    summary.row([text("reports.figures_to", language), _day(report["figures_to"])], (None, DATE_FORMAT))
    summary.row([text("reports.made_at", language), _moment(report["as_of"])], (None, DATETIME_FORMAT))
    summary.row([])
    summary.header(["reports.col.what", "reports.col.value"], language)
    progress = report["progress"]
    target_key = "reports.figure.program_target" if progress["program_target"] else "reports.figure.target"
    for key, value, number_format in [
        ("reports.figure.entered", figures["entered"], COUNT_FORMAT),
        ("reports.figure.recognized", report["recognized"], COUNT_FORMAT),
        (target_key, progress["target"], COUNT_FORMAT),
        ("reports.figure.percent", _percent(progress["percent"]), PERCENT_FORMAT),
        ("reports.figure.authors", figures["authors"], COUNT_FORMAT),
        ("reports.figure.benefit_estimated", figures["benefit_estimated_vnd"], MONEY_FORMAT),
        ("reports.figure.benefit_confirmed", figures["benefit_confirmed_vnd"], MONEY_FORMAT),
        ("reports.figure.children", len(report["leading"]["by_initiatives"]), COUNT_FORMAT),
    ]:
        if key == target_key and value is None:
            value = text("reports.figure.no_target", language)
        summary.row([text(key, language), value], (None, number_format))
    summary.row([])
    summary.title(text("reports.section.by_state", language))
    header = summary.header(["reports.col.state", "reports.col.count", "reports.col.share"], language)
    total = figures["entered"]
    for state, count in figures["by_state"].items():
        last = summary.row([name_in(names["states"], state, language), count, _share(count, total)],
                           (None, COUNT_FORMAT, PERCENT_FORMAT))
    _bar_chart(summary.sheet, text("reports.section.by_state", language), 1, 2, header + 1, last, "D3",
               text("reports.chart.initiatives", language))
    if report["program_in_all"]:
        in_all = report["program_in_all"]
        summary.row([])
        summary.title(text("reports.section.in_all", language))
        for key, value, number_format in [
            ("reports.figure.phases", in_all["phases"], COUNT_FORMAT),
            ("reports.figure.entered", in_all["entered"], COUNT_FORMAT),
            ("reports.figure.benefit_estimated", in_all["benefit_estimated_vnd"], MONEY_FORMAT),
            ("reports.figure.benefit_confirmed", in_all["benefit_confirmed_vnd"], MONEY_FORMAT),
        ]:
            summary.row([text(key, language), value], (None, number_format))
    summary.row([])
    summary.row([text("reports.counters_note", language)])
    summary.widths(46, 30, 12)

    # ---- Theo nhóm đối tượng, Theo lĩnh vực: counts, shares and a bar chart each
    for section, column, counts, found in (
            ("reports.section.by_subject_group", "reports.col.subject_group", figures["by_subject_group"],
             names["subject_groups"]),
            ("reports.section.by_field", "reports.col.field", figures["by_field"], names["fields"])):
        sheet = _Sheet(book, text(section, language))
        header = sheet.header([column, "reports.col.count", "reports.col.share"], language)
        last = header
        for key, count in counts.items():
            last = sheet.row([name_in(found, key, language), count, _share(count, total)],
                             (None, COUNT_FORMAT, PERCENT_FORMAT))
        if last > header:
            _bar_chart(sheet.sheet, text(section, language), 1, 2, header + 1, last, "E2",
                       text("reports.chart.initiatives", language))
        sheet.sheet.freeze_panes = "A2"
        sheet.widths(60, 14, 10)

    # ---- Theo khối: entered against each block's target
    blocks = _Sheet(book, text("reports.section.by_block", language))
    blocks.header(["reports.col.block", "reports.col.entered", "reports.col.target", "reports.col.reached"], language)
    for block, reached in figures["reached"]["by_block"].items():
        blocks.row([text(f"reports.block.{block}", language) if block in BLOCKS else block, reached["entered"],
                    reached["target"], _percent(reached["percent"])],
                   (None, COUNT_FORMAT, COUNT_FORMAT, PERCENT_FORMAT))
    blocks.row([text("reports.figure.entered", language), figures["entered"], progress["target"],
                _percent(progress["percent"])], (None, COUNT_FORMAT, COUNT_FORMAT, PERCENT_FORMAT), bold=True)
    blocks.sheet.freeze_panes = "A2"
    blocks.widths(52, 14, 14, 16)

    # ---- Đơn vị dẫn đầu: every child, by initiatives, with its rank both ways
    leading = _Sheet(book, text("reports.section.leading", language))
    leading.header(["reports.col.rank_entered", "reports.col.unit", "reports.col.entered", "reports.col.target",
                    "reports.col.reached", "reports.col.rank_percent", "reports.col.authors"], language)
    by_percent = {row["unit"]["id"]: row["rank"] for row in report["leading"]["by_percent_of_target"]}
    for row in report["leading"]["by_initiatives"]:
        leading.row([row["rank"], row["unit"]["name"], row["entered"], row["target"],
                     _percent(row["percent_of_target"]), by_percent.get(row["unit"]["id"]) if row["target"] else None,
                     row["authors"]],
                    (None, None, COUNT_FORMAT, COUNT_FORMAT, PERCENT_FORMAT, None, COUNT_FORMAT))
    leading.sheet.freeze_panes = "C2"
    leading.widths(10, 48, 12, 12, 12, 12, 12)
    if leading.sheet.max_row > 1:
        leading.sheet.auto_filter.ref = f"A1:G{leading.sheet.max_row}"

    # ---- Cụm thi đua (the national unit's report): each quarter's leader of each cluster
    if report["honours"] is not None:
        clusters = _Sheet(book, text("reports.section.clusters", language))
        clusters.header(["reports.col.quarter", "reports.col.from", "reports.col.to", "reports.col.cluster",
                         "reports.col.leader", "reports.col.entered", "reports.col.quarter_target",
                         "reports.col.reached"], language)
        for quarter in report["honours"]:
            so_far = "" if quarter["complete"] else f" ({text('reports.honours.so_far', language)})"
            label = quarter["quarter"] + so_far
            for found in quarter["clusters"]:
                first = found["members"][0] if found["leader"] else None
                clusters.row([label, _day(quarter["from"]), _day(quarter["to"]),
                              name_in({"c": found["cluster"]["name"]}, "c", language),
                              first["name"] if first else text("reports.honours.none", language),
                              first["entered"] if first else None, first["target"] if first else None,
                              _percent(first["percent_of_target"]) if first else None],
                             (None, DATE_FORMAT, DATE_FORMAT, None, None, COUNT_FORMAT, COUNT_FORMAT, PERCENT_FORMAT))
        clusters.sheet.freeze_panes = "A2"
        clusters.widths(16, 12, 12, 40, 44, 12, 14, 12)

    # ---- Diễn biến theo ngày: every day of the phase so far, and a line chart of the running totals
    days = _Sheet(book, text("reports.section.trend", language))
    days.header(["reports.col.day", "reports.col.entered_day", "reports.col.recognized_day",
                 "reports.col.entered_total", "reports.col.recognized_total", "reports.col.pace"], language)
    trend = report["trend"]["days"] if report["trend"] else []
    for day in trend:
        days.row([_day(day["date"]), day["entered"], day["recognized"], day["entered_total"], day["recognized_total"],
                  day["pace"]], (DATE_FORMAT,) + (COUNT_FORMAT,) * 5)
    days.sheet.freeze_panes = "A2"
    days.widths(12, 14, 16, 16, 18, 18)
    if trend:
        from openpyxl.chart import LineChart, Reference

        chart = LineChart()
        chart.title = text("reports.chart.trend", language)
        chart.y_axis.title = text("reports.chart.initiatives", language)
        chart.y_axis.numFmt = COUNT_FORMAT
        chart.x_axis.number_format = DATE_FORMAT
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        last = days.sheet.max_row
        chart.add_data(Reference(days.sheet, min_col=4, max_col=6 if trend[-1]["pace"] is not None else 5,
                                 min_row=1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(days.sheet, min_col=1, min_row=2, max_row=last))
        chart.height, chart.width = 9.0, 22.0
        days.sheet.add_chart(chart, "H2")

    # ---- Khen thưởng: the latest award list of the unit and phase, its counts per kind
    awards = _Sheet(book, text("reports.section.awards", language))
    found = report["awards"]
    if found is None:
        awards.row([text("reports.awards.none", language)])
    else:
        awards.title(text("reports.awards.list", language, version=found["version"]))
        awards.row([text("awards.info.status", language), text(f"awards.status.{found['status']}", language)])
        awards.row([text("awards.info.compiled_at", language), _moment(found["compiled_at"])], (None, DATETIME_FORMAT))
        if found["approved_at"]:
            awards.row([text("awards.info.approved_at", language), _moment(found["approved_at"])],
                       (None, DATETIME_FORMAT))
        awards.row([])
        awards.header(["reports.col.kind", "reports.col.count"], language)
        for kind in KINDS:
            awards.row([text(f"awards.kind.{kind}", language), found["counts"].get(kind, 0)], (None, COUNT_FORMAT))
    awards.widths(44, 24)

    # Printed, every page of every sheet says which report it is, and for which unit.
    header_text = f"{heading} – {unit_name}".replace("&", "&&")
    for sheet in book.worksheets:
        sheet.oddHeader.center.text = header_text
        sheet.oddHeader.center.font = "-,Bold"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    book.properties.title = f"{heading} {program_line} – {unit_name}"
    book.properties.created = _moment(report["as_of"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
