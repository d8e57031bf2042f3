"""How a worksheet part spells cell places and values, exactly as openpyxl spells them:
column letters, cell ranges, numbers, date-times as serials from the workbook's first day,
and the control characters a cell's text may not hold.

The part-by-part write spells its cells with these, so that what it writes reads back
as an openpyxl save would have left it, without importing openpyxl (whose package
brings in its whole writer, charts and drawings, at start-up). The tests hold each one
to openpyxl's own over generated inputs.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from string import ascii_uppercase

MAX_COLUMN = 18_278
"""The last column (ZZZ) openpyxl names."""
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
"""Control characters SpreadsheetML text cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE)."""
WINDOWS_EPOCH = datetime(1899, 12, 30)
"""Serial 0 of a workbook that counts from 1900 (Excel's own, with its 29 February 1900)."""
_RANGE = re.compile(
    r"""^[$]?(?P<min_col>[A-Za-z]{1,3})?
[$]?(?P<min_row>\d+)?
(:[$]?(?P<max_col>[A-Za-z]{1,3})?
[$]?(?P<max_row>\d+)?)?$""",
    re.VERBOSE,
)
_LETTERS = {letter: place for place, letter in enumerate(ascii_uppercase, start=1)}
_SECONDS_PER_DAY = 86_400


@cache
def column_letter(index: int) -> str:
    """The letters of column ``index`` (1-based): 1 -> A, 27 -> AA; ValueError past ZZZ."""
    if not 1 <= index <= MAX_COLUMN:
        raise ValueError(f"Invalid column index {index}")
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = ascii_uppercase[rest] + letters
    return letters


@cache
def column_index(letters: str) -> int:
    """The column (1-based) named ``letters``, in either case; ValueError for any other text."""
    error = f"'{letters}' is not a valid column name. Column names are from A to ZZZ"
    if len(letters) > 3:
        raise ValueError(error)
    index = 0
    for power, letter in enumerate(reversed(letters.upper())):
        place = _LETTERS.get(letter)
        if place is None:
            raise ValueError(error)
        index += place * 26**power
    if not 0 < index <= MAX_COLUMN:
        raise ValueError(error)
    return index


def range_bounds(text: str) -> tuple[int | None, int | None, int | None, int | None]:
    """(first column, first row, last column, last row) of a range such as ``A1:H20``
    (a single cell is a range of one; a whole column or row leaves the rows or columns
    None); ValueError for text that is not a range."""
    found = _RANGE.match(text)
    if found is None:
        raise ValueError(f"{text} is not a valid coordinate or range")
    min_col, min_row, max_col, max_row = found.group("min_col", "min_row", "max_col", "max_row")
    if found.group(3):
        cols, rows = (min_col, max_col), (min_row, max_row)
        if not (all(cols + rows) or (all(cols) and not any(rows)) or (all(rows) and not any(cols))):
            raise ValueError(f"{text} is not a valid coordinate or range")
    first_col = None if min_col is None else column_index(min_col)
    first_row = None if min_row is None else int(min_row)
    last_col = first_col if max_col is None else column_index(max_col)
    last_row = first_row if max_row is None else int(max_row)
    return first_col, first_row, last_col, last_row


def number_text(value: int | float | Decimal) -> str:
    """A number as a part holds it: up to 16 significant digits; nothing for NaN and
    infinity (openpyxl's ``safe_string``)."""
    if math.isnan(value) or math.isinf(value):
        return ""
    return format(float(value), ".16g")


def excel_serial(value: datetime | date | time | timedelta, epoch: datetime) -> float:
    """A date-time as the serial a cell holds, counted in days from ``epoch`` (a time of
    day, or a duration, in days alone); before March 1900 one day less, as Excel counts
    a 29 February 1900 that never was."""
    if isinstance(value, time):
        return _day_share(value)
    if isinstance(value, timedelta):
        return value.total_seconds() / _SECONDS_PER_DAY
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    days = (value - epoch).days
    if 0 < days <= 60 and epoch == WINDOWS_EPOCH:
        days -= 1
    return days + _day_share(value)


def _day_share(value: time | datetime) -> float:
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 10**6
    return seconds / _SECONDS_PER_DAY
