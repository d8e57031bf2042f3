"""A worksheet part changed in place: cells written in some rows, rows added, or the rows
of a worker tab replaced; every other byte of the part kept as it was.

Cells are written as openpyxl writes them (text inline, date-times as serial numbers),
so the part reads back as a whole-file save would have left it. Rows are found by their
numbers (``r``), which Excel, LibreOffice and openpyxl all write; a part without them,
or in XML with prefixes, is Unpatchable (the cycle then writes the workbook whole).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from syncer.backends.xlsx_looks import Look
from syncer.backends.xlsx_package import Unpatchable
from syncer.backends.xlsx_spelling import (
    ILLEGAL_CHARACTERS,
    column_index,
    column_letter,
    excel_serial,
    number_text,
    range_bounds,
)
from syncer.backends.xlsx_styles import StyleBook

MAX_TEXT = 32_767
"""The longest text a cell holds (openpyxl cuts longer text there too)."""

_DATA = re.compile(rb"<sheetData\b[^>]*?(/?)>")
_ROW = re.compile(rb"<row\b([^>]*?)(/?)>")
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
_CELL_REF = re.compile(rb'\sr="([A-Z]{1,3})(\d+)"')
_STYLE = re.compile(rb'\ss="(\d+)"')
_DIMENSION = re.compile(rb'(<dimension\b[^>]*?\sref=")([^"]*)(")')
_COL = re.compile(rb"<col\b([^>]*?)/?>")
_ATTR = re.compile(rb'\s([\w:]+)="([^"]*)"')
_HEIGHT = (b"ht", b"customHeight")
"""Row attributes a row whose height is fitted anew drops (a written row drops its
``spans`` too: a hint of its columns that cells written beyond them would contradict)."""


@dataclass(frozen=True, slots=True)
class Write:
    """A cell to write: its value, and what of its look the write sets."""

    value: object
    look: Look = Look()
    dated: bool = False
    """A date-time shows as the contract says (``xlsx_cells.set_value``)."""


Rows = Mapping[int, Mapping[int, Write]]
"""Row number -> column number (both 1-based) -> the cell to write there."""


class Sheet:
    """One worksheet part, and how to write its cells."""

    def __init__(self, xml: bytes, styles: StyleBook, epoch: datetime):
        if re.search(rb"<\w+:sheetData\b", xml):
            raise Unpatchable("a sheet is written in prefixed XML")
        found = _DATA.search(xml)
        if found is None:
            raise Unpatchable("a sheet has no sheetData")
        self.xml = xml
        self.styles = styles
        self.epoch = epoch
        self.empty = bool(found.group(1))
        self.start = found.end()
        self.end = found.end() if self.empty else xml.find(b"</sheetData>", found.end())
        if self.end < 0:
            raise Unpatchable("a sheet's rows do not end")
        self.opening = found

    # --- what the part holds ------------------------------------------------------------------

    def widths(self) -> dict[int, float]:
        """Column number (1-based) -> its width, for the columns the part sizes."""
        widths: dict[int, float] = {}
        for col in _COL.finditer(self.xml, 0, self.opening.start()):
            attrs = dict(_ATTR.findall(col.group(0)))
            if b"width" not in attrs:
                continue
            first, last = int(attrs.get(b"min", b"1")), int(attrs.get(b"max", b"1"))
            for number in range(first, min(last, 16_384) + 1):
                widths[number] = float(attrs[b"width"])
        return widths

    def last_row(self) -> int:
        """The number of the last row with a cell (0: none), found from the end."""
        return self._tail()[0]

    def _tail(self) -> tuple[int, int]:
        """(the last row with a cell, where that row starts); (0, start) when none."""
        at = self.end
        while at > self.start:
            at = self.xml.rfind(b"<row", self.start, at)
            if at < 0:
                break
            head = _ROW.match(self.xml, at)
            if head is None:
                raise Unpatchable("a sheet has a row that does not read")
            number = _ROW_NUMBER.search(head.group(1))
            if number is None:
                raise Unpatchable("a sheet has a row without its number")
            if not head.group(2) and _CELL.search(self.xml, head.end(), self._row_end(head)):
                return int(number.group(1)), at
        return 0, self.start

    # --- writing ----------------------------------------------------------------------------

    def written(self, rows: Rows, heights: Mapping[int, float | None], tail: bool = False) -> bytes:
        """The part with ``rows``' cells written, and the rows of ``heights`` given that
        height (None: the default). With ``tail`` only the rows from the last one with a
        cell on are looked at (Riwayat: rows are added below it, whatever came before)."""
        numbers = sorted({*rows, *heights})
        if not numbers:
            return self.xml
        last, lo = self._tail() if tail else (0, self.start)
        if numbers[0] <= last:
            raise ValueError(f"row {numbers[0]} is not below the last row ({last})")
        index = self._index(lo)
        starts = [number for number, _, _ in index]
        out = [self.xml[: self.opening.start()] if self.empty else self.xml[:lo]]
        if self.empty:
            out.append(b"<sheetData>")
        at = lo
        for number in numbers:
            place = bisect.bisect_left(starts, number)
            cells = rows.get(number, {})
            if place < len(index) and index[place][0] == number:
                _, begin, finish = index[place]
                out.append(self.xml[at:begin])
                out.append(self._row(self.xml[begin:finish], number, cells, heights))
                at = finish
            else:
                begin = index[place][1] if place < len(index) else self.end
                out.append(self.xml[at:begin])
                out.append(self._row(b"<row>", number, cells, heights))
                at = begin
        if self.empty:
            out.append(b"</sheetData>")
            at = self.opening.end()
        out.append(self.xml[at:])
        new = b"".join(out)
        cols = [col for cells in rows.values() for col in cells] or [1]
        return _dimension(new, (min(cols), numbers[0], max(cols), numbers[-1]), extend=True)

    def replaced(self, grid: list[list[Write]], heights: Mapping[int, float | None]) -> bytes:
        """The part with ``grid`` as its only rows (a worker tab written anew)."""
        body = b"".join(
            self._row(b"<row>", number, dict(enumerate(cells, start=1)), heights)
            for number, cells in enumerate(grid, start=1)
        )
        head = self.xml[: self.opening.start()]
        tail = self.xml[self.opening.end() if self.empty else self.end + len(b"</sheetData>") :]
        new = head + b"<sheetData>" + body + b"</sheetData>" + tail
        width = max((len(cells) for cells in grid), default=1)
        return _dimension(new, (1, 1, max(width, 1), max(len(grid), 1)), extend=False)

    def _index(self, lo: int) -> list[tuple[int, int, int]]:
        """(number, start, end) of each row from ``lo`` on, in the order of the part."""
        index: list[tuple[int, int, int]] = []
        for head in _ROW.finditer(self.xml, lo, self.end):
            number = _ROW_NUMBER.search(head.group(1))
            if number is None:
                raise Unpatchable("a sheet has a row without its number")
            row = int(number.group(1))
            if index and row <= index[-1][0]:
                raise Unpatchable("a sheet's rows are out of order")
            index.append((row, head.start(), self._row_end(head)))
        return index

    def _row_end(self, head: re.Match[bytes]) -> int:
        if head.group(2):
            return head.end()
        end = self.xml.find(b"</row>", head.end(), self.end)
        if end < 0:
            raise Unpatchable("a sheet has a row that does not end")
        return end + len(b"</row>")

    def _row(
        self,
        old: bytes,
        number: int,
        cells: Mapping[int, Write],
        heights: Mapping[int, float | None],
    ) -> bytes:
        head = _ROW.match(old)
        if head is None:
            raise Unpatchable("a sheet has a row that does not read")
        attrs = head.group(1)
        content = b"" if head.group(2) else old[head.end() : -len(b"</row>")]
        dropped = (b"spans" if cells else b"", *(_HEIGHT if number in heights else ()))
        if any(dropped) or not attrs:
            kept = [m for m in _ATTR.finditer(attrs) if m.group(1) not in dropped]
            attrs = b"".join(m.group(0) for m in kept)
            if not _ROW_NUMBER.search(attrs):
                attrs = b' r="%d"' % number + attrs
        height = heights.get(number)
        if height is not None:
            attrs += b' ht="%s" customHeight="1"' % number_text(height).encode()
        if cells:
            content = self._cells(content, number, cells)
        return b"<row%s>%s</row>" % (attrs, content)

    def _cells(self, content: bytes, number: int, cells: Mapping[int, Write]) -> bytes:
        """A row's cells with ``cells`` written: others kept as they are, in column order."""
        pending = sorted(cells.items())
        out: list[bytes] = []
        at = 0
        last = 0
        for found in _CELL.finditer(content):
            ref = _CELL_REF.search(found.group(1))
            if ref is None or int(ref.group(2)) != number:
                raise Unpatchable(f"a cell of row {number} has no place of its own")
            col = column_index(ref.group(1).decode())
            if col <= last:
                raise Unpatchable(f"the cells of row {number} are out of order")
            last = col
            out.append(content[at : found.start()])
            while pending and pending[0][0] < col:
                out.append(self._cell(number, *pending.pop(0), 0))
            if pending and pending[0][0] == col:
                style = _STYLE.search(found.group(1))
                out.append(self._cell(number, *pending.pop(0), int(style.group(1)) if style else 0))
            else:
                out.append(found.group(0))
            at = found.end()
        out.extend(self._cell(number, col, write, 0) for col, write in pending)
        out.append(content[at:])
        return b"".join(out)

    def _cell(self, number: int, col: int, write: Write, base: int) -> bytes:
        value = None if write.value == "" else write.value
        style = self.styles.style_id(base, value, write.look, write.dated)
        return cell_xml(f"{column_letter(col)}{number}", value, style, self.epoch)


def cell_xml(ref: str, value: object, style: int, epoch: datetime) -> bytes:
    """A cell as openpyxl writes it; an empty cell without a format is no cell at all."""
    attrs = f'<c r="{ref}"' + (f' s="{style}"' if style else "")
    if value is None:
        return f'{attrs} t="n" />'.encode() if style else b""
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS.sub("", value)[:MAX_TEXT]
        stripped = text.strip()
        space = ' xml:space="preserve"' if stripped and stripped != text else ""
        return f'{attrs} t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'.encode()
    if isinstance(value, bool):
        return f'{attrs} t="b"><v>{int(value)}</v></c>'.encode()
    if isinstance(value, int | float):
        return f'{attrs} t="n"><v>{number_text(value)}</v></c>'.encode()
    if isinstance(value, datetime | date | time | timedelta):
        serial = excel_serial(value, epoch)
        return f'{attrs} t="n"><v>{number_text(serial)}</v></c>'.encode()
    raise TypeError(f"cannot write {value!r} in a cell")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _dimension(xml: bytes, bounds: tuple[int, int, int, int], extend: bool) -> bytes:
    """The part's ``dimension`` (where it has one) set to ``bounds`` (first column, first
    row, last column, last row); with ``extend``, to what it covered and ``bounds`` both."""
    found = _DIMENSION.search(xml, 0, xml.find(b"<sheetData"))
    if found is None:
        return xml
    first_col, first_row, last_col, last_row = bounds
    if extend:
        try:
            was = range_bounds(found.group(2).decode())
        except (TypeError, ValueError):
            was = (None, None, None, None)
        if all(was):
            low_col, low_row, high_col, high_row = (int(x or 0) for x in was)
            first_col, first_row = min(first_col, low_col), min(first_row, low_row)
            last_col, last_row = max(last_col, high_col), max(last_row, high_row)
    first, last = column_letter(first_col), column_letter(last_col)
    ref = f"{first}{first_row}:{last}{last_row}"
    return xml[: found.start(2)] + ref.encode() + xml[found.end(2) :]
