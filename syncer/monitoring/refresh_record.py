"""The worker's own note, on its machine, of when each sheet's Kinerja tab is next due.

Whether a cycle refreshes Kinerja, and so reads Riwayat, must be known before its read;
a ``sync`` from cron is a new process each time. Each cycle's report says when the tab
is next due (``Report.kinerja_due``); this SQLite file beside the configuration
(``[worker] state_file``) keeps that moment per sheet, and ``run`` keeps it in memory too.

It is only a note: missing, unreadable or not writable, the cycle learns from the sheet
instead, at the cost of one more read at most once a working day (``monitoring.refresh``).
So a failure here is logged and never fails a cycle.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

import structlog

log = structlog.get_logger("sopsync.kinerja")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kinerja_due (
    sheet TEXT PRIMARY KEY,
    due TEXT NOT NULL
)
"""


class RefreshRecord:
    """When each sheet's Kinerja tab is next due, by the sheet's target (path or id)."""

    def __init__(self, path: Path | None):
        self.path = path
        """None: kept in memory only (no state file: a configuration made in code)."""
        self.known: dict[str, datetime] = {}
        self.warned = False

    def due(self, sheet: str) -> datetime | None:
        """The moment kept for ``sheet``; None when nothing (readable) is kept."""
        if sheet not in self.known and self.path is not None and self.path.exists():
            try:
                with closing(sqlite3.connect(self.path)) as db:
                    row = _kept_due(db, sheet)
            except sqlite3.Error as exc:
                self._warn("read", exc)
                return None
            moment = _moment(row[0]) if row else None
            if moment is not None:
                self.known[sheet] = moment
        return self.known.get(sheet)

    def keep(self, sheet: str, due: datetime) -> None:
        """Remember ``due`` for ``sheet`` (written to the file only when it changed)."""
        if self.known.get(sheet) == due:
            return
        self.known[sheet] = due
        if self.path is None:
            return
        try:
            with closing(sqlite3.connect(self.path)) as db, db:
                db.execute(_SCHEMA)
                db.execute(
                    "INSERT INTO kinerja_due (sheet, due) VALUES (?, ?)"
                    " ON CONFLICT (sheet) DO UPDATE SET due = excluded.due",
                    (sheet, due.isoformat()),
                )
        except sqlite3.Error as exc:
            self._warn("write", exc)

    def _warn(self, what: str, exc: sqlite3.Error) -> None:
        """Once per process: the Kinerja tab is then refreshed as if nothing were kept."""
        if not self.warned:
            log.warning(
                "local record of the Kinerja refresh unusable",
                path=str(self.path),
                failed=what,
                reason=str(exc),
            )
            self.warned = True


def _kept_due(db: sqlite3.Connection, sheet: str) -> tuple[object, ...] | None:
    """The row kept for ``sheet``; None also in a state file that has no such table yet
    (the file also keeps what others keep there: the last cycles, the SOP catalog)."""
    known = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kinerja_due'"
    ).fetchone()
    if known is None:
        return None
    row: tuple[object, ...] | None = db.execute(
        "SELECT due FROM kinerja_due WHERE sheet = ?", (sheet,)
    ).fetchone()
    return row


def _moment(text: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
