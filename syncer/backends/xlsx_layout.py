"""``init`` on a workbook: bring it to ``syncer.layout``, repair what was removed, say what.

Every part of the layout is compared with what the workbook has and set only
where it differs, so a second ``init`` changes nothing and reports nothing.
A workbook cannot protect single columns: worker columns are marked by their
grey headers and notes, whole worker tabs are protected.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from sop_models import Catalog
from syncer import contract as c
from syncer import layout, meta, views
from syncer.backends.xlsx_cells import (
    FONT,
    GREY_FILL,
    HEADER_FONT,
    NUMBER_FORMATS,
    AnyCell,
    sheet_values,
    write_meta,
    write_tab,
)
from syncer.engine import Rules

ROW_LIMIT = 1_048_576
VALIDATION_TITLE = "sopsync"
WORKER_FONT = Font(name=FONT, bold=True, italic=True, color=layout.WORKER_FONT_COLOUR)
TAB_COLOUR = "808080"
DEFAULT_WIDTHS = (None, 13.0)


def prepare(book: Workbook, rules: Rules) -> list[str]:
    """Apply the layout to ``book``; what was created, added or repaired."""
    done: list[str] = []
    created: set[str] = set()
    for position, tab in enumerate(layout.TABS):
        if tab.title not in book.sheetnames:
            book.create_sheet(tab.title, position)
            created.add(tab.title)
            done.append(f"created tab {tab.title}")
        sheet = book[tab.title]
        new = tab.title in created
        _sheet_properties(sheet, tab, new, done)
        if tab.kind is not layout.Kind.WORKER:
            _table(sheet, tab, rules.catalog, new, done)
        else:
            _widths(sheet, tab.all_widths(), range(len(tab.all_widths())))
            sheet.sheet_properties.tabColor = TAB_COLOUR
    _remove_default_tab(book, done)
    _worker_contents(book, rules.catalog, created, done)
    return done


def _sheet_properties(sheet: Worksheet, tab: layout.Tab, new: bool, done: list[str]) -> None:
    state: Literal["visible", "hidden"] = "hidden" if tab.hidden else "visible"
    if sheet.sheet_state != state:
        sheet.sheet_state = state
        if not new:
            done.append(f"{'hid' if tab.hidden else 'showed'} tab {tab.title}")
    freeze = f"A{tab.frozen_rows + 1}" if tab.frozen_rows else None
    if sheet.freeze_panes != freeze:
        sheet.freeze_panes = freeze
        if not new:
            done.append(f"froze the header of {tab.title}")
    if tab.protect is layout.Protect.SHEET and not sheet.protection.sheet:
        sheet.protection.sheet = True
        if not new:
            done.append(f"protected tab {tab.title}")
    if tab.landscape:
        _landscape(sheet, tab.frozen_rows)


def _landscape(ws: Worksheet, header_rows: int) -> None:
    """Printed, the sheet fits the page width (offices print their queues)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if header_rows:
        ws.print_title_rows = f"1:{header_rows}"


def _headers(sheet: Worksheet) -> list[object]:
    headers: list[object] = [cell.value for cell in sheet[1]] if sheet.max_row >= 1 else []
    while headers and headers[-1] in (None, ""):
        headers.pop()
    return headers


def _table(sheet: Worksheet, tab: layout.Tab, catalog: Catalog, new: bool, done: list[str]) -> None:
    headers = _headers(sheet)
    added = c.missing_columns(headers, tab.headers)
    for offset, name in enumerate(added, start=len(headers) + 1):
        sheet.cell(1, offset).value = name
    if added and not new:
        done.append(f"added columns {', '.join(added)} to {tab.title}")
    cols = c.column_map([*headers, *added])
    placed = [(col, cols[c.header_key(col.header)]) for col in tab.columns]
    repaired = [
        col.header
        for col, index in placed
        if _header_style(sheet.cell(1, index + 1), col) and col.header not in added and not new
    ]
    if repaired:
        done.append(f"repaired the header format of {', '.join(repaired)} in {tab.title}")
    _widths(sheet, [col.width for col, _ in placed], [index for _, index in placed])
    for col, index in placed:
        if col.format is not None:
            letter = get_column_letter(index + 1)
            sheet.column_dimensions[letter].number_format = NUMBER_FORMATS[col.format]
    if _dropdowns(sheet, placed, catalog) and not new:
        done.append(f"updated the dropdowns of {tab.title}")
    if tab.status_colours and _status_colours(sheet, cols, len(cols)) and not new:
        done.append(f"restored the status colours of {tab.title}")
    if tab.filters:
        last = get_column_letter(max(cols.values()) + 1)
        sheet.auto_filter.ref = f"A1:{last}{max(sheet.max_row, 2)}"


def _header_style(cell: AnyCell, col: layout.Column) -> bool:
    """Give a header its look (bold; a worker column's grey and note); True if it changed."""
    font = WORKER_FONT if col.worker else HEADER_FONT
    fill = _rgb(cell.fill.fgColor) if col.worker else None
    current = (bool(cell.font.b), bool(cell.font.i), _rgb(cell.font.color), fill)
    wanted = (
        bool(font.b),
        bool(font.i),
        _rgb(font.color),
        layout.HEADER_FILL if col.worker else None,
    )
    note_missing = col.worker and cell.comment is None
    if current == wanted and not note_missing:
        return False
    cell.font = font
    if col.worker:
        cell.fill = GREY_FILL
        if note_missing:
            cell.comment = Comment(layout.WORKER_NOTE, "sopsync", width=260, height=70)
    cell.alignment = Alignment(vertical="center")
    return True


def _rgb(colour: object) -> str | None:
    rgb = getattr(colour, "rgb", None)
    if not isinstance(rgb, str) or rgb in ("00000000", "FF000000"):
        return None
    return rgb[-6:].upper()


def _widths(sheet: Worksheet, widths: Sequence[int], indexes: Sequence[int]) -> None:
    for width, index in zip(widths, indexes, strict=True):
        letter = get_column_letter(index + 1)
        if sheet.column_dimensions[letter].width in DEFAULT_WIDTHS:
            sheet.column_dimensions[letter].width = width


def _dropdowns(sheet: Worksheet, placed: list[tuple[layout.Column, int]], catalog: Catalog) -> bool:
    """The sopsync dropdowns of a tab as the layout says; True if they changed."""
    wanted: list[DataValidation] = []
    for col, index in placed:
        if col.dropdown is None:
            continue
        items = ",".join(col.dropdown.values(catalog))
        if len(items) > 255:  # Excel's limit for a literal list; the cell stays free text
            continue
        letter = get_column_letter(index + 1)
        dv = DataValidation(
            type="list",
            formula1=f'"{items}"',
            allow_blank=True,
            showErrorMessage=False,
            showInputMessage=bool(col.dropdown.prompt),
            promptTitle=VALIDATION_TITLE,
            prompt=col.dropdown.prompt or None,
        )
        dv.add(f"{letter}2:{letter}{ROW_LIMIT}")
        wanted.append(dv)
    ours = [
        dv for dv in sheet.data_validations.dataValidation if dv.promptTitle == VALIDATION_TITLE
    ]

    def shape(dvs: list[DataValidation]) -> set[tuple[str, str]]:
        return {(str(dv.sqref), str(dv.formula1)) for dv in dvs}

    if shape(ours) == shape(wanted):
        return False
    others = [dv for dv in sheet.data_validations.dataValidation if dv not in ours]
    sheet.data_validations.dataValidation = others
    for dv in wanted:
        sheet.add_data_validation(dv)
    return True


def _status_colours(sheet: Worksheet, cols: dict[str, int], width: int) -> bool:
    """Whole rows coloured by Status; True if a rule had to be added."""
    status = get_column_letter(cols[c.header_key(c.STATUS)] + 1)
    area = f"A2:{get_column_letter(width)}{ROW_LIMIT}"
    present = {
        tuple(rule.formula or ()) for cf in sheet.conditional_formatting for rule in cf.rules
    }
    added = False
    for value, colour in c.STATUS_COLOURS.items():
        formula = f'${status}2="{value}"'
        if (formula,) in present:
            continue
        fill = PatternFill("solid", start_color=colour, end_color=colour)
        rule = FormulaRule(formula=[formula], fill=fill)  # type: ignore[no-untyped-call,unused-ignore]
        sheet.conditional_formatting.add(area, rule)
        added = True
    return added


def _remove_default_tab(book: Workbook, done: list[str]) -> None:
    """The empty tab a new workbook starts with goes, when nothing at all is in it."""
    for sheet in list(book.worksheets):
        if (
            sheet.title not in layout.BY_TITLE
            and layout.DEFAULT_TAB.match(sheet.title)
            and all(cell.value in (None, "") for cell in sheet._cells.values())
            and len(book.worksheets) > 1
        ):
            book.remove(sheet)
            done.append(f"removed the empty tab {sheet.title}")


def _worker_contents(book: Workbook, catalog: Catalog, created: set[str], done: list[str]) -> None:
    """Write the worker tabs init can (SOP) when empty; let the cycle rewrite the others it
    made anew. A change of content is the cycle's."""
    state_rows = sheet_values(book[c.STATE])
    area = meta.read_meta(state_rows[0] if state_rows else [], state_rows[1:])
    updates: dict[str, str] = {}
    static = views.static_tabs(catalog)
    for tab in layout.WORKER_TABS:
        key = meta.digest_key(tab.title)
        blank = book[tab.title].cell(1, 1).value in (None, "")
        content = static.get(tab.title)
        if content is not None:
            if blank:
                write_tab(book, tab.title, content.grid)
                updates[key] = content.digest()
                done.append(f"wrote tab {tab.title}")
        elif (blank or tab.title in created) and area.values.get(key):
            updates[key] = ""
    write_meta(book[c.STATE], area, updates)
