"""``sopsync sop render``: the SOP documents written as files, and its mistakes as one sentence."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pypdf import PdfReader

from sop_models import load_catalog
from sop_models.drawing import MM
from tests.sheets import run_cli, said

CODES = sorted(p.code for p in load_catalog())


def test_render_all_writes_one_pdf_per_sop_that_opens(tmp_path):
    result = run_cli("sop", "render", "--all", "--out", tmp_path)
    assert result.code == 0, result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{c}.pdf" for c in CODES)
    for code in CODES:
        reader = PdfReader(tmp_path / f"{code}.pdf")
        box = reader.pages[0].mediabox
        assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (297, 210)
        assert f"{code}.pdf" in result.out


def test_render_chosen_sops_by_code_or_title_as_svg_on_f4(tmp_path):
    result = run_cli(
        "sop",
        "render",
        "rka",
        "Penyusunan LAKIP",
        "--format",
        "svg",
        "--paper",
        "f4",
        "--out",
        tmp_path,
    )
    assert result.code == 0, result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lakip.svg", "rka.svg"]
    root = ET.parse(tmp_path / "rka.svg").getroot()
    assert root.get("width") == "330mm"
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Menghimpun konsep RKA" in texts and "Halaman 2 dari 2" in texts


def test_an_unknown_sop_is_one_sentence_with_the_closest_codes_and_nothing_written(tmp_path):
    result = run_cli("sop", "render", "rka", "laporan bulanann", "--out", tmp_path)
    assert result.code == 2
    assert result.err.strip().startswith("sopsync: no SOP 'laporan bulanann'; closest:")
    assert "laporan-bulanan" in result.err and len(result.err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_sop_is_bad_usage_under_python_m_too(tmp_path):
    """`python -m syncer.cli` runs the module as its own copy: its usage errors must still be
    one sentence and exit 2, not an unexpected error."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "syncer.cli", "sop", "render", "zzzz", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "sopsync: no SOP 'zzzz'; `sopsync sop list` lists them"


def test_a_missing_output_folder_is_made_as_mkdir_would(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the README's `sop render rka --out dokumen`, in a new folder
    result = run_cli("sop", "render", "rka", "--out", "dokumen")
    assert result.code == 0, result.err
    assert [p.name for p in (tmp_path / "dokumen").iterdir()] == ["rka.pdf"]
    assert PdfReader(tmp_path / "dokumen" / "rka.pdf").pages


def test_an_output_folder_whose_parent_is_missing_or_no_sop_named_is_bad_usage(tmp_path):
    missing = run_cli("sop", "render", "rka", "--out", tmp_path / "tidak-ada" / "dokumen")
    assert missing.code == 2 and said(missing.err) == (
        f"sopsync: --out '{tmp_path / 'tidak-ada' / 'dokumen'}': no folder"
        f" '{tmp_path / 'tidak-ada'}' to make it in"
    )
    nothing = run_cli("sop", "render", "--out", tmp_path)
    assert nothing.code == 2 and "--all" in nothing.err
    both = run_cli("sop", "render", "rka", "--all", "--out", tmp_path)
    assert both.code == 2
    paper = run_cli("sop", "render", "rka", "--paper", "a3", "--out", tmp_path)
    assert paper.code == 2 and "a3" in paper.err
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "rka.pdf").write_bytes(b"%PDF")
    a_file = run_cli("sop", "render", "rka", "--out", tmp_path / "rka.pdf")
    assert a_file.code == 2 and f"--out '{tmp_path / 'rka.pdf'}' is a file: name a folder" in (
        a_file.err
    )


def test_an_office_sop_too_wide_for_the_paper_is_one_sentence(tmp_path):
    folder = tmp_path / "sop"
    folder.mkdir()
    actors = [f"Peran {n}" for n in range(20)]
    steps = "\n".join(
        f"  - {{number: {n + 1}, activity: Langkah {n + 1}, actor: {actors[n]}}}" for n in range(20)
    )
    (folder / "lebar.yaml").write_text(
        f"code: lebar\ntitle: Prosedur Lebar\nactors: [{', '.join(actors)}]\nsteps:\n{steps}\n"
    )
    config = tmp_path / "sopsync.toml"
    config.write_text(f'[sop]\nfolders = ["{folder}"]\n')
    result = run_cli("sop", "--config", config, "render", "lebar", "--out", tmp_path)
    assert result.code == 2 and "SOP lebar: 20 actors do not fit" in result.err
    assert not (tmp_path / "lebar.pdf").exists()


def test_config_comes_before_or_after_each_sop_action(tmp_path):
    folder = tmp_path / "sop"
    folder.mkdir()
    (folder / "kecil.yaml").write_text(
        "code: kecil\ntitle: Prosedur Kecil\nactors: [Staf, Kepala]\nsteps:\n"
        "  - {number: 1, activity: Menyusun konsep, actor: Staf}\n"
        "  - {number: 2, activity: Menyetujui konsep, actor: Kepala}\n"
    )
    config = tmp_path / "sopsync.toml"
    config.write_text(f'[sop]\nfolders = ["{folder}"]\n')
    out = tmp_path / "dokumen"
    result = run_cli("sop", "render", "--config", config, "kecil", "--out", out)
    assert result.code == 0, result.err
    assert [p.name for p in out.iterdir()] == ["kecil.pdf"]
    for action in (["list"], ["show", "kecil"]):
        before = run_cli("sop", "--config", config, *action)
        after = run_cli("sop", *action, "--config", config)
        assert before.code == 0 and "Prosedur Kecil" in before.out, before.err
        assert (after.code, after.out) == (0, before.out)
