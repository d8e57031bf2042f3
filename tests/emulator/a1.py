"""A1 notation: parsing ranges and writing them back the way the Sheets API does.

Returned ranges quote the sheet name only when needed. Recorded API traffic shows
``Sheet1!A1:B2`` unquoted but ``'D3'!A1:D4`` and ``'Test ClientTest test_import_csv'!A1:Z1000``
quoted; the rule below (quote unless the name is a plain identifier that does not look like
a cell reference) reproduces those cases; Google does not document it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_COLUMNS = 18278  # ZZZ

_ENDPOINT = re.compile(r"^\$?([A-Za-z]{0,3})\$?([0-9]*)$")
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CELL_LIKE = re.compile(r"^[A-Za-z]{1,3}[0-9]+$")
_R1C1_LIKE = re.compile(r"^[Rr][0-9]*[Cc][0-9]*$")


def col_to_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def index_to_col(index: int) -> str:
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def quote_sheet(title: str, force: bool = False) -> str:
    needs = (
        force
        or not _PLAIN_NAME.match(title)
        or _CELL_LIKE.match(title)
        or _R1C1_LIKE.match(title)
        or title.upper() in ("TRUE", "FALSE")
    )
    if needs:
        return "'" + title.replace("'", "''") + "'"
    return title


@dataclass
class Bounds:
    """A rectangle of a sheet; ``None`` ends are unbounded (whole rows/columns)."""

    r0: int
    r1: int | None
    c0: int
    c1: int | None


@dataclass
class ParsedA1:
    sheet: str | None  # None: no sheet named (first visible sheet, or the text is a sheet)
    bounds: Bounds | None  # None: the whole sheet
    raw_cells: str | None = None


def split_sheet(text: str) -> tuple[str | None, str | None]:
    """Split ``'My ''Sheet'''!A1:B2`` into (sheet name, cell part). Raises ValueError."""
    text = text.strip()
    if text.startswith("'"):
        i, name = 1, []
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    name.append("'")
                    i += 2
                    continue
                rest = text[i + 1 :]
                if rest == "":
                    return "".join(name), None
                if rest.startswith("!"):
                    return "".join(name), rest[1:]
                raise ValueError(text)
            name.append(ch)
            i += 1
        raise ValueError(text)
    if "!" in text:
        name, _, cells = text.rpartition("!")
        return name, cells
    return None, text


def parse_cells(cells: str) -> Bounds:
    """Parse the part after ``!``: ``A1``, ``A1:B2``, ``A:C``, ``2:5``, ``A3:C``, ``A1:1``."""
    parts = cells.split(":")
    if len(parts) == 1:
        m = _ENDPOINT.match(parts[0])
        if not m or not m.group(1) or not m.group(2):
            raise ValueError(cells)
        r, c = _row(m.group(2)), _col(m.group(1))
        return Bounds(r, r + 1, c, c + 1)
    if len(parts) != 2:
        raise ValueError(cells)
    a, b = _ENDPOINT.match(parts[0]), _ENDPOINT.match(parts[1])
    if not a or not b or not (a.group(1) or a.group(2)) or not (b.group(1) or b.group(2)):
        raise ValueError(cells)
    a_col, a_row, b_col, b_row = (bool(x) for x in (a.group(1), a.group(2), b.group(1), b.group(2)))
    allowed = {
        (True, True, True, True),  # A1:B2
        (True, True, True, False),  # A1:B (open rows)
        (True, True, False, True),  # A1:1 (open columns)
        (True, False, True, False),  # A:B
        (False, True, False, True),  # 1:2
        (True, False, True, True),  # A:B5 == A1:B5
    }
    if (a_col, a_row, b_col, b_row) not in allowed:
        raise ValueError(cells)
    r0 = _row(a.group(2)) if a_row else 0
    c0 = _col(a.group(1)) if a_col else 0
    r1 = _row(b.group(2)) + 1 if b_row else None
    c1 = _col(b.group(1)) + 1 if b_col else None
    if r1 is not None and a.group(2) and r1 <= r0:  # reversed "D4:A1"
        r0, r1 = r1 - 1, r0 + 1
    if c1 is not None and a.group(1) and c1 <= c0:
        c0, c1 = c1 - 1, c0 + 1
    return Bounds(r0, r1, c0, c1)


def _row(digits: str) -> int:
    n = int(digits)
    if n < 1:
        raise ValueError(digits)
    return n - 1


def _col(letters: str) -> int:
    i = col_to_index(letters)
    if i >= MAX_COLUMNS:
        raise ValueError(letters)
    return i


def format_cells(r0: int, r1: int, c0: int, c1: int) -> str:
    start = f"{index_to_col(c0)}{r0 + 1}"
    if r1 - r0 == 1 and c1 - c0 == 1:
        return start
    return f"{start}:{index_to_col(c1 - 1)}{r1}"


def format_range(title: str, r0: int, r1: int, c0: int, c1: int, force_quote: bool = False) -> str:
    return f"{quote_sheet(title, force_quote)}!{format_cells(r0, r1, c0, c1)}"
