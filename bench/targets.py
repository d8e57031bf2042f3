"""The benchmark's targets (issues 5 and 19): each with its figures and met or missed."""

from __future__ import annotations

import math
from typing import Any

from bench.report import WRITE_LIMIT, _mb, _ratio, _requests, _s, _x, decode_floor, ok

TARGET_CPU_10K = 0.5
TARGET_DECODE_RATIO = 3.0
"""Issue 5: a cron cycle against the decode floor (now the honest one: collector paused)."""
TARGET_RUN_RATIO = 5.0
"""Issue 19: a busy cycle of `run` against the cheapest read's decode, as the worker decodes."""
TARGET_XLSX_RATIO = 1.3
TARGET_RSS_MB = 250.0
TARGET_STARTUP_RATIO = 2.0
QUOTA = {"read": 60, "write": 60}
PROJECT_QUOTA = 300

Target = tuple[str, str, str]


def _verdict(good: bool) -> str:
    return "met" if good else "missed"


def targets(figures: dict[str, Any]) -> list[Target]:
    """(target, figures, verdict) for each target whose case was run."""
    results = figures["results"]
    out = [_requests_target(results)]
    google20 = dict(ok(results, "google")).get(20_000)
    xlsx20 = dict(ok(results, "xlsx")).get(20_000)
    if google20:
        out.append(_first_sync_target(google20["first"]))
    google = dict(ok(results, "google")).get(10_000)
    if google:
        out += _google_targets(google)
    xlsx = dict(ok(results, "xlsx")).get(10_000)
    if xlsx:
        out += _xlsx_targets(xlsx)
    if 20_000 in results:
        measured = {k: fig for k, fig in (("xlsx", xlsx20), ("google", google20)) if fig}
        peaks = {k: max(fig[c]["rss_mb"] for c in ("busy", "idle")) for k, fig in measured.items()}
        missing = [k for k in ("xlsx", "google") if k not in measured]
        out.append(
            (
                f"Peak RSS ≤ {TARGET_RSS_MB:g} MB at 20,000 rows",
                ", ".join(
                    [
                        *(f"{k} {v:.0f} MB" for k, v in peaks.items()),
                        *(f"{k} failed" for k in missing),
                    ]
                ),
                "failed" if missing else _verdict(max(peaks.values()) <= TARGET_RSS_MB),
            )
        )
    if not (google and xlsx and 20_000 in results):
        out.append(("CPU, floor and memory targets", "need 10,000 and 20,000 rows", "not run"))
    out += _startup_targets(figures.get("startup"))
    out += _many_targets(figures.get("many"), results)
    return out


def _requests_target(results: dict[int, dict[str, Any]]) -> Target:
    bad = []
    for kind in ("xlsx", "google"):
        for n, fig in ok(results, kind):
            idle, busy = fig["idle"], fig["busy"]
            if idle["requests_all"] != [1] or busy["requests_all"] != [2]:
                bad.append(f"{kind} {n:,}: idle {_requests(idle)}, busy {_requests(busy)}")
            for cycle in fig.get("run", {}).get("cycles", []):  # the clock moves: may write
                fewest = max(1, math.ceil(cycle["write_bytes"] / WRITE_LIMIT))
                if cycle["reads"] != 1 or cycle["writes"] > fewest:
                    bad.append(f"run {n:,}: {cycle['reads']} + {cycle['writes']}")
    sizes = sorted(results)
    span = f"{sizes[0]:,}–{sizes[-1]:,} rows" if sizes else "no sizes"
    return (
        "Requests per cycle: 1 idle, 2 busy, at every size (cron `sync`); at most 1 + 1 in"
        " every cycle of `run` (a write over 2 MB in the fewest bodies, as DESIGN §6 allows)",
        "; ".join(bad) if bad else f"idle 1, busy 2 on both backends at {span}",
        _verdict(not bad),
    )


def _first_sync_target(first: dict[str, Any]) -> Target:
    total = sum(first["write_bodies"])
    fewest = max(1, math.ceil(total / WRITE_LIMIT))
    bodies = ", ".join(_mb(b) for b in first["write_bodies"])
    return (
        "First sync of 20,000 rows (Google): fewest writes under 2 MB",
        f"{first['reads']} read + {first['writes']} writes of {bodies} MB"
        f" ({_mb(total)} MB; fewest possible {fewest})",
        "met" if first["writes"] <= fewest else f"missed ({first['writes']} > {fewest})",
    )


def _google_targets(google: dict[str, Any]) -> list[Target]:
    busy, idle = google["busy"]["cpu"], google["idle"]["cpu"]
    floor = decode_floor(google["floor"])[0]
    out = [
        (
            f"10,000-row Google cron cycle ≤ {TARGET_CPU_10K} s worker CPU",
            f"busy {_s(busy)} s, idle {_s(idle)} s",
            _verdict(max(busy, idle) <= TARGET_CPU_10K),
        ),
        (
            f"10,000-row Google cron cycle ≤ {TARGET_DECODE_RATIO:g}× the decode floor"
            " (collector paused, as the worker decodes)",
            f"floor {_s(floor)} s: busy {_x(_ratio(busy, floor))}, idle {_x(_ratio(idle, floor))}",
            _verdict(_ratio(max(busy, idle), floor) <= TARGET_DECODE_RATIO),
        ),
    ]
    run = google.get("run")
    if not run or "failed" in run:
        name = f"10,000-row Google busy cycle of `run` ≤ {TARGET_RUN_RATIO:g}× the decode floor"
        why = ("the `run` case failed", "failed") if run else ("not measured", "not run")
        out.append((name, *why))
        return out
    rbusy, ridle = run["busy"]["cpu"], run["idle"]["cpu"]
    rfloor = decode_floor(run["floor"])[0] if run.get("floor") else float("nan")
    out.append(
        (
            f"10,000-row Google busy cycle of `run` ≤ {TARGET_RUN_RATIO:g}× the cheapest-read"
            " decode floor (issue 19)",
            f"busy {_s(rbusy)} s CPU vs floor {_s(rfloor)} s: {_x(_ratio(rbusy, rfloor))}"
            f" (idle {_s(ridle)} s: {_x(_ratio(ridle, rfloor))})",
            _verdict(_ratio(rbusy, rfloor) <= TARGET_RUN_RATIO),
        )
    )
    return out


def _xlsx_targets(xlsx: dict[str, Any]) -> list[Target]:
    floor = xlsx["floor"]
    busy = xlsx["busy"]["cpu"]
    total = floor["total"]["cpu"]
    out = [
        (
            f"10,000-row workbook cycle ≤ {TARGET_XLSX_RATIO:g}× openpyxl load+save",
            f"busy {_s(busy)} s vs floor {_s(total)} s CPU: {_x(_ratio(busy, total))}"
            f" (wall {_x(_ratio(xlsx['busy']['wall'], floor['total']['wall']))})",
            _verdict(_ratio(busy, total) <= TARGET_XLSX_RATIO),
        )
    ]
    paused = floor.get("total_paused", {}).get("cpu")
    if paused:
        out.append(
            (
                f"… and ≤ {TARGET_XLSX_RATIO:g}× openpyxl load+save with the collector paused,"
                " as the worker runs it",
                f"busy {_s(busy)} s vs floor {_s(paused)} s CPU: {_x(_ratio(busy, paused))}",
                _verdict(_ratio(busy, paused) <= TARGET_XLSX_RATIO),
            )
        )
    return out


def _startup_targets(startup: dict[str, Any] | None) -> list[Target]:
    name = f"Cron `sync` of 100 rows ≤ {TARGET_STARTUP_RATIO:g}× a bare `import openpyxl` (CPU)"
    if not startup:
        return []
    if "failed" in startup:
        return [(name, "the start-up case failed", "failed")]
    commands = startup["commands"]
    floor = commands["floor"]
    out = []
    for command, fig in commands.items():
        if command.startswith("floor"):
            continue
        own = ""
        if fig.get("own_floor") == "floor gspread":
            own = f"; {_x(fig['own_cpu_ratio'])} a bare `import gspread`"
            libraries = commands.get("floor google libraries")
            if libraries:
                own += (
                    f"; its libraries alone, imported bare, are already"
                    f" {_x(libraries['cpu_ratio'])} the floor"
                )
        out.append(
            (
                f"{name}: {command}",
                f"{_s(fig['cpu'])} s vs {_s(floor['cpu'])} s CPU: {_x(fig['cpu_ratio'])}"
                f" (wall {_x(fig['wall_ratio'])}{own}; medians of {startup['rounds']} rounds)",
                _verdict(fig["cpu_ratio"] <= TARGET_STARTUP_RATIO),
            )
        )
    return out


def _many_targets(many: dict[str, Any] | None, results: dict[int, dict[str, Any]]) -> list[Target]:
    if not many:
        return []
    if "failed" in many:
        return [("Many sheets in one `run` inside the quota", "the case failed", "failed")]
    reads, writes = many["max_reads_per_minute"], many["max_writes_per_minute"]
    within = reads <= QUOTA["read"] and writes <= QUOTA["write"]
    late = many["longest_gap"] - many["interval"]
    share = many["sheets"] * 60 / QUOTA["read"]  # seconds the quota needs to read every sheet
    return [
        (
            f"{many['sheets']} sheets × {many['rows']:,} rows in one `run`: no minute over"
            f" {QUOTA['read']} reads or {QUOTA['write']} writes (per user;"
            f" {PROJECT_QUOTA} per project)",
            f"most in any minute: {reads} reads, {writes} writes over {many['minutes']}"
            f" simulated minutes",
            _verdict(within),
        ),
        (
            "… every sheet served within its interval plus its share",
            f"longest between two cycles of a sheet: {many['longest_gap']:.0f} s"
            f" (interval {many['interval']} s, share {share:.0f} s); sheets never served:"
            f" {many['failed_sheets']}; failed cycles: {many.get('failed_cycles', 0)}",
            _verdict(many["failed_sheets"] == 0 and late <= share),
        ),
    ]
