"""The workbook in LibreOffice, as staff and supervisors meet it: a filter on a column
shows only the rows it should, whenever they were added; every tab prints readable.

These tests skip where LibreOffice is not installed (see ``tests/libreoffice.py``).
"""

from __future__ import annotations

import shutil
from collections import defaultdict

from syncer import contract as c
from syncer import layout
from tests.libreoffice import MACROS, Page, apply_filters, need, printout
from tests.sheets import XlsxSheet, run_cli

MON = "2026-11-30T08:00"
ACTOR = "Kasubag Evapor"


def rows_of(sheet: XlsxSheet, actor: str) -> list[int]:
    return [n for n, row in enumerate(sheet.table(), start=2) if row[c.PELAKSANA] == actor]


def test_a_filter_on_pelaksana_shows_that_actors_rows_and_no_other(tmp_path):
    need("soffice", MACROS)
    sheet = XlsxSheet(tmp_path)
    sheet.add_rows(
        {"Prosedur": "laporan-bulanan", "Judul": "Laporan Bulanan Oktober"},  # Kasubag Evapor
        {"Prosedur": "rka", "Judul": "RKA 2027"},  # Camat
        {"Prosedur": "iku", "Judul": "IKU", "Langkah": 3},  # Kasubag Evapor
        {"Prosedur": "lakip", "Judul": "LAKIP", "Langkah": 5},  # Staf
        {"Prosedur": "renja", "Judul": "Renja 2027", "Langkah": 2},  # Kasubag Evapor
    )
    assert sheet.sync(MON).code == 0
    synced = rows_of(sheet, ACTOR)
    assert synced == [2, 4, 6]
    # staff add rows between the worker's writes, then a supervisor filters
    sheet.add_rows(
        {"Prosedur": "laporan-tahunan", "Judul": "Laporan Tahunan"},  # Kasubag Evapor
        {"Prosedur": "dpa", "Judul": "DPA 2027"},  # Camat
    )
    unsynced = tmp_path / "before-the-next-sync.xlsx"
    shutil.copy(sheet.path, unsynced)
    assert sheet.sync("2026-11-30T08:05").code == 0
    assert rows_of(sheet, ACTOR) == [2, 4, 6, 7]
    saved = tmp_path / "saved-by-libreoffice.xlsx"
    job = {"tab": c.DOKUMEN, "header": c.PELAKSANA, "value": ACTOR}
    before, after = apply_filters(
        {**job, "path": unsynced}, {**job, "path": sheet.path, "save_as": saved}
    )
    assert before.visible == synced  # the new rows, not yet synced, hidden with the rest
    assert after.visible == [2, 4, 6, 7]
    assert after.area is not None and after.area[3] == 1_048_575  # the filter covers every row
    # the workbook LibreOffice saved with the filter on is the worker's as before
    shutil.copy(saved, sheet.path)
    again = sheet.sync("2026-11-30T08:05")
    assert again.code == 0 and "Nothing changed" in again.out, again.out + again.err
    [refiltered] = apply_filters({**job, "value": "Camat", "path": sheet.path})
    assert refiltered.visible == [3, 8]


# --- printouts -------------------------------------------------------------------------------

PRINTED = [tab for tab in layout.TABS if tab.landscape and not tab.hidden]
HEADER_WORD = {  # a header word each page of a tab repeats
    c.DOKUMEN: "Pelaksana",
    "SOP": "Kelengkapan",
    c.RIWAYAT: "Keterangan",
    "Pegawai": "NIP",
    "Kalender": "Tanggal",
}


def by_tab(pages: list[Page]) -> dict[str, list[Page]]:
    found: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        tab, _, number = page.footer().partition(" — halaman ")
        assert number == str(len(found[tab]) + 1), page.footer()  # each tab counts from 1
        found[tab].append(page)
    return found


def test_every_tab_prints_on_a4_landscape_readable_with_its_headers(tmp_path):
    """A semester of documents printed: 8 points or more, the header row on every page."""
    need("soffice", "pdftotext")
    path = tmp_path / "demo.xlsx"
    assert run_cli("demo", path, "--now", "2026-12-02T10:00", "--history").code == 0
    pages = printout(path, tmp_path / "pdf")
    assert all(p.width > p.height and round(p.width) == 842 for p in pages)  # A4 landscape
    tabs = by_tab(pages)
    assert list(tabs) == [tab.title for tab in PRINTED]
    assert len(tabs[c.DOKUMEN]) > 1 and len(tabs[c.RIWAYAT]) > 1 and len(tabs["SOP"]) > 1
    (unscaled,) = tabs["Kalender"]  # four columns: printed at full size, 10 points
    ten_points = max(w.height for w in unscaled.words)
    for title, printed in tabs.items():
        for number, page in enumerate(printed, start=1):
            smallest = min(w.height for w in page.words)
            assert smallest >= 0.8 * ten_points * 0.99, (title, number, smallest / ten_points * 10)
            if title in HEADER_WORD:
                top = min(w.top for w in page.words)
                heads = [w.text for w in page.words if w.top - top < 40]
                assert HEADER_WORD[title] in heads, (title, number)
    sop = tabs["SOP"][0].text
    assert "Pilihan Langkah" not in sop and "1 - Perintah" not in sop  # the hidden helper


def test_every_tab_fits_a4_landscape_at_8_points_or_more():
    """The layout's widths, checked without LibreOffice (a tab added later included)."""
    for tab in PRINTED:
        assert layout.printed_points(tab) >= layout.SMALLEST_PRINTED, tab.title


def test_libreoffice_prints_at_the_size_the_layout_expects(tmp_path):
    """``layout.printed_points`` is what LibreOffice prints: Dokumen, the widest tab."""
    need("soffice", "pdftotext")
    path = tmp_path / "demo.xlsx"
    assert run_cli("demo", path, "--now", "2026-12-02T10:00").code == 0
    tabs = by_tab(printout(path, tmp_path / "pdf"))
    ten_points = max(w.height for w in tabs["Kalender"][0].words)
    dokumen = min(w.height for w in tabs[c.DOKUMEN][0].words)
    assert abs(dokumen / ten_points * 10 - layout.printed_points(layout.DOKUMEN)) < 0.1
