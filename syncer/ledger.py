"""Records and Riwayat entries as spreadsheet cells, the same on every backend.

A record's Mulai is kept as ISO 8601 text with its offset, so it survives any
backend's date representation exactly.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import lru_cache
from itertools import compress
from zoneinfo import ZoneInfo

from sop_models import DONE, Position
from syncer.cells import is_blank, local, text_of
from syncer.contract import RIWAYAT_COLUMNS, STATE_COLUMNS, column_map
from syncer.engine import MIGRATION_MARK, EntryKind, HistoryEntry, Record

SAME = "*"
"""Claim field: the claim equals the sidik (a new ID not yet seen on its row), written short."""
SEP = "|"
REJECTED_SEP = "\n"
REJECTED_MARK = "ditolak"
"""Riwayat's Keterangan of a rejected attempt starts with this word (DESIGN §2)."""
VERSION_SEP = "@"
"""Prosedur field: ``rka@3f9a0c1e``, the SOP and the version the document runs on."""
ALIAS_SEP = "~"
"""Langkah field: ``5~4``, at step 5, its Langkah cell may still say 4 (``Record.alias``)."""


def _position_cell(position: Position | None) -> object:
    """A position as a cell: a step number, ``Selesai``, or blank."""
    if position is None:
        return ""
    return position if isinstance(position, int) else str(position)


def _position(value: object) -> Position | None:
    """A cell back as a position (None when blank); ValueError when it is neither."""
    if isinstance(value, str) and value.isascii() and value.isdigit():  # most cells
        return int(value)
    text = text_of(value)
    if text == "":
        return None
    if text.casefold() == str(DONE).casefold():
        return DONE
    return int(text)


def record_cells(record: Record) -> list[object]:
    """A record as two cells, ID and Rekaman (STATE_COLUMNS).

    Rekaman packs ``prosedur|langkah|mulai|dari|sidik|klaim|ditolak`` into one
    text cell: a first sync of a large sheet writes one record per document,
    and every cell costs about 40 bytes of envelope on Google. Ditolak comes
    last and may hold anything. Prosedur carries the version (``rka@3f9a0c1e``) and
    Langkah an alias after a migration (``5~4``); a record written before either is
    read as it was.
    """
    claim = SAME if record.claim and record.claim == record.sidik else record.claim
    step = str(_position_cell(record.step))
    fields = [
        f"{record.procedure}{VERSION_SEP}{record.version}" if record.version else record.procedure,
        f"{step}{ALIAS_SEP}{record.alias}" if record.alias else step,
        _stamp(record.since, record.since.tzinfo, record.since.fold),
        "" if record.came_from is None else str(record.came_from),
        record.sidik,
        claim,
        REJECTED_SEP.join(a.replace(REJECTED_SEP, " ") for a in record.rejected),
    ]
    return [record.id, SEP.join(fields)]


@dataclass(frozen=True)
class StateRecords:
    """The records read from the state tab, and where each ID's row is."""

    records: dict[str, Record] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    """ID -> 0-based index into the rows read (readable or not): where its record is rewritten."""
    unreadable: frozenset[str] = frozenset()
    """IDs whose record cannot be read (damaged): rebuilt from Riwayat."""


class RecordCache:
    """What the last read parsed, so that a ``run`` parses only the rows that changed.

    Parsing a record is a pure function of its cells. A worker that reads the same sheet
    cycle after cycle keeps the previous read's rows and results: rows equal to last time's
    are not looked at again (``_patched``), and a record whose Rekaman cell was seen before,
    with the same ID cell, is not parsed again. Only cells that are both text are kept by
    their Rekaman (``True == 1`` as a key, not as a cell)."""

    def __init__(self) -> None:
        self.last: dict[str, tuple[str, tuple[str, Record | None]]] = {}
        self.rows: Sequence[Sequence[object]] = ()
        self.parsed: list[tuple[str, Record | None]] = []
        self.columns: tuple[int, int] | None = None
        self.result = StateRecords()

    def parse(self, raw: object, data: object) -> tuple[str, Record | None]:
        if type(raw) is str and type(data) is str:
            hit = self.last.get(data)
            if hit is None or hit[0] != raw:
                hit = self.last[data] = (raw, _parsed(raw, data))
            return hit[1]
        return _parsed(raw, data)


def read_records(
    headers: Sequence[object],
    rows: Sequence[Sequence[object]],
    cache: RecordCache | None = None,
) -> StateRecords:
    """Records from the state tab; an unreadable one is named, to be rebuilt from Riwayat."""
    cols = column_map(headers)
    id_col, data_col = (cols.get(name.casefold()) for name in STATE_COLUMNS)
    if id_col is None or data_col is None:
        return StateRecords()
    if cache is None:
        cache = RecordCache()
    elif cache.columns == (id_col, data_col):
        found = _patched(cache, rows, id_col, data_col)
        if found is not None:
            return found
    cache.columns = (id_col, data_col)
    where: dict[str, int] = {}
    records: dict[str, Record] = {}
    unreadable: set[str] = set()
    seen, cache.last = cache.last, {}
    parsed = []
    for row in rows:
        raw, data = _cells(row, id_col, data_col)
        if type(raw) is str and type(data) is str:
            hit = seen.get(data)
            if hit is None or hit[0] != raw:
                hit = (raw, _parsed(raw, data))
            cache.last[data] = hit
            parsed.append(hit[1])
        else:
            parsed.append(_parsed(raw, data))
    for index, (doc_id, record) in enumerate(parsed):
        if not doc_id:
            continue
        where[doc_id] = index
        if record is None:
            unreadable.add(doc_id)
        else:
            records[doc_id] = record
    found = StateRecords(records, where, frozenset(unreadable - records.keys()))
    cache.rows, cache.parsed, cache.result = rows, parsed, found
    return found


def _cells(row: Sequence[object], id_col: int, data_col: int) -> tuple[object, object]:
    width = len(row)
    return (
        row[id_col] if id_col < width else None,
        row[data_col] if data_col < width else None,
    )


def _patched(
    cache: RecordCache, rows: Sequence[Sequence[object]], id_col: int, data_col: int
) -> StateRecords | None:
    """The last result with the rows that changed since parsed again (a ``run``'s usual
    read: its own write rewrote some records in place and appended others); None when a
    change could move which row an ID's record comes from (IDs that left, came twice, or
    a record that became readable or unreadable): then every row is looked at again."""
    before, last = cache.result, cache.rows
    if len(rows) < len(last):
        return None
    changed = list(compress(range(len(last)), map(operator.ne, rows, last)))
    if not changed and len(rows) == len(last):
        return before  # the rows held stay: the read's equal copies are freed with it
    where, records = before.rows, before.records
    new_where: dict[str, int] = {}
    new_records: dict[str, Record] = {}
    parsed = cache.parsed
    updates: list[tuple[int, tuple[str, Record | None]]] = []
    for index in changed:
        old_id, old_record = parsed[index]
        raw, data = _cells(rows[index], id_col, data_col)
        gone = _cells(last[index], id_col, data_col)[1]
        if gone != data and type(gone) is str:  # the cache holds what the sheet holds
            cache.last.pop(gone, None)
        doc_id, record = found = cache.parse(raw, data)
        if doc_id != old_id or (record is None) != (old_record is None):
            return None
        if doc_id and where.get(doc_id) != index:
            return None
        if record is not None:
            new_records[doc_id] = record
        updates.append((index, found))
    for index in range(len(last), len(rows)):
        doc_id, record = found = cache.parse(*_cells(rows[index], id_col, data_col))
        if doc_id:
            if record is None or doc_id in where:
                return None
            new_where[doc_id] = index
            new_records[doc_id] = record
        updates.append((index, found))
    parsed = list(parsed)
    for index, found in updates:
        if index < len(parsed):
            parsed[index] = found
        else:
            parsed.append(found)
    result = StateRecords(
        {**records, **new_records},
        {**where, **new_where} if new_where else where,
        before.unreadable,
    )
    # The rows held where the read's equal them (what the next read is compared with is the
    # same): the read's copies are freed with it, and the collector's walk after the cycle
    # has fewer new objects to visit.
    held = list(last)
    for index in changed:
        held[index] = rows[index]
    held += rows[len(last) :]
    cache.rows, cache.parsed, cache.result = held, parsed, result
    return result


def _parsed(raw: object, data: object) -> tuple[str, Record | None]:
    doc_id = raw if type(raw) is str and _plain_id(raw) else text_of(raw)
    return doc_id, _record(doc_id, data) if doc_id else None


def _plain_id(text: str) -> bool:
    """Text that ``text_of`` would give back unchanged (most IDs: ``RKA-2026-0001``)."""
    return " " not in text and text.isprintable() and text.strip() == text


def _record(doc_id: str, data: object) -> Record | None:
    if type(data) is not str:
        return None
    fields = data.split(SEP, 6)
    if len(fields) != 7:
        return None
    procedure, step, since, came_from, sidik, claim, rejected = fields
    procedure, _, version = procedure.partition(VERSION_SEP)
    step, _, alias = step.partition(ALIAS_SEP)
    try:
        position = _position(step)
        source = _position(came_from) if came_from else None
        moment = datetime.fromisoformat(since)
    except (ValueError, TypeError):
        return None
    if moment.tzinfo is None:
        return None
    return Record(
        id=doc_id,
        procedure=procedure,
        step=position if position is not None else 1,
        since=moment,
        came_from=source if isinstance(source, int) else None,
        rejected=tuple(rejected.split(REJECTED_SEP)) if rejected else (),
        sidik=sidik,
        claim=sidik if claim == SAME else claim,
        version=version,
        alias=alias,
    )


def history_cells(entry: HistoryEntry, zone: ZoneInfo) -> list[object]:
    """Cells of a Riwayat row, in RIWAYAT_COLUMNS order (date-times as local naive)."""
    return [
        _local(entry.when, entry.when.fold, zone),
        entry.id,
        entry.procedure,
        _position_cell(entry.source),
        _position_cell(entry.target),
        entry.actor,
        None if entry.due is None else _local(entry.due, entry.due.fold, zone),
        entry.note,
    ]


# A cycle's records and Riwayat rows share a few instants (the cycle's time, a few
# deadlines): each is converted once (~1 µs each, twice for every Riwayat row). The keys
# hold what equality leaves out but the result depends on: the fold (one wall time twice in
# a zone) and, for the ISO text, the zone (one instant in two zones).


@lru_cache(maxsize=1024)
def _stamp(moment: datetime, zone: tzinfo | None, fold: int) -> str:
    return moment.isoformat(timespec="seconds")


@lru_cache(maxsize=1024)
def _local(moment: datetime, fold: int, zone: ZoneInfo) -> datetime | None:
    return local(moment, zone)


def read_history(
    headers: Sequence[object], rows: Sequence[Sequence[object]], zone: ZoneInfo
) -> tuple[list[HistoryEntry], tuple[int, ...]]:
    """Riwayat rows back as entries (the ledger to rebuild records from), and the sheet rows
    that are not blank yet say no move (a Waktu retyped as text, an ID deleted by hand)."""
    cols = column_map(headers)
    index = [cols.get(name.casefold()) for name in RIWAYAT_COLUMNS]
    entries: list[HistoryEntry] = []
    unreadable: list[int] = []
    for number, row in enumerate(rows, start=2):
        values = [row[i] if i is not None and i < len(row) else None for i in index]
        when, doc_id, procedure, source, target, actor, due, note = values
        if not isinstance(when, datetime) or not text_of(doc_id):
            if any(not is_blank(value) for value in values):
                unreadable.append(number)
            continue
        try:
            goes_to = _position(target)
        except ValueError:
            unreadable.append(number)
            continue
        text = text_of(note)
        rejected = goes_to is None or text.casefold().startswith(REJECTED_MARK)
        kind = EntryKind.REJECTED if rejected else EntryKind.ACCEPTED
        if not rejected and text.startswith(MIGRATION_MARK):
            kind = EntryKind.MIGRATED
        try:
            came_from = _position(source)
        except ValueError:
            if not rejected:
                unreadable.append(number)
                continue
            came_from = None
        entries.append(
            HistoryEntry(
                when=when.replace(tzinfo=zone) if when.tzinfo is None else when,
                id=text_of(doc_id),
                procedure=text_of(procedure),
                source=came_from,
                target=None if rejected else goes_to,
                actor=text_of(actor),
                due=None,
                note=text,
                kind=kind,
            )
        )
    return entries, tuple(unreadable)


__all__ = [
    "RIWAYAT_COLUMNS",
    "STATE_COLUMNS",
    "RecordCache",
    "StateRecords",
    "history_cells",
    "local",
    "read_history",
    "read_records",
    "record_cells",
]
