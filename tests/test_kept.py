"""What a sync keeps in the state file for the next process (syncer.kept): the
configuration and the SOP catalog it validated, the SOP versions it read back from the
sheet and the days off the ``holidays`` package listed.

A cron sync takes the catalog the previous one validated, unless a SOP file changed: then
the files are read again, their mistakes reported as always; and so with the
configuration. What is kept is only a shortcut: whatever is wrong with it, it is built
again.
"""

from __future__ import annotations

import io
import pickle
import sqlite3
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import pytest

from syncer import kept
from syncer.config import STATE_FILE, load_config, state_file_of
from syncer.sheets import load_sheets
from tests.sheets import XlsxSheet, said

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


def test_a_configuration_edited_after_it_was_kept_is_read_again(tmp_path):
    sheet = XlsxSheet(tmp_path, '[people]\nSekcam = "Budi Santoso"\n')
    sheet.add_rows({"Prosedur": "rka", "Judul": "x", "Langkah": 2})
    assert sheet.sync("2026-11-30T08:00").code == 0
    assert sheet.table()[0]["Pelaksana"] == "Sekcam — Budi Santoso"
    assert [name.split()[0] for name, _ in kept_rows(sheet, "load_")] == [
        "load_config",  # the file's own settings, for the log
        "load_sheets",  # and the sheets it serves
    ]

    # Same size, saved at once: only the content tells.
    sheet.config.write_text(sheet.config.read_text().replace("Budi Santoso", "Andi Susanto"))
    assert sheet.sync("2026-11-30T08:05").code == 0
    assert sheet.table()[0]["Pelaksana"] == "Sekcam — Andi Susanto"


def test_a_configuration_broken_after_it_was_kept_still_stops_the_sync(tmp_path):
    sheet = XlsxSheet(tmp_path)
    sheet.add_rows({"Prosedur": "rka", "Judul": "x"})
    assert sheet.sync("2026-11-30T08:00").code == 0
    with sheet.config.open("a") as file:
        file.write('[worker]\ninterval_seconds = "sering"\n')
    result = sheet.sync("2026-11-30T09:00")
    assert result.code == 2
    assert said(result.err) == (
        f"sopsync: configuration error: {sheet.config}: [worker] interval_seconds:"
        " sering is not a number"
    )


@pytest.mark.parametrize(
    ("setting", "where"),
    [
        ("", STATE_FILE),
        ('[worker]\nstate_file = "var/keadaan.sqlite3"\n', "var/keadaan.sqlite3"),
        ("[worker]\nstate_file = '{tmp}/lain.sqlite3'\n", "lain.sqlite3"),
    ],
)
def test_the_configuration_is_kept_in_the_state_file_it_names(tmp_path, setting, where):
    """Told from the TOML alone, before the settings are validated, as they name it."""
    (tmp_path / "var").mkdir()
    sheet = XlsxSheet(tmp_path, setting.format(tmp=tmp_path))
    sheet.add_rows({"Prosedur": "rka", "Judul": "x"})
    assert sheet.sync("2026-11-30T08:00").code == 0
    state = tmp_path / where
    assert state_file_of(sheet.config) == load_config(sheet.config).worker.state_file == state
    with sqlite3.connect(state) as db:
        names = [name for (name,) in db.execute("SELECT name FROM kept")]
    assert {name.split()[0] for name in names} >= {"load_config", "load_sheets", "catalog"}


def test_a_state_file_setting_that_is_not_a_path_is_only_the_mistake_it_was(tmp_path):
    sheet = XlsxSheet(tmp_path, "[worker]\nstate_file = 5\n")
    assert state_file_of(sheet.config) is None  # nowhere to keep anything
    result = sheet.sync("2026-11-30T08:00")
    assert result.code == 2
    assert said(result.err) == (
        f"sopsync: configuration error: {sheet.config}: [worker] state_file: 5 is not a path:"
        " put it in quotes"
    )
    assert list(tmp_path.glob("*.sqlite3")) == []


EVERY_SECTION = """
[google]
spreadsheet = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg"
[calendar]
zone = "Asia/Makassar"
extra_holidays = [2026-12-31]
[calendar.periods]
monday = ["07:30-12:00", "13:00-16:00"]
[[calendar.spans]]
from = 2026-12-01
until = 2026-12-05
[calendar.spans.periods]
monday = ["08:00-12:00"]
[calendar.ramadan]
[calendar.ramadan.periods]
monday = ["08:00-15:00"]
[people]
Camat = "Siti Aminah"
[sop]
folders = ["sop-kantor"]
[worker]
interval_seconds = 120
[notices]
escalate_after = "1 hari"
supervisors = { Staf = "Kasubag" }
[notices.email]
host = "smtp.example.go.id"
from_address = "sopsync@example.go.id"
[notices.telegram]
[notices.whatsapp]
provider = "cloud"
phone_number_id = "1"
[laporan]
unit = "Kecamatan Contoh"
[laporan.evaluator]
nama = "Budi Santoso"
"""


def test_what_is_kept_of_a_configuration_is_made_of_the_code_its_fingerprint_covers(tmp_path):
    """A kept configuration is taken again while the modules that read it and define what
    it holds are unchanged: none of what it holds may come from any other of sopsync's."""
    config = tmp_path / "sopsync.toml"
    config.write_text(f'backend = "xlsx"\n[xlsx]\npath = "kantor.xlsx"\n{EVERY_SECTION}')
    held: set[str] = set()

    class Watching(pickle.Pickler):
        def persistent_id(self, obj: object) -> None:
            held.add(obj.__module__ if isinstance(obj, type) else type(obj).__module__)

    for value in (load_config(config), load_sheets(config)):
        Watching(io.BytesIO()).dump(value)
    ours = {m for m in held if m.split(".")[0] in ("syncer", "sop_models")}
    covered = {Path(str(sys.modules[m].__file__)) for m in ours}
    assert "syncer.config" in ours and "syncer.hours" in ours
    assert covered <= set(kept._CONFIG_CODE)  # noqa: SLF001
