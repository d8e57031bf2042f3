"""A shared Google Sheet, over gspread's HTTP client and a service account.

A cycle costs one ``spreadsheets.get`` (grid data of Dokumen and the state
tab, what staff typed as entered: formulas stay formulas, dates are serial
numbers) and, when something changed, one atomic ``spreadsheets.batchUpdate``.
Only a write body over Google's recommended 2 MB is split, document by
document, so a document's Riwayat rows and record always travel together.

The retry policy is ours: bounded exponential backoff with full jitter,
Retry-After honoured when present (Google's 429 usually has none).
"""

from __future__ import annotations

import json
import random
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import requests
from google.auth import exceptions as auth_errors
from google.oauth2 import service_account
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from gspread.urls import SPREADSHEET_BATCH_UPDATE_URL
from openpyxl.utils import get_column_letter
from requests.adapters import HTTPAdapter

from syncer import contract as c
from syncer import views
from syncer.backends import BackendError, Changes, Misconfigured, NeedsInit, Snapshot
from syncer.engine import HistoryEntry, Rules
from syncer.ledger import history_cells, read_history, read_records, record_cells
from syncer.pacing import Pacer, pacer_for

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
API_HOST = "https://sheets.googleapis.com/"
WRITE_LIMIT = 2_000_000
"""Google recommends request bodies of at most 2 MB."""
EPOCH = datetime(1899, 12, 30)
RETRYABLE = {429, 500, 502, 503, 504}
MAX_SLEEP = 32.0
DATE_TYPES = {"DATE", "DATE_TIME", "TIME"}
NUMBER_FORMAT = {"type": "DATE_TIME", "pattern": c.DATE_FORMAT}
PROTECTED = "sopsync: diisi otomatis, jangan diubah"
WORKER_TABS = (views.RINGKASAN, views.SOP)
COMPACT = {"prettyPrint": "false"}
"""Asked of every call: Google pretty-prints its answers unless told not to."""
READ_FIELDS = (
    "sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),"
    "data(startRow,startColumn,rowData(values(userEnteredValue,userEnteredFormat.numberFormat.type))))"
)


class RedirectAdapter(HTTPAdapter):
    """Send requests for the Google API host to another base URL (a proxy, or an emulator)."""

    def __init__(self, base_url: str):
        super().__init__()
        self.base = base_url.rstrip("/") + "/"

    def send(self, request, **kwargs):  # type: ignore[override]
        if request.url.startswith(API_HOST):
            request.url = self.base + request.url[len(API_HOST) :]
        return super().send(request, **kwargs)


# --- values -----------------------------------------------------------------------------------


def to_serial(moment: datetime) -> float:
    """Days since 1899-12-30, to the second (6 decimals)."""
    return round((moment - EPOCH) / timedelta(days=1), 6)


def from_serial(serial: float) -> datetime:
    """The date-time a serial number shows, to the nearest second."""
    return EPOCH + timedelta(seconds=round(serial * 86_400))


def cell_value(cell: dict) -> object:
    """What staff typed, as the workbook backend would show it."""
    value = cell.get("userEnteredValue")
    if not value:
        return None
    if "formulaValue" in value:
        return value["formulaValue"]
    if "stringValue" in value:
        return value["stringValue"]
    if "boolValue" in value:
        return value["boolValue"]
    if "numberValue" in value:
        number = value["numberValue"]
        kind = cell.get("userEnteredFormat", {}).get("numberFormat", {}).get("type")
        if kind in DATE_TYPES:
            try:
                return from_serial(number)
            except OverflowError:
                return number
        return int(number) if float(number).is_integer() and abs(number) < 2**53 else number
    if "errorValue" in value:
        return "#ERROR"
    return None


def cell_data(value: object) -> dict:
    """A value as CellData: text is always stringValue, so it is never a formula."""
    if value is None or value == "":
        return {}
    if isinstance(value, datetime):  # its column's format shows it (see _date_formats)
        return {"userEnteredValue": {"numberValue": to_serial(value)}}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, int | float):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


def _rows_of(sheet: dict) -> list[list[object]]:
    rows: list[list[object]] = []
    for block in sheet.get("data", []):
        start = block.get("startRow", 0)
        for offset, row in enumerate(block.get("rowData", [])):
            index = start + offset
            while len(rows) < index:
                rows.append([])
            rows.append([_value(cell) for cell in row.get("values", ())])
    return rows


def _value(cell: dict) -> object:
    """``cell_value``, with text (most cells) taken without the other checks."""
    value = cell.get("userEnteredValue")
    if value is not None and "stringValue" in value:  # a oneof: nothing else is set
        return value["stringValue"]
    return cell_value(cell)


# --- the write plan ---------------------------------------------------------------------------


@dataclass
class _Unit:
    """What must land in one request: a row's worker cells, or a document's whole change."""

    dokumen: list[tuple[int, int, dict]] = field(default_factory=list)  # (row, col, cell)
    record_updates: list[tuple[int, list[object]]] = field(default_factory=list)
    record_appends: list[list[object]] = field(default_factory=list)
    history: list[list[object]] = field(default_factory=list)
    tabs: dict[str, views.Grid] = field(default_factory=dict)


def _blocks(cells: Iterable[tuple[int, int, dict]]) -> list[tuple[int, int, list[list[dict]]]]:
    """Group cells into rectangles: consecutive rows with the same contiguous columns."""
    by_row: dict[int, dict[int, dict]] = {}
    for row, col, data in cells:
        by_row.setdefault(row, {})[col] = data
    runs: list[tuple[int, int, int, list[dict]]] = []  # (row, first col, last col, cells)
    for row in sorted(by_row):
        cols = sorted(by_row[row])
        start = prev = cols[0]
        for col in [*cols[1:], None]:
            if col is not None and col == prev + 1:
                prev = col
                continue
            runs.append((row, start, prev, [by_row[row][k] for k in range(start, prev + 1)]))
            if col is not None:
                start = prev = col
    blocks: list[tuple[int, int, list[list[dict]]]] = []
    shape: tuple[int, int] | None = None
    last_row = -2
    for row, first, last, values in sorted(runs, key=lambda r: (r[1], r[2], r[0])):
        if blocks and shape == (first, last) and row == last_row + 1:
            blocks[-1][2].append(values)
        else:
            blocks.append((row, first, [values]))
            shape = (first, last)
        last_row = row
    return blocks


def _date_formats(sheet_id: int, columns: Iterable[int]) -> list[dict]:
    """The date-time format over whole Dokumen columns, rows staff inserted included.

    One small request per column instead of a format on every date cell written.
    """
    return [
        {
            "repeatCell": {
                "range": _columns(sheet_id, col, col + 1, start_row=1),
                "cell": {"userEnteredFormat": {"numberFormat": NUMBER_FORMAT}},
                "fields": "userEnteredFormat.numberFormat",
            }
        }
        for col in columns
    ]


VALUE, RULE = "userEnteredValue", "dataValidation"


def _field_of(cell: dict) -> str:
    return RULE if RULE in cell else VALUE


def _update_cells(
    sheet_id: int, row: int, col: int, rows: list[list[dict]], fields: str = VALUE
) -> dict:
    return {
        "updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": col},
            "rows": [{"values": values} for values in rows],
            "fields": fields,
        }
    }


def _choices(block: tuple[int, int]) -> dict:
    """A Langkah cell's dropdown: its procedure's ``n - Kegiatan`` block in the SOP tab.

    Only the cell's validation is set (fields=dataValidation), never what staff typed.
    """
    col = _column_letter(views.SOP_HEADERS.index("Pilihan Langkah"))
    source = f"='{views.SOP}'!${col}${block[0] + 1}:${col}${block[1]}"
    condition = {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": source}]}
    return {RULE: {"condition": condition, "strict": False, "showCustomUi": True}}


def _styled_cell(styled: views.Styled, column: int = 0) -> dict:
    data = cell_data(styled.value)
    fmt: dict[str, Any] = {}
    if isinstance(styled.value, datetime):
        fmt["numberFormat"] = NUMBER_FORMAT
    if styled.style == views.TITLE:
        fmt["textFormat"] = {"bold": True, "fontSize": 12}
    elif styled.style in (views.HEADER, views.TOTAL):
        fmt["textFormat"] = {"bold": True}
        fmt["backgroundColor"] = _rgb("D9D9D9")
    elif styled.style in {s.value for s in c.STATUS_COLOURS}:
        fmt["backgroundColor"] = _rgb(c.STATUS_COLOURS[c.Status(styled.style)])
    if views.centred(styled.value, styled.style, column):
        fmt["horizontalAlignment"] = "CENTER"
    if fmt:
        data["userEnteredFormat"] = fmt
    return data


def _appended(values: list[object]) -> dict:
    """One appended row; each date cell carries its own format.

    Google does not document whether a formatted empty row counts as "data"
    for appendCells, so no tab appended to ever has its empty rows formatted.
    """
    cells = []
    for value in values:
        data = cell_data(value)
        if isinstance(value, datetime):  # the locale's own date-time pattern: a short body
            data["userEnteredFormat"] = {"numberFormat": {"type": "DATE_TIME"}}
        cells.append(data)
    return {"values": cells}


def _append_cells(sheet_id: int, rows: list[list[object]]) -> dict:
    return {
        "appendCells": {
            "sheetId": sheet_id,
            "rows": [_appended(values) for values in rows],
            "fields": "userEnteredValue,userEnteredFormat.numberFormat",
        }
    }


def _encoded(obj: object) -> bytes:
    """Compact JSON (gspread's own encoding adds ~10% of spaces)."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def _size(obj: object) -> int:
    return len(_encoded(obj))


SPLIT_MARGIN = 16_384
"""Room left in each split body for the request envelopes around the rows."""


def _unit_size(unit: _Unit) -> int:
    """The bytes a unit adds to a body: its rows as serialised, one comma each."""
    by_row: dict[int, list[tuple[int, dict]]] = {}
    for row, col, data in unit.dokumen:
        by_row.setdefault(row, []).append((col, data))
    rows: list[dict] = []
    for cells in by_row.values():  # contiguous columns of a row share one RowData
        cells.sort(key=lambda x: x[0])
        run = [cells[0][1]]
        for (before, _), (col, data) in zip(cells, cells[1:], strict=False):
            if col != before + 1:
                rows.append({"values": run})
                run = []
            run.append(data)
        rows.append({"values": run})
    rows += [{"values": [cell_data(v) for v in cells]} for _, cells in unit.record_updates]
    rows += [{"values": [cell_data(v) for v in cells]} for cells in unit.record_appends]
    rows += [_appended(cells) for cells in unit.history]
    return sum(_size(row) + 1 for row in rows)


# --- the backend ------------------------------------------------------------------------------


class GoogleBackend:
    def __init__(
        self,
        spreadsheet: str,
        credentials: Path | None,
        zone: ZoneInfo,
        *,
        admins: Sequence[str] = (),
        warning_only: bool = False,
        endpoint: str | None = None,
        timeout: float = 30.0,
        retries: int = 4,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        write_limit: int = WRITE_LIMIT,
        pacer: Pacer | None = None,
    ):
        if not spreadsheet:
            raise Misconfigured("no spreadsheet id: set [google] spreadsheet or pass --spreadsheet")
        self.spreadsheet = spreadsheet
        self.target = spreadsheet
        self.credentials = credentials
        self.zone = zone
        self.admins = list(admins)
        self.warning_only = warning_only
        self.endpoint = endpoint
        self.timeout = timeout
        self.retries = retries
        self.sleep = sleep
        self.jitter = jitter
        self.write_limit = write_limit
        self.pacer = pacer or pacer_for(60)
        self._http: HTTPClient | None = None
        self._email = ""
        self._read: dict[str, Any] = {}

    @classmethod
    def from_config(cls, config, zone: ZoneInfo) -> GoogleBackend:
        google = config.google
        return cls(
            google.spreadsheet or "",
            config.credentials_path(),
            zone,
            admins=google.admins,
            warning_only=google.protection == "warning",
            endpoint=google.endpoint,
            timeout=google.timeout_seconds,
            retries=config.worker.retries,
            pacer=pacer_for(google.requests_per_minute),
        )

    # --- transport --------------------------------------------------------------------------

    def _client(self) -> HTTPClient:
        if self._http is not None:
            return self._http
        if self.credentials is None:
            raise Misconfigured(
                "no service-account key: set [google] credentials or GOOGLE_APPLICATION_CREDENTIALS"
            )
        try:
            creds = service_account.Credentials.from_service_account_file(
                str(self.credentials), scopes=SCOPES
            )
        except FileNotFoundError as exc:
            raise Misconfigured(f"service-account key {self.credentials} not found") from exc
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()
            raise Misconfigured(
                f"cannot read service-account key {self.credentials}: {reason}"
            ) from exc
        except (ValueError, KeyError, json.JSONDecodeError) as exc:
            raise Misconfigured(
                f"{self.credentials} is not a service-account JSON key ({exc})"
            ) from exc
        self._email = creds.service_account_email
        client = HTTPClient(creds)
        client.set_timeout(self.timeout)
        if self.endpoint:
            parts = urlsplit(self.endpoint)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise Misconfigured(f"[google] endpoint {self.endpoint!r} is not an http(s) URL")
            client.session.mount(API_HOST, RedirectAdapter(self.endpoint))
        self._http = client
        return client

    def _call(self, what: str, request: Callable[[HTTPClient], Any]) -> Any:
        client = self._client()
        attempts = self.retries + 1
        for attempt in range(attempts):
            retry_after: float | None = None
            self.pacer.wait()
            try:
                return request(client)
            except APIError as exc:
                if exc.code not in RETRYABLE:
                    raise self._explain(exc) from exc
                problem = f"HTTP {exc.code}: {exc.error.get('message', '')}"
                header = exc.response.headers.get("Retry-After")
                if header and header.strip().isdigit():
                    retry_after = float(header)
            except (requests.Timeout, requests.ConnectionError) as exc:
                problem = f"{type(exc).__name__}"
            except auth_errors.RefreshError as exc:
                raise BackendError(f"the service-account key was refused: {exc}") from exc
            except auth_errors.TransportError as exc:
                problem = f"token endpoint unreachable ({exc})"
            if attempt + 1 == attempts:
                raise BackendError(f"{what} failed after {attempts} attempts: {problem}")
            delay = (
                min(retry_after, 60.0)
                if retry_after is not None
                else self.jitter() * min(MAX_SLEEP, 2.0**attempt)
            )
            self.sleep(delay)
        raise AssertionError("unreachable")

    def _explain(self, exc: APIError) -> BackendError:
        message = str(exc.error.get("message", ""))
        if exc.code == 404:
            return BackendError(f"spreadsheet {self.spreadsheet} not found: check the id")
        if exc.code == 403:
            return BackendError(
                f"spreadsheet {self.spreadsheet} is not shared with {self._email}:"
                " share it with that address as Editor"
            )
        if exc.code == 401:
            return BackendError(f"authentication refused: {message}")
        if exc.code == 400 and message.startswith("Unable to parse range"):
            return NeedsInit(f"a tab is missing ({message})")
        return BackendError(f"Sheets API error {exc.code}: {message}")

    # --- read -------------------------------------------------------------------------------

    def read(self) -> Snapshot:
        got = self._get(
            "reading the sheet",
            ranges=[c.DOKUMEN, c.STATE, f"{c.RIWAYAT}!A1:A2", *WORKER_TABS],
            includeGridData="true",
            fields=READ_FIELDS,
        )
        sheets = {s["properties"]["title"]: s for s in got.get("sheets", [])}
        missing = [t for t in (c.DOKUMEN, c.RIWAYAT, c.STATE, *WORKER_TABS) if t not in sheets]
        if missing:
            raise NeedsInit(f"tab {', '.join(missing)} is missing")
        dokumen = _rows_of(sheets[c.DOKUMEN])
        headers = dokumen[0] if dokumen else []
        absent = c.missing_columns(headers, (*c.STAFF_COLUMNS, *c.WORKER_COLUMNS))
        if absent:
            raise NeedsInit(f"tab {c.DOKUMEN} has no column {', '.join(absent)}")
        state = _rows_of(sheets[c.STATE])
        records = read_records(state[0], state[1:]) if state else {}
        id_col = c.column_map(state[0]).get("id", 0) if state else 0
        cols = c.column_map(headers)
        self._read = {
            "ids": {t: s["properties"]["sheetId"] for t, s in sheets.items()},
            "headers": headers,
            "date_columns": [cols[c.header_key(name)] for name in c.DATE_COLUMNS],
            "state_rows": {  # ID -> 0-based grid row (the header is row 0)
                str(r[id_col]): i
                for i, r in enumerate(state[1:], start=1)
                if id_col < len(r) and r[id_col] not in (None, "")
            },
        }
        tabs = {title: _rows_of(sheets[title]) for title in WORKER_TABS}
        self._read["tabs"] = {
            title: (
                max(len(tabs[title]), 1),
                max((len(r) for r in tabs[title]), default=1),
                sheets[title]["properties"].get("gridProperties", {}),
            )
            for title in WORKER_TABS
        }
        ledger = _rows_of(sheets[c.RIWAYAT])
        return Snapshot(headers, dokumen[1:], records, len(ledger) > 1, tabs)

    def read_history(self) -> list[HistoryEntry]:
        got = self._get(
            "reading Riwayat", ranges=[c.RIWAYAT], includeGridData="true", fields=READ_FIELDS
        )
        rows = _rows_of(got["sheets"][0]) if got.get("sheets") else []
        return read_history(rows[0], rows[1:], self.zone) if rows else []

    # --- write ------------------------------------------------------------------------------

    def write(self, changes: Changes) -> None:
        if not self._read:
            raise RuntimeError("write() needs a read() first")
        for body in self.plan(changes):
            self._batch_update("writing the sheet", body)

    def _batch_update(self, what: str, payload: bytes) -> Any:
        """spreadsheets.batchUpdate of an encoded body."""
        url = SPREADSHEET_BATCH_UPDATE_URL % self.spreadsheet
        headers = {"Content-Type": "application/json; charset=utf-8"}
        return self._call(
            what,
            lambda h: h.request("post", url, params=COMPACT, data=payload, headers=headers).json(),
        )

    def _get(self, what: str, **params: Any) -> Any:
        """spreadsheets.get; its answer compact (Google pretty-prints: 2.7x the bytes)."""
        query = {**params, **COMPACT}
        return self._call(what, lambda h: h.spreadsheets_get(self.spreadsheet, query))

    def plan(self, changes: Changes) -> list[bytes]:
        """The batchUpdate bodies for one cycle, encoded: one, unless it would exceed 2 MB.

        A larger write (the first sync of a very large sheet) is packed greedily,
        document by document, into the fewest bodies under the limit.
        """
        units = self._units(changes)
        if changes.tabs:
            units.insert(0, _Unit(tabs=changes.tabs))
        body = _encoded(self._body(units))
        if len(body) <= self.write_limit:
            return [body]
        budget = self.write_limit - SPLIT_MARGIN
        chunks: list[list[_Unit]] = [[]]
        used = 0
        for unit in units:
            size = _size(self._body([unit])) if unit.tabs else _unit_size(unit)
            if chunks[-1] and used + size > budget:
                chunks.append([])
                used = 0
            chunks[-1].append(unit)
            used += size
        return [b for chunk in chunks for b in self._bodies(chunk)]

    def _bodies(self, chunk: list[_Unit]) -> list[bytes]:
        body = _encoded(self._body(chunk))
        if len(body) <= self.write_limit or len(chunk) == 1:
            return [body]
        half = len(chunk) // 2  # the estimate fell short: never send an oversized body
        return self._bodies(chunk[:half]) + self._bodies(chunk[half:])

    def _units(self, changes: Changes) -> list[_Unit]:
        """Group the changes: a row's worker cells; a document's ID, record and Riwayat rows."""
        cols = c.column_map(self._read["headers"])
        rows: dict[int, _Unit] = {}
        by_doc: dict[str, _Unit] = {}
        for write in changes.cells:
            unit = rows.setdefault(write.row, _Unit())
            unit.dokumen.append(
                (write.row + 1, cols[c.header_key(write.column)], cell_data(write.value))
            )
            if write.column == c.ID:
                by_doc[str(write.value)] = unit
        langkah = cols[c.header_key(c.LANGKAH)]
        for row, block in changes.choices.items():
            rows.setdefault(row, _Unit()).dokumen.append((row + 1, langkah, _choices(block)))
        state_rows = self._read["state_rows"]
        for record in changes.records:
            unit = by_doc.setdefault(record.id, _Unit())
            cells = record_cells(record)
            if record.id in state_rows:
                unit.record_updates.append((state_rows[record.id], cells))
            else:
                unit.record_appends.append(cells)
        for entry in changes.history:
            by_doc.setdefault(entry.id, _Unit()).history.append(history_cells(entry, self.zone))
        ordered = {id(u): u for u in [*(rows[r] for r in sorted(rows)), *by_doc.values()]}
        return list(ordered.values())

    def _body(self, units: list[_Unit]) -> dict:
        ids = self._read["ids"]
        requests_: list[dict] = []
        dokumen = [cell for u in units for cell in u.dokumen]
        for fields in (VALUE, RULE):
            cells = [cell for cell in dokumen if _field_of(cell[2]) == fields]
            for row, col, block in _blocks(cells):
                requests_.append(_update_cells(ids[c.DOKUMEN], row, col, block, fields))
        updates = [
            (row, 0, [cell_data(v) for v in cells])
            for u in units
            for row, cells in u.record_updates
        ]
        for row, col, block in _blocks(
            (r, col, data) for r, _, values in updates for col, data in enumerate(values)
        ):
            requests_.append(_update_cells(ids[c.STATE], row, col, block))
        appends = [cells for u in units for cells in u.record_appends]
        if appends:
            requests_.append(_append_cells(ids[c.STATE], appends))
        history = [cells for u in units for cells in u.history]
        if history:
            requests_.append(_append_cells(ids[c.RIWAYAT], history))
        if dokumen:
            requests_.extend(_date_formats(ids[c.DOKUMEN], self._read["date_columns"]))
        for title, grid in (t for u in units for t in u.tabs.items()):
            requests_.extend(self._tab_requests(ids[title], title, grid))
        return {"requests": requests_}

    def _tab_requests(self, sheet_id: int, title: str, grid: views.Grid) -> list[dict]:
        """Rewrite a worker tab whole: new cells over the old extent, the grid grown first."""
        old_rows, old_cols, props = self._read["tabs"][title]
        rows = max(len(grid), old_rows)
        cols = max(max((len(r) for r in grid), default=1), old_cols)
        requests_: list[dict] = []
        for dimension, need, have in (
            ("ROWS", rows, props.get("rowCount", 1000)),
            ("COLUMNS", cols, props.get("columnCount", 26)),
        ):
            if need > have:
                requests_.append(
                    {
                        "appendDimension": {
                            "sheetId": sheet_id,
                            "dimension": dimension,
                            "length": need - have,
                        }
                    }
                )
        padded = [
            [_styled_cell(row[i], i) if i < len(row) else {} for i in range(cols)]
            for row in [*grid, *([[]] * (rows - len(grid)))]
        ]
        requests_.append(
            _update_cells(sheet_id, 0, 0, padded, "userEnteredValue,userEnteredFormat")
        )
        return requests_

    # --- init -------------------------------------------------------------------------------

    def init(self, rules: Rules) -> list[str]:
        fields = (
            "properties.timeZone,sheets(properties(sheetId,title,hidden,"
            "gridProperties(rowCount,columnCount,frozenRowCount)),"
            "conditionalFormats(ranges,booleanRule(condition)),"
            "protectedRanges(protectedRangeId,description),filterViews(title),"
            "data(rowData(values(userEnteredValue))))"
        )
        meta = self._get(
            "reading the sheet layout", ranges=[], includeGridData="false", fields=fields
        )
        sheets = {s["properties"]["title"]: s for s in meta.get("sheets", [])}
        plan = _InitPlan(self, rules, meta, sheets)
        requests_, done = plan.build()
        if requests_:
            self._batch_update("initialising the sheet", _encoded({"requests": requests_}))
        return done


def _text_eq(column: int, text: str) -> dict:
    condition = {"type": "TEXT_EQ", "values": [{"userEnteredValue": text}]}
    return {"columnIndex": column, "filterCriteria": {"condition": condition}}


def _new_sheet_id() -> int:
    return secrets.randbelow(2**31 - 2) + 1


class _InitPlan:
    """The batchUpdate requests that bring a spreadsheet up to the sheet contract."""

    def __init__(self, backend: GoogleBackend, rules: Rules, meta: dict, sheets: dict):
        self.backend = backend
        self.rules = rules
        self.catalog = rules.catalog
        self.meta = meta
        self.sheets = sheets
        self.requests: list[dict] = []
        self.done: list[str] = []

    def build(self) -> tuple[list[dict], list[str]]:
        zone = self.backend.zone.key
        if self.meta.get("properties", {}).get("timeZone") != zone:
            self.requests.append(
                {
                    "updateSpreadsheetProperties": {
                        "properties": {"timeZone": zone},
                        "fields": "timeZone",
                    }
                }
            )
            self.done.append(f"set the time zone to {zone}")
        dokumen = self._tab(c.DOKUMEN)
        riwayat = self._tab(c.RIWAYAT)
        state = self._tab(c.STATE, hidden=True)
        headers = self._headers(c.DOKUMEN)
        self._dokumen_columns(dokumen, headers)
        self._simple_headers(riwayat, c.RIWAYAT, c.RIWAYAT_COLUMNS)
        self._simple_headers(state, c.STATE, c.STATE_COLUMNS)
        for title in WORKER_TABS:
            sheet_id = self._tab(title)
            if self.sheets[title].get("new"):
                self.requests.append(self._protect(sheet_id, title, None))
        if self.sheets[views.SOP].get("new"):
            sop = views.sop_grid(self.catalog)
            sheet_id = self.sheets[views.SOP]["properties"]["sheetId"]
            if len(sop) > 1000:  # a new tab has 1000 rows
                self.requests.append(
                    {
                        "appendDimension": {
                            "sheetId": sheet_id,
                            "dimension": "ROWS",
                            "length": len(sop) - 1000,
                        }
                    }
                )
            cells = [[_styled_cell(x, i) for i, x in enumerate(row)] for row in sop]
            self.requests.append(
                _update_cells(sheet_id, 0, 0, cells, "userEnteredValue,userEnteredFormat")
            )
            self.done.append(f"wrote tab {views.SOP}")
        self._filter_views(dokumen, c.column_map([*headers, *self.added]))
        return self.requests, self.done

    def _filter_views(self, sheet_id: int, cols: dict[str, int]) -> None:
        """A ready view per actor's queue, and of late/invalid and finished work.

        Views are found by title: staff's own views and ours that exist stay as they are.
        """
        existing = {v.get("title") for v in self.sheets[c.DOKUMEN].get("filterViews", [])}
        pelaksana, status, tenggat = (
            cols[c.header_key(n)] for n in (c.PELAKSANA, c.STATUS, c.TENGGAT)
        )
        actors: list[str] = []
        for proc in self.catalog:
            actors += [a for a in proc.actors if a not in actors]
        views_: list[tuple[str, list[dict]]] = [
            (
                f"Antrean {actor}",
                [
                    _text_eq(pelaksana, self.rules.person(actor)),
                    {"columnIndex": status, "filterCriteria": {"hiddenValues": [c.SELESAI]}},
                ],
            )
            for actor in actors
        ]
        others = [s.value for s in c.Status if s not in (c.Status.TERLAMBAT, c.Status.TIDAK_VALID)]
        views_.append(
            (
                "Terlambat dan tidak valid",
                [{"columnIndex": status, "filterCriteria": {"hiddenValues": [*others, ""]}}],
            )
        )
        views_.append(("Selesai", [_text_eq(status, c.SELESAI)]))
        width = max(cols.values()) + 1
        for title, specs in views_:
            if title in existing:
                continue
            self.requests.append(
                {
                    "addFilterView": {
                        "filter": {
                            "title": title,
                            "range": _columns(sheet_id, 0, width),
                            "filterSpecs": specs,
                            "sortSpecs": [{"dimensionIndex": tenggat, "sortOrder": "ASCENDING"}],
                        }
                    }
                }
            )
            self.done.append(f"added filter view {title}")

    def _tab(self, title: str, hidden: bool = False) -> int:
        if title in self.sheets:
            return self.sheets[title]["properties"]["sheetId"]
        sheet_id = _new_sheet_id()
        self.requests.append(
            {
                "addSheet": {
                    "properties": {
                        "sheetId": sheet_id,
                        "title": title,
                        "hidden": hidden,
                        "gridProperties": {"frozenRowCount": 1},
                    }
                }
            }
        )
        self.sheets[title] = {"properties": {"sheetId": sheet_id, "title": title}, "new": True}
        self.done.append(f"created tab {title}")
        return sheet_id

    def _headers(self, title: str) -> list[object]:
        sheet = self.sheets[title]
        rows = _rows_of(sheet) if not sheet.get("new") else []
        headers = list(rows[0]) if rows else []
        while headers and headers[-1] in (None, ""):
            headers.pop()
        return headers

    def _simple_headers(self, sheet_id: int, title: str, columns: Sequence[str]) -> None:
        sheet = self.sheets[title]
        if not sheet.get("new"):
            return
        self.requests.append(
            _update_cells(sheet_id, 0, 0, [[_header_cell(name, False) for name in columns]])
        )
        self.requests.append(self._protect(sheet_id, title, None))

    def _dokumen_columns(self, sheet_id: int, headers: list[object]) -> None:
        added = self.added = c.missing_columns(headers, (*c.STAFF_COLUMNS, *c.WORKER_COLUMNS))
        sheet = self.sheets[c.DOKUMEN]
        grid = sheet["properties"].get("gridProperties", {})
        width = len(headers) + len(added)
        if not sheet.get("new") and grid.get("columnCount", 26) < width:
            self.requests.append(
                {
                    "appendDimension": {
                        "sheetId": sheet_id,
                        "dimension": "COLUMNS",
                        "length": width - grid.get("columnCount", 26),
                    }
                }
            )
        if added:
            cells = [_header_cell(name, name in c.WORKER_COLUMNS) for name in added]
            self.requests.append(_update_cells(sheet_id, 0, len(headers), [cells]))
            self.done.append(f"added columns {', '.join(added)}")
        all_headers = [*headers, *added]
        cols = c.column_map(all_headers)
        if not sheet.get("new") and grid.get("frozenRowCount") != 1:
            self.requests.append(
                {
                    "updateSheetProperties": {
                        "properties": {
                            "sheetId": sheet_id,
                            "gridProperties": {"frozenRowCount": 1},
                        },
                        "fields": "gridProperties.frozenRowCount",
                    }
                }
            )
        if not added:
            return
        for name in c.DATE_COLUMNS:
            col = cols[c.header_key(name)]
            self.requests.append(
                {
                    "repeatCell": {
                        "range": _columns(sheet_id, col, col + 1, start_row=1),
                        "cell": {"userEnteredFormat": {"numberFormat": NUMBER_FORMAT}},
                        "fields": "userEnteredFormat.numberFormat",
                    }
                }
            )
        for name, pixels in _WIDTHS.items():
            col = cols[c.header_key(name)]
            self.requests.append(
                {
                    "updateDimensionProperties": {
                        "range": {
                            "sheetId": sheet_id,
                            "dimension": "COLUMNS",
                            "startIndex": col,
                            "endIndex": col + 1,
                        },
                        "properties": {"pixelSize": pixels},
                        "fields": "pixelSize",
                    }
                }
            )
        self._validations(sheet_id, cols)
        self._status_colours(sheet_id, cols, len(all_headers))
        for name in c.WORKER_COLUMNS:
            col = cols[c.header_key(name)]
            self.requests.append(self._protect(sheet_id, name, _columns(sheet_id, col, col + 1)))

    def _validations(self, sheet_id: int, cols: dict[str, int]) -> None:
        lists = {
            c.PROSEDUR: views.prosedur_choices(self.catalog),
            c.LANGKAH: views.langkah_choices(self.catalog),
        }
        for name, values in lists.items():
            col = cols[c.header_key(name)]
            self.requests.append(
                {
                    "setDataValidation": {
                        "range": _columns(sheet_id, col, col + 1, start_row=1),
                        "rule": {
                            "condition": {
                                "type": "ONE_OF_LIST",
                                "values": [{"userEnteredValue": v} for v in values],
                            },
                            "strict": False,
                            "showCustomUi": True,
                        },
                    }
                }
            )

    def _status_colours(self, sheet_id: int, cols: dict[str, int], width: int) -> None:
        letter = _column_letter(cols[c.header_key(c.STATUS)])
        for index, (status, colour) in enumerate(c.STATUS_COLOURS.items()):
            self.requests.append(
                {
                    "addConditionalFormatRule": {
                        "index": index,
                        "rule": {
                            "ranges": [_columns(sheet_id, 0, width, start_row=1)],
                            "booleanRule": {
                                "condition": {
                                    "type": "CUSTOM_FORMULA",
                                    "values": [{"userEnteredValue": f'=${letter}2="{status}"'}],
                                },
                                "format": {"backgroundColor": _rgb(colour)},
                            },
                        },
                    }
                }
            )

    def _protect(self, sheet_id: int, what: str, grid: dict | None) -> dict:
        editors = sorted({self.backend._email, *self.backend.admins} - {""})
        protected: dict[str, Any] = {
            "description": f"{PROTECTED} ({what})",
            "warningOnly": self.backend.warning_only,
        }
        protected["range"] = grid if grid is not None else {"sheetId": sheet_id}
        if not self.backend.warning_only:
            protected["editors"] = {"users": editors}
        return {"addProtectedRange": {"protectedRange": protected}}


_WIDTHS = {
    c.ID: 140,
    c.PROSEDUR: 170,
    c.JUDUL: 280,
    c.LANGKAH: 80,
    c.CATATAN: 220,
    c.KEGIATAN: 320,
    c.PELAKSANA: 180,
    c.MULAI: 130,
    c.TENGGAT: 130,
    c.STATUS: 120,
    c.PESAN: 460,
}


def _columns(sheet_id: int, start: int, end: int, start_row: int = 0) -> dict:
    return {
        "sheetId": sheet_id,
        "startRowIndex": start_row,
        "startColumnIndex": start,
        "endColumnIndex": end,
    }


def _column_letter(index: int) -> str:
    return get_column_letter(index + 1)


def _rgb(hex_colour: str) -> dict:
    return {
        "red": int(hex_colour[0:2], 16) / 255,
        "green": int(hex_colour[2:4], 16) / 255,
        "blue": int(hex_colour[4:6], 16) / 255,
    }


def _header_cell(name: str, worker: bool) -> dict:
    cell: dict[str, Any] = {
        "userEnteredValue": {"stringValue": name},
        "userEnteredFormat": {"textFormat": {"bold": True, "italic": worker}},
    }
    if worker:
        cell["userEnteredFormat"]["backgroundColor"] = _rgb("D9D9D9")
        cell["note"] = "Diisi otomatis oleh sopsync. Jangan diubah: perubahan akan ditimpa."
    return cell
