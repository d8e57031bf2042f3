"""The peers: the same busy cycle's cell changes made by a gspread script, two ways.

Both open the spreadsheet and read every row with ``worksheet.get_all_records()``; then
the **naive** script (the common case) updates each changed row with its own
``worksheet.update(...)`` call, and the **batched** one sends all of them in one
``worksheet.batch_update(...)``. They write exactly the Dokumen cells sopsync's busy
cycle changed, with the values sopsync wrote (not its records or Riwayat rows), through
gspread and real HTTP against the emulator (gspread's session mounted on the emulator's
transport adapter), in a child process (``bench.child peer``) so that their CPU is
their own; the emulator counts their requests as it counts sopsync's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.measure import is_read, run_child

QUOTA_PER_MINUTE = 60
"""Google's default: 60 read and 60 write requests per minute per user, counted apart."""


@dataclass
class Naive:
    reads: int
    writes: int
    tokens: int
    wall: float
    cpu: float
    """The script's own CPU (its imports apart)."""
    wall_no_wait: float
    """Wall time without waiting for the server's answers."""

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


PEERS = ("naive", "batched")
TIMEOUT = 600.0
"""gspread's per-request timeout: generous, for a slow emulator."""


def script(base_url: str, key: str, spreadsheet: str, rows_file: str, first: int, how: str) -> None:
    """One peer cycle (in ``bench.child``): read everything, then write the changed rows."""
    from tests.emulator.transport import gspread_client

    rows = {int(k): v for k, v in json.loads(Path(rows_file).read_text()).items()}
    client = gspread_client(key, base_url, timeout=TIMEOUT)
    worksheet = client.open_by_key(spreadsheet).worksheet("Dokumen")
    worksheet.get_all_records()
    ranges = [
        (f"{_letter(first)}{n}:{_letter(first + len(values) - 1)}{n}", values)
        for n, values in sorted(rows.items())
    ]
    if how == "naive":
        for where, values in ranges:
            worksheet.update([values], where)
    elif ranges:
        worksheet.batch_update([{"range": where, "values": [values]} for where, values in ranges])


def run(
    emu: Any,
    key: str,
    spreadsheet: str,
    rows: dict[int, list[Any]],
    first_col: int,
    how: str,
    folder: Path,
) -> Naive:
    """One peer cycle in a child process; its requests as the emulator counted them."""
    rows_file = folder / f"peer-{how}-rows.json"
    rows_file.write_text(json.dumps(rows, default=str))
    emu.reset_counters()
    child = run_child("peer", how, emu.base_url, key, spreadsheet, rows_file, first_col)
    counters = dict(emu.counters)
    tokens = counters.pop("token", 0)
    reads = sum(n for method, n in counters.items() if is_read(method))
    result = child.result
    return Naive(
        reads,
        sum(counters.values()) - reads,
        tokens,
        result["cycle"]["wall"],
        result["cycle"]["cpu"],
        result["cycle"]["wall"] - result["server_wait"],
    )
