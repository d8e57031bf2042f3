"""HTTP to the Sheets API: credentials, pacing, retries, and what a failure means.

Requests go through gspread's HTTP client over google-auth's authorised session
(the token, its refresh, the connections); the bodies are ours, encoded once, so
that a write is the very bytes its plan made. One ``SheetsTransport`` lives as long
as the process: ``run`` reuses its credentials, token and connections across cycles.
The retry policy is ours (gspread's client retries nothing): bounded exponential
backoff with full jitter, Retry-After honoured when present.

Reads are retried on any transient failure. A write is retried in place only
when the failure proves it was not applied (429, a token that could not be
had, a connection never made); after a failure that may hide an applied write
(a timeout, a dropped connection, a 5xx) it is never sent again: the caller
gets ``WriteUncertain`` and reads the sheet again. A transport that serves one
sheet among many (``retry_faults=False``) resends in place only what Google
refused for its quota: any other failure ends the request at once, and the
worker retries that sheet on its own backoff while it serves the others.

Every request first waits for the quota of the service account
(:mod:`syncer.pacing`), as a read or as a write.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
import structlog
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from requests.adapters import HTTPAdapter

from syncer.backends import BackendError, Misconfigured, NeedsInit, WriteUncertain
from syncer.pacing import PER_PROJECT, PER_USER, QUOTAS, Kind, Pacer, Quotas

if TYPE_CHECKING:
    from google.oauth2.service_account import Credentials

    from syncer.config import Config

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
API_HOST = "https://sheets.googleapis.com/"
API_URL = API_HOST + "v4/spreadsheets/"
COMPACT = {"prettyPrint": "false"}
"""Asked of every call: Google pretty-prints its answers unless told not to (2.7x the bytes)."""
RETRYABLE = {429, 500, 502, 503, 504}
MAX_SLEEP = 32.0
MAX_RETRY_AFTER = 60.0
NOT_PERMITTED = "The caller does not have permission"
"""Google's message when the key's account may not open the sheet (it is not shared with it);
its other 403s (the Sheets API not enabled in the key's project, a missing scope) say what to
do in their own words."""
_URL_ID = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")

log = structlog.get_logger("sopsync.google")


class Refused(BackendError):
    """Google answered a write with a 4xx (not 429): nothing of it was applied."""

    def __init__(self, code: int, message: str):
        super().__init__(f"the sheet refused the write (HTTP {code}: {message})")
        self.code = code
        self.message = message


class RedirectAdapter(HTTPAdapter):
    """Send requests for the Google API host to another base URL (a proxy, or an emulator)."""

    def __init__(self, base_url: str):
        super().__init__()
        self.base = base_url.rstrip("/") + "/"

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if request.url and request.url.startswith(API_HOST):
            request.url = self.base + request.url[len(API_HOST) :]
        return super().send(request, **kwargs)


def spreadsheet_id(text: str) -> str:
    """The id of a spreadsheet, from the id itself or a pasted address of the sheet."""
    text = text.strip()
    match = _URL_ID.search(text)
    return match.group(1) if match else text


@dataclass(frozen=True)
class Attempt:
    """What went wrong with one request, and whether it may be sent again."""

    problem: str
    resend: bool
    """False when a write may have been applied (never sent again)."""
    retry_after: float | None = None
    quota: bool = False
    """Google refused it for its quota (429): resent in place, whatever ``retry_faults``."""


class SheetsTransport:
    def __init__(
        self,
        credentials: Path | None,
        *,
        endpoint: str | None = None,
        timeout: float = 30.0,
        retries: int = 4,
        pacer: Pacer | None = None,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        quotas: Quotas = QUOTAS,
        per_user: int = PER_USER,
        per_project: int = PER_PROJECT,
        retry_faults: bool = True,
    ):
        """``pacer``: the one to wait on; by default the pacer of the key's service
        account in ``quotas`` (known once the key is read), with these limits."""
        if endpoint is not None:
            parts = urlsplit(endpoint)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise Misconfigured(f"[google] endpoint {endpoint!r} is not an http(s) URL")
        self.credentials = credentials
        self.endpoint = endpoint
        self.timeout = timeout
        self.retries = retries
        self.pacer = pacer
        self.sleep = sleep
        self.jitter = jitter
        self.quotas = quotas
        self.limits = (per_user, per_project)
        self.retry_faults = retry_faults
        self.email = ""
        self.project = ""
        self._client: HTTPClient | None = None
        self._failures = 0

    @classmethod
    def from_config(
        cls,
        config: Config,
        quotas: Quotas = QUOTAS,
        sleep: Callable[[float], None] = time.sleep,
        retry_faults: bool = True,
    ) -> SheetsTransport:
        google = config.google
        return cls(
            config.credentials_path(),
            endpoint=google.endpoint,
            timeout=google.timeout_seconds,
            retries=config.worker.retries,
            sleep=sleep,
            quotas=quotas,
            per_user=google.requests_per_minute,
            per_project=google.project_requests_per_minute,
            retry_faults=retry_faults,
        )

    # --- calls --------------------------------------------------------------------------------

    def get(self, spreadsheet: str, what: str, params: Mapping[str, Any]) -> Any:
        """spreadsheets.get."""
        return self._call(what, "GET", API_URL + spreadsheet, params, None, spreadsheet)

    def batch_get(
        self, spreadsheet: str, what: str, ranges: list[str], params: Mapping[str, Any]
    ) -> Any:
        """spreadsheets.values.batchGet."""
        query = {**params, "ranges": ranges}
        url = f"{API_URL}{spreadsheet}/values:batchGet"
        return self._call(what, "GET", url, query, None, spreadsheet)

    def batch_update(self, spreadsheet: str, what: str, body: bytes) -> Any:
        """spreadsheets.batchUpdate of an encoded body; never re-sent once it may have landed."""
        url = f"{API_URL}{spreadsheet}:batchUpdate"
        return self._call(what, "POST", url, {}, body, spreadsheet)

    # --- the policy ---------------------------------------------------------------------------

    def _call(
        self,
        what: str,
        method: str,
        url: str,
        params: Mapping[str, Any],
        body: bytes | None,
        spreadsheet: str,
    ) -> Any:
        client = self.client()
        pacer = self._pacer()
        write = body is not None
        attempts = self.retries + 1
        self._failures = 0
        headers = {"Content-Type": "application/json; charset=utf-8"} if write else None
        for attempt in range(1, attempts + 1):
            waited = pacer.wait(Kind.WRITE if write else Kind.READ)
            if waited:
                log.info("pacing: waiting for the quota", request=what, seconds=round(waited, 1))
            try:
                response = client.request(
                    method, url, params={**params, **COMPACT}, data=body, headers=headers
                )
            except APIError as exc:
                failure = self._answer_failure(exc.response, write, spreadsheet)
            except requests.RequestException as exc:
                failure = _network_failure(exc, write)
            except Exception as exc:  # google-auth: the token could not be had
                failure = self._token_failure(exc)
            else:
                return json.loads(response.content) if response.content else {}
            self._failures += 1
            delay = self._delay(failure)
            if not failure.resend:
                log.warning(
                    "write not confirmed; not sending it again",
                    request=what,
                    problem=failure.problem,
                    wait=round(delay, 2),
                )
                self.sleep(delay)
                raise WriteUncertain(failure.problem)
            if attempt == attempts or not (failure.quota or self.retry_faults):
                tries = f" after {attempt} attempts" if attempt > 1 else ""
                raise BackendError(f"{what} failed{tries}: {failure.problem}")
            log.warning(
                "request failed; retrying",
                request=what,
                attempt=attempt,
                problem=failure.problem,
                retry_in=round(delay, 2),
            )
            self.sleep(delay)
        raise AssertionError("unreachable")

    def _delay(self, failure: Attempt) -> float:
        if failure.retry_after is not None:
            return min(failure.retry_after, MAX_RETRY_AFTER)
        return self.jitter() * min(MAX_SLEEP, 2.0 ** (self._failures - 1))

    def _token_failure(self, exc: Exception) -> Attempt:
        from google.auth import exceptions as auth_errors

        if isinstance(exc, auth_errors.RefreshError):
            reason = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
            if exc.retryable:  # Google's token service is down or busy (5xx, 429): not the key
                return Attempt(f"the token service failed: {reason.rstrip('.')}", resend=True)
            raise Misconfigured(
                f"the service-account key {self.credentials} was refused: {reason.rstrip('.')}"
            ) from exc
        if isinstance(exc, auth_errors.TransportError):
            return Attempt("the token service could not be reached", resend=True)
        raise exc

    def _answer_failure(
        self, response: requests.Response, write: bool, spreadsheet: str
    ) -> Attempt:
        code = response.status_code
        message = _message(response)
        if code in RETRYABLE:
            header = response.headers.get("Retry-After", "").strip()
            retry_after = float(header) if header.isdigit() else None
            problem = f"HTTP {code}" + (f": {message}" if message else "")
            quota = code == 429
            return Attempt(problem, resend=quota or not write, retry_after=retry_after, quota=quota)
        if code == 404:
            raise BackendError(f"spreadsheet {spreadsheet} not found: check the id")
        if code == 403 and message.startswith(NOT_PERMITTED):
            raise BackendError(
                f"spreadsheet {spreadsheet} is not shared with {self.email or 'the worker'}:"
                " share it with that address as Editor"
            )
        if code == 403:  # e.g. the Sheets API not enabled in the key's project: Google says how
            raise BackendError(
                f"the Sheets API refused access to spreadsheet {spreadsheet}: "
                f"{message or 'no reason given'}"
            )
        if code == 401:
            raise BackendError(f"the Sheets API refused the worker's credentials: {message}")
        if code == 400 and message.startswith("Unable to parse range"):
            tab = message.split(":", 1)[-1].strip().split("!")[0].strip("'")
            raise NeedsInit(f"tab {tab} is missing")
        if write:
            raise Refused(code, message)
        raise BackendError(f"the Sheets API answered HTTP {code}: {message or 'no reason given'}")

    # --- credentials --------------------------------------------------------------------------

    def client(self) -> HTTPClient:
        """gspread's client on the authorised session, made once: the key is read and a
        token asked for once."""
        if self._client is not None:
            return self._client
        from google.auth.transport.requests import AuthorizedSession, Request

        info = self._key()
        if self.endpoint:  # for tests: the token request goes to the endpoint too
            info["token_uri"] = self.endpoint.rstrip("/") + "/token"
        try:
            creds = _credentials(info)
        except (ValueError, KeyError) as exc:
            raise Misconfigured(
                f"{self.credentials} is not a service-account JSON key: {_reason(exc)}"
            ) from exc
        self.email = creds.service_account_email
        self.project = str(info.get("project_id") or "")
        token_session = requests.Session()
        session = AuthorizedSession(creds, auth_request=Request(token_session))  # type: ignore[no-untyped-call]
        if self.endpoint:
            session.mount(API_HOST, RedirectAdapter(self.endpoint))
        self._client = HTTPClient(creds, session=session)
        self._client.set_timeout(self.timeout)
        return self._client

    def _pacer(self) -> Pacer:
        """The pacer of the key's service account, shared with every sheet it reaches."""
        if self.pacer is None:
            self.pacer = self.quotas.pacer(self.email, self.project, *self.limits)
        return self.pacer

    def _key(self) -> dict[str, Any]:
        if self.credentials is None:
            raise Misconfigured(
                "no service-account key: set [google] credentials or GOOGLE_APPLICATION_CREDENTIALS"
            )
        try:
            info = json.loads(Path(self.credentials).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise Misconfigured(f"service-account key {self.credentials} not found") from exc
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()
            raise Misconfigured(
                f"cannot read service-account key {self.credentials}: {reason}"
            ) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise Misconfigured(
                f"{self.credentials} is not a service-account JSON key: it is not JSON"
            ) from exc
        if not isinstance(info, dict):
            raise Misconfigured(f"{self.credentials} is not a service-account JSON key")
        return info


def _network_failure(exc: requests.RequestException, write: bool) -> Attempt:
    if isinstance(exc, requests.ConnectTimeout) or _never_connected(exc):
        return Attempt("the Sheets API could not be reached", resend=True)
    if isinstance(exc, requests.Timeout):
        return Attempt("no answer in time", resend=not write)
    if isinstance(exc, requests.ConnectionError):
        return Attempt("the connection was dropped", resend=not write)
    return Attempt(type(exc).__name__, resend=not write)


def _never_connected(exc: requests.RequestException) -> bool:
    """A connection refused or a name not resolved: the request never left."""
    from urllib3.exceptions import NewConnectionError  # a name not resolved is one too

    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)


def _message(response: requests.Response) -> str:
    """Google's one-line reason from an error answer (never its HTML)."""
    try:
        error = json.loads(response.content).get("error", {})
    except (ValueError, AttributeError):
        return ""
    message = error.get("message", "") if isinstance(error, dict) else str(error)
    return " ".join(str(message).split())


def _credentials(info: dict[str, Any]) -> Credentials:
    """The key's credentials, as ``Credentials.from_service_account_info`` makes them, but
    with its RSA key read without OpenSSL's check that the numbers of the key agree (35 ms,
    a tenth of a cron sync on Google). The check guards against keys from strangers; this
    one is the admin's own, made by Google, and a damaged one that still reads signs token
    requests that Google refuses, said as a refused key."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    from google.auth import crypt
    from google.oauth2 import service_account

    missing = [name for name in ("client_email", "token_uri", "private_key") if name not in info]
    if missing:
        raise KeyError(missing[0])
    pem = info["private_key"]
    if not isinstance(pem, str) or "-----BEGIN" not in pem:
        raise ValueError("its private_key is not a PEM key")
    try:
        key = load_pem_private_key(pem.encode(), password=None, unsafe_skip_rsa_key_validation=True)
    except TypeError:  # cryptography: a key that needs a password
        raise ValueError("its private_key is protected by a password") from None
    except ValueError:
        raise ValueError("its private_key cannot be read (damaged: make a new key)") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("its private_key is not an RSA key, as Google makes them")
    signer = crypt.RSASigner(key, key_id=info.get("private_key_id"))  # type: ignore[no-untyped-call]
    return service_account.Credentials(  # type: ignore[no-untyped-call]
        signer,
        service_account_email=info["client_email"],
        token_uri=info["token_uri"],
        scopes=SCOPES,
        project_id=info.get("project_id"),
    )


def _reason(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"it has no {exc.args[0]!r}"
    text = str(exc.args[0]) if exc.args else str(exc)
    return " ".join(text.split()).rstrip(".")
