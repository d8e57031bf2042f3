"""``python -m bench.run [--quick]``: measure sopsync's cost per cycle; write bench/RESULTS.md.

For each size and backend: build an office's sheet (``bench.sheets``), let the worker
take it over (``init``, a first sync), age it (three rounds of staff moves weeks, days
and an hour before the measured morning), settle it, then measure at the same clock:

- a **busy** cycle: staff moved about 5% of the rows (valid next steps, a few invalid);
- an **idle** cycle: the second sync at the same ``--now``, nothing changed;

each as cron runs it, one ``sopsync sync`` per child process (``bench.child``), the
Google one against the Sheets API emulator serving in this process. Then the floors on
the very input of a busy cycle (json.loads of the read response, collector paused as
the worker decodes; openpyxl load + save of the workbook) and, for Google, the two
gspread peers doing that busy cycle's cell changes (``bench.naive``), and the cycle as
``sopsync run`` runs it: one long-lived worker, several cycles (``bench.loop``).

Then, once: cron's start-up (``bench.startup``), many sheets served by one ``run``
(``bench.many``) and, when the module exists, Riwayat's growth (``bench.riwayat``).

Each case's figures are written to the JSON file as soon as it ends; a case that fails
is recorded as failed (and reported so) and the others go on.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import loop, many, naive, report, startup
from bench.measure import Child, median, progress, run_child
from bench.office import GoogleOffice, XlsxOffice
from bench.sheets import STAFF_HEADERS, documents, moves

FULL = ((100, 3), (1_000, 3), (10_000, 3), (20_000, 2))
QUICK = ((100, 1), (1_000, 1))
FIRST_SYNC = "2026-09-01T09:00"
ROUNDS = (  # (clock, share of rows staff move before it)
    ("2026-11-10T10:00", 0.10),
    ("2026-11-23T14:00", 0.08),
    ("2026-11-24T08:00", 0.05),
)
NOW = "2026-11-24T09:00"
"""The measured morning (a Tuesday): the settling sync, then every busy and idle cycle."""
BUSY_SHARE = 0.05
FLOOR_REPS = 5
RUN_PLAN = ("idle", "busy", "idle", "busy", "idle", "busy")
"""The cycles of one ``sopsync run`` process (bench.loop): staff move rows before each busy
one; the last busy one is measured (its read kept for the floor)."""
BASELINE = Path(__file__).with_name("baseline.json")
RESULTS_JSON = Path(__file__).with_name("results.json")
QUICK_JSON = Path(tempfile.gettempdir()) / "sopsync-bench-quick.json"


def cycle_figures(child: Child) -> dict[str, Any]:
    """What one worker cycle cost."""
    result = child.result
    http = result["http"]
    wait = sum(max(0.0, h["wall"] - h["cpu"]) for h in http)
    reads = [h["response_bytes"] for h in http if h["method"] == "GET"]
    return {
        "requests": child.extra["requests"],
        "reads": child.extra["reads"],
        "writes": child.extra["writes"],
        "tokens": child.extra.get("tokens", 0),
        "write_bodies": child.extra["write_bodies"],
        "cpu": result["cycle"]["cpu"],
        "wall": result["cycle"]["wall"],
        "wall_no_wait": result["cycle"]["wall"] - wait,
        "process_cpu": child.cpu,
        "process_wall": child.wall,
        "startup_cpu": result["imports"]["cpu"] + result["setup"]["cpu"],
        "rss_mb": child.max_rss_mb,
        "rss_before_cycle_mb": result.get("rss_before_cycle_mb", float("nan")),
        "emulator_cpu": child.parent_cpu,
        "read_bytes": sum(reads),
        "load_cpu": sum(x["cpu"] for x in result["loads"]),
        "save_cpu": sum(x["cpu"] for x in result["saves"]),
        "cells": result["cells"],
        "records": result["records"],
        "history": result["history"],
        "counts": result["counts"],
    }


def medians(runs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"runs": len(runs)}
    for key, value in runs[0].items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[key] = median([r[key] for r in runs])
    out["requests_all"] = sorted({r["requests"] for r in runs})
    out["write_bodies"] = runs[-1]["write_bodies"]
    out["counts"] = runs[-1]["counts"]
    return out


def profile_cycle(office: Any, docs: list, catalog: Any, rng: random.Random) -> dict[str, Any]:
    """One more busy cycle, under cProfile in its child: the top functions."""
    import pstats

    office.edit(moves(docs, catalog, max(1, round(len(docs) * BUSY_SHARE)), rng))
    out = office.folder / "cycle.prof"
    child = run_child("profile", office.config, NOW, out)
    return {"cycle": child.result["cycle"], "top": report.top_functions(pstats.Stats(str(out)))}


def exercise(
    office: Any, n: int, reps: int, emu: Any | None, profile: bool = False
) -> dict[str, Any]:
    """Take one office from its own sheet to measured cycles; returns its figures."""
    from sop_models import load_catalog

    catalog = load_catalog()
    docs = documents(n, catalog)
    rng = random.Random(f"moves:{n}")
    label = f"{office.kind} {n:,} rows"
    office.build(docs)
    office.init()
    progress(f"{label}: first sync")
    first = cycle_figures(office.sync(FIRST_SYNC))
    for when, share in ROUNDS:
        office.edit(moves(docs, catalog, max(1, round(n * share)), rng))
        office.sync(when)
    office.sync(NOW)
    busy, idle = [], []
    before = after = None
    floor_input: Path | None = None
    for k in range(reps):
        office.edit(moves(docs, catalog, max(1, round(n * BUSY_SHARE)), rng))
        last = k == reps - 1
        if office.kind == "xlsx" and k == 0:
            floor_input = office.keep("busy-input.xlsx")
        if office.kind == "google" and last:
            before = office.worker_cells()
        # The read response is kept (for the decode floor) from the last run only: writing
        # it to disk costs the worker a few milliseconds.
        busy.append(cycle_figures(office.sync(NOW, capture="busy-read.json" if last else "")))
        if office.kind == "google" and last:
            after = office.worker_cells()
        idle.append(cycle_figures(office.sync(NOW)))
        progress(
            f"{label}: run {k + 1}/{reps}: busy {busy[-1]['requests']} requests"
            f" {busy[-1]['cpu']:.2f} s CPU, idle {idle[-1]['requests']} requests"
            f" {idle[-1]['cpu']:.2f} s CPU"
        )
    out: dict[str, Any] = {"first": first, "busy": medians(busy), "idle": medians(idle)}
    if office.kind == "google":
        out["floor"] = run_child("floor-json", office.folder / "busy-read.json", FLOOR_REPS).result
        assert before is not None and after is not None
        headers = [str(h) for h in after[0]]
        first_worker = len(STAFF_HEADERS)
        rows = naive.changed_rows(before, after, range(first_worker, len(headers)))
        key, sid = str(office.key), office.id
        for how in naive.PEERS:
            progress(f"{label}: {how} gspread peer, {len(rows)} changed rows")
            out[how] = attempt(
                lambda how=how: peer_figures(
                    naive.run(emu, key, sid, rows, first_worker, how, office.folder)
                )
            )
        progress(f"{label}: as `sopsync run` runs it, {len(RUN_PLAN)} cycles in one process")
        out["run"] = attempt(lambda: as_run(office, docs, catalog, rng))
    else:
        assert floor_input is not None
        floor = run_child("floor-xlsx", floor_input, max(2, min(reps, 3)))
        out["floor"] = floor.result
    if profile:
        progress(f"{label}: profiling a busy cycle")
        out["profile"] = attempt(lambda: profile_cycle(office, docs, catalog, rng))
    return out


def peer_figures(peer: naive.Naive) -> dict[str, Any]:
    return {**peer.__dict__, "requests": peer.requests, "quota_minutes": peer.quota_minutes}


def as_run(office: Any, docs: list, catalog: Any, rng: random.Random) -> dict[str, Any]:
    """The cycles of one ``sopsync run`` process on this office (``RUN_PLAN``)."""

    def between(done: int, _clock: float) -> str:
        if done >= len(RUN_PLAN):
            return "stop"
        if RUN_PLAN[done] == "busy":
            office.edit(moves(docs, catalog, max(1, round(len(docs) * BUSY_SHARE)), rng))
            return "capture" if done == len(RUN_PLAN) - 1 else "go"
        return "go"

    served = loop.serve(office.config, NOW, between)
    cycles = served.cycles
    failed = [c["failed"] for c in cycles if "failed" in c]
    if failed or len(cycles) != len(RUN_PLAN):
        raise RuntimeError(f"{len(cycles)} cycles of {len(RUN_PLAN)} planned; failed: {failed}")
    kinds = dict(enumerate(RUN_PLAN))
    last = {kind: max(k for k, v in kinds.items() if v == kind) for kind in ("busy", "idle")}
    return {
        "cycles": [{k: v for k, v in c.items() if k != "sent"} for c in cycles],
        "plan": list(RUN_PLAN),
        "first": cycles[0],
        "busy": cycles[last["busy"]],
        "idle": cycles[last["idle"]],
        "floor": served.final.get("floor", {}),
        "peak_rss_mb": served.final["peak_rss_mb"],
        "process_cpu": served.cpu,
        "emulator_cpu": served.parent_cpu,
    }


def attempt(case: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """A case's figures, or ``{"failed": what went wrong}``: the others go on."""
    try:
        return case()
    except (Exception, SystemExit) as exc:  # a failed case is reported as failed, not dropped
        progress(f"FAILED: {exc!r}")
        tail = traceback.format_exception(exc)[-6:]
        return {"failed": f"{type(exc).__name__}: {exc}".strip()[:2000], "trace": tail}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 rows, 1 run each")
    parser.add_argument(
        "--sizes", help="comma-separated row counts (3 runs each, 2 from 20,000 rows)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="report file (default bench/RESULTS.md; none with --quick: stdout only)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        metavar="ROWS",
        help="profile one more busy cycle at this size (cProfile; top functions in the report);"
        " default 10000 (none with --quick), 0 for none",
    )
    parser.add_argument(
        "--json",
        type=Path,
        help="raw figures as JSON, rewritten after each case (default bench/results.json;"
        f" with --quick {QUICK_JSON}); copy to bench/baseline.json to compare later runs with it",
    )
    parser.add_argument(
        "--before",
        type=Path,
        default=BASELINE,
        help="raw figures (--json) of an earlier run to compare with; default"
        " bench/baseline.json when it exists",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--label", default="", help="what source was measured (for the report)")
    parser.add_argument(
        "--render",
        type=Path,
        metavar="JSON",
        help="measure nothing: write the report again from the raw figures of a run (--json)",
    )
    args = parser.parse_args(argv)
    if args.render:
        return rerender(args)
    plan = QUICK if args.quick else FULL
    if args.profile is None:
        args.profile = 0 if args.quick else 10_000
    if args.sizes:
        plan = tuple((n, 2 if n >= 20_000 else 3) for n in map(int, args.sizes.split(",")))

    from tests.emulator import Emulator

    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="sopsync-bench-"))
    raw = args.json or (QUICK_JSON if args.quick else RESULTS_JSON)
    meta = {
        "source": args.label or report.source_state(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "argv": sys.argv[1:] if argv is None else argv,
        "elapsed": 0.0,
        "machine": report.machine(args.label),
        "complete": False,
    }
    figures: dict[str, Any] = {"meta": meta, "results": {}}

    def keep() -> None:  # after each case: a failed or killed run keeps what it measured
        meta["elapsed"] = time.perf_counter() - started
        raw.write_text(json.dumps(figures, indent=1, default=str), encoding="utf-8")

    results: dict[int, dict[str, Any]] = figures["results"]
    emu = Emulator(check_responses=False)  # its schema self-check is for tests, not timing
    emu.start()
    try:
        for n, reps in plan:
            results[n] = {"reps": reps}
            for kind in ("xlsx", "google"):
                progress(f"{kind} {n:,} rows")
                office = (
                    XlsxOffice(work / f"xlsx-{n}")
                    if kind == "xlsx"
                    else GoogleOffice(emu, work / f"google-{n}")
                )
                results[n][kind] = attempt(
                    lambda o=office, n=n, r=reps: exercise(o, n, r, emu, n == args.profile)
                )
                keep()
        progress(f"cron start-up: a {startup.ROWS}-row sync against a bare openpyxl import")
        rounds = 3 if args.quick else startup.ROUNDS
        figures["startup"] = attempt(lambda: startup.measure(rounds))
        keep()
        sheets, rows, minutes = many.QUICK if args.quick else many.FULL
        progress(f"many sheets: {sheets} × {rows:,} rows, one `run`, {minutes} simulated minutes")
        figures["many"] = attempt(lambda: many.measure(emu, work / "many", sheets, rows, minutes))
        keep()
        figures["riwayat"] = riwayat_growth(work / "riwayat", args.quick)
        meta["complete"] = True
        keep()
    finally:
        emu.stop()
        if args.keep:
            progress(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - started
    before = report.load_figures(args.before) if args.before and args.before.exists() else None
    text = report.render(figures, elapsed, label=args.label, before=before)
    out = args.out or (None if args.quick else Path(__file__).with_name("RESULTS.md"))
    if out is not None:
        out.write_text(text, encoding="utf-8")
    print(text if out is None else report.targets_text(figures))
    wrote = f"; wrote {out}" if out else ""
    progress(f"done in {elapsed / 60:.1f} min; figures in {raw}{wrote}")
    return 0


def riwayat_growth(folder: Path, quick: bool) -> dict[str, Any]:
    """Riwayat's growth: a workbook cycle at 10,000 and 100,000 Riwayat rows, before and
    after the workbook stopped rewriting Riwayat (``bench.riwayat``, from branch
    ``workbookio``: its ``checkout``, ``office_cycles`` and ``table``), when it exists."""
    try:
        from bench import riwayat  # type: ignore[attr-defined]
    except ImportError:
        return {"missing": "bench/riwayat.py (branch workbookio) is not on this branch yet"}
    if quick:
        return {"missing": "not measured by a --quick run"}
    progress("Riwayat growth (bench.riwayat)")

    def measure() -> dict[str, Any]:
        before = riwayat.checkout(riwayat.BEFORE, folder / "before-checkout")
        runs = 3
        sizes = {n: riwayat.office_cycles(n, runs, folder, before) for n in riwayat.SIZES}
        return {"sizes": sizes, "table": riwayat.table(sizes, runs)}

    return attempt(measure)


def rerender(args: argparse.Namespace) -> int:
    """The report from saved raw figures (after a change to the report itself)."""
    figures = report.load_figures(args.render)
    before = report.load_figures(args.before) if args.before and args.before.exists() else None
    elapsed = figures["meta"].get("elapsed", float("nan"))
    text = report.render(figures, elapsed, label=args.label, before=before)
    out = args.out or Path(__file__).with_name("RESULTS.md")
    out.write_text(text, encoding="utf-8")
    progress(f"wrote {out} from {args.render}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
