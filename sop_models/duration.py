"""Standard times of SOP steps: ``30 menit``, ``2 jam``, ``1 hari``.

A blank standard time means the step has none (no Tenggat).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Unit = Literal["menit", "jam", "hari"]
UNITS: tuple[Unit, ...] = ("menit", "jam", "hari")

_PATTERN = re.compile(r"^\s*(\d+)\s*(menit|jam|hari)\s*$", re.IGNORECASE)
MAX_AMOUNT = 9999


class DurationError(ValueError):
    """A standard time that is not ``N menit``, ``N jam`` or ``N hari``."""


@dataclass(frozen=True, order=True)
class Duration:
    """A standard time as the SOP writes it: an amount of minutes, hours or working days."""

    amount: int
    unit: Unit

    @classmethod
    def parse(cls, text: str | None) -> Duration | None:
        """``"1 hari"`` -> Duration(1, "hari"); blank -> None; anything else raises."""
        if text is None or not str(text).strip():
            return None
        text = str(text)
        match = _PATTERN.match(text)
        text = text if len(text) <= 40 else f"{text[:39]}…"  # for the messages
        if not match:
            raise DurationError(
                f"waktu {text!r} is not a standard time: write 'N menit', 'N jam' or 'N hari'"
            )
        digits = match.group(1).lstrip("0")
        if len(digits) > len(str(MAX_AMOUNT)) or int(digits or 0) > MAX_AMOUNT:
            raise DurationError(f"waktu {text!r} is too long: an amount is at most {MAX_AMOUNT}")
        amount = int(digits or 0)
        if amount < 1:
            raise DurationError(f"waktu {text!r} must be at least 1")
        return cls(amount, match.group(2).lower())  # type: ignore[arg-type]

    @property
    def minutes(self) -> int | None:
        """Working minutes for menit/jam; None for hari (counted in working days)."""
        if self.unit == "menit":
            return self.amount
        if self.unit == "jam":
            return self.amount * 60
        return None

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}"
