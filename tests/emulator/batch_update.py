"""``spreadsheets.batchUpdate``: the Request kinds, their replies, and batch atomicity.

The server applies a batch to a deep copy of the spreadsheet and keeps the copy only when
every request succeeded; an invalid request fails the whole batch with Google's
``Invalid requests[i].kind: ...`` message. Replies come back in request order, ``{}`` for
kinds without a reply. Ids (sheetId, filterViewId, protectedRangeId) not given
by the caller are random positive int32s; given ids must be unique.

Requests with a ``fields`` mask apply only the masked fields of what they carry (see
fieldmask); a mask naming no member of its message is refused. Writes meeting a protected
range the caller may not edit are refused (see protection).

Messages marked "wording guessed" below reproduce the situation Google rejects, but the
exact text is not documented.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from . import fieldmask, protection
from .a1 import format_cells, quote_sheet
from .errors import ApiError, RequestError, invalid_argument
from .model import Cell, Sheet, Spreadsheet, ordered_properties
from .protection import Guard
from .render import clean, sheet_properties, spreadsheet_json
from .schema import discovery

Handler = Callable[[Spreadsheet, dict[str, Any], str], dict[str, Any] | None]
CELL_FIELDS = ("userEnteredValue", "userEnteredFormat", "note", "dataValidation")
NO_FIELDS = "At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)"
# A colour and its *Style twin hold one colour: Google answers both whichever was written
# (gspread's WorksheetTest.test_format cassette), and "If background_color is also set, this
# field [backgroundColorStyle] takes precedence" (CellFormat reference).
COLOUR_PAIRS = [
    (("backgroundColor",), ("backgroundColorStyle",)),
    (("textFormat", "foregroundColor"), ("textFormat", "foregroundColorStyle")),
    *(
        (("borders", side, "color"), ("borders", side, "colorStyle"))
        for side in ("top", "bottom", "left", "right")
    ),
]


def apply_batch(ss: Spreadsheet, body: dict[str, Any], email: str) -> dict[str, Any]:
    requests = body.get("requests") or []
    if not requests:
        raise invalid_argument("Must specify at least one request.")
    replies = []
    for i, request in enumerate(requests):
        if not request:
            raise invalid_argument(f"Invalid requests[{i}]: No request set.")
        kind = next(iter(request))
        handler = HANDLERS.get(kind)
        if handler is None:
            raise ApiError(
                501, f"Emulator: batchUpdate request '{kind}' is not implemented.", "UNIMPLEMENTED"
            )
        try:
            reply = handler(ss, request[kind], email)
        except RequestError as exc:
            raise invalid_argument(f"Invalid requests[{i}].{kind}: {exc.message}") from None
        replies.append(reply or {})
    out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        out["updatedSpreadsheet"] = updated_spreadsheet(ss, body)
    return out


def updated_spreadsheet(ss: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    from .values import read_target

    ranges: dict[int, list[tuple[int, int, int, int]]] | None = None
    if body.get("responseRanges"):
        ranges = {}
        for text in body["responseRanges"]:
            sheet, span = read_target(ss, text)
            ranges.setdefault(sheet.sheet_id, []).append(span)
    return spreadsheet_json(ss, bool(body.get("responseIncludeGridData")), ranges)


# --------------------------------------------------------------------------- helpers
def sheet_of(ss: Spreadsheet, sheet_id: int | None) -> Sheet:
    sheet = ss.sheet_by_id(sheet_id or 0)
    if sheet is None:
        raise RequestError(f"No grid with id: {sheet_id or 0}")
    return sheet


def grid_span(ss: Spreadsheet, gr: dict[str, Any]) -> tuple[Sheet, tuple[int, int, int, int]]:
    sheet = sheet_of(ss, gr.get("sheetId", 0))
    r0, r1, c0, c1 = sheet.resolve_grid_range(gr)
    if r0 < 0 or c0 < 0 or r1 > sheet.row_count or c1 > sheet.column_count or r0 > r1 or c0 > c1:
        shown = format_cells(r0, max(r1, r0 + 1), c0, max(c1, c0 + 1))
        raise RequestError(
            f"Range ({quote_sheet(sheet.title, force=True)}!{shown}) exceeds grid limits. "
            f"Max rows: {sheet.row_count}, max columns: {sheet.column_count}"
        )
    return sheet, (r0, r1, c0, c1)


def bounded_range(sheet: Sheet, gr: dict[str, Any]) -> dict[str, Any]:
    r0, r1, c0, c1 = sheet.resolve_grid_range(gr)
    return sheet.grid_range(r0, r1, c0, c1)


def require(value: Any, message: str) -> Any:
    if value in (None, "", [], {}):
        raise RequestError(message)
    return value


def cell_as_dict(cell: Cell | None) -> dict[str, Any]:
    if cell is None:
        return {}
    out = {
        "userEnteredValue": cell.user_entered_value,
        "userEnteredFormat": cell.user_entered_format,
        "note": cell.note,
        "dataValidation": cell.data_validation,
    }
    return {k: copy.deepcopy(v) for k, v in out.items() if v is not None}


Written = dict[int, tuple[Cell | None, Cell]]
"""Cells one request made from the same cell with the same data, by the old cell's id (the
old cell kept, so its id stays its own): a request writing one ``data`` over a range makes
each distinct cell it finds once. Cells are immutable, so many places may hold one."""


def write_cell(
    sheet: Sheet,
    r: int,
    c: int,
    data: dict[str, Any],
    tree: fieldmask.Tree,
    written: Written | None = None,
) -> None:
    """Write ``data`` through the mask ``tree`` into one cell; pass ``written`` (one dict for
    one request's one ``data`` and ``tree``) to reuse what an alike cell became."""
    old = sheet.get_cell(r, c)
    if written is not None:
        hit = written.get(id(old))
        if hit is not None and hit[0] is old:
            sheet.put_cell(r, c, hit[1])
            return
    cell = _written(old, data, tree)
    if written is not None:
        written[id(old)] = (old, cell)
    sheet.put_cell(r, c, cell)


def _written(old: Cell | None, data: dict[str, Any], tree: fieldmask.Tree) -> Cell:
    current = cell_as_dict(old)
    fieldmask.apply_update(current, data, tree)
    if fieldmask.selects(tree, ["userEnteredFormat"]) and "userEnteredFormat" in current:
        format_tree = tree if "*" in tree else tree["userEnteredFormat"]
        pair_colours(current["userEnteredFormat"], format_tree)
        if not current["userEnteredFormat"]:
            del current["userEnteredFormat"]
    uev = current.get("userEnteredValue")
    if uev is not None and "errorValue" in uev:
        uev = None  # errorValue is read-only
    return Cell(
        uev, current.get("userEnteredFormat"), current.get("note"), current.get("dataValidation")
    )


def pair_colours(fmt: dict[str, Any], tree: fieldmask.Tree | None) -> None:
    """Make each colour written through the mask agree with its *Style twin."""
    for colour, style in COLOUR_PAIRS:
        wrote_colour, wrote_style = (fieldmask.selects(tree, list(p)) for p in (colour, style))
        if not (wrote_colour or wrote_style):
            continue
        colour_now, style_now = _get(fmt, colour), _get(fmt, style)
        if wrote_style and style_now is not None:
            if "rgbColor" in style_now:
                _set(fmt, colour, copy.deepcopy(style_now["rgbColor"]))
        elif wrote_colour and colour_now is not None:
            _set(fmt, style, {"rgbColor": copy.deepcopy(colour_now)})
        else:
            _set(fmt, colour, None)
            _set(fmt, style, None)


def _get(tree: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = tree
    for name in path:
        if not isinstance(node, dict) or name not in node:
            return None
        node = node[name]
    return node


def _set(tree: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set (or with None, remove) a nested member, dropping parents left empty."""
    *parents, last = path
    if value is None:
        chain = [tree]
        for name in parents:
            node = chain[-1].get(name)
            if not isinstance(node, dict):
                return
            chain.append(node)
        chain[-1].pop(last, None)
        for name, parent in zip(reversed(parents), reversed(chain[:-1]), strict=True):
            if not parent[name]:
                del parent[name]
        return
    node = tree
    for name in parents:
        node = node.setdefault(name, {})
    node[last] = value


def update_mask(fields: str | None, schema: str) -> fieldmask.Tree:
    """An update mask over the `schema` message ("The root is the CellData", etc.)."""
    if not fields:
        raise RequestError(NO_FIELDS)
    try:
        tree = fieldmask.parse(fields)
    except fieldmask.MaskError:
        raise RequestError(f"Invalid field mask: {fields}") from None  # wording guessed
    unknown = fieldmask.check(tree, schema, discovery().schemas)
    if unknown:
        raise RequestError(
            f"Invalid field mask: {fields} ({unknown[0]} is not a field of {schema})"
        )  # wording guessed
    return tree


def check_title(ss: Spreadsheet, title: str, sheet: Sheet | None = None) -> None:
    other = ss.find_sheet(title)
    if other is not None and other is not sheet and other.title.casefold() == title.casefold():
        raise RequestError(
            f'A sheet with the name "{title}" already exists. Please enter another name.'
        )


# --------------------------------------------------------------------------- sheets
def add_sheet(ss: Spreadsheet, r: dict[str, Any], email: str) -> dict[str, Any]:
    props = copy.deepcopy(r.get("properties") or {})
    if "sheetId" in props and props["sheetId"] in ss.sheet_ids():
        raise RequestError(f"Sheet with id {props['sheetId']} already exists.")  # wording guessed
    if "sheetId" in props and props["sheetId"] < 0:
        raise RequestError(f"Invalid sheet id: {props['sheetId']}")  # wording guessed
    if "sheetId" not in props:
        props["sheetId"] = ss.new_id(ss.sheet_ids())
    if "title" in props:
        check_title(ss, props["title"])
    grid = props.get("gridProperties", {})
    for key in ("rowCount", "columnCount"):
        if key in grid and grid[key] <= 0:
            raise RequestError(f"{key} must be positive.")  # wording guessed
    sheet = ss.add_sheet(props)
    return {"addSheet": {"properties": sheet_properties(sheet)}}


def delete_sheet(ss: Spreadsheet, r: dict[str, Any], email: str) -> None:
    sheet = sheet_of(ss, r.get("sheetId", 0))
    if len(ss.sheets) == 1 or all(s.hidden for s in ss.sheets if s is not sheet):
        raise RequestError("You can't remove all the sheets in a document.")
    protection.check_sheet(sheet, email)
    ss.sheets.remove(sheet)
    ss.reindex()


def update_sheet_properties(ss: Spreadsheet, r: dict[str, Any], email: str) -> None:
    props = r.get("properties") or {}
    tree = update_mask(r.get("fields"), "SheetProperties")
    sheet = sheet_of(ss, props.get("sheetId", 0))
    new = copy.deepcopy(sheet.properties)
    fieldmask.apply_update(new, props, tree)
    new["sheetId"] = sheet.sheet_id
    new.setdefault("sheetType", "GRID")
    grid = new.setdefault("gridProperties", {})
    grid.setdefault("rowCount", sheet.row_count)
    grid.setdefault("columnCount", sheet.column_count)
    if new.get("title") != sheet.title:
        require(new.get("title"), "Sheet title must not be empty.")  # wording guessed
        check_title(ss, new["title"], sheet)
    if new.get("hidden") and all(s.hidden for s in ss.sheets if s is not sheet):
        raise RequestError("You can't hide all the sheets in a document.")
    rows, cols = grid["rowCount"], grid["columnCount"]
    if rows <= 0 or cols <= 0:
        raise RequestError("rowCount and columnCount must be positive.")  # wording guessed
    frozen = grid.get("frozenRowCount", 0)
    if frozen and frozen >= rows:
        raise RequestError("You can't freeze all visible rows on the sheet.")  # wording guessed
    target_index = new.pop("index", None)
    if rows < sheet.row_count:
        sheet.delete_dimension("ROWS", rows, sheet.row_count)
    if cols < sheet.column_count:
        sheet.delete_dimension("COLUMNS", cols, sheet.column_count)
    sheet.properties = ordered_properties(new | {"index": sheet.properties.get("index", 0)})
    if target_index is not None and target_index != ss.sheets.index(sheet):
        ss.sheets.remove(sheet)
        ss.sheets.insert(max(0, min(target_index, len(ss.sheets))), sheet)
    ss.reindex()


def update_spreadsheet_properties(ss: Spreadsheet, r: dict[str, Any], email: str) -> None:
    tree = update_mask(r.get("fields"), "SpreadsheetProperties")
    new = copy.deepcopy(ss.properties)
    fieldmask.apply_update(new, r.get("properties") or {}, tree)
    require(new.get("title"), "Spreadsheet title must not be empty.")  # wording guessed
    ss.properties = new


# --------------------------------------------------------------------------- cells
def update_cells(ss: Spreadsheet, r: dict[str, Any], email: str) -> None:
    tree = update_mask(r.get("fields"), "CellData")
    rows = r.get("rows") or []
    if "range" in r:
        sheet, (r0, r1, c0, c1) = grid_span(ss, r["range"])
        protection.check_span(sheet, (r0, r1, c0, c1), email)
        nothing: dict[str, Any] = {}  # what the range's cells past the given ones get
        written: Written = {}
        for i in range(r0, r1):
            line = rows[i - r0].get("values", []) if i - r0 < len(rows) else []
            for j in range(c0, c1):
                if j - c0 < len(line):
                    write_cell(sheet, i, j, line[j - c0], tree)
                else:
                    write_cell(sheet, i, j, nothing, tree, written)
    else:
        start = r.get("start") or {}
        sheet = sheet_of(ss, start.get("sheetId", 0))
        r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
        guard = Guard(sheet, email)
        for i, row in enumerate(rows):
            for j, data in enumerate(row.get("values") or []):
                _check_coordinate(sheet, r0 + i, c0 + j)
                guard.cell(r0 + i, c0 + j)
                write_cell(sheet, r0 + i, c0 + j, data, tree)
    sheet.cleanup()


def _check_coordinate(sheet: Sheet, row: int, col: int) -> None:
    if row >= sheet.row_count:
        raise RequestError(
            f"GridCoordinate.rowIndex[{row}] is after last row in grid[{sheet.row_count - 1}]"
        )
    if col >= sheet.column_count:
        raise RequestError(
            f"GridCoordinate.columnIndex[{col}] is after last column in grid"
            f"[{sheet.column_count - 1}]"
        )


def append_cells(ss: Spreadsheet, r: dict[str, Any], email: str) -> None:
    tree = update_mask(r.get("fields"), "CellData")
    sheet = sheet_of(ss, r.get("sheetId", 0))
    start = sheet.used_rows()
    rows = r.get("rows") or []
    width = max((len(row.get("values") or []) for row in rows), default=0)
    protection.check_span(sheet, (start, start + len(rows), 0, width), email)
    sheet.grow_to(start + len(rows), width)
    for i, row in enumerate(rows):
        for j, data in enumerate(row.get("values") or []):
            write_cell(sheet, start + i, j, data, tree)
    sheet.cleanup()


def repeat_cell(ss: Spreadsheet, r: dict[str, Any], email: str) -> None:
    tree = update_mask(r.get("fields"), "CellData")
    sheet, (r0, r1, c0, c1) = grid_span(ss, r.get("range") or {})
    protection.check_span(sheet, (r0, r1, c0, c1), email)
    data = r.get("cell") or {}
    written: Written = {}
    for i in range(r0, r1):
        for j in range(c0, c1):
            write_cell(sheet, i, j, data, tree, written)
    sheet.cleanup()


def set_data_validation(ss: Spreadsheet, r: dict[str, Any], email: str) -> None:
    sheet, (r0, r1, c0, c1) = grid_span(ss, r.get("range") or {})
    protection.check_span(sheet, (r0, r1, c0, c1), email)
    rule = r.get("rule")
    tree = fieldmask.parse("dataValidation")
    data = {"dataValidation": rule} if rule else {}
    written: Written = {}
    for i in range(r0, r1):
        for j in range(c0, c1):
            write_cell(sheet, i, j, data, tree, written)
    sheet.cleanup()


# --------------------------------------------------------------------------- dimensions
def _dimension_range(ss: Spreadsheet, dr: dict[str, Any]) -> tuple[Sheet, str, int, int]:
    sheet = sheet_of(ss, dr.get("sheetId", 0))
    dim = dr.get("dimension", "DIMENSION_UNSPECIFIED")
    if dim not in ("ROWS", "COLUMNS"):
        raise RequestError("dimension must be ROWS or COLUMNS.")  # wording guessed
    count = sheet.row_count if dim == "ROWS" else sheet.column_count
    start, end = dr.get("startIndex", 0), dr.get("endIndex", count)
    if start < 0 or end < start:
        raise RequestError(f"Invalid dimension range: [{start}, {end})")  # wording guessed
    return sheet, dim, start, end


def append_dimension(ss: Spreadsheet, r: dict[str, Any], email: str) -> None:
    sheet = sheet_of(ss, r.get("sheetId", 0))
    length = r.get("length", 0)
    if length <= 0:
        raise RequestError("length must be positive.")  # wording guessed
    if r.get("dimension") == "COLUMNS":
        sheet.column_count = sheet.column_count + length
    elif r.get("dimension") == "ROWS":
        sheet.row_count = sheet.row_count + length
    else:
        raise RequestError("dimension must be ROWS or COLUMNS.")  # wording guessed


def insert_dimension(ss: Spreadsheet, r: dict[str, Any], email: str) -> None:
    sheet, dim, start, end = _dimension_range(ss, r.get("range") or {})
    count = sheet.row_count if dim == "ROWS" else sheet.column_count
    if start > count:
        raise RequestError(
            f"Cannot insert {dim.lower()} at index {start}: the sheet has {count}."
        )  # wording guessed
    if r.get("inheritFromBefore") and start == 0:
        raise RequestError(
            f"Cannot inherit from before at index 0 when inserting {dim.lower()}."
        )  # wording guessed
    if end > start:
        sheet.insert_dimension(dim, start, end - start)


def delete_dimension(ss: Spreadsheet, r: dict[str, Any], email: str) -> None:
    sheet, dim, start, end = _dimension_range(ss, r.get("range") or {})
    count = sheet.row_count if dim == "ROWS" else sheet.column_count
    if end > count:
        raise RequestError(
            f"Cannot delete {dim.lower()} [{start}, {end}): the sheet has {count}."
        )  # wording guessed
    if start == 0 and end >= count:
        raise RequestError(f"You can't delete all the {dim.lower()} on the sheet.")
    lines = (
        (start, end, 0, sheet.column_count) if dim == "ROWS" else (0, sheet.row_count, start, end)
    )
    protection.check_span(sheet, lines, email)
    if end > start:
        sheet.delete_dimension(dim, start, end)


def update_dimension_properties(ss: Spreadsheet, r: dict[str, Any], email: str) -> None:
    tree = update_mask(r.get("fields"), "DimensionProperties")
    sheet, dim, start, end = _dimension_range(ss, r.get("range") or {})
    props = r.get("properties") or {}
    store = sheet.row_props if dim == "ROWS" else sheet.col_props
    for i in range(start, end):
        current = store.get(i, {})
        fieldmask.apply_update(current, props, tree)
        if current:
            store[i] = current
        else:
            store.pop(i, None)


def sort_range(ss: Spreadsheet, r: dict[str, Any], email: str) -> None:
    sheet, (r0, r1, c0, c1) = grid_span(ss, r.get("range") or {})
    specs = []
    for spec in r.get("sortSpecs") or []:
        col = spec.get("dimensionIndex", 0)
        if not c0 <= col < c1:
            raise RequestError(
                f"Sort column {col} is outside the range being sorted."
            )  # wording guessed
        specs.append((col, spec.get("sortOrder", "ASCENDING") != "DESCENDING"))
    require(specs, "At least one sort spec must be specified.")  # wording guessed
    protection.check_span(sheet, (r0, r1, c0, c1), email)
    sheet.sort_range(r0, r1, c0, c1, specs)


# --------------------------------------------------------------------------- range objects
def _built_rule(ss: Spreadsheet, given: dict[str, Any] | None) -> tuple[Sheet, dict[str, Any]]:
    """A conditional format rule as stored, and the sheet its ranges are on."""
    rule = copy.deepcopy(given or {})
    ranges = require(rule.get("ranges"), "A conditional format rule needs ranges.")  # guessed
    if ("booleanRule" in rule) == ("gradientRule" in rule):
        raise RequestError("Exactly one of booleanRule or gradientRule must be set.")  # guessed
    sheet, _ = grid_span(ss, ranges[0])
    rule["ranges"] = []
    for gr in ranges:
        other, _ = grid_span(ss, gr)
        if other is not sheet:
            raise RequestError("All ranges of a rule must be on the same sheet.")  # guessed
        rule["ranges"].append(copy.deepcopy(gr) | {"sheetId": sheet.sheet_id})
    return sheet, rule


def _rule_index(sheet: Sheet, index: int) -> int:
    if not 0 <= index < len(sheet.conditional_formats):
        raise RequestError(
            f"No conditional format on sheet: {sheet.sheet_id} at index: {index}"
        )  # wording guessed
    return index


def add_conditional_format_rule(ss: Spreadsheet, r: dict[str, Any], email: str) -> None:
    sheet, rule = _built_rule(ss, r.get("rule"))
    index = r.get("index", 0)
    if not 0 <= index <= len(sheet.conditional_formats):
        raise RequestError(f"Invalid index: {index}")  # wording guessed
    sheet.conditional_formats.insert(index, rule)


def update_conditional_format_rule(
    ss: Spreadsheet, r: dict[str, Any], email: str
) -> dict[str, Any]:
    """Replace the rule at `index` by `rule` (on the sheet of its ranges), or move the rule at
    `index` of sheet `sheetId` to `newIndex`: one of the two."""
    if ("rule" in r) == ("newIndex" in r):
        raise RequestError("Exactly one of rule or newIndex must be set.")  # wording guessed
    if "newIndex" in r:
        sheet = sheet_of(ss, r.get("sheetId", 0))
        index = _rule_index(sheet, r.get("index", 0))
        new_index = _rule_index(sheet, r["newIndex"])
        moved = sheet.conditional_formats.pop(index)
        sheet.conditional_formats.insert(new_index, moved)
        reply = {"newRule": clean(moved), "newIndex": new_index, "oldIndex": index}
    else:
        sheet, rule = _built_rule(ss, r["rule"])
        index = _rule_index(sheet, r.get("index", 0))
        old, sheet.conditional_formats[index] = sheet.conditional_formats[index], rule
        reply = {"newRule": clean(rule), "oldRule": clean(old), "newIndex": index}
    return {"updateConditionalFormatRule": reply}


def delete_conditional_format_rule(
    ss: Spreadsheet, r: dict[str, Any], email: str
) -> dict[str, Any]:
    sheet = sheet_of(ss, r.get("sheetId", 0))
    rule = sheet.conditional_formats.pop(_rule_index(sheet, r.get("index", 0)))
    return {"deleteConditionalFormatRule": {"rule": clean(rule)}}


def add_protected_range(ss: Spreadsheet, r: dict[str, Any], email: str) -> dict[str, Any]:
    pr = copy.deepcopy(r.get("protectedRange") or {})
    sheet, _ = grid_span(ss, require(pr.get("range"), "A protected range needs a range."))
    taken = ss.protected_range_ids()
    if "protectedRangeId" in pr and pr["protectedRangeId"] in taken:
        raise RequestError(
            f"Protected range with id {pr['protectedRangeId']} already exists."
        )  # wording guessed
    stored: dict[str, Any] = {"protectedRangeId": pr.get("protectedRangeId") or ss.new_id(taken)}
    stored["range"] = pr["range"] | {"sheetId": sheet.sheet_id}
    if pr.get("description"):
        stored["description"] = pr["description"]
    if pr.get("warningOnly"):
        stored["warningOnly"] = True
    if pr.get("unprotectedRanges"):
        stored["unprotectedRanges"] = pr["unprotectedRanges"]
    stored["requestingUserCanEdit"] = True
    reply = clean(stored) | {"editors": {}}
    if not pr.get("warningOnly"):
        users = sorted({email, *((pr.get("editors") or {}).get("users") or [])})
        stored["editors"] = {"users": users}
    sheet.protected_ranges.append(stored)
    return {"addProtectedRange": {"protectedRange": reply}}


def _find_protected_range(ss: Spreadsheet, pid: int | None) -> tuple[Sheet, dict[str, Any]]:
    for sheet in ss.sheets:
        for pr in sheet.protected_ranges:
            if pr["protectedRangeId"] == pid:
                return sheet, pr
    # as recorded in googleapis/google-api-python-client#1064
    raise RequestError(f"No protected range with id: {pid}")


def delete_protected_range(ss: Spreadsheet, r: dict[str, Any], email: str) -> None:
    sheet, pr = _find_protected_range(ss, r.get("protectedRangeId"))
    protection.check_object(ss, pr, email)
    sheet.protected_ranges.remove(pr)


def update_protected_range(ss: Spreadsheet, r: dict[str, Any], email: str) -> None:
    tree = update_mask(r.get("fields"), "ProtectedRange")
    src = copy.deepcopy(r.get("protectedRange") or {})
    sheet, pr = _find_protected_range(ss, src.get("protectedRangeId"))
    protection.check_object(ss, pr, email)
    new = copy.deepcopy(pr)
    fieldmask.apply_update(new, src, tree)
    new["protectedRangeId"] = pr["protectedRangeId"]
    new["requestingUserCanEdit"] = True  # read-only
    target, _ = grid_span(ss, require(new.get("range"), "A protected range needs a range."))
    new["range"] = new["range"] | {"sheetId": target.sheet_id}
    if new.get("warningOnly"):
        new.pop("editors", None)  # "When writing: if this field is true, then editors are ignored."
    elif pr.get("warningOnly") and not fieldmask.selects(tree, ["editors"]):
        # "...if this field is changed from true to false and the `editors` field is not set
        # (nor included in the field mask), then the editors will be set to all the editors
        # in the document."
        everyone = {email, *ss.shared_with, *([ss.owner] if ss.owner else [])}
        new["editors"] = {"users": sorted(everyone)}
    sheet.protected_ranges.remove(pr)
    target.protected_ranges.append(new)


def set_basic_filter(ss: Spreadsheet, r: dict[str, Any], email: str) -> None:
    flt = copy.deepcopy(r.get("filter") or {})
    sheet, _ = grid_span(ss, flt.get("range") or {})
    flt["range"] = bounded_range(sheet, flt.get("range") or {})
    sheet.basic_filter = flt


def clear_basic_filter(ss: Spreadsheet, r: dict[str, Any], email: str) -> None:
    sheet_of(ss, r.get("sheetId", 0)).basic_filter = None


def add_filter_view(ss: Spreadsheet, r: dict[str, Any], email: str) -> dict[str, Any]:
    fv = copy.deepcopy(r.get("filter") or {})
    sheet, _ = grid_span(ss, fv.get("range") or {})
    taken = ss.filter_view_ids()
    if "filterViewId" in fv and fv["filterViewId"] in taken:
        raise RequestError(f"Filter view with id {fv['filterViewId']} already exists.")  # guessed
    fv["filterViewId"] = fv.get("filterViewId") or ss.new_id(taken)
    fv["range"] = bounded_range(sheet, fv.get("range") or {})
    ordered = {"filterViewId": fv.pop("filterViewId")} | fv
    sheet.filter_views.append(ordered)
    return {"addFilterView": {"filter": clean(ordered)}}


def _find_filter_view(ss: Spreadsheet, fid: int | None) -> tuple[Sheet, dict[str, Any]]:
    for sheet in ss.sheets:
        for fv in sheet.filter_views:
            if fv["filterViewId"] == fid:
                return sheet, fv
    raise RequestError(f"No filter view with id: {fid}")  # wording guessed


def update_filter_view(ss: Spreadsheet, r: dict[str, Any], email: str) -> None:
    tree = update_mask(r.get("fields"), "FilterView")
    src = r.get("filter") or {}
    sheet, fv = _find_filter_view(ss, src.get("filterViewId"))
    new = copy.deepcopy(fv)
    fieldmask.apply_update(new, src, tree)
    new["filterViewId"] = fv["filterViewId"]
    target, _ = grid_span(ss, new.get("range") or {"sheetId": sheet.sheet_id})
    new["range"] = bounded_range(target, new.get("range") or {})
    sheet.filter_views.remove(fv)
    target.filter_views.append(new)


def delete_filter_view(ss: Spreadsheet, r: dict[str, Any], email: str) -> None:
    sheet, fv = _find_filter_view(ss, r.get("filterId"))
    sheet.filter_views.remove(fv)


HANDLERS: dict[str, Handler] = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "updateCells": update_cells,
    "appendCells": append_cells,
    "repeatCell": repeat_cell,
    "appendDimension": append_dimension,
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "updateDimensionProperties": update_dimension_properties,
    "sortRange": sort_range,
    "setDataValidation": set_data_validation,
    "addConditionalFormatRule": add_conditional_format_rule,
    "updateConditionalFormatRule": update_conditional_format_rule,
    "deleteConditionalFormatRule": delete_conditional_format_rule,
    "addProtectedRange": add_protected_range,
    "updateProtectedRange": update_protected_range,
    "deleteProtectedRange": delete_protected_range,
    "setBasicFilter": set_basic_filter,
    "clearBasicFilter": clear_basic_filter,
    "addFilterView": add_filter_view,
    "updateFilterView": update_filter_view,
    "deleteFilterView": delete_filter_view,
}
