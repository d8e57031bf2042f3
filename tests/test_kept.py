"""What a sync keeps in the state file for the next process (syncer.kept): the SOP
catalog it validated and the days off the ``holidays`` package listed.

A cron sync takes the catalog the previous one validated, unless a SOP file changed: then
the files are read again, their mistakes reported as always. What is kept is only a
shortcut: whatever is wrong with it, it is built again.
"""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import datetime
from pathlib import Path

from syncer.config import STATE_FILE
from tests.sheets import XlsxSheet

SOURCE = Path(__file__).parents[1] / "sop_models" / "catalog" / "laporan-bulanan.yaml"
STEP3 = "    kelengkapan: Ketikan konsep laporan bulanan\n    waktu: 30 menit"


def office(tmp_path: Path) -> tuple[XlsxSheet, Path]:
    folder = tmp_path / "sop-kantor"
    folder.mkdir()
    sop = folder / "laporan-bulanan.yaml"
    sop.write_text(SOURCE.read_text())
    return XlsxSheet(tmp_path, f'[sop]\nfolders = ["{folder}"]\n'), sop


def tenggat(sheet: XlsxSheet, judul: str) -> object:
    (row,) = [r for r in sheet.table() if r.get("Judul") == judul]
    return row["Tenggat"]


def kept_rows(sheet: XlsxSheet, kind: str = "catalog") -> list[tuple[str, bytes]]:
    with sqlite3.connect(sheet.config.with_name(STATE_FILE)) as db:
        rows = list(db.execute("SELECT name, value FROM kept ORDER BY name"))
    return [row for row in rows if row[0].startswith(kind)]


def test_an_sop_file_edited_after_the_catalog_was_kept_is_read_again(tmp_path):
    sheet, sop = office(tmp_path)
    sheet.add_rows({"Prosedur": "laporan-bulanan", "Judul": "x", "Langkah": 3})
    assert sheet.sync("2026-11-30T08:00").code == 0
    assert tenggat(sheet, "x") == datetime(2026, 11, 30, 8, 30)
    assert len(kept_rows(sheet)) == 1

    # Same size, saved at once: only the content tells.
    text = sop.read_text()
    assert STEP3 in text
    sop.write_text(text.replace(STEP3, STEP3.replace("30 menit", "45 menit")))
    sheet.add_rows({"Prosedur": "laporan-bulanan", "Judul": "y", "Langkah": 3})
    assert sheet.sync("2026-11-30T08:05").code == 0
    assert tenggat(sheet, "y") == datetime(2026, 11, 30, 8, 50)


def test_an_sop_file_broken_after_the_catalog_was_kept_still_stops_the_sync(tmp_path):
    sheet, sop = office(tmp_path)
    sheet.add_rows({"Prosedur": "laporan-bulanan", "Judul": "x"})
    assert sheet.sync("2026-11-30T08:00").code == 0
    sop.write_text(sop.read_text().replace("tidak: 2", "tidak: 9"))
    result = sheet.sync("2026-11-30T09:00")
    assert result.code == 2
    assert "laporan-bulanan.yaml" in result.err and "Traceback" not in result.err


def test_the_days_off_are_kept_as_the_package_lists_them():
    from syncer import kept
    from syncer.calendar import CATEGORIES, COUNTRY, package_holidays

    with tempfile.TemporaryDirectory() as folder:
        state = Path(folder) / STATE_FILE
        first, second = kept.holidays(state), kept.holidays(state)  # two processes
        listed = package_holidays(COUNTRY, CATEGORIES, 2026)
        assert first(COUNTRY, CATEGORIES, 2026) == listed
        assert second(COUNTRY, CATEGORIES, 2026) == listed
        christmas = datetime(2026, 12, 25).toordinal()
        assert second(COUNTRY, CATEGORIES, 2026)[christmas][0] == "Hari Raya Natal"


def test_what_is_kept_and_cannot_be_read_is_built_again(tmp_path):
    sheet, _ = office(tmp_path)
    sheet.add_rows({"Prosedur": "laporan-bulanan", "Judul": "x", "Langkah": 3})
    assert sheet.sync("2026-12-23T15:00").code == 0
    with sqlite3.connect(sheet.config.with_name(STATE_FILE)) as db:
        db.execute("UPDATE kept SET value = ?", (b"not kept",))
    sheet.set(2, "Langkah", 4)
    result = sheet.sync("2026-12-23T15:50")
    assert result.code == 0, result.err
    row = sheet.table()[0]
    assert row["Pelaksana"] == "Sekcam"  # step 4, as the files say
    # 20 working minutes from Wednesday 15:50: past the day's end, over Christmas Eve's
    # cuti bersama and Christmas, into Monday: as the package lists them.
    assert row["Tenggat"] == datetime(2026, 12, 28, 7, 40)
    assert all(value != b"not kept" for _, value in kept_rows(sheet, ""))  # kept anew
