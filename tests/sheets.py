"""Sheets under test: one interface over a real .xlsx file and an emulated Google Sheet.

The contract suite drives sopsync through its CLI and acts as staff would:
typing cells, adding rows, sorting. Each backend implements the same small
interface, so one parametrised suite covers both.
"""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from syncer import contract as c
from syncer.backends.google import from_serial
from syncer.cli import main
from tests.emulator.model import STAFF

OWNER = "tu@kecamatan.go.id"
"""Who made an office's Google sheet and shared it: its admin, owner of the spreadsheet."""
OLD_DATE_FORMAT = "dd/mm/yyyy hh:mm"
"""How date-times showed before DESIGN §2 v2."""


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(*argv: str) -> Result:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
    return Result(code, out.getvalue(), err.getvalue())


def said(err: str) -> str:
    """What an admin reads on stderr besides log lines: checked to be one line, no traceback."""
    lines = [line for line in err.splitlines() if not line.startswith("{")]
    assert len(lines) == 1 and lines[0].startswith("sopsync: "), err
    assert "Traceback" not in lines[0]
    return lines[0]


class XlsxSheet:
    """A real workbook file, edited with openpyxl the way Excel would save it."""

    kind = "xlsx"

    def __init__(self, folder: Path, config_text: str = ""):
        self.path = folder / "kantor.xlsx"
        self.config = folder / "sopsync.toml"
        self.config.write_text(f'backend = "xlsx"\n[xlsx]\npath = "{self.path}"\n{config_text}')

    # --- the worker -------------------------------------------------------------------------

    def cli(self, command: str, *extra: str) -> Result:
        return run_cli(command, "--config", self.config, *extra)

    def sync(self, now: str, *extra: str) -> Result:
        return self.cli("sync", "--now", now, *extra)

    def fingerprint(self) -> bytes:
        return self.path.read_bytes()

    # --- what staff see ---------------------------------------------------------------------

    def table(self, tab: str = c.DOKUMEN) -> list[dict[str, object]]:
        book = load_workbook(self.path)
        rows = list(book[tab].iter_rows(values_only=True))
        headers = [str(h) if h is not None else "" for h in rows[0]]
        return _records(headers, [list(r) for r in rows[1:]])

    def headers(self, tab: str = c.DOKUMEN) -> list[object]:
        book = load_workbook(self.path)
        return [cell.value for cell in book[tab][1]]

    def grid(self, tab: str) -> list[list[object]]:
        """A tab as rows of values, header row included."""
        return [list(r) for r in load_workbook(self.path)[tab].iter_rows(values_only=True)]

    def tabs(self) -> list[str]:
        return load_workbook(self.path).sheetnames

    def dropdown(self, tab: str, column: str, row: int = 2) -> tuple[list[str], bool]:
        """The values a cell's dropdown offers, and whether other values are refused."""
        sheet = load_workbook(self.path)[tab]
        col = c.column_map([x.value for x in sheet[1]])[column.casefold()]
        cell = sheet.cell(row, col + 1).coordinate
        for dv in sheet.data_validations.dataValidation:
            if cell in dv.sqref and dv.type == "list":
                return dv.formula1.strip('"').split(","), bool(dv.showErrorMessage)
        return [], False

    # --- what staff do ----------------------------------------------------------------------

    def _edit(self, change, tab: str = c.DOKUMEN) -> None:
        if not self.path.exists():  # the admin prepared the sheet before staff use it
            assert self.cli("init").code == 0
        book = load_workbook(self.path)
        change(book[tab])
        book.save(self.path)

    def add_rows(self, *rows: dict[str, object], tab: str = c.DOKUMEN) -> None:
        def change(sheet):
            cols = c.column_map([x.value for x in sheet[1]])
            for values in rows:
                row = _last_used_row(sheet) + 1
                for name, value in values.items():
                    col = cols.get(name.casefold())
                    if col is None:
                        col = sheet.max_column
                        sheet.cell(1, col + 1).value = name
                    sheet.cell(row, col + 1).value = value

        self._edit(change, tab)

    def set(self, row: int, column: str, value: object, tab: str = c.DOKUMEN) -> None:
        """Type into a cell; ``row`` is the sheet row number (2 = first document)."""

        def change(sheet):
            cols = c.column_map([x.value for x in sheet[1]])
            sheet.cell(row, cols[column.casefold()] + 1).value = value

        self._edit(change, tab)

    def set_by_id(self, doc_id: str, column: str, value: object) -> None:
        self.set(self.row_of(doc_id), column, value)

    def row_of(self, doc_id: str) -> int:
        for number, row in enumerate(self.table(), start=2):
            if row.get("ID") == doc_id:
                return number
        raise KeyError(doc_id)

    def sort(
        self,
        column: str,
        columns: list[str] | None = None,
        reverse: bool = False,
        tab: str = c.DOKUMEN,
        admin: bool = False,
    ) -> None:
        """Sort data rows by ``column``; only ``columns`` move when given (a selected range).
        ``admin``: the sheet's owner sorts (on Google, staff may not sort a protected tab)."""

        def change(sheet):
            headers = [x.value for x in sheet[1]]
            cols = c.column_map(headers)
            moving = [cols[n.casefold()] for n in columns] if columns else list(range(len(headers)))
            last = _last_used_row(sheet)
            values = [
                [sheet.cell(r, col + 1).value for col in range(len(headers))]
                for r in range(2, last + 1)
            ]
            key = cols[column.casefold()]
            order = sorted(values, key=lambda v: _sort_key(v[key]), reverse=reverse)
            for r, row_values in enumerate(order, start=2):
                for col in moving:
                    sheet.cell(r, col + 1).value = row_values[col]

        self._edit(change, tab)

    def drop_state(self) -> None:
        """An admin deletes the worker's hidden state tab."""
        book = load_workbook(self.path)
        del book[c.STATE]
        book.save(self.path)

    def make_old(self) -> None:
        """The sheet as sopsync left it before Pegawai, Kalender and the key→value area."""
        book = load_workbook(self.path)
        for title in ("Pegawai", "Kalender"):
            del book[title]
        book[c.STATE].delete_cols(3, 2)
        book.save(self.path)

    def forget(self, key: str) -> None:
        """The key→value area without ``key``, as an earlier sopsync left it."""
        book = load_workbook(self.path)
        state = book[c.STATE]
        for row in range(2, state.max_row + 1):
            if state.cell(row, 3).value == key:
                state.cell(row, 4).value = None
        book.save(self.path)

    def add_tab(self, title: str, index: int) -> None:
        book = load_workbook(self.path)
        book.create_sheet(title, index)
        book.save(self.path)

    def rename_tab(self, title: str, new: str) -> None:
        """Staff rename a tab, as Excel lets them (``dokumen`` for ``Dokumen`` included)."""
        book = load_workbook(self.path)
        sheet = book[title]
        sheet.title = "~"  # openpyxl's own check of a clash ignores case, and itself
        sheet.title = new
        book.save(self.path)

    def move_tab(self, title: str, index: int) -> None:
        """Staff drag a tab to another place."""
        book = load_workbook(self.path)
        book.move_sheet(title, index - book.sheetnames.index(title))
        book.save(self.path)

    def age_formats(self) -> None:
        """Dates as an earlier sopsync showed them (``hh:mm``), in Dokumen and Riwayat."""
        book = load_workbook(self.path)
        for tab, columns in ((c.DOKUMEN, (c.MULAI, c.TENGGAT)), (c.RIWAYAT, ("Waktu", "Tenggat"))):
            sheet = book[tab]
            cols = c.column_map([x.value for x in sheet[1]])
            for name in columns:
                for row in range(2, sheet.max_row + 1):
                    sheet.cell(row, cols[name.casefold()] + 1).number_format = OLD_DATE_FORMAT
        book.save(self.path)

    def lose_record(self, doc_id: str, how: str) -> None:
        """The state tab loses one record: its row deleted ("deleted") or its text damaged."""
        book = load_workbook(self.path)
        state = book[c.STATE]
        for row in range(2, state.max_row + 1):
            if state.cell(row, 1).value == doc_id:
                if how == "deleted":
                    state.delete_rows(row)
                else:
                    state.cell(row, 2).value = "rusak|tidak|terbaca"
                break
        else:
            raise KeyError(doc_id)
        book.save(self.path)

    def cell_format(self, row: int, column: str, tab: str = c.DOKUMEN) -> str:
        book = load_workbook(self.path)
        sheet = book[tab]
        col = c.column_map([x.value for x in sheet[1]])[column.casefold()]
        cell = sheet.cell(row, col + 1)
        if cell.has_style:
            return cell.number_format
        return sheet.column_dimensions[cell.column_letter].number_format  # what typing gets

    def insert_rows(self, at: int, count: int = 1, tab: str = c.DOKUMEN) -> None:
        self._edit(lambda sheet: sheet.insert_rows(at, count), tab)

    def delete_rows(self, at: int, count: int = 1) -> None:
        self._edit(lambda sheet: sheet.delete_rows(at, count))


def _records(headers: list[str], rows: list[list[object]]) -> list[dict[str, object]]:
    """Rows as dicts by header, up to the last row with a value (blank rows between kept)."""
    while rows and all(v in (None, "") for v in rows[-1]):
        rows = rows[:-1]
    return [{h: (r[i] if i < len(r) else None) for i, h in enumerate(headers)} for r in rows]


def _last_used_row(sheet) -> int:
    for row in range(sheet.max_row, 1, -1):
        if any(cell.value not in (None, "") for cell in sheet[row]):
            return row
    return 1


def _sort_key(value: object) -> tuple:
    if value is None or value == "":
        return (2, "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, value)
    if isinstance(value, datetime):
        return (0, value.timestamp())
    return (1, str(value).casefold())


class GoogleSheet:
    """A spreadsheet in the local Sheets API emulator, edited as staff would in the browser."""

    kind = "google"

    def __init__(
        self,
        emulator,
        folder: Path,
        config_text: str = "",
        *,
        key: Path | None = None,
        spreadsheet: str | None = None,
    ):
        """A new spreadsheet and a new key; or ``spreadsheet``, one already shared with
        ``key``."""
        self.emu = emulator
        key = self.key = Path(key or emulator.make_service_account_key(folder))
        email = json.loads(Path(key).read_text())["client_email"]
        self.id = spreadsheet or emulator.create_spreadsheet(
            "Kantor", shared_with=[email, STAFF], sheets=["Sheet1"], owner=OWNER
        )
        self.config = folder / "sopsync.toml"
        self.config.write_text(
            f'backend = "google"\n[google]\nspreadsheet = "{self.id}"\n'
            f'credentials = "{Path(key).resolve()}"\nendpoint = "{emulator.base_url}"\n'
            "requests_per_minute = 1000000\n"  # one test process plays many offices
            "project_requests_per_minute = 1000000\n"
            f"{config_text}"
        )
        self.path = None

    def copy(self, folder: Path) -> GoogleSheet:
        """Another spreadsheet as this one is now (a Drive copy, shared alike, the same key),
        its config in ``folder``: for tests that start many sheets from one prepared."""
        copied = self.emu.copy_spreadsheet(self.id, self.book.title)
        return GoogleSheet(self.emu, folder, key=self.key, spreadsheet=copied)

    @property
    def book(self):
        return self.emu.spreadsheet(self.id)

    def _sheet(self, tab: str = c.DOKUMEN):
        if self.book.find_sheet(tab) is None:  # the admin prepared the sheet before staff use it
            assert self.cli("init").code == 0
        return self.book.sheet(tab)

    # --- the worker -------------------------------------------------------------------------

    cli = XlsxSheet.cli
    sync = XlsxSheet.sync

    def fingerprint(self) -> str:
        state = [
            (
                sheet.title,
                [
                    [
                        (cell.userEnteredValue, cell.userEnteredFormat) if cell else None
                        for cell in row
                    ]
                    for row in sheet.rows
                ],
            )
            for sheet in self.book.sheets
        ]
        return json.dumps(state, sort_keys=True, default=str)

    # --- what staff see ---------------------------------------------------------------------

    def _grid(self, tab: str) -> list[list[object]]:
        sheet = self._sheet(tab)
        grid = []
        for row in sheet.rows:
            values = []
            for cell in row:
                if cell is None or cell.user_entered_value is None:
                    values.append(None)  # a format or a dropdown alone shows no value
                elif cell.formula:
                    values.append(cell.formula)
                else:
                    value = cell.python_value()
                    if cell.is_date() and isinstance(value, int | float):
                        value = from_serial(value)
                    elif isinstance(value, float) and value.is_integer():
                        value = int(value)
                    values.append(value)
            grid.append(values)
        return grid

    def table(self, tab: str = c.DOKUMEN) -> list[dict[str, object]]:
        grid = self._grid(tab)
        headers = [str(h) if h is not None else "" for h in grid[0]]
        return _records(headers, grid[1:])

    def headers(self, tab: str = c.DOKUMEN) -> list[object]:
        return self._grid(tab)[0]

    def grid(self, tab: str) -> list[list[object]]:
        return self._grid(tab)

    def tabs(self) -> list[str]:
        return [sheet.title for sheet in self.book.sheets]

    def dropdown(self, tab: str, column: str, row: int = 2) -> tuple[list[str], bool]:
        rule = self._sheet(tab).data_validation(row - 1, self._col(column, tab)) or {}
        condition = rule.get("condition", {})
        if condition.get("type") != "ONE_OF_LIST":
            return [], False
        return [v["userEnteredValue"] for v in condition["values"]], bool(rule.get("strict"))

    # --- what staff do ----------------------------------------------------------------------

    def _col(self, name: str, tab: str = c.DOKUMEN) -> int:
        return c.column_map(self.headers(tab))[name.casefold()]

    def add_rows(self, *rows: dict[str, object], tab: str = c.DOKUMEN) -> None:
        sheet = self._sheet(tab)
        row = len(self.table(tab))
        headers = self.headers(tab)
        for values in rows:
            row += 1
            for name, value in values.items():
                cols = c.column_map(headers)
                if name.casefold() not in cols:
                    sheet.set_value(0, len(headers), name)
                    headers = [*headers, name]
                    cols = c.column_map(headers)
                sheet.set_value(row, cols[name.casefold()], _typed(value))

    def set(self, row: int, column: str, value: object, tab: str = c.DOKUMEN) -> None:
        self._sheet(tab).set_value(row - 1, self._col(column, tab), _typed(value))

    set_by_id = XlsxSheet.set_by_id
    row_of = XlsxSheet.row_of

    def sort(
        self,
        column: str,
        columns: list[str] | None = None,
        reverse: bool = False,
        tab: str = c.DOKUMEN,
        admin: bool = False,
    ) -> None:
        sheet = self._sheet(tab)
        headers = self.headers(tab)
        by = OWNER if admin else STAFF
        if columns:
            picked = sorted(self._col(n, tab) for n in columns)
            assert picked == list(range(picked[0], picked[-1] + 1)), "a selection is contiguous"
            first, last = picked[0], picked[-1] + 1
        else:
            first, last = 0, len(headers)
        sheet.sort(1, sheet.used_rows(), first, last, self._col(column, tab), not reverse, by)

    def drop_state(self) -> None:
        book = self.book
        with book.lock():
            book.sheets = [s for s in book.sheets if s.title != c.STATE]
            book.reindex()

    def make_old(self) -> None:
        book = self.book
        with book.lock():
            book.sheets = [s for s in book.sheets if s.title not in ("Pegawai", "Kalender")]
            book.reindex()
            state = book.sheet(c.STATE)
            for row in range(len(state.rows)):
                for col in (2, 3):
                    state.put_cell(row, col, None)
            state.protected_ranges[:] = [
                p for p in state.protected_ranges if "penanda" not in p["description"]
            ]

    def forget(self, key: str) -> None:
        state = self.book.sheet(c.STATE)
        for row in range(1, len(state.rows)):
            cell = state.get_cell(row, 2)
            if cell is not None and cell.python_value() == key:
                state.put_cell(row, 3, None)

    def add_tab(self, title: str, index: int) -> None:
        with self.book.lock():
            self.book.add_sheet({"title": title, "index": index})

    def rename_tab(self, title: str, new: str) -> None:
        with self.book.lock():
            self.book.sheet(title).properties["title"] = new

    def move_tab(self, title: str, index: int) -> None:
        book = self.book
        with book.lock():
            sheet = book.sheet(title)
            book.sheets.remove(sheet)
            book.sheets.insert(index, sheet)
            book.reindex()

    def age_formats(self) -> None:
        """Dates as an earlier sopsync showed them (``hh:mm``), in Dokumen and Riwayat, and
        the key→value area as it left it (no digest of the layout in this version's shape)."""
        old = {"numberFormat": {"type": "DATE_TIME", "pattern": OLD_DATE_FORMAT}}
        book = self.book
        with book.lock():
            for tab, columns in ((c.DOKUMEN, (c.MULAI, c.TENGGAT)), (c.RIWAYAT, (0, 6))):
                sheet = book.sheet(tab)
                for col in columns:
                    index = col if isinstance(col, int) else self._col(col, tab)
                    for row in range(1, len(sheet.rows)):
                        cell = sheet.get_cell(row, index)
                        if cell is not None and cell.has_value():
                            sheet.put_cell(row, index, replace(cell, user_entered_format=old))
            state = book.sheet(c.STATE)
            for row in range(1, len(state.rows)):
                key = state.get_cell(row, 2)
                if key is not None and str(key.python_value()).startswith("layout:"):
                    state.put_cell(row, 3, None)

    def lose_record(self, doc_id: str, how: str) -> None:
        state = self.book.sheet(c.STATE)
        for row in range(1, len(state.rows)):
            cell = state.get_cell(row, 0)
            if cell is not None and cell.python_value() == doc_id:
                if how == "deleted":
                    state.delete_rows(row, by=OWNER)
                else:
                    state.set_value(row, 1, "rusak|tidak|terbaca")
                return
        raise KeyError(doc_id)

    def cell_format(self, row: int, column: str, tab: str = c.DOKUMEN) -> str:
        """The number format pattern a cell displays with ("@": text)."""
        sheet = self._sheet(tab)
        col = c.column_map(self.headers(tab))[column.casefold()]
        cell = sheet.get_cell(row - 1, col)
        return str(((cell.number_format if cell else None) or {}).get("pattern", ""))

    def insert_rows(self, at: int, count: int = 1, tab: str = c.DOKUMEN) -> None:
        self._sheet(tab).insert_rows(at - 1, count)

    def delete_rows(self, at: int, count: int = 1) -> None:
        self._sheet().delete_rows(at - 1, count)


def _typed(value: object) -> object:
    """What a person types for a value: dates as text, which Sheets turns into dates."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else value
