"""What a phase report is, decided from the program's calendar alone (pure).

Which report: a program reports on itself at the end of each phase and at
its end. The last phase's report, once that phase is over, is the program's
final review (tổng kết: "Báo cáo tổng kết Chương trình ..."): it closes the
program, so it carries the program in all beside the last phase. Every other
report is an interim review (sơ kết) of the phase it is about, and so is the
last phase's while that phase is still open ("Báo cáo sơ kết giai đoạn 2 ...,
tính đến ngày ..."): a final review is written when there is nothing more to
come. A program of one phase: interim while it is open, final once it is over.
"""
from datetime import date

INTERIM, FINAL = "interim", "final"
# How the file name says which report it is (bao-cao-so-ket-..., bao-cao-tong-ket-...).
FILE_WORD = {INTERIM: "so-ket", FINAL: "tong-ket"}
# The leading units a page shows of each ordering (the workbook lists them all).
LEADING_SHOWN = 10


def kind(program, phase, today: date) -> str:
    """INTERIM or FINAL (see the module's docstring)."""
    last = program.phases[-1].id == phase.id
    return FINAL if last and today > phase.ends_on else INTERIM


def phase_number(program, phase) -> int:
    """The phase's place in its program, from 1."""
    return next(index for index, each in enumerate(program.phases, start=1) if each.id == phase.id)


def figures_to(phase, today: date) -> date:
    """The last day the report's days run to: today while the phase is open, its last day after."""
    return min(phase.ends_on, today)


def leading(children: list) -> dict:
    """A unit's direct children ranked as the dashboard and GET /stats/rankings
    rank units (tied ones share a rank, listed in Vietnamese name order): by
    initiatives entered and by share of target reached (units without a
    target last)."""
    from chalicelib.counters import core

    rows = [{"unit": child["unit"], "entered": child["entered"], "target": (child["target"] or {}).get("total"),
             "percent_of_target": child["reached"]["percent"], "authors": child["authors"]} for child in children]

    def name(row):
        return row["unit"]["name"]

    return {"by_initiatives": core.ranking(rows, lambda r: r["entered"], name),
            "by_percent_of_target": core.ranking(rows, lambda r: core.share(r["entered"], r["target"]), name)}


def file_name(report_kind: str, unit_id: str, phase_id: str) -> str:
    """bao-cao-so-ket-<unit>-<phase>.xlsx (tong-ket for the final review): ids are URL-safe already."""
    return f"bao-cao-{FILE_WORD[report_kind]}-{unit_id}-{phase_id}.xlsx"
