"""The Kalender tab (DESIGN §3): the office's own dates, as admins type them.

Columns ``Tanggal`` (a date), ``Jenis`` (``Libur``: not a working day;
``Masuk``: a working day although the national list says otherwise),
``Keterangan`` (free text) and the worker's ``Pesan``. :func:`read_kalender`
turns the rows into the office dates a calendar counts
(:meth:`syncer.calendar.WorkingCalendar.with_office_dates`) and, for each row
it cannot use, an Indonesian Pesan; such a row is ignored. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sop_models.idtime import tanggal
from syncer.calendar import DayKind, OfficeDate
from syncer.cells import DATE_EXAMPLE, BadValue, is_blank, parse_date, shown, text_of

KALENDER = "Kalender"
TANGGAL, JENIS, KETERANGAN = "Tanggal", "Jenis", "Keterangan"
KALENDER_COLUMNS = (TANGGAL, JENIS, KETERANGAN)
"""The admins' columns; the worker's own is ``Pesan`` (``syncer.contract.PESAN``)."""


@dataclass(frozen=True, slots=True)
class KalenderRow:
    """One Kalender row as read from the sheet: any cell values."""

    row: int
    """The sheet row number, for messages about other rows."""
    tanggal: object = None
    jenis: object = None
    keterangan: object = None


@dataclass(frozen=True)
class KalenderReading:
    """What the Kalender tab says: the office dates and a Pesan per ignored row."""

    dates: Mapping[date, OfficeDate] = field(default_factory=dict)
    pesan: Mapping[int, str] = field(default_factory=dict)
    """Sheet row -> why the row is ignored. Rows not listed are used (or wholly empty)."""


def read_kalender(rows: Iterable[KalenderRow]) -> KalenderReading:
    """The office dates of the Kalender rows; a row that cannot be used gets a Pesan.

    A date listed twice with the same Jenis counts once (the first Keterangan);
    listed with both Jenis, neither row counts.
    """
    pesan: dict[int, str] = {}
    found: dict[date, list[tuple[int, OfficeDate]]] = {}
    for row in rows:
        if is_blank(row.tanggal) and is_blank(row.jenis) and is_blank(row.keterangan):
            continue
        day = parse_tanggal(row.tanggal)
        kind = parse_jenis(row.jenis)
        problems = [value.reason for value in (day, kind) if isinstance(value, BadValue)]
        if problems:
            pesan[row.row] = " ".join(problems)
            continue
        assert isinstance(day, date) and isinstance(kind, DayKind)
        found.setdefault(day, []).append((row.row, OfficeDate(kind, text_of(row.keterangan))))
    dates: dict[date, OfficeDate] = {}
    for day, listed in found.items():
        kinds = {entry.kind for _, entry in listed}
        if len(kinds) == 1:
            dates[day] = listed[0][1]
            continue
        for number, entry in listed:
            others = [f"baris {n} sebagai {e.kind}" for n, e in listed if e.kind is not entry.kind]
            pesan[number] = (
                f"Tanggal {tanggal(day)} juga tercantum di {', '.join(others)}. Satu tanggal "
                "hanya boleh satu Jenis; baris ini diabaikan sampai salah satunya diperbaiki."
            )
    return KalenderReading(dates, dict(sorted(pesan.items())))


def parse_jenis(value: object) -> DayKind | BadValue:
    """``Libur`` or ``Masuk``, any case."""
    if is_blank(value):
        return BadValue("Jenis kosong. Isi Libur atau Masuk.")
    text = text_of(value).casefold()
    for kind in DayKind:
        if text == kind.casefold():
            return kind
    return BadValue(
        f"Jenis {shown(value)} tidak dikenal. Isi Libur (bukan hari kerja) "
        "atau Masuk (hari kerja walaupun libur nasional)."
    )


def parse_tanggal(value: object) -> date | BadValue:
    """A Kalender date: required, in any form a sheet gives (see ``cells.parse_date``)."""
    day = parse_date(value, TANGGAL)
    return BadValue(f"Tanggal kosong. Isi tanggal, mis. {DATE_EXAMPLE}.") if day is None else day
