"""The worker's Kinerja tab (DESIGN §10): the current semester's measures as a grid.

Pure, like Ringkasan: ``kinerja_tab`` turns Riwayat entries into ``views.Styled`` cells
that either backend writes as it writes any worker tab. The tab says when it was
computed (the ``Diperbarui`` cell); when a cycle refreshes it is ``monitoring.refresh``'s.

Readable at a glance: first each SOP's Penilaian, then every step moved out of, the
slowest against its Mutu Baku first, then each role. What is over standard is orange,
as Terlambat is everywhere else in the sheet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sop_models import Catalog
from syncer.calendar import WorkingCalendar
from syncer.cells import local
from syncer.contract import Status
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
from syncer.views import HEADER, TITLE, TOTAL, Grid, Styled, step_label

OVER = Status.TERLAMBAT.value
"""Over standard is shown as Terlambat is: orange."""


def kinerja_tab(
    entries: Iterable[HistoryEntry],
    catalog: Catalog,
    calendar: WorkingCalendar,
    now: datetime,
    good_share: float = DEFAULT_GOOD_SHARE,
    pins: Pins | None = None,
) -> Grid:
    """The Kinerja tab for the semester of ``now`` (aware), from every Riwayat entry
    (``pins``: the SOP versions documents run on, see ``measures``)."""
    period = Period.semester(now.astimezone(calendar.zone).date())
    measures = measure(entries, catalog, calendar, period, now, pins)
    return kinerja_grid(measures, calendar, now, good_share)


def kinerja_grid(
    measures: Measures,
    calendar: WorkingCalendar,
    now: datetime,
    good_share: float = DEFAULT_GOOD_SHARE,
) -> Grid:
    day = calendar.day_minutes
    grid: Grid = [
        [
            Styled(
                "Kinerja SOP: waktu pelaksanaan sebenarnya setiap langkah terhadap Mutu Baku", TITLE
            )
        ],
        [Styled("Diperbarui", HEADER), Styled(local(now, calendar.zone))],
        [Styled("Periode", HEADER), Styled(measures.period.label)],
        [Styled("Tepat waktu", HEADER), Styled("selesai paling lambat pada Tenggat langkahnya")],
        [
            Styled("Penilaian", HEADER),
            Styled(
                f"{Penilaian.BAIK.value}: sekurang-kurangnya {good_share_text(good_share)}%"
                " tepat waktu"
            ),
        ],
    ]
    if measures.skipped:
        grid.append(
            [
                Styled("Tidak dihitung", HEADER),
                Styled(f"{measures.skipped} langkah yang tidak ada lagi di katalog SOP"),
            ]
        )
    grid += [[], [Styled("Per prosedur", TITLE)]]
    grid += _procedures(measures.procedures, good_share)
    grid += [[], [Styled("Per langkah (yang paling lambat terhadap Mutu Baku di atas)", TITLE)]]
    grid += _steps(measures.slowest(), good_share, day)
    grid += [[], [Styled("Per pelaksana", TITLE)]]
    grid += _roles(measures, good_share)
    return grid


def percent(share: float) -> int:
    """A share as whole percent, rounded down: 79.9% never reads as the 80% it misses."""
    return int(share * 100 + 1e-9)


def _share(share: float | None, good_share: float) -> Styled:
    if share is None:
        return Styled("")
    return Styled(percent(share), OVER if share < good_share - 1e-9 else "")


def _late(count: int) -> Styled:
    return Styled(count, OVER if count else "")


def _procedures(procedures: Sequence[ProcedureFigures], good_share: float) -> Grid:
    grid: Grid = [
        _header(
            "Prosedur",
            "Penilaian",
            "Langkah selesai",
            "Tepat waktu (%)",
            "Dikembalikan",
            "Belum selesai",
            "Terlambat",
        )
    ]
    for proc in procedures:
        judged = proc.penilaian(good_share)
        grid.append(
            [
                Styled(proc.procedure.title),
                Styled(
                    judged.value if judged else "Belum dapat dinilai",
                    OVER if judged is Penilaian.TIDAK_BAIK else "",
                ),
                Styled(proc.moves),
                _share(proc.share, good_share),
                Styled(proc.returns),
                Styled(proc.load.open),
                _late(proc.load.late),
            ]
        )
    measured = sum(p.measured for p in procedures)
    within = sum(p.within for p in procedures)
    grid.append(
        [
            Styled("Jumlah", TOTAL),
            Styled("", TOTAL),
            Styled(sum(p.moves for p in procedures), TOTAL),
            Styled(percent(within / measured) if measured else "", TOTAL),
            Styled(sum(p.returns for p in procedures), TOTAL),
            Styled(sum(p.load.open for p in procedures), TOTAL),
            Styled(sum(p.load.late for p in procedures), TOTAL),
        ]
    )
    return grid


def _steps(steps: Sequence[StepFigures], good_share: float, day: float) -> Grid:
    grid: Grid = [
        _header(
            "Prosedur",
            "Langkah",
            "Pelaksana",
            "Selesai",
            "Median",
            "Persentil 90",
            "Mutu Baku",
            "Tepat waktu (%)",
            "Dikembalikan",
        )
    ]
    if not steps:
        grid.append([Styled("Belum ada langkah yang selesai pada periode ini.")])
    for step in steps:
        slowness = step.slowness
        grid.append(
            [
                Styled(step.procedure.title),
                Styled(step_label(step.procedure, step.number)),
                Styled(step.actor),
                Styled(step.moves),
                Styled(
                    _working(step.median, day),
                    OVER if slowness is not None and slowness > 1 else "",
                ),
                Styled(_working(step.p90, day)),
                Styled(str(step.standard) if step.standard is not None else "-"),
                _share(step.share, good_share),
                Styled(step.returns if step.is_decision else ""),
            ]
        )
    return grid


def _roles(measures: Measures, good_share: float) -> Grid:
    grid: Grid = [
        _header(
            "Pelaksana",
            "Langkah paling lambat terhadap Mutu Baku",
            "Belum selesai",
            "Terlambat",
            "Langkah selesai",
            "Tepat waktu (%)",
        )
    ]
    slowest = measures.slowest()
    for role in measures.roles:
        own = next((s for s in slowest if s.actor == role.role and s.measured > s.within), None)
        grid.append(
            [
                Styled(role.role),
                Styled(f"{own.procedure.title}, langkah {own.number}" if own else ""),
                Styled(role.load.open),
                _late(role.load.late),
                Styled(role.moves),
                _share(role.share, good_share),
            ]
        )
    return grid


def _working(minutes: float | None, day: float) -> str:
    return "" if minutes is None else format_working(minutes, day)


def _header(*names: str) -> list[Styled]:
    return [Styled(name, HEADER) for name in names]
