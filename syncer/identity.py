"""Document identity across staff edits that race with the worker's write.

A spreadsheet has no compare-and-set: if staff sort or insert rows between the
worker's read and its write, a new ID written "into row 7" lands on whatever
row is row 7 by then. Two fingerprints make that recoverable:

- a **claim** on a new record: the fingerprint (Prosedur, Judul) of the row the
  ID was meant for, kept until a later cycle sees the ID on that row;
- a **sidik** on every record: the fingerprint of its document's row as last
  read, so an ID overwritten by a misplaced write can be given back, and so
  that when staff copy a row with its ID the record keeps following its own
  row (the engine's ``decide_rows``; the fingerprint lives there).

Each cycle, before deciding, ``reconcile`` checks every pending claim. When
the ID sits on a row with another fingerprint while a row with the claimed
fingerprint still has no ID, the write went astray: the ID moves to the right
row and the wrong row gets back the ID it had (found by its sidik), or blank.
Worker cells that went astray need nothing special: every cycle recomputes
them from the records and rewrites what differs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from syncer.cells import text_of
from syncer.engine import Record, StaffRow, fingerprint

__all__ = ["Reconciled", "fingerprint", "reconcile"]


@dataclass(frozen=True)
class Reconciled:
    """The rows after their IDs are settled: what each carries, and which ID cells to write."""

    rows: list[StaffRow]
    """The rows with their IDs as they should be."""
    prints: list[str]
    """Each row's fingerprint (an ID is not part of it)."""
    id_writes: dict[int, str]
    """Index into ``rows`` -> the ID cell to write ("" to blank a wrongly filled cell)."""
    records: dict[str, Record]
    """Records whose claims proved moot (their row was edited or deleted) cleared.

    A confirmed claim is left in place, so that confirming costs no write; the
    cycle clears it with the record's next change."""
    cleared: frozenset[str] = frozenset()
    """IDs whose record had its claim cleared here."""


def reconcile(
    rows: Sequence[StaffRow],
    records: Mapping[str, Record],
    prints: list[str] | None = None,
    ids: Sequence[str] | None = None,
) -> Reconciled:
    """``prints`` and ``ids``: each row's fingerprint and ID as text, when the caller has them."""
    prints = [fingerprint(r) for r in rows] if prints is None else prints
    ids = [text_of(r.id) for r in rows] if ids is None else ids
    settled = dict(records)
    print_on = dict(zip(ids, prints, strict=True)).get  # an ID on several rows: its last
    pending = {d: r for d, r in records.items() if r.claim and print_on(d) != r.claim}
    if pending:  # an ID on several rows may have its claimed row among the others
        on_rows = set(zip(ids, prints, strict=True))
        pending = {d: r for d, r in pending.items() if (d, r.claim) not in on_rows}
    if not pending:  # every claim confirmed where it stands: nothing to settle
        return Reconciled(list(rows), prints, {}, settled)
    rows_by_print: dict[str, list[int]] = {}
    for i, p in enumerate(prints):
        rows_by_print.setdefault(p, []).append(i)

    def candidates(doc_id: str) -> list[int]:
        claim = pending[doc_id].claim
        return [
            i
            for i in rows_by_print.get(claim, ())
            if ids[i] != doc_id and (not ids[i] or ids[i] in pending)
        ]

    # No row is waiting for this ID: staff edited or deleted its row; keep it where it is.
    # A row waits while its own ID is pending; once that claim is cleared it waits no more,
    # so clearing goes on until no claim is left without a row: the next cycle has no
    # claim left to clear, and writes nothing more.
    cleared: set[str] = set()
    while moot := [d for d in pending if not candidates(d)]:
        for doc_id in moot:
            settled[doc_id] = replace(pending.pop(doc_id), claim="")
        cleared.update(moot)
    placed: dict[int, str] = {}
    for doc_id in sorted(pending):
        free = [i for i in candidates(doc_id) if i not in placed]
        if free:
            placed[free[0]] = doc_id
    id_writes = dict(placed)
    final = [placed.get(i, x) for i, x in enumerate(ids)]
    for i, x in enumerate(ids):
        if x in pending and i not in placed:  # a misplaced write overwrote this row's ID
            id_writes[i] = final[i] = _previous_id(prints[i], records, set(final))
    fixed = [replace(row, id=id_writes[i]) if i in id_writes else row for i, row in enumerate(rows)]
    return Reconciled(fixed, prints, id_writes, settled, frozenset(cleared))


def _previous_id(print_: str, records: Mapping[str, Record], on_sheet: set[str]) -> str:
    """The ID a wrongly overwritten row had: the one missing document with its fingerprint."""
    matches = [
        doc_id
        for doc_id, record in records.items()
        if record.sidik == print_ and doc_id not in on_sheet and not record.claim
    ]
    return matches[0] if len(matches) == 1 else ""
