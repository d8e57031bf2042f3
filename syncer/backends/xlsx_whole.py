"""The cycle's write applied to a whole openpyxl workbook, which is then saved whole.

What ``xlsx_write`` writes part by part must read back as this leaves it; and this is
how a workbook that ``xlsx_write`` cannot change in place is written (once: openpyxl
saves it in the form ``xlsx_write`` reads).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from syncer import contract as c
from syncer import layout
from syncer.backends import Changes
from syncer.backends.xlsx_cells import Looks, set_value, write_meta, write_tab
from syncer.backends.xlsx_rows import fit_height
from syncer.backends.xlsx_write import Found, wrapped_columns
from syncer.engine import Record
from syncer.ledger import history_cells, record_cells


def write_whole(book: Workbook, changes: Changes, found: Found, zone: ZoneInfo) -> None:
    dokumen = book[c.DOKUMEN]
    cols = c.column_map([cell.value for cell in dokumen[1]])
    wrapped = wrapped_columns(layout.DOKUMEN, cols)
    looks = Looks(dokumen)
    for change in changes.cells:
        col = cols[c.header_key(change.column)]
        cell = dokumen.cell(change.row + 2, col + 1)
        looks.set(cell, change.value, layout.DOKUMEN.column(change.column))
    for row in sorted({change.row for change in changes.cells}):
        fit_height(dokumen, row + 2, wrapped)
    state = book[c.STATE]
    _write_records(state, found.record_rows, changes.records)
    write_meta(state, found.meta, changes.meta)
    for title, grid in changes.tabs.items():
        write_tab(book, title, grid)
    for title, texts in changes.pesan.items():
        sheet = book[title]
        tab = layout.BY_TITLE[title]
        cols = c.column_map(found.tables[title].headers)
        pesan = cols[c.header_key(c.PESAN)]
        looks = Looks(sheet)
        for row, text in texts.items():
            looks.set(sheet.cell(row + 2, pesan + 1), text, tab.column(c.PESAN))
            fit_height(sheet, row + 2, wrapped_columns(tab, cols))
    riwayat = book[c.RIWAYAT]
    last = riwayat.max_row  # openpyxl scans every cell for it: once, not per entry
    ledger = layout.RIWAYAT.columns
    wrapped = [i for i, col in enumerate(ledger) if col.wrap]
    looks = Looks(riwayat)
    for row, entry in enumerate(changes.history, start=last + 1):
        cells = history_cells(entry, zone)
        for col, (value, column) in enumerate(zip(cells, ledger, strict=True), start=1):
            looks.set(riwayat.cell(row, col), value, column)
        fit_height(riwayat, row, wrapped)


def _write_records(state: Worksheet, rows: dict[str, int], records: list[Record]) -> None:
    """Upsert records by ID: a known one in its row, a new one below everything."""
    next_row = state.max_row + 1
    for record in records:
        index = rows.get(record.id)
        if index is None:
            row, next_row = next_row, next_row + 1
        else:
            row = index + 2
        for col, value in enumerate(record_cells(record), start=1):
            set_value(state.cell(row, col), value)
