"""The Google Sheets backend, one module per job.

- ``transport``: HTTP, credentials, pacing, retries and what a failure means;
- ``values``: cell values and looks between the API and the cycle;
- ``plan``: a cycle's changes as batchUpdate bodies (split past 2 MB), the write marker;
- ``init``: the layout applied to a spreadsheet, repairs included;
- ``backend``: the cycle's read and write, and ``init``, on one spreadsheet.
"""

from __future__ import annotations

from syncer.backends.google.backend import GoogleBackend
from syncer.backends.google.plan import WRITE_LIMIT
from syncer.backends.google.transport import (
    API_HOST,
    RedirectAdapter,
    SheetsTransport,
    spreadsheet_id,
)
from syncer.backends.google.values import from_serial, to_serial

__all__ = [
    "API_HOST",
    "WRITE_LIMIT",
    "GoogleBackend",
    "RedirectAdapter",
    "SheetsTransport",
    "from_serial",
    "spreadsheet_id",
    "to_serial",
]
