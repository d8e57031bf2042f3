"""The sheet contract (DESIGN §2, §5, §6) end to end through the CLI, on every backend.

Each test acts as staff and admins would: edit cells, sort, run `sopsync sync`,
and read what the sheet shows.
"""

from __future__ import annotations

import random
from datetime import datetime

import pytest

from syncer import contract as c
from syncer import layout
from tests.sheets import XlsxSheet

MON_0800 = "2026-11-30T08:00"


def synced(sheet, now: str, *extra: str):
    result = sheet.sync(now, *extra)
    assert result.code == 0, result.err + result.out
    return result


def doc(sheet, judul: str) -> dict:
    rows = [r for r in sheet.table() if r.get("Judul") == judul]
    assert len(rows) == 1, f"{judul}: {rows}"
    return rows[0]


def history(sheet, doc_id: str) -> list[dict]:
    return [r for r in sheet.table(c.RIWAYAT) if r["ID"] == doc_id]


def moves(sheet, doc_id: str) -> list[tuple]:
    return [
        (r["Dari"], r["Ke"])
        for r in history(sheet, doc_id)
        if not str(r["Keterangan"]).startswith("ditolak")
    ]


def one_record_each(sheet) -> list[str]:
    """The worker's state tab: exactly one record per document, however often it changed."""
    ids = [r["ID"] for r in sheet.table(c.STATE) if r["ID"]]
    assert len(ids) == len(set(ids)), ids
    return ids


def test_init_creates_the_tabs_and_columns(sheet):
    result = sheet.cli("init")
    assert result.code == 0, result.err
    assert sheet.tabs() == [tab.title for tab in layout.TABS]
    assert sheet.headers()[:11] == [*c.STAFF_COLUMNS, *c.WORKER_COLUMNS]
    assert sheet.headers(c.RIWAYAT)[:8] == list(c.RIWAYAT_COLUMNS)
    assert sheet.headers("Pegawai") == [
        "Peran", "Nama", "NIP", "Email", "WhatsApp", "Telegram", "Mulai", "Sampai", "Jenis",
        "Pesan",
    ]  # fmt: skip
    assert sheet.headers("Kalender") == ["Tanggal", "Jenis", "Keterangan", "Pesan"]
    again = sheet.cli("init")
    assert again.code == 0 and "already up to date" in again.out


def test_langkah_is_a_text_column_so_what_staff_type_stays_text(sheet):
    """A date typed into Langkah stays text on both backends, and gets the same answer."""
    sheet.add_rows({"Prosedur": "rka", "Judul": "x"})
    synced(sheet, MON_0800)
    assert sheet.cell_format(5, "Langkah") == "@"
    assert sheet.cell_format(5, "NIP", "Pegawai") == "@"
    sheet.set(2, "Langkah", "1/12/2026")
    synced(sheet, "2026-11-30T09:00")
    row = doc(sheet, "x")
    assert row["Status"] == "Tidak valid"
    assert row["Pesan"].startswith('Langkah "1/12/2026" tidak dikenali.')


def test_a_sheet_from_before_the_admin_tabs_and_the_cache_is_upgraded_by_sync(sheet):
    sheet.add_rows(
        {"Prosedur": "rka", "Judul": "a", "Langkah": 2}, {"Prosedur": "iku", "Judul": "b"}
    )
    synced(sheet, MON_0800)
    sheet.make_old()
    sheet.set(2, "Langkah", 3)
    result = synced(sheet, "2026-11-30T09:00")
    assert "created tab Pegawai" in result.out
    assert {"Pegawai", "Kalender"} <= set(sheet.tabs())
    assert moves(sheet, "RKA-2026-0001") == [(None, 2), (2, 3)]
    assert len(sheet.table(c.RIWAYAT)) == 3 and len(one_record_each(sheet)) == 2
    assert synced(sheet, "2026-11-30T09:00").out.count("Nothing changed") == 1


@pytest.mark.parametrize("how", ["deleted", "damaged"])
def test_a_lost_record_is_rebuilt_from_riwayat_and_the_others_left_alone(sheet, how):
    sheet.add_rows(
        {"Prosedur": "rka", "Judul": "a", "Langkah": 3},
        {"Prosedur": "iku", "Judul": "b", "Langkah": 2},
        {"Prosedur": "lakip", "Judul": "c"},
    )
    synced(sheet, MON_0800)
    sheet.set(2, "Langkah", 4)
    synced(sheet, "2026-11-30T09:00")
    before = {r["ID"]: (r["Mulai"], r["Pelaksana"]) for r in sheet.table()}
    records = {r["ID"]: r["Rekaman"] for r in sheet.table(c.STATE) if r["ID"]}
    sheet.lose_record("RKA-2026-0001", how)
    result = synced(sheet, "2026-11-30T10:00")
    assert {r["ID"]: (r["Mulai"], r["Pelaksana"]) for r in sheet.table()} == before
    assert moves(sheet, "RKA-2026-0001") == [(None, 3), (3, 4)]  # no second start
    assert len(sheet.table(c.RIWAYAT)) == 4
    after = {r["ID"]: r["Rekaman"] for r in sheet.table(c.STATE) if r["ID"]}
    assert sorted(one_record_each(sheet)) == sorted(records)
    others = {k: v for k, v in records.items() if k != "RKA-2026-0001"}
    assert {k: after[k] for k in others} == others  # the rest left as they were
    assert "Tidak valid 0" in result.out
    sheet.set(2, "Langkah", 5)  # and it moves on from its rebuilt record
    synced(sheet, "2026-11-30T11:00")
    assert moves(sheet, "RKA-2026-0001") == [(None, 3), (3, 4), (4, 5)]
    assert synced(sheet, "2026-11-30T11:00").out.count("Nothing changed") == 1


def test_a_record_is_rebuilt_from_a_riwayat_sorted_newest_first(sheet):
    """The admin sorts Riwayat by Waktu, newest first (staff may not: the ledger is
    protected); then a record is lost: the rebuilt one is where the document last went, not
    where it started."""
    sheet.add_rows({"Prosedur": "rka", "Judul": "a", "Langkah": 1})
    synced(sheet, MON_0800)
    sheet.set(2, "Langkah", 2)
    synced(sheet, "2026-11-30T09:00")
    sheet.sort("Waktu", tab=c.RIWAYAT, reverse=True, admin=True)
    assert [r["Ke"] for r in sheet.table(c.RIWAYAT)] == [2, 1]
    before = sheet.table()[0]
    sheet.lose_record("RKA-2026-0001", "damaged")
    synced(sheet, "2026-11-30T10:00")
    assert sorted(moves(sheet, "RKA-2026-0001"), key=str) == [(1, 2), (None, 1)]  # no move twice
    assert sheet.table()[0]["Mulai"] == before["Mulai"]  # since 09:00, when it came to step 2


@pytest.mark.parametrize(("tab", "column", "typed"), [(c.STATE, 1, ""), (c.RIWAYAT, 4, "Tujuan")])
def test_a_header_of_the_workers_own_columns_goes_back_to_its_place(sheet, tab, column, typed):
    """The worker writes a record (ID, Rekaman) and a Riwayat row at their columns' places:
    a header an admin cleared or renamed there is put back there, not in a new column."""
    sheet.add_rows({"Prosedur": "rka", "Judul": "a", "Langkah": 1})
    synced(sheet, MON_0800)
    header = sheet.headers(tab)[column]
    assert header in c.STATE_COLUMNS + c.RIWAYAT_COLUMNS
    if sheet.kind == "xlsx":
        sheet._edit(lambda ws: setattr(ws.cell(1, column + 1), "value", typed), tab)
    else:
        sheet._sheet(tab).set_value(0, column, typed)
    if tab == c.RIWAYAT:  # Riwayat is read whole to rebuild a lost record
        sheet.lose_record("RKA-2026-0001", "damaged")
    result = synced(sheet, "2026-11-30T09:00")
    assert f"restored the header {header} of {tab}" in result.out
    assert synced(sheet, "2026-11-30T09:00").out.count("Nothing changed") == 1
    sheet.set(2, "Langkah", 2)
    synced(sheet, "2026-11-30T10:00")
    assert moves(sheet, "RKA-2026-0001") == [(None, 1), (1, 2)]  # not started again
    assert sheet.table()[0]["Mulai"] is not None


def test_walk_with_a_tidak_loop_logs_each_accepted_move_exactly_once(sheet):
    sheet.cli("init")
    sheet.add_rows({"Prosedur": "Laporan Bulanan", "Judul": "Lapbul Nov"})
    synced(sheet, MON_0800)
    row = doc(sheet, "Lapbul Nov")
    doc_id = row["ID"]
    assert doc_id == "LB-2026-0001"
    assert row["Pelaksana"] == "Kasubag Evapor" and row["Status"] == "Berjalan"
    path = [2, 3, 2, 3, 4, 5, 6, 7, "Selesai"]
    hour = 9
    for step in path:
        sheet.set_by_id(doc_id, "Langkah", step)
        now = f"2026-11-30T{hour:02d}:00" if hour < 16 else f"2026-12-01T{hour - 8:02d}:00"
        synced(sheet, now)
        synced(sheet, now)  # a second run at the same moment changes nothing
        hour += 1
    expected = [(None, 1), (1, 2), (2, 3), (3, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7)]
    expected += [(7, "Selesai")]
    assert moves(sheet, doc_id) == expected
    assert one_record_each(sheet) == [doc_id]
    final = doc(sheet, "Lapbul Nov")
    assert final["Status"] == "Selesai" and final["Tenggat"] in (None, "")


def test_the_tidak_return_tells_staff_where_the_document_went(sheet):
    sheet.add_rows({"Prosedur": "rka", "Judul": "RKA 2027", "Langkah": 6})
    synced(sheet, MON_0800)
    sheet.set(2, "Langkah", 5)
    synced(sheet, "2026-11-30T09:00")
    row = doc(sheet, "RKA 2027")
    assert row["Status"] == "Berjalan"
    assert row["Pelaksana"] == "Staf" and row["Kegiatan"] == "Mengetik konsep RKA"
    assert "dikembalikan ke langkah 5" in row["Pesan"]


def test_every_status_shows_in_the_sheet(sheet):
    sheet.add_rows(
        {"Prosedur": "rka", "Judul": "berjalan"},
        {"Prosedur": "laporan-bulanan", "Judul": "hampir", "Langkah": 3},  # 30 menit
        {"Prosedur": "dpa", "Judul": "terlambat", "Langkah": 3},  # 1 hari
        {"Prosedur": "iku", "Judul": "invalid", "Langkah": 4},
        {"Prosedur": "renja", "Judul": "selesai", "Langkah": "Selesai"},
    )
    synced(sheet, "2026-11-27T08:00")  # Friday
    sheet.set(5, "Langkah", 6)  # iku 4 -> 6 skips a step
    sheet.set(3, "Langkah", 3)
    synced(sheet, "2026-11-27T08:10")
    assert doc(sheet, "hampir")["Status"] == "Berjalan"  # 20 of 30 minutes left
    result = synced(sheet, "2026-11-27T08:20")
    statuses = {r["Judul"]: r["Status"] for r in sheet.table()}
    assert statuses["hampir"] == "Hampir tenggat"
    assert statuses["invalid"] == "Tidak valid"
    assert statuses["selesai"] == "Selesai"
    assert statuses["berjalan"] == "Berjalan"
    assert doc(sheet, "hampir")["Pesan"] == "Tenggat hari ini pukul 08.30."
    assert "Hampir tenggat 1" in result.out
    synced(sheet, "2026-12-01T10:00")  # Tuesday: the Friday 1-hari step was due Monday 08:00
    late = doc(sheet, "terlambat")
    assert late["Status"] == "Terlambat"
    assert late["Pesan"] == "Terlambat 1 hari 2 jam."
    assert isinstance(late["Tenggat"], datetime)
    assert late["Tenggat"] == datetime(2026, 11, 30, 8, 0)


def test_invalid_moves_explain_and_recover(sheet):
    sheet.add_rows({"Prosedur": "laporan-bulanan", "Judul": "Lap Okt", "Langkah": 3})
    synced(sheet, MON_0800)
    doc_id = doc(sheet, "Lap Okt")["ID"]
    sheet.set_by_id(doc_id, "Langkah", 5)
    synced(sheet, "2026-11-30T08:05")
    row = doc(sheet, "Lap Okt")
    assert row["Status"] == "Tidak valid"
    assert row["Pesan"].startswith("Langkah 5 tidak dapat dipilih setelah langkah 3.")
    assert "4 (Ya) — Sekcam: Memberikan paraf" in row["Pesan"]
    assert "2 (Tidak) — Staf" in row["Pesan"]
    assert row["Langkah"] == 5  # staff cell untouched
    assert row["Pelaksana"] == "Kasubag Evapor"  # still at step 3
    sheet.set_by_id(doc_id, "Langkah", 4)
    synced(sheet, "2026-11-30T08:10")
    row = doc(sheet, "Lap Okt")
    assert (
        row["Status"] == "Berjalan" and row["Pelaksana"] == "Sekcam" and row["Pesan"] in ("", None)
    )
    assert moves(sheet, doc_id) == [(None, 3), (3, 4)]
    rejected = [r for r in history(sheet, doc_id) if str(r["Keterangan"]).startswith("ditolak")]
    assert len(rejected) == 1


def test_new_rows_get_unique_readable_ids_and_bad_rows_a_message(sheet):
    sheet.add_rows(
        {"Prosedur": "RKA", "Judul": "a"},
        {"Prosedur": "penyusunan rka", "Judul": "b"},
        {"Prosedur": "Laporan Bulnan", "Judul": "typo"},
        {"Judul": "no prosedur"},
        {"ID": "RKA-2026-0001", "Prosedur": "rka", "Judul": "typed id"},
    )
    synced(sheet, MON_0800)
    ids = {r["Judul"]: r["ID"] for r in sheet.table()}
    assert ids["typed id"] == "RKA-2026-0001"
    assert {ids["a"], ids["b"]} == {"RKA-2026-0002", "RKA-2026-0003"}
    assert ids["typo"] is None and ids["no prosedur"] is None
    typo = doc(sheet, "typo")
    assert typo["Status"] == "Tidak valid" and "laporan-bulanan" in typo["Pesan"]
    assert "Prosedur belum diisi" in doc(sheet, "no prosedur")["Pesan"]


def test_a_duplicate_id_blocks_only_the_copy_and_nothing_is_rewritten(sheet):
    sheet.add_rows({"Prosedur": "rka", "Judul": "asli"})
    synced(sheet, MON_0800)
    doc_id = doc(sheet, "asli")["ID"]
    sheet.add_rows({"ID": doc_id, "Prosedur": "rka", "Judul": "salinan", "Langkah": 3})
    sheet.set(2, "Langkah", 2)  # meanwhile the original moves on, rightly
    synced(sheet, "2026-11-30T08:30")
    asli, salinan = doc(sheet, "asli"), doc(sheet, "salinan")
    assert asli["Status"] == "Berjalan" and asli["Pelaksana"] == "Sekcam", asli
    assert salinan["Status"] == "Tidak valid"
    assert salinan["Pesan"] == (
        f'ID "{doc_id}" sudah dipakai dokumen di baris 2.'
        " Kosongkan ID pada baris ini (salinan) agar diberi ID baru."
    )
    assert salinan["Pelaksana"] in (None, "")  # the copy is not the document
    assert moves(sheet, doc_id) == [(None, 1), (1, 2)]
    # While both rows carry the ID, nothing is rewritten, cycle after cycle.
    before = sheet.fingerprint()
    for _ in range(2):
        result = synced(sheet, "2026-11-30T08:30")
        assert "Nothing changed; nothing written." in result.out
        assert sheet.fingerprint() == before
    assert one_record_each(sheet) == [doc_id]
    # The copy's ID cleared: it becomes a document of its own.
    sheet.set(3, "ID", None)
    synced(sheet, "2026-11-30T08:45")
    assert doc(sheet, "asli")["Status"] == "Berjalan" and moves(sheet, doc_id)[-1] == (1, 2)
    assert doc(sheet, "salinan")["ID"] == "RKA-2026-0002"
    assert doc(sheet, "salinan")["Pelaksana"] == "Tim"  # it started at its Langkah, 3


@pytest.mark.parametrize("catatan", ["a", "b"], ids=["edited-copy", "exact-copy"])
def test_a_sort_that_puts_a_stale_copy_first_does_not_hand_it_the_document(sheet, catatan):
    """A row copied whole stays behind while the document moves on; staff then sort the
    sheet and the copy comes first: the document stays with the row staff moved, and no
    move that nobody typed is logged."""
    sheet.add_rows({"Prosedur": "rka", "Judul": "RKA Kec 2027", "Langkah": 5, "Catatan": "b"})
    synced(sheet, "2026-12-01T09:00")
    doc_id = sheet.table()[0]["ID"]
    copy = {"ID": doc_id, "Prosedur": "rka", "Judul": "RKA Kec 2027", "Langkah": 5}
    sheet.add_rows({**copy, "Catatan": catatan})
    synced(sheet, "2026-12-01T09:15")
    sheet.set(2, "Langkah", 6)
    synced(sheet, "2026-12-01T10:00")
    assert moves(sheet, doc_id) == [(None, 5), (5, 6)]
    sheet.sort("Langkah")  # the copy, at 5, comes first
    synced(sheet, "2026-12-01T10:30")
    assert moves(sheet, doc_id) == [(None, 5), (5, 6)]
    stale, real = sheet.table()
    assert (stale["Langkah"], stale["Status"]) == (5, "Tidak valid")
    assert stale["Pesan"].startswith(f'ID "{doc_id}" sudah dipakai dokumen di baris 3.')
    assert (real["Langkah"], real["Pelaksana"], real["Status"]) == (6, "Kasubag Evapor", "Berjalan")
    sheet.set(3, "Langkah", "Ya")  # and the document goes on from its own row
    synced(sheet, "2026-12-01T11:00")
    assert moves(sheet, doc_id)[-1] == (6, 7)


@pytest.mark.parametrize("columns", [None, [*c.STAFF_COLUMNS]], ids=["whole-sheet", "staff-only"])
def test_records_stay_with_their_documents_when_staff_sort(sheet, columns):
    sheet.add_rows(
        *(
            {"Prosedur": code, "Judul": f"doc {i}", "Langkah": step}
            for i, (code, step) in enumerate([("rka", 2), ("iku", 5), ("lakip", 1), ("renja", 7)])
        )
    )
    synced(sheet, MON_0800)
    before = {r["ID"]: (r["Pelaksana"], r["Kegiatan"], r["Mulai"]) for r in sheet.table()}
    riwayat = len(sheet.table(c.RIWAYAT))
    sheet.sort("Judul", columns=columns, reverse=True)
    result = synced(sheet, "2026-11-30T08:30")
    after = {r["ID"]: (r["Pelaksana"], r["Kegiatan"], r["Mulai"]) for r in sheet.table()}
    assert after == before
    assert sorted(one_record_each(sheet)) == sorted(before)
    assert len(sheet.table(c.RIWAYAT)) == riwayat
    assert "Tidak valid 0" in result.out
    # and moving on after the sort is judged against the right record
    iku = next(r for r in sheet.table() if r["Judul"] == "doc 1")
    sheet.set_by_id(iku["ID"], "Langkah", 6)
    synced(sheet, "2026-11-30T09:00")
    assert doc(sheet, "doc 1")["Pelaksana"] == "Sekcam"


def test_inserted_and_deleted_rows_keep_every_record(sheet):
    sheet.add_rows(*({"Prosedur": "rka", "Judul": f"d{i}", "Langkah": i + 1} for i in range(4)))
    synced(sheet, MON_0800)
    before = {r["ID"]: r["Kegiatan"] for r in sheet.table()}
    sheet.insert_rows(3, 2)
    sheet.delete_rows(6)  # d2
    synced(sheet, "2026-11-30T08:30")
    after = {r["ID"]: r["Kegiatan"] for r in sheet.table() if r["ID"]}
    gone = set(before) - set(after)
    assert len(gone) == 1
    assert after == {k: v for k, v in before.items() if k not in gone}


def test_staff_cells_and_unknown_columns_are_never_touched(sheet):
    sheet.add_rows(
        {"Prosedur": "rka", "Judul": "=1+1", "Catatan": "'kutip", "Nomor Surat": "005/12/2026"},
        {"Prosedur": "iku", "Judul": "angka", "Langkah": 4.0, "Nomor Surat": 42},
    )
    before = sheet.table()
    synced(sheet, MON_0800)
    sheet.set(3, "Langkah", "9a")
    synced(sheet, "2026-11-30T09:00")
    after = sheet.table()
    staff = [*c.STAFF_COLUMNS, "Nomor Surat"]
    for old, new in zip(before, after, strict=True):
        for name in staff:
            if name == "ID" or (name == "Langkah" and new["Judul"] == "angka"):
                continue
            assert new.get(name) == old.get(name), name
    assert doc(sheet, "=1+1")["Judul"] == "=1+1"


def test_a_second_sync_at_the_same_moment_writes_nothing(sheet):
    sheet.add_rows({"Prosedur": "rka", "Judul": "x"}, {"Prosedur": "zzz", "Judul": "bad"})
    synced(sheet, MON_0800)
    before = sheet.fingerprint()
    result = synced(sheet, MON_0800)
    assert "Nothing changed; nothing written." in result.out
    assert sheet.fingerprint() == before


def test_dry_run_prints_changes_and_writes_nothing(sheet):
    sheet.add_rows({"Prosedur": "rka", "Judul": "x"})
    synced(sheet, MON_0800)
    sheet.set(2, "Langkah", 2)
    before = sheet.fingerprint()
    result = synced(sheet, "2026-11-30T09:00", "--dry-run")
    assert "Dry run: would write" in result.out
    assert "Pelaksana: Sekcam" in result.out
    assert "Riwayat: RKA-2026-0001 1 → 2" in result.out
    assert sheet.fingerprint() == before


def test_records_are_rebuilt_from_riwayat_when_the_state_is_lost(sheet):
    sheet.add_rows({"Prosedur": "rka", "Judul": "x", "Langkah": 3})
    synced(sheet, MON_0800)
    sheet.set(2, "Langkah", 4)
    synced(sheet, "2026-11-30T09:00")
    sheet.drop_state()
    sheet.set(2, "Langkah", 5)
    synced(sheet, "2026-11-30T10:00")
    assert moves(sheet, "RKA-2026-0001") == [(None, 3), (3, 4), (4, 5)]
    assert doc(sheet, "x")["Pelaksana"] == "Staf"


def test_junk_in_every_staff_column_never_stops_the_cycle(sheet):
    rng = random.Random(7)
    junk = [
        None,
        "",
        " ",
        "\u200b",
        "=1/0",
        '=HYPERLINK("x")',
        True,
        False,
        -1,
        0,
        1.5,
        4,
        4.0,
        10**20,
        "4a",
        "Selesai",
        "SELESAI ",
        "4 - Memberikan paraf",
        datetime(2026, 1, 1, 8),
        "rka",
        "RKA",
        "Penyusunan DPA",
        "laporan bulanan",
        "x" * 300,
        "💥",
        "\n\t",
        "null",
    ]
    rows = [{name: rng.choice(junk) for name in c.STAFF_COLUMNS} for _ in range(500)]
    rows += [{"Prosedur": "rka", "Judul": f"good {i}"} for i in range(5)]
    sheet.add_rows(*rows)
    result = sheet.sync(MON_0800)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    table = sheet.table()
    for row in table:
        if any(
            row.get(n) not in (None, "") for n in ("ID", "Prosedur", "Judul", "Langkah", "Catatan")
        ):
            assert row["Status"] in {s.value for s in c.Status}, row
            if row["Status"] == "Tidak valid":
                assert row["Pesan"], row
    good = [r for r in table if str(r.get("Judul", "")).startswith("good")]
    assert len(good) == 5 and all(r["Status"] == "Berjalan" and r["ID"] for r in good)
    assert sheet.sync(MON_0800).out.count("Nothing changed") == 1


# --- issue 13: the sheet as staff and supervisors meet it -----------------------------------


def late_table(sheet) -> tuple[str, list[list[object]]]:
    """Ringkasan's late documents: the title line and the rows under its header."""
    grid = sheet.grid("Ringkasan")
    at = next(i for i, r in enumerate(grid) if r and str(r[0]).startswith("Dokumen terlambat"))
    assert grid[at + 1][:6] == [
        "ID",
        "Judul",
        "Pelaksana",
        "Tenggat",
        "Lama keterlambatan (waktu kerja)",
        "Status",
    ]
    rows = []
    for row in grid[at + 2 :]:
        if not row or not row[0]:
            break
        rows.append(list(row[:6]))
    return grid[at][0], rows


def test_a_late_document_with_a_typo_in_langkah_is_still_counted_late(sheet):
    """DESIGN §2 Status: a Tidak valid row past its Tenggat is late, in Pesan and Ringkasan."""
    typos = {"lima": "lima", "rumus": "=5+1", "tanggal": datetime(2026, 12, 1, 9, 0)}
    sheet.add_rows(
        *({"Prosedur": "dpa", "Judul": judul, "Langkah": 3} for judul in typos),
        {"Prosedur": "dpa", "Judul": "tepat", "Langkah": 3},
        {"Prosedur": "rka", "Judul": "baru"},
    )
    synced(sheet, "2026-11-27T08:00")  # Friday; dpa 3 takes 1 hari: due Monday 08:00
    for number, value in enumerate(typos.values(), start=2):
        sheet.set(number, "Langkah", value)
    result = synced(sheet, "2026-12-01T10:00")
    for judul in typos:
        row = doc(sheet, judul)
        assert row["Status"] == "Tidak valid", row  # still red: the typo must be fixed
        assert row["Pesan"].endswith(
            "Dokumen terlambat 1 hari 2 jam di langkah 3 (tenggat 30 November 2026 pukul 08.00)."
        ), row["Pesan"]
    assert doc(sheet, "tepat")["Status"] == "Terlambat"
    title, rows = late_table(sheet)
    assert (
        title == "Dokumen terlambat: 4 (3 di antaranya Tidak valid),"
        " diurutkan dari yang paling lama terlambat"
    )
    by_judul = {r[1]: r for r in rows}
    assert sorted(by_judul) == ["lima", "rumus", "tanggal", "tepat"]
    assert by_judul["lima"][2:] == [
        "Tim",
        datetime(2026, 11, 30, 8, 0),
        "1 hari 2 jam",
        "Tidak valid",
    ]
    assert by_judul["tepat"][5] == "Terlambat"
    assert "Late: 4 (3 of them Tidak valid)." in result.out
    # Fixed: Terlambat, and still counted.
    sheet.set(2, "Langkah", 3)
    synced(sheet, "2026-12-01T10:05")
    assert doc(sheet, "lima")["Status"] == "Terlambat"
    assert late_table(sheet)[0].startswith("Dokumen terlambat: 4 (2 di antaranya Tidak valid),")


def test_ya_and_tidak_move_a_decision_step(sheet):
    sheet.add_rows(
        {"Prosedur": "laporan-bulanan", "Judul": "lapbul", "Langkah": 3},  # D@3: Ya 4, Tidak 2
        {"Prosedur": "rka", "Judul": "rka", "Langkah": 6},  # D@6: Ya 7; D@7: Ya 8, Tidak 5
    )
    synced(sheet, MON_0800)
    lapbul, rka = doc(sheet, "lapbul")["ID"], doc(sheet, "rka")["ID"]
    sheet.set_by_id(lapbul, "Langkah", "Tidak")
    sheet.set_by_id(rka, "Langkah", " ya ")
    synced(sheet, "2026-11-30T09:00")
    assert doc(sheet, "lapbul")["Pelaksana"] == "Staf"  # back at 2
    assert doc(sheet, "rka")["Pelaksana"] == "Tim"  # on at 7
    before = sheet.fingerprint()
    synced(sheet, "2026-11-30T09:00")  # the answers stay in the cells: nothing moves again
    assert sheet.fingerprint() == before
    assert doc(sheet, "rka")["Pesan"] == (
        '"Ya" di kolom Langkah adalah jawaban untuk langkah 6.'
        " Untuk menjawab langkah 7, isi 8 (Ya) atau 5 (Tidak)."
    )
    sheet.set_by_id(lapbul, "Langkah", 3)
    synced(sheet, "2026-11-30T10:00")
    sheet.set_by_id(lapbul, "Langkah", "YA")
    synced(sheet, "2026-11-30T11:00")
    assert doc(sheet, "lapbul")["Pelaksana"] == "Sekcam"  # on at 4
    riwayat = [(r["Dari"], r["Ke"], r["Keterangan"]) for r in history(sheet, lapbul)]
    assert riwayat == [
        (None, 3, "mulai di langkah 3 (sudah berjalan)"),
        (3, 2, "Tidak: dikembalikan ke langkah 2"),
        (2, 3, "lanjut ke langkah 3"),
        (3, 4, "Ya: lanjut ke langkah 4"),
    ]
    assert [(r["Dari"], r["Ke"]) for r in history(sheet, rka)] == [(None, 6), (6, 7)]
    # Elsewhere an answer means nothing: Tidak valid, and Pesan says what to enter.
    sheet.set_by_id(lapbul, "Langkah", "Tidak")  # step 4 is no decision
    synced(sheet, "2026-11-30T11:05")
    row = doc(sheet, "lapbul")
    assert row["Status"] == "Tidak valid"
    assert row["Pesan"] == (
        '"Tidak" hanya dapat diisi pada langkah keputusan. Langkah 4 bukan langkah keputusan.'
        " Isi kembali 4 (langkah saat ini) atau isi 5 — Camat: Memberikan tanda tangan."
    )


def test_what_staff_read_is_formal_indonesian(sheet):
    sheet.add_rows(
        {"Prosedur": "rka", "Judul": "lompat", "Langkah": 6},
        {"Prosedur": "laporan-bulanan", "Judul": "selesai dini", "Langkah": 6},
        {"Prosedur": "rka", "Judul": "4a", "Langkah": "4a"},
        {"Prosedur": "Laporan Bulnan", "Judul": "salah ketik"},
        {"Prosedur": "iku", "Judul": "sudah selesai", "Langkah": "Selesai"},
        {"Prosedur": "LKjIP", "Judul": "alias", "Langkah": "langkah 3"},
        {"Prosedur": "Perjanjian Kinerja", "Judul": "alias 2"},
    )
    synced(sheet, MON_0800)
    sheet.set(2, "Langkah", 8)
    sheet.set(3, "Langkah", "Selesai")
    synced(sheet, "2026-11-30T08:05")
    assert doc(sheet, "lompat")["Pesan"].startswith(
        "Langkah 8 tidak dapat dipilih setelah langkah 6. Langkah berikutnya: 7 (Ya) — Tim: "
    )
    assert doc(sheet, "selesai dini")["Pesan"].startswith(
        "Dokumen belum dapat dinyatakan Selesai pada langkah 6. Langkah berikutnya: 7 — "
    )
    assert doc(sheet, "4a")["Pesan"] == (
        'Langkah "4a" tidak dikenali.'
        " Isi nomor langkah 1–11 atau Selesai; jika kosong, dianggap langkah 1."
    )
    assert "Mungkin yang dimaksud: laporan-bulanan" in doc(sheet, "salah ketik")["Pesan"]
    assert doc(sheet, "alias")["Status"] == "Berjalan"
    assert doc(sheet, "alias 2")["Status"] == "Berjalan"
    finished = doc(sheet, "sudah selesai")["ID"]
    assert history(sheet, finished)[0]["Keterangan"] == "dicatat langsung sebagai Selesai"
    grid = sheet.grid("Ringkasan")
    labels = {r[0] for r in grid if r}
    assert {"(tanpa pelaksana)", "(prosedur tidak dikenal)"} <= labels
    assert "Penyusunan RKA" in labels  # the 4a row's SOP is known, though it has not started


def test_pelaksana_names_the_person_from_the_configuration(tmp_path):
    sheet = XlsxSheet(tmp_path, '[people]\nSekcam = "Budi Santoso"\n')
    sheet.add_rows({"Prosedur": "rka", "Judul": "x", "Langkah": 2})
    synced(sheet, MON_0800)
    assert doc(sheet, "x")["Pelaksana"] == "Sekcam — Budi Santoso"


def test_a_role_the_configuration_gives_several_people_names_them_all(tmp_path):
    sheet = XlsxSheet(tmp_path, '[people]\nStaf = ["Ani", "Bambang ", ""]\n')
    sheet.add_rows({"Prosedur": "rka", "Judul": "x", "Langkah": 5})
    synced(sheet, MON_0800)
    assert doc(sheet, "x")["Pelaksana"] == "Staf — Ani, Bambang"


def test_mulai_and_tenggat_are_real_date_time_cells(sheet):
    sheet.add_rows({"Prosedur": "rka", "Judul": "x", "Langkah": 2})
    synced(sheet, "2026-11-30T11:50")
    row = doc(sheet, "x")
    assert row["Mulai"] == datetime(2026, 11, 30, 11, 50)
    assert row["Tenggat"] == datetime(2026, 11, 30, 13, 20)  # 30 menit over the lunch break
    for column in ("Mulai", "Tenggat"):  # shown as 30/11/2026 13.20 (DESIGN §2)
        assert sheet.cell_format(2, column) == "dd/mm/yyyy hh.mm"


def test_bad_now_and_bad_configuration_are_one_line_errors(sheet, tmp_path):
    bad = sheet.sync("next tuesday")
    assert bad.code == 2 and "ISO 8601" in bad.err
    config = tmp_path / "bad.toml"
    config.write_text('[calendar]\nzone = "Mars/Olympus"\n')
    from tests.sheets import run_cli

    result = run_cli("sync", "--config", config)
    assert result.code == 2 and "Mars/Olympus" in result.err and "Traceback" not in result.err


# --- views and the office's own SOPs (issue: views for supervisors and staff) ---------------


def test_ringkasan_counts_what_dokumen_shows_after_random_walks(sheet):
    rng = random.Random(11)
    codes = ["rka", "iku", "laporan-bulanan", "lakip", "monev"]
    sheet.add_rows(
        *(
            {"Prosedur": rng.choice(codes), "Judul": f"d{i}", "Langkah": rng.randint(1, 4)}
            for i in range(25)
        )
    )
    for hour, day in ((8, 30), (10, 30), (9, 2), (14, 3)):
        now = (
            f"2026-11-{day:02d}T{hour:02d}:00" if day == 30 else f"2026-12-{day:02d}T{hour:02d}:00"
        )
        synced(sheet, now)
        for row in rng.sample(range(2, 27), 6):  # staff move some rows, rightly or not
            current = sheet.table()[row - 2]["Langkah"] or 1
            sheet.set(row, "Langkah", current + rng.choice([1, 1, 2]))
    synced(sheet, "2026-12-04T15:00")
    table = sheet.table()
    grid = sheet.grid("Ringkasan")
    header = next(i for i, r in enumerate(grid) if r and r[0] == "Pelaksana")
    statuses = [s.value for s in c.Status]
    assert grid[header][1:7] == [*statuses, "Jumlah"]
    counted: dict[tuple[str, str], int] = {}
    for row in grid[header + 1 :]:
        if not row or row[0] in (None, "Jumlah"):
            break
        for status, n in zip(statuses, row[1:6], strict=True):
            if n:
                counted[(row[0], status)] = n
    shown: dict[tuple[str, str], int] = {}
    for r in table:
        actor = r["Pelaksana"] or ("(selesai)" if r["Status"] == "Selesai" else "(tanpa pelaksana)")
        shown[(actor, r["Status"])] = shown.get((actor, r["Status"]), 0) + 1
    assert counted == shown
    # Late: Terlambat rows, and Tidak valid rows whose document is late all the same.
    late = [r for r in table if r["Status"] == "Terlambat" or "terlambat" in str(r["Pesan"])]
    late_title = next(r[0] for r in grid if r and str(r[0]).startswith("Dokumen terlambat"))
    assert late_title.startswith(f"Dokumen terlambat: {len(late)}")
    listed = grid[grid.index(next(r for r in grid if r and r[0] == late_title)) + 2 :]
    assert sorted(r[0] for r in listed if r and r[0]) == sorted(r["ID"] for r in late)
    assert {r[5] for r in listed if r and r[0]} <= {"Terlambat", "Tidak valid"}


def test_ringkasan_is_rewritten_only_when_it_changes(sheet):
    sheet.add_rows({"Prosedur": "rka", "Judul": "x"})
    synced(sheet, MON_0800)
    assert sheet.grid("Ringkasan")[0][3:5] == ["Diperbarui", datetime(2026, 11, 30, 8, 0)]
    before = sheet.fingerprint()
    synced(sheet, "2026-11-30T08:05")  # nothing to show differently: Diperbarui stays
    assert sheet.fingerprint() == before
    sheet.set(2, "Langkah", 2)
    synced(sheet, "2026-11-30T08:10")
    assert sheet.grid("Ringkasan")[0][4] == datetime(2026, 11, 30, 8, 10)


def test_the_sop_tab_explains_every_step_one_sop_after_another(sheet):
    """Each SOP under its own title row (its code and title said once, there), its steps,
    then Selesai and the answers its Langkah dropdown offers (a hidden column)."""
    sheet.cli("init")
    from sop_models import load_catalog

    grid = [list(r) + [None] * (9 - len(r)) for r in sheet.grid("SOP")]
    assert grid[1] == [
        "No", "Pelaksana", "Kegiatan", "Kelengkapan", "Waktu", "Output", "Keputusan",
        "Keterangan", "Pilihan Langkah",
    ]  # fmt: skip
    # then the coming days off, on rows of their own (filled by the first cycle)
    assert grid[3][0] == "Hari libur berikutnya (tidak dihitung dalam tenggat)"
    assert grid[4][:4] == ["Hari", "Tanggal", "Keterangan", "Jenis"]
    assert grid[5][2] == "Diisi pada pemeriksaan berikutnya."
    note = "Libur kantor dicatat di tab Kalender."  # the block's last row
    row = next(r for r in range(4, len(grid)) if grid[r][2] == note) + 1
    blocks = {}
    for proc in load_catalog():  # each SOP: a blank row, its title, its steps, Selesai, answers
        assert not any(grid[row]), grid[row]
        assert grid[row + 1][0] == f"{proc.title} — kode: {proc.code}"
        assert not any(grid[row + 1][1:])
        steps = grid[row + 2 : row + 2 + proc.last]
        assert [r[0] for r in steps] == list(range(1, proc.last + 1))
        assert [r[8] for r in steps] == [f"{s.number} - {s.activity}" for s in proc.steps]
        answers = ["Ya", "Tidak"] if any(s.decision for s in proc.steps) else []
        tail = grid[row + 2 + proc.last : row + 3 + proc.last + len(answers)]
        assert [(r[0], r[8]) for r in tail] == [
            (choice, choice) for choice in ["Selesai", *answers]
        ]
        blocks[proc.code] = steps + tail
        row += 3 + proc.last + len(answers)
    assert not any(any(r) for r in grid[row:])
    rka6 = next(r for r in blocks["rka"] if r[0] == 6)
    assert rka6[1] == "Kasubag Evapor" and rka6[6] == "Ya → 7; Tidak → 5"
    rka_ya = next(r for r in blocks["rka"] if r[0] == "Ya")
    assert rka_ya[2] == (
        "Jawaban pada langkah keputusan: dari langkah 6 lanjut ke 7; dari langkah 7 lanjut ke 8."
    )


def office_sop(tmp_path, text_change) -> str:
    folder = tmp_path / "sop-kantor"
    folder.mkdir(exist_ok=True)
    from pathlib import Path

    source = Path(__file__).parents[1] / "sop_models" / "catalog" / "laporan-bulanan.yaml"
    (folder / "laporan-bulanan.yaml").write_text(text_change(source.read_text()))
    return f'\n[sop]\nfolders = ["{folder}"]\n'


def test_an_office_sop_changes_pelaksana_and_tenggat_of_documents_started_after_it(sheet, tmp_path):
    """DESIGN §9: a document in flight keeps the version it started on (tests/test_versions)."""
    sheet.add_rows({"Prosedur": "laporan-bulanan", "Judul": "x", "Langkah": 3})
    synced(sheet, MON_0800)
    assert doc(sheet, "x")["Pelaksana"] == "Kasubag Evapor"
    assert doc(sheet, "x")["Tenggat"] == datetime(2026, 11, 30, 8, 30)

    def step3_by_sekcam_in_two_hours(text: str) -> str:
        text = text.replace(
            "    actor: Kasubag Evapor\n    kelengkapan: Ketikan konsep laporan bulanan\n"
            "    waktu: 30 menit",
            "    actor: Sekcam\n    kelengkapan: Ketikan konsep laporan bulanan\n    waktu: 2 jam",
        )
        assert "waktu: 2 jam\n    output: Laporan bulanan yang sudah diperiksa" in text
        return text

    sheet.config.write_text(
        sheet.config.read_text() + office_sop(tmp_path, step3_by_sekcam_in_two_hours)
    )
    listed = sheet.cli("sop", "list")
    assert "sop-kantor" in listed.out and "bawaan" in listed.out
    sheet.add_rows({"Prosedur": "laporan-bulanan", "Judul": "y", "Langkah": 3})
    synced(sheet, "2026-11-30T08:05")
    assert doc(sheet, "x")["Pelaksana"] == "Kasubag Evapor"
    assert doc(sheet, "x")["Tenggat"] == datetime(2026, 11, 30, 8, 30)
    assert doc(sheet, "y")["Pelaksana"] == "Sekcam"
    assert doc(sheet, "y")["Tenggat"] == datetime(2026, 11, 30, 10, 5)


def test_a_broken_office_sop_stops_the_cycle_before_any_cell_is_touched(sheet, tmp_path):
    sheet.add_rows({"Prosedur": "rka", "Judul": "x"})
    synced(sheet, MON_0800)
    sheet.set(2, "Langkah", 2)
    before = sheet.fingerprint()
    broken = office_sop(
        tmp_path,
        lambda t: t.replace("tidak: 2", "tidak: 9").replace("waktu: 1 hari", "waktu: 1 minggu", 1),
    )
    sheet.config.write_text(sheet.config.read_text() + broken)
    result = sheet.sync("2026-11-30T09:00")
    assert result.code == 2  # DESIGN §5: an invalid SOP file
    assert "laporan-bulanan.yaml: step 3" in result.err and "Tidak target 9" in result.err
    assert "1 minggu" in result.err
    assert sheet.fingerprint() == before
