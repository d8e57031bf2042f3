"""Emulator: spreadsheets.values.* behave like the real API."""

from __future__ import annotations

import pytest

from tests.emulator.testing import error, q


@pytest.fixture
def sid(emu):
    return emu.create_spreadsheet("Values", sheets=["Dokumen", "My Sheet", "D3"])


# --------------------------------------------------------------------------- reading
def test_rows_trailing_empties_and_middle_gaps(api, sid):
    api.write(sid, "Dokumen!A1", [["a", "", "c", ""], [], ["", "x"], ["", "", "", ""]], "RAW")
    body = api.values(sid, "Dokumen!A1:N20").json()
    assert body == {
        "range": "Dokumen!A1:N20",
        "majorDimension": "ROWS",
        "values": [["a", "", "c"], [], ["", "x"]],
    }


def test_empty_range_has_no_values_key(api, sid):
    assert api.values(sid, "Dokumen!B2:C3").json() == {
        "range": "Dokumen!B2:C3",
        "majorDimension": "ROWS",
    }


def test_columns_major_dimension(api, sid):
    api.write(sid, "Dokumen!A1", [["1", "2"], ["3"]], "RAW")
    body = api.values(sid, "Dokumen!A1:C3", majorDimension="COLUMNS").json()
    assert body["majorDimension"] == "COLUMNS"
    assert body["values"] == [["1", "3"], ["2"]]


@pytest.mark.parametrize(
    ("requested", "returned"),
    [
        ("Dokumen!A:N", "Dokumen!A1:N1000"),
        ("Dokumen!A1:1", "Dokumen!A1:Z1"),
        ("Dokumen!D4:A1", "Dokumen!A1:D4"),
        ("Dokumen!B3", "Dokumen!B3"),
        ("Dokumen", "Dokumen!A1:Z1000"),
        ("'Dokumen'!A2:C", "Dokumen!A2:C1000"),
        ("dokumen!A1:B2", "Dokumen!A1:B2"),
        ("My Sheet!A1:B2", "'My Sheet'!A1:B2"),
        ("'D3'!A1:B2", "'D3'!A1:B2"),
        ("A1:B2", "Dokumen!A1:B2"),
    ],
)
def test_returned_range_is_bounded_and_requoted(api, sid, requested, returned):
    resp = api.values(sid, requested)
    assert resp.status_code == 200, resp.text
    assert resp.json()["range"] == returned


def test_range_past_the_grid_is_400(api, sid):
    err = error(api.values(sid, "Dokumen!A1:AA3"))
    assert err["status"] == "INVALID_ARGUMENT"
    assert err["message"] == (
        "Range ('Dokumen'!A1:AA3) exceeds grid limits. Max rows: 1000, max columns: 26"
    )


def test_batch_get(api, sid):
    api.write(sid, "Dokumen!A1", [["a", "b"], ["c", "d"]])
    resp = api.get(f"{sid}/values:batchGet", ranges=["Dokumen!A1:A2", "Dokumen!B:B"])
    body = resp.json()
    assert body["spreadsheetId"] == sid
    assert [v["range"] for v in body["valueRanges"]] == ["Dokumen!A1:A2", "Dokumen!B1:B1000"]
    assert [v["values"] for v in body["valueRanges"]] == [[["a"], ["c"]], [["b"], ["d"]]]


# The worker reads with values.batchGet. What Google answered in gspread's cassettes: after
# USER_ENTERED [["=4/2", "2020-01-01", "string", 53], ["=3/2", 0.12, "1999-01-02", ""]] into a
# 2 x 4 Sheet1 (WorksheetTest.test_get_all_values_date_time_render_options and
# test_get_all_records_value_render_options), per render options. DateTimeRenderOption is
# "ignored if valueRenderOption is FORMATTED_VALUE" (reference); the trailing "" is trimmed
# ("empty trailing rows and columns will not be included", ValueRange.values).
RECORDED = {
    ("FORMATTED_VALUE", "SERIAL_NUMBER"): [
        ["2", "2020-01-01", "string", "53"],
        ["1.5", "0.12", "1999-01-02"],
    ],
    ("FORMATTED_VALUE", "FORMATTED_STRING"): [
        ["2", "2020-01-01", "string", "53"],
        ["1.5", "0.12", "1999-01-02"],
    ],
    ("UNFORMATTED_VALUE", "SERIAL_NUMBER"): [[2, 43831, "string", 53], [1.5, 0.12, 36162]],
    ("UNFORMATTED_VALUE", "FORMATTED_STRING"): [
        [2, "2020-01-01", "string", 53],
        [1.5, 0.12, "1999-01-02"],
    ],
    ("FORMULA", "SERIAL_NUMBER"): [["=4/2", 43831, "string", 53], ["=3/2", 0.12, 36162]],
    ("FORMULA", "FORMATTED_STRING"): [
        ["=4/2", "2020-01-01", "string", 53],
        ["=3/2", 0.12, "1999-01-02"],
    ],
}


@pytest.fixture
def recorded(emu, api):
    sid = emu.create_spreadsheet("Recorded", sheets=["Sheet1"])
    size = {"sheetId": 0, "gridProperties": {"rowCount": 2, "columnCount": 4}}
    fields = "gridProperties/rowCount,gridProperties/columnCount"
    resp = api.batch(sid, {"updateSheetProperties": {"properties": size, "fields": fields}})
    assert resp.status_code == 200
    rows = [["=4/2", "2020-01-01", "string", 53], ["=3/2", 0.12, "1999-01-02", ""]]
    assert api.write(sid, "'Sheet1'!A1:D2", rows)["updatedCells"] == 8
    return sid


@pytest.mark.parametrize(("value_render", "date_render"), sorted(RECORDED))
def test_batch_get_renders_as_recorded(api, recorded, value_render, date_render):
    params = {"valueRenderOption": value_render, "dateTimeRenderOption": date_render}
    body = api.get(
        f"{recorded}/values:batchGet", ranges=["'Sheet1'", "Sheet1!B:C"], **params
    ).json()
    whole, columns = body["valueRanges"]
    assert whole == {
        "range": "Sheet1!A1:D2",
        "majorDimension": "ROWS",
        "values": RECORDED[value_render, date_render],
    }
    assert columns["range"] == "Sheet1!B1:C2"
    assert columns["values"] == [row[1:3] for row in RECORDED[value_render, date_render]]


def test_batch_get_by_columns(api, recorded):
    body = api.get(
        f"{recorded}/values:batchGet",
        ranges=["Sheet1!A1:D2"],
        majorDimension="COLUMNS",
        valueRenderOption="UNFORMATTED_VALUE",
    ).json()
    (answer,) = body["valueRanges"]
    assert answer["majorDimension"] == "COLUMNS"
    assert answer["values"] == [[2, 1.5], [43831, 0.12], ["string", 36162], [53]]


def test_batch_get_leaves_out_rows_that_only_carry_formats(api, sid):
    # the worker's Dokumen tab: date-time format down whole columns, values in a few rows
    column = {"sheetId": 0, "startColumnIndex": 7, "endColumnIndex": 9}
    fmt = {"numberFormat": {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm"}}
    body = {"range": column, "cell": {"userEnteredFormat": fmt}, "fields": "userEnteredFormat"}
    assert api.batch(sid, {"repeatCell": body}).status_code == 200
    api.write(
        sid,
        "Dokumen!A1",
        [
            ["ID", "", "", "", "", "", "", "Mulai"],
            ["d1", "", "", "", "", "", "", "2026-11-30 08:00"],
            [],
            ["d3"],
        ],
    )
    serial = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}
    (answer,) = api.get(f"{sid}/values:batchGet", ranges=["Dokumen!A:K"], **serial).json()[
        "valueRanges"
    ]
    assert answer["range"] == "Dokumen!A1:K1000"
    assert answer["values"] == [
        ["ID", "", "", "", "", "", "", "Mulai"],
        ["d1", "", "", "", "", "", "", 46356 + 8 / 24],
        [],
        ["d3"],
    ]
    text = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "FORMATTED_STRING"}
    (answer,) = api.get(f"{sid}/values:batchGet", ranges=["Dokumen!H2"], **text).json()[
        "valueRanges"
    ]
    assert answer == {
        "range": "Dokumen!H2",
        "majorDimension": "ROWS",
        "values": [["2026-11-30 08:00"]],
    }


def test_batch_get_echoes_ranges_quoted_as_google_does(emu, api):
    # SpreadsheetTest.test_values_batch_get: "A:A" of a 10 x 10 sheet -> "'<title>'!A1:A10"
    sid = emu.create_spreadsheet("Emoji", sheets=["🌵 test_values_batch_get 1"])
    size = {"sheetId": 0, "gridProperties": {"rowCount": 10, "columnCount": 10}}
    fields = "gridProperties/rowCount,gridProperties/columnCount"
    assert api.batch(sid, {"updateSheetProperties": {"properties": size, "fields": fields}}).ok
    api.write(sid, "🌵 test_values_batch_get 1!A1", [["🍇", "🍉", "🍋"], ["🍐", "🍎", "🍓"]], "RAW")
    ranges = [f"🌵 test_values_batch_get 1!{c}:{c}" for c in "ABC"]
    body = api.get(f"{sid}/values:batchGet", ranges=ranges).json()
    assert body == {
        "spreadsheetId": sid,
        "valueRanges": [
            {
                "range": f"'🌵 test_values_batch_get 1'!{c}1:{c}10",
                "majorDimension": "ROWS",
                "values": [[a], [b]],
            }
            for c, a, b in [("A", "🍇", "🍐"), ("B", "🍉", "🍎"), ("C", "🍋", "🍓")]
        ],
    }


# --------------------------------------------------------------------------- rendering
def test_dates_serial_formatted_and_formula(api, sid):
    api.write(sid, "Dokumen!A1", [["2024-01-31 13:45", "2024-01-31", "=(1+2)*3", "12:00"]])
    unformatted = api.values(
        sid,
        "Dokumen!A1:D1",
        valueRenderOption="UNFORMATTED_VALUE",
        dateTimeRenderOption="SERIAL_NUMBER",
    ).json()["values"][0]
    assert unformatted[1] == 45322
    assert unformatted[0] == pytest.approx(45322 + (13 * 60 + 45) / 1440)
    assert unformatted[2:] == [9, 0.5]
    formatted = api.values(sid, "Dokumen!A1:D1", dateTimeRenderOption="SERIAL_NUMBER").json()
    assert formatted["values"][0] == ["2024-01-31 13:45:00", "2024-01-31", "9", "12:00:00"]
    as_text = api.values(
        sid,
        "Dokumen!A1:D1",
        valueRenderOption="UNFORMATTED_VALUE",
        dateTimeRenderOption="FORMATTED_STRING",
    ).json()["values"][0]
    assert as_text == ["2024-01-31 13:45:00", "2024-01-31", 9, "12:00:00"]
    formulas = api.values(sid, "Dokumen!A1:D1", valueRenderOption="FORMULA").json()
    assert formulas["values"][0][2] == "=(1+2)*3"
    assert formulas["values"][0][1] == 45322  # no formula: unformatted, serial by default


def test_number_format_patterns(api, sid, emu):
    api.write(sid, "Dokumen!A1", [[45322.5, 45322.5, 1234.5, 0.125]], "RAW")
    fmt = [
        {"type": "DATE", "pattern": "dd/mm/yyyy"},
        {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm"},
        {"type": "NUMBER", "pattern": "#,##0.00"},
        {"type": "PERCENT", "pattern": "0.0%"},
    ]
    reqs = [
        {
            "repeatCell": {
                "range": {
                    "sheetId": 0,
                    "startRowIndex": 0,
                    "endRowIndex": 1,
                    "startColumnIndex": i,
                    "endColumnIndex": i + 1,
                },
                "cell": {"userEnteredFormat": {"numberFormat": f}},
                "fields": "userEnteredFormat.numberFormat",
            }
        }
        for i, f in enumerate(fmt)
    ]
    assert api.batch(sid, *reqs).status_code == 200
    body = api.values(sid, "Dokumen!A1:D1").json()
    assert body["values"] == [["31/01/2024", "2024-01-31 12:00", "1,234.50", "12.5%"]]


def test_user_entered_parsing(api, sid, emu):
    api.write(sid, "Dokumen!A1", [["123", "TRUE", "'123", "1,234.5", "=1/0", "=SUM(A1:A2)", "x"]])
    got = api.values(sid, "Dokumen!A1:G1", valueRenderOption="UNFORMATTED_VALUE").json()
    assert got["values"][0] == [123, True, "123", 1234.5, "#DIV/0!", "#NAME?", "x"]
    sheet = emu.spreadsheet(sid).sheet("Dokumen")
    assert sheet.cell(0, 5).formula == "=SUM(A1:A2)"
    assert sheet.cell(0, 5).effectiveValue["errorValue"]["type"] == "NAME"
    assert sheet.cell(0, 2).userEnteredValue == {"stringValue": "123"}


JAN_12, DEC_1, DEC_24 = 46034, 46357, 46380  # serials of 2026-01-12, 2026-12-01, 2026-12-24


@pytest.mark.parametrize(
    ("locale", "typed", "stored", "pattern"),
    [  # a typed date is read through the spreadsheet's locale, as in Google
        (
            "en_US",
            ["01/12/2026", "24/12/2026", "12/24/2026", "2026-12-01"],
            [JAN_12, "24/12/2026", DEC_24, DEC_1],
            "M/d/yyyy",
        ),
        (
            "in_ID",
            ["01/12/2026", "24/12/2026", "12/24/2026", "2026-12-01"],
            [DEC_1, DEC_24, "12/24/2026", DEC_1],
            "d/M/yyyy",
        ),
        (
            "en_GB",
            ["1-12-2026", "24.12.2026", "31/02/2026", "1/12/26"],
            [DEC_1, DEC_24, "31/02/2026", "1/12/26"],
            "d/M/yyyy",
        ),
        (
            "en_US",
            ["1-12-2026", "1.12.2026", "02/31/2026", "2026-1-12"],
            [JAN_12, "1.12.2026", "02/31/2026", JAN_12],
            "M/d/yyyy",
        ),
        ("ja_JP", ["01/12/2026", "2026-12-01"], ["01/12/2026", DEC_1], None),  # not emulated: ISO
    ],
)
def test_user_entered_dates_follow_the_spreadsheet_locale(api, emu, locale, typed, stored, pattern):
    sid = emu.create_spreadsheet("Tanggal", sheets=["Dokumen"], locale=locale)
    api.write(sid, "Dokumen!A1", [typed])
    got = api.values(sid, "Dokumen!A1:D1", valueRenderOption="UNFORMATTED_VALUE").json()
    assert got["values"][0] == stored
    formats = [
        cell.number_format if cell else None
        for cell in emu.spreadsheet(sid).sheet("Dokumen").rows[0]
    ]
    for value, number_format in zip(stored, formats, strict=False):
        if isinstance(value, str):
            assert number_format is None
        elif number_format["pattern"] != "yyyy-mm-dd":
            assert number_format == {"type": "DATE", "pattern": pattern}


def test_a_locale_set_later_reads_dates_typed_after_it(api, emu):
    sid = emu.create_spreadsheet("Tanggal", sheets=["Dokumen"])  # Google's default: en_US
    api.write(sid, "Dokumen!A1", [["01/12/2026 08:30"]])
    update = {"properties": {"locale": "in_ID"}, "fields": "locale"}
    assert api.batch(sid, {"updateSpreadsheetProperties": update}).status_code == 200
    api.write(sid, "Dokumen!B1", [["01/12/2026 08:30"]])
    got = api.values(sid, "Dokumen!A1:B1", valueRenderOption="UNFORMATTED_VALUE").json()
    assert got["values"][0] == [JAN_12 + 0.3541666666666667, DEC_1 + 0.3541666666666667]
    sheet = emu.spreadsheet(sid).sheet("Dokumen")
    assert sheet.cell(0, 1).number_format == {"type": "DATE_TIME", "pattern": "d/M/yyyy H:mm:ss"}
    assert api.values(sid, "Dokumen!B1").json()["values"] == [["1/12/2026 8:30:00"]]


def test_raw_input_is_stored_as_given(api, sid, emu):
    api.write(sid, "Dokumen!A1", [["=1+2", "123", 4.5, False, "2024-01-31"]], "RAW")
    got = api.values(sid, "Dokumen!A1:E1", valueRenderOption="UNFORMATTED_VALUE").json()
    assert got["values"][0] == ["=1+2", "123", 4.5, False, "2024-01-31"]
    assert emu.spreadsheet(sid).sheet("Dokumen").cell(0, 0).formula is None


def test_null_skips_and_empty_string_clears(api, sid):
    api.write(sid, "Dokumen!A1", [["a", "b", "c"]])
    api.write(sid, "Dokumen!A1", [[None, "", "C"]])
    assert api.values(sid, "Dokumen!A1:C1").json()["values"] == [["a", "", "C"]]


# --------------------------------------------------------------------------- writing
def test_update_response_and_anchor_growth(api, sid, emu):
    body = api.write(sid, "Dokumen!Z999", [["a", "b"], ["c", "d"]])
    assert body == {
        "spreadsheetId": sid,
        "updatedRange": "Dokumen!Z999:AA1000",
        "updatedRows": 2,
        "updatedColumns": 2,
        "updatedCells": 4,
    }
    assert emu.spreadsheet(sid).sheet("Dokumen").column_count == 27


def test_update_overflowing_its_range_is_400(api, sid):
    resp = api.put(
        f"{sid}/values/{q('Dokumen!A1:B2')}", {"values": [["1", "2", "3"]]}, valueInputOption="RAW"
    )
    err = error(resp)
    assert err["message"] == (
        "Requested writing within range [Dokumen!A1:B2], but tried writing to column [C]"
    )


def test_value_input_option_is_required(api, sid):
    resp = api.put(f"{sid}/values/{q('Dokumen!A1')}", {"values": [["1"]]})
    assert error(resp)["message"] == "'valueInputOption' is required but not specified"


def test_include_values_in_response(api, sid):
    resp = api.put(
        f"{sid}/values/{q('Dokumen!A1')}",
        {"values": [["=2*3"]]},
        valueInputOption="USER_ENTERED",
        includeValuesInResponse="true",
        responseValueRenderOption="FORMULA",
    )
    assert resp.json()["updatedData"] == {
        "range": "Dokumen!A1",
        "majorDimension": "ROWS",
        "values": [["=2*3"]],
    }


def test_batch_update_is_atomic(api, sid, emu):
    body = {
        "valueInputOption": "RAW",
        "data": [
            {"range": "Dokumen!A1", "values": [["ok"]]},
            {"range": "Missing!A1", "values": [["no"]]},
        ],
    }
    resp = api.post(f"{sid}/values:batchUpdate", body)
    assert error(resp)["message"] == "Unable to parse range: Missing!A1"
    assert emu.spreadsheet(sid).sheet("Dokumen").values() == []
    body["data"][1]["range"] = "'My Sheet'!B2"
    result = api.post(f"{sid}/values:batchUpdate", body).json()
    assert result["totalUpdatedCells"] == 2 and result["totalUpdatedSheets"] == 2
    assert [r["updatedRange"] for r in result["responses"]] == ["Dokumen!A1", "'My Sheet'!B2"]


def test_append_finds_the_table(api, sid, emu):
    api.write(sid, "Dokumen!B1", [["h1", "h2"], ["a", "b"]])
    resp = api.post(
        f"{sid}/values/{q('Dokumen!A:D')}:append",
        {"values": [["c", "d"]]},
        valueInputOption="RAW",
    ).json()
    assert resp["tableRange"] == "Dokumen!B1:C2"
    assert resp["updates"]["updatedRange"] == "Dokumen!B3:C3"
    assert emu.spreadsheet(sid).sheet("Dokumen").values()[2] == ["", "c", "d"]


def test_append_insert_rows_shifts_rows_below(api, sid, emu):
    api.write(sid, "Dokumen!A1", [["t1"], ["t2"], [""], ["below"]])
    api.post(
        f"{sid}/values/{q('Dokumen!A1')}:append",
        {"values": [["new"]]},
        valueInputOption="RAW",
        insertDataOption="INSERT_ROWS",
    )
    sheet = emu.spreadsheet(sid).sheet("Dokumen")
    assert sheet.values() == [["t1"], ["t2"], ["new"], [], ["below"]]
    assert sheet.row_count == 1001


def test_append_to_empty_sheet(api, sid):
    resp = api.post(
        f"{sid}/values/{q('Dokumen')}:append", {"values": [["x"]]}, valueInputOption="RAW"
    ).json()
    assert "tableRange" not in resp
    assert resp["updates"]["updatedRange"] == "Dokumen!A1"


def test_clear_keeps_formats(api, sid, emu):
    api.write(sid, "Dokumen!A1", [["2024-01-31", "x"]])
    resp = api.post(f"{sid}/values/{q('Dokumen!A1:B1')}:clear").json()
    assert resp == {"spreadsheetId": sid, "clearedRange": "Dokumen!A1:B1"}
    cell = emu.spreadsheet(sid).sheet("Dokumen").cell(0, 0)
    assert (
        cell.userEnteredValue is None and cell.userEnteredFormat["numberFormat"]["type"] == "DATE"
    )


def test_batch_clear(api, sid, emu):
    api.write(sid, "Dokumen!A1", [["a", "b", "c"]])
    resp = api.post(f"{sid}/values:batchClear", {"ranges": ["Dokumen!A1", "Dokumen!C:C"]}).json()
    assert resp["clearedRanges"] == ["Dokumen!A1", "Dokumen!C1:C1000"]
    assert emu.spreadsheet(sid).sheet("Dokumen").values() == [["", "b"]]


def test_gspread_round_trip(emu, key, sid):
    ws = emu.gspread_client(key).open_by_key(sid).worksheet("Dokumen")
    ws.update(
        [["Nama", "Tanggal"], ["Budi", "2024-02-01"]], "A1", value_input_option="USER_ENTERED"
    )
    assert ws.get_all_values() == [["Nama", "Tanggal"], ["Budi", "2024-02-01"]]
    assert ws.get_all_records() == [{"Nama": "Budi", "Tanggal": "2024-02-01"}]
    ws.append_row(["Sari", "2024-02-02"], value_input_option="USER_ENTERED")
    assert ws.col_values(1) == ["Nama", "Budi", "Sari"]
    assert ws.acell("B3", value_render_option="UNFORMATTED_VALUE").value == 45324
