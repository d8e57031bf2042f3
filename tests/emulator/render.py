"""Model -> API JSON: Spreadsheet resources, grid data and value ranges.

Follows what recorded API traffic shows: ``sheetId`` 0 is left out of GridRanges (proto3
default) while row/column indexes of 0 are written; ``hidden`` appears only when true;
trailing empty rows and cells are left out of ``rowData`` and ``values``; empty cells in
the middle are ``{}`` in grid data and ``""`` in value ranges; empty rows in the middle of
value ranges are ``[]``.
"""

from __future__ import annotations

import copy
from typing import Any

from .formatting import format_value, json_number
from .model import COLUMN_PIXELS, ROW_PIXELS, Cell, Sheet, Spreadsheet

RANGE_KEYS = {"startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex", "dimension"}


def clean(value: Any) -> Any:
    """Deep copy for output, dropping ``sheetId: 0`` from GridRange/DimensionRange objects."""
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, dict):
        out = {k: clean(v) for k, v in value.items()}
        is_range = RANGE_KEYS & out.keys() or set(out) == {"sheetId"}
        if is_range and out.get("sheetId") == 0 and "locationType" not in out:
            del out["sheetId"]
        return out
    return value


def extended_value(ev: dict[str, Any]) -> dict[str, Any]:
    out = dict(ev)
    if "numberValue" in out:
        out["numberValue"] = json_number(out["numberValue"])
    return out


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


class CellRenderer:
    """Renders CellData; shares effectiveFormat objects between cells with the same format
    and computes only the members a field mask asks for (``fields=None``: all)."""

    def __init__(self, default_format: dict[str, Any], fields: set[str] | None = None) -> None:
        self.default_format = default_format
        self.fields = fields
        self._formats: dict[int, tuple[Any, dict[str, Any]]] = {}

    def want(self, name: str) -> bool:
        return self.fields is None or name in self.fields

    def effective_format(self, user_format: dict[str, Any] | None) -> dict[str, Any]:
        hit = self._formats.get(id(user_format))
        if hit is None:
            hit = (user_format, deep_merge(self.default_format, user_format or {}))
            self._formats[id(user_format)] = hit
        return hit[1]

    def __call__(self, cell: Cell) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if cell.user_entered_value is not None and self.want("userEnteredValue"):
            out["userEnteredValue"] = extended_value(cell.user_entered_value)
        ev = None
        if self.want("effectiveValue") or self.want("formattedValue"):
            ev = cell.effective_value()
        if ev is not None:
            if self.want("effectiveValue"):
                out["effectiveValue"] = extended_value(ev)
            if self.want("formattedValue"):
                out["formattedValue"] = format_value(ev, cell.number_format)
        if cell.user_entered_format and self.want("userEnteredFormat"):
            out["userEnteredFormat"] = cell.user_entered_format
        has_value = cell.user_entered_value is not None
        if (has_value or cell.user_entered_format) and self.want("effectiveFormat"):
            out["effectiveFormat"] = self.effective_format(cell.user_entered_format)
        if cell.note is not None and self.want("note"):
            out["note"] = cell.note
        if cell.data_validation is not None and self.want("dataValidation"):
            out["dataValidation"] = cell.data_validation
        return out


def cell_data(cell: Cell, default_format: dict[str, Any]) -> dict[str, Any]:
    return CellRenderer(default_format)(cell)


def line_metadata(sheet: Sheet, dim: str, index: int) -> dict[str, Any]:
    """DimensionProperties of one row (dim "ROWS") or column ("COLUMNS")."""
    rows = dim == "ROWS"
    out: dict[str, Any] = {"pixelSize": ROW_PIXELS if rows else COLUMN_PIXELS}
    out.update(copy.deepcopy((sheet.row_props if rows else sheet.col_props).get(index, {})))
    return out


def grid_data(
    sheet: Sheet, r0: int, r1: int, c0: int, c1: int, cell_fields: set[str] | None = None
) -> dict[str, Any]:
    """GridData for a span. Cells are rendered from the model as they are (empty cells as
    ``{}``, trailing ones left out); a field mask is applied to the result afterwards."""
    render_cell = CellRenderer(sheet.spreadsheet.properties.get("defaultFormat", {}), cell_fields)
    rows: list[dict[str, Any]] = []
    for r in range(r0, min(r1, len(sheet.rows))):
        line = sheet.rows[r]
        values = []
        for c in range(c0, min(c1, len(line))):
            cell = line[c]
            values.append(render_cell(cell) if cell is not None else {})
        while values and line[c0 + len(values) - 1] is None:
            values.pop()
        rows.append({"values": values} if values else {})
    while rows and not rows[-1]:
        rows.pop()
    out: dict[str, Any] = {}
    if r0:
        out["startRow"] = r0
    if c0:
        out["startColumn"] = c0
    if rows:
        out["rowData"] = rows
    out["rowMetadata"] = [line_metadata(sheet, "ROWS", r) for r in range(r0, r1)]
    out["columnMetadata"] = [line_metadata(sheet, "COLUMNS", c) for c in range(c0, c1)]
    return out


def sheet_properties(sheet: Sheet) -> dict[str, Any]:
    props = copy.deepcopy(sheet.properties)
    if not props.get("hidden"):
        props.pop("hidden", None)
    grid = props.get("gridProperties", {})
    for key in ("frozenRowCount", "frozenColumnCount"):
        if grid.get(key) == 0:
            grid.pop(key)
    return props


def sheet_json(
    sheet: Sheet,
    include_grid: bool,
    ranges: list[tuple[int, int, int, int]] | None = None,
    cell_fields: set[str] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {"properties": sheet_properties(sheet)}
    if include_grid:
        spans = ranges or [(0, sheet.row_count, 0, sheet.column_count)]
        out["data"] = [grid_data(sheet, *span, cell_fields=cell_fields) for span in spans]
    if sheet.merges:
        out["merges"] = clean(sheet.merges)
    if sheet.conditional_formats:
        out["conditionalFormats"] = clean(sheet.conditional_formats)
    if sheet.filter_views:
        out["filterViews"] = clean(sheet.filter_views)
    if sheet.protected_ranges:
        out["protectedRanges"] = clean(sheet.protected_ranges)
    if sheet.basic_filter:
        out["basicFilter"] = clean(sheet.basic_filter)
    return out


def spreadsheet_json(
    ss: Spreadsheet,
    include_grid: bool,
    ranges: dict[int, list[tuple[int, int, int, int]]] | None = None,
    cell_fields: set[str] | None = None,
) -> dict[str, Any]:
    """The Spreadsheet resource; with `ranges`, only the sheets (and grid data) they cover."""
    sheets = []
    for sheet in ss.sheets:
        if ranges is not None and sheet.sheet_id not in ranges:
            continue
        spans = ranges.get(sheet.sheet_id) if ranges else None
        sheets.append(sheet_json(sheet, include_grid, spans, cell_fields))
    out: dict[str, Any] = {
        "spreadsheetId": ss.spreadsheet_id,
        "properties": copy.deepcopy(ss.properties),
        "sheets": sheets,
    }
    if ss.named_ranges:
        out["namedRanges"] = clean(ss.named_ranges)
    out["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{ss.spreadsheet_id}/edit"
    return out


# --------------------------------------------------------------------------- values
def render_value(cell: Cell | None, value_render: str, date_render: str) -> Any:
    """One cell as values.get returns it; None for an empty cell."""
    if cell is None or cell.user_entered_value is None:
        return None
    if value_render == "FORMULA" and cell.formula:
        return cell.formula
    ev = cell.effective_value() or {}
    if ev.get("stringValue") == "":
        return None
    if value_render == "FORMATTED_VALUE":
        return format_value(ev, cell.number_format)
    if "numberValue" in ev:
        if cell.is_date() and date_render == "FORMATTED_STRING":
            return format_value(ev, cell.number_format)
        return json_number(ev["numberValue"])
    if "boolValue" in ev:
        return ev["boolValue"]
    if "errorValue" in ev:
        return format_value(ev, cell.number_format)
    return ev.get("stringValue")


def read_values(
    sheet: Sheet,
    span: tuple[int, int, int, int],
    major: str = "ROWS",
    value_render: str = "FORMATTED_VALUE",
    date_render: str = "SERIAL_NUMBER",
) -> list[list[Any]]:
    r0, r1, c0, c1 = span
    grid = []
    for r in range(r0, min(r1, len(sheet.rows))):
        line = sheet.rows[r]  # cells past its end are empty
        end = min(c1, len(line))
        values = [render_value(line[c], value_render, date_render) for c in range(c0, end)]
        if major == "COLUMNS":  # a full row, to be turned into columns
            values.extend([None] * (c1 - max(c0, end)))
        grid.append(values)
    if major == "COLUMNS":
        grid = [[row[i] for row in grid] for i in range(c1 - c0)]
    out = []
    for line in grid:
        while line and line[-1] is None:
            line.pop()
        out.append(["" if v is None else v for v in line])
    while out and not out[-1]:
        out.pop()
    return out
