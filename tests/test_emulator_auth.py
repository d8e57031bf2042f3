"""Emulator: service-account token flow, bearer tokens, sharing, 401/403/404 shapes."""

from __future__ import annotations

import json
import time

import gspread
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from google.auth import crypt, jwt
from google.auth.exceptions import RefreshError
from google.oauth2.service_account import Credentials

from tests.emulator import DEFAULT_EMAIL
from tests.emulator.auth import GOOGLE_TOKEN_URI, JWT_BEARER, generate_private_key
from tests.emulator.testing import SHEETS, Api, error

SCOPE = "https://www.googleapis.com/auth/spreadsheets"


def key_info(key) -> dict:
    return json.loads(key.read_text())


def assertion(signer_pem: str, kid: str, **claims) -> str:
    signer = crypt.RSASigner.from_string(signer_pem, kid)
    now = int(time.time())
    payload = {
        "iss": DEFAULT_EMAIL,
        "aud": GOOGLE_TOKEN_URI,
        "scope": SCOPE,
        "iat": now,
        "exp": now + 3600,
    }
    payload.update(claims)
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(signer, payload).decode()


def post_token(emu, assertion_: str, grant_type: str = JWT_BEARER) -> requests.Response:
    return requests.post(
        emu.token_uri, data={"grant_type": grant_type, "assertion": assertion_}, timeout=5
    )


def test_key_file_has_the_fields_of_a_real_key(emu, key):
    info = key_info(key)
    assert info["type"] == "service_account"
    assert info["client_email"] == DEFAULT_EMAIL
    assert info["project_id"] == "test-project"
    assert info["token_uri"] == f"{emu.base_url}/token"
    assert info["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    for field in ("private_key_id", "client_id", "auth_uri", "client_x509_cert_url"):
        assert info[field]


def test_gspread_service_account_end_to_end(emu, key):
    sid = emu.create_spreadsheet("Kantor", shared_with=[DEFAULT_EMAIL], sheets=["Dokumen"])
    before = emu.counters["token"]
    gc = gspread.service_account(filename=str(key), http_client=emu.http_client_class())
    sh = gc.open_by_key(sid)
    assert sh.title == "Kantor"
    assert [ws.title for ws in sh.worksheets()] == ["Dokumen"]
    assert emu.counters["token"] == before + 1
    token_calls = [r for r in emu.request_log if r.method_id == "token"]
    assert token_calls[-1].status == 200 and token_calls[-1].http_method == "POST"


def test_token_endpoint_answers_like_google(emu, key):
    info = key_info(key)
    resp = post_token(emu, assertion(info["private_key"], info["private_key_id"]))
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"access_token", "expires_in", "token_type"}
    assert body["expires_in"] == 3599 and body["token_type"] == "Bearer"


def test_token_rejects_a_jwt_signed_by_another_key(emu, key):
    info = key_info(key)
    other = generate_private_key().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    resp = post_token(emu, assertion(other.decode(), info["private_key_id"]))
    assert resp.status_code == 400
    assert resp.json() == {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}


def test_google_auth_reports_the_bad_signature(emu, key, tmp_path):
    info = key_info(key)
    other = generate_private_key().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(info | {"private_key": other.decode()}))
    creds = Credentials.from_service_account_file(str(forged), scopes=[SCOPE])
    from google.auth.transport.requests import Request

    with pytest.raises(RefreshError, match="invalid_grant: Invalid JWT Signature."):
        creds.refresh(Request())


@pytest.mark.parametrize(
    ("claims", "error_", "description"),
    [
        (
            {"exp": int(time.time()) - 10, "iat": int(time.time()) - 100},
            "invalid_grant",
            "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable "
            "timeframe. Check your iat and exp values in the JWT claim.",
        ),
        (
            {"iss": "nobody@test-project.iam.gserviceaccount.com"},
            "invalid_grant",
            "Invalid grant: account not found",
        ),
        (
            {"aud": "https://example.com/token"},
            "invalid_grant",
            "Invalid JWT: Failed audience check.",
        ),
        ({"scope": None}, "invalid_scope", "Invalid OAuth scope or ID token audience provided."),
    ],
)
def test_token_rejects_bad_claims(emu, key, claims, error_, description):
    info = key_info(key)
    resp = post_token(emu, assertion(info["private_key"], info["private_key_id"], **claims))
    assert resp.status_code == 400
    assert resp.json() == {"error": error_, "error_description": description}


def test_token_accepts_its_own_uri_as_audience(emu, key):
    info = key_info(key)
    resp = post_token(
        emu, assertion(info["private_key"], info["private_key_id"], aud=emu.token_uri)
    )
    assert resp.status_code == 200


def test_token_rejects_other_grant_types(emu):
    resp = post_token(emu, "x", grant_type="refresh_token")
    assert resp.status_code == 400
    assert resp.json()["error"] == "unsupported_grant_type"


def test_api_call_without_token_is_401(emu):
    sid = emu.create_spreadsheet("Open")
    resp = requests.get(f"{emu.base_url}/v4/spreadsheets/{sid}", timeout=5)
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    err = error(resp)
    assert err["code"] == 401 and err["status"] == "UNAUTHENTICATED"
    assert err["message"].startswith("Request is missing required authentication credential.")
    assert err["details"][0]["reason"] == "CREDENTIALS_MISSING"


def test_api_call_with_unknown_token_is_401(emu):
    sid = emu.create_spreadsheet("Open")
    resp = requests.get(
        f"{emu.base_url}/v4/spreadsheets/{sid}",
        headers={"Authorization": "Bearer ya29.forged"},
        timeout=5,
    )
    err = error(resp)
    assert (resp.status_code, err["status"]) == (401, "UNAUTHENTICATED")
    assert err["message"].startswith("Request had invalid authentication credentials.")


def test_expired_token_is_refreshed_by_google_auth(emu, api):
    sid = emu.create_spreadsheet("Refresh")
    assert api.get(sid).status_code == 200
    before = emu.counters["token"]
    emu.expire_tokens()
    assert api.get(sid).status_code == 200  # 401, then AuthorizedSession refreshes and retries
    assert emu.counters["token"] == before + 1


def test_spreadsheet_not_shared_is_403(emu, api):
    sid = emu.create_spreadsheet("Private", shared_with=["someone@else.iam.gserviceaccount.com"])
    resp = api.get(sid, includeGridData="false")
    assert resp.status_code == 403
    assert resp.json() == {
        "error": {
            "code": 403,
            "message": "The caller does not have permission",
            "status": "PERMISSION_DENIED",
        }
    }


def test_missing_spreadsheet_is_404(api):
    resp = api.get("doesNotExist", includeGridData="false")
    assert resp.status_code == 404
    assert resp.json() == {
        "error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}
    }


def test_unknown_path_is_googles_404_page(api):
    resp = api.session.get(SHEETS.replace("/v4/spreadsheets", "/v4/nothing/here"))
    assert resp.status_code == 404
    assert resp.headers["Content-Type"].startswith("text/html")
    assert "The requested URL <code>/v4/nothing/here</code> was not found" in resp.text


def test_wrong_http_method_is_404(emu, api):
    sid = emu.create_spreadsheet("Verb")
    assert api.session.get(f"{SHEETS}/{sid}:batchUpdate").status_code == 404


def test_readonly_scope_cannot_write(emu, key):
    sid = emu.create_spreadsheet("RO")
    ro = Api(emu, key, scopes=["https://www.googleapis.com/auth/spreadsheets.readonly"])
    assert ro.get(sid).status_code == 200
    resp = ro.batch(sid, {"addSheet": {}})
    err = error(resp)
    assert resp.status_code == 403 and err["status"] == "PERMISSION_DENIED"
    assert err["message"] == "Request had insufficient authentication scopes."
