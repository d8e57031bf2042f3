"""Per-minute request quotas, as the Sheets API enforces them.

Defaults are the documented limits: 60 read and 60 write requests per minute per user
(here: per service-account email) and 300 per minute per project, counted in a sliding
60-second window; a batch request counts as one. A refused request is not counted. The
clock is injectable so tests need not sleep.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

from .auth import project_number
from .errors import ERROR_INFO_TYPE, ApiError

WINDOW = 60.0
DEFAULT_LIMITS = {
    ("read", "user"): 60,
    ("write", "user"): 60,
    ("read", "project"): 300,
    ("write", "project"): 300,
}
READ_METHODS = {
    "sheets.spreadsheets.get",
    "sheets.spreadsheets.getByDataFilter",
    "sheets.spreadsheets.values.get",
    "sheets.spreadsheets.values.batchGet",
    "sheets.spreadsheets.values.batchGetByDataFilter",
    "sheets.spreadsheets.developerMetadata.get",
    "sheets.spreadsheets.developerMetadata.search",
}


def kind_of(method_id: str) -> str:
    return "read" if method_id in READ_METHODS else "write"


class Quota:
    def __init__(
        self,
        limits: dict[tuple[str, str], int] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.limits = dict(DEFAULT_LIMITS)
        self.limits.update(limits or {})
        self.clock = clock
        self._hits: dict[tuple[str, str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()

    def charge(self, method_id: str, email: str, project: str) -> None:
        """Count one request, or raise the 429 Google answers when a limit is reached."""
        kind = kind_of(method_id)
        now = self.clock()
        with self._lock:
            keys = [("user", email), ("project", project)]
            for scope, who in keys:
                hits = self._hits[(kind, scope, who)]
                while hits and hits[0] <= now - WINDOW:
                    hits.popleft()
                if len(hits) >= self.limits[(kind, scope)]:
                    raise quota_error(kind, scope, project, self.limits[(kind, scope)])
            for scope, who in keys:
                self._hits[(kind, scope, who)].append(now)


def quota_error(kind: str, scope: str, project: str, limit: int) -> ApiError:
    noun = "Read" if kind == "read" else "Write"
    number = project_number(project)
    limit_text = f"{noun} requests per minute" + (" per user" if scope == "user" else "")
    message = (
        f"Quota exceeded for quota metric '{noun} requests' and limit '{limit_text}' of "
        f"service 'sheets.googleapis.com' for consumer 'project_number:{number}'."
    )
    detail = {
        "@type": ERROR_INFO_TYPE,
        "reason": "RATE_LIMIT_EXCEEDED",
        "domain": "googleapis.com",
        "metadata": {
            "quota_limit": f"{noun}RequestsPerMinutePer{'User' if scope == 'user' else 'Project'}",
            "quota_limit_value": str(limit),
            "quota_location": "global",
            "quota_metric": f"sheets.googleapis.com/{kind}_requests",
            "service": "sheets.googleapis.com",
            "consumer": f"projects/{number}",
        },
    }
    help_detail = {
        "@type": "type.googleapis.com/google.rpc.Help",
        "links": [
            {
                "description": "Request a higher quota limit.",
                "url": "https://cloud.google.com/docs/quotas/help/request_increase",
            }
        ],
    }
    return ApiError(429, message, "RESOURCE_EXHAUSTED", [detail, help_detail])
