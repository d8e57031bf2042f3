"""The cycle's own read of a workbook gives every cell as openpyxl's whole-workbook load does.

Workbooks are real files: written by openpyxl (random ones, with a bit of everything a
sheet holds), saved again by LibreOffice (rich text in shared strings, its own styles),
and the demo workbook ``sopsync demo`` makes.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import warnings
import xml.etree.ElementTree as ET
import zipfile
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Font
from openpyxl.utils.datetime import MAC_EPOCH
from openpyxl.worksheet.formula import ArrayFormula

from syncer.backends import xlsx_read
from tests.libreoffice import TIMEOUT
from tests.sheets import run_cli

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ROWS, COLUMNS = 12, 6

FORMATS = [
    "General",
    "0.00",
    "@",
    "yyyy-mm-dd",
    "dd/mm/yyyy hh.mm",
    "d-mmm",
    "h:mm AM/PM",
    "mm:ss",
    "[h]:mm:ss",
    "[mm]:ss.00",
    '"hari ke-"0',
    "h:mm;[h]:mm",
    "[Red]0.0;[Blue]-0.0",
    "[$-421]dddd, d mmmm yyyy;@",
    "0_);(0)",
    "#,##0\\d",
]
ERRORS = ["#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"]
FORMULAS = ["=SUM(A1:B2)", '=IF(A1>0,"ya","tidak")', "=A1+1", "=NA()", '=Kalender!A1&" x"']

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12).map(
    lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)
) | st.sampled_from(
    ["  diapit spasi  ", "_x000D_", "a_x005F_x000D_b", "x005F_", "baris\nbaru", "\t", " "]
)
rich = st.lists(st.tuples(st.booleans(), texts.filter(bool)), min_size=1, max_size=3).map(
    lambda runs: CellRichText(
        [TextBlock(InlineFont(b=True), text) if bold else text for bold, text in runs]
    )
)
moments = st.datetimes(datetime(1905, 1, 1), datetime(2200, 1, 1))
values = st.one_of(
    st.none(),
    texts,
    rich,
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(date(1905, 1, 1), date(2200, 1, 1)),
    moments,
    st.times(),
    st.timedeltas(timedelta(0), timedelta(days=5000)),
    st.sampled_from(ERRORS + FORMULAS),
)
cells = st.dictionaries(
    st.tuples(st.integers(1, ROWS), st.integers(1, COLUMNS)),
    st.tuples(values, st.none() | st.sampled_from(FORMATS), st.booleans()),
    max_size=40,
)
spans = st.lists(
    st.tuples(st.integers(1, ROWS), st.integers(1, COLUMNS), st.integers(0, 2), st.integers(0, 2)),
    max_size=3,
)


class Made(bytes):
    """A workbook's bytes, shown as what was drawn to make it."""

    drawn: list[object]

    def __repr__(self) -> str:
        return f"<workbook of {self.drawn!r}>"


@st.composite
def workbooks(draw: st.DrawFn) -> Made:
    """A workbook of one to three tabs, as openpyxl writes it."""
    drawn: list[object] = []
    draw = _noting(draw, drawn)
    book = Workbook()
    book.remove(book.active)
    if draw(st.booleans()):
        book.epoch = MAC_EPOCH
    book.iso_dates = draw(st.booleans())  # dates as ISO text (type d), not serials
    for index in range(draw(st.integers(1, 3))):
        sheet = book.create_sheet(f"Tab {index}")
        for (row, col), (value, number_format, bold) in draw(cells).items():
            cell = sheet.cell(row, col)
            if value == "=SUM(A1:B2)" and bold:
                value = ArrayFormula(f"{cell.coordinate}:{cell.coordinate}", value)
            cell.value = value
            if number_format is not None:
                cell.number_format = number_format
            if bold:
                cell.font = Font(bold=True)  # a styled cell, kept even when empty
        taken: set[tuple[int, int]] = set()
        for row, col, down, right in draw(spans):
            area = {(r, c) for r in range(row, row + down + 1) for c in range(col, col + right + 1)}
            if not taken & area and (down or right):
                taken |= area
                sheet.merge_cells(
                    start_row=row, start_column=col, end_row=row + down, end_column=col + right
                )
    out = io.BytesIO()
    book.save(out)
    made = Made(_without_references(out.getvalue()) if draw(st.booleans()) else out.getvalue())
    made.drawn = drawn
    return made


def _noting(draw: st.DrawFn, drawn: list[object]) -> st.DrawFn:
    def noted(strategy: st.SearchStrategy[object]) -> object:
        value = draw(strategy)
        drawn.append(value)
        return value

    return noted  # type: ignore[return-value]


def _without_references(data: bytes) -> bytes:
    """The workbook with each row and cell reference left out where it follows from the one
    before (as some programs write sheets)."""
    ET.register_namespace("", MAIN)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                root = ET.fromstring(part)
                last_row = 0
                for row in root.iter(f"{{{MAIN}}}row"):
                    number = int(row.get("r", "0"))
                    if number == last_row + 1:
                        del row.attrib["r"]
                    last_row = number
                    last_col = 0
                    for cell in row:
                        col = xlsx_read._column(cell.get("r", ""))
                        if col == last_col + 1:
                            del cell.attrib["r"]
                        last_col = col
                part = ET.tostring(root, xml_declaration=True, encoding="UTF-8")
            target.writestr(info, part)
    return out.getvalue()


def typed(value: object) -> tuple[str, object]:
    """A value with its type: 1, 1.0 and True are different cells."""
    if isinstance(value, ArrayFormula):
        return ("str", value.text)  # the read keeps an array formula's text, not openpyxl's object
    return (type(value).__name__, value)


def assert_reads_as_openpyxl(data: bytes) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns of a date past the calendar
        whole = load_workbook(io.BytesIO(data))
    with xlsx_read.opened(data) as book:
        assert book.sheetnames == whole.sheetnames
        assert book.epoch == whole.epoch
        for title in book.sheetnames:
            sheet = whole[title]
            want = [[typed(cell.value) for cell in row] for row in sheet.iter_rows()]
            got = [[typed(value) for value in row] for row in xlsx_read.values(book, title)]
            if got == [[typed(None)]]:
                got = []  # openpyxl shows an empty tab as one empty cell
            if want == [[typed(None)]]:
                want = []
            assert got == want, title
            first = xlsx_read.first_value(book, title)
            assert typed(first) == (got[0][0] if got and got[0] else typed(None))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workbooks())
def test_every_cell_reads_as_a_whole_workbook_load_gives_it(data):
    assert_reads_as_openpyxl(data)


def test_a_shared_formula_reads_in_each_cell_as_moved_there(tmp_path):
    book = Workbook()
    sheet = book.active
    for row in range(1, 5):
        sheet.cell(row, 1).value = row
    book.save(tmp_path / "a.xlsx")
    shared = {  # column B filled down from B2, as Excel saves it
        2: b'<f t="shared" ref="B2:B4" si="0">A2*2+$A$1</f>',
        3: b'<f t="shared" si="0"/>',
        4: b'<f t="shared" si="0"/>',
    }

    def fill_down(xml: bytes) -> bytes:
        for row, formula in shared.items():
            cell = f'<c r="A{row}" t="n"><v>{row}</v></c>'.encode()
            xml = xml.replace(cell, cell + f'<c r="B{row}">'.encode() + formula + b"</c>")
        return xml

    data = _patched_sheet((tmp_path / "a.xlsx").read_bytes(), fill_down)
    assert_reads_as_openpyxl(data)
    with xlsx_read.opened(data) as opened:
        assert [row[1] for row in xlsx_read.values(opened, "Sheet")] == [
            None,
            "=A2*2+$A$1",
            "=A3*2+$A$1",
            "=A4*2+$A$1",
        ]


def _patched_sheet(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                changed = change(part)
                assert changed != part
                part = changed
            target.writestr(info, part)
    return out.getvalue()


EVERYTHING = {
    "A1": "Nama",
    "B1": CellRichText([TextBlock(InlineFont(b=True), "Tebal"), " biasa "]),
    "C1": datetime(2026, 11, 30, 9, 15),
    "D1": date(2026, 12, 25),
    "E1": time(7, 30),
    "F1": timedelta(hours=30, minutes=5),
    "A2": 3,
    "B2": 2.5,
    "C2": True,
    "D2": "#N/A",
    "E2": "=A2*2",
    "F2": "  spasi  ",
    "A4": "setelah baris kosong",
    "H4": "jauh di kanan",
}


def test_a_workbook_libreoffice_saved_reads_as_openpyxl_loads_it(tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("needs soffice (LibreOffice is not in CI)")
    book = Workbook()
    sheet = book.active
    for ref, value in EVERYTHING.items():
        sheet[ref] = value
    sheet["C1"].number_format = "dd/mm/yyyy hh.mm"
    sheet.merge_cells("A6:C7")
    sheet["A6"] = "gabungan"
    book.create_sheet("Kedua").append(["x", 1, 2.25])
    book.save(tmp_path / "kantor.xlsx")
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}"]
        + ["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "lo")]
        + [str(tmp_path / "kantor.xlsx")],
        capture_output=True,
        timeout=TIMEOUT,
        check=True,
    )
    data = (tmp_path / "lo" / "kantor.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<r>" in archive.read("xl/sharedStrings.xml")  # rich text among shared strings
    assert_reads_as_openpyxl(data)


def test_the_demo_workbook_reads_as_openpyxl_loads_it(tmp_path):
    path = tmp_path / "demo.xlsx"
    assert run_cli("demo", path, "--now", "2026-11-24T10:00", "--history").code == 0
    assert_reads_as_openpyxl(path.read_bytes())
