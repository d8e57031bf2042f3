"""The ``spreadsheets.values.*`` endpoints.

Behaviour reproduced from the API reference and recorded traffic:

* values come back with ``majorDimension`` (ROWS by default); trailing empty rows/cells are
  left out, empty cells in the middle are ``""``, empty rows in the middle ``[]``, and a
  range without values has no ``values`` key;
* the returned ``range`` is the requested one with open ends bounded by the grid
  (``Sheet1!A:C`` -> ``Sheet1!A1:C1000``), reversed corners put in order, the sheet name
  quoted only when needed;
* an explicit range reaching past the grid is a 400 ``exceeds grid limits``;
* writes: ``valueInputOption`` is required; ``null`` leaves a cell alone and ``""`` clears
  it; a single-cell range is an anchor the data may grow from (the grid grows with it),
  while data overflowing a larger range is a 400;
* a write or clear meeting a protected range the caller may not edit is refused (see
  protection);
* ``values.append`` finds the table (contiguous non-empty rows from the first non-empty row
  in the range's columns) and writes below it, starting at the table's first column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .a1 import Bounds, format_cells, format_range, index_to_col, quote_sheet
from .errors import invalid_argument
from .formatting import parse_raw, parse_user_entered
from .model import RangeError, Sheet, Spreadsheet
from .protection import Guard, check_span
from .render import read_values

Span = tuple[int, int, int, int]


@dataclass
class Target:
    sheet: Sheet
    span: Span
    open_rows: bool  # data may grow past span rows (anchor / open-ended range)
    open_cols: bool


def parse_range(ss: Spreadsheet, text: str) -> tuple[Sheet, Bounds | None]:
    try:
        return ss.resolve(text)
    except RangeError as exc:
        raise invalid_argument(str(exc)) from None


def check_grid(sheet: Sheet, bounds: Bounds | None) -> Span:
    span = sheet.bounds(bounds)
    r0, r1, c0, c1 = span
    rows, cols = sheet.row_count, sheet.column_count
    if bounds is not None and (r1 > rows or c1 > cols or r0 >= rows or c0 >= cols):
        shown = format_cells(r0, max(r1, r0 + 1), c0, max(c1, c0 + 1))
        raise invalid_argument(
            f"Range ({quote_sheet(sheet.title, force=True)}!{shown}) exceeds grid limits. "
            f"Max rows: {rows}, max columns: {cols}"
        )
    return span


def read_target(ss: Spreadsheet, text: str) -> tuple[Sheet, Span]:
    sheet, bounds = parse_range(ss, text)
    return sheet, check_grid(sheet, bounds)


def write_target(ss: Spreadsheet, text: str) -> Target:
    sheet, bounds = parse_range(ss, text)
    span = check_grid(sheet, bounds)
    if bounds is None:
        return Target(sheet, span, True, True)
    single = bounds.r1 == bounds.r0 + 1 and bounds.c1 == bounds.c0 + 1
    return Target(sheet, span, single or bounds.r1 is None, single or bounds.c1 is None)


def range_text(sheet: Sheet, span: Span) -> str:
    return format_range(sheet.title, *span)


def value_range(
    sheet: Sheet, span: Span, major: str, value_render: str, date_render: str
) -> dict[str, Any]:
    major = "COLUMNS" if major == "COLUMNS" else "ROWS"
    out: dict[str, Any] = {"range": range_text(sheet, span), "majorDimension": major}
    values = read_values(sheet, span, major, value_render, date_render)
    if values:
        out["values"] = values
    return out


def check_values(values: list[Any], where: str) -> None:
    for i, line in enumerate(values):
        for j, item in enumerate(line or []):
            if isinstance(item, dict):
                raise invalid_argument(f"Invalid {where}[{i}][{j}]: struct_value")
            if isinstance(item, list):
                raise invalid_argument(f"Invalid {where}[{i}][{j}]: list_value")


def require_input_option(option: str | None) -> str:
    if not option or option == "INPUT_VALUE_OPTION_UNSPECIFIED":
        raise invalid_argument("'valueInputOption' is required but not specified")
    return option


def write(
    target: Target,
    values: list[list[Any]],
    major: str | None,
    input_option: str,
    requested: str,
    email: str,
) -> tuple[Span | None, dict[str, int]]:
    """Write values into a target; returns the written span and the update counters."""
    sheet = target.sheet
    r0, r1, c0, c1 = target.span
    cells: list[tuple[int, int, Any]] = []
    for i, line in enumerate(values):
        for j, item in enumerate(line or []):
            dr, dc = (j, i) if major == "COLUMNS" else (i, j)
            if item is not None:
                cells.append((dr, dc, item))
            row, col = r0 + dr, c0 + dc
            if row >= r1 and not target.open_rows:
                raise invalid_argument(
                    f"Requested writing within range [{requested}], but tried writing to row "
                    f"[{row + 1}]"
                )
            if col >= c1 and not target.open_cols:
                raise invalid_argument(
                    f"Requested writing within range [{requested}], but tried writing to column "
                    f"[{index_to_col(col)}]"
                )
    if not cells:
        return None, {}
    guard = Guard(sheet, email)
    if guard.areas:
        for dr, dc, _ in cells:
            guard.cell(r0 + dr, c0 + dc)
    max_r = max(dr for dr, _, _ in cells)
    max_c = max(dc for _, dc, _ in cells)
    sheet.grow_to(r0 + max_r + 1, c0 + max_c + 1)
    locale = sheet.spreadsheet.properties.get("locale", "en_US")
    for dr, dc, item in cells:
        if input_option == "USER_ENTERED":
            ev, number_format = parse_user_entered(item, locale)
        else:
            ev, number_format = parse_raw(item), None
        sheet.write_value(r0 + dr, c0 + dc, ev, number_format)
    sheet.cleanup()
    counts = {
        "updatedRows": len({dr for dr, _, _ in cells}),
        "updatedColumns": len({dc for _, dc, _ in cells}),
        "updatedCells": len(cells),
    }
    return (r0, r0 + max_r + 1, c0, c0 + max_c + 1), counts


def update_response(
    ss: Spreadsheet,
    target: Target,
    written: Span | None,
    counts: dict[str, int],
    include: bool,
    value_render: str,
    date_render: str,
) -> dict[str, Any]:
    span = written or target.span
    out: dict[str, Any] = {
        "spreadsheetId": ss.spreadsheet_id,
        "updatedRange": range_text(target.sheet, span),
    }
    out.update({k: v for k, v in counts.items() if v})
    if include:
        out["updatedData"] = value_range(target.sheet, span, "ROWS", value_render, date_render)
    return out


def _render_options(params: dict[str, Any], prefix: str = "") -> tuple[str, str]:
    vr = params.get(f"{prefix}ValueRenderOption" if prefix else "valueRenderOption")
    dr = params.get(f"{prefix}DateTimeRenderOption" if prefix else "dateTimeRenderOption")
    return vr or "FORMATTED_VALUE", dr or "SERIAL_NUMBER"


# --------------------------------------------------------------------------- endpoints
def get(ss: Spreadsheet, params: dict[str, Any], range_: str) -> dict[str, Any]:
    sheet, span = read_target(ss, range_)
    vr, dr = _render_options(params)
    return value_range(sheet, span, params.get("majorDimension") or "ROWS", vr, dr)


def batch_get(ss: Spreadsheet, params: dict[str, Any]) -> dict[str, Any]:
    vr, dr = _render_options(params)
    major = params.get("majorDimension") or "ROWS"
    ranges = [read_target(ss, text) for text in params.get("ranges") or []]
    out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
    if ranges:
        out["valueRanges"] = [value_range(sheet, span, major, vr, dr) for sheet, span in ranges]
    return out


def update(
    ss: Spreadsheet, params: dict[str, Any], range_: str, body: dict[str, Any], email: str
) -> dict[str, Any]:
    option = require_input_option(params.get("valueInputOption"))
    if body.get("range") and not _same_range(ss, body["range"], range_):
        raise invalid_argument(
            f"Requested writing within range [{range_}], but the request body has range "
            f"[{body['range']}]"
        )
    values = body.get("values") or []
    check_values(values, "values")
    target = write_target(ss, range_)
    written, counts = write(target, values, body.get("majorDimension"), option, range_, email)
    vr, dr = _render_options(params, "response")
    include = bool(params.get("includeValuesInResponse"))
    return update_response(ss, target, written, counts, include, vr, dr)


def _same_range(ss: Spreadsheet, a: str, b: str) -> bool:
    sa, ba = parse_range(ss, a)
    sb, bb = parse_range(ss, b)
    return sa is sb and sa.bounds(ba) == sb.bounds(bb)


def _write_options(body: dict[str, Any]) -> tuple[str, str, str, bool]:
    """valueInputOption and the response options shared by the batch write methods."""
    return (
        require_input_option(body.get("valueInputOption")),
        body.get("responseValueRenderOption") or "FORMATTED_VALUE",
        body.get("responseDateTimeRenderOption") or "SERIAL_NUMBER",
        bool(body.get("includeValuesInResponse")),
    )


def batch_update(ss: Spreadsheet, body: dict[str, Any], email: str) -> dict[str, Any]:
    option, vr, dr, include = _write_options(body)
    responses = []
    for k, item in enumerate(body.get("data") or []):
        check_values(item.get("values") or [], f"data[{k}].values")
        target = write_target(ss, item.get("range", ""))
        written, counts = write(
            target,
            item.get("values") or [],
            item.get("majorDimension"),
            option,
            item["range"],
            email,
        )
        responses.append(update_response(ss, target, written, counts, include, vr, dr))
    return _batch_totals(ss, responses)


def _batch_totals(ss: Spreadsheet, responses: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
    totals = {
        "totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses),
        "totalUpdatedColumns": sum(r.get("updatedColumns", 0) for r in responses),
        "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
        "totalUpdatedSheets": len(
            {r["updatedRange"].rsplit("!", 1)[0] for r in responses if r.get("updatedCells")}
        ),
    }
    out.update({k: v for k, v in totals.items() if v})
    if responses:
        out["responses"] = responses
    return out


def append(
    ss: Spreadsheet, params: dict[str, Any], range_: str, body: dict[str, Any], email: str
) -> dict[str, Any]:
    option = require_input_option(params.get("valueInputOption"))
    values = body.get("values") or []
    check_values(values, "values")
    sheet, bounds = parse_range(ss, range_)
    r0, r1, c0, c1 = check_grid(sheet, bounds)
    cols = range(c0, min(c1, sheet.column_count))
    wide = range(c0, sheet.column_count)

    def filled(r: int, columns: range) -> bool:
        return any(_has_value(sheet, r, c) for c in columns)

    first = next((r for r in range(r0, min(r1, len(sheet.rows))) if filled(r, cols)), None)
    out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
    if first is None:
        start_row, start_col = r0, c0
    else:
        # The table runs down from its first row for as long as rows are non-empty, past the
        # end of a single-cell (or short) range: gspread appends with range "A1".
        last = first
        while last + 1 < len(sheet.rows) and filled(last + 1, wide):
            last += 1
        used = [c for r in range(first, last + 1) for c in wide if _has_value(sheet, r, c)]
        tc0, tc1 = min(used), max(used) + 1
        out["tableRange"] = range_text(sheet, (first, last + 1, tc0, tc1))
        start_row, start_col = last + 1, tc0
    height = (
        len(values)
        if body.get("majorDimension") != "COLUMNS"
        else max((len(v or []) for v in values), default=0)
    )
    if params.get("insertDataOption") == "INSERT_ROWS" and height:
        sheet.insert_dimension("ROWS", start_row, height)
    target = Target(sheet, (start_row, start_row + 1, start_col, start_col + 1), True, True)
    written, counts = write(target, values, body.get("majorDimension"), option, range_, email)
    vr, dr = _render_options(params, "response")
    include = bool(params.get("includeValuesInResponse"))
    updates = update_response(ss, target, written, counts, include, vr, dr)
    out["updates"] = updates
    return out


def _has_value(sheet: Sheet, r: int, c: int) -> bool:
    cell = sheet.get_cell(r, c)
    return cell is not None and cell.has_value()


def clear_span(sheet: Sheet, span: Span, email: str) -> None:
    check_span(sheet, span, email)
    r0, r1, c0, c1 = span
    for r in range(r0, min(r1, len(sheet.rows))):
        for c in range(c0, min(c1, len(sheet.rows[r]))):
            sheet.write_value(r, c, None, None)
    sheet.cleanup()


def clear(ss: Spreadsheet, range_: str, email: str) -> dict[str, Any]:
    sheet, span = read_target(ss, range_)
    clear_span(sheet, span, email)
    return {"spreadsheetId": ss.spreadsheet_id, "clearedRange": range_text(sheet, span)}


def batch_clear(ss: Spreadsheet, body: dict[str, Any], email: str) -> dict[str, Any]:
    targets = [read_target(ss, text) for text in body.get("ranges") or []]
    for sheet, span in targets:
        clear_span(sheet, span, email)
    out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
    if targets:
        out["clearedRanges"] = [range_text(sheet, span) for sheet, span in targets]
    return out
