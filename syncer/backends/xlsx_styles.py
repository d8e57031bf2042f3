"""A workbook's cell formats (its styles part) as a cycle uses them: the id of a format,
added to the part when the workbook does not have it yet.

Cells of the parts a cycle copies keep pointing at the formats they point at: the part
is only ever appended to (a font, a fill, a number format, a cell format at the end of
its list, its count raised), every byte already there kept. A cell takes its new format
as openpyxl would give it: its own format, with what the write sets (a number format, an
alignment, a font, a fill) replaced, and formats compared by what they show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import cast
from xml.etree.ElementTree import Element, ParseError, fromstring, tostring

from syncer import contract as c
from syncer.backends.xlsx_looks import Align, Look, Solid, Typeface
from syncer.backends.xlsx_package import Unpatchable
from syncer.backends.xlsx_shown import Shown, attribute_text, attributes_xml, flag, shown
from syncer.backends.xlsx_spelling import number_text

PART = "xl/styles.xml"
"""Where openpyxl, and so the read, finds a workbook's styles."""
SHEET_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS = f"{{{SHEET_MAIN_NS}}}"
# Number formats as openpyxl has them (``openpyxl.styles.numbers``).
BUILTIN_FORMATS: dict[int, str] = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    14: "mm-dd-yy",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "m/d/yy h:mm",
    37: "#,##0_);(#,##0)",
    38: "#,##0_);[Red](#,##0)",
    39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)",
    41: r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)',
    42: r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)',
    43: r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)',
    44: r'_("$"* #,##0.00_)_("$"* \(#,##0.00\)_("$"* "-"??_)_(@_)',
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mmss.0",
    48: "##0.0E+0",
    49: "@",
}
BUILTIN_IDS = {code: number for number, code in BUILTIN_FORMATS.items()}
FIRST_OWN_ID = 164
"""The first id a workbook gives a format of its own."""
TIME_FORMATS: dict[type, str] = {
    datetime: "yyyy-mm-dd h:mm:ss",
    date: "yyyy-mm-dd",
    time: "h:mm:ss",
    timedelta: "[hh]:mm:ss",
}
"""The number format openpyxl gives a cell that takes a date or a time and has none."""
_IGNORED = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
"""What a format shows literally: quoted text, and brackets other than elapsed time."""
_DATE_PART = re.compile(r"(?<![_\\])[dmhysDMHYS]")


def is_date_format(code: str | None) -> bool:
    """Whether a format shows its number as a date or a time (judged, as openpyxl
    judges it, by its format for positive numbers)."""
    if code is None:
        return False
    shown = _IGNORED.sub("", code.split(";")[0])
    return _DATE_PART.search(shown) is not None


@dataclass(frozen=True, slots=True)
class _Format:
    """A cell format by what it shows. ``number`` is a format id of this workbook, or a
    format code not yet given one; an alignment or protection that shows the default is
    none (openpyxl does not tell them apart)."""

    number: int | str = 0
    font: int = 0
    fill: int = 0
    border: int = 0
    alignment: Shown = ()
    protection: Shown = ()
    parent: int = 0
    quote: bool = False
    pivot: bool = False


_PLAIN = _Format()
"""A cell without a format of its own (no ``s``): openpyxl writes none for it either."""


class StyleBook:
    """The styles part of one workbook, and the formats a write added to it."""

    def __init__(self, xml: bytes):
        self.original = xml
        try:
            root = fromstring(xml)
        except ParseError as exc:
            raise Unpatchable(f"the styles part does not read: {exc}") from exc
        if root.tag != f"{_NS}styleSheet" or b"<styleSheet" not in xml:
            raise Unpatchable("the styles part is not plain SpreadsheetML")
        self.codes: dict[int, str] = {}
        for item in root.iterfind(f"{_NS}numFmts/{_NS}numFmt"):
            self.codes[int(item.get("numFmtId", "0"))] = item.get("formatCode", "")
        self.fonts = [shown(el) for el in root.iterfind(f"{_NS}fonts/{_NS}font")]
        self.fills = [shown(el) for el in root.iterfind(f"{_NS}fills/{_NS}fill")]
        self.formats = [_read_xf(el) for el in root.iterfind(f"{_NS}cellXfs/{_NS}xf")]
        if not self.formats:
            raise Unpatchable("the styles part has no cell formats")
        self._ids: dict[_Format, int] = {}
        for index, el in enumerate(root.iterfind(f"{_NS}cellXfs/{_NS}xf")):
            if _applies(el):
                self._ids.setdefault(self.formats[index], index)
        self._added: dict[str, list[bytes]] = {}
        self._memo: dict[tuple[int, type, bool, Look], int] = {}

    @property
    def changed(self) -> bool:
        return bool(self._added)

    def style_id(self, base: int, value: object, look: Look, dated: bool = False) -> int:
        """The format a cell of format ``base`` takes when written ``value`` and ``look``
        (``dated``: a date-time shows as the contract says); 0 for none."""
        key = (base, type(value), dated, look)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._style_id(base, value, look, dated)
        return found

    def _style_id(self, base: int, value: object, look: Look, dated: bool) -> int:
        if base >= len(self.formats):
            raise Unpatchable(f"a cell points at cell format {base}, which is not there")
        fmt = self.formats[base] if base else _PLAIN
        wanted = TIME_FORMATS.get(type(value))
        if wanted is not None and not is_date_format(self.code(fmt.number)):
            fmt = replace(fmt, number=wanted)
        if dated and isinstance(value, datetime):
            fmt = replace(fmt, number=c.DATE_FORMAT)
        if look.number is not None:
            fmt = replace(fmt, number=look.number)
        if look.alignment is not None:
            fmt = replace(fmt, alignment=_alignment(look.alignment))
        if look.font is not None:
            fmt = replace(fmt, font=self._member("fonts", self.fonts, _font_xml(look.font)))
        if look.fill is not None:
            fmt = replace(fmt, fill=self._member("fills", self.fills, _fill_xml(look.fill)))
        if isinstance(fmt.number, str):
            fmt = replace(fmt, number=self._number_id(fmt.number))
        if fmt == _PLAIN:
            return 0
        index = self._ids.get(fmt)
        if index is None:
            index = self._ids[fmt] = len(self.formats)
            self.formats.append(fmt)
            self._add("cellXfs", _xf_xml(fmt))
        return index

    def code(self, number: int | str) -> str:
        """A number format's code."""
        if isinstance(number, str):
            return number
        return self.codes.get(number) or BUILTIN_FORMATS.get(number, "General")

    def _number_id(self, code: str) -> int:
        builtin = BUILTIN_IDS.get(code)
        if builtin is not None:
            return builtin
        for number, known in self.codes.items():
            if known == code:
                return number
        number = max([FIRST_OWN_ID - 1, *self.codes]) + 1
        self.codes[number] = code
        self._add("numFmts", _element_xml(Element("numFmt", numFmtId=str(number), formatCode=code)))
        return number

    def _member(self, tag: str, items: list[Shown], xml: bytes) -> int:
        """The index of the font or fill ``xml`` in ``items`` (its list), added if absent."""
        item = _shown_xml(xml)
        for index, known in enumerate(items):
            if known == item:
                return index
        items.append(item)
        self._add(tag, xml)
        return len(items) - 1

    def _add(self, tag: str, xml: bytes) -> None:
        self._added.setdefault(tag, []).append(xml)

    def xml(self) -> bytes:
        """The styles part with what the write added (the part as read when nothing)."""
        counts = {
            "numFmts": len(self.codes),
            "fonts": len(self.fonts),
            "fills": len(self.fills),
            "cellXfs": len(self.formats),
        }
        xml = self.original
        for tag, items in self._added.items():
            xml = _appended(xml, tag, items, counts[tag])
        return xml


def _read_xf(el: Element) -> _Format:
    alignment = el.find(f"{_NS}alignment")
    protection = el.find(f"{_NS}protection")
    return _Format(
        number=int(el.get("numFmtId", "0")),
        font=int(el.get("fontId", "0")),
        fill=int(el.get("fillId", "0")),
        border=int(el.get("borderId", "0")),
        alignment=() if alignment is None else _shown_default(shown(alignment)),
        protection=() if protection is None else _shown_default(shown(protection)),
        parent=int(el.get("xfId", "0") or 0),
        quote=_true(el.get("quotePrefix")),
        pivot=_true(el.get("pivotButton")),
    )


def _shown_default(form: Shown) -> Shown:
    """An alignment or protection showing only defaults, as none (``_Format``)."""
    return form if len(form) > 1 else ()


@cache
def _shown_xml(xml: bytes) -> Shown:
    return shown(fromstring(xml))


@cache
def _alignment(align: Align) -> Shown:
    attrs = {"horizontal": align.horizontal, "vertical": align.vertical}
    if align.wrap:
        attrs["wrapText"] = "1"
    el = Element("alignment", {k: v for k, v in attrs.items() if v is not None})
    return _shown_default(shown(el))


def _font_xml(face: Typeface) -> bytes:
    """A font as openpyxl writes it."""
    bold = b'<b val="1" />' if face.bold else b""
    size = number_text(face.size).encode()
    return b'<font><name val="%s" />%s<sz val="%s" /></font>' % (_attr(face.name), bold, size)


def _fill_xml(fill: Solid) -> bytes:
    """A fill of one colour as openpyxl writes it."""
    rgb = _attr(fill.colour if len(fill.colour) == 8 else "00" + fill.colour)
    colours = b'<fgColor rgb="%s" /><bgColor rgb="%s" />' % (rgb, rgb)
    return b'<fill><patternFill patternType="solid">%s</patternFill></fill>' % colours


def _attr(text: str) -> bytes:
    return attribute_text(text).encode()


def _true(text: str | None) -> bool:
    return text is not None and bool(flag(text))


def _applies(el: Element) -> bool:
    """A format whose alignment and protection show: one that says not to apply them
    (``applyAlignment="0"``) is not the format a write asks for."""
    for part, applied in (("alignment", "applyAlignment"), ("protection", "applyProtection")):
        if el.find(f"{_NS}{part}") is not None and el.get(applied) in ("0", "false"):
            return False
    return True


def _xf_xml(fmt: _Format) -> bytes:
    """A cell format as openpyxl writes it."""
    assert isinstance(fmt.number, int)
    attrs = f'numFmtId="{fmt.number}" fontId="{fmt.font}" fillId="{fmt.fill}"'
    attrs += f' borderId="{fmt.border}"'
    if fmt.alignment:
        attrs += ' applyAlignment="1"'
    if fmt.protection:
        attrs += ' applyProtection="1"'
    if fmt.pivot:
        attrs += ' pivotButton="1"'
    if fmt.quote:
        attrs += ' quotePrefix="1"'
    body = b"".join(_part_xml(form) for form in (fmt.alignment, fmt.protection) if form)
    head = f'<xf {attrs} xfId="{fmt.parent}"'.encode()
    return head + (b">" + body + b"</xf>" if body else b" />")


def _part_xml(form: Shown) -> bytes:
    """An alignment or protection of a format, from what it shows."""
    tag, *attrs = form
    return attributes_xml(str(tag), cast(list[tuple[str, object]], attrs))


def _element_xml(el: Element) -> bytes:
    xml: bytes = tostring(el, encoding="utf-8", short_empty_elements=True)
    return xml.removeprefix(b"<?xml version='1.0' encoding='utf-8'?>\n")


def _appended(xml: bytes, tag: str, items: list[bytes], count: int) -> bytes:
    """``items`` added at the end of the list ``tag`` (made, first in the part, if absent:
    only numFmts may be), which then holds ``count``."""
    opening = re.search(rb"<%s\b[^>]*?(/?)>" % tag.encode(), xml)
    closing = xml.find(b"</%s>" % tag.encode())
    body = b"".join(items)
    if opening is None:
        if tag != "numFmts":
            raise Unpatchable(f"the styles part has no {tag}")
        root = re.search(rb"<styleSheet\b[^>]*>", xml)
        if root is None:
            raise Unpatchable("the styles part has no styleSheet")
        made = b'<numFmts count="%d">%s</numFmts>' % (count, body)
        return xml[: root.end()] + made + xml[root.end() :]
    if opening.group(1) or closing < opening.end():
        raise Unpatchable(f"the styles part's {tag} is empty")
    head = re.sub(rb'\scount="[^"]*"', b"", opening.group(0)[:-1]) + b' count="%d">' % count
    return xml[: opening.start()] + head + xml[opening.end() : closing] + body + xml[closing:]
