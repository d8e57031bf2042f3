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
from dataclasses import dataclass, replace

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
CHANNEL_STEP = 1.2 * MM
LABEL_GAP = 1.2 * MM
"""Between a Ya/Tidak label and the vertex its arrow leaves by."""
"""Distance between return arrows climbing side by side in one margin."""


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
            inward = _inward(lay, source)
            ya = sides[source, Flow.YA]
            sides[source, Flow.TIDAK] = next(
                s for s in (inward, Side.BOTTOM, _OTHER[inward]) if s is not ya
            )
    return sides


def _inward(lay: Layout, step: int) -> Side:
    """The side of a step's lane that faces the other lanes (labels stay among the lanes)."""
    lanes = lay.sheet.grid.lanes
    return Side.LEFT if len(lanes) > 1 and lay.lane(step) == lanes[-1] else Side.RIGHT


def _place_label(flow: Flow, points: Sequence[Point], side: Side) -> Text | None:
    """The Ya/Tidak label at an arrow's start, on the side away from where the arrow turns.

    Beside the first segment and clear of the symbol, the label then never
    lies on the arrow's own second segment.
    """
    if flow is Flow.NEXT:
        return None
    (x, y), corner = points[0], points[1] if len(points) > 2 else points[-1]
    after = points[2] if len(points) > 2 else corner
    gap = LABEL_GAP
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


def _labels_placed(
    lay: Layout, arrows: list[Arrow], connectors: Sequence[Connector]
) -> list[Arrow]:
    """Each label a lane's edge or another arrow runs through ("Ti|dak") moved on, away from
    its symbol, to the first place just past a line where nothing else is drawn; once every
    arrow is routed. Where there is none, it stays (its white ground keeps it readable)."""
    for index, arrow in enumerate(arrows):
        label = arrow.label
        if label is None:
            continue
        for moved in _label_places(lay, arrows, arrow, label):
            if _free(lay, arrows, connectors, arrow, moved):
                arrows[index] = replace(arrow, label=moved)
                break
    return arrows


def _label_places(lay: Layout, arrows: Sequence[Arrow], own: Arrow, label: Text) -> list[Text]:
    """Where a label may go, in order: where it is, then just past each line (a lane's edge,
    an arrow going up or down) further from its symbol, inside the lanes."""
    lanes = lay.sheet.grid.lanes
    box, clear = label.box, 1 * MM
    lines = [lane.x for lane in lanes[1:]]
    for other in arrows:
        if other.page == own.page:
            for (x0, y0), (x1, y1) in itertools.pairwise(other.points):
                if abs(x0 - x1) < 0.01 and min(y0, y1) < box.bottom and max(y0, y1) > box.y:
                    lines.append(x0)
    if label.anchor == "end":  # the label runs left of its symbol: it moves on leftwards
        shifts = [x - clear - box.right for x in sorted(lines, reverse=True) if x < box.right]
    else:
        shifts = [x + clear - box.x for x in sorted(lines) if x > box.x]
    (x0, y0), (x1, y1) = own.points[0], own.points[1]
    # beside its arrow's first stretch: along it when it runs across, close by when it drops
    if abs(y0 - y1) < 0.01:
        left, right = min(x0, x1), max(x0, x1)
    else:
        left, right = box.x - 5 * MM, box.right + 5 * MM
    places = [label, *(replace(label, x=label.x + shift) for shift in shifts)]
    return [
        place
        for place in places
        if max(lanes[0].x, left) <= place.box.x
        and place.box.right <= min(lanes[-1].right, right)
        and not any(place.box.x - 0.5 < x < place.box.right + 0.5 for x in lines)
    ]


def _free(
    lay: Layout, arrows: Sequence[Arrow], connectors: Sequence[Connector], own: Arrow, label: Text
) -> bool:
    """Whether ``label`` on ``own``'s page is clear of every line and shape drawn there."""
    page, box = own.page, label.box
    grown = box.inset(-0.5 - 0.3 * MM)  # _crosses looks 0.3 mm inside; keep 0.5 pt away
    if any(a.page == page and _crosses(a.points, grown) for a in arrows):
        return False
    taken = [lay.symbols[n].box for n in lay.pages[page]]
    taken += [c.box for c in connectors if c.page == page]
    taken += [a.label.box for a in arrows if a is not own and a.page == page and a.label]
    return not any(box.overlaps(other) for other in taken)


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


def _along(points: Sequence[Point], other: Sequence[Point]) -> bool:
    """Whether two orthogonal paths share a stretch of line (not merely cross or touch)."""
    for (ax0, ay0), (ax1, ay1) in itertools.pairwise(points):
        for (bx0, by0), (bx1, by1) in itertools.pairwise(other):
            if abs(ax0 - ax1) < 0.01 and abs(bx0 - bx1) < 0.01 and abs(ax0 - bx0) < 0.5:
                low, high = max(min(ay0, ay1), min(by0, by1)), min(max(ay0, ay1), max(by0, by1))
            elif abs(ay0 - ay1) < 0.01 and abs(by0 - by1) < 0.01 and abs(ay0 - by0) < 0.5:
                low, high = max(min(ax0, ax1), min(bx0, bx1)), min(max(ax0, ax1), max(bx0, bx1))
            else:
                continue
            if high - low > 0.5:
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

    def _label(self, flow: Flow, points: Sequence[Point], side: Side) -> Text | None:
        """The label, moved back among the lanes if it would reach a text column."""
        label = _place_label(flow, points, side)
        if label is None:
            return None
        lanes = self.lay.sheet.grid.lanes
        box, inset = label.box, 0.5 * MM
        shift = max(lanes[0].x + inset - box.x, 0.0) + min(lanes[-1].right - inset - box.right, 0.0)
        return replace(label, x=label.x + shift) if shift else label

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
            label = self._label(flow, points, side)
            self.arrows.append(Arrow(flow, source, target, page_a, tuple(points), label))
            return
        letter = next(self.letters)
        strip_out, strip_in = lay.strips[page_a, "bottom"], lay.strips[page_b, "top"]
        out = self._connector(page_a, x, strip_out.cy, letter)
        into = self._connector(page_b, x, strip_in.cy, letter)
        points = _down_route(lay, a, side, x, out.box.y)
        label = self._label(flow, points, side)
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
        label = self._label(Flow.TIDAK, points, side)
        self.arrows.append(Arrow(Flow.TIDAK, source, target, page_d, tuple(points), label))

    def _back_route(self, d: Symbol, t: Symbol, side: Side) -> tuple[list[Point], Side]:
        """The first way up from a decision to its Tidak target that is free and clear.

        Clear: through no other symbol, and along no line of an arrow going
        elsewhere (joining another return into the same step is fine).
        """
        options = list(self._back_options(d, t, side))
        page = self.lay.page_of(d.step)
        others = [self.lay.symbols[n] for n in self.lay.pages[page] if n not in (d.step, t.step)]
        lines = [a.points for a in self.arrows if a.page == page and a.target != t.step]

        def clear(points: list[Point]) -> bool:
            return not any(_crosses(points, s.box) for s in others) and not any(
                _along(points, line) for line in lines
            )

        for points, entry in options:
            if (t.step, entry) not in self.taken and clear(points):
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
        first = facing or (side if side in _SIGN else _inward(self.lay, t.step))
        margin = (self.lay.lane(t.step).w - t.box.w) / 2
        # Past a Tidak label when the margin is wide enough; else close together.
        past_label = LABEL_GAP + LABEL.width(Flow.TIDAK.value) + 1 * MM
        step = past_label - CHANNEL if past_label < margin - CHANNEL_STEP / 2 else CHANNEL_STEP
        for entry in (first, _OTHER[first]):
            into = t.port(entry)
            offset = CHANNEL
            while offset <= margin - CHANNEL_STEP / 2:
                channel = into[0] + _SIGN[entry] * offset
                offset += step
                if side is Side.BOTTOM:
                    yield [port, (port[0], jog), (channel, jog), (channel, into[1]), into], entry
                elif (channel - port[0]) * _SIGN[side] > 0:
                    yield [port, (channel, port[1]), (channel, into[1]), into], entry

    def _back_across_pages(self, d: Symbol, t: Symbol, side: Side) -> None:
        """A loop longer than a page: a connector beside the decision and one by the target.

        Both rows have room below their symbol for it (``flowchart.CONNECTOR_ROOM``).
        """
        lay = self.lay
        letter = next(self.letters)
        port = d.port(side)
        gap, half = 2 * MM, CONNECTOR.w / 2
        if side is Side.BOTTOM:
            out = self._connector(lay.page_of(d.step), port[0], port[1] + gap + half, letter)
            points = [port, out.top]
        else:  # past the label
            x = port[0] + _SIGN[side] * (gap + LABEL.width(Flow.TIDAK.value) + half)
            out = self._connector(lay.page_of(d.step), x, port[1], letter)
            points = [port, (x - _SIGN[side] * half, port[1])]
        label = self._label(Flow.TIDAK, points, side)
        self.arrows.append(
            Arrow(Flow.TIDAK, d.step, t.step, lay.page_of(d.step), tuple(points), label, end=out)
        )
        page = lay.page_of(t.step)
        if (t.step, Side.BOTTOM) not in self.taken:
            into_port = t.port(Side.BOTTOM)
            into = self._connector(page, into_port[0], into_port[1] + gap + half, letter)
            start = into.top
        else:
            entry = _inward(lay, t.step)
            into_port = t.port(entry)
            x = into_port[0] + _SIGN[entry] * (gap + half)
            into = self._connector(page, x, into_port[1], letter)
            start = (x - _SIGN[entry] * half, into_port[1])
        self.arrows.append(Arrow(Flow.TIDAK, d.step, t.step, page, (start, into_port), start=into))


def route(lay: Layout) -> tuple[list[Arrow], list[Connector]]:
    router = Router(lay)
    router.route()
    return _labels_placed(lay, router.arrows, router.connectors), router.connectors
