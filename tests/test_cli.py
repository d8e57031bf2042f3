"""The command line as admins meet it: sop list/show/check, configuration, logs, the demo."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from syncer import contract as c
from syncer.config import load_config
from syncer.sheets import load_sheets
from tests.sheets import XlsxSheet, run_cli, said
from tests.test_catalog import EXPECTED_STEPS  # DESIGN §4, written out once

ROOT = Path(__file__).parents[1]


def test_sop_list_shows_the_eleven_seed_sops():
    result = run_cli("sop", "list")
    assert result.code == 0
    lines = {line.split()[0]: line for line in result.out.splitlines() if line.strip()}
    for code, steps in EXPECTED_STEPS.items():
        assert code in lines and f" {steps} " in lines[code], code
    assert "bawaan" in lines["rka"]


def test_sop_show_rka_lists_its_eleven_steps_and_actors_in_order():
    result = run_cli("sop", "show", "rka")
    assert result.code == 0
    actors = ["Camat", "Sekcam", "Tim", "Kasubag Evapor", "Staf", "Kasubag Evapor", "Tim"]
    actors += ["Sekcam", "Camat", "Kasubag Umum", "Kasubag Umum"]
    lines = result.out.splitlines()
    table = lines[next(i for i, line in enumerate(lines) if line.startswith("--  ")) + 1 :]
    numbered = [line for line in table if line[:2].strip().isdigit()]
    assert [line.split()[0] for line in numbered] == [str(n) for n in range(1, 12)]
    assert [line[4:20].strip() for line in numbered] == actors
    assert "Ya→7 / Tidak→5" in numbered[5] and "Ya→8 / Tidak→5" in numbered[6]
    assert run_cli("sop", "show", "Penyusunan RKA").out == result.out  # found by title too
    missing = run_cli("sop", "show", "laporan bulanann")
    assert missing.code == 2
    assert "no SOP 'laporan bulanann'; did you mean laporan-bulanan" in missing.err


def test_sop_check_accepts_a_good_file_and_lists_every_problem_of_a_bad_one(tmp_path):
    good = run_cli("sop", "check", ROOT / "sop_models" / "catalog" / "iku.yaml")
    assert good.code == 0 and "ok: iku" in good.out
    bad = tmp_path / "salah.yaml"
    text = (ROOT / "sop_models" / "catalog" / "iku.yaml").read_text()
    bad.write_text(text.replace("tidak: 4", "tidak: 7").replace("actor: Staf", "actor: Lurah", 1))
    result = run_cli("sop", "check", bad)
    assert result.code == 2
    assert "salah.yaml: step 5: [decision-tidak-back]" in result.err
    assert "'Lurah' is not declared" in result.err and "salah.yaml: 2 problems" in result.err


def test_sop_check_says_what_the_catalog_the_file_would_join_refuses(tmp_path):
    folder = tmp_path / "sop"
    folder.mkdir()
    text = (ROOT / "sop_models" / "catalog" / "iku.yaml").read_text()
    own = folder / "iku-kantor.yaml"  # an office's own copy, its code changed, not its title
    own.write_text(text.replace("code: iku", "code: iku-kantor"))
    config = tmp_path / "sopsync.toml"
    config.write_text(f'[sop]\nfolders = ["{folder}"]\n')
    result = run_cli("sop", "--config", config, "check", own)
    assert result.code == 2
    assert result.err.startswith(
        "iku-kantor.yaml: [unique-name] 'Penyusunan Indikator Kinerja Utama (IKU)' of SOP"
        " 'iku-kantor' reads the same as"
    )
    after = run_cli("sop", "check", "--config", config, own)  # after the action, as notify's
    assert (after.code, after.out, after.err) == (result.code, result.out, result.err)
    assert run_cli("sync", "--config", config, "--workbook", tmp_path / "k.xlsx").code == 2


def test_the_example_configurations_load():
    workbook = load_config(ROOT / "config" / "sopsync.toml")
    google = load_config(ROOT / "config" / "google.example.toml")
    assert workbook.backend == "xlsx" and workbook.xlsx.path.name == "sopsync.xlsx"
    assert google.backend == "google" and google.google.protection == "enforce"
    assert workbook.calendar.build().day_minutes == 450
    kabupaten = load_sheets(ROOT / "config" / "kabupaten.example.toml")
    assert [s.name for s in kabupaten] == [
        "Kecamatan Ayah",
        "Kecamatan Buayan",
        "Kecamatan Cilacap",
    ]
    assert [s.config.backend for s in kabupaten] == ["google", "google", "xlsx"]


def test_a_bad_configuration_value_names_the_key(tmp_path):
    config = tmp_path / "s.toml"
    config.write_text('[worker]\ninterval_seconds = "sering"\n[calendar]\ndue_soon_minutes = -5\n')
    result = run_cli("sync", "--config", config)
    assert result.code == 2
    assert f"{config}: [worker] interval_seconds: sering is not a number" in result.err
    assert f"{config}: [calendar] due_soon_minutes: must be more than 0 (got -5)" in result.err


def test_logs_are_json_when_configured(tmp_path):
    sheet = XlsxSheet(tmp_path, '[worker]\nlog_format = "json"\n')
    sheet.add_rows({"Prosedur": "rka", "Judul": "x"})
    result = sheet.sync("2026-11-30T08:00")
    events = [json.loads(line) for line in result.err.splitlines() if line.startswith("{")]
    cycle = next(e for e in events if e["event"] == "cycle")
    assert cycle["rows"] == 1 and cycle["written"] is True and cycle["level"] == "info"


@pytest.mark.parametrize(
    "now",
    [
        "2026-11-24T10:00",  # a Tuesday morning
        "2026-11-30T12:30",  # the lunch break
        "2026-12-05T22:00",  # a Saturday night
        "2026-12-07T07:31",  # a minute after Monday's opening
        "2026-12-25T12:00",  # Christmas
    ],
)
def test_the_demo_gives_a_new_user_a_synced_workbook_with_every_status(tmp_path, now):
    path = tmp_path / "demo.xlsx"
    result = run_cli("demo", path, "--now", now)
    assert result.code == 0, result.err
    book = load_workbook(path)
    rows = list(book[c.DOKUMEN].iter_rows(values_only=True))
    status = rows[0].index("Status")
    shown = {r[status] for r in rows[1:]}
    assert shown == {s.value for s in c.Status}
    assert book.sheetnames[:2] == [c.DOKUMEN, "Ringkasan"]
    assert {"SOP", c.RIWAYAT} <= set(book.sheetnames)
    assert "Needs attention" in result.out


# --- admin mistakes: one sentence, the documented exit code (DESIGN §5) ----------------------

USAGE, FAILED = 2, 1


CONFIG_MISTAKES = [
    (
        '[calender]\nzone = "Asia/Jakarta"\n',
        "[calender] is not a section; did you mean [calendar]?",
    ),
    ("[worker]\nintervl_seconds = 60\n", "[worker] intervl_seconds is not a setting; did you mean"),
    ('bakend = "xlsx"\n', "bakend is not a setting; did you mean backend?"),
    ("[worker]\nfoo = 1\n", "[worker] foo is not a setting; the settings are"),
    (
        '[calendar]\nextra_holidays = ["17-08-2026"]\n',
        "[calendar] extra_holidays: '17-08-2026' is not a date: write 2026-08-17",
    ),
    ('[worker]\nlog_format = "xml"\n', "[worker] log_format: xml is not allowed: write 'auto',"),
    ('[worker]\nretries = "dua"\n', "[worker] retries: dua is not a whole number"),
    ("[people]\nSekcam = 5\n", "[people] Sekcam: 5 is not text: put it in quotes"),
    ("worker = 5\n", "[worker]: must be a section of settings, not 5"),
    ("[worker\n", "not valid TOML"),
    (
        '[notices.emial]\nhost = "x"\n',
        "[notices.emial] is not a section; did you mean [notices.email]?",
    ),
    ('[notices.email]\nfrom_address = "a@b.id"\n', "[notices.email] host is required"),
    ('[notices.whatsapp]\nprovider = "sms"\n', "provider: sms is not allowed: write 'cloud' or"),
    (
        '[notices.whatsapp]\nurl = "https://api.fonnte.com/send"\n',
        "[notices.whatsapp] provider is required: write 'cloud' or 'gateway'",
    ),
    ("[notices]\nwhatsapp = 2\n", "[notices.whatsapp]: must be a section of settings, not 2"),
    ('[notices]\nmorning_at = "7.30"\n', "[notices] morning_at: 7.30 is not a time of day"),
    ("[notices]\nmorning_at = 7\n", "[notices] morning_at: 7 is not a time of day"),
    ('[notices]\nmorning_at = "07:30Z"\n', "morning_at: 07:30Z is not a time of day"),
    ("[notices]\ntimeout_seconds = 1e300\n", "timeout_seconds: must be at most 600 (got 1e+300)"),
    ("[worker]\ninterval_seconds = true\n", "[worker] interval_seconds: true is not a number"),
    ("[worker]\ninterval_seconds = nan\n", "[worker] interval_seconds: nan is not a number"),
    ("[worker]\ninterval_seconds = inf\n", "[worker] interval_seconds: inf is not a number"),
    ("[worker]\ninterval_seconds = 1e300\n", "interval_seconds: must be at most 604800"),
    ("[worker]\nretries = false\n", "[worker] retries: false is not a number"),
    (
        "[calendar]\nspans = { from = 2027-02-08 }\n",
        "[calendar.spans]: { from = 2027-02-08 } is one section: write [[calendar.spans]] above",
    ),
    ('[people]\nCamatt = "Drs. Ahmad Fauzi"\n', "[people] 'Camatt' is not a role of the SOP"),
]


@pytest.mark.parametrize(("text", "expected"), CONFIG_MISTAKES)
def test_a_configuration_mistake_is_named_where_the_admin_wrote_it(tmp_path, text, expected):
    config = tmp_path / "s.toml"
    config.write_text(text)
    result = run_cli("sync", "--config", config)
    assert result.code == USAGE
    assert said(result.err).startswith(f"sopsync: configuration error: {config}: ")
    assert expected in result.err


@pytest.mark.parametrize("command", ["sync", "run"])
def test_a_calendar_with_years_of_no_working_time_is_a_usage_error(tmp_path, command):
    sheet = XlsxSheet(tmp_path)
    sheet.config.write_text(
        f'[xlsx]\npath = "{sheet.path.name}"\n[calendar.ramadan]\nenabled = false\n'
        "[[calendar.spans]]\nfrom = 2026-11-01\nuntil = 2033-12-31\n"
        "[calendar.spans.periods]\nmonday = []\n"
    )
    now = ("--now", "2026-12-01T09:00") if command == "sync" else ()
    result = run_cli(command, "--config", sheet.config, *now)
    assert result.code == USAGE, result.err
    assert said(result.err).startswith(
        "sopsync: calendar error: the calendar has no working time from 2027 to 2031"
    )


def test_a_document_late_for_years_is_counted_not_a_failed_cycle(tmp_path):
    path = tmp_path / "demo.xlsx"
    assert run_cli("demo", path, "--now", "2026-12-01T09:00").code == 0
    result = run_cli("sync", "--workbook", path, "--now", "2034-06-01T10:00")
    assert result.code == 0, result.err
    rows = list(load_workbook(path)[c.DOKUMEN].iter_rows(values_only=True))
    pesan = rows[0].index("Pesan")
    assert any(str(r[pesan]).startswith("Terlambat 18") for r in rows[1:])  # ~1,850 hari


def test_a_configuration_saved_by_notepad_with_a_bom_is_read(tmp_path):
    config = tmp_path / "s.toml"
    config.write_bytes(b"\xef\xbb\xbf" + b'[xlsx]\npath = "kantor.xlsx"\n')
    result = run_cli("sync", "--config", config, "--now", "2026-12-01T09:00")
    assert result.code == 0, result.err
    assert (tmp_path / "kantor.xlsx").exists()


def google_config(tmp_path: Path, lines: str) -> Path:
    config = tmp_path / "g.toml"
    config.write_text(f'backend = "google"\n[google]\n{lines}\n')
    return config


@pytest.mark.parametrize("command", ["sync", "run", "init"])
def test_google_settings_that_cannot_work_are_usage_errors(tmp_path, command, monkeypatch):
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    (tmp_path / "bukan-kunci.json").write_text("{}")
    cases = [
        ('credentials = "k.json"', "no spreadsheet id: set [google] spreadsheet"),
        ('spreadsheet = "1abc"', "no service-account key: set [google] credentials"),
        ('spreadsheet = "1abc"\ncredentials = "k.json"', f"key {tmp_path / 'k.json'} not found"),
        (
            'spreadsheet = "1abc"\ncredentials = "bukan-kunci.json"',
            "bukan-kunci.json is not a service-account JSON key",
        ),
    ]
    for lines, expected in cases:
        result = run_cli(command, "--config", google_config(tmp_path, lines))
        assert result.code == USAGE, (lines, result.err)
        assert expected in said(result.err)


def test_a_key_named_by_the_environment_that_is_missing_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "hilang.json"))
    result = run_cli("sync", "--spreadsheet", "1abc")
    assert result.code == USAGE and "hilang.json not found" in said(result.err)


@pytest.mark.parametrize(
    ("argv", "code", "expected"),
    [
        (["sync", "--config", "{tmp}/tidak-ada.toml"], USAGE, "no such configuration file"),
        (["sop", "show", "xyzzy"], USAGE, "no SOP 'xyzzy'; `sopsync sop list` shows them all"),
        (["sop", "show", "rkaa"], USAGE, "no SOP 'rkaa'; did you mean rka"),
        (["sop", "check", "{tmp}/tidak-ada.yaml"], USAGE, "tidak-ada.yaml: no such file"),
        (["sop", "--config", "{tmp}/s.toml", "list"], USAGE, "SOP folder does not exist"),
        (["run", "--workbook", "{tmp}/k.xlsx", "--every", "0"], USAGE, "--every must be at least"),
        (["run", "--workbook", "{tmp}/k.xlsx", "--every", "nan"], USAGE, "at most 604800 (a week)"),
        (["run", "--workbook", "{tmp}/k.xlsx", "--every", "inf"], USAGE, "a week), not inf"),
        (["sync", "--workbook", "{tmp}/k.xlsx", "--now", "besok"], USAGE, "is not ISO 8601"),
        (["sync", "--workbook", "{tmp}/k.xlsx", "--now", "9999-12-31"], USAGE, "1970 to 2100"),
        (["demo", "{tmp}/d.xlsx", "--now", "0001-01-01"], USAGE, "the year must be 1970 to 2100"),
        (["demo", "{tmp}/demo.txt"], USAGE, "a workbook's name must end in .xlsx"),
        (["sync", "--workbook", "{tmp}/.xlsx"], USAGE, "give the workbook a name before .xlsx"),
        (["sync", "--sheet", "A"], USAGE, "name the configuration that lists [[sheets]] with"),
        (["sop", "check", "{tmp}"], USAGE, "is a folder: check one SOP file (.yaml)"),
        (["sync", "--workbook", "{tmp}/" + "a" * 300 + ".xlsx"], USAGE, "file name too long"),
        (["demo", "{tmp}/s.toml.xlsx"], USAGE, "exists; the demo makes a new workbook"),
    ],
)
def test_command_line_mistakes(tmp_path, argv, code, expected):
    (tmp_path / "s.toml").write_text('[sop]\nfolders = ["tidak-ada"]\n')
    (tmp_path / "s.toml.xlsx").write_bytes(b"")
    result = run_cli(*(a.format(tmp=tmp_path) for a in argv))
    assert result.code == code and expected in said(result.err)


COMMANDS = ("init", "sync", "run", "sop", "notify", "laporan", "status", "demo")


def test_help_and_a_mistyped_command_name_every_command():
    shown = run_cli("--help")
    assert shown.code == 0
    firsts = [line.split()[0] for line in shown.out.splitlines() if line.startswith("    ")]
    assert [word for word in firsts if word in COMMANDS] == list(COMMANDS)
    for argv in (["snyc"], ["-v", "snyc", "--now", "2026-11-30"]):
        mistyped = run_cli(*argv)
        assert mistyped.code == 2 and "invalid choice: 'snyc'" in mistyped.err
        assert all(f"'{command}'" in mistyped.err for command in COMMANDS)
    wrong = run_cli("-v", "sync", "--every", "60")  # an option of `run`, not of `sync`
    assert wrong.code == 2 and "unrecognized arguments: --every 60" in wrong.err
    assert "usage: sopsync sync" in run_cli("sync", "--help").out


def test_an_unexpected_error_is_one_sentence_and_its_traceback_goes_to_the_log(
    tmp_path, monkeypatch
):
    import syncer.cli

    def bug(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(syncer.cli, "run_cycle", bug)  # a bug somewhere in the cycle
    path = tmp_path / "kantor.xlsx"
    quiet = run_cli("sync", "--workbook", path)  # the log is JSON: stderr is not a terminal
    assert quiet.code == FAILED
    sentence = said(quiet.err)
    assert sentence.startswith("sopsync: unexpected error (ZeroDivisionError: division by zero)")
    logged = [json.loads(line) for line in quiet.err.splitlines() if line.startswith("{")]
    crash = next(e for e in logged if e["event"] == "command crashed")
    assert crash["level"] == "error" and "ZeroDivisionError" in crash["exception"]
    assert not list(tmp_path.glob(".*lock"))  # the lock was released all the same


def test_a_missing_workbook_is_a_failed_laporan_in_the_log_and_its_help_creates_none(tmp_path):
    missing = tmp_path / "kantor.xlsx"
    result = run_cli("laporan", "--workbook", missing, "--out", tmp_path / "m.pdf")
    assert (
        result.code == FAILED and said(result.err) == f"sopsync: workbook {missing} does not exist"
    )
    logged = [json.loads(line) for line in result.err.splitlines() if line.startswith("{")]
    assert [e["event"] for e in logged if e["level"] == "error"] == ["laporan failed"]
    assert not missing.exists()
    assert "created if missing" not in run_cli("laporan", "--help").out
    assert "created if missing" in run_cli("sync", "--help").out


def test_log_lines_carry_the_configured_zone(tmp_path):
    sheet = XlsxSheet(tmp_path, '[calendar]\nzone = "Asia/Makassar"\n')
    result = sheet.sync("2026-11-30T08:00")
    events = [json.loads(line) for line in result.err.splitlines() if line.startswith("{")]
    assert events and all(e["timestamp"].endswith("+08:00") for e in events)  # WITA
    assert datetime.fromisoformat(events[0]["timestamp"]).utcoffset() == timedelta(hours=8)


def test_output_read_only_in_part_ends_quietly(tmp_path):
    """`sopsync sop show rka | head -1`: the reader stops early; no error, no traceback."""
    command = [sys.executable, "-c", "from syncer.console import main; main()"]
    child = subprocess.Popen(
        [*command, "sop", "show", "rka"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    child.stdout.close()  # before the child prints: its first write finds no reader
    err = child.stderr.read().decode()
    assert child.wait(timeout=120) == 0
    assert err == ""


def test_a_damaged_state_file_puts_no_log_line_on_stdout(tmp_path):
    """stdout is the summary a cron job mails: what the worker notes while reading its
    configuration (here, a state file it cannot use) goes to stderr, like every log line."""
    assert run_cli("demo", tmp_path / "d.xlsx", "--now", "2026-12-01T09:00").code == 0
    (tmp_path / "s.toml").write_text('[xlsx]\npath = "d.xlsx"\n')
    (tmp_path / "sopsync-state.sqlite3").write_text("bukan basis data")
    command = [sys.executable, "-c", "from syncer.console import main; main()"]
    done = subprocess.run(
        [*command, "sync", "--config", "s.toml", "--now", "2026-12-01T10:00"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("sopsync · "), done.stdout
    assert "kept value" not in done.stdout


@pytest.mark.parametrize("command", ["sync", "init"])
def test_an_invalid_sop_file_in_the_offices_folder_is_a_usage_error(tmp_path, command):
    folder = tmp_path / "sop-kantor"
    folder.mkdir()
    (folder / "izin.yaml").write_text("code: izin\ntitle: Izin\nsteps: [\n")
    sheet = XlsxSheet(tmp_path, '[sop]\nfolders = ["sop-kantor"]\n')
    result = sheet.cli(command)
    assert result.code == USAGE, result.err
    assert "izin.yaml" in said(result.err) and "Traceback" not in result.err
