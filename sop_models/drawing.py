"""What a page of an SOP document is made of: boxes, lines and texts on a sheet of paper.

One vocabulary for every page (identity, flowchart), read by both emitters
(PDF and SVG), so the two files show the same drawing. Units are PostScript
points; the origin is the top-left corner of the sheet and y grows downwards.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from sop_models.fonts import Font

MM = 72 / 25.4
"""Points per millimetre."""

Point = tuple[float, float]


class Paper(enum.Enum):
    """Landscape sheets: width × height in millimetres."""

    A4 = (297.0, 210.0)
    F4 = (330.0, 215.0)

    @property
    def size(self) -> tuple[float, float]:
        width, height = self.value
        return width * MM, height * MM


MARGIN = 10 * MM


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def contains(self, point: Point, slack: float = 0.01) -> bool:
        x, y = point
        return (
            self.x - slack <= x <= self.right + slack and self.y - slack <= y <= self.bottom + slack
        )

    def encloses(self, other: Box, slack: float = 0.01) -> bool:
        return self.contains((other.x, other.y), slack) and self.contains(
            (other.right, other.bottom), slack
        )

    def overlaps(self, other: Box) -> bool:
        """Whether the two boxes share some inside (touching edges is not enough)."""
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )

    def inset(self, dx: float, dy: float | None = None) -> Box:
        dy = dx if dy is None else dy
        return Box(self.x + dx, self.y + dy, self.w - 2 * dx, self.h - 2 * dy)


@dataclass(frozen=True)
class Rect:
    """A rectangle; ``radius`` rounds its corners (half its height: a capsule)."""

    box: Box
    radius: float = 0.0
    fill: str | None = None
    stroke: float = 0.8


@dataclass(frozen=True)
class Polygon:
    points: tuple[Point, ...]
    fill: str | None = None
    stroke: float = 0.8


@dataclass(frozen=True)
class Polyline:
    points: tuple[Point, ...]
    stroke: float = 0.5


@dataclass(frozen=True)
class Text:
    """One line of text; ``x`` is its left edge, centre or right edge by ``anchor``."""

    x: float
    baseline: float
    text: str
    font: Font
    anchor: str = "start"

    @property
    def box(self) -> Box:
        """The space the line takes (ascent to descent)."""
        width = self.font.width(self.text)
        left = {"start": self.x, "middle": self.x - width / 2, "end": self.x - width}[self.anchor]
        top = self.baseline - self.font.ascent
        return Box(left, top, width, self.font.size * 0.97)


Item = Rect | Polygon | Polyline | Text


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    items: tuple[Item, ...]

    @property
    def printable(self) -> Box:
        return Box(MARGIN, MARGIN, self.width - 2 * MARGIN, self.height - 2 * MARGIN)


def item_box(item: Item) -> Box:
    """The smallest box around what an item draws."""
    if isinstance(item, Rect):
        return item.box
    if isinstance(item, Text):
        return item.box
    xs = [x for x, _ in item.points]
    ys = [y for _, y in item.points]
    return Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def text_block(
    box: Box,
    text: str,
    font: Font,
    align: str = "start",
    pad: float = 1.5 * MM,
    middle: bool = True,
) -> list[Text]:
    """``text`` wrapped to fit ``box``'s width, left-aligned or centred, vertically centred."""
    return lines_block(box, font.wrap(text, box.w - 2 * pad), font, align, pad, middle)


def lines_block(
    box: Box,
    lines: Iterable[str],
    font: Font,
    align: str = "start",
    pad: float = 1.5 * MM,
    middle: bool = True,
) -> list[Text]:
    """Lines already wrapped, placed in ``box`` as ``text_block`` does."""
    lines = [line for line in lines]
    height = len(lines) * font.line_height
    top = box.cy - height / 2 if middle else box.y + pad
    x = {"start": box.x + pad, "middle": box.cx, "end": box.right - pad}[align]
    first = top + (font.line_height - font.size) / 2 + font.ascent
    return [
        Text(x, first + i * font.line_height, line, font, align)
        for i, line in enumerate(lines)
        if line
    ]


def block_height(text: str, font: Font, width: float, pad: float = 1.5 * MM) -> float:
    """Height ``text_block`` needs for ``text`` in a box ``width`` wide."""
    return len(font.wrap(text, width - 2 * pad)) * font.line_height + 2 * pad
