"""The office's own tabs through the CLI on both backends: Pegawai (DESIGN §7) names who acts,
Kalender (§3) moves deadlines; a row the worker cannot use gets a Pesan and is ignored."""

from __future__ import annotations

from datetime import datetime

from syncer import contract as c
from syncer.kalender import KALENDER
from syncer.people import PEGAWAI
from tests.test_contract import doc, history, synced

CAMAT = {"Peran": "Camat", "Nama": "Drs. Ahmad Fauzi"}
PLH = {"Peran": "Camat", "Nama": "Siti Aminah", "Jenis": "Plh."}


def pesan(sheet, tab: str) -> list[object]:
    return [row.get(c.PESAN) for row in sheet.table(tab)]


def test_pelaksana_names_the_holder_then_the_stand_in_on_its_dates(sheet):
    sheet.add_rows(CAMAT, {**PLH, "Mulai": "01/12/2026", "Sampai": "04/12/2026"}, tab=PEGAWAI)
    sheet.add_rows({"Prosedur": "rka", "Judul": "RKA 2027"})  # step 1: the Camat's order
    synced(sheet, "2026-11-30T08:00")
    assert doc(sheet, "RKA 2027")["Pelaksana"] == "Camat — Drs. Ahmad Fauzi"
    before = sheet.fingerprint()
    synced(sheet, "2026-11-30T08:00")
    assert sheet.fingerprint() == before  # nothing changed: nothing written

    synced(sheet, "2026-12-01T08:00")
    row = doc(sheet, "RKA 2027")
    assert row["Pelaksana"] == "Camat — Plh. Siti Aminah"
    assert pesan(sheet, PEGAWAI) == [None, None]
    # Riwayat keeps the name of the day the document arrived at the step.
    [start] = history(sheet, row["ID"])
    assert start["Pelaksana"] == "Camat — Drs. Ahmad Fauzi"

    sheet.set(sheet.row_of(row["ID"]), "Langkah", 2)  # moved on while the Plh. signs
    sheet.add_rows({"Peran": "Sekcam", "Nama": "Budi Santoso"}, tab=PEGAWAI)
    synced(sheet, "2026-12-02T08:00")
    assert doc(sheet, "RKA 2027")["Pelaksana"] == "Sekcam — Budi Santoso"
    moved = history(sheet, row["ID"])[-1]
    assert (moved["Ke"], moved["Pelaksana"]) == (2, "Sekcam — Budi Santoso")


def test_a_role_held_by_several_people_names_them_all(sheet):
    sheet.add_rows({"Peran": "Staf", "Nama": "Ani"}, {"Peran": "staf", "Nama": "Budi"}, tab=PEGAWAI)
    sheet.add_rows({"Prosedur": "renstra", "Judul": "Renstra"})  # step 1: Staf
    synced(sheet, "2026-11-30T08:00")
    assert doc(sheet, "Renstra")["Pelaksana"] == "Staf — Ani, Budi"


def test_a_pegawai_row_the_worker_cannot_use_says_why_and_recovers(sheet):
    sheet.add_rows(
        {"Peran": "Sekcm", "Nama": "Budi Santoso"},
        {"Peran": "Camat", "Nama": "Ahmad", "Mulai": "31/02/2026"},
        tab=PEGAWAI,
    )
    sheet.add_rows({"Prosedur": "rka", "Judul": "RKA", "Langkah": 2})  # Sekcam
    synced(sheet, "2026-11-30T08:00")
    sekcm, camat = pesan(sheet, PEGAWAI)
    assert 'Peran "Sekcm" tidak dikenal. Mungkin yang dimaksud: Sekcam' in str(sekcm)
    assert str(sekcm).endswith("Baris ini diabaikan.")
    assert 'Mulai "31/02/2026" tidak ada.' in str(camat)
    assert doc(sheet, "RKA")["Pelaksana"] == "Sekcam"  # the bad row is ignored

    sheet.set(2, "Peran", "Sekcam", tab=PEGAWAI)
    synced(sheet, "2026-11-30T09:00")
    assert pesan(sheet, PEGAWAI)[0] is None  # the Pesan is cleared
    assert doc(sheet, "RKA")["Pelaksana"] == "Sekcam — Budi Santoso"


def test_pegawai_offers_the_catalogs_roles_and_the_kinds_of_stand_in(sheet):
    assert sheet.cli("init").code == 0
    roles = ["Kasubag Evapor", "Staf", "Tim", "Sekcam", "Camat", "Kasubag Umum", "Kasi"]
    assert sheet.dropdown(PEGAWAI, "Peran") == (roles, False)  # a typo gets a Pesan instead
    assert sheet.dropdown(PEGAWAI, "Jenis", row=40) == (["Plh.", "Plt."], False)
    assert sheet.dropdown(PEGAWAI, "Nama") == ([], False)


def test_an_office_holiday_moves_the_deadlines_that_cross_it_from_the_next_cycle(sheet):
    # rka step 3 (Tim, 1 hari) begun Monday 10:00 is due Tuesday 10:00 ...
    sheet.add_rows({"Prosedur": "rka", "Judul": "RKA", "Langkah": 3})
    synced(sheet, "2026-11-30T10:00")
    row = doc(sheet, "RKA")
    assert row["Tenggat"] == datetime(2026, 12, 1, 10, 0)
    # ... until the admin enters the kabupaten's anniversary on Tuesday.
    sheet.add_rows(
        {"Tanggal": "01/12/2026", "Jenis": "Libur", "Keterangan": "HUT Kabupaten"}, tab=KALENDER
    )
    synced(sheet, "2026-11-30T11:00")
    assert doc(sheet, "RKA")["Tenggat"] == datetime(2026, 12, 2, 10, 0)
    assert pesan(sheet, KALENDER) == [None]
    # Riwayat keeps what was due when the document arrived at the step.
    [start] = history(sheet, row["ID"])
    assert start["Tenggat"] == datetime(2026, 12, 1, 10, 0)


def test_a_cancelled_cuti_bersama_counts_as_a_working_day(sheet):
    """§3's example: begun Wed 2026-12-23 10:00, 1 hari -> Mon 28 Dec (24 Dec cuti bersama)."""
    sheet.add_rows({"Prosedur": "rka", "Judul": "RKA", "Langkah": 3})
    synced(sheet, "2026-12-23T10:00")
    assert doc(sheet, "RKA")["Tenggat"] == datetime(2026, 12, 28, 10, 0)
    sheet.add_rows({"Tanggal": "24/12/2026", "Jenis": "masuk"}, tab=KALENDER)
    synced(sheet, "2026-12-23T10:05")
    assert doc(sheet, "RKA")["Tenggat"] == datetime(2026, 12, 24, 10, 0)


def test_a_kalender_row_the_worker_cannot_use_says_why_and_is_ignored(sheet):
    sheet.add_rows({"Prosedur": "rka", "Judul": "RKA", "Langkah": 3})
    sheet.add_rows(
        {"Tanggal": "31/02/2026", "Jenis": "Libur"},
        {"Tanggal": "01/12/2026", "Jenis": "Cuti"},
        {"Tanggal": "02/12/2026", "Jenis": "Libur", "Keterangan": "Rapat kerja daerah"},
        tab=KALENDER,
    )
    synced(sheet, "2026-11-30T10:00")
    bad_date, bad_kind, good = pesan(sheet, KALENDER)
    assert 'Tanggal "31/02/2026" tidak ada.' in str(bad_date)
    assert 'Jenis "Cuti" tidak dikenal. Isi Libur' in str(bad_kind)
    assert good is None
    # Only the good row counts: Tuesday works, Wednesday does not.
    assert doc(sheet, "RKA")["Tenggat"] == datetime(2026, 12, 1, 10, 0)
    before = sheet.fingerprint()
    synced(sheet, "2026-11-30T10:00")
    assert sheet.fingerprint() == before
