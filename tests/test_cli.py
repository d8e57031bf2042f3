"""The command line as admins meet it: sop list/show/check, configuration, logs, the demo."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook

from syncer import contract as c
from syncer.config import load_config
from tests.sheets import XlsxSheet, run_cli
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
    assert missing.code == 1 and "laporan-bulanan" in missing.err


def test_sop_check_accepts_a_good_file_and_lists_every_problem_of_a_bad_one(tmp_path):
    good = run_cli("sop", "check", ROOT / "sop_models" / "catalog" / "iku.yaml")
    assert good.code == 0 and "ok: iku" in good.out
    bad = tmp_path / "salah.yaml"
    text = (ROOT / "sop_models" / "catalog" / "iku.yaml").read_text()
    bad.write_text(text.replace("tidak: 4", "tidak: 7").replace("actor: Staf", "actor: Lurah", 1))
    result = run_cli("sop", "check", bad)
    assert result.code == 1
    assert "salah.yaml: step 5: [decision-tidak-back]" in result.err
    assert "'Lurah' is not declared" in result.err and "2 problem(s)" in result.err


def test_the_example_configurations_load():
    workbook = load_config(ROOT / "config" / "sopsync.toml")
    google = load_config(ROOT / "config" / "google.example.toml")
    assert workbook.backend == "xlsx" and workbook.xlsx.path.name == "sopsync.xlsx"
    assert google.backend == "google" and google.google.protection == "enforce"
    assert workbook.calendar.build().day_minutes == 450


def test_a_bad_configuration_value_names_the_key(tmp_path):
    config = tmp_path / "s.toml"
    config.write_text('[worker]\ninterval_seconds = "sering"\n[calendar]\ndue_soon_minutes = -5\n')
    result = run_cli("sync", "--config", config)
    assert result.code == 2
    assert "worker.interval_seconds" in result.err and "calendar.due_soon_minutes" in result.err


def test_logs_are_json_when_configured(tmp_path):
    sheet = XlsxSheet(tmp_path, '[worker]\nlog_format = "json"\n')
    sheet.add_rows({"Prosedur": "rka", "Judul": "x"})
    result = sheet.sync("2026-11-30T08:00")
    events = [json.loads(line) for line in result.err.splitlines() if line.startswith("{")]
    cycle = next(e for e in events if e["event"] == "cycle")
    assert cycle["rows"] == 1 and cycle["written"] is True and cycle["level"] == "info"


def test_the_demo_gives_a_new_user_a_synced_workbook_with_every_status(tmp_path):
    path = tmp_path / "demo.xlsx"
    result = run_cli("demo", path, "--now", "2026-11-24T10:00")
    assert result.code == 0, result.err
    book = load_workbook(path)
    rows = list(book[c.DOKUMEN].iter_rows(values_only=True))
    status = rows[0].index("Status")
    shown = {r[status] for r in rows[1:]}
    assert {"Berjalan", "Terlambat", "Tidak valid", "Selesai"} <= shown
    assert {"Ringkasan", "SOP", c.RIWAYAT} <= set(book.sheetnames)
    assert "Needs attention" in result.out
