"""``spreadsheets.get``: with ``ranges`` only the sheets those ranges touch are returned, with
grid data limited to the ranges; when a ``fields`` mask is given, ``includeGridData`` is
ignored and grid data is included exactly when the mask selects ``sheets.data`` (as the
API reference states).
"""

from __future__ import annotations

from typing import Any

from . import fieldmask
from .model import Spreadsheet
from .render import spreadsheet_json
from .values import read_target


def get(ss: Spreadsheet, params: dict[str, Any], mask: fieldmask.Tree | None) -> dict[str, Any]:
    include = bool(params.get("includeGridData"))
    if mask is not None:
        include = fieldmask.selects(mask, ["sheets", "data"])
    by_sheet: dict[int, list[tuple[int, int, int, int]]] | None = None
    if params.get("ranges"):
        by_sheet = {}
        for text in params["ranges"]:
            sheet, span = read_target(ss, text)
            by_sheet.setdefault(sheet.sheet_id, []).append(span)
    return spreadsheet_json(ss, include, by_sheet, cell_fields(mask))


def cell_fields(mask: fieldmask.Tree | None) -> set[str] | None:
    """The CellData members a mask selects (None: all of them)."""
    node: fieldmask.Tree | None = mask
    for name in ("sheets", "data", "rowData", "values"):
        if node is None or "*" in node:
            return None
        node = node.get(name)
    if node is None or "*" in node:
        return None
    return set(node)
