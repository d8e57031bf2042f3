"""Workbook-only guarantees: atomic replace, lock files, upgrades, the run loop."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook

from syncer import contract as c
from syncer.backends import CellWrite, Changed, Changes
from syncer.backends.xlsx import XlsxBackend
from tests.sheets import XlsxSheet, run_cli

MON = "2026-11-30T08:00"


def sopsync(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "syncer.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        **kwargs,
    )


@pytest.fixture
def sheet(tmp_path) -> XlsxSheet:
    sheet = XlsxSheet(tmp_path)
    sheet.add_rows({"Prosedur": "rka", "Judul": "x"}, {"Prosedur": "iku", "Judul": "y"})
    return sheet


@pytest.mark.parametrize("lock", ["~$kantor.xlsx", ".~lock.kantor.xlsx#"])
def test_never_writes_while_excel_or_libreoffice_holds_the_file(sheet, lock):
    (sheet.path.parent / lock).write_text("someone")
    before = sheet.fingerprint()
    result = sheet.sync(MON)
    assert result.code == 75
    assert "open in another program" in result.err
    assert sheet.fingerprint() == before
    (sheet.path.parent / lock).unlink()
    assert sheet.sync(MON).code == 0
    assert all(r["Status"] == "Berjalan" for r in sheet.table())


def test_a_file_saved_by_staff_during_the_cycle_is_not_overwritten(sheet):
    backend = XlsxBackend(sheet.path, ZoneInfo("Asia/Jakarta"))
    snapshot = backend.read()
    sheet.set(2, "Catatan", "saved meanwhile")
    with pytest.raises(Changed):
        backend.write(Changes(cells=[CellWrite(0, "Status", "Berjalan")]), snapshot.basis)
    assert sheet.table()[0]["Catatan"] == "saved meanwhile"


def test_a_file_moved_away_during_the_cycle_is_not_written_back(sheet):
    backend = XlsxBackend(sheet.path, ZoneInfo("Asia/Jakarta"))
    snapshot = backend.read()
    sheet.path.rename(sheet.path.with_name("arsip.xlsx"))  # an admin moves it meanwhile
    with pytest.raises(Changed):
        backend.write(Changes(cells=[CellWrite(0, "Status", "Berjalan")]), snapshot.basis)
    assert not sheet.path.exists()


def test_sync_retries_a_cycle_when_the_file_changed_under_it(sheet, monkeypatch):
    original = XlsxBackend.read
    calls = {"n": 0}

    def read_then_staff_saves(self, full_history=False):
        snapshot = original(self, full_history)
        calls["n"] += 1
        if calls["n"] == 1:
            os.utime(self.path, ns=(time.time_ns(), time.time_ns() + 10**9))
        return snapshot

    monkeypatch.setattr(XlsxBackend, "read", read_then_staff_saves)
    result = sheet.sync(MON)
    assert result.code == 0 and calls["n"] == 2
    assert len(sheet.table(c.RIWAYAT)) == 2


def test_sync_on_a_missing_workbook_creates_it(tmp_path):
    path = tmp_path / "baru.xlsx"
    result = run_cli("sync", "--workbook", path, "--now", MON)
    assert result.code == 0, result.err
    book = load_workbook(path)
    assert {c.DOKUMEN, c.RIWAYAT, c.STATE} <= set(book.sheetnames)
    assert book[c.STATE].sheet_state == "hidden"


def test_init_upgrades_an_existing_workbook_without_losing_anything(tmp_path):
    path = tmp_path / "lama.xlsx"
    book = Workbook()
    book.active.title = c.DOKUMEN
    sheet = book[c.DOKUMEN]
    sheet.append(["No", "judul ", " PROSEDUR", "Langkah", "Unit"])
    sheet.append([1, "RKA 2027", "rka", 2, "Sekretariat"])
    sheet.append([2, "Lapbul", "laporan bulanan", None, "Evapor"])
    book.create_sheet("Catatan rapat").append(["tetap di sini"])
    book.save(path)
    result = run_cli("init", "--workbook", path)
    assert result.code == 0, result.err
    book = load_workbook(path)
    headers = [cell.value for cell in book[c.DOKUMEN][1]]
    assert headers[:5] == ["No", "judul ", " PROSEDUR", "Langkah", "Unit"]
    assert headers[5:] == ["ID", "Catatan", *c.WORKER_COLUMNS]
    assert book["Catatan rapat"]["A1"].value == "tetap di sini"
    assert run_cli("sync", "--workbook", path, "--now", MON).code == 0
    rows = list(load_workbook(path)[c.DOKUMEN].iter_rows(min_row=2, values_only=True))
    assert [r[:5] for r in rows] == [
        (1, "RKA 2027", "rka", 2, "Sekretariat"),
        (2, "Lapbul", "laporan bulanan", None, "Evapor"),
    ]
    assert [r[headers.index("Pelaksana")] for r in rows] == ["Sekcam", "Kasubag Evapor"]


def test_the_workbook_shows_staff_how_to_use_it(sheet):
    sheet.sync(MON)
    book = load_workbook(sheet.path)
    dokumen = book[c.DOKUMEN]
    assert dokumen.freeze_panes == "A2"
    assert dokumen.auto_filter.ref.startswith("A1:")
    status_col = "J"
    formulas = {rule.formula[0] for cf in dokumen.conditional_formatting for rule in cf.rules}
    for status in ("Tidak valid", "Terlambat", "Hampir tenggat", "Selesai"):
        assert f'${status_col}2="{status}"' in formulas
    lists = {dv.formula1 for dv in dokumen.data_validations.dataValidation}
    assert any("rka" in f and "laporan-bulanan" in f for f in lists)
    assert any('"1,2,3' in f and "Selesai" in f for f in lists)
    for header in dokumen[1]:  # worker columns say so; staff columns carry no note
        note = header.comment.text if header.comment else ""
        worker = header.value in c.WORKER_COLUMNS
        assert note.startswith("Diisi otomatis oleh sopsync. Jangan diubah") == worker, note
    assert book[c.RIWAYAT].protection.sheet and book[c.STATE].protection.sheet


def test_worker_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    folder = tmp_path / "sop"
    folder.mkdir()
    source = Path(__file__).parents[1] / "sop_models" / "catalog" / "iku.yaml"
    text = source.read_text().replace("Perintah untuk menyusun IKU", '=HYPERLINK("x")', 1)
    (folder / "iku.yaml").write_text(text)
    sheet = XlsxSheet(tmp_path, f'[sop]\nfolders = ["{folder}"]\n')
    sheet.add_rows({"Prosedur": "iku", "Judul": "x"})
    assert sheet.sync(MON).code == 0
    cell = load_workbook(sheet.path)[c.DOKUMEN]["F2"]
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"


def _damage(path: Path, damage: str) -> None:
    book = load_workbook(path)
    dokumen = book[c.DOKUMEN]
    if damage == "colours":
        dokumen.conditional_formatting = type(dokumen.conditional_formatting)()
    elif damage == "protection":
        book[c.RIWAYAT].protection.sheet = False
    elif damage == "header formats":
        from openpyxl.styles import Font, PatternFill

        for cell in dokumen[1]:
            cell.font, cell.fill = Font(), PatternFill()
    elif damage == "a worker header":
        pesan = c.column_map([x.value for x in dokumen[1]])["pesan"]
        dokumen.cell(1, pesan + 1).value = None
    book.save(path)


@pytest.mark.parametrize("damage", ["colours", "protection", "header formats", "a worker header"])
def test_init_repairs_the_workbook_and_says_so(sheet, damage):
    assert sheet.sync(MON).code == 0
    _damage(sheet.path, damage)
    result = run_cli("init", "--workbook", sheet.path)
    assert result.code == 0 and "already up to date" not in result.out, result.out
    book = load_workbook(sheet.path)
    dokumen = book[c.DOKUMEN]
    rules = [rule.formula[0] for cf in dokumen.conditional_formatting for rule in cf.rules]
    assert len(rules) == 4  # every status colour once
    assert book[c.RIWAYAT].protection.sheet
    pesan = c.column_map([x.value for x in dokumen[1]])["pesan"] + 1
    assert dokumen.cell(1, pesan).font.i and dokumen.cell(1, pesan).comment is not None
    assert dokumen.cell(1, 1).font.b
    assert "already up to date" in run_cli("init", "--workbook", sheet.path).out
    assert sheet.sync("2026-11-30T09:00").code == 0


def test_init_removes_an_empty_default_tab_and_keeps_one_with_content(tmp_path):
    path = tmp_path / "baru.xlsx"
    book = Workbook()
    book.active.title = "Sheet1"
    book.create_sheet("Lembar1")["C9"] = "catatan"
    book.save(path)
    result = run_cli("init", "--workbook", path)
    assert "removed the empty tab Sheet1" in result.out
    names = load_workbook(path).sheetnames
    assert "Sheet1" not in names and "Lembar1" in names and names[0] == c.DOKUMEN


def test_a_header_in_the_last_column_leaves_no_room_and_says_so(tmp_path):
    path = tmp_path / "kantor.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = c.DOKUMEN
    for column, header in enumerate(["ID", "Prosedur", "Judul", "Langkah", "Catatan"], start=1):
        sheet.cell(1, column).value = header
    sheet.cell(1, 16_384).value = "Kolom terakhir"  # XFD, the last a workbook has
    sheet["B2"], sheet["C2"] = "rka", "x"
    book.save(path)
    before = path.read_bytes()
    result = run_cli("sync", "--workbook", path, "--now", "2026-11-30T08:00")
    assert result.code == 1
    assert result.err.strip().endswith(
        "sopsync: tab Dokumen: no room after its last header, in column XFD, for the columns"
        " Kegiatan, Pelaksana, Mulai, Tenggat, Status, Pesan: clear the headers at the far"
        " right (nothing was written)"
    )
    assert path.read_bytes() == before
