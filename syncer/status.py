"""What the worker recorded of each sheet's last cycle, for `sopsync status` (DESIGN §11).

A table in the worker's state file (``[worker] state_file``: ``sopsync-state.sqlite3``
beside the configuration file, or in the current folder without one, where the worker
also notes when each Kinerja tab is next due), one row per sheet,
rewritten by every cycle of `sync` and `run`: when the last cycle ran and how it ended,
how many failed in a row, and what the last completed cycle found (rows per status, late
and invalid documents, as its log line says). The table does not grow with time.

Not the notices' outbox: that one is there only when notices are on, and is theirs.
Recording never fails a cycle: a file that cannot be written is logged.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import structlog

from sop_models import CatalogError
from syncer import contract as c
from syncer.backends import BackendError, Busy, Misconfigured
from syncer.config import ConfigError
from syncer.cycle import Report
from syncer.sheets import Sheet
from syncer.suggest import counted

log = structlog.get_logger("sopsync.status")

DONE, BUSY, UNUSABLE, FAILED, CRASHED = "done", "busy", "configuration error", "failed", "crashed"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS last_cycle (
    sheet TEXT PRIMARY KEY,
    target TEXT NOT NULL,
    at TEXT NOT NULL,
    zone TEXT NOT NULL,
    result TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    failures INTEGER NOT NULL DEFAULT 0,
    done_at TEXT,
    found TEXT
);
"""


def result_of(exc: BaseException) -> str:
    """How a failed cycle ended, in the words `status` prints."""
    if isinstance(exc, Busy):
        return BUSY
    if isinstance(exc, Misconfigured | ConfigError | CatalogError):
        return UNUSABLE
    if isinstance(exc, BackendError):
        return FAILED
    return CRASHED


@dataclass(frozen=True)
class Last:
    """A sheet's last cycle as recorded."""

    target: str
    at: datetime
    result: str
    reason: str
    failures: int
    """Failed cycles in a row, this one included (0 when it completed)."""
    done_at: datetime | None
    """The last completed cycle, and what it found (``worker.summary``)."""
    found: dict[str, Any]


class StatusBook:
    def __init__(self, path: Path):
        self.path = path

    def done(self, sheet: str, report: Report, found: dict[str, Any]) -> None:
        """A completed cycle and what it found."""
        at = _stamp(report.now)
        self._write(
            "INSERT INTO last_cycle (sheet, target, at, zone, result, failures, done_at, found)"
            " VALUES (?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (sheet) DO UPDATE SET"
            " target = excluded.target, at = excluded.at, zone = excluded.zone,"
            " result = excluded.result, reason = '', failures = 0,"
            " done_at = excluded.done_at, found = excluded.found",
            (sheet, report.target, at, _zone(report.now), DONE, at, json.dumps(found)),
        )

    def failed(self, sheet: str, target: str, now: datetime, exc: BaseException) -> None:
        """A cycle that ended with ``exc``; what the last completed one found is kept."""
        reason = str(exc) or type(exc).__name__
        self._write(
            "INSERT INTO last_cycle (sheet, target, at, zone, result, reason, failures)"
            " VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (sheet) DO UPDATE SET"
            " target = excluded.target, at = excluded.at, zone = excluded.zone,"
            " result = excluded.result, reason = excluded.reason,"
            " failures = last_cycle.failures + 1",
            (sheet, target, _stamp(now), _zone(now), result_of(exc), reason),
        )

    def last(self, sheets: Sequence[str]) -> dict[str, Last]:
        """The recorded cycles of these sheets (none when the file is not there)."""
        if not self.path.exists():
            return {}
        with self._connection() as db:
            rows = db.execute(
                "SELECT sheet, target, at, zone, result, reason, failures, done_at, found"
                f" FROM last_cycle WHERE sheet IN ({', '.join('?' * len(sheets))})",
                list(sheets),
            ).fetchall()
        recorded = {}
        for sheet, *values in rows:
            try:
                recorded[sheet] = _last(*values)
            except (ValueError, TypeError, KeyError) as exc:  # edited by hand, or by another tool
                damaged = f"the record of {sheet or 'the sheet'} is damaged ({exc})"
                raise sqlite3.DataError(damaged) from exc
        return recorded

    def _write(self, sql: str, values: tuple[object, ...]) -> None:
        try:
            with self._connection() as db:
                db.execute(sql, values)
        except (sqlite3.Error, OSError) as exc:
            log.warning("cycle not recorded for `status`", file=str(self.path), reason=str(exc))

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=30)) as db, db:
            # A record lost in a power cut is one status line, rewritten by the next cycle:
            # not worth a wait for the disk at every cycle of every sheet.
            db.execute("PRAGMA synchronous = OFF")
            db.executescript(_SCHEMA)
            yield db


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _zone(moment: datetime) -> str:
    return str(getattr(moment.tzinfo, "key", "") or "")


def _last(
    target: str,
    at: str,
    zone: str,
    result: str,
    reason: str,
    failures: int,
    done_at: str | None,
    found: str | None,
) -> Last:
    def local(text: str) -> datetime:
        moment = datetime.fromisoformat(text)
        return moment.astimezone(ZoneInfo(zone)) if zone else moment

    summary = json.loads(found) if found else {}
    if not isinstance(summary, dict):
        raise ValueError(f"found is not a JSON object: {str(found)[:40]}")
    return Last(
        target, local(at), result, reason, failures, local(done_at) if done_at else None, summary
    )


# --- what `sopsync status` prints --------------------------------------------------------------


def render_status(sheets: Sequence[Sheet], recorded: dict[str, Last]) -> str:
    """Per sheet, its last cycle as recorded (a configuration's one sheet: whatever target
    it last served, a ``--workbook`` given to `sync` included)."""
    blocks = []
    for sheet in sheets:
        if sheet.problem:  # its settings name no sheet: nothing of it can be served now
            lines = [
                f"  not served: configuration error: {line}" for line in sheet.problem.splitlines()
            ]
            blocks.append("\n".join([sheet.label, *lines]))
            continue
        last = recorded.get(sheet.name)
        target = last.target if last is not None else sheet.target
        title = f"{sheet.name} · {target}" if sheet.name else target
        lines = _lines(last) if last is not None else ["  no cycle recorded yet"]
        blocks.append("\n".join([title, *lines]))
    return "\n\n".join(blocks)


def _lines(last: Last) -> list[str]:
    if last.result == DONE:
        written = "written" if last.found.get("written") else "nothing to write"
        lines = [f"  last cycle {_when(last.at)}: done ({written})"]
    else:
        row = f", {last.failures} in a row" if last.failures > 1 else ""
        lines = [f"  last cycle {_when(last.at)}: {last.result}{row}: {last.reason}"]
        if last.done_at is None:
            return [*lines, "  no cycle completed yet"]
        lines.append(f"  last completed {_when(last.done_at)}:")
    found = last.found
    counts: dict[str, int] = found.get("counts", {})
    per_status = " · ".join(f"{s.value} {counts.get(s.value, 0)}" for s in c.Status)
    lines.append(f"  {counted(found.get('rows', 0), 'document')}: {per_status}")
    for name, title in (("late", "late"), ("invalid", "invalid")):
        ids: list[str] = found.get(name, [])
        if ids:
            total = found.get(f"{name}_total", len(ids))
            more = f" and {total - len(ids)} more" if total > len(ids) else ""
            lines.append(f"  {title} ({total}): {', '.join(ids)}{more}")
    return lines


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M %Z}".strip()
