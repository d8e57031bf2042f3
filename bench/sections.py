"""RESULTS.md's sections beyond the per-size cron tables: failed cases, the peers, the
cycle as ``sopsync run`` runs it, cron's start-up, many sheets, Riwayat's growth."""

from __future__ import annotations

from typing import Any

from bench.naive import PEERS, QUOTA_PER_MINUTE
from bench.report import _mb, _ratio, _s, _table, _worker_read, _x, decode_floor, ok


def failed(figures: dict[str, Any]) -> list[str]:
    """Every case that failed, with what went wrong: none is dropped silently."""
    rows = []
    for n, per in sorted(figures["results"].items()):
        for kind in ("xlsx", "google"):
            fig = per.get(kind)
            if not isinstance(fig, dict):
                rows.append([f"{kind} {n:,} rows", "not measured (the run stopped first)"])
                continue
            if "failed" in fig:
                rows.append([f"{kind} {n:,} rows", fig["failed"]])
                continue
            for part in ("run", *PEERS, "profile"):
                if isinstance(fig.get(part), dict) and "failed" in fig[part]:
                    rows.append([f"{kind} {n:,} rows: {part}", fig[part]["failed"]])
    for case in ("startup", "many", "riwayat"):
        fig = figures.get(case)
        if isinstance(fig, dict) and "failed" in fig:
            rows.append([case, fig["failed"]])
    if not rows:
        return []
    cells = [
        [case, "`" + why.replace("|", "/").replace("\n", " ")[:300] + "`"] for case, why in rows
    ]
    return ["## Failed cases", "", *_table(["case", "what went wrong"], cells), ""]


def peers(results: dict[int, dict[str, Any]]) -> list[str]:
    rows = []
    for n, fig in ok(results, "google"):
        busy = fig["busy"]  # the cron busy cycle whose cell changes the peers make
        row = [
            f"{n:,}",
            f"{busy['requests']:g} ({busy['cells']:,.0f} cells)",
            _s(busy["cpu"]),
            _s(busy["wall_no_wait"]),
        ]
        sopsync_cpu, sopsync_requests = busy["cpu"], busy["requests"]
        for how in PEERS:
            peer = fig.get(how)
            if not peer or "failed" in peer or "cpu" not in peer:
                row += ["failed" if peer else "–", "–", "–", "–"]
                continue
            row += [
                f"{peer['reads']} + {peer['writes']:,}",
                f"{_s(peer['cpu'])} ({_x(_ratio(peer['cpu'], sopsync_cpu))})",
                f"{_s(peer['wall'])} ({_s(peer['wall_no_wait'])})",
                f"{peer['quota_minutes'] * 60:.0f} s"
                f" ({_x(_ratio(peer['requests'], sopsync_requests))} requests)",
            ]
        rows.append(row)
    if not rows:
        return []
    return [
        "## The peers: the busy cycle's cell changes by a gspread script",
        "",
        "Two gspread scripts make the Dokumen cell changes of the busy cycle (the rows it",
        "changed, with the values it wrote; not its records or Riwayat rows), each in its own",
        "process, its CPU counted after its imports: the **naive** one, as most scripts are",
        "written, one `worksheet.update` per changed row; the **batched** one all of them in",
        "one `worksheet.batch_update`. Both read first (open the spreadsheet, the worksheet,",
        "`get_all_records`). sopsync: that busy cycle (`sync_once`, start-up apart, as the",
        "peers' imports are), which also decides every row and writes records and Riwayat.",
        f"Time at quota: what the requests need at Google's {QUOTA_PER_MINUTE} reads and",
        f"{QUOTA_PER_MINUTE} writes per minute (counted apart). Wall in brackets: without",
        "waiting for the emulator.",
        "",
        *_table(
            [
                "rows",
                "sopsync requests",
                "sopsync CPU s",
                "sopsync wall s (no wait)",
                "naive reads + writes",
                "naive CPU s (vs sopsync)",
                "naive wall s (no wait)",
                "naive time at quota",
                "batched reads + writes",
                "batched CPU s (vs sopsync)",
                "batched wall s (no wait)",
                "batched time at quota",
            ],
            rows,
        ),
        "",
    ]


def as_run(results: dict[int, dict[str, Any]]) -> list[str]:
    rows = []
    for n, fig in ok(results, "google"):
        run = fig.get("run")
        if not run or "failed" in run:
            continue
        first, busy, idle = run["first"], run["busy"], run["idle"]
        floor = run.get("floor", {})
        decode, gc_on = decode_floor(floor) if floor else (float("nan"), float("nan"))
        rows.append(
            [
                f"{n:,}",
                _mb(busy["read_bytes"]),
                _s(first["cpu"]),
                f"{_s(idle['cpu'])} ({idle['reads']} + {idle['writes']})",
                _s(busy["cpu"]),
                f"{_s(busy['wall'])} ({_s(busy['wall'] - busy['server_wait'])})",
                f"{busy['reads']} + {busy['writes']}",
                _s(decode),
                _s(gc_on),
                _s(_worker_read(floor)),
                _x(_ratio(busy["cpu"], decode)),
                f"{run['peak_rss_mb']:.0f}",
                _s(run["process_cpu"]),
            ]
        )
    if not rows:
        return []
    plan = next(f["run"]["plan"] for _, f in ok(results, "google") if "plan" in f.get("run", {}))
    return [
        "## Google Sheets backend: the cycle as `sopsync run` runs it",
        "",
        f"One long-lived worker process does {len(plan)} cycles ({', '.join(plan)}; staff move 5%",
        "of the rows before each busy one) through the run loop itself (`cli.serve` →",
        "`worker.run_forever` → `SheetService.cycle` → `sync_once`) on a fake clock, keeping",
        "whatever it learned in earlier cycles. Its clock moves on by the interval (5 minutes)",
        "between cycles, so a cycle without staff moves may still write what the time changed",
        '(a document falls due or late; a Pesan\'s "Terlambat 59 hari 5 jam" ticks on by the',
        "hour). Shown: the first cycle of the process, the last one",
        "without moves and the last busy one (CPU: the worker process's own; wall in brackets",
        "without waiting for the emulator's answers). Decode floor: `json.loads` of the exact",
        "bytes of that busy cycle's one read (`values.batchGet`, the cheapest read the cycle",
        "can use), collector paused, in the same process after its cycles, as the worker",
        "decodes; beside it with the collector on. Worker read: `GoogleBackend.read()` on those",
        "bytes, no HTTP.",
        "",
        *_table(
            [
                "rows",
                "read MB",
                "first cycle CPU s",
                "no-moves CPU s (reads + writes)",
                "busy CPU s",
                "busy wall s (no wait)",
                "busy reads + writes",
                "decode floor s",
                "decode, collector on s",
                "worker read s",
                "busy vs floor",
                "peak RSS MB",
                "process CPU s",
            ],
            rows,
        ),
        "",
    ]


def startup(figures: dict[str, Any] | None) -> list[str]:
    if not figures or "failed" in figures:
        return []
    rows = [
        [
            command,
            _s(fig["cpu"]),
            _s(fig["wall"]),
            _x(fig["cpu_ratio"]),
            _x(fig["wall_ratio"]),
            _x(fig["own_cpu_ratio"]) if "own_cpu_ratio" in fig else "",
        ]
        for command, fig in figures["commands"].items()
    ]
    return [
        f"## Cron start-up: a {figures['rows']}-row `sopsync sync` against `import openpyxl`",
        "",
        "`bench.startup`: round after round, on each backend, staff move 5% of the rows and",
        "the installed `sopsync sync --config F` runs twice (busy, then idle), and",
        "`python -c 'import openpyxl'` (the floor) runs before, between or after them (its",
        "place moves each round), and so does `python -c 'import gspread'`, the library the",
        "Google path cannot do without: each backend is also set against the bare import of",
        "its own library; and so does a bare import of the other libraries a workbook's",
        "cycle needs (`floor libraries`: pydantic with a model made, structlog, hijridate",
        "and the standard library's modules it uses; `floor google libraries`: the same",
        "with gspread in place of the workbook's parts): what is above it is",
        f"sopsync's own. Medians over {figures['rounds']} rounds of each whole",
        "process's CPU (user + system, from `wait4`) and wall time.",
        "",
        *_table(
            ["command", "CPU s", "wall s", "CPU vs floor", "wall vs floor", "CPU vs own library"],
            rows,
        ),
        "",
    ]


def many(figures: dict[str, Any] | None, results: dict[int, dict[str, Any]]) -> list[str]:
    if not figures or "failed" in figures:
        return []
    single = dict(ok(results, "google")).get(figures["rows"], {}).get("run", {})
    one = single.get("peak_rss_mb", float("nan"))
    rows = [
        ["sheets × rows", f"{figures['sheets']} × {figures['rows']:,}"],
        ["simulated span, interval", f"{figures['minutes']} min, {figures['interval']} s"],
        [
            "cycles (writing; failed)",
            f"{figures['cycles']} ({figures['busy_cycles']}; {figures.get('failed_cycles', 0)})",
        ],
        [
            "reads per minute: most in any minute / mean (quota 60 per user, 300 per project)",
            f"{figures['max_reads_per_minute']} / {figures['mean_reads_per_minute']:.1f}",
        ],
        [
            "writes per minute: most in any minute / mean (quota 60 per user, 300 per project)",
            f"{figures['max_writes_per_minute']} / {figures['mean_writes_per_minute']:.1f}",
        ],
        [
            "worker CPU per simulated minute: cycles / whole process",
            f"{_s(figures['cycle_cpu_per_minute'])} s / {_s(figures['process_cpu_per_minute'])} s",
        ],
        ["most CPU of one cycle", f"{_s(figures['max_cycle_cpu'])} s"],
        ["longest between two cycles of a sheet", f"{figures['longest_gap']:.0f} s"],
        [
            f"peak RSS (one {figures['rows']:,}-row sheet's `run`)",
            f"{figures['peak_rss_mb']:.0f} MB"
            f" ({one:.0f} MB: {_x(_ratio(figures['peak_rss_mb'], one))})",
        ],
        [
            "emulator CPU, wall of the run",
            f"{_s(figures['emulator_cpu'])} s, {_s(figures['wall'])} s",
        ],
    ]
    return [
        "## Many sheets in one `sopsync run`",
        "",
        "`bench.many`: sheets in the emulator reached with one service account, each taken",
        "over by `init` and a first `sync`, then served by one `run` process (the run loop on a",
        "fake clock, each sheet every minute) over a simulated span; each simulated minute staff",
        "move 2% of the rows of half the sheets. Requests counted at the fake time the pacer",
        'let them go; "most in any minute" over every sliding minute.',
        "",
        *_table(["", ""], rows),
        "",
    ]


def riwayat(figures: dict[str, Any] | None) -> list[str]:
    lines = ["## Riwayat growth", ""]
    if not figures or "missing" in figures:
        why = (figures or {}).get("missing", "not run")
        return [
            *lines,
            f"Not measured in this run: {why}. The hook (`bench.run.riwayat_growth`) runs",
            "`bench.riwayat`'s busy workbook cycle at 10,000 and 100,000 Riwayat rows, before",
            "and after the workbook stopped loading and saving all of Riwayat, and shows its",
            "table here.",
            "",
        ]
    if "failed" in figures:
        return [*lines, "The case failed (see Failed cases).", ""]
    return [*lines, figures["table"], ""]
