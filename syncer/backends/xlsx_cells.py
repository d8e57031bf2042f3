"""Cells in and out of an openpyxl workbook: values as written and read, styles of worker tabs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeAlias, cast

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from syncer import contract as c
from syncer import layout, views
from syncer.meta import MetaArea, placed

LINE_HEIGHT = 15.0
FONT = "Calibri"
"""A workbook's default font: headers and titles in it too, not the reader's fallback."""
HEADER_FONT = Font(name=FONT, bold=True)
GREY_FILL = PatternFill("solid", start_color=layout.HEADER_FILL, end_color=layout.HEADER_FILL)
WRAP = Alignment(wrap_text=True)
CENTRE = Alignment(horizontal="center")
NUMBER_FORMATS = layout.PATTERNS


AnyCell: TypeAlias = "Cell | MergedCell"


def set_value(cell: AnyCell, value: object) -> None:
    """Write a value as data: text stays text even when it starts with '='."""
    cell.value = cast(Any, None if value == "" else value)
    if isinstance(value, str) and value:
        cell.data_type = "s"
    elif isinstance(value, datetime):
        cell.number_format = c.DATE_FORMAT


def sheet_values(sheet: Worksheet) -> list[list[object]]:
    """The sheet's values row by row, as ``iter_rows(values_only=True)`` gives them.

    Without its side effect: openpyxl's iter_rows creates and keeps a Cell for
    every empty position it passes (40,000, 6 MB, at 20,000 rows), so the cells
    the workbook holds are read from its cell store instead.
    """
    width = sheet.max_column
    rows: list[list[object]] = [[None] * width for _ in range(sheet.max_row)]
    for (row, col), cell in sheet._cells.items():
        rows[row - 1][col - 1] = cell.value
    return rows


def fit_height(sheet: Worksheet, row: int, columns: list[int]) -> None:
    """Spreadsheets do not re-measure wrapped rows on opening: size the row for its text."""
    lines = 1
    for col in columns:
        text = sheet.cell(row, col + 1).value
        if isinstance(text, str) and text:
            width = sheet.column_dimensions[get_column_letter(col + 1)].width or 13
            per_line = max(8, int(width * 1.1))
            lines = max(lines, -(-len(text) // per_line))
    sheet.row_dimensions[row].height = LINE_HEIGHT * lines if lines > 1 else None


def write_meta(state: Worksheet, area: MetaArea, updates: Mapping[str, str]) -> None:
    """Upsert keys of the state tab's key→value area."""
    if not updates or area.columns is None:
        return
    key_col, value_col = area.columns
    for index, key, value in placed(area, dict(updates)):
        set_value(state.cell(index + 2, key_col + 1), key)
        set_value(state.cell(index + 2, value_col + 1), value)


def write_tab(book: Workbook, title: str, grid: views.Grid) -> None:
    """Replace a worker tab's contents, styled (the tab itself is made by ``init``)."""
    sheet = book[title]
    if sheet.max_row > 0:
        sheet.delete_rows(1, sheet.max_row)
    for r, row in enumerate(grid, start=1):
        for col, styled in enumerate(row, start=1):
            cell = sheet.cell(r, col)
            set_value(cell, styled.value)
            _style(cell, styled.style)
        fit_height(sheet, r, [i for i, x in enumerate(row) if x.style != views.TITLE])


def _style(cell: AnyCell, style: str) -> None:
    if style == views.TITLE:
        cell.font = Font(name=FONT, bold=True, size=13)
    elif style in (views.HEADER, views.TOTAL):
        cell.font = HEADER_FONT
        cell.fill = GREY_FILL
    elif style in c.STATUS_COLOURS:
        colour = c.STATUS_COLOURS[c.Status(style)]
        cell.fill = PatternFill("solid", start_color=colour, end_color=colour)
    if views.centred(cell.value, style, (cell.column or 1) - 1):
        cell.alignment = CENTRE
    elif style != views.TITLE and isinstance(cell.value, str) and len(cell.value) > 20:
        cell.alignment = WRAP
