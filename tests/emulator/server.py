"""HTTP layer: a ThreadingHTTPServer speaking the Sheets v4 REST surface.

Each API call goes through the same pipeline, in the order Google's front end applies it:
payload size -> route (404 HTML for unknown paths) -> fault injection -> authentication
(401) -> scope (403) -> quota (429) -> query parameters (400) -> JSON body against the
discovery document (400) -> spreadsheet exists (404) and is shared with the caller (403)
-> the method -> ``fields`` partial response -> (optionally) the response checked against
the discovery document's response schema -> the answer (lost or held by an apply-* fault).
"""

from __future__ import annotations

import json
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from . import batch_update, fieldmask, spreadsheets, values
from .auth import READONLY_SCOPES, SHEETS_SCOPES, TokenError, project_of
from .errors import (
    ERROR_INFO_TYPE,
    NOT_FOUND_HTML,
    ApiError,
    bad_request_violations,
    invalid_argument,
)
from .faults import Fault, api_disabled, fault_error
from .quota import kind_of
from .schema import Method, discovery

if TYPE_CHECKING:
    from .emulator import Emulator

MAX_BODY = 10 * 1024 * 1024
UNAUTH_MISSING = (
    "Request is missing required authentication credential. Expected OAuth 2 access token, "
    "login cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)
UNAUTH_INVALID = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
    "cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)


class DropConnection(Exception):
    pass


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emu: Emulator) -> None:
        self.emu = emu
        super().__init__(address, Handler)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    """An answer goes out in two writes (headers, body): with Nagle's algorithm the body
    waits for the client's delayed ACK of the headers, 40 ms an answer on Linux."""
    server: EmulatorHTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self.dispatch()

    def do_POST(self) -> None:  # noqa: N802
        self.dispatch()

    def do_PUT(self) -> None:  # noqa: N802
        self.dispatch()

    def do_DELETE(self) -> None:  # noqa: N802
        self.dispatch()

    def do_PATCH(self) -> None:  # noqa: N802
        self.dispatch()

    # ----------------------------------------------------------------- plumbing
    def read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0] or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> int:
        """Answer; returns the body's size in bytes."""
        if isinstance(payload, bytes | str):
            data = payload.encode() if isinstance(payload, str) else payload
            ctype = "text/html; charset=UTF-8"
        else:
            # As Google: pretty-printed unless the request asked prettyPrint=false.
            if getattr(self, "compact", False):
                data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
            else:
                data = json.dumps(payload, indent=2, ensure_ascii=False).encode()
            ctype = "application/json; charset=UTF-8"
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Vary", "Origin, X-Origin, Referer")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        return len(data)

    # ----------------------------------------------------------------- pipeline
    def dispatch(self) -> None:
        emu = self.server.emu
        self.compact = False
        self.answer_fault: Fault | None = None  # an apply-* fault: run the call, lose the answer
        self.api_disabled = False  # an api-disabled fault: refuse the call once authenticated
        started = emu.clock()
        parsed = urllib.parse.urlsplit(self.path)
        raw_path, query = parsed.path, urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        record = emu._new_record(self.command, raw_path, query, started)
        try:
            body = self.read_body()
        except (ConnectionError, ValueError):
            self.close_connection = True
            return
        record.body_size = len(body)
        status = 500
        try:
            if raw_path == "/token":
                status, payload, headers = self.token(body, record)
            else:
                status, payload, headers = self.api(raw_path, query, body, record)
        except DropConnection:
            record.status = None
            self.close_connection = True
            return
        except ApiError as exc:
            status, payload, headers = exc.code, exc.body(), exc.headers
        except Exception as exc:  # pragma: no cover - emulator bug: answer, don't hang
            emu.internal_errors.append(repr(exc))
            err = ApiError(500, f"Emulator internal error: {exc!r}", "INTERNAL")
            status, payload, headers = 500, err.body(), {}
        record.status = status
        fault = self.answer_fault
        if fault is not None:
            fault.applied.set()
            if fault.kind == "apply-drop":
                record.status = None
                self.close_connection = True
                return
            fault.hold()
        record.response_size = self.send(status, payload, headers)

    def apply_fault(self, method_id: str, record: Any, spreadsheet: str | None = None) -> None:
        emu = self.server.emu
        fault = emu.faults.take(method_id, spreadsheet)
        if fault is None:
            return
        record.fault = fault.kind
        if fault.after_apply:
            self.answer_fault = fault
        elif fault.kind == "slow":
            fault.hold()
        elif fault.kind == "drop":
            raise DropConnection()
        elif fault.kind == "api-disabled":
            self.api_disabled = method_id != "token"  # told once the caller is known
        else:
            raise fault_error(fault.kind, retry_after=fault.retry_after)

    def token(self, body: bytes, record: Any) -> tuple[int, Any, dict[str, str]]:
        emu = self.server.emu
        record.method_id = "token"
        emu._count("token")
        if self.command != "POST":
            return 404, NOT_FOUND_HTML.format(path="/token"), {}
        try:
            self.apply_fault("token", record)
        except ApiError as exc:  # the OAuth endpoint answers faults in OAuth's shape
            error = {429: "rate_limit_exceeded", 500: "internal_failure"}.get(
                exc.code, "temporarily_unavailable"
            )
            return exc.code, {"error": error, "error_description": exc.message}, {}
        form = {k: v[-1] for k, v in urllib.parse.parse_qs(body.decode(errors="replace")).items()}
        try:
            return 200, emu.auth.grant(form, emu.token_uri), {"Cache-Control": "no-store"}
        except TokenError as exc:
            return exc.status, exc.body(), {}

    def api(
        self, raw_path: str, query: dict[str, list[str]], body: bytes, record: Any
    ) -> tuple[int, Any, dict[str, str]]:
        emu = self.server.emu
        disc = discovery()
        if len(body) > emu.max_body_bytes:
            raise invalid_argument(
                f"Request payload size exceeds the limit: {emu.max_body_bytes} bytes."
            )
        routed = disc.route(self.command, raw_path)
        if routed is None:
            return 404, NOT_FOUND_HTML.format(path=raw_path), {}
        method, path_params = routed
        path_params = {k: urllib.parse.unquote(v) for k, v in path_params.items()}
        record.method_id = method.id
        emu._count(method.id)
        self.apply_fault(method.id, record, path_params.get("spreadsheetId"))

        access = self.authenticate(query)
        record.email = access.email
        if self.api_disabled:
            raise api_disabled(project_of(access.email))
        if kind_of(method.id) == "write" and not access.scopes & SHEETS_SCOPES:
            raise ApiError(
                403,
                "Request had insufficient authentication scopes.",
                "PERMISSION_DENIED",
                [
                    {
                        "@type": ERROR_INFO_TYPE,
                        "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                        "domain": "googleapis.com",
                        "metadata": {"service": "sheets.googleapis.com"},
                    }
                ],
            )
        if emu.enforce_quota:
            emu.quota.charge(method.id, access.email, project_of(access.email))

        params = disc.validate_query(method, {k: v for k, v in query.items()})
        self.compact = params.get("prettyPrint") is False
        payload: Any = {}
        if method.request:
            payload = self.parse_json(body)
            payload, violations = disc.validate_request(method, payload)
            if violations:
                raise bad_request_violations([(v.field, v.description) for v in violations])
        mask = None
        if params.get("fields"):
            try:
                mask = fieldmask.parse(params["fields"])
            except fieldmask.MaskError:
                raise invalid_argument("Request contains an invalid argument.") from None
            if method.response and fieldmask.check(mask, method.response, disc.schemas):
                raise invalid_argument("Request contains an invalid argument.")

        result = self.execute(method, path_params, params, payload or {}, access.email, mask)
        if mask is not None:
            result = fieldmask.apply(mask, result)
        if emu.check_responses:
            problems = disc.validate_response(method, result)
            if problems:
                text = "; ".join(p.description for p in problems)
                emu.response_violations.append((method.id, text))
                raise ApiError(500, f"Emulator response failed schema check: {text}", "INTERNAL")
        return 200, result, {}

    def authenticate(self, query: dict[str, list[str]]) -> Any:
        emu = self.server.emu
        header = self.headers.get("Authorization", "")
        token = None
        if header.lower().startswith("bearer "):
            token = header[7:].strip()
        elif query.get("access_token"):
            token = query["access_token"][-1]
        challenge = {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'}
        if not token:
            raise ApiError(
                401,
                UNAUTH_MISSING,
                "UNAUTHENTICATED",
                [
                    {
                        "@type": ERROR_INFO_TYPE,
                        "reason": "CREDENTIALS_MISSING",
                        "domain": "googleapis.com",
                        "metadata": {"service": "sheets.googleapis.com"},
                    }
                ],
                challenge,
            )
        access = emu.auth.lookup(token)
        if access is None:
            raise ApiError(401, UNAUTH_INVALID, "UNAUTHENTICATED", None, challenge)
        if not access.scopes & (SHEETS_SCOPES | READONLY_SCOPES):
            raise ApiError(
                403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED"
            )
        return access

    @staticmethod
    def parse_json(body: bytes) -> Any:
        if not body.strip():
            return {}
        try:
            return json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise invalid_argument(
                "Invalid JSON payload received. Unexpected token.",
            ) from None

    # ----------------------------------------------------------------- methods
    def execute(
        self,
        method: Method,
        path: dict[str, str],
        params: dict[str, Any],
        body: dict[str, Any],
        email: str,
        mask: fieldmask.Tree | None,
    ) -> dict[str, Any]:
        emu = self.server.emu
        mid = method.id.removeprefix("sheets.spreadsheets.")
        if mid == "create":
            return emu._create_from_body(body, email)
        ss = emu._lookup(path["spreadsheetId"], email)
        rng = path.get("range", "")
        reads = {
            "get": lambda s: spreadsheets.get(s, params, mask),
            "values.get": lambda s: values.get(s, params, rng),
            "values.batchGet": lambda s: values.batch_get(s, params),
        }
        writes = {
            "batchUpdate": lambda s: batch_update.apply_batch(s, body, email),
            "values.update": lambda s: values.update(s, params, rng, body, email),
            "values.append": lambda s: values.append(s, params, rng, body, email),
            "values.clear": lambda s: values.clear(s, rng, email),
            "values.batchClear": lambda s: values.batch_clear(s, body, email),
            "values.batchUpdate": lambda s: values.batch_update(s, body, email),
        }
        if mid in reads:
            with emu.lock:
                return reads[mid](ss)
        if mid in writes:
            emu._run_before_write_callbacks()
            with emu.lock:
                work = ss.clone()
                result = writes[mid](work)
                ss.adopt(work)
                return result
        raise ApiError(501, f"Emulator: method {method.id} is not implemented.", "UNIMPLEMENTED")
