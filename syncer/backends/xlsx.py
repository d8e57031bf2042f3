"""The embedded default: a local .xlsx workbook.

One cycle reads the file once and, when something changed, replaces it once
(how the file is opened and replaced: ``workbook_file``). The read parses only the tabs
the cycle needs (``xlsx_read``); the write rewrites only the parts it changes
(``xlsx_write``), or, for a workbook it cannot change in place, saves it whole with
openpyxl (``xlsx_whole``). ``init`` loads and saves the workbook whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import structlog

from syncer import contract as c
from syncer import layout
from syncer.backends import (
    Changes,
    NeedsInit,
    Snapshot,
    Table,
    require_headers,
    workbook_file,
    xlsx_read,
)
from syncer.backends.xlsx_package import Unpatchable
from syncer.backends.xlsx_write import Found, patched
from syncer.engine import HistoryEntry, Rules
from syncer.ledger import read_history, read_records
from syncer.meta import read_meta

log = structlog.get_logger("sopsync.workbook")


@dataclass(frozen=True)
class _Basis:
    """What a write needs from its read: the file's bytes and stamp, and where things are."""

    data: bytes
    stat: workbook_file.Stamp
    found: Found


class XlsxBackend:
    def __init__(self, path: Path, zone: ZoneInfo):
        self.path = Path(path)
        workbook_file.check_path(self.path)
        self.target = str(self.path.resolve())
        """The workbook as one name, however it was spelt (``--workbook kantor.xlsx`` from its
        folder or the configuration's absolute path): its lock, its outbox and its records."""
        self.zone = zone

    # --- init -------------------------------------------------------------------------------

    def init(self, rules: Rules) -> list[str]:
        from openpyxl import Workbook

        from syncer.backends.xlsx_layout import prepare

        stat: workbook_file.Stamp | None = None
        if self.path.exists():
            stat = workbook_file.stamp(self.path)
            book = workbook_file.load(self.path)
        else:
            book = Workbook()
        done = prepare(book, rules)
        if done:
            workbook_file.save(self.path, book, stat)
        return done

    # --- read -------------------------------------------------------------------------------

    def read(self, full_history: bool = False) -> Snapshot:
        if not self.path.exists():
            raise NeedsInit(f"workbook {self.path} does not exist")
        stat = workbook_file.stamp(self.path)
        data = workbook_file.read(self.path)
        with workbook_file.parsing(self.path), xlsx_read.opened(data) as book:
            absent = [tab.title for tab in layout.TABS if tab.title not in book.sheetnames]
            if absent:
                raise NeedsInit(f"workbook {self.path} has no tab {', '.join(absent)}")
            grids = {tab.title: xlsx_read.values(book, tab.title) for tab in layout.READ_TABS}
            riwayat = xlsx_read.values(book, c.RIWAYAT) if full_history else None
            entries = xlsx_read.has_rows_below(book, c.RIWAYAT)
            blank = frozenset(
                tab.title
                for tab in layout.WORKER_TABS
                if xlsx_read.first_value(book, tab.title) in (None, "")
            )
            epoch = book.epoch
            parts = {tab.title: xlsx_read.part_of(book, tab.title) for tab in layout.TABS}
        for tab in layout.READ_TABS:
            require_headers(tab, grids[tab.title])
        if riwayat is not None:  # records are rebuilt from it: each column must be there
            require_headers(layout.RIWAYAT, riwayat)
        dokumen, state = grids.pop(c.DOKUMEN), grids.pop(c.STATE)
        held = read_records(state[0], state[1:])
        area = read_meta(state[0], state[1:])
        tables = {title: Table(list(rows[0]), rows[1:]) for title, rows in grids.items()}
        history: list[HistoryEntry] | None = None
        unreadable: tuple[int, ...] = ()
        if riwayat is not None:
            history, unreadable = (
                read_history(riwayat[0], riwayat[1:], self.zone) if riwayat else ([], ())
            )
        found = Found(epoch, parts, dokumen, held.rows, len(state), area, tables)
        return Snapshot(
            headers=list(dokumen[0]),
            rows=dokumen[1:],
            records=held.records,
            basis=_Basis(data, stat, found),
            record_ids=frozenset(held.rows),
            unreadable=held.unreadable,
            ledger_has_entries=entries,
            meta=dict(area.values),
            tables=tables,
            history=history,
            history_unreadable=unreadable,
            blank_tabs=blank,
        )

    # --- write ------------------------------------------------------------------------------

    def write(self, changes: Changes, basis: object) -> None:
        if not isinstance(basis, _Basis):
            raise TypeError("write() takes the basis of this backend's read()")
        workbook_file.check_free(self.path, basis.stat)  # before the work, and again after
        try:
            content = patched(basis.data, changes, basis.found, self.zone)
        except Unpatchable as exc:
            log.warning("writing the workbook whole", file=str(self.path), reason=str(exc))
            self._write_whole(changes, basis)
            return
        workbook_file.replace(self.path, content, basis.stat)

    def _write_whole(self, changes: Changes, basis: _Basis) -> None:
        from syncer.backends.xlsx_whole import write_whole

        book = workbook_file.load(self.path, basis.data)
        write_whole(book, changes, basis.found, self.zone)
        workbook_file.save(self.path, book, basis.stat)
