"""`[[sheets]]`: many offices in one configuration file (DESIGN §11), and the admin's mistakes.

A sheet's settings are the file's with its own laid over them, section by section; every
mistake is one sentence naming the sheet and the key.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from syncer.config import ConfigError, load_config
from syncer.hours import DEFAULT_WEEK
from syncer.sheets import load_sheets

FILE = """
backend = "xlsx"
[calendar]
zone = "Asia/Jakarta"
extra_holidays = [2026-12-31]
[calendar.periods]
monday = ["07:30-12:00", "13:00-16:00"]
friday = ["07:30-11:30"]
[people]
Camat = "Budi Santoso"
Sekcam = "Siti Aminah"
[worker]
interval_seconds = 60
"""


def written(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kabupaten.toml"
    path.write_text(text)
    return path


def mistake(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as raised:
        load_sheets(written(tmp_path, text))
    message = str(raised.value)
    assert "\n" not in message, message  # one sentence
    return message.removeprefix(f"{tmp_path / 'kabupaten.toml'}: ")


def test_a_file_without_sheets_serves_its_own_target_as_it_always_did(tmp_path):
    path = written(tmp_path, '[xlsx]\npath = "kantor.xlsx"\n')
    (sheet,) = load_sheets(path)
    assert sheet.name == "" and sheet.target == str(tmp_path / "kantor.xlsx")
    assert sheet.label == sheet.target and sheet.config == load_config(path)


def test_each_sheet_has_the_files_settings_with_its_own_laid_over_them(tmp_path):
    path = written(
        tmp_path,
        FILE
        + """
[[sheets]]
name = "Kecamatan Ayah"
workbook = "ayah/sop.xlsx"
[sheets.people]
Camat = "Andi Wijaya"

[[sheets]]
name = "Kecamatan Buayan"
spreadsheet = "1BuayanAbCdEf"
[sheets.calendar]
zone = "Asia/Makassar"
[sheets.calendar.periods]
friday = ["08:00-11:00"]
[sheets.worker]
interval_seconds = 120
[sheets.sop]
folders = ["sop-buayan"]
""",
    )
    ayah, buayan = load_sheets(path)
    assert (ayah.name, ayah.config.backend, ayah.target) == (
        "Kecamatan Ayah",
        "xlsx",
        str(tmp_path / "ayah" / "sop.xlsx"),  # relative to the file's folder
    )
    assert ayah.config.people == {"Camat": "Andi Wijaya", "Sekcam": "Siti Aminah"}  # by key
    assert ayah.config.calendar == load_config(path).calendar  # all the file's
    assert ayah.config.worker.interval_seconds == 60

    assert (buayan.config.backend, buayan.target) == ("google", "1BuayanAbCdEf")
    calendar = buayan.config.calendar
    assert calendar.zone == ZoneInfo("Asia/Makassar")
    assert calendar.extra_holidays == [date(2026, 12, 31)]  # kept: the sheet left it out
    week = calendar.periods.days
    assert week[4] and week[4][0][1].hour == 11  # its own Friday…
    assert week[0] == () == DEFAULT_WEEK.days[5]  # …and its week whole: no Monday of the file's
    assert buayan.config.worker.interval_seconds == 120
    assert buayan.config.sop.folders == [tmp_path / "sop-buayan"]
    assert buayan.config.people == load_config(path).people


def test_a_sheet_can_take_its_own_service_account_key(tmp_path):
    path = written(
        tmp_path,
        '[google]\ncredentials = "kabupaten.json"\nadmins = ["a@x.go.id"]\n'
        '[[sheets]]\nname = "A"\nspreadsheet = "1A"\n'
        '[[sheets]]\nname = "B"\nspreadsheet = "1B"\n[sheets.google]\ncredentials = "b.json"\n',
    )
    a, b = load_sheets(path)
    assert a.config.google.credentials == tmp_path / "kabupaten.json"
    assert b.config.google.credentials == tmp_path / "b.json"
    assert b.config.google.admins == ["a@x.go.id"]


@pytest.mark.parametrize(
    ("sheets", "said"),
    [
        ('[[sheets]]\nworkbook = "a.xlsx"\n', '[[sheets]] #1 has no name: add name = "…"'),
        (
            '[[sheets]]\nname = 5\nworkbook = "a.xlsx"\n',
            '[[sheets]] #1: name must be text, e.g. name = "Kecamatan Contoh"',
        ),
        (
            '[[sheets]]\nname = "A"\nworkbook = "a.xlsx"\n'
            '[[sheets]]\nname = "a "\nworkbook = "b.xlsx"\n',
            '[[sheets]] #2: the name "a" is taken by another sheet: give each sheet its own name',
        ),
        (
            '[[sheets]]\nname = "A"\n[sheets.people]\nCamat = "X"\n',
            '[[sheets]] "A": it has no target: add workbook = "….xlsx" or'
            ' spreadsheet = "<spreadsheet id>"',
        ),
        (
            '[[sheets]]\nname = "A"\nworkbook = "a.xlsx"\nspreadsheet = "1A"\n',
            '[[sheets]] "A": workbook and spreadsheet are two targets: keep one',
        ),
        (
            '[[sheets]]\nname = "A"\nworkbook = " "\n',
            '[[sheets]] "A": workbook is empty: write workbook = "kantor.xlsx"',
        ),
        (
            '[[sheets]]\nname = "A"\nspreadsheat = "1A"\n',
            '[[sheets]] "A": spreadsheat is not a setting; did you mean spreadsheet?',
        ),
        (
            '[[sheets]]\nname = "A"\nworkbook = "a.xlsx"\n[sheets.calender]\nzone = "Asia/Dili"\n',
            '[[sheets]] "A": [sheets.calender] is not a section; did you mean [sheets.calendar]?',
        ),
        (
            '[[sheets]]\nname = "A"\nworkbook = "a.xlsx"\n[sheets.calendar]\nzon = "Asia/Dili"\n',
            '[[sheets]] "A": [calendar] zon is not a setting; did you mean zone?',
        ),
        (
            '[[sheets]]\nname = "A"\nworkbook = "a.xlsx"\n[sheets.calendar]\nzone = "Asia/Bali"\n',
            "[[sheets]] \"A\": [calendar] zone: 'Asia/Bali' is not a known IANA time zone; use"
            " e.g. 'Asia/Jakarta' (WIB), 'Asia/Makassar' (WITA) or 'Asia/Jayapura' (WIT)",
        ),
        (
            '[[sheets]]\nname = "A"\nworkbook = "a.xlsx"\n[sheets.worker]\nlog_format = "json"\n',
            '[[sheets]] "A": [worker] log_format is a setting of the whole file (the worker'
            " writes one log): set it in the file's [worker]",
        ),
        (
            '[[sheets]]\nname = "A"\nworkbook = "a.xlsx"\n'
            '[[sheets]]\nname = "B"\nworkbook = "./a.xlsx"\n',
            '[[sheets]] "B": {tmp}/a.xlsx is already the target of "A": each sheet needs'
            " its own workbook or spreadsheet",
        ),
        (
            '[xlsx]\npath = "kantor.xlsx"\n[[sheets]]\nname = "A"\nworkbook = "a.xlsx"\n',
            "[xlsx] path is not served when the file lists [[sheets]]: give it to a [[sheets]]"
            " entry as workbook = …",
        ),
        ('sheets = ["A"]\n', "sheets must be [[sheets]] tables, each with a name and a workbook"
         " or spreadsheet"),
    ],
)  # fmt: skip
def test_each_mistake_in_sheets_is_one_sentence_naming_the_sheet_and_the_key(
    tmp_path, sheets, said
):
    assert mistake(tmp_path, sheets) == said.replace("{tmp}", str(tmp_path))


def test_a_mistake_in_the_files_own_settings_is_said_as_ever(tmp_path):
    with pytest.raises(ConfigError, match=r"\[worker\] interval_seconds: sering is not a number"):
        load_sheets(
            written(tmp_path, '[worker]\ninterval_seconds = "sering"\n[[sheets]]\nname = "A"\n')
        )
