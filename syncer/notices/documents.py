"""The open documents a cycle leaves: what notices are planned from.

A cycle fills one :class:`OpenDocument` per document at a step (not Selesai),
from the state it decided (:func:`open_documents`). Notices are derived from
this state, not from the cycle's transitions: a move whose write was applied
but whose answer was lost is still told exactly once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sop_models import Done
from syncer.cells import text_of
from syncer.contract import Status
from syncer.engine import Decisions, Rules, StaffRow, pinned


@dataclass(frozen=True, slots=True)
class OpenDocument:
    """A document waiting for someone, as notices tell of it."""

    id: str
    judul: str
    procedure: str
    """The SOP's code: ``rka``."""
    procedure_title: str
    """``Penyusunan RKA``."""
    step: int
    activity: str
    role: str
    """The step's actor role, as in the catalog: ``Sekcam``."""
    pelaksana: str
    """The Pelaksana cell at the cycle's time: ``Camat — Plh. Siti Aminah``."""
    since: datetime
    """When the document arrived at this step."""
    due: datetime | None
    """Tenggat; None when the step has no standard time."""
    status: Status
    late_minutes: float = 0.0
    """Working minutes past Tenggat at the cycle's time (0 when not late)."""
    lateness: str = ""
    """How late in words, as the row's Pesan says it (``1 hari 2 jam``); "" when not late."""


def open_documents(
    rules: Rules, rows: Sequence[StaffRow], decisions: Decisions
) -> list[OpenDocument]:
    """The documents on the sheet's rows that are at a step, as the cycle decided them (their
    Tenggat and lateness at the cycle's clock are the engine's: nothing is computed again)."""
    found: list[OpenDocument] = []
    seen: set[str] = set()  # a copied row carries its document's record too
    for row, outcome in zip(rows, decisions.outcomes, strict=True):
        record = outcome.record
        status = outcome.cells.status
        if record is None or isinstance(record.step, Done) or status is None or record.id in seen:
            continue
        proc = pinned(rules, record)  # the version it runs on (DESIGN §9)
        if isinstance(proc, str):
            continue
        seen.add(record.id)
        step = proc.step(record.step)
        cells = outcome.cells  # the engine's Tenggat and lateness of the recorded step
        found.append(
            OpenDocument(
                id=record.id,
                judul=text_of(row.judul),
                procedure=proc.code,
                procedure_title=proc.title,
                step=record.step,
                activity=step.activity,
                role=step.actor,
                pelaksana=cells.pelaksana or step.actor,
                since=record.since,
                due=cells.tenggat,
                status=status,
                late_minutes=cells.late_minutes,
                lateness=cells.lateness if cells.late_minutes else "",
            )
        )
    return found
