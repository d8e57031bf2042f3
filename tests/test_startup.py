"""What a `sopsync sync` from cron loads (issue 19): its own backend's libraries, no others.

A cron sync is a fresh process whose start-up costs more than its cycle of a small
office. A workbook office has no use for Google's libraries (google-auth, requests and
what they bring), nor for openpyxl once ``init`` has laid the workbook out (its cycle
reads and writes the workbook's parts itself); a Google sheet none for openpyxl; a cycle
none for the PDF library. The calendar needs Indonesia's holidays, not the 250 countries
of the ``holidays`` package; and once a sync has kept the SOP catalog it validated and
the days off the package listed, the next one neither reads the SOP files' YAML again
nor imports the package (``syncer.kept``). Each sync here runs
as cron runs it, the console script's ``main`` in a process of its own, which then lists
the modules it had imported. (What it costs is measured by ``python -m bench.startup``.)
"""

from __future__ import annotations

import subprocess
import sys

MON = "2026-11-30T09:00"

SCRIPT = """\
import sys
from syncer.console import main
code = main()
print(" ".join(sorted(sys.modules)))
sys.exit(code)
"""

NOT_FOR = {
    # A workbook's cycle reads and writes the parts it needs itself: openpyxl is for init
    # and a workbook saved whole.
    "xlsx": ("google", "gspread", "requests", "urllib3", "cryptography", "openpyxl"),
    "google": ("openpyxl",),
}


def cron_sync(config: object) -> set[str]:
    """The modules a `sopsync sync --config F` process imported."""
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, "sync", "--config", str(config), "--now", MON],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.splitlines()[-1].split())


def packages(modules: set[str], *names: str) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in names)


def test_a_cron_sync_loads_its_own_backend_only(sheet):
    sheet.add_rows(
        {"Prosedur": "rka", "Judul": "RKA 2027"},
        {"Prosedur": "renstra", "Judul": "Renstra 2026-2031", "Langkah": 2},
    )
    assert sheet.sync(MON).code == 0
    assert sheet.sync(MON).code == 0  # reads back the SOP versions the first one kept
    sheet.set(3, "Langkah", 3)

    modules = cron_sync(sheet.config)

    assert packages(modules, *NOT_FOR[sheet.kind]) == []
    assert packages(modules, "reportlab") == []
    assert packages(modules, "yaml") == []  # the catalog the first sync kept
    assert packages(modules, "holidays") == []  # the days off the first sync kept
    # the configuration and the SOP versions the first sync validated are kept too: pydantic
    # builds no validator (its plugins are looked for only when it builds one)
    assert "pydantic.plugin._loader" not in modules
    assert not modules & {"syncer.migration", "syncer.notices.documents"}  # none asked for
    assert "syncer.worker" not in modules  # a sync is not the run loop
    # the Kinerja tab was made by the day's first sync: its figures are not needed again
    assert not modules & {"syncer.monitoring.kinerja", "syncer.monitoring.measures"}
    assert sheet.table()[1]["Langkah"] == 3  # the cycle did its work


def test_a_first_cron_sync_lists_indonesias_holidays_alone(sheet):
    sheet.add_rows({"Prosedur": "rka", "Judul": "RKA 2027"})
    modules = cron_sync(sheet.config)  # nothing kept yet: the package is asked
    countries = [m for m in modules if m.startswith("holidays.countries.")]
    assert countries == ["holidays.countries.indonesia"]


def test_the_holidays_package_stays_whole_for_whoever_imports_it_after_the_calendar():
    """The calendar imports Indonesia's module alone; ``holidays.countries`` is still all
    there for code of the same process that asks for it afterwards."""
    script = """\
from datetime import date
from syncer.calendar import WorkingCalendar
christmas = WorkingCalendar().days_off(date(2026, 12, 25), 1)[0].name
import holidays.countries
from holidays.countries import Japan
print(christmas, "|", holidays.countries.Indonesia is holidays.countries.indonesia.Indonesia,
      "|", date(2026, 1, 1) in Japan(years=2026))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("|") == ["Hari Raya Natal ", " True ", " True\n"]
