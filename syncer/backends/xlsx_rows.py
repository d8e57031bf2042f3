"""Row heights for wrapped text, which Excel and LibreOffice do not measure when they open a
workbook: a row keeps the height the file gives it, and a wrapped cell taller than that is cut.

The text is measured in the layout's font (Arial, whose widths LibreOffice's Liberation
Sans shares), wrapped where the spreadsheets wrap it: at spaces and after hyphens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING

from syncer import layout

if TYPE_CHECKING:  # only a whole save sizes an openpyxl sheet's rows; a cycle imports no openpyxl
    from openpyxl.worksheet.worksheet import Worksheet

LINE_POINTS = 12.75
"""The height of one line of Arial 10 in a row (Excel's default row height for it)."""
PADDING_PIXELS = 6
"""What a cell keeps free beside its text."""
PIXELS_PER_WIDTH = 7
"""Excel's measure of a column (``layout.PIXELS_PER_WIDTH``): the narrower, so the more
lines; LibreOffice shows the same rows with a little room to spare."""
DEFAULT_WIDTH = 13.0

_ASCII_WIDTHS = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 "
    "556 556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 "
    "722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 "
    "556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 "
    "260 334 584"
)
"""Arial's advance widths (thousandths of its size) of the characters from space to ``~``."""
WIDTHS = dict(zip(map(chr, range(32, 127)), map(int, _ASCII_WIDTHS.split()), strict=True))
WIDE = {"—": 1000, "–": 556, "→": 1000}
OTHER = 556
_BREAKS = re.compile(r"[^ ]+?-(?=[^ -])|[^ ]+")
"""Pieces of a line between wrap points: after a space, and after a hyphen inside a word."""


@cache
def text_pixels(text: str) -> float:
    """How wide ``text`` shows, in pixels, in the layout's font."""
    units = sum(WIDTHS.get(ch) or WIDE.get(ch, OTHER) for ch in text)
    return units / 1000 * layout.FONT_SIZE * 96 / 72


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a column of ``width`` (a workbook's width unit)."""
    room = max(1.0, width * PIXELS_PER_WIDTH - PADDING_PIXELS)
    lines = 0
    for paragraph in text.splitlines() or [""]:
        count, used = 1, 0.0
        for gap, piece in _pieces(paragraph):
            size = text_pixels(piece)
            if not used:
                gap = 0.0
            elif used + gap + size > room:
                count, used, gap = count + 1, 0.0, 0.0
            while size > room:  # longer than a line: broken inside
                count += 1
                size -= room
            used += gap + size
        lines += count
    return lines


def _pieces(paragraph: str) -> Iterator[tuple[float, str]]:
    """(the space before it, piece) of each piece of a paragraph between wrap points."""
    space = text_pixels(" ")
    for i, word in enumerate(paragraph.split(" ")):
        for j, piece in enumerate(_BREAKS.findall(word)):
            yield (space if i and not j else 0.0), piece


def row_height(cells: Iterable[tuple[object, float | None]]) -> float | None:
    """The height of a row whose wrapped cells hold these (value, column width) pairs:
    that of its tallest one, None (the default) for a single line."""
    lines = 1
    for text, width in cells:
        if isinstance(text, str) and text:
            lines = max(lines, wrapped_lines(text, width or DEFAULT_WIDTH))
    return LINE_POINTS * lines if lines > 1 else None


def fit_height(sheet: Worksheet, row: int, columns: list[int]) -> None:
    """Give ``row`` the height of its tallest wrapped cell among ``columns`` (0-based)."""
    texts = [(sheet.cell(row, col + 1).value, col + 1) for col in columns]
    sheet.row_dimensions[row].height = row_height(
        (text, column_width(sheet, col)) for text, col in texts if isinstance(text, str) and text
    )


def column_width(sheet: Worksheet, col: int) -> float | None:
    """The width of column ``col`` (1-based): that of the column range holding it (openpyxl
    files a range such as LibreOffice's C:D under its first letter only)."""
    for dimension in sheet.column_dimensions.values():
        if (dimension.min or 0) <= col <= (dimension.max or 0):
            width: float | None = dimension.width
            return width
    return None
