"""One worker for many offices (DESIGN §11): `sync` and `status` over `[[sheets]]`, and `run`
serving thirty emulated spreadsheets inside one Google quota over a simulated hour."""

from __future__ import annotations

import bisect
import gc
import json
import sqlite3
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from syncer import contract as c
from syncer import layout
from syncer.cli import serve
from syncer.pacing import Quotas
from syncer.service import Shared, Transports
from syncer.sheets import load_sheets
from tests.emulator import Emulator, RequestRecord
from tests.emulator.quota import kind_of
from tests.emulator.testing import running
from tests.fake_clock import FakeClock
from tests.sheets import GoogleSheet, XlsxSheet, run_cli

MON = "2026-11-30T08:00"


class Kabupaten:
    """Two kecamatan on workbooks and one on a Google Sheet, in one configuration file."""

    def __init__(self, emulator: Emulator, folder: Path, extra: str = ""):
        self.ayah = XlsxSheet(_made(folder / "ayah"))
        self.buayan = XlsxSheet(_made(folder / "buayan"))
        self.cilacap = GoogleSheet(emulator, _made(folder / "cilacap"))
        self.config = folder / "kabupaten.toml"
        self.config.write_text(
            f"[google]\ncredentials = {json.dumps(str(self.cilacap.key))}\n"
            f"endpoint = {json.dumps(emulator.base_url)}\n"
            "requests_per_minute = 1000000\nproject_requests_per_minute = 1000000\n"
            f"[worker]\nretries = 0\n{extra}"
            f'[[sheets]]\nname = "Ayah"\nworkbook = "ayah/kantor.xlsx"\n'
            f'[[sheets]]\nname = "Buayan"\nworkbook = "buayan/kantor.xlsx"\n'
            f'[[sheets]]\nname = "Cilacap"\nspreadsheet = "{self.cilacap.id}"\n'
        )
        for n, office in enumerate(self.offices):
            office.add_rows(*({"Prosedur": "rka", "Judul": f"RKA {i}"} for i in range(n + 1)))

    @property
    def offices(self) -> list[XlsxSheet | GoogleSheet]:
        return [self.ayah, self.buayan, self.cilacap]

    def cli(self, command: str, *extra: str):
        return run_cli(command, "--config", self.config, *extra)


def _made(folder: Path) -> Path:
    folder.mkdir()
    return folder


def said(err: str) -> list[str]:
    """The sentences on stderr besides log lines, each one line, no traceback."""
    lines = [line for line in err.splitlines() if not line.startswith("{")]
    assert all(line.startswith("sopsync: ") for line in lines) and "Traceback" not in err, err
    return lines


@pytest.fixture
def kabupaten(emulator, tmp_path) -> Kabupaten:
    emulator.clear_faults()
    return Kabupaten(emulator, tmp_path)


def test_sync_runs_one_cycle_of_every_sheet_and_status_prints_each(kabupaten):
    result = kabupaten.cli("sync", "--now", MON)
    assert result.code == 0, result.err
    heads = [line for line in result.out.splitlines() if line.startswith("sopsync · ")]
    assert [h.split(" · ")[1] for h in heads] == ["Ayah", "Buayan", "Cilacap"]
    assert result.out.rstrip().endswith("3 sheets: 3 done")
    assert [len(office.table()) for office in kabupaten.offices] == [1, 2, 3]
    assert all(r["Status"] == "Berjalan" for o in kabupaten.offices for r in o.table())

    status = kabupaten.cli("status")
    assert status.code == 0
    blocks = status.out.strip().split("\n\n")
    assert [b.splitlines()[0] for b in blocks] == [
        f"Ayah · {kabupaten.ayah.path}",
        f"Buayan · {kabupaten.buayan.path}",
        f"Cilacap · {kabupaten.cilacap.id}",
    ]
    assert blocks[2].splitlines()[1:] == [
        "  last cycle 2026-11-30 08:00 WIB: done (written)",
        "  3 documents: Berjalan 3 · Hampir tenggat 0 · Terlambat 0 · Tidak valid 0 · Selesai 0",
    ]


def test_status_names_a_record_damaged_by_hand_in_one_sentence(kabupaten):
    assert kabupaten.cli("sync", "--now", MON).code == 0
    state = kabupaten.config.parent / "sopsync-state.sqlite3"
    with sqlite3.connect(state) as db:
        db.execute("UPDATE last_cycle SET found = '{not json' WHERE sheet = 'Buayan'")
    status = kabupaten.cli("status")
    assert status.code == 1
    (line,) = said(status.err)
    assert line.startswith(
        f"sopsync: {state} cannot be read: the record of Buayan is damaged (Expecting"
    )


def test_a_sheet_that_fails_is_named_the_others_are_synced_and_the_worst_code_wins(kabupaten):
    assert kabupaten.cli("sync", "--now", MON).code == 0
    kabupaten.buayan.path.write_text("not a workbook")  # 1: cannot be read
    kabupaten.ayah.set(2, "Langkah", 2)
    (kabupaten.ayah.path.parent / "~$kantor.xlsx").write_text("")  # 75: open in Excel
    kabupaten.cilacap.set(2, "Langkah", 2)
    kabupaten.cilacap.set(3, "Langkah", "lompat")  # staff's business: not a failure

    result = kabupaten.cli("sync", "--now", "2026-11-30T09:00")
    assert result.code == 1  # the worst: could not be read (1) over busy (75)
    sentences = said(result.err)
    assert sentences[0].startswith("sopsync: Ayah: ") and "try again later" in sentences[0]
    assert sentences[1] == f"sopsync: Buayan: {kabupaten.buayan.path} is not an Excel workbook"
    assert len(sentences) == 2
    assert result.out.rstrip().endswith("3 sheets: 1 done; not done: Ayah, Buayan")
    moves = kabupaten.cilacap.table("Riwayat")
    assert [r["Ke"] for r in moves if not r["Keterangan"].startswith("ditolak")] == [1, 1, 1, 2]

    blocks = kabupaten.cli("status").out.strip().split("\n\n")
    ayah, buayan, cilacap = (block.splitlines() for block in blocks)
    assert ayah[1].startswith("  last cycle 2026-11-30 09:00 WIB: busy: ")
    assert ayah[2:4] == [
        "  last completed 2026-11-30 08:00 WIB:",
        "  1 document: Berjalan 1 · Hampir tenggat 0 · Terlambat 0 · Tidak valid 0 · Selesai 0",
    ]
    assert buayan[1] == (
        f"  last cycle 2026-11-30 09:00 WIB: failed: {kabupaten.buayan.path} is not an Excel"
        " workbook"
    )
    assert cilacap[2].startswith("  3 documents: Berjalan 2 · Hampir tenggat 0 · Terlambat 0")
    assert cilacap[3].startswith("  invalid (1): RKA-")

    kabupaten.buayan.path.unlink()  # the admin removes the broken file: made anew
    assert kabupaten.cli("sync", "--now", "2026-11-30T09:05").code == 75
    again = kabupaten.cli("status").out
    assert "failed" not in again and "busy, 2 in a row: " in again


def test_a_workbook_still_being_written_keeps_no_other_sheet_waiting(kabupaten):
    """DESIGN §11: one sheet's failure never delays the others. Alone, a sync waits for a file
    another program is still writing (1 s, 2 s, 4 s …: tests/test_workbook_file.py); of many
    sheets, it is tried again later instead: the others are served at once."""
    config = kabupaten.config.read_text().replace("retries = 0\n", "retries = 3\n")
    kabupaten.config.write_text(config)
    assert kabupaten.cli("sync", "--now", MON).code == 0
    whole = kabupaten.ayah.path.read_bytes()
    kabupaten.ayah.path.write_bytes(whole[: len(whole) // 2])  # Excel half way through saving
    kabupaten.buayan.set(2, "Langkah", 2)

    result = kabupaten.cli("sync", "--now", "2026-11-30T09:00")
    assert result.code == 75
    (sentence,) = said(result.err)
    assert sentence.startswith("sopsync: Ayah: ") and "does not read whole" in sentence
    events = [json.loads(line)["event"] for line in result.err.splitlines() if line[:1] == "{"]
    assert "reading the sheet again" not in events  # no pause: nobody was kept waiting
    assert kabupaten.buayan.table()[0]["Pelaksana"] == "Sekcam"  # rka step 2: synced
    assert [r["Ke"] for r in kabupaten.buayan.table("Riwayat")][-1] == 2


def test_a_failing_google_sheet_is_one_sentence_and_failures_in_a_row_are_counted(kabupaten):
    kabupaten.cilacap.emu.inject_faults("500", count=4, spreadsheets=[kabupaten.cilacap.id])
    for _ in range(2):
        result = kabupaten.cli("sync", "--now", MON)
        assert result.code == 1
        assert said(result.err) == [
            "sopsync: Cilacap: reading the sheet failed: HTTP 500: Internal error encountered."
        ]
    cilacap = kabupaten.cli("status").out.strip().split("\n\n")[2].splitlines()
    assert cilacap[1:] == [
        "  last cycle 2026-11-30 08:00 WIB: failed, 2 in a row: reading the sheet"
        " failed: HTTP 500: Internal error encountered.",
        "  no cycle completed yet",
    ]


def test_sheet_chooses_one_sheet_and_an_unknown_name_is_refused_with_the_closest(kabupaten):
    one = kabupaten.cli("sync", "--now", MON, "--sheet", "cilacap")
    assert one.code == 0 and "sheets:" not in one.out
    assert [r["Status"] for r in kabupaten.cilacap.table()] == ["Berjalan"] * 3
    assert [r["Status"] for r in kabupaten.ayah.table()] == [None]  # not synced
    wrong = kabupaten.cli("sync", "--now", MON, "--sheet", "Cilacab")
    assert wrong.code == 2
    assert said(wrong.err) == [
        f'sopsync: --sheet "Cilacab" is not a sheet of {kabupaten.config}; did you mean "Cilacap"?'
    ]
    report = kabupaten.cli("laporan", "--out", kabupaten.config.with_name("lap.xlsx"))
    assert report.code == 2
    assert said(report.err) == [
        'sopsync: this command is for one sheet: add --sheet "Ayah", "Buayan" or "Cilacap"'
    ]
    overridden = kabupaten.cli("sync", "--workbook", "lain.xlsx")
    assert overridden.code == 2 and "choose one with --sheet NAME" in overridden.err
    status = kabupaten.cli("status").out
    assert "Ayah · " in status and "no cycle recorded yet" in status


def test_a_run_holds_every_sheets_lock_until_it_stops(kabupaten):
    clock, stop, meanwhile = FakeClock(), threading.Event(), []

    def cron_between_cycles(seconds: float) -> bool:
        cron = [sys.executable, "-m", "syncer.cli", "sync", "--config", str(kabupaten.config)]
        done = subprocess.run([*cron, "--sheet", "buayan"], capture_output=True, timeout=120)
        meanwhile.append(done.returncode)
        stop.set()
        return clock.wait(seconds)

    sheets = load_sheets(kabupaten.config)
    with capture_logs():
        serve(sheets, Shared(), lambda zone: MONDAY, stop, clock, cron_between_cycles)
    assert meanwhile == [75]  # another worker serves it: busy
    assert kabupaten.cli("sync", "--sheet", "buayan", "--now", MON).code == 0  # let go


def test_a_mistake_in_one_sheets_settings_stops_that_sheet_alone(kabupaten):
    """DESIGN §11: one sheet's failure never stops the others, its settings' mistakes too."""
    text = kabupaten.config.read_text()
    mistake = '[sheets.calendar]\nzone = "Asia/Jakrta"\n'
    kabupaten.config.write_text(
        text.replace('[[sheets]]\nname = "Cilacap"', mistake + '[[sheets]]\nname = "Cilacap"')
    )
    result = kabupaten.cli("sync", "--now", MON)
    assert result.code == 2
    assert said(result.err) == [
        f'sopsync: Buayan: configuration error: {kabupaten.config}: [[sheets]] "Buayan":'
        " [calendar] zone: 'Asia/Jakrta' is not a known IANA time zone; use e.g."
        " 'Asia/Jakarta' (WIB), 'Asia/Makassar' (WITA) or 'Asia/Jayapura' (WIT)"
    ]
    assert [len(office.table()) for office in kabupaten.offices] == [1, 2, 3]
    assert kabupaten.buayan.table()[0].get("Status") in (None, "")  # never synced
    assert kabupaten.ayah.table()[0]["Status"] == "Berjalan"
    assert kabupaten.cli("sync", "--sheet", "Ayah", "--now", MON).code == 0
    alone = kabupaten.cli("sync", "--sheet", "Buayan", "--now", MON)
    assert alone.code == 2 and '[[sheets]] "Buayan": [calendar] zone' in alone.err
    status = kabupaten.cli("status").out.split("\n\n")
    assert status[1] == (
        f'Buayan\n  not served: configuration error: {kabupaten.config}: [[sheets]] "Buayan":'
        " [calendar] zone: 'Asia/Jakrta' is not a known IANA time zone; use e.g."
        " 'Asia/Jakarta' (WIB), 'Asia/Makassar' (WITA) or 'Asia/Jayapura' (WIT)"
    )

    clock, stop = FakeClock(), threading.Event()

    def one_round(seconds: float) -> bool:
        stop.set()
        return clock.wait(seconds)

    with capture_logs() as logs:
        code = serve(
            load_sheets(kabupaten.config), Shared(), lambda zone: MONDAY, stop, clock, one_round
        )
    served = [e for e in logs if e["event"] in ("cycle done", "cycle failed")]
    assert code == 0 and [e["event"] for e in served].count("cycle failed") == 1
    assert [e["event"] for e in served].count("cycle done") == 2


def test_status_without_a_configuration_prints_what_a_sync_without_one_recorded(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # an admin trying the worker in a folder, no sopsync.toml
    before = run_cli("status")
    assert before.code == 0, before.err
    assert before.out.splitlines() == ["sopsync.xlsx", "  no cycle recorded yet"]
    assert run_cli("sync", "--now", MON).code == 0  # makes ./sopsync.xlsx, as init would
    office = XlsxSheet(tmp_path)  # staff's edits, with openpyxl, in the workbook sync made
    office.path = tmp_path / "sopsync.xlsx"
    office.add_rows(*({"Prosedur": "rka", "Judul": f"RKA {i}"} for i in range(2)))
    assert run_cli("sync", "--now", "2026-11-30T09:00").code == 0
    status = run_cli("status")
    assert status.code == 0, status.err
    assert status.out.splitlines() == [
        str(tmp_path / "sopsync.xlsx"),
        "  last cycle 2026-11-30 09:00 WIB: done (written)",
        "  2 documents: Berjalan 2 · Hampir tenggat 0 · Terlambat 0 · Tidak valid 0 · Selesai 0",
    ]
    assert (tmp_path / "sopsync-state.sqlite3").is_file()


# --- `run`: thirty spreadsheets, one service account, one simulated hour ------------------------

OFFICES = 30
HOUR = 3600.0
INTERVAL = 240.0
PER_USER, PER_PROJECT = 6, 30
"""Google's quotas (60 and 300 a minute) scaled down tenfold, with the intervals scaled up:
the same hour at a tenth of the requests, so the test lasts seconds. Thirty sheets every
4 minutes ask 7.5 reads a minute: more than the quota gives, as thirty sheets every 24 s
would at Google's."""
SHARE = OFFICES * 60 / PER_USER
"""A sheet's share of the quota: the time its service account needs for one read of every
sheet it reaches (a cycle is one read)."""
LIMITS = {
    ("read", "user"): PER_USER,
    ("write", "user"): PER_USER,
    ("read", "project"): PER_PROJECT,
    ("write", "project"): PER_PROJECT,
}
READS = "sheets.spreadsheets.values.batchGet"
MONDAY = datetime.fromisoformat("2026-11-30T08:00+07:00")
TAB_TITLES = [tab.title for tab in layout.TABS]


def type_into(emu: Emulator, sid: str, row: int, values: dict[str, object]) -> None:
    """Staff type into a Dokumen row (2 = the first document), in the browser."""
    dokumen = emu.spreadsheet(sid).sheet(c.DOKUMEN)
    headers = [cell.python_value() if cell else None for cell in dokumen.rows[0]]
    for name, value in values.items():
        dokumen.set_value(row - 1, headers.index(name), value)


def busiest_minute(times: list[float]) -> int:
    times = sorted(times)
    return max((bisect.bisect_left(times, t + 60) - i for i, t in enumerate(times)), default=0)


def spreadsheet_of(record: RequestRecord) -> str:
    return record.path.split("/spreadsheets/")[1].split("/")[0].split(":")[0]


class Hour(FakeClock):
    """The simulated hour: time passes only when the worker waits (its loop, its pacer). As
    it passes, staff of every kecamatan move their first document on every ten minutes; at
    the end of the hour the worker is stopped."""

    start = 60.0
    """The admin prepares the sheets at 0; the hour starts a minute later."""

    def __init__(self, stop: threading.Event):
        super().__init__()
        self.stop = stop
        self.staff: Callable[[int], object] = lambda step: None
        self.moves = [1]

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds)
        while 600 * len(self.moves) <= min(self.now - self.start, HOUR - 600):
            self.moves.append(self.moves[-1] + 1)
            self.staff(self.moves[-1])
        if self.now - self.start >= HOUR:
            self.stop.set()


def test_one_run_serves_thirty_spreadsheets_inside_one_quota_for_an_hour(tmp_path):
    stop = threading.Event()
    clock = Hour(stop)
    with running(
        enforce_quota=True, clock=clock, quota_limits=LIMITS, check_responses=False
    ) as emu:
        emu.auth.clock = time.time  # its tokens live in real time: the key's JWTs carry it
        key = emu.make_service_account_key(tmp_path)
        email = json.loads(key.read_text())["client_email"]
        first = emu.create_spreadsheet("Kecamatan 00", shared_with=[email], sheets=[])
        for tab in TAB_TITLES:  # small offices: tabs of 60 rows
            emu.spreadsheet(first).add_sheet({"title": tab, "gridProperties": {"rowCount": 60}})
        config = tmp_path / "kabupaten.toml"
        settings = (
            f"[google]\ncredentials = {json.dumps(str(key))}\n"
            f"endpoint = {json.dumps(emu.base_url)}\n"
            f"requests_per_minute = {PER_USER}\nproject_requests_per_minute = {PER_PROJECT}\n"
            f"[worker]\ninterval_seconds = {INTERVAL}\n"
        )
        config.write_text(f'{settings}[[sheets]]\nname = "K00"\nspreadsheet = "{first}"\n')
        assert run_cli("init", "--config", config).code == 0  # the admin prepares one…
        for row in (2, 3, 4):
            type_into(emu, first, row, {"Prosedur": "rka", "Judul": f"RKA {row}"})
        ids = [first, *(emu.copy_spreadsheet(first, f"Kecamatan {n}") for n in range(1, OFFICES))]
        config.write_text(  # …and copies it for the others
            settings
            + "".join(
                f'[[sheets]]\nname = "K{n:02d}"\nspreadsheet = "{sid}"\n'
                for n, sid in enumerate(ids)
            )
        )
        failing = ids[7]
        emu.inject_faults("500", count=10**6, spreadsheets=[failing])
        emu.reset_counters()
        clock.now = clock.start
        clock.staff = lambda step: [type_into(emu, sid, 2, {"Langkah": step}) for sid in ids]

        shared = Shared(Transports(Quotas(clock, clock.sleep), clock.sleep, retry_faults=False))
        with capture_logs():
            serve(
                load_sheets(config),
                shared,
                lambda zone: (MONDAY + timedelta(seconds=clock())).astimezone(zone),
                stop,
                clock,
                clock.wait,
            )
        log = [r for r in emu.request_log if r.method_id and r.method_id.startswith("sheets.")]
        ledgers = {sid: emu.spreadsheet(sid).sheet(c.RIWAYAT).values() for sid in ids}
    status = run_cli("status", "--config", config).out.strip().split("\n\n")

    for kind in ("read", "write"):  # no minute over the quota, and Google never had to say no
        assert busiest_minute([r.time for r in log if kind_of(r.method_id) == kind]) <= PER_USER
    assert [r for r in log if r.status == 429] == []

    reads: dict[str, list[float]] = {sid: [] for sid in ids}
    for r in log:
        if r.method_id == READS:
            reads[spreadsheet_of(r)].append(r.time - clock.start)
    waits = {}
    for sid in ids:
        waits[sid] = max(b - a for a, b in pairwise([0.0, *reads[sid], HOUR]))
        if sid != failing:
            ledger = ledgers[sid]
            steps = [row[4] for row in ledger[1:] if row[1] == ledger[1][1]]
            assert steps == clock.moves, (sid, ledger)  # every move of the hour, once
    assert max(w for sid, w in waits.items() if sid != failing) <= INTERVAL + SHARE
    # The failing sheet is tried again on its own backoff (5 s, 10 s … up to its interval),
    # one read each time: 6 retries, then one an interval.
    assert all(r.status == 500 for r in log if spreadsheet_of(r) == failing)
    assert len(reads[failing]) <= 7 + HOUR / INTERVAL
    assert ": failed, " in status[7]
    assert all(": done (" in block for n, block in enumerate(status) if n != 7)


def test_a_run_of_many_sheets_holds_one_sheets_cycle_in_memory_not_all(emulator, tmp_path):
    """Between cycles a sheet keeps its rules and its place in the loop; what a cycle read,
    decided and parsed is dropped after it, so the worker holds one sheet's cycle at a time."""
    offices = [GoogleSheet(emulator, _made(tmp_path / f"kec{n}")) for n in range(4)]
    for office in offices:
        office.add_rows(*({"Prosedur": "rka", "Judul": f"RKA {i}"} for i in range(1000)))
    config = tmp_path / "kabupaten.toml"
    config.write_text(
        f"[google]\ncredentials = {json.dumps(str(offices[0].key))}\n"
        f"endpoint = {json.dumps(emulator.base_url)}\n"
        "requests_per_minute = 1000000\nproject_requests_per_minute = 1000000\n"
        + "".join(
            f'[[sheets]]\nname = "K{n}"\nspreadsheet = "{o.id}"\n' for n, o in enumerate(offices)
        )
    )
    assert run_cli("sync", "--config", config, "--now", MON).code == 0  # all written
    clock, stop, held, peaks, logged = FakeClock(), threading.Event(), [], [], []

    def now(zone):
        """At the start of each cycle: what the worker keeps from the cycles before (what the
        test keeps, the emulator's log of requests and the log lines, let go first)."""
        emulator.reset_counters()
        logged.clear()
        current, peak = tracemalloc.get_traced_memory()
        held.append(current)
        peaks.append(peak)
        tracemalloc.reset_peak()
        if len(held) == 9:  # two rounds of the four, then stop
            stop.set()
        return MONDAY.astimezone(zone)

    gc.collect()
    tracemalloc.start()
    try:
        with capture_logs() as logged:
            serve(load_sheets(config), Shared(), now, stop, clock, clock.wait)
    finally:
        tracemalloc.stop()
    cycles = [peak - before for before, peak in zip(held[1:], peaks[2:], strict=False)]
    cycle = max(cycles)  # what one idle cycle of a sheet of 1,000 rows takes, at most
    # Each further sheet served keeps its rules (its calendar's caches): a tenth of what its
    # cycle takes at most, not what it read.
    assert (held[4] - held[1]) / 3 < cycle / 10
    assert held[8] - held[4] < cycle / 10  # a second round keeps nothing more
    assert min(cycles) > 0.9 * cycle  # each cycle the size of one sheet's, not of them all
