"""The cycle's write to a workbook, part by part: only the parts it changes are rewritten.

Dokumen, the state tab and the admin tabs get their cells written in the rows that
change; a worker tab gets its rows anew; Riwayat gets its rows added after its last one,
nothing before it parsed; the styles part gets the formats it lacks. Every other part is
copied as it is, so a cycle costs what it reads and changes, not what Riwayat has grown
to. The result reads back as ``xlsx_whole`` (the same write on a whole openpyxl workbook)
leaves it; anything this writer does not rewrite in place raises Unpatchable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from syncer import contract as c
from syncer import layout
from syncer.backends import Changes, Table
from syncer.backends import xlsx_styles as styles
from syncer.backends.xlsx_looks import column_look, tab_look, wrapped_cells
from syncer.backends.xlsx_package import inflate, rewrite
from syncer.backends.xlsx_rows import row_height
from syncer.backends.xlsx_sheet import Sheet, Write
from syncer.backends.xlsx_styles import StyleBook
from syncer.ledger import history_cells, record_cells
from syncer.meta import MetaArea, placed
from syncer.views import Grid


@dataclass(frozen=True)
class Found:
    """What a write needs from its read, besides the file's bytes."""

    epoch: datetime
    """The workbook's first day (1900 or 1904): where its date serials count from."""
    parts: dict[str, str]
    """Tab title -> the part that holds it."""
    dokumen: list[list[object]]
    """Dokumen as read, header row first."""
    record_rows: dict[str, int]
    """ID -> index of its record among the state tab's rows (below the header)."""
    state_rows: int
    """The rows the state tab had, header included."""
    meta: MetaArea
    tables: dict[str, Table]
    """Admin tabs as read."""


class _Parts:
    """The parts of one workbook as the write changes them."""

    def __init__(self, data: bytes, found: Found):
        self.data = data
        self.found = found
        self.styles = StyleBook(inflate(data, styles.PART))
        self.new: dict[str, bytes] = {}

    def sheet(self, title: str) -> Sheet:
        part = self.found.parts[title]
        xml = self.new.get(part) or inflate(self.data, part)
        return Sheet(xml, self.styles, self.found.epoch)

    def put(self, title: str, xml: bytes) -> None:
        self.new[self.found.parts[title]] = xml

    def result(self) -> bytes:
        if self.styles.changed:
            self.new[styles.PART] = self.styles.xml()
        return rewrite(self.data, self.new)


def patched(data: bytes, changes: Changes, found: Found, zone: ZoneInfo) -> bytes:
    """The workbook ``data`` with ``changes`` written; raises Unpatchable (xlsx_package)."""
    parts = _Parts(data, found)
    if changes.cells:
        _dokumen(parts, changes)
    if changes.records or changes.meta:
        _state(parts, changes)
    for title, grid in changes.tabs.items():
        _worker_tab(parts, title, grid)
    for title, texts in changes.pesan.items():
        _pesan(parts, title, texts)
    if changes.history:
        _riwayat(parts, changes, zone)
    return parts.result()


def _dokumen(parts: _Parts, changes: Changes) -> None:
    found = parts.found
    cols = c.column_map(found.dokumen[0] if found.dokumen else [])
    rows: dict[int, dict[int, Write]] = defaultdict(dict)
    for change in changes.cells:
        col = cols[c.header_key(change.column)]
        look = column_look(layout.DOKUMEN.column(change.column))
        rows[change.row + 2][col + 1] = Write(change.value, look)
    sheet = parts.sheet(c.DOKUMEN)
    heights = _heights(sheet, found.dokumen, rows, wrapped_columns(layout.DOKUMEN, cols))
    parts.put(c.DOKUMEN, sheet.written(rows, heights))


def _state(parts: _Parts, changes: Changes) -> None:
    found = parts.found
    rows: dict[int, dict[int, Write]] = defaultdict(dict)
    next_row = max(found.state_rows, 1) + 1
    for record in changes.records:
        index = found.record_rows.get(record.id)
        if index is None:
            row, next_row = next_row, next_row + 1
        else:
            row = index + 2
        for col, value in enumerate(record_cells(record), start=1):
            rows[row][col] = Write(value, dated=True)
    if changes.meta and found.meta.columns is not None:
        key_col, value_col = found.meta.columns
        for index, key, value in placed(found.meta, changes.meta):
            rows[index + 2][key_col + 1] = Write(key, dated=True)
            rows[index + 2][value_col + 1] = Write(value, dated=True)
    if rows:
        parts.put(c.STATE, parts.sheet(c.STATE).written(rows, {}))


def _worker_tab(parts: _Parts, title: str, grid: Grid) -> None:
    sheet = parts.sheet(title)
    widths = sheet.widths()
    hidden = layout.BY_TITLE[title].hidden_columns
    written: list[list[Write]] = []
    heights: dict[int, float | None] = {}
    for number, row in enumerate(grid, start=1):
        values = [None if x.value == "" else x.value for x in row]
        written.append(
            [
                Write(value, tab_look(value, x.style, col), dated=True)
                for col, (value, x) in enumerate(zip(values, row, strict=True))
            ]
        )
        wrapped = wrapped_cells(row, hidden)
        heights[number] = row_height((values[i], widths.get(i + 1)) for i in wrapped)
    parts.put(title, sheet.replaced(written, heights))


def _pesan(parts: _Parts, title: str, texts: dict[int, str]) -> None:
    table = parts.found.tables[title]
    tab = layout.BY_TITLE[title]
    cols = c.column_map(table.headers)
    pesan = cols[c.header_key(c.PESAN)]
    look = column_look(tab.column(c.PESAN))
    rows = {index + 2: {pesan + 1: Write(text, look)} for index, text in texts.items()}
    sheet = parts.sheet(title)
    heights = _heights(sheet, [table.headers, *table.rows], rows, wrapped_columns(tab, cols))
    parts.put(title, sheet.written(rows, heights))


def _riwayat(parts: _Parts, changes: Changes, zone: ZoneInfo) -> None:
    sheet = parts.sheet(c.RIWAYAT)
    ledger = layout.RIWAYAT.columns
    looks = [column_look(col) for col in ledger]
    widths = sheet.widths()
    wrapped = [i for i, col in enumerate(ledger) if col.wrap]
    rows: dict[int, dict[int, Write]] = {}
    heights: dict[int, float | None] = {}
    first = max(sheet.last_row(), 1) + 1
    for number, entry in enumerate(changes.history, start=first):
        values = [None if x == "" else x for x in history_cells(entry, zone)]
        rows[number] = {
            col: Write(value, look)
            for col, (value, look) in enumerate(zip(values, looks, strict=True), start=1)
        }
        heights[number] = row_height((values[i], widths.get(i + 1)) for i in wrapped)
    parts.put(c.RIWAYAT, sheet.written(rows, heights, tail=True))


def _heights(
    sheet: Sheet,
    grid: list[list[object]],
    rows: Mapping[int, Mapping[int, Write]],
    wrapped: list[int],
) -> dict[int, float | None]:
    """The fitted height of each written row: its wrapped cells as read, or as written."""
    widths = sheet.widths()
    heights: dict[int, float | None] = {}
    for number, cells in rows.items():
        read = grid[number - 1] if number - 1 < len(grid) else []
        heights[number] = row_height((_text(cells, read, i), widths.get(i + 1)) for i in wrapped)
    return heights


def _text(cells: Mapping[int, Write], read: list[object], index: int) -> object:
    """The value a row's cell ``index`` (0-based) holds after the write."""
    if index + 1 in cells:
        return cells[index + 1].value
    return read[index] if index < len(read) else None


def wrapped_columns(tab: layout.Tab, cols: dict[str, int]) -> list[int]:
    """Where the tab's wrapped columns are (0-based)."""
    found = (cols.get(c.header_key(col.header)) for col in tab.columns if col.wrap)
    return [index for index in found if index is not None]
