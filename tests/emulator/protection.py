"""Protected ranges: who may edit which cells and protections.

A protected range that is not ``warningOnly`` may be edited only by its editors ("Warning-
based protection means that every user can edit data in the protected range", ProtectedRange
reference) and by the spreadsheet's owner, who always can (as in Sheets; the API lists the
requesting user among the editors of a range it adds). A range without bounds protects its
whole sheet, except its ``unprotectedRanges``. Group and domain editors are not modelled.

Google refuses such an edit with a 400 and the message below, recorded in client
libraries' issues (e.g. theoephraim/node-google-spreadsheet#20); a deleteDimension over a
protected row is refused with the same message. Cell writes of values.* and batchUpdate,
clears, sorts, row/column deletion, and changes to or deletion of the protection itself or
of its sheet are checked, and so are a person's sort and row deletion in the UI
(``model.Sheet.sort``, ``delete_rows``: Sheets refuses a sort that meets a protected cell
even when that cell would not change); inserting rows, resizing and formatting rules are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import ApiError
from .model import Sheet, Spreadsheet

Span = tuple[int, int, int, int]
PROTECTED_MESSAGE = (
    "You are trying to edit a protected cell or object. Please contact the spreadsheet owner "
    "to remove protection if you need to edit."
)


def refused() -> ApiError:
    return ApiError(400, PROTECTED_MESSAGE, "INVALID_ARGUMENT")


def may_edit(ss: Spreadsheet, protected: dict[str, Any], email: str) -> bool:
    if protected.get("warningOnly") or email == ss.owner:
        return True
    return email in ((protected.get("editors") or {}).get("users") or [])


def check_object(ss: Spreadsheet, protected: dict[str, Any], email: str) -> None:
    """Refuse a change to a protected range the caller may not edit."""
    if not may_edit(ss, protected, email):
        raise refused()


def _overlap(a: Span, b: Span) -> Span | None:
    r0, r1 = max(a[0], b[0]), min(a[1], b[1])
    c0, c1 = max(a[2], b[2]), min(a[3], b[3])
    return (r0, r1, c0, c1) if r0 < r1 and c0 < c1 else None


def _subtract(a: Span, hole: Span) -> list[Span]:
    """`a` without `hole`, as up to four rectangles."""
    cut = _overlap(a, hole)
    if cut is None:
        return [a]
    r0, r1, c0, c1 = a
    pieces = [(r0, cut[0], c0, c1), (cut[1], r1, c0, c1)]
    pieces += [(cut[0], cut[1], c0, cut[2]), (cut[0], cut[1], cut[3], c1)]
    return [p for p in pieces if p[0] < p[1] and p[2] < p[3]]


@dataclass(frozen=True)
class Area:
    """One protected range as rectangles on its sheet."""

    rect: Span
    holes: tuple[Span, ...]

    def contains(self, row: int, col: int) -> bool:
        def inside(s: Span) -> bool:
            return s[0] <= row < s[1] and s[2] <= col < s[3]

        return inside(self.rect) and not any(inside(h) for h in self.holes)

    def meets(self, span: Span) -> bool:
        cut = _overlap(self.rect, span)
        if cut is None:
            return False
        rest = [cut]
        for hole in self.holes:
            rest = [piece for r in rest for piece in _subtract(r, hole)]
        return bool(rest)


class Guard:
    """The protected areas of one sheet that a caller may not edit."""

    def __init__(self, sheet: Sheet, email: str) -> None:
        self.areas = [
            Area(
                sheet.resolve_grid_range(p["range"]),
                tuple(sheet.resolve_grid_range(u) for u in p.get("unprotectedRanges") or []),
            )
            for p in sheet.protected_ranges
            if not may_edit(sheet.spreadsheet, p, email)
        ]

    def cell(self, row: int, col: int) -> None:
        if any(a.contains(row, col) for a in self.areas):
            raise refused()

    def span(self, span: Span) -> None:
        if any(a.meets(span) for a in self.areas):
            raise refused()


def check_span(sheet: Sheet, span: Span, email: str) -> None:
    Guard(sheet, email).span(span)


def check_sheet(sheet: Sheet, email: str) -> None:
    """Refuse removing a sheet that holds a protection the caller may not edit."""
    for protected in sheet.protected_ranges:
        check_object(sheet.spreadsheet, protected, email)
