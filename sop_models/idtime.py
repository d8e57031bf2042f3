"""Moments written the Indonesian way (DESIGN §2): what staff read in sentences and cells.

Sentences (Pesan, notices, reports) say ``1 Desember 2026 pukul 09.00``; date-time cells
display as ``dd/mm/yyyy hh.mm``. Everything is read on the wall clock of the office's zone.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

CELL_FORMAT = "dd/mm/yyyy hh.mm"
"""The number format of date-time cells (Excel, LibreOffice and Google read it alike)."""


def tanggal(day: date) -> str:
    """``1 Desember 2026``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def rentang(first: date, last: date) -> str:
    """``1 Juli s.d. 31 Desember 2026``; the first year too when the years differ
    (``1 Desember 2026 s.d. 5 Januari 2027``); one day alone when they are the same."""
    if first == last:
        return tanggal(first)
    start = tanggal(first) if first.year != last.year else f"{first.day} {MONTHS[first.month - 1]}"
    return f"{start} s.d. {tanggal(last)}"


def hari_tanggal(day: date) -> str:
    """``Selasa, 1 Desember 2026``."""
    return f"{DAYS[day.weekday()]}, {tanggal(day)}"


def pukul(moment: datetime) -> str:
    """``pukul 09.00``."""
    return f"pukul {moment:%H.%M}"


def waktu(moment: datetime, zone: ZoneInfo | None = None) -> str:
    """``1 Desember 2026 pukul 09.00``, on the clock of ``zone`` when given."""
    local = moment.astimezone(zone) if zone is not None and moment.tzinfo else moment
    return f"{tanggal(local.date())} {pukul(local)}"


def cell_text(moment: datetime) -> str:
    """How a date-time cell shows ``moment``: ``01/12/2026 09.00``."""
    return f"{moment:%d/%m/%Y %H.%M}"
