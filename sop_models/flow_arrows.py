"""Arrows of an SOP flowchart: from each step's symbol to the next one's, orthogonal only.

A step leaves by the side facing the next step's lane (by its bottom when the
next step is in the same lane), runs along its row and drops into the next
symbol's top. A decision's ``Ya`` goes on the same way (by its bottom when
its ``Tidak`` needs the same side); its ``Tidak`` leaves by another vertex and
climbs back to its target, entering by the target's bottom or, when that is
taken or the way up is blocked, by a side, climbing in the lane's margin,
which no symbol ever occupies. Where the flow leaves a page, it ends at a
lettered pentagon and starts again under the same letter on the next page.
"""

from __future__ import annotations

import enum
import itertools
import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sop_models.drawing import MM, Box, Item, Point, Polygon, Polyline, Rect, Text
from sop_models.flowchart import LANE_MARGIN, Column, Layout, Side, Symbol
from sop_models.fonts import Font

LABEL = Font(7)
LETTER = Font(7.5, bold=True)
HEAD_LENGTH = 2 * MM
HEAD_HALF_WIDTH = 0.8 * MM
CONNECTOR = Box(0, 0, 6 * MM, 6 * MM)
JOG = 2.5 * MM
"""How far below a symbol an arrow leaving by the bottom turns."""
CHANNEL = LANE_MARGIN * 0.5
"""How far from a symbol's side a return arrow climbs (inside the lane's margin)."""


class Flow(enum.Enum):
    NEXT = ""
    YA = "Ya"
    TIDAK = "Tidak"


@dataclass(frozen=True)
class Connector:
    """An off-page connector: a pentagon pointing down, lettered the same on both pages."""

    letter: str
    page: int
    box: Box

    @property
    def top(self) -> Point:
        return (self.box.cx, self.box.y)

    @property
    def tip(self) -> Point:
        return (self.box.cx, self.box.bottom)

    def drawing(self) -> list[Item]:
        b = self.box
        shoulder = b.y + b.h * 0.6
        outline = ((b.x, b.y), (b.right, b.y), (b.right, shoulder), self.tip, (b.x, shoulder))
        baseline = b.y + b.h * 0.3 + LETTER.ascent / 2
        return [
            Polygon(outline, fill="#ffffff"),
            Text(b.cx, baseline, self.letter, LETTER, "middle"),
        ]


@dataclass(frozen=True)
class Arrow:
    """One arrow on one page; a flow across pages is two arrows joined by a connector pair."""

    flow: Flow
    source: int
    target: int
    page: int
    points: tuple[Point, ...]
    label: Text | None = None
    start: Connector | None = None
    """The arrow comes from this connector (the flow continues from another page)."""
    end: Connector | None = None
    """The arrow goes to this connector (the flow continues on another page)."""

    def drawing(self) -> list[Item]:
        (x0, y0), (x1, y1) = self.points[-2], self.points[-1]
        length = max(abs(x1 - x0), abs(y1 - y0))
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        bx, by = x1 - ux * HEAD_LENGTH, y1 - uy * HEAD_LENGTH
        px, py = -uy * HEAD_HALF_WIDTH, ux * HEAD_HALF_WIDTH
        head = ((x1, y1), (bx + px, by + py), (bx - px, by - py))
        items: list[Item] = [Polyline(self.points, stroke=0.7), Polygon(head, fill="#000000")]
        if self.label is not None:
            # A white ground keeps the label readable where it crosses a lane's edge.
            items += [Rect(self.label.box.inset(-0.6), fill="#ffffff", stroke=0), self.label]
        return items


def letters() -> Iterator[str]:
    for size in itertools.count(1):
        for combo in itertools.product(string.ascii_uppercase, repeat=size):
            yield "".join(combo)


def _toward(a: Column, b: Column) -> Side | None:
    if b.cx > a.cx:
        return Side.RIGHT
    if b.cx < a.cx:
        return Side.LEFT
    return None


_SIGN = {Side.LEFT: -1.0, Side.RIGHT: 1.0}
_OTHER = {Side.LEFT: Side.RIGHT, Side.RIGHT: Side.LEFT}


def edges(lay: Layout) -> list[tuple[Flow, int, int]]:
    """Every arrow of the SOP as (flow, from step, to step); the last step ends the flow."""
    found: list[tuple[Flow, int, int]] = []
    for step in lay.proc.steps:
        if step.decision is not None:
            found.append((Flow.YA, step.number, step.decision.ya))
            found.append((Flow.TIDAK, step.number, step.decision.tidak))
        elif step.number < lay.proc.last:
            found.append((Flow.NEXT, step.number, step.number + 1))
    return found


def exit_sides(lay: Layout) -> dict[tuple[int, Flow], Side]:
    """The side (or vertex) by which each arrow leaves its step."""
    sides: dict[tuple[int, Flow], Side] = {}
    for flow, source, target in edges(lay):
        if flow is Flow.TIDAK:
            continue
        toward = _toward(lay.lane(source), lay.lane(target))
        sides[source, flow] = toward or Side.BOTTOM
        decision = lay.proc.step(source).decision
        if decision is None:
            continue
        back = _toward(lay.lane(source), lay.lane(decision.tidak))
        if back is not None and back is toward:
            sides[source, Flow.YA] = Side.BOTTOM
            sides[source, Flow.TIDAK] = back
        elif back is not None:
            sides[source, Flow.TIDAK] = back
        else:
            sides[source, Flow.TIDAK] = _OTHER[toward] if toward else Side.RIGHT
    return sides


def _label(flow: Flow, points: Sequence[Point], side: Side) -> Text | None:
    """The Ya/Tidak label at an arrow's start, on the side away from where the arrow turns.

    Beside the first segment and clear of the symbol, the label then never
    lies on the arrow's own second segment.
    """
    if flow is Flow.NEXT:
        return None
    (x, y), corner = points[0], points[1] if len(points) > 2 else points[-1]
    after = points[2] if len(points) > 2 else corner
    gap = 1.2 * MM
    if side is Side.BOTTOM:
        turn = after[0] - corner[0]
        anchor = "end" if turn > 0 else "start"
        x += -gap if turn > 0 else gap
        return Text(x, y + LABEL.ascent + 0.4 * MM, flow.value, LABEL, anchor)
    anchor = "start" if side is Side.RIGHT else "end"
    x += _SIGN[side] * gap
    if after[1] < corner[1]:  # the arrow climbs: the label goes under the line
        return Text(x, y + LABEL.ascent + 1 * MM, flow.value, LABEL, anchor)
    return Text(x, y - 1 * MM, flow.value, LABEL, anchor)


def _down_route(lay: Layout, source: Symbol, side: Side, x: float, y_end: float) -> list[Point]:
    """From ``source`` by ``side`` to the point (x, y_end) below it, entering from above."""
    port = source.port(side)
    if side is Side.BOTTOM:
        if abs(port[0] - x) < 0.01:
            return [port, (x, y_end)]
        row = lay.rows[source.step]
        jog = source.box.bottom + min(JOG, (row.bottom - source.box.bottom) / 2)
        return [port, (port[0], jog), (x, jog), (x, y_end)]
    return [port, (x, port[1]), (x, y_end)]


def _crosses(points: Sequence[Point], box: Box) -> bool:
    """Whether an orthogonal path passes through the inside of ``box``."""
    inner = box.inset(0.3 * MM)
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        left, right, top, bottom = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
        if left < inner.right and right > inner.x and top < inner.bottom and bottom > inner.y:
            return True
    return False


class Router:
    """Routes every arrow of one SOP, remembering which ports are taken."""

    def __init__(self, lay: Layout):
        self.lay = lay
        self.sides = exit_sides(lay)
        self.taken: set[tuple[int, Side]] = set()
        self.letters = letters()
        self.arrows: list[Arrow] = []
        self.connectors: list[Connector] = []
        for (step, _), side in self.sides.items():
            self.taken.add((step, side))
        for _, _, target in edges(lay):
            self.taken.add((target, Side.TOP))

    def route(self) -> None:
        for flow, source, target in edges(self.lay):
            if flow is Flow.TIDAK:
                self._back(source, target)
            else:
                self._forward(flow, source, target)

    def _connector(self, page: int, x: float, y: float, letter: str) -> Connector:
        connector = Connector(
            letter, page, Box(x - CONNECTOR.w / 2, y - CONNECTOR.h / 2, CONNECTOR.w, CONNECTOR.h)
        )
        self.connectors.append(connector)
        return connector

    def _forward(self, flow: Flow, source: int, target: int) -> None:
        lay = self.lay
        a, b = lay.symbols[source], lay.symbols[target]
        side = self.sides[source, flow]
        page_a, page_b = lay.page_of(source), lay.page_of(target)
        x = b.box.cx
        if page_a == page_b:
            points = _down_route(lay, a, side, x, b.box.y)
            label = _label(flow, points, side)
            self.arrows.append(Arrow(flow, source, target, page_a, tuple(points), label))
            return
        letter = next(self.letters)
        strip_out, strip_in = lay.strips[page_a, "bottom"], lay.strips[page_b, "top"]
        out = self._connector(page_a, x, strip_out.cy, letter)
        into = self._connector(page_b, x, strip_in.cy, letter)
        points = _down_route(lay, a, side, x, out.box.y)
        label = _label(flow, points, side)
        self.arrows.append(Arrow(flow, source, target, page_a, tuple(points), label, end=out))
        self.arrows.append(
            Arrow(flow, source, target, page_b, (into.tip, b.port(Side.TOP)), start=into)
        )

    def _back(self, source: int, target: int) -> None:
        lay = self.lay
        d, t = lay.symbols[source], lay.symbols[target]
        side = self.sides[source, Flow.TIDAK]
        page_d, page_t = lay.page_of(source), lay.page_of(target)
        if page_d != page_t:
            self._back_across_pages(d, t, side)
            return
        points, _ = self._back_route(d, t, side)
        label = _label(Flow.TIDAK, points, side)
        self.arrows.append(Arrow(Flow.TIDAK, source, target, page_d, tuple(points), label))

    def _back_route(self, d: Symbol, t: Symbol, side: Side) -> tuple[list[Point], Side]:
        """The first free, unblocked way from a decision up to its Tidak target."""
        options = list(self._back_options(d, t, side))
        page = self.lay.pages[self.lay.page_of(d.step)]
        others = [self.lay.symbols[n] for n in page if n not in (d.step, t.step)]
        for points, entry in options:
            if (t.step, entry) not in self.taken and not any(
                _crosses(points, s.box) for s in others
            ):
                return points, entry
        for points, entry in options:
            if not any(_crosses(points, s.box) for s in others):
                return points, entry
        return options[0]

    def _back_options(self, d: Symbol, t: Symbol, side: Side) -> Iterator[tuple[list[Point], Side]]:
        port = d.port(side)
        jog = d.box.bottom + min(JOG, (self.lay.rows[d.step].bottom - d.box.bottom) / 2)
        bottom = t.port(Side.BOTTOM)
        if side is Side.BOTTOM and abs(bottom[0] - port[0]) > 0.01:
            yield [port, (port[0], jog), (bottom[0], jog), bottom], Side.BOTTOM
        elif side is not Side.BOTTOM and (bottom[0] - port[0]) * _SIGN[side] > 0:
            yield [port, (bottom[0], port[1]), bottom], Side.BOTTOM
        facing = _toward(self.lay.lane(t.step), self.lay.lane(d.step))
        entries = (
            [facing, _OTHER[facing]]
            if facing
            else [side, _OTHER[side]]
            if side in _SIGN
            else [Side.RIGHT, Side.LEFT]
        )
        for entry in entries:
            into = t.port(entry)
            channel = into[0] + _SIGN[entry] * CHANNEL
            if side is Side.BOTTOM:
                yield [port, (port[0], jog), (channel, jog), (channel, into[1]), into], entry
            elif (channel - port[0]) * _SIGN[side] > 0:
                yield [port, (channel, port[1]), (channel, into[1]), into], entry

    def _back_across_pages(self, d: Symbol, t: Symbol, side: Side) -> None:
        """A loop longer than a page: a connector beside the decision and one beside the target."""
        lay = self.lay
        letter = next(self.letters)
        port = d.port(side)
        half = CONNECTOR.w / 2
        if side is Side.BOTTOM:
            out = self._connector(lay.page_of(d.step), port[0], port[1] + 2 * MM + half, letter)
            points = [port, out.top]
        else:
            x = port[0] + _SIGN[side] * (2 * MM + half)
            out = self._connector(lay.page_of(d.step), x, port[1], letter)
            points = [port, (x - _SIGN[side] * half, port[1])]
        label = _label(Flow.TIDAK, points, side)
        self.arrows.append(
            Arrow(Flow.TIDAK, d.step, t.step, lay.page_of(d.step), tuple(points), label, end=out)
        )
        entry = next(
            (s for s in (Side.LEFT, Side.RIGHT) if (t.step, s) not in self.taken), Side.LEFT
        )
        self.taken.add((t.step, entry))
        into_port = t.port(entry)
        x = into_port[0] + _SIGN[entry] * (2 * MM + half)
        into = self._connector(lay.page_of(t.step), x, into_port[1], letter)
        start = (x - _SIGN[entry] * half, into_port[1])
        self.arrows.append(
            Arrow(Flow.TIDAK, d.step, t.step, lay.page_of(t.step), (start, into_port), start=into)
        )


def route(lay: Layout) -> tuple[list[Arrow], list[Connector]]:
    router = Router(lay)
    router.route()
    return router.arrows, router.connectors
