"""The SOP document as one SVG: the same drawing as the PDF, its pages one under another."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from sop_models.document import Document, document_title
from sop_models.drawing import MM, Item, Point, Polyline, Rect, Text
from sop_models.fonts import SVG_FAMILY

PAGE_GAP = 8 * MM


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _points(points: tuple[Point, ...]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def _element(item: Item) -> str:
    if isinstance(item, Text):
        anchor = f' text-anchor="{item.anchor}"' if item.anchor != "start" else ""
        weight = ' font-weight="bold"' if item.font.bold else ""
        return (
            f'<text x="{_n(item.x)}" y="{_n(item.baseline)}" font-size="{_n(item.font.size)}"'
            f"{weight}{anchor}>{escape(item.text)}</text>"
        )
    stroke = f'stroke="#000" stroke-width="{_n(item.stroke)}"' if item.stroke else 'stroke="none"'
    if isinstance(item, Polyline):
        return f'<polyline points="{_points(item.points)}" fill="none" {stroke}/>'
    fill = item.fill or "none"
    if isinstance(item, Rect):
        b = item.box
        radius = f' rx="{_n(item.radius)}"' if item.radius else ""
        return (
            f'<rect x="{_n(b.x)}" y="{_n(b.y)}" width="{_n(b.w)}" height="{_n(b.h)}"{radius}'
            f' fill="{fill}" {stroke}/>'
        )
    return f'<polygon points="{_points(item.points)}" fill="{fill}" {stroke}/>'


def svg_text(doc: Document) -> str:
    width = max(page.width for page in doc.pages)
    height = sum(page.height for page in doc.pages) + PAGE_GAP * (len(doc.pages) - 1)
    title = escape(document_title(doc.proc))
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width / MM)}mm"'
        f' height="{_n(height / MM)}mm" viewBox="0 0 {_n(width)} {_n(height)}"'
        f' font-family={quoteattr(SVG_FAMILY)} stroke-linejoin="miter">',
        f"<title>{title}</title>",
    ]
    top = 0.0
    for n, page in enumerate(doc.pages, start=1):
        lines.append(f'<g id="halaman-{n}" transform="translate(0 {_n(top)})">')
        lines.append(
            f'<rect width="{_n(page.width)}" height="{_n(page.height)}" fill="#fff"'
            ' stroke="#999" stroke-width="0.5"/>'
        )
        lines.extend(_element(item) for item in page.items)
        lines.append("</g>")
        top += page.height + PAGE_GAP
    lines.append("</svg>")
    return "\n".join(lines) + "\n"
