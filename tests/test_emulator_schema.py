"""Emulator: requests are held to Google's discovery document, with Google's messages."""

from __future__ import annotations

import pytest

from tests.emulator.schema import discovery
from tests.emulator.testing import error, q


@pytest.fixture
def sid(emu):
    return emu.create_spreadsheet("Schema", sheets=["Dokumen"])


def violations(resp) -> list[dict]:
    err = error(resp)
    assert resp.status_code == 400 and err["status"] == "INVALID_ARGUMENT"
    (detail,) = err["details"]
    assert detail["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    assert err["message"] == "\n".join(v["description"] for v in detail["fieldViolations"])
    return detail["fieldViolations"]


def update_cells(**extra):
    body = {
        "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0},
        "rows": [{"values": [{"userEnteredValue": {"stringValue": "x"}}]}],
        "fields": "userEnteredValue",
    }
    body.update(extra)
    return {"updateCells": body}


def test_unknown_nested_field(api, sid):
    req = update_cells(rows=[{"values": [{"userEnteredValu": {"stringValue": "x"}}]}])
    resp = api.batch(sid, req)
    text = (
        'Invalid JSON payload received. Unknown name "userEnteredValu" at '
        "'requests[0].update_cells.rows[0].values[0]': Cannot find field."
    )
    assert violations(resp) == [
        {"field": "requests[0].update_cells.rows[0].values[0]", "description": text}
    ]


def test_unknown_top_level_field(api, sid):
    resp = api.post(f"{sid}:batchUpdate", {"requests": [update_cells()], "dryRun": True})
    assert violations(resp) == [
        {"description": 'Invalid JSON payload received. Unknown name "dryRun": Cannot find field.'}
    ]


def test_all_violations_are_collected(api, sid, emu):
    bad_start = {"sheetId": 0, "rowIndex": "abc", "columnIndex": 3000000000}
    resp = api.batch(sid, update_cells(start=bad_start, extra=1), {"addSheet": {"propertie": {}}})
    assert [v["description"] for v in violations(resp)] == [
        "Invalid value at 'requests[0].update_cells.start.row_index' (TYPE_INT32), \"abc\"",
        "Invalid value at 'requests[0].update_cells.start.column_index' (TYPE_INT32), 3000000000",
        "Invalid JSON payload received. Unknown name \"extra\" at 'requests[0].update_cells': "
        "Cannot find field.",
        'Invalid JSON payload received. Unknown name "propertie" at '
        "'requests[1].add_sheet': Cannot find field.",
    ]
    assert emu.spreadsheet(sid).sheet("Dokumen").values() == []


@pytest.mark.parametrize(
    ("value", "shown"),
    [("abc", '"abc"'), (1.5, "1.5"), (True, "true"), ({"a": 1}, '{"a":1}')],
)
def test_int32_type_errors(api, sid, value, shown):
    resp = api.batch(sid, update_cells(start={"sheetId": 0, "rowIndex": value}))
    (v,) = violations(resp)
    assert v["field"] == "requests[0].update_cells.start.row_index"
    assert v["description"] == (
        f"Invalid value at 'requests[0].update_cells.start.row_index' (TYPE_INT32), {shown}"
    )


def test_int32_accepts_numeric_strings_like_proto_json(api, sid, emu):
    resp = api.batch(sid, update_cells(start={"sheetId": "0", "rowIndex": "2"}))
    assert resp.status_code == 200, resp.text
    assert emu.spreadsheet(sid).sheet("Dokumen").cell(2, 0).userEnteredValue == {"stringValue": "x"}


def test_enum_outside_the_enum(api, sid):
    dim = {"sheetId": 0, "dimension": "BOGUS", "startIndex": 0, "endIndex": 1}
    resp = api.batch(sid, {"insertDimension": {"range": dim}})
    (v,) = violations(resp)
    assert v["description"] == (
        "Invalid value at 'requests[0].insert_dimension.range.dimension' "
        '(type.googleapis.com/google.apps.sheets.v4.Dimension), "BOGUS"'
    )


def test_message_expected_but_string_given(api, sid):
    resp = api.batch(sid, {"sortRange": {"range": "A1:B2"}})
    (v,) = violations(resp)
    assert v["description"] == (
        "Invalid value at 'requests[0].sort_range.range' "
        '(type.googleapis.com/google.apps.sheets.v4.GridRange), "A1:B2"'
    )


def test_values_update_body_paths_start_at_data(api, sid):
    # the exact error recorded from the real API in gspread's cassettes
    resp = api.put(f"{sid}/values/{q('Dokumen!A1')}", {"values": "X"}, valueInputOption="RAW")
    assert violations(resp) == [
        {
            "field": "data.values",
            "description": "Invalid value at 'data.values' "
            '(type.googleapis.com/google.protobuf.ListValue), "X"',
        }
    ]


def test_values_update_unknown_name_at_data(api, sid):
    resp = api.put(
        f"{sid}/values/{q('Dokumen!A1')}",
        {"values": [["a"]], "valueInputOption": "RAW"},
        valueInputOption="RAW",
    )
    (v,) = violations(resp)
    assert v["description"] == (
        "Invalid JSON payload received. Unknown name \"valueInputOption\" at 'data': "
        "Cannot find field."
    )


def test_request_without_kind(api, sid):
    resp = api.batch(sid, {})
    err = error(resp)
    assert (resp.status_code, err["status"]) == (400, "INVALID_ARGUMENT")
    assert err["message"] == "Invalid requests[0]: No request set."


def test_request_with_two_kinds(api, sid):
    resp = api.batch(sid, {**update_cells(), "addSheet": {}})
    (v,) = violations(resp)
    assert v["field"] == "requests[0]"
    assert v["description"] == (
        "Invalid value at 'requests[0]' (oneof), oneof field 'kind' is already set. "
        "Cannot set 'addSheet'"
    )


def test_extended_value_with_two_values(api, sid):
    cell = {"userEnteredValue": {"stringValue": "x", "numberValue": 1}}
    resp = api.batch(sid, update_cells(rows=[{"values": [cell]}]))
    (v,) = violations(resp)
    assert v["field"] == "requests[0].update_cells.rows[0].values[0].user_entered_value"
    assert "oneof field 'value' is already set. Cannot set 'numberValue'" in v["description"]


def test_empty_requests(api, sid):
    for body in ({"requests": []}, {}):
        resp = api.post(f"{sid}:batchUpdate", body)
        err = error(resp)
        assert resp.status_code == 400 and err["status"] == "INVALID_ARGUMENT"
        assert err["message"] == "Must specify at least one request."


@pytest.mark.parametrize("range_", ["Nope!A1:B2", "Dokumen!A1:B2:C3", "Dokumen!AAAA1", "'Dok!A1"])
def test_unparseable_range_or_missing_tab_is_400(api, sid, range_):
    resp = api.values(sid, range_)
    err = error(resp)
    assert resp.status_code == 400 and err["status"] == "INVALID_ARGUMENT"
    assert err["message"] == f"Unable to parse range: {range_}"


def test_query_parameter_checks(api, sid):
    resp = api.values(sid, "Dokumen!A1", valueRenderOption="BOGUS")
    assert violations(resp)[0]["description"] == (
        "Invalid value at 'value_render_option' "
        '(type.googleapis.com/google.apps.sheets.v4.ValueRenderOption), "BOGUS"'
    )
    resp = api.get(sid, includeGridData="maybe")
    assert violations(resp)[0]["description"] == (
        "Invalid value at 'include_grid_data' (TYPE_BOOL), \"maybe\""
    )
    resp = api.get(sid, bogus="1")
    assert violations(resp)[0]["description"] == (
        'Invalid JSON payload received. Unknown name "bogus": Cannot bind query parameter. '
        "Field 'bogus' could not be found in request message."
    )
    compact = api.get(sid, includeGridData="False", prettyPrint="false")
    assert compact.status_code == 200 and b"\n" not in compact.content
    assert b'\n  "spreadsheetId"' in api.get(sid).content  # pretty by default, as Google


def test_snake_case_names_and_nulls_are_accepted(api, sid, emu):
    req = {
        "update_cells": {
            "start": {"sheet_id": 0, "row_index": 4, "column_index": 1},
            "rows": [{"values": [{"user_entered_value": {"number_value": 7}, "note": None}]}],
            "fields": "userEnteredValue",
        }
    }
    assert api.batch(sid, req).status_code == 200
    cell = emu.spreadsheet(sid).sheet("Dokumen").cell(4, 1)
    assert cell.userEnteredValue == {"numberValue": 7}


def test_invalid_json_body(api, sid):
    resp = api.session.post(
        api.url(f"{sid}:batchUpdate"), data=b"{nope", headers={"Content-Type": "application/json"}
    )
    err = error(resp)
    assert resp.status_code == 400
    assert err["message"].startswith("Invalid JSON payload received.")


def test_response_validator_rejects_bad_bodies():
    disc = discovery()
    method = disc.by_id["sheets.spreadsheets.values.get"]
    assert disc.validate_response(method, {"range": "A1", "majorDimension": "ROWS"}) == []
    problems = disc.validate_response(method, {"range": 3, "majorDimension": "ROWZ", "x": 1})
    texts = [p.description for p in problems]
    assert "Invalid value at 'range' (TYPE_STRING), 3" in texts
    assert any('Unknown name "x"' in t for t in texts)
    assert any("ROWZ" in t for t in texts)
    # responses must use camelCase names and exact types
    problems = disc.validate_response(
        disc.by_id["sheets.spreadsheets.get"], {"spreadsheet_id": "x", "sheets": [{"data": "no"}]}
    )
    assert len(problems) == 2
