"""What staff typed: reading the ID, Prosedur and Langkah cells.

Any value a spreadsheet can hold arrives here (text, numbers, booleans, dates,
formulas, invisible characters); each is either understood or explained in
Indonesian, never an exception.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from sop_models import DONE, Done, idtime

MAX_STEP = 999

# "4", "4.0", "langkah 4", "4 - Memberikan paraf", "4. Memberikan paraf", "4) ..."
# but not "4.5" or "4a"
_STEP_TEXT = re.compile(
    r"^(?:langkah\s*)?(\d{1,3})(?:\.0+)?"
    r"(?:\s*[-–—:)]\s*(?:\S.*)?|\.(?:\s+\S.*)?|\s+[-–—]\s*)?$",
    re.DOTALL | re.IGNORECASE,
)
_NUMBER_TEXT = re.compile(r"^[-+]?(\d+)([.,]\d+)?$")
_SELESAI = "selesai"


class Answer(Enum):
    """A decision step's answer typed in Langkah: it means the step that answer leads to."""

    YA = "Ya"
    TIDAK = "Tidak"

    def __str__(self) -> str:
        return self.value


_ANSWERS = {answer.value.casefold(): answer for answer in Answer}

Entered = int | Done | Answer
"""What a readable Langkah holds: a step number, Selesai, or a decision's answer."""


@dataclass(frozen=True)
class BadValue:
    """A cell that cannot be read; ``reason`` is the Indonesian explanation."""

    reason: str


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def visible(text: str) -> str:
    """``text`` without the invisible characters a paste brings along (a zero-width space
    from a chat message): a Langkah "4" that staff see is 4."""
    if text.isascii():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def _invisible_only(text: str) -> bool:
    return bool(text) and all(
        ch.isspace() or unicodedata.category(ch) in ("Cf", "Zs", "Zl", "Zp", "Cc") for ch in text
    )


# What a spreadsheet shows for a formula that failed (Excel, LibreOffice, Google Sheets).
_FORMULA_ERRORS = frozenset(
    ("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#ERROR!", "#SPILL!")
)


def formula_problem(value: object, column: str) -> str:
    """Why ``value`` is no text typed in ``column`` (a formula, or the error a formula gave),
    or "" when it is."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if text.startswith("="):
        return f"{column} berisi rumus {shown(text)}."
    if text.upper() in _FORMULA_ERRORS:
        return f"{column} berisi {text.upper()}, hasil rumus yang gagal."
    return ""


def shown(value: object, limit: int = 40) -> str:
    """A cell value quoted for a message, cut short when long."""
    if isinstance(value, bool):
        text = "BENAR" if value else "SALAH"  # as an Indonesian spreadsheet shows it
    elif isinstance(value, datetime):
        text = _moment_shown(value)
    elif isinstance(value, date):
        text = f"{value:%d/%m/%Y}"
    elif isinstance(value, time):
        text = f"{value:%H.%M}"
    elif isinstance(value, timedelta):  # a cell formatted as a duration ([h]:mm)
        minutes = round(value.total_seconds() / 60)
        text = f"{'-' if minutes < 0 else ''}{abs(minutes) // 60}.{abs(minutes) % 60:02d}"
    elif isinstance(value, float):
        text = _number_shown(value)
    else:
        try:
            text = str(value)
        except ValueError:  # an integer too long for Python to print
            text = "angka sangat besar"
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f'"{text}"'


def _moment_shown(moment: datetime) -> str:
    """A date-time as its cell shows it: ``30/11/2026 10.00``, or the date alone at midnight."""
    if moment.time() == time(0, 0):
        return f"{moment:%d/%m/%Y}"
    return idtime.cell_text(moment)


def _number_shown(number: float) -> str:
    """A number the Indonesian way: ``4,5``, ``12``, ``1E+20``."""
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return str(number).replace(".", ",").upper()


def text_of(value: object) -> str:
    """A cell as plain text, the way an ID or a Prosedur is compared: without the
    invisible characters a paste brings along (``visible``)."""
    if value is None:
        return ""
    if isinstance(value, str):  # the common case, as shown() below would give it
        text = " ".join(visible(value).split())
        if len(text) <= 10_000:
            return text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return " ".join(shown(value, limit=10_000)[1:-1].split())


def parse_langkah(value: object) -> Entered | None | BadValue:
    """A step number, ``DONE`` for Selesai, an ``Answer``, None for blank, or why it is none.

    A reason says what the cell holds and why it is not a step; what may be entered
    instead depends on the document, so the engine adds it.
    """
    if isinstance(value, bool):
        return BadValue(f"Langkah berisi nilai BENAR/SALAH ({shown(value)}), bukan nomor langkah.")
    if isinstance(value, datetime | date | time | timedelta):
        # A spreadsheet read what was typed as a date: a narrow column may show only ###.
        kind = _kind_of_moment(value)
        return BadValue(f"Langkah terbaca sebagai {kind} {shown(value)}, bukan nomor langkah.")
    if isinstance(value, int | float):
        return _step_number(value)
    if value is None:
        return None
    if not isinstance(value, str):
        return BadValue(f"Langkah {shown(value)} tidak dikenali.")
    text = value.strip()
    if not text:
        return None
    if _invisible_only(text):
        return BadValue("Langkah berisi karakter tak terlihat saja, bukan nomor langkah.")
    text = visible(text).strip()
    if formula := formula_problem(text, "Langkah"):
        return BadValue(f"{formula.removesuffix('.')}, bukan nomor langkah.")
    folded = text.casefold()
    if folded == _SELESAI:
        return DONE
    if folded in _ANSWERS:
        return _ANSWERS[folded]
    match = _STEP_TEXT.match(text)
    if match:
        return _step_number(int(match.group(1)), text)
    number = _NUMBER_TEXT.match(text)
    if number and number.group(2):
        return BadValue(f"Langkah {shown(text)} bukan bilangan bulat.")
    if number:  # signed, or too many digits for a step
        too_big = len(number.group(1).lstrip("0")) > len(str(MAX_STEP))
        return _step_number(MAX_STEP + 1 if too_big else int(text), text)
    return BadValue(f"Langkah {shown(text)} tidak dikenali.")


def _kind_of_moment(value: datetime | date | time | timedelta) -> str:
    if isinstance(value, time):
        return "jam"
    if isinstance(value, timedelta):
        return "lama waktu"
    if isinstance(value, datetime) and value.time() != time(0, 0):
        return "tanggal dan jam"
    return "tanggal"


def _step_number(number: float, original: object = None) -> int | BadValue:
    if 1 <= number <= MAX_STEP and number == int(number):  # most: the message is not needed
        return int(number)
    label = shown(original if original is not None else number)
    if isinstance(number, float) and (math.isnan(number) or math.isinf(number)):
        return BadValue(f"Langkah {label} bukan nomor langkah.")
    if number > MAX_STEP:
        return BadValue(f"Langkah berisi angka terlalu besar ({label}), bukan nomor langkah.")
    if number < 1:
        return BadValue(f"Langkah {label} bukan nomor langkah. Nomor langkah dimulai dari 1.")
    if number != int(number):
        return BadValue(f"Langkah {label} bukan bilangan bulat.")
    return int(number)


# --- dates admins type (Pegawai's Mulai and Sampai, Kalender's Tanggal) -------------------

DATE_EXAMPLE = "17/08/2026"
_EPOCH = date(1899, 12, 30)  # day 0 of spreadsheet serial numbers
_SERIALS = range(date(1990, 1, 1).toordinal(), date(2100, 12, 31).toordinal() + 1)
_MONTH_WORDS = {
    **{name.casefold(): number for number, name in enumerate(idtime.MONTHS, start=1)},
    **{name[:3].casefold(): number for number, name in enumerate(idtime.MONTHS, start=1)},
    **dict.fromkeys(("agt", "ags", "agus"), 8),
    **{"pebruari": 2, "sept": 9, "nop": 11, "nopember": 11},
}
_TIME = r"(?:\s+\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?"
_ISO_DATE = re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}$")
_DAY_FIRST_DATE = re.compile(rf"^(\d{{1,2}})([/.-])(\d{{1,2}})\2(\d{{2}}|\d{{4}}){_TIME}$")
_WORDS_DATE = re.compile(rf"^(\d{{1,2}})[\s-]+([a-z]+)\.?[\s-]+(\d{{4}}){_TIME}$")


def parse_date(value: object, column: str) -> date | None | BadValue:
    """A date typed in ``column``: a date cell, a serial number, or text such as 17/08/2026,
    2026-08-17 or 17 Agustus 2026; None when blank, else why it is not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value, column)
    if formula := formula_problem(value, column):
        return BadValue(f"{formula} Tulis tanggalnya, mis. {DATE_EXAMPLE}.")
    if isinstance(value, str):
        day = _text_date(value, column)
        if day is not None:
            return day
    return BadValue(f"{column} {shown(value)} bukan tanggal. Tulis seperti {DATE_EXAMPLE}.")


def _serial(number: float, column: str) -> date | BadValue:
    if math.isfinite(number):
        ordinal = _EPOCH.toordinal() + math.floor(number)
        if ordinal in _SERIALS:
            return _EPOCH + timedelta(days=math.floor(number))
    return BadValue(f"{column} {shown(number)} bukan tanggal. Tulis seperti {DATE_EXAMPLE}.")


def _text_date(value: str, column: str) -> date | BadValue | None:
    """A date from text; a BadValue when it looks like a date but is not one."""
    text = " ".join(value.split()).casefold()
    if match := _ISO_DATE.match(text):
        year, month, day = match.groups()
    elif match := _DAY_FIRST_DATE.match(text):
        day, _, month, year = match.groups()
    elif (match := _WORDS_DATE.match(text)) and match.group(2) in _MONTH_WORDS:
        day, name, year = match.groups()
        month = str(_MONTH_WORDS[name])
    else:
        return None
    if len(year) == 2:
        return BadValue(
            f"{column} {shown(value)}: tahun hanya dua angka. "
            f"Tulis tahun lengkap, seperti {DATE_EXAMPLE}."
        )
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return BadValue(f"{column} {shown(value)} tidak ada. Tulis seperti {DATE_EXAMPLE}.")


def local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """An instant as the naive local date-time a sheet cell shows."""
    if moment is None:
        return None
    return moment.astimezone(zone).replace(tzinfo=None, microsecond=0)


def same_cell(current: object, wanted: object) -> bool:
    """Whether a worker cell read shows what is wanted (a date-time to the second)."""
    if current in (None, "") and wanted in (None, ""):
        return True
    if isinstance(current, datetime) and isinstance(wanted, datetime):
        return abs(current - wanted) < timedelta(seconds=1)
    return type(current) is type(wanted) and current == wanted
