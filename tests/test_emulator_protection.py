"""Emulator: protected ranges are enforced on every write, as Google enforces them.

ProtectedRange.warningOnly: "Warning-based protection means that every user can edit data in
the protected range, except editing will prompt a warning"; otherwise only the range's
editors can. Google refuses other users' edits with a 400 "You are trying to edit a protected
cell or object. Please contact the spreadsheet owner to remove protection if you need to
edit." (as recorded by client libraries, e.g. theoephraim/node-google-spreadsheet#20).
"""

from __future__ import annotations

import gspread
import pytest

from tests.emulator.errors import ApiError
from tests.emulator.protection import PROTECTED_MESSAGE
from tests.emulator.testing import Api, error, grid, ok, q

ADMIN = "admin@kantor.iam.gserviceaccount.com"
STAFF = "staf@kantor.iam.gserviceaccount.com"
OWNER = "pemilik@kantor.iam.gserviceaccount.com"


@pytest.fixture(scope="module")
def keys(emu, tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    return {who: emu.make_service_account_key(folder, who) for who in (ADMIN, STAFF, OWNER)}


@pytest.fixture(scope="module")
def admin(emu, keys):
    return Api(emu, keys[ADMIN])


@pytest.fixture(scope="module")
def staff(emu, keys):
    return Api(emu, keys[STAFF])


@pytest.fixture(scope="module")
def owner(emu, keys):
    return Api(emu, keys[OWNER])


@pytest.fixture
def sid(emu):
    return emu.create_spreadsheet(
        "Terkunci", shared_with=[ADMIN, STAFF, OWNER], sheets=["Dokumen"], owner=OWNER
    )


def refused(resp) -> None:
    err = error(resp)
    assert (resp.status_code, err["status"], err["message"]) == (
        400,
        "INVALID_ARGUMENT",
        PROTECTED_MESSAGE,
    )


def protect(api, sid, **protected) -> int:
    reply = ok(api.batch(sid, {"addProtectedRange": {"protectedRange": protected}}))
    return reply["replies"][0]["addProtectedRange"]["protectedRange"]["protectedRangeId"]


def put(api, sid, range_, rows):
    return api.put(f"{sid}/values/{q(range_)}", {"values": rows}, valueInputOption="RAW")


def cells(emu, sid):
    return emu.spreadsheet(sid).sheet("Dokumen").values()


def test_values_writes_meeting_a_protected_range_are_refused_to_others(emu, admin, staff, sid):
    protect(admin, sid, range=grid(0, 1, 5, 11), description="kolom pekerja")  # F1:K1
    refused(put(staff, sid, "Dokumen!F1", [["x"]]))
    refused(put(staff, sid, "Dokumen!A1", [["ID", None, None, None, None, "Kegiatan"]]))
    refused(staff.post(f"{sid}/values/{q('Dokumen!F:F')}:clear"))
    refused(staff.post(f"{sid}/values:batchClear", {"ranges": ["Dokumen!A1:Z1"]}))
    body = {"valueInputOption": "RAW", "data": [{"range": "Dokumen!F1", "values": [["x"]]}]}
    refused(staff.post(f"{sid}/values:batchUpdate", body))
    assert cells(emu, sid) == []
    ok(put(staff, sid, "Dokumen!A1", [["ID", None, None, None, None]]))  # outside: fine
    ok(put(staff, sid, "Dokumen!A2", [["1", "", "", "", "", "x"]]))  # row 2 is not protected
    ok(put(admin, sid, "Dokumen!F1", [["Kegiatan"]]))  # the editor who protected it
    assert cells(emu, sid) == [["ID", "", "", "", "", "Kegiatan"], ["1", "", "", "", "", "x"]]


def test_a_null_cell_over_a_protected_one_is_no_edit(emu, admin, staff, sid):
    protect(admin, sid, range=grid(0, 1, 1, 2))  # B1
    # ValueRange.values: "Null values will be skipped": B1 is not edited
    ok(put(staff, sid, "Dokumen!A1", [["a", None, "c"]]))
    assert cells(emu, sid) == [["a", "", "c"]]


def test_batch_update_requests_meeting_a_protected_range_are_refused(emu, admin, staff, sid):
    protect(admin, sid, range=grid(0, 1, 0, 26))  # the header row
    ok(put(admin, sid, "Dokumen!A1", [["b"], ["a"]]))
    value = {"userEnteredValue": {"stringValue": "x"}}
    refusals = [
        {"updateCells": {"start": {"sheetId": 0}, "rows": [{"values": [value]}], "fields": "*"}},
        {"repeatCell": {"range": grid(0, 2, 0, 1), "cell": value, "fields": "userEnteredFormat"}},
        {"setDataValidation": {"range": grid(0, 1, 0, 1)}},
        {"sortRange": {"range": grid(0, 2, 0, 1), "sortSpecs": [{"dimensionIndex": 0}]}},
        {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "endIndex": 1}}},
    ]
    first = {
        "updateCells": {
            "start": {"sheetId": 0, "rowIndex": 5},
            "rows": [{"values": [value]}],
            "fields": "*",
        }
    }
    for request in refusals:
        refused(staff.batch(sid, first, request))  # the whole batch fails
    assert cells(emu, sid) == [["b"], ["a"]]
    ok(staff.batch(sid, first))


def test_append_cells_to_a_protected_sheet_is_refused(emu, admin, staff, sid):
    protect(admin, sid, range={"sheetId": 0})
    rows = [{"values": [{"userEnteredValue": {"stringValue": "x"}}]}]
    refused(staff.batch(sid, {"appendCells": {"sheetId": 0, "rows": rows, "fields": "*"}}))
    refused(
        staff.post(
            f"{sid}/values/{q('Dokumen!A1')}:append", {"values": [["x"]]}, valueInputOption="RAW"
        )
    )
    ok(admin.batch(sid, {"appendCells": {"sheetId": 0, "rows": rows, "fields": "*"}}))


def test_warning_only_protection_lets_everyone_write(emu, admin, staff, sid):
    protect(admin, sid, range=grid(0, 1, 0, 1), warningOnly=True)
    ok(put(staff, sid, "Dokumen!A1", [["x"]]))


def test_listed_editors_and_the_owner_may_write(emu, admin, staff, owner, sid):
    protect(admin, sid, range=grid(0, 1, 0, 1), editors={"users": [STAFF]})
    ok(put(staff, sid, "Dokumen!A1", [["staf"]]))
    protect(admin, sid, range=grid(1, 2, 0, 1))
    ok(put(owner, sid, "Dokumen!A2", [["pemilik"]]))  # not listed, but owns the spreadsheet
    assert cells(emu, sid) == [["staf"], ["pemilik"]]


def test_unprotected_ranges_of_a_protected_sheet_stay_open(emu, admin, staff, sid):
    protect(admin, sid, range={"sheetId": 0}, unprotectedRanges=[grid(1, 1000, 0, 5)])
    ok(put(staff, sid, "Dokumen!A2:E3", [["a"] * 5, ["b"] * 5]))  # the staff's columns
    refused(put(staff, sid, "Dokumen!E2:F2", [["c", "d"]]))
    refused(staff.post(f"{sid}/values/{q('Dokumen!A1:E2')}:clear"))


def test_only_an_editor_may_change_or_remove_a_protection(emu, admin, staff, sid):
    pid = protect(admin, sid, range=grid(0, 1, 0, 1))
    sent = {"protectedRangeId": pid, "warningOnly": True}
    refused(
        staff.batch(
            sid, {"updateProtectedRange": {"protectedRange": sent, "fields": "warningOnly"}}
        )
    )
    refused(staff.batch(sid, {"deleteProtectedRange": {"protectedRangeId": pid}}))
    refused(staff.batch(sid, {"addSheet": {}}, {"deleteSheet": {"sheetId": 0}}))
    ok(admin.batch(sid, {"deleteProtectedRange": {"protectedRangeId": pid}}))
    assert emu.spreadsheet(sid).sheet("Dokumen").protected_ranges == []


def test_turning_warning_off_without_editors_gives_every_document_editor(emu, admin, staff, sid):
    # ProtectedRange.warningOnly: "if this field is changed from true to false and the
    # `editors` field is not set (nor included in the field mask), then the editors will be
    # set to all the editors in the document."
    pid = protect(admin, sid, range=grid(0, 1, 0, 1), warningOnly=True)
    sent = {"protectedRangeId": pid, "warningOnly": False}
    ok(
        staff.batch(
            sid, {"updateProtectedRange": {"protectedRange": sent, "fields": "warningOnly"}}
        )
    )
    (stored,) = emu.spreadsheet(sid).sheet("Dokumen").protected_ranges
    assert stored["editors"] == {"users": sorted([ADMIN, STAFF, OWNER])}


def test_gspread_sees_googles_error(emu, admin, keys, sid):
    protect(admin, sid, range=grid(0, 1, 0, 1))
    ws = emu.gspread_client(keys[STAFF]).open_by_key(sid).worksheet("Dokumen")
    with pytest.raises(gspread.exceptions.APIError, match="protected cell or object") as caught:
        ws.update([["x"]], "A1")
    assert caught.value.response.status_code == 400


def test_a_person_sorting_or_deleting_rows_in_the_ui_meets_protections_as_in_sheets(
    emu, admin, sid
):
    """A sort, or a row's deletion, that meets a protected cell the person may not edit is
    refused (the sort is refused although the protected cells would not change); a
    selection outside it, a warning-only range and the range's editors go on."""
    sheet = emu.spreadsheet(sid).sheet("Dokumen")
    for row, judul in enumerate(("b", "a", "c"), start=1):
        sheet.set_value(row, 0, judul)
    locked = protect(admin, sid, range=grid(0, 10, 5, 6), description="kolom pekerja")  # F
    with pytest.raises(ApiError, match="protected cell"):
        sheet.sort(1, 4, 0, 6, key_col=0, by=STAFF)
    with pytest.raises(ApiError, match="protected cell"):
        sheet.delete_rows(1, by=STAFF)
    sheet.sort(1, 4, 0, 5, key_col=0, by=STAFF)  # the staff's own columns A:E
    assert [row[0] for row in sheet.values()[1:4]] == ["a", "b", "c"]
    sheet.sort(1, 4, 0, 6, key_col=0, ascending=False, by=ADMIN)  # the range's editor
    assert [row[0] for row in sheet.values()[1:4]] == ["c", "b", "a"]
    warns = {"protectedRangeId": locked, "warningOnly": True}
    ok(
        admin.batch(
            sid, {"updateProtectedRange": {"protectedRange": warns, "fields": "warningOnly"}}
        )
    )
    sheet.sort(1, 4, 0, 6, key_col=0, by=STAFF)  # only warned
    sheet.delete_rows(1, by=STAFF)
    assert [row[0] for row in sheet.values()[1:3]] == ["b", "c"]
