"""``python -m bench.riwayat [--sizes 10000,100000] [--runs 3] [--out FILE]``: a workbook
cycle as Riwayat grows.

A busy cycle (staff moved 5% of the documents: the cycle writes Dokumen cells, records
and Riwayat rows) of a 1,000-document workbook whose Riwayat holds 10,000 and 100,000
rows, before and after the workbook backend stopped loading and saving the whole
workbook. *Before* is the worker as of ``BEFORE`` (the last revision that loaded and saved
every tab each cycle), taken from git into a temporary folder; *after* is this checkout.
Both run the same cycle on copies of the same file, each a ``sopsync sync`` in its own
child process (``bench.child``): the cycle's CPU and wall time apart from start-up, and
the child's peak RSS. The cycles are plain ones (Kinerja was refreshed earlier that day:
Riwayat is not read); the Riwayat is a semester of documents walked through the catalog
(``bench.kinerja``).
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from bench.measure import ROOT, Child, median, progress, run_child

BEFORE = "eabeeec"
"""The last revision whose workbook cycle loaded and saved the whole workbook."""
SIZES = (10_000, 100_000)
DOCUMENTS = 1_000
BUSY_SHARE = 0.05
FIRST_SYNC = "2026-09-01T09:00"
SETTLE = "2026-12-14T09:00"
"""A Monday's first cycle: Kinerja refreshed, so the measured cycles after it are plain."""
KEYS = ("cpu", "wall", "read_cpu", "write_cpu", "rss_mb")
TIMES = ("2026-12-14T10:00", "2026-12-14T11:00", "2026-12-14T12:00", "2026-12-14T13:00")


def checkout(revision: str, folder: Path) -> Path:
    """The repository as of ``revision``, extracted into ``folder``."""
    archive = subprocess.run(
        ["git", "archive", revision], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def figures(child: Child) -> dict[str, Any]:
    result = child.result
    if not result["written"] or result["riwayat_read"] is not None:
        raise RuntimeError("a measured cycle did not go as planned (a plain cycle that writes)")
    return {
        "cpu": result["cycle"]["cpu"],
        "wall": result["cycle"]["wall"],
        "read_cpu": sum(lap["cpu"] for lap in result["loads"]),
        "write_cpu": sum(lap["cpu"] for lap in result["saves"]),
        "rss_mb": child.max_rss_mb,
        "done": (result["records"], result["history"]),
    }


def dokumen(path: Path) -> list[tuple[object, ...]]:
    """The Dokumen tab's values, as staff see them after a cycle, but for Pesan: its wording
    may change between the revisions compared (what the cycle decided shows in the rest)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        rows = list(book["Dokumen"].iter_rows(values_only=True))
    finally:
        book.close()
    pesan = [str(h).strip().casefold() for h in rows[0]].index("pesan") if rows else -1
    return [tuple(v for i, v in enumerate(row) if i != pesan) for row in rows]


def office_cycles(size: int, runs: int, work: Path, before: Path) -> dict[str, Any]:
    """The busy cycle before and after, ``runs`` times, at ``size`` Riwayat rows."""
    from bench.kinerja import fill_riwayat, riwayat_count, riwayat_rows
    from bench.office import XlsxOffice
    from bench.sheets import documents, moves
    from sop_models import load_catalog

    catalog = load_catalog()
    docs = documents(DOCUMENTS, catalog)
    rng = random.Random(f"riwayat:{size}")
    office = XlsxOffice(work / f"office-{size}")
    office.build(docs)
    office.init()
    office.sync(FIRST_SYNC)
    progress(f"{size:,} Riwayat rows: filling")
    fill_riwayat(office, riwayat_rows(size - riwayat_count(office)))
    office.sync(SETTLE)
    twin = work / f"before-{size}"
    found: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    for now in TIMES[:runs]:
        office.edit(moves(docs, catalog, round(DOCUMENTS * BUSY_SHARE), rng))
        shutil.rmtree(twin, ignore_errors=True)
        shutil.copytree(office.folder, twin)
        after = figures(run_child("sync", office.config, now))
        old = figures(run_child("sync", twin / office.config.name, now, root=before))
        # The same moves and Riwayat lines, the same Dokumen as staff see it (the cells a
        # cycle writes need not be: a later cycle skips those that already hold its value).
        same = dokumen(office.path) == dokumen(twin / office.path.name)
        if after["done"] != old["done"] or not same:
            raise RuntimeError(f"before and after wrote different cycles: {old} {after}")
        found["after"].append(after)
        found["before"].append(old)
        progress(
            f"{size:,} Riwayat rows {now}: before {old['cpu']:.2f} s CPU {old['wall']:.2f} s"
            f" wall, after {after['cpu']:.2f} s CPU {after['wall']:.2f} s wall"
        )
    size_mb = office.path.stat().st_size / 2**20
    return {
        "file_mb": size_mb,
        **{
            when: {key: median([run[key] for run in runs_]) for key in KEYS}
            for when, runs_ in found.items()
        },
    }


def table(results: dict[int, dict[str, Any]], runs: int) -> str:
    lines = [
        f"Medians of {runs} busy cycles per size: {DOCUMENTS:,} documents, "
        f"{BUSY_SHARE:.0%} of them moved before each cycle; the cycle's own CPU and wall "
        "time (start-up apart), of which the workbook's read and write (*before*: openpyxl's",
        "load and save; *after*: the backend's read and write), the child's peak RSS.",
        "",
        "| Riwayat rows | file | | cycle CPU | read CPU | write CPU | cycle wall | peak RSS |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for size, f in results.items():
        for when in ("before", "after"):
            x = f[when]
            lines.append(
                f"| {size:,} | {f['file_mb']:.1f} MB | {when} | {x['cpu']:.2f} s "
                f"| {x['read_cpu']:.2f} s | {x['write_cpu']:.2f} s | {x['wall']:.2f} s "
                f"| {x['rss_mb']:.0f} MB |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.riwayat", description=__doc__)
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--runs", type=int, default=3, help="cycles per size (medians)")
    parser.add_argument("--before", default=BEFORE, help="the revision measured as before")
    parser.add_argument("--out", type=Path, help="also write the Markdown report here")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="sopsync-riwayat-"))
    try:
        before = checkout(args.before, work / "before-checkout")
        results = {
            size: office_cycles(size, args.runs, work, before)
            for size in (int(s) for s in args.sizes.split(","))
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = table(results, args.runs)
    print(text)
    if args.out:
        title = "# A workbook cycle as Riwayat grows"
        args.out.write_text(f"{title}\n\n{text}\n\n{__doc__.split(chr(10), 2)[2].strip()}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
