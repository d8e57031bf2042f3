"""A cycle's changes as batchUpdate bodies: one, or the fewest under 2 MB.

Only a write over Google's recommended 2 MB (the first sync of a very large
sheet) is split, document by document: a document's ID, record and Riwayat rows
always travel in one body, and a batchUpdate is atomic, so whatever a read
finds of a document after a failure is all of its change or none of it.

**The write marker.** Every body first replaces a one-cell protected range of
the state tab (``layout.TOKEN``): it deletes the range whose id the read found
in the key→value area and adds one with a new id, which it records there. A
body planned on a read that is no longer current (an earlier body that Google
applied after its answer was lost, even after the worker had read the sheet
again) finds its marker gone and is refused whole. So a write is never applied
twice, whatever the network does.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from pydantic_core import to_json

from syncer import contract as c
from syncer import layout, meta, views
from syncer.backends import Changes
from syncer.backends.google.values import (
    APPENDED_FIELDS,
    NUMBER_FORMATS,
    CellData,
    SharedCells,
    appended,
    appended_looks,
    cell_data,
    column_look,
    look_fields,
    styled_cell,
    written_alike,
)
from syncer.ledger import history_cells, record_cells
from syncer.meta import MetaArea

WRITE_LIMIT = 2_000_000
"""Google recommends request bodies of at most 2 MB."""
VALUE, RULE = "userEnteredValue", "dataValidation"
TAB_FIELDS = "userEnteredValue,userEnteredFormat"
"""What a worker tab's rewrite clears and writes."""

log = structlog.get_logger("sopsync.google")

Request = dict[str, Any]
RowData = dict[str, list[CellData]]
"""A row as a request writes it: ``{"values": [cells]}``."""
Run = tuple[int, int, list[CellData]]
"""(row, first column, cells of contiguous columns)."""
Block = tuple[int, int, list[list[CellData]]]
"""(first row, first column, rows of cells): a rectangle one updateCells writes."""
Part = Request | bytes
"""A body's request, or one already encoded (``encoded_body``)."""


@dataclass(frozen=True)
class Basis:
    """What a write needs from the read it was planned on."""

    ids: dict[str, int]
    """Tab title -> sheetId (cached in the key→value area, refreshed by init)."""
    headers: list[object]
    """Dokumen's header row."""
    record_rows: dict[str, int]
    """ID -> 0-based index of its row in the state tab (below the header)."""
    meta: MetaArea
    tables: dict[str, list[object]]
    """Admin tab -> its header row."""
    token: int | None
    """The write marker's protected range id as read; None: none yet (init adds one)."""


SAMPLE_TOKEN = 1_000_000_000


def new_token() -> int:
    """A protected range id for the write marker: ten digits, so every body has one size."""
    return 1_000_000_000 + secrets.randbelow(1_000_000_000)


def encoded(obj: object) -> bytes:
    """Compact JSON (gspread's own encoding adds ~10% of spaces), UTF-8.

    Bodies are trees of dicts, lists, text and numbers built here; ``pydantic_core``
    (pydantic's own, a dependency already) writes them byte for byte as ``json.dumps``
    does, five times faster: a busy cycle's megabyte in 3 ms instead of 13. What it cannot
    write (text with a lone surrogate, which UTF-8 cannot hold) goes to ``json``, which
    raises as it always did."""
    try:
        return to_json(obj)
    except ValueError:
        return _stdlib_encoded(obj)


def _stdlib_encoded(obj: object) -> bytes:
    """``encoded`` by the standard library. Bodies are trees built here (a dict may be
    shared, never contain itself): not checked for cycles, a fifth faster."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, check_circular=False).encode()


def encoded_body(requests: list[Part]) -> bytes:
    """``encoded({"requests": requests})``, the requests already encoded put in as they are."""
    return b'{"requests":[' + _items(requests) + b"]}"


def _items(requests: list[Part]) -> bytes:
    """The requests as the items of a JSON array, without its brackets."""
    parts: list[bytes] = []
    run: list[Request] = []
    for request in requests:
        if isinstance(request, bytes):
            if run:
                parts.append(encoded(run)[1:-1])
                run = []
            parts.append(request)
        else:
            run.append(request)
    if run:
        parts.append(encoded(run)[1:-1])
    return b",".join(parts)


# --- units: what must land together --------------------------------------------------------


@dataclass(slots=True)
class Unit:
    """A Dokumen row's worker cells, or a document's whole change, or the worker tabs.

    Its cells are built once, whatever bodies are planned and sized with it."""

    row: int = 0
    """The grid row of its Dokumen cells."""
    values: dict[int, CellData] = field(default_factory=dict)
    """Dokumen cells by column: values."""
    rules: dict[int, CellData] = field(default_factory=dict)
    """Dokumen cells by column: a Langkah dropdown (``fields=dataValidation``)."""
    record_updates: list[tuple[int, list[CellData]]] = field(default_factory=list)
    record_appends: list[list[CellData]] = field(default_factory=list)
    history: list[RowData] = field(default_factory=list)
    pesan: list[tuple[str, int, int, CellData]] = field(default_factory=list)
    tabs: dict[str, views.Grid] = field(default_factory=dict)

    def size(self) -> int:
        """About the bytes this unit adds to a body: its rows as serialised, one comma each."""
        rows: list[object] = []
        for cells in (self.values, self.rules):  # values and dropdowns go in separate requests
            rows += [{"values": run} for *_, run in row_runs([(self.row, cells)])]
        rows += [{"values": cells} for _, cells in self.record_updates]
        rows += [{"values": cells} for cells in self.record_appends]
        rows += self.history
        rows += [{"values": [data]} for *_, data in self.pesan]
        total = sum(len(encoded(row)) + 1 for row in rows)
        if self.tabs:
            tabs = encoded_tab_requests(self.tabs, dict.fromkeys(self.tabs, 1))
            total += len(b"[%b]" % _items(tabs))
        return total


def units(changes: Changes, basis: Basis, zone: ZoneInfo) -> list[Unit]:
    """Group the changes: a row's worker cells; a document's ID, record and Riwayat rows."""
    cols = c.column_map(basis.headers)
    where: dict[str, int] = {}  # a write's column name -> its index: a few names, many cells
    rows: dict[int, Unit] = {}
    by_doc: dict[str, Unit] = {}
    shared = SharedCells()
    for write in changes.cells:
        unit = rows.get(write.row)
        if unit is None:  # a row's cells come together: one Unit made per row, not per cell
            unit = rows[write.row] = Unit(row=write.row + 1)
        col = where.get(write.column)
        if col is None:
            col = where[write.column] = cols[c.header_key(write.column)]
        unit.values[col] = shared.cell(write.value)
        if write.column == c.ID:
            by_doc[str(write.value)] = unit
    langkah = cols[c.header_key(c.LANGKAH)]
    for row, block in changes.choices.items():
        rows.setdefault(row, Unit(row=row + 1)).rules[langkah] = _choices(block)
    for record in changes.records:
        unit = by_doc.get(record.id)
        if unit is None:
            unit = by_doc[record.id] = Unit()
        cells = [cell_data(value) for value in record_cells(record)]
        index = basis.record_rows.get(record.id)
        if index is None:
            unit.record_appends.append(cells)
        else:
            unit.record_updates.append((index + 1, cells))
    riwayat = [SharedCells(look) for look in appended_looks(layout.RIWAYAT.columns)]
    for entry in changes.history:
        unit = by_doc.get(entry.id)
        if unit is None:
            unit = by_doc[entry.id] = Unit()
        unit.history.append(appended(history_cells(entry, zone), riwayat))
    pesan: list[Unit] = []
    for title, texts in changes.pesan.items():
        col = c.column_map(basis.tables[title])[c.header_key(c.PESAN)]
        for row, text in sorted(texts.items()):
            pesan.append(Unit(pesan=[(title, row + 1, col, cell_data(text))]))
    ordered = {id(u): u for u in [*(rows[r] for r in sorted(rows)), *by_doc.values()]}
    found = list(ordered.values()) + pesan
    if changes.tabs:
        found.insert(0, Unit(tabs=changes.tabs))
    return found


def _choices(block: tuple[int, int]) -> CellData:
    """A Langkah cell's dropdown: its procedure's ``n - Kegiatan`` block in the SOP tab.

    Only the cell's validation is set (fields=dataValidation), never what staff typed.
    """
    col = c.column_letter(views.SOP_HEADERS.index(views.CHOICES_HEADER))
    source = f"='{views.SOP}'!${col}${block[0] + 1}:${col}${block[1]}"
    condition = {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": source}]}
    return {RULE: dropdown_rule(condition, layout.LANGKAH_CHOICES.prompt)}


def dropdown_rule(condition: dict[str, Any], prompt: str) -> dict[str, Any]:
    """A dropdown of suggestions (free text still allowed), with its help text when given."""
    rule: dict[str, Any] = {"condition": condition, "strict": False, "showCustomUi": True}
    if prompt:
        rule["inputMessage"] = prompt
    return rule


# --- bodies ----------------------------------------------------------------------------------


class Planner:
    """Bodies for one write; each carries the write marker's step, the last the key→value area."""

    def __init__(self, changes: Changes, basis: Basis, zone: ZoneInfo, limit: int = WRITE_LIMIT):
        self.basis = basis
        self.limit = limit
        self.units = units(changes, basis, zone)
        self.meta = changes.meta
        self.previous: list[int | None] = []
        """For each body, the write marker it replaces."""

    def bodies(self, token: Callable[[], int] = new_token) -> list[bytes]:
        """Encoded bodies, the fewest under the limit, in the order they must be sent."""
        whole = encoded_body(self._body(self.units, self.basis.token, token(), True))
        self.previous = [self.basis.token]
        if len(whole) < self.limit:
            return [whole]
        chunks = self._split()
        previous = self.basis.token
        out: list[bytes] = []
        self.previous = []
        for n, chunk in enumerate(chunks):
            following = token()
            out.append(encoded_body(self._body(chunk, previous, following, n == len(chunks) - 1)))
            self.previous.append(previous)
            previous = following
        if len(out) > 1:
            log.info("write split", bodies=len(out), sizes=[len(b) for b in out])
        return out

    def _split(self) -> list[list[Unit]]:
        """Greedy: each body takes as many units, in order, as fit (the fewest bodies).

        Sizes are estimated per unit; each body is then measured as encoded and its
        end found by search from the estimate: the longest run of units that fits.
        """
        todo = self.units
        sizes = [u.size() for u in todo]
        chunks: list[list[Unit]] = []
        start = 0
        while start < len(todo):
            end = self._longest(start, sizes)
            chunks.append(todo[start:end])
            start = end
        return chunks

    def _longest(self, start: int, sizes: list[int]) -> int:
        """The end of the longest run of units from ``start`` whose body fits."""
        total = len(self.units)
        guess = start + 1
        used = self._size(start, guess)
        while guess < total and used + sizes[guess] < self.limit:
            used += sizes[guess]
            guess += 1
        if guess == start + 1 or self._fits(start, guess):
            low, high = guess, total + 1
            step = max(1, (guess - start) // 32)
            while low < total:  # the estimate was short: look further, doubling the step
                probe = min(total, low + step)
                if not self._fits(start, probe):
                    high = probe
                    break
                low, step = probe, step * 2
        else:
            low, high = start + 1, guess
        while high - low > 1:
            middle = (low + high) // 2
            if self._fits(start, middle):
                low = middle
            else:
                high = middle
        return low

    def _size(self, start: int, end: int) -> int:
        """The encoded size of a body of these units (markers are all ten digits long)."""
        chunk, last = self.units[start:end], end == len(self.units)
        return len(encoded_body(self._body(chunk, SAMPLE_TOKEN, SAMPLE_TOKEN, last)))

    def _fits(self, start: int, end: int) -> bool:
        return self._size(start, end) < self.limit

    def _body(
        self, chunk: list[Unit], previous: int | None, following: int, last: bool
    ) -> list[Part]:
        ids = self.basis.ids
        requests: list[Part] = [*marker_step(ids[c.STATE], previous, following)]
        values = [(u.row, u.values) for u in chunk if u.values]
        rules = [(u.row, u.rules) for u in chunk if u.rules]
        for fields, written in ((VALUE, values), (RULE, rules)):
            for row, col, block in merged(row_runs(written)):
                requests.append(update_cells(ids[c.DOKUMEN], row, col, block, fields))
        if values or rules:
            requests.extend(column_formats(ids[c.DOKUMEN], layout.DOKUMEN, self.basis.headers))
        updates = {row: cells for u in chunk for row, cells in u.record_updates}
        for row, col, block in merged((row, 0, cells) for row, cells in updates.items()):
            requests.append(update_cells(ids[c.STATE], row, col, block))
        appends = [{"values": cells} for u in chunk for cells in u.record_appends]
        if appends:
            requests.append(append_cells(ids[c.STATE], appends, VALUE))
        history = [row for u in chunk for row in u.history]
        if history:
            requests.append(append_cells(ids[c.RIWAYAT], history, APPENDED_FIELDS))
        by_tab: dict[str, list[tuple[int, int, CellData]]] = {}
        for u in chunk:
            for title, row, col, data in u.pesan:
                by_tab.setdefault(title, []).append((row, col, data))
        for title, cells in by_tab.items():
            for row, col, block in blocks(cells):
                requests.append(update_cells(ids[title], row, col, block))
        for u in chunk:
            if u.tabs:
                requests.extend(encoded_tab_requests(u.tabs, ids))
        keys: dict[str, str | None] = {meta.TOKEN: str(following), **(self.meta if last else {})}
        requests.extend(meta_requests(ids[c.STATE], self.basis.meta, keys))
        return requests


def marker_step(state_id: int, previous: int | None, following: int) -> list[Request]:
    """Replace the write marker: the body is refused whole if ``previous`` is gone."""
    steps: list[Request] = []
    if previous is not None:
        steps.append({"deleteProtectedRange": {"protectedRangeId": previous}})
    steps.append(
        {
            "addProtectedRange": {
                "protectedRange": {
                    "protectedRangeId": following,
                    "range": {
                        "sheetId": state_id,
                        "startRowIndex": 0,
                        "endRowIndex": 1,
                        "startColumnIndex": 0,
                        "endColumnIndex": 1,
                    },
                    "description": layout.TOKEN,
                    "warningOnly": True,
                }
            }
        }
    )
    return steps


def meta_requests(state_id: int, area: MetaArea, values: Mapping[str, str | None]) -> list[Request]:
    """Upsert keys of the key→value area (two cells a key)."""
    if area.columns is None:
        raise ValueError("the state tab has no key→value area")
    key_col, value_col = area.columns
    cells = []
    for index, key, value in meta.placed(area, values):
        cells.append((index + 1, key_col, cell_data(key)))
        cells.append((index + 1, value_col, cell_data(value)))
    return [update_cells(state_id, row, col, block) for row, col, block in blocks(cells)]


def column_formats(sheet_id: int, tab: layout.Tab, headers: list[object]) -> list[Request]:
    """The layout's number format over whole columns below the header (rows staff insert too).

    One small request per column instead of a format on every cell written.
    """
    cols = c.column_map(headers)
    out = []
    for col in tab.columns:
        index = cols.get(c.header_key(col.header))
        if col.format is None or index is None:
            continue
        out.append(
            {
                "repeatCell": {
                    "range": columns(sheet_id, index, index + 1, start_row=1),
                    "cell": {"userEnteredFormat": {"numberFormat": NUMBER_FORMATS[col.format]}},
                    "fields": "userEnteredFormat.numberFormat",
                }
            }
        )
    return out


def column_looks(sheet_id: int, tab: layout.Tab, headers: list[object]) -> list[Request]:
    """Each of the layout's columns formatted below the header (``values.column_look``),
    over whole columns: rows staff add later included. Set by ``init``."""
    cols = c.column_map(headers)
    out = []
    for col in tab.columns:
        index = cols.get(c.header_key(col.header))
        if index is None:
            continue
        look = column_look(col)
        out.append(
            {
                "repeatCell": {
                    "range": columns(sheet_id, index, index + 1, start_row=1),
                    "cell": {"userEnteredFormat": look},
                    "fields": look_fields(look),
                }
            }
        )
    return out


def tab_requests(
    default_id: int, tabs: dict[str, views.Grid], ids: dict[str, int] | None = None
) -> list[Request]:
    """Rewrite worker tabs whole: clear every value and format, then append the new rows.

    Clearing an unbounded range and appending needs no knowledge of the grid's size.
    """
    out: list[Request] = []
    for title, grid in tabs.items():
        sheet_id = ids[title] if ids is not None else default_id
        rows = [_row_data(row) for row in grid]
        out.append(_tab_cleared(sheet_id))
        out.append({"appendCells": {"sheetId": sheet_id, "rows": rows, "fields": TAB_FIELDS}})
    return out


def encoded_tab_requests(tabs: dict[str, views.Grid], ids: Mapping[str, int]) -> list[Part]:
    """``tab_requests`` with each tab's rows encoded (``tab_row``)."""
    out: list[Part] = []
    for title, grid in tabs.items():
        rows = b",".join(map(tab_row, grid))
        out.append(_tab_cleared(ids[title]))
        out.append(  # tab_requests' appendCells as ``encoded`` writes it (a test compares them)
            b'{"appendCells":{"sheetId":%d,"rows":[%b],"fields":"%b"}}'
            % (ids[title], rows, TAB_FIELDS.encode())
        )
    return out


def _tab_cleared(sheet_id: int) -> Request:
    return {"updateCells": {"range": {"sheetId": sheet_id}, "fields": TAB_FIELDS}}


def tab_row(row: list[views.Styled]) -> bytes:
    """A worker tab's row as appended, encoded; remembered when a row equal to it is
    encoded the same (``_same_when_equal``): a ``run`` rewrites Ringkasan every busy
    cycle, most of its rows as they were."""
    cells = tuple(row)
    return _remembered_row(cells) if _same_when_equal(cells) else _encoded_row(cells)


def _row_data(row: Sequence[views.Styled]) -> RowData:
    return {"values": [styled_cell(cell, i) for i, cell in enumerate(row)] or [{}]}


def _encoded_row(row: tuple[views.Styled, ...]) -> bytes:
    return encoded(_row_data(row))


_remembered_row = lru_cache(maxsize=1024)(_encoded_row)
"""Bounded: Ringkasan's rows and more, about a kilobyte each."""


def _same_when_equal(row: tuple[views.Styled, ...]) -> bool:
    """Whether any row equal to this one (as a memo's key) is encoded the same."""
    return all(written_alike(cell.value) for cell in row)


def update_cells(
    sheet_id: int, row: int, col: int, rows: list[list[CellData]], fields: str = VALUE
) -> Request:
    return {
        "updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": col},
            "rows": [{"values": values} for values in rows],
            "fields": fields,
        }
    }


def append_cells(sheet_id: int, rows: list[RowData], fields: str) -> Request:
    """appendCells after the tab's last row with data."""
    return {"appendCells": {"sheetId": sheet_id, "rows": rows, "fields": fields}}


def blocks(cells: Iterable[tuple[int, int, CellData]]) -> list[Block]:
    """Group cells into rectangles: consecutive rows with the same contiguous columns."""
    by_row: dict[int, dict[int, CellData]] = {}
    for row, col, data in cells:
        by_row.setdefault(row, {})[col] = data
    return merged(row_runs(by_row.items()))


def row_runs(rows: Iterable[tuple[int, Mapping[int, CellData]]]) -> Iterator[Run]:
    """Each row's cells (by column) as runs of contiguous columns."""
    for row, cells in rows:
        run: list[CellData] = []
        first = previous = -2
        for col in sorted(cells):
            if col != previous + 1:
                if run:
                    yield row, first, run
                run, first = [], col
            run.append(cells[col])
            previous = col
        if run:
            yield row, first, run


def merged(runs: Iterable[Run]) -> list[Block]:
    """Runs of the same columns in consecutive rows as one rectangle (each row given once)."""
    out: list[Block] = []
    shape: tuple[int, int] | None = None
    last_row = -2
    for row, first, values in sorted(runs, key=lambda r: (r[1], len(r[2]), r[0])):
        if out and shape == (first, len(values)) and row == last_row + 1:
            out[-1][2].append(values)
        else:
            out.append((row, first, [values]))
            shape = (first, len(values))
        last_row = row
    return out


def columns(sheet_id: int, start: int, end: int, start_row: int = 0) -> dict[str, int]:
    return {
        "sheetId": sheet_id,
        "startRowIndex": start_row,
        "startColumnIndex": start,
        "endColumnIndex": end,
    }
