"""Cell values between the Sheets API and the cycle: serial date-times, CellData, styles.

The cycle's read asks for values as entered (``valueRenderOption=FORMULA``:
formulas stay formulas, as on a workbook) with date-times as serial numbers;
the layout says which columns hold date-times, and only those are converted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import cache, lru_cache
from typing import Any

from syncer import contract as c
from syncer import layout, views

EPOCH = datetime(1899, 12, 30)
SECONDS_PER_DAY = 86_400
LAST_SERIAL = 2_958_466
"""The day after 9999-12-31: a larger number is no date."""
NUMBER_FORMATS: dict[layout.Format, dict[str, str]] = {
    kind: {"type": kind.name, "pattern": pattern} for kind, pattern in layout.PATTERNS.items()
}
"""The layout's formats as Google's NumberFormat (type DATE_TIME, DATE or TEXT)."""
CellData = dict[str, Any]


def to_serial(moment: datetime) -> float:
    """Days since 1899-12-30 to the whole second, as exactly as a float holds it.

    Never rounded to a few decimals: 11:00 stays 11:00, not 10:59:59.97, which a
    sheet that truncates would show as 10:59."""
    if moment.microsecond or moment.tzinfo is not None:  # most are naive, to the second
        moment = moment.replace(microsecond=0, tzinfo=None)
    delta = moment - EPOCH
    return (delta.days * SECONDS_PER_DAY + delta.seconds) / SECONDS_PER_DAY


@lru_cache(maxsize=1 << 16)
def from_serial(serial: float) -> datetime:
    """The date-time a serial number shows, to the nearest second.

    Remembered: a sheet holds the same moments over and over (every document a cycle
    started has its Mulai), and a ``run`` reads them again every cycle."""
    return EPOCH + timedelta(seconds=round(serial * SECONDS_PER_DAY))


def dated(rows: list[list[object]], columns: Iterable[int]) -> None:
    """In place: the serial numbers of these columns become date-times; "" becomes None."""
    columns = tuple(columns)
    if not columns:
        return
    for row in rows:
        width = len(row)
        for col in columns:
            if col < width:
                value = row[col]
                if (type(value) is float or type(value) is int) and 0 <= value < LAST_SERIAL:
                    row[col] = from_serial(value)
                elif value == "":
                    row[col] = None


def date_columns(tab: layout.Tab, headers: list[object]) -> list[int]:
    """Where the tab's date and date-time columns are, by header."""
    cols = c.column_map(headers)
    found = (
        cols.get(c.header_key(col.header))
        for col in tab.columns
        if col.format in (layout.Format.DATE, layout.Format.DATE_TIME)
    )
    return [index for index in found if index is not None]


def cell_data(value: object) -> CellData:
    """A value as CellData: text is always stringValue, so it is never a formula."""
    if type(value) is str:  # most cells: checked first
        return {"userEnteredValue": {"stringValue": value}} if value else {}
    if value is None or value == "":
        return {}
    if isinstance(value, datetime):  # its column's format shows it
        return {"userEnteredValue": {"numberValue": to_serial(value)}}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, int | float):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


def column_look(col: layout.Column) -> CellData:
    """A column's cell format: its number format, top-aligned, centred or wrapped."""
    fmt: CellData = {"verticalAlignment": "TOP"}
    if col.format is not None:
        fmt["numberFormat"] = NUMBER_FORMATS[col.format]
    if col.centred:
        fmt["horizontalAlignment"] = "CENTER"
    if col.wrap:
        fmt["wrapStrategy"] = "WRAP"
    return fmt


def look_fields(look: CellData) -> str:
    """The field mask that sets exactly the parts of a format given."""
    return f"userEnteredFormat({','.join(sorted(look))})"


APPENDED_LOOK = ("horizontalAlignment", "numberFormat")
"""What an appended cell's own format carries: how its number shows, whether it is centred.

Google does not document whether a formatted empty row counts as "data" for
appendCells, so no tab appended to ever has its empty rows formatted: each appended
cell carries its format. Not top alignment or wrapping: a ledger's rows are one line
on screen, and those would double the bytes of every row."""
APPENDED_FIELDS = f"userEnteredValue,{look_fields(dict.fromkeys(APPENDED_LOOK))}"


@cache
def appended_look(col: layout.Column) -> CellData:
    """Remembered: every appended row's cells carry their column's (never changed)."""
    return {k: v for k, v in column_look(col).items() if k in APPENDED_LOOK}


@cache
def appended_looks(cols: tuple[layout.Column, ...]) -> tuple[CellData, ...]:
    """Each column's ``appended_look``, for the rows of one append: looked up once."""
    return tuple(appended_look(col) for col in cols)


class SharedCells:
    """``cell_data`` for the cells of one write, with a format when given (``look``): one
    dict made for each distinct value, shared by every cell that shows it.

    A busy cycle writes ~7,000 cells of a few hundred values (Status, Pelaksana, Mulai,
    Riwayat's Prosedur…); fewer dicts are faster to build, to encode and to free. The
    dicts are shared: never to be changed."""

    __slots__ = ("look", "made")

    def __init__(self, look: CellData | None = None) -> None:
        self.look = look
        self.made: dict[object, CellData] = {}

    def cell(self, value: object) -> CellData:
        if not written_alike(value):
            return self.new(value)
        data = self.made.get(value)
        if data is None:
            data = self.made[value] = self.new(value)
        return data

    def new(self, value: object) -> CellData:
        data = cell_data(value)
        if data and self.look:
            data["userEnteredFormat"] = self.look
        return data


def written_alike(value: object) -> bool:
    """Whether every value equal to this one is written as it is: text, integers, naive
    date-times and None; not ``True == 1``, ``1.0 == 1`` or one instant in two zones."""
    if type(value) is datetime:
        return value.tzinfo is None
    return type(value) is str or type(value) is int or value is None


def appended(values: Iterable[object], cells: Sequence[SharedCells]) -> dict[str, list[CellData]]:
    """One appended row; each cell with a value carries its column's format (``cells``:
    a ``SharedCells`` of each column's ``appended_looks``)."""
    return {"values": [column.cell(value) for column, value in zip(cells, values, strict=True)]}


def rgb(hex_colour: str) -> dict[str, float]:
    return {
        "red": int(hex_colour[0:2], 16) / 255,
        "green": int(hex_colour[2:4], 16) / 255,
        "blue": int(hex_colour[4:6], 16) / 255,
    }


_FILLS = {
    **{status.value: rgb(colour) for status, colour in c.STATUS_COLOURS.items()},
    views.HEADER: rgb(layout.HEADER_FILL),
    views.TOTAL: rgb(layout.HEADER_FILL),
}
"""A worker tab's background colour by style."""


def styled_cell(styled: views.Styled, column: int = 0) -> CellData:
    """A worker tab's cell with its look."""
    value, style = styled.value, styled.style
    data = cell_data(value)
    look = (
        isinstance(value, datetime),
        style,
        views.centred(value, style, column),
        isinstance(value, str) and len(value) > 20 and style != views.TITLE,
        bool(data),
    )
    fmt = _LOOKS.get(look)
    if fmt is None:
        fmt = _LOOKS[look] = _look(*look)
    if fmt:
        data["userEnteredFormat"] = fmt
    return data


_LOOKS: dict[tuple[bool, str, bool, bool, bool], CellData] = {}
"""A worker tab's cell formats by what decides them: a few, shared by every cell (a body
is written, never changed)."""


def _look(dated: bool, style: str, centre: bool, wrap: bool, filled: bool) -> CellData:
    fmt: dict[str, Any] = {}
    if dated:
        fmt["numberFormat"] = NUMBER_FORMATS[layout.Format.DATE_TIME]
    if style == views.TITLE:
        fmt["textFormat"] = {"bold": True, "fontSize": 12}
    elif style in (views.HEADER, views.TOTAL):
        fmt["textFormat"] = {"bold": True}
    fill = _FILLS.get(style)
    if fill is not None:
        fmt["backgroundColor"] = fill
    if centre:
        fmt["horizontalAlignment"] = "CENTER"
    if wrap:
        fmt["wrapStrategy"] = "WRAP"
    if filled:
        fmt["verticalAlignment"] = "TOP"
    return fmt


HEADER_FIELDS = "userEnteredValue,userEnteredFormat,note"
"""A header is written with its look and note: a mask naming only the value drops them."""


def header_cell(col: layout.Column) -> CellData:
    """A header cell as the layout wants it: bold; a worker column grey, italic, with a note."""
    text: dict[str, Any] = {"bold": True}
    fmt: dict[str, Any] = {"textFormat": text, "verticalAlignment": "MIDDLE"}
    cell: CellData = {"userEnteredValue": {"stringValue": col.header}, "userEnteredFormat": fmt}
    if col.worker:
        text["italic"] = True
        text["foregroundColor"] = rgb(layout.WORKER_FONT_COLOUR)
        fmt["backgroundColor"] = rgb(layout.HEADER_FILL)
        cell["note"] = layout.WORKER_NOTE
    return cell


def header_looks_right(cell: CellData, col: layout.Column) -> bool:
    """Whether a header cell read back has the layout's look (bold; grey, italic, note)."""
    fmt = cell.get("userEnteredFormat", {})
    text = fmt.get("textFormat", {})
    if not text.get("bold"):
        return False
    if not col.worker:
        return True
    grey = fmt.get("backgroundColor", {})
    wanted = rgb(layout.HEADER_FILL)
    close = all(abs(grey.get(k, 0.0) - v) < 0.01 for k, v in wanted.items())
    return bool(text.get("italic")) and close and cell.get("note") == layout.WORKER_NOTE
