"""Emulator: spreadsheets.batchUpdate requests, replies, atomicity, and spreadsheets.get."""

from __future__ import annotations

import pytest

from tests.emulator.testing import error, grid, ok

INT32_MAX = 2**31 - 1


@pytest.fixture
def sid(emu):
    return emu.create_spreadsheet("Batch", sheets=["Dokumen"])


def rows_dim(start, end, sheet_id=0):
    return {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": start, "endIndex": end}


def fill(emu, sid, rows):
    sheet = emu.spreadsheet(sid).sheet("Dokumen")
    for r, line in enumerate(rows):
        for c, value in enumerate(line):
            if value is not None:
                sheet.set_value(r, c, value)
    return sheet


def test_replies_in_order(api, sid):
    body = ok(
        api.batch(
            sid,
            {"addSheet": {"properties": {"title": "Log", "gridProperties": {"rowCount": 5}}}},
            {
                "updateSpreadsheetProperties": {
                    "properties": {"timeZone": "Asia/Jakarta"},
                    "fields": "timeZone",
                }
            },
            {"addFilterView": {"filter": {"title": "Mine", "range": {"sheetId": 0}}}},
            {"addProtectedRange": {"protectedRange": {"range": grid(0, 1), "description": None}}},
        )
    )
    assert body["spreadsheetId"] == sid
    add_sheet, empty, add_view, add_protected = body["replies"]
    props = add_sheet["addSheet"]["properties"]
    assert props["title"] == "Log" and props["index"] == 1 and props["sheetType"] == "GRID"
    assert props["gridProperties"] == {"rowCount": 5, "columnCount": 26}
    assert 0 < props["sheetId"] <= INT32_MAX
    assert empty == {}
    view = add_view["addFilterView"]["filter"]
    assert 0 < view["filterViewId"] <= INT32_MAX
    assert view["range"] == {
        "startRowIndex": 0,
        "endRowIndex": 1000,
        "startColumnIndex": 0,
        "endColumnIndex": 26,
    }
    protected = add_protected["addProtectedRange"]["protectedRange"]
    assert protected == {
        "protectedRangeId": protected["protectedRangeId"],
        "range": {"startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": 3},
        "requestingUserCanEdit": True,
        "editors": {},
    }
    got = ok(api.get(sid))
    assert got["properties"]["timeZone"] == "Asia/Jakarta"
    assert got["sheets"][0]["protectedRanges"][0]["editors"] == {
        "users": ["sopsync@test-project.iam.gserviceaccount.com"]
    }


def test_batch_is_atomic(api, sid, emu):
    resp = api.batch(
        sid,
        {"addSheet": {"properties": {"title": "Added"}}},
        {"updateCells": {"start": {"sheetId": 12345}, "rows": [], "fields": "userEnteredValue"}},
        {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 5}},
    )
    err = error(resp)
    assert (resp.status_code, err["status"]) == (400, "INVALID_ARGUMENT")
    assert err["message"] == "Invalid requests[1].updateCells: No grid with id: 12345"
    ss = emu.spreadsheet(sid)
    assert [s.title for s in ss.sheets] == ["Dokumen"]
    assert ss.sheet("Dokumen").row_count == 1000


def test_sheet_handles_survive_batches(api, sid, emu):
    sheet = emu.spreadsheet(sid).sheet("Dokumen")
    ok(api.batch(sid, {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 5}}))
    assert sheet.row_count == 1005


def test_given_ids_must_be_unique(api, sid):
    ok(api.batch(sid, {"addSheet": {"properties": {"sheetId": 7, "title": "Seven"}}}))
    for req in (
        {"addSheet": {"properties": {"sheetId": 7, "title": "Again"}}},
        {"addSheet": {"properties": {"title": "seven"}}},
    ):
        assert api.batch(sid, req).status_code == 400
    assert error(api.batch(sid, {"addSheet": {"properties": {"title": "Seven"}}}))["message"] == (
        'Invalid requests[0].addSheet: A sheet with the name "Seven" already exists. '
        "Please enter another name."
    )
    view = {"filterViewId": 99, "range": {"sheetId": 0}}
    ok(api.batch(sid, {"addFilterView": {"filter": view}}))
    assert api.batch(sid, {"addFilterView": {"filter": view}}).status_code == 400
    pr = {"protectedRangeId": 5, "range": grid(0, 1)}
    ok(api.batch(sid, {"addProtectedRange": {"protectedRange": pr}}))
    assert api.batch(sid, {"addProtectedRange": {"protectedRange": pr}}).status_code == 400


def test_cannot_hide_every_sheet(api, sid):
    req = {
        "updateSheetProperties": {"properties": {"sheetId": 0, "hidden": True}, "fields": "hidden"}
    }
    assert error(api.batch(sid, req))["message"] == (
        "Invalid requests[0].updateSheetProperties: You can't hide all the sheets in a document."
    )


def test_sheet_properties_frozen_hidden_and_resize(api, sid, emu):
    ok(api.batch(sid, {"addSheet": {"properties": {"title": "Arsip"}}}))
    arsip = emu.spreadsheet(sid).sheet("Arsip").sheet_id
    ok(
        api.batch(
            sid,
            {
                "updateSheetProperties": {
                    "properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}},
                    "fields": "gridProperties.frozenRowCount",
                }
            },
            {
                "updateSheetProperties": {
                    "properties": {"sheetId": arsip, "hidden": True},
                    "fields": "hidden",
                }
            },
            {
                "updateSheetProperties": {
                    "properties": {
                        "sheetId": 0,
                        "gridProperties": {"rowCount": 20, "columnCount": 14},
                    },
                    "fields": "gridProperties/rowCount,gridProperties/columnCount",
                }
            },
        )
    )
    props = [s["properties"] for s in ok(api.get(sid))["sheets"]]
    assert props[0]["gridProperties"] == {"rowCount": 20, "columnCount": 14, "frozenRowCount": 1}
    assert props[1]["hidden"] is True and "hidden" not in props[0]
    sheet = emu.spreadsheet(sid).sheet("Dokumen")
    assert sheet.frozen_rows == 1 and emu.spreadsheet(sid).sheet("Arsip").hidden


def test_update_cells_repeat_cell_append_cells(api, sid, emu):
    ok(
        api.batch(
            sid,
            {
                "updateCells": {
                    "range": grid(0, 2, 0, 2),
                    "rows": [
                        {
                            "values": [
                                {"userEnteredValue": {"stringValue": "a"}},
                                {"userEnteredValue": {"formulaValue": "=2+3"}, "note": "n"},
                            ]
                        }
                    ],
                    "fields": "userEnteredValue,note",
                }
            },
            {
                "repeatCell": {
                    "range": grid(0, 1, 0, 2),
                    "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                    "fields": "userEnteredFormat.textFormat.bold",
                }
            },
            {
                "appendCells": {
                    "sheetId": 0,
                    "rows": [{"values": [{"userEnteredValue": {"numberValue": 3}}]}],
                    "fields": "userEnteredValue",
                }
            },
        )
    )
    sheet = emu.spreadsheet(sid).sheet("Dokumen")
    assert sheet.values() == [["a", 5], [3]]
    assert sheet.cell(0, 1).note == "n"
    assert sheet.cell(0, 0).userEnteredFormat == {"textFormat": {"bold": True}}
    assert sheet.cell(0, 1).formula == "=2+3"


def test_update_cells_outside_the_grid(api, sid):
    req = {
        "updateCells": {
            "start": {"sheetId": 0, "rowIndex": 1000},
            "rows": [{"values": [{}]}],
            "fields": "*",
        }
    }
    assert error(api.batch(sid, req))["message"] == (
        "Invalid requests[0].updateCells: GridCoordinate.rowIndex[1000] is after last row in "
        "grid[999]"
    )


def test_sort_range_leaves_other_columns_in_place(api, sid, emu):
    rows = [["b", 2, "x1"], ["a", 1, "x2"], [None, 3, "x3"], ["C", 0, "x4"], [10, 5, "x5"]]
    sheet = fill(emu, sid, rows)
    spec = {"dimensionIndex": 0, "sortOrder": "ASCENDING"}
    ok(api.batch(sid, {"sortRange": {"range": grid(0, 5, 0, 2), "sortSpecs": [spec]}}))
    # numbers first, then text case-insensitively, blanks last; column C untouched
    assert sheet.values() == [
        [10, 5, "x1"],
        ["a", 1, "x2"],
        ["b", 2, "x3"],
        ["C", 0, "x4"],
        ["", 3, "x5"],
    ]
    spec["sortOrder"] = "DESCENDING"
    ok(api.batch(sid, {"sortRange": {"range": grid(0, 5, 0, 2), "sortSpecs": [spec]}}))
    assert [r[0] for r in sheet.values()] == ["C", "b", "a", 10, ""]


def test_sort_helper_whole_rows(emu, sid):
    sheet = fill(emu, sid, [["h", "k"], [3, "c"], [1, "a"], [2, "b"]])
    sheet.sort(1, 4, 0, 2, key_col=0)
    assert sheet.values() == [["h", "k"], [1, "a"], [2, "b"], [3, "c"]]
    sheet.sort(1, 4, 0, 1, key_col=0, ascending=False)  # leaves column B out
    assert sheet.values() == [["h", "k"], [3, "a"], [2, "b"], [1, "c"]]


def test_dimension_requests(api, sid, emu):
    sheet = fill(emu, sid, [["r0"], ["r1"], ["r2"]])
    ok(
        api.batch(
            sid,
            {"insertDimension": {"range": rows_dim(1, 3), "inheritFromBefore": True}},
            {"deleteDimension": {"range": rows_dim(0, 1)}},
            {
                "updateDimensionProperties": {
                    "range": rows_dim(0, 1),
                    "properties": {"hiddenByUser": True, "pixelSize": 40},
                    "fields": "hiddenByUser,pixelSize",
                }
            },
            {"appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 2}},
        )
    )
    assert sheet.values() == [[], [], ["r1"], ["r2"]]
    assert (sheet.row_count, sheet.column_count) == (1001, 28)
    data = ok(api.get(sid, ranges="Dokumen!A1:A2", includeGridData="true"))["sheets"][0]["data"][0]
    assert data["rowMetadata"] == [{"pixelSize": 40, "hiddenByUser": True}, {"pixelSize": 21}]
    assert error(api.batch(sid, {"deleteDimension": {"range": rows_dim(0, 1001)}}))["message"] == (
        "Invalid requests[0].deleteDimension: You can't delete all the rows on the sheet."
    )


def test_objects_stored_and_returned_by_get(api, sid):
    rule = {
        "condition": {
            "type": "ONE_OF_LIST",
            "values": [{"userEnteredValue": "Ya"}, {"userEnteredValue": "Tidak"}],
        },
        "strict": True,
        "showCustomUi": True,
    }
    cf = {
        "ranges": [grid(1, 10, 2, 3)],
        "booleanRule": {
            "condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": "x"}]},
            "format": {"backgroundColor": {"red": 1}},
        },
    }
    ok(
        api.batch(
            sid,
            {"setDataValidation": {"range": grid(1, 3, 1, 2), "rule": rule}},
            {"addConditionalFormatRule": {"rule": cf, "index": 0}},
            {"setBasicFilter": {"filter": {"range": {"sheetId": 0, "endRowIndex": 10}}}},
        )
    )
    sheet = ok(api.get(sid, ranges="Dokumen!A1:C3", includeGridData="true"))["sheets"][0]
    assert sheet["conditionalFormats"][0]["ranges"] == [
        {"startRowIndex": 1, "endRowIndex": 10, "startColumnIndex": 2, "endColumnIndex": 3}
    ]
    assert sheet["basicFilter"]["range"] == {
        "startRowIndex": 0,
        "endRowIndex": 10,
        "startColumnIndex": 0,
        "endColumnIndex": 26,
    }
    row_data = sheet["data"][0]["rowData"]
    assert row_data[0] == {}
    assert row_data[1] == {"values": [{}, {"dataValidation": rule}]}
    deleted = ok(api.batch(sid, {"deleteConditionalFormatRule": {"sheetId": 0, "index": 0}}))
    assert deleted["replies"][0]["deleteConditionalFormatRule"]["rule"]["booleanRule"]
    assert "conditionalFormats" not in ok(api.get(sid))["sheets"][0]


def test_rows_shift_attached_objects(api, sid, emu):
    ok(
        api.batch(
            sid,
            {"addProtectedRange": {"protectedRange": {"range": grid(5, 6)}}},
            {
                "addConditionalFormatRule": {
                    "rule": {
                        "ranges": [grid(5, 8)],
                        "booleanRule": {"condition": {"type": "BLANK"}, "format": {}},
                    }
                }
            },
            {
                "setDataValidation": {
                    "range": grid(5, 6, 0, 1),
                    "rule": {"condition": {"type": "BOOLEAN"}},
                }
            },
            {"addFilterView": {"filter": {"range": grid(4, 9)}}},
            {"setBasicFilter": {"filter": {"range": grid(5, 9)}}},
        )
    )
    sheet = emu.spreadsheet(sid).sheet("Dokumen")
    sheet.insert_rows(0, 2)
    assert sheet.protected_ranges[0]["range"]["startRowIndex"] == 7
    assert sheet.conditional_formats[0]["ranges"][0]["endRowIndex"] == 10
    assert sheet.data_validation(7, 0) == {"condition": {"type": "BOOLEAN"}}
    assert sheet.filter_views[0]["range"]["startRowIndex"] == 6
    assert sheet.basic_filter["range"]["startRowIndex"] == 7
    ok(api.batch(sid, {"deleteDimension": {"range": rows_dim(0, 1)}}))
    assert sheet.protected_ranges[0]["range"]["startRowIndex"] == 6
    assert sheet.data_validation(6, 0) is not None
    ok(api.batch(sid, {"deleteDimension": {"range": rows_dim(6, 7)}}))
    assert sheet.protected_ranges == []  # its only row was deleted
    assert sheet.conditional_formats[0]["ranges"][0] == grid(6, 8)
    sheet.insert_rows(7, 1)  # inside the rule: it grows
    assert sheet.conditional_formats[0]["ranges"][0]["endRowIndex"] == 9


def test_filter_view_update_and_delete(api, sid, emu):
    reply = ok(api.batch(sid, {"addFilterView": {"filter": {"title": "a", "range": grid(0, 5)}}}))
    fid = reply["replies"][0]["addFilterView"]["filter"]["filterViewId"]
    ok(
        api.batch(
            sid,
            {
                "updateFilterView": {
                    "filter": {"filterViewId": fid, "title": "b"},
                    "fields": "title",
                }
            },
        )
    )
    assert ok(api.get(sid))["sheets"][0]["filterViews"][0]["title"] == "b"
    ok(api.batch(sid, {"deleteFilterView": {"filterId": fid}}))
    assert emu.spreadsheet(sid).sheet("Dokumen").filter_views == []


def test_delete_sheet_and_protected_range(api, sid):
    reply = ok(api.batch(sid, {"addSheet": {"properties": {"title": "Tmp"}}}))
    tmp = reply["replies"][0]["addSheet"]["properties"]["sheetId"]
    ok(api.batch(sid, {"deleteSheet": {"sheetId": tmp}}))
    assert error(api.batch(sid, {"deleteSheet": {"sheetId": 0}}))["message"] == (
        "Invalid requests[0].deleteSheet: You can't remove all the sheets in a document."
    )
    pr = ok(api.batch(sid, {"addProtectedRange": {"protectedRange": {"range": grid(0, 1)}}}))
    pid = pr["replies"][0]["addProtectedRange"]["protectedRange"]["protectedRangeId"]
    ok(api.batch(sid, {"deleteProtectedRange": {"protectedRangeId": pid}}))
    assert "protectedRanges" not in ok(api.get(sid))["sheets"][0]


def test_include_spreadsheet_in_response(api, sid):
    body = ok(
        api.batch(
            sid,
            {
                "updateCells": {
                    "start": {"sheetId": 0},
                    "fields": "userEnteredValue",
                    "rows": [{"values": [{"userEnteredValue": {"numberValue": 1}}]}],
                }
            },
            includeSpreadsheetInResponse=True,
            responseIncludeGridData=True,
            responseRanges=["Dokumen!A1:B2"],
        )
    )
    data = body["updatedSpreadsheet"]["sheets"][0]["data"][0]
    assert data["rowData"][0]["values"][0]["effectiveValue"] == {"numberValue": 1}


def test_unimplemented_kind_is_explicit(api, sid):
    resp = api.batch(sid, {"mergeCells": {"range": grid(0, 1), "mergeType": "MERGE_ALL"}})
    assert resp.status_code == 501 and error(resp)["status"] == "UNIMPLEMENTED"
    lookup = {"developerMetadataLookup": {"metadataKey": "row-id"}}
    resp = api.batch(sid, {"deleteDeveloperMetadata": {"dataFilter": lookup}})
    assert resp.status_code == 501  # the product uses no developer metadata


@pytest.mark.parametrize(
    "method", ["/developerMetadata:search", ":getByDataFilter", "/values:batchGetByDataFilter"]
)
def test_methods_nothing_uses_are_refused_explicitly(api, sid, method):
    lookup = {"developerMetadataLookup": {"metadataKey": "row-id"}}
    resp = api.post(sid + method, {"dataFilters": [lookup]})
    assert resp.status_code == 501 and error(resp)["status"] == "UNIMPLEMENTED"
    assert "is not implemented" in error(resp)["message"]


# --------------------------------------------------------------------------- spreadsheets.get
def test_get_default_shape(api, sid, emu):
    body = ok(api.get(sid, includeGridData="false"))
    assert set(body) == {"spreadsheetId", "properties", "sheets", "spreadsheetUrl"}
    assert body["sheets"] == [
        {
            "properties": {
                "sheetId": 0,
                "title": "Dokumen",
                "index": 0,
                "sheetType": "GRID",
                "gridProperties": {"rowCount": 1000, "columnCount": 26},
            }
        }
    ]
    assert body["properties"]["locale"] == "en_US"


def test_get_grid_data_trims_and_field_masks(api, sid, emu):
    fill(emu, sid, [["a", None, "=1+1"], [], [None, "b"]])
    mask = (
        "sheets(properties(sheetId,title,gridProperties),"
        "data(startRow,rowData(values(effectiveValue,userEnteredValue))))"
    )
    body = ok(api.get(sid, ranges="Dokumen!A2:C5", fields=mask))
    (sheet,) = body["sheets"]
    assert set(sheet["properties"]) == {"sheetId", "title", "gridProperties"}
    assert sheet["data"] == [
        {
            "startRow": 1,
            "rowData": [
                {},
                {
                    "values": [
                        {},
                        {
                            "effectiveValue": {"stringValue": "b"},
                            "userEnteredValue": {"stringValue": "b"},
                        },
                    ]
                },
            ],
        }
    ]
    full = ok(api.get(sid, includeGridData="true", ranges="Dokumen!A1:C1"))
    cell = full["sheets"][0]["data"][0]["rowData"][0]["values"][2]
    assert cell["userEnteredValue"] == {"formulaValue": "=1+1"}
    assert cell["effectiveValue"] == {"numberValue": 2} and cell["formattedValue"] == "2"
    assert ok(api.get(sid, fields="sheets.properties.title")) == {
        "sheets": [{"properties": {"title": "Dokumen"}}]
    }
    assert ok(api.get(sid, fields="namedRanges")) == {}
    # with a mask, includeGridData is ignored: grid data comes exactly when the mask asks
    masked = ok(api.get(sid, includeGridData="true", fields="sheets.properties"))
    assert "data" not in masked["sheets"][0]
    assert "data" in ok(api.get(sid, includeGridData="false", fields="sheets"))["sheets"][0]
    assert error(api.get(sid, fields="sheets(nope)"))["status"] == "INVALID_ARGUMENT"


def test_get_with_ranges_returns_only_their_sheets(api, sid):
    ok(api.batch(sid, {"addSheet": {"properties": {"title": "Lain"}}}))
    body = ok(api.get(sid, ranges="Lain!A1:B2"))
    assert [s["properties"]["title"] for s in body["sheets"]] == ["Lain"]
    assert "data" not in body["sheets"][0]
