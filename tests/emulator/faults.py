"""Fault injection: make the next N API calls fail the ways the real service does.

Kinds that answer instead of the method (nothing is applied):
  "429"  quota error (RESOURCE_EXHAUSTED body, no Retry-After header)
  "500"  INTERNAL ("Internal error encountered.")
  "503"  UNAVAILABLE ("The service is currently unavailable."), with a Retry-After header
         when `retry_after` is given (a frontend may send one on 503; Google's 429 has none)
  "slow" wait before answering normally, to trip client timeouts
  "drop" close the connection without answering
  "api-disabled"  403 PERMISSION_DENIED as when the Sheets API is not enabled in the key's
         Google Cloud project (reason SERVICE_DISABLED, the project's number in the message
         and its link to enable the API); answered after authentication, as Google knows the
         project from the token
Kinds that run the call as usual (a write is applied) and then lose its answer, as when
Google committed a write but the client never heard back:
  "apply-drop"  close the connection instead of answering
  "apply-slow"  hold the answer, to trip client timeouts
"slow" and "apply-slow" hold the answer until `release` is set, or for `delay` seconds
(default 5) at most: a test sets `release` once the client has given up, rather than sleeping.
`Fault.applied` is set each time an apply-* fault has run its call, so a test can look at the
state while the answer is held.
The token endpoint is only faulted when "token" is named in `methods`. A fault given
`spreadsheets` strikes only calls on those spreadsheets (one office's sheet failing while
the others answer).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from .auth import project_number
from .errors import ERROR_INFO_TYPE, ApiError
from .quota import quota_error

KINDS = ("429", "500", "503", "slow", "drop", "api-disabled", "apply-drop", "apply-slow")
AFTER_APPLY = frozenset({"apply-drop", "apply-slow"})
HOLDING = frozenset({"slow", "apply-slow"})


@dataclass
class Fault:
    kind: str
    remaining: int
    methods: frozenset[str] | None
    delay: float
    retry_after: int | None = None
    release: threading.Event | None = None
    applied: threading.Event = field(default_factory=threading.Event)
    spreadsheets: frozenset[str] | None = None

    @property
    def after_apply(self) -> bool:
        return self.kind in AFTER_APPLY

    def hold(self) -> None:
        """Wait until released, `delay` seconds at most."""
        if self.release is None:
            threading.Event().wait(self.delay)
        else:
            self.release.wait(self.delay)


class Faults:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(
        self,
        kind: str,
        count: int = 1,
        methods: list[str] | None = None,
        delay: float = 5.0,
        retry_after: int | None = None,
        release: threading.Event | None = None,
        spreadsheets: list[str] | None = None,
    ) -> Fault:
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {KINDS}")
        if retry_after is not None and kind != "503":
            raise ValueError("retry_after goes with the 503 fault only (Google's 429 has none)")
        if release is not None and kind not in HOLDING:
            raise ValueError(f"release goes with the {sorted(HOLDING)} faults only")
        chosen = frozenset(methods) if methods else None
        sheets = frozenset(spreadsheets) if spreadsheets else None
        fault = Fault(kind, count, chosen, delay, retry_after, release, spreadsheets=sheets)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method_id: str, spreadsheet: str | None = None) -> Fault | None:
        """The fault to apply to this call (on ``spreadsheet``), if any (consumes one of its
        count)."""
        with self._lock:
            for fault in self._faults:
                if fault.methods is None and method_id == "token":
                    continue
                if fault.methods is not None and method_id not in fault.methods:
                    continue
                if fault.spreadsheets is not None and spreadsheet not in fault.spreadsheets:
                    continue
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None


def fault_error(kind: str, project: str = "emulator", retry_after: int | None = None) -> ApiError:
    if kind == "429":
        return quota_error("read", "user", project, 60)
    if kind == "500":
        return ApiError(500, "Internal error encountered.", "INTERNAL")
    if kind == "api-disabled":
        return api_disabled(project)
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return ApiError(503, "The service is currently unavailable.", "UNAVAILABLE", headers=headers)


def api_disabled(project: str) -> ApiError:
    """Google's answer to any call when the Sheets API is not enabled in the caller's Google
    Cloud project (the most common setup mistake): a 403 like the sheet not being shared,
    told apart by its message and its ErrorInfo reason."""
    number = project_number(project)
    url = f"https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project={number}"
    message = (
        f"Google Sheets API has not been used in project {number} before or it is disabled. "
        f"Enable it by visiting {url} then retry. If you enabled this API recently, wait a few "
        "minutes for the action to propagate to our systems and retry."
    )
    details = [
        {
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [{"description": "Google developers console API activation", "url": url}],
        },
        {
            "@type": ERROR_INFO_TYPE,
            "reason": "SERVICE_DISABLED",
            "domain": "googleapis.com",
            "metadata": {
                "service": "sheets.googleapis.com",
                "consumer": f"projects/{number}",
            },
        },
    ]
    return ApiError(403, message, "PERMISSION_DENIED", details)
