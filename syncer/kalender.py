"""The Kalender tab (DESIGN §3): the office's own dates, as admins type them.

Columns ``Tanggal`` (a date), ``Jenis`` (``Libur``: not a working day;
``Masuk``: a working day although the national list says otherwise),
``Keterangan`` (free text) and the worker's ``Pesan``. :func:`read_kalender`
turns the rows into the office dates a calendar counts
(:meth:`syncer.calendar.WorkingCalendar.with_office_dates`) and, for each row
it cannot use, an Indonesian Pesan; such a row is ignored. Pure: no I/O.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from syncer.calendar import DayKind, OfficeDate
from syncer.cells import BadValue, is_blank, shown, text_of
from syncer.idtime import MONTHS, tanggal

KALENDER = "Kalender"
TANGGAL, JENIS, KETERANGAN = "Tanggal", "Jenis", "Keterangan"
KALENDER_COLUMNS = (TANGGAL, JENIS, KETERANGAN)
"""The admins' columns; the worker's own is ``Pesan`` (``syncer.contract.PESAN``)."""

_EPOCH = date(1899, 12, 30)  # day 0 of spreadsheet serial numbers
_SERIALS = range(date(1990, 1, 1).toordinal(), date(2100, 12, 31).toordinal() + 1)
_EXAMPLE = "17/08/2026"
_MONTHS = {
    **{name.casefold(): number for number, name in enumerate(MONTHS, start=1)},
    **{name[:3].casefold(): number for number, name in enumerate(MONTHS, start=1)},
    **dict.fromkeys(("agt", "ags", "agus"), 8),
    **{"pebruari": 2, "sept": 9, "nop": 11, "nopember": 11},
}
_TIME = r"(?:\s+\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?"
_ISO = re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}$")
_DAY_FIRST = re.compile(rf"^(\d{{1,2}})([/.-])(\d{{1,2}})\2(\d{{2}}|\d{{4}}){_TIME}$")
_WORDS = re.compile(rf"^(\d{{1,2}})[\s-]+([a-z]+)\.?[\s-]+(\d{{4}}){_TIME}$")


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
        f"Jenis {shown(value)} tidak dikenali. Isi Libur (bukan hari kerja) "
        "atau Masuk (hari kerja walaupun libur nasional)."
    )


def parse_tanggal(value: object) -> date | BadValue:
    """A date cell, a spreadsheet serial number, or text such as 17/08/2026 or 2026-08-17."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if is_blank(value):
        return BadValue(f"Tanggal kosong. Isi tanggal, mis. {_EXAMPLE}.")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value)
    if isinstance(value, str) and value.strip().startswith("="):
        return BadValue(f"Tanggal berisi rumus {shown(value)}. Tulis tanggalnya, mis. {_EXAMPLE}.")
    if isinstance(value, str):
        day = _text_date(value)
        if day is not None:
            return day
    return BadValue(f"Tanggal {shown(value)} bukan tanggal. Tulis seperti {_EXAMPLE}.")


def _serial(number: float) -> date | BadValue:
    if math.isfinite(number):
        ordinal = _EPOCH.toordinal() + math.floor(number)
        if ordinal in _SERIALS:
            return _EPOCH + timedelta(days=math.floor(number))
    return BadValue(f"Tanggal {shown(number)} bukan tanggal. Tulis seperti {_EXAMPLE}.")


def _text_date(value: str) -> date | BadValue | None:
    """A date from text; a BadValue when it looks like a date but is not one."""
    text = " ".join(value.split()).casefold()
    if match := _ISO.match(text):
        year, month, day = match.groups()
    elif match := _DAY_FIRST.match(text):
        day, _, month, year = match.groups()
    elif (match := _WORDS.match(text)) and match.group(2) in _MONTHS:
        day, name, year = match.groups()
        month = str(_MONTHS[name])
    else:
        return None
    if len(year) == 2:
        return BadValue(
            f"Tanggal {shown(value)}: tahun hanya dua angka. "
            f"Tulis tahun lengkap, seperti {_EXAMPLE}."
        )
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return BadValue(f"Tanggal {shown(value)} tidak ada. Tulis seperti {_EXAMPLE}.")
