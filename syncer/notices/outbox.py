"""The outbox: a local SQLite file that remembers every notice (DESIGN §8).

One row per notice and channel, keyed by (sheet, kind, document, step,
person, occasion, channel): a key is recorded once, so a notice planned again
in a later cycle, after a restart or a crash, is not sent again. A row is
recorded *before* its message goes out and marked sent right after, so a
crash in between repeats only that message.

States: ``pending`` (not tried yet), ``failed`` (tried; tried again from
``next_attempt``), ``sent`` (its documents dropped: only its key is still needed),
``refused`` (the channel refused it for good, or it failed too often). The outbox
also keeps, per sheet, the moment notices were enabled: documents that arrived
earlier are not announced as new.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from syncer.contract import Status
from syncer.notices.documents import OpenDocument
from syncer.notices.planner import Kind, NoticeKey
from syncer.people import name_key

PENDING, FAILED, SENT, REFUSED = "pending", "failed", "sent", "refused"
MAX_ATTEMPTS = 24
"""Attempts before a notice is given up (with backoff capped at an hour: about three
working days)."""
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=1)
LOCK_WAIT = 5.0
"""Seconds to wait for another process's write (the outbox's own take milliseconds): a file
held open by another program costs a cycle this, not more."""


class OutboxError(Exception):
    """The outbox file cannot be used (missing folder, damaged, locked); names the file."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS enabled (
    sheet TEXT PRIMARY KEY,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notice (
    id INTEGER PRIMARY KEY,
    sheet TEXT NOT NULL,
    kind TEXT NOT NULL,
    document TEXT NOT NULL,
    step INTEGER NOT NULL,
    person TEXT NOT NULL,
    occasion TEXT NOT NULL,
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    name TEXT NOT NULL,
    documents TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    planned_at TEXT NOT NULL,
    sent_at TEXT,
    UNIQUE (sheet, kind, document, step, person, occasion, channel)
);
CREATE INDEX IF NOT EXISTS notice_due ON notice (sheet, state, next_attempt);
"""


@dataclass(frozen=True, slots=True)
class Entry:
    """A notice for one channel and address, as planned (to record) or as recorded."""

    key: NoticeKey
    channel: str
    address: str
    name: str
    documents: tuple[OpenDocument, ...]
    id: int = 0
    """The row id once recorded."""
    attempts: int = 0
    state: str = PENDING
    answer: str = ""


_FIELDS = tuple(f.name for f in fields(OpenDocument))
"""An OpenDocument's fields, in the order they are recorded."""


def _instant(moment: datetime) -> str:
    """UTC ISO text: ordered as the moments are."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _documents_json(documents: Sequence[OpenDocument]) -> str:
    def plain(doc: OpenDocument) -> dict[str, Any]:
        data = {name: getattr(doc, name) for name in _FIELDS}  # flat: no deep copy (asdict)
        data["since"] = doc.since.isoformat()
        data["due"] = doc.due.isoformat() if doc.due else None
        data["status"] = doc.status.value
        return data

    return json.dumps([plain(d) for d in documents], ensure_ascii=False)


def _documents(text: str) -> tuple[OpenDocument, ...]:
    """Documents as recorded; raises ValueError for a row this version cannot read."""
    found = []
    try:
        for data in json.loads(text):
            data["since"] = datetime.fromisoformat(data["since"])
            data["due"] = datetime.fromisoformat(data["due"]) if data["due"] else None
            data["status"] = Status(data["status"])
            found.append(OpenDocument(**{k: v for k, v in data.items() if k in _FIELDS}))
    except (TypeError, KeyError, AttributeError) as exc:
        raise ValueError(f"unreadable documents: {exc}") from exc
    return tuple(found)


def _identity(sheet: str, entry: Entry) -> tuple[str, str, str, int, str, str, str]:
    """The columns that make a notice (on one channel) the same notice."""
    key = entry.key
    return (sheet, key.kind.value, key.document, key.step, key.person, key.occasion, entry.channel)


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 1, 2, 4 … minutes, at most an hour."""
    wait: timedelta = FIRST_BACKOFF * 2 ** max(0, min(attempts - 1, 16))
    return min(wait, MAX_BACKOFF)


def _read_only(path: Path) -> sqlite3.Connection:
    """The outbox, only read. SQLite reads a WAL file through files beside it that a reader
    who may not write the folder cannot make once the worker has cleaned them up: such a
    reader takes the file as it is (a moment's writes in flight may be missed: a preview)."""
    uri = path.absolute().as_uri()
    connection = sqlite3.connect(f"{uri}?mode=ro", timeout=LOCK_WAIT, uri=True)
    try:
        connection.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.OperationalError:
        connection.close()
        connection = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True)
    return connection


class Outbox:
    def __init__(self, connection: sqlite3.Connection, readonly: bool = False):
        self._db = connection
        self._readonly = readonly

    @classmethod
    @contextmanager
    def open(cls, path: Path, readonly: bool = False) -> Iterator[Outbox]:
        """The outbox at ``path``, created with its folder's permissions when missing;
        ``readonly``: an existing one, only read (``notify preview``, by any user).

        Raises :class:`OutboxError`, naming the file, when it cannot be used.
        """
        try:
            if readonly:
                connection = _read_only(Path(path))
            else:
                connection = sqlite3.connect(str(path), timeout=LOCK_WAIT, isolation_level=None)
            try:
                if not readonly:
                    connection.execute("PRAGMA journal_mode=WAL")
                    connection.executescript(_SCHEMA)
                yield cls(connection, readonly)
            finally:
                connection.close()
        except sqlite3.Error as exc:
            raise OutboxError(f"outbox {path}: {exc}") from exc

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def enabled_at(self, sheet: str, now: datetime) -> datetime:
        """When notices were enabled for ``sheet``: ``now`` the first time it is asked."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO enabled (sheet, at) VALUES (?, ?)", (sheet, _instant(now))
            )
            (text,) = db.execute("SELECT at FROM enabled WHERE sheet = ?", (sheet,)).fetchone()
        return datetime.fromisoformat(text)

    def peek_enabled_at(self, sheet: str) -> datetime | None:
        row = self._db.execute("SELECT at FROM enabled WHERE sheet = ?", (sheet,)).fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def record(
        self, sheet: str, entries: Iterable[Entry], now: datetime, nips: Set[str] = frozenset()
    ) -> int:
        """Record the entries whose notice is new (see :meth:`known`); returns how many were."""
        at = _instant(now)
        with self._transaction() as db:
            new = [e for e in entries if not self._has(db, sheet, e, nips)]
            db.executemany(
                "INSERT INTO notice (sheet, kind, document, step, person, occasion, channel,"
                " address, name, documents, next_attempt, planned_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (*_identity(sheet, e), e.address, e.name, _documents_json(e.documents), at, at)
                    for e in new
                ],
            )
        return len(new)

    def known(
        self, sheet: str, entries: Iterable[Entry], nips: Set[str] = frozenset()
    ) -> set[tuple[NoticeKey, str]]:
        """Which of ``entries`` (key and channel) are already recorded: for their person's
        identity; for their name, as an outbox made before NIPs were identities recorded
        them; or for their name and a NIP of ``nips``' complement (the identities Pegawai
        holds now): a NIP corrected or cleared since."""
        return {(e.key, e.channel) for e in entries if self._has(self._db, sheet, e, nips)}

    @staticmethod
    def _has(db: sqlite3.Connection, sheet: str, entry: Entry, nips: Set[str]) -> bool:
        sheet, kind, document, step, person, occasion, channel = _identity(sheet, entry)
        rows = db.execute(
            "SELECT person, name FROM notice WHERE sheet = ? AND kind = ? AND document = ?"
            " AND step = ? AND occasion = ? AND channel = ?",
            (sheet, kind, document, step, occasion, channel),
        ).fetchall()
        named = name_key(entry.name)
        return any(
            known in (person, named)
            or known.startswith("nip:")
            and known not in nips
            and name_key(name) == named
            for known, name in rows
        )

    def due(self, sheet: str, now: datetime) -> list[Entry]:
        """Entries to send now: pending, or failed and due again; those never tried first
        (a retry that failed may fail again and take the channel down with it), oldest first.

        A row this version cannot read (written by another one) is given up, not retried.
        """
        rows = self._db.execute(
            "SELECT id, kind, document, step, person, occasion, channel, address, name,"
            " documents, attempts, state, answer FROM notice"
            " WHERE sheet = ? AND state IN (?, ?) AND next_attempt <= ?"
            " ORDER BY attempts > 0, id",  # never tried (held, or new) before retries
            (sheet, PENDING, FAILED, _instant(now)),
        ).fetchall()
        found: list[Entry] = []
        for row_id, kind, document, step, person, occasion, channel, *rest in rows:
            address, name, documents, attempts, state, answer = rest
            try:
                entry = Entry(
                    NoticeKey(Kind(kind), document, step, person, occasion),
                    channel,
                    address,
                    name,
                    _documents(documents),
                    row_id,
                    attempts,
                    state,
                    answer,
                )
            except ValueError as exc:
                if not self._readonly:
                    self.give_up([row_id], f"unreadable outbox row: {exc}")
                continue
            found.append(entry)
        return found

    def give_up(self, ids: Sequence[int], answer: str) -> None:
        """Refuse for good without an attempt (nothing was sent)."""
        with self._transaction() as db:
            db.executemany(
                "UPDATE notice SET state = ?, answer = ? WHERE id = ?",
                [(REFUSED, answer, row_id) for row_id in ids],
            )

    def readdress(self, entries: Sequence[Entry]) -> None:
        """Record the address each entry now goes to (Pegawai corrected since it was planned)."""
        with self._transaction() as db:
            db.executemany(
                "UPDATE notice SET address = ? WHERE id = ?", [(e.address, e.id) for e in entries]
            )

    def sent(self, ids: Sequence[int], now: datetime, receipt: str = "") -> None:
        """Mark sent. The documents a message carried are dropped, its key kept: a morning
        queue holds every open document of a person, and a year of them would fill a disk."""
        with self._transaction() as db:
            db.executemany(
                "UPDATE notice SET state = ?, sent_at = ?, answer = ?, documents = '[]',"
                " attempts = attempts + 1 WHERE id = ?",
                [(SENT, _instant(now), receipt, i) for i in ids],
            )

    def failed(
        self,
        entries: Sequence[Entry],
        now: datetime,
        answer: str,
        final: bool = False,
        retry_after: float | None = None,
    ) -> int:
        """Count a failed attempt; the entries are tried again after a backoff, or given up.

        Returns how many were given up (refused for good, or out of attempts)."""
        rows = []
        for e in entries:
            attempts = e.attempts + 1
            wait = backoff(attempts)
            if retry_after is not None:
                wait = max(wait, timedelta(seconds=retry_after))
            state = REFUSED if final or attempts >= MAX_ATTEMPTS else FAILED
            rows.append((state, attempts, _instant(now + wait), answer, e.id))
        with self._transaction() as db:
            db.executemany(
                "UPDATE notice SET state = ?, attempts = ?, next_attempt = ?, answer = ?"
                " WHERE id = ?",
                rows,
            )
        return sum(state == REFUSED for state, *_ in rows)

    def states(self, sheet: str) -> dict[str, int]:
        """Notices of ``sheet`` per state."""
        rows = self._db.execute(
            "SELECT state, COUNT(*) FROM notice WHERE sheet = ? GROUP BY state", (sheet,)
        ).fetchall()
        return {state: count for state, count in rows}
