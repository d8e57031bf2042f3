"""The built-in SOP catalog, its validation rules and its CLI renderings.

The expected SOPs below are copied from DESIGN.md section 4 (the source of
truth), not from the YAML files under test.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

from sop_models import (
    DONE,
    Catalog,
    CatalogError,
    Duration,
    Procedure,
    build_procedure,
    load_catalog,
    load_file,
)
from sop_models.catalog import BUILTIN_DIR, BUILTIN_SOURCE
from sop_models.render import render_list, render_mermaid, render_procedure, total_standard_time

# --- DESIGN.md section 4 ----------------------------------------------------------------------

_RENSTRA = [
    "Staf",
    "Kasubag Evapor",
    "Kasi",
    "Sekcam",
    "Camat",
    "Staf",
    "Kasubag Evapor",
    "Staf",
]
_LAPORAN = [
    "Kasubag Evapor",
    "Staf",
    "Kasubag Evapor",
    "Sekcam",
    "Camat",
    "Kasubag Umum",
    "Kasubag Umum",
]
_RKA = [
    "Camat",
    "Sekcam",
    "Tim",
    "Kasubag Evapor",
    "Staf",
    "Kasubag Evapor",
    "Tim",
    "Sekcam",
    "Camat",
    "Kasubag Umum",
    "Kasubag Umum",
]
_RKA_DECISIONS = {6: (7, 5), 7: (8, 5)}

# code: (title, actor of each step, {decision step: (ya, tidak)})
EXPECTED: dict[str, tuple[str, list[str], dict[int, tuple[int, int]]]] = {
    "renstra": ("Pembuatan Rencana Strategis", _RENSTRA, {5: (6, 3)}),
    "renja": ("Pembuatan Rencana Kerja", _RENSTRA, {5: (6, 3)}),
    "laporan-bulanan": ("Penyusunan Laporan Bulanan", _LAPORAN, {3: (4, 2)}),
    "laporan-semesteran": ("Penyusunan Laporan Semesteran", _LAPORAN, {3: (4, 2)}),
    "laporan-tahunan": ("Penyusunan Laporan Tahunan", _LAPORAN, {3: (4, 2)}),
    "rka": ("Penyusunan RKA", _RKA, _RKA_DECISIONS),
    "dpa": ("Penyusunan DPA", _RKA, _RKA_DECISIONS),
    "lakip": (
        "Penyusunan LAKIP",
        [
            "Camat",
            "Sekcam",
            "Kasubag Evapor",
            "Tim",
            "Staf",
            "Kasubag Evapor",
            "Tim",
            "Sekcam",
            "Camat",
            "Kasubag Umum",
            "Kasubag Umum",
        ],
        _RKA_DECISIONS,
    ),
    "penetapan-kinerja": (
        "Penyusunan Penetapan Kinerja",
        [
            "Camat",
            "Sekcam",
            "Tim",
            "Tim",
            "Staf",
            "Kasubag Evapor",
            "Tim",
            "Sekcam",
            "Camat",
            "Kasubag Umum",
            "Kasubag Umum",
        ],
        _RKA_DECISIONS,
    ),
    "monev": ("Pelaksanaan Monitoring dan Evaluasi", _RKA[:10], _RKA_DECISIONS),
    "iku": (
        "Penyusunan Indikator Kinerja Utama (IKU)",
        [
            "Camat",
            "Sekcam",
            "Kasubag Evapor",
            "Staf",
            "Kasubag Evapor",
            "Sekcam",
            "Camat",
            "Kasubag Umum",
            "Kasubag Umum",
        ],
        {5: (6, 4)},
    ),
}
EXPECTED_STEPS = {
    "renstra": 8,
    "renja": 8,
    "laporan-bulanan": 7,
    "laporan-semesteran": 7,
    "laporan-tahunan": 7,
    "rka": 11,
    "dpa": 11,
    "lakip": 11,
    "penetapan-kinerja": 11,
    "monev": 10,
    "iku": 9,
}
# The opening "Perintah untuk menyusun ..." has no standard time (blank Waktu in the seed).
NO_WAKTU = {"rka", "dpa", "lakip", "monev", "iku", "penetapan-kinerja"}
ACTOR_NAMES = {"Staf", "Kasubag Evapor", "Kasi", "Sekcam", "Camat", "Kasubag Umum", "Tim"}
SOP_LINKS = {"SOP Surat Keluar", "SOP Surat Tugas", "SOP Perjalanan Dinas", "SOP Undangan Rapat"}
CODES = sorted(EXPECTED)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


# --- the built-in catalog ---------------------------------------------------------------------


def test_builtin_catalog_has_exactly_the_eleven_seed_sops(catalog):
    assert sorted(p.code for p in catalog) == CODES
    assert len(catalog) == 11
    assert all(catalog.sources[code] == BUILTIN_SOURCE for code in CODES)


def test_each_builtin_file_is_named_after_its_code():
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        assert load_file(path).code == path.stem


@pytest.mark.parametrize("code", CODES)
def test_title_steps_and_actor_of_each_step_follow_design(catalog, code):
    title, actors, _ = EXPECTED[code]
    proc = catalog.get(code)
    assert proc.title == title
    assert len(proc.steps) == EXPECTED_STEPS[code] == len(actors)
    assert [s.number for s in proc.steps] == list(range(1, EXPECTED_STEPS[code] + 1))
    assert [s.actor for s in proc.steps] == actors
    assert set(proc.actors) <= ACTOR_NAMES
    used = {s.actor for s in proc.steps} | {s.led_by for s in proc.steps if s.led_by}
    assert used == set(proc.actors), "actors: must list exactly the names used"


@pytest.mark.parametrize("code", ["renstra", "renja"])
def test_kajian_step_is_done_by_kasi_led_by_sekcam(catalog, code):
    proc = catalog.get(code)
    assert proc.step(3).actor == "Kasi"
    assert proc.step(3).led_by == "Sekcam"
    assert [s.number for s in proc.steps if s.led_by] == [3]


@pytest.mark.parametrize("code", CODES)
def test_decisions_follow_design(catalog, code):
    proc = catalog.get(code)
    found = {s.number: (s.decision.ya, s.decision.tidak) for s in proc.steps if s.decision}
    assert found == EXPECTED[code][2]


@pytest.mark.parametrize("code", CODES)
def test_every_step_but_the_opening_order_has_a_parseable_standard_time(catalog, code):
    proc = catalog.get(code)
    without = [s.number for s in proc.steps if not s.waktu]
    assert without == ([1] if code in NO_WAKTU else [])
    for step in proc.steps:
        if step.waktu:
            assert Duration.parse(step.waktu) == step.duration is not None
            assert str(step.duration) == step.waktu  # exactly "N menit/jam/hari"


@pytest.mark.parametrize("code", sorted(NO_WAKTU))
def test_opening_order_is_given_by_the_camat(catalog, code):
    first = catalog.get(code).step(1)
    assert first.activity.startswith("Perintah untuk")
    assert first.actor == "Camat"
    assert first.duration is None


@pytest.mark.parametrize("code", CODES)
def test_every_step_is_fully_transcribed(catalog, code):
    for step in catalog.get(code).steps:
        assert step.activity and step.output, f"{code} step {step.number}"
        assert "  " not in step.activity + step.kelengkapan + step.output
        if step.number > 1:
            assert step.kelengkapan, f"{code} step {step.number} has no kelengkapan"


SEED_SLIPS = ("ditandangani", "semeteran", "yg", "sdh", "sbg", "lap")
"""Misspellings and abbreviations of the seed text, written out in the catalog (issue 13)."""


@pytest.mark.parametrize("code", CODES)
def test_staff_read_every_step_in_words_written_out(catalog, code):
    proc = catalog.get(code)
    texts = [proc.title] + [
        " ".join((s.activity, s.kelengkapan, s.output, s.keterangan)) for s in proc.steps
    ]
    words = {w.strip(".,;:()/").casefold() for text in texts for w in text.split()}
    assert not words & set(SEED_SLIPS), f"{code}: {sorted(words & set(SEED_SLIPS))}"


@pytest.mark.parametrize("code", CODES)
def test_sop_references_in_keterangan_are_links(catalog, code):
    for step in catalog.get(code).steps:
        if step.keterangan.startswith("SOP "):
            assert step.keterangan in step.links
        assert set(step.links) <= SOP_LINKS


def test_known_links_of_the_seed(catalog):
    def links(code):
        return {n.number: n.links for n in catalog.get(code).steps if n.links}

    assert links("rka") == {2: ("SOP Surat Tugas",), 10: ("SOP Surat Keluar",)}
    assert links("monev") == {
        2: ("SOP Surat Tugas",),
        3: ("SOP Perjalanan Dinas",),
        10: ("SOP Surat Keluar",),
    }
    assert links("penetapan-kinerja")[3] == ("SOP Undangan Rapat",)
    assert links("renstra") == {}


# --- lookups ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("  penyusunan   rka ", "rka"),
        ("RKA", "rka"),
        ("rka", "rka"),
        ("Penyusunan RKA", "rka"),
        ("renstra", "renstra"),
        ("Rencana Strategis", "renstra"),
        ("RENJA", "renja"),
        ("Laporan Bulanan", "laporan-bulanan"),
        ("laporan-bulanan", "laporan-bulanan"),
        ("lapbul", "laporan-bulanan"),
        ("laporan semesteran", "laporan-semesteran"),
        ("Penyusunan Laporan Tahunan", "laporan-tahunan"),
        ("Penyusunan Indikator Kinerja Utama (IKU)", "iku"),
        ("iku", "iku"),
        ("Indikator Kinerja Utama", "iku"),
        ("pk", "penetapan-kinerja"),
        ("Penetapan Kinerja", "penetapan-kinerja"),
        ("monev", "monev"),
        ("monitoring dan evaluasi", "monev"),
        ("lakip", "lakip"),
        ("Dpa", "dpa"),
    ],
)
def test_lookup_by_code_title_or_short_name_in_any_case_and_spacing(catalog, name, code):
    found = catalog.lookup(name)
    assert found is not None and found.code == code


@pytest.mark.parametrize("name", ["laporan mingguan", "", "   ", "rkaa", "SOP Surat Keluar"])
def test_unknown_name_is_not_found(catalog, name):
    assert catalog.lookup(name) is None


def test_suggest_offers_the_closest_sop_first(catalog):
    suggestions = catalog.suggest("laporan buln")
    assert suggestions[0].code == "laporan-bulanan"
    assert catalog.suggest("penyusunan rak")[0].code == "rka"


# --- validation of broken files ---------------------------------------------------------------


def _base() -> dict:
    """A small valid SOP: 4 steps, a review at step 3 sending back to step 2."""
    return {
        "code": "contoh",
        "title": "Penyusunan Contoh",
        "aliases": ["Contoh"],
        "actors": ["Staf", "Kasubag Evapor", "Camat"],
        "steps": [
            {"number": 1, "activity": "Menyusun konsep", "actor": "Kasubag Evapor"},
            {"number": 2, "activity": "Mengetik konsep", "actor": "Staf", "waktu": "1 hari"},
            {
                "number": 3,
                "activity": "Memeriksa ketikan",
                "actor": "Kasubag Evapor",
                "waktu": "30 menit",
                "decision": {"ya": 4, "tidak": 2},
            },
            {"number": 4, "activity": "Memberikan tanda tangan", "actor": "Camat"},
        ],
    }


def _write(folder: Path, data: dict, name: str = "contoh.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _problems(path: Path) -> list:
    with pytest.raises(CatalogError) as info:
        load_file(path)
    assert str(info.value) == "\n".join(str(p) for p in info.value.problems)
    return list(info.value.problems)


def _only(path: Path):
    problems = _problems(path)
    assert len(problems) == 1, problems
    return problems[0]


def test_base_example_is_valid(tmp_path):
    proc = load_file(_write(tmp_path, _base()))
    assert proc.next_steps(3) == (4, 2)
    assert proc.next_steps(4) == (DONE,)


def test_gap_in_numbering_is_rejected(tmp_path):
    data = _base()
    data["steps"][3]["number"] = 5
    problem = _only(_write(tmp_path, data))
    assert problem.rule == "numbering"
    assert "[1, 2, 3, 5]" in problem.message and "1..4" in problem.message
    assert str(problem).startswith("contoh.yaml: [numbering]")


def test_tidak_target_pointing_forward_is_rejected(tmp_path):
    data = _base()
    data["steps"][1]["decision"] = {"ya": 3, "tidak": 4}
    problem = _only(_write(tmp_path, data))
    assert (problem.rule, problem.step) == ("decision-tidak-back", 2)
    assert str(problem) == (
        "contoh.yaml: step 2: [decision-tidak-back] Tidak target 4 must be an earlier step (1..1)"
    )


def test_ya_target_pointing_backward_is_rejected(tmp_path):
    data = _base()
    data["steps"][2]["decision"] = {"ya": 1, "tidak": 2}
    problem = _only(_write(tmp_path, data))
    assert (problem.rule, problem.step) == ("decision-ya-forward", 3)
    assert str(problem) == (
        "contoh.yaml: step 3: [decision-ya-forward] Ya target 1 must be a later step (4..4)"
    )


@pytest.mark.parametrize(("ya", "tidak", "bad"), [(9, 2, "Ya target 9"), (4, 0, "Tidak target 0")])
def test_decision_target_that_does_not_exist_is_rejected(tmp_path, ya, tidak, bad):
    data = _base()
    data["steps"][2]["decision"] = {"ya": ya, "tidak": tidak}
    problem = _only(_write(tmp_path, data))
    assert (problem.rule, problem.step) == ("decision-target", 3)
    assert str(problem) == f"contoh.yaml: step 3: [decision-target] {bad} is not a step (1..4)"


def test_a_control_character_no_sheet_can_hold_is_rejected_where_it_is(tmp_path):
    data = _base()
    data["steps"][1]["keterangan"] = "Lihat\vlampiran"  # pasted from a word processor
    data["identity"] = {"nomor": "800/\x0212/2026"}
    problems = _problems(_write(tmp_path, data))
    assert [str(p) for p in problems] == [
        "contoh.yaml: [characters] identity.nomor holds the control character U+0002, which no"
        " sheet or printout can show: delete it ('800/\\x0212/2026')",
        "contoh.yaml: step 2: [characters] keterangan holds the control character U+000B, which"
        " no sheet or printout can show: delete it ('Lihat\\x0blampiran')",
    ]


@pytest.mark.parametrize(
    ("actor", "what"), [("Kasi, Umum", "a comma"), ('Kasi "PM"', "a double quote")]
)
def test_an_actor_the_peran_list_cannot_hold_is_rejected(tmp_path, actor, what):
    data = _base()
    data["actors"][1] = actor
    data["steps"][0]["actor"] = data["steps"][2]["actor"] = actor
    problem = _only(_write(tmp_path, data))
    assert str(problem) == (
        f"contoh.yaml: [actor-name] actor {actor!r} holds {what}: the sheet's Peran list"
        " separates roles by commas; write it without"
    )


def test_a_file_saved_in_windows_ansi_says_where_and_what_to_do(tmp_path):
    path = tmp_path / "contoh.yaml"
    text = yaml.safe_dump(_base(), allow_unicode=True, sort_keys=False)
    path.write_bytes(text.replace("Menyusun konsep", "Menyusun konsep – awal").encode("cp1252"))
    assert str(_only(path)) == (
        "contoh.yaml: [readable] line 11: byte 0x96 is not UTF-8 text: save the file as UTF-8"
    )


def test_a_step_number_yaml_reads_as_true_is_refused_once_at_its_step(tmp_path):
    data = _base()
    data["steps"] = data["steps"][:1]
    data["steps"][0]["number"] = True  # `number: yes`
    assert str(_only(_write(tmp_path, data))) == (
        "contoh.yaml: step 1: [schema:number] true is not a step number: write a whole number"
    )


def test_undeclared_actor_is_rejected(tmp_path):
    data = _base()
    data["steps"][3]["actor"] = "Lurah"
    problem = _only(_write(tmp_path, data))
    assert (problem.rule, problem.step) == ("actor-declared", 4)
    assert "'Lurah' is not declared" in problem.message
    assert "Staf, Kasubag Evapor, Camat" in problem.message
    assert str(problem).startswith("contoh.yaml: step 4: [actor-declared]")


def test_undeclared_leader_is_rejected(tmp_path):
    data = _base()
    data["steps"][0]["led_by"] = "Sekcam"
    problem = _only(_write(tmp_path, data))
    assert (problem.rule, problem.step) == ("actor-declared", 1)
    assert problem.message.startswith("led_by 'Sekcam' is not declared")


def test_unparseable_waktu_is_rejected(tmp_path):
    data = _base()
    data["steps"][1]["waktu"] = "1 minggu"
    problem = _only(_write(tmp_path, data))
    assert (problem.rule, problem.step) == ("waktu", 2)
    assert "'1 minggu'" in problem.message
    assert "'N menit', 'N jam' or 'N hari'" in problem.message
    assert str(problem).startswith("contoh.yaml: step 2: [waktu]")


def test_a_waktu_too_long_says_so(tmp_path):
    data = _base()
    data["steps"][1]["waktu"] = "10000 jam"
    problem = _only(_write(tmp_path, data))
    assert (problem.rule, problem.step) == ("waktu", 2)
    assert problem.message == "waktu '10000 jam' is too long: an amount is at most 9999"
    data["steps"][1]["waktu"] = "9" * 5000 + " hari"  # more digits than Python converts
    problem = _only(_write(tmp_path, data))
    assert (problem.rule, problem.step) == ("waktu", 2)
    assert problem.message == f"waktu '{'9' * 39}…' is too long: an amount is at most 9999"


def test_misspelt_key_is_rejected(tmp_path):
    data = _base()
    data["steps"][2]["activty"] = data["steps"][2].pop("activity")
    problems = _problems(_write(tmp_path, data))
    by_rule = {p.rule: p for p in problems}
    assert set(by_rule) == {"schema:activty", "schema:activity"}
    assert all(p.step == 3 and p.source == "contoh.yaml" for p in problems)
    assert "not permitted" in by_rule["schema:activty"].message
    assert "Memeriksa ketikan" in by_rule["schema:activty"].message  # shows the value
    assert "required" in by_rule["schema:activity"].message.lower()


def test_unknown_top_level_key_is_rejected(tmp_path):
    data = _base()
    data["judul"] = "Penyusunan Contoh"
    problem = _only(_write(tmp_path, data))
    assert problem.rule == "schema:judul" and problem.step is None


def test_step_skipped_by_a_ya_target_is_unreachable(tmp_path):
    data = _base()
    # 5 steps; the review at step 2 sends Ya to step 4: nothing ever leads to step 3.
    data["steps"] = [
        {"number": 1, "activity": "Menyusun", "actor": "Staf"},
        {"number": 2, "activity": "Memeriksa", "actor": "Camat", "decision": {"ya": 4, "tidak": 1}},
        {"number": 3, "activity": "Terlewati", "actor": "Staf"},
        {"number": 4, "activity": "Mengagenda", "actor": "Staf"},
    ]
    problem = _only(_write(tmp_path, data))
    assert (problem.rule, problem.step) == ("reachable", 3)
    assert str(problem) == "contoh.yaml: step 3: [reachable] cannot be reached from step 1"


def test_every_step_of_a_well_formed_sop_can_finish():
    """The "finishes" rule cannot be violated by a file that passes the other rules.

    Numbering is 1..N, a plain step goes to the next one and a Ya target must be a
    later step, so following Ya/next always climbs to step N; step N cannot be a
    decision (its Ya target would have to be N+1, which is not a step), so it ends
    in Selesai. No broken file for that rule can be written; this checks the
    argument exhaustively on every SOP of up to 5 steps with one or two decisions.
    """
    checked = 0
    for n in range(1, 6):
        edges = [
            (k, ya, tidak)
            for k in range(1, n + 1)
            for ya in range(1, n + 2)
            for tidak in (0, 1, 2, 3, 4)
        ]
        for count in (1, 2):
            for chosen in itertools.combinations(edges, count):
                if len({k for k, _, _ in chosen}) != count:
                    continue
                decisions = {k: {"ya": ya, "tidak": tidak} for k, ya, tidak in chosen}
                steps = [
                    {"number": i, "activity": "x", "actor": "Staf", "decision": decisions.get(i)}
                    for i in range(1, n + 1)
                ]
                data = {"code": "c", "title": "t", "actors": ["Staf"], "steps": steps}
                try:
                    build_procedure(data, "c.yaml")
                    problems: tuple = ()
                except CatalogError as exc:
                    problems = exc.problems
                assert all(p.rule != "finishes" for p in problems), problems
                checked += not any(p.rule.startswith("decision") for p in problems)
    assert checked >= 50  # well-formed SOPs, for which reachability was actually checked


def test_yaml_syntax_error_names_the_file_and_line(tmp_path):
    path = tmp_path / "rusak.yaml"
    path.write_text("code: rusak\nsteps: [\n  - number: 1\n", encoding="utf-8")
    problem = _only(path)
    assert problem.rule == "yaml"
    assert str(problem).startswith("rusak.yaml: [yaml]")
    assert "line" in problem.message


@pytest.mark.parametrize("where", ["identity:\n  tanggal_pembuatan: ", "keterangan: "])
def test_a_date_that_does_not_exist_names_the_file_and_line(tmp_path, where):
    path = tmp_path / "tanggal.yaml"
    path.write_text(f"code: tanggal\n{where}2026-02-30\n", encoding="utf-8")
    problem = _only(path)
    assert problem.rule == "yaml"
    assert "2026-02-30 is not a date (day is out of range for month)" in problem.message
    assert f"line {where.count(chr(10)) + 2}" in problem.message


def test_file_that_is_not_a_mapping_is_rejected(tmp_path):
    path = tmp_path / "daftar.yaml"
    path.write_text("- code: a\n- code: b\n", encoding="utf-8")
    assert _only(path).rule == "shape"


def test_every_problem_of_a_file_is_listed_not_only_the_first(tmp_path):
    data = _base()
    data["steps"][0]["actor"] = "Lurah"  # step 1: undeclared actor
    data["steps"][1]["decision"] = {"ya": 3, "tidak": 3}  # step 2: Tidak forward
    data["steps"][2]["decision"] = {"ya": 7, "tidak": 2}  # step 3: Ya target not a step
    problems = _problems(_write(tmp_path, data))
    assert [(p.step, p.rule) for p in problems] == [
        (1, "actor-declared"),
        (2, "decision-tidak-back"),
        (3, "decision-target"),
    ]


def test_every_schema_problem_of_a_file_is_listed(tmp_path):
    data = _base()
    data["steps"][1]["activty"] = "Mengetik"
    data["steps"][3]["actor"] = ""
    problems = _problems(_write(tmp_path, data))
    assert {(p.step, p.rule) for p in problems} >= {
        (2, "schema:activty"),
        (4, "schema:actor"),
    }


def test_every_rule_problem_of_a_file_is_listed_together(tmp_path):
    data = _base()
    data["steps"][0]["waktu"] = "1 minggu"
    data["steps"][1]["actor"] = "Lurah"
    problems = _problems(_write(tmp_path, data))
    assert {(p.step, p.rule) for p in problems} >= {(1, "waktu"), (2, "actor-declared")}


# --- office folders ---------------------------------------------------------------------------


def test_office_folder_adds_sops(tmp_path):
    path = _write(tmp_path, _base())
    catalog = load_catalog([tmp_path])
    assert len(catalog) == 12
    assert catalog.lookup("contoh").code == "contoh"
    assert catalog.sources["contoh"] == str(path)
    assert catalog.sources["rka"] == BUILTIN_SOURCE


def test_two_files_with_the_same_code_in_one_office_folder_are_rejected(tmp_path):
    _write(tmp_path, _base(), "a.yaml")
    _write(tmp_path, _base(), "b.yaml")
    with pytest.raises(CatalogError) as info:
        load_catalog([tmp_path])
    [problem] = info.value.problems
    assert problem.rule == "unique-code"
    assert str(problem) == "b.yaml: [unique-code] code 'contoh' is already defined in a.yaml"


def test_office_file_overrides_a_builtin_code(tmp_path):
    data = _base()
    data.update(code="rka", title="Penyusunan RKA Kecamatan", aliases=["RKA"])
    path = _write(tmp_path, data, "rka-kantor.yaml")
    catalog = load_catalog([tmp_path])
    assert len(catalog) == 11
    assert catalog.sources["rka"] == str(path)
    assert catalog.get("rka").title == "Penyusunan RKA Kecamatan"
    assert len(catalog.get("rka").steps) == 4
    assert catalog.lookup("RKA").title == "Penyusunan RKA Kecamatan"
    assert str(path) in render_list(catalog)


def test_broken_office_file_is_reported_with_its_name(tmp_path):
    data = _base()
    data["steps"][1]["waktu"] = "2 minggu"
    _write(tmp_path, data, "salah.yaml")
    _write(tmp_path, {**_base(), "code": "lain"}, "benar.yaml")
    with pytest.raises(CatalogError) as info:
        load_catalog([tmp_path])
    assert [(p.source, p.step, p.rule) for p in info.value.problems] == [("salah.yaml", 2, "waktu")]


def test_missing_office_folder_is_rejected(tmp_path):
    with pytest.raises(CatalogError, match="does not exist"):
        load_catalog([tmp_path / "tidak-ada"])


def test_a_procedure_not_numbered_1_to_n_cannot_be_built():
    data = _base()
    data["steps"][3]["number"] = 7
    with pytest.raises(ValueError, match=r"numbered \[1, 2, 3, 7\]; they must be 1..4"):
        Procedure.model_validate(data)


def test_a_procedure_breaking_any_rule_cannot_be_built():
    data = _base()
    data["steps"][1]["decision"] = {"ya": 3, "tidak": 4}
    with pytest.raises(ValueError, match="decision-tidak-back"):
        Procedure.model_validate(data)


def test_an_alias_that_is_another_sops_title_is_refused_naming_both_files(tmp_path):
    data = _base()
    data["aliases"] = ["Penyusunan RKA"]
    _write(tmp_path, data, "contoh.yaml")
    with pytest.raises(CatalogError) as info:
        load_catalog([tmp_path])
    [problem] = info.value.problems
    assert problem.rule == "unique-name" and problem.source == "contoh.yaml"
    assert "'Penyusunan RKA' of SOP 'contoh'" in problem.message
    assert "SOP 'rka' in rka.yaml (bawaan)" in problem.message


def test_an_alias_clash_is_refused_whichever_file_comes_first(tmp_path):
    first = {**_base(), "code": "aaa", "title": "Surat Masuk", "aliases": ["Agenda"]}
    second = {**_base(), "code": "zzz", "title": "Surat Keluar", "aliases": ["agenda!"]}
    _write(tmp_path, first, "a.yaml")
    _write(tmp_path, second, "z.yaml")
    with pytest.raises(CatalogError) as info:
        load_catalog([tmp_path])
    [problem] = info.value.problems
    assert problem.rule == "unique-name" and "a.yaml" in problem.message
    assert problem.source == "z.yaml"


def test_two_sops_whose_ids_would_share_a_prefix_are_refused(tmp_path):
    data = {**_base(), "code": "lembar-baru", "title": "Lembar Baru"}
    _write(tmp_path, data, "lembar.yaml")  # LB, as laporan-bulanan
    with pytest.raises(CatalogError) as info:
        load_catalog([tmp_path])
    [problem] = info.value.problems
    assert problem.rule == "unique-prefix" and problem.source == "lembar.yaml"
    assert "LB-" in problem.message and "laporan-bulanan" in problem.message
    data["id_prefix"] = "LBR"
    _write(tmp_path, data, "lembar.yaml")
    assert load_catalog([tmp_path]).get("lembar-baru").prefix == "LBR"


def test_a_catalog_with_clashing_names_cannot_be_built():
    rka = load_catalog().get("rka")
    twin = rka.model_copy(update={"code": "rka-2"})
    with pytest.raises(CatalogError, match="unique-name"):
        Catalog({"rka": rka, "rka-2": twin})


# --- renderings -------------------------------------------------------------------------------


def test_total_standard_time_keeps_days_apart_from_hours(catalog):
    # 1 + 1 hari; 30 + 20 + 10 + 15 menit + 2 jam = 3 jam 15 menit
    assert total_standard_time(catalog.get("laporan-bulanan")) == "2 hari 3 jam 15 menit"
    # steps 3-7 take 1 hari each; 30 + 30 + 15 + 15 menit + 2 jam; step 1 has none
    assert total_standard_time(catalog.get("rka")) == "5 hari 3 jam 30 menit"


def test_total_standard_time_of_sop_without_times(tmp_path):
    data = _base()
    for step in data["steps"]:
        step.pop("waktu", None)
    assert total_standard_time(load_file(_write(tmp_path, data))) == "-"


def test_render_list_has_one_aligned_line_per_sop(catalog):
    lines = render_list(catalog).splitlines()
    assert len(lines) == 2 + 11  # header, rule, one line per SOP
    rows = {line.split()[0]: line for line in lines[2:]}
    assert sorted(rows) == CODES
    for code, line in rows.items():
        proc = catalog.get(code)
        assert proc.title in line
        assert f"  {len(proc.steps)}  " in line
        assert total_standard_time(proc) in line
        assert line.rstrip().endswith("bawaan")
    # columns are aligned: each title starts at the same position
    starts = {line.index(catalog.get(code).title) for code, line in rows.items()}
    assert len(starts) == 1
    assert "2 hari 3 jam 15 menit" in rows["laporan-bulanan"]


def _numbered(text: str) -> dict[int, str]:
    rows = {}
    for line in text.splitlines():
        first = line.split(maxsplit=1)[0] if line.strip() else ""
        if first.isdigit() and not line.startswith(" "):
            rows[int(first)] = line
    return rows


def test_render_procedure_shows_every_step_of_rka(catalog):
    text = render_procedure(catalog.get("rka"))
    lines = text.splitlines()
    assert lines[0] == "rka: Penyusunan RKA"
    assert "Keterkaitan: SOP Surat Tugas, SOP Surat Keluar" in text
    rows = _numbered(text)
    assert sorted(rows) == list(range(1, 12))
    assert "Ya→7 / Tidak→5" in rows[6]
    assert "Ya→8 / Tidak→5" in rows[7]
    assert sum("Ya→" in line for line in lines) == 2
    assert "Perintah untuk menyusun RKA" in rows[1] and " - " in rows[1]  # no standard time
    assert "Camat" in rows[1] and "Disposisi" in rows[1]
    assert "Kasubag Umum" in rows[11] and "2 jam" in rows[11] and "Bukti pengiriman" in rows[11]
    assert max(len(line) for line in lines) <= 120


def test_render_procedure_wraps_long_text_without_losing_words(catalog):
    proc = catalog.get("renstra")
    text = render_procedure(proc)
    assert max(len(line) for line in text.splitlines()) <= 120
    assert "Kasi (dipimpin Sekcam)" in _numbered(text)[3]
    words = text.split()
    for step in proc.steps:
        for word in step.activity.split():
            assert word in words
    assert "Keterkaitan" not in text  # renstra names no other SOP


@pytest.mark.parametrize("code", CODES)
def test_render_procedure_fits_120_columns_for_every_sop(catalog, code):
    text = render_procedure(catalog.get(code))
    assert max(len(line) for line in text.splitlines()) <= 120
    assert sorted(_numbered(text)) == list(range(1, EXPECTED_STEPS[code] + 1))


def test_render_mermaid_draws_steps_decisions_and_end(catalog):
    text = render_mermaid(catalog.get("rka"))
    assert text.startswith("flowchart")
    assert "1. Camat: Perintah untuk menyusun RKA" in text
    assert "s5 --> s6" in text
    assert "s6 -->|Ya| s7" in text and "s6 -->|Tidak| s5" in text
    assert "s7 -->|Ya| s8" in text and "s7 -->|Tidak| s5" in text
    assert "s11 --> selesai" in text and '"Selesai"' in text
    assert "s6 --> s7" not in text  # a decision has only its labelled edges
