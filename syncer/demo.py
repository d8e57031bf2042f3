"""`sopsync demo`: a workbook with example documents, synced, for a first look.

It plays two working days of an office: documents are entered and synced
two working days ago; an hour and a half of working time ago one is moved to a
two-hour step (nearly due by now); then staff move some others (one wrongly, one
sent back, one by answering Ya), add two rows (one with a typo) and the worker
syncs again now, so every status shows, whatever the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook

from sop_models import Duration
from syncer import contract as c
from syncer.backends import Changes
from syncer.backends.xlsx import XlsxBackend
from syncer.backends.xlsx_cells import Looks
from syncer.cycle import Report, run_cycle
from syncer.engine import Rules
from syncer.layout import DOKUMEN


@dataclass(frozen=True)
class Example:
    prosedur: str
    """As staff type it: a code, a title or a short name (or a typo)."""
    judul: str
    first: object
    """Langkah at the first sync (None: blank, step 1)."""
    then: object
    """Langkah at the second sync."""
    catatan: str = ""
    entered_later: bool = False
    """Added only after the first sync."""
    nearly_due: bool = False
    """Moved (to a step of a few hours) so long ago that it is nearly due now."""


EXAMPLES = (
    Example("rka", "RKA Kecamatan 2027", None, 2),
    Example("Penyusunan DPA", "DPA Kecamatan 2027", 5, 6, "Menunggu daftar harga satuan"),
    Example("laporan-bulanan", "Laporan Bulanan Oktober 2026", 3, 2, "Angka belum cocok"),
    Example(
        "laporan-bulanan",
        "Laporan Bulanan September 2026",
        6,
        7,
        "Tinggal dikirim",
        nearly_due=True,
    ),
    Example("Laporan Bulanan", "Laporan Bulanan November 2026", None, None),
    Example("lakip", "LAKIP 2026", 4, 4),
    Example("IKU", "IKU 2027-2031", 9, "Selesai", "Sudah dikirim ke Bagian Organisasi"),
    Example("renstra", "Renstra 2027-2031", 2, 4, "Contoh salah: melompati langkah 3"),
    Example("monev", "Monev Triwulan IV", 7, "Ya"),
    Example("penetapan-kinerja", "Penetapan Kinerja 2027", 6, 7),
    Example("renja", "Renja 2027", 5, 5),
    Example(
        "Laporan Bulanan",
        "Laporan Bulanan Desember 2026",
        None,
        None,
        "Baris baru",
        entered_later=True,
    ),
    Example(
        "Laporan Bulnan",
        "Laporan Triwulan",
        None,
        None,
        "Salah ketik nama prosedur",
        entered_later=True,
    ),
)


def _type(path: Path, cells: dict[tuple[int, str], object]) -> None:
    """What a staff member does in Excel: type into cells (row, header) and save."""
    book = load_workbook(path)
    sheet = book[c.DOKUMEN]
    cols = c.column_map([cell.value for cell in sheet[1]])
    looks = Looks(sheet)
    for (row, header), value in cells.items():  # a cell typed in takes its column's look
        looks.set(sheet.cell(row, cols[header.casefold()] + 1), value, DOKUMEN.column(header))
    book.save(path)


def _entry(row: int, example: Example, langkah: object) -> dict[tuple[int, str], object]:
    values = {c.PROSEDUR: example.prosedur, c.JUDUL: example.judul, c.LANGKAH: langkah}
    if example.catatan:
        values[c.CATATAN] = example.catatan
    return {(row, header): value for header, value in values.items()}


def build_demo(path: Path, rules: Rules, now: datetime, history: bool = False) -> Report:
    path = Path(path)
    path.unlink(missing_ok=True)
    XlsxBackend(path, rules.calendar.zone).init(rules)
    first_cycle = _days_before(rules, now, 2)
    top = 2 + (_fill_history(path, rules, now, first_cycle) if history else 0)
    early = [e for e in EXAMPLES if not e.entered_later]
    typed: dict[tuple[int, str], object] = {}
    for row, example in enumerate(early, start=top):
        typed |= _entry(row, example, example.first)
    _type(path, typed)
    run_cycle(XlsxBackend(path, rules.calendar.zone), rules, first_cycle)
    rows = list(enumerate(early, start=top))
    nearly = {(row, c.LANGKAH): e.then for row, e in rows if e.nearly_due}
    if nearly:
        _type(path, nearly)
        run_cycle(XlsxBackend(path, rules.calendar.zone), rules, _nearly_due_since(rules, now))
    moved = {(row, c.LANGKAH): e.then for row, e in rows if e.then != e.first and not e.nearly_due}
    for row, example in enumerate([e for e in EXAMPLES if e.entered_later], start=len(early) + top):
        moved |= _entry(row, example, example.then)
    _type(path, moved)
    return run_cycle(XlsxBackend(path, rules.calendar.zone), rules, now)


def _fill_history(path: Path, rules: Rules, now: datetime, until: datetime) -> int:
    """The simulated semester's rows, records and Riwayat, as its worker left them at
    ``until``; returns how many Dokumen rows it filled."""
    from syncer.demo_history import history_start, simulate

    semester = simulate(rules, history_start(now), until)
    typed: dict[tuple[int, str], object] = {}
    for row in semester.rows:
        for header, value in ((c.ID, row.id), (c.PROSEDUR, row.prosedur), (c.JUDUL, row.judul)):
            typed[(row.row, header)] = value
        typed[(row.row, c.LANGKAH)] = row.langkah
    _type(path, typed)
    backend = XlsxBackend(path, rules.calendar.zone)
    snapshot = backend.read()
    changes = Changes(records=list(semester.records.values()), history=semester.history)
    backend.write(changes, snapshot.basis)
    return len(semester.rows)


NEARLY_DUE_STEP = 120
"""Working minutes of the step a nearly-due example moves to (laporan-bulanan's 7, 2 jam)."""


def _nearly_due_since(rules: Rules, now: datetime) -> datetime:
    """When a step of ``NEARLY_DUE_STEP`` began if it is nearly due (DESIGN §2) at ``now``:
    half of what counts as nearly due is left."""
    left = min(rules.due_soon_minutes, NEARLY_DUE_STEP / 2) / 2
    return _working_before(rules, now, NEARLY_DUE_STEP - left)


def _working_before(rules: Rules, now: datetime, minutes: float) -> datetime:
    """The latest five-minute mark from which ``minutes`` working minutes have passed by
    ``now`` (a time a person would note)."""
    low, high = now - timedelta(days=60), now
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        if rules.calendar.working_minutes(middle, now) >= minutes:
            low = middle
        else:
            high = middle
    return low.replace(minute=low.minute - low.minute % 5, second=0, microsecond=0)


def _days_before(rules: Rules, now: datetime, days: int) -> datetime:
    """09:00 on the latest working day from which ``days`` hari are already due by ``now``."""
    probe = now.replace(hour=9, minute=0, second=0, microsecond=0)
    while not (
        rules.calendar.is_working_day(probe.date())
        and rules.calendar.add(probe, Duration(days, "hari")) <= now
    ):
        probe -= timedelta(days=1)
    return probe
