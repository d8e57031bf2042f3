"""The monitoring form as a workbook (openpyxl), to sign on paper or to edit further.

Three sheets: ``Monitoring`` (the title block, the form and the signature), ``Rincian``
(each SOP's step table) and ``Grafik`` (per SOP, its chart data and a native bar chart
of the median time taken against Mutu Baku per step: the charts stay editable in Excel
and LibreOffice, and follow their data cells if the evaluator corrects them).
Printed landscape on A4, one page wide.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from syncer.contract import STATUS_COLOURS, Status
from syncer.monitoring.laporan import (
    CHART_UNIT,
    FORM_HEADERS,
    NAME_LINE,
    STEP_HEADERS,
    TITLE,
    Laporan,
)
from syncer.monitoring.measures import Penilaian, ProcedureFigures

FORM_WIDTHS = (5, 34, 26, 72, 34)
STEP_WIDTHS = (5, 52, 18, 9, 14, 14, 11, 15, 13)
CHART_WIDTHS = (9, 16, 16)
GREY = PatternFill("solid", start_color="D9D9D9", end_color="D9D9D9")
OVER = PatternFill(
    "solid",
    start_color=STATUS_COLOURS[Status.TERLAMBAT],
    end_color=STATUS_COLOURS[Status.TERLAMBAT],
)
MEDIAN_COLOUR, STANDARD_COLOUR = "E69138", "6D9EEB"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTRE_TOP = Alignment(horizontal="center", vertical="top")
LINE_POINTS = 13.0
CHARTS_PER_PAGE = 2
CHART_ROWS = 18
"""Rows a chart block takes on the Grafik sheet (about 8 cm)."""


def write_xlsx(laporan: Laporan, out: Path | BinaryIO) -> None:
    """Write the form to ``out``; OSError when it cannot be written."""
    book = Workbook()
    form = book.active
    form.title = "Monitoring"
    _form(form, laporan)
    _details(book.create_sheet("Rincian"), laporan)
    _charts(book.create_sheet("Grafik"), laporan)
    book.save(out)


def _setup(sheet: Worksheet, widths: tuple[int, ...]) -> None:
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def _table_row(sheet: Worksheet, row: int, values: list[object], header: bool = False) -> None:
    """One bordered row of a table, wrapped at the top, its height fitted to its text."""
    lines = 1
    for col, value in enumerate(values, start=1):
        cell = sheet.cell(row, col)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # text stays text, whatever it starts with
        cell.border = BOX
        cell.alignment = CENTRE_TOP if _centred(value) else WRAP_TOP
        if header:
            cell.font, cell.fill = BOLD, GREY
        width = sheet.column_dimensions[get_column_letter(col)].width or 10
        lines = max(lines, _lines(str(value), width))
    sheet.row_dimensions[row].height = LINE_POINTS * lines + 3


def _centred(value: object) -> bool:
    """Numbers and the ``-`` of nothing to show are centred: they read as a column."""
    return value == "-" or (isinstance(value, int | float) and not isinstance(value, bool))


def _lines(text: str, width: float) -> int:
    """Lines a text wraps to in a column ``width`` characters wide (words kept whole)."""
    per_line = max(4, int(width * 1.1))
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) <= per_line:
            used += 1 + len(word)
            continue
        if used:
            lines += 1
        lines += (len(word) - 1) // per_line  # a word longer than a line is broken
        used = (len(word) - 1) % per_line + 1
    return lines


def _form(sheet: Worksheet, laporan: Laporan) -> None:
    _setup(sheet, FORM_WIDTHS)
    last = get_column_letter(len(FORM_WIDTHS))
    sheet["A1"] = TITLE
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.merge_cells(f"A1:{last}1")
    row = 3
    for label, value in laporan.heading():
        sheet.cell(row, 1, label).font = BOLD
        sheet.cell(row, 1).alignment = Alignment(vertical="top")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        sheet.cell(row, 3, value).alignment = WRAP_TOP
        sheet.merge_cells(f"C{row}:{last}{row}")
        wide = sum(FORM_WIDTHS[2:])
        sheet.row_dimensions[row].height = LINE_POINTS * _lines(value, wide) + 3
        row += 1
    row += 1
    first = row
    _table_row(sheet, row, list(FORM_HEADERS), header=True)
    for entry in laporan.rows():
        row += 1
        judged = entry.penilaian.value if entry.penilaian else ""
        _table_row(sheet, row, [entry.no, entry.prosedur, judged, entry.catatan, ""])
        if entry.penilaian is Penilaian.TIDAK_BAIK:
            sheet.cell(row, 3).fill = OVER
    sheet.print_title_rows = f"{first}:{first}"
    row += 2
    lines = laporan.signature()
    for i, line in enumerate(lines):
        cell = sheet.cell(row + i, len(FORM_WIDTHS), line)
        if i == len(lines) + NAME_LINE:
            cell.font = BOLD


def _details(sheet: Worksheet, laporan: Laporan) -> None:
    _setup(sheet, STEP_WIDTHS)
    sheet["A1"] = f"Rincian per langkah, {laporan.measures.period.label}"
    sheet["A1"].font = Font(bold=True, size=13)
    row = 3
    number = {p.procedure.code: n for n, p in enumerate(laporan.measures.procedures, start=1)}
    detailed = laporan.detailed()
    if not detailed:
        sheet.cell(row, 1, "Tidak ada langkah yang selesai pada periode ini.")
    for proc in detailed:
        sheet.cell(row, 1, f"{number[proc.procedure.code]}. {proc.procedure.title}").font = BOLD
        row += 1
        _table_row(sheet, row, list(STEP_HEADERS), header=True)
        for step, values in zip(proc.steps, laporan.step_rows(proc), strict=True):
            row += 1
            _table_row(sheet, row, list(values))
            if step.slowness is not None and step.slowness > 1:
                sheet.cell(row, 5).fill = OVER
            if step.share is not None and step.share < laporan.good_share - 1e-9:
                sheet.cell(row, 8).fill = OVER
        row += 2


def _charts(sheet: Worksheet, laporan: Laporan) -> None:
    _setup(sheet, CHART_WIDTHS)
    sheet["A1"] = "Median waktu pelaksanaan sebenarnya terhadap Mutu Baku per langkah"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = (
        f"Dalam {CHART_UNIT} (1 hari kerja = {laporan.hours_per_day()} jam kerja)."
        " Grafik mengikuti angka di sebelah kirinya."
    )
    top = 4
    number = {p.procedure.code: n for n, p in enumerate(laporan.measures.procedures, start=1)}
    for index, proc in enumerate(laporan.detailed()):
        if index and index % CHARTS_PER_PAGE == 0:
            sheet.row_breaks.append(Break(id=top - 1))
        _chart_block(
            sheet, top, f"{number[proc.procedure.code]}. {proc.procedure.title}", proc, laporan
        )
        top += max(CHART_ROWS, proc.procedure.last + 3)


def _chart_block(
    sheet: Worksheet, top: int, title: str, proc: ProcedureFigures, laporan: Laporan
) -> None:
    sheet.cell(top, 1, title).font = BOLD
    header = top + 1
    _table_row(sheet, header, ["Langkah", "Median", "Mutu Baku"], header=True)
    for offset, bar in enumerate(laporan.bars(proc), start=1):
        _table_row(sheet, header + offset, [bar.step, bar.median, bar.standard])
    last = header + proc.procedure.last
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = CHART_UNIT
    chart.x_axis.title = "Langkah"
    chart.x_axis.delete = False  # openpyxl 3.1 hides both axes unless told
    chart.y_axis.delete = False
    chart.y_axis.scaling.min = 0
    chart.legend.position = "b"
    data = Reference(sheet, min_col=2, max_col=3, min_row=header, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=header + 1, max_row=last))
    for series, colour in zip(chart.series, (MEDIAN_COLOUR, STANDARD_COLOUR), strict=True):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.noFill = True
    chart.width, chart.height = 22.0, 8.0
    sheet.add_chart(chart, f"E{top}")
