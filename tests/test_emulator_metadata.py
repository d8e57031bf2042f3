"""Emulator: developer metadata on rows, lookups, and the ByDataFilter endpoints."""

from __future__ import annotations

import pytest

from tests.emulator.testing import Api, error, running


@pytest.fixture(scope="module")
def emu():
    with running(seed=55) as e:
        yield e


@pytest.fixture(scope="module")
def keep_emu():
    with running(seed=56, sort_moves_metadata=False) as e:
        yield e


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="module")
def api(emu, keys):
    return Api(emu, emu.make_service_account_key(keys))


@pytest.fixture
def sid(emu):
    return prepared(emu)


def prepared(emu) -> str:
    sid = emu.create_spreadsheet("Meta", sheets=["Dokumen"])
    sheet = emu.spreadsheet(sid).sheet("Dokumen")
    for r, (name, score) in enumerate([("Nama", "Nilai"), ("Budi", 3), ("Ani", 1), ("Cici", 2)]):
        sheet.set_value(r, 0, name)
        sheet.set_value(r, 1, score)
    return sid


def ok(resp):
    assert resp.status_code == 200, resp.text
    return resp.json()


def on_row(row, key, value=None, visibility="DOCUMENT", end=None, sheet_id=0):
    dm = {
        "metadataKey": key,
        "location": {
            "dimensionRange": {
                "sheetId": sheet_id,
                "dimension": "ROWS",
                "startIndex": row,
                "endIndex": end or row + 1,
            }
        },
        "visibility": visibility,
    }
    if value is not None:
        dm["metadataValue"] = value
    return {"createDeveloperMetadata": {"developerMetadata": dm}}


def lookup(**kw):
    return {"developerMetadataLookup": kw}


def tag_rows(api, sid):
    replies = ok(api.batch(sid, *(on_row(r, "row-id", f"id-{r}") for r in (1, 2, 3))))["replies"]
    return [rep["createDeveloperMetadata"]["developerMetadata"] for rep in replies]


def rows_of(emu, sid):
    return {
        m["metadataValue"]: m["location"]["dimensionRange"]["startIndex"]
        for m in emu.spreadsheet(sid).sheet("Dokumen").developer_metadata
    }


def test_create_reply_shape(api, sid):
    (first, *_) = tag_rows(api, sid)
    assert 0 < first["metadataId"] <= 2**31 - 1
    assert first == {
        "metadataId": first["metadataId"],
        "metadataKey": "row-id",
        "metadataValue": "id-1",
        "location": {
            "locationType": "ROW",
            "dimensionRange": {"dimension": "ROWS", "startIndex": 1, "endIndex": 2},
        },
        "visibility": "DOCUMENT",
    }


def test_metadata_must_cover_exactly_one_row(api, sid):
    resp = api.batch(sid, on_row(1, "k", end=3))
    err = error(resp)
    assert (resp.status_code, err["status"]) == (400, "INVALID_ARGUMENT")
    assert err["message"].startswith("Invalid requests[0].createDeveloperMetadata:")


def test_given_metadata_id_must_be_unique(api, sid):
    req = on_row(1, "k")
    req["createDeveloperMetadata"]["developerMetadata"]["metadataId"] = 77
    ok(api.batch(sid, req))
    assert api.batch(sid, req).status_code == 400


def test_metadata_shifts_and_dies_with_its_row(api, sid, emu):
    tag_rows(api, sid)
    sheet = emu.spreadsheet(sid).sheet("Dokumen")
    sheet.insert_rows(1, 2)  # above row 1
    assert rows_of(emu, sid) == {"id-1": 3, "id-2": 4, "id-3": 5}
    ok(
        api.batch(
            sid,
            {
                "deleteDimension": {
                    "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}
                }
            },
        )
    )
    assert rows_of(emu, sid) == {"id-1": 2, "id-2": 3, "id-3": 4}
    sheet.delete_rows(3)  # the row of id-2
    assert rows_of(emu, sid) == {"id-1": 2, "id-3": 3}
    ok(
        api.batch(
            sid,
            {
                "insertDimension": {
                    "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 3, "endIndex": 4}
                }
            },
        )
    )
    assert rows_of(emu, sid) == {"id-1": 2, "id-3": 4}


def test_sort_moves_metadata_when_switch_on(api, sid, emu):
    tag_rows(api, sid)  # Budi=3 (row1), Ani=1 (row2), Cici=2 (row3)
    spec = {"dimensionIndex": 1, "sortOrder": "ASCENDING"}
    rng = {
        "sheetId": 0,
        "startRowIndex": 1,
        "endRowIndex": 4,
        "startColumnIndex": 0,
        "endColumnIndex": 2,
    }
    ok(api.batch(sid, {"sortRange": {"range": rng, "sortSpecs": [spec]}}))
    sheet = emu.spreadsheet(sid).sheet("Dokumen")
    assert [r[0] for r in sheet.values()[1:]] == ["Ani", "Cici", "Budi"]
    assert rows_of(emu, sid) == {"id-1": 3, "id-2": 1, "id-3": 2}


def test_sort_keeps_metadata_in_place_when_switch_off(keep_emu, keys):
    api = Api(keep_emu, keep_emu.make_service_account_key(keys))
    sid = prepared(keep_emu)
    tag_rows(api, sid)
    keep_emu.spreadsheet(sid).sheet("Dokumen").sort(1, 4, 0, 2, key_col=1)
    assert rows_of(keep_emu, sid) == {"id-1": 1, "id-2": 2, "id-3": 3}
    sheet = keep_emu.spreadsheet(sid).sheet("Dokumen")
    assert [r[0] for r in sheet.values()[1:]] == ["Ani", "Cici", "Budi"]


def test_sort_helper_moves_metadata(api, sid, emu):
    tag_rows(api, sid)
    emu.spreadsheet(sid).sheet("Dokumen").sort(1, 4, 0, 2, key_col=1, ascending=False)
    assert rows_of(emu, sid) == {"id-1": 1, "id-3": 2, "id-2": 3}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"metadataKey": "row-id"}, ["id-1", "id-2", "id-3"]),
        ({"metadataKey": "row-id", "metadataValue": "id-2"}, ["id-2"]),
        ({"locationType": "ROW", "visibility": "DOCUMENT"}, ["id-1", "id-2", "id-3"]),
        ({"locationType": "SHEET"}, ["sheet"]),
        ({"visibility": "PROJECT"}, []),
        (
            {
                "metadataLocation": {
                    "dimensionRange": {
                        "sheetId": 0,
                        "dimension": "ROWS",
                        "startIndex": 2,
                        "endIndex": 4,
                    }
                }
            },
            ["id-2", "id-3", "sheet", "col"],
        ),
        (
            {
                "metadataLocation": {
                    "dimensionRange": {
                        "sheetId": 0,
                        "dimension": "ROWS",
                        "startIndex": 2,
                        "endIndex": 3,
                    }
                },
                "locationMatchingStrategy": "EXACT_LOCATION",
            },
            ["id-2"],
        ),
        (
            {"metadataLocation": {"sheetId": 0}, "locationMatchingStrategy": "EXACT_LOCATION"},
            ["sheet"],
        ),
    ],
)
def test_lookup_matching(api, sid, query, expected):
    tag_rows(api, sid)
    ok(
        api.batch(
            sid,
            {
                "createDeveloperMetadata": {
                    "developerMetadata": {
                        "metadataKey": "tab",
                        "metadataValue": "sheet",
                        "location": {"sheetId": 0},
                        "visibility": "DOCUMENT",
                    }
                }
            },
            {
                "createDeveloperMetadata": {
                    "developerMetadata": {
                        "metadataKey": "c",
                        "metadataValue": "col",
                        "visibility": "DOCUMENT",
                        "location": {
                            "dimensionRange": {
                                "sheetId": 0,
                                "dimension": "COLUMNS",
                                "startIndex": 1,
                                "endIndex": 2,
                            }
                        },
                    }
                }
            },
        )
    )
    body = ok(api.post(f"{sid}/developerMetadata:search", {"dataFilters": [lookup(**query)]}))
    found = [
        m["developerMetadata"]["metadataValue"] for m in body.get("matchedDeveloperMetadata", [])
    ]
    assert sorted(found) == sorted(expected)
    for m in body.get("matchedDeveloperMetadata", []):
        assert m["dataFilters"] == [lookup(**query)]


def test_developer_metadata_get(api, sid):
    first = tag_rows(api, sid)[0]
    assert ok(api.get(f"{sid}/developerMetadata/{first['metadataId']}")) == first
    assert api.get(f"{sid}/developerMetadata/1").status_code == 404


def test_batch_update_by_data_filter_writes_every_match(api, sid, emu):
    tag_rows(api, sid)
    ok(api.batch(sid, on_row(3, "done")))
    body = ok(
        api.post(
            f"{sid}/values:batchUpdateByDataFilter",
            {
                "valueInputOption": "USER_ENTERED",
                "data": [
                    {"dataFilter": lookup(metadataKey="row-id"), "values": [["x"]]},
                    {"dataFilter": {"a1Range": "Dokumen!C1"}, "values": [["Status"]]},
                ],
            },
        )
    )
    assert body["totalUpdatedCells"] == 4 and body["totalUpdatedSheets"] == 1
    assert [r["updatedRange"] for r in body["responses"]] == [
        "Dokumen!A2",
        "Dokumen!A3",
        "Dokumen!A4",
        "Dokumen!C1",
    ]
    assert body["responses"][0]["dataFilter"] == lookup(metadataKey="row-id")
    sheet = emu.spreadsheet(sid).sheet("Dokumen")
    assert [r[0] for r in sheet.values()] == ["Nama", "x", "x", "x"]


def test_batch_update_by_data_filter_overflow_is_400(api, sid, emu):
    tag_rows(api, sid)
    resp = api.post(
        f"{sid}/values:batchUpdateByDataFilter",
        {
            "valueInputOption": "RAW",
            "data": [{"dataFilter": lookup(metadataValue="id-1"), "values": [["a"], ["b"]]}],
        },
    )
    err = error(resp)
    assert (resp.status_code, err["status"]) == (400, "INVALID_ARGUMENT")
    assert "tried writing to row [3]" in err["message"]
    assert emu.spreadsheet(sid).sheet("Dokumen").values()[1] == ["Budi", 3]


def test_batch_get_by_data_filter(api, sid):
    tag_rows(api, sid)
    flt = lookup(metadataValue="id-2")
    body = ok(
        api.post(
            f"{sid}/values:batchGetByDataFilter",
            {
                "dataFilters": [
                    flt,
                    {
                        "gridRange": {
                            "sheetId": 0,
                            "startRowIndex": 0,
                            "endRowIndex": 1,
                            "startColumnIndex": 0,
                            "endColumnIndex": 2,
                        }
                    },
                ],
                "valueRenderOption": "UNFORMATTED_VALUE",
            },
        )
    )
    assert body["valueRanges"][0] == {
        "valueRange": {"range": "Dokumen!A3:Z3", "majorDimension": "ROWS", "values": [["Ani", 1]]},
        "dataFilters": [flt],
    }
    assert body["valueRanges"][1]["valueRange"]["values"] == [["Nama", "Nilai"]]


def test_batch_clear_by_data_filter(api, sid, emu):
    tag_rows(api, sid)
    body = ok(
        api.post(
            f"{sid}/values:batchClearByDataFilter", {"dataFilters": [lookup(metadataValue="id-3")]}
        )
    )
    assert body["clearedRanges"] == ["Dokumen!A4:Z4"]
    assert emu.spreadsheet(sid).sheet("Dokumen").values() == [
        ["Nama", "Nilai"],
        ["Budi", 3],
        ["Ani", 1],
    ]


def test_get_by_data_filter(api, sid):
    tag_rows(api, sid)
    body = ok(
        api.post(
            f"{sid}:getByDataFilter",
            {"dataFilters": [lookup(metadataValue="id-1")], "includeGridData": True},
        )
    )
    data = body["sheets"][0]["data"][0]
    assert data["startRow"] == 1
    assert data["rowData"][0]["values"][0]["formattedValue"] == "Budi"
    assert data["rowMetadata"][0]["developerMetadata"][0]["metadataValue"] == "id-1"


def test_update_and_delete_metadata(api, sid, emu):
    tag_rows(api, sid)
    body = ok(
        api.batch(
            sid,
            {
                "updateDeveloperMetadata": {
                    "dataFilters": [lookup(metadataValue="id-1")],
                    "developerMetadata": {"metadataValue": "renamed"},
                    "fields": "metadataValue",
                }
            },
        )
    )
    updated = body["replies"][0]["updateDeveloperMetadata"]["developerMetadata"]
    assert [m["metadataValue"] for m in updated] == ["renamed"]
    body = ok(
        api.batch(sid, {"deleteDeveloperMetadata": {"dataFilter": lookup(metadataKey="row-id")}})
    )
    deleted = body["replies"][0]["deleteDeveloperMetadata"]["deletedDeveloperMetadata"]
    assert len(deleted) == 3
    assert emu.spreadsheet(sid).developer_metadata == []
