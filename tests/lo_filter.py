"""Apply a filter in LibreOffice Calc, as staff would from a column's filter button.

A LibreOffice Python macro: ``tests/libreoffice.py`` puts it in a new profile's
``user/Scripts/python`` and starts ``soffice`` with its ``run`` as the document to open,
so that the office runs it once it is ready (nothing waits for the office to start).
The jobs are read from the JSON file named by ``SOPSYNC_LO_JOBS``, a list of
``{"path", "tab", "header", "value", "save_as"?}``; the answers are written to the file
named by ``SOPSYNC_LO_ANSWERS``: ``{"answers": [...]}``, each
``{"area": [first column, first row, last column, last row], "visible": [row, ...]}``
(0-based area of the tab's AutoFilter; 1-based sheet rows below the header left visible),
or ``{"error": traceback}``. The office is closed when the jobs are done.

The filter is set on the tab's own AutoFilter (the sheet's unnamed database range), the
one the filter buttons act on: whatever rows that range leaves out stay visible.
"""

import json
import os
import traceback

import uno
from com.sun.star.beans import PropertyValue


def _property(name, value):
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _filter(desktop, job):
    url = uno.systemPathToFileUrl(os.path.abspath(job["path"]))
    doc = desktop.loadComponentFromURL(url, "_blank", 0, (_property("Hidden", True),))
    try:
        sheets = doc.Sheets
        index = list(sheets.ElementNames).index(job["tab"])
        sheet = sheets.getByIndex(index)
        unnamed = doc.getPropertyValue("UnnamedDatabaseRanges")
        if not unnamed.hasByTable(index):
            return {"area": None, "visible": None}
        ranges = unnamed.getByTable(index)
        area = ranges.DataArea
        cursor = sheet.createCursor()
        cursor.gotoEndOfUsedArea(False)
        last_row, last_col = cursor.RangeAddress.EndRow, cursor.RangeAddress.EndColumn
        headers = [sheet.getCellByPosition(col, 0).String for col in range(last_col + 1)]
        field = uno.createUnoStruct("com.sun.star.sheet.TableFilterField")
        field.Field = headers.index(job["header"]) - area.StartColumn
        field.Operator = uno.Enum("com.sun.star.sheet.FilterOperator", "EQUAL")
        field.IsNumeric = False
        field.StringValue = job["value"]
        descriptor = ranges.getFilterDescriptor()
        descriptor.ContainsHeader = True
        descriptor.FilterFields = (field,)
        ranges.refresh()
        rows = sheet.Rows
        visible = [r + 1 for r in range(1, last_row + 1) if rows.getByIndex(r).IsVisible]
        if job.get("save_as"):
            target = uno.systemPathToFileUrl(os.path.abspath(job["save_as"]))
            doc.storeToURL(target, (_property("FilterName", "Calc MS Excel 2007 XML"),))
        return {
            "area": [area.StartColumn, area.StartRow, area.EndColumn, area.EndRow],
            "visible": visible,
        }
    finally:
        doc.close(True)


def run(*_args):
    """The macro: every job, its answers written, then the office closed."""
    desktop = XSCRIPTCONTEXT.getDesktop()  # noqa: F821 - given to macros by LibreOffice
    try:
        with open(os.environ["SOPSYNC_LO_JOBS"], encoding="utf-8") as jobs:
            result = {"answers": [_filter(desktop, job) for job in json.load(jobs)]}
    except Exception:  # noqa: BLE001 - told to the test, which fails with it
        result = {"error": traceback.format_exc()}
    try:
        with open(os.environ["SOPSYNC_LO_ANSWERS"], "w", encoding="utf-8") as answers:
            json.dump(result, answers)
    finally:
        desktop.terminate()


g_exportedScripts = (run,)
