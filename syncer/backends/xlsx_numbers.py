"""Excel's numbers that are dates, times and durations, read as openpyxl reads them.

A number cell is a date when its style's number format shows a date or a time, and a
duration when the format counts elapsed time (``[h]:mm``); its value counts days from the
workbook's epoch. The rules are openpyxl's own (3.1: ``openpyxl.styles.numbers``,
``openpyxl.utils.datetime``), restated so that the cycle's read needs no openpyxl and
still reads every cell as a whole-workbook load does; which formats show dates is
``xlsx_styles.is_date_format``, shared with the write.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

WINDOWS_EPOCH = datetime(1899, 12, 30)
MAC_EPOCH = datetime(1904, 1, 1)

_ELAPSED = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)

_ISO_MOMENT = re.compile(
    r"(?P<date>(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2}))?T?"
    r"(?P<time>(?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(:(?P<second>\d{2})(?P<microsecond>\.\d{1,3})?)?)?Z?"
)
_ISO_DURATION = re.compile(
    r"PT((?P<hours>\d+)H)?((?P<minutes>\d+)M)?((?P<seconds>\d+(\.\d{1,3})?)S)?"
)


def is_duration_format(code: str | None) -> bool:
    """Whether a number format counts elapsed time: ``[h]:mm:ss``, ``[mm]:ss``…"""
    return code is not None and _ELAPSED.search(code.split(";")[0]) is not None


def from_serial(
    value: float, epoch: datetime, duration: bool = False
) -> datetime | time | timedelta:
    """The moment (a time of day when under one day), or the duration, of a serial number
    of days, to the millisecond. Raises OverflowError or ValueError past the calendar."""
    if duration:
        span = timedelta(days=value)
        if span.microseconds:
            span = timedelta(
                seconds=span.total_seconds() // 1, microseconds=round(span.microseconds, -3)
            )
        return span
    day, fraction = divmod(value, 1)
    diff = timedelta(milliseconds=round(fraction * 86400 * 1000))
    if 0 <= value < 1 and diff.days == 0:
        minutes, seconds = divmod(diff.seconds, 60)
        hours, minutes = divmod(minutes, 60)
        return time(hours, minutes, seconds, diff.microseconds)
    if 0 < value < 60 and epoch == WINDOWS_EPOCH:
        day += 1  # Excel counts a 29 February 1900 that never was
    return epoch + timedelta(days=day) + diff


def from_iso(text: str) -> date | datetime | time | timedelta | None:
    """A cell of type ``d``: an ISO 8601 date, time, date-time or ``PT…`` duration."""
    if not text:
        return None
    match = _ISO_MOMENT.match(text)
    if match and any(match.groups()):
        parts = match.groupdict()
        number = {key: int(parts[key] or 0) for key in ("year", "month", "day", "hour", "minute")}
        second = int(parts["second"] or 0)
        micro = int(float(parts["microsecond"]) * 1_000_000) if parts["microsecond"] else 0
        if not parts["date"]:
            return time(number["hour"], number["minute"], second, micro)
        if not parts["time"]:
            return date(number["year"], number["month"], number["day"])
        return datetime(
            number["year"],
            number["month"],
            number["day"],
            number["hour"],
            number["minute"],
            second,
            micro,
        )
    match = _ISO_DURATION.match(text)
    if match and any(match.groups()):
        found = {key: float(val) for key, val in match.groupdict().items() if val}
        return timedelta(**found)
    raise ValueError(f"Invalid datetime value {text}")
