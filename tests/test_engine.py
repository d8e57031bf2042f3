"""The transition engine against DESIGN.md section 2 ("Transition rules", "Status").

Every test drives the engine the way the worker does, one cycle at a time
(``decide_rows`` with the staff values of the Dokumen rows, the recorded states
and a fake clock), and checks what staff would see in the worker columns and
what Riwayat would log. Tests are table-driven over every SOP of the built-in
catalog. Expected values come from the catalog (step activity, actor, waktu)
and the working calendar, never from the engine's own helpers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sop_models import DONE, Duration, Position, Procedure, load_catalog
from syncer.calendar import WorkingCalendar
from syncer.contract import Status
from syncer.engine import (
    Decisions,
    HistoryEntry,
    Outcome,
    Record,
    Rules,
    StaffRow,
    decide_known,
    decide_new,
    decide_rows,
    fingerprint,
    records_from_history,
)
from syncer.people import Directory

WIB = ZoneInfo("Asia/Jakarta")
CATALOG = load_catalog()
CALENDAR = WorkingCalendar()
RULES = Rules(CATALOG, CALENDAR)
PEOPLE = {"Sekcam": "Budi Santoso"}
RULES_PEOPLE = Rules(CATALOG, CALENDAR, people=Directory(names=PEOPLE))
CODES = sorted(CATALOG.procedures)
DAY_MINUTES = 450  # one working day of the default calendar (DESIGN §3)

#: Monday 30 November 2026, inside the morning working period.
START = datetime(2026, 11, 30, 7, 45, tzinfo=WIB)
DOC = "DOK-UJI-1"
LIVE = {Status.BERJALAN, Status.HAMPIR_TENGGAT, Status.TERLAMBAT}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WIB)


def proc_of(code: str) -> Procedure:
    return CATALOG.get(code)


def person(rules: Rules, actor: str) -> str:
    """Pelaksana as DESIGN §2 spells it: the role, or ``Role — Name`` when configured."""
    name = rules.people.names.get(actor)
    return f"{actor} — {name}" if name else actor


def due(step_begun: datetime, waktu: Duration | None) -> datetime | None:
    return CALENDAR.add(step_begun, waktu) if waktu else None


def working_words(minutes: int) -> str:
    """``n hari n jam`` in working time (450 working minutes a day); minutes only under an hour,
    so that a late row's Pesan changes at most hourly."""
    if minutes < 60:
        return f"{minutes} menit"
    days, rest = divmod(minutes, DAY_MINUTES)
    parts = [f"{n} {unit}" for n, unit in ((days, "hari"), (rest // 60, "jam")) if n]
    return " ".join(parts)


def is_selesai(position: object) -> bool:
    return position is DONE or (isinstance(position, str) and position.casefold() == "selesai")


def same_position(logged: object, expected: Position) -> bool:
    """A Riwayat ``Dari``/``Ke`` value against a step number or DONE."""
    return logged is expected if expected is DONE else logged == expected


def accepted(entries: Sequence[HistoryEntry]) -> list[HistoryEntry]:
    return [e for e in entries if e.accepted]


def rejected(entries: Sequence[HistoryEntry]) -> list[HistoryEntry]:
    return [e for e in entries if not e.accepted]


_INDONESIAN = {
    "langkah",
    "tidak",
    "bukan",
    "isi",
    "prosedur",
    "dokumen",
    "sudah",
    "berisi",
    "kosongkan",
    "kembalikan",
    "dipakai",
    "berikutnya",
    "dikenal",
    "dikenali",
    "sah",
}
_ENGLISH = {"step", "invalid", "allowed", "unknown", "error", "not", "must", "the"}


def is_indonesian(text: str) -> bool:
    words = set(re.findall(r"[a-z]+", text.casefold()))
    return bool(words & _INDONESIAN) and not words & _ENGLISH


def _number_in(text: str, number: int) -> bool:
    return re.search(rf"(?<![\d.]){number}(?![\d])", text) is not None


INVISIBLE = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF}


def names_value(pesan: str, value: object) -> bool:
    """Whether a Pesan says what was entered, as an Indonesian spreadsheet shows it."""
    if isinstance(value, bool):
        return f'"{"benar" if value else "salah"}"' in pesan.casefold()
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") in pesan
    if isinstance(value, float) and value != value:  # nan
        return "nan" in pesan.casefold()
    if isinstance(value, int | float):
        if value == int(value):
            return _number_in(pesan, int(value))
        return str(value).replace(".", ",") in pesan  # 1.5 is shown 1,5
    if isinstance(value, str):
        text = value.strip()
        if text and all(
            not ch.isprintable() or ch.isspace() or ord(ch) in INVISIBLE for ch in text
        ):
            return "terlihat" in pesan.casefold()
        return text.casefold() in pesan.casefold()
    return False


def missing_allowed(pesan: str, rules: Rules, proc: Procedure, position: int) -> list[str]:
    """The valid next steps from ``position`` (number, activity and actor) absent from Pesan."""
    missing = []
    for target in proc.next_steps(position):
        if target is DONE:
            if "selesai" not in pesan.casefold():
                missing.append("Selesai")
            continue
        step = proc.step(target)
        actor = person(rules, step.actor)
        if not (_number_in(pesan, target) and step.activity in pesan and actor in pesan):
            missing.append(f"{target} — {actor}: {step.activity}")
    return missing


# --- a Dokumen tab driven cycle by cycle ---------------------------------------------------


class Clock:
    """A fake clock that moves by working time and stays inside working periods."""

    def __init__(self, start: datetime = START):
        self.now = start

    def tick(self, minutes: int = 60) -> datetime:
        self.now = CALENDAR.add(self.now, Duration(minutes, "menit"))
        if not CALENDAR.is_working_time(self.now):  # exactly at a closing time
            self.now = CALENDAR.add(self.now, Duration(1, "menit"))
        assert CALENDAR.is_working_time(self.now), self.now
        return self.now


@dataclass
class Sheet:
    """The worker's view: staff rows in, worker cells and Riwayat out, records carried over."""

    rules: Rules = RULES
    records: dict[str, Record] = field(default_factory=dict)
    riwayat: list[HistoryEntry] = field(default_factory=list)

    def cycle(self, rows: Sequence[StaffRow], now: datetime) -> list[Outcome]:
        decisions = decide_rows(self.rules, rows, self.records, now)
        assert isinstance(decisions, Decisions)
        assert len(decisions.outcomes) == len(rows)
        self.records = decisions.records
        for outcome in decisions.outcomes:
            self.riwayat.extend(outcome.history)
        return decisions.outcomes


@dataclass
class Doc:
    """One document on one Dokumen row."""

    code: str
    sheet: Sheet = field(default_factory=Sheet)
    id: str = DOC
    judul: str = "Dokumen uji"

    @property
    def proc(self) -> Procedure:
        return proc_of(self.code)

    @property
    def record(self) -> Record | None:
        return self.sheet.records.get(self.id)

    def row(self, langkah: object, prosedur: object = None) -> StaffRow:
        return StaffRow(
            2, self.id, self.code if prosedur is None else prosedur, langkah, self.judul
        )

    def enter(self, langkah: object, now: datetime, prosedur: object = None) -> Outcome:
        return self.sheet.cycle([self.row(langkah, prosedur)], now)[0]


def started_at(code: str, position: int | str, now: datetime = START) -> Doc:
    """A document whose row was first seen at ``position`` (a step already in flight)."""
    doc = Doc(code)
    outcome = doc.enter(position, now)
    assert outcome.cells.status is not Status.TIDAK_VALID, outcome.cells.pesan
    return doc


# --- paths through an SOP --------------------------------------------------------------------


def plain_path(proc: Procedure) -> list[int | str]:
    """Every step in order (Ya at each decision), then Selesai."""
    return [*range(1, proc.last + 1), "Selesai"]


def loop_path(proc: Procedure, decision: int) -> list[int | str]:
    """Up to a decision step, its Tidak target, then forward again to Selesai."""
    back = proc.step(decision).decision.tidak
    return [*range(1, decision + 1), back, *range(back + 1, proc.last + 1), "Selesai"]


def every_loop_path(proc: Procedure) -> list[int | str]:
    """Every Tidak loop of the SOP taken once (the first time through), in one walk."""
    path: list[int | str] = [1]
    position = 1
    taken: set[int] = set()
    while position < proc.last:
        step = proc.step(position)
        if step.decision and position not in taken:
            taken.add(position)
            position = step.decision.tidak
        else:
            position += 1
        path.append(position)
    return [*path, "Selesai"]


def decision_cases() -> list[tuple[str, int]]:
    return [(p.code, s.number) for p in CATALOG for s in p.steps if s.decision]


def target_of(langkah: int | str) -> Position:
    return DONE if is_selesai(langkah) else int(langkah)


def walk(doc: Doc, path: Sequence[int | str], clock: Clock, first: object = None) -> None:
    """Enter each Langkah of ``path`` in turn, one cycle per move, checking every move.

    ``first`` is what staff type on the new row (``None``: a blank Langkah).
    """
    rules = doc.sheet.rules
    proc = doc.proc
    previous: Position | None = None
    for index, langkah in enumerate(path):
        now = clock.tick()
        typed = first if index == 0 else langkah
        logged_before = len(doc.sheet.riwayat)
        outcome = doc.enter(typed, now)
        target = target_of(langkah)
        cells = outcome.cells
        where = f"{proc.code}: {previous!r} -> {langkah!r}"

        # Riwayat: the accepted move, exactly once.
        new_entries = doc.sheet.riwayat[logged_before:]
        assert len(new_entries) == 1, where
        entry = new_entries[0]
        assert entry.accepted, where
        assert entry.id == doc.id and entry.procedure == proc.code, where
        assert entry.when == now, where
        assert same_position(entry.target, target), where
        if previous is None:
            assert entry.source is None, where
        else:
            assert same_position(entry.source, previous), where

        # The recorded state follows the move.
        record = doc.record
        assert record is not None and record.step == target and record.since == now, where
        assert outcome.record == record

        if target is DONE:
            assert cells.status is Status.SELESAI, where
            assert cells.tenggat is None, where
        else:
            step = proc.step(target)
            assert cells.status is Status.BERJALAN, where
            assert cells.kegiatan == step.activity, where
            assert cells.pelaksana == person(rules, step.actor), where
            assert cells.mulai == now, where
            assert cells.tenggat == due(now, step.duration), where
            assert entry.actor == person(rules, step.actor), where
            assert entry.due == cells.tenggat, where
            returned = (
                isinstance(previous, int)
                and proc.step(previous).decision is not None
                and proc.step(previous).decision.tidak == target
            )
            if returned:
                assert "dikembalikan" in cells.pesan, where
            else:
                assert cells.pesan == "", where
        assert outcome.new_id is None, where

        # A second cycle at the same moment with the same Langkah changes nothing.
        records_before = dict(doc.sheet.records)
        again = doc.enter(typed, now)
        assert again.cells == cells, where
        assert again.history == (), where
        assert doc.sheet.records == records_before, where
        assert len(doc.sheet.riwayat) == logged_before + 1, where
        previous = target


def check_riwayat_matches(doc: Doc, path: Sequence[int | str]) -> None:
    moves = [(e.source, e.target) for e in accepted(doc.sheet.riwayat)]
    assert len(moves) == len(path)
    expected_from: list[Position | None] = [None, *(target_of(s) for s in path[:-1])]
    for (source, target), want_from, langkah in zip(moves, expected_from, path, strict=True):
        assert same_position(target, target_of(langkah))
        if want_from is None:
            assert source is None
        else:
            assert same_position(source, want_from)


# --- 1. walking every SOP to Selesai -----------------------------------------------------


@pytest.mark.parametrize("rules", [RULES, RULES_PEOPLE], ids=["roles", "people"])
@pytest.mark.parametrize("code", CODES)
def test_walk_from_start_to_selesai(code: str, rules: Rules) -> None:
    doc = Doc(code, Sheet(rules))
    path = plain_path(doc.proc)
    walk(doc, path, Clock())
    check_riwayat_matches(doc, path)
    assert not rejected(doc.sheet.riwayat)


def test_people_mapping_shows_the_person_beside_the_role() -> None:
    doc = Doc("rka", Sheet(RULES_PEOPLE))
    outcome = doc.enter(2, START)  # rka step 2 is the Sekcam's
    assert outcome.cells.pelaksana == "Sekcam — Budi Santoso"
    outcome = doc.enter(3, Clock().tick())
    assert outcome.cells.pelaksana == "Tim"


@pytest.mark.parametrize("code", CODES)
def test_selesai_is_final(code: str) -> None:
    doc = Doc(code)
    clock = Clock()
    walk(doc, plain_path(doc.proc), clock)
    done = doc.record
    assert done.step is DONE
    for later in range(3):
        outcome = doc.enter("Selesai", clock.tick(600 * (later + 1)))
        assert outcome.cells.status is Status.SELESAI
        assert outcome.cells.tenggat is None
        assert outcome.history == ()
    for value in (1, doc.proc.last, "1", "abc", None, "Selesai lagi"):
        outcome = doc.enter(value, clock.tick())
        assert outcome.cells.status is Status.TIDAK_VALID, value
        assert doc.record.step is DONE and doc.record.since == done.since
        assert not accepted(outcome.history)
    # Putting Selesai back (any case) recovers.
    outcome = doc.enter(" SELESAI ", clock.tick())
    assert outcome.cells.status is Status.SELESAI
    assert not accepted(outcome.history)


@pytest.mark.parametrize("code", CODES)
def test_mulai_is_when_the_step_was_first_seen(code: str) -> None:
    doc = Doc(code)
    clock = Clock()
    first = clock.tick()
    doc.enter(None, first)
    for _ in range(3):
        outcome = doc.enter(1, clock.tick(7))
        assert outcome.cells.mulai == first
        assert outcome.history == ()
    step = doc.proc.step(1)
    assert outcome.cells.tenggat == due(first, step.duration)
    moved = clock.tick()
    outcome = doc.enter(2, moved)
    assert outcome.cells.mulai == moved
    assert outcome.cells.tenggat == due(moved, doc.proc.step(2).duration)


# --- 2. every Tidak loop -------------------------------------------------------------------


@pytest.mark.parametrize("rules", [RULES, RULES_PEOPLE], ids=["roles", "people"])
@pytest.mark.parametrize(("code", "decision"), decision_cases())
def test_tidak_returns_the_document_then_walks_on(code: str, decision: int, rules: Rules) -> None:
    doc = Doc(code, Sheet(rules))
    path = loop_path(doc.proc, decision)
    walk(doc, path, Clock())  # walk() checks "dikembalikan" and Pelaksana at the return
    check_riwayat_matches(doc, path)

    # The return is visible on the row: back at the Tidak step, its actor, a message.
    back = doc.proc.step(decision).decision.tidak
    returns = [e for e in accepted(doc.sheet.riwayat) if e.source == decision and e.target == back]
    assert len(returns) == 1


@pytest.mark.parametrize("code", CODES)
def test_every_tidak_loop_in_one_walk(code: str) -> None:
    proc = proc_of(code)
    doc = Doc(code)
    path = every_loop_path(proc)
    assert len(path) > proc.last + 1  # at least one loop
    walk(doc, path, Clock())
    check_riwayat_matches(doc, path)


@pytest.mark.parametrize(("code", "decision"), decision_cases())
def test_returned_row_shows_the_tidak_step(code: str, decision: int) -> None:
    proc = proc_of(code)
    doc = started_at(code, decision)
    back = proc.step(decision).decision.tidak
    now = Clock().tick()
    outcome = doc.enter(back, now)
    cells = outcome.cells
    assert cells.status is Status.BERJALAN
    assert "dikembalikan" in cells.pesan
    assert cells.kegiatan == proc.step(back).activity
    assert cells.pelaksana == proc.step(back).actor
    assert cells.mulai == now
    assert doc.record.step == back
    [entry] = outcome.history
    assert entry.accepted and entry.source == decision and entry.target == back


# --- 3. invalid moves ----------------------------------------------------------------------

BAD_VALUES: list[object] = [
    "4a",
    "-1",
    1.5,
    "abc",
    "=1+3",
    True,
    False,
    datetime(2026, 11, 30, 10, 0),
    float("nan"),
    10**20,
    "\u200b",
    "\u200b\u2060\u200b",
]


def invalid_langkah(proc: Procedure, position: int, kind: str) -> list[object]:
    step = proc.step(position)
    tidak = step.decision.tidak if step.decision else None
    if kind == "skip":
        return [position + 2] if position + 2 <= proc.last else []
    if kind == "backwards":
        return [n for n in range(1, position) if n != tidak]
    if kind == "unknown step":
        return [proc.last + 1, 0, 999]
    if kind == "selesai early":
        return ["Selesai", "selesai"] if position < proc.last else []
    if kind == "not a step":
        return BAD_VALUES
    raise AssertionError(kind)


LANGKAH_KINDS = ["skip", "backwards", "unknown step", "selesai early", "not a step"]

T1 = at("2026-11-30 08:00")  # the cycles after START (07:45)
T2 = at("2026-11-30 08:05")
T3 = at("2026-11-30 08:10")


def check_rejected(outcome: Outcome, before: Record, after: Record | None) -> None:
    cells = outcome.cells
    assert cells.status is Status.TIDAK_VALID
    assert after is not None
    assert (after.id, after.procedure, after.step, after.since) == (
        before.id,
        before.procedure,
        before.step,
        before.since,
    )
    assert after.came_from == before.came_from
    assert not accepted(outcome.history)
    assert len(outcome.history) <= 1
    assert outcome.new_id is None
    assert cells.pesan and is_indonesian(cells.pesan), cells.pesan


def positions(code: str) -> Iterator[tuple[Procedure, int, Sheet]]:
    """Every step of an SOP, each with a sheet whose document is recorded there since START."""
    proc = proc_of(code)
    for position in range(1, proc.last + 1):
        yield proc, position, started_at(code, position).sheet


@pytest.mark.parametrize("kind", LANGKAH_KINDS)
@pytest.mark.parametrize("code", CODES)
def test_invalid_langkah_is_tidak_valid_and_changes_nothing(code: str, kind: str) -> None:
    checked = 0
    for proc, position, sheet in positions(code):
        base = sheet.records
        before = base[DOC]
        step = proc.step(position)
        for value in invalid_langkah(proc, position, kind):
            where = f"{code} at {position}, Langkah {value!r}"
            row = StaffRow(2, DOC, code, value, "Dokumen uji")
            first = decide_rows(RULES, [row], base, T1)
            outcome = first.outcomes[0]
            check_rejected(outcome, before, first.records.get(DOC))
            assert names_value(outcome.cells.pesan, value), (where, outcome.cells.pesan)
            # The row still shows the recorded step.
            assert outcome.cells.kegiatan == step.activity, where
            assert outcome.cells.pelaksana == step.actor, where
            assert outcome.cells.mulai == START, where
            assert outcome.cells.tenggat == due(START, step.duration), where

            # The same wrong value on the next cycle: no new Riwayat entry.
            second = decide_rows(RULES, [row], first.records, T2)
            check_rejected(second.outcomes[0], before, second.records.get(DOC))
            assert second.outcomes[0].history == (), where

            # Back to the recorded step: valid again, state untouched.
            back = StaffRow(2, DOC, code, position, "Dokumen uji")
            third = decide_rows(RULES, [back], second.records, T3)
            recovered = third.outcomes[0]
            assert recovered.cells.status in LIVE, where
            assert not accepted(recovered.history), where
            assert third.records[DOC].step == position
            assert third.records[DOC].since == START

            # Or on to a valid next step: accepted on the next cycle.
            for target in proc.next_steps(position):
                forward = StaffRow(2, DOC, code, "Selesai" if target is DONE else target)
                moved = decide_rows(RULES, [forward], second.records, T3)
                [entry] = moved.outcomes[0].history
                assert entry.accepted and same_position(entry.target, target), where
                assert moved.records[DOC].step == target
                assert moved.records[DOC].since == T3
            checked += 1
    if kind in ("unknown step", "not a step"):
        assert checked > 0


@pytest.mark.parametrize("code", CODES)
def test_skip_pesan_lists_the_valid_next_steps(code: str) -> None:
    """DESIGN §2's example: what was entered, the valid next steps with actor and activity."""
    for proc, position, sheet in positions(code):
        if position + 2 > proc.last:
            continue
        outcome = decide_rows(RULES, [StaffRow(2, DOC, code, position + 2)], sheet.records, T1)
        pesan = outcome.outcomes[0].cells.pesan
        nxt = proc.step(position + 1)
        refused = f"Langkah {position + 2} tidak dapat dipilih setelah langkah {position}."
        assert pesan.startswith(refused), pesan
        assert f"{position + 1}" in pesan and nxt.actor in pesan and nxt.activity in pesan, pesan
        assert missing_allowed(pesan, RULES, proc, position) == [], pesan


def test_skip_pesan_example_from_the_brief() -> None:
    doc = started_at("rka", 3)
    outcome = doc.enter(5, T1)
    assert outcome.cells.pesan == (
        "Langkah 5 tidak dapat dipilih setelah langkah 3. Langkah berikutnya: 4 — Kasubag Evapor: "
        "Menghimpun konsep RKA."
    )


def test_pesan_uses_the_configured_person() -> None:
    doc = Doc("rka", Sheet(RULES_PEOPLE))
    doc.enter(1, START)
    outcome = doc.enter(3, T1)
    assert "2 — Sekcam — Budi Santoso: " in outcome.cells.pesan


def _allowed_failures(kind: str) -> list[str]:
    failures = []
    for code in CODES:
        for proc, position, sheet in positions(code):
            for value in invalid_langkah(proc, position, kind):
                row = StaffRow(2, DOC, code, value)
                pesan = decide_rows(RULES, [row], sheet.records, T1).outcomes[0].cells.pesan
                missing = missing_allowed(pesan, RULES, proc, position)
                if missing:
                    failures.append(f"{code} at {position}, {value!r}: {pesan!r} lacks {missing}")
    return failures


@pytest.mark.parametrize(
    "kind",
    [
        "skip",
        "backwards",
        "selesai early",
        "unknown step",
        "not a step",
    ],
)
def test_invalid_langkah_pesan_says_what_is_allowed(kind: str) -> None:
    failures = _allowed_failures(kind)
    assert not failures, f"{len(failures)} cases, e.g.\n" + "\n".join(failures[:5])


def _one_point_five_failures(code: str) -> Iterator[str]:
    for _proc, position, sheet in positions(code):
        outcome = decide_rows(RULES, [StaffRow(2, DOC, code, "1.5")], sheet.records, T1)
        cells = outcome.outcomes[0].cells
        if cells.status is not Status.TIDAK_VALID or "1.5" not in cells.pesan:
            yield f"{code} at {position}: {cells.status} {cells.pesan!r}"
    new = decide_rows(RULES, [StaffRow(2, "BARU", code, "1.5")], {}, T1).outcomes[0]
    if new.record is not None:
        yield f"{code} new row: started at step {new.record.step}"


def test_text_one_point_five_is_not_a_step() -> None:
    failures = [f for code in CODES for f in _one_point_five_failures(code)]
    assert not failures, f"{len(failures)} cases, e.g.\n" + "\n".join(failures[:5])


def other_code(code: str) -> str:
    return next(c for c in CODES if c != code)


@pytest.mark.parametrize("code", CODES)
def test_prosedur_change_after_start_is_tidak_valid(code: str) -> None:
    other = proc_of(other_code(code))
    proc = proc_of(code)
    for _proc, position, sheet in positions(code):
        before = sheet.records[DOC]
        for value in (other.code, other.title, "SOP lain", None, 42):
            row = StaffRow(2, DOC, value, position)
            first = decide_rows(RULES, [row], sheet.records, T1)
            check_rejected(first.outcomes[0], before, first.records[DOC])
            second = decide_rows(RULES, [row], first.records, T2)
            check_rejected(second.outcomes[0], before, second.records[DOC])
            assert second.outcomes[0].history == ()
            # Prosedur put back, in any accepted spelling: valid again.
            for spelling in (code, code.upper(), proc.title, f"  {proc.title.lower()} "):
                back = StaffRow(2, DOC, spelling, position)
                third = decide_rows(RULES, [back], second.records, T3).outcomes[0]
                assert third.cells.status in LIVE, (spelling, third.cells.pesan)
                assert not accepted(third.history)


def test_prosedur_change_pesan_names_what_was_entered() -> None:
    failures = []
    for code in CODES:
        other = other_code(code)
        sheet = started_at(code, 1).sheet
        row = StaffRow(2, DOC, other, 1)
        outcome = decide_rows(RULES, [row], sheet.records, T1).outcomes[0]
        assert outcome.cells.status is Status.TIDAK_VALID
        assert code in outcome.cells.pesan  # what is allowed: the recorded SOP
        if other not in outcome.cells.pesan:
            failures.append(f"{code} -> {other}: {outcome.cells.pesan!r}")
    assert not failures, f"{len(failures)} cases, e.g.\n" + "\n".join(failures[:3])


def finished(code: str) -> Doc:
    doc = Doc(code)
    walk(doc, plain_path(doc.proc), Clock())
    return doc


@pytest.mark.parametrize("code", CODES)
def test_any_change_after_selesai_is_tidak_valid(code: str) -> None:
    doc = finished(code)
    base = doc.sheet.records
    before = base[DOC]
    later = Clock(at("2026-12-10 09:00"))
    for value in (1, 2, doc.proc.last, str(doc.proc.last), 999, "abc", None, True):
        now = later.tick()
        first = decide_rows(RULES, [StaffRow(2, DOC, code, value)], base, now)
        check_rejected(first.outcomes[0], before, first.records[DOC])
        second = decide_rows(RULES, [StaffRow(2, DOC, code, value)], first.records, later.tick())
        assert second.outcomes[0].cells.status is Status.TIDAK_VALID
        assert second.outcomes[0].history == ()
        back = decide_rows(RULES, [StaffRow(2, DOC, code, "selesai")], second.records, now)
        assert back.outcomes[0].cells.status is Status.SELESAI
        assert not accepted(back.outcomes[0].history)
    changed = decide_rows(RULES, [StaffRow(2, DOC, other_code(code), "Selesai")], base, T1)
    check_rejected(changed.outcomes[0], before, changed.records[DOC])


def test_change_after_selesai_pesan_names_what_was_entered() -> None:
    failures = []
    for code in CODES:
        doc = finished(code)
        for value in (1, doc.proc.last):
            row = StaffRow(2, DOC, code, value)
            pesan = decide_rows(RULES, [row], doc.sheet.records, T1).outcomes[0].cells.pesan
            assert "Selesai" in pesan  # what is allowed
            if not names_value(pesan, value):
                failures.append(f"{code}, Langkah {value!r}: {pesan!r}")
    assert not failures, f"{len(failures)} cases, e.g.\n" + "\n".join(failures[:3])


@pytest.mark.parametrize(
    "prosedur", ["xyz", "RKAA", "Penyusunan", "laporan", "rka dpa", 123, True, "SOP 12"]
)
def test_unknown_prosedur_on_a_new_row(prosedur: object) -> None:
    sheet = Sheet()
    for doc_id in ("BARU-1", None):
        [outcome] = sheet.cycle([StaffRow(2, doc_id, prosedur, 1, "Judul")], T1)
        assert outcome.cells.status is Status.TIDAK_VALID
        assert outcome.record is None
        assert outcome.history == ()
        pesan = outcome.cells.pesan
        assert is_indonesian(pesan) and "Prosedur" in pesan, pesan
        shown = "BENAR" if prosedur is True else str(prosedur)
        assert shown.casefold() in pesan.casefold(), pesan
        assert any(re.search(rf"\b{re.escape(c)}\b", pesan) for c in CODES), pesan
    assert sheet.records == {}
    # Fixed: the row starts.
    [outcome] = sheet.cycle([StaffRow(2, "BARU-1", "rka", 1, "Judul")], T2)
    assert outcome.cells.status is Status.BERJALAN
    assert sheet.records["BARU-1"].since == T2


@pytest.mark.parametrize(
    ("typed", "pesan"),
    [
        ("=A2", 'ID berisi rumus "=A2". Kosongkan ID agar sopsync memberi ID baru.'),
        (
            "#N/A",
            "ID berisi #N/A, hasil rumus yang gagal. Kosongkan ID agar sopsync memberi ID baru.",
        ),
    ],
)
def test_a_formula_as_the_id_of_a_new_row_is_refused(typed: str, pesan: str) -> None:
    [outcome] = Sheet().cycle([StaffRow(2, typed, "rka", 1, "Judul")], T1)
    assert (outcome.cells.status, outcome.cells.pesan) == (Status.TIDAK_VALID, pesan)
    assert outcome.record is None and outcome.history == ()


def test_ids_with_invisible_characters_pasted_along_are_the_ids_staff_see() -> None:
    sheet = Sheet()
    first, blank = sheet.cycle(
        [StaffRow(2, "DOK-1", "rka", 1, "a"), StaffRow(3, "\u200b", "rka", 1, "b")], T1
    )
    assert blank.new_id and blank.new_id != "\u200b"  # looks blank: given an ID
    copy = sheet.cycle(
        [StaffRow(2, "DOK-1", "rka", 1, "a"), StaffRow(3, "DOK-1\u200b", "rka", 1, "a")], T2
    )[1]
    assert copy.cells.status is Status.TIDAK_VALID and "sudah dipakai" in copy.cells.pesan


def test_a_formula_in_prosedur_is_named_as_one() -> None:
    [outcome] = Sheet().cycle([StaffRow(2, None, "=B1", 1, "Judul")], T1)
    assert outcome.cells.status is Status.TIDAK_VALID
    assert outcome.cells.pesan == (
        'Prosedur berisi rumus "=B1". Isi kode atau nama SOP (mis. rka atau Penyusunan RKA).'
    )


@pytest.mark.parametrize(
    "values",
    [
        {"judul": "Laporan November"},
        {"langkah": 3},
        {"catatan": "tolong dicek"},
        {"id": "DOK-9"},
        {"id": "DOK-9", "langkah": "2", "judul": "x"},
        {"prosedur": "   ", "langkah": 1},
    ],
    ids=["judul", "langkah", "catatan", "id", "several", "blank-prosedur"],
)
def test_row_without_prosedur_asks_for_it(values: dict) -> None:
    sheet = Sheet()
    [outcome] = sheet.cycle([StaffRow(4, **values)], T1)
    assert outcome.cells.status is Status.TIDAK_VALID
    assert "Prosedur" in outcome.cells.pesan and is_indonesian(outcome.cells.pesan)
    assert outcome.record is None and outcome.history == ()
    assert sheet.records == {}


@pytest.mark.parametrize("code", CODES)
def test_duplicate_id_blocks_only_the_copy(code: str) -> None:
    """DESIGN §2: the row the record follows works as usual; the copy is Tidak valid."""
    sheet = started_at(code, 2).sheet
    rows = [
        StaffRow(2, DOC, code, 3, "Asli"),  # a valid move on the original
        StaffRow(7, DOC.lower(), code, 3, "Salinan"),
    ]
    original, copy = sheet.cycle(rows, T1)
    assert original.cells.status is Status.BERJALAN, original.cells.pesan
    [entry] = original.history
    assert entry.accepted and entry.source == 2 and entry.target == 3
    assert sheet.records[DOC].step == 3 and sheet.records[DOC].since == T1
    assert copy.cells.status is Status.TIDAK_VALID
    assert copy.record is None and copy.history == () and copy.new_id is None
    assert copy.cells.kegiatan == "" and copy.cells.pelaksana == ""  # not the document
    assert copy.cells.pesan == (
        f'ID "{DOC.lower()}" sudah dipakai dokumen di baris 2. '
        "Kosongkan ID pada baris ini (salinan) agar diberi ID baru."
    )
    # Same again next cycle: nothing new, nothing changes.
    records = dict(sheet.records)
    again = sheet.cycle(rows, T2)
    assert [o.history for o in again] == [(), ()]
    assert sheet.records == records
    assert again[1].cells == copy.cells
    # Recovery: the copy's ID is cleared; it gets a new ID and starts, the original goes on.
    rows[1] = StaffRow(7, None, code, 3, "Salinan")
    original, copy = sheet.cycle(rows, T3)
    assert original.cells.status in LIVE and original.cells.mulai == T1
    assert copy.cells.status in LIVE and copy.new_id and copy.new_id != DOC
    assert sheet.records[copy.new_id].step == 3
    assert sheet.records[DOC].step == 3


def test_duplicate_id_the_record_follows_its_own_row_by_fingerprint() -> None:
    """The original is the row with the record's fingerprint (Prosedur and Judul), wherever."""
    sheet = started_at("rka", 2).sheet
    original = StaffRow(9, DOC, "rka", 2, "Dokumen uji")
    sheet.records[DOC] = replace(sheet.records[DOC], sidik=fingerprint(original))
    rows = [StaffRow(2, DOC, "rka", 4, "Salinan di atas"), original]
    copy, kept = sheet.cycle(rows, T1)
    assert kept.cells.status is Status.BERJALAN and kept.record == sheet.records[DOC]
    assert copy.cells.status is Status.TIDAK_VALID and "baris 9" in copy.cells.pesan
    # The copy above tries a move: refused there, never logged as the document's.
    assert copy.history == () and sheet.records[DOC].step == 2


def test_duplicate_id_identical_rows_the_highest_is_the_original() -> None:
    sheet = started_at("rka", 2).sheet
    row = StaffRow(4, DOC, "rka", 2, "Dokumen uji")
    sheet.records[DOC] = replace(sheet.records[DOC], sidik=fingerprint(row))
    outcomes = sheet.cycle([replace(row, row=4), replace(row, row=5)], T1)
    assert [o.cells.status for o in outcomes] == [Status.BERJALAN, Status.TIDAK_VALID]
    assert "baris 4" in outcomes[1].cells.pesan


def test_duplicate_id_late_original_stays_late() -> None:
    doc = started_at("rka", 3)  # 1 hari from START
    rows = [doc.row(3), StaffRow(7, DOC, "rka", 3, "Salinan")]
    original, copy = doc.sheet.cycle(rows, at("2026-12-02 12:00"))
    assert original.cells.status is Status.TERLAMBAT and original.cells.late
    assert copy.cells.status is Status.TIDAK_VALID and not copy.cells.late


def test_duplicate_id_on_two_new_rows() -> None:
    sheet = Sheet()
    rows = [StaffRow(2, "DOK-7", "rka", 1), StaffRow(3, "dok-7 ", "dpa", None)]
    outcomes = sheet.cycle(rows, T1)
    for outcome in outcomes:
        assert outcome.cells.status is Status.TIDAK_VALID
        assert "DOK-7".casefold() in outcome.cells.pesan.casefold()
        assert outcome.record is None and outcome.history == () and outcome.new_id is None
    assert sheet.records == {}


# --- rejected attempts in Riwayat, recovery ----------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_rejected_attempts_are_logged_once_per_value(code: str) -> None:
    for proc, position, _sheet in positions(code):
        doc = started_at(code, position)
        clock = Clock(START)
        wrong = [v for kind in LANGKAH_KINDS for v in invalid_langkah(proc, position, kind)][:3]
        wrong = [w for w in wrong if w not in (True, False)]
        for value in wrong:
            outcome = doc.enter(value, clock.tick(5))
            assert len(rejected(outcome.history)) == 1, value
            [entry] = outcome.history
            assert entry.note.startswith("ditolak") and entry.id == DOC
            assert same_position(entry.source, position)
            for _ in range(2):
                again = doc.enter(value, clock.tick(5))
                assert again.cells.status is Status.TIDAK_VALID
                assert again.history == (), value
        assert len(accepted(doc.sheet.riwayat)) == 1  # only the start
        assert doc.record.step == position and doc.record.since == START
        outcome = doc.enter(position, clock.tick(5))
        assert outcome.cells.status in LIVE and outcome.history == ()


def test_same_value_in_another_form_is_the_same_attempt() -> None:
    doc = started_at("rka", 3)
    clock = Clock()
    assert len(doc.enter(5, clock.tick(5)).history) == 1
    for form in ("5", 5.0, " 5 ", 5):
        assert doc.enter(form, clock.tick(5)).history == (), form


def test_alternating_wrong_values_are_each_logged_once() -> None:
    doc = started_at("rka", 3)
    clock = Clock()
    for value in (5, 6, 5, 6, 5):
        doc.enter(value, clock.tick(5))
    attempts = rejected(doc.sheet.riwayat)
    assert len(attempts) == 2, [e.note for e in attempts]


# --- 4. new rows ---------------------------------------------------------------------------


def new_row_forms(proc: Procedure) -> list[tuple[object, Position]]:
    four = proc.step(4).activity
    return [
        (None, 1),
        ("", 1),
        ("  ", 1),
        (1, 1),
        ("4", 4),
        (4, 4),
        (4.0, 4),
        ("4.0", 4),
        (" 4 ", 4),
        (f"4 - {four}", 4),
        (f"4 – {four}", 4),
        (f"4 — {four}", 4),
        (proc.last, proc.last),
        ("SELESAI", DONE),
        ("selesai", DONE),
        (" Selesai ", DONE),
    ]


@pytest.mark.parametrize("code", CODES)
def test_new_row_starts_at_its_langkah(code: str) -> None:
    proc = proc_of(code)
    start_notes: dict[object, str] = {}
    for typed, target in new_row_forms(proc):
        sheet = Sheet()
        [outcome] = sheet.cycle([StaffRow(2, "BARU", code, typed, "Judul")], T1)
        where = f"{code}: {typed!r}"
        record = sheet.records["BARU"]
        assert record.step == target and record.since == T1, where
        [entry] = outcome.history
        assert entry.accepted and entry.source is None, where
        assert same_position(entry.target, target), where
        assert outcome.new_id is None, where
        if target is DONE:
            assert outcome.cells.status is Status.SELESAI, where
            assert outcome.cells.tenggat is None
        else:
            step = proc.step(target)
            assert outcome.cells.status is Status.BERJALAN, where
            assert outcome.cells.kegiatan == step.activity
            assert outcome.cells.pelaksana == step.actor
            assert outcome.cells.mulai == T1
            assert outcome.cells.tenggat == due(T1, step.duration)
        start_notes[target] = entry.note
    # Starting past step 1 is logged as such.
    for target in (4, proc.last, DONE):
        assert start_notes[target] != start_notes[1], start_notes
    assert _number_in(start_notes[4], 4), start_notes[4]


@pytest.mark.parametrize("code", CODES)
def test_new_row_invalid_langkah(code: str) -> None:
    proc = proc_of(code)
    for value in [proc.last + 1, 0, 999, *BAD_VALUES]:
        sheet = Sheet()
        [outcome] = sheet.cycle([StaffRow(2, "BARU", code, value)], T1)
        assert outcome.cells.status is Status.TIDAK_VALID, value
        assert outcome.record is None and outcome.history == () and sheet.records == {}
        assert names_value(outcome.cells.pesan, value), outcome.cells.pesan
        assert is_indonesian(outcome.cells.pesan)
        # Fixed on the next cycle: starts then.
        [fixed] = sheet.cycle([StaffRow(2, "BARU", code, 2)], T2)
        assert fixed.cells.status is Status.BERJALAN
        assert sheet.records["BARU"].since == T2 and sheet.records["BARU"].step == 2


def expected_prefix(code: str) -> str:
    """DESIGN / brief: the code upper-cased; a hyphenated code by its initials."""
    parts = code.split("-")
    return (parts[0] if len(parts) == 1 else "".join(p[0] for p in parts)).upper()


def test_expected_prefix_examples() -> None:
    assert expected_prefix("rka") == "RKA"
    assert expected_prefix("laporan-bulanan") == "LB"


@pytest.mark.parametrize("code", CODES)
def test_blank_id_gets_a_readable_unique_id(code: str) -> None:
    prefix = expected_prefix(code)
    sheet = Sheet()
    rows = [StaffRow(2, None, code, 1), StaffRow(3, "  ", code, 2), StaffRow(4, None, code)]
    outcomes = sheet.cycle(rows, T1)
    ids = [o.new_id for o in outcomes]
    assert ids == [f"{prefix}-2026-0001", f"{prefix}-2026-0002", f"{prefix}-2026-0003"]
    for outcome, new_id in zip(outcomes, ids, strict=True):
        assert outcome.record.id == new_id
        assert outcome.cells.status is Status.BERJALAN
        [entry] = outcome.history
        assert entry.id == new_id and entry.accepted
    assert set(sheet.records) == set(ids)
    # Next cycle: the sheet now holds the IDs; the rows are known, nothing new.
    rows = [replace(r, id=i) for r, i in zip(rows, ids, strict=True)]
    again = sheet.cycle([*rows, StaffRow(5, None, code.upper())], T2)
    assert [o.new_id for o in again[:3]] == [None, None, None]
    assert all(o.history == () for o in again[:3])
    assert again[3].new_id == f"{prefix}-2026-0004"


def test_generated_ids_continue_after_existing_ones_and_never_collide() -> None:
    sheet = Sheet()
    sheet.cycle([StaffRow(2, "RKA-2026-0012", "rka", 1)], START)
    sheet.cycle([], START)  # the RKA-2026-0012 row was deleted; its record stays
    rows = [
        StaffRow(2, "RKA-2026-0007", "rka", 1),
        StaffRow(3, "rka-2026-0013", "rka", 1),
        StaffRow(4, None, "rka", 1),
        StaffRow(5, None, "Penyusunan RKA", 1),
        StaffRow(6, "LB-2026-0003", "laporan-bulanan", 1),
        StaffRow(7, None, "laporan bulanan", 1),
        StaffRow(8, None, "LAPBUL", 1),
    ]
    outcomes = sheet.cycle(rows, T1)
    new = [o.new_id for o in outcomes if o.new_id]
    assert new == ["RKA-2026-0014", "RKA-2026-0015", "LB-2026-0004", "LB-2026-0005"]
    taken = {str(r.id).casefold() for r in rows if r.id} | {"rka-2026-0012"}
    assert not {n.casefold() for n in new} & taken
    assert all(o.cells.status is Status.BERJALAN for o in outcomes)


def test_generated_id_skips_an_id_taken_in_another_form() -> None:
    sheet = Sheet()
    rows = [StaffRow(2, "rka-2026-0001", "rka", 1), StaffRow(3, None, "rka", 1)]
    outcomes = sheet.cycle(rows, T1)
    assert outcomes[1].new_id and outcomes[1].new_id.casefold() != "rka-2026-0001"
    assert all(o.cells.status is Status.BERJALAN for o in outcomes)


def test_wholly_empty_rows_are_ignored() -> None:
    sheet = Sheet()
    rows = [
        StaffRow(2),
        StaffRow(3, "", "  ", None, "\t", ""),
        StaffRow(4, None, "rka", 1),
        StaffRow(5, " ", None, " \n ", None, None),
    ]
    outcomes = sheet.cycle(rows, T1)
    for index in (0, 1, 3):
        outcome = outcomes[index]
        assert outcome.cells.status is None
        assert outcome.cells.pesan == "" and outcome.cells.kegiatan == ""
        assert outcome.record is None and outcome.history == () and outcome.new_id is None
    assert outcomes[2].cells.status is Status.BERJALAN
    assert len(sheet.records) == 1 and len(sheet.riwayat) == 1


@pytest.mark.parametrize("code", CODES)
def test_prosedur_by_code_title_short_name_any_case(code: str) -> None:
    proc = proc_of(code)
    names = [code, code.upper(), f" {code} ", proc.title, proc.title.upper(), proc.title.lower()]
    for alias in proc.aliases:
        names += [alias, alias.lower(), alias.upper()]
    for name in names:
        sheet = Sheet()
        [outcome] = sheet.cycle([StaffRow(2, "X-1", name, 2)], T1)
        assert outcome.cells.status is Status.BERJALAN, name
        assert sheet.records["X-1"].procedure == code, name
        # A known row written another way is not a change of Prosedur.
        [again] = sheet.cycle([StaffRow(2, "X-1", names[(names.index(name) + 1) % 3], 3)], T2)
        assert again.cells.status is Status.BERJALAN, name
        assert sheet.records["X-1"].step == 3


def test_decide_new_and_decide_known_single_rows() -> None:
    outcome = decide_new(RULES, StaffRow(2, "A", "rka", None), "A", T1)
    assert outcome.record.step == 1 and outcome.cells.status is Status.BERJALAN
    moved = decide_known(RULES, StaffRow(2, "A", "rka", 2), outcome.record, T2)
    assert moved.record.step == 2 and moved.record.since == T2
    assert len(accepted(moved.history)) == 1
    bad = decide_known(RULES, StaffRow(2, "A", "rka", 4), outcome.record, T2)
    assert bad.cells.status is Status.TIDAK_VALID
    assert bad.record.step == 1 and bad.record.since == T1


# --- 5. status from the clock ---------------------------------------------------------------

BEGUN = at("2026-11-30 10:00")  # Monday


def status_at(code: str, number: int, now: datetime, rules: Rules = RULES) -> Outcome:
    doc = Doc(code, Sheet(rules))
    doc.enter(number, BEGUN)
    return doc.enter(number, now)


def timed_steps() -> list[tuple[str, int]]:
    return [(p.code, s.number) for p in CATALOG for s in p.steps if s.duration]


def test_brief_example_terlambat_one_day_two_hours() -> None:
    # rka step 3: "Menyusun konsep RKA", 1 hari.
    assert str(proc_of("rka").step(3).duration) == "1 hari"
    outcome = status_at("rka", 3, at("2026-12-02 12:00"))
    assert outcome.cells.tenggat == at("2026-12-01 10:00")
    assert outcome.cells.status is Status.TERLAMBAT
    assert outcome.cells.pesan == "Terlambat 1 hari 2 jam."


@pytest.mark.parametrize(
    ("now", "status", "pesan"),
    [
        ("2026-11-30 10:00", Status.BERJALAN, ""),
        ("2026-12-01 08:20", Status.BERJALAN, ""),  # 100 min left: not under 60
        ("2026-12-01 09:05", Status.HAMPIR_TENGGAT, "Tenggat hari ini pukul 10.00."),
        ("2026-12-01 09:00", Status.BERJALAN, ""),  # exactly 60 min left
        ("2026-12-01 10:00", Status.HAMPIR_TENGGAT, None),  # due now: not yet past
        ("2026-12-01 10:01", Status.TERLAMBAT, "Terlambat 1 menit."),
        ("2026-12-01 10:35", Status.TERLAMBAT, "Terlambat 35 menit."),
        ("2026-12-01 12:30", Status.TERLAMBAT, "Terlambat 2 jam."),  # lunch does not count
        ("2026-12-01 13:05", Status.TERLAMBAT, "Terlambat 2 jam."),
        ("2026-12-02 10:00", Status.TERLAMBAT, "Terlambat 1 hari."),
        ("2026-12-03 10:00", Status.TERLAMBAT, "Terlambat 2 hari."),
        ("2026-12-05 10:00", Status.TERLAMBAT, "Terlambat 3 hari 5 jam."),  # Sat: Fri 16:30
    ],
)
def test_status_of_a_one_day_step(now: str, status: Status, pesan: str | None) -> None:
    outcome = status_at("rka", 3, at(now))
    assert outcome.cells.status is status
    assert outcome.cells.tenggat == at("2026-12-01 10:00")
    assert outcome.cells.mulai == BEGUN
    if pesan is not None and status is Status.TERLAMBAT:
        assert outcome.cells.pesan == pesan
    elif pesan is not None:
        assert pesan in outcome.cells.pesan
    assert outcome.history == ()


def test_fifteen_minute_step_not_yellow_at_start_two_hour_step_yellow_45_minutes_left() -> None:
    fifteen = ("rka", 9)
    two_hours = ("rka", 11)
    assert str(proc_of("rka").step(9).duration) == "15 menit"
    assert str(proc_of("rka").step(11).duration) == "2 jam"
    assert status_at(*fifteen, BEGUN).cells.status is Status.BERJALAN
    assert status_at(*fifteen, at("2026-11-30 10:08")).cells.status is Status.HAMPIR_TENGGAT
    outcome = status_at(*two_hours, at("2026-11-30 11:15"))
    assert outcome.cells.status is Status.HAMPIR_TENGGAT
    assert outcome.cells.pesan == "Tenggat hari ini pukul 12.00."  # says when, not a countdown
    assert status_at(*two_hours, at("2026-11-30 10:59")).cells.status is Status.BERJALAN


@pytest.mark.parametrize("threshold", [None, 60, 120])
@pytest.mark.parametrize(("code", "number"), timed_steps())
def test_status_over_the_life_of_every_timed_step(
    code: str, number: int, threshold: int | None
) -> None:
    rules = RULES if threshold is None else Rules(CATALOG, CALENDAR, due_soon_minutes=threshold)
    limit = 60 if threshold is None else threshold
    step = proc_of(code).step(number)
    tenggat = due(BEGUN, step.duration)
    total = int(CALENDAR.working_minutes(BEGUN, tenggat))
    yellow_from = min(limit, total / 2)  # time left strictly below this is yellow

    def after(minutes: int) -> datetime:
        return CALENDAR.add(BEGUN, Duration(minutes, "menit")) if minutes else BEGUN

    at_start = status_at(code, number, BEGUN, rules).cells
    assert at_start.status is Status.BERJALAN and at_start.pesan == ""
    assert at_start.tenggat == tenggat

    left = int(yellow_from) if yellow_from == int(yellow_from) else int(yellow_from) + 1
    if left < total:
        cells = status_at(code, number, after(total - left), rules).cells
        assert cells.status is Status.BERJALAN, (left, cells.pesan)
    left = int(yellow_from - 1e-9) if yellow_from > 1 else 0
    if left >= 1:
        cells = status_at(code, number, after(total - left), rules).cells
        assert cells.status is Status.HAMPIR_TENGGAT, left
        assert f"pukul {tenggat:%H.%M}" in cells.pesan, cells.pesan
        assert cells.pesan.startswith("Tenggat"), cells.pesan

    for late in (1, 61, DAY_MINUTES + 125):
        now = CALENDAR.add(tenggat, Duration(late, "menit"))
        cells = status_at(code, number, now, rules).cells
        assert cells.status is Status.TERLAMBAT
        assert cells.pesan == f"Terlambat {working_words(late)}.", cells.pesan


@pytest.mark.parametrize(
    ("code", "number"),
    [(p.code, s.number) for p in CATALOG for s in p.steps if not s.duration],
)
def test_step_without_waktu_is_never_late(code: str, number: int) -> None:
    for now in ("2026-11-30 10:00", "2026-12-31 15:00", "2027-06-01 09:00"):
        cells = status_at(code, number, at(now)).cells
        assert cells.status is Status.BERJALAN
        assert cells.tenggat is None and cells.pesan == ""
        assert cells.kegiatan == proc_of(code).step(number).activity


def test_steps_without_waktu_exist_in_the_catalog() -> None:
    assert {p.code for p in CATALOG if not p.step(1).duration} >= {
        "rka",
        "dpa",
        "lakip",
        "monev",
        "iku",
        "penetapan-kinerja",
    }


def test_invalid_row_stays_tidak_valid_even_when_late() -> None:
    doc = started_at("rka", 3)
    cells = doc.enter(5, at("2026-12-10 10:00")).cells
    assert cells.status is Status.TIDAK_VALID


LATE_TYPOS = ["lima", "=5+1", datetime(2026, 12, 1, 9, 0), 5, None, "Ya", 4.5]


@pytest.mark.parametrize("typed", LATE_TYPOS, ids=repr)
def test_a_late_document_whose_row_turns_tidak_valid_is_still_late(typed: object) -> None:
    """DESIGN §2 Status: a typo in Langkah does not hide that the document is overdue."""
    doc = started_at("rka", 3)  # 1 hari from Monday 07:45: due Tuesday 07:45
    tenggat = due(START, proc_of("rka").step(3).duration)
    assert tenggat == at("2026-12-01 07:45")
    now = at("2026-12-02 12:00")
    late = int(CALENDAR.working_minutes(tenggat, now))
    cells = doc.enter(typed, now).cells
    assert cells.status is Status.TIDAK_VALID  # still red: staff must fix the cell
    assert cells.late and cells.late_minutes == late and cells.tenggat == tenggat
    assert cells.pesan.endswith(
        f"Dokumen terlambat {working_words(late)} di langkah 3"
        " (tenggat 1 Desember 2026 pukul 07.45)."
    ), cells.pesan
    assert working_words(late) == "1 hari 4 jam"
    # Put right: Terlambat, as it was.
    fixed = doc.enter(3, now).cells
    assert (
        fixed.status is Status.TERLAMBAT and fixed.late and fixed.pesan == "Terlambat 1 hari 4 jam."
    )


def test_a_tidak_valid_row_before_its_tenggat_is_not_late() -> None:
    doc = started_at("rka", 3)
    cells = doc.enter("lima", T1).cells
    assert cells.status is Status.TIDAK_VALID and not cells.late
    assert "terlambat" not in cells.pesan.casefold()


def test_hampir_tenggat_on_another_day_names_the_date() -> None:
    doc = started_at("rka", 3, at("2026-11-30 07:40"))  # 1 hari: due Tuesday 07:40
    cells = doc.enter(3, at("2026-11-30 15:55")).cells  # 15 working minutes left
    assert cells.status is Status.HAMPIR_TENGGAT
    assert cells.pesan == "Tenggat 1 Desember 2026 pukul 07.40."


# --- 6. records rebuilt from Riwayat --------------------------------------------------------


def strip_rejected(records: dict[str, Record]) -> dict[str, Record]:
    """What Riwayat alone tells of the records: no rejected attempts, no versions (those are
    restored from the versions kept in the sheet, ``syncer.versions.rebuilt_versions``), not
    what moved a document (an answer still in its cell means what it did all the same)."""
    return {k: replace(v, rejected=(), version="", alias="") for k, v in records.items()}


@pytest.mark.parametrize("code", CODES)
def test_records_from_history_rebuild_the_walk(code: str) -> None:
    proc = proc_of(code)
    doc = Doc(code)
    clock = Clock()
    path = every_loop_path(proc)
    for index, langkah in enumerate(path):
        # A wrong attempt before every other move: logged as ditolak, then corrected.
        if index % 2:
            doc.enter(999, clock.tick())
        doc.enter(langkah, clock.tick())
        assert records_from_history(doc.sheet.riwayat) == strip_rejected(doc.sheet.records)
    assert rejected(doc.sheet.riwayat)
    rebuilt = records_from_history(doc.sheet.riwayat)
    assert rebuilt == strip_rejected(doc.sheet.records)
    assert rebuilt[DOC].step is DONE


def test_records_from_history_for_a_whole_sheet() -> None:
    """Every SOP at once on one sheet, moving in the same cycles; rebuilt at every cycle."""
    sheet = Sheet()
    clock = Clock()
    paths = {code: every_loop_path(proc_of(code)) for code in CODES}
    for index in range(max(len(p) for p in paths.values())):
        rows = []
        for number, code in enumerate(CODES, start=2):
            path = paths[code]
            langkah = path[min(index, len(path) - 1)]
            rows.append(StaffRow(number, f"{code}-doc", code, langkah))
        if index % 3 == 1:  # someone mistypes every third cycle
            wrong = [replace(r, langkah="abc") for r in rows]
            sheet.cycle(wrong, clock.tick())
        now = clock.tick()
        outcomes = sheet.cycle(rows, now)
        assert all(o.cells.status is not Status.TIDAK_VALID for o in outcomes)
        rebuilt = records_from_history(sheet.riwayat)
        assert rebuilt == strip_rejected(sheet.records)
        # The rebuilt records give the same sheet.
        again = decide_rows(RULES, rows, rebuilt, now)
        assert [o.cells for o in again.outcomes] == [o.cells for o in outcomes]
        assert all(o.history == () for o in again.outcomes)
    assert all(r.step is DONE for r in sheet.records.values())


def test_records_from_history_ignores_rejected_attempts_only() -> None:
    doc = started_at("rka", 3)
    doc.enter(5, T1)
    doc.enter("abc", T2)
    assert len(doc.sheet.riwayat) == 3
    assert records_from_history(doc.sheet.riwayat) == strip_rejected(doc.sheet.records)
    assert records_from_history(rejected(doc.sheet.riwayat)) == {}


def test_a_langkah_cleared_is_tidak_valid_even_at_step_1_while_a_row_started_blank_is_not():
    """DESIGN §2: blank on a new row means step 1; a started row whose Langkah is cleared
    is Tidak valid, its Pesan naming the recorded step, and recovers when put back."""
    typed = started_at("rka", 1)
    cleared = typed.enter(None, T1)
    assert cleared.cells.status is Status.TIDAK_VALID and cleared.record.step == 1
    assert cleared.cells.pesan.startswith("Langkah dikosongkan; dokumen tercatat di langkah 1.")
    assert typed.enter(1, T2).cells.status is not Status.TIDAK_VALID
    blank = started_at("rka", None)
    assert blank.enter(None, T1).cells.status is not Status.TIDAK_VALID
    assert blank.enter(None, T2).history == ()
    assert blank.enter(1, T2).cells.status is not Status.TIDAK_VALID  # a 1 typed later
    assert blank.enter(None, T3).cells.status is Status.TIDAK_VALID  # and cleared again
    later = started_at("rka", 2)
    assert later.enter(None, T1).cells.pesan.startswith("Langkah dikosongkan; dokumen tercatat")


# --- 7. answers staff naturally type -------------------------------------------------------


def test_ya_after_a_decision_left_by_its_number_answers_the_next_decision() -> None:
    """rka's steps 6 and 7 are both decisions. Left by typing 7, the next Ya answers step 7;
    left by Ya, the Ya still in the cell means step 7 and answers nothing more."""
    by_number = started_at("rka", 6)
    by_number.enter(7, T1)
    [entry] = by_number.enter("Ya", T2).history
    assert (entry.source, entry.target, entry.note) == (7, 8, "Ya: lanjut ke langkah 8")
    by_answer = started_at("rka", 6)
    by_answer.enter("Ya", T1)
    kept = by_answer.enter("Ya", T2)
    assert kept.history == () and kept.record.step == 7
    assert kept.cells.pesan.startswith('"Ya" di kolom Langkah adalah jawaban untuk langkah 6.')


@pytest.mark.parametrize(("code", "decision"), decision_cases())
def test_ya_and_tidak_answer_a_decision_step(code: str, decision: int) -> None:
    """DESIGN §2: at a decision step, Ya and Tidak (any case) mean the step they lead to."""
    choice = proc_of(code).step(decision).decision
    for typed, target, note in (
        ("Ya", choice.ya, f"Ya: lanjut ke langkah {choice.ya}"),
        (" YA ", choice.ya, f"Ya: lanjut ke langkah {choice.ya}"),
        ("tidak", choice.tidak, f"Tidak: dikembalikan ke langkah {choice.tidak}"),
    ):
        doc = started_at(code, decision)
        outcome = doc.enter(typed, T1)
        [entry] = outcome.history
        assert entry.accepted and entry.note == note, (typed, entry.note)
        assert entry.source == decision and entry.target == target  # Riwayat's Ke: the number
        assert doc.record.step == target and doc.record.since == T1
        assert outcome.cells.status is Status.BERJALAN
        assert outcome.cells.kegiatan == proc_of(code).step(target).activity
        # The answer stays in the cell: later cycles do not answer again.
        for now in (T2, T3):
            again = doc.enter(typed, now)
            assert again.history == () and again.cells.status in LIVE, again.cells
            assert doc.record.step == target and doc.record.since == T1


def test_an_answer_left_in_the_cell_does_not_answer_the_next_decision() -> None:
    """rka's steps 6 and 7 are both decisions: Ya at 6 leads to 7, and stays there."""
    doc = started_at("rka", 6)
    assert doc.enter("Ya", T1).history[0].target == 7
    outcome = doc.enter("Ya", T2)
    assert doc.record.step == 7 and outcome.history == ()
    assert outcome.cells.pesan == (
        '"Ya" di kolom Langkah adalah jawaban untuk langkah 6.'
        " Untuk menjawab langkah 7, isi 8 (Ya) atau 5 (Tidak)."
    )
    # Another answer is a change of the cell: it answers step 7.
    [entry] = doc.enter("Tidak", T3).history
    assert (entry.source, entry.target) == (7, 5)
    assert doc.enter("8", T3).cells.status is Status.TIDAK_VALID  # from 5, not 7


@pytest.mark.parametrize("code", CODES)
def test_ya_and_tidak_elsewhere_are_tidak_valid_and_say_what_to_enter(code: str) -> None:
    for proc, position, sheet in positions(code):
        if proc.step(position).decision:
            continue
        for typed in ("Ya", "tidak"):
            row = StaffRow(2, DOC, code, typed)
            outcome = decide_rows(RULES, [row], sheet.records, T1).outcomes[0]
            check_rejected(outcome, sheet.records[DOC], outcome.record)
            pesan = outcome.cells.pesan
            answer = "Ya" if typed == "Ya" else "Tidak"
            assert pesan.startswith(
                f'"{answer}" hanya dapat diisi pada langkah keputusan.'
                f" Langkah {position} bukan langkah keputusan."
                f" Isi kembali {position} (langkah saat ini) atau isi "
            ), pesan
            assert missing_allowed(pesan, RULES, proc, position) == [], pesan


def test_ya_on_a_new_row_is_tidak_valid() -> None:
    [outcome] = Sheet().cycle([StaffRow(2, "BARU", "rka", "Ya")], T1)
    assert outcome.cells.status is Status.TIDAK_VALID and outcome.record is None
    assert outcome.cells.pesan == (
        '"Ya" hanya dapat diisi pada langkah keputusan.'
        " Isi nomor langkah 1–11 atau Selesai; jika kosong, dianggap langkah 1."
    )


@pytest.mark.parametrize("typed", ["langkah 4", "Langkah 4", "4 - Memberikan paraf", 4.0, "4.0"])
def test_a_step_in_words_staff_type_means_that_step(typed: object) -> None:
    doc = started_at("laporan-bulanan", 3)  # decision: Ya 4, Tidak 2
    [entry] = doc.enter(typed, T1).history
    assert entry.accepted and entry.target == 4 and doc.record.step == 4


# --- 8. wording staff read (issue 13) --------------------------------------------------------


def pesan_of(code: str, position: int, typed: object) -> str:
    sheet = started_at(code, position).sheet
    return (
        decide_rows(RULES, [StaffRow(2, DOC, code, typed)], sheet.records, T1)
        .outcomes[0]
        .cells.pesan
    )


def test_refusals_say_what_cannot_be_chosen_not_what_is_unlawful() -> None:
    rka = proc_of("rka")
    assert pesan_of("rka", 6, 8).startswith("Langkah 8 tidak dapat dipilih setelah langkah 6. ")
    assert pesan_of("laporan-bulanan", 6, "Selesai").startswith(
        "Dokumen belum dapat dinyatakan Selesai pada langkah 6. Langkah berikutnya: 7 — "
    )
    assert pesan_of("rka", 2, "4a") == (
        f'Langkah "4a" tidak dikenali. Isi kembali 2 (langkah saat ini) atau isi 3 — Tim:'
        f" {rka.step(3).activity}."
    )
    assert pesan_of("rka", 6, "4a") == (
        'Langkah "4a" tidak dikenali. Isi kembali 6 (langkah saat ini),'
        f" atau isi 7 (Ya) — Tim: {rka.step(7).activity},"
        f" atau 5 (Tidak) — Staf: {rka.step(5).activity}."
    )
    assert "sah" not in pesan_of("rka", 6, 8).split()


def test_a_new_rows_instruction_is_given_once() -> None:
    [outcome] = Sheet().cycle([StaffRow(2, "BARU", "rka", "4a")], T1)
    assert outcome.cells.pesan == (
        'Langkah "4a" tidak dikenali.'
        " Isi nomor langkah 1–11 atau Selesai; jika kosong, dianggap langkah 1."
    )


def test_prosedur_suggestions_and_a_vanished_sop() -> None:
    [outcome] = Sheet().cycle([StaffRow(2, "BARU", "Laporan Bulnan", 1)], T1)
    assert "Mungkin yang dimaksud: laporan-bulanan" in outcome.cells.pesan
    gone = Record(DOC, "sop-lama", 2, START)
    [outcome] = Sheet(records={DOC: gone}).cycle([StaffRow(2, DOC, "sop-lama", 2)], T1)
    assert outcome.cells.pesan == (
        "Dokumen tercatat di langkah 2 SOP sop-lama, yang tidak ada lagi di katalog SOP."
        " Hubungi admin sopsync."
    )


def test_riwayat_keterangan_reads_one_way() -> None:
    """Lower case but for the answers Ya and Tidak; ``ditolak`` as DESIGN §2 spells it."""
    doc = Doc("laporan-bulanan")
    clock = Clock()
    for typed in (None, 2, 3, "Tidak", 3, 4, 5, 9, 6, 7, "Selesai"):
        doc.enter(typed, clock.tick())
    assert [e.note.split(":")[0] if not e.accepted else e.note for e in doc.sheet.riwayat] == [
        "mulai",
        "lanjut ke langkah 2",
        "lanjut ke langkah 3",
        "Tidak: dikembalikan ke langkah 2",
        "lanjut ke langkah 3",
        "Ya: lanjut ke langkah 4",
        "lanjut ke langkah 5",
        "ditolak",
        "lanjut ke langkah 6",
        "lanjut ke langkah 7",
        "dinyatakan Selesai",
    ]
    starts = {typed: Doc("rka").enter(typed, T1).history[0].note for typed in (1, 4, "Selesai")}
    assert starts == {
        1: "mulai",
        4: "mulai di langkah 4 (sudah berjalan)",
        "Selesai": "dicatat langsung sebagai Selesai",
    }
