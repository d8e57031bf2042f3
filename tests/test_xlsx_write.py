"""The cycle's write to a workbook, part by part (``xlsx_write``), against openpyxl's own.

What staff open must be what a whole-workbook save would have left: every cell the same
value, number format, font, fill, border, alignment and protection, every written row the
same height, the layout the same; and what the write does not change must be the bytes
that were there. Checked on a workbook written by openpyxl (as ``init`` leaves it) and on
one saved by LibreOffice (shared strings, its own styles), for random changes.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from copy import copy
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Border, Font, PatternFill, Side

from sop_models import DONE
from syncer import contract as c
from syncer import views
from syncer.backends import CellWrite, Changes
from syncer.backends.xlsx import XlsxBackend
from syncer.backends.xlsx_looks import Look, Typeface
from syncer.backends.xlsx_package import Unpatchable, rewrite
from syncer.backends.xlsx_styles import PART, StyleBook
from syncer.backends.xlsx_whole import write_whole
from syncer.backends.xlsx_write import patched
from syncer.engine import EntryKind, HistoryEntry, Record
from tests.libreoffice import TIMEOUT, need, printout
from tests.sheets import XlsxSheet

ZONE = ZoneInfo("Asia/Jakarta")
MON = "2026-11-30T08:00"
PEOPLE = [["Sekcam", "Budi Santoso", "198001012005011001"], ["Camat", "Siti Aminah"]]


def _office(folder: Path) -> Path:
    """A workbook as an office has it after a few cycles: documents, a Riwayat, people,
    staff's own formats, column and tab."""
    folder.mkdir()
    sheet = XlsxSheet(folder)
    sheet.add_rows(
        *({"Prosedur": proc, "Judul": f"Dokumen {i}"} for i, proc in enumerate(["rka", "iku"] * 4))
    )
    assert sheet.sync(MON).code == 0
    sheet.set(2, "Langkah", 2)
    sheet.set(3, "Langkah", "tujuh")
    assert sheet.sync("2026-11-30T09:00").code == 0
    book = load_workbook(sheet.path)
    dokumen = book[c.DOKUMEN]
    cols = c.column_map([x.value for x in dokumen[1]])
    dokumen.cell(2, cols["status"] + 1).font = Font(name="Arial", bold=True, color="FF0000")
    dokumen.cell(3, cols["pesan"] + 1).fill = PatternFill("solid", start_color="FFFF00")
    dokumen.cell(4, cols["mulai"] + 1).border = Border(bottom=Side(style="thin"))
    dokumen.cell(1, len(cols) + 1).value = "Catatan staf"
    dokumen.cell(5, len(cols) + 1).value = "telepon dulu"
    dokumen.merge_cells(start_row=12, start_column=1, end_row=12, end_column=3)
    dokumen.cell(12, 1).value = "Rekap akhir tahun"
    pegawai = book["Pegawai"]
    for r, values in enumerate(PEOPLE, start=2):
        for col, value in enumerate(values, start=1):
            pegawai.cell(r, col).value = value
    book.create_sheet("Catatan rapat").append(["tetap di sini", 42])
    book.save(sheet.path)
    return sheet.path


class Saved(dict[str, bytes]):
    """Workbooks by the program that saved them (shown by name only)."""

    def __repr__(self) -> str:
        return f"<workbooks saved by {', '.join(self)}>"


@pytest.fixture(scope="module")
def offices(tmp_path_factory) -> Saved:
    """The office workbook as openpyxl saved it, and as LibreOffice saved it (when there)."""
    folder = tmp_path_factory.mktemp("offices")
    path = _office(folder / "openpyxl")
    found = Saved(openpyxl=path.read_bytes())
    if shutil.which("soffice"):
        out = folder / "libreoffice"
        profile = folder / "profile"
        subprocess.run(
            ["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}"]
            + ["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(path)],
            capture_output=True,
            timeout=TIMEOUT,
            check=True,
        )
        found["libreoffice"] = (out / path.name).read_bytes()
    return found


def _read(data: bytes, folder: Path):
    path = folder / "kantor.xlsx"
    path.write_bytes(data)
    return XlsxBackend(path, ZONE).read().basis


def reference(data: bytes, changes: Changes, basis) -> bytes:
    """The same write on the whole workbook, saved by openpyxl."""
    book = load_workbook(io.BytesIO(data))
    write_whole(book, changes, basis.found, ZONE)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


LOOKS = (
    ("font", "fontId"),
    ("fill", "fillId"),
    ("border", "borderId"),
    ("alignment", "alignmentId"),
    ("protection", "protectionId"),
)
"""A cell's looks, each the workbook's entry at an index the cell's style holds."""


def _cell(sheet, row: int, col: int, unwrapped: dict[tuple[str, int], object]) -> tuple:
    """A cell's value, number format and looks; ``unwrapped``: the looks of this cell's
    workbook copied so far, by look and index (one copy of each, not one per cell)."""
    cell = sheet._cells.get((row, col))
    if cell is None:  # no cell shows the workbook's first cell format, as Excel shows it
        cell = sheet.cell(row, col)
        cell._style = copy(sheet.parent._cell_styles[0])
    looks = []
    for name, index in LOOKS:
        key = (name, getattr(cell._style, index))
        if key not in unwrapped:
            unwrapped[key] = copy(getattr(cell, name))  # a copy: the StyleProxy unwrapped
        looks.append(unwrapped[key])
    return (cell.value, cell.number_format, *looks)


def _alike(ours: tuple, theirs: tuple, same: dict[tuple[int, int], bool]) -> bool:
    """``ours == theirs`` for two ``_cell`` tuples; each pair of looks (one object per look
    and index in each workbook) compared once, its answer kept in ``same``."""
    if not ours[:2] == theirs[:2]:  # noqa: SIM201 - as the tuples compare
        return False
    for mine, other in zip(ours[2:], theirs[2:], strict=True):
        key = (id(mine), id(other))  # both kept alive by their workbook's looks
        if key not in same:
            same[key] = mine == other
        if not same[key]:
            return False
    return True


def _used(sheet) -> set[tuple[int, int]]:
    return {key for key, cell in sheet._cells.items() if cell.value is not None or cell.has_style}


def assert_same_workbook(ours: bytes, theirs: bytes) -> None:
    """What openpyxl reads from both: every cell, written rows' heights, the layout."""
    mine, other = load_workbook(io.BytesIO(ours)), load_workbook(io.BytesIO(theirs))
    assert mine.sheetnames == other.sheetnames
    looks_a: dict[tuple[str, int], object] = {}
    looks_b: dict[tuple[str, int], object] = {}
    same: dict[tuple[int, int], bool] = {}
    for title in mine.sheetnames:
        a, b = mine[title], other[title]
        for row, col in sorted(_used(a) | _used(b)):
            ours, theirs = _cell(a, row, col, looks_a), _cell(b, row, col, looks_b)
            if not _alike(ours, theirs, same):
                assert ours == theirs, (title, row, col)
        rows = {row for row, _ in _used(a) | _used(b)}
        for row in rows:
            assert a.row_dimensions[row].height == b.row_dimensions[row].height, (title, row)
        assert (a.sheet_state, a.freeze_panes, a.auto_filter.ref, a.protection.sheet) == (
            b.sheet_state,
            b.freeze_panes,
            b.auto_filter.ref,
            b.protection.sheet,
        )
        assert [str(cf.sqref) for cf in a.conditional_formatting] == [
            str(cf.sqref) for cf in b.conditional_formatting
        ]
        assert [(str(v.sqref), v.formula1) for v in a.data_validations.dataValidation] == [
            (str(v.sqref), v.formula1) for v in b.data_validations.dataValidation
        ]
        assert (a.print_title_rows, a.page_setup.orientation) == (
            b.print_title_rows,
            b.page_setup.orientation,
        )
        assert a.merged_cells.ranges == b.merged_cells.ranges


# --- random changes ---------------------------------------------------------------------------

_text = st.one_of(
    st.text(
        st.characters(min_codepoint=0x20, max_codepoint=0xFFFD, blacklist_categories=("Cs",))
        | st.sampled_from("\n\t"),
        max_size=40,
    ),
    st.sampled_from(
        ["  spasi di tepi ", '=HYPERLINK("x")', "a & b < c > d", "baris\nkedua", "x" * 90]
    ),
)
_moment = st.datetimes(datetime(2020, 1, 1), datetime(2030, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)
_aware = _moment.map(lambda d: d.replace(tzinfo=ZONE))
_value = st.one_of(
    st.none(),
    st.just(""),
    _text,
    st.integers(-(10**6), 10**6),
    st.floats(-1e6, 1e6, allow_nan=False),
    _moment,
    _moment.map(lambda d: d.date()),
)
_ids = st.sampled_from(["RKA-2026-0001", "IKU-2026-0001", "RKA-2026-0003", "BARU-1", "BARU-2"])
_cells = st.lists(
    st.builds(
        CellWrite,
        row=st.integers(0, 12),
        column=st.sampled_from([*c.WORKER_COLUMNS, c.ID]),
        value=_value,
    ),
    max_size=12,
    unique_by=lambda write: (write.row, write.column),  # a cycle writes a cell once
)
_records = st.lists(
    st.builds(
        Record,
        id=_ids,
        procedure=st.sampled_from(["rka", "iku"]),
        step=st.integers(1, 6),
        since=_aware,
        came_from=st.none() | st.integers(1, 5),
        rejected=st.lists(_text, max_size=2).map(tuple),
    ),
    max_size=4,
)
_history = st.lists(
    st.builds(
        HistoryEntry,
        when=_aware,
        id=_ids,
        procedure=st.sampled_from(["rka", "iku"]),
        source=st.none() | st.integers(1, 6),
        target=st.none() | st.integers(1, 6) | st.just(DONE),
        actor=_text,
        due=st.none() | _aware,
        note=_text,
        kind=st.sampled_from(EntryKind),
    ),
    max_size=5,
)
_styled = st.builds(
    views.Styled,
    value=_value,
    style=st.sampled_from(
        ["", views.TITLE, views.HEADER, views.TOTAL, views.CODE, *(s.value for s in c.Status)]
    ),
)
_grid = st.lists(st.lists(_styled, max_size=6), max_size=6)
_tabs = st.dictionaries(st.sampled_from(["Ringkasan", "SOP", "Kinerja"]), _grid, max_size=3)
_pesan = st.dictionaries(
    st.sampled_from(["Pegawai", "Kalender"]),
    st.dictionaries(st.integers(0, 3), _text, max_size=3),
    max_size=2,
)
_meta = st.dictionaries(
    st.sampled_from(["records", "digest:SOP", "baru:satu", "baru:dua", "tabs"]),
    st.none() | _text,
    max_size=4,
)
_changes = st.builds(
    Changes,
    cells=_cells,
    records=_records,
    history=_history,
    tabs=_tabs,
    pesan=_pesan,
    meta=_meta,
)


@pytest.mark.parametrize("saved_by", ["openpyxl", "libreoffice"])
@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date")  # a number in a date column
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=_changes)
def test_random_changes_read_back_as_a_whole_workbook_save_leaves_them(
    offices, tmp_path, saved_by, changes
):
    if saved_by not in offices:
        pytest.skip("needs soffice (LibreOffice is not in CI)")
    data = offices[saved_by]
    basis = _read(data, tmp_path)
    ours = patched(data, changes, basis.found, ZONE)
    assert_same_workbook(ours, reference(data, changes, basis))


# --- what the write leaves as it was ----------------------------------------------------------


def _parts(data: bytes) -> dict[str, tuple[int, int, bytes]]:
    """Each part: its CRC, its size, its bytes as stored (compressed)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        found = {}
        for info in archive.infolist():
            head = data[info.header_offset : info.header_offset + 30]
            start = info.header_offset + 30 + int.from_bytes(head[26:28], "little")
            start += int.from_bytes(head[28:30], "little")
            found[info.filename] = (
                info.CRC,
                info.file_size,
                data[start : start + info.compress_size],
            )
        return found


def _xml(data: bytes, part: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(part)


def _outside_rows(xml: bytes) -> tuple[bytes, bytes]:
    """A sheet part without its rows and its dimension: its layout."""
    import re

    head, rest = xml.split(b"<sheetData>", 1)
    return re.sub(rb'<dimension ref="[^"]*"', b"<dimension", head), rest.split(b"</sheetData>")[1]


def test_parts_the_write_does_not_change_are_copied_as_they_are_stored(offices, tmp_path):
    data = offices["openpyxl"]
    basis = _read(data, tmp_path)
    dokumen = basis.found.parts[c.DOKUMEN]
    changes = Changes(cells=[CellWrite(1, c.PESAN, "Langkah 9 tidak ada di SOP ini.")])
    new = patched(data, changes, basis.found, ZONE)
    before, after = _parts(data), _parts(new)
    assert list(before) == list(after)
    assert {name for name in before if before[name] != after[name]} == {dokumen}
    assert _outside_rows(_xml(data, dokumen)) == _outside_rows(_xml(new, dokumen))
    rows = _xml(new, dokumen).split(b"<sheetData>")[1].split(b'<row r="4"')
    assert rows[1] == _xml(data, dokumen).split(b'<row r="4"')[1]  # later rows as they were


def test_riwayat_gets_its_rows_after_the_last_one_and_its_layout_stays(offices, tmp_path):
    data = offices["openpyxl"]
    basis = _read(data, tmp_path)
    riwayat = basis.found.parts[c.RIWAYAT]
    entry = HistoryEntry(
        datetime(2026, 12, 1, 9, tzinfo=ZONE), "RKA-2026-0001", "rka", 2, 3, "Sekcam", None, "ok"
    )
    new = patched(data, Changes(history=[entry, entry]), basis.found, ZONE)
    old_xml, new_xml = _xml(data, riwayat), _xml(new, riwayat)
    assert _outside_rows(old_xml) == _outside_rows(new_xml)
    old_rows = old_xml.split(b"<sheetData>")[1].split(b"</sheetData>")[0]
    new_rows = new_xml.split(b"<sheetData>")[1].split(b"</sheetData>")[0]
    assert new_rows.startswith(old_rows)
    count = len(load_workbook(io.BytesIO(data))[c.RIWAYAT]["A"])
    rows = list(load_workbook(io.BytesIO(new))[c.RIWAYAT].iter_rows(values_only=True))
    assert len(rows) == count + 2
    assert rows[-2:] == [(datetime(2026, 12, 1, 9), "RKA-2026-0001", "rka", 2, 3, "Sekcam", None,
                          "ok")] * 2  # fmt: skip
    assert b'<dimension ref="A1:H%d"' % (count + 2) in new_xml


def test_only_the_formats_a_write_lacks_are_added_to_the_styles(offices, tmp_path):
    data = offices["openpyxl"]
    basis = _read(data, tmp_path)
    old = _xml(data, "xl/styles.xml")
    same = Changes(cells=[CellWrite(0, c.STATUS, "Berjalan")])
    assert _xml(patched(data, same, basis.found, ZONE), "xl/styles.xml") == old
    purple = Changes(tabs={"Ringkasan": [[views.Styled("x", views.TITLE)], [views.Styled(
        datetime(2026, 1, 1).date(), "")]]})  # fmt: skip
    new = _xml(patched(data, purple, basis.found, ZONE), "xl/styles.xml")
    formats = (_list(old, "cellXfs"), _list(new, "cellXfs"))
    assert formats[1].count(b"<xf ") == formats[0].count(b"<xf ") + 1  # the date cell's
    assert formats[1].startswith(formats[0])  # the title's font was there: no font added
    assert _list(new, "fonts") == _list(old, "fonts")


def _respelled_styles(styles: bytes) -> bytes:
    """The styles part as another program may spell the same formats: attributes in
    another order, flags and sizes spelled otherwise, defaults spelled out."""
    import re

    styles = re.sub(rb'<b val="1" ?/>', b"<b />", styles)
    styles = re.sub(rb'<sz val="(\d+)" ?/>', rb'<sz val="\1.0" />', styles)
    styles = styles.replace(b"<font>", b'<font><i val="0" />')
    styles = re.sub(rb"(<fgColor [^>]*/>)(<bgColor [^>]*/>)", rb"\2\1", styles)
    styles = re.sub(rb'rgb="00([0-9A-F]{6})"', rb'rgb="\1"', styles)

    def alignment(found: re.Match[bytes]) -> bytes:
        attrs = re.findall(rb'\s(\w+="[^"]*")', found.group(1))
        attrs = [x.replace(b'wrapText="1"', b'wrapText="true"') for x in reversed(attrs)]
        return b"<alignment %s />" % b" ".join([b'indent="0"', *attrs])

    return re.sub(rb"<alignment\b([^>]*?)\s*/>", alignment, styles)


def test_formats_a_workbook_spells_otherwise_are_reused_not_added_again(offices, tmp_path):
    data = offices["openpyxl"]
    changes = Changes(
        cells=[CellWrite(0, c.PESAN, "Pesan yang panjang sekali untuk dibaca pimpinan")],
        tabs={"Ringkasan": [[views.Styled("Ringkasan", views.TITLE)],
                            [views.Styled("Status", views.HEADER), views.Styled(3, views.TOTAL)],
                            [views.Styled("Terlambat", c.Status.TERLAMBAT.value)]]},
    )  # fmt: skip
    data = patched(data, changes, _read(data, tmp_path).found, ZONE)  # every format it needs
    styles = _respelled_styles(_xml(data, PART))
    assert styles != _xml(data, PART) and b'indent="0"' in styles and b"<b />" in styles
    respelled = rewrite(data, {PART: styles})
    basis = _read(respelled, tmp_path)
    ours = patched(respelled, changes, basis.found, ZONE)
    assert _xml(ours, PART) == styles  # nothing added
    assert_same_workbook(ours, reference(respelled, changes, basis))


def _list(styles: bytes, tag: str) -> bytes:
    """The items of one list of a styles part."""
    import re

    found = re.search(rb"<%s\b[^>]*>(.*?)</%s>" % (tag.encode(), tag.encode()), styles, re.S)
    assert found is not None
    return found.group(1)


def test_a_workbook_it_cannot_change_in_place_is_saved_whole(offices, tmp_path):
    data = offices["openpyxl"]
    basis = _read(data, tmp_path)
    dokumen = basis.found.parts[c.DOKUMEN]
    xml = _xml(data, dokumen).replace(b"<sheetData>", b"<x:sheetData>", 1)
    prefixed = rewrite(data, {dokumen: xml.replace(b"</sheetData>", b"</x:sheetData>")})
    with pytest.raises(Unpatchable):
        patched(prefixed, Changes(cells=[CellWrite(0, c.PESAN, "x")]), basis.found, ZONE)


def test_a_cycle_on_a_workbook_libreoffice_saved_writes_it_in_place(offices, tmp_path, capsys):
    if "libreoffice" not in offices:
        pytest.skip("needs soffice (LibreOffice is not in CI)")
    sheet = XlsxSheet(tmp_path)
    sheet.path.write_bytes(_moved_in_libreoffice(offices["libreoffice"]))
    result = sheet.sync("2026-11-30T10:00")
    assert result.code == 0, result.err
    assert "writing the workbook whole" not in result.err
    riwayat = sheet.table(c.RIWAYAT)
    assert (riwayat[-1]["ID"], riwayat[-1]["Dari"], riwayat[-1]["Ke"]) == ("RKA-2026-0002", 1, 2)


def _moved_in_libreoffice(data: bytes) -> bytes:
    """Langkah 2 typed into the third document's row (sheet row 4) of a LibreOffice-saved workbook,
    without openpyxl: its shared string written into the part."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
    book = load_workbook(io.BytesIO(data), read_only=True)
    part = book[c.DOKUMEN]._worksheet_path
    book.close()
    xml = _xml(data, part)
    import re

    cols = c.column_map([x.value for x in load_workbook(io.BytesIO(data))[c.DOKUMEN][1]])
    letter = "ABCDEFGHIJKLMNOP"[cols["langkah"]]
    row = re.search(rb'<row r="4".*?</row>', xml, re.S)
    assert row is not None and names
    cell = re.search(rb'<c r="%s4"[^>]*?(/>|>.*?</c>)' % letter.encode(), row.group(0), re.S)
    typed = b'<c r="%s4" t="n"><v>2</v></c>' % letter.encode()
    if cell is None:  # typed in column order, before the first cell right of it
        later = [
            m.start()
            for m in re.finditer(rb'<c r="([A-Z]+)4"', row.group(0))
            if len(m.group(1)) > 1 or m.group(1).decode() > letter
        ]
        at = later[0] if later else row.group(0).rindex(b"</row>")
        new_row = row.group(0)[:at] + typed + row.group(0)[at:]
    else:
        new_row = row.group(0).replace(cell.group(0), typed)
    return rewrite(data, {part: xml.replace(row.group(0), new_row)})


def test_what_the_write_made_prints_in_libreoffice(offices, tmp_path):
    need("soffice", "pdftotext")
    data = offices["openpyxl"]
    basis = _read(data, tmp_path)
    entry = HistoryEntry(
        datetime(2026, 12, 1, 9, tzinfo=ZONE), "RKA-2026-0001", "rka", 2, 3, "Sekcam", None,
        "lanjut ke langkah tiga sesudah rapat",
    )  # fmt: skip
    changes = Changes(
        cells=[CellWrite(0, c.PESAN, "Pesan yang panjang sekali untuk dibaca pimpinan & staf")],
        history=[entry],
        tabs={"Ringkasan": [[views.Styled("Ringkasan uji cetak", views.TITLE)],
                            [views.Styled("Terlambat", c.Status.TERLAMBAT.value),
                             views.Styled(7, views.TOTAL)]]},
        pesan={"Pegawai": {1: "Peran Camat sudah ada di baris 2."}},
    )  # fmt: skip
    path = tmp_path / "cetak.xlsx"
    path.write_bytes(patched(data, changes, basis.found, ZONE))
    text = " ".join(" ".join(page.text.split()) for page in printout(path, tmp_path / "pdf"))
    for words in ("lanjut ke langkah tiga", "Ringkasan uji cetak", "pimpinan & staf",
                  "sudah ada di baris 2", "01/12/2026 09.00", "tetap di"):  # fmt: skip
        assert words in text, words


def test_a_workbook_whose_font_list_is_empty_is_refused_whole(tmp_path):
    book = Workbook()
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    styles = _xml(data, "xl/styles.xml")
    import re

    fontless = re.sub(rb"<fonts\b.*?</fonts>", b'<fonts count="0" />', styles, flags=re.S)
    broken = rewrite(data, {"xl/styles.xml": fontless})
    book_styles = StyleBook(_xml(broken, PART))
    book_styles.style_id(0, "x", Look(font=Typeface("Arial", 10, bold=True)))
    with pytest.raises(Unpatchable):
        book_styles.xml()


def test_a_date_serial_counts_from_the_workbooks_first_day(offices, tmp_path):
    data = offices["openpyxl"]
    workbook_xml = _xml(data, "xl/workbook.xml")
    data = rewrite(
        data,
        {
            "xl/workbook.xml": workbook_xml.replace(
                b"<workbookPr />", b'<workbookPr date1904="1" />'
            )
        },
    )
    basis = _read(data, tmp_path)
    moment = datetime(2026, 12, 1, 9, 30)
    new = patched(data, Changes(cells=[CellWrite(0, c.MULAI, moment)]), basis.found, ZONE)
    book = load_workbook(io.BytesIO(new))
    cols = c.column_map([x.value for x in book[c.DOKUMEN][1]])
    assert book.epoch.year == 1904
    assert book[c.DOKUMEN].cell(2, cols["mulai"] + 1).value == moment


def _prefixed_dokumen(data: bytes) -> bytes:
    """The workbook with Dokumen's rows written in prefixed XML (valid, but not patched)."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    part = book[c.DOKUMEN]._worksheet_path
    book.close()
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    xml = _xml(data, part).replace(b"<sheetData>", b'<x:sheetData xmlns:x="%s">' % main, 1)
    return rewrite(data, {part: xml.replace(b"</sheetData>", b"</x:sheetData>")})


def test_a_cycle_on_a_workbook_it_cannot_patch_saves_it_whole_and_loses_nothing(offices, tmp_path):
    sheet = XlsxSheet(tmp_path)
    sheet.path.write_bytes(_prefixed_dokumen(offices["openpyxl"]))
    riwayat = sheet.table(c.RIWAYAT)
    sheet.set_by_id("RKA-2026-0003", "Langkah", 2)
    sheet.path.write_bytes(_prefixed_dokumen(sheet.path.read_bytes()))
    result = sheet.sync("2026-11-30T10:00")
    assert result.code == 0, result.err
    assert "writing the workbook whole" in result.err
    after = sheet.table(c.RIWAYAT)
    assert after[: len(riwayat)] == riwayat
    assert [(x["ID"], x["Dari"], x["Ke"]) for x in after[len(riwayat) :]] == [
        ("RKA-2026-0003", 1, 2)
    ]
    row = sheet.table()[sheet.row_of("RKA-2026-0003") - 2]
    assert (row["Status"], row["Pesan"]) == ("Berjalan", None)
    assert sheet.sync("2026-11-30T10:00").code == 0
    assert len(sheet.table(c.RIWAYAT)) == len(after)  # logged once
