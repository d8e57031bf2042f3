"""The cycle's read of a workbook: only the tabs it needs, each parsed from its own part.

openpyxl opens the workbook without its sheets (``read_only``: the list of tabs, the
shared strings and the styles that tell dates from numbers); a tab's cells are then
parsed by openpyxl's own sheet parser, so they read exactly as a whole-workbook load
gives them. Riwayat, which grows forever, is parsed only when the cycle asks for it:
otherwise its first rows tell whether it has entries.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._reader import WorkSheetParser

Book = Any
"""A workbook opened ``read_only`` (openpyxl ships no types)."""


@contextmanager
def opened(data: bytes) -> Iterator[Book]:
    """The workbook in ``data``, its sheets not yet parsed."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    try:
        yield book
    finally:
        book.close()


def part_of(book: Book, title: str) -> str:
    """The zip part that holds tab ``title``."""
    return str(book[title]._worksheet_path)


@contextmanager
def _parser(book: Book, title: str) -> Iterator[WorkSheetParser]:
    """openpyxl's parser of one tab's part, as a whole-workbook load runs it."""
    sheet = book[title]
    with book._archive.open(sheet._worksheet_path) as source:
        yield WorkSheetParser(
            source,
            sheet._shared_strings,  # the workbook's own list stays empty when read_only
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )


def values(book: Book, title: str) -> list[list[object]]:
    """A tab's values row by row, as a whole-workbook load has them: every row up to the
    last with a cell, each as wide as the widest (None where no value); a merged range
    holds its value in its first cell only."""
    found: list[tuple[int, list[dict[str, Any]]]] = []
    width = height = 0
    with _parser(book, title) as parser:
        for number, cells in parser.parse():
            if cells:
                found.append((number, cells))
                height = max(height, number)
                width = max(width, max(cell["column"] for cell in cells))
        merged = parser.merged_cells.mergeCell if parser.merged_cells is not None else []
    spans = [_bounds(str(item.ref)) for item in merged]
    for span in spans:
        height, width = max(height, span[3]), max(width, span[2])
    grid: list[list[object]] = [[None] * width for _ in range(height)]
    for number, cells in found:
        row = grid[number - 1]
        for cell in cells:
            row[cell["column"] - 1] = cell["value"]
    for first_col, first_row, last_col, last_row in spans:
        for number in range(first_row, last_row + 1):
            for col in range(first_col, last_col + 1):
                if (number, col) != (first_row, first_col):
                    grid[number - 1][col - 1] = None
    return grid


def has_rows_below(book: Book, title: str, header: int = 1) -> bool:
    """Whether a tab has a cell below its first ``header`` rows (parsing only up to it)."""
    with _parser(book, title) as parser:
        return any(number > header and cells for number, cells in parser.parse())


def first_value(book: Book, title: str) -> object:
    """The value of a tab's first cell (A1)."""
    with _parser(book, title) as parser:
        for number, cells in parser.parse():
            if number > 1:
                break
            for cell in cells:
                if cell["column"] == 1:
                    return cell["value"]
    return None


def _bounds(ref: str) -> tuple[int, int, int, int]:
    first_col, first_row, last_col, last_row = range_boundaries(ref)
    return int(first_col), int(first_row), int(last_col), int(last_row)
