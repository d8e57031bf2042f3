"""Workbook-only guarantees: atomic replace, lock files, upgrades, the run loop."""

from __future__ import annotations

import os
import resource
import signal
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


def test_a_crash_during_the_write_leaves_the_old_workbook_intact(sheet):
    before = sheet.fingerprint()
    limit = len(before) // 2  # the temporary file cannot grow past this: SIGXFSZ mid-write

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = sopsync("sync", "--config", sheet.config, "--now", MON, preexec_fn=small_files)
    assert result.returncode != 0
    assert sheet.fingerprint() == before
    assert not [p for p in sheet.path.parent.iterdir() if p.name.endswith(".tmp")]
    ok = sheet.sync(MON)
    assert ok.code == 0
    riwayat = sheet.table(c.RIWAYAT)
    assert sorted(r["ID"] for r in riwayat) == ["IKU-2026-0001", "RKA-2026-0001"]


def test_a_file_saved_by_staff_during_the_cycle_is_not_overwritten(sheet):
    backend = XlsxBackend(sheet.path, ZoneInfo("Asia/Jakarta"))
    backend.read()
    sheet.set(2, "Catatan", "saved meanwhile")
    with pytest.raises(Changed):
        backend.write(Changes(cells=[CellWrite(0, "Status", "Berjalan")]))
    assert sheet.table()[0]["Catatan"] == "saved meanwhile"


def test_sync_retries_a_cycle_when_the_file_changed_under_it(sheet, monkeypatch):
    original = XlsxBackend.read
    calls = {"n": 0}

    def read_then_staff_saves(self):
        snapshot = original(self)
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
    assert "sopsync" in dokumen["K1"].comment.text.lower() or dokumen["K1"].comment is not None
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


def test_run_repeats_until_stopped_and_holds_the_lock(sheet):
    worker = subprocess.Popen(
        [sys.executable, "-m", "syncer.cli", "run", "--config", str(sheet.config), "--every", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not sheet.table()[0].get("Status"):
            time.sleep(0.2)
        assert sheet.table()[0]["Status"] == "Berjalan"
        second = sopsync("sync", "--config", sheet.config, "--now", MON)
        assert second.returncode == 75 and "another sopsync worker" in second.stderr
        sheet.set(2, "Langkah", 2)  # the running worker picks up the move
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and sheet.table()[0].get("Pelaksana") != "Sekcam":
            time.sleep(0.2)
        assert sheet.table()[0]["Pelaksana"] == "Sekcam"
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err
    assert "worker stopped" in err


def test_run_survives_a_failed_cycle(tmp_path):
    path = tmp_path / "kantor.xlsx"
    path.write_text("not a workbook")  # unreadable: every cycle fails until it is fixed
    worker = subprocess.Popen(
        [sys.executable, "-m", "syncer.cli", "run", "--workbook", str(path), "--every", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(2.5)
        assert worker.poll() is None
        path.unlink()  # the admin removes the broken file; the next cycle creates the workbook
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not path.exists():
            time.sleep(0.2)
        assert path.exists()
    finally:
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=30)
    assert "cycle failed" in err and worker.returncode == 0


def test_a_run_loop_frees_each_cycles_workbook_before_the_next(tmp_path):
    """A service must not grow: each cycle's workbook (full of reference cycles) is freed."""
    import gc

    from openpyxl.workbook.workbook import Workbook as Book

    from syncer.cli import make_rules, parse_now, sync_once
    from syncer.config import load_config
    from syncer.worker import run_forever

    sheet = XlsxSheet(tmp_path, "[worker]\ninterval_seconds = 1\n")
    sheet.add_rows(*({"Prosedur": "rka", "Judul": f"dok {i}"} for i in range(20)))
    config = load_config(sheet.config)
    rules = make_rules(config)
    alive: list[int] = []

    def cycle() -> None:
        alive.append(sum(isinstance(o, Book) for o in gc.get_objects()))
        sync_once(config, rules, parse_now(None, rules))
        if len(alive) == 3:
            os.kill(os.getpid(), signal.SIGTERM)  # run_forever stops between cycles

    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    gc.collect()  # the workbooks this test wrote
    try:
        assert run_forever(config, cycle) == 0
    finally:
        for s, handler in handlers.items():
            signal.signal(s, handler)
    assert alive == [0, 0, 0]
    assert sheet.table()[0]["Status"] == "Berjalan"
