"""``init`` on Google: bring a spreadsheet to ``syncer.layout``, repair, say what was done.

It reads only what it compares: first the tabs' properties, conditional
formats, protected ranges and filter views (no cells); then the header rows,
the key→value area, the first cell of each worker tab and any default tab
that may be removed. One batchUpdate applies the difference, without
duplicating what is there, and refreshes what the cycle's read relies on (the
tabs' ids and the write marker, in the key→value area).

What cannot be read back cheaply (column number formats, dropdown lists over
whole columns) is applied when a tab or column is made and again whenever its
description changes, which the key→value area remembers as a digest.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from syncer import contract as c
from syncer import layout, meta, views
from syncer.backends import HEADER_SEARCH, places_for_headers
from syncer.backends.google.plan import (
    Request,
    column_looks,
    columns,
    dropdown_rule,
    marker_step,
    meta_requests,
    new_token,
    tab_requests,
    update_cells,
)
from syncer.backends.google.values import (
    HEADER_FIELDS,
    CellData,
    appended_look,
    column_look,
    header_cell,
    header_looks_right,
    look_fields,
    rgb,
)
from syncer.engine import Rules
from syncer.meta import MetaArea
from syncer.suggest import counted

LAYOUT_FIELDS = (
    "properties(timeZone,locale),"
    "sheets(properties(sheetId,title,index,hidden,"
    "gridProperties(rowCount,columnCount,frozenRowCount)),"
    "conditionalFormats,"
    "protectedRanges(protectedRangeId,description,range,warningOnly,editors),"
    "filterViews(filterViewId,title))"
)
CELL_FIELDS = (
    "sheets(properties.title,data(startRow,startColumn,columnMetadata.pixelSize,"
    "rowData.values(userEnteredValue,userEnteredFormat(textFormat,backgroundColor),note)))"
)
LEDGER_FIELDS = (
    "sheets.data.rowData.values.userEnteredFormat(numberFormat.pattern,horizontalAlignment)"
)
"""What init reads of Riwayat's first column, once after the layout's look of it changed:
how many rows it has, and whether their dates show as the layout says."""
DEFAULT_PIXELS = 100
"""A Google column's width until someone sets it."""
META_RANGE = "C:D"
"""Where the state tab's key→value area is (its Kunci and Nilai columns)."""
NEW_GRID = (1000, 26)
LOCALE = "in_ID"
"""Indonesian (Indonesia), as Google's own list of locales (File > Settings) names it: the
locale through which Google reads what staff type, so that 01/12/2026 in Kalender or Pegawai
is 1 December, day first, as the sheet tells them to write dates (``cells.DATE_EXAMPLE``). A
new spreadsheet is en_US, month first: 01/12/2026 would be 12 January."""
INDONESIAN = re.compile(r"^(in|id)(_ID)?$")
"""The spellings of Indonesian init leaves as they are (id_ID is the ISO one of in_ID)."""
_STATUS_RULE = re.compile(r'^=\$([A-Z]+)2="(.*)"$')


def quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def cell_ranges(layout_meta: dict[str, Any]) -> list[str]:
    """What init reads of the cells: header rows, the key→value area, worker tabs' A1, and
    the whole of a default tab it may remove."""
    titles = {s["properties"]["title"] for s in layout_meta.get("sheets", [])}
    named = {title: old for old, title in layout.renamed_tabs(list(titles)).items()}
    ranges = []
    for tab in layout.TABS:
        title = named.get(tab.title, tab.title)
        if title not in titles:
            continue
        if tab.kind is layout.Kind.WORKER:
            ranges.append(f"{quoted(title)}!A1:A1")
        else:
            ranges.append(f"{quoted(title)}!1:{HEADER_SEARCH}")  # a header row moved down too
    if c.STATE in titles:
        ranges.append(f"{quoted(c.STATE)}!{META_RANGE}")
    ranges += [quoted(t) for t in titles if _removable_name(t)]
    return ranges


def _runs(places: Sequence[tuple[int, str]]) -> list[tuple[int, list[str]]]:
    """Places (column, header) as runs of neighbouring columns: (first column, headers)."""
    runs: list[tuple[int, list[str]]] = []
    for index, name in sorted(places):
        if runs and runs[-1][0] + len(runs[-1][1]) == index:
            runs[-1][1].append(name)
        else:
            runs.append((index, [name]))
    return runs


def _removable_name(title: str) -> bool:
    return title not in layout.BY_TITLE and bool(layout.DEFAULT_TAB.match(title))


@dataclass
class Sheet:
    """A tab as init sees it: read, or about to be made by this batch."""

    id: int
    title: str
    properties: dict[str, Any] = field(default_factory=dict)
    new: bool = False
    cells: list[list[CellData]] = field(default_factory=list)
    """Rows of CellData read (the header row and the few below it, where staff may have moved
    it; the whole tab for a default tab)."""
    pixels: list[int] = field(default_factory=list)
    """Each column's width as read with the header row."""
    conditional: list[dict[str, Any]] = field(default_factory=list)
    protected: list[dict[str, Any]] = field(default_factory=list)
    filter_views: list[dict[str, Any]] = field(default_factory=list)

    @property
    def header_cells(self) -> list[CellData]:
        return self.cells[0] if self.cells else []

    @property
    def headers(self) -> list[object]:
        values = [_plain(cell) for cell in self.header_cells]
        while values and values[-1] in (None, ""):
            values.pop()
        return values


def _plain(cell: CellData) -> object:
    value = cell.get("userEnteredValue") or {}
    for kind in ("stringValue", "numberValue", "boolValue", "formulaValue"):
        if kind in value:
            return value[kind]
    return None


def _rows(sheet: dict[str, Any]) -> list[list[CellData]]:
    rows: list[list[CellData]] = []
    for block in sheet.get("data", []):
        start = block.get("startRow", 0)
        for offset, row in enumerate(block.get("rowData", [])):
            while len(rows) < start + offset:
                rows.append([])
            rows.append(list(row.get("values", [])))
    return rows


class InitPlan:
    """The requests that bring a spreadsheet to the layout, and what they do in words."""

    def __init__(
        self,
        rules: Rules,
        zone: str,
        layout_meta: dict[str, Any],
        cells: dict[str, Any],
        editors: list[str],
        warning_only: bool,
    ):
        self.rules = rules
        self.zone = zone
        self.editors = editors
        self.warning_only = warning_only
        self.time_zone = layout_meta.get("properties", {}).get("timeZone")
        self.locale = layout_meta.get("properties", {}).get("locale")
        self.sheets: dict[str, Sheet] = {}
        for raw in layout_meta.get("sheets", []):
            props = raw["properties"]
            self.sheets[props["title"]] = Sheet(
                props["sheetId"],
                props["title"],
                props,
                conditional=raw.get("conditionalFormats", []),
                protected=raw.get("protectedRanges", []),
                filter_views=raw.get("filterViews", []),
            )
        self.renamed = layout.renamed_tabs(list(self.sheets))
        """Tabs of the layout renamed by hand only in case or spaces: old title → layout's."""
        for old, title in self.renamed.items():
            sheet = self.sheets[title] = self.sheets.pop(old)
            sheet.title = title  # as the batch names it: _rename_tabs asks for that first
        self.area = MetaArea()
        state_rows: list[list[CellData]] = []
        for raw in cells.get("sheets", []):
            title = raw["properties"]["title"]
            title = self.renamed.get(title, title)
            for block in raw.get("data", []):
                rows = _rows({"data": [block]})
                if title == c.STATE and block.get("startColumn", 0) == 2:
                    state_rows = rows
                elif title in self.sheets and not self.sheets[title].cells:
                    self.sheets[title].cells = rows
                    self.sheets[title].pixels = [
                        int(m.get("pixelSize", DEFAULT_PIXELS))
                        for m in block.get("columnMetadata", [])
                    ]
        values = [[_plain(cell) for cell in row] for row in state_rows]
        if values:
            self.area = _shifted(meta.read_meta(values[0], values[1:]), by=2)
        self.requests: list[Request] = []
        self.done: list[str] = []
        self.meta: dict[str, str] = {}
        self.ledger_rows: list[list[CellData]] | None = None
        """Riwayat's first column below the header, when read (``needs_ledger_formats``)."""
        self.order = [
            s.title
            for s in sorted(self.sheets.values(), key=lambda s: s.properties.get("index", 0))
        ]
        """The tabs' titles in the order they will be in."""

    def needs_ledger_formats(self) -> bool:
        """Whether Riwayat's look changed since init last applied it: its dates are then read
        (``LEDGER_FIELDS``), as Google cannot format an appended tab's rows without knowing
        where they end (see ``values.appended``)."""
        key = meta.layout_key(c.RIWAYAT)
        return c.RIWAYAT in self.sheets and self.area.values.get(key) != _ledger_look()

    def ledger_formats(self, answer: dict[str, Any]) -> None:
        """What was read of Riwayat's first column (``LEDGER_FIELDS``)."""
        sheets = answer.get("sheets", [])
        self.ledger_rows = _rows(sheets[0]) if sheets else []

    # --- the whole ---------------------------------------------------------------------------

    def build(self) -> tuple[list[Request], list[str]]:
        self._spreadsheet_properties()
        self._rename_tabs()
        for tab in layout.TABS:
            sheet = self._tab(tab)
            headers: list[object] = []
            if tab.kind is layout.Kind.WORKER:
                self._worker_tab(sheet, tab)
            else:
                headers = self._table(sheet, tab)
            self._protect(sheet, tab, headers)
        self._ledger_formats()
        self._tab_order()
        self._remove_default_tabs()
        self._marker()
        return self.requests, self.done

    def _spreadsheet_properties(self) -> None:
        """The time zone of the calendar, and Indonesian as the locale Google reads typed
        dates through (``LOCALE``)."""
        changed: dict[str, str] = {}
        if self.time_zone != self.zone:
            changed["timeZone"] = self.zone
            self.done.append(f"set the time zone to {self.zone}")
        if not INDONESIAN.match(str(self.locale or "")):
            changed["locale"] = LOCALE
            self.done.append(
                f"set the locale to {LOCALE} (Indonesian, typed dates read day first)"
                + (f" from {self.locale}" if self.locale else "")
            )
        if changed:
            self.requests.append(
                {
                    "updateSpreadsheetProperties": {
                        "properties": changed,
                        "fields": ",".join(changed),
                    }
                }
            )

    # --- tabs ---------------------------------------------------------------------------------

    def _rename_tabs(self) -> None:
        for old, title in self.renamed.items():
            sheet = self.sheets[title]
            self.requests.append(
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": sheet.id, "title": title},
                        "fields": "title",
                    }
                }
            )
            self.done.append(f'renamed tab "{old}" to {title}')

    def _tab(self, tab: layout.Tab) -> Sheet:
        sheet = self.sheets.get(tab.title)
        if sheet is None:
            taken = {s.id for s in self.sheets.values()}
            sheet_id = _new_id(taken)
            position = layout.place_for(tab.title, self.order)
            self.order.insert(position, tab.title)
            props: dict[str, Any] = {
                "sheetId": sheet_id,
                "title": tab.title,
                "index": position,
                "hidden": tab.hidden,
                "gridProperties": {
                    "rowCount": NEW_GRID[0],
                    "columnCount": max(NEW_GRID[1], len(tab.all_widths())),
                    "frozenRowCount": tab.frozen_rows,
                },
            }
            if tab.kind is layout.Kind.WORKER:
                props["tabColorStyle"] = {"rgbColor": rgb("808080")}
            self.requests.append({"addSheet": {"properties": props}})
            sheet = self.sheets[tab.title] = Sheet(sheet_id, tab.title, props, new=True)
            self.done.append(f"created tab {tab.title}")
            return sheet
        grid = sheet.properties.get("gridProperties", {})
        changed: dict[str, Any] = {}
        if bool(sheet.properties.get("hidden")) != tab.hidden:
            changed["hidden"] = tab.hidden
            self.done.append(f"{'hid' if tab.hidden else 'showed'} tab {tab.title}")
        if grid.get("frozenRowCount", 0) != tab.frozen_rows:
            changed["gridProperties"] = {"frozenRowCount": tab.frozen_rows}
            self.done.append(f"froze the top {counted(tab.frozen_rows, 'row')} of {tab.title}")
        if changed:
            fields = ",".join(
                "gridProperties.frozenRowCount" if k == "gridProperties" else k for k in changed
            )
            self.requests.append(
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": sheet.id, **changed},
                        "fields": fields,
                    }
                }
            )
        return sheet

    def _hide(self, sheet: Sheet, indexes: Iterable[int], hidden: Iterable[int]) -> None:
        """Columns kept out of sight (``hidden``) and shown (the others of ``indexes``)."""
        hidden = set(hidden)
        for index in indexes:
            self._column(sheet, index, {"hiddenByUser": index in hidden})

    def _widths(self, sheet: Sheet, widths: Iterable[int], indexes: Iterable[int]) -> None:
        for width, index in zip(widths, indexes, strict=True):
            self._column(sheet, index, {"pixelSize": layout.pixels(width)})

    def _column(self, sheet: Sheet, index: int, properties: dict[str, Any]) -> None:
        self.requests.append(
            {
                "updateDimensionProperties": {
                    "range": {
                        "sheetId": sheet.id,
                        "dimension": "COLUMNS",
                        "startIndex": index,
                        "endIndex": index + 1,
                    },
                    "properties": properties,
                    "fields": ",".join(properties),
                }
            }
        )

    def _worker_tab(self, sheet: Sheet, tab: layout.Tab) -> None:
        """A new or emptied worker tab: init writes what depends on the catalog alone (SOP,
        its days off left to the cycle), and has the cycle write the rest. A change of
        content is the cycle's, which points the Langkah dropdowns anew when the steps move
        (or, ``meta.CHOICES`` blank, when the tab they pointed at was made anew). A change
        of the tab's look (widths, hidden columns, cell styles) has the cycle write it anew.
        """
        key = meta.digest_key(tab.title)
        look_key, look = meta.layout_key(tab.title), layout.look_digest(tab)
        restyled = self.area.values.get(look_key) != look
        if restyled:
            widths = tab.all_widths()
            self._widths(sheet, widths, range(len(widths)))
            self._hide(sheet, range(len(widths)), tab.hidden_columns)
            self.meta[look_key] = look
            if not sheet.new:
                self.meta[key] = ""
                if self.area.values.get(look_key):
                    self.done.append(f"updated the look of {tab.title}")
        blank = sheet.new or not sheet.header_cells or _plain(sheet.header_cells[0]) in (None, "")
        if not blank:
            return
        content = views.static_tabs(self.rules.catalog).get(tab.title)
        if content is not None:
            self.requests.extend(tab_requests(sheet.id, {tab.title: content.grid}))
            self.done.append(f"wrote tab {tab.title}")
            self.meta.setdefault(key, content.digest())
            if tab.title == views.SOP:  # dropdowns into a tab made anew point nowhere
                self.meta[meta.CHOICES] = ""
        elif self.area.values.get(key):
            self.meta[key] = ""

    # --- tables: headers, formats, dropdowns, colours, views -----------------------------

    def _table(self, sheet: Sheet, tab: layout.Tab) -> list[object]:
        """Headers (added, or their look repaired), formats, dropdowns, colours, views;
        returns the headers as they will be."""
        headers = sheet.headers
        places = places_for_headers(tab, headers, [[_plain(c) for c in r] for r in sheet.cells[1:]])
        added = [name for _, name in places]
        all_headers = layout.placed(headers, places)
        width = len(all_headers)
        have = sheet.properties.get("gridProperties", {}).get("columnCount", NEW_GRID[1])
        if width > have:
            self.requests.append(
                {
                    "appendDimension": {
                        "sheetId": sheet.id,
                        "dimension": "COLUMNS",
                        "length": width - have,
                    }
                }
            )
        for first, names in _runs(places):  # one request per run of neighbouring headers
            cells = [header_cell(tab.column(name)) for name in names]
            self.requests.append(update_cells(sheet.id, 0, first, [cells], HEADER_FIELDS))
        beyond = [(index, name) for index, name in places if index >= len(headers)]
        if beyond:
            self._widths(
                sheet,
                [tab.column(name).width for _, name in beyond],
                [index for index, _ in beyond],
            )
        if not sheet.new:
            self.done += layout.header_notes(tab, headers, places)
        cols = c.column_map(all_headers)
        repaired = []
        for col in tab.columns:
            index = cols[c.header_key(col.header)]
            if col.header in added or index >= len(sheet.header_cells):
                continue
            if not header_looks_right(sheet.header_cells[index], col):
                look = header_cell(col)
                del look["userEnteredValue"]
                self.requests.append(
                    update_cells(sheet.id, 0, index, [[look]], "userEnteredFormat,note")
                )
                repaired.append(col.header)
        if repaired:
            self.done.append(f"repaired the header format of {', '.join(repaired)} in {tab.title}")
        self._table_widths(sheet, tab, cols, added)
        if not tab.appended:
            self._formats_and_dropdowns(sheet, tab, all_headers, bool(added))
        if tab.status_colours:
            self._status_colours(sheet, cols, len(all_headers))
        if tab.filters:
            self._filter_views(sheet, cols)
        if tab.kind is layout.Kind.STATE:
            self._key_value_area(cols)
        return all_headers

    def _table_widths(
        self, sheet: Sheet, tab: layout.Tab, cols: dict[str, int], added: list[str]
    ) -> None:
        """The layout's widths on the columns whose width is still one sopsync gave
        (or Google's default): a column staff resized keeps their width."""
        key = meta.widths_key(tab.title)
        given = layout.given_widths(tab, self.area.values.get(key))
        for col in tab.columns:
            index = cols[c.header_key(col.header)]
            if col.header in added or index >= len(sheet.pixels):
                continue
            now = sheet.pixels[index]
            ours = now == DEFAULT_PIXELS or now == layout.pixels(given.get(col.header, -1))
            if ours and now != layout.pixels(col.width):
                self._widths(sheet, [col.width], [index])
        value = layout.widths_value(tab)
        if self.area.values.get(key) != value:
            self.meta[key] = value

    def _key_value_area(self, cols: dict[str, int]) -> None:
        """Where the key→value area is; what was read of it counts only if it is there."""
        key_col, value_col = (cols[c.header_key(name)] for name in c.META_COLUMNS)
        if (key_col, value_col) != (2, 3):  # read from C:D: not the area
            self.area = MetaArea()
        self.area = replace(self.area, columns=(key_col, value_col))

    def _formats_and_dropdowns(
        self, sheet: Sheet, tab: layout.Tab, headers: list[object], added: bool
    ) -> None:
        catalog = self.rules.catalog
        cols = c.column_map(headers)
        wanted = [
            (
                col.header,
                column_look(col),
                col.dropdown.values(catalog) if col.dropdown else None,
                col.dropdown.prompt if col.dropdown else None,
            )
            for col in tab.columns
        ]
        key, value = meta.layout_key(tab.title), meta.digest([wanted, headers])
        if self.area.values.get(key) == value and not added:
            return
        self.requests.extend(column_looks(sheet.id, tab, headers))
        for col in tab.columns:
            if col.dropdown is None:
                continue
            index = cols[c.header_key(col.header)]
            values = col.dropdown.values(catalog)
            self.requests.append(
                {
                    "setDataValidation": {
                        "range": columns(sheet.id, index, index + 1, start_row=1),
                        "rule": dropdown_rule(
                            {
                                "type": "ONE_OF_LIST",
                                "values": [{"userEnteredValue": v} for v in values],
                            },
                            col.dropdown.prompt,
                        ),
                    }
                }
            )
        self.meta[key] = value
        if tab.title == c.DOKUMEN and not sheet.new:
            # the column's list replaced each row's own Langkah list: the cycle points them anew
            self.meta[meta.CHOICES] = ""
        if not sheet.new and self.area.values.get(key):
            self.done.append(f"updated the cell formats and dropdowns of {tab.title}")

    def _status_colours(self, sheet: Sheet, cols: dict[str, int], width: int) -> None:
        letter = c.column_letter(cols[c.header_key(c.STATUS)])
        wanted = {f'=${letter}2="{status}"': status for status in c.STATUS_COLOURS}
        present: set[str] = set()
        stale: list[int] = []
        for index, rule in enumerate(sheet.conditional):
            formula = _formula(rule)
            match = _STATUS_RULE.match(formula)
            if formula in wanted and formula not in present:
                present.add(formula)
            elif match and match.group(2) in {s.value for s in c.STATUS_COLOURS}:
                stale.append(index)  # a duplicate, or one on a column Status left
        for index in sorted(stale, reverse=True):
            self.requests.append(
                {"deleteConditionalFormatRule": {"sheetId": sheet.id, "index": index}}
            )
        missing = [f for f in wanted if f not in present]
        for formula in missing:
            colour = c.STATUS_COLOURS[wanted[formula]]
            self.requests.append(
                {
                    "addConditionalFormatRule": {
                        "index": 0,
                        "rule": {
                            "ranges": [columns(sheet.id, 0, width, start_row=1)],
                            "booleanRule": {
                                "condition": {
                                    "type": "CUSTOM_FORMULA",
                                    "values": [{"userEnteredValue": formula}],
                                },
                                "format": {"backgroundColor": rgb(colour)},
                            },
                        },
                    }
                }
            )
        if (missing or stale) and not sheet.new:
            self.done.append(f"restored the status colours of {sheet.title}")

    def _filter_views(self, sheet: Sheet, cols: dict[str, int]) -> None:
        """A ready view per actor's queue, and of late/invalid and finished work.

        Views are found by title: staff's own views and ours that exist stay as they are.
        """
        existing = {v.get("title") for v in sheet.filter_views}
        width = max(cols.values()) + 1
        for view in layout.filter_views(self.rules.catalog):
            if view.title in existing:
                continue
            former = next((v for v in sheet.filter_views if v.get("title") in view.formerly), None)
            if former is not None:  # ours, under a title an earlier version gave it
                self.requests.append(
                    {
                        "updateFilterView": {
                            "filter": {"filterViewId": former["filterViewId"], "title": view.title},
                            "fields": "title",
                        }
                    }
                )
                self.done.append(f"renamed filter view {former.get('title')} to {view.title}")
                continue
            specs: list[dict[str, Any]] = [
                {"columnIndex": cols[c.header_key(name)], "filterCriteria": _equals(text)}
                for name, text in view.equals.items()
            ]
            specs += [
                {
                    "columnIndex": cols[c.header_key(name)],
                    "filterCriteria": _shows_role(cols[c.header_key(name)], role),
                }
                for name, role in view.role.items()
            ]
            specs += [
                {
                    "columnIndex": cols[c.header_key(name)],
                    "filterCriteria": {"hiddenValues": list(values)},
                }
                for name, values in view.hides.items()
            ]
            self.requests.append(
                {
                    "addFilterView": {
                        "filter": {
                            "title": view.title,
                            "range": columns(sheet.id, 0, width),
                            "filterSpecs": specs,
                            "sortSpecs": [
                                {
                                    "dimensionIndex": cols[c.header_key(view.sort_by)],
                                    "sortOrder": "ASCENDING",
                                }
                            ],
                        }
                    }
                }
            )
            self.done.append(f"added filter view {view.title}")

    # --- protections --------------------------------------------------------------------------

    def _protect(self, sheet: Sheet, tab: layout.Tab, headers: list[object]) -> None:
        """Each protected range once, on the right range, for the right editors.

        The worker's columns of a staff table only warn, whatever ``protection`` says: Sheets
        refuses a sort, or a row's deletion, that meets cells a person may not edit, and
        staff sort their tables and delete rows (DESIGN §2). A warning still stops an edit
        by accident, and the worker writes its columns anew.
        """
        restored, duplicates = [], 0
        for description, col in layout.protections(tab, headers):
            same = [p for p in sheet.protected if p.get("description") == description]
            good = next((p for p in same if self._right(p, sheet.id, col)), None)
            for other in same:
                if other is not good:
                    self.requests.append(
                        {"deleteProtectedRange": {"protectedRangeId": other["protectedRangeId"]}}
                    )
                    duplicates += 1
            if good is None:
                grid = columns(sheet.id, col, col + 1) if col is not None else {"sheetId": sheet.id}
                warns = self._warns(col)
                protected: dict[str, Any] = {
                    "description": description,
                    "warningOnly": warns,
                    "range": grid,
                }
                if not warns:
                    protected["editors"] = {"users": self.editors}
                self.requests.append({"addProtectedRange": {"protectedRange": protected}})
                restored.append(description.rsplit("(", 1)[-1].rstrip(")"))
        if restored and not sheet.new:
            self.done.append(f"protected {', '.join(restored)} in {tab.title}")
        if duplicates:
            self.done.append(f"removed {duplicates} wrong or duplicate protections of {tab.title}")

    def _warns(self, col: int | None) -> bool:
        """Whether the protection of a column (None: a whole tab) only warns."""
        return self.warning_only or col is not None

    def _right(self, protected: dict[str, Any], sheet_id: int, col: int | None) -> bool:
        grid = protected.get("range", {})
        if col is None:
            place = not any(k in grid for k in ("startColumnIndex", "startRowIndex"))
        else:
            place = (grid.get("startColumnIndex"), grid.get("endColumnIndex")) == (col, col + 1)
        warns = self._warns(col)
        if bool(protected.get("warningOnly")) != warns:
            return False
        if warns:
            return place
        users = set(protected.get("editors", {}).get("users", []))
        return place and users == set(self.editors)

    def _marker(self) -> None:
        """The write marker (one, on the state tab), replaced by any batch init sends.

        Like the cycle's writes, init's batch replaces the marker, so that it too is
        refused whole if it arrives late, after a later look at the sheet was acted on.
        """
        state = self.sheets[c.STATE]
        markers = [p for p in state.protected if p.get("description") == layout.TOKEN]
        known = self.area.values.get(meta.TOKEN, "")
        keep = next((p for p in markers if str(p["protectedRangeId"]) == known), None)
        keep = keep or (markers[0] if markers else None)
        for other in markers:
            if other is not keep:
                self.requests.append(
                    {"deleteProtectedRange": {"protectedRangeId": other["protectedRangeId"]}}
                )
        self._remember()
        current = keep is not None and known == str(keep["protectedRangeId"])
        if current and not self.requests and not self.meta:
            return
        if not self.done:
            self.done.append(f"brought the worker's notes in {c.STATE} up to date")
        token = new_token()
        self.requests.extend(
            marker_step(state.id, keep["protectedRangeId"] if keep else None, token)
        )
        self.meta[meta.TOKEN] = str(token)
        self.requests.extend(meta_requests(state.id, self.area, self.meta))

    # --- the rest -----------------------------------------------------------------------------

    def _tab_order(self) -> None:
        """The layout's tabs in its order, once per order of the layout (``layout.in_order``).

        Google counts a move's index before the move: only moves to an earlier place are
        sent, where that is the same as after it."""
        if self.area.values.get(meta.TAB_ORDER) == layout.TAB_ORDER:
            return
        wanted = layout.in_order(self.order)
        moved = False
        for position, title in enumerate(wanted):
            if self.order[position] != title:
                self.order.remove(title)
                self.order.insert(position, title)
                self.requests.append(
                    {
                        "updateSheetProperties": {
                            "properties": {"sheetId": self.sheets[title].id, "index": position},
                            "fields": "index",
                        }
                    }
                )
                moved = True
        if moved and not all(s.new for s in self.sheets.values() if s.title in layout.BY_TITLE):
            self.done.append(f"put the tabs in the order {', '.join(self.order)}")
        self.meta[meta.TAB_ORDER] = layout.TAB_ORDER

    def _ledger_formats(self) -> None:
        """Riwayat's rows as the layout shows them (``values.appended_look``), when read."""
        sheet = self.sheets[c.RIWAYAT]
        if sheet.new:
            self.meta[meta.layout_key(c.RIWAYAT)] = _ledger_look()
        if self.ledger_rows is None:
            return
        first = appended_look(layout.RIWAYAT.columns[0])
        wanted = (first["numberFormat"]["pattern"], first.get("horizontalAlignment"))
        found = [(row[0] if row else {}).get("userEnteredFormat", {}) for row in self.ledger_rows]
        count = len(found)
        if any((f.get("numberFormat", {}).get("pattern"), f.get("horizontalAlignment")) != wanted
               for f in found):  # fmt: skip
            for index, col in enumerate(layout.RIWAYAT.columns):
                look = appended_look(col)
                if not look:
                    continue
                grid = columns(sheet.id, index, index + 1, start_row=1)
                grid["endRowIndex"] = 1 + count
                self.requests.append(
                    {
                        "repeatCell": {
                            "range": grid,
                            "cell": {"userEnteredFormat": look},
                            "fields": look_fields(look),
                        }
                    }
                )
            self.done.append(f"repaired the cell formats of {counted(count, 'row')} of {c.RIWAYAT}")
        self.meta[meta.layout_key(c.RIWAYAT)] = _ledger_look()

    def _remove_default_tabs(self) -> None:
        """The empty tab a new spreadsheet starts with goes; never a tab with anything in it."""
        for sheet in list(self.sheets.values()):
            if sheet.new or not _removable_name(sheet.title):
                continue
            empty = not any(_plain(cell) not in (None, "") for row in sheet.cells for cell in row)
            if empty and not (sheet.conditional or sheet.protected or sheet.filter_views):
                self.requests.append({"deleteSheet": {"sheetId": sheet.id}})
                self.done.append(f"removed the empty tab {sheet.title}")

    def _remember(self) -> None:
        """What the cycle's read relies on: each tab's id, in the key→value area."""
        for tab in layout.TABS:
            key, value = meta.sheet_key(tab.title), str(self.sheets[tab.title].id)
            if self.area.values.get(key) != value:
                self.meta[key] = value


def _ledger_look() -> str:
    """Riwayat's look as init last applied it to the rows it has."""
    return meta.digest([appended_look(col) for col in layout.RIWAYAT.columns])


def _shifted(area: MetaArea, by: int) -> MetaArea:
    """A key→value area read from columns C:D, with its columns as the whole tab counts them."""
    cols = area.columns
    return replace(area, columns=(cols[0] + by, cols[1] + by) if cols else None)


def _formula(rule: dict[str, Any]) -> str:
    values = rule.get("booleanRule", {}).get("condition", {}).get("values", [{}])
    return str(values[0].get("userEnteredValue", "")) if values else ""


def _equals(text: str) -> dict[str, Any]:
    return {"condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": text}]}}


def _shows_role(column: int, role: str) -> dict[str, Any]:
    """The column shows ``role`` alone or followed by whoever holds it (``Camat — …``)."""
    cell = f"${c.column_letter(column)}2"
    pattern = "^" + re.escape(role).replace('"', '""') + "( — |$)"
    formula = f'=REGEXMATCH({cell}, "{pattern}")'
    return {"condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": formula}]}}


def _new_id(taken: set[int]) -> int:
    while True:
        candidate = secrets.randbelow(2**31 - 2) + 1
        if candidate not in taken:
            return candidate
