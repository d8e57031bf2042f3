"""Machine details and the RESULTS.md tables (medians), targets met or missed."""

from __future__ import annotations

import math
import os
import platform
import subprocess
import time
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("gspread", "openpyxl", "requests", "google-auth", "pydantic", "sopsync")
WRITE_LIMIT = 2_000_000
SOURCES = ("syncer", "sop_models", "tests/emulator")
"""What the figures depend on, for the uncommitted-changes note."""

TARGET_CPU_10K = 0.5
TARGET_DECODE_RATIO = 3.0
TARGET_XLSX_RATIO = 1.3
TARGET_RSS_MB = 250.0


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def source_state() -> str:
    """The commit measured, and which of its files had uncommitted changes (read-only git)."""
    try:
        got = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        if got.returncode != 0:
            return f"{ROOT} (not a git checkout)"
        head = got.stdout.strip()
        dirty = subprocess.run(
            # --no-optional-locks: status must not refresh (write) the index
            ["git", "--no-optional-locks", "status", "--porcelain", "--", *SOURCES],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.split("\n")
    except OSError:
        return "unknown (no git)"
    changed = [line[3:] for line in dirty if line.strip()]
    return f"commit {head}" + (
        f", with uncommitted changes in {', '.join(changed)}" if changed else ""
    )


def machine(label: str = "") -> list[tuple[str, str]]:
    rows = [
        ("CPU", cpu_model()),
        ("cores", str(os.cpu_count())),
        ("Python", platform.python_version()),
        ("OS", f"{platform.system()} {platform.release()}"),
    ]
    for name in PACKAGES:
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append((name, "not installed"))
    rows.append(("sopsync source", label or source_state()))
    return rows


# --- formatting -----------------------------------------------------------------------------


def _s(seconds: float) -> str:
    if seconds is None or math.isnan(seconds):
        return "–"
    if seconds < 0.01:
        return f"{seconds:.5f}"
    return f"{seconds:.3f}" if seconds < 10 else f"{seconds:.1f}"


def _mb(size: float) -> str:
    return f"{size / 1e6:.2f}"


def _x(ratio: float) -> str:
    return "–" if ratio is None or math.isnan(ratio) else f"{ratio:.2f}×"


def ok(results: dict[int, dict[str, Any]], kind: str) -> list[tuple[int, dict[str, Any]]]:
    """(rows, figures) of each size whose ``kind`` case was measured (not failed)."""
    return [
        (n, per[kind])
        for n, per in sorted(results.items())
        if isinstance(per.get(kind), dict) and "failed" not in per[kind]
    ]


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def _requests(figures: dict[str, Any]) -> str:
    seen = figures["requests_all"]
    return "/".join(str(r) for r in seen)


def _rw(figures: dict[str, Any]) -> str:
    return f"{figures['reads']:g} + {figures['writes']:g}"


# --- the report -----------------------------------------------------------------------------


def load_figures(path: Path) -> dict[str, Any]:
    """Raw figures written by ``bench.run``: {"meta": {...}, "results": {rows: ...}, ...}."""
    import json

    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    if "results" not in raw:  # figures alone, as the first runs wrote them
        raw = {"meta": {}, "results": raw}
    raw["results"] = {int(n): per for n, per in raw["results"].items()}
    return raw


def render(
    figures: dict[str, Any],
    elapsed: float,
    label: str = "",
    before: dict[str, Any] | None = None,
) -> str:
    from bench import sections
    from bench.targets import targets

    meta = figures.get("meta", {})
    results = figures["results"]
    command = " ".join(["python -m bench.run", *meta.get("argv", [])])
    partial = []
    if not meta.get("complete", True):
        partial.append("**Partial run: it stopped before its last case.**")
    if meta.get("argv") and any(a.startswith("--sizes") or a == "--quick" for a in meta["argv"]):
        partial.append("**Partial run: not every size of the full benchmark.**")
    lines = [
        "# sopsync benchmarks: cost per cycle",
        "",
        f"Measured by `{command}` on {meta.get('date') or time.strftime('%Y-%m-%d %H:%M %Z')}"
        f" in {elapsed / 60:.1f} minutes. Do not edit: run the command again.",
        *(["", " ".join(partial)] if partial else []),
        *(["", *meta["notes"]] if meta.get("notes") else []),
        "",
        "## Machine",
        "",
        *_table(["", ""], [[k, v] for k, v in (meta.get("machine") or machine(label))]),
        "",
        "## Targets (issues 5 and 19)",
        "",
        *_table(
            ["target", "measured", "verdict"],
            [[name, figs, f"**{verdict}**"] for name, figs, verdict in targets(figures)],
        ),
        "",
        *sections.failed(figures),
        *_before_after_section(results, before),
        *_requests_section(results),
        *sections.peers(results),
        *_google_section(results),
        *sections.as_run(results),
        *_xlsx_section(results),
        *sections.startup(figures.get("startup")),
        *sections.many(figures.get("many"), results),
        *sections.riwayat(figures.get("riwayat")),
        *_scaling_section(results),
        *_profile_section(results),
        *_method_section(results),
    ]
    return "\n".join(lines) + "\n"


def targets_text(figures: dict[str, Any]) -> str:
    from bench.targets import targets

    return "\n".join(f"{verdict:>7}  {name}: {figs}" for name, figs, verdict in targets(figures))


def _requests_section(results: dict[int, dict[str, Any]]) -> list[str]:
    rows = []
    for kind in ("xlsx", "google"):
        for n, fig in ok(results, kind):
            first, busy, idle = fig["first"], fig["busy"], fig["idle"]
            rows.append(
                [
                    f"{n:,}",
                    kind,
                    f"{_rw(first)} ({_mb(sum(first['write_bodies']))} MB)",
                    f"{_requests(idle)} ({_rw(idle)})",
                    f"{_requests(busy)} ({_rw(busy)})",
                    f"{sum(busy['write_bodies']) / 1e3:,.0f} kB",
                    f"{busy['cells']:,.0f} / {busy['records']:,.0f} / {busy['history']:,.0f}",
                ]
            )
    rows.sort(key=lambda row: int(row[0].replace(",", "")))
    return [
        "## Requests per cycle",
        "",
        "Google: Sheets API requests counted by the emulator (reads + writes; the OAuth",
        "token request of each process is not a Sheets API request and is not counted).",
        "Workbook: loads + saves of the file. First sync: the worker takes over an office's",
        "existing sheet (every row gets an ID, a record and a Riwayat row).",
        "",
        *_table(
            [
                "rows",
                "backend",
                "first sync (reads + writes, body)",
                "idle",
                "busy",
                "busy write body",
                "busy cells / records / Riwayat rows",
            ],
            rows,
        ),
        "",
    ]


def decode_floor(floor: dict[str, Any]) -> tuple[float, float]:
    """(collector paused: the floor, collector on) CPU seconds of a decode-floor figure;
    figures of runs before issue 19 kept the paused decode under another name."""
    nan = float("nan")
    if "decode_paused" in floor:
        return floor["decode_paused"]["cpu"], floor.get("decode", {}).get("cpu", nan)
    return (
        floor.get("decode", {}).get("cpu", nan),
        floor.get("decode_gc_on", {}).get("cpu", nan),
    )


def _worker_read(floor: dict[str, Any]) -> float:
    read = floor.get("read", {})
    return read.get("cpu", float("nan")) if isinstance(read, dict) else float("nan")


def _google_section(results: dict[int, dict[str, Any]]) -> list[str]:
    rows = []
    for n, fig in ok(results, "google"):
        busy, idle, floor = fig["busy"], fig["idle"], fig["floor"]
        decode, gc_on = decode_floor(floor)
        rows.append(
            [
                f"{n:,}",
                _mb(busy["read_bytes"]),
                _s(idle["cpu"]),
                _s(busy["cpu"]),
                f"{_s(busy['wall'])} ({_s(busy['wall_no_wait'])})",
                _s(decode),
                _s(gc_on),
                _s(_worker_read(floor)),
                f"{_x(_ratio(idle['cpu'], decode))} / {_x(_ratio(busy['cpu'], decode))}",
                _s(busy["process_cpu"]),
                f"{max(busy['rss_mb'], idle['rss_mb']):.0f}"
                f" ({busy.get('rss_before_cycle_mb', float('nan')):.0f})",
                f"{floor.get('decode_peak_rss_mb', float('nan')):.0f}",
                _s(busy["emulator_cpu"]),
            ]
        )
    return [
        "## Google Sheets backend: a cron `sync` (medians)",
        "",
        "Each cycle in a fresh `sopsync sync` process, as cron runs it. CPU is the worker",
        "process's own user + system time for the cycle (`sync_once`: token, read, decide,",
        "write), measured in the child; start-up (interpreter, imports, configuration,",
        "catalog) is in the process column. Wall in brackets: without the time spent waiting",
        "for the emulator's answers. Decode floor: `json.loads` of the exact bytes the busy",
        "cycle's one read received (`values.batchGet`, values as entered, serial date-times,",
        "compact JSON), with Python's cyclic garbage collector paused as the worker's cycle",
        "decodes, in a fresh process; beside it the same decode with the collector on, as a",
        "plain script runs it (not the floor: the worker does not pay it). Worker read:",
        "`GoogleBackend.read()` on those bytes without HTTP, collector paused (decode plus the",
        "worker's parse). Decode floor peak RSS: a bare interpreter holding those bytes and the",
        "objects `json.loads` makes of them.",
        "",
        *_table(
            [
                "rows",
                "read MB",
                "idle CPU s",
                "busy CPU s",
                "busy wall s (no wait)",
                "decode floor s",
                "decode, collector on s",
                "worker read s",
                "idle / busy vs floor",
                "process CPU s",
                "peak RSS MB (before cycle)",
                "decode floor peak RSS MB",
                "emulator CPU s",
            ],
            rows,
        ),
        "",
    ]


def _xlsx_section(results: dict[int, dict[str, Any]]) -> list[str]:
    rows = []
    for n, fig in ok(results, "xlsx"):
        busy, idle, floor = fig["busy"], fig["idle"], fig["floor"]
        total = floor["total"]
        paused = floor.get("total_paused", {}).get("cpu", float("nan"))
        rows.append(
            [
                f"{n:,}",
                _mb(floor["bytes"]),
                _s(idle["cpu"]),
                _s(busy["cpu"]),
                _s(busy["wall"]),
                f"{_s(busy['load_cpu'])} / {_s(busy['save_cpu'])}",
                f"{_s(floor['load']['cpu'])} / {_s(floor['save']['cpu'])}",
                f"{_s(total['cpu'])} ({_s(total['wall'])})",
                f"{_x(_ratio(busy['cpu'], total['cpu']))}"
                f" ({_x(_ratio(busy['wall'], total['wall']))})",
                _s(paused),
                _x(_ratio(busy["cpu"], paused)),
                _s(busy["process_cpu"]),
                f"{max(busy['rss_mb'], idle['rss_mb']):.0f}"
                f" ({busy.get('rss_before_cycle_mb', float('nan')):.0f})",
                f"{floor.get('peak_rss_mb', float('nan')):.0f}",
            ]
        )
    return [
        "## Workbook backend (medians)",
        "",
        "Floor: openpyxl alone, `load_workbook(path)` then `save` (temp file, fsync) of the",
        "very workbook a busy cycle read, in a fresh process (its peak RSS in the last",
        "column); also with Python's cyclic garbage collector paused, as the worker's cycle",
        "runs (openpyxl loads about a quarter faster so: the plain floor is beaten by it).",
        "The worker's load and save are timed inside its cycle.",
        "",
        *_table(
            [
                "rows",
                "file MB",
                "idle CPU s",
                "busy CPU s",
                "busy wall s",
                "worker load / save CPU s",
                "floor load / save CPU s",
                "floor CPU s (wall)",
                "busy vs floor CPU (wall)",
                "floor, collector paused CPU s",
                "busy vs that",
                "process CPU s",
                "peak RSS MB (before cycle)",
                "floor peak RSS MB",
            ],
            rows,
        ),
        "",
    ]


def _scaling_section(results: dict[int, dict[str, Any]]) -> list[str]:
    rows = []
    for n, per in sorted(results.items()):
        rows.append(
            [f"{n:,}"]
            + [
                f"{1000 * per[kind][cycle]['cpu'] / n * 1000:.1f}"
                if ok({n: per}, kind)
                else "failed"
                for kind in ("google", "xlsx")
                for cycle in ("idle", "busy")
            ]
        )
    return [
        "## Linearity: CPU milliseconds per 1,000 rows",
        "",
        "Flat down a column means linear cost; growing means worse than linear.",
        "",
        *_table(["rows", "google idle", "google busy", "xlsx idle", "xlsx busy"], rows),
        "",
    ]


def _method_section(results: dict[int, dict[str, Any]]) -> list[str]:
    reps = ", ".join(f"{n:,} rows: {per['reps']}" for n, per in sorted(results.items()))
    return [
        "## How it is measured",
        "",
        "- Sheets: every SOP of the catalog and all of their steps; 55% of rows Selesai, 2.5%",
        "  rejected from the start, the rest in progress; Prosedur typed as code, title or",
        "  short name. The worker takes the sheet over on 2026-09-01, then staff move 10%, 8%",
        "  and 5% of rows on 2026-11-10, 2026-11-23 and 2026-11-24 08:00, so that by the",
        "  measured morning (2026-11-24 09:00) rows are running, nearly due and late.",
        "- Busy cycle: staff first move 5% of rows (valid next steps: Ya or Tidak at a review,",
        "  Selesai after the last step; 4% of those moves skip a step and are rejected).",
        "  Idle cycle: a second sync at the same `--now`. Both at 09:00, so the clock itself",
        "  changes nothing between them.",
        f"- Runs per size (medians): {reps}. Every worker cycle runs in a fresh child process:",
        "  its CPU comes from the kernel (`wait4`) and its peak RSS from its own VmHWM, so the",
        "  emulator, serving in the parent's threads, is never counted (its CPU is shown",
        "  apart). (`ru_maxrss` would not do: Linux carries the forking parent's resident set",
        "  into a child's maximum until the child's exec.)",
        "- `sopsync run` (the cycle as run runs it, many sheets): one child process drives",
        "  the run loop itself on a fake clock (`bench/loop.py`); before each wait it hands",
        "  over to this process, which makes staff's moves in the emulator, then goes on.",
        "- The worker and the peers talk to the emulator with generous timeouts (600 s): a",
        "  slow machine makes the wall times longer, never a case fail.",
        "- The emulator runs without its response self-check (`check_responses=False`).",
        "",
    ]


# --- profiles -------------------------------------------------------------------------------

PROFILE_TOP = 18


def _where(func: tuple[str, int, str]) -> str:
    """``syncer/identity.py:59 <genexpr>``, ``gspread/http_client.py:104 request``."""
    filename, line, name = func
    if filename == "~":  # a built-in
        return name
    path = filename.replace("\\", "/")
    for root in ("/syncer/", "/sop_models/", "/bench/", "/tests/"):
        if root in path:
            path = root[1:] + path.rsplit(root, 1)[1]
            break
    else:
        path = path.rsplit("site-packages/", 1)[1] if "site-packages/" in path else Path(path).name
    return f"{path}:{line} {name}"


def top_functions(stats: Any) -> dict[str, list[dict[str, Any]]]:
    """sopsync's own functions by cumulative time, and every function by own time."""
    entries = [
        {"function": _where(func), "calls": calls, "own": own, "cumulative": cumulative}
        for func, (_cc, calls, own, cumulative, _callers) in stats.stats.items()
    ]
    ours = [e for e in entries if e["function"].startswith(("syncer/", "sop_models/"))]
    return {
        "cumulative": sorted(ours, key=lambda e: -e["cumulative"])[:PROFILE_TOP],
        "own": sorted(entries, key=lambda e: -e["own"])[:PROFILE_TOP],
    }


def _profile_rows(entries: list[dict[str, Any]], total: float) -> list[list[str]]:
    return [
        [
            f"`{e['function']}`",
            f"{e['calls']:,}",
            _s(e["cumulative"]),
            f"{100 * e['cumulative'] / total:.0f}%" if total else "–",
            _s(e["own"]),
        ]
        for e in entries
    ]


def _profile_section(results: dict[int, dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    headers = ["function", "calls", "cumulative s", "share of cycle", "own s"]
    for n, per in sorted(results.items()):
        for kind in ("google", "xlsx"):
            prof = per.get(kind, {}).get("profile")
            if not prof or "failed" in prof:
                continue
            total = prof["cycle"]["cpu"]
            lines += [
                f"## Profile: one busy {kind} cycle, {n:,} rows",
                "",
                f"cProfile timing CPU in the worker's process: {_s(total)} s with the profiler"
                " on (it inflates Python-heavy code: read the shares). sopsync's functions by"
                " cumulative time:",
                "",
                *_table(headers, _profile_rows(prof["top"]["cumulative"], total)),
                "",
                "Every function by its own time:",
                "",
                *_table(headers, _profile_rows(prof["top"]["own"][:10], total)),
                "",
            ]
    return lines


# --- before / after -------------------------------------------------------------------------


def _floor_cpu(figures: dict[str, Any]) -> float:
    """The floor a backend's cycle is compared with: decode (Google), load + save (xlsx)."""
    floor = figures["floor"]
    return decode_floor(floor)[0] if "decode" in floor else floor["total"]["cpu"]


def _before_after_section(
    results: dict[int, dict[str, Any]], before: dict[str, Any] | None
) -> list[str]:
    if not before:
        return []
    old = before["results"]
    rows = []
    for n in sorted(set(results) & set(old)):
        for kind in ("google", "xlsx"):
            if not ok({n: results[n]}, kind):
                continue
            for cycle in ("busy", "idle"):
                a, b = old[n][kind][cycle], results[n][kind][cycle]
                floor_a, floor_b = _floor_cpu(old[n][kind]), _floor_cpu(results[n][kind])
                rows.append(
                    [
                        f"{n:,}",
                        kind,
                        cycle,
                        f"{_s(a['cpu'])} → {_s(b['cpu'])}",
                        _x(_ratio(a["cpu"], b["cpu"])),
                        f"{_x(_ratio(a['cpu'], floor_a))} → {_x(_ratio(b['cpu'], floor_b))}",
                        f"{_s(a['wall'])} → {_s(b['wall'])}",
                        f"{a['rss_mb']:.0f} → {b['rss_mb']:.0f}",
                        f"{_requests(a)} → {_requests(b)}",
                    ]
                )
    meta = before["meta"]
    return [
        "## Before and after",
        "",
        f"Before: {meta.get('source', '?')} ({meta.get('date', '?')}), figures kept in"
        " `bench/baseline.json`. After: this run. Medians; cron cycles. Floor: the decode floor"
        " with the collector paused, of each run's own read (Google: the read before issue 19"
        " was the grid with its formats, larger and slower to decode),"
        " openpyxl load + save (workbook)."
        + (f" Note on before: {meta['note']}." if meta.get("note") else ""),
        "",
        *_table(
            [
                "rows",
                "backend",
                "cycle",
                "CPU s",
                "speed-up",
                "CPU vs floor",
                "wall s",
                "peak RSS MB",
                "requests",
            ],
            rows,
        ),
        "",
    ]
