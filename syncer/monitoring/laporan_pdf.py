"""The monitoring form as a PDF (reportlab): A4 landscape, ready to print and sign.

Page 1 on: the title block, the form (No, Prosedur, Penilaian, Catatan, Tindakan yang
harus diambil) and the signature; then each SOP's step table; then a chart per SOP of
the median time taken against Mutu Baku per step (reportlab's own graphics: vector,
no plotting library). The typeface of the SOP documents (``sop_models.fonts``: DejaVu
Sans, embedded), whatever characters an office's own SOP texts hold.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from sop_models import fonts
from syncer.contract import STATUS_COLOURS, Status
from syncer.monitoring.laporan import (
    CHART_UNIT,
    FORM_HEADERS,
    NAME_LINE,
    STEP_HEADERS,
    TITLE,
    Bar,
    Laporan,
    decimal,
)
from syncer.monitoring.measures import Penilaian, ProcedureFigures

PAGE = landscape(A4)
MARGIN = 1.5 * cm
WIDTH = PAGE[0] - 2 * MARGIN
GREY = colors.HexColor("#D9D9D9")
OVER = colors.HexColor("#" + STATUS_COLOURS[Status.TERLAMBAT])
MEDIAN_COLOUR = colors.HexColor("#E69138")
STANDARD_COLOUR = colors.HexColor("#6D9EEB")

BODY = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=9, leading=11.5)
BOLD = ParagraphStyle("bold", parent=BODY, fontName=fonts.BOLD)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10)
SMALL_BOLD = ParagraphStyle("small-bold", parent=SMALL, fontName=fonts.BOLD)
HEADING = ParagraphStyle(
    "heading", parent=BODY, fontName=fonts.BOLD, fontSize=11, leading=14, spaceBefore=8
)
TITLE_STYLE = ParagraphStyle(
    "title", parent=BODY, fontName=fonts.BOLD, fontSize=13, leading=17, alignment=TA_CENTER
)

CHART_HEIGHT = 7.6 * cm
FORM_WIDTHS = (1.0 * cm, 5.2 * cm, 3.4 * cm, 11.9 * cm, 5.2 * cm)
STEP_WIDTHS = (
    1.0 * cm,
    8.4 * cm,
    3.2 * cm,
    1.6 * cm,
    2.4 * cm,
    2.4 * cm,
    2.1 * cm,
    2.4 * cm,
    3.2 * cm,
)
Command = tuple[Any, ...]
"""A TableStyle command: ``(name, (col, row), (col, row), *values)``."""
CELLS: list[Command] = [
    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
]
GRID: list[Command] = [*CELLS, ("BACKGROUND", (0, 0), (-1, 0), GREY)]
"""A table's cells, its first row the grey header."""


def write_pdf(laporan: Laporan, out: Path | BinaryIO) -> None:
    """Write the form to ``out``; OSError when it cannot be written."""
    footer = f"Monitoring SOP {laporan.measures.period.label}"
    doc = SimpleDocTemplate(
        str(out) if isinstance(out, Path) else out,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{TITLE.title()} {laporan.measures.period.label}",
        author="sopsync",
    )

    def page_footer(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(fonts.REGULAR, 7.5)
        canvas.drawString(MARGIN, MARGIN / 2, footer)
        canvas.drawRightString(PAGE[0] - MARGIN, MARGIN / 2, f"Halaman {canvas.getPageNumber()}")
        canvas.restoreState()

    fonts.register()
    story = [*_form(laporan), *_details(laporan), *_charts(laporan)]
    doc.build(story, onFirstPage=page_footer, onLaterPages=page_footer)


def _p(text: object, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _form(laporan: Laporan) -> list[Flowable]:
    heading = Table(
        [[_p(label, BOLD), _p(":"), _p(value)] for label, value in laporan.heading()],
        colWidths=(3.6 * cm, 0.4 * cm, WIDTH - 4 * cm),
        hAlign="LEFT",
    )
    heading.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    rows = [[_p(h, SMALL_BOLD) for h in FORM_HEADERS]]
    bad: list[bool] = [False]
    for row in laporan.rows():
        judged = row.penilaian.value if row.penilaian else ""
        rows.append([_p(row.no, SMALL), _p(row.prosedur, SMALL), _p(judged, SMALL)])
        rows[-1] += [_p(row.catatan, SMALL), _p("", SMALL)]
        bad.append(row.penilaian is Penilaian.TIDAK_BAIK)
    form = Table(rows[:-1], colWidths=FORM_WIDTHS, repeatRows=1)
    form.setStyle(TableStyle([*GRID, *_orange_penilaian(bad[:-1])]))
    last = Table(rows[-1:], colWidths=FORM_WIDTHS)  # goes with the signature, never alone
    last.setStyle(TableStyle([*CELLS, *_orange_penilaian(bad[-1:])]))
    lines = laporan.signature()
    name = len(lines) + NAME_LINE
    sign = Table(
        [[_p(line, BOLD if i == name else BODY)] for i, line in enumerate(lines)],
        colWidths=(7.5 * cm,),
        rowHeights=[0.65 * cm if line else 0.8 * cm for line in lines],
    )
    sign.hAlign = "RIGHT"
    return [
        _p(TITLE, TITLE_STYLE),
        Spacer(1, 0.4 * cm),
        heading,
        Spacer(1, 0.3 * cm),
        form,
        KeepTogether([last, Spacer(1, 0.5 * cm), sign]),
    ]


def _orange_penilaian(bad: list[bool]) -> list[Command]:
    """Orange on the Penilaian of each row of a table judged Tidak berjalan dengan baik."""
    return [("BACKGROUND", (2, i), (2, i), OVER) for i, judged in enumerate(bad) if judged]


def _details(laporan: Laporan) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), _p("Rincian per langkah", TITLE_STYLE)]
    detailed = laporan.detailed()
    if not detailed:
        return [*story, _p("Tidak ada langkah yang selesai pada periode ini.")]
    for no, proc in _numbered(laporan, detailed):
        rows = [[_p(h, SMALL_BOLD) for h in STEP_HEADERS]]
        rows += [[_p(cell, SMALL) for cell in row] for row in laporan.step_rows(proc)]
        table = Table(rows, colWidths=STEP_WIDTHS, repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle([*GRID, *_over_cells(laporan, proc)]))
        story += [CondPageBreak(4 * cm), _p(f"{no}. {proc.procedure.title}", HEADING), table]
    return story


def _over_cells(laporan: Laporan, proc: ProcedureFigures) -> list[Command]:
    """Orange where a step's median is over Mutu Baku or its share under the rule's."""
    styles: list[Command] = []
    for i, step in enumerate(proc.steps, start=1):
        if step.slowness is not None and step.slowness > 1:
            styles.append(("BACKGROUND", (4, i), (4, i), OVER))
        if step.share is not None and step.share < laporan.good_share - 1e-9:
            styles.append(("BACKGROUND", (7, i), (7, i), OVER))
    return styles


def _numbered(
    laporan: Laporan, procs: list[ProcedureFigures]
) -> list[tuple[int, ProcedureFigures]]:
    """Each SOP with its No on the form."""
    number = {p.procedure.code: n for n, p in enumerate(laporan.measures.procedures, start=1)}
    return [(number[p.procedure.code], p) for p in procs]


def _charts(laporan: Laporan) -> list[Flowable]:
    detailed = laporan.detailed()
    if not detailed:
        return []
    story: list[Flowable] = [
        PageBreak(),
        _p("Median waktu pelaksanaan sebenarnya terhadap Mutu Baku per langkah", TITLE_STYLE),
        _p(f"Dalam {CHART_UNIT} (1 hari kerja = {laporan.hours_per_day()} jam kerja).", BODY),
    ]
    for no, proc in _numbered(laporan, detailed):
        story += [
            CondPageBreak(CHART_HEIGHT + 0.3 * cm),
            _chart(f"{no}. {proc.procedure.title}", laporan.bars(proc)),
        ]
    return story


def _chart(title: str, bars: list[Bar]) -> Drawing:
    height = round(CHART_HEIGHT)
    drawing = Drawing(WIDTH, height)
    drawing.add(String(0, height - 10, title, fontName=fonts.BOLD, fontSize=10))
    chart = VerticalBarChart()  # reportlab takes points; whole ones keep its types happy
    chart.x, chart.y = round(1.4 * cm), round(1.2 * cm)
    legend = _legend()
    x0, _, x1, _ = legend.getBounds()
    legend.x = round(WIDTH - (x1 - x0))  # the legend as wide as its names, at the right edge
    chart.width, chart.height = legend.x - round(0.8 * cm) - chart.x, height - round(2.6 * cm)
    chart.data = [[b.median for b in bars], [b.standard for b in bars]]
    chart.categoryAxis.categoryNames = [str(b.step) for b in bars]
    chart.categoryAxis.labels.fontName = fonts.REGULAR
    chart.valueAxis.labels.fontName = fonts.REGULAR
    chart.valueAxis.labelTextFormat = decimal
    chart.valueAxis.valueMin = 0
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GREY
    chart.bars[0].fillColor = MEDIAN_COLOUR
    chart.bars[1].fillColor = STANDARD_COLOUR
    chart.bars.strokeColor = None
    chart.groupSpacing = 6
    drawing.add(chart)
    drawing.add(
        String(
            chart.x + chart.width / 2,
            0.2 * cm,
            "Langkah",
            fontName=fonts.REGULAR,
            fontSize=8,
            textAnchor="middle",
        )
    )
    unit = String(0, 0, CHART_UNIT, fontName=fonts.REGULAR, fontSize=8)
    unit.x, unit.y = 0, chart.y + chart.height + 10
    drawing.add(unit)
    legend.y = chart.y + chart.height - 6
    drawing.add(legend)
    return drawing


def _legend() -> Legend:
    legend = Legend()
    legend.x = legend.y = 0
    legend.fontName, legend.fontSize = fonts.REGULAR, 8
    legend.colorNamePairs = [
        (MEDIAN_COLOUR, "Median waktu pelaksanaan sebenarnya"),
        (STANDARD_COLOUR, "Mutu Baku"),
    ]
    return legend
