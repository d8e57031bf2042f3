"""What both backends offer the cycle and the modules to come (Pegawai, Kalender, Kinerja).

The admin tabs read whole in the cycle's one read, a Pesan written back to one of
their rows, the state tab's key→value area, Riwayat whole on request: the same
on a workbook and on Google.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from syncer import contract as c
from syncer.backends import Backend, CellWrite, Changes
from syncer.backends.google import GoogleBackend, SheetsTransport
from syncer.backends.xlsx import XlsxBackend
from syncer.cli import make_rules
from syncer.config import load_config
from syncer.cycle import run_cycle
from syncer.pacing import Pacer
from tests.sheets import OWNER

ZONE = ZoneInfo("Asia/Jakarta")


def backend_of(sheet) -> Backend:
    config = load_config(sheet.config)
    if sheet.kind == "xlsx":
        return XlsxBackend(config.xlsx.path, ZONE)
    transport = SheetsTransport(
        config.credentials_path(), endpoint=config.google.endpoint, pacer=Pacer(limit=10**6)
    )
    return GoogleBackend(config.google.spreadsheet or "", ZONE, transport)


def type_into(sheet, tab: str, rows: list[list[object]]) -> None:
    """An admin fills rows of an admin tab below its header."""
    if sheet.kind == "xlsx":
        book = load_workbook(sheet.path)
        for r, values in enumerate(rows, start=2):
            for col, value in enumerate(values, start=1):
                book[tab].cell(r, col).value = value
        book.save(sheet.path)
        return
    target = sheet.book.sheet(tab)
    for r, values in enumerate(rows, start=1):
        for col, value in enumerate(values):
            target.set_value(r, col, value)


def test_admin_tabs_come_whole_in_the_read_and_take_a_pesan(sheet):
    assert sheet.cli("init").code == 0
    type_into(
        sheet,
        "Pegawai",
        [
            ["Sekcam", "Budi Santoso", "198001012005011001", "budi@x.go.id", "+628123", "",
             datetime(2026, 1, 1)],
            ["Lurah", "Siti", "", "", "", "", "kemarin"],
        ],
    )  # fmt: skip
    made = backend_of(sheet)
    snapshot = made.read()
    pegawai = snapshot.tables["Pegawai"]
    assert pegawai.headers[:3] == ["Peran", "Nama", "NIP"]
    first, second = pegawai.rows
    assert first[:3] == ["Sekcam", "Budi Santoso", "198001012005011001"]
    assert first[6] == datetime(2026, 1, 1) and second[6] == "kemarin"
    assert snapshot.tables["Kalender"].rows == []
    changes = Changes(
        pesan={"Pegawai": {1: "Peran Lurah tidak dikenal. Mungkin maksudnya: Camat."}}
    )
    made.write(changes, snapshot.basis)
    rows = sheet.table("Pegawai")
    assert rows[1]["Pesan"].startswith("Peran Lurah tidak dikenal")
    assert rows[0]["Pesan"] is None and rows[1]["Nama"] == "Siti"


def test_the_key_value_area_is_read_and_upserted_in_the_cycles_read_and_write(sheet):
    assert sheet.cli("init").code == 0
    made = backend_of(sheet)
    snapshot = made.read()
    made.write(Changes(meta={"kinerja:diperbarui": "2026-11-30"}), snapshot.basis)
    again = made.read()
    assert again.meta["kinerja:diperbarui"] == "2026-11-30"
    made.write(Changes(meta={"kinerja:diperbarui": "2026-12-01"}), again.basis)
    third = made.read()
    assert third.meta["kinerja:diperbarui"] == "2026-12-01"
    keys = [r["Kunci"] for r in sheet.table(c.STATE) if r.get("Kunci")]
    assert keys.count("kinerja:diperbarui") == 1


def test_riwayat_comes_whole_only_when_asked(sheet):
    sheet.add_rows({"Prosedur": "rka", "Judul": "x", "Langkah": 2})
    assert sheet.sync("2026-11-30T08:00").code == 0
    made = backend_of(sheet)
    assert made.read().history is None
    history = made.read(full_history=True).history
    assert history is not None and len(history) == 1
    (entry,) = history
    assert (entry.id, entry.target, entry.when) == (
        "RKA-2026-0001",
        2,
        datetime(2026, 11, 30, 8, 0, tzinfo=ZONE),
    )


def test_a_worker_tab_emptied_by_hand_is_written_again(sheet):
    sheet.add_rows({"Prosedur": "rka", "Judul": "x"})
    assert sheet.sync("2026-11-30T08:00").code == 0
    if sheet.kind == "xlsx":
        book = load_workbook(sheet.path)
        book["Ringkasan"].delete_rows(1, book["Ringkasan"].max_row)
        book.save(sheet.path)
    else:  # the admin empties it (the tab is protected from staff)
        ringkasan = sheet.book.sheet("Ringkasan")
        ringkasan.delete_rows(0, len(ringkasan.rows), by=OWNER)
    assert backend_of(sheet).read().blank_tabs == {"Ringkasan"}
    assert sheet.sync("2026-11-30T08:05").code == 0
    assert sheet.grid("Ringkasan")[0][0] == "Ringkasan dokumen"


def test_a_late_rows_minutes_rewrite_its_pesan_alone(sheet):
    """In its first hour a late row's Pesan changes every minute; the rest of its row stays,
    and only that cell is written."""
    sheet.add_rows({"Prosedur": "rka", "Judul": "RKA", "Langkah": 2})  # 30 minutes
    rules = make_rules(load_config(sheet.config))
    start = datetime(2026, 11, 30, 8, 0, tzinfo=ZONE)
    run_cycle(backend_of(sheet), rules, start)
    late = run_cycle(backend_of(sheet), rules, start + timedelta(minutes=35))
    assert [w.column for w in late.changes.cells] == [c.STATUS, c.PESAN]
    report = run_cycle(backend_of(sheet), rules, start + timedelta(minutes=36))
    assert report.changes.cells == [CellWrite(0, c.PESAN, "Terlambat 6 menit.")]
    (row,) = sheet.table()
    assert (row["Status"], row["Pesan"]) == ("Terlambat", "Terlambat 6 menit.")
