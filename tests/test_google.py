"""The Google backend end to end over HTTP against the local Sheets API emulator.

Budget, payload and the weight of the read; exactly once when an answer is lost;
row identity under racing staff edits; faults and timeouts; init's repairs; admin
errors.
"""

from __future__ import annotations

import bisect
import gc
import json
import math
import random
import re
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from syncer import contract as c
from syncer import layout
from syncer.backends import BackendError, Changes
from syncer.backends.google import (
    API_HOST,
    WRITE_LIMIT,
    GoogleBackend,
    RedirectAdapter,
    SheetsTransport,
    to_serial,
)
from syncer.cli import make_rules, serve
from syncer.config import load_config
from syncer.cycle import run_cycle
from syncer.monitoring.refresh import NOT_TOLD, KinerjaTerms
from syncer.pacing import Pacer
from syncer.service import Shared, Transports
from syncer.sheets import load_sheets
from syncer.worker import retry_delay
from tests import fake_clock
from tests.emulator import Emulator, RequestRecord
from tests.emulator.errors import ApiError
from tests.emulator.quota import kind_of
from tests.sheets import GoogleSheet, run_cli

MON = "2026-11-30T08:00"
ZONE = ZoneInfo("Asia/Jakarta")
WRITES = "sheets.spreadsheets.batchUpdate"
READS = "sheets.spreadsheets.values.batchGet"
LAYOUT_READS = "sheets.spreadsheets.get"


@pytest.fixture(scope="module")
def emulator():
    with Emulator() as emu:
        yield emu


@pytest.fixture
def sheet(emulator, tmp_path) -> GoogleSheet:
    emulator.clear_faults()
    return GoogleSheet(emulator, tmp_path)


def api_calls(emu: Emulator) -> dict[str, int]:
    return {k: v for k, v in emu.counters.items() if k.startswith("sheets.")}


def fill(sheet: GoogleSheet, count: int) -> None:
    codes = ["rka", "iku", "laporan-bulanan", "lakip", "dpa", "renja", "monev"]
    sheet.add_rows(
        *(
            {"Prosedur": codes[i % len(codes)], "Judul": f"dok {i}", "Langkah": 1 + i % 3}
            for i in range(count)
        )
    )


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def backend(
    sheet: GoogleSheet, sleeps: list[float] | None = None, **transport: Any
) -> GoogleBackend:
    """The worker's backend for this sheet, its waits recorded instead of slept."""
    config = load_config(sheet.config)
    made = SheetsTransport(
        config.credentials_path(),
        endpoint=config.google.endpoint,
        pacer=Pacer(limit=10**6),
        sleep=(sleeps if sleeps is not None else []).append,
        **transport,
    )
    return GoogleBackend(config.google.spreadsheet or "", ZONE, made)


def time_out_after(made: GoogleBackend, seconds: float) -> None:
    """A backend whose client already exists gives up on an answer after ``seconds`` (the
    transport hands its timeout to the client when it makes it, once)."""
    made.transport.timeout = seconds
    made.transport.client().set_timeout(seconds)


def cycle(sheet: GoogleSheet, made: GoogleBackend, now: str, kinerja=NOT_TOLD):
    rules = make_rules(load_config(sheet.config))
    return run_cycle(made, rules, moment(now), attempts=5, kinerja=kinerja)


def riwayat(sheet: GoogleSheet) -> list[tuple]:
    return [(r["ID"], r["Dari"], r["Ke"]) for r in sheet.table(c.RIWAYAT)]


def one_record_each(sheet: GoogleSheet) -> list[str]:
    ids = [r["ID"] for r in sheet.table(c.STATE) if r["ID"]]
    assert len(ids) == len(set(ids)), ids
    return ids


# --- budget and weight ------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [10, 2000])
def test_a_cycle_costs_one_read_and_at_most_one_write(sheet, rows):
    fill(sheet, rows)
    emu = sheet.emu
    emu.reset_counters()
    assert sheet.sync(MON).code == 0  # the first sync writes every row: split only past 2 MB
    assert_fewest_writes_under_the_limit(emu)
    emu.reset_counters()
    assert sheet.sync(MON).code == 0  # nothing changed
    assert api_calls(emu) == {READS: 1}
    for i in range(0, rows, max(1, rows // 20)):  # 5% of the documents move on
        sheet.set(i + 2, "Langkah", 2 + i % 3)
    emu.reset_counters()
    assert sheet.sync("2026-11-30T09:00").code == 0
    assert api_calls(emu) == {READS: 1, WRITES: 1}
    assert emu.request_log[-1].body_size < WRITE_LIMIT


def assert_fewest_writes_under_the_limit(emu: Emulator) -> list[int]:
    writes = [r.body_size for r in emu.request_log if r.method_id == WRITES]
    assert api_calls(emu)[READS] == 1
    assert all(size < WRITE_LIMIT for size in writes)
    assert len(writes) == math.ceil(sum(writes) / WRITE_LIMIT)  # no more requests than needed
    return writes


def test_bodies_are_encoded_as_the_standard_library_would():
    from syncer.backends.google.plan import _stdlib_encoded, encoded

    body = {
        "requests": [
            {"a": [1, 2.5, 46350.37708333333, 1e16, True, None, "", {}]},
            {"é ü": 'Tenggat hari ini pukul 13.20 — \u2028\u00a0"\\\n\x00 😀'},
            {"big": 2**70, "neg": -0.0, "inf": math.inf},
        ]
    }
    assert encoded(body) == _stdlib_encoded(body)
    assert json.loads(encoded(body)) == json.loads(_stdlib_encoded(body))
    with pytest.raises(UnicodeEncodeError):  # a lone surrogate: no UTF-8 for it, as ever
        encoded({"x": "\ud800"})


def test_worker_tab_rows_remembered_are_encoded_as_the_rows_asked():
    """A row equal to one written before (``True == 1``, one instant in two zones) is written
    as it is, not as the row remembered."""
    from syncer.backends.google.plan import (
        encoded,
        encoded_body,
        encoded_tab_requests,
        tab_requests,
    )
    from syncer.views import TITLE, Styled

    nine = datetime(2026, 11, 30, 9, 0)
    rows = [
        [Styled("Ringkasan", TITLE), Styled(""), Styled(nine)],
        [],
        [Styled(1), Styled(2, "Terlambat")],
        [Styled(True), Styled(2.0, "Terlambat")],
        [Styled(nine.replace(tzinfo=ZoneInfo("Asia/Jakarta")))],
        [Styled(nine.replace(hour=2, tzinfo=ZoneInfo("UTC")))],
    ]
    for grid in (rows, rows[::-1], rows):
        tabs = {"Ringkasan": grid}
        plain = encoded({"requests": tab_requests(7, tabs)})
        assert encoded_body(encoded_tab_requests(tabs, {"Ringkasan": 7})) == plain


def test_shared_cells_are_made_once_for_values_written_alike():
    from syncer.backends.google.plan import encoded
    from syncer.backends.google.values import SharedCells, cell_data

    nine = datetime(2026, 11, 30, 9, 0)
    values = [
        *(1, True, 1.0, "1", None, "", nine),
        nine.replace(tzinfo=ZoneInfo("Asia/Jakarta")),
        nine.replace(hour=2, tzinfo=ZoneInfo("UTC")),
    ]
    cells = SharedCells({"horizontalAlignment": "CENTER"})
    for order in (values, values[::-1]):
        for value in order:
            wanted = cell_data(value)
            if wanted:
                wanted["userEnteredFormat"] = {"horizontalAlignment": "CENTER"}
            assert encoded(cells.cell(value)) == encoded(wanted)  # 1.0 == 1, not written alike
    assert cells.cell(1) is cells.cell(1) and cells.cell(nine) is cells.cell(nine)
    assert cells.cell(True) is not cells.cell(True)


def test_answers_are_asked_compact(sheet):
    """Google pretty-prints its answers unless asked not to: ~2.7x the bytes to receive."""
    fill(sheet, 300)
    emu = sheet.emu
    emu.reset_counters()
    assert sheet.sync(MON).code == 0
    calls = [r for r in emu.request_log if (r.method_id or "").startswith("sheets.")]
    assert {r.method_id for r in calls} >= {READS, WRITES}
    assert all(r.query.get("prettyPrint") == ["false"] for r in calls)
    read = next(r for r in calls if r.method_id == READS)
    unasked = {k: v for k, v in read.query.items() if k != "prettyPrint"}
    answer = emu.session(sheet.key).get(emu.base_url + read.path, params=unasked)
    assert answer.status_code == 200
    assert read.response_size < len(answer.content) / 2


def test_the_read_brings_values_only(sheet):
    """No grid of formats, no empty formatted rows, no SOP tab: values as entered."""
    fill(sheet, 10)
    assert sheet.sync(MON).code == 0
    sheet.emu.reset_counters()
    assert sheet.sync(MON).code == 0
    (read,) = [r for r in sheet.emu.request_log if r.method_id == READS]
    assert read.query["valueRenderOption"] == ["FORMULA"]
    assert read.query["dateTimeRenderOption"] == ["SERIAL_NUMBER"]
    worker_tabs = [r for r in read.query["ranges"] if r.lstrip("'").startswith(("SOP", "Ringk"))]
    assert all(r.endswith("!A1:A1") for r in worker_tabs), worker_tabs  # only to see if emptied
    sop = len(json.dumps(sheet.grid("SOP")))
    # The versions the documents run on are kept in the state tab (DESIGN §9): the steps of
    # each SOP in flight, about 0.6 kB each, read in every cycle. Apart from them, the read
    # weighs a fraction of the SOP tab.
    kept = [r["Nilai"] for r in sheet.table(c.STATE) if str(r["Kunci"]).startswith("versi:")]
    assert len(kept) == 7  # fill() uses seven SOPs
    assert read.response_size - len(json.dumps(kept)) < sop / 3


def test_a_fresh_process_keeps_the_budget(sheet):
    fill(sheet, 5)
    sheet.emu.reset_counters()
    for now in (MON, MON):
        result = subprocess.run(
            [sys.executable, "-m", "syncer.cli", "sync", "--config", str(sheet.config)]
            + ["--now", now],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
    assert api_calls(sheet.emu) == {READS: 2, WRITES: 1}


def test_a_split_first_sync_takes_the_fewest_requests(sheet):
    """2,600 rows write 3.8 MB: two requests under 2 MB, not three."""
    fill(sheet, 2_600)
    sheet.emu.reset_counters()
    assert sheet.sync(MON).code == 0
    sizes = assert_fewest_writes_under_the_limit(sheet.emu)
    assert len(sizes) == 2, sizes
    assert len(sheet.table(c.RIWAYAT)) == 2_600
    assert len(one_record_each(sheet)) == 2_600
    sheet.emu.reset_counters()
    assert sheet.sync(MON).code == 0
    assert api_calls(sheet.emu) == {READS: 1}


def test_a_cycle_may_bring_riwayat_whole_in_its_one_read(sheet):
    """A cycle told that Kinerja is due; the sheet says it was refreshed already: no write."""
    fill(sheet, 3)
    assert sheet.sync(MON).code == 0
    sheet.emu.reset_counters()
    report = run_cycle(backend(sheet), make_rules(load_config(sheet.config)), moment(MON),
                       kinerja=KinerjaTerms(due=moment(MON)))  # fmt: skip
    assert not report.written and api_calls(sheet.emu) == {READS: 1}
    assert report.history_read == 3
    (read,) = [r for r in sheet.emu.request_log if r.method_id == READS]
    assert f"'{c.RIWAYAT}'" in read.query["ranges"]


def test_run_reuses_its_credentials_across_cycles(sheet):
    """One key read and one token for a run of cycles, not one per cycle."""
    fill(sheet, 2)
    made = backend(sheet)
    sheet.emu.reset_counters()
    for minute in range(3):
        sheet.set(2, "Langkah", 2 + minute)
        cycle(sheet, made, f"2026-11-30T09:0{minute}")
    assert sheet.emu.counters["token"] == 1
    assert api_calls(sheet.emu)[READS] == 3


def test_sopsync_run_keeps_its_credentials_for_all_its_cycles(sheet):
    """`sopsync run` on one sheet, through its own loop: one token for every cycle, and
    each staff move between cycles taken in its one read."""
    fill(sheet, 2)
    assert sheet.sync("2026-11-30T09:00").code == 0
    sheet.emu.reset_counters()
    stop, clock, moves = threading.Event(), fake_clock.FakeClock(), iter((2, 3, 4))

    def wait(seconds: float) -> bool:  # between cycles staff move the first document on
        clock.sleep(seconds)
        step = next(moves, None)
        if step is None:
            stop.set()
        else:
            sheet.set(2, "Langkah", step)
        return stop.is_set()

    start = datetime(2026, 11, 30, 9, 1, tzinfo=ZONE)
    at = lambda zone: (start + timedelta(seconds=clock())).astimezone(zone)  # noqa: E731
    assert serve(load_sheets(sheet.config), Shared(Transports()), at, stop, clock, wait) == 0
    assert sheet.emu.counters["token"] == 1
    assert api_calls(sheet.emu)[READS] == 4  # the first cycle and one after each move
    assert [r["Ke"] for r in sheet.table(c.RIWAYAT)][-3:] == [2, 3, 4]


def test_date_times_are_written_to_the_exact_second(sheet):
    """11:00 is stored as 11:00, not 10:59:59.97 that a sheet truncating shows as 10:59."""
    sheet.add_rows({"Prosedur": "rka", "Judul": "x", "Langkah": 2})
    assert sheet.sync("2026-11-30T11:00").code == 0
    cols = c.column_map(sheet.headers())
    cell = sheet.book.sheet(c.DOKUMEN).get_cell(1, cols["mulai"])
    serial = cell.userEnteredValue["numberValue"]
    assert serial == to_serial(datetime(2026, 11, 30, 11, 0))
    seconds = serial * 86_400
    assert abs(seconds - round(seconds)) < 1e-4  # 6 decimals of a day were up to 0.04 s off


# --- exactly once when an answer is lost --------------------------------------------------------


class SlowNetwork(RedirectAdapter):
    """A network that keeps the worker's first write back: it never reaches the emulator
    until ``deliver`` sends it, late, as a request stuck in the network would arrive."""

    def __init__(self, base_url: str):
        super().__init__(base_url)
        self.held: list[requests.PreparedRequest] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if request.method == "POST" and not self.held:
            self.held.append(request.copy())
            raise requests.ReadTimeout("no answer in time")
        return super().send(request, **kwargs)

    def deliver(self) -> list[int]:
        """Send the held write now; its status code."""
        return [super(SlowNetwork, self).send(r).status_code for r in self.held]


def writes_sent(emu: Emulator) -> int:
    return sum(1 for r in emu.request_log if r.method_id == WRITES)


def _started(sheet: GoogleSheet, rows: list[dict]) -> None:
    sheet.add_rows(*rows)
    assert sheet.sync(MON).code == 0


WRITE_KINDS = {
    # kind: (staff rows, edit before the lossy cycle, Riwayat rows after it)
    "start": ([], lambda s: fill(s, 3), 3),
    "move": (
        [{"Prosedur": "rka", "Judul": f"d{i}"} for i in range(3)],
        lambda s: [s.set(r, "Langkah", 2) for r in (2, 3, 4)],
        6,
    ),
    "selesai": (
        [{"Prosedur": "iku", "Judul": "i", "Langkah": 9}],
        lambda s: s.set(2, "Langkah", "Selesai"),
        2,
    ),
    "rejected": (
        [{"Prosedur": "rka", "Judul": "r", "Langkah": 2}],
        lambda s: s.set(2, "Langkah", 5),
        2,
    ),
    "tabs": (
        [{"Prosedur": "rka", "Judul": "late", "Langkah": 4}],  # 1 hari: late by the next week
        lambda s: None,
        1,
    ),
}


@pytest.mark.parametrize("kind", list(WRITE_KINDS))
def test_a_write_applied_whose_answer_is_lost_is_not_applied_again(sheet, kind):
    rows, edit, expected = WRITE_KINDS[kind]
    if rows:
        _started(sheet, rows)
    edit(sheet)
    sheet.emu.reset_counters()
    sheet.emu.inject_faults("apply-drop", methods=[WRITES])  # applied, then its answer lost
    # The day's first cycle, told so as `sync` is by its local record: Kinerja is due.
    due = KinerjaTerms(due=moment("2026-12-08T00:00"))
    report = cycle(sheet, backend(sheet), "2026-12-08T09:00", due)
    assert report.written and writes_sent(sheet.emu) in (1, 2)
    assert len(riwayat(sheet)) == expected
    assert len(set(riwayat(sheet))) == expected
    assert len(one_record_each(sheet)) == len({r[0] for r in riwayat(sheet)})
    if kind == "tabs":  # all of it had landed: the second read found nothing to write
        assert api_calls(sheet.emu) == {READS: 2, WRITES: 1}
    sheet.emu.reset_counters()
    assert sheet.sync("2026-12-08T09:00").code == 0
    assert api_calls(sheet.emu) == {READS: 1}


def test_a_split_first_sync_whose_second_answer_is_lost_logs_each_start_once(sheet):
    fill(sheet, 120)
    made = backend(sheet)
    made.write_limit = 40_000
    sheet.emu.reset_counters()
    sheet.emu.before_next_write(  # the second body is applied and its answer lost
        lambda emu: emu.inject_faults("apply-drop", methods=[WRITES])
    )
    report = cycle(sheet, made, MON)
    lost = [r for r in sheet.emu.request_log if r.fault == "apply-drop"]
    assert report.written and len(lost) == 1 and writes_sent(sheet.emu) >= 3
    assert len(riwayat(sheet)) == 120 and len(set(riwayat(sheet))) == 120
    assert len(one_record_each(sheet)) == 120
    sheet.emu.reset_counters()
    assert sheet.sync(MON).code == 0
    assert api_calls(sheet.emu) == {READS: 1}


def test_a_write_lost_before_it_was_applied_is_written_once(sheet):
    _started(sheet, [{"Prosedur": "rka", "Judul": "a"}])
    sheet.set(2, "Langkah", 2)
    sheet.emu.inject_faults("drop", count=1, methods=[WRITES])  # closed before applying
    made = backend(sheet)
    sheet.emu.reset_counters()
    assert cycle(sheet, made, "2026-11-30T09:00").written
    assert riwayat(sheet) == [("RKA-2026-0001", None, 1), ("RKA-2026-0001", 1, 2)]
    assert api_calls(sheet.emu) == {READS: 2, WRITES: 2}


def test_a_write_answered_after_the_timeout_is_not_applied_again(sheet):
    """Google applied the write and answers after the worker gave up waiting."""
    _started(sheet, [{"Prosedur": "rka", "Judul": f"d{i}"} for i in range(3)])
    for row in (2, 3, 4):
        sheet.set(row, "Langkah", 2)
    made = backend(sheet)
    made.read()  # the key, the token, a connection: what the timed read need not do again
    started = time.perf_counter()
    made.read()  # what an answer takes here
    time_out_after(made, max(1.0, 20 * (time.perf_counter() - started)))
    release = threading.Event()
    fault = sheet.emu.inject_faults(
        "apply-slow", methods=[WRITES], release=release, delay=10 * made.transport.timeout
    )
    sheet.emu.reset_counters()
    try:
        assert cycle(sheet, made, "2026-11-30T09:00").written
    finally:
        release.set()
    assert fault.applied.is_set()
    # gave up on the answer, read again, found the write there and did not send it again
    assert api_calls(sheet.emu) == {READS: 2, WRITES: 1}
    assert len(riwayat(sheet)) == 6 and len(set(riwayat(sheet))) == 6
    assert len(one_record_each(sheet)) == 3


def test_a_write_that_arrives_late_is_refused_whole(sheet):
    """A write stuck in the network arrives after the worker read again and wrote: Google
    refuses it whole (its write marker is gone), so nothing is applied twice."""
    _started(sheet, [{"Prosedur": "rka", "Judul": f"d{i}"} for i in range(3)])
    for row in (2, 3, 4):
        sheet.set(row, "Langkah", 2)
    made = backend(sheet)
    network = SlowNetwork(sheet.emu.base_url)
    made.transport.client().session.mount(API_HOST, network)
    assert cycle(sheet, made, "2026-11-30T09:00").written
    before = sheet.fingerprint()
    assert network.deliver() == [400]
    assert sheet.fingerprint() == before
    assert len(riwayat(sheet)) == 6 and len(set(riwayat(sheet))) == 6


def test_an_init_whose_answer_is_lost_is_not_applied_twice(sheet):
    sheet.emu.inject_faults("apply-drop", methods=[WRITES])
    sheet.emu.reset_counters()
    done = backend(sheet).init(make_rules(load_config(sheet.config)))
    assert writes_sent(sheet.emu) == 1 and "created tab Dokumen" in done
    assert protections(sheet) == expected_protections()
    titles = [v["title"] for v in sheet.book.sheet(c.DOKUMEN).filter_views]
    assert len(titles) == len(set(titles))
    assert "already up to date" in sheet.cli("init").out


def test_a_write_never_confirmed_fails_after_its_attempts_with_one_sentence(sheet):
    fill(sheet, 4)
    sheet.emu.inject_faults("500", count=50, methods=[WRITES])
    result = sheet.sync(MON)
    assert result.code == 1 and "Traceback" not in result.err
    last = result.err.strip().splitlines()[-1]
    assert last == (
        "sopsync: writing the sheet failed after 5 attempts: HTTP 500: Internal error encountered."
    )
    sheet.emu.clear_faults()
    assert sheet.table(c.RIWAYAT) == []
    assert sheet.sync(MON).code == 0
    assert sorted(r["ID"] for r in sheet.table(c.RIWAYAT)) == sorted(r["ID"] for r in sheet.table())
    assert len(sheet.table(c.RIWAYAT)) == 4


def test_a_stale_cache_of_tab_ids_is_repaired_and_the_write_done(sheet):
    """The cached id of a tab that was recreated is found wrong by the write, repaired from
    the spreadsheet's layout, and the cycle writes on the next read."""
    _started(sheet, [{"Prosedur": "rka", "Judul": "a"}])
    state = sheet.book.sheet(c.STATE)
    cols = c.column_map([x.python_value() if x else None for x in state.rows[0]])
    for row in range(1, len(state.rows)):
        key = state.get_cell(row, cols["kunci"])
        if key and key.python_value() == f"sheet:{c.RIWAYAT}":
            state.set_value(row, cols["nilai"], "123")
    sheet.set(2, "Langkah", 2)
    assert sheet.sync("2026-11-30T09:00").code == 0
    assert riwayat(sheet) == [("RKA-2026-0001", None, 1), ("RKA-2026-0001", 1, 2)]
    sheet.emu.reset_counters()
    assert sheet.sync("2026-11-30T09:00").code == 0
    assert api_calls(sheet.emu) == {READS: 1}


# --- row identity under racing edits --------------------------------------------------------


def staff_view(sheet: GoogleSheet) -> list[tuple]:
    return sorted(
        (str(r["Judul"]), r["Prosedur"], r["Langkah"], r["Catatan"])
        for r in sheet.table()
        if r["Judul"]
    )


def assert_consistent(sheet: GoogleSheet, expected_moves: int) -> None:
    rows = [r for r in sheet.table(c.RIWAYAT) if not str(r["Keterangan"]).startswith("ditolak")]
    assert len(rows) == expected_moves
    assert len({(r["ID"], r["Dari"], r["Ke"]) for r in rows}) == expected_moves
    docs = [r for r in sheet.table() if r["Judul"]]
    ids = [r["ID"] for r in docs]
    assert all(ids) and len(set(ids)) == len(ids)
    by_id = {}
    for entry in rows:
        by_id[entry["ID"]] = entry
    for row in docs:
        last = by_id[row["ID"]]
        assert row["Prosedur"].casefold() == last["Prosedur"], row
        assert row["Pelaksana"] == last["Pelaksana"], row
        assert row["Status"] == "Berjalan", row


def sort_whole(emu: Emulator, sid: str, reverse: bool = True) -> None:
    sheet = emu.spreadsheet(sid).sheet(c.DOKUMEN)
    judul = c.column_map([x.python_value() if x else None for x in sheet.rows[0]])["judul"]
    sheet.sort(1, sheet.used_rows(), 0, sheet.column_count, judul, ascending=not reverse)


def sort_staff_columns(emu: Emulator, sid: str) -> None:
    sheet = emu.spreadsheet(sid).sheet(c.DOKUMEN)
    sheet.sort(1, sheet.used_rows(), 0, len(c.STAFF_COLUMNS), 2, ascending=False)


RACES = {
    "sort-all": sort_whole,
    "sort-staff-columns": sort_staff_columns,
    "insert-above": lambda emu, sid: emu.spreadsheet(sid).sheet(c.DOKUMEN).insert_rows(1, 2),
    "delete-a-row-above": lambda emu, sid: emu.spreadsheet(sid).sheet(c.DOKUMEN).delete_rows(1),
}


@pytest.mark.parametrize("race", list(RACES))
def test_staff_editing_between_read_and_write_loses_nothing(sheet, race):
    sheet.add_rows({"Catatan": "catatan lepas"})  # a row with no document, for the delete race
    sheet.add_rows(
        {"Prosedur": "rka", "Judul": "a lama", "Langkah": 2},
        {"Prosedur": "iku", "Judul": "b lama", "Langkah": 3},
    )
    assert sheet.sync(MON).code == 0
    sheet.add_rows(
        {"Prosedur": "lakip", "Judul": "c baru", "Catatan": "x"},
        {"Prosedur": "dpa", "Judul": "d baru"},
    )
    sheet.set_by_id("RKA-2026-0001", "Langkah", 3)
    before = staff_view(sheet)
    sheet.emu.before_next_write(lambda emu: RACES[race](emu, sheet.id))
    assert sheet.sync("2026-11-30T09:00").code == 0
    assert sheet.sync("2026-11-30T09:05").code == 0  # the next cycle repairs what went astray
    assert staff_view(sheet) == before
    assert_consistent(sheet, expected_moves=5)
    sheet.emu.reset_counters()
    assert sheet.sync("2026-11-30T09:05").code == 0
    assert api_calls(sheet.emu) == {READS: 1}


# --- faults ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["429", "500", "503", "drop"])
def test_transient_faults_of_the_read_are_retried(sheet, fault):
    fill(sheet, 3)
    sheet.emu.inject_faults(fault, count=2, methods=[READS])
    sleeps: list[float] = []
    report = cycle(sheet, backend(sheet, sleeps), MON)
    assert report.written and len(sleeps) == 2
    assert len(sheet.table(c.RIWAYAT)) == 3


def test_a_token_service_that_is_down_is_retried_not_blamed_on_the_key(sheet):
    """google-auth tries the token three times itself (about 3 s of its own backoff) and
    says the failure is retryable: the worker waits and asks again, as for any 503."""
    fill(sheet, 1)
    sheet.emu.inject_faults("503", count=3, methods=["token"])
    sleeps: list[float] = []
    assert cycle(sheet, backend(sheet, sleeps), MON).written
    assert len(sleeps) == 1
    assert sheet.table()[0]["Status"] == "Berjalan"


def test_a_write_refused_for_the_quota_is_sent_again_in_place(sheet):
    """A 429 proves the write was not applied: it is sent again without reading again."""
    fill(sheet, 3)
    sheet.emu.inject_faults("429", count=1, methods=[WRITES])
    sheet.emu.reset_counters()
    sleeps: list[float] = []
    assert cycle(sheet, backend(sheet, sleeps), MON).written
    assert api_calls(sheet.emu) == {READS: 1, WRITES: 2} and len(sleeps) == 1
    assert len(sheet.table(c.RIWAYAT)) == 3


def test_a_slow_answer_times_out_and_is_retried(sheet):
    """The timeout is many times what an answer takes here, and the fault many times that."""
    fill(sheet, 1)
    made = backend(sheet)
    made.read()  # the key, the token, a connection: what the timed read need not do again
    started = time.perf_counter()
    made.read()  # what an answer takes here
    took = time.perf_counter() - started
    timeout = max(1.0, 20 * took)
    time_out_after(made, timeout)
    release = threading.Event()  # the held answer is let go once the worker has moved on
    sheet.emu.inject_faults("slow", methods=[READS], delay=10 * timeout, release=release)
    sheet.emu.reset_counters()
    try:
        report = cycle(sheet, made, MON)
    finally:
        release.set()
    assert report.written
    assert api_calls(sheet.emu) == {READS: 2, WRITES: 1}  # the held read given up, sent again
    faulted = [r for r in sheet.emu.request_log if r.fault == "slow"]
    assert len(faulted) == 1


def test_backoff_grows_with_full_jitter_and_is_bounded(sheet):
    fill(sheet, 1)
    sheet.emu.inject_faults("503", count=50)
    sleeps: list[float] = []
    made = backend(sheet, sleeps, retries=6, jitter=lambda: 1.0)
    with pytest.raises(BackendError, match="failed after 7 attempts"):
        cycle(sheet, made, MON)
    assert sleeps == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
    assert gc.isenabled()  # paused during the cycle only: a `run` loop must not grow
    sheet.emu.clear_faults()


def test_retry_after_is_honoured_when_present(sheet):
    fill(sheet, 1)
    sheet.emu.inject_faults("503", count=1, retry_after=7, methods=[READS])
    sleeps: list[float] = []
    report = cycle(sheet, backend(sheet, sleeps, jitter=lambda: 0.0), MON)
    assert report.written and sleeps == [7.0]


def test_each_retry_is_logged_with_the_cycles_context(sheet):
    fill(sheet, 1)
    sheet.emu.inject_faults("503", count=1, methods=[READS])
    text = sheet.config.read_text().replace("[google]", '[worker]\nlog_format = "json"\n[google]')
    sheet.config.write_text(text)
    result = sheet.sync(MON)
    assert result.code == 0
    lines = [json.loads(line) for line in result.err.splitlines() if line.startswith("{")]
    retry = next(x for x in lines if x["event"] == "request failed; retrying")
    assert retry["level"] == "warning" and retry["target"] == sheet.id
    assert retry["cycle"].startswith("2026-11-30T08:00")


class FakeClock:
    """One clock for the emulator's quota window and the worker's sleeps (no real waiting)."""

    def __init__(self):
        self.t = time.time()  # near real time: the service-account JWTs carry real timestamps

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += max(0.0, seconds)


def busiest_minute(requests: list[RequestRecord], kind: str) -> int:
    """The most requests of ``kind`` (as Google counts them) in any 60 seconds."""
    sent = sorted(r.time for r in requests if kind_of(r.method_id) == kind)
    return max((bisect.bisect_left(sent, t + 60) - i for i, t in enumerate(sent)), default=0)


def test_a_long_run_under_faults_stays_inside_the_quota(tmp_path):
    clock = FakeClock()
    with Emulator(enforce_quota=True, clock=clock.now) as emu:
        sheet = GoogleSheet(emu, tmp_path)
        fill(sheet, 30)
        config = load_config(sheet.config)
        rules = make_rules(config)
        pacer = Pacer(clock=clock.now, sleep=clock.advance)
        transport = SheetsTransport(
            config.credentials_path(),
            endpoint=config.google.endpoint,
            pacer=pacer,
            sleep=clock.advance,
        )
        made = GoogleBackend(config.google.spreadsheet or "", ZONE, transport)
        rng = random.Random(5)
        failures = cycles = 0
        emu.reset_counters()
        start = clock.now()
        while clock.now() - start < 4 * 60:  # four minutes of `run --every 1` under faults
            if rng.random() < 0.5:
                emu.inject_faults(
                    rng.choice(["429", "500", "503", "drop"]), count=rng.randint(1, 6)
                )
            if rng.random() < 0.3:
                sheet.set(rng.randint(2, 31), "Langkah", rng.randint(1, 5))
            try:
                run_cycle(made, rules, datetime.fromtimestamp(clock.now(), ZONE), attempts=5)
                failures, cycles = 0, cycles + 1
            except BackendError:
                failures += 1
            clock.advance(retry_delay(failures, 1.0) if failures else 1.0)
        emu.clear_faults()
        sent = [r for r in emu.request_log if r.method_id.startswith("sheets.")]
        busiest = {kind: busiest_minute(sent, kind) for kind in ("read", "write")}
        refused = [r for r in emu.request_log if r.status == 429 and r.fault is None]
        moves = [r for r in sheet.table(c.RIWAYAT)]
    assert busiest["read"] <= 60 and busiest["write"] <= 60, busiest
    assert refused == []  # Google's quota never had to say no
    assert cycles > 30 and len(sent) > 150  # a real run, not one that gave up
    assert len({(r["ID"], r["Dari"], r["Ke"], r["Keterangan"], r["Waktu"]) for r in moves}) == len(
        moves
    )  # under every fault, no Riwayat row written twice


# --- init and the layout ------------------------------------------------------------------


def protections(sheet: GoogleSheet) -> list[tuple[str, str]]:
    return sorted(
        (s.title, p["description"]) for s in sheet.book.sheets for p in s.protected_ranges
    )


def expected_protections() -> list[tuple[str, str]]:
    found = []
    for tab in layout.TABS:
        found += [(tab.title, d) for d, _ in layout.protections(tab, list(tab.headers))]
    return sorted([*found, (c.STATE, layout.TOKEN)])


def test_init_builds_the_contract_and_is_idempotent(sheet):
    result = sheet.cli("init")
    assert result.code == 0, result.err
    book = sheet.book
    assert sheet.tabs() == [tab.title for tab in layout.TABS]  # the empty Sheet1 is gone
    assert book.sheet(c.STATE).hidden
    dokumen = book.sheet(c.DOKUMEN)
    assert dokumen.frozen_rows == 1
    assert sheet.headers()[:11] == [*c.STAFF_COLUMNS, *c.WORKER_COLUMNS]
    formulas = json.dumps(dokumen.conditional_formats)
    for status in ("Tidak valid", "Terlambat", "Hampir tenggat", "Selesai"):
        assert f'=$J2=\\"{status}\\"' in formulas
    assert protections(sheet) == expected_protections()
    assert dokumen.data_validation(1, 1)["condition"]["type"] == "ONE_OF_LIST"
    assert book.properties["timeZone"] == "Asia/Jakarta"
    for tab in ("Pegawai", "Kalender"):
        assert sheet.headers(tab) == list(layout.BY_TITLE[tab].headers)
    sheet.emu.reset_counters()
    again = sheet.cli("init")
    assert "already up to date" in again.out
    assert api_calls(sheet.emu) == {LAYOUT_READS: 2}


def test_init_sets_the_locale_dates_are_typed_in_and_repairs_it(sheet):
    """Google reads a typed date through the spreadsheet's locale, en_US (month first) in a
    new sheet: staff write day first (17/08/2026), so init makes the sheet Indonesian, and
    makes it so again when someone set it back."""
    result = sheet.cli("init")
    assert "set the locale to in_ID (Indonesian, typed dates read day first) from en_US" in (
        result.out
    ), result.out
    assert sheet.book.properties["locale"] == "in_ID"
    assert "already up to date" in sheet.cli("init").out
    with sheet.book.lock():
        sheet.book.properties["locale"] = "en_US"  # an admin changed it in File > Settings
    sheet.add_rows({"Prosedur": "rka", "Judul": "RKA", "Langkah": 3})  # a day's step
    assert sheet.sync(MON).code == 0
    due = sheet.table()[0]["Tenggat"]
    assert isinstance(due, datetime) and due.date() == datetime(2026, 12, 1).date()

    kalender = sheet.book.sheet("Kalender")
    kalender.type_value(1, 0, "01/12/2026")  # staff: 1 December is the office's day off
    kalender.set_value(1, 1, "Libur")
    assert sheet.sync("2026-11-30T09:00").code == 0
    assert sheet.table("Kalender")[0]["Tanggal"] == datetime(2026, 1, 12)  # read month first
    assert sheet.table()[0]["Tenggat"] == due  # silently: no Pesan, the Tenggat unmoved
    assert sheet.table("Kalender")[0]["Pesan"] is None

    result = sheet.cli("init")
    assert "set the locale to in_ID (Indonesian, typed dates read day first) from en_US" in (
        result.out
    ), result.out
    assert "already up to date" in sheet.cli("init").out
    kalender.type_value(1, 0, "01/12/2026")  # typed again: Google parses on entry only
    assert sheet.sync("2026-11-30T10:00").code == 0
    assert sheet.table("Kalender")[0]["Tanggal"] == datetime(2026, 12, 1)
    assert sheet.table()[0]["Tenggat"] == due + timedelta(days=1)  # past the day off


def test_init_leaves_indonesian_as_spelt(sheet):
    with sheet.book.lock():
        sheet.book.properties["locale"] = "id_ID"
    assert "locale" not in sheet.cli("init").out
    assert sheet.book.properties["locale"] == "id_ID"


def test_init_headers_look_as_the_readme_promises(sheet):
    """README: the worker's columns have grey headers; each carries a note (as on xlsx); every
    header is bold (a field mask naming only the value would keep the text alone)."""
    assert sheet.cli("init").code == 0
    for tab in (layout.DOKUMEN, layout.RIWAYAT, layout.PEGAWAI, layout.KALENDER, layout.STATE):
        assert_headers_look_right(sheet, tab)


def assert_headers_look_right(sheet: GoogleSheet, tab: layout.Tab) -> None:
    """Every header bold; a worker column's grey, with its note."""
    grey = {"red": 217 / 255, "green": 217 / 255, "blue": 217 / 255}
    headers = sheet.book.sheet(tab.title).rows[0]
    for col, cell in zip(tab.columns, headers, strict=False):
        assert cell is not None and cell.userEnteredFormat is not None, col.header
        assert cell.userEnteredFormat["textFormat"]["bold"] is True, col.header
        if col.worker:
            assert cell.userEnteredFormat["backgroundColor"] == grey, col.header
            assert cell.note and cell.note.startswith("Diisi otomatis oleh sopsync")


def test_init_reads_no_cells_beyond_the_headers_and_the_rows_they_may_have_moved_to(sheet):
    fill(sheet, 1_000)
    assert sheet.sync(MON).code == 0
    sheet.emu.reset_counters()
    assert "already up to date" in sheet.cli("init").out
    reads = [r.response_size for r in sheet.emu.request_log if r.method_id == LAYOUT_READS]
    assert len(reads) == 2 and sum(reads) < 50_000  # was 885 KB at 1,000 documents


def _remove(sheet: GoogleSheet, damage: str) -> None:
    book = sheet.book
    dokumen = book.sheet(c.DOKUMEN)
    with book.lock():
        if damage == "colours":
            dokumen.conditional_formats.clear()
        elif damage == "protections":
            for s in book.sheets:
                s.protected_ranges[:] = s.protected_ranges[::2]
        elif damage == "header formats":
            for col in range(len(dokumen.rows[0])):
                cell = dokumen.get_cell(0, col)
                if cell is not None:
                    dokumen.put_cell(0, col, type(cell)(cell.user_entered_value))
        elif damage == "a worker header":
            pesan = c.column_map(sheet.headers())["pesan"]
            dokumen.put_cell(0, pesan, None)


@pytest.mark.parametrize("damage", ["colours", "protections", "header formats", "a worker header"])
def test_init_repairs_what_was_removed_without_duplicating(sheet, damage):
    fill(sheet, 3)
    assert sheet.sync(MON).code == 0
    before = (protections(sheet), len(sheet.book.sheet(c.DOKUMEN).conditional_formats))
    _remove(sheet, damage)
    result = sheet.cli("init")
    assert result.code == 0 and "already up to date" not in result.out, result.out
    if damage == "a worker header":
        assert sheet.headers()[-1] == c.PESAN  # added again, at the end
        assert len(protections(sheet)) == len(before[0])
    else:
        assert (protections(sheet), len(sheet.book.sheet(c.DOKUMEN).conditional_formats)) == before
    if damage == "header formats":
        assert_headers_look_right(sheet, layout.DOKUMEN)  # bold, grey and notes back
    assert "already up to date" in sheet.cli("init").out
    assert sheet.sync("2026-11-30T09:00").code == 0


def test_an_empty_default_tab_goes_and_one_with_content_stays(emulator, tmp_path):
    sheet = GoogleSheet(emulator, tmp_path)
    emulator.spreadsheet(sheet.id).add_sheet({"title": "Lembar1"})
    emulator.spreadsheet(sheet.id).sheet("Lembar1").set_value(40, 3, "catatan")
    result = sheet.cli("init")
    assert "removed the empty tab Sheet1" in result.out
    assert "Lembar1" in sheet.tabs() and "Sheet1" not in sheet.tabs()


def test_a_missing_tab_is_created_by_sync(sheet):
    assert sheet.cli("init").code == 0
    book = sheet.book
    with book.lock():
        book.sheets = [s for s in book.sheets if s.title != c.RIWAYAT]
        book.reindex()
    sheet.add_rows({"Prosedur": "rka", "Judul": "x"})
    assert sheet.sync(MON).code == 0
    assert len(sheet.table(c.RIWAYAT)) == 1


# --- admins ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("problem", "message", "code"),
    [  # DESIGN §5: a key is configuration (2); the sheet could not be read (1)
        ("missing key", "not found", 2),
        ("malformed key", "is not a service-account JSON key: it has no 'client_email'", 2),
        ("damaged private key", "is not a service-account JSON key", 2),
        ("another account's private key", "was refused", 2),
        ("key with a password", "its private_key is protected by a password", 2),
        ("EC key", "its private_key is not an RSA key, as Google makes them", 2),
        ("no key text", "its private_key is not a PEM key", 2),
        ("refused key", "was refused", 2),
        ("not shared", "is not shared with", 1),
        ("Sheets API not enabled", "Enable it by visiting https://console.developers", 1),
        ("wrong id", "not found: check the id", 1),
        ("no such address", "not found: check the id", 1),
    ],
)
def test_admin_mistakes_are_one_plain_sentence(emulator, tmp_path, problem, message, code):
    sheet = GoogleSheet(emulator, tmp_path)
    text = sheet.config.read_text()
    key = sheet.key
    if problem == "missing key":
        text = text.replace(str(key), str(tmp_path / "nope.json"))
    elif problem == "malformed key":
        key.write_text('{"type": "service_account"}')
    elif problem == "damaged private key":
        info = json.loads(key.read_text())
        info["private_key"] = info["private_key"][:200] + info["private_key"][-40:]
        key.write_text(json.dumps(info))
    elif problem in ("key with a password", "EC key", "no key text"):
        info = json.loads(key.read_text())
        info["private_key"] = _other_pem(problem, info["private_key"])
        key.write_text(json.dumps(info))
    elif problem == "another account's private key":  # it reads, but signs for no one known
        info = json.loads(key.read_text())
        info["private_key"] = json.loads(GoogleSheet(emulator, tmp_path / "b").key.read_text())[
            "private_key"
        ]
        key.write_text(json.dumps(info))
    elif problem == "refused key":
        info = json.loads(key.read_text())
        info["client_email"] = "someone-else@test-project.iam.gserviceaccount.com"
        key.write_text(json.dumps(info))
    elif problem == "not shared":
        other = emulator.create_spreadsheet("Lain", shared_with=[], sheets=["Sheet1"])
        text = text.replace(sheet.id, other)
    elif problem == "Sheets API not enabled":  # Google's 403 for it is not about sharing
        emulator.inject_faults("api-disabled", count=10)
    elif problem == "wrong id":
        text = text.replace(sheet.id, "1DoesNotExist")
    else:  # a pasted address of a sheet that does not exist
        text = text.replace(sheet.id, "https://docs.google.com/spreadsheets/d/1Nope/edit#gid=0")
    sheet.config.write_text(text)
    result = run_cli("sync", "--config", sheet.config, "--now", MON)
    emulator.clear_faults()
    assert result.code == code
    assert message in result.err, result.err
    assert ("is not shared with" in result.err) == (problem == "not shared"), result.err
    last = result.err.strip().splitlines()[-1]
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) <= 2
    assert "<" not in last and "{" not in last and "('" not in last  # no HTML, JSON or tuple


def _other_pem(problem: str, pem: str) -> str | None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    if problem == "no key text":
        return None
    if problem == "EC key":
        key = ec.generate_private_key(ec.SECP256R1())
        encryption: serialization.KeySerializationEncryption = serialization.NoEncryption()
    else:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        encryption = serialization.BestAvailableEncryption(b"rahasia")
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    ).decode()


def test_a_pasted_spreadsheet_address_is_taken_for_its_id(sheet):
    address = f"https://docs.google.com/spreadsheets/d/{sheet.id}/edit#gid=0"
    sheet.config.write_text(sheet.config.read_text().replace(f'"{sheet.id}"', f'"{address}"'))
    sheet.add_rows({"Prosedur": "rka", "Judul": "x"})
    result = sheet.sync(MON)
    assert result.code == 0, result.err
    assert sheet.table()[0]["Status"] == "Berjalan"


def test_the_endpoint_carries_the_token_request_too(emulator, tmp_path):
    """[google] endpoint (for tests) sends API and token requests to one base URL: a key
    whose token_uri names Google's token service still works against the emulator."""
    sheet = GoogleSheet(emulator, tmp_path)
    info = json.loads(sheet.key.read_text())
    info["token_uri"] = "https://oauth2.googleapis.com/token"
    sheet.key.write_text(json.dumps(info))
    emulator.reset_counters()
    sheet.add_rows({"Prosedur": "rka", "Judul": "x"})
    assert sheet.sync(MON).code == 0
    assert emulator.counters["token"] >= 1


# --- views for supervisors -----------------------------------------------------------------


def visible(view: dict, table: list[dict], headers: list[object]) -> list[dict]:
    """The rows a filter view shows, by its filterSpecs (TEXT_EQ conditions, hiddenValues)."""
    shown = []
    for row in table:
        keep = True
        for spec in view.get("filterSpecs", []):
            value = row.get(headers[spec["columnIndex"]])
            text = "" if value is None else str(value)
            criteria = spec["filterCriteria"]
            if text in criteria.get("hiddenValues", []):
                keep = False
            condition = criteria.get("condition")
            if condition:
                keep = keep and _meets(condition, text, headers, spec["columnIndex"])
        if keep:
            shown.append(row)
    return shown


def _meets(condition: dict, text: str, headers: list[object], column: int) -> bool:
    """TEXT_EQ, or the CUSTOM_FORMULA ``=REGEXMATCH($G2, "…")`` on the spec's own column."""
    value = condition["values"][0]["userEnteredValue"]
    if condition["type"] == "TEXT_EQ":
        return text == value
    assert condition["type"] == "CUSTOM_FORMULA", condition
    match = re.fullmatch(r'=REGEXMATCH\(\$([A-Z]+)2, "(.*)"\)', value)
    assert match, value
    assert match[1] == chr(ord("A") + column), "the formula reads the view's own column"
    return re.search(match[2].replace('""', '"'), text) is not None


def test_filter_views_show_each_actor_their_open_queue(emulator, tmp_path):
    """A queue is found by role, so it still works when Pelaksana names who holds it."""
    sheet = GoogleSheet(emulator, tmp_path, '[people]\nSekcam = "Budi Santoso"\n')
    assert sheet.cli("init").code == 0
    dokumen = sheet.book.sheet(c.DOKUMEN)
    dokumen.filter_views.append({"filterViewId": 77, "title": "Punya Budi", "range": {}})
    assert sheet.cli("init").code == 0  # again: nothing doubled, the staff's view kept
    titles = [v["title"] for v in dokumen.filter_views]
    assert len(titles) == len(set(titles)) and "Punya Budi" in titles
    assert {"Antrean Sekcam", "Antrean Camat", "Terlambat dan tidak valid", "Selesai"} <= set(
        titles
    )
    sheet.add_rows(
        {"Prosedur": "rka", "Judul": "sekcam 1", "Langkah": 2},
        {"Prosedur": "iku", "Judul": "sekcam 2", "Langkah": 6},
        {"Prosedur": "iku", "Judul": "camat", "Langkah": 7},
        {"Prosedur": "rka", "Judul": "selesai", "Langkah": "Selesai"},
        {"Prosedur": "rka", "Judul": "salah", "Langkah": 99},
    )
    assert sheet.sync(MON).code == 0
    views = {v["title"]: v for v in dokumen.filter_views}
    table, headers = sheet.table(), sheet.headers()
    assert sorted(r["Judul"] for r in visible(views["Antrean Sekcam"], table, headers)) == [
        "sekcam 1",
        "sekcam 2",
    ]
    assert [r["Judul"] for r in visible(views["Antrean Camat"], table, headers)] == ["camat"]
    assert [r["Judul"] for r in visible(views["Selesai"], table, headers)] == ["selesai"]
    late_or_bad = visible(views["Terlambat dan tidak valid"], table, headers)
    assert [r["Judul"] for r in late_or_bad] == ["salah"]
    tenggat = headers.index("Tenggat")
    assert views["Antrean Sekcam"]["sortSpecs"] == [
        {"dimensionIndex": tenggat, "sortOrder": "ASCENDING"}
    ]


def langkah_choices(sheet: GoogleSheet, row: int) -> tuple[object, list[object]]:
    """A Dokumen row's Langkah dropdown: the SOP tab's title above the rows it offers, and
    what those rows of the (hidden) helper column say."""
    rule = sheet.book.sheet(c.DOKUMEN).data_validation(row, 3)
    source = rule["condition"]["values"][0]["userEnteredValue"]
    grid = sheet.grid("SOP")
    helper = list(grid[1]).index("Pilihan Langkah")
    letter = f"${'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[helper]}$"
    first, last = (int(x.strip(":")) for x in source.split(letter)[1:])
    return grid[first - 2][0], [grid[r - 1][helper] for r in range(first, last + 1)]


def test_langkah_offers_the_steps_of_the_rows_own_sop(sheet):
    """From the SOP tab's hidden helper column, with the column's help text."""
    sheet.add_rows({"Prosedur": "iku", "Judul": "x"})
    assert sheet.sync(MON).code == 0
    title, choices = langkah_choices(sheet, 1)
    assert title == "Penyusunan Indikator Kinerja Utama (IKU) — kode: iku"
    assert choices[0] == "1 - Perintah untuk menyusun IKU"
    assert choices[3].startswith("4 - ") and len(choices) == 12
    assert choices[-3:] == ["Selesai", "Ya", "Tidak"]  # iku decides at step 5
    rule = sheet.book.sheet(c.DOKUMEN).data_validation(1, 3)
    assert rule["strict"] is False
    assert rule["inputMessage"].endswith("Jika kosong, dianggap langkah 1.")
    helper = list(sheet.grid("SOP")[1]).index("Pilihan Langkah")
    assert sheet.book.sheet("SOP").col_props[helper]["hiddenByUser"] is True
    assert sheet.table()[0]["Langkah"] is None  # the staff cell itself untouched


def test_dropdowns_follow_the_sop_tab_when_the_catalog_changes(sheet, tmp_path):
    sheet.add_rows({"Prosedur": "monev", "Judul": "m"}, {"Prosedur": "iku", "Judul": "i"})
    assert sheet.sync(MON).code == 0
    folder = tmp_path / "sop-kantor"
    folder.mkdir()
    extra = (Path(__file__).parents[1] / "sop_models" / "catalog" / "iku.yaml").read_text()
    one_more_step = (  # the office's IKU gets a tenth step: every later SOP's block shifts
        "\n  - number: 10\n    activity: Mengarsipkan IKU\n    actor: Kasubag Umum\n"
        "    waktu: 15 menit\n"
    )
    (folder / "iku.yaml").write_text(extra.rstrip("\n") + one_more_step)
    sheet.config.write_text(sheet.config.read_text() + f'\n[sop]\nfolders = ["{folder}"]\n')
    assert sheet.sync("2026-11-30T08:05").code == 0
    for row, code in ((1, "monev"), (2, "iku")):
        title, choices = langkah_choices(sheet, row)
        assert str(title).endswith(f" — kode: {code}") and str(choices[0]).startswith("1 - ")


@pytest.mark.parametrize("mode", ["enforce", "warning"])
def test_worker_ranges_are_protected_for_the_service_account_and_admins(emulator, tmp_path, mode):
    sheet = GoogleSheet(
        emulator, tmp_path, f'admins = ["camat@kecamatan.go.id"]\nprotection = "{mode}"\n'
    )
    assert sheet.cli("init").code == 0
    email = json.loads(sheet.key.read_text())["client_email"]
    ranges = [
        p for s in sheet.book.sheets for p in s.protected_ranges if p["description"] != layout.TOKEN
    ]
    assert len(ranges) == len(expected_protections()) - 1
    for protected in ranges:
        column = "startColumnIndex" in protected["range"]
        if column:  # a worker column of a table staff sort and delete rows of only warns
            assert protected["warningOnly"] is True and "editors" not in protected
        elif mode == "enforce":
            assert not protected.get("warningOnly")
            assert sorted(protected["editors"]["users"]) == sorted([email, "camat@kecamatan.go.id"])
        else:
            assert protected["warningOnly"] is True and "editors" not in protected


def test_init_lets_staff_sort_a_sheet_whose_worker_columns_an_older_release_locked(sheet):
    """A sheet from a release that locked Dokumen's worker columns for staff: staff cannot
    sort it (Sheets refuses); init turns those protections into warnings, and they can."""
    sheet.add_rows({"Prosedur": "rka", "Judul": "b"}, {"Prosedur": "iku", "Judul": "a"})
    assert sheet.sync(MON).code == 0
    dokumen = sheet.book.sheet(c.DOKUMEN)
    with sheet.book.lock():
        for protected in dokumen.protected_ranges:
            protected["warningOnly"] = False
            protected["editors"] = {"users": [json.loads(sheet.key.read_text())["client_email"]]}
    with pytest.raises(ApiError, match="protected cell"):
        sheet.sort("Judul")
    result = sheet.cli("init")
    assert "removed 6 wrong or duplicate protections of Dokumen" in result.out, result.out
    sheet.sort("Judul")
    assert [row["Judul"] for row in sheet.table()] == ["a", "b"]
    assert sheet.sync("2026-11-30T08:05").code == 0
    assert [row["Prosedur"] for row in sheet.table()] == ["iku", "rka"]


def test_admin_tabs_are_read_whole_and_their_pesan_written(sheet):
    """Pegawai and Kalender come in the cycle's one read, uninterpreted (dates as date-times),
    and a Pesan the cycle has for one of their rows lands in that row."""
    assert sheet.cli("init").code == 0
    kalender = sheet.book.sheet("Kalender")
    kalender.type_value(1, 0, "2026-12-24")
    kalender.set_value(1, 1, "Libur")
    kalender.set_value(2, 0, "besok")
    made = backend(sheet)
    snapshot = made.read()
    rows = snapshot.tables["Kalender"].rows
    assert rows[0][:2] == [datetime(2026, 12, 24), "Libur"] and rows[1][0] == "besok"
    made.write(Changes(pesan={"Kalender": {1: "Tanggal tidak dikenali."}}), snapshot.basis)
    assert sheet.table("Kalender")[1]["Pesan"] == "Tanggal tidak dikenali."
    assert sheet.table("Kalender")[0]["Pesan"] is None
