"""The Kinerja tab through `sync` on both backends (DESIGN §10): refreshed by the first cycle of
each working day and by no other; the other cycles neither read Riwayat nor touch the tab.

A week of cycles on a fake clock (`sync --now`), with staff moving documents every day and
the office's own day off in its Kalender. What shows that Riwayat was read: on Google the
emulator's request log (the read's ranges, the number of reads); on a workbook, which is
loaded whole anyway, the cycle's log says how many Riwayat entries it parsed.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from syncer import contract as c
from syncer.cli import make_rules, sync_once
from syncer.config import load_config
from syncer.contract import KINERJA
from syncer.monitoring.refresh_record import RefreshRecord
from tests.emulator import Emulator
from tests.sheets import OWNER, GoogleSheet, XlsxSheet

READS = "sheets.spreadsheets.values.batchGet"
MONDAY = date(2026, 11, 30)
WEEK = [MONDAY + timedelta(days=n) for n in range(8)]  # Monday to the next Monday
OFFICE_DAY_OFF = date(2026, 12, 2)  # a Wednesday, Libur in the office's Kalender
TIMES = (time(7, 0), time(9, 30), time(13, 0), time(16, 45))
LOGS_AS_JSON = '[worker]\nlog_format = "json"\n'


@pytest.fixture(scope="module")
def emulator():
    with Emulator() as emu:
        yield emu


def make_sheet(kind: str, request: pytest.FixtureRequest, folder: Path, config: str = ""):
    if kind == "xlsx":
        return XlsxSheet(folder, LOGS_AS_JSON + config)
    emu = request.getfixturevalue("emulator")
    emu.clear_faults()
    return GoogleSheet(emu, folder, LOGS_AS_JSON + config)


@pytest.fixture(params=["xlsx", "google"])
def office(request, tmp_path):
    sheet = make_sheet(request.param, request, tmp_path)
    _open_office(sheet)
    return sheet


def _open_office(sheet) -> None:
    """Six RKA documents at step 1, and the office's own day off in Kalender."""
    sheet.add_rows(*({"Prosedur": "rka", "Judul": f"RKA {n}"} for n in range(6)))
    sheet.add_rows(
        {"Tanggal": "02/12/2026", "Jenis": "Libur", "Keterangan": "HUT Kabupaten"},
        tab="Kalender",
    )


def sync(sheet, moment: datetime) -> dict:
    """One `sync --now`; the cycle's log event (what it read and wrote)."""
    result = sheet.sync(moment.isoformat(timespec="minutes"))
    assert result.code == 0, result.err
    events = [json.loads(line) for line in result.err.splitlines() if line.startswith("{")]
    return next(e for e in events if e["event"] == "cycle")


def riwayat_ranges(sheet) -> list[bool]:
    """For each read since the counters were reset: whether it asked for Riwayat whole."""
    reads = [r for r in sheet.emu.request_log if r.method_id == READS]
    return [f"'{c.RIWAYAT}'" in r.query["ranges"] for r in reads]


def updated(sheet) -> datetime:
    """The Kinerja tab's Diperbarui cell."""
    grid = sheet.grid(KINERJA)
    assert grid[1][0] == "Diperbarui"
    return grid[1][1]


def moves_counted(sheet) -> int:
    """The tab's total of steps moved out of (the Jumlah row of the SOP table)."""
    grid = sheet.grid(KINERJA)
    return next(row[2] for row in grid if row[:1] == ["Jumlah"])


def is_working(day: date) -> bool:
    return day.weekday() < 5 and day != OFFICE_DAY_OFF


def test_over_a_week_the_tab_is_refreshed_once_each_working_day_and_riwayat_read_only_then(
    office,
):
    google = office.kind == "google"
    refreshed: list[datetime] = []
    moves = 0
    grid_before: list[list[object]] | None = None
    for day in WEEK:
        for n, clock in enumerate(TIMES):
            now = datetime.combine(day, clock)
            if clock == time(9, 30):  # staff move every document on by one step
                for row in range(2, 8):
                    office.set(row, "Langkah", 2 + WEEK.index(day))
            if google:
                office.emu.reset_counters()
            event = sync(office, now)
            first_sync = not refreshed
            due = first_sync or (n == 0 and is_working(day))
            if due:
                refreshed.append(now)
            assert updated(office) == refreshed[-1], now
            grid = office.grid(KINERJA)
            if due:
                assert moves_counted(office) == moves, now  # every move before this cycle
            else:
                assert grid == grid_before, now  # the tab is not touched
            grid_before = grid
            if clock == time(9, 30):
                moves += 6
            # Riwayat is read by the refreshing cycles only (empty on the very first one).
            assert (event["riwayat_read"] is not None) == (due and not first_sync), now
            if google:
                assert riwayat_ranges(office) == [due and not first_sync], now  # one read
    working = [d for d in WEEK if is_working(d)]
    assert [m.date() for m in refreshed] == working
    assert all(m.time() == time(7, 0) for m in refreshed)
    assert (office.config.parent / "sopsync-state.sqlite3").exists()  # beside the config


@pytest.mark.parametrize("kind", ["xlsx", "google"])
def test_without_a_usable_local_record_riwayat_is_read_once_a_working_day(kind, request, tmp_path):
    """The state file's folder does not exist: each `sync` learns from the sheet alone. The
    day's first cycle reads again to refresh; the others still read Riwayat never."""
    gone = tmp_path / "no-such-folder" / "state.sqlite3"
    sheet = make_sheet(kind, request, tmp_path, f'state_file = "{gone}"\n')
    _open_office(sheet)
    for day in WEEK[:2]:
        for n, clock in enumerate(TIMES):
            if kind == "google":
                sheet.emu.reset_counters()
            event = sync(sheet, datetime.combine(day, clock))
            again = day == WEEK[1] and n == 0  # Tuesday's first cycle: due, not known
            assert (event["riwayat_read"] is not None) == again
            assert updated(sheet).date() == day and updated(sheet).time() == time(7, 0)
            if kind == "google":
                assert riwayat_ranges(sheet) == ([False, True] if again else [False])
    assert not gone.parent.exists()


def test_run_keeps_the_moment_in_memory_when_it_cannot_keep_it_on_disk(emulator, tmp_path):
    """`run` passes one record to every cycle: Tuesday's first cycle reads Riwayat at once."""
    gone = tmp_path / "no-such-folder" / "state.sqlite3"
    sheet = GoogleSheet(emulator, tmp_path, f'[worker]\nstate_file = "{gone}"\n')
    _open_office(sheet)
    config = load_config(sheet.config)
    rules = make_rules(config)
    record = RefreshRecord(config.worker.state_file)
    zone = rules.calendar.zone
    for day in WEEK[:2]:
        for clock in TIMES:
            emulator.reset_counters()
            now = datetime.combine(day, clock, zone)
            report = sync_once(config, rules, now, record=record)
            refreshing = day == WEEK[1] and clock == TIMES[0]
            assert riwayat_ranges(sheet) == [refreshing]
            assert (report.history_read is not None) == refreshing
    # Next due on Thursday: Wednesday is the office's day off, which the record knows.
    assert record.due(sheet.id) == datetime.combine(WEEK[3], time(), zone)


@pytest.mark.parametrize("kind", ["xlsx", "google"])
def test_an_emptied_tab_is_filled_again_by_the_next_cycle(kind, request, tmp_path):
    sheet = make_sheet(kind, request, tmp_path)
    _open_office(sheet)
    sync(sheet, datetime(2026, 11, 30, 7, 0))
    sheet.set(2, "Langkah", 2)
    sync(sheet, datetime(2026, 11, 30, 9, 0))
    _empty(sheet, KINERJA)
    event = sync(sheet, datetime(2026, 11, 30, 9, 5))
    assert event["riwayat_read"] == 7  # six starts and a move
    assert updated(sheet) == datetime(2026, 11, 30, 9, 5)
    assert moves_counted(sheet) == 1


def _empty(sheet, title: str) -> None:
    """An admin clears every cell of a worker tab (on Google, staff may not: it is protected)."""
    if sheet.kind == "xlsx":
        book = load_workbook(sheet.path)
        book[title].delete_rows(1, book[title].max_row)
        book.save(sheet.path)
    else:
        tab = sheet.book.sheet(title)
        tab.delete_rows(0, len(tab.rows), by=OWNER)


def test_a_damaged_local_record_is_a_warning_not_a_failure(tmp_path):
    sheet = XlsxSheet(tmp_path, LOGS_AS_JSON)
    _open_office(sheet)
    (tmp_path / "sopsync-state.sqlite3").write_text("bukan basis data")
    result = sheet.sync("2026-11-30T07:00")
    assert result.code == 0
    events = [json.loads(line) for line in result.err.splitlines() if line.startswith("{")]
    warned = [e for e in events if e["event"] == "local record of the Kinerja refresh unusable"]
    assert len(warned) == 1 and warned[0]["level"] == "warning"
    assert updated(sheet) == datetime(2026, 11, 30, 7, 0)
