"""``init`` on a workbook: bring it to ``syncer.layout``, repair what was removed, say what.

Every part of the layout is compared with what the workbook has and set only
where it differs, so a second ``init`` changes nothing and reports nothing.
A workbook cannot protect single columns: worker columns are marked by their
grey headers and notes, whole worker tabs are protected.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from sop_models import Catalog
from syncer import contract as c
from syncer import layout, meta, views
from syncer.backends import HEADER_SEARCH, places_for_headers
from syncer.backends.xlsx_cells import (
    BASE_FONT,
    AnyCell,
    Looks,
    fill_of,
    font_of,
    look,
    sheet_values,
    write_meta,
    write_tab,
)
from syncer.backends.xlsx_looks import GREY_FILL, HEADER_FONT
from syncer.engine import Rules
from syncer.meta import MetaArea

ROW_LIMIT = 1_048_576
LEGACY_PROMPT_TITLE = "sopsync"
"""How earlier versions titled their dropdown prompts (still recognised as ours)."""
WORKER_FONT = Font(
    name=layout.FONT, size=layout.FONT_SIZE, bold=True, italic=True, color=layout.WORKER_FONT_COLOUR
)
TAB_COLOUR = "808080"
DEFAULT_WIDTHS = (None, 13.0)
MARGINS = PageMargins(
    left=layout.MARGIN_INCHES, right=layout.MARGIN_INCHES, top=0.5, bottom=0.5, header=0.25,
    footer=0.25,
)  # fmt: skip
FOOTER = "&A — halaman &P"
"""Printed at the foot of every page: the tab's name and the page, counted from 1 in each tab
(a whole workbook printed at once counts its pages on: no total, which would be the book's)."""


def prepare(book: Workbook, rules: Rules) -> list[str]:
    """Apply the layout to ``book``; what was created, added or repaired."""
    done: list[str] = []
    created = _create_tabs(book, done)
    area = _meta_area(book)
    updates: dict[str, str] = {}
    _default_font(book, created, done)
    for tab in layout.TABS:
        sheet = book[tab.title]
        new = tab.title in created
        _sheet_properties(sheet, tab, new, done)
        if tab.kind is layout.Kind.WORKER:
            _worker_columns(sheet, tab)
            sheet.sheet_properties.tabColor = TAB_COLOUR
        else:
            _table(sheet, tab, rules.catalog, new, done, area, updates)
    _remove_default_tab(book, done)
    _tab_order(book, area, created, updates, done)
    _worker_contents(book, rules.catalog, created, area, updates, done)
    write_meta(book[c.STATE], _meta_area(book), updates)
    return done


def _create_tabs(book: Workbook, done: list[str]) -> set[str]:
    for old, title in layout.renamed_tabs(book.sheetnames).items():
        sheet = book[old]
        sheet.title = "~"  # openpyxl's check of a clash ignores case, and counts the tab itself
        sheet.title = title
        done.append(f'renamed tab "{old}" to {title}')
    created: set[str] = set()
    for tab in layout.TABS:
        if tab.title not in book.sheetnames:
            book.create_sheet(tab.title, layout.place_for(tab.title, book.sheetnames))
            created.add(tab.title)
            done.append(f"created tab {tab.title}")
    return created


def _meta_area(book: Workbook) -> MetaArea:
    rows = sheet_values(book[c.STATE])
    return meta.read_meta(rows[0] if rows else [], rows[1:])


def _default_font(book: Workbook, created: set[str], done: list[str]) -> None:
    """One font for the whole workbook: the font of every cell without its own.

    A workbook's first font is what every unstyled cell shows (the cells staff type in
    and openpyxl writes alike) and what column widths are measured in."""
    styles: Any = book  # openpyxl keeps a workbook's fonts and named styles to itself
    first = styles._fonts[0]
    if (first.name, first.sz, first.scheme) == (BASE_FONT.name, BASE_FONT.sz, None):
        return
    styles._fonts = IndexedList([BASE_FONT, *styles._fonts[1:]])
    for style in styles._named_styles:
        if style.name == "Normal":
            style.font = BASE_FONT
    if len(created) < len(layout.TABS):
        done.append(f"set the workbook's font to {layout.FONT} {layout.FONT_SIZE}")


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
    if tab.landscape and _print_setup(sheet, tab) and not new:
        done.append(f"set up the printing of {tab.title}")


def _print_setup(ws: Worksheet, tab: layout.Tab) -> bool:
    """A4 landscape, one page wide (``layout.printed_points``), narrow margins, grid lines,
    the header row on every page, the tab's name and page number at the foot.
    True if anything had to change."""
    titles = f"{tab.header_row}:{tab.header_row}" if tab.header_row else None
    setup = ws.page_setup
    fit = ws.sheet_properties.pageSetUpPr
    current = (
        setup.orientation,
        str(setup.paperSize),
        bool(fit and fit.fitToPage),
        setup.fitToWidth,
        setup.fitToHeight,
        (ws.print_title_rows or "").replace("$", "") or None,
        (ws.page_margins.left, ws.page_margins.right),
        bool(ws.print_options.gridLines),
        _footer(ws).center.text,
        (setup.firstPageNumber, bool(setup.useFirstPageNumber)),
    )
    wanted = (
        "landscape",
        str(ws.PAPERSIZE_A4),
        True,
        1,
        0,
        titles,
        (MARGINS.left, MARGINS.right),
        True,
        FOOTER,
        (1, True),
    )
    if current == wanted:
        return False
    setup.orientation = "landscape"
    setup.paperSize = ws.PAPERSIZE_A4
    if fit is None:
        ws.sheet_properties.pageSetUpPr = fit = PageSetupProperties()
    fit.fitToPage = True
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    ws.print_title_rows = titles  # type: ignore[assignment,unused-ignore]
    ws.page_margins = PageMargins(
        MARGINS.left, MARGINS.right, MARGINS.top, MARGINS.bottom, MARGINS.header, MARGINS.footer
    )
    ws.print_options.gridLines = True
    _footer(ws).center.text = FOOTER
    setup.firstPageNumber = 1
    setup.useFirstPageNumber = True
    return True


def _footer(ws: Worksheet) -> HeaderFooterItem:
    item = ws.HeaderFooter.oddFooter
    if item is None:
        item = ws.HeaderFooter.oddFooter = HeaderFooterItem()
    return item


def _headers(sheet: Worksheet) -> list[object]:
    headers: list[object] = [cell.value for cell in sheet[1]] if sheet.max_row >= 1 else []
    while headers and headers[-1] in (None, ""):
        headers.pop()
    return headers


def _table(
    sheet: Worksheet,
    tab: layout.Tab,
    catalog: Catalog,
    new: bool,
    done: list[str],
    area: MetaArea,
    updates: dict[str, str],
) -> None:
    headers = _headers(sheet)
    below = sheet.iter_rows(2, min(sheet.max_row, HEADER_SEARCH), values_only=True)
    places = places_for_headers(tab, headers, list(below))
    for index, name in places:
        sheet.cell(1, index + 1).value = name
    added = [name for _, name in places]
    if not new:
        done += layout.header_notes(tab, headers, places)
    cols = c.column_map(layout.placed(headers, places))
    placed = [(col, cols[c.header_key(col.header)]) for col in tab.columns]
    repaired = [
        col.header
        for col, index in placed
        if _header_style(sheet.cell(1, index + 1), col) and col.header not in added and not new
    ]
    if repaired:
        done.append(f"repaired the header format of {', '.join(repaired)} in {tab.title}")
    resized = _table_widths(sheet, tab, placed, area, updates)
    if resized and not new:
        done.append(f"set the widths of {', '.join(resized)} in {tab.title}")
    restyled = _column_looks(sheet, placed) if not tab.hidden else []
    if restyled and not new:
        done.append(f"repaired the cell formats of {', '.join(restyled)} in {tab.title}")
    if _dropdowns(sheet, placed, catalog) and not new:
        done.append(f"updated the dropdowns of {tab.title}")
    if tab.status_colours and _status_colours(sheet, cols, len(cols)) and not new:
        done.append(f"restored the status colours of {tab.title}")
    if tab.filters and _filter(sheet, max(cols.values())) and not new:
        done.append(f"set the filter of {tab.title} over every row")


def _header_style(cell: AnyCell, col: layout.Column) -> bool:
    """Give a header its look (bold; a worker column's grey and note); True if it changed."""
    font = WORKER_FONT if col.worker else font_of(HEADER_FONT)
    fill = _rgb(cell.fill.fgColor) if col.worker else None
    current = (cell.font.name, bool(cell.font.b), bool(cell.font.i), _rgb(cell.font.color), fill)
    wanted = (
        font.name,
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
        cell.fill = fill_of(GREY_FILL)
        if note_missing:
            cell.comment = Comment(layout.WORKER_NOTE, "sopsync", width=260, height=70)
    cell.alignment = Alignment(vertical="center", horizontal="center" if col.centred else None)
    return True


def _rgb(colour: object) -> str | None:
    rgb = getattr(colour, "rgb", None)
    if not isinstance(rgb, str) or rgb in ("00000000", "FF000000"):
        return None
    return rgb[-6:].upper()


def _table_widths(
    sheet: Worksheet,
    tab: layout.Tab,
    placed: list[tuple[layout.Column, int]],
    area: MetaArea,
    updates: dict[str, str],
) -> list[str]:
    """The layout's widths, on every column whose width is still one sopsync gave it:
    a column staff widened or narrowed keeps their width. Returns the columns resized."""
    given = layout.given_widths(tab, area.values.get(meta.widths_key(tab.title)))
    resized = []
    for col, index in placed:
        dimension = sheet.column_dimensions[get_column_letter(index + 1)]
        ours = dimension.width in DEFAULT_WIDTHS or dimension.width == given.get(col.header)
        if ours and dimension.width != col.width:
            if dimension.width not in DEFAULT_WIDTHS:
                resized.append(col.header)
            dimension.width = col.width
    value = layout.widths_value(tab)
    if area.values.get(meta.widths_key(tab.title)) != value:
        updates[meta.widths_key(tab.title)] = value
    return resized


def _worker_columns(sheet: Worksheet, tab: layout.Tab) -> None:
    """A worker tab's widths and hidden columns: the tab is wholly the worker's."""
    hidden = tab.hidden_columns
    for index, width in enumerate(tab.all_widths()):
        dimension = sheet.column_dimensions[get_column_letter(index + 1)]
        dimension.width = width
        dimension.hidden = index in hidden


def _column_looks(sheet: Worksheet, placed: Sequence[tuple[layout.Column, int]]) -> list[str]:
    """Each column's number format and alignment: on the column, for the cells staff type
    in, and on every cell it has (a date written before the format changed, a cell written
    before cells were top-aligned). Returns the columns whose cells had to change."""
    by_index = {index: col for col, index in placed}
    looks = Looks(sheet)
    changed: dict[int, None] = {}
    for (row, column), cell in sheet._cells.items():
        col = by_index.get(column - 1)
        if row == 1 or col is None or looks.has(cell, col):
            continue
        looks.give(cell, col)
        changed[column - 1] = None
    for col, index in placed:
        number, alignment = look(col)
        dimension = sheet.column_dimensions[get_column_letter(index + 1)]
        if number is not None:
            dimension.number_format = number
        dimension.alignment = alignment
    return [by_index[index].header for index in sorted(changed)]


def _is_ours(dv: DataValidation, sheet: Worksheet, dropdowns: dict[str, layout.Column]) -> bool:
    """A dropdown sopsync set: a list over one whole column below a header that the layout
    gives a dropdown (wherever the column moved since), or one titled as earlier versions did.
    """
    if dv.promptTitle == LEGACY_PROMPT_TITLE:
        return True
    ranges = str(dv.sqref).split()
    if dv.type != "list" or len(ranges) != 1 or ":" not in ranges[0]:
        return False
    first, last = ranges[0].split(":")
    letter = first.rstrip("0123456789")
    if first != f"{letter}2" or last != f"{letter}{ROW_LIMIT}":
        return False
    header = sheet[f"{letter}1"].value
    return c.header_key(header) in dropdowns


def _dropdowns(sheet: Worksheet, placed: list[tuple[layout.Column, int]], catalog: Catalog) -> bool:
    """The layout's dropdowns of a tab; True if they changed."""
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
            promptTitle=col.header if col.dropdown.prompt else None,
            prompt=col.dropdown.prompt or None,
        )
        dv.add(f"{letter}2:{letter}{ROW_LIMIT}")
        wanted.append(dv)
    dropdowns = {c.header_key(col.header): col for col, _ in placed if col.dropdown}
    every = sheet.data_validations.dataValidation
    ours = [dv for dv in every if _is_ours(dv, sheet, dropdowns)]

    def shape(dvs: list[DataValidation]) -> set[tuple[str, ...]]:
        return {
            (str(dv.sqref), str(dv.formula1), str(dv.promptTitle), str(dv.prompt)) for dv in dvs
        }

    if shape(ours) == shape(wanted):
        return False
    sheet.data_validations.dataValidation = [dv for dv in every if dv not in ours]
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


def _filter(sheet: Worksheet, last_column: int) -> bool:
    """An AutoFilter from the header to the sheet's last row, whatever rows there are.

    Excel and LibreOffice filter exactly the range the workbook names: a range kept to
    the rows of the last write leaves out rows staff add between writes (they stay visible
    whatever the filter), and an Excel table grows as staff type below it in Excel only.
    Whole columns cover every row in both; blank rows are hidden with the rest, and
    both keep them hidden cheaply (one flag, not a row each). A filter staff chose
    stays. True if the range had to change."""
    ref = f"A1:{get_column_letter(last_column + 1)}{ROW_LIMIT}"
    if sheet.auto_filter.ref == ref:
        return False
    sheet.auto_filter.ref = ref
    return True


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


def _tab_order(
    book: Workbook, area: MetaArea, created: set[str], updates: dict[str, str], done: list[str]
) -> None:
    """The layout's tabs in its order, once per order of the layout (``layout.in_order``);
    the first visible tab selected, as a spreadsheet opens on it."""
    if area.values.get(meta.TAB_ORDER) != layout.TAB_ORDER:
        titles = book.sheetnames
        wanted = layout.in_order(titles)
        if wanted != titles:
            for position, title in enumerate(wanted):
                book.move_sheet(title, position - book.sheetnames.index(title))
            if len(created) < len(layout.TABS):
                done.append(f"put the tabs in the order {', '.join(wanted)}")
        updates[meta.TAB_ORDER] = layout.TAB_ORDER
    if created:
        first = next(s for s in book.worksheets if s.sheet_state == "visible")
        book.active = first
        for sheet in book.worksheets:
            sheet.sheet_view.tabSelected = sheet is first


def _worker_contents(
    book: Workbook,
    catalog: Catalog,
    created: set[str],
    area: MetaArea,
    updates: dict[str, str],
    done: list[str],
) -> None:
    """Write the worker tabs init can (SOP) when empty; let the cycle rewrite the others it
    made anew, and any whose look changed. A change of content is the cycle's."""
    static = views.static_tabs(catalog)
    for tab in layout.WORKER_TABS:
        key, look_key = meta.digest_key(tab.title), meta.layout_key(tab.title)
        blank = book[tab.title].cell(1, 1).value in (None, "")
        restyle = area.values.get(look_key) != layout.look_digest(tab)
        if restyle:
            updates[look_key] = layout.look_digest(tab)
            if tab.title not in created and not blank:
                done.append(f"updated the look of {tab.title} (the next sync writes it anew)")
        content = static.get(tab.title)
        if content is not None and blank:
            write_tab(book, tab.title, content.grid)
            updates[key] = content.digest()
            done.append(f"wrote tab {tab.title}")
        elif (blank or restyle or tab.title in created) and area.values.get(key):
            updates[key] = ""
