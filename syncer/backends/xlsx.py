"""The embedded default: a local .xlsx workbook, read and written with openpyxl.

One cycle loads the workbook once and, when something changed, saves it once
(how the file is opened and replaced: ``workbook_file``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sop_models import Catalog
from syncer import contract as c
from syncer import views
from syncer.backends import Changes, NeedsInit, Snapshot, workbook_file
from syncer.engine import Rules
from syncer.ledger import history_cells, read_history, read_records, record_cells

WIDTHS = {
    c.ID: 18,
    c.PROSEDUR: 22,
    c.JUDUL: 40,
    c.LANGKAH: 10,
    c.CATATAN: 30,
    c.KEGIATAN: 45,
    c.PELAKSANA: 24,
    c.MULAI: 17,
    c.TENGGAT: 17,
    c.STATUS: 15,
    c.PESAN: 70,
}
RIWAYAT_WIDTHS = (17, 18, 20, 7, 9, 24, 17, 60)
HEADER_FONT = Font(bold=True)
WORKER_FILL = PatternFill("solid", start_color="D9D9D9", end_color="D9D9D9")
WORKER_FONT = Font(bold=True, italic=True, color="595959")
WORKER_NOTE = "Diisi otomatis oleh sopsync. Jangan diubah: perubahan akan ditimpa."
ROW_LIMIT = 1_048_576
WRAP = Alignment(wrap_text=True)
CENTRE = Alignment(horizontal="center")
WRAPPED = (c.KEGIATAN, c.PESAN)
WORKER_TABS = (views.RINGKASAN, views.SOP)
TAB_WIDTHS = {
    views.RINGKASAN: (40, 34, 22, 17, 22, 12, 10),
    views.SOP: (18, 34, 5, 22, 48, 28, 10, 30, 22, 20, 40),
}
LINE_HEIGHT = 15.0
VALIDATION_TITLE = "sopsync"


def _set(cell: Cell, value: object) -> None:
    """Write a value as data: text stays text even when it starts with '='."""
    cell.value = None if value == "" else value
    if isinstance(value, str) and value:
        cell.data_type = "s"
    elif isinstance(value, datetime):
        cell.number_format = c.DATE_FORMAT


class XlsxBackend:
    def __init__(self, path: Path, zone: ZoneInfo):
        self.path = Path(path)
        workbook_file.check_path(self.path)
        self.target = str(self.path)
        self.zone = zone
        self._book: Workbook | None = None
        self._stat: workbook_file.Stamp | None = None
        self._state_rows: dict[str, int] = {}

    # --- init -------------------------------------------------------------------------------

    def init(self, rules: Rules) -> list[str]:
        if self.path.exists():
            book = workbook_file.load(self.path)
            stat = workbook_file.stamp(self.path)
        else:
            book, stat = Workbook(), None
            book.remove(book.active)
        done = _prepare(book, rules.catalog)
        if done:
            workbook_file.save(self.path, book, stat)
        return done

    # --- read -------------------------------------------------------------------------------

    def read(self) -> Snapshot:
        if not self.path.exists():
            raise NeedsInit(f"workbook {self.path} does not exist")
        self._stat = workbook_file.stamp(self.path)
        book = workbook_file.load(self.path)
        missing = [t for t in (c.DOKUMEN, c.RIWAYAT) if t not in book.sheetnames]
        if missing:
            raise NeedsInit(f"workbook {self.path} has no tab {', '.join(missing)}")
        dokumen = book[c.DOKUMEN]
        rows = _values(dokumen)
        headers = list(rows[0]) if rows else []
        absent = c.missing_columns(headers, (*c.STAFF_COLUMNS, *c.WORKER_COLUMNS))
        if absent:
            raise NeedsInit(f"tab {c.DOKUMEN} has no column {', '.join(absent)}")
        records: dict = {}
        self._state_rows = {}
        if c.STATE in book.sheetnames:
            state = _values(book[c.STATE])
            if state:
                records = read_records(state[0], state[1:])
                id_col = c.column_map(state[0]).get("id", 0)
                self._state_rows = {
                    str(r[id_col]): i + 2
                    for i, r in enumerate(state[1:])
                    if id_col < len(r) and r[id_col] is not None
                }
        self._book = book
        tabs = {
            title: _values(book[title]) if title in book.sheetnames else None
            for title in WORKER_TABS
        }
        return Snapshot(headers, rows[1:], records, book[c.RIWAYAT].max_row > 1, tabs)

    def read_history(self) -> list:
        book = self._book if self._book is not None else workbook_file.load(self.path)
        riwayat = _values(book[c.RIWAYAT])
        return read_history(riwayat[0], riwayat[1:], self.zone) if riwayat else []

    # --- write ------------------------------------------------------------------------------

    def write(self, changes: Changes) -> None:
        book = self._book
        if book is None:
            raise RuntimeError("write() needs a read() first")
        dokumen = book[c.DOKUMEN]
        cols = c.column_map([cell.value for cell in dokumen[1]])
        wrapped = {cols[c.header_key(name)] for name in WRAPPED}
        for change in changes.cells:
            col = cols[c.header_key(change.column)]
            cell = dokumen.cell(change.row + 2, col + 1)
            _set(cell, change.value)
            if col in wrapped:
                cell.alignment = WRAP
                _fit_height(dokumen, change.row + 2, [cols[c.header_key(n)] for n in WRAPPED])
        if changes.records:
            self._write_records(book, changes.records)
        for title, grid in changes.tabs.items():
            _write_tab(book, title, grid)
        riwayat = book[c.RIWAYAT]
        last = riwayat.max_row  # openpyxl scans every cell for it: once, not per entry
        for row, entry in enumerate(changes.history, start=last + 1):
            for col, value in enumerate(history_cells(entry, self.zone), start=1):
                _set(riwayat.cell(row, col), value)
        self._stat = workbook_file.save(self.path, book, self._stat)

    def _write_records(self, book: Workbook, records: Iterable) -> None:
        if c.STATE not in book.sheetnames:
            _state_sheet(book)
        state = book[c.STATE]
        next_row = state.max_row + 1
        for record in records:
            row = self._state_rows.get(record.id)
            if row is None:
                row = self._state_rows[record.id] = next_row
                next_row += 1
            for col, value in enumerate(record_cells(record), start=1):
                _set(state.cell(row, col), value)


def _values(sheet: Worksheet) -> list[list[object]]:
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


def _fit_height(sheet: Worksheet, row: int, columns: list[int]) -> None:
    """Spreadsheets do not re-measure wrapped rows on opening: size the row for its text."""
    lines = 1
    for col in columns:
        text = sheet.cell(row, col + 1).value
        if isinstance(text, str) and text:
            width = sheet.column_dimensions[get_column_letter(col + 1)].width or 13
            per_line = max(8, int(width * 1.1))
            lines = max(lines, -(-len(text) // per_line))
    sheet.row_dimensions[row].height = LINE_HEIGHT * lines if lines > 1 else None


# --- structure ------------------------------------------------------------------------------


def _prepare(book: Workbook, catalog: Catalog) -> list[str]:
    done: list[str] = []
    if c.DOKUMEN not in book.sheetnames:
        book.create_sheet(c.DOKUMEN, 0)
        done.append(f"created tab {c.DOKUMEN}")
    dokumen = book[c.DOKUMEN]
    headers = [cell.value for cell in dokumen[1]] if dokumen.max_row >= 1 else []
    while headers and headers[-1] in (None, ""):
        headers.pop()
    added = c.missing_columns(headers, (*c.STAFF_COLUMNS, *c.WORKER_COLUMNS))
    for offset, name in enumerate(added, start=len(headers) + 1):
        dokumen.cell(1, offset).value = name
    if added:
        done.append(f"added columns {', '.join(added)}")
    _style_dokumen(dokumen, catalog)
    if c.RIWAYAT not in book.sheetnames:
        riwayat = book.create_sheet(c.RIWAYAT)
        riwayat.append(list(c.RIWAYAT_COLUMNS))
        for col, width in enumerate(RIWAYAT_WIDTHS, start=1):
            riwayat.column_dimensions[get_column_letter(col)].width = width
            riwayat.cell(1, col).font = HEADER_FONT
        riwayat.freeze_panes = "A2"
        riwayat.protection.sheet = True
        _landscape(riwayat)
        done.append(f"created tab {c.RIWAYAT}")
    if c.STATE not in book.sheetnames:
        _state_sheet(book)
        done.append(f"created hidden tab {c.STATE}")
    sop = views.sop_grid(catalog)
    current = _values(book[views.SOP]) if views.SOP in book.sheetnames else None
    if not views.same(current, sop):
        _write_tab(book, views.SOP, sop)
        done.append(f"wrote tab {views.SOP}")
    return done


def _write_tab(book: Workbook, title: str, grid: views.Grid) -> None:
    """Replace a worker tab's contents; styled, protected, its column widths set once."""
    if title not in book.sheetnames:
        sheet = book.create_sheet(title)
        for col, width in enumerate(TAB_WIDTHS[title], start=1):
            sheet.column_dimensions[get_column_letter(col)].width = width
        sheet.protection.sheet = True
        sheet.sheet_properties.tabColor = "808080"
        _landscape(sheet)
    sheet = book[title]
    if sheet.max_row > 0:
        sheet.delete_rows(1, sheet.max_row)
    for r, row in enumerate(grid, start=1):
        for col, styled in enumerate(row, start=1):
            cell = sheet.cell(r, col)
            _set(cell, styled.value)
            _style(cell, styled.style)
        _fit_height(sheet, r, [c for c, x in enumerate(row) if x.style != views.TITLE])
    sheet.freeze_panes = "A3" if title == views.SOP else None


def _style(cell: Cell, style: str) -> None:
    if style == views.TITLE:
        cell.font = Font(bold=True, size=13)
    elif style in (views.HEADER, views.TOTAL):
        cell.font = HEADER_FONT
        cell.fill = WORKER_FILL
    elif style in c.STATUS_COLOURS:
        colour = c.STATUS_COLOURS[c.Status(style)]
        cell.fill = PatternFill("solid", start_color=colour, end_color=colour)
    if views.centred(cell.value, style, cell.column - 1):
        cell.alignment = CENTRE
    elif style != views.TITLE and isinstance(cell.value, str) and len(cell.value) > 20:
        cell.alignment = WRAP


def _state_sheet(book: Workbook) -> Worksheet:
    state = book.create_sheet(c.STATE)
    state.append(list(c.STATE_COLUMNS))
    state.sheet_state = "hidden"
    state.protection.sheet = True
    return state


def _style_dokumen(ws: Worksheet, catalog: Catalog) -> None:
    cols = c.column_map([cell.value for cell in ws[1]])
    last = get_column_letter(max(cols.values()) + 1)
    ws.freeze_panes = "A2"
    for name in (*c.STAFF_COLUMNS, *c.WORKER_COLUMNS):
        index = cols[c.header_key(name)] + 1
        letter = get_column_letter(index)
        header = ws.cell(1, index)
        if ws.column_dimensions[letter].width in (None, 13.0):
            ws.column_dimensions[letter].width = WIDTHS[name]
        if name in c.WORKER_COLUMNS:
            header.fill, header.font = WORKER_FILL, WORKER_FONT
            if header.comment is None:
                header.comment = Comment(WORKER_NOTE, "sopsync", width=260, height=70)
        else:
            header.font = HEADER_FONT
        header.alignment = Alignment(vertical="center")
        if name in c.DATE_COLUMNS:
            ws.column_dimensions[letter].number_format = c.DATE_FORMAT
    ws.auto_filter.ref = f"A1:{last}{max(ws.max_row, 2)}"
    _landscape(ws)
    _validations(ws, cols, catalog)
    _status_colours(ws, cols, last)


def _landscape(ws: Worksheet) -> None:
    """Printed, the sheet fits the page width (offices print their queues)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"


def _validations(ws: Worksheet, cols: dict[str, int], catalog: Catalog) -> None:
    ws.data_validations.dataValidation = [
        dv for dv in ws.data_validations.dataValidation if dv.promptTitle != VALIDATION_TITLE
    ]
    codes = ",".join(views.prosedur_choices(catalog))
    steps = ",".join(views.langkah_choices(catalog))
    for column, items in ((c.PROSEDUR, codes), (c.LANGKAH, steps)):
        prompt = views.CHOICE_PROMPTS[column]
        if len(items) > 255:  # Excel's limit for a literal list; the cell stays free text
            continue
        letter = get_column_letter(cols[c.header_key(column)] + 1)
        dv = DataValidation(
            type="list",
            formula1=f'"{items}"',
            allow_blank=True,
            showErrorMessage=False,
            showInputMessage=True,
            promptTitle=VALIDATION_TITLE,
            prompt=prompt,
        )
        dv.add(f"{letter}2:{letter}{ROW_LIMIT}")
        ws.add_data_validation(dv)


def _status_colours(ws: Worksheet, cols: dict[str, int], last: str) -> None:
    status = get_column_letter(cols[c.header_key(c.STATUS)] + 1)
    area = f"A2:{last}{ROW_LIMIT}"
    present = {
        (str(cf.sqref), tuple(rule.formula or ()))
        for cf in ws.conditional_formatting
        for rule in cf.rules
    }
    for value, colour in c.STATUS_COLOURS.items():
        formula = f'${status}2="{value}"'
        if (area, (formula,)) in present:
            continue
        fill = PatternFill("solid", start_color=colour, end_color=colour)
        ws.conditional_formatting.add(area, FormulaRule(formula=[formula], fill=fill))
