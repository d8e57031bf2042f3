"""DataFilter and DeveloperMetadataLookup matching.

A DataFilter selects ranges by A1 text, by GridRange, or through developer metadata: a
lookup matches metadata by id, key, value, visibility, location type and location. With a
location, ``locationMatchingStrategy`` EXACT_LOCATION matches that location only and
INTERSECTING_LOCATION (the default) also matches locations that intersect it; following the
API reference's example, column metadata intersects a row, and sheet metadata intersects
every row/column of its sheet (Google documents the row/column case only).
"""

from __future__ import annotations

from typing import Any

from .errors import ApiError, invalid_argument
from .model import RangeError, Sheet, Spreadsheet

Span = tuple[int, int, int, int]
UNBOUNDED = 2**31


def location_type(loc: dict[str, Any]) -> str:
    if "dimensionRange" in loc:
        return "ROW" if loc["dimensionRange"].get("dimension") == "ROWS" else "COLUMN"
    if "sheetId" in loc:
        return "SHEET"
    return "SPREADSHEET"


def _dim(loc: dict[str, Any]) -> tuple[int, str, int, int]:
    dr = loc["dimensionRange"]
    return (
        dr.get("sheetId", 0),
        dr.get("dimension", "ROWS"),
        dr.get("startIndex", 0),
        dr.get("endIndex", UNBOUNDED),
    )


def _sheet_of(loc: dict[str, Any]) -> int | None:
    if "dimensionRange" in loc:
        return loc["dimensionRange"].get("sheetId", 0)
    return loc.get("sheetId")


def location_matches(mloc: dict[str, Any], qloc: dict[str, Any], exact: bool) -> bool:
    mtype, qtype = location_type(mloc), location_type(qloc)
    if exact:
        if mtype != qtype:
            return False
        if qtype == "SPREADSHEET":
            return True
        if qtype == "SHEET":
            return mloc.get("sheetId") == qloc.get("sheetId")
        return _dim(mloc) == _dim(qloc)
    if qtype == "SPREADSHEET":
        return True
    if _sheet_of(mloc) != _sheet_of(qloc):
        return False
    if qtype == "SHEET" or mtype == "SHEET":
        return True
    qs, qdim, qa, qb = _dim(qloc)
    ms, mdim, ma, mb = _dim(mloc)
    if qdim != mdim:
        return True  # a column intersects every row (and the other way round)
    return ma < qb and qa < mb


def lookup_matches(m: dict[str, Any], lookup: dict[str, Any]) -> bool:
    if "metadataId" in lookup and m.get("metadataId") != lookup["metadataId"]:
        return False
    if "metadataKey" in lookup and m.get("metadataKey") != lookup["metadataKey"]:
        return False
    if "metadataValue" in lookup and m.get("metadataValue") != lookup["metadataValue"]:
        return False
    visibility = lookup.get("visibility", "DEVELOPER_METADATA_VISIBILITY_UNSPECIFIED")
    if (
        visibility != "DEVELOPER_METADATA_VISIBILITY_UNSPECIFIED"
        and m.get("visibility") != visibility
    ):
        return False
    ltype = lookup.get("locationType", "DEVELOPER_METADATA_LOCATION_TYPE_UNSPECIFIED")
    mloc = m.get("location", {})
    if ltype != "DEVELOPER_METADATA_LOCATION_TYPE_UNSPECIFIED" and location_type(mloc) != ltype:
        return False
    if "metadataLocation" in lookup:
        strategy = lookup.get("locationMatchingStrategy", "INTERSECTING_LOCATION")
        if not location_matches(mloc, lookup["metadataLocation"], strategy == "EXACT_LOCATION"):
            return False
    return True


def match_metadata(ss: Spreadsheet, lookup: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in ss.developer_metadata if lookup_matches(m, lookup)]


def metadata_span(ss: Spreadsheet, m: dict[str, Any]) -> tuple[Sheet, Span] | None:
    loc = m.get("location", {})
    sid = _sheet_of(loc)
    sheet = ss.sheet_by_id(sid) if sid is not None else None
    if sheet is None:
        return None
    if "dimensionRange" in loc:
        _, dim, a, b = _dim(loc)
        if dim == "ROWS":
            return sheet, (a, b, 0, sheet.column_count)
        return sheet, (0, sheet.row_count, a, b)
    return sheet, (0, sheet.row_count, 0, sheet.column_count)


def grid_range_span(ss: Spreadsheet, gr: dict[str, Any]) -> tuple[Sheet, Span]:
    sheet = ss.sheet_by_id(gr.get("sheetId", 0))
    if sheet is None:
        raise invalid_argument(f"No grid with id: {gr.get('sheetId', 0)}")
    return sheet, sheet.resolve_grid_range(gr)


def filter_spans(ss: Spreadsheet, df: dict[str, Any]) -> list[tuple[Sheet, Span]]:
    """Every (sheet, span) a DataFilter selects."""
    if "a1Range" in df:
        try:
            sheet, bounds = ss.resolve(df["a1Range"])
        except RangeError as exc:
            raise ApiError(400, str(exc)) from None
        return [(sheet, sheet.bounds(bounds))]
    if "gridRange" in df:
        return [grid_range_span(ss, df["gridRange"])]
    if "developerMetadataLookup" in df:
        out = []
        for m in match_metadata(ss, df["developerMetadataLookup"]):
            found = metadata_span(ss, m)
            if found is not None:
                out.append(found)
        return out
    raise invalid_argument("Invalid dataFilter: no filter set.")


def metadata_in_spans(ss: Spreadsheet, spans: list[tuple[Sheet, Span]]) -> list[dict[str, Any]]:
    """Metadata whose location intersects any of the given ranges."""
    out = []
    for m in ss.developer_metadata:
        loc = m.get("location", {})
        for sheet, (r0, r1, c0, c1) in spans:
            if _sheet_of(loc) != sheet.sheet_id:
                continue
            if "dimensionRange" in loc:
                _, dim, a, b = _dim(loc)
                lo, hi = (r0, r1) if dim == "ROWS" else (c0, c1)
                if not (a < hi and lo < b):
                    continue
            out.append(m)
            break
    return out


def search_metadata(ss: Spreadsheet, df: dict[str, Any]) -> list[dict[str, Any]]:
    if "developerMetadataLookup" in df:
        return match_metadata(ss, df["developerMetadataLookup"])
    return metadata_in_spans(ss, filter_spans(ss, df))
