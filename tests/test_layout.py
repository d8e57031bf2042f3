"""The sheet as ``init`` lays it out and keeps it, on both backends: tabs in a supervisor's
order, dropdowns with their help, one look of cells, filters over every row, printing set up;
and an older sheet brought to it once, without undoing what staff arranged.
"""

from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation

from syncer import contract as c
from syncer import layout, views
from tests.sheets import OLD_DATE_FORMAT, GoogleSheet, XlsxSheet, said

MON = "2026-11-30T08:00"
ORDER = [c.DOKUMEN, "Ringkasan", "Kinerja", "SOP", c.RIWAYAT, "Pegawai", "Kalender"]
NEW_DATES = layout.PATTERNS[layout.Format.DATE_TIME]


def init(sheet) -> str:
    result = sheet.cli("init")
    assert result.code == 0, result.err
    return result.out


def test_tabs_open_in_a_supervisors_order_the_state_tab_hidden(sheet):
    init(sheet)
    assert sheet.tabs() == [*ORDER, c.STATE]
    if sheet.kind == "xlsx":
        book = load_workbook(sheet.path)
        assert book.active.title == c.DOKUMEN and book[c.STATE].sheet_state == "hidden"
    else:
        assert sheet.book.sheet(c.STATE).hidden


def test_an_older_sheet_is_put_in_order_once_and_staff_keep_the_order_they_choose(sheet):
    init(sheet)
    sheet.move_tab(c.RIWAYAT, 1)  # as sopsync used to order them, with a tab of the Camat's
    sheet.add_tab("Catatan Camat", 3)
    sheet.forget("tabs")
    old = [c.DOKUMEN, c.RIWAYAT, "Ringkasan", "Catatan Camat", "Kinerja", "SOP", "Pegawai"]
    assert sheet.tabs()[:7] == old
    assert "put the tabs in the order" in init(sheet)
    assert sheet.tabs()[:8] == [
        c.DOKUMEN, "Ringkasan", "Kinerja", "Catatan Camat", "SOP", c.RIWAYAT, "Pegawai",
        "Kalender",
    ]  # fmt: skip
    sheet.move_tab("Ringkasan", 5)  # the Camat's office prefers it further on
    assert "already up to date" in init(sheet)
    assert sheet.tabs()[5] == "Ringkasan"


def test_a_tab_init_makes_again_goes_back_to_its_place(sheet):
    init(sheet)
    sheet.add_tab("Arsip", 1)
    if sheet.kind == "xlsx":
        book = load_workbook(sheet.path)
        del book["Ringkasan"]
        book.save(sheet.path)
    else:
        with sheet.book.lock():
            sheet.book.sheets = [s for s in sheet.book.sheets if s.title != "Ringkasan"]
            sheet.book.reindex()
    assert "created tab Ringkasan" in init(sheet)
    assert sheet.tabs()[:3] == [c.DOKUMEN, "Ringkasan", "Arsip"]


def test_a_tab_renamed_only_in_case_keeps_its_rows_and_gets_its_name_back(sheet):
    sheet.add_rows({"Prosedur": "rka", "Judul": "a", "Langkah": 2})
    assert sheet.sync(MON).code == 0
    before = sheet.table(), sheet.table(c.RIWAYAT)
    sheet.rename_tab(c.DOKUMEN, "dokumen")
    sheet.rename_tab(c.RIWAYAT, "RIWAYAT ")
    result = sheet.sync(MON)
    assert result.code == 0, result.err
    assert sheet.tabs() == [*ORDER, c.STATE]
    assert (sheet.table(), sheet.table(c.RIWAYAT)) == before


def _put(sheet, row: int, col: int, value: object, tab: str = c.DOKUMEN) -> None:
    """Staff type ``value`` into a cell (1-based) of ``tab``."""
    if sheet.kind == "xlsx":
        sheet._edit(lambda ws: setattr(ws.cell(row, col), "value", value), tab)
    else:
        sheet._sheet(tab).set_value(row - 1, col - 1, value)


@pytest.mark.parametrize("command", ["sync", "init"])
def test_a_title_row_put_above_the_headers_stops_the_worker_before_it_writes(sheet, command):
    sheet.add_rows({"Prosedur": "rka", "Judul": "a", "Langkah": 2})
    assert sheet.sync(MON).code == 0
    sheet.insert_rows(1)
    _put(sheet, 1, 1, "Dokumen Kecamatan 2027")
    _stops_for_headers_moved(
        sheet, lambda: sheet.sync("2026-11-30T09:00") if command == "sync" else sheet.cli("init")
    )
    sheet.delete_rows(1)
    assert sheet.sync("2026-11-30T09:00").code == 0
    assert [row["Judul"] for row in sheet.table()] == ["a"]


def test_a_title_row_above_the_headers_of_a_sheet_not_yet_taken_over_is_refused(tmp_path):
    """The office's own workbook, staff columns under a title row, before sopsync's first run."""
    sheet = XlsxSheet(tmp_path)
    book = Workbook()
    book.active.title = c.DOKUMEN
    book.active.append(["DAFTAR DOKUMEN KECAMATAN"])
    book.active.append(["ID", "Prosedur", "Judul", "Langkah", "Catatan"])
    book.active.append([None, "rka", "a", 2])
    book.save(sheet.path)
    _stops_for_headers_moved(sheet, lambda: sheet.cli("init"))


def test_a_title_row_above_pegawais_headers_stops_init_before_it_writes(sheet):
    init(sheet)
    sheet.insert_rows(1, tab="Pegawai")
    _put(sheet, 1, 1, "DAFTAR PEGAWAI", tab="Pegawai")
    _stops_for_headers_moved(sheet, lambda: sheet.cli("init"), "Pegawai")


def _stops_for_headers_moved(sheet, command, tab: str = c.DOKUMEN) -> None:
    """``command`` stops before it writes anything, saying the headers of ``tab`` are in
    row 2."""
    before = sheet.fingerprint()
    result = command()
    assert result.code == 1
    assert said(result.err) == (
        f"sopsync: tab {tab}: its headers are in row 2, not row 1: delete the rows above"
        " them (nothing was written)"
    )
    assert sheet.fingerprint() == before


@pytest.mark.parametrize("command", ["sync", "init"])
def test_a_column_copied_beside_its_original_stops_the_worker_before_it_writes(sheet, command):
    sheet.add_rows({"Prosedur": "rka", "Judul": "a", "Langkah": 2})
    assert sheet.sync(MON).code == 0
    width = len(sheet.headers())
    _put(sheet, 1, width + 1, "langkah")  # staff copy the Langkah column to the right
    before = sheet.fingerprint()
    result = sheet.sync("2026-11-30T09:00") if command == "sync" else sheet.cli("init")
    assert result.code == 1
    langkah = c.column_letter(sheet.headers().index("Langkah"))
    assert said(result.err) == (
        f"sopsync: tab Dokumen has 2 columns Langkah ({langkah} and {c.column_letter(width)}):"
        " rename or delete all but one (nothing was written)"
    )
    assert sheet.fingerprint() == before
    _put(sheet, 1, width + 1, "Langkah lama")
    assert sheet.sync("2026-11-30T09:00").code == 0


# --- cells: one look; dates as the contract shows them ---------------------------------------


def test_init_repairs_the_date_format_of_cells_written_before(sheet):
    sheet.add_rows(
        {"Prosedur": "rka", "Judul": "a", "Langkah": 2}, {"Prosedur": "iku", "Judul": "b"}
    )
    assert sheet.sync(MON).code == 0
    sheet.age_formats()
    assert sheet.cell_format(2, c.MULAI) == OLD_DATE_FORMAT
    out = init(sheet)
    assert "repaired" in out and c.RIWAYAT in out, out
    for row in (2, 3):
        for column in (c.MULAI, c.TENGGAT):
            assert sheet.cell_format(row, column) == NEW_DATES
        assert sheet.cell_format(row, "Waktu", c.RIWAYAT) == NEW_DATES
    assert "already up to date" in init(sheet)


def test_cells_are_top_aligned_codes_centred_long_text_wrapped(tmp_path):
    sheet = XlsxSheet(tmp_path)
    sheet.add_rows({"Prosedur": "rka", "Judul": "a", "Langkah": 2})
    assert sheet.sync(MON).code == 0
    book = load_workbook(sheet.path)
    dokumen, riwayat = book[c.DOKUMEN], book[c.RIWAYAT]
    cols = c.column_map([x.value for x in dokumen[1]])
    pesan, langkah = (dokumen.cell(2, cols[n] + 1) for n in ("kegiatan", "langkah"))
    assert pesan.alignment.vertical == "top" and pesan.alignment.wrap_text
    letter = langkah.column_letter  # what staff type in Langkah takes the column's look
    assert dokumen.column_dimensions[letter].alignment.horizontal == "center"
    assert [riwayat.cell(2, col).alignment.horizontal for col in (4, 5)] == ["center"] * 2
    assert riwayat.cell(2, 8).alignment.wrap_text and riwayat.cell(2, 2).alignment.vertical == "top"
    fonts = {book._fonts[0].name, dokumen["A1"].font.name, book["SOP"]["A3"].font.name}
    assert fonts == {layout.FONT}


def test_google_cells_are_top_aligned_codes_centred_in_one_font(emulator, tmp_path):
    sheet = GoogleSheet(emulator, tmp_path)
    sheet.add_rows({"Prosedur": "rka", "Judul": "a", "Langkah": 2})
    assert sheet.sync(MON).code == 0
    sheet.set(2, c.LANGKAH, 3)
    assert sheet.sync("2026-11-30T09:00").code == 0
    book = sheet.book
    dokumen = book.sheet(c.DOKUMEN).rows
    looks = [cell.userEnteredFormat for cell in dokumen[1]]
    assert all(look["verticalAlignment"] == "TOP" for look in looks)
    centred = [
        col.header
        for col, look in zip(layout.DOKUMEN.columns, looks, strict=True)
        if look.get("horizontalAlignment") == "CENTER"
    ]
    assert centred == [c.LANGKAH, c.MULAI, c.TENGGAT]
    assert [cell.userEnteredFormat for cell in dokumen[50]] == looks  # rows staff add later
    move = book.sheet(c.RIWAYAT).rows[2]  # 2 -> 3
    assert [move[col].python_value() for col in (3, 4)] == [2, 3]
    assert [move[col].userEnteredFormat["horizontalAlignment"] for col in (3, 4)] == ["CENTER"] * 2
    counts = [
        cell
        for row in book.sheet(views.RINGKASAN).rows
        for cell in row
        if cell is not None and isinstance(cell.python_value(), int | float) and not cell.is_date()
    ]
    assert counts and all(
        cell.userEnteredFormat["horizontalAlignment"] == "CENTER" for cell in counts
    )
    # One font: no cell names its own, so every tab shows the spreadsheet's default, which
    # is Arial (layout.FONT) in a spreadsheet Google creates.
    fonts = {
        (cell.userEnteredFormat or {}).get("textFormat", {}).get("fontFamily")
        for tab in book.sheets
        for row in tab.rows
        for cell in row
        if cell is not None
    }
    assert fonts == {None}
    default = book.properties["defaultFormat"]["textFormat"]["fontFamily"]
    assert default.split(",")[0] == layout.FONT.lower()


def test_widths_sopsync_gave_are_updated_widths_staff_chose_are_kept(sheet):
    init(sheet)
    earlier = layout.EARLIER_WIDTHS[c.DOKUMEN]
    judul = c.column_map(sheet.headers())["judul"]
    if sheet.kind == "xlsx":
        book = load_workbook(sheet.path)
        dims = book[c.DOKUMEN].column_dimensions
        for col, width in enumerate(earlier.values()):
            dims["ABCDEFGHIJK"[col]].width = width
        dims["ABCDEFGHIJK"[judul]].width = 55  # staff widened Judul
        book.save(sheet.path)
    else:
        props = sheet.book.sheet(c.DOKUMEN).col_props
        for col, width in enumerate(earlier.values()):
            props[col] = {"pixelSize": layout.pixels(width)}
        props[judul] = {"pixelSize": 400}
    sheet.forget(f"widths:{c.DOKUMEN}")
    init(sheet)
    if sheet.kind == "xlsx":
        dims = load_workbook(sheet.path)[c.DOKUMEN].column_dimensions
        widths = [dims[letter].width for letter in "ABCDEFGHIJK"]
        assert widths[judul] == 55
    else:
        props = sheet.book.sheet(c.DOKUMEN).col_props
        widths = [props[col]["pixelSize"] for col in range(11)]
        assert widths[judul] == 400
    wanted = [
        col.width if sheet.kind == "xlsx" else layout.pixels(col.width)
        for col in layout.DOKUMEN.columns
    ]
    assert [w for i, w in enumerate(widths) if i != judul] == [
        w for i, w in enumerate(wanted) if i != judul
    ]


# --- dropdowns --------------------------------------------------------------------------------


def prompts(sheet: XlsxSheet) -> list[tuple[str, str, str]]:
    dokumen = load_workbook(sheet.path)[c.DOKUMEN]
    return sorted(
        (str(dv.sqref), str(dv.promptTitle), str(dv.prompt))
        for dv in dokumen.data_validations.dataValidation
    )


def test_dropdowns_are_titled_by_their_column_and_repaired_without_duplicates(tmp_path):
    sheet = XlsxSheet(tmp_path)
    init(sheet)
    assert prompts(sheet) == [
        ("B2:B1048576", "Prosedur", views.CHOICE_PROMPTS["Prosedur"]),
        ("D2:D1048576", "Langkah", views.CHOICE_PROMPTS["Langkah"]),
    ]
    book = load_workbook(sheet.path)
    dokumen = book[c.DOKUMEN]
    for dv in dokumen.data_validations.dataValidation:  # as an earlier sopsync left them
        dv.promptTitle, dv.prompt = "sopsync", "Kosong = langkah 1."
    dokumen["L1"] = "Bidang"  # a column of the office's own, with its own list
    own = DataValidation(type="list", formula1='"Umum,Pemerintahan"', promptTitle="Bidang")
    own.add("L2:L1048576")
    dokumen.add_data_validation(own)
    book.save(sheet.path)
    assert "updated the dropdowns of Dokumen" in init(sheet)
    assert prompts(sheet) == [
        ("B2:B1048576", "Prosedur", views.CHOICE_PROMPTS["Prosedur"]),
        ("D2:D1048576", "Langkah", views.CHOICE_PROMPTS["Langkah"]),
        ("L2:L1048576", "Bidang", "None"),
    ]
    assert "already up to date" in init(sheet)


def test_each_jenis_dropdown_says_what_its_values_mean(tmp_path):
    sheet = XlsxSheet(tmp_path)
    init(sheet)
    book = load_workbook(sheet.path)
    for tab, help_text in (
        ("Pegawai", "Kosong: pejabat definitif."),
        ("Kalender", "Libur: bukan hari kerja. Masuk: hari kerja walaupun hari libur."),
    ):
        rules = book[tab].data_validations.dataValidation
        assert [dv.prompt for dv in rules if dv.promptTitle == "Jenis"] == [help_text], tab


def test_a_dropdown_is_known_as_ours_after_its_column_moved(tmp_path):
    """Staff insert a column before Prosedur: Excel moves the dropdowns with their columns."""
    sheet = XlsxSheet(tmp_path)
    init(sheet)
    book = load_workbook(sheet.path)
    dokumen = book[c.DOKUMEN]
    dokumen.insert_cols(2)
    dokumen["B1"] = "Nomor Agenda"
    for dv in dokumen.data_validations.dataValidation:
        moved = {"B": "C", "D": "E"}[str(dv.sqref)[0]]
        dv.sqref = type(dv.sqref)(f"{moved}2:{moved}1048576")
    book.save(sheet.path)
    init(sheet)
    assert [s for s, _, _ in prompts(sheet)] == ["C2:C1048576", "E2:E1048576"]


def test_google_dropdowns_carry_the_same_help(emulator, tmp_path):
    sheet = GoogleSheet(emulator, tmp_path)
    init(sheet)
    dokumen = sheet.book.sheet(c.DOKUMEN)
    assert dokumen.data_validation(1, 1)["inputMessage"] == views.CHOICE_PROMPTS["Prosedur"]
    assert dokumen.data_validation(5, 3)["inputMessage"] == views.CHOICE_PROMPTS["Langkah"]


def test_google_keeps_one_late_and_invalid_view_under_its_new_title(emulator, tmp_path):
    sheet = GoogleSheet(emulator, tmp_path)
    init(sheet)
    views_ = sheet.book.sheet(c.DOKUMEN).filter_views
    count = len(views_)
    late = next(v for v in views_ if v["title"] == "Terlambat dan tidak valid")
    late["title"] = "Terlambat & tidak valid"  # as an earlier sopsync named it
    out = init(sheet)
    assert "renamed filter view Terlambat & tidak valid to Terlambat dan tidak valid" in out
    titles = [v["title"] for v in sheet.book.sheet(c.DOKUMEN).filter_views]
    assert len(titles) == count and "Terlambat dan tidak valid" in titles
    assert "Terlambat & tidak valid" not in titles


# --- the workbook's filter and printing (LibreOffice applies them: test_libreoffice) ---------


def test_the_autofilter_covers_every_row_and_keeps_a_filter_staff_set(tmp_path):
    sheet = XlsxSheet(tmp_path)
    sheet.add_rows({"Prosedur": "rka", "Judul": "a"})
    assert sheet.sync(MON).code == 0
    book = load_workbook(sheet.path)
    dokumen = book[c.DOKUMEN]
    assert dokumen.auto_filter.ref == "A1:K1048576"
    dokumen.auto_filter.add_filter_column(6, ["Camat"])  # a supervisor's filter, saved
    book.save(sheet.path)
    assert "set the filter" not in init(sheet)
    sheet.add_rows({"Prosedur": "iku", "Judul": "b"})
    assert sheet.sync(MON).code == 0
    kept = load_workbook(sheet.path)[c.DOKUMEN].auto_filter
    assert kept.ref == "A1:K1048576" and kept.filterColumn[0].filters.filter == ["Camat"]


@pytest.mark.parametrize("tab", [t for t in layout.TABS if t.landscape])
def test_each_tab_prints_on_a4_landscape_one_page_wide_its_header_on_every_page(tmp_path, tab):
    sheet = XlsxSheet(tmp_path)
    init(sheet)
    ws = load_workbook(sheet.path)[tab.title]
    setup = ws.page_setup
    assert (setup.orientation, str(setup.paperSize)) == ("landscape", ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth, setup.fitToHeight) == (
        1,
        0,
    )
    titles = f"${tab.header_row}:${tab.header_row}" if tab.header_row else None
    assert ws.print_title_rows == titles and ws.print_options.gridLines
    assert ws.HeaderFooter.oddFooter.center.text == "&A — halaman &P"
    for index in tab.hidden_columns:
        assert ws.column_dimensions["ABCDEFGHIJ"[index]].hidden
