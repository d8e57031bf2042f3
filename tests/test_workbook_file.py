"""The workbook file as an admin meets it: paths, other programs, full disks, what is left.

Faults are real: a tmpfs that is full or read-only (mounted when the tests run as root,
else skipped or done with file modes), a file size limit, a zip cut short.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import resource
import shutil
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from syncer import contract as c
from syncer.backends import workbook_file
from syncer.backends.workbook_file import LEFTOVER_AGE, Unsettled
from syncer.cli import make_rules, parse_now, sync_once
from syncer.config import load_config
from syncer.runlock import held, lock_path
from tests.sheets import XlsxSheet, run_cli, said

MON = "2026-11-30T08:00"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"


@pytest.fixture
def sheet(tmp_path) -> XlsxSheet:
    sheet = XlsxSheet(tmp_path)
    sheet.add_rows({"Prosedur": "rka", "Judul": "x"}, {"Prosedur": "iku", "Judul": "y"})
    return sheet


# --- paths ------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["sync", "init", "run"])
def test_a_workbook_in_a_missing_folder_is_a_usage_error_and_no_folder_is_made(tmp_path, command):
    path = tmp_path / "tidak-ada" / "kantor.xlsx"
    result = run_cli(command, "--workbook", path)
    assert result.code == 2 and said(result.err)
    assert f"the folder {path.parent} does not exist" in result.err
    assert not path.parent.exists()


@pytest.mark.parametrize("name", ["kantor.xls", "kantor.csv", "kantor"])
def test_a_workbook_name_not_ending_in_xlsx_is_a_usage_error_and_leaves_nothing(tmp_path, name):
    result = run_cli("sync", "--workbook", tmp_path / name, "--now", MON)
    assert result.code == 2 and said(result.err)
    assert "a workbook's name must end in .xlsx" in result.err
    assert list(tmp_path.iterdir()) == []


def test_a_folder_named_like_a_workbook_is_a_usage_error(tmp_path):
    (tmp_path / "kantor.xlsx").mkdir()
    result = run_cli("sync", "--workbook", tmp_path / "kantor.xlsx", "--now", MON)
    assert result.code == 2 and "is a folder, not a workbook" in result.err


def test_a_workbook_path_in_the_configuration_is_checked_alike(tmp_path):
    config = tmp_path / "s.toml"
    config.write_text('[xlsx]\npath = "arsip/kantor.xlsx"\n')
    result = run_cli("sync", "--config", config)
    assert result.code == 2 and f"the folder {tmp_path / 'arsip'} does not exist" in result.err


# --- what is in the file ----------------------------------------------------------------------


def test_a_text_file_named_xlsx_is_not_an_excel_workbook(tmp_path):
    path = tmp_path / "kantor.xlsx"
    path.write_text("Nama,Langkah\n")
    result = run_cli("sync", "--workbook", path, "--now", MON)
    assert result.code == 1 and said(result.err)
    assert f"sopsync: {path} is not an Excel workbook" in result.err
    assert path.read_text() == "Nama,Langkah\n"


def test_a_zip_that_holds_no_workbook_is_not_read(tmp_path):
    path = tmp_path / "kantor.xlsx"
    with zipfile.ZipFile(path, "w") as archive:  # a package, but of no spreadsheet
        archive.writestr("[Content_Types].xml", f'<Types xmlns="{CONTENT_TYPES}"/>')
    before = path.read_bytes()
    result = run_cli("sync", "--workbook", path, "--now", MON)
    assert result.code == 1 and said(result.err)
    assert f"sopsync: cannot read workbook {path}: file contains no valid workbook part" in (
        result.err
    )
    assert path.read_bytes() == before


def cut_short(path: Path) -> bytes:
    """Rewrite the workbook as a program caught mid-write leaves it: its sheet cut short."""
    whole = path.read_bytes()
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    with zipfile.ZipFile(path, "w") as cut:
        for name, data in parts.items():
            cut.writestr(name, data[: len(data) // 2] if name.endswith("sheet1.xml") else data)
    return whole


def test_a_workbook_being_written_is_busy_after_retries(sheet):
    sheet.sync(MON)
    cut_short(sheet.path)
    sheet.config.write_text(sheet.config.read_text() + "[worker]\nretries = 0\n")
    before = sheet.fingerprint()
    result = sheet.sync(MON)
    assert result.code == 75 and said(result.err)
    assert "does not read whole: another program may be writing it" in result.err
    assert sheet.fingerprint() == before


def test_a_workbook_being_written_is_read_again_once_the_other_program_is_done(sheet):
    sheet.sync(MON)
    sheet.set(2, "Langkah", 2)
    whole = cut_short(sheet.path)
    config = load_config(sheet.config)
    rules = make_rules(config)
    pauses: list[float] = []

    def meanwhile(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 2:
            sheet.path.write_bytes(whole)  # the other program finishes its save

    report = sync_once(config, rules, parse_now(MON, rules), sleep=meanwhile)
    assert pauses == [1.0, 2.0] and report.written
    assert sheet.table()[0]["Pelaksana"] == "Sekcam"

    cut_short(sheet.path)  # and a file that never reads whole: busy after every retry
    pauses.clear()
    with pytest.raises(Unsettled):
        sync_once(config, rules, parse_now(MON, rules), sleep=pauses.append)
    assert pauses == [1.0, 2.0, 4.0, 8.0]  # [worker] retries = 4


# --- what the worker leaves -------------------------------------------------------------------


def test_temporary_files_of_a_killed_save_are_removed_by_the_next_cycle(sheet):
    sheet.sync(MON)
    folder = sheet.path.parent
    old = time.time() - LEFTOVER_AGE - 5
    left = folder / ".kantor.xlsx.k3x9_a0q.tmp"  # a save killed a while ago
    fresh = folder / ".kantor.xlsx.zz81mq0d.tmp"  # a save still being written elsewhere
    others = [folder / ".laporan.xlsx.k3x9_a0q.tmp", folder / "kantor.tmp", folder / "~$kantor.tmp"]
    for path in (left, fresh, *others):
        path.write_bytes(b"PK")
    for path in (left, *others):
        os.utime(path, (old, old))
    assert sheet.sync(MON).code == 0  # nothing to write: the read cleans up all the same
    assert not left.exists()
    assert fresh.exists() and all(p.exists() for p in others)


def test_no_lock_file_stays_in_the_shared_folder_after_a_cycle(sheet):
    assert sheet.sync(MON).code == 0
    assert sheet.cli("init").code == 0
    # Here the configuration is in the workbook's folder, and the worker's notes beside it.
    names = ["kantor.xlsx", "sopsync-state.sqlite3", "sopsync.toml"]
    assert sorted(p.name for p in sheet.path.parent.iterdir()) == names


def test_a_lock_file_left_by_a_killed_worker_does_not_block_the_next(sheet):
    stale = lock_path(str(sheet.path))
    stale.write_text("12345\n")  # a worker killed mid-cycle; nobody holds its lock
    assert sheet.sync(MON).code == 0
    assert not stale.exists()


def test_a_worker_that_opened_the_lock_file_as_its_holder_removed_it_locks_the_new_one(
    tmp_path, monkeypatch
):
    import syncer.runlock as runlock

    target = str(tmp_path / "kantor.xlsx")
    path = lock_path(target)
    holder = os.open(path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)
    real_open = runlock._open
    released: list[bool] = []

    def open_as_the_holder_finishes(at: Path) -> int:
        fd = real_open(at)
        if not released:  # the holder releases right after this open: remove, then unlock
            path.unlink()
            os.close(holder)
            released.append(True)
        return fd

    monkeypatch.setattr(runlock, "_open", open_as_the_holder_finishes)
    with held(target):
        probe = os.open(path, os.O_RDONLY)  # the file a third worker would find
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(probe)


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_the_replaced_workbook_keeps_its_owner_group_and_mode(sheet):
    sheet.sync(MON)
    os.chown(sheet.path, 1234, 5678)  # a colleague's file, shared through the group
    os.chmod(sheet.path, 0o664)
    sheet.set(2, "Langkah", 2)
    os.chown(sheet.path, 1234, 5678)  # (the test's own edit saved it as root)
    os.chmod(sheet.path, 0o664)
    assert sheet.sync(MON).code == 0
    st = sheet.path.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (1234, 5678, 0o664)
    assert sheet.table()[0]["Pelaksana"] == "Sekcam"  # it was replaced


def test_a_link_to_the_workbook_stays_a_link(sheet, tmp_path):
    sheet.sync(MON)
    shared = tmp_path / "bersama"
    shared.mkdir()
    real = shared / "kantor.xlsx"
    shutil.move(sheet.path, real)
    sheet.path.symlink_to(real)
    sheet.set(2, "Langkah", 2)
    assert sheet.sync(MON).code == 0
    assert sheet.path.is_symlink() and sheet.table()[0]["Pelaksana"] == "Sekcam"


# --- full disks, read-only folders, size limits -----------------------------------------------


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    with contextlib.suppress(OSError), filler.open("wb") as out:
        while True:
            out.write(b"\0" * 4096)
            out.flush()
    return filler


def test_a_full_disk_is_one_sentence_and_leaves_the_workbook_intact(sheet, tmp_path):
    with tmpfs(tmp_path / "disk", "2m") as disk:
        workbook = disk / "kantor.xlsx"
        shutil.copyfile(sheet.path, workbook)
        config = tmp_path / "disk.toml"
        config.write_text(f'[xlsx]\npath = "{workbook}"\n')
        before = workbook.read_bytes()
        filler = fill(disk)
        result = run_cli("sync", "--config", config, "--now", MON)
        assert result.code == 1 and said(result.err)
        assert f"cannot write workbook {workbook}: no space left on device" in result.err
        assert workbook.read_bytes() == before
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "kantor.xlsx"]
        filler.unlink()  # the admin makes room: the next cycle writes
        assert run_cli("sync", "--config", config, "--now", MON).code == 0


def test_a_read_only_folder_is_one_sentence_and_leaves_the_workbook_intact(sheet, tmp_path):
    with tmpfs(tmp_path / "disk", "2m") as disk:
        workbook = disk / "kantor.xlsx"
        shutil.copyfile(sheet.path, workbook)
        before = workbook.read_bytes()
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        result = run_cli("sync", "--workbook", workbook, "--now", MON)
        assert result.code == 1 and said(result.err)
        assert "read-only file system" in result.err
        assert workbook.read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in a folder without write permission")
def test_a_folder_without_write_permission_is_said(sheet):
    before = sheet.fingerprint()
    sheet.path.parent.chmod(0o555)
    try:
        result = sheet.sync(MON)
    finally:
        sheet.path.parent.chmod(0o755)
    assert result.code == 1 and said(result.err) and "permission denied" in result.err
    assert sheet.fingerprint() == before


def test_a_crash_during_the_write_leaves_the_old_workbook_intact(sheet):
    before = sheet.fingerprint()
    limit = len(before) // 2  # the temporary file cannot grow past this (EFBIG mid-write)

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run(
        [sys.executable, "-m", "syncer.cli", "sync", "--config", sheet.config, "--now", MON],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=small_files,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},  # no .pyc cut short by the limit
    )
    assert result.returncode == 1 and said(result.stderr)
    assert "file too large; it is unchanged" in result.stderr
    assert sheet.fingerprint() == before
    assert not [p for p in sheet.path.parent.iterdir() if p.name.endswith(".tmp")]
    assert sheet.sync(MON).code == 0
    riwayat = sheet.table(c.RIWAYAT)
    assert sorted(r["ID"] for r in riwayat) == ["IKU-2026-0001", "RKA-2026-0001"]


def test_leftovers_are_only_the_workers_own_temporary_files(tmp_path):
    path = tmp_path / "kantor.xlsx"
    names = [".kantor.xlsx.abc_1234.tmp", ".kantor.xlsx.tmp", ".kantor.xlsx.abc.tmp.bak"]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    later = time.time() + LEFTOVER_AGE + 1
    assert workbook_file.remove_leftovers(path, now=later) == [tmp_path / names[0]]
