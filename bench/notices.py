"""``python -m bench.notices [--sizes 100,1000,10000] [--out FILE]``: what notices add to a cycle.

With notices on, a cycle also lists its open documents (``notices.documents``) and, once
its write is done, plans the notices due, records the new ones in the outbox and sends
(``Notifier.after_cycle``). This measures both at each size of open documents, on the
worker's own thread (``time.thread_time``: the local Telegram server answering in another
thread is not counted), through the cycles of an ordinary morning:

* 08.00, notices just enabled: everyone's Ringkasan pagi (documents already open are not
  announced as new);
* 08.05, idle: everything due was sent;
* 09.00, busy: 5% of the documents move on, their new actors get Tugas baru;
* 09.05, idle again;
* 10.00, every document moves on; 10.05, idle: the most a cycle plans again (each
  document that arrived at its step since notices were enabled, every cycle; known keys
  are looked up, nothing is sent).

Fourteen people hold the catalog's seven roles, two each, each with a Telegram chat.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import datetime
from pathlib import Path

SIZES = (100, 1_000, 10_000)
MOMENTS = (
    "2026-11-30T08:00",
    "2026-11-30T08:05",
    "2026-11-30T09:00",
    "2026-11-30T09:05",
    "2026-11-30T10:00",
    "2026-11-30T10:05",
)
LABELS = (
    "enabled: morning queues",
    "idle",
    "busy: 5% moved, the first late",
    "idle",
    "every document moved",
    "idle: all planned again",
)
MOVED = {"09:00": 20, "10:00": 1}
"""Cycle -> every how many documents staff move on before it."""


def measure(size: int, server_url: str, folder: Path) -> list[dict[str, float]]:
    from sop_models import load_catalog
    from syncer.calendar import WorkingCalendar
    from syncer.config import TelegramConfig
    from syncer.cycle import cyclic_gc_paused
    from syncer.engine import Rules, StaffRow, decide_rows
    from syncer.notices.delivery import Notifier
    from syncer.notices.documents import open_documents
    from syncer.notices.setup import channel_of
    from syncer.people import COLUMNS, catalog_roles, read_pegawai

    catalog, calendar = load_catalog(), WorkingCalendar()
    rules, roles, zone = (
        Rules(catalog=catalog, calendar=calendar),
        catalog_roles(catalog),
        calendar.zone,
    )
    pegawai = [
        [role, f"Pegawai {n}-{i}", "", "", "", str(1000 + 2 * n + i), "", "", ""]
        for n, role in enumerate(roles)
        for i in range(2)
    ]
    people = read_pegawai(list(COLUMNS), pegawai, roles, zone=zone).directory
    settings = TelegramConfig(token_env="BENCH_TELEGRAM_TOKEN", base_url=server_url)
    channel = channel_of(settings, timeout=10)
    notifier = Notifier((channel,), folder / f"outbox-{size}.sqlite3", calendar)
    codes = [p.code for p in catalog]
    rows = [
        StaffRow(i + 2, f"D-{i}", codes[i % len(codes)], 1 + i % 3, f"dok {i}") for i in range(size)
    ]
    start = datetime.fromisoformat("2026-11-30T07:45").replace(tzinfo=zone)
    records = decide_rows(rules, rows, {}, start).records  # open before notices were enabled
    figures = []
    for moment in MOMENTS:
        now = datetime.fromisoformat(moment).replace(tzinfo=zone)
        every = MOVED.get(moment[-5:])
        if every:
            for i in range(0, size, every):
                row = rows[i]
                step = records[row.id].step if row.id in records else 1
                rows[i] = StaffRow(row.row, row.id, row.prosedur, step + 1, row.judul)
        decisions = decide_rows(rules, rows, records, now)
        records = decisions.records
        with cyclic_gc_paused():  # as inside a cycle
            t0 = time.thread_time()
            documents = open_documents(rules, rows, decisions)
            t1 = time.thread_time()
        report = notifier.after_cycle("bench", documents, people, now, "https://example/edit")
        t2 = time.thread_time()
        figures.append(
            {
                "documents": t1 - t0,
                "notices": t2 - t1,
                "planned": report.planned,
                "sent": report.sent,
            }
        )
    figures.append({"outbox_mb": notifier.outbox.stat().st_size / 2**20})
    return figures


def render(results: dict[int, list[dict[str, float]]]) -> str:
    lines = [
        "# What notices add to a cycle",
        "",
        "Measured by `python -m bench.notices`: worker-thread CPU seconds per cycle for the",
        "open documents and for planning, recording and sending notices (see the module's",
        "docstring for the cycles). Compare with a whole idle cycle in `RESULTS.md`.",
        "",
        "| open documents | cycle | open documents s | notices s | notices recorded | messages |",
        "|---|---|---|---|---|---|",
    ]
    for size, figures in results.items():
        for label, f in zip(LABELS, figures, strict=False):
            lines.append(
                f"| {size:,} | {label} | {f['documents']:.3f} | {f['notices']:.3f}"
                f" | {int(f['planned']):,} | {int(f['sent'])} |"
            )
    lines += [
        "",
        "Outbox size after these cycles: "
        + ", ".join(
            f"{size:,} documents {figures[-1]['outbox_mb']:.1f} MB"
            for size, figures in results.items()
        )
        + ".",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    from tests.notice_servers import TelegramServer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("NOTICES.md"))
    args = parser.parse_args()
    server = TelegramServer().start()
    os.environ["BENCH_TELEGRAM_TOKEN"] = server.token
    try:
        with tempfile.TemporaryDirectory() as folder:
            sizes = [int(s) for s in args.sizes.split(",")]
            results = {size: measure(size, server.url, Path(folder)) for size in sizes}
    finally:
        server.stop()
    text = render(results)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
