"""Apply a filter in LibreOffice Calc, as staff would from a column's filter button.

Run by a Python that has LibreOffice's bridge (``import uno``), not by the test's own:
``python3 lo_filter.py`` with a JSON list of jobs on stdin, each
``{"path", "tab", "header", "value", "save_as"?}``; prints a JSON list of answers, each
``{"area": [first column, first row, last column, last row], "visible": [row, ...]}``
(0-based area of the tab's AutoFilter; 1-based sheet rows below the header left visible).

The filter is set on the tab's own AutoFilter (the sheet's unnamed database range), the
one the filter buttons act on: whatever rows that range leaves out stay visible.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

START_SECONDS = 60


def _property(name, value):
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _desktop(profile, pipe):
    """The started office's desktop; LibreOffice opens its pipe when it is ready."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)


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


def main():
    jobs = json.load(sys.stdin)
    profile = tempfile.mkdtemp(prefix="sopsync-lo-")
    pipe = f"sopsync{os.getpid()}"
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"-env:UserInstallation={uno.systemPathToFileUrl(profile)}",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        desktop = _desktop(profile, pipe)
        try:
            print(json.dumps([_filter(desktop, job) for job in jobs]))
        finally:
            with contextlib.suppress(Exception):  # the office may end before it answers
                desktop.terminate()
        office.wait(timeout=30)
    finally:
        if office.poll() is None:
            office.kill()
            office.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
