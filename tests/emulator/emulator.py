"""The Emulator facade: start/stop the server, seed state, inspect traffic, inject trouble."""

from __future__ import annotations

import collections
import copy
import random
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import transport
from .auth import AuthServer
from .errors import not_found, permission_denied
from .faults import Fault, Faults
from .model import Spreadsheet
from .quota import Quota
from .server import MAX_BODY, EmulatorHTTPServer

DEFAULT_EMAIL = "sopsync@test-project.iam.gserviceaccount.com"
_ID_CHARS = string.ascii_letters + string.digits + "-_"


@dataclass
class RequestRecord:
    """One HTTP request as the emulator saw it."""

    method_id: str | None  # e.g. "sheets.spreadsheets.values.batchGet", "token", None if unrouted
    http_method: str
    path: str
    query: dict[str, list[str]]
    body_size: int = 0
    response_size: int = 0
    status: int | None = None  # None: the connection was dropped
    time: float = 0.0
    email: str | None = None
    fault: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Emulator:
    """A local Google Sheets API v4 emulator over real HTTP.

    Args:
        enforce_quota: apply the per-minute read/write quotas (429s).
        clock: time source (seconds) for quotas, token expiry and the request log.
        quota_limits: overrides, keyed like ``{("read", "user"): 60, ("write", "project"): 300}``.
        check_responses: validate every successful response against the discovery document
            (violations answer 500 and are kept in ``response_violations``).
        seed: seed for generated ids.
    """

    def __init__(
        self,
        enforce_quota: bool = False,
        clock: Callable[[], float] = time.time,
        quota_limits: dict[tuple[str, str], int] | None = None,
        check_responses: bool = True,
        seed: int | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        max_body_bytes: int = MAX_BODY,
    ) -> None:
        self.enforce_quota = enforce_quota
        self.clock = clock
        self.check_responses = check_responses
        self.max_body_bytes = max_body_bytes
        self.host, self.port = host, port
        self.lock = threading.RLock()
        self.auth = AuthServer(clock)
        self.quota = Quota(quota_limits, clock)
        self.faults = Faults()
        self.rng = random.Random(seed)
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.counters: collections.Counter[str] = collections.Counter()
        self.request_log: list[RequestRecord] = []
        self.response_violations: list[tuple[str, str]] = []
        self.internal_errors: list[str] = []
        self._write_callbacks: list[Callable[[Emulator], Any]] = []
        self._server: EmulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> str:
        """Start serving in a background thread; returns the base URL."""
        if self._server is not None:
            return self.base_url
        self._server = EmulatorHTTPServer((self.host, self.port), self)
        host, port = self._server.server_address[:2]
        self.base_url = f"http://{host}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="sheets-emulator", daemon=True
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Emulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def token_uri(self) -> str:
        return f"{self.base_url}/token"

    # ----------------------------------------------------------------- accounts
    def make_service_account_key(self, directory: Path | str, email: str = DEFAULT_EMAIL) -> Path:
        """Write a service-account key file whose token_uri is this emulator."""
        if not self.base_url:
            raise RuntimeError("start() the emulator before making keys (token_uri needs it)")
        return self.auth.make_key_file(Path(directory), email, self.token_uri)

    def gspread_client(self, key_path: Path | str, timeout: float | None = None) -> Any:
        """A gspread Client authenticated with `key_path`, talking to this emulator."""
        return transport.gspread_client(key_path, self.base_url, timeout)

    def session(self, key_path: Path | str, scopes: list[str] | None = None) -> Any:
        """A google-auth AuthorizedSession whose sheets.googleapis.com calls reach here."""
        return transport.authorized_session(key_path, self.base_url, scopes)

    def http_client_class(self) -> Any:
        """For ``gspread.service_account(filename, http_client=emu.http_client_class())``."""
        return transport.http_client_class(self.base_url)

    def expire_tokens(self) -> None:
        """Invalidate every access token handed out so far."""
        self.auth.expire_all()

    # ----------------------------------------------------------------- state
    def create_spreadsheet(
        self,
        title: str = "Untitled spreadsheet",
        shared_with: list[str] | None = None,
        time_zone: str = "Etc/GMT",
        sheets: list[str] | None = None,
        locale: str = "en_US",
        spreadsheet_id: str | None = None,
        owner: str | None = None,
    ) -> str:
        """Create a spreadsheet. ``shared_with=None`` means anyone with the link may edit; the
        `owner` may edit every protected range (None: an owner who never calls the API)."""
        sid = spreadsheet_id or "1" + "".join(self.rng.choice(_ID_CHARS) for _ in range(43))
        ss = Spreadsheet(
            sid,
            title,
            time_zone=time_zone,
            locale=locale,
            shared_with=shared_with,
            rng=random.Random(self.rng.random()),
            lock=self.lock,
            owner=owner,
        )
        for name in ["Sheet1"] if sheets is None else sheets:
            ss.add_sheet({"title": name})
        with self.lock:
            self.spreadsheets[sid] = ss
        return sid

    def copy_spreadsheet(self, spreadsheet_id: str, title: str) -> str:
        """A copy under a new id, as Drive's ``files.copy`` makes one: the same tabs, cells,
        protections and sharing (tests that need many alike spreadsheets prepare one)."""
        sid = "1" + "".join(self.rng.choice(_ID_CHARS) for _ in range(43))
        with self.lock:
            copy = self.spreadsheets[spreadsheet_id].clone()
            copy.spreadsheet_id = sid
            copy.rng = random.Random(self.rng.random())  # its own ids from now on
            copy.properties["title"] = title
            self.spreadsheets[sid] = copy
        return sid

    def spreadsheet(self, spreadsheet_id: str) -> Spreadsheet:
        return self.spreadsheets[spreadsheet_id]

    def share(self, spreadsheet_id: str, email: str) -> None:
        self.spreadsheets[spreadsheet_id].shared_with.add(email)

    def _lookup(self, spreadsheet_id: str, email: str) -> Spreadsheet:
        ss = self.spreadsheets.get(spreadsheet_id)
        if ss is None:
            raise not_found()
        if not ss.anyone_with_link and email not in ss.shared_with:
            raise permission_denied()
        return ss

    def _create_from_body(self, body: dict[str, Any], email: str) -> dict[str, Any]:
        from .render import spreadsheet_json

        props = body.get("properties") or {}
        sheet_props = [copy.deepcopy(s.get("properties") or {}) for s in body.get("sheets") or []]
        sid = self.create_spreadsheet(
            props.get("title", "Untitled spreadsheet"),
            shared_with=[email],
            time_zone=props.get("timeZone", "Etc/GMT"),
            locale=props.get("locale", "en_US"),
            sheets=[] if sheet_props else None,
            owner=email,
        )
        ss = self.spreadsheets[sid]
        for i, sp in enumerate(sheet_props):
            if i == 0:
                sp.setdefault("sheetId", 0)
            ss.add_sheet(sp)
        return spreadsheet_json(ss, False)

    # ----------------------------------------------------------------- traffic
    def reset_counters(self) -> None:
        with self.lock:
            self.counters.clear()
            self.request_log.clear()

    def _count(self, method_id: str) -> None:
        with self.lock:
            self.counters[method_id] += 1

    def _new_record(
        self, http_method: str, path: str, query: dict[str, list[str]], when: float
    ) -> RequestRecord:
        record = RequestRecord(None, http_method, path, query, time=when)
        with self.lock:
            self.request_log.append(record)
        return record

    def inject_faults(
        self,
        kind: str,
        count: int = 1,
        methods: list[str] | None = None,
        delay: float = 5.0,
        retry_after: int | None = None,
        release: threading.Event | None = None,
        spreadsheets: list[str] | None = None,
    ) -> Fault:
        """Fault the next `count` API calls (optionally only these method ids, only on these
        spreadsheets) with `kind`:
        "429", "500", "503", "slow" (hold the answer), "drop" (close the connection),
        "api-disabled" (the 403 of a Sheets API not enabled in the caller's project), or, after
        running the call as usual (a write is applied), "apply-drop" (close the connection
        instead of answering) or "apply-slow" (hold the answer). Held answers wait until
        `release` is set, `delay` seconds at most. The token endpoint is faulted only when
        "token" is in `methods`. Returns the fault: its `applied` event is set once an apply-*
        fault has run its call."""
        return self.faults.add(kind, count, methods, delay, retry_after, release, spreadsheets)

    def clear_faults(self) -> None:
        self.faults.clear()

    def before_next_write(self, callback: Callable[[Emulator], Any]) -> None:
        """Run callback(emu) once, just before the next mutating API call is applied."""
        with self.lock:
            self._write_callbacks.append(callback)

    def _run_before_write_callbacks(self) -> None:
        with self.lock:
            callbacks, self._write_callbacks = self._write_callbacks, []
        for cb in callbacks:
            cb(self)

    def reset_quota(self) -> None:
        self.quota.reset()
