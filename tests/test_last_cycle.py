"""A ``run`` that keeps its last cycle (``syncer.last_cycle``) writes exactly what a cycle
deciding every row writes, cell for cell, whatever staff and admins did between cycles.

Two copies of one sheet live through the same story: staff moves, typos, copied and
cleared IDs, new rows, sorts, Pegawai and Kalender edits, the clock passing Tenggat and
the day changing. One copy is synced by a worker that keeps its last cycle, the other by
cycles that keep nothing; after every cycle both sheets hold the same cells.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from syncer import contract as c
from syncer.backends import BackendError
from syncer.backends.google import GoogleBackend, SheetsTransport
from syncer.backends.xlsx import XlsxBackend
from syncer.cli import make_rules
from syncer.config import load_config
from syncer.cycle import Report, run_cycle
from syncer.engine import Record
from syncer.last_cycle import LastCycle
from syncer.ledger import RecordCache, read_records, record_cells
from syncer.pacing import Pacer
from tests.sheets import GoogleSheet, XlsxSheet

ZONE = ZoneInfo("Asia/Jakarta")
START = datetime(2026, 11, 23, 8, 0, tzinfo=ZONE)  # a Monday morning
TABS = (c.DOKUMEN, c.RIWAYAT, "Ringkasan", c.STATE, "Pegawai", "Kalender")

PROSEDUR = ("rka", "Penyusunan RKA", "lakip", "RKAA", "renja", None)
LANGKAH = (1, 2, 3, 4, 5, 11, 4.0, "2", "Selesai", "Ya", "Tidak", "lanjut", None, True)
FIRST_ROWS = [
    {"Prosedur": "rka", "Judul": "RKA Sekretariat", "Langkah": 1},
    {"Prosedur": "lakip", "Judul": "LAKIP 2026", "Langkah": 3},
    {"Prosedur": "renja", "Judul": "Renja 2027", "Langkah": None},
    {"Prosedur": "Penyusunan RKA", "Judul": "RKA Seksi Pemerintahan", "Langkah": 9},
    {"Prosedur": "rkaa", "Judul": "salah ketik", "Langkah": 2},
    {"Prosedur": "iku", "Judul": "IKU", "Langkah": "Selesai"},
]

edits = st.one_of(
    st.tuples(st.just("langkah"), st.integers(0, 9), st.sampled_from(LANGKAH)),
    st.tuples(st.just("prosedur"), st.integers(0, 9), st.sampled_from(PROSEDUR)),
    st.tuples(st.just("copy_id"), st.integers(0, 9), st.integers(0, 9)),
    st.tuples(st.just("clear_id"), st.integers(0, 9), st.none()),
    st.tuples(st.just("new_row"), st.sampled_from(PROSEDUR), st.sampled_from(LANGKAH)),
    st.tuples(st.just("sort"), st.sampled_from(("Judul", "Langkah")), st.booleans()),
    st.tuples(st.just("pegawai"), st.sampled_from(("Sekcam", "Camat", "Staf")), st.booleans()),
    st.tuples(st.just("libur"), st.integers(0, 6), st.none()),
    st.tuples(st.just("delete_row"), st.integers(0, 9), st.none()),
    st.tuples(st.just("lose"), st.integers(0, 9), st.sampled_from(("deleted", "damaged"))),
)
MINUTES = (0, 1, 7, 30, 59, 61, 180, 24 * 60, 3 * 24 * 60)
steps = st.tuples(
    st.lists(edits, max_size=4),
    st.sampled_from(MINUTES),
    st.sampled_from(("cycle", "cycle", "cycle", "dry", "fail")),
)


def _edit(path: Path, edits: list[tuple[object, ...]], now: datetime) -> None:
    """Staff and admins type ``edits`` and save the workbook, as Excel would."""
    book = load_workbook(path)
    for kind, a, b in edits:
        tab = {"pegawai": "Pegawai", "libur": "Kalender"}.get(str(kind), c.DOKUMEN)
        sheet = book[tab]
        cols = c.column_map([x.value for x in sheet[1]])
        rows = max(sheet.max_row - 1, 1)

        def put(row: int, column: str, value: object) -> None:
            sheet.cell(row, cols[column.casefold()] + 1).value = value  # noqa: B023

        if kind in ("langkah", "prosedur"):
            put(2 + int(a) % rows, str(kind).capitalize(), b)  # type: ignore[call-overload]
        elif kind == "copy_id":
            row = 2 + int(b) % rows  # type: ignore[call-overload]
            put(2 + int(a) % rows, "ID", sheet.cell(row, cols["id"] + 1).value)  # type: ignore[call-overload]
        elif kind == "clear_id":
            put(2 + int(a) % rows, "ID", None)  # type: ignore[call-overload]
        elif kind == "new_row":
            for column, value in (("Prosedur", a), ("Judul", f"baru {rows}"), ("Langkah", b)):
                put(sheet.max_row + (column == "Prosedur"), column, value)
        elif kind == "delete_row":
            if rows > 1:
                sheet.delete_rows(2 + int(a) % rows)  # type: ignore[call-overload]
        elif kind == "lose":  # the state tab loses the row's record: rebuilt, or unreadable
            doc_id = sheet.cell(2 + int(a) % rows, cols["id"] + 1).value  # type: ignore[call-overload]
            state = book[c.STATE]
            found = [r for r in range(2, state.max_row + 1) if state.cell(r, 1).value == doc_id]
            if doc_id and found and b == "deleted":
                state.delete_rows(found[0])
            elif doc_id and found:
                state.cell(found[0], 2).value = "rusak|tidak|terbaca"
        elif kind == "sort":
            key = cols[str(a).casefold()]
            width = len(cols)
            values = [[cell.value for cell in r[:width]] for r in sheet.iter_rows(min_row=2)]
            values.sort(key=lambda v: (v[key] is None, str(v[key])), reverse=bool(b))  # noqa: B023
            for r, row_values in enumerate(values, start=2):
                for col, value in enumerate(row_values, start=1):
                    sheet.cell(r, col).value = value
        elif kind == "pegawai":
            row = sheet.max_row + 1
            put(row, "Peran", a)
            put(row, "Nama", f"Pegawai {row}")
            put(row, "Jenis", "Plh." if b else None)
        elif kind == "libur":
            row = sheet.max_row + 1
            put(row, "Tanggal", (now + timedelta(days=int(a))).date().strftime("%d/%m/%Y"))  # type: ignore[call-overload]
            put(row, "Jenis", "Libur")
    book.save(path)


def _edit_google(sheet: GoogleSheet, edits: list[tuple[object, ...]], now: datetime) -> None:
    """Staff and admins type ``edits`` in the browser."""
    for kind, a, b in edits:
        rows = max(len(sheet.table()), 1)
        row = 2 + int(a) % rows if isinstance(a, int) else 0
        if kind in ("langkah", "prosedur"):
            sheet.set(row, str(kind).capitalize(), b)
        elif kind == "copy_id":
            sheet.set(row, "ID", sheet.table()[int(b) % rows].get("ID"))  # type: ignore[call-overload]
        elif kind == "clear_id":
            sheet.set(row, "ID", None)
        elif kind == "new_row":
            sheet.add_rows({"Prosedur": a, "Judul": f"baru {rows}", "Langkah": b})
        elif kind == "delete_row":
            if rows > 1:
                sheet.delete_rows(row)
        elif kind == "lose":
            doc_id = sheet.table()[row - 2].get("ID")
            if doc_id and any(r.get("ID") == doc_id for r in sheet.table(c.STATE)):
                sheet.lose_record(str(doc_id), str(b))
        elif kind == "sort":
            sheet.sort(str(a), reverse=bool(b))
        elif kind == "pegawai":
            jenis = "Plh." if b else None
            sheet.add_rows({"Peran": a, "Nama": f"Pegawai {rows}", "Jenis": jenis}, tab="Pegawai")
        elif kind == "libur":
            day = (now + timedelta(days=int(a))).date().strftime("%d/%m/%Y")  # type: ignore[call-overload]
            sheet.add_rows({"Tanggal": day, "Jenis": "Libur"}, tab="Kalender")


def _cells(path: Path) -> dict[str, list[list[object]]]:
    book = load_workbook(path)
    return {tab: [list(r) for r in book[tab].iter_rows(values_only=True)] for tab in TABS}


def _lock(path: Path) -> Path:
    """LibreOffice holds the workbook open: the cycle's write is refused."""
    lock = path.with_name(f".~lock.{path.name}#")
    lock.write_text("")
    return lock


@pytest.fixture(scope="module")
def first_workbook(tmp_path_factory) -> bytes:
    """The workbook every story starts from: made by ``init``, FIRST_ROWS typed (made once,
    copied into each story's two sheets)."""
    sheet = XlsxSheet(tmp_path_factory.mktemp("first"))
    sheet.add_rows(*FIRST_ROWS)
    return sheet.path.read_bytes()


@pytest.fixture(scope="module")
def first_spreadsheet(emu, tmp_path_factory) -> GoogleSheet:
    """The same on Google: each story's two sheets are copies of it."""
    sheet = GoogleSheet(emu, tmp_path_factory.mktemp("first"))
    sheet.add_rows(*FIRST_ROWS)
    return sheet


def _cycle(sheet: XlsxSheet, now: datetime, memory: LastCycle | None, rules: object) -> Report:
    backend = XlsxBackend(sheet.path, ZONE)
    return run_cycle(backend, rules, now, attempts=1, memory=memory)  # type: ignore[arg-type]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(story=st.lists(steps, min_size=2, max_size=6))
@example(  # days off the admin adds bring a Tenggat nearer: the clock horizons count them
    story=[
        (
            [("langkah", 0, 1), ("langkah", 3, 1), ("langkah", 0, 1), ("sort", "Langkah", False)],
            30,
            "dry",
        ),
        (
            [
                ("new_row", "Penyusunan RKA", None),
                ("langkah", 2, 4),
                ("libur", 2, None),
                ("sort", "Judul", True),
            ],
            180,
            "dry",
        ),
        ([("libur", 4, None), ("copy_id", 5, 4), ("pegawai", "Staf", True)], 30, "cycle"),
        (
            [
                ("copy_id", 4, 3),
                ("new_row", "lakip", "Ya"),
                ("copy_id", 1, 8),
                ("langkah", 0, None),
            ],
            61,
            "cycle",
        ),
        ([("libur", 1, None)], 30, "dry"),
        ([], 180, "cycle"),
    ]
)
@example(  # a copied ID and a changed Prosedur leave two claims, one waiting on the other
    story=[([("prosedur", 1, "rka"), ("copy_id", 0, 1)], 0, "cycle")]
)
@example(  # the state tab loses records under rows that did not change: decided again
    story=[([("lose", 0, "damaged")], 0, "cycle"), ([("lose", 1, "deleted")], 30, "cycle")]
)
def test_a_run_keeping_its_last_cycle_writes_what_a_cycle_from_scratch_writes(
    story: list[tuple[list[tuple[object, ...]], int, str]],
    tmp_path_factory: object,
    first_workbook: bytes,
) -> None:
    folder = tmp_path_factory.mktemp("story")  # type: ignore[attr-defined]
    (folder / "kept").mkdir()
    (folder / "fresh").mkdir()
    kept, fresh = XlsxSheet(folder / "kept"), XlsxSheet(folder / "fresh")
    for sheet in (kept, fresh):
        sheet.path.write_bytes(first_workbook)
    rules = make_rules(load_config(kept.config))  # a run's rules: one object for its life
    memory = LastCycle()
    now = START
    _cycle(kept, now, memory, rules)
    _cycle(fresh, now, None, make_rules(load_config(fresh.config)))
    assert memory.rows == len(FIRST_ROWS)
    for changes, minutes, how in story:
        now += timedelta(minutes=minutes)
        if changes:
            for sheet in (kept, fresh):
                _edit(sheet.path, changes, now)
        if how == "dry":
            run_cycle(XlsxBackend(kept.path, ZONE), rules, now, dry_run=True, memory=memory)
            assert memory.rows == 0, "a dry cycle leaves the next to decide every row"
        elif how == "fail":
            lock = _lock(kept.path)
            try:
                _cycle(kept, now, memory, rules)
            except BackendError:
                assert memory.rows == 0, "a failed cycle leaves the next to decide every row"
            lock.unlink()
        mine = _cycle(kept, now, memory, rules)
        theirs = _cycle(fresh, now, None, make_rules(load_config(fresh.config)))
        assert mine.changes == theirs.changes
        assert (mine.counts, mine.late, mine.attention) == (
            theirs.counts,
            theirs.late,
            theirs.attention,
        )
        cells = _cells(kept.path)
        assert cells == _cells(fresh.path)
        assert memory.rows == len(cells[c.DOKUMEN]) - 1
        again = _cycle(kept, now, memory, rules)  # kept from a cycle that wrote
        fresh_again = _cycle(fresh, now, None, make_rules(load_config(fresh.config)))
        assert again.changes == fresh_again.changes
        assert not fresh_again.changes, "a second cycle at the same moment writes nothing"


def _google_backend(sheet: GoogleSheet) -> GoogleBackend:
    config = load_config(sheet.config)
    transport = SheetsTransport(
        config.credentials_path(), endpoint=config.google.endpoint, pacer=Pacer(limit=10**6)
    )
    return GoogleBackend(config.google.spreadsheet or "", ZONE, transport)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(story=st.lists(steps.filter(lambda step: step[2] != "fail"), min_size=2, max_size=6))
def test_on_google_a_run_keeping_its_last_cycle_writes_what_a_fresh_cycle_writes(
    story: list[tuple[list[tuple[object, ...]], int, str]],
    tmp_path_factory: object,
    first_spreadsheet: GoogleSheet,
) -> None:
    """As above on a Google sheet, whose reads give numbers as floats and dates as serials,
    through one backend kept from cycle to cycle, as ``run`` keeps it."""
    folder = tmp_path_factory.mktemp("story")  # type: ignore[attr-defined]
    (folder / "kept").mkdir()
    (folder / "fresh").mkdir()
    kept, fresh = first_spreadsheet.copy(folder / "kept"), first_spreadsheet.copy(folder / "fresh")
    rules = make_rules(load_config(kept.config))
    backend, memory, now = _google_backend(kept), LastCycle(), START
    run_cycle(backend, rules, now, memory=memory)
    run_cycle(_google_backend(fresh), make_rules(load_config(fresh.config)), now)
    for changes, minutes, how in story:
        now += timedelta(minutes=minutes)
        for sheet in (kept, fresh):
            _edit_google(sheet, changes, now)
        if how == "dry":
            run_cycle(backend, rules, now, dry_run=True, memory=memory)
            assert memory.rows == 0
        mine = run_cycle(backend, rules, now, memory=memory)
        theirs = run_cycle(_google_backend(fresh), make_rules(load_config(fresh.config)), now)
        assert mine.changes == theirs.changes
        assert (mine.counts, mine.late, mine.attention) == (
            theirs.counts,
            theirs.late,
            theirs.attention,
        )
        for tab in TABS:  # the state tab's key→value area holds each spreadsheet's own ids
            width = 2 if tab == c.STATE else None
            assert [r[:width] for r in kept.grid(tab)] == [r[:width] for r in fresh.grid(tab)]
        assert memory.rows == len(kept.table())
        again = run_cycle(backend, rules, now, memory=memory)  # kept from a cycle that wrote
        fresh_rules = make_rules(load_config(fresh.config))
        fresh_again = run_cycle(_google_backend(fresh), fresh_rules, now)
        assert again.changes == fresh_again.changes
        assert not fresh_again.changes, "a second cycle at the same moment writes nothing"


def _state_row(doc: int, step: int, meta: str = "") -> list[object]:
    record = Record(f"RKA-2026-{doc:04d}", "rka", step, START, sidik=f"s{doc}")
    return [*record_cells(record), "", f"kunci {meta}" if meta else "", meta]


state_edits = st.one_of(
    st.tuples(st.just("move"), st.integers(0, 30), st.integers(1, 9)),
    st.tuples(st.just("append"), st.integers(0, 40), st.integers(1, 9)),
    st.tuples(st.just("damage"), st.integers(0, 30), st.sampled_from(("rusak", 7.0, None, ""))),
    st.tuples(st.just("copy_id"), st.integers(0, 30), st.integers(0, 30)),
    st.tuples(st.just("id"), st.integers(0, 30), st.sampled_from(("", None, 5.0, " RKA-1 "))),
    st.tuples(st.just("delete"), st.integers(0, 30), st.none()),
    st.tuples(st.just("swap"), st.integers(0, 30), st.integers(0, 30)),
    st.tuples(st.just("meta"), st.integers(0, 30), st.text(max_size=3)),
)


@settings(max_examples=200, deadline=None)
@given(
    first=st.integers(0, 12),
    story=st.lists(st.lists(state_edits, max_size=5), min_size=1, max_size=6),
)
@example(first=2, story=[[("damage", 1, "rusak")], [("append", 1, 2)]])  # readable again
def test_a_run_reading_its_state_tab_again_finds_what_a_fresh_read_finds(
    first: int, story: list[list[tuple[str, int, object]]]
) -> None:
    """The records a kept backend reads (parsing only the rows that changed since its last
    read) are those a fresh read finds, whatever was done to the state tab between reads:
    the worker's own rewrites and appends, or an admin's damage, copies, deletions, sorts."""
    headers = [*c.STATE_COLUMNS, "", *c.META_COLUMNS]
    rows = [_state_row(doc, 1, "t" if doc == 0 else "") for doc in range(first)]
    cache = RecordCache()
    for edits in story:
        for kind, a, b in edits:
            at = a % len(rows) if rows else None
            if kind == "append":
                rows.append(_state_row(a, int(b)))  # type: ignore[call-overload]
            elif at is None:
                continue
            elif kind == "move":
                rows[at] = [*_state_row(at, int(b))[:2], *rows[at][2:]]  # type: ignore[call-overload]
            elif kind == "damage":
                rows[at][1] = b
            elif kind == "copy_id":
                rows[at][0] = rows[int(b) % len(rows)][0]  # type: ignore[call-overload]
            elif kind == "id":
                rows[at][0] = b
            elif kind == "delete":
                del rows[at]
            elif kind == "swap":
                other = int(b) % len(rows)  # type: ignore[call-overload]
                rows[at], rows[other] = rows[other], rows[at]
            elif kind == "meta":
                rows[at][4] = b
        read = copy.deepcopy(rows)  # each read decodes new lists, as the API's answer does
        assert read_records(headers, read, cache) == read_records(headers, copy.deepcopy(rows))
