"""The embedded default: a local .xlsx workbook, read and written with openpyxl.

One cycle loads the workbook once and, when something changed, saves it once
(how the file is opened and replaced: ``workbook_file``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from syncer import contract as c
from syncer import layout
from syncer.backends import Changes, NeedsInit, Snapshot, Table, workbook_file
from syncer.backends.xlsx_cells import (
    Looks,
    set_value,
    sheet_values,
    write_meta,
    write_tab,
)
from syncer.backends.xlsx_rows import fit_height
from syncer.engine import Record, Rules
from syncer.ledger import history_cells, read_history, read_records, record_cells
from syncer.meta import MetaArea, read_meta


@dataclass(frozen=True)
class _Basis:
    """What a write needs from its read: the loaded workbook, and where its rows are."""

    book: Workbook
    stat: workbook_file.Stamp
    record_rows: dict[str, int]
    meta: MetaArea
    tables: dict[str, list[object]]
    """Admin tab -> its headers."""


class XlsxBackend:
    def __init__(self, path: Path, zone: ZoneInfo):
        self.path = Path(path)
        workbook_file.check_path(self.path)
        self.target = str(self.path)
        self.zone = zone

    # --- init -------------------------------------------------------------------------------

    def init(self, rules: Rules) -> list[str]:
        from syncer.backends.xlsx_layout import prepare

        stat: workbook_file.Stamp | None = None
        if self.path.exists():
            stat = workbook_file.stamp(self.path)
            book = workbook_file.load(self.path)
        else:
            book = Workbook()
        done = prepare(book, rules)
        if done:
            workbook_file.save(self.path, book, stat)
        return done

    # --- read -------------------------------------------------------------------------------

    def read(self, full_history: bool = False) -> Snapshot:
        if not self.path.exists():
            raise NeedsInit(f"workbook {self.path} does not exist")
        stat = workbook_file.stamp(self.path)
        book = workbook_file.load(self.path)
        absent = [tab.title for tab in layout.TABS if tab.title not in book.sheetnames]
        if absent:
            raise NeedsInit(f"workbook {self.path} has no tab {', '.join(absent)}")
        grids = {tab.title: sheet_values(book[tab.title]) for tab in layout.READ_TABS}
        for tab in layout.READ_TABS:
            rows = grids[tab.title]
            lacking = layout.missing(tab, rows[0] if rows else [])
            if lacking:
                raise NeedsInit(f"tab {tab.title} has no column {', '.join(lacking)}")
        dokumen, state = grids.pop(c.DOKUMEN), grids.pop(c.STATE)
        held = read_records(state[0], state[1:])
        area = read_meta(state[0], state[1:])
        tables = {title: Table(list(rows[0]), rows[1:]) for title, rows in grids.items()}
        riwayat = book[c.RIWAYAT]
        history = None
        if full_history:
            values = sheet_values(riwayat)
            history = read_history(values[0], values[1:], self.zone) if values else []
        blank = frozenset(
            tab.title
            for tab in layout.WORKER_TABS
            if book[tab.title].cell(1, 1).value in (None, "")
        )
        basis = _Basis(book, stat, held.rows, area, {t: x.headers for t, x in tables.items()})
        return Snapshot(
            headers=list(dokumen[0]),
            rows=dokumen[1:],
            records=held.records,
            basis=basis,
            record_ids=frozenset(held.rows),
            unreadable=held.unreadable,
            ledger_has_entries=riwayat.max_row > 1,
            meta=dict(area.values),
            tables=tables,
            history=history,
            blank_tabs=blank,
        )

    # --- write ------------------------------------------------------------------------------

    def write(self, changes: Changes, basis: object) -> None:
        if not isinstance(basis, _Basis):
            raise TypeError("write() takes the basis of this backend's read()")
        book = basis.book
        dokumen = book[c.DOKUMEN]
        cols = c.column_map([cell.value for cell in dokumen[1]])
        wrapped = _wrapped(layout.DOKUMEN, cols)
        looks = Looks(dokumen)
        for change in changes.cells:
            col = cols[c.header_key(change.column)]
            cell = dokumen.cell(change.row + 2, col + 1)
            looks.set(cell, change.value, layout.DOKUMEN.column(change.column))
        for row in sorted({change.row for change in changes.cells}):
            fit_height(dokumen, row + 2, wrapped)
        state = book[c.STATE]
        _write_records(state, basis.record_rows, changes.records)
        write_meta(state, basis.meta, changes.meta)
        for title, grid in changes.tabs.items():
            write_tab(book, title, grid)
        for title, texts in changes.pesan.items():
            sheet = book[title]
            tab = layout.BY_TITLE[title]
            cols = c.column_map(basis.tables[title])
            pesan = cols[c.header_key(c.PESAN)]
            looks = Looks(sheet)
            for row, text in texts.items():
                looks.set(sheet.cell(row + 2, pesan + 1), text, tab.column(c.PESAN))
                fit_height(sheet, row + 2, _wrapped(tab, cols))
        riwayat = book[c.RIWAYAT]
        last = riwayat.max_row  # openpyxl scans every cell for it: once, not per entry
        ledger = layout.RIWAYAT.columns
        wrapped = [i for i, col in enumerate(ledger) if col.wrap]
        looks = Looks(riwayat)
        for row, entry in enumerate(changes.history, start=last + 1):
            cells = history_cells(entry, self.zone)
            for col, (value, column) in enumerate(zip(cells, ledger, strict=True), start=1):
                looks.set(riwayat.cell(row, col), value, column)
            fit_height(riwayat, row, wrapped)
        workbook_file.save(self.path, book, basis.stat)


def _wrapped(tab: layout.Tab, cols: dict[str, int]) -> list[int]:
    """Where the tab's wrapped columns are."""
    found = (cols.get(c.header_key(col.header)) for col in tab.columns if col.wrap)
    return [index for index in found if index is not None]


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
