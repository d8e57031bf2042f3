"""`sopsync run`: the loop of cycles, driven by a fake clock (no test waits for real time)."""

from __future__ import annotations

import gc
import json
import queue
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
import structlog
from openpyxl.workbook.workbook import Workbook as Book
from structlog.testing import capture_logs

from sop_models import CatalogError
from syncer import contract as c
from syncer import logs
from syncer.backends import BackendError, Busy, Misconfigured
from syncer.cli import make_rules, parse_now, sync_once
from syncer.config import Config, ConfigError, WorkerConfig, load_config
from syncer.cycle import Report
from syncer.tally import Attention
from syncer.worker import Job, run_forever, stop_on_signals
from tests.fake_clock import FakeClock
from tests.sheets import XlsxSheet

NOW = datetime.fromisoformat("2026-11-30T08:00+07:00")


class Script:
    """A cycle that plays given outcomes (a Report, or an exception to raise), then stops."""

    def __init__(self, clock: FakeClock, outcomes: list[Report | Exception], takes: float = 0):
        self.clock = clock
        self.takes = takes
        self.outcomes: Iterator[Report | Exception] = iter(outcomes)
        self.left = len(outcomes)
        self.starts: list[float] = []
        self.stop = threading.Event()

    def __call__(self) -> Report:
        self.starts.append(self.clock.now)
        self.clock.now += self.takes
        self.left -= 1
        if self.left == 0:
            self.stop.set()
        outcome = next(self.outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def config(interval: float = 300, failures_before_error: int = 3) -> Config:
    worker = WorkerConfig(interval_seconds=interval, failures_before_error=failures_before_error)
    return Config(worker=worker)


def one(settings: Config, cycle: Callable[[], Report]) -> list[Job]:
    """The loop of a configuration without [[sheets]]: one sheet."""
    return [Job.of(settings, cycle)]


def play(outcomes: list[Report | Exception], **settings: float) -> tuple[Script, FakeClock, list]:
    clock = FakeClock()
    script = Script(clock, outcomes)
    with capture_logs() as captured:
        assert run_forever(one(config(**settings), script), script.stop, clock, clock.wait) == 0
    return script, clock, captured


def ok() -> Report:
    return Report(now=NOW)


def events(logs: list[dict], name: str) -> list[dict]:
    return [e for e in logs if e["event"] == name]


def test_cycles_start_every_interval_from_the_start_of_the_last_one():
    clock = FakeClock()
    script = Script(clock, [ok()] * 3, takes=40)
    with capture_logs():
        run_forever(one(config(300), script), script.stop, clock, clock.wait)
    assert script.starts == [0, 300, 600]
    assert clock.pauses == [260, 260]


def test_a_failed_cycle_is_retried_once_after_the_logged_delay_not_also_at_the_interval():
    script, clock, logs = play([BackendError("x"), ok(), ok()], interval=6)
    assert script.starts == [0, 5, 11]  # before: a retry at 5 and the regular cycle at 6
    assert events(logs, "cycle failed")[0]["retry_in"] == 5.0


def test_failures_back_off_5_10_20_seconds_up_to_the_interval_then_resume_the_pace():
    failures: list[Report | Exception] = [Busy("open in Excel")] * 6
    script, clock, logs = play([*failures, ok(), ok()], interval=60)
    assert script.starts == [0, 5, 15, 35, 75, 135, 195, 255]
    assert [e["retry_in"] for e in events(logs, "cycle failed")] == [5, 10, 20, 40, 60, 60]


def test_a_cycle_that_keeps_failing_rises_from_warning_to_error():
    _, _, logs = play([BackendError("unreachable")] * 4 + [ok()], failures_before_error=3)
    failed = events(logs, "cycle failed")
    assert [e["log_level"] for e in failed] == ["warning", "warning", "error", "error"]
    assert [e["failures"] for e in failed] == [1, 2, 3, 4]
    assert failed[0]["reason"] == "unreachable"
    assert len(events(logs, "cycle done")) == 1


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_a_bug_in_a_cycle_is_one_error_line_and_the_worker_goes_on(fmt):
    logs.configure(fmt, verbose=True)
    _, _, captured = play([ZeroDivisionError("division by zero"), ok()])
    crashed = events(captured, "cycle crashed")
    assert crashed[0]["log_level"] == "error"
    assert crashed[0]["reason"] == "ZeroDivisionError: division by zero"
    # The traceback: in the JSON log's line; on a terminal only at debug level (-v).
    assert crashed[0].get("exc_info", False) is (fmt == "json")
    debug = events(captured, "traceback")
    assert [e["log_level"] for e in debug] == ([] if fmt == "json" else ["debug"])
    assert len(events(captured, "cycle done")) == 1


def test_a_configuration_that_cannot_work_stops_the_worker_at_its_first_cycle():
    with pytest.raises(Misconfigured):
        play([Misconfigured("service-account key k.json not found")])
    _, _, logs = play([ok(), Misconfigured("folder gone"), ok()])  # later: survived
    assert [e["event"] for e in logs if "cycle" in e["event"]] == [
        "cycle done",
        "cycle failed",
        "cycle done",
    ]


# --- many sheets ------------------------------------------------------------------------------


def test_each_sheet_keeps_its_pace_while_others_fail_back_off_and_crash_on_their_own():
    clock, stop = FakeClock(), threading.Event()
    starts: dict[str, list[float]] = {}

    def sheet(name: str, interval: float, outcome: Callable[[int], Report]) -> Job:
        def cycle() -> Report:
            starts.setdefault(name, []).append(clock.now)
            if clock.now >= 600:
                stop.set()
            return outcome(len(starts[name]))

        return Job(cycle, interval, failures_before_error=3, name=name)

    def unreachable(n: int) -> Report:
        raise BackendError("the Sheets API could not be reached")

    def bug_once(n: int) -> Report:
        return 1 / 0 if n == 1 else ok()  # type: ignore[return-value]

    def bad_sop_folder(n: int) -> Report:
        raise CatalogError(["sop-kantor/rka.yaml: step 3: [actor] 'Lurah' is not declared"])

    jobs = [
        sheet("ayah", 60, lambda n: ok()),
        sheet("buayan", 300, unreachable),
        sheet("cilacap", 120, bug_once),
        sheet("dayeuh", 300, bad_sop_folder),
    ]
    with capture_logs([structlog.contextvars.merge_contextvars]) as logs:  # the sheet's name
        assert run_forever(jobs, stop, clock, clock.wait) == 0
    assert starts["ayah"] == [60.0 * n for n in range(11)]  # never held up by the others
    assert starts["buayan"] == [0, 5, 15, 35, 75, 155, 315, 615][: len(starts["buayan"])]
    assert starts["cilacap"][:3] == [0, 5, 125]  # retried once, then its own pace
    assert starts["dayeuh"][:3] == [0, 5, 15]  # the admin may fix it: tried again
    failed = events(logs, "cycle failed")
    assert {e["sheet"] for e in failed} == {"buayan", "dayeuh"}
    assert [e["log_level"] for e in failed if e["sheet"] == "buayan"][2:4] == ["error"] * 2
    assert [e["sheet"] for e in events(logs, "cycle crashed")] == ["cilacap"]


def test_a_worker_whose_every_sheet_cannot_work_does_not_start():
    tried: list[str] = []

    def unusable(name: str) -> Callable[[], Report]:
        def cycle() -> Report:
            tried.append(name)
            raise Misconfigured("service-account key k.json not found")

        return cycle

    clock = FakeClock()
    jobs = [Job(unusable("a"), 60, name="a"), Job(unusable("b"), 60, name="b")]
    with capture_logs() as logs, pytest.raises(ConfigError) as stopped:
        run_forever(jobs, threading.Event(), clock, clock.wait)
    assert tried == ["a", "b"]  # each tried once: neither can work
    assert len(events(logs, "cycle failed")) == 1  # a's; b's is the error itself
    assert str(stopped.value) == 'sheet "b": service-account key k.json not found'
    assert isinstance(stopped.value.__cause__, Misconfigured)


def attention(status: c.Status, n: int, start: int = 2, late: bool = False) -> list[Attention]:
    return [
        Attention(row, f"RKA-2026-{row:04d}", status, "", late or status is c.Status.TERLAMBAT)
        for row in range(start, start + n)
    ]


def test_each_cycle_logs_its_counts_and_names_late_and_invalid_documents():
    report = Report(
        now=NOW,
        target="kantor.xlsx",
        counts=Counter({c.Status.BERJALAN: 4, c.Status.TERLAMBAT: 2, c.Status.TIDAK_VALID: 13}),
        attention=[
            *attention(c.Status.TERLAMBAT, 2),
            *attention(c.Status.TIDAK_VALID, 12, start=10),
            Attention(40, "", c.Status.TIDAK_VALID, "Prosedur belum diisi."),
            *attention(c.Status.TIDAK_VALID, 1, start=50, late=True),  # late all the same
        ],
    )
    _, _, logs = play([report])
    done = events(logs, "cycle done")[0]
    assert done["rows"] == 19 and done["target"] == "kantor.xlsx"
    assert done["counts"] == {"Berjalan": 4, "Terlambat": 2, "Tidak valid": 13}
    assert done["late"] == ["RKA-2026-0002", "RKA-2026-0003", "RKA-2026-0050"]
    assert "late_total" not in done
    assert done["invalid"] == [f"RKA-2026-{n:04d}" for n in range(10, 20)]
    assert done["invalid_total"] == 14


def test_a_row_without_an_id_is_named_by_its_row():
    report = Report(now=NOW, attention=[Attention(7, "", c.Status.TIDAK_VALID, "")])
    _, _, logs = play([report])
    assert events(logs, "cycle done")[0]["invalid"] == ["row 7"]


# --- with a real workbook ---------------------------------------------------------------------


def real_cycle(sheet: XlsxSheet) -> tuple[Config, Callable[[], Report]]:
    settings = load_config(sheet.config)
    rules = make_rules(settings)
    return settings, lambda: sync_once(settings, rules, parse_now("2026-11-30T08:00", rules))


def test_run_survives_a_broken_workbook_until_the_admin_removes_it(tmp_path):
    sheet = XlsxSheet(tmp_path)
    sheet.path.write_text("not a workbook")  # every cycle fails until it is fixed
    settings, cycle = real_cycle(sheet)
    clock, stop, outcomes = FakeClock(), threading.Event(), []

    def watched() -> Report:
        try:
            report = cycle()
        except BackendError as exc:
            outcomes.append(str(exc))
            if len(outcomes) == 2:
                sheet.path.unlink()  # the admin removes the broken file
            raise
        outcomes.append("done")
        stop.set()
        return report

    with capture_logs() as logs:
        assert run_forever(one(settings, watched), stop, clock, clock.wait) == 0
    assert outcomes == [f"{sheet.path} is not an Excel workbook"] * 2 + ["done"]
    assert c.DOKUMEN in sheet.tabs()  # the next cycle made the workbook
    assert [e["log_level"] for e in events(logs, "cycle failed")] == ["warning", "warning"]


def test_status_names_a_late_document_that_is_tidak_valid_among_the_late(tmp_path):
    """DESIGN §2: a Tidak valid row whose recorded step is past its Tenggat is still late."""
    sheet = XlsxSheet(tmp_path)
    sheet.add_rows({"Prosedur": "rka", "Judul": "x", "Langkah": 2})  # 30 menit
    assert sheet.sync("2026-11-30T08:00").code == 0
    sheet.set(2, "Langkah", 5)  # a skip, an hour later: Tidak valid, and late all the same
    synced = sheet.sync("2026-11-30T09:00")
    assert "Late: 1 (1 of them Tidak valid)." in synced.out
    lines = sheet.cli("status").out.splitlines()
    doc_id = sheet.table()[0]["ID"]
    assert f"  late (1): {doc_id}" in lines and f"  invalid (1): {doc_id}" in lines


def test_run_picks_up_staff_moves_cycle_after_cycle(tmp_path):
    sheet = XlsxSheet(tmp_path)
    sheet.add_rows({"Prosedur": "rka", "Judul": "x"})
    settings, cycle = real_cycle(sheet)
    clock, stop, seen = FakeClock(), threading.Event(), []

    def staff_between_cycles(seconds: float) -> bool:
        seen.append(sheet.table()[0]["Pelaksana"])
        sheet.set(2, "Langkah", len(seen) + 1)  # staff move the document on
        if len(seen) == 3:
            stop.set()
        return clock.wait(seconds)

    with capture_logs():
        run_forever(one(settings, cycle), stop, clock, staff_between_cycles)
    assert seen == ["Camat", "Sekcam", "Tim"]  # rka steps 1, 2, 3
    assert [r["Ke"] for r in sheet.table(c.RIWAYAT)] == [1, 2, 3]


def test_a_run_loop_frees_each_cycles_workbook_before_the_next(tmp_path):
    """A service must not grow: each cycle's workbook (full of reference cycles) is freed."""
    sheet = XlsxSheet(tmp_path)
    sheet.add_rows(*({"Prosedur": "rka", "Judul": f"dok {i}"} for i in range(20)))
    settings, cycle = real_cycle(sheet)
    clock, stop, alive = FakeClock(), threading.Event(), []

    def counted() -> Report:
        alive.append(sum(isinstance(o, Book) for o in gc.get_objects()))
        if len(alive) == 3:
            stop.set()
        return cycle()

    gc.collect()  # the workbooks this test wrote
    with capture_logs():
        assert run_forever(one(settings, counted), stop, clock, clock.wait) == 0
    assert alive == [0, 0, 0]
    assert sheet.table()[0]["Status"] == "Berjalan"


# --- the command --------------------------------------------------------------------------------


def sopsync(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "syncer.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


class Lines:
    """A child's stderr, line by line as it writes them (read by a thread: no polling)."""

    def __init__(self, stream) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        self.seen: list[dict] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.queue.put(line)
        self.queue.put("")

    def next_event(self, name: str) -> dict:
        """The next JSON log event ``name``; generous timeout, for a loaded machine."""
        while True:
            line = self.queue.get(timeout=120)
            assert line, f"the worker ended before {name!r}: {self.seen}"
            if line.startswith("{"):
                self.seen.append(json.loads(line))
                if self.seen[-1]["event"] == name:
                    return self.seen[-1]


def test_run_holds_the_lock_between_cycles_and_stops_cleanly_on_sigterm(tmp_path):
    sheet = XlsxSheet(tmp_path, '[worker]\nlog_format = "json"\n')
    sheet.add_rows({"Prosedur": "rka", "Judul": "x"})
    worker = subprocess.Popen(
        [sys.executable, "-m", "syncer.cli", "run", "--config", str(sheet.config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = Lines(worker.stderr)
    try:
        done = lines.next_event("cycle done")
        assert done["counts"] == {"Berjalan": 1} and done["written"] is True
        assert sheet.table()[0]["Status"] == "Berjalan"
        second = sopsync("sync", "--config", sheet.config)
        assert second.returncode == 75 and "another sopsync worker" in second.stderr
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=120)
    assert worker.returncode == 0, lines.seen
    assert lines.next_event("worker stopped")["signal"] == "SIGTERM"
    assert not (tmp_path / f".{sheet.path.name}.sopsync-lock").exists()
    stamp = datetime.fromisoformat(lines.seen[0]["timestamp"])
    assert stamp.utcoffset() == timedelta(hours=7)  # WIB, the configured zone


def test_a_signal_wakes_the_worker_and_its_handler_logs_nothing():
    """The handler runs wherever the main thread was, maybe inside a log line's print (its
    lock held, the pipe to journald full): one that logged would wait for that lock forever."""
    kept = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    main = threading.get_ident()
    try:
        stop = stop_on_signals()
        with capture_logs() as logged:
            sender = threading.Thread(target=signal.pthread_kill, args=(main, signal.SIGTERM))
            sender.start()
            assert stop.wait(120)  # woken, whether the signal came before or during the wait
            sender.join()
        assert logged == [] and stop.signal == "SIGTERM"
    finally:
        for sig, handler in kept.items():
            signal.signal(sig, handler)
