"""The identity of an SOP document in its YAML (Permenpan RB 35/2012), as offices write it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from sop_models import CatalogError, load_catalog, load_file
from sop_models.catalog import BUILTIN_DIR
from tests.sheets import run_cli

IDENTITY = """
identity:
  unit: [Pemerintah Kabupaten Contoh, Kecamatan Contoh]
  nomor: 800/017/SOP/2026
  tanggal_pembuatan: 2026-01-02
  tanggal_revisi: 15/03/2026
  tanggal_efektif: "2026-04-01"
  disahkan_oleh:
    jabatan: Camat Contoh
    nama: Budi Santoso
    nip: 19700101 199003 1 005
  dasar_hukum:
    - Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah
    - Peraturan Menteri PAN-RB Nomor 35 Tahun 2012
  kualifikasi_pelaksana: [Memahami tugas pokok dan fungsi]
  keterkaitan: [SOP Penyusunan DPA, SOP Surat Keluar]
  peralatan: [Komputer, Printer]
  peringatan: Jika RKA terlambat, anggaran kecamatan terlambat ditetapkan
  pencatatan: [Buku agenda]
"""


def write_sop(folder: Path, identity: str) -> Path:
    text = (BUILTIN_DIR / "rka.yaml").read_text(encoding="utf-8")
    head, steps = text.split("\nidentity:", 1)
    steps = steps[steps.index("\nsteps:") :]
    path = folder / "rka.yaml"
    path.write_text(head + "\n" + identity.strip() + steps, encoding="utf-8")
    return path


def test_a_full_identity_loads_with_real_dates_and_the_nip_kept_as_digits(tmp_path):
    proc = load_file(write_sop(tmp_path, IDENTITY))
    ident = proc.identity
    assert ident.unit == ("Pemerintah Kabupaten Contoh", "Kecamatan Contoh")
    assert ident.nomor == "800/017/SOP/2026"
    assert ident.tanggal_pembuatan == date(2026, 1, 2)
    assert ident.tanggal_revisi == date(2026, 3, 15)  # dd/mm/yyyy, the Indonesian way
    assert ident.tanggal_efektif == date(2026, 4, 1)
    assert ident.disahkan_oleh is not None and ident.disahkan_oleh.nip == "197001011990031005"
    assert ident.disahkan_oleh.nip_display == "19700101 199003 1 005"
    assert ident.peringatan == ("Jika RKA terlambat, anggaran kecamatan terlambat ditetapkan",)
    # the steps' links belong to keterkaitan too, each once
    assert proc.keterkaitan == ("SOP Penyusunan DPA", "SOP Surat Keluar", "SOP Surat Tugas")


@pytest.mark.parametrize(
    ("change", "where", "words"),
    [
        ("tanggal_revisi: 31/02/2026", "identity.tanggal_revisi", "not a date"),
        ("tanggal_revisi: 1767225600", "identity.tanggal_revisi", "not a date"),
        ("tanggal_efektif: 2025-12-31", "identity", "before tanggal_pembuatan"),
        ("disahkan_oleh: {nama: Budi Santoso}", "identity.disahkan_oleh.jabatan", "required"),
        ("disahkan_oleh: {jabatan: Camat, nip: '1970 0101'}", "disahkan_oleh.nip", "18 digits"),
        ("nomer: 800/1/2026", "identity.nomer", "not permitted"),
        ("dasar_hukum: [UU 23/2014, 7]", "identity.dasar_hukum.1", "string"),
    ],
)
def test_a_bad_identity_names_the_field_and_what_is_allowed(tmp_path, change, where, words):
    identity = yaml.safe_load(IDENTITY)
    identity["identity"].update(yaml.safe_load(change))
    with pytest.raises(CatalogError) as caught:
        load_file(write_sop(tmp_path, yaml.safe_dump(identity, allow_unicode=True)))
    text = str(caught.value)
    assert "rka.yaml" in text and where in text and words in text, text


def test_every_seed_sop_names_its_unit_and_keeps_its_links_as_keterkaitan():
    catalog = load_catalog()
    for proc in catalog:
        assert proc.identity.unit == ("Kecamatan", "Subbagian Perencanaan dan Evaluasi Pelaporan")
        links = [link for step in proc.steps for link in step.links]
        assert set(proc.keterkaitan) == set(links)
        # nothing invented: the seed gives no number, dates or approver
        assert proc.identity.nomor == "" and proc.identity.disahkan_oleh is None
        assert proc.identity.tanggal_pembuatan is None


def test_sop_show_prints_the_identity(tmp_path):
    write_sop(tmp_path, IDENTITY)
    config = tmp_path / "sopsync.toml"
    config.write_text(f'[sop]\nfolders = ["{tmp_path}"]\n')
    result = run_cli("sop", "--config", config, "show", "rka")
    assert result.code == 0, result.err
    for line in (
        "Nomor SOP: 800/017/SOP/2026",
        "Tanggal pembuatan: 2 Januari 2026",
        "Tanggal revisi: 15 Maret 2026",
        "Disahkan oleh: Camat Contoh, Budi Santoso, NIP 19700101 199003 1 005",
        "Keterkaitan: SOP Penyusunan DPA, SOP Surat Keluar, SOP Surat Tugas",
        "Peralatan/perlengkapan: Komputer; Printer",
    ):
        assert line in result.out, line
