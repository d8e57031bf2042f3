"""The SOP document as offices print it: identity page(s), then the flowchart pages.

One drawing per page, computed once from the SOP; ``document_pdf`` and
``document_svg`` write the same drawing to their formats.
"""

from __future__ import annotations

from dataclasses import dataclass

from sop_models.drawing import MARGIN, Item, Page, Paper, Text
from sop_models.flow_arrows import Arrow, Connector, route
from sop_models.flowchart import Layout, layout, table_items
from sop_models.fonts import Font
from sop_models.identity_page import identity_pages
from sop_models.procedure import Procedure

FOOTER = Font(7)


@dataclass(frozen=True)
class Document:
    proc: Procedure
    paper: Paper
    pages: tuple[Page, ...]
    flow: Layout
    arrows: tuple[Arrow, ...]
    connectors: tuple[Connector, ...]
    first_flow_page: int
    """Index in ``pages`` of the first flowchart page (flowchart page i is pages[first + i])."""


def document_title(proc: Procedure) -> str:
    """``SOP Penyusunan RKA``; a title that already says SOP is not said twice."""
    return proc.title if proc.title.casefold().startswith("sop ") else f"SOP {proc.title}"


def _footer(proc: Procedure, width: float, height: float, n: int, total: int) -> list[Item]:
    baseline = height - MARGIN - FOOTER.size * 0.3
    page = f"Halaman {n} dari {total}"
    room = width - 2 * MARGIN - FOOTER.width(page) - FOOTER.size * 2
    return [
        Text(MARGIN, baseline, FOOTER.cut(document_title(proc), room), FOOTER),
        Text(width - MARGIN, baseline, page, FOOTER, "end"),
    ]


def build(proc: Procedure, paper: Paper = Paper.A4) -> Document:
    """The whole document of one SOP; raises RenderError when it cannot fit the paper."""
    width, height = paper.size
    identity = identity_pages(proc, width, height)
    flow = layout(proc, paper)
    arrows, connectors = route(flow)
    bodies = list(identity)
    for index in range(len(flow.pages)):
        items = table_items(flow, index)
        for arrow in arrows:
            if arrow.page == index:
                items += arrow.drawing()
        for connector in connectors:
            if connector.page == index:
                items += connector.drawing()
        bodies.append(items)
    total = len(bodies)
    pages = tuple(
        Page(width, height, tuple(body + _footer(proc, width, height, n, total)))
        for n, body in enumerate(bodies, start=1)
    )
    return Document(proc, paper, pages, flow, tuple(arrows), tuple(connectors), len(identity))
