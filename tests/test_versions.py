"""SOP versions (DESIGN §9) end to end through the CLI, on both backends.

An office edits an SOP while documents are in flight: those keep the version they
started on until Selesai (its Kegiatan, Pelaksana, Tenggat and allowed steps), new
documents take the new one, the version lives in the sheet (a new machine with another
catalog still knows it), and ``sop migrate`` moves documents to the current version by
an explicit step map, one Riwayat line each.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from sop_models import Catalog, load_catalog, load_file
from sop_models.version import Versions
from syncer import contract as c
from syncer.calendar import WorkingCalendar
from syncer.cycle import decide
from syncer.engine import EntryKind, Rules, StaffRow
from syncer.meta import placed, read_meta
from syncer.migration import Migration
from syncer.notices.documents import open_documents
from syncer.versions import read_kept, stored
from tests.sheets import XlsxSheet, run_cli, said
from tests.test_contract import doc, history, moves, one_record_each, synced

LB = "laporan-bulanan"
SOURCE = Path(__file__).parents[1] / "sop_models" / "catalog" / f"{LB}.yaml"
BUILT_IN = load_catalog().get(LB)
MON_0800 = "2026-11-30T08:00"


def edited(tmp_path: Path, change) -> Path:
    """An office folder whose laporan-bulanan is the built-in one changed by ``change``."""
    folder = tmp_path / "sop-kantor"
    folder.mkdir(exist_ok=True)
    data = yaml.safe_load(SOURCE.read_text())
    change(data)
    path = folder / f"{LB}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def step3_by_sekcam(data: dict) -> None:
    """Step 3 is reviewed by the Sekcam in 2 jam, and a Tidak returns to step 1."""
    step = data["steps"][2]
    step.update(actor="Sekcam", waktu="2 jam", decision={"ya": 4, "tidak": 1})
    data["identity"]["tanggal_revisi"] = "2026-11-15"


def checked_first(data: dict) -> None:
    """A new step 2 (the bahan checked) before the typing: steps 2–7 become 3–8."""
    steps = data["steps"]
    steps.insert(
        1,
        {
            "number": 2,
            "activity": "Memeriksa kelengkapan bahan laporan bulanan",
            "actor": "Kasubag Evapor",
            "waktu": "30 menit",
            "output": "Bahan yang lengkap",
        },
    )
    for number, step in enumerate(steps, start=1):
        step["number"] = number
    steps[3]["decision"] = {"ya": 5, "tidak": 3}


def use_folder(sheet, folder: Path | None) -> None:
    """The configuration names the office folder, or (None) the built-in catalog only."""
    text = sheet.config.read_text().split("\n[sop]")[0]
    if folder is not None:
        text += f'\n[sop]\nfolders = ["{folder}"]\n'
    sheet.config.write_text(text)


def kept_versions(sheet) -> dict[str, str]:
    """The versions the state tab keeps: key -> value."""
    return {
        r["Kunci"]: r["Nilai"]
        for r in sheet.table(c.STATE)
        if str(r.get("Kunci") or "").startswith("versi:")
    }


def versions_block(sheet) -> dict[str, list]:
    """The SOP tab's versions table: code -> its row."""
    grid = sheet.grid("SOP")
    at = next(i for i, r in enumerate(grid) if r and str(r[0]).startswith("Versi SOP"))
    assert grid[at + 1][:5] == [
        "Kode",
        "Prosedur",
        None,
        "Versi berlaku",
        "Dokumen pada versi lama",
    ]
    return {r[0]: r[:5] for r in grid[at + 2 :] if r and r[0]}


def migrate(sheet, *extra: str):
    return sheet.cli("sop", "migrate", LB, *extra)  # sopsync sop --config F migrate …


def test_an_edited_sop_leaves_documents_in_flight_on_their_version(sheet, tmp_path):
    sheet.add_rows({"Prosedur": LB, "Judul": "lama", "Langkah": 3})
    synced(sheet, MON_0800)
    assert doc(sheet, "lama")["Tenggat"] == datetime(2026, 11, 30, 8, 30)
    new = load_file(edited(tmp_path, step3_by_sekcam))
    use_folder(sheet, tmp_path / "sop-kantor")
    sheet.add_rows({"Prosedur": LB, "Judul": "baru", "Langkah": 3})
    synced(sheet, "2026-11-30T08:05")

    old = doc(sheet, "lama")  # its version: Kasubag Evapor, 30 menit from 08.00
    assert (old["Pelaksana"], old["Tenggat"]) == ("Kasubag Evapor", datetime(2026, 11, 30, 8, 30))
    assert old["Status"] == "Berjalan"
    assert old["Pesan"] == (
        f"Dokumen mengikuti SOP versi lama {BUILT_IN.version} sampai Selesai; versi berlaku:"
        f" {new.version} (revisi 15 November 2026). Admin dapat memindahkannya dengan"
        " sopsync sop migrate."
    )
    fresh = doc(sheet, "baru")  # the new version: Sekcam, 2 jam from 08.05
    assert (fresh["Pelaksana"], fresh["Tenggat"]) == ("Sekcam", datetime(2026, 11, 30, 10, 5))
    assert fresh["Pesan"] in (None, "")
    assert versions_block(sheet)[LB] == [
        LB,
        BUILT_IN.title,
        None,
        f"{new.version} (revisi 15 November 2026)",
        f"1 dokumen (versi {BUILT_IN.version}: LB-2026-0001)",
    ]
    assert set(kept_versions(sheet)) == {
        f"versi:{LB}:{BUILT_IN.version}",
        f"versi:{LB}:{new.version}",
    }

    # Each decides its moves on its own version: Tidak returns the old one to 2, the new to 1.
    sheet.set(2, "Langkah", "Tidak")
    sheet.set(3, "Langkah", "Tidak")
    synced(sheet, "2026-11-30T09:00")
    assert doc(sheet, "lama")["Kegiatan"] == BUILT_IN.step(2).activity
    assert doc(sheet, "baru")["Kegiatan"] == new.step(1).activity
    assert moves(sheet, "LB-2026-0001")[-1] == (3, 2)
    assert moves(sheet, "LB-2026-0002")[-1] == (3, 1)
    sheet.set(2, "Langkah", 4)  # a skip on the old version: its own next step is offered
    synced(sheet, "2026-11-30T09:05")
    lama = doc(sheet, "lama")
    assert lama["Status"] == "Tidak valid"
    assert lama["Pesan"].startswith(
        "Langkah 4 tidak dapat dipilih setelah langkah 2. Langkah berikutnya: 3 — Kasubag Evapor:"
    )
    assert lama["Pesan"].count("versi lama") == 1

    # Once the old document is Selesai, nobody runs on the old version: it is let go.
    for step in (3, "Ya", 5, 6, 7, "Selesai"):
        sheet.set(2, "Langkah", step)
        synced(sheet, "2026-11-30T10:00")
    assert doc(sheet, "lama")["Status"] == "Selesai"
    assert set(kept_versions(sheet)) == {f"versi:{LB}:{new.version}"}
    assert versions_block(sheet)[LB][4] == "Tidak ada"
    assert "Nothing changed" in synced(sheet, "2026-11-30T10:00").out


def test_a_version_survives_a_new_machine_with_another_catalog(sheet, tmp_path):
    """The edited SOP is gone from the catalog (another machine, the folder not copied):
    the sheet alone remembers the steps its documents started on."""
    office = load_file(edited(tmp_path, step3_by_sekcam))
    use_folder(sheet, tmp_path / "sop-kantor")
    sheet.add_rows({"Prosedur": LB, "Judul": "kantor", "Langkah": 3})
    synced(sheet, MON_0800)
    use_folder(sheet, None)
    sheet.add_rows({"Prosedur": LB, "Judul": "bawaan", "Langkah": 3})
    synced(sheet, "2026-11-30T08:05")
    kantor, bawaan = doc(sheet, "kantor"), doc(sheet, "bawaan")
    assert (kantor["Pelaksana"], kantor["Tenggat"]) == ("Sekcam", datetime(2026, 11, 30, 10, 0))
    assert f"versi lama {office.version} (revisi 15 November 2026)" in kantor["Pesan"]
    assert (bawaan["Pelaksana"], bawaan["Tenggat"]) == (
        "Kasubag Evapor",
        datetime(2026, 11, 30, 8, 35),
    )
    # Its record lost too: rebuilt from Riwayat, it is still on the version it started on.
    sheet.lose_record("LB-2026-0001", "deleted")
    synced(sheet, "2026-11-30T08:10")
    assert doc(sheet, "kantor")["Pelaksana"] == "Sekcam"
    sheet.set(2, "Langkah", "Tidak")  # the office version returns to 1
    synced(sheet, "2026-11-30T08:15")
    assert moves(sheet, "LB-2026-0001") == [(None, 3), (3, 1)]


def test_a_damaged_kept_version_is_a_pesan_on_its_documents_only(sheet, tmp_path):
    sheet.add_rows({"Prosedur": LB, "Judul": "lama", "Langkah": 3})
    synced(sheet, MON_0800)
    new = load_file(edited(tmp_path, step3_by_sekcam))
    use_folder(sheet, tmp_path / "sop-kantor")
    sheet.add_rows({"Prosedur": LB, "Judul": "baru", "Langkah": 3})
    synced(sheet, "2026-11-30T08:05")
    key = f"versi:{LB}:{BUILT_IN.version}"
    row = next(n for n, r in enumerate(sheet.table(c.STATE), start=2) if r["Kunci"] == key)
    value = json.loads(kept_versions(sheet)[key])
    value["langkah"][2][1] = "Camat"  # edited by hand: no longer the version it claims
    sheet.set(row, "Nilai", json.dumps(value), tab=c.STATE)
    result = synced(sheet, "2026-11-30T08:10")
    lama = doc(sheet, "lama")
    assert lama["Status"] == "Tidak valid"
    assert lama["Pesan"] == (
        f"Dokumen berjalan pada SOP {LB} versi {BUILT_IN.version}, yang langkah-langkahnya"
        " tidak dapat dibaca (langkah-langkahnya tidak cocok dengan nomor versinya) di tab"
        f" _sopsync. Hubungi admin sopsync: dokumen dapat dipindahkan ke versi berlaku dengan"
        f" sopsync sop migrate {LB}."
    )
    assert doc(sheet, "baru")["Status"] == "Berjalan"
    assert "Tidak valid 1" in result.out
    assert kept_versions(sheet)[key] == json.dumps(value)  # left for the admin to see
    # The admin migrates it: a map is needed, the damaged steps cannot vouch for any.
    refused = migrate(sheet, "--now", "2026-11-30T08:15")
    assert refused.code == 2
    assert said(refused.err) == (
        f"sopsync: cannot migrate {LB} to version {new.version}:"
        f" no mapping for step 3 of version {BUILT_IN.version} (LB-2026-0001); give each step"
        " its step of the current version (1-7), e.g. --map 3=N"
    )
    assert migrate(sheet, "--map", "3=3", "--now", "2026-11-30T08:15").code == 0
    lama = doc(sheet, "lama")
    assert (lama["Status"], lama["Pelaksana"]) == ("Berjalan", "Sekcam")
    assert set(kept_versions(sheet)) == {f"versi:{LB}:{new.version}"}


def test_sop_migrate_moves_documents_by_the_map_with_a_ledger_line_each(sheet, tmp_path):
    sheet.add_rows(
        {"Prosedur": LB, "Judul": "di 1"},
        {"Prosedur": LB, "Judul": "di 3", "Langkah": 3},
        {"Prosedur": LB, "Judul": "di 5", "Langkah": 5},
        {"Prosedur": LB, "Judul": "selesai", "Langkah": "Selesai"},
        {"Prosedur": "rka", "Judul": "lain", "Langkah": 2},
    )
    synced(sheet, MON_0800)
    new = load_file(edited(tmp_path, checked_first))
    use_folder(sheet, tmp_path / "sop-kantor")
    synced(sheet, "2026-11-30T08:05")
    ids = {r["Judul"]: r["ID"] for r in sheet.table()}
    before = sheet.fingerprint()

    # Without a full map: refused, nothing written. Step 1 is unchanged and needs none.
    refused = migrate(sheet, "--map", "3=4", "--now", "2026-11-30T08:10")
    assert refused.code == 2
    assert said(refused.err) == (
        f"sopsync: cannot migrate {LB} to version {new.version}: no mapping for step 5 of"
        f" version {BUILT_IN.version} ({ids['di 5']}); give each step its step of the current"
        " version (1-8), e.g. --map 5=N"
    )
    assert sheet.fingerprint() == before
    outside = migrate(sheet, "--map", "3=4,5=9", "--now", "2026-11-30T08:10")
    assert outside.code == 2
    assert said(outside.err) == (
        f"sopsync: --map 5=9: step 9 is not a step of the current version of {LB} (1-8)"
    )

    # A dry run says what would change and writes nothing.
    dry = migrate(sheet, "--map", "3=4,5=6", "--dry-run", "--now", "2026-11-30T08:10")
    assert dry.code == 0, dry.err
    assert f"Dry run: would migrate 3 documents of {LB} to its current version" in dry.out
    assert (
        f"  {ids['di 3']}: migrasi SOP ke versi {new.version} (dari versi {BUILT_IN.version}):"
        " langkah 3 → 4"
    ) in dry.out
    assert sheet.fingerprint() == before

    done = migrate(sheet, "--map", "3=4,5=6", "--now", "2026-11-30T08:10")
    assert done.code == 0, done.err
    assert f"Migrated 3 documents of {LB}" in done.out
    for judul, old, target in (("di 3", 3, 4), ("di 5", 5, 6)):
        row = doc(sheet, judul)
        entry = history(sheet, ids[judul])[-1]
        assert (entry["Dari"], entry["Ke"], entry["Waktu"]) == (
            old,
            target,
            datetime(2026, 11, 30, 8, 10),
        )
        assert entry["Keterangan"] == (
            f"migrasi SOP ke versi {new.version} (dari versi {BUILT_IN.version}):"
            f" langkah {old} → {target}"
        )
        assert row["Kegiatan"] == new.step(target).activity
        assert row["Pelaksana"] == new.step(target).actor == entry["Pelaksana"]
        assert row["Mulai"] == datetime(2026, 11, 30, 8, 0)  # kept: the same work goes on
        assert "versi" not in (row["Pesan"] or "")
        assert row["Langkah"] == old  # a staff cell: never written
    assert doc(sheet, "di 3")["Tenggat"] == datetime(2026, 11, 30, 8, 30)  # 30 menit from 08.00
    assert doc(sheet, "di 3")["Status"] == "Berjalan"
    assert moves(sheet, ids["di 1"]) == [(None, 1), (1, 1)]  # unchanged: needs no map
    assert doc(sheet, "di 1")["Pesan"] in (None, "")
    assert len(one_record_each(sheet)) == 5
    assert versions_block(sheet)[LB][4] == "Tidak ada"
    kept = kept_versions(sheet)
    assert f"versi:{LB}:{new.version}" in kept and f"versi:{LB}:{BUILT_IN.version}" not in kept

    # Again: nothing to migrate, nothing written; the old Langkah still means the new step.
    again = migrate(sheet, "--map", "3=4,5=6", "--now", "2026-11-30T08:10")
    assert again.out == f"No document of {LB} runs on an older version: nothing to migrate.\n"
    sheet.set(3, "Langkah", "Ya")  # step 4 of the new version is the review
    synced(sheet, "2026-11-30T08:20")
    assert moves(sheet, ids["di 3"])[-2:] == [(3, 4), (4, 5)]
    assert doc(sheet, "di 3")["Pelaksana"] == new.step(5).actor


def test_nothing_to_migrate_writes_nothing_not_even_a_sync_cycle(tmp_path):
    sheet = XlsxSheet(tmp_path)
    sheet.add_rows({"Prosedur": LB, "Judul": "x", "Langkah": 3})
    synced(sheet, MON_0800)
    before = sheet.fingerprint(), sheet.path.stat().st_mtime_ns
    later = "2026-12-02T10:00"  # a sync now would write: Tenggat passed, Kinerja due
    for dry in ((), ("--dry-run",)):
        result = migrate(sheet, "--map", "3=3", "--now", later, *dry)
        assert result.code == 0, result.err
        assert result.out == f"No document of {LB} runs on an older version: nothing to migrate.\n"
        assert (sheet.fingerprint(), sheet.path.stat().st_mtime_ns) == before
    assert "Written: " in synced(sheet, later).out  # what the migration left to `sync`


def test_nothing_to_migrate_and_an_unknown_sop_are_said_plainly(sheet):
    sheet.add_rows({"Prosedur": LB, "Judul": "x", "Langkah": 3})
    synced(sheet, MON_0800)
    result = run_cli("sop", "migrate", LB, "--map", "3=3", "--config", sheet.config)
    assert result.code == 0, result.err
    assert f"No document of {LB} runs on an older version: nothing to migrate." in result.out
    unknown = sheet.cli("sop", "migrate", "lapbulan", "--map", "3=3")
    assert unknown.code == 2 and "no SOP 'lapbulan'" in said(unknown.err)
    if isinstance(sheet, XlsxSheet):  # a workbook path mistyped: none made
        typo = sheet.path.with_name("kantr.xlsx")
        missing = run_cli("sop", "migrate", LB, "--map", "3=3", "--workbook", typo)
        assert missing.code == 1 and not typo.exists()
        assert said(missing.err) == f"sopsync: workbook {typo} does not exist: nothing to migrate"
    bad = migrate(sheet, "--map", "3>4")
    assert bad.code == 2
    assert (
        said(bad.err)
        == "sopsync: --map '3>4' is not OLD=NEW: give step numbers, e.g. --map 4=5,5=6"
    )


@pytest.mark.parametrize("sheet", ["google"], indirect=True)
def test_a_migration_whose_answer_is_lost_is_logged_once(sheet, tmp_path):
    sheet.add_rows(
        {"Prosedur": LB, "Judul": "a", "Langkah": 3}, {"Prosedur": LB, "Judul": "b", "Langkah": 5}
    )
    synced(sheet, MON_0800)
    edited(tmp_path, checked_first)
    use_folder(sheet, tmp_path / "sop-kantor")
    synced(sheet, "2026-11-30T08:05")
    riwayat = len(sheet.table(c.RIWAYAT))
    sheet.emu.reset_counters()
    sheet.emu.inject_faults("apply-drop", methods=["sheets.spreadsheets.batchUpdate"])
    result = migrate(sheet, "--map", "3=4,5=6", "--now", "2026-11-30T08:10")
    assert result.code == 0, result.err
    assert [r.fault for r in sheet.emu.request_log if r.fault] == ["apply-drop"]
    assert "Migrated 2 documents" in result.out
    migrations = [
        r for r in sheet.table(c.RIWAYAT) if str(r["Keterangan"]).startswith("migrasi SOP")
    ]
    assert sorted((r["ID"], r["Dari"], r["Ke"]) for r in migrations) == [
        ("LB-2026-0001", 3, 4),
        ("LB-2026-0002", 5, 6),
    ]
    assert len(sheet.table(c.RIWAYAT)) == riwayat + 2
    assert len(one_record_each(sheet)) == 2
    assert "Nothing changed" in synced(sheet, "2026-11-30T08:10").out


def test_init_after_a_catalog_change_leaves_the_versions_for_the_next_cycle(sheet, tmp_path):
    sheet.add_rows({"Prosedur": LB, "Judul": "lama", "Langkah": 3})
    synced(sheet, MON_0800)
    new = load_file(edited(tmp_path, step3_by_sekcam))
    use_folder(sheet, tmp_path / "sop-kantor")
    assert sheet.cli("init").code == 0
    synced(sheet, "2026-11-30T08:05")
    assert versions_block(sheet)[LB][3:] == [
        f"{new.version} (revisi 15 November 2026)",
        f"1 dokumen (versi {BUILT_IN.version}: LB-2026-0001)",
    ]
    shown = sheet.cli("sop", "show", LB)
    assert f"Versi {new.version} (revisi 15 November 2026)" in shown.out.splitlines()


def state_row(sheet, column: str, value: str) -> int:
    """The state tab's sheet row whose ``column`` holds ``value``."""
    return next(n for n, r in enumerate(sheet.table(c.STATE), start=2) if r[column] == value)


def test_a_record_from_before_versions_runs_on_the_current_one_and_is_stamped(sheet, tmp_path):
    sheet.add_rows({"Prosedur": LB, "Judul": "lama", "Langkah": 3})
    synced(sheet, MON_0800)
    row = state_row(sheet, "ID", "LB-2026-0001")
    rekaman = sheet.table(c.STATE)[row - 2]["Rekaman"]
    assert rekaman.startswith(f"{LB}@{BUILT_IN.version}|3|")
    sheet.set(row, "Rekaman", rekaman.replace(f"@{BUILT_IN.version}", ""), tab=c.STATE)
    key_row = state_row(sheet, "Kunci", f"versi:{LB}:{BUILT_IN.version}")
    sheet.set(key_row, "Kunci", None, tab=c.STATE)
    sheet.set(key_row, "Nilai", None, tab=c.STATE)
    synced(sheet, "2026-11-30T08:05")  # the sheet as an older sopsync left it
    assert sheet.table(c.STATE)[row - 2]["Rekaman"].startswith(f"{LB}@{BUILT_IN.version}|3|")
    assert set(kept_versions(sheet)) == {f"versi:{LB}:{BUILT_IN.version}"}
    edited(tmp_path, step3_by_sekcam)
    use_folder(sheet, tmp_path / "sop-kantor")
    synced(sheet, "2026-11-30T08:10")
    assert doc(sheet, "lama")["Pelaksana"] == "Kasubag Evapor"


def test_a_document_outlives_its_sop_leaving_the_catalog(sheet, tmp_path):
    def weekly(data: dict) -> None:
        data.update(code="laporan-mingguan", title="Penyusunan Laporan Mingguan")
        data["aliases"] = ["Laporan Mingguan", "Lapming"]

    weekly_sop = load_file(edited(tmp_path, weekly))
    (tmp_path / "sop-kantor" / f"{LB}.yaml").rename(tmp_path / "sop-kantor" / "mingguan.yaml")
    use_folder(sheet, tmp_path / "sop-kantor")
    sheet.add_rows({"Prosedur": "Lapming", "Judul": "minggu 48", "Langkah": 2})
    synced(sheet, MON_0800)
    assert doc(sheet, "minggu 48")["ID"] == "LM-2026-0001"
    use_folder(sheet, None)  # the office drops its SOP: the document in flight finishes on it
    sheet.add_rows({"Prosedur": "Lapming", "Judul": "minggu 49"})
    synced(sheet, "2026-11-30T08:05")
    row = doc(sheet, "minggu 48")
    assert (row["Status"], row["Pelaksana"]) == ("Berjalan", "Staf")
    assert row["Pesan"] == (
        f"Dokumen mengikuti SOP versi {weekly_sop.version}, yang tidak ada lagi di katalog,"
        " sampai Selesai."
    )
    assert doc(sheet, "minggu 49")["Status"] == "Tidak valid"  # no new document on it
    assert versions_block(sheet)["laporan-mingguan"] == [
        "laporan-mingguan",
        "Penyusunan Laporan Mingguan",
        None,
        "(tidak ada lagi di katalog)",
        f"1 dokumen (versi {weekly_sop.version}: LM-2026-0001)",
    ]
    sheet.set(2, "Langkah", 3)
    synced(sheet, "2026-11-30T08:10")
    assert moves(sheet, "LM-2026-0001") == [(None, 2), (2, 3)]
    assert doc(sheet, "minggu 48")["Pelaksana"] == "Kasubag Evapor"


# --- kept versions read back: the sheet is not trusted ---------------------------------------


def steps(text: str) -> str:
    """A kept version's value with these steps."""
    return '{"judul": "x", "sejak": "2026-11-30T08:00:00+07:00", "langkah": ' + text + "}"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "rusak",
        "[" * 100_000,
        "[]",
        '{"judul": "x"}',
        '{"judul": "x", "sejak": "kemarin", "langkah": []}',
        steps('[["a", "Staf"]]'),
        steps('[["a", "Staf", "2 minggu"]]'),
        steps('[["a", "Staf", "", 9, 1]]'),
        steps('[["a", "Staf", ""]]'),  # an SOP, but not this version
        '{"judul": 7, "sejak": "2026-11-30T08:00:00+07:00", "langkah": [["a", "Staf", ""]]}',
    ],
)
def test_a_kept_version_that_is_not_what_it_claims_is_damaged_never_a_crash(value):
    kept = read_kept({f"versi:{LB}:{BUILT_IN.version}": value, "token": "1"})
    assert kept.versions.procedures == {}
    assert set(kept.versions.damaged) == {(LB, BUILT_IN.version)}
    assert kept.keys == {(LB, BUILT_IN.version)}


def test_a_kept_version_reads_back_as_the_sop_it_was():
    moment = datetime(2026, 11, 30, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    kept = read_kept({f"versi:{LB}:{BUILT_IN.version}": stored(BUILT_IN, moment)})
    again = kept.versions.get(LB, BUILT_IN.version)
    assert again is not None and again.version == BUILT_IN.version
    assert [(s.activity, s.actor, s.waktu) for s in again.steps] == [
        (s.activity, s.actor, s.waktu) for s in BUILT_IN.steps
    ]
    assert kept.since == {(LB, BUILT_IN.version): moment}
    assert len(stored(BUILT_IN, moment)) < 700  # what each SOP in flight adds to every read


def test_a_removed_key_leaves_its_row_to_the_next_new_key():
    area = read_meta(["Kunci", "Nilai"], [["a", "1"], ["b", "2"], [None, None], ["d", "4"]])
    assert area.free == (2,)
    assert placed(area, {"b": None, "e": "5", "f": "6", "g": "7"}) == [
        (1, "e", "5"),
        (2, "f", "6"),
        (4, "g", "7"),
    ]
    assert placed(area, {"a": None}) == [(0, "", "")]


# --- the migration inside a cycle, decided in memory ---------------------------------------


def test_a_move_staff_made_meanwhile_is_decided_on_its_version_then_migrated(tmp_path):
    new = load_file(edited(tmp_path, checked_first))
    zone = ZoneInfo("Asia/Jakarta")
    before = Rules(load_catalog(), WorkingCalendar())
    after = Rules(
        Catalog({**before.catalog.procedures, LB: new}),
        WorkingCalendar(),
        versions=Versions({(LB, BUILT_IN.version): BUILT_IN}),
    )
    t0, t1, t2 = (datetime(2026, 11, 30, h, 0, tzinfo=zone) for h in (8, 9, 10))
    _, started, _ = decide(before, [StaffRow(2, "", LB, 3, "x")], {}, t0)
    (doc_id,) = started.records
    rows = [StaffRow(2, doc_id, LB, "Ya", "x")]  # old 3 (the review) → old 4, meanwhile
    _, moved, _ = decide(after, rows, started.records, t1, Migration(LB, {4: 5}))
    (outcome,) = moved.outcomes
    assert [(e.source, e.target, e.kind) for e in outcome.history] == [
        (3, 4, EntryKind.ACCEPTED),
        (4, 5, EntryKind.MIGRATED),
    ]
    record = moved.records[doc_id]
    assert (record.step, record.version, record.since, record.alias) == (5, new.version, t1, "Ya")
    assert outcome.cells.pelaksana == new.step(5).actor and outcome.cells.mulai == t1
    _, again, _ = decide(after, rows, moved.records, t2)  # "Ya" still in the cell: no move
    assert again.outcomes[0].history == () and again.records[doc_id] == record


def test_notices_name_the_actor_of_the_documents_own_version(tmp_path):
    new = load_file(edited(tmp_path, step3_by_sekcam))
    zone = ZoneInfo("Asia/Jakarta")
    before = Rules(load_catalog(), WorkingCalendar())
    after = Rules(
        Catalog({**before.catalog.procedures, LB: new}),
        WorkingCalendar(),
        versions=Versions({(LB, BUILT_IN.version): BUILT_IN}),
    )
    t0, t1 = (datetime(2026, 11, 30, h, 0, tzinfo=zone) for h in (8, 9))
    _, started, _ = decide(before, [StaffRow(2, "", LB, 3, "lama")], {}, t0)
    (doc_id,) = started.records
    rows = [StaffRow(2, doc_id, LB, 3, "lama"), StaffRow(3, "", LB, 3, "baru")]
    rows, decided, _ = decide(after, rows, started.records, t1)
    lama, baru = open_documents(after, rows, decided)
    assert (lama.role, lama.activity) == ("Kasubag Evapor", BUILT_IN.step(3).activity)
    assert (baru.role, baru.due) == ("Sekcam", datetime(2026, 11, 30, 11, 0, tzinfo=zone))
