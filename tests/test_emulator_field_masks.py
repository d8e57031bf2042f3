"""Emulator: update masks (`fields`) of batchUpdate requests, as Google documents them.

Sheets API guide, "Use field masks": "The update request ignores any fields that aren't
specified in the field mask, leaving them with their current values. You can also unset a
field by not specifying it in the updated message, but adding the field to the mask. This
clears whatever value the field previously had." Every request's reference adds "A single
"*" can be used as short-hand for listing every field", and "Field names can be specified
in camelCase or separated_by_underscores".
"""

from __future__ import annotations

import pytest

from tests.emulator import Cell
from tests.emulator.testing import error, ok

GREY = {"red": 0.85, "green": 0.85, "blue": 0.85}
OLD = Cell(
    {"stringValue": "lama"},
    {"textFormat": {"bold": True}, "horizontalAlignment": "CENTER"},
    "catatan lama",
)
SENT = {
    "userEnteredValue": {"stringValue": "baru"},
    "userEnteredFormat": {"textFormat": {"italic": True}, "backgroundColor": GREY},
    "note": "catatan baru",
}


@pytest.fixture
def sid(emu):
    return emu.create_spreadsheet("Masks", sheets=["Dokumen"])


def cell_request(kind: str, cell: dict, fields: str) -> dict:
    if kind == "updateCells":
        rows = [{"values": [cell]}]
        return {"updateCells": {"start": {"sheetId": 0}, "rows": rows, "fields": fields}}
    one = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1}
    return {"repeatCell": {"range": one | {"endColumnIndex": 1}, "cell": cell, "fields": fields}}


def written(emu, api, sid, kind: str, cell: dict, fields: str) -> Cell:
    """Cell A1, holding OLD, after a request writing `cell` through `fields`."""
    sheet = emu.spreadsheet(sid).sheet("Dokumen")
    with emu.lock:
        sheet.put_cell(0, 0, OLD)
    ok(api.batch(sid, cell_request(kind, cell, fields)))
    return sheet.cell(0, 0)


CELL_KINDS = ["updateCells", "repeatCell"]


@pytest.mark.parametrize("kind", CELL_KINDS)
def test_unmasked_fields_sent_are_ignored(emu, api, sid, kind):
    # the worker-header case of issue 12: text, grey format and note sent, text masked
    cell = written(emu, api, sid, kind, SENT, "userEnteredValue")
    assert cell == Cell({"stringValue": "baru"}, OLD.userEnteredFormat, OLD.note)


@pytest.mark.parametrize("kind", CELL_KINDS)
def test_a_masked_field_not_sent_is_cleared(emu, api, sid, kind):
    cell = written(emu, api, sid, kind, {"userEnteredValue": {"numberValue": 2}}, "*")
    assert cell == Cell({"numberValue": 2})  # "*": format and note are cleared too
    cell = written(emu, api, sid, kind, {}, "note,userEnteredValue")
    assert cell == Cell(None, OLD.userEnteredFormat)


@pytest.mark.parametrize("kind", CELL_KINDS)
def test_a_parent_path_covers_its_children(emu, api, sid, kind):
    cell = written(emu, api, sid, kind, SENT, "userEnteredFormat")
    assert cell.userEnteredFormat == {
        "textFormat": {"italic": True},  # bold went with the old textFormat
        "backgroundColor": GREY,
        "backgroundColorStyle": {"rgbColor": GREY},
    }
    assert (cell.userEnteredValue, cell.note) == (OLD.userEnteredValue, OLD.note)
    cell = written(emu, api, sid, kind, SENT, "userEnteredFormat.textFormat.italic")
    assert cell.userEnteredFormat == {
        "textFormat": {"bold": True, "italic": True},  # a child path leaves its siblings
        "horizontalAlignment": "CENTER",
    }


@pytest.mark.parametrize("kind", CELL_KINDS)
def test_names_may_be_written_with_underscores(emu, api, sid, kind):
    cell = written(emu, api, sid, kind, SENT, "user_entered_value,user_entered_format.text_format")
    assert cell.userEnteredValue == {"stringValue": "baru"}
    assert cell.userEnteredFormat == {
        "textFormat": {"italic": True},
        "horizontalAlignment": "CENTER",
    }


def test_append_cells_applies_only_the_mask(emu, api, sid):
    rows = [{"values": [SENT, SENT]}]
    ok(api.batch(sid, {"appendCells": {"sheetId": 0, "rows": rows, "fields": "note"}}))
    sheet = emu.spreadsheet(sid).sheet("Dokumen")
    assert sheet.rows == [[Cell(note="catatan baru"), Cell(note="catatan baru")]]


def test_update_cells_over_a_range_clears_the_masked_fields_of_cells_not_sent(emu, api, sid):
    # UpdateCellsRequest.range: "If the data in rows does not cover the entire requested
    # range, the fields matching those set in fields will be cleared."
    sheet = emu.spreadsheet(sid).sheet("Dokumen")
    with emu.lock:
        sheet.put_cell(0, 1, OLD)
    grid = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1, "endColumnIndex": 2}
    body = {"range": grid, "rows": [{"values": [SENT]}], "fields": "note"}
    ok(api.batch(sid, {"updateCells": body}))
    assert sheet.rows == [
        [Cell(note="catatan baru"), Cell(OLD.userEnteredValue, OLD.userEnteredFormat)]
    ]


# --------------------------------------------------------------------------- colour twins
def read_format(api, sid) -> dict:
    body = ok(
        api.get(sid, ranges="Dokumen!A1", fields="sheets.data.rowData.values.userEnteredFormat")
    )
    return body["sheets"][0]["data"][0]["rowData"][0]["values"][0]["userEnteredFormat"]


def test_a_colour_written_is_answered_with_its_style_twin(api, sid):
    # the request and answer recorded in gspread's WorksheetTest.test_format cassette
    fmt = {
        "backgroundColor": {"green": 1, "blue": 1},
        "horizontalAlignment": "CENTER",
        "textFormat": {"foregroundColor": {"red": 1, "green": 1}, "fontSize": 12, "bold": True},
    }
    grid = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1, "endColumnIndex": 2}
    mask = "userEnteredFormat(backgroundColor,horizontalAlignment,textFormat)"
    req = {"repeatCell": {"range": grid, "cell": {"userEnteredFormat": fmt}, "fields": mask}}
    ok(api.batch(sid, req))
    assert read_format(api, sid) == {
        "backgroundColor": {"green": 1, "blue": 1},
        "horizontalAlignment": "CENTER",
        "textFormat": {
            "foregroundColor": {"red": 1, "green": 1},
            "fontSize": 12,
            "bold": True,
            "foregroundColorStyle": {"rgbColor": {"red": 1, "green": 1}},
        },
        "backgroundColorStyle": {"rgbColor": {"green": 1, "blue": 1}},
    }


def test_the_style_twin_takes_precedence_and_clearing_one_clears_both(emu, api, sid):
    # CellFormat.backgroundColorStyle: "If background_color is also set, this field takes
    # precedence."
    red, blue = {"red": 1}, {"blue": 1}
    both = {
        "userEnteredFormat": {"backgroundColor": red, "backgroundColorStyle": {"rgbColor": blue}}
    }
    ok(api.batch(sid, cell_request("updateCells", both, "userEnteredFormat")))
    assert read_format(api, sid) == {
        "backgroundColor": blue,
        "backgroundColorStyle": {"rgbColor": blue},
    }
    only = {"userEnteredFormat": {"backgroundColor": red}}
    ok(api.batch(sid, cell_request("updateCells", only, "userEnteredFormat.backgroundColor")))
    assert read_format(api, sid) == {
        "backgroundColor": red,
        "backgroundColorStyle": {"rgbColor": red},
    }
    ok(api.batch(sid, cell_request("updateCells", {}, "userEnteredFormat.backgroundColorStyle")))
    assert emu.spreadsheet(sid).sheet("Dokumen").get_cell(0, 0) is None


# --------------------------------------------------------------------------- other requests
def test_update_sheet_properties(emu, api, sid):
    def update(props: dict, fields: str) -> None:
        ok(api.batch(sid, {"updateSheetProperties": {"properties": props, "fields": fields}}))

    props = {"sheetId": 0, "title": "Baru", "hidden": True, "gridProperties": {"frozenRowCount": 1}}
    update(props, "title")
    sheet = emu.spreadsheet(sid).sheet("Baru")
    assert (sheet.hidden, sheet.frozen_rows) == (False, 0)  # sent but not masked
    update(props, "gridProperties.frozenRowCount")
    assert sheet.frozen_rows == 1 and sheet.row_count == 1000
    update({"sheetId": 0}, "gridProperties.frozenRowCount")
    assert sheet.frozen_rows == 0  # masked, not sent: cleared (unfrozen)


def test_update_spreadsheet_properties(emu, api, sid):
    props = {"title": "Lain", "timeZone": "Asia/Jakarta", "locale": "id_ID"}
    ok(api.batch(sid, {"updateSpreadsheetProperties": {"properties": props, "fields": "timeZone"}}))
    ss = emu.spreadsheet(sid)
    assert (ss.title, ss.properties["timeZone"], ss.properties["locale"]) == (
        "Masks",
        "Asia/Jakarta",
        "en_US",
    )


def test_update_dimension_properties(emu, api, sid):
    dims = {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}
    sent = {"pixelSize": 250, "hiddenByUser": True}
    ok(
        api.batch(
            sid,
            {
                "updateDimensionProperties": {
                    "range": dims,
                    "properties": sent,
                    "fields": "pixelSize",
                }
            },
        )
    )
    assert emu.spreadsheet(sid).sheet("Dokumen").col_props == {0: {"pixelSize": 250}}
    ok(
        api.batch(
            sid, {"updateDimensionProperties": {"range": dims, "properties": {}, "fields": "*"}}
        )
    )
    assert emu.spreadsheet(sid).sheet("Dokumen").col_props == {}


def test_update_filter_view(emu, api, sid):
    grid = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 5, "endColumnIndex": 3}
    sort = [{"dimensionIndex": 1, "sortOrder": "DESCENDING"}]
    reply = ok(
        api.batch(
            sid, {"addFilterView": {"filter": {"title": "a", "range": grid, "sortSpecs": sort}}}
        )
    )
    fid = reply["replies"][0]["addFilterView"]["filter"]["filterViewId"]
    sent = {"filterViewId": fid, "title": "b"}
    ok(api.batch(sid, {"updateFilterView": {"filter": sent, "fields": "title,sortSpecs"}}))
    (view,) = emu.spreadsheet(sid).sheet("Dokumen").filter_views
    assert view["title"] == "b" and "sortSpecs" not in view and view["range"]["endRowIndex"] == 5


def test_update_protected_range(emu, api, sid):
    grid = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1}
    added = {"range": grid, "description": "header", "warningOnly": True}
    reply = ok(api.batch(sid, {"addProtectedRange": {"protectedRange": added}}))
    pid = reply["replies"][0]["addProtectedRange"]["protectedRange"]["protectedRangeId"]
    sent = {"protectedRangeId": pid, "description": "kepala", "warningOnly": False}
    ok(api.batch(sid, {"updateProtectedRange": {"protectedRange": sent, "fields": "description"}}))
    (stored,) = emu.spreadsheet(sid).sheet("Dokumen").protected_ranges
    assert stored["description"] == "kepala" and stored["warningOnly"] is True
    ok(
        api.batch(
            sid,
            {
                "updateProtectedRange": {
                    "protectedRange": {"protectedRangeId": pid},
                    "fields": "description",
                }
            },
        )
    )
    (stored,) = emu.spreadsheet(sid).sheet("Dokumen").protected_ranges
    assert "description" not in stored


# --------------------------------------------------------------------------- refused masks
@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ("", "At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)"),
        ("userEnteredValu", "userEnteredValu is not a field of CellData"),
        # UpdateCellsRequest.fields: "The root is the CellData; 'row.values.' should not be
        # specified."
        ("rows.values.note", "rows is not a field of CellData"),
    ],
)
def test_a_mask_naming_nothing_of_its_message_is_refused(emu, api, sid, fields, problem):
    resp = api.batch(sid, cell_request("updateCells", SENT, fields))
    err = error(resp)
    assert (resp.status_code, err["status"]) == (400, "INVALID_ARGUMENT")
    assert err["message"].startswith("Invalid requests[0].updateCells: ")
    assert problem in err["message"]
    assert emu.spreadsheet(sid).sheet("Dokumen").rows == []


# --------------------------------------------------------------------------- rules
def test_update_conditional_format_rule_replaces_or_moves(emu, api, sid):
    def rule(kind: str) -> dict:
        grid = {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 9}
        return {"ranges": [grid], "booleanRule": {"condition": {"type": kind}, "format": {}}}

    ok(
        api.batch(
            sid,
            *(
                {"addConditionalFormatRule": {"rule": rule(k), "index": i}}
                for i, k in enumerate(["BLANK", "NOT_BLANK"])
            ),
        )
    )
    reply = ok(
        api.batch(
            sid, {"updateConditionalFormatRule": {"index": 0, "rule": rule("CUSTOM_FORMULA")}}
        )
    )
    answer = reply["replies"][0]["updateConditionalFormatRule"]
    assert answer["oldRule"]["booleanRule"]["condition"]["type"] == "BLANK"
    assert answer["newRule"]["booleanRule"]["condition"]["type"] == "CUSTOM_FORMULA"
    assert "oldIndex" not in answer  # "Not set if a rule was replaced"
    reply = ok(
        api.batch(sid, {"updateConditionalFormatRule": {"sheetId": 0, "index": 0, "newIndex": 1}})
    )
    answer = reply["replies"][0]["updateConditionalFormatRule"]
    assert (answer["oldIndex"], answer["newIndex"]) == (0, 1) and "oldRule" not in answer
    kinds = [
        r["booleanRule"]["condition"]["type"]
        for r in emu.spreadsheet(sid).sheet("Dokumen").conditional_formats
    ]
    assert kinds == ["NOT_BLANK", "CUSTOM_FORMULA"]
