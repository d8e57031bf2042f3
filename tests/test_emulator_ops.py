"""Emulator: quotas, payload limit, fault injection, counters, request log, write hooks, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import gspread
import pytest
import requests

from tests.emulator.testing import Api, error, q, running

ROOT = Path(__file__).resolve().parents[1]


class FakeClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def clock():
    return FakeClock()


@pytest.fixture(scope="module")
def emu(clock):
    with running(seed=66, clock=clock) as e:
        yield e


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="module")
def key(emu, keys):
    return emu.make_service_account_key(keys)


@pytest.fixture(scope="module")
def api(emu, key):
    return Api(emu, key)


@pytest.fixture(scope="module")
def gc(emu, key):
    return emu.gspread_client(key)


@pytest.fixture
def sid(emu):
    emu.clear_faults()
    return emu.create_spreadsheet("Ops", sheets=["Dokumen"])


# --------------------------------------------------------------------------- quota
def test_quota_read_limit_per_user(emu, api, sid, clock):
    emu.enforce_quota = True
    emu.reset_quota()
    try:
        for _ in range(60):
            assert api.values(sid, "Dokumen!A1").status_code == 200
        resp = api.values(sid, "Dokumen!A1")
        assert resp.status_code == 429
        assert "Retry-After" not in resp.headers
        err = error(resp)
        assert err["status"] == "RESOURCE_EXHAUSTED"
        assert err["message"].startswith(
            "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute "
            "per user' of service 'sheets.googleapis.com' for consumer 'project_number:"
        )
        info = err["details"][0]
        assert info["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
        assert (info["reason"], info["domain"]) == ("RATE_LIMIT_EXCEEDED", "googleapis.com")
        meta = info["metadata"]
        assert meta["quota_limit"] == "ReadRequestsPerMinutePerUser"
        assert meta["quota_limit_value"] == "60"
        assert meta["quota_metric"] == "sheets.googleapis.com/read_requests"
        assert meta["service"] == "sheets.googleapis.com"
        assert meta["consumer"].startswith("projects/")
        # writes have their own bucket; a batch is one request
        assert (
            api.batch(
                sid, *[{"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 1}}] * 5
            ).status_code
            == 200
        )
        clock.now += 30
        assert api.values(sid, "Dokumen!A1").status_code == 429
        clock.now += 31  # the first calls leave the sliding window
        assert api.values(sid, "Dokumen!A1").status_code == 200
    finally:
        emu.enforce_quota = False
        emu.reset_quota()


def test_quota_per_project_and_writes(keys, clock):
    limits = {("write", "user"): 2, ("write", "project"): 3}
    with running(seed=67, clock=clock, enforce_quota=True, quota_limits=limits) as emu:
        sid = emu.create_spreadsheet("Q", sheets=["Dokumen"])
        a = Api(emu, emu.make_service_account_key(keys, "a@proj.iam.gserviceaccount.com"))
        b = Api(emu, emu.make_service_account_key(keys, "b@proj.iam.gserviceaccount.com"))
        assert a.write(sid, "Dokumen!A1", [["1"]]) and a.write(sid, "Dokumen!A1", [["2"]])
        err = error(
            a.put(f"{sid}/values/{q('Dokumen!A1')}", {"values": [["3"]]}, valueInputOption="RAW")
        )
        assert err["details"][0]["metadata"]["quota_limit"] == "WriteRequestsPerMinutePerUser"
        assert b.write(sid, "Dokumen!A1", [["4"]])
        err = error(
            b.put(f"{sid}/values/{q('Dokumen!A1')}", {"values": [["5"]]}, valueInputOption="RAW")
        )
        assert "limit 'Write requests per minute' of service" in err["message"]
        assert err["details"][0]["metadata"]["quota_limit"] == "WriteRequestsPerMinutePerProject"
        assert a.values(sid, "Dokumen!A1").status_code == 200  # reads unaffected


# --------------------------------------------------------------------------- payload
def test_payload_limit(api, sid, emu):
    big = "x" * (10 * 1024 * 1024)
    resp = api.put(f"{sid}/values/{q('Dokumen!A1')}", {"values": [[big]]}, valueInputOption="RAW")
    err = error(resp)
    assert (resp.status_code, err["status"]) == (400, "INVALID_ARGUMENT")
    assert err["message"] == "Request payload size exceeds the limit: 10485760 bytes."
    assert emu.spreadsheet(sid).sheet("Dokumen").values() == []


# --------------------------------------------------------------------------- faults
@pytest.mark.parametrize(
    ("kind", "status", "grpc"),
    [("429", 429, "RESOURCE_EXHAUSTED"), ("500", 500, "INTERNAL"), ("503", 503, "UNAVAILABLE")],
)
def test_error_faults(emu, api, sid, kind, status, grpc):
    emu.inject_faults(kind, count=2)
    for _ in range(2):
        resp = api.values(sid, "Dokumen!A1")
        assert (resp.status_code, error(resp)["status"]) == (status, grpc)
        assert "Retry-After" not in resp.headers
    assert api.values(sid, "Dokumen!A1").status_code == 200


def test_api_disabled_fault_names_the_callers_project(emu, api, key, sid):
    """As Google answers when the Sheets API is not enabled in the key's project: 403
    PERMISSION_DENIED, told apart from an unshared sheet by its message and ErrorInfo."""
    from tests.emulator.auth import project_number, project_of

    number = project_number(project_of(json.loads(Path(key).read_text())["client_email"]))
    emu.inject_faults("api-disabled")
    resp = api.values(sid, "Dokumen!A1")
    body = error(resp)
    assert (resp.status_code, body["status"]) == (403, "PERMISSION_DENIED")
    assert body["message"].startswith(
        f"Google Sheets API has not been used in project {number} before or it is disabled. "
        "Enable it by visiting https://console.developers.google.com/apis/api/"
        f"sheets.googleapis.com/overview?project={number} then retry."
    )
    info = next(d for d in body["details"] if d["@type"].endswith("ErrorInfo"))
    assert (info["reason"], info["metadata"]["consumer"]) == (
        "SERVICE_DISABLED",
        f"projects/{number}",
    )
    assert api.values(sid, "Dokumen!A1").status_code == 200


def test_faults_can_target_methods(emu, api, sid):
    emu.inject_faults("503", methods=["sheets.spreadsheets.batchUpdate"])
    assert api.values(sid, "Dokumen!A1").status_code == 200
    assert api.batch(sid, {"addSheet": {}}).status_code == 503
    assert api.batch(sid, {"addSheet": {}}).status_code == 200


def test_faults_can_target_one_spreadsheet_while_the_others_answer(emu, api, sid):
    other = emu.create_spreadsheet("Kecamatan Lain", sheets=["Dokumen"])
    emu.inject_faults("500", count=3, spreadsheets=[other])
    assert api.values(sid, "Dokumen!A1").status_code == 200
    assert [api.values(other, "Dokumen!A1").status_code for _ in range(4)] == [500] * 3 + [200]


def test_slow_fault_times_out_a_client_then_answers_when_released(emu, key, sid):
    gc = emu.gspread_client(key, timeout=1)
    ws = gc.open_by_key(sid).worksheet("Dokumen")
    release = threading.Event()
    emu.inject_faults("slow", release=release, delay=60)
    try:
        with pytest.raises(requests.exceptions.ReadTimeout):
            ws.get("A1")
    finally:
        release.set()
    assert ws.get("A1") == [[]]


def test_drop_fault_is_a_connection_error(emu, key, sid):
    ws = emu.gspread_client(key).open_by_key(sid).worksheet("Dokumen")
    emu.inject_faults("drop", methods=["sheets.spreadsheets.values.get"])
    with pytest.raises(requests.exceptions.ConnectionError):
        ws.get("A1")
    assert emu.request_log[-1].status is None and emu.request_log[-1].fault == "drop"
    assert ws.get("A1") == [[]]


# An apply-* fault runs the call as usual, then loses its answer: what a client sees when Google
# committed a write but the connection broke, or the answer came after the client's timeout.
WRITE_CALLS = {
    "values.update": lambda ws: ws.update([["ditulis"]], "A1"),
    "values.append": lambda ws: ws.append_row(["ditulis"], table_range="A1"),
    "values.batchUpdate": lambda ws: ws.batch_update([{"range": "A1", "values": [["ditulis"]]}]),
    "batchUpdate": lambda ws: ws.spreadsheet.batch_update(
        {
            "requests": [
                {
                    "updateCells": {
                        "start": {"sheetId": ws.id},
                        "rows": [{"values": [{"userEnteredValue": {"stringValue": "ditulis"}}]}],
                        "fields": "userEnteredValue",
                    }
                }
            ]
        }
    ),
}


@pytest.mark.parametrize("method", sorted(WRITE_CALLS))
def test_apply_drop_applies_the_write_then_closes_the_connection(emu, gc, sid, method):
    ws = gc.open_by_key(sid).worksheet("Dokumen")
    fault = emu.inject_faults("apply-drop", methods=[f"sheets.spreadsheets.{method}"])
    with pytest.raises(requests.exceptions.ConnectionError):
        WRITE_CALLS[method](ws)
    assert fault.applied.is_set()
    lost = emu.request_log[-1]
    assert (lost.method_id, lost.status, lost.fault) == (
        f"sheets.spreadsheets.{method}",
        None,
        "apply-drop",
    )
    # applied, though the client never heard back
    assert emu.spreadsheet(sid).sheet("Dokumen").values() == [["ditulis"]]
    assert ws.get("A1") == [["ditulis"]]


def test_apply_drop_serves_reads_too(emu, gc, sid):
    ws = gc.open_by_key(sid).worksheet("Dokumen")
    emu.inject_faults("apply-drop", count=2)
    with pytest.raises(requests.exceptions.ConnectionError):
        ws.get("A1")
    with pytest.raises(requests.exceptions.ConnectionError):
        ws.get("A1")
    assert ws.get("A1") == [[]]


def test_apply_slow_holds_the_answer_of_an_applied_write_until_released(emu, api, sid):
    release = threading.Event()
    fault = emu.inject_faults(
        "apply-slow", methods=["sheets.spreadsheets.values.update"], release=release, delay=60
    )
    answers: list[requests.Response] = []
    client = threading.Thread(
        target=lambda: answers.append(
            api.put(f"{sid}/values/{q('Dokumen!A1')}", {"values": [["x"]]}, valueInputOption="RAW")
        )
    )
    client.start()
    try:
        assert fault.applied.wait(timeout=30)
        assert emu.spreadsheet(sid).sheet("Dokumen").values() == [["x"]]  # applied...
        assert answers == []  # ...and not answered
    finally:
        release.set()
        client.join(timeout=30)
    assert answers[0].status_code == 200
    assert answers[0].json()["updatedRange"] == "Dokumen!A1"


def test_apply_slow_outlasts_a_client_timeout_with_the_write_applied(emu, key, sid):
    ws = emu.gspread_client(key, timeout=1).open_by_key(sid).worksheet("Dokumen")
    release = threading.Event()
    emu.inject_faults("apply-slow", release=release, delay=60)
    try:
        with pytest.raises(requests.exceptions.ReadTimeout):
            ws.update([["x"]], "A1")
        assert emu.spreadsheet(sid).sheet("Dokumen").values() == [["x"]]
    finally:
        release.set()  # the held answer goes to a closed connection
    assert emu.request_log[-1].fault == "apply-slow"


def test_fault_arguments_are_checked(emu):
    with pytest.raises(ValueError, match="unknown fault kind"):
        emu.inject_faults("apply-later")
    with pytest.raises(ValueError, match="release goes with"):
        emu.inject_faults("apply-drop", release=threading.Event())
    with pytest.raises(ValueError, match="retry_after goes with the 503"):
        emu.inject_faults("apply-slow", retry_after=3)


def test_token_endpoint_faulted_only_when_named(emu, key, sid, monkeypatch):
    import google.auth._exponential_backoff as backoff
    from google.auth.exceptions import RefreshError

    monkeypatch.setattr(backoff.time, "sleep", lambda s: None)
    before = emu.counters["token"]
    emu.inject_faults("500", count=3, methods=["token"])
    with pytest.raises(RefreshError, match="internal_failure"):
        emu.gspread_client(key).open_by_key(sid)
    assert emu.counters["token"] == before + 3  # google-auth tried three times
    emu.inject_faults("500")
    with pytest.raises(gspread.exceptions.APIError):
        emu.gspread_client(key).open_by_key(sid)  # the token call passes, the API call fails
    assert emu.gspread_client(key).open_by_key(sid).title == "Ops"


def test_backoff_client_recovers_from_429(emu, key, sid, monkeypatch):
    monkeypatch.setattr(time, "sleep", lambda s: None)  # keep the test fast
    gc = gspread.service_account(
        filename=str(key), http_client=type("C", (gspread.BackOffHTTPClient,), {})
    )
    from tests.emulator.transport import mount

    mount(gc.http_client.session, emu.base_url)
    emu.inject_faults("429", count=2)
    assert gc.open_by_key(sid).title == "Ops"


# --------------------------------------------------------------------------- traffic
def test_counters_and_request_log(emu, api, sid):
    emu.reset_counters()
    body = {"valueInputOption": "RAW", "data": [{"range": "Dokumen!A1", "values": [["a"]]}]}
    api.post(f"{sid}/values:batchUpdate", body)
    api.get(f"{sid}/values:batchGet", ranges=["Dokumen!A1", "Dokumen!B1"])
    api.get(sid)
    assert emu.counters["sheets.spreadsheets.values.batchUpdate"] == 1
    assert emu.counters["sheets.spreadsheets.values.batchGet"] == 1
    assert emu.counters["sheets.spreadsheets.get"] == 1
    write, read, meta = emu.request_log[-3:]
    assert write.method_id == "sheets.spreadsheets.values.batchUpdate"
    assert write.http_method == "POST" and write.status == 200
    assert write.body_size == len(json.dumps(body).encode())
    assert write.path == f"/v4/spreadsheets/{sid}/values:batchUpdate"
    assert read.query["ranges"] == ["Dokumen!A1", "Dokumen!B1"] and read.body_size == 0
    assert meta.email == "sopsync@test-project.iam.gserviceaccount.com"
    assert write.time <= read.time <= meta.time
    emu.reset_counters()
    assert not emu.counters and emu.request_log == []


def test_before_next_write_runs_between_read_and_write(emu, key, sid):
    ws = emu.gspread_client(key).open_by_key(sid).worksheet("Dokumen")
    ws.update([["Nama", "Status"], ["Budi", ""], ["Ani", ""]], "A1")
    rows = ws.get_all_values()
    target = next(i for i, r in enumerate(rows) if r[0] == "Ani") + 1  # row 3
    seen = []

    def staff_edits(e):
        sheet = e.spreadsheet(sid).sheet("Dokumen")
        seen.append(sheet.values())
        sheet.insert_rows(1, 1)  # a new row above: Ani moves to row 4
        sheet.set_value(1, 0, "Citra")

    emu.before_next_write(staff_edits)
    ws.update_acell(f"B{target}", "Selesai")
    assert seen == [[["Nama", "Status"], ["Budi"], ["Ani"]]]
    # the write landed where the worker computed it, not where Ani is now
    assert emu.spreadsheet(sid).sheet("Dokumen").values() == [
        ["Nama", "Status"],
        ["Citra"],
        ["Budi", "Selesai"],
        ["Ani"],
    ]
    ws.update_acell("B1", "x")  # the callback ran once only
    assert len(seen) == 1


def test_command_line_serves_until_interrupted():
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.emulator", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("http://127.0.0.1:")
        resp = requests.get(f"{line}/v4/spreadsheets/x", timeout=5)
        assert resp.status_code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=10)
