"""Phase reports (báo cáo sơ kết / tổng kết, issue 13 point 7): a unit's
figures for one phase as leaders report them, on a printable A4 page and in an
Excel workbook. Everything comes from the counters (counters.stats), the
clusters' leaders and the latest award list (awards.store): what a report
costs grows with the unit's children and the phase's months, never with the
initiatives (docs/data-model.md).

- core.py: which report it is (interim or final), the leading units, the file name (pure);
- service.py: the report read for a caller, and its workbook put where a link can fetch it;
- workbook.py: the .xlsx (openpyxl), one sheet per section, native Excel charts.
"""
