"""The working calendar (DESIGN.md §3) through the CLI, on both backends.

Staff add a row at a step whose Waktu is ``1 hari``, ``2 jam``, ``30 menit`` or ``15 menit``
(steps of the seed catalog); ``sopsync sync --now`` is the cycle that first sees it, so its
``now`` is Mulai. Every Tenggat below is §3's own worked example or worked out by hand (the
dates of Ramadan 1447 and 1448 and the days off around them: see ``tests/test_hours.py``).
"""

from __future__ import annotations

from datetime import datetime

from sop_models import load_catalog
from syncer import contract as c
from tests.test_contract import doc, history, synced

CATALOG = load_catalog()


def step_with(waktu: str) -> tuple[str, int]:
    """The first step of the catalog whose Waktu is ``waktu``: (code, number)."""
    return next(
        (proc.code, step.number)
        for proc in CATALOG
        for step in proc.steps
        if str(step.duration) == waktu
    )


def start(sheet, judul: str, waktu: str) -> None:
    """Staff add a document at a step with that Waktu; the next sync starts it."""
    code, number = step_with(waktu)
    sheet.add_rows({"Prosedur": code, "Judul": judul, "Langkah": number})


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_the_worked_examples_of_section_3(sheet):
    examples = {  # judul: (Waktu, begun, due)
        "Jumat sore, 1 hari": ("1 hari", "2026-11-27 16:20", "2026-11-30 16:00"),
        "Jumat sore, 15 menit": ("15 menit", "2026-11-27 16:20", "2026-11-30 07:35"),
        "Sabtu, 1 hari": ("1 hari", "2026-11-28 09:00", "2026-12-01 07:30"),
        "Senin sebelum istirahat, 30 menit": ("30 menit", "2026-11-30 11:50", "2026-11-30 13:20"),
        "Senin sore, 2 jam": ("2 jam", "2026-11-30 15:30", "2026-12-01 09:00"),
        "Sebelum Natal, 1 hari": ("1 hari", "2026-12-23 10:00", "2026-12-28 10:00"),
    }
    seen: dict[str, object] = {}
    for begun in sorted({begun for _, begun, _ in examples.values()}):
        for judul, (waktu, when, _) in examples.items():
            if when == begun:
                start(sheet, judul, waktu)
        synced(sheet, begun.replace(" ", "T"))
        for judul, (_, when, _) in examples.items():
            if when == begun:
                seen[judul] = doc(sheet, judul)["Tenggat"]
    for judul, (_, begun, due) in examples.items():
        row = doc(sheet, judul)
        assert (row["Mulai"], row["Tenggat"]) == (at(begun), at(due)), judul
        assert seen[judul] == at(due), judul  # as computed the moment it began
        [started] = history(sheet, row["ID"])
        assert started["Tenggat"] == at(due)


def test_a_1_hari_whose_clock_time_falls_in_a_break_is_due_at_the_breaks_start(sheet):
    """§3: Thursday 11.45 + 1 hari: Friday's break is 11.30-13.00, so Friday 11.30."""
    start(sheet, "Kamis 11.45", "1 hari")
    synced(sheet, "2026-12-03T11:45")
    assert doc(sheet, "Kamis 11.45")["Tenggat"] == at("2026-12-04 11:30")


def test_ramadan_hours_count_without_any_configuration(sheet):
    """The last working afternoon before Ramadan (Friday 13 February 2026, Thursday 4 February
    2027): a ``2 jam`` step runs into 1 Ramadan (opening 08.00), a ``1 hari`` one ends on it
    (closing 15.00). A later cycle inside Ramadan computes the same Tenggat."""
    cases = {
        "2026": ("2026-02-13T15:30", "2026-02-18 09:00", "2026-02-18 15:00", "2026-02-18T08:50"),
        "2027": ("2027-02-04T15:30", "2027-02-08 09:30", "2027-02-08 15:00", "2027-02-08T09:20"),
    }
    for year, (begun, two_hours, one_day, later) in cases.items():
        start(sheet, f"2 jam {year}", "2 jam")
        start(sheet, f"1 hari {year}", "1 hari")
        synced(sheet, begun)
        assert doc(sheet, f"2 jam {year}")["Tenggat"] == at(two_hours)
        assert doc(sheet, f"1 hari {year}")["Tenggat"] == at(one_day)
        synced(sheet, later)
        row = doc(sheet, f"2 jam {year}")
        assert (row["Tenggat"], row["Status"]) == (at(two_hours), "Hampir tenggat")
        assert doc(sheet, f"1 hari {year}")["Tenggat"] == at(one_day)


def test_a_ramadan_day_late_is_one_day_late(sheet):
    """A working day in Ramadan is 6.5 hours: a document one of them late says 1 hari (the
    7.5-hour average of the usual week would make it 6 jam)."""
    start(sheet, "Ramadan", "1 hari")
    synced(sheet, "2026-02-23T10:00")
    assert doc(sheet, "Ramadan")["Tenggat"] == at("2026-02-24 10:00")
    synced(sheet, "2026-02-25T10:00")
    row = doc(sheet, "Ramadan")
    assert (row["Status"], row["Pesan"]) == ("Terlambat", "Terlambat 1 hari.")
    synced(sheet, "2026-02-25T13:00")  # and 10.00-12.00, 12.30-13.00 more
    assert doc(sheet, "Ramadan")["Pesan"] == "Terlambat 1 hari 2 jam."


WITA = '\n[calendar]\nzone = "Asia/Makassar"\n'
_LATER_OPENING = """
[[calendar.spans]]
from = {first}
until = {last}
[calendar.spans.periods]
monday = ["08:30-12:00", "13:00-16:00"]
tuesday = ["08:30-12:00", "13:00-16:00"]
wednesday = ["08:30-12:00", "13:00-16:00"]
thursday = ["08:30-12:00", "13:00-16:00"]
friday = ["08:30-11:30", "13:00-16:30"]
"""


def later_opening(first: str, last: str) -> str:
    """A span of the configuration: the office opens at 08.30 instead of 07.30 on its days."""
    return _LATER_OPENING.format(first=first, last=last)


def test_a_deadline_is_the_same_before_during_and_after_a_change_of_hours(sheet):
    """§3's promise: the hours change on Tuesday 1 December (opening 08.30) and back on Monday
    7 December. A ``2 jam`` step begun on Monday at 15.30 counts 30 minutes that day and 90 on
    Tuesday from 08.30: 10.00, whether computed before, during or after the change."""
    sheet.config.write_text(
        sheet.config.read_text() + WITA + later_opening("2026-12-01", "2026-12-04")
    )
    start(sheet, "dua jam", "2 jam")
    for now in ("2026-11-30T15:30", "2026-12-01T09:00", "2026-12-07T09:00"):
        synced(sheet, now)
        assert doc(sheet, "dua jam")["Tenggat"] == at("2026-12-01 10:00"), now
    [started] = history(sheet, doc(sheet, "dua jam")["ID"])
    assert started["Tenggat"] == at("2026-12-01 10:00")


def test_hours_configured_after_a_step_began_give_the_deadline_those_hours_give(sheet):
    """The issue's WITA row: its Tenggat jumped from 09.00 to 10.00 when the week was replaced.

    A Tenggat is a function of Mulai, Waktu and the configured hours, never of the moment it
    is computed. So hours given for days after the deadline leave it where it was; hours
    given for days the step still counts move it to where those hours put it, the Tenggat
    of the test above, computed there before the change; Riwayat keeps what was due."""
    sheet.config.write_text(sheet.config.read_text() + WITA)
    start(sheet, "dua jam", "2 jam")
    synced(sheet, "2026-11-30T15:30")
    assert doc(sheet, "dua jam")["Tenggat"] == at("2026-12-01 09:00")
    configured = sheet.config.read_text()

    sheet.config.write_text(configured + later_opening("2026-12-07", "2027-06-30"))
    synced(sheet, "2026-11-30T16:30")
    assert doc(sheet, "dua jam")["Tenggat"] == at("2026-12-01 09:00")

    sheet.config.write_text(configured + later_opening("2026-12-01", "2026-12-04"))
    synced(sheet, "2026-11-30T16:35")
    row = doc(sheet, "dua jam")
    assert (row["Mulai"], row["Tenggat"]) == (at("2026-11-30 15:30"), at("2026-12-01 10:00"))
    [started] = history(sheet, row["ID"])
    assert started["Tenggat"] == at("2026-12-01 09:00")
    assert [r for r in sheet.table(c.RIWAYAT) if r["ID"]] == [started]  # no move was logged
