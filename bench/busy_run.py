"""``python -m bench.busy_run [ROWS] [--profile OUT]``: busy cycles of one ``sopsync run``.

A long-lived worker keeps what it learned in earlier cycles (``syncer.last_cycle``), so a
``sync`` in a fresh process does not measure it. Here one process serves a Google sheet
on the Sheets API emulator (in a process of its own) the way ``run`` does: a
``SheetService`` keeping its backend and last cycle, ``syncer.cli.sync_once`` per cycle.
Staff move ~5% of the rows before each busy cycle; an idle cycle follows, a minute later.

The worker's CPU is its own (``time.thread_time``): waiting for the server is left out,
the collector's walk at the cycle's end is not. The floor is ``json.loads`` of the exact
bytes of the cycle's read, with the collector paused, as the worker decodes.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests.adapters

from bench.office import LANGKAH_COLUMN, SHEETS
from bench.run import BUSY_SHARE, FIRST_SYNC, NOW, ROUNDS
from bench.sheets import documents, moves

READS: list[bytes] = []
SERVE = """
import json, sys
from pathlib import Path
from tests.emulator import Emulator
emu = Emulator(check_responses=False)
emu.start()
key = Path(emu.make_service_account_key(Path(sys.argv[1]))).resolve()
email = json.loads(key.read_text())["client_email"]
sid = emu.create_spreadsheet("Kantor", shared_with=[email], sheets=["Dokumen"])
print(json.dumps({"url": emu.base_url, "id": sid, "key": str(key)}), flush=True)
sys.stdin.read()
emu.stop()
"""


class RemoteOffice:
    """An office's spreadsheet in the Sheets API emulator serving in its own process, so that
    its work (and its garbage, while the worker's cycle pauses the collector) is not the
    worker's; staff edit it over the API."""

    def __init__(self, folder: Path):
        import subprocess
        import sys

        from tests.emulator.transport import authorized_session

        self.folder = folder
        self.server = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.server.stdout is not None
        got = json.loads(self.server.stdout.readline())
        self.id, key = got["id"], got["key"]
        self.config = folder / "sopsync.toml"
        self.config.write_text(
            f'backend = "google"\n[google]\nspreadsheet = "{self.id}"\n'
            f'credentials = "{key}"\nendpoint = "{got["url"]}"\n'
        )
        self.session = authorized_session(key, got["url"])

    def build(self, docs: list[Any]) -> None:
        from bench.sheets import STAFF_HEADERS

        rows = [list(STAFF_HEADERS), *(doc.cells() for doc in docs)]
        self._put([("Dokumen!A1", rows)])

    def edit(self, moves: list[Any]) -> None:
        column = chr(ord("A") + LANGKAH_COLUMN)
        self._put([(f"Dokumen!{column}{m.doc.index + 2}", [[m.langkah]]) for m in moves])

    def _put(self, data: list[tuple[str, list[list[object]]]]) -> None:
        body = {"valueInputOption": "RAW", "data": [{"range": r, "values": v} for r, v in data]}
        self.session.post(f"{SHEETS}/{self.id}/values:batchUpdate", json=body).raise_for_status()

    def close(self) -> None:
        assert self.server.stdin is not None
        self.server.stdin.close()
        self.server.wait(timeout=60)


def _keep_reads() -> None:
    send = requests.adapters.HTTPAdapter.send

    def kept(self: Any, request: Any, **kwargs: Any) -> Any:
        response = send(self, request, **kwargs)
        if request.method == "GET" and ":batchGet" in (request.url or ""):
            READS.append(response.content)
        return response

    requests.adapters.HTTPAdapter.send = kept  # type: ignore[method-assign]


def decode_floor(data: bytes, reps: int = 7) -> float:
    laps = []
    for _ in range(reps):
        gc.disable()
        start = time.thread_time()
        json.loads(data)
        laps.append(time.thread_time() - start)
        gc.enable()
    return statistics.median(laps)


def held_bytes(root: object, besides: object = None) -> int:
    """The bytes of every object reachable from ``root`` and not from ``besides``."""
    import sys
    import types

    def reach(start: object, seen: set[int]) -> dict[int, object]:
        found: dict[int, object] = {}
        todo = [start]
        while todo:
            obj = todo.pop()
            if id(obj) in seen or id(obj) in found or isinstance(obj, type | types.ModuleType):
                continue
            found[id(obj)] = obj
            todo.extend(gc.get_referents(obj))
        return found

    shared = reach(besides, set()) if besides is not None else {}
    return sum(sys.getsizeof(o) for o in reach(root, set(shared)).values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=int, nargs="?", default=10_000)
    parser.add_argument("--cycles", type=int, default=5)
    parser.add_argument("--profile", help="cProfile the last busy cycle into this file")
    parser.add_argument("--fresh", action="store_true", help="keep nothing between cycles")
    args = parser.parse_args(argv)

    from sop_models import load_catalog
    from syncer import cli
    from syncer.service import Shared, SheetService
    from syncer.sheets import load_sheets

    catalog = load_catalog()
    docs = documents(args.rows, catalog)
    rng = random.Random(f"moves:{args.rows}")
    office = RemoteOffice(Path(tempfile.mkdtemp(prefix="busy-run-")))
    try:
        office.build(docs)
        config_path = str(office.config)
        assert cli.main(["init", "--config", config_path]) == 0
        assert cli.main(["sync", "--config", config_path, "--now", FIRST_SYNC]) == 0
        for when, share in ROUNDS:
            office.edit(moves(docs, catalog, max(1, round(args.rows * share)), rng))
            assert cli.main(["sync", "--config", config_path, "--now", when]) == 0
        # As `run` serves one sheet: its backend and its last cycle kept between cycles.
        (sheet,) = load_sheets(Path(config_path))
        clock = [cli.parse_at(NOW, sheet.config.calendar.zone)]
        service = SheetService(
            sheet,
            cli.sync_once,
            now=lambda zone: clock[0],
            shared=Shared(),
            hold=True,
            keep_backend=not args.fresh,
        )
        _keep_reads()
        now = clock[0]

        def cycle(at: Any, profiler: Any = None) -> tuple[float, Any]:
            clock[0] = at
            start = time.thread_time()
            if profiler:
                profiler.enable()
            report = service.cycle()
            if profiler:
                profiler.disable()
            return time.thread_time() - start, report

        cycle(now)  # the run's first cycle: it decides every row
        busy, idle = [], []
        for k in range(args.cycles):
            at = now + timedelta(minutes=2 * k + 1)
            office.edit(moves(docs, catalog, max(1, round(args.rows * BUSY_SHARE)), rng))
            READS.clear()
            profiler = None
            if args.profile and k == args.cycles - 1:
                import cProfile

                profiler = cProfile.Profile(time.thread_time)
            cpu, report = cycle(at, profiler)
            busy.append(cpu)
            floor = decode_floor(READS[-1])
            cpu_idle, idle_report = cycle(at + timedelta(minutes=1))
            idle.append(cpu_idle)
            print(
                f"busy {cpu * 1000:.0f} ms ({report.decided} rows decided,"
                f" {len(report.changes.cells)} cells,"
                f" {len(report.changes.history)} Riwayat), idle {cpu_idle * 1000:.0f} ms"
                f" ({idle_report.decided} decided, written {idle_report.written}),"
                f" read {len(READS[-1]) / 1e6:.2f} MB,"
                f" floor {floor * 1000:.1f} ms, ratio {cpu / floor:.1f}x",
                flush=True,
            )
            if profiler:
                profiler.dump_stats(args.profile)
        if not args.fresh:
            state = service._memory._state  # type: ignore[union-attr]  # noqa: SLF001
            print(
                f"kept state: {held_bytes(state) / 1e6:.1f} MB reachable,"
                f" {held_bytes(state, service._backend) / 1e6:.1f} MB"  # noqa: SLF001
                " not held by the backend too"
            )
            start = time.thread_time()
            gc.collect()
            print(f"a full collection between cycles: {(time.thread_time() - start) * 1000:.0f} ms")
        print(
            f"median busy {statistics.median(busy) * 1000:.0f} ms, idle"
            f" {statistics.median(idle) * 1000:.0f} ms"
        )
        service.close()
    finally:
        office.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
