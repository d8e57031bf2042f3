"""A shared Google Sheet: the cycle's one read, its one write, and ``init``.

A cycle costs one ``spreadsheets.values.batchGet`` (values as entered:
formulas stay formulas; date-times as serial numbers) and, when something
changed, one atomic ``spreadsheets.batchUpdate``. What the write needs to know
about the sheet beyond values (each tab's id, the write marker) is kept in the
state tab's key→value area by ``init`` and by every write, so the read need
not ask for the spreadsheet's layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NoReturn
from zoneinfo import ZoneInfo

import structlog

from syncer import contract as c
from syncer import layout, meta
from syncer.backends import (
    BackendError,
    Changes,
    Misconfigured,
    NeedsInit,
    Replan,
    Snapshot,
    Table,
    WriteUncertain,
    require_headers,
)
from syncer.backends.google.init import (
    CELL_FIELDS,
    LAYOUT_FIELDS,
    LEDGER_FIELDS,
    META_RANGE,
    InitPlan,
    cell_ranges,
    quoted,
)
from syncer.backends.google.plan import (
    WRITE_LIMIT,
    Basis,
    Planner,
    encoded,
    marker_step,
    meta_requests,
    new_token,
)
from syncer.backends.google.transport import Refused, SheetsTransport, spreadsheet_id
from syncer.backends.google.values import date_columns, dated
from syncer.engine import HistoryEntry, Rules
from syncer.ledger import RecordCache, read_history, read_records

if TYPE_CHECKING:
    from syncer.config import Config

READ_OPTIONS = {
    "valueRenderOption": "FORMULA",
    "dateTimeRenderOption": "SERIAL_NUMBER",
    "majorDimension": "ROWS",
}
CHECK_FIELDS = "sheets(properties(sheetId,title),protectedRanges(protectedRangeId,description))"

log = structlog.get_logger("sopsync.google")


class GoogleBackend:
    def __init__(
        self,
        spreadsheet: str,
        zone: ZoneInfo,
        transport: SheetsTransport,
        *,
        admins: Sequence[str] = (),
        warning_only: bool = False,
        write_limit: int = WRITE_LIMIT,
    ):
        self.spreadsheet = spreadsheet_id(spreadsheet or "")
        if not self.spreadsheet:
            raise Misconfigured("no spreadsheet id: set [google] spreadsheet or pass --spreadsheet")
        self.target = self.spreadsheet
        self.zone = zone
        self.transport = transport
        self.admins = list(admins)
        self.warning_only = warning_only
        self.write_limit = write_limit
        self.parsed = RecordCache()
        """Records parsed by the last read: a ``run`` parses only the records that changed."""

    @classmethod
    def from_config(
        cls, config: Config, zone: ZoneInfo, transport: SheetsTransport | None = None
    ) -> GoogleBackend:
        """``transport``: one shared with other sheets of the same key (default: its own)."""
        google = config.google
        return cls(
            google.spreadsheet or "",
            zone,
            transport or SheetsTransport.from_config(config),
            admins=google.admins,
            warning_only=google.protection == "warning",
        )

    # --- init -------------------------------------------------------------------------------

    def init(self, rules: Rules) -> list[str]:
        """Bring the sheet to the layout; an answer lost is followed by a fresh look."""
        attempts = self.transport.retries + 1
        planned: list[str] = []
        for attempt in range(1, attempts + 1):
            try:
                return self._init(rules, planned) or planned
            except WriteUncertain:
                if attempt == attempts:
                    raise
                log.warning("init not confirmed; looking at the sheet again")
        raise AssertionError("unreachable")

    def _init(self, rules: Rules, planned: list[str]) -> list[str]:
        """One look and one batch; ``planned`` keeps what the first batch was to do."""
        sheet = self.transport.get(
            self.spreadsheet, "reading the sheet layout", {"fields": LAYOUT_FIELDS}
        )
        ranges = cell_ranges(sheet)
        cells: dict[str, Any] = {}
        if ranges:
            cells = self.transport.get(
                self.spreadsheet,
                "reading the sheet's headers",
                {"ranges": ranges, "includeGridData": "true", "fields": CELL_FIELDS},
            )
        editors = sorted({self.transport.email, *self.admins} - {""})
        plan = InitPlan(rules, self.zone.key, sheet, cells, editors, self.warning_only)
        if plan.needs_ledger_formats():
            plan.ledger_formats(
                self.transport.get(
                    self.spreadsheet,
                    "reading the format of Riwayat's rows",
                    {
                        "ranges": [f"{quoted(c.RIWAYAT)}!A2:A"],
                        "includeGridData": "true",
                        "fields": LEDGER_FIELDS,
                    },
                )
            )
        requests, done = plan.build()
        planned[:] = planned or done
        if requests:
            self.transport.batch_update(
                self.spreadsheet, "initialising the sheet", encoded({"requests": requests})
            )
        return done

    # --- read -------------------------------------------------------------------------------

    def read(self, full_history: bool = False) -> Snapshot:
        riwayat = quoted(c.RIWAYAT) + ("" if full_history else "!A1:A2")
        ranges = [
            quoted(c.DOKUMEN),
            quoted(c.STATE),
            riwayat,
            *(quoted(tab.title) for tab in layout.ADMIN_TABS),
            *(f"{quoted(tab.title)}!A1:A1" for tab in layout.WORKER_TABS),
        ]
        got = self.transport.batch_get(self.spreadsheet, "reading the sheet", ranges, READ_OPTIONS)
        values = [vr.get("values", []) for vr in got.get("valueRanges", [])]
        if len(values) != len(ranges):
            raise BackendError("the Sheets API answered the read with a range missing")
        dokumen, state, ledger = values[:3]
        admin = values[3 : 3 + len(layout.ADMIN_TABS)]
        worker = values[3 + len(layout.ADMIN_TABS) :]

        require_headers(layout.DOKUMEN, dokumen)
        headers = dokumen[0] if dokumen else []
        rows = dokumen[1:]
        dated(rows, date_columns(layout.DOKUMEN, headers))
        require_headers(layout.STATE, state)
        held = read_records(state[0], state[1:], self.parsed)
        area = meta.read_meta(state[0], state[1:])
        tables = {}
        for tab, grid in zip(layout.ADMIN_TABS, admin, strict=True):
            require_headers(tab, grid)
            tab_headers = grid[0] if grid else []
            tab_rows = grid[1:]
            dated(tab_rows, date_columns(tab, tab_headers))
            tables[tab.title] = Table(list(tab_headers), tab_rows)
        history: list[HistoryEntry] | None = None
        unreadable: tuple[int, ...] = ()
        if full_history:  # records are rebuilt from it: each column must be there
            require_headers(layout.RIWAYAT, ledger)
            ledger_rows = ledger[1:]
            dated(ledger_rows, date_columns(layout.RIWAYAT, ledger[0] if ledger else []))
            history, unreadable = (
                read_history(ledger[0], ledger_rows, self.zone) if ledger else ([], ())
            )
        blank = frozenset(
            tab.title
            for tab, grid in zip(layout.WORKER_TABS, worker, strict=True)
            if not grid or not grid[0] or grid[0][0] in (None, "")
        )
        basis = Basis(
            ids=_ids(area),
            headers=list(headers),
            record_rows=held.rows,
            meta=area,
            tables={title: table.headers for title, table in tables.items()},
            token=_token(area),
        )
        return Snapshot(
            headers=list(headers),
            rows=rows,
            records=held.records,
            basis=basis,
            record_ids=frozenset(held.rows),
            unreadable=held.unreadable,
            ledger_has_entries=len(ledger) > 1,
            meta=dict(area.values),
            tables=tables,
            history=history,
            history_unreadable=unreadable,
            blank_tabs=blank,
        )

    # --- write ------------------------------------------------------------------------------

    def write(self, changes: Changes, basis: object) -> None:
        if not isinstance(basis, Basis):
            raise TypeError("write() takes the basis of this backend's read()")
        planner = Planner(changes, basis, self.zone, self.write_limit)
        bodies = planner.bodies()
        for body, previous in zip(bodies, planner.previous, strict=True):
            try:
                self.transport.batch_update(self.spreadsheet, "writing the sheet", body)
            except Refused as exc:
                self._after_refusal(exc, basis, previous)

    def _after_refusal(self, refused: Refused, basis: Basis, previous: int | None) -> NoReturn:
        """Why a write was refused: another write landed first (read again), the worker's
        cache is out of date (repair it, then read again), or the write itself is wrong."""
        found = self.transport.get(
            self.spreadsheet, "checking the sheet after a refused write", {"fields": CHECK_FIELDS}
        )
        sheets = {s["properties"]["title"]: s for s in found.get("sheets", [])}
        absent = [tab.title for tab in layout.TABS if tab.title not in sheets]
        if absent:
            raise NeedsInit(f"tab {', '.join(absent)} is missing")
        ids = {title: s["properties"]["sheetId"] for title, s in sheets.items()}
        stale = {
            t.title: ids[t.title] for t in layout.TABS if basis.ids.get(t.title) != ids[t.title]
        }
        markers = [
            p["protectedRangeId"]
            for p in sheets[c.STATE].get("protectedRanges", [])
            if p.get("description") == layout.TOKEN
        ]
        if previous in markers and not stale:
            raise BackendError(str(refused))
        area = self._key_value_area()
        if markers and area.values.get(meta.TOKEN) in {str(m) for m in markers} and not stale:
            raise Replan("the sheet was written meanwhile")
        token = new_token()
        requests = marker_step(ids[c.STATE], markers[0] if markers else None, token)
        requests += [{"deleteProtectedRange": {"protectedRangeId": m}} for m in markers[1:]]
        updates = {meta.TOKEN: str(token), **{meta.sheet_key(t): str(i) for t, i in stale.items()}}
        requests += meta_requests(ids[c.STATE], area, updates)
        log.warning("repairing the worker's cache in the state tab", tabs=sorted(stale))
        self.transport.batch_update(
            self.spreadsheet, "repairing the worker's cache", encoded({"requests": requests})
        )
        raise Replan("the worker's cache of the sheet's layout was out of date")

    def _key_value_area(self) -> meta.MetaArea:
        got = self.transport.batch_get(
            self.spreadsheet,
            "reading the worker's cache",
            [f"{quoted(c.STATE)}!{META_RANGE}"],
            READ_OPTIONS,
        )
        rows = got.get("valueRanges", [{}])[0].get("values", [])
        area = meta.read_meta(rows[0], rows[1:]) if rows else meta.MetaArea()
        if area.columns is None:
            raise NeedsInit("the state tab has no key→value area")
        return replace(area, columns=(area.columns[0] + 2, area.columns[1] + 2))


def _ids(area: meta.MetaArea) -> dict[str, int]:
    ids: dict[str, int] = {}
    for tab in layout.TABS:
        value = area.values.get(meta.sheet_key(tab.title), "")
        if not value.isdigit():
            raise NeedsInit("the worker's cache of the tabs' ids is missing")
        ids[tab.title] = int(value)
    return ids


def _token(area: meta.MetaArea) -> int:
    value = area.values.get(meta.TOKEN, "")
    if not value.isdigit():
        raise NeedsInit("the write marker is missing")
    return int(value)
