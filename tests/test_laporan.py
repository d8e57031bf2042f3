"""`sopsync laporan` (DESIGN §5, §10) through the CLI, on both backends.

Staff move three documents through the sheet at fixed clocks, the worker logs Riwayat,
and the monitoring form of the semester must show the figures counted by hand, in the
.xlsx cells (read back with openpyxl) and in the PDF's text (pypdf).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from syncer import contract as c
from syncer.backends.google.values import rgb
from syncer.contract import KINERJA
from tests.emulator import Emulator
from tests.sheets import GoogleSheet, XlsxSheet, run_cli, said
from tests.test_workbook_file import fill, tmpfs

NOW = "2026-12-01T09:00"
CONFIG = """
[laporan]
unit = ["Kecamatan Sukamaju", "Subbagian Perencanaan dan Evaluasi Pelaporan"]
[laporan.evaluator]
jabatan = "Sekretaris Camat"
nama = "Budi Santoso"
nip = "19700101 199003 1 005"
"""
LB = "Penyusunan Laporan Bulanan"
# Steps of laporan-bulanan (sheet row 2) and when staff moved it (DESIGN §4: D@3 Ya→4 Tidak→2).
MOVES = [
    ("2026-11-24T08:00", 2),
    ("2026-11-25T10:00", 3),
    ("2026-11-25T10:20", 2),  # Tidak: back to 2
    ("2026-11-25T13:20", 3),
    ("2026-11-25T14:00", 4),  # Ya
    ("2026-11-25T14:15", 5),
    ("2026-11-26T09:15", 6),
    ("2026-11-26T09:30", 7),
    ("2026-11-26T11:00", "Selesai"),
]


def synced(sheet, now: str) -> None:
    result = sheet.sync(now)
    assert result.code == 0, result.err


def play_office(sheet) -> None:
    """Row 2: a laporan-bulanan through every step with one return; row 3: an RKA out of its
    first step (which has no Waktu) and late at step 2; row 4: a laporan-bulanan started
    on Monday 30 November, one refused skip, still at step 1 (late on Tuesday 08:00)."""
    sheet.add_rows({"Prosedur": "laporan-bulanan", "Judul": "LB Oktober"})
    synced(sheet, "2026-11-23T08:00")
    sheet.add_rows({"Prosedur": "rka", "Judul": "RKA 2027"})
    synced(sheet, "2026-11-23T09:00")
    sheet.set(3, "Langkah", 2)
    synced(sheet, "2026-11-23T11:00")
    for when, langkah in MOVES:
        sheet.set(2, "Langkah", langkah)
        synced(sheet, when)
    sheet.add_rows({"Prosedur": "laporan-bulanan", "Judul": "LB November"})
    synced(sheet, "2026-11-30T08:00")
    sheet.set(4, "Langkah", 3)  # a skip: refused, logged once as ditolak
    synced(sheet, "2026-11-30T10:00")
    sheet.set(4, "Langkah", 1)
    synced(sheet, "2026-11-30T10:05")


@pytest.fixture(scope="module")
def emulator():
    with Emulator() as emu:
        yield emu


def played(request, folder: Path, config: str):
    if request.param == "xlsx":
        sheet = XlsxSheet(folder, config)
    else:
        sheet = GoogleSheet(request.getfixturevalue("emulator"), folder, config)
    play_office(sheet)
    return sheet


@pytest.fixture(scope="module", params=["xlsx", "google"])
def office(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    return played(request, folder, CONFIG), folder


HALF = CONFIG.replace("[laporan]\n", "[laporan]\ngood_share = 0.5\n")


@pytest.fixture(scope="module", params=["xlsx", "google"])
def half_office(request, tmp_path_factory):
    """The same office whose [laporan] good_share is 0.5 (laporan-bulanan's 66% is good)."""
    return played(request, tmp_path_factory.mktemp(f"half-{request.param}"), HALF)


# The figures of laporan-bulanan, counted by hand (tests/test_monitoring_measures.py has the
# same moves in its docstring): working minutes on the default calendar, `1 hari` = 450.
LB_STEPS = [
    [1, "Mengumpulkan bahan laporan bulanan dan membuat konsep laporan bulanan", "Kasubag Evapor"]
    + [1, "1 hari", "1 hari", "1 hari", 100, "-"],  # 450 min, due Tue 08:00, moved 08:00
    [2, "Mengetik konsep laporan bulanan", "Staf", 2, "5 jam 45 menit"]
    + ["1 hari 2 jam", "1 hari", 50, "-"],
    # 570 and 120 min: median 345 (5 jam 45 menit), p90 570 (1 hari 2 jam); only the second in time
    [3, "Memeriksa ketikan konsep laporan bulanan", "Kasubag Evapor"]
    + [2, "30 menit", "40 menit", "30 menit", 50, 1],  # 20 (the return) and 40 min
    [4, "Memberikan paraf", "Sekcam", 1, "15 menit", "15 menit", "20 menit", 100, "-"],
    [5, "Memberikan tanda tangan", "Camat", 1, "3 jam 30 menit", "3 jam 30 menit", "10 menit"]
    + [0, "-"],  # 210 min
    [6, "Mengagenda dan mengarsipkan laporan bulanan", "Kasubag Umum"]
    + [1, "15 menit", "15 menit", "15 menit", 100, "-"],  # exactly its Tenggat: within
    [7, "Laporan bulanan dikirim", "Kasubag Umum", 1, "1 jam 30 menit", "1 jam 30 menit"]
    + ["2 jam", 100, "-"],  # 90 min
]
LB_CATATAN = (
    "6 dari 9 langkah (66%) selesai dalam Mutu Baku. Paling lambat:"
    " (1) langkah 5 (Memberikan tanda tangan, Camat) median 3 jam 30 menit (Mutu Baku 10 menit);"
    " 0 dari 1 tepat waktu;"
    " (2) langkah 3 (Memeriksa ketikan konsep laporan bulanan, Kasubag Evapor) median 30 menit"
    " (Mutu Baku 30 menit); 1 dari 2 tepat waktu;"
    " (3) langkah 2 (Mengetik konsep laporan bulanan, Staf) median 5 jam 45 menit (Mutu Baku"
    " 1 hari);"
    " 1 dari 2 tepat waktu."
    " Dikembalikan (Tidak) 1 kali di langkah 3."
    " Per 1 Desember 2026, 1 dokumen masih terlambat."
)
RKA_CATATAN = (
    "Langkah yang selesai pada periode ini tidak mempunyai Mutu Baku waktu; belum dapat dinilai."
    " Tidak ada dokumen yang dikembalikan. Per 1 Desember 2026, 1 dokumen masih terlambat."
)


def laporan(sheet, out: Path, *extra: str):
    return sheet.cli("laporan", "--now", NOW, "--out", out, *extra)


def test_the_xlsx_form_shows_the_hand_counted_figures(office):
    sheet, folder = office
    out = folder / "monitoring.xlsx"
    result = laporan(sheet, out)
    assert result.code == 0, result.err
    assert "1 Juli s.d. 31 Desember 2026" in result.out
    book = load_workbook(out)
    assert book.sheetnames == ["Monitoring", "Rincian", "Grafik"]
    form = [[c for c in row] for row in book["Monitoring"].iter_rows(values_only=True)]
    text = " ".join(str(v) for row in form for v in row if v is not None)
    for expected in (
        "MONITORING PELAKSANAAN STANDAR OPERASIONAL PROSEDUR",
        "Subbagian Perencanaan dan Evaluasi Pelaporan, Kecamatan Sukamaju",
        "1 Juli s.d. 31 Desember 2026",
        "Sekretaris Camat",
        "Budi Santoso",
        "NIP 19700101 199003 1 005",
    ):
        assert expected in text
    header = form.index(["No", "Prosedur", "Penilaian", "Catatan", "Tindakan yang harus diambil"])
    rows = {row[1]: row for row in form[header + 1 : header + 12]}
    assert [row[0] for row in rows.values()] == list(range(1, 12))  # the eleven SOPs
    assert rows[LB][2:] == ["Tidak berjalan dengan baik", LB_CATATAN, None]
    assert rows["Penyusunan RKA"][2:] == [None, RKA_CATATAN, None]  # nothing measured
    quiet = rows["Penyusunan LAKIP"]
    assert quiet[2] is None and quiet[3].startswith("Tidak ada langkah yang selesai")
    assert any(row[4] == "1 Desember 2026" for row in form[header + 12 :])
    details = [list(row) for row in book["Rincian"].iter_rows(values_only=True)]
    start = details.index(["4. Penyusunan Laporan Bulanan", *[None] * 8])
    assert details[start + 2 : start + 9] == LB_STEPS
    rka = details.index(["11. Penyusunan RKA", *[None] * 8])
    assert details[rka + 2][3:8] == [1, "2 jam", "2 jam", "-", "-"]  # no Mutu Baku: time only
    grafik = book["Grafik"]
    assert len(grafik._charts) == 2  # native charts: laporan-bulanan and rka moved
    median, standard = grafik._charts[0].series
    assert (median.val.numRef.f, standard.val.numRef.f) == (
        "'Grafik'!$B$6:$B$12",
        "'Grafik'!$C$6:$C$12",
    )
    hours = [
        list(row) for row in grafik.iter_rows(min_row=5, max_row=12, max_col=3, values_only=True)
    ]
    assert hours == [  # working hours: the medians above over 60, Mutu Baku (1 hari = 7.5)
        ["Langkah", "Median", "Mutu Baku"],
        [1, 7.5, 7.5],
        [2, 5.75, 7.5],
        [3, 0.5, 0.5],
        [4, 0.25, 0.33],
        [5, 3.5, 0.17],
        [6, 0.25, 0.25],
        [7, 1.5, 2],
    ]


def test_riwayat_rows_edited_by_hand_are_counted_once_or_named(tmp_path):
    sheet = XlsxSheet(tmp_path, CONFIG)
    play_office(sheet)
    moved = next(row for row in sheet.table(c.RIWAYAT) if row["Ke"] == 3)
    typed = {**moved, "Waktu": "25/11/2026 10.00"}  # retyped as text: no moment
    sheet.add_rows(moved, typed, tab=c.RIWAYAT)  # a row copied, a row retyped
    out = tmp_path / "monitoring.xlsx"
    assert laporan(sheet, out).code == 0
    form = list(load_workbook(out)["Monitoring"].iter_rows(values_only=True))
    last = len(sheet.table(c.RIWAYAT)) + 1
    assert (
        "Tidak terbaca",
        f"1 baris Riwayat (baris {last}): Waktu bukan tanggal, ID kosong, atau Dari/Ke bukan"
        " langkah; perbaiki agar dihitung",
    ) in [tuple(v for v in row if v is not None) for row in form]
    lb = next(row for row in form if row[1] == LB)
    assert lb[2:4] == ("Tidak berjalan dengan baik", LB_CATATAN)  # the copy counted once


def test_the_pdf_form_shows_the_same_figures(office):
    sheet, folder = office
    out = folder / "monitoring.pdf"
    result = laporan(sheet, out)
    assert result.code == 0, result.err
    # pypdf gives each table cell's text in turn, wrapped lines apart: rejoin the words.
    whole = " ".join(" ".join(p.extract_text() for p in PdfReader(out).pages).split())
    assert "MONITORING PELAKSANAAN STANDAR OPERASIONAL PROSEDUR" in whole
    assert "Periode : 1 Juli s.d. 31 Desember 2026" in whole
    assert "Tanggal cetak : 1 Desember 2026" in whole
    assert "Sekretaris Camat" in whole and "Budi Santoso NIP 19700101 199003 1 005" in whole
    assert f"4 {LB} Tidak berjalan dengan baik {LB_CATATAN}" in whole
    assert f"11 Penyusunan RKA {RKA_CATATAN}" in whole  # no Penilaian
    assert "4. Penyusunan Laporan Bulanan No Kegiatan" in whole
    for step in LB_STEPS:
        assert " ".join(str(cell) for cell in step) in whole, step
    assert "Median waktu pelaksanaan sebenarnya terhadap Mutu Baku per langkah" in whole
    assert "4. Penyusunan Laporan Bulanan" in whole and "11. Penyusunan RKA" in whole
    signed = next(p.extract_text() for p in PdfReader(out).pages if "NIP" in p.extract_text())
    assert "Penyusunan RKA" in signed  # the form's last row goes with the signature


def test_one_document_and_one_move_are_said_in_the_singular(tmp_path):
    sheet = XlsxSheet(tmp_path)
    sheet.add_rows({"Prosedur": "laporan-bulanan", "Judul": "Laporan November"})
    first = sheet.sync("2026-11-30T08:00")
    assert first.code == 0, first.err
    assert first.out.splitlines()[1:] == [
        "1 document: Berjalan 1 · Hampir tenggat 0 · Terlambat 0 · Tidak valid 0 · Selesai 0",
        "Written: 7 cells, 1 record, 1 Riwayat row.",
    ]
    sheet.set(2, "Langkah", 2)
    assert sheet.sync("2026-11-30T09:00").code == 0
    out = tmp_path / "november.xlsx"
    result = sheet.cli("laporan", "--now", "2026-11-30T10:00", "--out", out)
    assert result.code == 0, result.err
    assert result.out == (
        f"{out}: monitoring form for 1 Juli s.d. 31 Desember 2026: 1 step move measured\n"
    )


def test_a_period_given_by_dates_counts_only_its_moves(office):
    sheet, folder = office
    out = folder / "rabu.xlsx"
    result = laporan(sheet, out, "--dari", "2026-11-25", "--sampai", "2026-11-25")
    assert result.code == 0, result.err
    book = load_workbook(out)
    form = [list(row) for row in book["Monitoring"].iter_rows(values_only=True)]
    assert any("25 November 2026" in str(row[2]) for row in form)
    details = [list(row) for row in book["Rincian"].iter_rows(values_only=True)]
    start = details.index(["4. Penyusunan Laporan Bulanan", *[None] * 8])
    moved = {row[0]: row[3] for row in details[start + 2 : start + 9]}
    assert moved == {1: 0, 2: 2, 3: 2, 4: 1, 5: 0, 6: 0, 7: 0}  # out of 2, 3, 4 on Wednesday


def judged(config: Path, out: Path) -> tuple[str, dict[str, str | None]]:
    """`laporan` under ``config``: the form's Dasar penilaian line, and each SOP's Penilaian."""
    done = run_cli("laporan", "--config", config, "--now", NOW, "--out", out)
    assert done.code == 0, done.err
    form = [list(row) for row in load_workbook(out)["Monitoring"].iter_rows(values_only=True)]
    rule = next(str(row[2]) for row in form if row[0] == "Dasar penilaian")
    header = form.index(["No", "Prosedur", "Penilaian", "Catatan", "Tindakan yang harus diambil"])
    return rule, {row[1]: row[2] for row in form[header + 1 : header + 12]}


def test_the_configured_good_share_judges_the_form_and_the_kinerja_tab(half_office, tmp_path):
    """One history at good_share 0.5 and at the default 0.8: laporan-bulanan's 6 of 9 steps
    within Mutu Baku (66%) are good at the one, not at the other."""
    sheet = half_office
    default = tmp_path / "default.toml"  # the same sheet, [laporan] without good_share
    default.write_text(sheet.config.read_text().replace("good_share = 0.5\n", ""))
    assert "good_share" not in default.read_text()
    good = "Berjalan dengan baik"

    rule, penilaian = judged(sheet.config, tmp_path / "half.xlsx")
    assert "sekurang-kurangnya 50% langkah" in rule
    assert [title for title, p in penilaian.items() if p == good] == [LB]
    rule, penilaian = judged(default, tmp_path / "default.xlsx")
    assert "sekurang-kurangnya 80% langkah" in rule
    assert [title for title, p in penilaian.items() if p == good] == []
    assert penilaian[LB] == "Tidak berjalan dengan baik"

    # The tab as Monday's refresh left it, at 0.5: orange only below 50%.
    line, lb, steps = kinerja_of_lb(sheet)
    assert line == f"{good}: sekurang-kurangnya 50% tepat waktu"
    assert lb[1:4] == [(good, False), (9, False), (66, False)]
    assert (steps["3"][7], steps["5"][7]) == ((50, False), (0, True))
    # Tuesday's first cycle under the default refreshes it at 0.8.
    assert run_cli("sync", "--config", default, "--now", NOW).code == 0
    line, lb, steps = kinerja_of_lb(sheet)
    assert line == f"{good}: sekurang-kurangnya 80% tepat waktu"
    assert lb[1:4] == [("Tidak berjalan dengan baik", True), (9, False), (66, True)]
    assert (steps["3"][7], steps["5"][7]) == ((50, True), (0, True))


def kinerja_of_lb(sheet):
    """The Kinerja tab's Penilaian line; laporan-bulanan's row of the SOP table and its
    steps' rows by number; each cell as (value, coloured orange as over standard)."""
    tab = kinerja_cells(sheet)
    lb = [row for row in tab if row and row[0][0] == LB]  # the SOP's row, then its steps
    steps = {row[1][0].split(" - ")[0]: row for row in lb[1:]}
    return tab[4][1][0], lb[0], steps


def kinerja_cells(sheet) -> list[list[tuple[object, bool]]]:
    """The Kinerja tab as rows of (value, coloured orange as over standard)."""
    orange = c.STATUS_COLOURS[c.Status.TERLAMBAT]
    if sheet.kind == "xlsx":
        rows = load_workbook(sheet.path)[KINERJA].iter_rows()
        return [
            [(cell.value, str(cell.fill.fgColor.rgb).endswith(orange)) for cell in row]
            for row in rows
        ]
    wanted = rgb(orange)
    values = sheet.grid(KINERJA)
    return [
        [
            (value, bool(cell) and (cell.userEnteredFormat or {}).get("backgroundColor") == wanted)
            for value, cell in zip(row_values, row, strict=False)
        ]
        for row_values, row in zip(values, sheet.book.sheet(KINERJA).rows, strict=True)
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--dari", "2026-13-01"), "2026-13-01 is not a date: write 2026-12-01"),
        (("--sampai", "1 Desember"), "--sampai 1 Desember is not a date"),
        (("--dari", "2026-12-01", "--sampai", "2026-11-01"), "--sampai is before --dari"),
        (("--sampai", "9999-12-31"), "--sampai 9999-12-31: the year must be 1970 to 2100"),
    ],
)
def test_a_bad_period_is_one_sentence_and_exit_2(tmp_path, extra, message):
    sheet = XlsxSheet(tmp_path)
    result = sheet.cli("laporan", "--out", tmp_path / "x.pdf", *extra)
    assert result.code == 2 and message in result.err
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1


def test_the_report_must_be_xlsx_or_pdf_and_writable(office, tmp_path):
    sheet, _ = office
    wrong = laporan(sheet, tmp_path / "laporan.docx")
    assert wrong.code == 2 and "FILE.xlsx or FILE.pdf" in wrong.err
    for name in ("laporan.pdf", "laporan.xlsx"):
        missing = laporan(sheet, tmp_path / "tidak-ada" / name)
        assert missing.code == 2 and said(missing.err) == (
            f"sopsync: --out {tmp_path / 'tidak-ada' / name}: no folder {tmp_path / 'tidak-ada'}"
            " (the worker creates no folders)"
        )
    (tmp_path / "laporan.xlsx").mkdir()
    folder = laporan(sheet, tmp_path / "laporan.xlsx")
    assert folder.code == 2 and said(folder.err) == (
        f"sopsync: --out {tmp_path / 'laporan.xlsx'} is a folder: name the report's file in it"
    )


def test_a_full_disk_leaves_the_last_report_as_it_was(office, tmp_path):
    sheet, _ = office
    with tmpfs(tmp_path / "disk", "1m") as disk:
        for name in ("laporan.pdf", "laporan.xlsx"):
            out = disk / name
            assert laporan(sheet, out).code == 0
            before = out.read_bytes()
            filler = fill(disk)
            full = laporan(sheet, out)
            assert full.code == 1 and said(full.err) == (
                f"sopsync: cannot write {out}: No space left on device"
            )
            assert out.read_bytes() == before  # not a truncated file
            filler.unlink()
        assert sorted(p.name for p in disk.iterdir()) == ["laporan.pdf", "laporan.xlsx"]


def test_the_demo_history_gives_laporan_a_semester_to_show(tmp_path):
    path = tmp_path / "demo.xlsx"
    assert run_cli("demo", path, "--now", "2026-11-24T10:00", "--history").code == 0
    riwayat = list(load_workbook(path)["Riwayat"].iter_rows(min_row=2, values_only=True))
    assert len(riwayat) > 250 and min(r[0] for r in riwayat).month == 7  # since 1 July
    notes = [str(r[7]) for r in riwayat]
    assert any(n.startswith("Tidak: dikembalikan") for n in notes)
    assert any(n.startswith("ditolak") for n in notes)
    out = tmp_path / "demo.pdf"
    result = run_cli("laporan", "--workbook", path, "--now", "2026-11-24T10:00", "--out", out)
    assert result.code == 0, result.err
    whole = " ".join(" ".join(page.extract_text() for page in PdfReader(out).pages).split())
    assert "Berjalan dengan baik" in whole and "Tidak berjalan dengan baik" in whole
    # no [laporan] unit configured: the SOPs' own (identity: unit of the seed catalog)
    assert "Unit kerja : Subbagian Perencanaan dan Evaluasi Pelaporan, Kecamatan" in whole
    assert "Dikembalikan (Tidak)" in whole


def test_the_report_is_never_written_over_a_sheets_workbook(tmp_path):
    for name in ("a.xlsx", "b.xlsx"):
        assert run_cli("demo", tmp_path / name, "--now", "2026-11-24T10:00").code == 0
    config = tmp_path / "kabupaten.toml"
    config.write_text(
        '[[sheets]]\nname = "Kec A"\nworkbook = "a.xlsx"\n'
        '[[sheets]]\nname = "Kec B"\nworkbook = "b.xlsx"\n'
    )
    before = {name: (tmp_path / name).read_bytes() for name in ("a.xlsx", "b.xlsx")}
    for out, whose in (("a.xlsx", "sheet Kec A's"), ("./sub/../b.xlsx", "sheet Kec B's")):
        (tmp_path / "sub").mkdir(exist_ok=True)
        result = run_cli("laporan", "--config", config, "--sheet", "Kec A", "--out", tmp_path / out)
        assert result.code == 2, result.err
        assert f"is {whose} workbook: name another file for the report" in said(result.err)
    assert {name: (tmp_path / name).read_bytes() for name in before} == before
    alone = run_cli("laporan", "--workbook", tmp_path / "a.xlsx", "--out", tmp_path / "a.xlsx")
    assert alone.code == 2 and "is the sheet's own workbook" in said(alone.err)
    assert (tmp_path / "a.xlsx").read_bytes() == before["a.xlsx"]
