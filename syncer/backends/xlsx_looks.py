"""How the cells a cycle writes look on a workbook: number format, alignment, font, fill.

One set of looks for both writes: the part-by-part write (``xlsx_write``) spells them
into the styles part itself (``xlsx_styles``), a whole save and ``init`` give them to
openpyxl cells (``xlsx_cells``). Plain values, so that a cycle that writes part by part
never imports openpyxl.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from syncer import contract as c
from syncer import layout, views


@dataclass(frozen=True, slots=True)
class Align:
    """Where a cell's text sits; None: the spreadsheet's default."""

    horizontal: str | None = None
    vertical: str | None = None
    wrap: bool = False


@dataclass(frozen=True, slots=True)
class Typeface:
    name: str
    size: float
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Solid:
    """A fill of one colour (hex RGB, as ``layout`` and ``contract`` give them)."""

    colour: str


@dataclass(frozen=True, slots=True)
class Look:
    """What a write sets on a cell besides its value; None keeps the cell's own."""

    number: str | None = None
    alignment: Align | None = None
    font: Typeface | None = None
    fill: Solid | None = None


HEADER_FONT = Typeface(layout.FONT, layout.FONT_SIZE, bold=True)
TITLE_FONT = Typeface(layout.FONT, layout.FONT_SIZE + 2, bold=True)
GREY_FILL = Solid(layout.HEADER_FILL)
STATUS_FILLS = {status: Solid(colour) for status, colour in c.STATUS_COLOURS.items()}


@cache
def column_look(col: layout.Column) -> Look:
    """A column's number format (None: any) and alignment: top, centred or wrapped."""
    number = layout.PATTERNS[col.format] if col.format is not None else None
    alignment = Align(horizontal="center" if col.centred else None, vertical="top", wrap=col.wrap)
    return Look(number=number, alignment=alignment)


def tab_look(value: object, style: str, column: int) -> Look:
    """How a worker tab shows a cell of value ``value`` in ``column`` (0-based), styled
    ``style`` (``views``: a title, a header, a total, a code or a Status)."""
    if style == views.TITLE:
        return Look(font=TITLE_FONT)
    font: Typeface | None = None
    fill: Solid | None = None
    if style in (views.HEADER, views.TOTAL):
        font, fill = HEADER_FONT, GREY_FILL
    elif style in c.STATUS_COLOURS:
        fill = STATUS_FILLS[c.Status(style)]
    alignment = Align(
        horizontal="center" if views.centred(value, style, column) else None,
        vertical="top",
        wrap=wrapped_in_tab(views.Styled(value, style), column),
    )
    return Look(alignment=alignment, font=font, fill=fill)


def wrapped_cells(row: list[views.Styled], hidden: tuple[int, ...]) -> list[int]:
    """The columns (0-based) of a worker tab's row whose text wraps, and so sets its height."""
    return [i for i, x in enumerate(row) if wrapped_in_tab(x, i) and i not in hidden]


def wrapped_in_tab(styled: views.Styled, column: int) -> bool:
    """Long text of a worker tab wraps (a title or a centred code runs on)."""
    return (
        isinstance(styled.value, str)
        and len(styled.value) > 20
        and styled.style != views.TITLE
        and not views.centred(styled.value, styled.style, column)
    )
