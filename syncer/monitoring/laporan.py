"""The Permenpan monitoring form (DESIGN §10) as content, the same for .xlsx and .pdf.

``Laporan`` holds one period's measures and what the form needs besides (the unit,
the date of printing, who signs); its methods give the form's rows, each SOP's step
table and chart series as plain values and Indonesian text. The writers
(``laporan_xlsx``, ``laporan_pdf``) only lay them out.

Choices where §10 is silent: an SOP with no measured move in the period gets no
Penilaian (the cell is left blank for the evaluator, and Catatan says why): judging it
either way would claim evidence there is none of. Catatan names at most three slowest
steps, those with at least one move later than Mutu Baku.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sop_models import Catalog
from sop_models.idtime import tanggal
from syncer.calendar import WorkingCalendar
from syncer.config import Evaluator, LaporanConfig
from syncer.engine import HistoryEntry, format_working
from syncer.monitoring import DEFAULT_GOOD_SHARE, good_share_text
from syncer.monitoring.measures import (
    Measures,
    Penilaian,
    Period,
    ProcedureFigures,
    StepFigures,
    measure,
)
from syncer.versions import Pins

TITLE = "MONITORING PELAKSANAAN STANDAR OPERASIONAL PROSEDUR"
FORM_HEADERS = ("No", "Prosedur", "Penilaian", "Catatan", "Tindakan yang harus diambil")
STEP_HEADERS = (
    "No",
    "Kegiatan",
    "Pelaksana",
    "Selesai",
    "Median",
    "Persentil 90",
    "Mutu Baku",
    "Tepat waktu (%)",
    "Dikembalikan",
)
CHART_UNIT = "jam kerja"
BLANK = "…………………………"
"""What is left to write by hand."""

SIGNING_LINES = 3
"""Empty lines left to sign in."""
NAME_LINE = -2
"""The signer's name in ``Laporan.signature``."""
Cell = str | int


@dataclass(frozen=True)
class FormRow:
    no: int
    prosedur: str
    penilaian: Penilaian | None
    catatan: str


@dataclass(frozen=True)
class Bar:
    """One step in a chart: median time taken and Mutu Baku, in working hours."""

    step: int
    median: float | None
    standard: float | None


UNREADABLE_SHOWN = 10
"""Riwayat rows a form names that it could not read; the rest are counted."""


@dataclass(frozen=True)
class Laporan:
    measures: Measures
    unit: tuple[str, ...]
    printed: date
    evaluator: Evaluator
    day_minutes: float
    good_share: float = DEFAULT_GOOD_SHARE
    unreadable: tuple[int, ...] = ()
    """Riwayat rows that hold no readable move (edited by hand): not counted, named."""

    # --- the title block and the signature ------------------------------------------------------

    def heading(self) -> list[tuple[str, str]]:
        """Label and value lines under the title."""
        # the lines go from the largest unit (instansi) to the smallest; a name reads from
        # the smallest: "Subbagian …, Kecamatan …"
        unit = ", ".join(reversed(self.unit)) if self.unit else BLANK
        lines = [
            ("Unit kerja", unit),
            ("Periode", self.measures.period.label),
            ("Tanggal cetak", tanggal(self.printed)),
            ("Dasar penilaian", self.rule()),
        ]
        if self.measures.skipped:
            lines.append(
                (
                    "Tidak dihitung",
                    f"{self.measures.skipped} catatan Riwayat pada langkah atau SOP"
                    " yang tidak ada lagi di katalog SOP, atau pada versi SOP lain yang"
                    " langkahnya berbeda",
                )
            )
        if self.unreadable:
            shown = ", ".join(map(str, self.unreadable[:UNREADABLE_SHOWN]))
            more = " dan lainnya" if len(self.unreadable) > UNREADABLE_SHOWN else ""
            lines.append(
                (
                    "Tidak terbaca",
                    f"{len(self.unreadable)} baris Riwayat (baris {shown}{more}): Waktu bukan"
                    " tanggal, ID kosong, atau Dari/Ke bukan langkah; perbaiki agar dihitung",
                )
            )
        return lines

    def rule(self) -> str:
        share = good_share_text(self.good_share)
        return (
            f"{Penilaian.BAIK.value} bila sekurang-kurangnya {share}% langkah yang diukur"
            " selesai dalam Mutu Baku (paling lambat pada Tenggat langkahnya, dalam waktu"
            " kerja), dihitung dari Riwayat."
        )

    def signature(self) -> list[str]:
        """The signing block, line by line; an empty line is room to sign; the name is
        the line before the last (``NAME_LINE``), printed bold."""
        who = self.evaluator
        return [
            tanggal(self.printed),
            "Yang melakukan monitoring,",
            who.jabatan or BLANK,
            *[""] * SIGNING_LINES,
            who.nama or BLANK,
            f"NIP {who.nip or BLANK}",
        ]

    # --- the form -----------------------------------------------------------------------------

    def rows(self) -> list[FormRow]:
        return [
            FormRow(no, proc.procedure.title, proc.penilaian(self.good_share), self.catatan(proc))
            for no, proc in enumerate(self.measures.procedures, start=1)
        ]

    def catatan(self, proc: ProcedureFigures) -> str:
        """Its slowest steps against Mutu Baku and its returns, in plain Indonesian."""
        if proc.moves == 0:
            said = ["Tidak ada langkah yang selesai pada periode ini; belum dapat dinilai."]
        elif proc.measured == 0:
            said = [
                "Langkah yang selesai pada periode ini tidak mempunyai Mutu Baku waktu;"
                " belum dapat dinilai."
            ]
        else:
            share = int(proc.within / proc.measured * 100 + 1e-9)
            said = [
                f"{proc.within} dari {proc.measured} langkah ({share}%) selesai dalam Mutu Baku."
            ]
            slowest = proc.slowest()
            if len(slowest) == 1:
                said.append(f"Paling lambat: {self._slow(slowest[0])}.")
            elif slowest:  # numbered: each step's own part has a semicolon
                listed = "; ".join(f"({n}) {self._slow(s)}" for n, s in enumerate(slowest, 1))
                said.append(f"Paling lambat: {listed}.")
        if proc.moves:
            said.append(self._returns(proc))
        if proc.load.late:
            day = tanggal(self.measures.as_of_day)
            said.append(f"Per {day}, {proc.load.late} dokumen masih terlambat.")
        return " ".join(s for s in said if s)

    def _slow(self, step: StepFigures) -> str:
        median = format_working(step.median or 0.0, self.day_minutes)
        return (
            f"langkah {step.number} ({step.activity}, {step.actor}) median {median}"
            f" (Mutu Baku {step.standard}); {step.within} dari {step.measured} tepat waktu"
        )

    @staticmethod
    def _returns(proc: ProcedureFigures) -> str:
        returned = [s for s in proc.steps if s.returns]
        if not returned:
            if any(s.is_decision for s in proc.steps):
                return "Tidak ada dokumen yang dikembalikan."
            return ""
        if len(returned) == 1:
            return f"Dikembalikan (Tidak) {proc.returns} kali di langkah {returned[0].number}."
        where = [f"{s.returns} kali di langkah {s.number}" for s in returned]
        listed = ", ".join(where[:-1]) + f" dan {where[-1]}"
        return f"Dikembalikan (Tidak) {proc.returns} kali: {listed}."

    # --- the details --------------------------------------------------------------------------

    def detailed(self) -> list[ProcedureFigures]:
        """The SOPs with a move in the period: each gets a step table and a chart."""
        return [p for p in self.measures.procedures if p.moves]

    def step_rows(self, proc: ProcedureFigures) -> list[list[Cell]]:
        """Its step table (``STEP_HEADERS``); ``-`` where there is nothing to show."""
        return [self._step_row(step) for step in proc.steps]

    def _step_row(self, step: StepFigures) -> list[Cell]:
        timed = step.moves > 0
        share = step.share
        return [
            step.number,
            step.activity,
            step.actor,
            step.moves,
            self._working(step.median) if timed else "-",
            self._working(step.p90) if timed else "-",
            str(step.standard) if step.standard else "-",
            int(share * 100 + 1e-9) if share is not None else "-",
            step.returns if step.is_decision else "-",
        ]

    def _working(self, minutes: float | None) -> str:
        return "-" if minutes is None else format_working(minutes, self.day_minutes)

    def bars(self, proc: ProcedureFigures) -> list[Bar]:
        """Its chart: median time taken against Mutu Baku per step, in working hours; only
        steps with a Mutu Baku have bars (the others show counts only)."""
        bars = []
        for step in proc.steps:
            median, standard = step.median, step.standard_minutes
            if standard is None:
                median = None
            bars.append(
                Bar(
                    step.number,
                    None if median is None else round(median / 60, 2),
                    None if standard is None else round(standard / 60, 2),
                )
            )
        return bars

    def hours_per_day(self) -> str:
        """``7,5``: working hours in a working day, with a decimal comma."""
        return decimal(self.day_minutes / 60)


def decimal(value: float) -> str:
    """A number the Indonesian way: ``7,5``."""
    return f"{value:g}".replace(".", ",")


def make_laporan(
    entries: Iterable[HistoryEntry],
    catalog: Catalog,
    calendar: WorkingCalendar,
    settings: LaporanConfig,
    period: Period,
    now: datetime,
    pins: Pins | None = None,
    unreadable: tuple[int, ...] = (),
) -> Laporan:
    """The form for ``period`` from Riwayat, as printed at ``now`` (``pins``: the versions
    documents ran on, see ``measures``; ``unreadable``: Riwayat rows that say no move)."""
    return Laporan(
        measures=measure(entries, catalog, calendar, period, now, pins),
        unit=tuple(settings.unit) or sop_unit(catalog),
        printed=now.astimezone(calendar.zone).date(),
        evaluator=settings.evaluator,
        day_minutes=calendar.day_minutes,
        good_share=settings.good_share,
        unreadable=unreadable,
    )


def sop_unit(catalog: Catalog) -> tuple[str, ...]:
    """The unit the SOPs name in their identity (DESIGN §9), the most common one, if any."""
    units = Counter(proc.identity.unit for proc in catalog if proc.identity.unit)
    return units.most_common(1)[0][0] if units else ()
