"""The transition engine (DESIGN §2): pure rules, no I/O, the clock passed in.

``decide_rows`` takes every Dokumen row's staff values, the recorded states
and ``now``, and returns for each row its worker cells, its new recorded state
and the Riwayat entries to log. Backends and the cycle never decide anything.
"""

from __future__ import annotations

import hashlib
import operator
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum
from itertools import compress, repeat
from typing import TYPE_CHECKING, cast
from zoneinfo import ZoneInfo

from sop_models import Catalog, Done, Position, Procedure, Step, idtime
from sop_models.validation import name_key
from sop_models.version import Versions, label
from syncer import contract as c
from syncer.calendar import WorkingCalendar
from syncer.cells import (
    Answer,
    BadValue,
    Entered,
    formula_problem,
    is_blank,
    local,
    parse_langkah,
    same_cell,
    shown,
    text_of,
)
from syncer.contract import Status
from syncer.people import Directory

if TYPE_CHECKING:
    from syncer.versions import VersionReader


@dataclass(frozen=True)
class Rules:
    """What a cycle decides by: the SOPs, the working calendar, who holds each role."""

    catalog: Catalog
    calendar: WorkingCalendar
    due_soon_minutes: float = 60.0
    people: Directory = field(default_factory=Directory)
    """Who holds each role (the Pegawai tab over the configuration's ``[people]``)."""
    versions: Versions = field(default_factory=Versions)
    """Older versions of SOPs that documents in flight still run on (kept in the sheet)."""
    read_version: VersionReader | None = field(default=None, compare=False, repr=False)
    """How the cycle reads those versions back from the sheet (``syncer.versions``):
    validated, or as a process before validated them (``syncer.kept``); None: the former."""

    def person(self, actor: str, at: datetime) -> str:
        """Pelaksana as staff read it at ``at``: ``Camat — Plh. Siti Aminah``, or the role."""
        return self.people.pelaksana(actor, at)


@dataclass(frozen=True, slots=True)
class Record:
    """The worker's record of a document's last accepted state."""

    id: str
    procedure: str
    step: Position
    since: datetime
    came_from: int | None = None
    """The step it was accepted from (None: it started here)."""
    rejected: tuple[str, ...] = ()
    """Distinct rejected attempts at this step, each logged once (the last REJECTED_KEEP)."""
    sidik: str = ""
    """Fingerprint of the document's row as last read (see ``identity``)."""
    claim: str = ""
    """Fingerprint of the row a new ID was written into, until a cycle sees it there."""
    version: str = ""
    """The version of its SOP the document runs on (``Procedure.version``); "" on a record
    written before versions, which runs on the current one and is stamped with it."""
    alias: str = ""
    """A Langkah that still means the current step (``langkah_key``), until the document
    moves on: what the cell held when the document was migrated to a version that numbers
    the step otherwise; what moved it out of a decision step (``Ya``, or the number typed);
    the ``1`` it started at."""


@dataclass(frozen=True, slots=True)
class StaffRow:
    """A Dokumen row's staff cells as read, before they are checked."""

    row: int
    """The sheet row number, for messages about other rows."""
    id: object = None
    prosedur: object = None
    langkah: object = None
    judul: object = None
    catatan: object = None
    mulai: object = None
    """Not a staff cell: Mulai as the worker last wrote it there. It moves with its row when
    staff sort whole rows, and tells a document's row from a copy of it (``_followed``)."""

    @property
    def empty(self) -> bool:
        return (
            is_blank(self.prosedur)
            and is_blank(self.id)
            and is_blank(self.langkah)
            and is_blank(self.judul)
            and is_blank(self.catatan)
        )


STAFF_FIELDS = ("id", "prosedur", "langkah", "judul", "catatan")
"""StaffRow's cells in its own order: each is the contract column of that name."""


def staff_rows(headers: Sequence[object], values: Sequence[Sequence[object]]) -> list[StaffRow]:
    """Dokumen's rows (below its ``headers``) as staff fill them."""
    take = staff_cells(headers)
    return [StaffRow(n, *take(row)) for n, row in enumerate(values, start=2)]


def staff_cells(headers: Sequence[object]) -> Callable[[Sequence[object]], tuple[object, ...]]:
    """A Dokumen row's staff cells, in StaffRow's order, then its Mulai when it has one."""
    cols = c.column_map(headers)
    mulai = cols.get(c.header_key(c.MULAI))
    shown = [] if mulai is None else [mulai]
    return c.cells_of([*(cols[name] for name in STAFF_FIELDS), *shown])


def fingerprint(row: StaffRow) -> str:
    """What identifies a document to staff: its Prosedur and Judul (8 hex digits)."""
    text = f"{text_of(row.prosedur).casefold()}\x1f{text_of(row.judul).casefold()}"
    return hashlib.blake2s(text.encode(), digest_size=4).hexdigest()


@dataclass(frozen=True, slots=True)
class WorkerCells:
    """The cells the worker writes on a Dokumen row, from Kegiatan to Pesan."""

    kegiatan: str = ""
    pelaksana: str = ""
    mulai: datetime | None = None
    tenggat: datetime | None = None
    status: Status | None = None
    pesan: str = ""
    late: bool = False
    """The recorded step is past its Tenggat: Terlambat, or Tidak valid and late all the same."""
    late_minutes: float = 0.0
    """Working minutes past Tenggat (late rows only): Ringkasan lists the latest first."""
    lateness: str = ""
    """How late in words (late rows only): ``1 hari 2 jam``."""


class EntryKind(Enum):
    ACCEPTED = "accepted"
    """A transition (a start, a move, a return, Selesai): the ledger of record."""
    REJECTED = "rejected"
    """An attempt the rules refused; logged once per distinct value, changes nothing."""
    MIGRATED = "migrated"
    """A document renumbered onto the current version of its SOP (``sop migrate``): the
    ledger of record, but no move: the document stays at the same work, Mulai kept."""


MIGRATION_MARK = "migrasi SOP"
"""Riwayat's Keterangan of a migration starts with these words."""


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One Riwayat row: an accepted transition or a rejected attempt."""

    when: datetime
    id: str
    procedure: str
    source: Position | None
    """Where the document was (None: an accepted entry that started it)."""
    target: Position | None
    """Where it went (None: a rejected attempt, which goes nowhere)."""
    actor: str
    due: datetime | None
    note: str
    kind: EntryKind = EntryKind.ACCEPTED

    @property
    def accepted(self) -> bool:
        return self.kind is EntryKind.ACCEPTED


@dataclass(frozen=True, slots=True)
class Outcome:
    """What deciding one row gave: its worker cells, its record, its Riwayat lines, a new ID."""

    cells: WorkerCells
    record: Record | None = None
    history: tuple[HistoryEntry, ...] = ()
    new_id: str | None = None


def format_working(minutes: float, day_minutes: float) -> str:
    """A measured working time in words to the minute, ``day_minutes`` to a day: ``1 hari
    2 jam 5 menit``. Exact, unlike a Pesan's hourly words: a median a few minutes over its
    Mutu Baku must not read as equal to it."""
    days, rest = divmod(int(minutes + 1e-6), int(day_minutes))
    return _in_words(days, *divmod(rest, 60))


def working_words(days: int, minutes: float) -> str:
    """Whole working days and working minutes in words: ``1 hari 2 jam``, ``45 menit``.

    Minutes are shown only under an hour in all, so a late row's text changes at most
    hourly and an unchanged sheet is not rewritten every cycle.
    """
    total = int(minutes + 1e-6)
    if not days and total < 60:
        return _in_words(0, 0, total)
    return _in_words(days, total // 60, 0)


def _in_words(days: int, hours: int, minutes: int) -> str:
    units = ((days, "hari"), (hours, "jam"), (minutes, "menit"))
    return " ".join(f"{n} {unit}" for n, unit in units if n) or "kurang dari 1 menit"


def lateness(calendar: WorkingCalendar, due: datetime, now: datetime) -> str:
    """How late in words; a day is a working day of the days it covers (a Ramadan day is
    6.5 hours, another 7.5): ``WorkingCalendar.days_and_minutes``."""
    return working_words(*calendar.days_and_minutes(due, now))


def lateness_holds(calendar: WorkingCalendar, due: datetime, now: datetime) -> float:
    """Working minutes from ``now`` during which :func:`lateness` keeps its words: to the
    next minute while under an hour, else to the next hour or the next whole day."""
    days, minutes = calendar.days_and_minutes(due, now)
    if not days and minutes < 60:
        return 1 - minutes % 1
    return min(60 - minutes % 60, calendar.to_next_day(due, now))


STEADY_MARGIN = 1.0
"""Working minutes taken off every horizon of ``steady_until``, for rounding."""


def steady_until(rules: Rules, outcome: Outcome, now: datetime) -> datetime | None:
    """Until when the clock alone leaves what a row decided at ``now`` shows as it is (its
    Status, Pesan, how late it is); None when only another day can change it.

    What goes by the day (Pelaksana, "hari ini" in a Pesan, the IDs' year) is left to the
    caller: a cycle on another day decides every row anew. A lower bound: working time
    never runs faster than the wall clock, so a change N working minutes away is at least
    N minutes away, and a row decided again early shows the same.
    """
    cells, record = outcome.cells, outcome.record
    due = cells.tenggat
    if due is None or record is None:
        return None
    calendar = rules.calendar
    if now > due:
        return _after(now, lateness_holds(calendar, due, now))
    left = calendar.working_minutes(now, due)
    soon = min(rules.due_soon_minutes, calendar.working_minutes(record.since, due) / 2)
    if left < soon:
        return due  # Hampir tenggat until it is late
    return min(due, _after(now, left - soon))


def _after(now: datetime, minutes: float) -> datetime:
    return now + timedelta(minutes=max(minutes - STEADY_MARGIN, 0.0))


def _option(proc: Procedure, target: Position, rules: Rules, now: datetime, kind: str = "") -> str:
    if isinstance(target, Done):
        return str(target)
    step = proc.step(target)
    tag = f" ({kind})" if kind else ""
    return f"{target}{tag} — {rules.person(step.actor, now)}: {step.activity}"


def _choices(proc: Procedure, position: int, rules: Rules, now: datetime) -> list[str]:
    """What may be entered after ``position``, each with its activity and actor."""
    step = proc.step(position)
    if step.decision:
        ya = _option(proc, step.decision.ya, rules, now, "Ya")
        tidak = _option(proc, step.decision.tidak, rules, now, "Tidak")
        return [ya, tidak]
    (target,) = proc.next_steps(position)
    return [_option(proc, target, rules, now)]


def _options(proc: Procedure, position: int, rules: Rules, now: datetime) -> list[str]:
    """Where a document may go from ``position``: a decision's Tidak goes back."""
    choices = _choices(proc, position, rules, now)
    if proc.step(position).decision:
        ya, tidak = choices
        return [ya, f"kembali ke {tidak}"]
    return choices


def allowed_next(proc: Procedure, position: int, rules: Rules, now: datetime) -> str:
    return f"Langkah berikutnya: {'; atau '.join(_options(proc, position, rules, now))}."


REJECTED_KEEP = 20
"""Distinct rejected attempts remembered per step, so each is logged once."""


class _Rejected(Exception):
    """A staff value the rules do not accept; the message is for Pesan."""


def _resolve(rules: Rules, prosedur: object) -> Procedure:
    if is_blank(prosedur):
        raise _Rejected(
            "Prosedur belum diisi. Isi kode atau nama SOP (mis. rka atau Penyusunan RKA)."
        )
    name = text_of(prosedur)
    proc = rules.catalog.lookup(name) if isinstance(prosedur, str) else None
    if proc is not None:
        return proc
    if formula := formula_problem(prosedur, "Prosedur"):
        raise _Rejected(f"{formula} Isi kode atau nama SOP (mis. rka atau Penyusunan RKA).")
    hints = rules.catalog.suggest(name)
    if hints:
        hint = ", ".join(f"{p.code} ({p.title})" for p in hints)
        raise _Rejected(f"Prosedur {shown(prosedur)} tidak dikenal. Mungkin yang dimaksud: {hint}.")
    codes = ", ".join(p.code for p in rules.catalog)
    raise _Rejected(f"Prosedur {shown(prosedur)} tidak dikenal. Pilih salah satu: {codes}.")


def _requested(
    proc: Procedure, langkah: object, blank: Position | str, record: Record | None
) -> Position:
    """The position staff entered on a row recorded as ``record`` (None: a new row).

    ``blank`` is what an empty cell means, or why it is refused.
    """
    parsed = parse_langkah(langkah)
    if isinstance(parsed, BadValue):
        raise _Rejected(parsed.reason)
    if parsed is None:
        if isinstance(blank, str):
            raise _Rejected(blank)
        return blank
    if isinstance(parsed, Answer):
        return _answered(proc, parsed, record)
    if isinstance(parsed, Done):
        return parsed
    if not proc.has_step(parsed):
        raise _Rejected(f"Langkah {parsed} tidak ada di SOP {proc.title} (langkah 1–{proc.last}).")
    return parsed


def _answered(proc: Procedure, answer: Answer, record: Record | None) -> Position:
    """The step a decision's answer leads to; anywhere else the answer means nothing.

    An answer stays in the cell after it is accepted: there it still means the
    step it led to, so that the next cycle does not answer the next decision too
    (rka's steps 6 and 7 are both decisions). A record remembers what moved it
    (``Record.alias``); one that does not (written before it did, rebuilt from
    Riwayat) takes an answer that led to its step for that answer.
    """
    if (
        record is not None
        and not record.alias
        and _answer_from(proc, record.came_from, answer) == record.step
    ):
        return record.step
    at = record.step if record is not None else None
    target = _answer_from(proc, at, answer)
    if target is None:
        where = f" Langkah {at} bukan langkah keputusan." if isinstance(at, int) else ""
        raise _Rejected(f'"{answer}" hanya dapat diisi pada langkah keputusan.{where}')
    return target


def _answer_from(proc: Procedure, number: Position | None, answer: Answer) -> int | None:
    """Where ``answer`` leads from step ``number``; None unless that is a decision step."""
    if not isinstance(number, int) or not proc.has_step(number):
        return None
    decision = proc.step(number).decision
    if decision is None:
        return None
    return decision.ya if answer is Answer.YA else decision.tidak


def due_of(rules: Rules, step: Step, since: datetime) -> datetime | None:
    return rules.calendar.add(since, step.duration) if step.duration else None


_PAST_DUE = "Terlambat: tenggat sudah lewat."
"""A Terlambat row's Pesan when less than a working minute late (past due after hours)."""


def _current_cells(rules: Rules, proc: Procedure, record: Record, now: datetime) -> WorkerCells:
    """Worker cells of a document whose record is valid, status from the clock."""
    if isinstance(record.step, Done):
        return WorkerCells(status=Status.SELESAI, mulai=record.since)
    step = proc.step(record.step)
    due = due_of(rules, step, record.since)
    notes: list[str] = []
    status = Status.BERJALAN
    late = 0.0
    words = ""
    if due is not None:
        calendar = rules.calendar
        if now > due:
            status = Status.TERLAMBAT
            late = calendar.working_minutes(due, now)
            words = lateness(calendar, due, now)
            notes.append(f"Terlambat {words}." if late >= 1 else _PAST_DUE)
        else:
            left = calendar.working_minutes(now, due)
            if (
                left < rules.due_soon_minutes
                and left < calendar.working_minutes(record.since, due) / 2
            ):
                status = Status.HAMPIR_TENGGAT
                notes.append(f"Tenggat {_moment(due, now, rules)}.")
    if record.came_from is not None and record.came_from > record.step:
        notes.append(
            f"Dokumen dikembalikan ke langkah {record.step} ({step.actor})"
            f" dari langkah {record.came_from}."
        )
    return WorkerCells(
        kegiatan=step.activity,
        pelaksana=rules.person(step.actor, now),
        mulai=record.since,
        tenggat=due,
        status=status,
        pesan=" ".join(notes),
        late=status is Status.TERLAMBAT,
        late_minutes=late,
        lateness=words,
    )


def _moment(due: datetime, now: datetime, rules: Rules) -> str:
    """``hari ini pukul 13.20`` today, else ``1 Desember 2026 pukul 07.30``."""
    zone = rules.calendar.zone
    local_due = due.astimezone(zone)
    if local_due.date() == now.astimezone(zone).date():
        return f"hari ini {idtime.pukul(local_due)}"
    return idtime.waktu(local_due)


def _invalid(rules: Rules, cells: WorkerCells, message: str, record: Record) -> WorkerCells:
    """Tidak valid; a late document stays late, and its Pesan says so (DESIGN §2 Status)."""
    if cells.late and cells.tenggat is not None:
        due = idtime.waktu(cells.tenggat, rules.calendar.zone)
        if cells.late_minutes >= 1:
            note = f"Dokumen terlambat {cells.lateness} di langkah {record.step} (tenggat {due})."
        else:
            note = f"Dokumen terlambat di langkah {record.step}: tenggat {due} sudah lewat."
        message = f"{message} {note}"
    return replace(cells, status=Status.TIDAK_VALID, pesan=message)


def _entry(
    proc: Procedure, record: Record, source: Position | None, cells: WorkerCells, note: str
) -> HistoryEntry:
    """The Riwayat row of ``record`` accepted at its step: who has it and when it is due
    are what its row shows from then (``cells``)."""
    return HistoryEntry(
        record.since,
        record.id,
        proc.code,
        source,
        record.step,
        cells.pelaksana,
        cells.tenggat,
        note,
    )


def decide_new(rules: Rules, row: StaffRow, doc_id: str, now: datetime) -> Outcome:
    """A row the worker has no record of: accepted at its Langkah (blank = 1)."""
    if formula := formula_problem(row.id, "ID"):  # no document's ID: what it computes moves
        pesan = f"{formula} Kosongkan ID agar sopsync memberi ID baru."
        return Outcome(WorkerCells(status=Status.TIDAK_VALID, pesan=pesan))
    try:
        proc = _resolve(rules, row.prosedur)
    except _Rejected as exc:
        return Outcome(WorkerCells(status=Status.TIDAK_VALID, pesan=str(exc)))
    try:
        target = _requested(proc, row.langkah, 1, None)
    except _Rejected as exc:
        allowed = f"Isi nomor langkah 1–{proc.last} atau Selesai; jika kosong, dianggap langkah 1."
        return Outcome(WorkerCells(status=Status.TIDAK_VALID, pesan=f"{exc} {allowed}"))
    typed = langkah_key(row.langkah) if target == 1 else ""
    alias = "" if typed == "kosong" else typed  # a 1 typed, cleared later: Tidak valid
    record = Record(doc_id, proc.code, target, now, version=proc.version, alias=alias)
    if isinstance(target, Done):
        note = "dicatat langsung sebagai Selesai"
    else:
        note = "mulai" if target == 1 else f"mulai di langkah {target} (sudah berjalan)"
    cells = _current_cells(rules, proc, record, now)
    return Outcome(cells, record, (_entry(proc, record, None, cells, note),))


def pinned(rules: Rules, record: Record) -> Procedure | str:
    """The SOP a document runs on: the version it started on (DESIGN §9); a finished
    document, or one recorded before versions, the current one. A text: why none can be
    used, as the Pesan of its row."""
    current = rules.catalog.procedures.get(record.procedure)
    proc = current
    if isinstance(record.step, int) and record.version:
        if current is None or current.version != record.version:
            proc = rules.versions.get(record.procedure, record.version)
        if proc is None and (current is not None or _damaged(rules, record)):
            why = _damaged(rules, record)
            kept = f"tidak dapat dibaca ({why})" if why else "tidak tersimpan lagi"
            return (
                f"Dokumen berjalan pada SOP {record.procedure} versi {record.version}, yang"
                f" langkah-langkahnya {kept} di tab {c.STATE}. Hubungi admin sopsync:"
                " dokumen dapat dipindahkan ke versi berlaku dengan sopsync sop migrate"
                f" {record.procedure}."
            )
    if proc is None or (isinstance(record.step, int) and not proc.has_step(record.step)):
        return (
            f"Dokumen tercatat di langkah {record.step} SOP {record.procedure}, yang tidak ada"
            " lagi di katalog SOP. Hubungi admin sopsync."
        )
    return proc


def _damaged(rules: Rules, record: Record) -> str:
    return rules.versions.damaged.get((record.procedure, record.version), "")


def decide_known(rules: Rules, row: StaffRow, record: Record, now: datetime) -> Outcome:
    """A row with a record: the transition rules of DESIGN §2, on the document's version."""
    proc = pinned(rules, record)
    if isinstance(proc, str):
        return Outcome(WorkerCells(status=Status.TIDAK_VALID, pesan=proc), record)
    if not record.version and isinstance(record.step, int):
        record = replace(record, version=proc.version)
    outcome = _decide_known(rules, proc, row, record, now)
    note = older_version_note(rules, proc, outcome.record)
    if not note:
        return outcome
    cells = replace(outcome.cells, pesan=f"{outcome.cells.pesan} {note}".strip())
    return replace(outcome, cells=cells)


def older_version_note(rules: Rules, proc: Procedure, record: Record | None) -> str:
    """What a document in flight on an older version says once in its Pesan: which version
    it follows until Selesai, and which is in force (DESIGN §9)."""
    if record is None or not isinstance(record.step, int):
        return ""
    current = rules.catalog.procedures.get(proc.code)
    if current is not None and current.version == proc.version:
        return ""
    if current is None:
        return (
            f"Dokumen mengikuti SOP versi {label(proc)}, yang tidak ada lagi di katalog,"
            " sampai Selesai."
        )
    return (
        f"Dokumen mengikuti SOP versi lama {label(proc)} sampai Selesai; versi berlaku:"
        f" {label(current)}. Admin dapat memindahkannya dengan sopsync sop migrate."
    )


def _decide_known(
    rules: Rules, proc: Procedure, row: StaffRow, record: Record, now: datetime
) -> Outcome:
    def current() -> WorkerCells:
        """The cells as the record stands (not needed when a move is accepted)."""
        return _current_cells(rules, proc, record, now)

    if not _names(rules, row.prosedur, proc):
        typed = "(kosong)" if is_blank(row.prosedur) else shown(row.prosedur)
        message = (
            f"Prosedur diganti menjadi {typed}"
            f", padahal dokumen sudah dimulai sebagai {proc.title}. Prosedur tidak dapat diganti:"
            f' kembalikan ke "{proc.code}", atau buat baris baru untuk dokumen lain.'
        )
        return _reject(rules, proc, record, row, current(), message, now)
    if record.alias and langkah_key(row.langkah) == record.alias:
        # still what moved it (or the step as numbered before a migration)
        return Outcome(_answered_already(proc, record, row, current()), record)
    # Blank means step 1 on a row started blank, as on a new row: the worker never fills
    # Langkah in. A Langkah cleared is Tidak valid.
    blank: Position | str = 1
    if record.step != 1 or record.alias not in ("", "kosong"):
        blank = f"Langkah dikosongkan; dokumen tercatat di langkah {record.step}."
    try:
        target = _requested(proc, row.langkah, blank, record)
    except _Rejected as exc:
        message = _with_allowed(str(exc), proc, record, rules, now)
        return _reject(rules, proc, record, row, current(), message, now)
    if target == record.step:
        if target == 1 and not record.alias and langkah_key(row.langkah) == "1":
            record = replace(record, alias="1")  # a 1 typed on a row started blank
        return Outcome(_answered_already(proc, record, row, current()), record)
    if isinstance(record.step, Done):
        message = (
            f"Langkah diisi {target}, padahal dokumen sudah Selesai; langkahnya tidak"
            ' dapat diubah lagi. Kembalikan Langkah ke "Selesai".'
        )
        return _reject(rules, proc, record, row, current(), message, now)
    step = proc.step(record.step)
    if target not in proc.next_steps(record.step):
        if isinstance(target, Done):
            refused = f"Dokumen belum dapat dinyatakan Selesai pada langkah {record.step}."
        else:
            refused = f"Langkah {target} tidak dapat dipilih setelah langkah {record.step}."
        message = f"{refused} {allowed_next(proc, record.step, rules, now)}"
        return _reject(rules, proc, record, row, current(), message, now)
    if isinstance(target, Done):
        note = "dinyatakan Selesai"
    elif step.decision and target == step.decision.tidak:
        note = f"Tidak: dikembalikan ke langkah {target}"
    elif step.decision:
        note = f"Ya: lanjut ke langkah {target}"
    else:
        note = f"lanjut ke langkah {target}"
    # Out of a decision, what moved it is remembered: an answer stays in the cell after it
    # is accepted, where it still means the step it led to; a number typed does not.
    typed = langkah_key(row.langkah) if step.decision else ""
    new = replace(record, step=target, since=now, came_from=record.step, rejected=(), alias=typed)
    cells = _current_cells(rules, proc, new, now)
    entry = _entry(proc, new, record.step, cells, note)
    return Outcome(_answered_already(proc, new, row, cells), new, (entry,))


def langkah_key(langkah: object) -> str:
    """A Langkah as a record remembers it (``Record.alias``): ``4``, ``Ya``, ``kosong``;
    "" for a cell that cannot be read."""
    parsed = parse_langkah(langkah)
    if parsed is None:
        return "kosong"
    return "" if isinstance(parsed, BadValue) else str(parsed)


def _names(rules: Rules, prosedur: object, proc: Procedure) -> bool:
    """Whether a Prosedur cell names ``proc`` (by the catalog's names, or by its own when
    the catalog no longer has it: a kept version's)."""
    found = _resolve_quiet(rules, prosedur)
    if found is not None:
        return found.code == proc.code
    if proc.code in rules.catalog.procedures or not isinstance(prosedur, str):
        return False
    return name_key(prosedur) in {name_key(n) for n in (proc.code, proc.title, *proc.aliases)}


def _answered_already(
    proc: Procedure, record: Record, row: StaffRow, current: WorkerCells
) -> WorkerCells:
    """At a decision step reached by an answer still in the cell, say how to answer this one."""
    if not isinstance(record.step, int) or record.came_from is None:
        return current
    if proc.step(record.step).decision is None:
        return current
    answer = parse_langkah(row.langkah)
    if not isinstance(answer, Answer):
        return current
    options = " atau ".join(
        f"{target} ({kind})"
        for target, kind in zip(proc.next_steps(record.step), Answer, strict=True)
    )
    hint = (
        f'"{answer}" di kolom Langkah adalah jawaban untuk langkah {record.came_from}.'
        f" Untuk menjawab langkah {record.step}, isi {options}."
    )
    return replace(current, pesan=f"{current.pesan} {hint}".strip())


def _with_allowed(reason: str, proc: Procedure, record: Record, rules: Rules, now: datetime) -> str:
    """A rejection plus what staff may enter instead."""
    if isinstance(record.step, Done):
        return f'{reason} Dokumen sudah Selesai: kembalikan Langkah ke "Selesai".'
    here = f"Isi kembali {record.step} (langkah saat ini)"
    choices = _choices(proc, record.step, rules, now)
    if len(choices) == 1:
        return f"{reason} {here} atau isi {choices[0]}."
    return f"{reason} {here}, atau isi {', atau '.join(choices)}."


def _resolve_quiet(rules: Rules, prosedur: object) -> Procedure | None:
    """The procedure ``_resolve`` would find, without composing its rejection message."""
    if not isinstance(prosedur, str):
        return None
    return rules.catalog.lookup(prosedur)  # its key ignores spacing, as text_of would


def _reject(
    rules: Rules,
    proc: Procedure,
    record: Record,
    row: StaffRow,
    current: WorkerCells,
    message: str,
    now: datetime,
) -> Outcome:
    """Tidak valid: the record stays; each distinct attempt at this step is logged once."""
    attempt = f"{text_of(row.prosedur)} | {_attempted(row.langkah)}"[:200]
    if attempt in record.rejected:
        return Outcome(_invalid(rules, current, message, record), record)
    remembered = (*record.rejected, attempt)[-REJECTED_KEEP:]
    entry = HistoryEntry(
        now,
        record.id,
        proc.code,
        record.step,
        None,
        "",
        None,
        f"ditolak: {message}",
        EntryKind.REJECTED,
    )
    cells = _invalid(rules, current, message, record)
    return Outcome(cells, replace(record, rejected=remembered), (entry,))


def _attempted(langkah: object) -> str:
    """A Langkah as an attempt is remembered: ``ya``, ``Ya`` and `` YA`` are one attempt."""
    parsed = parse_langkah(langkah)
    return str(parsed) if isinstance(parsed, Entered) else text_of(langkah)


# --- the whole sheet: IDs, duplicates, new documents ---------------------------------------


_SERIAL = re.compile(r"^(?P<prefix>.+)-(?P<year>\d{4})-(?P<n>\d{1,9})$")


class IdMaker:
    """Readable unique IDs ``RKA-2026-0007``: the next number per prefix and year."""

    def __init__(self, taken: Iterable[str]):
        self._taken = {t.casefold() for t in taken}
        self._last: Counter[tuple[str, str]] = Counter()
        for text in self._taken:
            match = _SERIAL.match(text)
            if match:
                key = (match["prefix"], match["year"])
                self._last[key] = max(self._last[key], int(match["n"]))

    def make(self, prefix: str, year: int) -> str:
        key = (prefix.casefold(), str(year))
        while True:
            self._last[key] += 1
            candidate = f"{prefix}-{year}-{self._last[key]:04d}"
            if candidate.casefold() not in self._taken:
                self._taken.add(candidate.casefold())
                return candidate


@dataclass(frozen=True)
class Decisions:
    """Every row's outcome of a cycle, and the records after it."""

    outcomes: list[Outcome]
    records: dict[str, Record]
    """Every record after the cycle, including those of documents on no row."""
    shared: frozenset[int] = frozenset()
    """Rows whose ID another row carries too."""


def decide_rows(
    rules: Rules,
    rows: Sequence[StaffRow],
    records: Mapping[str, Record],
    now: datetime,
    ids: Sequence[str] | None = None,
    known: Sequence[Outcome | None] | None = None,
) -> Decisions:
    """Decide every row: its outcome, and every record after the cycle.

    ``ids``: each row's ID as text (``text_of``), when the caller has them. ``known``: the
    outcome of rows the caller knows deciding again gives at ``now`` (a ``run``'s rows that
    did not change, ``syncer.last_cycle``); None for the rest. Rows sharing an ID are
    decided whatever is known, and so is the numbering of new IDs: every row that takes a
    number takes it in the sheet's order.
    """
    ids = [text_of(r.id) for r in rows] if ids is None else ids
    keys = list(map(str.casefold, ids))
    counts = Counter(keys)
    groups: dict[str, list[int]] = {}
    blank = counts.get("", 0)
    if len(keys) - blank > len(counts) - (blank > 0):  # some ID is on two rows or more
        for index, key in enumerate(keys):
            if key and counts[key] > 1:
                groups.setdefault(key, []).append(index)
    followed = {
        key: _followed(rows, ids, group, records, rules.calendar.zone)
        for key, group in groups.items()
    }
    numbers = _Numbers(rules, rows, ids, records, now, known)
    new_records = dict(records)
    outcomes: list[Outcome | None] = [None] * len(rows) if known is None else list(known)
    grouped = {i for group in groups.values() for i in group}
    todo = list(compress(range(len(outcomes)), map(operator.is_, outcomes, repeat(None))))
    if grouped:
        todo = sorted(grouped.union(todo))
    for index in todo:
        row, doc_id = rows[index], ids[index]
        key = doc_id.casefold()
        if row.empty:
            outcome = Outcome(WorkerCells())
        elif not doc_id:
            outcome = _decide_blank_id(rules, row, numbers.before(index), now)
        elif key in followed:
            owner = followed[key]
            if owner is not None and owner[0] == index:
                outcome = decide_known(rules, row, owner[1], now)
            else:
                outcome = _copy(row, doc_id, [rows[i].row for i in groups[key]], owner, rows)
        elif doc_id in records:
            outcome = decide_known(rules, row, records[doc_id], now)
        else:
            outcome = decide_new(rules, row, doc_id, now)
        if outcome.record is not None:
            new_records[outcome.record.id] = outcome.record
        outcomes[index] = outcome
    decided = cast(list[Outcome], outcomes)  # every row known or decided
    return Decisions(decided, new_records, frozenset(grouped))


class _Numbers:
    """New IDs in the sheet's order (``IdMaker``), made when a row first needs one.

    A row whose outcome is known is not decided again, but a row without an ID that names a
    known SOP took a number when it was: it takes it again, so that the rows decided after
    it get the numbers a cycle deciding every row gives them.
    """

    def __init__(
        self,
        rules: Rules,
        rows: Sequence[StaffRow],
        ids: Sequence[str],
        records: Mapping[str, Record],
        now: datetime,
        known: Sequence[Outcome | None] | None,
    ):
        self.rules, self.rows, self.ids, self.records, self.now = rules, rows, ids, records, now
        self.known = known
        self.maker: IdMaker | None = None
        self.taken_up_to = 0
        """Rows before this index have taken their numbers."""

    def before(self, index: int) -> IdMaker:
        """The maker for row ``index``: every row above it has taken its number."""
        if self.maker is None:
            self.maker = IdMaker([*self.ids, *self.records])
        if self.known is not None:
            for i in range(self.taken_up_to, index):
                if not self.ids[i] and self.known[i] is not None and not self.rows[i].empty:
                    proc = _resolve_quiet(self.rules, self.rows[i].prosedur)
                    if proc is not None:
                        self.maker.make(proc.prefix, self.now.year)
        self.taken_up_to = index + 1
        return self.maker


def _decide_blank_id(rules: Rules, row: StaffRow, maker: IdMaker, now: datetime) -> Outcome:
    proc = _resolve_quiet(rules, row.prosedur)
    if proc is None:
        return decide_new(rules, row, "", now)
    outcome = decide_new(rules, row, maker.make(proc.prefix, now.year), now)
    if outcome.record is None:
        return outcome
    return replace(outcome, new_id=outcome.record.id)


def _followed(
    rows: Sequence[StaffRow],
    ids: Sequence[str],
    group: list[int],
    records: Mapping[str, Record],
    zone: ZoneInfo,
) -> tuple[int, Record] | None:
    """Of rows sharing an ID, the index of the one the document's record follows.

    That is the row with the record's fingerprint (sidik: its Prosedur and Judul
    as last read); among several (a row copied whole), or none, the one whose
    Mulai shows when the record's step began (the worker wrote it there, and it
    moves with its row when staff sort whole rows: a copy left behind while the
    document moved on shows another Mulai, or none; a sort of the staff columns
    alone leaves it behind, and two exact copies are then told apart by nothing
    but this order), then the one spelling the ID exactly as recorded, then the
    highest on the sheet. Once the cycle stamps the record
    with that row's fingerprint, the choice stays put until staff edit the rows.
    None when no row's ID has a record: no document, every row is a copy.
    """
    record = next((records[ids[i]] for i in group if ids[i] in records), None)
    if record is None:
        return None
    began = local(record.since, zone)
    index = min(
        group,
        key=lambda i: (
            fingerprint(rows[i]) != record.sidik,
            not same_cell(rows[i].mulai, began),
            ids[i] != record.id,
            i,
        ),
    )
    return index, record


def _copy(
    row: StaffRow,
    doc_id: str,
    rows: list[int],
    followed: tuple[int, Record] | None,
    sheet: Sequence[StaffRow],
) -> Outcome:
    """A row carrying the ID of a document recorded on another row: Tidak valid, nothing else."""
    if followed is None:
        others = ", ".join(str(r) for r in rows if r != row.row)
        message = (
            f"ID {shown(doc_id)} juga dipakai di baris {others}. "
            "Kosongkan ID pada baris salinan agar diberi ID baru."
        )
    else:
        message = (
            f"ID {shown(doc_id)} sudah dipakai dokumen di baris {sheet[followed[0]].row}. "
            "Kosongkan ID pada baris ini (salinan) agar diberi ID baru."
        )
    return Outcome(WorkerCells(status=Status.TIDAK_VALID, pesan=message))


def _when(entry: HistoryEntry) -> datetime:
    return entry.when


def records_from_history(entries: Iterable[HistoryEntry]) -> dict[str, Record]:
    """Rebuild the recorded states from Riwayat, the ledger (accepted entries and
    migrations), in the order of their Waktu: staff may have sorted its rows (newest first);
    entries of one minute keep the tab's order. Versions are not in Riwayat: see
    ``syncer.versions``."""
    records: dict[str, Record] = {}
    for entry in sorted(entries, key=_when):
        if entry.kind is EntryKind.REJECTED or entry.target is None:
            continue
        if entry.kind is EntryKind.MIGRATED:
            before = records.get(entry.id)
            since = before.since if before is not None else entry.when
            alias = "" if entry.source is None else str(entry.source)
            records[entry.id] = Record(entry.id, entry.procedure, entry.target, since, alias=alias)
            continue
        source = entry.source if isinstance(entry.source, int) else None
        records[entry.id] = Record(entry.id, entry.procedure, entry.target, entry.when, source)
    return records
