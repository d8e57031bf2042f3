"""Tabs the worker owns entirely: Ringkasan (the dashboard) and SOP (the step reference).

Each is a grid computed from the cycle (pure, no I/O). The cycle compares it
with what the tab holds and rewrites the tab in its single write only when
they differ, so an idle cycle still writes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sop_models import Catalog, Decision, Procedure
from sop_models.idtime import DAYS, tanggal
from syncer.calendar import DayOff, OffSource, WorkingCalendar
from syncer.cells import Answer, local, text_of
from syncer.contract import SELESAI, Status
from syncer.engine import Rules
from syncer.meta import digest
from syncer.tally import LateRow, Tally

RINGKASAN = "Ringkasan"
SOP = "SOP"
MAX_LATE = 300
"""Late documents listed on Ringkasan; beyond this, a line says how many more."""

TITLE, HEADER, TOTAL, CODE = "title", "header", "total", "code"
"""Styles of a worker tab's cells; CODE is a short code (a step number, a Waktu), centred."""


@dataclass(frozen=True, slots=True)
class Styled:
    """A cell of a worker tab: a value and how it is shown (a style name or a Status)."""

    value: object
    style: str = ""


Grid = list[list[Styled]]
UPDATED_AT = frozenset({(0, 4)})
"""Ringkasan's Diperbarui cell: left out when deciding whether the tab changed."""


def _header(*names: str) -> list[Styled]:
    return [Styled(name, HEADER) for name in names]


def _counts_table(label: str, counts: dict[str, Counter[Status]]) -> Grid:
    statuses = list(Status)
    grid: Grid = [_header(label, *(s.value for s in statuses), "Jumlah")]
    totals: Counter[Status] = Counter()
    for key in sorted(counts, key=lambda name: (name.casefold(), name)):
        row = counts[key]
        totals.update(row)
        cells = [Styled(row.get(s, 0), s.value if row.get(s, 0) else "") for s in statuses]
        grid.append([Styled(key), *cells, Styled(sum(row.values()))])
    grid.append(
        [Styled("Jumlah", TOTAL), *(Styled(totals.get(s, 0), TOTAL) for s in statuses)]
        + [Styled(sum(totals.values()), TOTAL)]
    )
    return grid


def ringkasan_grid(rules: Rules, tally: Tally, now: datetime) -> Grid:
    """Counts per Pelaksana and per Prosedur by Status, then the late documents, latest first."""
    calendar = rules.calendar
    grid: Grid = [
        [
            Styled("Ringkasan dokumen", TITLE),
            Styled(""),
            Styled(""),
            Styled("Diperbarui", HEADER),
            Styled(local(now, calendar.zone)),
        ],
        [],
    ]
    grid += _counts_table("Pelaksana", tally.by_actor)
    grid.append([])
    grid += _counts_table("Prosedur", tally.by_procedure)
    grid.append([])
    late = tally.latest_first()
    grid.append([Styled(_late_title(late), TITLE)])
    grid.append(_header(*LATE_HEADERS))
    grid += [_late_row(rules, late_row) for late_row in late[:MAX_LATE]]
    if len(late) > MAX_LATE:
        more = len(late) - MAX_LATE
        grid.append([Styled(f"… dan {more} lainnya: saring kolom Status di tab Dokumen.")])
    return grid


LATE_HEADERS = ("ID", "Judul", "Pelaksana", "Tenggat", "Lama keterlambatan (waktu kerja)", "Status")


def _late_title(late: Sequence[LateRow]) -> str:
    if not late:
        return "Dokumen terlambat: 0"
    invalid = sum(1 for each in late if each.outcome.cells.status is Status.TIDAK_VALID)
    among = f" ({invalid} di antaranya {Status.TIDAK_VALID.value})" if invalid else ""
    return f"Dokumen terlambat: {len(late)}{among}, diurutkan dari yang paling lama terlambat"


def _late_row(rules: Rules, late: LateRow) -> list[Styled]:
    outcome = late.outcome
    cells, calendar = outcome.cells, rules.calendar
    status = cells.status or Status.TERLAMBAT
    return [
        Styled(outcome.record.id if outcome.record else ""),
        Styled(text_of(late.row.judul)),
        Styled(cells.pelaksana),
        Styled(local(cells.tenggat, calendar.zone)),
        Styled(cells.lateness, Status.TERLAMBAT),
        Styled(status.value, status.value),
    ]


def centred(value: object, style: str, column: int) -> bool:
    """Counts and the headers above them are centred: they read as a table; so are codes
    and date-times (a date right-aligned runs into the text beside it)."""
    if style == CODE or isinstance(value, datetime):
        return True
    if isinstance(value, int) and not isinstance(value, bool):
        return True
    return style in (HEADER, TOTAL) and column > 0 and value in COUNT_HEADERS


COUNT_HEADERS = {*(s.value for s in Status), "Jumlah"}


def _decision(proc: Procedure, number: int) -> str:
    step = proc.step(number)
    if step.decision is None:
        return ""
    return f"Ya → {step.decision.ya}; Tidak → {step.decision.tidak}"


def step_label(proc: Procedure, number: int) -> str:
    """How a step is offered in the Langkah dropdown: ``4 - Memberikan paraf``."""
    return f"{number} - {proc.step(number).activity}"


CHOICES_HEADER = "Pilihan Langkah"
"""The SOP tab's column of what each SOP's Langkah dropdown offers (hidden: ``layout.SOP``)."""
SOP_HEADERS = (
    "No",
    "Pelaksana",
    "Kegiatan",
    "Kelengkapan",
    "Waktu",
    "Output",
    "Keputusan",
    "Keterangan",
    CHOICES_HEADER,
)


def sop_grid(catalog: Catalog, days_off: Sequence[DayOff] | None = None) -> Grid:
    """Every procedure with its steps, for staff: what each langkah means and who does it.

    Under the header, the coming days off (``days_off_block``, a fixed number of rows).
    Then each SOP opens with its own title row, after a blank row. Its ``Pilihan Langkah``
    cells (the Langkah dropdown of its documents, ``sop_choices``) run from its first
    step through Selesai to the decision answers ``Ya`` and ``Tidak`` when it has any.
    """
    return _sop_layout(catalog, days_off)[0]


def sop_choices(catalog: Catalog) -> dict[str, tuple[int, int]]:
    """Each procedure's block of ``Pilihan Langkah`` in the SOP tab: 0-based rows [start, end)."""
    return _sop_layout(catalog)[1]


def choices_digest(catalog: Catalog) -> str:
    """Where the Langkah dropdowns point (``sop_choices``), digested: they are pointed anew
    only when this changes, not whenever the SOP tab is rewritten."""
    return digest([SOP_HEADERS.index(CHOICES_HEADER), sop_choices(catalog)])


def langkah_choices(catalog: Catalog) -> list[str]:
    """The Langkah column's list, for any SOP: every step number, Selesai, and the answers."""
    longest = max((p.last for p in catalog), default=1)
    answers = [a.value for a in Answer] if any(_decisions(p) for p in catalog) else []
    return [*(str(n) for n in range(1, longest + 1)), SELESAI, *answers]


def prosedur_choices(catalog: Catalog) -> list[str]:
    """The Prosedur column's list: every SOP's code."""
    return [p.code for p in catalog]


CHOICE_PROMPTS = {
    "Prosedur": "Kode SOP, atau tulis judulnya (mis. Penyusunan RKA).",
    "Langkah": (
        "Nomor langkah sekarang, atau Selesai. Pada langkah keputusan boleh Ya atau Tidak."
        " Jika kosong, dianggap langkah 1."
    ),
}
"""What a Prosedur or Langkah cell's dropdown says when the cell is selected."""


def _sop_layout(
    catalog: Catalog, days_off: Sequence[DayOff] | None = None
) -> tuple[Grid, dict[str, tuple[int, int]]]:
    grid: Grid = [
        [Styled("Referensi SOP — diisi otomatis oleh sopsync, jangan diubah", TITLE)],
        _header(*SOP_HEADERS),
        [],
        *days_off_block(days_off),
    ]
    blocks: dict[str, tuple[int, int]] = {}
    for proc in catalog:
        grid += [[], [Styled(sop_title(proc), TITLE)]]
        first = len(grid)
        grid += [_step_row(proc, step.number) for step in proc.steps]
        grid.append(_choice_row(proc, SELESAI, ""))
        grid += [_choice_row(proc, a.value, _answer_text(proc, a)) for a in _answers(proc)]
        blocks[proc.code] = (first, len(grid))
    return grid, blocks


def sop_title(proc: Procedure) -> str:
    """An SOP's title row in the SOP tab: ``Penyusunan RKA — kode: rka``."""
    return f"{proc.title} — kode: {proc.code}"


def _step_row(proc: Procedure, number: int) -> list[Styled]:
    step = proc.step(number)
    actor = step.actor + (f" (dipimpin {step.led_by})" if step.led_by else "")
    return [
        Styled(step.number, CODE),
        Styled(actor),
        Styled(step.activity),
        Styled(step.kelengkapan),
        Styled(step.waktu or "-", CODE),
        Styled(step.output),
        Styled(_decision(proc, step.number)),
        Styled(step.keterangan),
        Styled(step_label(proc, step.number)),
    ]


def _choice_row(proc: Procedure, choice: str, meaning: str) -> list[Styled]:
    """Selesai or an answer: in No, what it means in Kegiatan, offered in the dropdown."""
    values = ["", meaning, "", "", "", "", "", choice]
    return [Styled(choice, CODE), *(Styled(v) for v in values)]


def _decisions(proc: Procedure) -> list[tuple[int, Decision]]:
    return [(s.number, s.decision) for s in proc.steps if s.decision]


def _answers(proc: Procedure) -> list[Answer]:
    return list(Answer) if _decisions(proc) else []


def _answer_text(proc: Procedure, answer: Answer) -> str:
    """``Pada langkah keputusan: dari langkah 6 lanjut ke 7; dari langkah 7 lanjut ke 8.``"""
    moves = []
    for number, decision in _decisions(proc):
        if answer is Answer.YA:
            moves.append(f"dari langkah {number} lanjut ke {decision.ya}")
        else:
            moves.append(f"dari langkah {number} kembali ke {decision.tidak}")
    return f"Jawaban pada langkah keputusan: {'; '.join(moves)}."


DAYS_OFF_SHOWN = 10
"""The coming days off the SOP tab lists."""
DAYS_OFF_TITLE = "Hari libur berikutnya (tidak dihitung dalam tenggat)"
DAYS_OFF_HEADERS = ("Hari", "Tanggal", "Keterangan", "Jenis")
"""Over the SOP tab's columns No, Pelaksana, Kegiatan and Kelengkapan (``layout.SOP``):
a day's name in the narrow first, the holiday's name in the widest."""
DAYS_OFF_NOTES = ("Sabtu dan Minggu juga tidak dihitung.", "Libur kantor dicatat di tab Kalender.")
DAYS_OFF_ROWS = 2 + DAYS_OFF_SHOWN + len(DAYS_OFF_NOTES)
"""The block's rows whatever it lists (title, header, days, notes): the steps never move."""
SOURCE_TEXT = {
    OffSource.NATIONAL: "Libur nasional",
    OffSource.CUTI_BERSAMA: "Cuti bersama",
    OffSource.OFFICE: "Libur kantor",
    OffSource.EXTRA: "Libur tambahan",
}
"""The Jenis of a day off: national, cuti bersama, the office's own (Kalender), the config's."""


def coming_days_off(calendar: WorkingCalendar, now: datetime) -> tuple[DayOff, ...]:
    """The days off the SOP tab lists at ``now``: from its day (in the office's zone) on."""
    return calendar.days_off(now.astimezone(calendar.zone).date(), DAYS_OFF_SHOWN)


def days_off_block(days_off: Sequence[DayOff] | None) -> Grid:
    """The coming days off the worker counts, always ``DAYS_OFF_ROWS`` rows.

    ``None``: not known yet (``init`` writes the SOP tab before a cycle has read the
    Kalender tab). The list changes when a listed day passes or the Kalender tab
    changes; the steps below keep their rows, so their dropdowns need not move.
    """
    grid: Grid = [[Styled(DAYS_OFF_TITLE, TITLE)], _header(*DAYS_OFF_HEADERS)]
    if days_off is None:
        grid.append(_note("Diisi pada pemeriksaan berikutnya."))
    elif not days_off:
        grid.append(_note("Tidak ada hari libur yang tercatat."))
    for off in (days_off or ())[:DAYS_OFF_SHOWN]:
        day = [DAYS[off.day.weekday()], tanggal(off.day), off.name, SOURCE_TEXT[off.source]]
        grid.append([Styled(value) for value in day])
    grid += [[] for _ in range(DAYS_OFF_ROWS - len(DAYS_OFF_NOTES) - len(grid))]
    grid += [_note(note) for note in DAYS_OFF_NOTES]
    return grid


def _note(text: str) -> list[Styled]:
    """A line of the days-off block, under Keterangan."""
    return [Styled(""), Styled(""), Styled(text)]


def values_of(grid: Grid) -> list[list[object]]:
    return [[cell.value for cell in row] for row in grid]


@dataclass(frozen=True)
class TabContent:
    """A worker tab as it should be, and the cells left out when telling whether it changed."""

    grid: Grid
    volatile: frozenset[tuple[int, int]] = frozenset()

    def digest(self) -> str:
        """What the tab shows (volatile cells, trailing blanks, styles aside), digested.

        Kept in the state tab's key→value area, so that the cycle rewrites a tab only
        when this changes, without reading the tab."""
        rows = []
        for r, row in enumerate(self.grid):
            cells = [
                None if (r, col) in self.volatile or cell.value in (None, "") else cell.value
                for col, cell in enumerate(row)
            ]
            while cells and cells[-1] is None:
                cells.pop()
            rows.append(cells)
        while rows and not rows[-1]:
            rows.pop()
        return digest(rows)


def sop_tab(catalog: Catalog, days_off: Sequence[DayOff] | None = None) -> TabContent:
    """The SOP tab: the steps of every SOP and the coming days off (None: not known yet)."""
    return TabContent(sop_grid(catalog, days_off))


def static_tabs(catalog: Catalog) -> dict[str, TabContent]:
    """Worker tabs ``init`` writes: the SOP tab, its days off left to the first cycle."""
    return {SOP: sop_tab(catalog)}
