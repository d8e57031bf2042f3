"""Pegawai (DESIGN §7) as a sheet gives it: who holds a role on a day, and every bad row's Pesan."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from sop_models import load_catalog
from syncer.config import Config
from syncer.people import COLUMNS, Jenis, catalog_roles, read_pegawai, whatsapp_number

ROLES = catalog_roles(load_catalog())
WIB = ZoneInfo("Asia/Jakarta")
HEADERS = list(COLUMNS)


def row(peran="", nama="", email="", whatsapp="", telegram="", mulai="", sampai="", jenis=""):
    return [peran, nama, "", email, whatsapp, telegram, mulai, sampai, jenis]


def test_the_catalog_roles_are_the_seven_actors_of_design_section_4():
    assert set(ROLES) == {
        "Staf",
        "Kasubag Evapor",
        "Kasi",
        "Sekcam",
        "Camat",
        "Kasubag Umum",
        "Tim",
    }


def test_pelaksana_names_the_holder_the_stand_in_or_several_holders():
    pegawai = read_pegawai(
        HEADERS,
        [
            row("camat", "Drs. Ahmad Fauzi"),  # any case
            row("Camat", "Siti Aminah", mulai="01/12/2026", sampai="05/12/2026", jenis="Plh."),
            row("STAF", "Ani"),
            row("Staf", "Dedi"),
            row("Staf", "Eka", sampai=datetime(2026, 11, 30)),
        ],
        ROLES,
        names={"Sekcam": "Budi Santoso", "Camat": "tidak dipakai"},
    )
    d = pegawai.directory
    assert pegawai.pesan == ("",) * 5
    assert d.pelaksana("Camat", date(2026, 11, 30)) == "Camat — Drs. Ahmad Fauzi"
    assert d.pelaksana("Camat", date(2026, 12, 1)) == "Camat — Plh. Siti Aminah"
    assert (
        d.pelaksana("Camat", datetime(2026, 12, 5, 16, 0, tzinfo=WIB)) == "Camat — Plh. Siti Aminah"
    )
    assert d.pelaksana("Camat", date(2026, 12, 6)) == "Camat — Drs. Ahmad Fauzi"
    assert d.pelaksana("Staf", date(2026, 11, 30)) == "Staf — Ani, Dedi, Eka"
    assert d.pelaksana("Staf", date(2026, 12, 1)) == "Staf — Ani, Dedi"
    assert d.pelaksana("Sekcam", date(2026, 12, 1)) == "Sekcam — Budi Santoso"  # [people]
    assert d.pelaksana("Tim", date(2026, 12, 1)) == "Tim"


def test_a_day_is_read_on_the_offices_clock():
    pegawai = read_pegawai(
        HEADERS, [row("Camat", "Siti Aminah", mulai="2026-12-01", jenis="plt")], ROLES, zone=WIB
    )
    # 30 November 17:30 UTC is already 1 December 00:30 in Jakarta.
    moment = datetime(2026, 11, 30, 17, 30, tzinfo=ZoneInfo("UTC"))
    assert pegawai.directory.pelaksana("Camat", moment) == "Camat — Plt. Siti Aminah"


def test_addresses_are_normalised_and_the_holders_are_who_is_told():
    pegawai = read_pegawai(
        HEADERS,
        [
            row(
                "Sekcam",
                "Budi",
                email=" budi@sukamaju.go.id ",
                whatsapp="0812-3456-7890",
                telegram=123456789,
            ),
            row("Kasi", "Wati", whatsapp=81311112222),  # typed 0813…, kept as a number
            row("Tim", "Yusuf", whatsapp="+62 857 1234 5678", telegram="-1001234567890"),
            row("Staf", "Ani", whatsapp="6281299998888"),
        ],
        ROLES,
    )
    assert pegawai.pesan == ("",) * 4
    (budi,) = pegawai.directory.holders("Sekcam", date(2026, 12, 1))
    assert (budi.email, budi.whatsapp, budi.telegram) == (
        "budi@sukamaju.go.id",
        "6281234567890",
        "123456789",
    )
    assert pegawai.directory.holders("Kasi", date(2026, 12, 1))[0].whatsapp == "6281311112222"
    assert pegawai.directory.holders("Tim", date(2026, 12, 1))[0].whatsapp == "6285712345678"
    assert pegawai.directory.holders("Staf", date(2026, 12, 1))[0].whatsapp == "6281299998888"


@pytest.mark.parametrize(
    ("cells", "pesan"),
    [
        (
            row("Camatt", "X"),
            'Peran "Camatt" tidak dikenal. Mungkin yang dimaksud: Camat. Baris ini diabaikan.',
        ),
        (
            row("Kasubag", "X"),
            'Peran "Kasubag" tidak dikenal. Mungkin yang dimaksud: Kasubag Umum, Kasubag Evapor.'
            " Baris ini diabaikan.",
        ),
        (
            row("", "X"),
            "Peran belum diisi. Pilih salah satu: " + ", ".join(ROLES) + ". Baris ini diabaikan.",
        ),
        (row("Staf", ""), "Nama belum diisi. Baris ini diabaikan."),
        (  # a lookup into another tab: read as its text in a workbook
            row("Staf", '=VLOOKUP("Staf",Daftar!A:B,2,0)'),
            'Nama berisi rumus "=VLOOKUP("Staf",Daftar!A:B,2,0)". Tulis nama pegawai.'
            " Baris ini diabaikan.",
        ),
        (  # the same lookup as Google Sheets reads it when it finds nothing
            row("Staf", "#N/A"),
            "Nama berisi #N/A, hasil rumus yang gagal. Tulis nama pegawai. Baris ini diabaikan.",
        ),
        (row("Staf", 1e30), 'Nama berisi angka "1E+30". Tulis nama pegawai. Baris ini diabaikan.'),
        (
            row("Staf", "X", mulai="#REF!"),
            "Mulai berisi #REF!, hasil rumus yang gagal. Tulis tanggalnya, mis. 17/08/2026."
            " Baris ini diabaikan.",
        ),
        (
            row("Staf", "X", mulai="31/02/2026"),
            'Mulai "31/02/2026" tidak ada. Tulis seperti 17/08/2026. Baris ini diabaikan.',
        ),
        (
            row("Staf", "X", sampai=1208),  # not a date cell's serial either
            'Sampai "1208" bukan tanggal. Tulis seperti 17/08/2026. Baris ini diabaikan.',
        ),
        (
            row("Staf", "X", email="ani@kantor"),
            'Email "ani@kantor" tidak sah. Tulis alamat seperti nama@kantor.go.id.'
            " Baris ini diabaikan.",
        ),
        (  # the mail library refuses two dots in a row: it is said here, not in a failed send
            row("Staf", "X", email="ani..x@kantor.go.id"),
            'Email "ani..x@kantor.go.id" tidak sah. Tulis alamat seperti nama@kantor.go.id.'
            " Baris ini diabaikan.",
        ),
        (
            row("Staf", "X", whatsapp="021-555-1234"),
            'Nomor WhatsApp "021-555-1234" tidak sah. Tulis nomor ponsel seperti 0812-3456-7890'
            " atau +62 812-3456-7890. Baris ini diabaikan.",
        ),
        (
            row("Staf", "X", telegram="@ani"),
            'Telegram "@ani" bukan ID obrolan (chat ID). Isi angka ID obrolan (mis. 123456789),'
            " yang didapat setelah pegawai mengirim pesan /start ke bot kantor."
            " Baris ini diabaikan.",
        ),
        (
            row("Staf", "X", mulai="10/12/2026", sampai="1 Desember 2026"),
            "Sampai (1 Desember 2026) lebih awal dari Mulai (10 Desember 2026)."
            " Baris ini diabaikan.",
        ),
        (
            row("Camat", "X", jenis="Pj."),
            'Jenis "Pj." tidak dikenal. Kosongkan untuk pejabat definitif, atau isi Plh. atau'
            " Plt. untuk pelaksana harian/tugas. Baris ini diabaikan.",
        ),
    ],
)
def test_a_bad_row_gets_its_pesan_and_is_ignored(cells, pesan):
    pegawai = read_pegawai(HEADERS, [row("Staf", "Ani"), cells], ROLES)
    assert pegawai.pesan == ("", pesan)
    assert pegawai.directory.pelaksana("Staf", date(2026, 12, 1)) == "Staf — Ani"


def test_a_role_with_an_invisible_character_pasted_along_is_the_role_staff_see():
    pegawai = read_pegawai(HEADERS, [row("Staf\u200b", "Ani\ufeff")], ROLES)
    assert pegawai.pesan == ("",)
    assert pegawai.directory.pelaksana("Staf", date(2026, 12, 1)) == "Staf — Ani"


def test_every_problem_of_a_row_is_listed_in_column_order():
    pegawai = read_pegawai(
        HEADERS, [row("Stafff", "X", email="x@", mulai="kemarin", jenis="Pj.")], ROLES
    )
    (pesan,) = pegawai.pesan
    order = ["Peran", "Email", "Mulai", "Jenis", "Baris ini diabaikan."]
    assert [pesan.index(word) for word in order] == sorted(pesan.index(word) for word in order)


def test_two_stand_ins_for_one_role_on_one_day_the_later_row_is_ignored():
    pegawai = read_pegawai(
        HEADERS,
        [
            row("Camat", "Drs. Ahmad Fauzi"),
            row("Camat", "Siti Aminah", mulai="01/12/2026", sampai="05/12/2026", jenis="Plh."),
            row("Camat", "Rudi Hartono", mulai="05/12/2026", sampai="09/12/2026", jenis="Plt."),
            row("Camat", "Wawan", mulai="06/12/2026", sampai="07/12/2026", jenis="Plh."),
        ],
        ROLES,
    )
    assert pegawai.pesan[:2] == ("", "")
    assert pegawai.pesan[2] == (
        "Peran Camat sudah diisi Plh. Siti Aminah (baris 3, 1 Desember s.d. 5 Desember"
        " 2026) pada hari yang sama. Satu peran hanya boleh diisi satu Plh./Plt. pada satu hari."
        " Baris ini diabaikan."
    )
    assert pegawai.pesan[3] == ""  # no longer overlaps once row 4 is ignored
    d = pegawai.directory
    assert d.pelaksana("Camat", date(2026, 12, 5)) == "Camat — Plh. Siti Aminah"
    assert d.pelaksana("Camat", date(2026, 12, 6)) == "Camat — Plh. Wawan"
    assert d.pelaksana("Camat", date(2026, 12, 8)) == "Camat — Drs. Ahmad Fauzi"
    assert d.holders("Camat", date(2026, 12, 6))[0].jenis is Jenis.PLH


def test_columns_are_found_by_header_in_any_order_and_blank_rows_are_ignored():
    headers = ["  nama ", "Catatan kantor", "PERAN", "Telegram", "Pesan"]
    pegawai = read_pegawai(headers, [["Ani", "cuti besok", "Staf", 555], [], [None, "", ""]], ROLES)
    assert pegawai.pesan == ("", "", "")
    assert pegawai.directory.holders("Staf", date(2026, 12, 1))[0].telegram == "555"


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("0812-3456-7890", "6281234567890"),
        ("+62 812-3456-7890", "6281234567890"),
        ("62812 3456 7890", "6281234567890"),
        (81234567890, "6281234567890"),
        (6281234567890.0, "6281234567890"),
        ("(0812) 3456.7890", "6281234567890"),
        ("+60 12-345 6789", "60123456789"),
        ("0812", None),
        ("021-555-1234", None),
        ("+62 0812 3456 7890", None),
        ("satu dua", None),
        (True, None),
    ],
)
def test_whatsapp_numbers_are_normalised_to_e164_digits(typed, number):
    assert whatsapp_number(typed) == number


def test_an_unknown_role_in_people_is_refused_at_load_with_the_closest_role(tmp_path):
    from tests.sheets import run_cli

    config = tmp_path / "sopsync.toml"
    config.write_text(
        '[people]\nSekcamm = "Budi Santoso"\n[notices.supervisors]\nStaf = "Kasubag"\n'
    )
    result = run_cli("sync", "--config", config, "--workbook", tmp_path / "kantor.xlsx")
    assert result.code == 2
    assert "[people] 'Sekcamm' is not a role of the SOP catalog (closest: Sekcam)" in result.err
    assert "[notices.supervisors] 'Kasubag' is not a role of the SOP catalog" in result.err
    assert not (tmp_path / "kantor.xlsx").exists()


def test_people_roles_are_taken_in_any_case():
    from syncer.service import config_people

    config = Config.model_validate({"people": {"sekcam": "Budi Santoso"}})
    assert config_people(config, ROLES) == {"Sekcam": "Budi Santoso"}


def test_pegawai_dates_are_read_as_kalender_dates_are():
    """One reader serves both tabs: a date cell, its serial number, or text in any usual form."""
    for mulai in (datetime(2026, 12, 1), 46357, "01/12/2026", "2026-12-01", "1 Desember 2026"):
        pegawai = read_pegawai(HEADERS, [row("Staf", "Ani", mulai=mulai)], ROLES)
        assert pegawai.pesan == ("",), mulai
        [ani] = pegawai.directory.people
        assert ani.start == date(2026, 12, 1), mulai


def staff(nama: str, nip: object, telegram: str = "", peran: str = "Staf") -> list[object]:
    cells = row(peran, nama, telegram=telegram)
    cells[2] = nip
    return cells


@pytest.mark.parametrize("placeholder", ["-", "Non PNS", "honorer", "0"])
def test_a_nip_placeholder_tells_no_one_apart(placeholder):
    pegawai = read_pegawai(
        HEADERS, [staff("Ani", placeholder, "11"), staff("Dedi", placeholder, "12")], ROLES
    )
    assert pegawai.pesan == ("", "")
    assert pegawai.directory.pelaksana("Staf", date(2026, 12, 1)) == "Staf — Ani, Dedi"
    assert [p.telegram for p in pegawai.directory.holders("Staf", date(2026, 12, 1))] == [
        "11",
        "12",
    ]


def test_a_nip_is_read_with_its_spaces_dots_or_dashes():
    pegawai = read_pegawai(
        HEADERS,
        [
            staff("Budi Santoso", "19750505 200003 1 003", "11", peran="Sekcam"),
            staff("Budi  santoso", "19750505.200003.1.003", peran="Kasubag Umum"),
        ],
        ROLES,
    )
    first, second = pegawai.directory.people
    assert first.identity == second.identity == "nip:197505052000031003"
    assert second.telegram == "11"  # his address, given once, on his other row too


def test_one_nip_on_two_names_is_refused_as_an_identity_with_a_pesan():
    pegawai = read_pegawai(
        HEADERS,
        [
            staff("Ani", "19900101 201501 2 001", "11"),
            staff("Dedi", "19900101 201501 2 001", "12"),  # copied with Ani's row
        ],
        ROLES,
    )
    assert pegawai.pesan == (
        "",
        "NIP sama dengan NIP Ani (baris 2): periksa kembali; sampai diperbaiki, NIP ini tidak"
        " dipakai untuk membedakan pegawai.",
    )
    holders = pegawai.directory.holders("Staf", date(2026, 12, 1))
    assert [(p.name, p.telegram) for p in holders] == [("Ani", "11"), ("Dedi", "12")]


def test_a_nip_typed_as_a_number_gets_a_pesan_and_tells_no_one_apart():
    pegawai = read_pegawai(
        HEADERS,
        [staff("Ani", 1.99001012015012e17, "11"), staff("Dedi", 1.99001012015012e17, "12")],
        ROLES,
    )
    assert pegawai.pesan[0] == (
        "NIP tertulis sebagai angka, sehingga angka terakhirnya dapat berubah: tulis NIP sebagai"
        " teks; sampai diperbaiki, NIP ini tidak dipakai."
    )
    assert pegawai.directory.pelaksana("Staf", date(2026, 12, 1)) == "Staf — Ani, Dedi"
