"""Reading what staff typed (DESIGN §2): the Langkah cell, and any value in any staff cell.

A spreadsheet cell can hold text, numbers, booleans, dates, formulas and
invisible characters. Each Langkah value is either understood as a step
number, ``Selesai`` or blank, or explained in Indonesian naming the value;
nothing a cell holds may stop the engine.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sop_models import DONE, load_catalog
from syncer.calendar import WorkingCalendar
from syncer.cells import Answer, BadValue, parse_langkah
from syncer.contract import Status
from syncer.engine import Record, Rules, StaffRow, decide_rows

WIB = ZoneInfo("Asia/Jakarta")
CATALOG = load_catalog()
RULES = Rules(CATALOG, WorkingCalendar())
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=WIB)

_INDONESIAN = {"langkah", "bukan", "isi", "tidak", "berisi", "nomor", "kosongkan", "dikenali"}
_ENGLISH = {"step", "invalid", "not", "value", "the", "must", "error"}


def is_indonesian(text: str) -> bool:
    words = set(re.findall(r"[a-z]+", text.casefold()))
    return bool(words & _INDONESIAN) and not words & _ENGLISH


# --- parse_langkah: a table ----------------------------------------------------------------

ACCEPTED: list[tuple[object, object]] = [
    (None, None),
    ("", None),
    ("   ", None),
    ("\t\n", None),
    (1, 1),
    (4, 4),
    (4.0, 4),
    (11, 11),
    ("4", 4),
    ("04", 4),
    ("4.0", 4),
    (" 4 ", 4),
    ("4 - Memberikan paraf", 4),
    ("4 – Memberikan paraf", 4),
    ("4 — Memberikan paraf", 4),
    ("4. Memberikan paraf", 4),
    ("4: Memberikan paraf", 4),
    ("4) Memberikan paraf", 4),
    ("4 -", 4),
    ("Selesai", DONE),
    ("selesai", DONE),
    ("SELESAI", DONE),
    ("  Selesai ", DONE),
    ("langkah 3", 3),
    ("Langkah 3", 3),
    ("LANGKAH  4", 4),
    ("langkah 4 - Memberikan paraf", 4),
    ("Ya", Answer.YA),
    ("ya", Answer.YA),
    (" YA ", Answer.YA),
    ("Tidak", Answer.TIDAK),
    ("tidak ", Answer.TIDAK),
    ("4\u200b", 4),  # pasted from a chat message: a zero-width space staff cannot see
    ("\ufeffSelesai", DONE),
    ("Y\u200ca", Answer.YA),
]


@pytest.mark.parametrize(("value", "expected"), ACCEPTED, ids=[repr(v) for v, _ in ACCEPTED])
def test_parse_langkah_accepts(value: object, expected: object) -> None:
    parsed = parse_langkah(value)
    assert parsed == expected
    assert type(parsed) is type(expected)


#: Rejected values and the text a Pesan must show for them (what was entered).
REJECTED: list[tuple[object, str]] = [
    ("4a", "4a"),
    ("-1", "-1"),
    (-1, "-1"),
    (0, "0"),
    ("0", "0"),
    (1.5, "1,5"),  # a number as an Indonesian sheet shows it
    (-4.0, "-4"),
    ("1,5", "1,5"),
    ("abc", "abc"),
    ("Langkah empat", "Langkah empat"),
    ("=1+3", "=1+3"),
    ("=A1", "=A1"),
    (True, "BENAR"),
    (False, "SALAH"),
    (datetime(2026, 11, 30, 10, 0), "30/11/2026 10.00"),
    (date(2026, 11, 30), "30/11/2026"),
    (time(4, 0), "04.00"),
    (float("nan"), "nan"),
    (float("inf"), "inf"),
    (10**20, "100000000000000000000"),
    (2**63, str(2**63)),
    (1000, "1000"),
    ("1000", "1000"),
    ("4 4", "4 4"),
    ("Selesai!", "Selesai!"),
    ("\u200b", ""),
    ("\u200b\u2060\ufeff", ""),
]


@pytest.mark.parametrize(("value", "shown"), REJECTED, ids=[repr(v) for v, _ in REJECTED])
def test_parse_langkah_rejects_with_an_indonesian_reason(value: object, shown: str) -> None:
    parsed = parse_langkah(value)
    assert isinstance(parsed, BadValue), parsed
    reason = parsed.reason
    assert reason and is_indonesian(reason), reason
    assert "Langkah" in reason or "langkah" in reason
    if shown:
        assert shown.casefold() in reason.casefold(), reason
    else:  # nothing visible to quote: says so
        assert "terlihat" in reason.casefold(), reason


#: Issue 13: what each odd value's reason says, in the words staff read.
WORDED: list[tuple[object, str]] = [
    (4.5, 'Langkah "4,5" bukan bilangan bulat.'),
    ("#N/A", "Langkah berisi #N/A, hasil rumus yang gagal, bukan nomor langkah."),
    ("=B2+1", 'Langkah berisi rumus "=B2+1", bukan nomor langkah.'),
    ("4.5", 'Langkah "4.5" bukan bilangan bulat.'),
    (True, 'Langkah berisi nilai BENAR/SALAH ("BENAR"), bukan nomor langkah.'),
    (0, 'Langkah "0" bukan nomor langkah. Nomor langkah dimulai dari 1.'),
    (-3, 'Langkah "-3" bukan nomor langkah. Nomor langkah dimulai dari 1.'),
    ("-3", 'Langkah "-3" bukan nomor langkah. Nomor langkah dimulai dari 1.'),
    (1e20, 'Langkah berisi angka terlalu besar ("1E+20"), bukan nomor langkah.'),
    (
        datetime(2026, 12, 1),
        'Langkah terbaca sebagai tanggal "01/12/2026", bukan nomor langkah.',
    ),
    (  # a cell formatted as a duration, [h]:mm:ss
        timedelta(days=3),
        'Langkah terbaca sebagai lama waktu "72.00", bukan nomor langkah.',
    ),
    ("4a", 'Langkah "4a" tidak dikenali.'),
]


@pytest.mark.parametrize(("value", "reason"), WORDED, ids=[repr(v) for v, _ in WORDED])
def test_parse_langkah_reasons_read_as_formal_indonesian(value: object, reason: str) -> None:
    parsed = parse_langkah(value)
    assert isinstance(parsed, BadValue) and parsed.reason == reason


def test_parse_langkah_rejects_decimal_text() -> None:
    read = {text: parse_langkah(text) for text in ("1.5", "4.5", "2.25")}
    assert all(isinstance(parsed, BadValue) for parsed in read.values()), read


def test_long_values_are_shortened_in_the_reason() -> None:
    parsed = parse_langkah("x" * 5000)
    assert isinstance(parsed, BadValue)
    assert len(parsed.reason) < 300


# --- never raises ----------------------------------------------------------------------------

CELL = st.one_of(
    st.none(),
    st.text(),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.datetimes(),
)


def _valid_result(parsed: object) -> bool:
    if parsed is None or parsed is DONE or isinstance(parsed, Answer):
        return True
    if isinstance(parsed, BadValue):
        return isinstance(parsed.reason, str) and bool(parsed.reason.strip())
    return type(parsed) is int and parsed >= 1


@settings(max_examples=500, deadline=None)
@given(CELL)
def test_parse_langkah_never_raises(value: object) -> None:
    assert _valid_result(parse_langkah(value))


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=999))
def test_parse_langkah_reads_every_step_number_in_every_form(number: int) -> None:
    for form in (number, float(number), str(number), f" {number} ", f"{number} - kegiatan"):
        assert parse_langkah(form) == number, form


def test_parse_langkah_survives_an_enormous_int() -> None:
    assert isinstance(parse_langkah(10**5000), BadValue)


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


CODES = sorted(CATALOG.procedures)
KNOWN_IDS = ["DOK-1", "DOK-2", "RKA-2026-0003"]

#: Arbitrary cell values, mixed with values the engine understands so deep paths are reached.
ID_CELL = st.one_of(CELL, st.sampled_from([*KNOWN_IDS, "rka-2026-0003", "", "RKA-2026-0009"]))
PROSEDUR_CELL = st.one_of(
    CELL, st.sampled_from([*CODES, "Penyusunan RKA", "LAPBUL", "rka ", "RKA"])
)
LANGKAH_CELL = st.one_of(
    CELL, st.integers(min_value=0, max_value=13), st.sampled_from(["Selesai", "3 - x", " 2 "])
)
ROW = st.tuples(ID_CELL, PROSEDUR_CELL, LANGKAH_CELL, CELL, CELL)


def _records() -> dict[str, Record]:
    start = datetime(2026, 11, 27, 9, 0, tzinfo=WIB)
    return {
        "DOK-1": Record("DOK-1", "rka", 6, start, came_from=5),
        "DOK-2": Record("DOK-2", "laporan-bulanan", DONE, start, came_from=7),
        "RKA-2026-0003": Record("RKA-2026-0003", "rka", 3, start, rejected=("rka | 9",)),
    }


def _check_outcomes(rows: list[StaffRow], outcomes: list) -> None:
    assert len(outcomes) == len(rows)
    for row, outcome in zip(rows, outcomes, strict=True):
        values = (row.id, row.prosedur, row.langkah, row.judul, row.catatan)
        if all(_is_empty(v) for v in values):
            assert outcome.cells.status is None
            assert outcome.history == () and outcome.new_id is None
        else:
            assert outcome.cells.status in set(Status), row
            assert isinstance(outcome.cells.pesan, str)
            if outcome.cells.status is Status.TIDAK_VALID:
                assert outcome.cells.pesan.strip(), row
                assert not any(e.accepted for e in outcome.history)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(ROW, max_size=6))
def test_decide_rows_never_raises_and_gives_every_row_a_status(values: list[tuple]) -> None:
    rows = [StaffRow(n, *cells) for n, cells in enumerate(values, start=2)]
    first = decide_rows(RULES, rows, _records(), NOW)
    _check_outcomes(rows, first.outcomes)
    # The next cycle, new IDs filled in, from the records the first one produced.
    rows = [
        StaffRow(r.row, o.new_id or r.id, r.prosedur, r.langkah, r.judul, r.catatan)
        for r, o in zip(rows, first.outcomes, strict=True)
    ]
    second = decide_rows(RULES, rows, first.records, NOW)
    _check_outcomes(rows, second.outcomes)
    # Same sheet, same moment: no accepted transition is logged twice.
    assert not any(e.accepted for o in second.outcomes for e in o.history)
    ids = [o.new_id for o in first.outcomes if o.new_id]
    assert len(ids) == len({i.casefold() for i in ids})


@settings(max_examples=200, deadline=None)
@given(doc_id=CELL, prosedur=CELL, langkah=CELL, judul=CELL, catatan=CELL)
def test_decide_rows_one_arbitrary_row(
    doc_id: object, prosedur: object, langkah: object, judul: object, catatan: object
) -> None:
    rows = [StaffRow(2, doc_id, prosedur, langkah, judul, catatan)]
    _check_outcomes(rows, decide_rows(RULES, rows, _records(), NOW).outcomes)


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        -float("inf"),
        1e308,
        -(2**70),
        datetime(1, 1, 1),
        datetime(9999, 12, 31, 23, 59),
        "\u200b",
        "\x00",
        '=HYPERLINK("x")',
        "x" * 20000,
        True,
    ],
    ids=repr,
)
def test_decide_rows_survives_odd_values_in_every_column(value: object) -> None:
    for column in ("id", "prosedur", "langkah", "judul", "catatan"):
        base = {"id": "DOK-1", "prosedur": "rka", "langkah": 6}
        base[column] = value
        rows = [StaffRow(2, **base), StaffRow(3, None, "rka", None)]
        outcomes = decide_rows(RULES, rows, _records(), NOW).outcomes
        _check_outcomes(rows, outcomes)
        assert outcomes[1].cells.status is Status.BERJALAN  # other rows unaffected


def test_decide_rows_survives_an_id_with_an_enormous_serial() -> None:
    rows = [StaffRow(2, "RKA-2026-" + "9" * 5000, "rka", 1), StaffRow(3, None, "rka", 1)]
    outcomes = decide_rows(RULES, rows, {}, NOW).outcomes
    assert outcomes[1].cells.status is Status.BERJALAN and outcomes[1].new_id


def test_nan_and_inf_langkah_are_not_steps() -> None:
    for value in (math.nan, math.inf, -math.inf):
        assert isinstance(parse_langkah(value), BadValue)
