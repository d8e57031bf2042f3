"""The coming days off in the SOP tab (DESIGN §3) through the CLI, on both backends.

The block lists the next ten non-working days the worker counts, from the cycle's day:
national holidays and cuti bersama by their Indonesian names (``holidays``, ``ID``) and the
office's own Libur from the Kalender tab. By hand: 24 December 2026 cuti bersama Natal
(Thursday), 25 December Natal, 1 January 2027 Tahun Baru Masehi, 5 January Isra Mikraj,
5 February cuti bersama Imlek (6 February, Imlek itself, is a Saturday: not listed).

It sits under the header on a fixed number of rows, so the steps below never move: a day
passing rewrites the block, and the Langkah dropdowns, which point at the steps, are left
as they are (on Google, pointing 20,000 of them anew would be a large write).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

from sop_models import load_catalog
from syncer import contract as c
from syncer import views
from syncer.calendar import WorkingCalendar
from syncer.kalender import KALENDER
from tests.test_contract import synced

TITLE = "Hari libur berikutnya (tidak dihitung dalam tenggat)"
LAST_NOTE = "Libur kantor dicatat di tab Kalender."
VERSIONS = "Versi SOP: dokumen berjalan tetap pada versi saat dimulai"


def sop_tab(sheet) -> list[list[object]]:
    return [list(r) + [None] * (11 - len(r)) for r in sheet.grid("SOP")]


def days_off(sheet) -> list[tuple[object, ...]]:
    """The block's days: (Hari, Tanggal, Jenis, Keterangan)."""
    grid = sop_tab(sheet)
    top = next(i for i, r in enumerate(grid) if r[0] == TITLE)
    assert grid[top + 1][:4] == ["Hari", "Tanggal", "Keterangan", "Jenis"]
    rows = grid[top + 2 : top + 12]
    return [(r[0], r[1], r[3], r[2]) for r in rows if any(r)]


def steps(sheet) -> list[list[object]]:
    """The SOP tab below the block: every SOP's steps, on the rows the dropdowns point at
    (the SOP versions a cycle lists under them left out)."""
    grid = sop_tab(sheet)
    end = next(i for i, r in enumerate(grid) if r[2] == LAST_NOTE)
    below = next((i for i, r in enumerate(grid) if r[0] == VERSIONS), len(grid))
    found = grid[end + 1 : below]
    while found and not any(found[-1]):
        found.pop()
    return found


def cycle_log(result) -> dict:
    events = [json.loads(line) for line in result.err.splitlines() if line.startswith("{")]
    return next(e for e in events if e["event"] == "cycle")


def test_the_steps_keep_their_rows_whatever_the_block_lists():
    catalog = load_catalog()
    coming = WorkingCalendar().days_off(date(2026, 12, 1), 10)
    grids = [views.sop_grid(catalog, listed) for listed in (None, (), coming[:1], coming)]
    below = 3 + views.DAYS_OFF_ROWS  # the title, the header, a blank row, the block
    assert grids[3][below - 1] == [views.Styled(""), views.Styled(""), views.Styled(LAST_NOTE)]
    assert all(grid[below:] == grids[0][below:] for grid in grids)
    first_step = min(start for start, _ in views.sop_choices(catalog).values())
    assert first_step == below + 2  # a blank row and the first SOP's title


def test_the_sop_tab_lists_the_coming_days_off_with_their_names(sheet):
    assert sheet.cli("init").code == 0
    before = steps(sheet)
    sheet.add_rows(
        {"Tanggal": "24/12/2026", "Jenis": "Masuk", "Keterangan": "Cuti bersama dibatalkan"},
        {"Tanggal": "30/12/2026", "Jenis": "Libur", "Keterangan": "HUT Kabupaten ke-80"},
        tab=KALENDER,
    )
    synced(sheet, "2026-12-20T09:00")
    listed = days_off(sheet)
    assert listed[:4] == [
        ("Jumat", "25 Desember 2026", "Libur nasional", "Hari Raya Natal"),
        ("Rabu", "30 Desember 2026", "Libur kantor", "HUT Kabupaten ke-80"),
        ("Jumat", "1 Januari 2027", "Libur nasional", "Tahun Baru Masehi"),
        ("Selasa", "5 Januari 2027", "Libur nasional", "Isra Mikraj Nabi Muhammad"),
    ]  # 24 December works (Masuk); weekends are not listed
    imlek = ("Jumat", "5 Februari 2027", "Cuti bersama", "Cuti Bersama Tahun Baru Imlek")
    assert listed[4] == imlek
    assert len(listed) == 10
    assert steps(sheet) == before  # the steps kept their rows


def test_the_block_changes_only_when_a_listed_day_passes_or_the_kalender_does(sheet):
    sheet.add_rows({"Prosedur": "rka", "Judul": "RKA"})
    synced(sheet, "2026-11-30T08:00")
    assert days_off(sheet)[0][:2] == ("Kamis", "24 Desember 2026")
    quiet = synced(sheet, "2026-12-01T08:00")  # a day passes, no day off with it
    assert "SOP" not in cycle_log(quiet)["tabs"]

    sheet.add_rows({"Tanggal": "02/12/2026", "Jenis": "Libur"}, tab=KALENDER)  # no Keterangan
    result = synced(sheet, "2026-12-01T09:00")
    assert days_off(sheet)[0] == ("Rabu", "2 Desember 2026", "Libur kantor", "Libur kantor")
    assert (cycle_log(result)["tabs"], cycle_log(result)["dropdowns"]) == (["SOP"], 0)


def dropdown(sheet, judul: str) -> dict | None:
    """The Langkah dropdown of a document's row (Google only: a workbook has one per column)."""
    row = next(i for i, r in enumerate(sheet.table(), start=1) if r["Judul"] == judul)
    return sheet.book.sheet(c.DOKUMEN).data_validation(row, sheet.headers().index(c.LANGKAH))


def drop_dropdown(sheet, judul: str) -> None:
    """Staff paste a plain cell over one Langkah cell: its dropdown is gone."""
    row = next(i for i, r in enumerate(sheet.table(), start=1) if r["Judul"] == judul)
    col = sheet.headers().index(c.LANGKAH)
    dokumen = sheet.book.sheet(c.DOKUMEN)
    with sheet.book.lock():
        cell = dokumen.cell(row, col)
        dokumen.put_cell(row, col, dataclasses.replace(cell, data_validation=None))


def test_a_day_passing_rewrites_the_block_but_points_no_dropdown_anew(sheet, tmp_path):
    sheet.add_rows({"Prosedur": "rka", "Judul": "RKA"}, {"Prosedur": "iku", "Judul": "IKU"})
    first = synced(sheet, "2026-12-23T10:00")
    assert cycle_log(first)["dropdowns"] == 2  # the new documents' own steps
    assert days_off(sheet)[0][:2] == ("Kamis", "24 Desember 2026")
    below = steps(sheet)
    if sheet.kind == "google":  # a cycle that pointed the dropdowns anew would restore it
        drop_dropdown(sheet, "IKU")

    result = synced(sheet, "2026-12-28T08:00")  # 24 and 25 December have passed
    assert days_off(sheet)[0][:2] == ("Jumat", "1 Januari 2027")
    assert "SOP" in cycle_log(result)["tabs"] and cycle_log(result)["dropdowns"] == 0
    assert steps(sheet) == below
    if sheet.kind == "google":
        assert dropdown(sheet, "IKU") is None and dropdown(sheet, "RKA") is not None

    # The office's IKU gets a tenth step: the later SOPs' steps move, every dropdown follows.
    folder = tmp_path / "sop-kantor"
    folder.mkdir()
    iku = (Path(__file__).parents[1] / "sop_models" / "catalog" / "iku.yaml").read_text()
    tenth = "\n  - number: 10\n    activity: Mengarsipkan IKU\n    actor: Kasubag Umum\n"
    (folder / "iku.yaml").write_text(iku.rstrip("\n") + tenth + "    waktu: 15 menit\n")
    sheet.config.write_text(sheet.config.read_text() + f'\n[sop]\nfolders = ["{folder}"]\n')
    moved = synced(sheet, "2026-12-28T08:05")
    assert cycle_log(moved)["dropdowns"] == 2
    if sheet.kind == "google":
        assert dropdown(sheet, "IKU") is not None
