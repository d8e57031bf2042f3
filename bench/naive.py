"""The naive baseline: the same busy cycle written the way most gspread scripts are.

Open the spreadsheet, read every row with ``worksheet.get_all_records()``, then update
each changed row with its own ``worksheet.update(...)`` call. It writes exactly the rows
sopsync's busy cycle changed, with the values sopsync wrote, through gspread and real
HTTP against the emulator (gspread's session mounted on the emulator's transport
adapter), so its requests are counted the same way as sopsync's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from bench.measure import is_read
from tests.emulator.transport import gspread_client

QUOTA_PER_MINUTE = 60
"""Google's default: 60 read and 60 write requests per minute per user, counted apart."""


@dataclass
class Naive:
    reads: int
    writes: int
    tokens: int
    wall: float

    @property
    def requests(self) -> int:
        return self.reads + self.writes

    @property
    def quota_minutes(self) -> float:
        """Minutes the requests take at the per-user quota (reads and writes in parallel)."""
        return max(self.reads, self.writes) / QUOTA_PER_MINUTE


def changed_rows(
    before: list[list[Any]], after: list[list[Any]], columns: range
) -> dict[int, list[Any]]:
    """Sheet row number -> the values in ``columns`` of each row whose values there changed."""
    out = {}
    for index, row in enumerate(after):
        old = before[index] if index < len(before) else []
        new_cells = [row[c] if c < len(row) else "" for c in columns]
        old_cells = [old[c] if c < len(old) else "" for c in columns]
        if new_cells != old_cells:
            out[index + 1] = ["" if v is None else v for v in new_cells]
    return out


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def run(emu: Any, key: str, spreadsheet: str, rows: dict[int, list[Any]], first_col: int) -> Naive:
    """One naive cycle: read everything, then one ``update`` per changed row."""
    client = gspread_client(key, emu.base_url)
    emu.reset_counters()
    wall0 = time.perf_counter()
    worksheet = client.open_by_key(spreadsheet).worksheet("Dokumen")
    worksheet.get_all_records()
    for number, values in sorted(rows.items()):
        first, last = _letter(first_col), _letter(first_col + len(values) - 1)
        worksheet.update([values], f"{first}{number}:{last}{number}")
    wall = time.perf_counter() - wall0
    counters = dict(emu.counters)
    tokens = counters.pop("token", 0)
    reads = sum(n for method, n in counters.items() if is_read(method))
    return Naive(reads, sum(counters.values()) - reads, tokens, wall)
