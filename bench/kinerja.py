"""``python -m bench.kinerja [--sizes 10000,100000] [--out FILE]``: the cost of a Kinerja refresh.

What a refresh adds to a cycle, beyond reading Riwayat in its one read: turning the
Riwayat rows (as a backend reads them: naive local date-times, numbers, text) into
entries (``ledger.read_history``), the semester's measures (``monitoring.measures``) and
the tab's grid (``monitoring.kinerja``); and, for comparison, ``laporan`` writing its
.xlsx and .pdf. Each size runs in a fresh child process. CPU is that process's own
(user + system) for the step; memory is the step's peak of Python allocations still
alive (``tracemalloc``, in a second run of the step, as tracing slows it down): what the
step adds to the cycle's peak. The child's whole peak resident set is reported too.

The Riwayat is a semester of documents walked through the catalog's steps (times drawn
around Mutu Baku, some returns, about 5% rejected attempts), about ten entries each.

Then the refresh inside a real cycle (``--cycles``, on by default): an office on each
backend with one Dokumen row for every ten Riwayat rows, taken over by the worker, its
Riwayat filled to the size; on each measured day the first cycle (09:00, told by the
local record that Kinerja is due: Riwayat in its one read, the tab rewritten) and a plain
cycle five minutes later (Riwayat not read), each a ``sopsync sync`` in its own child
process (``bench.child``), the Google one against the Sheets API emulator.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SIZES = (10_000, 100_000)
NOW = "2026-12-15T09:00"
"""The cycle's clock: late in the second semester of 2026, which the Riwayat fills."""
CYCLE = {  # bench/RESULTS.md at 10,000 Dokumen rows: worker CPU s, peak RSS MB
    "xlsx idle": (0.654, 66),
    "xlsx busy": (1.004, 110),
    "google idle": (0.343, 84),
    "google busy": (0.390, 89),
}


def riwayat_rows(size: int, seed: int = 1) -> list[list[object]]:
    """``size`` Riwayat rows in RIWAYAT_COLUMNS order, as a backend reads the cells."""
    from sop_models import DONE, Duration, load_catalog
    from syncer.calendar import WorkingCalendar
    from syncer.engine import EntryKind, HistoryEntry
    from syncer.ledger import history_cells

    rng = random.Random(seed)
    catalog = load_catalog()
    procedures = list(catalog)
    calendar = WorkingCalendar()
    zone = calendar.zone
    first = datetime.combine(date(2026, 7, 1), clock(), zone)
    rows: list[list[object]] = []
    doc = 0
    while len(rows) < size:
        doc += 1
        proc = rng.choice(procedures)
        start = calendar.add(first, Duration(1 + rng.randrange(100 * 450), "menit"))
        doc_id = f"{proc.prefix}-2026-{doc:06d}"
        history = [HistoryEntry(start, doc_id, proc.code, None, 1, "Staf", None, "mulai")]
        here: int | None = 1
        moment = start
        while here is not None and len(history) < 40:
            step = proc.step(here)
            standard = step.duration.minutes if step.duration and step.duration.minutes else 450
            taken = max(1, round(standard * rng.lognormvariate(-0.3, 0.6)))
            moment = calendar.add(moment, Duration(taken, "menit"))
            if rng.random() < 0.05:
                note = "ditolak: Langkah tidak sah."
                history.append(
                    HistoryEntry(
                        moment, doc_id, proc.code, here, None, "", None, note, EntryKind.REJECTED
                    )
                )
            target = proc.next_steps(here)[0]
            if step.decision is not None and rng.random() < 0.25:
                target = step.decision.tidak
            history.append(HistoryEntry(moment, doc_id, proc.code, here, target, "", None, ""))
            here = target if isinstance(target, int) else None
            assert here is not None or target is DONE
        rows += [history_cells(entry, zone) for entry in history]
    return rows[:size]


def _rss_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _step(name: str, figures: dict[str, Any], work: Any) -> Any:
    """Run ``work()``: its CPU seconds, then (run again, traced) its peak of allocations."""
    import resource
    import tracemalloc

    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    result = work()
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (usage1.ru_utime - usage0.ru_utime) + (usage1.ru_stime - usage0.ru_stime)
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figures[name] = {"cpu": cpu, "peak_mb": peak / 2**20}
    return result


def child(size: int, folder: Path) -> dict[str, Any]:
    import gc

    from sop_models import load_catalog
    from syncer.calendar import WorkingCalendar
    from syncer.config import LaporanConfig
    from syncer.contract import RIWAYAT_COLUMNS
    from syncer.ledger import read_history
    from syncer.monitoring.kinerja import kinerja_tab
    from syncer.monitoring.laporan import make_laporan
    from syncer.monitoring.laporan_pdf import write_pdf
    from syncer.monitoring.laporan_xlsx import write_xlsx
    from syncer.monitoring.measures import Period, measure

    catalog, calendar = load_catalog(), WorkingCalendar()
    now = datetime.fromisoformat(NOW).replace(tzinfo=calendar.zone)
    calendar.working_minutes(now.replace(month=1, day=1), now)  # the year's tables, built once
    rows = riwayat_rows(size)
    gc.collect()
    gc.disable()  # as in a cycle (syncer.cycle.cyclic_gc_paused)
    figures: dict[str, Any] = {"rows": len(rows), "rss_with_rows_mb": _rss_mb("VmRSS")}
    entries, _ = _step(
        "read_history", figures, lambda: read_history(RIWAYAT_COLUMNS, rows, calendar.zone)
    )
    period = Period.semester(now.date())
    measures = _step("measure", figures, lambda: measure(entries, catalog, calendar, period, now))
    _step("grid", figures, lambda: kinerja_tab(entries, catalog, calendar, now))
    figures["refresh"] = {  # the entries stay alive while the grid is made
        "cpu": figures["read_history"]["cpu"] + figures["grid"]["cpu"],
        "peak_mb": figures["read_history"]["peak_mb"] + figures["grid"]["peak_mb"],
    }
    report = make_laporan(entries, catalog, calendar, LaporanConfig(), period, now)
    _step("laporan_xlsx", figures, lambda: write_xlsx(report, folder / f"laporan-{size}.xlsx"))
    _step("laporan_pdf", figures, lambda: write_pdf(report, folder / f"laporan-{size}.pdf"))
    figures["moves_measured"] = sum(p.measured for p in measures.procedures)
    figures["peak_rss_mb"] = _rss_mb("VmHWM")
    return figures


FIRST_SYNC = "2026-09-01T09:00"
SETTLE = "2026-12-14T09:00"
"""A Monday: the worker's first cycle of the day after Riwayat was filled (it refreshes)."""
DAYS = ("2026-12-15", "2026-12-16", "2026-12-17")
"""Measured days: the refresh at 09:00, the plain cycle at 09:05."""


def fill_riwayat(office: Any, rows: list[list[object]]) -> None:
    """Append ``rows`` to the office's Riwayat as if earlier cycles had logged them."""
    if office.kind == "xlsx":
        from openpyxl import load_workbook

        from syncer.backends.xlsx_cells import set_value

        book = load_workbook(office.path)
        sheet = book["Riwayat"]
        start = sheet.max_row + 1
        for r, values in enumerate(rows, start=start):
            for col, value in enumerate(values, start=1):
                set_value(sheet.cell(r, col), value)
        book.save(office.path)
        return
    sheet = office.emu.spreadsheet(office.id).sheet("Riwayat")
    start = sheet.used_rows()
    for r, values in enumerate(rows, start=start):
        for col, value in enumerate(values):
            sheet.set_value(r, col, value)


def riwayat_count(office: Any) -> int:
    if office.kind == "xlsx":
        from openpyxl import load_workbook

        return int(load_workbook(office.path, read_only=True)["Riwayat"].max_row) - 1
    return int(office.emu.spreadsheet(office.id).sheet("Riwayat").used_rows()) - 1


def office_cycles(office: Any, size: int, runs: int) -> dict[str, Any]:
    """The refresh cycle and the plain cycle of an office whose Riwayat has ``size`` rows."""
    from bench.measure import progress
    from bench.run import cycle_figures, medians
    from bench.sheets import documents, moves
    from sop_models import load_catalog

    label = f"{office.kind} {size:,} Riwayat rows"
    catalog = load_catalog()
    docs = documents(max(10, size // 10), catalog)
    rng = random.Random(f"kinerja:{size}")

    def sync_after_moves(now: str) -> Any:
        """Staff moved 1% of the documents: the cycle writes, refresh or not."""
        office.edit(moves(docs, catalog, max(1, len(docs) // 100), rng))
        return office.sync(now)

    office.build(docs)
    office.init()
    office.sync(FIRST_SYNC)
    fill_riwayat(office, riwayat_rows(size - riwayat_count(office)))
    progress(f"{label}: settling")
    office.sync(SETTLE)
    refresh, plain = [], []
    for day in DAYS[:runs]:
        first, later = sync_after_moves(f"{day}T09:00"), sync_after_moves(f"{day}T09:05")
        for child, refreshed in ((first, True), (later, False)):
            read = child.result["riwayat_read"]
            planned = (read is not None, "Kinerja" in child.result["tabs"], True)
            if planned != (refreshed, refreshed, child.result["written"]):
                raise SystemExit(f"{label} {day}: the cycle did not go as planned")
        refresh.append({**cycle_figures(first), "riwayat_read": first.result["riwayat_read"]})
        plain.append(cycle_figures(later))
        progress(
            f"{label} {day}: refresh {refresh[-1]['cpu']:.2f} s CPU {refresh[-1]['rss_mb']:.0f} MB,"
            f" plain {plain[-1]['cpu']:.2f} s CPU {plain[-1]['rss_mb']:.0f} MB"
        )
    return {"refresh": medians(refresh), "plain": medians(plain)}


def cycles(sizes: list[int], runs: int) -> dict[int, dict[str, Any]]:
    import shutil
    import tempfile

    from bench.office import GoogleOffice, XlsxOffice
    from tests.emulator import Emulator

    work = Path(tempfile.mkdtemp(prefix="sopsync-kinerja-"))
    emu = Emulator(check_responses=False)
    emu.start()
    try:
        return {
            size: {
                "xlsx": office_cycles(XlsxOffice(work / f"xlsx-{size}"), size, runs),
                "google": office_cycles(GoogleOffice(emu, work / f"google-{size}"), size, runs),
            }
            for size in sizes
        }
    finally:
        emu.stop()
        shutil.rmtree(work, ignore_errors=True)


def _cycle_table(results: dict[int, dict[str, Any]], runs: int) -> str:
    lines = [
        f"Medians of {runs} days per size. Before each cycle staff moved 1% of the documents,"
        " so both cycles write. A cycle's own CPU and wall time (start-up apart), the child's"
        " peak RSS; on Google the read requests and the bytes they brought (the wall time"
        " includes the emulator's serving, in the parent process).",
        "",
        "| Riwayat rows | Dokumen rows | backend | plain cycle | refresh cycle"
        " | the refresh adds |",
        "|---|---|---|---|---|---|",
    ]
    for size, by_backend in results.items():
        for name, f in by_backend.items():
            plain, refresh = f["plain"], f["refresh"]
            cells = [_cycle_cell(plain, name), _cycle_cell(refresh, name)]
            added = (
                f"{refresh['cpu'] - plain['cpu']:+.2f} s CPU,"
                f" {refresh['rss_mb'] - plain['rss_mb']:+.0f} MB"
            )
            docs = f"{max(10, size // 10):,}"
            lines.append(f"| {size:,} | {docs} | {name} | " + " | ".join(cells) + f" | {added} |")
    return "\n".join(lines)


def _cycle_cell(f: dict[str, Any], backend: str) -> str:
    text = f"{f['cpu']:.2f} s CPU, {f['wall']:.2f} s wall, {f['rss_mb']:.0f} MB"
    if backend == "google":
        text += f", {f['reads']:.0f} read ({f['read_bytes'] / 2**20:.1f} MiB)"
    return text


def _medians(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each figure's median over the runs (nested step figures included)."""
    first = runs[0]
    out: dict[str, Any] = {}
    for key, value in first.items():
        if isinstance(value, dict):
            out[key] = _medians([run[key] for run in runs])
        else:
            out[key] = statistics.median(run[key] for run in runs)
    return out


def _table(results: dict[int, dict[str, Any]], runs: int) -> str:
    steps = ("read_history", "measure", "refresh", "laporan_xlsx", "laporan_pdf")
    lines = [
        f"Medians of {runs} runs per size.",
        "",
        "| Riwayat rows | read_history | measures | Kinerja refresh (all three)"
        " | laporan .xlsx | laporan .pdf | child peak RSS |",
        "|---|---|---|---|---|---|---|",
    ]
    for size, f in results.items():
        cells = [f"{f[k]['cpu']:.3f} s, {f[k]['peak_mb']:.1f} MB" for k in steps]
        lines.append(f"| {size:,} | " + " | ".join(cells) + f" | {f['peak_rss_mb']:.0f} MB |")
    lines += [
        "",
        "Each step: CPU seconds, and its peak of Python allocations (tracemalloc): what it"
        " adds to the cycle's peak. The refresh is read_history, then the measures and the"
        " grid (kinerja_tab) while the entries are alive. The child's peak RSS includes the"
        " interpreter, the catalog, the Riwayat rows as read and the report writers.",
        "",
        "For comparison, a plain cycle at 10,000 Dokumen rows (bench/RESULTS.md), worker CPU"
        " and peak RSS: "
        + "; ".join(f"{name} {cpu:.3f} s, {rss} MB" for name, (cpu, rss) in CYCLE.items())
        + ".",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.kinerja", description=__doc__)
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--runs", type=int, default=3, help="children per size (medians)")
    parser.add_argument(
        "--no-cycles", action="store_true", help="the steps alone, not inside real cycles"
    )
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.folder)))
        return 0
    import tempfile

    results: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            runs = []
            for _ in range(args.runs):
                done = subprocess.run(
                    [sys.executable, "-m", "bench.kinerja", "--child", str(size)]
                    + ["--folder", folder],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if done.returncode != 0:
                    print(done.stderr, file=sys.stderr)
                    return 1
                runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
            results[size] = _medians(runs)
            print(f"[bench.kinerja] {size:,} rows: {json.dumps(results[size])}", file=sys.stderr)
    table = "## The refresh's steps\n\n" + _table(results, args.runs)
    if not args.no_cycles:
        sizes = [int(s) for s in args.sizes.split(",")]
        found = cycles(sizes, args.runs)
        table += "\n\n## Inside a real cycle\n\n" + _cycle_table(found, args.runs)
    print(table)
    if args.out:
        args.out.write_text(f"# Kinerja refresh and laporan: cost by Riwayat size\n\n{table}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
