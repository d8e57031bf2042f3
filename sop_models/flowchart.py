"""The geometry of an SOP flowchart table (Permenpan RB 35/2012), computed from the SOP.

A fixed grid, not a graph layout: one row per step, in step order; one lane
per actor, in the order of ``actors``; each step's symbol centred in its
actor's lane and its own row. Rows go onto as many pages as they need, the
header repeated on each; a page break never splits a decision's loop when
the loop fits on one page. Arrows and page connectors are routed in
``flow_arrows``; this module places everything else and draws the table.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sop_models.drawing import (
    MARGIN,
    MM,
    Box,
    Item,
    Paper,
    Polygon,
    Rect,
    Text,
    block_height,
    text_block,
)
from sop_models.fonts import Font
from sop_models.procedure import Procedure, Step

BODY = Font(8)
HEAD = Font(8, bold=True)
LANE_HEAD = Font(7.5, bold=True)
CAPTION = Font(11, bold=True)
HEADER_FILL = "#e6e6e6"

CAPTION_HEIGHT = 8 * MM
HEADER_ROW = 6.5 * MM
FOOTER_HEIGHT = 6 * MM
STRIP = 10 * MM
"""Height of the strip above or below the rows that holds page connectors."""

NO_WIDTH = 8 * MM
TEXT_COLUMNS = (
    ("kegiatan", "Kegiatan", 3.2),
    ("kelengkapan", "Kelengkapan", 1.7),
    ("waktu", "Waktu", 1.0),
    ("output", "Output", 1.7),
    ("keterangan", "Keterangan", 1.4),
)
LANE_SHARE = 0.42
LANE_RANGE = (14 * MM, 28 * MM)
LANES_LEAST = 50 * MM
"""The lanes together are never narrower: one or two lanes still have room for labels."""
LANE_SMALLEST = 12 * MM
TEXT_SHARE_MIN = 0.45
TEXT_SHARE_WIDENED = 0.5
"""Lanes widened for their titles' words leave the text columns at least this share."""
SYMBOL_MAX = 22 * MM
LANE_MARGIN = 4 * MM
"""Space between a symbol and its lane's edges: free in every row, so return arrows run there."""
TERMINAL_LANE = 2 * LANE_MARGIN + 10 * MM
"""A lane whose terminal capsule is wider (10 mm) than it is tall (7 mm)."""
HEAD_PAD = 1 * MM


class RenderError(ValueError):
    """The SOP cannot be drawn on the chosen paper (one sentence saying why)."""


class SymbolKind(enum.Enum):
    TERMINAL = "kapsul"
    ACTIVITY = "persegi panjang"
    DECISION = "belah ketupat"


class Side(enum.Enum):
    TOP = "top"
    BOTTOM = "bottom"
    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True)
class Symbol:
    step: int
    kind: SymbolKind
    box: Box

    def port(self, side: Side) -> tuple[float, float]:
        """Where arrows meet the symbol: the middle of a side (a diamond's vertex)."""
        b = self.box
        return {
            Side.TOP: (b.cx, b.y),
            Side.BOTTOM: (b.cx, b.bottom),
            Side.LEFT: (b.x, b.cy),
            Side.RIGHT: (b.right, b.cy),
        }[side]

    def drawing(self) -> Item:
        b = self.box
        if self.kind is SymbolKind.TERMINAL:
            return Rect(b, radius=b.h / 2, stroke=1.0)
        if self.kind is SymbolKind.ACTIVITY:
            return Rect(b, stroke=1.0)
        sides = (Side.TOP, Side.RIGHT, Side.BOTTOM, Side.LEFT)
        return Polygon(tuple(self.port(side) for side in sides), stroke=1.0)


@dataclass(frozen=True)
class Column:
    key: str
    """``no``, ``kegiatan``, ``lane``, ``kelengkapan``, ``waktu``, ``output`` or ``keterangan``."""
    title: str
    x: float
    w: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def cx(self) -> float:
        return self.x + self.w / 2


@dataclass(frozen=True)
class Grid:
    """Column positions, the same on every page."""

    columns: tuple[Column, ...]
    lane_head: Font = LANE_HEAD
    """The lanes' titles: smaller than the other headers when a word would not fit its lane."""

    @property
    def lanes(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.key == "lane")

    def lane(self, actor: str) -> Column:
        return next(c for c in self.lanes if c.title == actor)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def symbol_width(self) -> float:
        return min(self.lanes[0].w - 2 * LANE_MARGIN, SYMBOL_MAX)

    @property
    def left(self) -> float:
        return self.columns[0].x

    @property
    def right(self) -> float:
        return self.columns[-1].right


def make_grid(proc: Procedure, width: float) -> Grid:
    """Columns across ``width``: No, Kegiatan, the lanes, Mutu Baku's three, Keterangan."""
    n = len(proc.actors)
    low, high = LANE_RANGE
    least = LANES_LEAST / n
    lane = max(min(max(width * LANE_SHARE / n, low), high), least)
    if width - NO_WIDTH - n * lane < width * TEXT_SHARE_MIN:
        lane = (width * (1 - TEXT_SHARE_MIN) - NO_WIDTH) / n
    widest = max(LANE_HEAD.width(word) for actor in proc.actors for word in actor.split())
    fitting = max(widest + 2 * HEAD_PAD, TERMINAL_LANE)  # whole words, a capsule wider than tall
    lane = max(lane, min(fitting, (width * (1 - TEXT_SHARE_WIDENED) - NO_WIDTH) / n))
    if lane < LANE_SMALLEST:
        raise RenderError(
            f"{n} actors do not fit across the page (at most "
            f"{int((width * (1 - TEXT_SHARE_MIN) - NO_WIDTH) // LANE_SMALLEST)} on this paper); "
            "give the SOP fewer actors"
        )
    text = width - NO_WIDTH - n * lane
    total = sum(weight for _, _, weight in TEXT_COLUMNS)
    widths = {key: text * weight / total for key, _, weight in TEXT_COLUMNS}
    columns: list[Column] = []
    x = MARGIN

    def add(key: str, title: str, w: float) -> None:
        nonlocal x
        columns.append(Column(key, title, x, w))
        x += w

    add("no", "No", NO_WIDTH)
    add("kegiatan", "Kegiatan", widths["kegiatan"])
    for actor in proc.actors:
        add("lane", actor, lane)
    for key, title, _ in TEXT_COLUMNS[1:]:
        add(key, title, widths[key])
    return Grid(tuple(columns), _lane_head(widest, lane))


def _lane_head(widest: float, lane: float) -> Font:
    """The largest lane title font, down to 5.5 pt, whose widest word fits the lane."""
    for size in (7.5, 7.0, 6.5, 6.0):
        if widest * size / LANE_HEAD.size + 2 * HEAD_PAD <= lane:
            return Font(size, bold=True)
    return Font(5.5, bold=True)


def symbol_kind(proc: Procedure, step: Step) -> SymbolKind:
    if step.number in (1, proc.last):
        return SymbolKind.TERMINAL
    return SymbolKind.DECISION if step.decision is not None else SymbolKind.ACTIVITY


SYMBOL_HEIGHT = {
    SymbolKind.TERMINAL: 7 * MM,
    SymbolKind.ACTIVITY: 7 * MM,
    SymbolKind.DECISION: 10 * MM,
}
ROW_SPACE = 3 * MM
"""Least space above and below a symbol in its row (room for arrows and labels)."""
DECISION_SPACE = 5 * MM
CONNECTOR_ROOM = 9 * MM
"""Extra room below a symbol for a page connector (a loop longer than a page)."""


def _cells(step: Step) -> dict[str, str]:
    return {
        "no": str(step.number),
        "kegiatan": step.activity,
        "kelengkapan": step.kelengkapan,
        "waktu": step.waktu,
        "output": step.output,
        "keterangan": step.keterangan,
    }


def row_height(proc: Procedure, step: Step, grid: Grid) -> float:
    kind = symbol_kind(proc, step)
    space = DECISION_SPACE if kind is SymbolKind.DECISION else ROW_SPACE
    texts = [
        block_height(text, BODY, grid.column(key).w) for key, text in _cells(step).items() if text
    ]
    return max(SYMBOL_HEIGHT[kind] + 2 * space, *texts)


def header_height(grid: Grid) -> float:
    second = max(
        block_height(c.title, _title_font(grid, c), c.w, pad=HEAD_PAD)
        for c in grid.columns
        if c.key in ("lane", "kelengkapan", "waktu", "output")
    )
    return HEADER_ROW + max(second, HEADER_ROW)


@dataclass(frozen=True)
class Sheet:
    """The space of one flowchart page: where the header and the rows may go."""

    width: float
    height: float
    grid: Grid

    @property
    def header_top(self) -> float:
        return MARGIN + CAPTION_HEIGHT

    @property
    def rows_top(self) -> float:
        return self.header_top + header_height(self.grid)

    @property
    def rows_bottom(self) -> float:
        return self.height - MARGIN - FOOTER_HEIGHT


def paginate(proc: Procedure, heights: Sequence[float], room: float) -> list[range]:
    """Step indexes (0-based) per page; a break splits no Tidak loop that fits on a page."""
    whole_page = room - 2 * STRIP
    loops = [
        (s.decision.tidak, s.number)
        for s in proc.steps
        if s.decision is not None and sum(heights[s.decision.tidak - 1 : s.number]) <= whole_page
    ]

    def splits_loop(end: int) -> bool:
        return any(target <= end < source for target, source in loops)

    pages: list[range] = []
    start = 0
    while start < len(heights):
        space = room - (STRIP if start else 0)
        if sum(heights[start:]) <= space:
            pages.append(range(start, len(heights)))
            break
        space -= STRIP
        end, used = start, 0.0
        while end < len(heights) and used + heights[end] <= space:
            used += heights[end]
            end += 1
        if end == start:
            raise RenderError(
                f"step {start + 1} is too long for one page; shorten its texts or use --paper f4"
            )
        whole = [e for e in range(start + 1, end + 1) if not splits_loop(e)]
        end = max(whole, default=end)
        pages.append(range(start, end))
        start = end
    return pages


def header_items(grid: Grid, top: float) -> list[Item]:
    """The two header rows: No, Kegiatan, Pelaksana over the lanes, Mutu Baku over three."""
    lanes = grid.lanes
    first, second = HEADER_ROW, header_height(grid) - HEADER_ROW
    full = first + second
    items: list[Item] = []

    def cell(box: Box, title: str, font: Font) -> None:
        items.append(Rect(box, fill=HEADER_FILL))
        items.extend(text_block(box, title, font, align="middle", pad=HEAD_PAD))

    for key in ("no", "kegiatan", "keterangan"):
        c = grid.column(key)
        cell(Box(c.x, top, c.w, full), c.title, HEAD)
    cell(Box(lanes[0].x, top, lanes[-1].right - lanes[0].x, first), "Pelaksana", HEAD)
    kelengkapan, output = grid.column("kelengkapan"), grid.column("output")
    cell(Box(kelengkapan.x, top, output.right - kelengkapan.x, first), "Mutu Baku", HEAD)
    for c in grid.columns:
        if c.key in ("lane", "kelengkapan", "waktu", "output"):
            cell(Box(c.x, top + first, c.w, second), c.title, _title_font(grid, c))
    return items


def _title_font(grid: Grid, column: Column) -> Font:
    return grid.lane_head if column.key == "lane" else LANE_HEAD


def row_items(step: Step, grid: Grid, row: Box) -> list[Item]:
    """One step's row: a cell per column, its texts wrapped inside."""
    items: list[Item] = []
    cells = _cells(step)
    for c in grid.columns:
        box = Box(c.x, row.y, c.w, row.h)
        items.append(Rect(box, stroke=0.6))
        text = cells.get(c.key, "")
        if text:
            align = "middle" if c.key in ("no", "waktu") else "start"
            items.extend(text_block(box, text, BODY, align=align))
    return items


def strip_items(grid: Grid, strip: Box) -> list[Item]:
    """A connector strip: the table's columns continue, empty."""
    return [Rect(Box(c.x, strip.y, c.w, strip.h), stroke=0.6) for c in grid.columns]


def caption_items(proc: Procedure, grid: Grid) -> list[Item]:
    baseline = MARGIN + CAPTION.ascent + 1 * MM
    width = grid.right - grid.left
    # The identity page gives the whole number; here it leaves the title half the line.
    nomor = BODY.cut(f"Nomor SOP: {proc.identity.nomor}", width / 2) if proc.identity.nomor else ""
    room = width - (BODY.width(nomor) + 4 * MM if nomor else 0)
    items: list[Item] = [Text(grid.left, baseline, CAPTION.cut(proc.title, room), CAPTION)]
    if nomor:
        items.append(Text(grid.right, baseline, nomor, BODY, "end"))
    return items


@dataclass(frozen=True)
class Layout:
    """Where every step goes: its page, its row and its symbol."""

    proc: Procedure
    sheet: Sheet
    pages: tuple[tuple[int, ...], ...]
    """Step numbers on each page."""
    rows: Mapping[int, Box]
    symbols: Mapping[int, Symbol]
    strips: Mapping[tuple[int, str], Box]
    """(page index, ``top`` or ``bottom``) -> the connector strip, when the page has one."""

    def page_of(self, step: int) -> int:
        return next(i for i, steps in enumerate(self.pages) if step in steps)

    def lane(self, step: int) -> Column:
        return self.sheet.grid.lane(self.proc.step(step).actor)


def _split_loop_ends(proc: Procedure, pages: Sequence[range]) -> set[int]:
    """Decisions and Tidak targets of loops that a page break splits."""
    page = {proc.steps[i].number: p for p, indexes in enumerate(pages) for i in indexes}
    ends: set[int] = set()
    for step in proc.steps:
        if step.decision is not None and page[step.decision.tidak] != page[step.number]:
            ends.update((step.number, step.decision.tidak))
    return ends


def layout(proc: Procedure, paper: Paper) -> Layout:
    width, height = paper.size
    grid = make_grid(proc, width - 2 * MARGIN)
    sheet = Sheet(width, height, grid)
    heights = [row_height(proc, step, grid) for step in proc.steps]
    room = {number: 0.0 for number in range(1, proc.last + 1)}
    while True:
        pages = paginate(proc, heights, sheet.rows_bottom - sheet.rows_top)
        short = [n for n in _split_loop_ends(proc, pages) if not room[n]]
        if not short:
            break
        for n in short:  # room below the symbol for the loop's page connector
            room[n] = CONNECTOR_ROOM
            heights[n - 1] += CONNECTOR_ROOM
    rows: dict[int, Box] = {}
    symbols: dict[int, Symbol] = {}
    strips: dict[tuple[int, str], Box] = {}
    for index, page in enumerate(pages):
        y = sheet.rows_top
        if index:
            strips[index, "top"] = Box(grid.left, y, grid.right - grid.left, STRIP)
            y += STRIP
        for i in page:
            step = proc.steps[i]
            row = Box(grid.left, y, grid.right - grid.left, heights[i])
            rows[step.number] = row
            kind = symbol_kind(proc, step)
            lane = grid.lane(step.actor)
            w, h = grid.symbol_width, SYMBOL_HEIGHT[kind]
            if kind is SymbolKind.TERMINAL:  # a capsule, never a circle (an on-page connector)
                h = min(h, w / 1.4)
            symbols[step.number] = Symbol(
                step.number,
                kind,
                Box(lane.cx - w / 2, y + (row.h - room[step.number] - h) / 2, w, h),
            )
            y += heights[i]
        if index < len(pages) - 1:
            strips[index, "bottom"] = Box(grid.left, y, grid.right - grid.left, STRIP)
    numbers = tuple(tuple(proc.steps[i].number for i in page) for page in pages)
    return Layout(proc, sheet, numbers, rows, symbols, strips)


def table_items(lay: Layout, index: int) -> list[Item]:
    """Everything of one page but the arrows and connectors: caption, header, rows, strips."""
    grid = lay.sheet.grid
    items = caption_items(lay.proc, grid) + header_items(grid, lay.sheet.header_top)
    for number in lay.pages[index]:
        items += row_items(lay.proc.step(number), grid, lay.rows[number])
    for where in ("top", "bottom"):
        strip = lay.strips.get((index, where))
        if strip is not None:
            items += strip_items(grid, strip)
    items += [lay.symbols[number].drawing() for number in lay.pages[index]]
    return items
