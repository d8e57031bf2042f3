"""The cycle's read of a workbook: only the tabs it needs, each parsed from its own part.

Opening the workbook reads its small parts: where the workbook part is (the package's
content types), its tabs and their parts (``xl/workbook.xml`` and its relationships), the
shared strings, and which cell styles show dates (``xl/styles.xml``). A tab's cells are
then parsed from its own part. Every value reads as a whole-workbook load by openpyxl
gives it (``openpyxl.load_workbook``: the same part lookups, casts and date rules, in
``xlsx_numbers``), without importing openpyxl: the ordinary cycle never pays for it.
Riwayat, which grows forever, is parsed only when the cycle asks for it: otherwise its
first rows tell whether it has entries.

Where openpyxl gives an object of its own, the read gives plain text instead: an array
or data-table formula reads as its ``=`` text. A shared formula's copies are translated
by openpyxl's own translator, imported only for a tab that has one.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from xml.etree.ElementTree import Element, fromstring, iterparse

from syncer.backends.xlsx_numbers import (
    MAC_EPOCH,
    WINDOWS_EPOCH,
    from_iso,
    from_serial,
    is_duration_format,
)
from syncer.backends.xlsx_styles import BUILTIN_FORMATS, is_date_format

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_WORKBOOK_TYPES = [
    f"application/vnd.{kind}.main+xml"
    for kind in (
        "ms-excel.template.macroEnabled",
        "openxmlformats-officedocument.spreadsheetml.template",
        "ms-excel.sheet.macroEnabled",
        "openxmlformats-officedocument.spreadsheetml.sheet",
    )
]
_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"

_ROW, _CELL, _VALUE = MAIN + "row", MAIN + "c", MAIN + "v"
_FORMULA, _INLINE, _MERGE, _T = MAIN + "f", MAIN + "is", MAIN + "mergeCell", MAIN + "t"


class NotAWorkbook(OSError):
    """The zip holds no workbook part: an OSError, as openpyxl raises it, so that the
    message stays what it was when openpyxl opened the file."""


@dataclass(frozen=True)
class Book:
    """An opened workbook: its tabs and what reading their cells needs."""

    archive: zipfile.ZipFile
    sheetnames: list[str]
    parts: dict[str, str]
    """Each tab's part (``xl/worksheets/sheet1.xml``) by title."""
    epoch: datetime
    strings: list[str]
    dates: frozenset[int]
    """The cell styles (``s``) whose number format shows a date or a time."""
    durations: frozenset[int]


@contextmanager
def opened(data: bytes) -> Iterator[Book]:
    """The workbook in ``data``, its sheets not yet parsed."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = fromstring(archive.read("[Content_Types].xml"))
        part = _workbook_part(types)
        epoch, sheets = _workbook(archive.read(part))
        rels = _relationships(archive, part)
        names = set(archive.namelist())
        parts: dict[str, str] = {}
        for title, rid in sheets:
            target = rels[rid]
            if target in names:
                parts.setdefault(title, target)
        dates, durations = _date_styles(archive)
        yield Book(
            archive=archive,
            sheetnames=list(parts),
            parts=parts,
            epoch=epoch,
            strings=_shared_strings(archive, types),
            dates=dates,
            durations=durations,
        )


def part_of(book: Book, title: str) -> str:
    """The zip part that holds tab ``title``."""
    return book.parts[title]


def values(book: Book, title: str) -> list[list[object]]:
    """A tab's values row by row, as a whole-workbook load has them: every row up to the
    last with a cell, each as wide as the widest (None where no value); a merged range
    holds its value in its first cell only."""
    found: list[tuple[int, list[tuple[int, object]]]] = []
    spans: list[tuple[int, int, int, int]] = []
    width = height = 0
    for number, cells in _rows(book, title, spans):
        if cells:
            found.append((number, cells))
            height = max(height, number)
            width = max(width, max(column for column, _ in cells))
    for span in spans:
        height, width = max(height, span[3]), max(width, span[2])
    grid: list[list[object]] = [[None] * width for _ in range(height)]
    for number, cells in found:
        line = grid[number - 1]
        for column, value in cells:
            line[column - 1] = value
    for first_col, first_row, last_col, last_row in spans:
        for number in range(first_row, last_row + 1):
            for col in range(first_col, last_col + 1):
                if (number, col) != (first_row, first_col):
                    grid[number - 1][col - 1] = None
    return grid


def has_rows_below(book: Book, title: str, header: int = 1) -> bool:
    """Whether a tab has a cell below its first ``header`` rows (parsing only up to it)."""
    return any(number > header and cells for number, cells in _rows(book, title))


def first_value(book: Book, title: str) -> object:
    """The value of a tab's first cell (A1)."""
    for number, cells in _rows(book, title):
        if number > 1:
            break
        for column, value in cells:
            if column == 1:
                return value
    return None


def _rows(
    book: Book, title: str, spans: list[tuple[int, int, int, int]] | None = None
) -> Iterator[tuple[int, list[tuple[int, object]]]]:
    """A tab's rows in order, each parsed as soon as it is read whole (streamed: faster
    than a tree of the whole part, and a caller may stop early); its merged ranges, which
    follow the rows, go to ``spans``."""
    sheet = _Sheet(book)
    with book.archive.open(book.parts[title]) as source:
        for _, element in iterparse(source):
            if element.tag == _ROW:
                yield sheet.row(element)
                element.clear()
            elif element.tag == _MERGE and spans is not None:
                spans.append(_bounds(element.get("ref", "")))


class _Sheet:
    """What parsing one tab's cells remembers from cell to cell (openpyxl's
    ``WorkSheetParser``: row and column counters for cells without a reference, and
    shared formulas)."""

    def __init__(self, book: Book):
        self.book = book
        self.row_number = 0
        self.shared: dict[str | None, Any] = {}

    def row(self, row: Element) -> tuple[int, list[tuple[int, object]]]:
        """The row's number and its cells (column, value), an empty one's value None."""
        number = row.get("r")
        self.row_number = self.row_number + 1 if number is None else _row_number(number)
        column = 0
        cells: list[tuple[int, object]] = []
        for cell in row:
            ref = cell.get("r")
            column = column + 1 if not ref else _column(ref)
            cells.append((column, self._value(cell, ref)))
        return self.row_number, cells

    def _value(self, cell: Element, ref: str | None) -> object:
        kind = cell.get("t", "n")
        formula = cell.find(_FORMULA)
        if formula is not None:
            return self._formula(formula, ref)
        if kind == "inlineStr":
            inline = cell.find(_INLINE)
            return None if inline is None else _text(inline)
        value = cell.findtext(_VALUE) or None
        if value is None:
            return None
        if kind == "n":
            number = _number(value)
            style = int(cell.get("s") or 0)
            if style not in self.book.dates:
                return number
            try:
                return from_serial(number, self.book.epoch, style in self.book.durations)
            except (OverflowError, ValueError):
                return "#VALUE!"  # as openpyxl: a date serial past the calendar is an error
        if kind == "s":
            return self._string(value, ref)
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_iso(value)
        return value  # str (a formula's text result), e (an error such as #N/A)

    def _string(self, index: str, ref: str | None) -> str:
        strings = self.book.strings
        number = int(index)
        if not 0 <= number < len(strings):
            raise ValueError(f"cell {ref} holds shared string {index}, which the workbook lacks")
        return strings[number]

    def _formula(self, formula: Element, ref: str | None) -> str:
        """A formula as openpyxl keeps it: its text after ``=``; a shared formula's copy as
        its first cell's formula moved to this cell."""
        text = "=" + (formula.text or "")
        if formula.get("t") != "shared":
            return text
        index = formula.get("si")
        if index in self.shared:
            return str(self.shared[index].translate_formula(ref))
        if text != "=":
            from openpyxl.formula.translate import Translator  # only for a shared formula

            self.shared[index] = Translator(text, ref)
        return text


def _workbook_part(types: Element) -> str:
    """The workbook's part, found by its content type as openpyxl finds it."""
    overrides = [
        (item.get("ContentType"), item.get("PartName", ""))
        for item in types.iter(_TYPES + "Override")
    ]
    for wanted in _WORKBOOK_TYPES:
        for kind, name in overrides:
            if kind == wanted:
                return name[1:]
    defaults = {item.get("ContentType") for item in types.iter(_TYPES + "Default")}
    if defaults & set(_WORKBOOK_TYPES):
        return "xl/workbook.xml"
    raise NotAWorkbook("File contains no valid workbook part")


def _workbook(data: bytes) -> tuple[datetime, list[tuple[str, str]]]:
    """The workbook's epoch, and its tabs in order: (title, relationship id)."""
    root = fromstring(data)
    props = root.find(MAIN + "workbookPr")
    flag = None if props is None else props.get("date1904")
    mac = flag is not None and flag not in ("false", "f", "0") and bool(flag)
    sheets = [
        (sheet.get("name", ""), rid)
        for holder in root.iter(MAIN + "sheets")
        for sheet in holder
        if (rid := sheet.get(_RID))
    ]
    return (MAC_EPOCH if mac else WINDOWS_EPOCH), sheets


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """A part's relationships: id → the target part's name in the zip."""
    folder, name = posixpath.split(part)
    root = fromstring(archive.read(posixpath.join(folder, "_rels", f"{name}.rels")))
    found: dict[str, str] = {}
    for rel in root.iter(_RELS):
        target = rel.get("Target", "")
        if rel.get("TargetMode") != "External":
            target = (
                target[1:]
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
        found[rel.get("Id", "")] = target
    return found


def _shared_strings(archive: zipfile.ZipFile, types: Element) -> list[str]:
    """The shared strings, rich text as its runs' text joined."""
    name = next(
        (
            item.get("PartName", "")[1:]
            for item in types.iter(_TYPES + "Override")
            if item.get("ContentType") == _STRINGS_TYPE
        ),
        None,
    )
    if name is None:
        return []
    strings: list[str] = []
    with archive.open(name) as source:
        for _, element in iterparse(source):
            if element.tag == MAIN + "si":
                strings.append(_text(element).replace("x005F_", ""))
                element.clear()
    return strings


def _text(element: Element) -> str:
    """A string item's text: its ``t`` and its runs' ``t``, without phonetic hints."""
    if len(element) == 1 and element[0].tag == _T:
        return element[0].text or ""  # plain text, by far the most common
    plain: str | None = None
    runs: list[str] = []
    for child in element:
        tag = _local(child.tag)
        if tag == "t":
            plain = child.text
        elif tag == "r":
            run: str | None = None
            for piece in child:
                if _local(piece.tag) == "t":
                    run = piece.text
            if run is not None:
                runs.append(run)
    return "".join(runs if plain is None else [plain, *runs])


def _date_styles(archive: zipfile.ZipFile) -> tuple[frozenset[int], frozenset[int]]:
    """The cell styles that show dates, and those that show durations."""
    try:
        data = archive.read("xl/styles.xml")
    except KeyError:
        return frozenset(), frozenset()
    root = fromstring(data)
    custom = {
        int(item.get("numFmtId", "0")): item.get("formatCode", "")
        for holder in root.iter(MAIN + "numFmts")
        for item in holder.iter(MAIN + "numFmt")
    }
    dates: set[int] = set()
    durations: set[int] = set()
    for holder in root.iter(MAIN + "cellXfs"):
        for index, xf in enumerate(holder.iter(MAIN + "xf")):
            number = int(xf.get("numFmtId", "0"))
            code = custom[number] if number in custom else BUILTIN_FORMATS.get(number)
            if is_date_format(code):
                dates.add(index)
            if is_duration_format(code):
                durations.add(index)
    return frozenset(dates), frozenset(durations)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _number(text: str) -> int | float:
    """A number cell as openpyxl casts it: an int unless it has a point or an exponent."""
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _row_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if not number.is_integer():
            raise ValueError(f"{text} is not a valid row number") from None
        return int(number)


def _column(ref: str) -> int:
    """The column of a cell reference (``AB12`` → 28)."""
    return _column_index(ref.rstrip("0123456789"))


@cache
def _column_index(letters: str) -> int:
    """The column named by its letters (``AB`` → 28), at most 16,384 of them."""
    upper = letters.upper()
    if not 1 <= len(upper) <= 3 or not upper.isalpha() or not upper.isascii():
        raise ValueError(f"{letters} is not a column")
    index = 0
    for letter in upper:
        index = index * 26 + ord(letter) - 64
    return index


def _bounds(ref: str) -> tuple[int, int, int, int]:
    """A merged range's first column, first row, last column, last row (``B2:D3``)."""
    first, _, last = ref.partition(":")
    last = last or first
    try:
        return _column(first), _cell_row(first), _column(last), _cell_row(last)
    except ValueError:
        raise ValueError(f"{ref} is not a valid coordinate or range") from None


def _cell_row(ref: str) -> int:
    return int(ref[len(ref.rstrip("0123456789")) :])
