"""Spreadsheet-level endpoints: get, getByDataFilter, create, developerMetadata.get/search.

``spreadsheets.get``: with ``ranges`` only the sheets those ranges touch are returned, with
grid data limited to the ranges; when a ``fields`` mask is given, ``includeGridData`` is
ignored and grid data is included exactly when the mask selects ``sheets.data`` (as the
API reference states).
"""

from __future__ import annotations

from typing import Any

from . import fieldmask
from .datafilter import filter_spans, search_metadata
from .errors import not_found
from .model import Spreadsheet
from .render import metadata_json, spreadsheet_json
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


def get_by_data_filter(
    ss: Spreadsheet, body: dict[str, Any], mask: fieldmask.Tree | None
) -> dict[str, Any]:
    include = bool(body.get("includeGridData"))
    if mask is not None:
        include = fieldmask.selects(mask, ["sheets", "data"])
    by_sheet: dict[int, list[tuple[int, int, int, int]]] | None = None
    if body.get("dataFilters"):
        by_sheet = {}
        for df in body["dataFilters"]:
            for sheet, span in filter_spans(ss, df):
                by_sheet.setdefault(sheet.sheet_id, []).append(span)
    return spreadsheet_json(ss, include, by_sheet, cell_fields(mask))


def developer_metadata_get(ss: Spreadsheet, metadata_id: str) -> dict[str, Any]:
    for m in ss.developer_metadata:
        if str(m["metadataId"]) == metadata_id:
            return metadata_json(m)
    raise not_found()


def developer_metadata_search(ss: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    matched: list[dict[str, Any]] = []
    by_id: dict[int, dict[str, Any]] = {}
    for df in body.get("dataFilters") or []:
        for m in search_metadata(ss, df):
            entry = by_id.get(m["metadataId"])
            if entry is None:
                entry = {"developerMetadata": metadata_json(m), "dataFilters": []}
                by_id[m["metadataId"]] = entry
                matched.append(entry)
            entry["dataFilters"].append(df)
    return {"matchedDeveloperMetadata": matched} if matched else {}
