"""Emulator: every endpoint's responses validate against the discovery document's schemas.

The emulator also checks each response itself (``check_responses``, on in every emulator
test module); this test exercises every implemented method explicitly and validates the raw
JSON that reached the client with the same validator, strictly (no unknown fields, exact
JSON types, enum values from the document).
"""

from __future__ import annotations

from tests.emulator.schema import discovery
from tests.emulator.testing import grid, q

IMPLEMENTED = {
    "sheets.spreadsheets.create",
    "sheets.spreadsheets.get",
    "sheets.spreadsheets.batchUpdate",
    "sheets.spreadsheets.values.get",
    "sheets.spreadsheets.values.batchGet",
    "sheets.spreadsheets.values.update",
    "sheets.spreadsheets.values.batchUpdate",
    "sheets.spreadsheets.values.append",
    "sheets.spreadsheets.values.clear",
    "sheets.spreadsheets.values.batchClear",
}


def test_every_endpoint_matches_the_discovery_document(api, emu):
    seen: list[tuple[str, dict]] = []

    def call(resp):
        assert resp.status_code == 200, resp.text
        seen.append((emu.request_log[-1].method_id, resp.json()))
        return resp.json()

    created = call(
        api.post(
            "", {"properties": {"title": "Baru"}, "sheets": [{"properties": {"title": "Dokumen"}}]}
        )
    )
    sid = created["spreadsheetId"]
    reply = call(
        api.batch(
            sid,
            {"addSheet": {"properties": {"title": "Log"}}},
            {
                "updateSpreadsheetProperties": {
                    "properties": {"timeZone": "Asia/Jakarta"},
                    "fields": "timeZone",
                }
            },
            {
                "updateSheetProperties": {
                    "properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}},
                    "fields": "gridProperties.frozenRowCount",
                }
            },
            {
                "updateCells": {
                    "start": {"sheetId": 0},
                    "fields": "userEnteredValue,note",
                    "rows": [{"values": [{"userEnteredValue": {"stringValue": "h"}, "note": "n"}]}],
                }
            },
            {
                "appendCells": {
                    "sheetId": 0,
                    "fields": "*",
                    "rows": [
                        {
                            "values": [
                                {"userEnteredValue": {"formulaValue": "=1/0"}},
                                {"userEnteredValue": {"boolValue": True}},
                            ]
                        }
                    ],
                }
            },
            {
                "repeatCell": {
                    "range": grid(1, 2),
                    "fields": "userEnteredFormat",
                    "cell": {"userEnteredFormat": {"numberFormat": {"type": "DATE"}}},
                }
            },
            {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 2}},
            {
                "insertDimension": {
                    "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 3, "endIndex": 4}
                }
            },
            {
                "deleteDimension": {
                    "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 3, "endIndex": 4}
                }
            },
            {
                "updateDimensionProperties": {
                    "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                    "properties": {"pixelSize": 120},
                    "fields": "pixelSize",
                }
            },
            {"sortRange": {"range": grid(1, 3), "sortSpecs": [{"dimensionIndex": 0}]}},
            {
                "setDataValidation": {
                    "range": grid(1, 2, 1, 2),
                    "rule": {"condition": {"type": "BOOLEAN"}},
                }
            },
            {
                "addConditionalFormatRule": {
                    "rule": {
                        "ranges": [grid(1, 5)],
                        "booleanRule": {
                            "condition": {"type": "NOT_BLANK"},
                            "format": {"textFormat": {"bold": True}},
                        },
                    }
                }
            },
            {
                "addConditionalFormatRule": {
                    "rule": {
                        "ranges": [grid(1, 5)],
                        "booleanRule": {"condition": {"type": "BLANK"}, "format": {}},
                    }
                }
            },
            {"deleteConditionalFormatRule": {"sheetId": 0, "index": 1}},
            {
                "addProtectedRange": {
                    "protectedRange": {
                        "range": grid(0, 1),
                        "warningOnly": True,
                        "description": "header",
                    }
                }
            },
            {
                "setBasicFilter": {
                    "filter": {
                        "range": grid(0, 3),
                        "sortSpecs": [{"dimensionIndex": 1, "sortOrder": "DESCENDING"}],
                    }
                }
            },
            {"addFilterView": {"filter": {"title": "v", "range": grid(0, 3)}}},
            includeSpreadsheetInResponse=True,
            responseIncludeGridData=True,
        )
    )
    kinds = [next(iter(r), None) for r in reply["replies"]]
    assert "addSheet" in kinds and "deleteConditionalFormatRule" in kinds
    fid = next(r for r in reply["replies"] if "addFilterView" in r)["addFilterView"]["filter"]
    call(
        api.batch(
            sid,
            {
                "updateFilterView": {
                    "filter": {"filterViewId": fid["filterViewId"], "title": "w"},
                    "fields": "title",
                }
            },
        )
    )
    call(api.batch(sid, {"deleteFilterView": {"filterId": fid["filterViewId"]}}))

    call(api.get(sid, includeGridData="true"))
    call(api.get(sid, fields="sheets(properties,data.rowData.values.effectiveValue)"))
    call(
        api.put(
            f"{sid}/values/{q('Dokumen!C1')}",
            {"values": [["2024-01-31", "7"]]},
            valueInputOption="USER_ENTERED",
            includeValuesInResponse="true",
        )
    )
    call(api.values(sid, "Dokumen!A:D", valueRenderOption="UNFORMATTED_VALUE"))
    call(
        api.get(f"{sid}/values:batchGet", ranges=["Dokumen!A1:B2", "Log"], majorDimension="COLUMNS")
    )
    call(
        api.post(
            f"{sid}/values:batchUpdate",
            {
                "valueInputOption": "RAW",
                "includeValuesInResponse": True,
                "data": [{"range": "Log!A1", "values": [[1, "x", True]]}],
            },
        )
    )
    call(
        api.post(
            f"{sid}/values/{q('Log!A1')}:append",
            {"values": [["y"]]},
            valueInputOption="RAW",
            insertDataOption="INSERT_ROWS",
        )
    )
    call(api.post(f"{sid}/values/{q('Log!A1:A2')}:clear"))
    call(api.post(f"{sid}/values:batchClear", {"ranges": ["Log!B:B"]}))
    pid = next(r for r in reply["replies"] if "addProtectedRange" in r)["addProtectedRange"]
    call(
        api.batch(
            sid,
            {
                "deleteProtectedRange": {
                    "protectedRangeId": pid["protectedRange"]["protectedRangeId"]
                }
            },
            {"clearBasicFilter": {"sheetId": 0}},
            {"deleteSheet": {"sheetId": reply["replies"][0]["addSheet"]["properties"]["sheetId"]}},
        )
    )

    disc = discovery()
    for method_id, body in seen:
        problems = disc.validate_response(disc.by_id[method_id], body)
        assert problems == [], (method_id, problems)
    assert {m for m, _ in seen} == IMPLEMENTED
    assert emu.response_violations == []
