"""Emulator internals without HTTP: A1 notation, serial dates, formulas, sheet helpers."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.emulator.a1 import Bounds, format_cells, parse_cells, quote_sheet, split_sheet
from tests.emulator.formatting import format_value, from_serial, to_serial
from tests.emulator.formula import evaluate
from tests.emulator.model import Spreadsheet

spans = st.tuples(
    st.integers(0, 5000), st.integers(1, 50), st.integers(0, 700), st.integers(1, 30)
).map(lambda t: (t[0], t[0] + t[1], t[2], t[2] + t[3]))


@given(spans)
def test_a1_round_trip(span):
    r0, r1, c0, c1 = span
    assert parse_cells(format_cells(r0, r1, c0, c1)) == Bounds(r0, r1, c0, c1)


@given(st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=20))
def test_sheet_names_quote_and_split_back(title):
    assert split_sheet(f"{quote_sheet(title)}!B2") == (title, "B2")


def test_quoting_follows_recorded_traffic():
    assert quote_sheet("Sheet1") == "Sheet1"
    assert quote_sheet("D3") == "'D3'"
    assert quote_sheet("Test ClientTest test_import_csv") == "'Test ClientTest test_import_csv'"
    assert quote_sheet("It's") == "'It''s'"


@given(st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2200, 1, 1)))
def test_serial_dates_round_trip_to_the_millisecond(moment):
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    assert from_serial(to_serial(moment)) == moment


def test_serial_epoch_examples_from_the_api_reference():
    assert to_serial(dt.datetime(1900, 1, 1, 12)) == 2.5
    assert to_serial(dt.datetime(1900, 2, 1, 15)) == 33.625


exprs = st.recursive(
    st.integers(0, 99).map(str),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from("+-*"), inner).map(lambda t: f"{t[0]}{t[1]}{t[2]}"),
        inner.map(lambda e: f"({e})"),
        inner.map(lambda e: f"-{e}"),
    ),
    max_leaves=8,
)


@settings(max_examples=200)
@given(exprs)
def test_formula_arithmetic_matches_python(expr):
    assert evaluate("=" + expr) == {"numberValue": float(eval(expr))}  # noqa: S307


def test_formula_unsupported_is_name_error():
    for formula in ("=SUM(A1:A2)", "=A1+1", "=1+", "=TODAY()", '="a"&"b"'):
        assert evaluate(formula)["errorValue"]["type"] == "NAME"
    assert evaluate("=1/0")["errorValue"]["type"] == "DIVIDE_BY_ZERO"
    assert evaluate('="a"+1')["errorValue"]["type"] == "VALUE"
    assert evaluate('="2"*3') == {"numberValue": 6.0}
    assert format_value(evaluate("=A1"), None) == "#NAME?"


def sheet():
    ss = Spreadsheet("id", "t")
    return ss.add_sheet({"title": "Dokumen"})


def test_set_value_is_literal_except_formulas():
    s = sheet()
    s.set_value(0, 0, "12")
    s.set_value(0, 1, 12)
    s.set_value(0, 2, "=2*3")
    s.set_value(0, 3, dt.date(2024, 1, 31))
    s.set_value(0, 4, True)
    assert s.cell(0, 0).userEnteredValue == {"stringValue": "12"}
    assert s.cell(0, 1).userEnteredValue == {"numberValue": 12.0}
    assert s.cell(0, 2).formula == "=2*3" and s.cell(0, 2).effectiveValue == {"numberValue": 6.0}
    assert s.cell(0, 3).userEnteredFormat == {
        "numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}
    }
    assert s.values() == [["12", 12, 6, 45322, True]]
    s.set_value(0, 4, None)
    assert s.values() == [["12", 12, 6, 45322]]


def test_type_value_parses_like_the_ui():
    s = sheet()
    for col, text in enumerate(["12", "TRUE", "'12", "2024-01-31", "50%", "abc"]):
        s.type_value(0, col, text)
    assert s.values() == [[12, True, "12", 45322, 0.5, "abc"]]
    assert s.cell(0, 3).number_format == {"type": "DATE", "pattern": "yyyy-mm-dd"}


def test_type_value_reads_dates_through_the_spreadsheets_locale():
    s = sheet()  # en_US, as Google makes a new spreadsheet
    s.type_value(0, 0, "01/12/2026")
    s.spreadsheet.properties["locale"] = "in_ID"
    s.type_value(0, 1, "01/12/2026")
    assert s.values() == [[46034, 46357]]  # 12 January 2026, then 1 December 2026


@given(
    st.lists(
        st.one_of(st.none(), st.integers(-5, 5), st.sampled_from(["a", "B", "c"]), st.booleans()),
        min_size=1,
        max_size=12,
    )
)
def test_sort_order_numbers_text_booleans_then_blanks(column):
    s = sheet()
    for r, v in enumerate(column):
        s.set_value(r, 0, v)
        s.set_value(r, 1, f"row{r}")
    s.sort(0, len(column), 0, 1, key_col=0)
    got = [s.cell(r, 0).python_value() for r in range(len(column))]

    def rank(v):
        if v is None:
            return (3, 0)
        if isinstance(v, bool):
            return (2, v)
        if isinstance(v, int):
            return (0, v)
        return (1, v.casefold())

    assert [rank(v) for v in got] == sorted(rank(v) for v in column)
    # column B was outside the sorted range: untouched
    assert [s.cell(r, 1).python_value() for r in range(len(column))] == [
        f"row{r}" for r in range(len(column))
    ]
