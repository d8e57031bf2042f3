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
from datetime import date, datetime, time

from sop_models import DONE, Done

MAX_STEP = 999

# "4", "4.0", "4 - Memberikan paraf", "4. Memberikan paraf", "4) ..." but not "4.5" or "4a"
_STEP_TEXT = re.compile(
    r"^(\d{1,3})(?:\.0+)?(?:\s*[-–—:)]\s*(?:\S.*)?|\.(?:\s+\S.*)?|\s+[-–—]\s*)?$", re.DOTALL
)
_SELESAI = "selesai"


@dataclass(frozen=True)
class BadValue:
    """A cell that cannot be read; ``reason`` is the Indonesian explanation."""

    reason: str


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _invisible_only(text: str) -> bool:
    return bool(text) and all(
        ch.isspace() or unicodedata.category(ch) in ("Cf", "Zs", "Zl", "Zp", "Cc") for ch in text
    )


def shown(value: object, limit: int = 40) -> str:
    """A cell value quoted for a message, cut short when long."""
    if isinstance(value, datetime):
        text = value.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        text = str(int(value))
    else:
        try:
            text = str(value)
        except ValueError:  # an integer too long for Python to print
            text = "angka sangat besar"
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f'"{text}"'


def text_of(value: object) -> str:
    """A cell as plain text, the way an ID or a Prosedur is compared."""
    if value is None:
        return ""
    if isinstance(value, str):  # the common case, as shown() below would give it
        text = " ".join(value.split())
        if len(text) <= 10_000:
            return text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return " ".join(shown(value, limit=10_000)[1:-1].split())


def parse_langkah(value: object) -> int | Done | None | BadValue:
    """A step number, ``DONE`` for Selesai, None for blank, or the reason it is not a step."""
    if isinstance(value, bool):
        return BadValue(f"Langkah berisi nilai {shown(value)}, bukan nomor langkah.")
    if isinstance(value, datetime | date | time):
        return BadValue(f"Langkah berisi tanggal/jam {shown(value)}, bukan nomor langkah.")
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
    if text.startswith("="):
        return BadValue(f"Langkah berisi rumus {shown(text)}, bukan nomor langkah.")
    if text.casefold() == _SELESAI:
        return DONE
    match = _STEP_TEXT.match(text)
    if match:
        return _step_number(int(match.group(1)), text)
    return BadValue(
        f'Langkah {shown(text)} tidak dikenali. Isi nomor langkah (mis. 4) atau "Selesai".'
    )


def _step_number(number: float, original: object = None) -> int | BadValue:
    label = shown(original if original is not None else number)
    if isinstance(number, float) and (math.isnan(number) or math.isinf(number)):
        return BadValue(f"Langkah {label} bukan nomor langkah.")
    if not 1 <= number <= MAX_STEP:
        return BadValue(f"Langkah {label} bukan nomor langkah yang ada.")
    if number != int(number):
        return BadValue(f"Langkah {label} bukan bilangan bulat.")
    return int(number)
