"""The SOP document as a PDF: each page's drawing onto a reportlab canvas, fonts embedded."""

from __future__ import annotations

from io import BytesIO

from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from sop_models.document import Document, document_title
from sop_models.drawing import Item, Page, Point, Polygon, Polyline, Rect, Text


def pdf_bytes(doc: Document) -> bytes:
    out = BytesIO()
    first = doc.pages[0]
    canvas = Canvas(out, pagesize=(first.width, first.height), pageCompression=1)
    canvas.setTitle(document_title(doc.proc))
    canvas.setSubject("Standar Operasional Prosedur (Permenpan RB No. 35 Tahun 2012)")
    canvas.setCreator("sopsync")
    for page in doc.pages:
        canvas.setPageSize((page.width, page.height))
        for item in page.items:
            _draw(canvas, page, item)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _draw(canvas: Canvas, page: Page, item: Item) -> None:
    def flip(point: Point) -> Point:
        return point[0], page.height - point[1]

    if isinstance(item, Text):
        canvas.setFillColor(HexColor("#000000"))
        canvas.setFont(item.font.name, item.font.size)
        x, y = flip((item.x, item.baseline))
        draw = {
            "start": canvas.drawString,
            "middle": canvas.drawCentredString,
            "end": canvas.drawRightString,
        }[item.anchor]
        draw(x, y, item.text)
        return
    fill = getattr(item, "fill", None)
    canvas.setFillColor(HexColor(fill or "#ffffff"))
    canvas.setLineWidth(item.stroke)
    stroke, filled = int(item.stroke > 0), int(fill is not None)
    if isinstance(item, Rect):
        b = item.box
        x, y = flip((b.x, b.bottom))
        if item.radius:
            canvas.roundRect(x, y, b.w, b.h, item.radius, stroke=stroke, fill=filled)
        else:
            canvas.rect(x, y, b.w, b.h, stroke=stroke, fill=filled)
        return
    path = canvas.beginPath()
    path.moveTo(*flip(item.points[0]))
    for point in item.points[1:]:
        path.lineTo(*flip(point))
    if isinstance(item, Polygon):
        path.close()
        canvas.drawPath(path, stroke=stroke, fill=filled)
    elif isinstance(item, Polyline):
        canvas.drawPath(path, stroke=1, fill=0)
