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
- ``refreshed:Kinerja``: when the Kinerja tab was last refreshed (``monitoring.refresh``);
- ``versi:<sop>:<version>``: the steps of an SOP version documents in flight run on
  (``syncer.versions``).

Values are text. Another module may add its keys: read them from ``Snapshot.meta`` and
put new values in ``Changes.meta``; a key set to None is removed (its row is blanked, and
taken by the next new key).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
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
    """The key→value area of the state tab, as read."""

    values: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    """Key -> 0-based index into the rows it was read from (the header excluded)."""
    end: int = 0
    """The index after the last row of the area: where a new key goes when no row is free."""
    columns: tuple[int, int] | None = None
    """The 0-based Kunci and Nilai columns; None when the state tab has no such headers."""
    free: tuple[int, ...] = ()
    """Blank rows inside the area (a key removed): new keys go there first."""


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
    free = tuple(sorted(set(range(end)) - set(where.values())))
    return MetaArea(values, where, end, free=free, columns=(key_col, value_col))


def placed(area: MetaArea, updates: Mapping[str, str | None]) -> list[tuple[int, str, str]]:
    """(row index, key, value) of each update: a known key in place, a new one in a free row
    (one removed by this update included) or below the area; a removed key (None) blanked."""
    removed = [
        area.rows[key] for key, value in updates.items() if value is None and key in area.rows
    ]
    free = sorted([*area.free, *removed])
    end = area.end
    out: dict[int, tuple[str, str]] = {}
    for key, value in updates.items():
        if value is None:
            continue
        row = area.rows.get(key)
        if row is None:
            if free:
                row = free.pop(0)
            else:
                row, end = end, end + 1
        out[row] = (key, value)
    for row in removed:
        out.setdefault(row, ("", ""))
    return [(row, key, value) for row, (key, value) in sorted(out.items())]
