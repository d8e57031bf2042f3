"""Cell values in and out: USER_ENTERED parsing, serial dates, number-format rendering.

Dates are serial numbers counted from 1899-12-30 with the time of day as a fraction, as
the API documents. Rendering supports the date/time tokens ``yyyy yy mmmm mmm mm m dd d
hh h mm(minutes) ss am/pm`` and simple numeric patterns (``0``, ``0.00``, ``#,##0.00``,
``0%``); other numbers are written plainly ("General").

Typed dates are read as Google reads them, through the spreadsheet's locale (File >
Settings > Locale; ``SpreadsheetProperties.locale``): ``yyyy-mm-dd`` always; ``01/12/2026``
(``/`` or ``-``) month first in en_US (12 January 2026), day first (1 December 2026) in the
locales whose CLDR short date is day first (Indonesian ``in_ID``, en_GB, fr_FR, de_DE ...,
see ``DAY_FIRST``), where ``.`` separates too. A year must have four digits here (Google's
two-digit years are not emulated). Text that forms no real date (``31/02/2026``;
``24/12/2026`` in en_US) stays text, as in Google. A locale the emulator does not know
(zh_CN, ja_JP: year first) reads ISO dates only.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

EPOCH = dt.datetime(1899, 12, 30)
DATE_TYPES = ("DATE", "TIME", "DATE_TIME")
ERROR_TEXT = {
    "ERROR": "#ERROR!",
    "NULL_VALUE": "#NULL!",
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
    "LOADING": "Loading...",
}
# en_US defaults when a date/time number format has a type but no pattern.
DEFAULT_PATTERNS = {
    "DATE": "M/d/yyyy",
    "TIME": "h:mm:ss am/pm",
    "DATE_TIME": "M/d/yyyy H:mm:ss",
}
# Patterns given to typed ISO dates under USER_ENTERED. Google documents that such input
# becomes a date, not which pattern the cell gets: these are guesses.
ISO_DATE_PATTERN = "yyyy-mm-dd"
ISO_DATE_TIME_PATTERN = "yyyy-mm-dd hh:mm:ss"
ISO_TIME_PATTERN = "hh:mm:ss"
# Patterns given to typed day/month dates: Google gives an en_US "12/1/2026" the pattern
# M/d/yyyy; the day-first one is its mirror (a guess, as above).
MONTH_FIRST_PATTERNS = ("M/d/yyyy", "M/d/yyyy H:mm:ss")
DAY_FIRST_PATTERNS = ("d/M/yyyy", "d/M/yyyy H:mm:ss")
MONTH_FIRST = frozenset({"en_US", "en", "en_PH", "fil_PH", "fil"})
"""Locales whose short date is month first (CLDR: M/d/yy)."""
DAY_FIRST = frozenset(
    {
        # Indonesian: Google's own list (File > Settings) names it in_ID, Java's legacy code;
        # id_ID and the bare languages are the ISO spellings of the same
        *("in_ID", "id_ID", "in", "id"),
        *("en_GB", "en_AU", "en_IE", "en_IN", "en_NZ", "ms_MY"),
        *("fr_FR", "de_DE", "es_ES", "it_IT", "nl_NL", "pt_BR", "pt_PT", "ru_RU", "tr_TR"),
        "vi_VN",
    }
)
"""Locales whose short date is day first (CLDR: d/M/yy, dd/MM/y, dd.MM.yy ...)."""

_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?$")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATE_TIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_LOCAL_DATE = re.compile(
    r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)


def to_serial(value: dt.datetime | dt.date) -> float:
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    delta = value - EPOCH
    return delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6


def from_serial(serial: float) -> dt.datetime:
    # round to the millisecond, as Sheets does, so 0.1 day fractions come back exact
    ms = round(serial * 86400000)
    return EPOCH + dt.timedelta(milliseconds=ms)


def json_number(value: float) -> int | float:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def parse_user_entered(
    raw: Any, locale: str = "en_US"
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """What typing ``raw`` into a cell of a spreadsheet in ``locale`` stores: (ExtendedValue
    or None for empty, numberFormat)."""
    if isinstance(raw, bool):
        return {"boolValue": raw}, None
    if isinstance(raw, int | float):
        return {"numberValue": float(raw)}, None
    text = str(raw)
    if text == "":
        return None, None
    if text.startswith("'"):
        return {"stringValue": text[1:]}, None
    if text.startswith("="):
        return {"formulaValue": text}, None
    stripped = text.strip()
    if stripped.upper() in ("TRUE", "FALSE"):
        return {"boolValue": stripped.upper() == "TRUE"}, None
    if stripped and any(ch.isdigit() for ch in stripped) and _NUMBER.match(stripped):
        return {"numberValue": float(stripped.replace(",", ""))}, None
    if stripped.endswith("%") and _NUMBER.match(stripped[:-1].strip() or "x"):
        number = stripped[:-1].strip()
        pattern = "0.00%" if "." in number else "0%"
        value = float(number.replace(",", "")) / 100
        return {"numberValue": value}, {"type": "PERCENT", "pattern": pattern}
    parsed = _parse_date_like(stripped) or _parse_local_date(stripped, locale)
    if parsed is not None:
        return parsed
    return {"stringValue": text}, None


def _parse_local_date(text: str, locale: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """A date written day and month in the order of ``locale`` (see the module's notes)."""
    day_first = locale in DAY_FIRST
    if not (day_first or locale in MONTH_FIRST):
        return None
    m = _LOCAL_DATE.match(text)
    if m is None or (m[2] == "." and not day_first):
        return None
    first, second, year = int(m[1]), int(m[3]), int(m[4])
    day, month = (first, second) if day_first else (second, first)
    hour, minute, second_ = int(m[5] or 0), int(m[6] or 0), int(m[7] or 0)
    if hour > 23 or minute > 59 or second_ > 59:
        return None
    try:
        moment = dt.datetime(year, month, day, hour, minute, second_)
    except ValueError:
        return None
    date_pattern, date_time_pattern = DAY_FIRST_PATTERNS if day_first else MONTH_FIRST_PATTERNS
    if m[5] is None:
        return {"numberValue": to_serial(moment)}, {"type": "DATE", "pattern": date_pattern}
    fmt = {"type": "DATE_TIME", "pattern": date_time_pattern}
    return {"numberValue": to_serial(moment)}, fmt


def _parse_date_like(text: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    try:
        if m := _DATE.match(text):
            d = dt.datetime(int(m[1]), int(m[2]), int(m[3]))
            return {"numberValue": to_serial(d)}, {"type": "DATE", "pattern": ISO_DATE_PATTERN}
        if m := _DATE_TIME.match(text):
            d = dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6] or 0))
            fmt = {"type": "DATE_TIME", "pattern": ISO_DATE_TIME_PATTERN}
            return {"numberValue": to_serial(d)}, fmt
        if m := _TIME.match(text):
            h, mi, s = int(m[1]), int(m[2]), int(m[3] or 0)
            if h < 24 and mi < 60 and s < 60:
                fmt = {"type": "TIME", "pattern": ISO_TIME_PATTERN}
                return {"numberValue": (h * 3600 + mi * 60 + s) / 86400}, fmt
    except ValueError:
        return None
    return None


def parse_raw(raw: Any) -> dict[str, Any] | None:
    """RAW input: stored exactly as given; strings never become formulas or numbers."""
    if isinstance(raw, bool):
        return {"boolValue": raw}
    if isinstance(raw, int | float):
        return {"numberValue": float(raw)}
    if raw == "":
        return None
    return {"stringValue": str(raw)}


# --------------------------------------------------------------------------- rendering
def general_number(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = format(value, ".15g")
    if "e" in text:
        mant, exp = text.split("e")
        sign = "-" if exp.startswith("-") else "+"
        return f"{mant.upper()}E{sign}{int(exp.lstrip('+-')):02d}"
    return text


_DT_TOKEN = re.compile(
    r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p|\.0+|\"[^\"]*\"|\\.|.",
    re.IGNORECASE,
)


def format_datetime(serial: float, pattern: str) -> str:
    moment = from_serial(serial)
    tokens = [t for t in _DT_TOKEN.findall(pattern)]
    low = [t.lower() for t in tokens]
    twelve = any(t in ("am/pm", "a/p") for t in low)
    out = []
    for i, (tok, lt) in enumerate(zip(tokens, low, strict=True)):
        if lt in ("mm", "m"):
            prev = next((x for x in reversed(low[:i]) if x.isalpha() or x == "am/pm"), "")
            nxt = next((x for x in low[i + 1 :] if x.isalpha() or x == "am/pm"), "")
            minutes = prev in ("h", "hh") or nxt in ("s", "ss")
            val = moment.minute if minutes else moment.month
            out.append(f"{val:02d}" if lt == "mm" else str(val))
        elif lt == "yyyy":
            out.append(f"{moment.year:04d}")
        elif lt == "yy":
            out.append(f"{moment.year % 100:02d}")
        elif lt == "mmmm":
            out.append(moment.strftime("%B"))
        elif lt == "mmm":
            out.append(moment.strftime("%b"))
        elif lt == "dddd":
            out.append(moment.strftime("%A"))
        elif lt == "ddd":
            out.append(moment.strftime("%a"))
        elif lt in ("dd", "d"):
            out.append(f"{moment.day:02d}" if lt == "dd" else str(moment.day))
        elif lt in ("hh", "h"):
            hour = moment.hour
            if twelve:
                hour = hour % 12 or 12
            out.append(f"{hour:02d}" if lt == "hh" else str(hour))
        elif lt in ("ss", "s"):
            out.append(f"{moment.second:02d}" if lt == "ss" else str(moment.second))
        elif lt == "am/pm":
            out.append("AM" if moment.hour < 12 else "PM")
        elif lt == "a/p":
            out.append("A" if moment.hour < 12 else "P")
        elif lt.startswith(".0"):
            digits = len(lt) - 1
            frac = moment.microsecond / 1e6
            out.append("." + f"{frac:.{digits}f}"[2:])
        elif tok.startswith('"'):
            out.append(tok[1:-1])
        elif tok.startswith("\\"):
            out.append(tok[1:])
        else:
            out.append(tok)
    return "".join(out)


def format_number(value: float, pattern: str) -> str:
    percent = pattern.endswith("%")
    core = pattern.rstrip("%")
    if percent:
        value *= 100
    m = re.fullmatch(r"([#,0]*)(?:\.([0#]+))?", core)
    if not m:
        return general_number(value) + ("%" if percent else "")
    decimals = len(m.group(2) or "")
    grouping = "," in (m.group(1) or "")
    text = f"{value:,.{decimals}f}" if grouping else f"{value:.{decimals}f}"
    return text + ("%" if percent else "")


def format_value(value: dict[str, Any] | None, number_format: dict[str, Any] | None) -> str:
    """FORMATTED_VALUE of an effective value under a cell's number format."""
    if not value:
        return ""
    if "stringValue" in value:
        return value["stringValue"]
    if "boolValue" in value:
        return "TRUE" if value["boolValue"] else "FALSE"
    if "errorValue" in value:
        return ERROR_TEXT.get(value["errorValue"].get("type", "ERROR"), "#ERROR!")
    number = float(value.get("numberValue", 0.0))
    fmt = number_format or {}
    ftype = fmt.get("type")
    pattern = fmt.get("pattern")
    if ftype in DATE_TYPES:
        return format_datetime(number, pattern or DEFAULT_PATTERNS[ftype])
    if pattern and ftype in ("NUMBER", "PERCENT", "CURRENCY", None):
        return format_number(number, pattern)
    if ftype == "PERCENT":
        return format_number(number, "0.00%")
    return general_number(number)
