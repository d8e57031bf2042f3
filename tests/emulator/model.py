"""Spreadsheet, sheet and cell state, with the helpers tests use to act as staff would.

The state is plain Python: a sheet keeps its cells in a ragged list of rows, plus the
objects that live on ranges (protected ranges, conditional formats, filter views, the basic
filter).

Inserting and deleting rows or columns shifts everything attached to positions: cells (and
their data validation), row properties, protected ranges, conditional-format ranges, filter
views and the basic filter.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from dataclasses import dataclass, replace
from typing import Any

from . import formula as formula_mod
from .a1 import Bounds, parse_cells, split_sheet
from .formatting import (
    DATE_TYPES,
    ERROR_TEXT,
    ISO_DATE_PATTERN,
    ISO_DATE_TIME_PATTERN,
    json_number,
    parse_user_entered,
    to_serial,
)

DEFAULT_ROWS, DEFAULT_COLS = 1000, 26
ROW_PIXELS, COLUMN_PIXELS = 21, 100
INT32_MAX = 2**31 - 1

DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}


class RangeError(Exception):
    """A range that does not parse or names a missing sheet (HTTP 400 in the API)."""

    def __init__(self, text: str) -> None:
        super().__init__(f"Unable to parse range: {text}")
        self.text = text


@dataclass(frozen=True)
class Cell:
    """One cell. Attribute names follow the API's CellData fields.

    Cells are immutable: every change puts a new Cell in the grid, so a sheet can be
    snapshotted by copying its row lists (batches are applied to such a snapshot).
    """

    user_entered_value: dict[str, Any] | None = None
    user_entered_format: dict[str, Any] | None = None
    note: str | None = None
    data_validation: dict[str, Any] | None = None

    def is_empty(self) -> bool:
        return (
            self.user_entered_value is None
            and self.user_entered_format is None
            and self.note is None
            and self.data_validation is None
        )

    def has_value(self) -> bool:
        return self.user_entered_value is not None

    @property
    def userEnteredValue(self) -> dict[str, Any] | None:  # noqa: N802 - API field name
        return self.user_entered_value

    @property
    def userEnteredFormat(self) -> dict[str, Any] | None:  # noqa: N802
        return self.user_entered_format

    @property
    def dataValidation(self) -> dict[str, Any] | None:  # noqa: N802
        return self.data_validation

    @property
    def formula(self) -> str | None:
        return (self.user_entered_value or {}).get("formulaValue")

    @property
    def effectiveValue(self) -> dict[str, Any] | None:  # noqa: N802
        return self.effective_value()

    def effective_value(self) -> dict[str, Any] | None:
        uev = self.user_entered_value
        if uev is None:
            return None
        if "formulaValue" in uev:
            return formula_mod.evaluate(uev["formulaValue"])
        return dict(uev)

    @property
    def number_format(self) -> dict[str, Any] | None:
        return (self.user_entered_format or {}).get("numberFormat")

    def is_date(self) -> bool:
        return (self.number_format or {}).get("type") in DATE_TYPES

    def python_value(self) -> Any:
        """The effective value as a Python scalar (errors as their text, e.g. ``#NAME?``)."""
        ev = self.effective_value()
        if not ev:
            return None
        if "numberValue" in ev:
            return json_number(ev["numberValue"])
        if "errorValue" in ev:
            return ERROR_TEXT.get(ev["errorValue"].get("type", "ERROR"), "#ERROR!")
        return ev.get("stringValue", ev.get("boolValue"))


# --------------------------------------------------------------------------- index shifting
def shift_span_insert(s: int | None, e: int | None, at: int, n: int) -> tuple[Any, Any]:
    """Insert n lines at `at`: a span starting at/after `at` moves; one straddling it grows."""
    s2 = s + n if s is not None and s >= at else s
    e2 = e + n if e is not None and e > at else e
    return s2, e2


def shift_span_delete(s: int | None, e: int | None, a: int, b: int) -> tuple[Any, Any]:
    def f(x: int | None) -> int | None:
        if x is None:
            return None
        if x <= a:
            return x
        if x <= b:
            return a
        return x - (b - a)

    return f(s), f(e)


STAFF = "staf@kecamatan.go.id"
"""Who acts in the Sheets UI unless a test says otherwise: a person the spreadsheet is shared
with, not its owner, editor of no protected range."""

GRID_KEYS = {
    "ROWS": ("startRowIndex", "endRowIndex"),
    "COLUMNS": ("startColumnIndex", "endColumnIndex"),
}


def shift_grid_range(gr: dict[str, Any], dim: str, op: str, a: int, b: int) -> bool:
    """Shift a GridRange in place for an insert (a=at, b=n) or delete ([a, b)).

    Returns False when a delete removed the range entirely.
    """
    sk, ek = GRID_KEYS[dim]
    s, e = gr.get(sk), gr.get(ek)
    if op == "insert":
        s2, e2 = shift_span_insert(s, e, a, b)
    else:
        s2, e2 = shift_span_delete(s, e, a, b)
        if s2 is not None and e2 is not None and s2 >= e2:
            return False
    if s2 is not None:
        gr[sk] = s2
    if e2 is not None:
        gr[ek] = e2
    return True


class Sheet:
    """A grid sheet. Row/column arguments of the helpers are 0-based."""

    def __init__(self, spreadsheet: Spreadsheet, properties: dict[str, Any]) -> None:
        self.spreadsheet = spreadsheet
        self.properties = properties
        self.rows: list[list[Cell | None]] = []
        self.row_props: dict[int, dict[str, Any]] = {}
        self.col_props: dict[int, dict[str, Any]] = {}
        self.protected_ranges: list[dict[str, Any]] = []
        self.conditional_formats: list[dict[str, Any]] = []
        self.filter_views: list[dict[str, Any]] = []
        self.basic_filter: dict[str, Any] | None = None
        self.merges: list[dict[str, Any]] = []

    # ----------------------------------------------------------------- properties
    @property
    def sheet_id(self) -> int:
        return self.properties["sheetId"]

    @property
    def title(self) -> str:
        return self.properties["title"]

    @property
    def grid(self) -> dict[str, Any]:
        return self.properties.setdefault("gridProperties", {})

    @property
    def row_count(self) -> int:
        return self.grid.get("rowCount", 0)

    @row_count.setter
    def row_count(self, value: int) -> None:
        self.grid["rowCount"] = value

    @property
    def column_count(self) -> int:
        return self.grid.get("columnCount", 0)

    @column_count.setter
    def column_count(self, value: int) -> None:
        self.grid["columnCount"] = value

    @property
    def frozen_rows(self) -> int:
        return self.grid.get("frozenRowCount", 0)

    @property
    def frozen_columns(self) -> int:
        return self.grid.get("frozenColumnCount", 0)

    @property
    def hidden(self) -> bool:
        return bool(self.properties.get("hidden", False))

    # ----------------------------------------------------------------- cells
    def get_cell(self, row: int, col: int) -> Cell | None:
        if row < len(self.rows):
            r = self.rows[row]
            if col < len(r):
                return r[col]
        return None

    def cell(self, row: int, col: int) -> Cell:
        """The cell at (row, col), 0-based; an empty Cell when nothing is there."""
        return self.get_cell(row, col) or Cell()

    def put_cell(self, row: int, col: int, cell: Cell | None) -> None:
        if cell is None or cell.is_empty():
            if self.get_cell(row, col) is not None:
                self.rows[row][col] = None
            return
        while len(self.rows) <= row:
            self.rows.append([])
        line = self.rows[row]
        if len(line) <= col:
            line.extend([None] * (col + 1 - len(line)))
        line[col] = cell

    def cleanup(self) -> None:
        for r in self.rows:
            while r and (r[-1] is None or r[-1].is_empty()):
                r.pop()
        while self.rows and not self.rows[-1]:
            self.rows.pop()

    def data_validation(self, row: int, col: int) -> dict[str, Any] | None:
        return self.cell(row, col).data_validation

    def values(self) -> list[list[Any]]:
        """Effective values as Python scalars, trailing empty rows/cells trimmed."""
        out: list[list[Any]] = []
        for r in self.rows:
            row = [("" if c is None or c.python_value() is None else c.python_value()) for c in r]
            while row and row[-1] == "":
                row.pop()
            out.append(row)
        while out and not out[-1]:
            out.pop()
        return out

    def set_value(self, row: int, col: int, value: Any) -> None:
        """Put a value in a cell as staff would, without the UI's guessing: a string starting
        with "=" becomes a formula, other strings stay strings (numeric text included); pass
        numbers/bools for numbers/bools, and date/datetime objects for dates (stored as
        serial numbers with a yyyy-mm-dd[ hh:mm:ss] number format). None or "" clears."""
        if isinstance(value, bool):
            ev: dict[str, Any] | None = {"boolValue": value}
            fmt = None
        elif isinstance(value, int | float):
            ev, fmt = {"numberValue": float(value)}, None
        elif isinstance(value, dt.datetime):
            ev = {"numberValue": to_serial(value)}
            fmt = {"type": "DATE_TIME", "pattern": ISO_DATE_TIME_PATTERN}
        elif isinstance(value, dt.date):
            ev = {"numberValue": to_serial(value)}
            fmt = {"type": "DATE", "pattern": ISO_DATE_PATTERN}
        elif value is None or value == "":
            ev, fmt = None, None
        elif str(value).startswith("="):
            ev, fmt = {"formulaValue": str(value)}, None
        else:
            ev, fmt = {"stringValue": str(value)}, None
        with self.spreadsheet.lock():
            self.write_value(row, col, ev, fmt)

    def type_value(self, row: int, col: int, text: Any) -> None:
        """Type `text` into a cell as in the Sheets UI (parsed like USER_ENTERED input:
        numbers, TRUE/FALSE, dates as the spreadsheet's locale reads them, percentages,
        formulas, a leading apostrophe)."""
        with self.spreadsheet.lock():
            self.write_user_entered(row, col, text)

    def write_user_entered(self, row: int, col: int, value: Any) -> None:
        locale = self.spreadsheet.properties.get("locale", "en_US")
        ev, number_format = parse_user_entered(value, locale) if value is not None else (None, None)
        self.write_value(row, col, ev, number_format)

    def write_value(
        self, row: int, col: int, ev: dict[str, Any] | None, number_format: dict[str, Any] | None
    ) -> None:
        """Set a cell's userEnteredValue (None clears it), keeping its format, note and
        validation; a number format is added when the cell has none yet."""
        old = self.get_cell(row, col) or Cell()
        if ev is None:
            if old.user_entered_value is not None:
                self.put_cell(row, col, replace(old, user_entered_value=None))
            return
        self.grow_to(row + 1, col + 1)
        fmt = old.user_entered_format
        if number_format and not (fmt or {}).get("numberFormat"):
            fmt = {**(fmt or {}), "numberFormat": number_format}
        self.put_cell(row, col, replace(old, user_entered_value=ev, user_entered_format=fmt))

    def grow_to(self, rows: int, cols: int) -> None:
        if rows > self.row_count:
            self.row_count = rows
        if cols > self.column_count:
            self.column_count = cols

    def used_rows(self) -> int:
        for i in range(len(self.rows) - 1, -1, -1):
            if any(c is not None and not c.is_empty() for c in self.rows[i]):
                return i + 1
        return 0

    # ----------------------------------------------------------------- staff actions
    # A person in the Sheets UI, ``by`` their e-mail address: a sort, or a row's deletion,
    # that meets cells of a protected range they may not edit is refused, as Sheets refuses
    # it (protection.py); a warning-only range lets them go on.
    def sort(
        self,
        start_row: int,
        end_row: int,
        start_col: int,
        end_col: int,
        key_col: int,
        ascending: bool = True,
        by: str = STAFF,
    ) -> None:
        """Sort rows [start_row, end_row) of columns [start_col, end_col) by column key_col
        (absolute index), leaving columns outside the selection where they are."""
        from .protection import check_span

        with self.spreadsheet.lock():
            check_span(self, (start_row, end_row, start_col, end_col), by)
            self.sort_range(start_row, end_row, start_col, end_col, [(key_col, ascending)])

    def insert_rows(self, at: int, n: int = 1) -> None:
        with self.spreadsheet.lock():
            self.insert_dimension("ROWS", at, n)

    def delete_rows(self, at: int, n: int = 1, by: str = STAFF) -> None:
        from .protection import check_span

        with self.spreadsheet.lock():
            check_span(self, (at, at + n, 0, self.column_count), by)
            self.delete_dimension("ROWS", at, at + n)

    def clone(self, spreadsheet: Spreadsheet) -> Sheet:
        """A copy sharing the (immutable) cells: row lists are copied, the rest deep."""
        other = Sheet.__new__(Sheet)
        other.spreadsheet = spreadsheet
        other.properties = copy.deepcopy(self.properties)
        other.rows = [list(r) for r in self.rows]
        for name in (
            "row_props",
            "col_props",
            "protected_ranges",
            "conditional_formats",
            "filter_views",
            "basic_filter",
            "merges",
        ):
            setattr(other, name, copy.deepcopy(getattr(self, name)))
        return other

    # ----------------------------------------------------------------- structure
    def sort_range(
        self, r0: int, r1: int, c0: int, c1: int, specs: list[tuple[int, bool]]
    ) -> list[int]:
        """Sort like Sheets: numbers < text (case-insensitive) < booleans < errors; blanks last
        in either order. Returns the permutation (new position -> old row)."""
        order = list(range(r0, r1))
        for col, ascending in reversed(specs):
            keyed = [(self._sort_key(r, col), r) for r in order]
            filled = [x for x in keyed if x[0] is not None]
            blank = [x for x in keyed if x[0] is None]
            filled.sort(key=lambda x: x[0], reverse=not ascending)
            order = [r for _, r in filled] + [r for _, r in blank]
        snapshot = {(r, c): self.get_cell(r, c) for r in range(r0, r1) for c in range(c0, c1)}
        for new_pos, old_row in enumerate(order):
            for c in range(c0, c1):
                self.put_cell(r0 + new_pos, c, snapshot[(old_row, c)])
        self.cleanup()
        return order

    def _sort_key(self, row: int, col: int) -> tuple[int, Any] | None:
        cell = self.get_cell(row, col)
        ev = cell.effective_value() if cell else None
        if not ev:
            return None
        if "numberValue" in ev:
            return (0, ev["numberValue"])
        if "stringValue" in ev:
            if ev["stringValue"] == "":
                return None
            return (1, ev["stringValue"].casefold())
        if "boolValue" in ev:
            return (2, ev["boolValue"])
        return (3, ev.get("errorValue", {}).get("type", ""))

    def insert_dimension(self, dim: str, at: int, n: int) -> None:
        if dim == "ROWS":
            if at < len(self.rows):
                self.rows[at:at] = [[] for _ in range(n)]
            self.row_props = {(k + n if k >= at else k): v for k, v in self.row_props.items()}
            self.row_count = self.row_count + n
        else:
            for r in self.rows:
                if at < len(r):
                    r[at:at] = [None] * n
            self.col_props = {(k + n if k >= at else k): v for k, v in self.col_props.items()}
            self.column_count = self.column_count + n
        self._shift_attached(dim, "insert", at, n)

    def delete_dimension(self, dim: str, a: int, b: int) -> None:
        n = b - a
        if dim == "ROWS":
            del self.rows[a:b]
            self.row_props = {
                (k - n if k >= b else k): v for k, v in self.row_props.items() if not a <= k < b
            }
            self.row_count = self.row_count - n
        else:
            for r in self.rows:
                del r[a:b]
            self.col_props = {
                (k - n if k >= b else k): v for k, v in self.col_props.items() if not a <= k < b
            }
            self.column_count = self.column_count - n
        self._shift_attached(dim, "delete", a, b)
        self.cleanup()

    def _shift_attached(self, dim: str, op: str, a: int, b: int) -> None:
        self.protected_ranges = [
            p for p in self.protected_ranges if shift_grid_range(p["range"], dim, op, a, b)
        ]
        kept_rules = []
        for rule in self.conditional_formats:
            rule["ranges"] = [
                g for g in rule.get("ranges", []) if shift_grid_range(g, dim, op, a, b)
            ]
            if rule["ranges"]:
                kept_rules.append(rule)
        self.conditional_formats = kept_rules
        self.filter_views = [
            f for f in self.filter_views if shift_grid_range(f["range"], dim, op, a, b)
        ]
        if self.basic_filter and not shift_grid_range(self.basic_filter["range"], dim, op, a, b):
            self.basic_filter = None
        self.merges = [m for m in self.merges if shift_grid_range(m, dim, op, a, b)]

    def bounds(self, b: Bounds | None) -> tuple[int, int, int, int]:
        """Resolve unbounded ends against the grid size."""
        if b is None:
            return 0, self.row_count, 0, self.column_count
        r1 = self.row_count if b.r1 is None else b.r1
        c1 = self.column_count if b.c1 is None else b.c1
        return b.r0, r1, b.c0, c1

    def grid_range(self, r0: int, r1: int, c0: int, c1: int) -> dict[str, int]:
        return {
            "sheetId": self.sheet_id,
            "startRowIndex": r0,
            "endRowIndex": r1,
            "startColumnIndex": c0,
            "endColumnIndex": c1,
        }

    def resolve_grid_range(self, gr: dict[str, Any]) -> tuple[int, int, int, int]:
        return (
            gr.get("startRowIndex", 0),
            gr.get("endRowIndex", self.row_count),
            gr.get("startColumnIndex", 0),
            gr.get("endColumnIndex", self.column_count),
        )


def ordered_properties(props: dict[str, Any]) -> dict[str, Any]:
    """SheetProperties with members in the order Google writes them."""
    first = ("sheetId", "title", "index", "sheetType", "gridProperties")
    return {k: props[k] for k in first if k in props} | {
        k: v for k, v in props.items() if k not in first
    }


class Spreadsheet:
    """A spreadsheet: sheets, sharing, and id generation."""

    def __init__(
        self,
        spreadsheet_id: str,
        title: str,
        time_zone: str = "Etc/GMT",
        locale: str = "en_US",
        shared_with: list[str] | None = None,
        rng: random.Random | None = None,
        lock: Any = None,
        owner: str | None = None,
    ) -> None:
        self.spreadsheet_id = spreadsheet_id
        self.properties: dict[str, Any] = {
            "title": title,
            "locale": locale,
            "autoRecalc": "ON_CHANGE",
            "timeZone": time_zone,
            "defaultFormat": copy.deepcopy(DEFAULT_FORMAT),
        }
        self.sheets: list[Sheet] = []
        self.named_ranges: list[dict[str, Any]] = []
        self.shared_with: set[str] = set(shared_with or [])
        self.anyone_with_link = shared_with is None
        self.owner = owner  # may edit every protected range
        self.rng = rng or random.Random()
        self._lock = lock

    def clone(self) -> Spreadsheet:
        """A working copy for an atomic write (see Sheet.clone)."""
        other = Spreadsheet.__new__(Spreadsheet)
        other.__dict__.update(self.__dict__)
        other.properties = copy.deepcopy(self.properties)
        other.sheets = [s.clone(other) for s in self.sheets]
        other.named_ranges = copy.deepcopy(self.named_ranges)
        other.shared_with = set(self.shared_with)
        other.rng = random.Random()
        other.rng.setstate(self.rng.getstate())
        return other

    def lock(self) -> Any:
        import contextlib

        return self._lock if self._lock is not None else contextlib.nullcontext()

    @property
    def title(self) -> str:
        return self.properties["title"]

    # ----------------------------------------------------------------- sheets
    def sheet(self, title: str) -> Sheet:
        found = self.find_sheet(title)
        if found is None:
            raise KeyError(title)
        return found

    def find_sheet(self, title: str) -> Sheet | None:
        for s in self.sheets:
            if s.title == title:
                return s
        for s in self.sheets:
            if s.title.casefold() == title.casefold():
                return s
        return None

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        for s in self.sheets:
            if s.sheet_id == sheet_id:
                return s
        return None

    def first_visible_sheet(self) -> Sheet:
        for s in self.sheets:
            if not s.hidden:
                return s
        return self.sheets[0]

    def reindex(self) -> None:
        for i, s in enumerate(self.sheets):
            s.properties["index"] = i

    def add_sheet(self, properties: dict[str, Any] | None = None) -> Sheet:
        props = copy.deepcopy(properties or {})
        if "sheetId" not in props:
            props["sheetId"] = 0 if not self.sheets else self.new_id(self.sheet_ids())
        if "title" not in props:
            n = len(self.sheets) + 1
            while self.find_sheet(f"Sheet{n}"):
                n += 1
            props["title"] = f"Sheet{n}"
        props.setdefault("sheetType", "GRID")
        grid = props.setdefault("gridProperties", {})
        grid.setdefault("rowCount", DEFAULT_ROWS)
        grid.setdefault("columnCount", DEFAULT_COLS)
        index = props.pop("index", len(self.sheets))
        ordered = ordered_properties(props | {"index": 0})
        sheet = Sheet(self, ordered)
        self.sheets.insert(max(0, min(index, len(self.sheets))), sheet)
        self.reindex()
        return sheet

    # ----------------------------------------------------------------- ids
    def sheet_ids(self) -> set[int]:
        return {s.sheet_id for s in self.sheets}

    def filter_view_ids(self) -> set[int]:
        return {f["filterViewId"] for s in self.sheets for f in s.filter_views}

    def protected_range_ids(self) -> set[int]:
        return {p["protectedRangeId"] for s in self.sheets for p in s.protected_ranges}

    def new_id(self, taken: set[int]) -> int:
        """A random positive int32 not in `taken`, like the ids Google assigns."""
        while True:
            candidate = self.rng.randint(1, INT32_MAX)
            if candidate not in taken:
                return candidate

    # ----------------------------------------------------------------- ranges
    def resolve(self, text: str) -> tuple[Sheet, Bounds | None]:
        """A1 text -> (sheet, bounds or None for the whole sheet). Raises RangeError."""
        try:
            name, cells = split_sheet(text)
        except ValueError:
            raise RangeError(text) from None
        if name is None:
            assert cells is not None
            sheet = self.find_sheet(cells)
            if sheet is not None:
                return sheet, None
            if not self.sheets:
                raise RangeError(text)
            sheet = self.first_visible_sheet()
        else:
            found = self.find_sheet(name)
            if found is None:
                raise RangeError(text)
            sheet = found
            if cells is None or cells == "":
                return sheet, None
        try:
            return sheet, parse_cells(cells)
        except ValueError:
            raise RangeError(text) from None

    def adopt(self, other: Spreadsheet) -> None:
        """Take over the state of `other` (a modified deep copy), keeping Sheet handles alive."""
        old = {s.sheet_id: s for s in self.sheets}
        sheets = []
        for ns in other.sheets:
            target = old.get(ns.sheet_id)
            if target is not None:
                target.__dict__.update(ns.__dict__)
                ns = target
            ns.spreadsheet = self
            sheets.append(ns)
        lock = self._lock
        self.__dict__.update(other.__dict__)
        self._lock = lock
        self.sheets = sheets
