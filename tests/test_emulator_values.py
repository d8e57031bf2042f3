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
