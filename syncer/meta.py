"""The state tab's key→value area: what the worker remembers about the sheet itself.

Two columns (``Kunci``, ``Nilai``) beside the records, read in the cycle's one
read and upserted in its one write. Keys in use:

- ``sheet:<tab>``: a tab's id (Google), so the read need not ask for the layout;
- ``token``: the id of the write marker (Google: see ``backends.google.plan``);
- ``records``: how many records the state tab should hold, to notice one lost;
- ``digest:<tab>``: a worker tab's content as last written, to rewrite it only
  when it changes without reading it;
- ``layout:<tab>``: the column formats and dropdowns last applied by ``init``
  (a worker tab: its look, widths and hidden columns);
- ``widths:<tab>``: the column widths ``init`` last gave a tab, so that it can tell
  a width it gave from one staff chose;
- ``tabs``: the layout's order of tabs when ``init`` last put them in it;
- ``choices``: where the Langkah dropdowns point (``views.choices_digest``), so the cycle
  points them anew only when the SOP tab's steps moved (blank: point them all anew);
- ``refreshed:Kinerja``: when the Kinerja tab was last refreshed (``monitoring.refresh``).

Values are text. Another module may add its keys (SOP versions in use): read them
from ``Snapshot.meta`` and put new values in ``Changes.meta``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from syncer.cells import text_of
from syncer.contract import META_COLUMNS, column_map

TOKEN = "token"
RECORDS = "records"
CHOICES = "choices"
TAB_ORDER = "tabs"


def sheet_key(title: str) -> str:
    return f"sheet:{title}"


def digest_key(title: str) -> str:
    return f"digest:{title}"


def layout_key(title: str) -> str:
    return f"layout:{title}"


def widths_key(title: str) -> str:
    return f"widths:{title}"


def digest(value: object) -> str:
    """A short stable digest of any JSON-able value (dates as their ISO text)."""
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2s(text.encode(), digest_size=8).hexdigest()


@dataclass(frozen=True)
class MetaArea:
    values: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    """Key -> 0-based index into the rows it was read from (the header excluded)."""
    end: int = 0
    """The index after the last row of the area: where a new key goes."""
    columns: tuple[int, int] | None = None
    """The 0-based Kunci and Nilai columns; None when the state tab has no such headers."""


def read_meta(headers: Sequence[object], rows: Sequence[Sequence[object]]) -> MetaArea:
    cols = column_map(headers)
    key_col, value_col = (cols.get(name.casefold()) for name in META_COLUMNS)
    if key_col is None or value_col is None:
        return MetaArea()
    values: dict[str, str] = {}
    where: dict[str, int] = {}
    end = 0
    for index, row in enumerate(rows):
        key = text_of(row[key_col]) if key_col < len(row) else ""
        if not key:
            continue
        values[key] = text_of(row[value_col]) if value_col < len(row) else ""
        where[key] = index
        end = index + 1
    return MetaArea(values, where, end, (key_col, value_col))


def placed(area: MetaArea, updates: dict[str, str]) -> list[tuple[int, str, str]]:
    """(row index, key, value) of each update: a known key in place, a new one below the area."""
    out: list[tuple[int, str, str]] = []
    end = area.end
    for key, value in updates.items():
        row = area.rows.get(key)
        if row is None:
            row, end = end, end + 1
        out.append((row, key, value))
    return out
