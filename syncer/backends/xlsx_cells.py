"""Cells in and out of an openpyxl workbook: values as written and read, styles of worker tabs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any, TypeAlias, cast

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from syncer import contract as c
from syncer import layout, views
from syncer.backends.xlsx_looks import Align, Solid, Typeface, column_look, tab_look, wrapped_cells
from syncer.backends.xlsx_rows import fit_height
from syncer.meta import MetaArea, placed

BASE_FONT = Font(name=layout.FONT, sz=layout.FONT_SIZE, family=2)
"""The workbook's own font (``xlsx_layout``): every cell without a font of its own."""


AnyCell: TypeAlias = "Cell | MergedCell"


def set_value(cell: AnyCell, value: object, dated: bool = True) -> None:
    """Write a value as data: text stays text even when it starts with '='; a date-time
    shown as the contract says (unless ``dated`` is False: its column's look does)."""
    cell.value = cast(Any, None if value == "" else value)
    if isinstance(value, str) and value:
        cell.data_type = "s"
    elif dated and isinstance(value, datetime):
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


@cache
def alignment_of(align: Align) -> Alignment:
    """A look's alignment as openpyxl's (kept: openpyxl hashes it for every cell given it)."""
    return Alignment(
        horizontal=align.horizontal, vertical=align.vertical, wrap_text=True if align.wrap else None
    )


@cache
def font_of(face: Typeface) -> Font:
    return Font(name=face.name, sz=face.size, bold=face.bold)


@cache
def fill_of(fill: Solid) -> PatternFill:
    return PatternFill("solid", start_color=fill.colour, end_color=fill.colour)


def look(col: layout.Column) -> tuple[str | None, Alignment]:
    """A column's number format (None: any) and alignment (``xlsx_looks.column_look``)."""
    given = column_look(col)
    return given.number, alignment_of(given.alignment or Align())


class Looks:
    """The layout's column looks as one workbook's style ids.

    A cell takes its column's look by two numbers, without openpyxl hashing a style
    object for each cell (a first sync writes a hundred thousand cells)."""

    def __init__(self, sheet: Worksheet):
        self.sheet = sheet
        self.ids: dict[layout.Column, tuple[int | None, int]] = {}

    def _ids(self, col: layout.Column) -> tuple[int | None, int]:
        found = self.ids.get(col)
        if found is None:
            probe = Cell(self.sheet)  # registers the look's parts with the workbook
            number, alignment = look(col)
            if number is not None:
                probe.number_format = number
            probe.alignment = alignment
            style: Any = probe._style
            found = self.ids[col] = (style.numFmtId if number else None, style.alignmentId)
        return found

    def has(self, cell: AnyCell, col: layout.Column) -> bool:
        number, alignment = self._ids(col)
        style: Any = cell._style or StyleArray()
        return style.alignmentId == alignment and number in (None, style.numFmtId)

    def give(self, cell: AnyCell, col: layout.Column) -> None:
        number, alignment = self._ids(col)
        if cell._style is None:  # a cell without a style of its own
            cell._style = StyleArray()
        style: Any = cell._style
        style.alignmentId = alignment
        if number is not None:
            style.numFmtId = number

    def set(self, cell: AnyCell, value: object, col: layout.Column) -> None:
        """Write a value with its column's look (cells typed in Excel take it from the column)."""
        set_value(cell, value, dated=False)
        self.give(cell, col)


def write_meta(state: Worksheet, area: MetaArea, updates: Mapping[str, str | None]) -> None:
    """Upsert keys of the state tab's key→value area."""
    if not updates or area.columns is None:
        return
    key_col, value_col = area.columns
    for index, key, value in placed(area, updates):
        set_value(state.cell(index + 2, key_col + 1), key)
        set_value(state.cell(index + 2, value_col + 1), value)


def write_tab(book: Workbook, title: str, grid: views.Grid) -> None:
    """Replace a worker tab's contents, styled (the tab itself is made by ``init``)."""
    sheet = book[title]
    hidden = layout.BY_TITLE[title].hidden_columns
    if sheet.max_row > 0:
        sheet.delete_rows(1, sheet.max_row)
    for r, row in enumerate(grid, start=1):
        for col, styled in enumerate(row, start=1):
            cell = sheet.cell(r, col)
            set_value(cell, styled.value)
            _style(cell, styled.style)
        fit_height(sheet, r, wrapped_cells(row, hidden))


def _style(cell: AnyCell, style: str) -> None:
    look = tab_look(cell.value, style, (cell.column or 1) - 1)
    if look.font is not None:
        cell.font = font_of(look.font)
    if look.fill is not None:
        cell.fill = fill_of(look.fill)
    if look.alignment is not None:
        cell.alignment = alignment_of(look.alignment)
