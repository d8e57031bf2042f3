"""The SOP document (Permenpan RB 35/2012) as offices print it: its geometry, read from the model.

Every property is checked on the eleven seed SOPs on both papers, and the
structural ones also on generated SOPs (any number of actors and steps, loops
anywhere, long texts). Expected arrows come from the SOP itself, not from
the router under test.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from io import BytesIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from sop_models import Procedure, load_catalog
from sop_models.document import Document, build
from sop_models.document_pdf import pdf_bytes
from sop_models.document_svg import svg_text
from sop_models.drawing import MM, Box, Page, Paper, Polyline, Rect, Text, item_box
from sop_models.flow_arrows import Arrow, Flow
from sop_models.flowchart import Side, SymbolKind
from sop_models.fonts import Font

CATALOG = load_catalog()
CODES = sorted(p.code for p in CATALOG)
SLACK = 0.05


def documents() -> list[Document]:
    return [build(CATALOG.get(code), paper) for code in CODES for paper in Paper]


SEEDS = documents()
SEED_IDS = [f"{d.proc.code}-{d.paper.name}" for d in SEEDS]


def expected_edges(proc: Procedure) -> list[tuple[Flow, int, int]]:
    """The arrows an SOP must show: each step to the next, a decision to its Ya and Tidak."""
    edges = []
    for step in proc.steps:
        if step.decision is not None:
            edges.append((Flow.YA, step.number, step.decision.ya))
            edges.append((Flow.TIDAK, step.number, step.decision.tidak))
        elif step.number < len(proc.steps):
            edges.append((Flow.NEXT, step.number, step.number + 1))
    return edges


def flow_page(doc: Document, index: int) -> Page:
    return doc.pages[doc.first_flow_page + index]


def ports(doc: Document, step: int) -> set[tuple[float, float]]:
    symbol = doc.flow.symbols[step]
    return {symbol.port(side) for side in Side}


def near(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) < SLACK and abs(a[1] - b[1]) < SLACK


def at_port(point: tuple[float, float], doc: Document, step: int) -> bool:
    return any(near(point, port) for port in ports(doc, step))


def segments(arrow: Arrow) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    return list(itertools.pairwise(arrow.points))


def segment_hits(a: tuple[float, float], b: tuple[float, float], box: Box) -> bool:
    """Whether an axis-parallel segment enters the inside of ``box``."""
    left, right = min(a[0], b[0]), max(a[0], b[0])
    top, bottom = min(a[1], b[1]), max(a[1], b[1])
    inner = box.inset(0.2)
    return left < inner.right and right > inner.x and top < inner.bottom and bottom > inner.y


def overlaps(a: Box, b: Box) -> bool:
    return a.overlaps(b)


# --- structure: checked on the seeds and on generated SOPs -----------------------------------


def check_symbols_in_lane_and_row(doc: Document) -> None:
    grid = doc.flow.sheet.grid
    for steps in doc.flow.pages:
        assert steps, "a page without steps"
        for number in steps:
            step, symbol = doc.proc.step(number), doc.flow.symbols[number]
            lane, row = grid.lane(step.actor), doc.flow.rows[number]
            box = symbol.box
            assert lane.x < box.x and box.right < lane.right, (number, "outside its lane")
            assert row.y < box.y and box.bottom < row.bottom, (number, "outside its row")
            kind = symbol.kind
            if number in (1, doc.proc.last):
                assert kind is SymbolKind.TERMINAL
            elif step.decision is not None:
                assert kind is SymbolKind.DECISION
            else:
                assert kind is SymbolKind.ACTIVITY
    for steps in doc.flow.pages:
        rows = [doc.flow.rows[n] for n in steps]
        for upper, lower in itertools.pairwise(rows):
            assert abs(upper.bottom - lower.y) < SLACK, "rows not stacked in step order"
    assert [n for steps in doc.flow.pages for n in steps] == list(range(1, doc.proc.last + 1))


def check_arrows_join_steps(doc: Document) -> None:
    """Each expected arrow runs from its step's symbol to its target's, whole or via connectors."""
    page_of = doc.flow.page_of
    seen = set()
    for flow, source, target in expected_edges(doc.proc):
        pieces = [a for a in doc.arrows if (a.flow, a.source, a.target) == (flow, source, target)]
        seen.update(id(p) for p in pieces)
        if page_of(source) == page_of(target):
            assert len(pieces) == 1, (flow, source, target)
            (arrow,) = pieces
            assert arrow.page == page_of(source) and arrow.start is None and arrow.end is None
            assert at_port(arrow.points[0], doc, source) and at_port(arrow.points[-1], doc, target)
            continue
        assert len(pieces) == 2, (flow, source, target)
        leaving, arriving = sorted(pieces, key=lambda a: a.page != page_of(source))
        assert leaving.page == page_of(source) and arriving.page == page_of(target)
        assert leaving.end is not None and arriving.start is not None
        assert leaving.end.letter == arriving.start.letter
        assert at_port(leaving.points[0], doc, source)
        assert leaving.end.box.contains(leaving.points[-1]) and not leaving.end.box.inset(
            0.5
        ).contains(leaving.points[-1])
        assert arriving.start.box.contains(arriving.points[0])
        assert at_port(arriving.points[-1], doc, target)
    assert len(seen) == len(doc.arrows), "an arrow the SOP does not have"
    for arrow in doc.arrows:
        for (x0, y0), (x1, y1) in segments(arrow):
            assert abs(x0 - x1) < SLACK or abs(y0 - y1) < SLACK, "a slanted segment"


def check_decisions_have_two_labelled_exits(doc: Document) -> None:
    for step in doc.proc.steps:
        leaving = [
            a
            for a in doc.arrows
            if a.source == step.number and a.start is None and at_port(a.points[0], doc, a.source)
        ]
        if step.decision is None:
            assert all(a.flow is Flow.NEXT and a.label is None for a in leaving)
            continue
        assert sorted((a.flow.value, a.label.text if a.label else None) for a in leaving) == [
            ("Tidak", "Tidak"),
            ("Ya", "Ya"),
        ]
        ya, tidak = (next(a for a in leaving if a.flow is f) for f in (Flow.YA, Flow.TIDAK))
        exits = {ya.points[0], tidak.points[0]}
        assert len(exits) == 2, "Ya and Tidak leave by the same vertex"
        targets = {Flow.YA: step.decision.ya, Flow.TIDAK: step.decision.tidak}
        for arrow in (ya, tidak):
            if arrow.end is None:
                assert at_port(arrow.points[-1], doc, targets[arrow.flow])


def check_connectors_pair_up(doc: Document) -> None:
    by_letter: dict[str, list[int]] = {}
    for connector in doc.connectors:
        by_letter.setdefault(connector.letter, []).append(connector.page)
    for letter, pages in by_letter.items():
        assert len(pages) == 2 and pages[0] != pages[1], (letter, pages)
    for earlier, later in itertools.pairwise(range(len(doc.flow.pages))):
        leaving = {a.end.letter for a in doc.arrows if a.page == earlier and a.end is not None}
        arriving = {a.start.letter for a in doc.arrows if a.page == later and a.start is not None}
        assert leaving & arriving, f"no connector pair between pages {earlier} and {later}"
    for connector in doc.connectors:
        items = flow_page(doc, connector.page).items
        assert any(isinstance(i, Text) and i.text == connector.letter for i in items)


def check_inside_printable_area(doc: Document) -> None:
    for page in doc.pages:
        area = page.printable
        for item in page.items:
            assert area.encloses(item_box(item), slack=0.5), item


def header_texts(doc: Document, index: int) -> list[Text]:
    sheet = doc.flow.sheet
    top, bottom = sheet.header_top, sheet.rows_top
    items = flow_page(doc, index).items
    return [i for i in items if isinstance(i, Text) and top < i.baseline < bottom]


def check_header_on_every_page(doc: Document) -> None:
    """No | Kegiatan | Pelaksana over a lane per actor | Mutu Baku over three | Keterangan."""
    grid = doc.flow.sheet.grid
    lanes = grid.lanes
    spans = {
        "Pelaksana": (lanes[0].x, lanes[-1].right),
        "Mutu Baku": (grid.column("kelengkapan").x, grid.column("output").right),
    }
    for index in range(len(doc.flow.pages)):
        texts = header_texts(doc, index)
        for column in grid.columns:
            words = [t.text for t in texts if column.x < t.box.x and t.box.right < column.right]
            assert " ".join(words).endswith(column.title), (index, column.title)
        for title, (left, right) in spans.items():
            assert any(t.text == title and left < t.box.x and t.box.right < right for t in texts)


def squash(text: str) -> str:
    return " ".join(text.split())


def check_texts_inside_their_cells(doc: Document) -> None:
    grid = doc.flow.sheet.grid
    for index, steps in enumerate(doc.flow.pages):
        texts = [i for i in flow_page(doc, index).items if isinstance(i, Text)]
        for number in steps:
            row, step = doc.flow.rows[number], doc.proc.step(number)
            in_row = [t for t in texts if row.y < t.baseline < row.bottom]
            cells = {"kegiatan": step.activity, "kelengkapan": step.kelengkapan}
            cells |= {"output": step.output, "keterangan": step.keterangan, "waktu": step.waktu}
            for key, expected in cells.items():
                column = grid.column(key)
                cell = Box(column.x, row.y, column.w, row.h)
                mine = [t for t in in_row if column.x < t.box.cx < column.right]
                assert all(cell.encloses(t.box) for t in mine), (number, key)
                assert " ".join(t.text for t in mine) == squash(expected), (number, key)


def check_labels_clear(doc: Document) -> None:
    """No arrow runs through a Ya/Tidak label; no label lies on a symbol or another label."""
    labels = [a for a in doc.arrows if a.label is not None]
    for arrow in labels:
        assert arrow.label is not None
        box = arrow.label.box
        for other in doc.arrows:
            if other.page == arrow.page:
                for a, b in segments(other):
                    assert not segment_hits(a, b, box.inset(-0.5)), (arrow.source, arrow.flow)
        for n in doc.flow.pages[arrow.page]:
            assert not overlaps(box, doc.flow.symbols[n].box), (arrow.source, n)
    for one, two in itertools.combinations(labels, 2):
        assert one.page != two.page or not overlaps(one.label.box, two.label.box)  # type: ignore[union-attr]


STRUCTURE = (
    check_symbols_in_lane_and_row,
    check_arrows_join_steps,
    check_decisions_have_two_labelled_exits,
    check_connectors_pair_up,
    check_inside_printable_area,
    check_header_on_every_page,
    check_texts_inside_their_cells,
)
# Generated SOPs may route a return arrow through a label (two returns in one lane): seeds not.
SEED_STRUCTURE = (*STRUCTURE, check_labels_clear)


@pytest.mark.parametrize("check", SEED_STRUCTURE, ids=[c.__name__[6:] for c in SEED_STRUCTURE])
@pytest.mark.parametrize("doc", SEEDS, ids=SEED_IDS)
def test_seed_document_structure(doc, check):
    check(doc)


# --- what an office would see: checked on the seeds -----------------------------------------


@pytest.mark.parametrize("doc", SEEDS, ids=SEED_IDS)
def test_no_arrow_runs_through_a_symbol(doc):  # nor a label: check_labels_clear
    for arrow in doc.arrows:
        others = [
            doc.flow.symbols[n]
            for n in doc.flow.pages[arrow.page]
            if n not in (arrow.source, arrow.target)
        ]
        for a, b in segments(arrow):
            for symbol in others:
                assert not segment_hits(a, b, symbol.box), (arrow.flow, arrow.source, symbol.step)


@pytest.mark.parametrize("doc", SEEDS, ids=SEED_IDS)
def test_no_lane_edge_runs_through_a_ya_or_tidak_label(doc):
    edges = [lane.x for lane in doc.flow.sheet.grid.lanes[1:]]
    for arrow in doc.arrows:
        if arrow.label is not None:
            box = arrow.label.box
            assert not [x for x in edges if box.x - 0.5 < x < box.right + 0.5], arrow.source


def test_a_label_moved_off_a_lane_edge_is_moved_only_where_nothing_else_is_drawn():
    """Step 7's Ya label would move past the lane edge into the margin where step 10's Tidak
    arrow climbs: it stays where it was."""
    plan = [(0, None, 1)] * 4 + [(1, None, 1)] * 2
    plan += [(0, 1, 1), (1, None, 1), (0, None, 1), (0, 5, 1), (0, None, 1)]
    doc = build(make_procedure(["Peran A", "Peran B"], plan), Paper.A4)
    check_labels_clear(doc)


@pytest.mark.parametrize("doc", SEEDS, ids=SEED_IDS)
def test_return_arrows_go_back_up_and_ya_goes_on(doc):
    for arrow in doc.arrows:
        if arrow.start is not None or arrow.end is not None:
            continue
        first, last = arrow.points[0], arrow.points[-1]
        if arrow.flow is Flow.TIDAK:
            assert last[1] < first[1], "a Tidak arrow that does not climb"
        else:
            assert last[1] > first[1], "a forward arrow that does not go down"


def test_seed_sops_fit_one_flowchart_page_on_a4_and_f4():
    for doc in SEEDS:
        assert len(doc.flow.pages) == 1, doc.proc.code
        assert len(doc.pages) == 2


# --- generated SOPs --------------------------------------------------------------------------

WORDS = ["menyusun", "konsep", "laporan", "Kasubag", "memeriksa", "dokumen", "rencana", "kerja"]


def make_procedure(actors: list[str], plan: list[tuple[int, int | None, int]]) -> Procedure:
    """``plan``: per step (actor index, Tidak target or None, number of words)."""
    steps = []
    for number, (actor, tidak, words) in enumerate(plan, start=1):
        text = " ".join(WORDS[(number + i) % len(WORDS)] for i in range(words))
        step: dict[str, object] = {
            "number": number,
            "activity": f"Langkah {number} {text}",
            "actor": actors[actor],
            "kelengkapan": text[: words * 3],
            "waktu": "1 hari",
            "output": text[: words * 4],
            "keterangan": "SOP Surat Keluar" if number % 5 == 0 else "",
        }
        if tidak is not None:
            step["decision"] = {"ya": number + 1, "tidak": tidak}
        steps.append(step)
    return Procedure.model_validate(
        {"code": "uji", "title": "Prosedur Uji", "actors": actors, "steps": steps}
    )


@st.composite
def procedures(draw: st.DrawFn) -> Procedure:
    n_actors = draw(st.integers(1, 9))
    actors = [f"Peran {chr(65 + i)}" for i in range(n_actors)]
    n_steps = draw(st.integers(2, 40))
    plan: list[tuple[int, int | None, int]] = []
    for number in range(1, n_steps + 1):
        actor = draw(st.integers(0, n_actors - 1))
        words = draw(st.integers(1, 30))
        tidak = None
        if 1 < number < n_steps and draw(st.integers(0, 4)) == 0:
            tidak = draw(st.integers(1, number - 1))
        plan.append((actor, tidak, words))
    return make_procedure(actors, plan)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(proc=procedures(), paper=st.sampled_from(list(Paper)))
def test_generated_documents_keep_the_structure(proc, paper):
    doc = build(proc, paper)
    for check in STRUCTURE:
        check(doc)


def test_a_long_sop_breaks_across_pages_with_lettered_connector_pairs():
    plan = [(i % 4, None, 25) for i in range(30)]
    doc = build(make_procedure(["Staf", "Kasubag", "Sekcam", "Camat"], plan), Paper.A4)
    assert len(doc.flow.pages) >= 3
    letters = sorted({c.letter for c in doc.connectors})
    assert letters == [chr(65 + i) for i in range(len(doc.flow.pages) - 1)]
    for check in STRUCTURE:
        check(doc)


@pytest.mark.parametrize("decision", range(4, 30))
def test_a_page_break_never_splits_a_loop_that_fits_on_a_page(decision):
    plan: list[tuple[int, int | None, int]] = [(i % 3, None, 20) for i in range(30)]
    plan[decision - 1] = (1, decision - 3, 20)
    doc = build(make_procedure(["Staf", "Kasubag", "Sekcam"], plan), Paper.A4)
    assert doc.flow.page_of(decision - 3) == doc.flow.page_of(decision)
    assert not any(a.flow is Flow.TIDAK and a.end is not None for a in doc.arrows)


def test_a_loop_longer_than_a_page_returns_through_a_connector_pair():
    plan: list[tuple[int, int | None, int]] = [(i % 3, None, 20) for i in range(30)]
    plan[27] = (2, 2, 20)
    doc = build(make_procedure(["Staf", "Kasubag", "Sekcam"], plan), Paper.A4)
    back = [a for a in doc.arrows if a.flow is Flow.TIDAK]
    assert len(back) == 2 and {a.page for a in back} == {doc.flow.page_of(28), doc.flow.page_of(2)}
    assert back[0].end is not None and back[1].start is not None
    assert back[0].end.letter == back[1].start.letter
    for check in STRUCTURE:
        check(doc)


def test_f4_is_330_by_215_mm_landscape_and_a4_297_by_210():
    for doc in SEEDS[:2]:
        page = doc.pages[0]
        expected = {"A4": (297, 210), "F4": (330, 215)}[doc.paper.name]
        assert (round(page.width / MM), round(page.height / MM)) == expected


# --- the identity page -------------------------------------------------------------------------


def identity_texts(doc: Document) -> str:
    return " ".join(
        i.text
        for page in doc.pages[: doc.first_flow_page]
        for i in page.items
        if isinstance(i, Text)
    )


def test_the_identity_page_comes_first_with_every_permenpan_heading():
    doc = build(CATALOG.get("monev"))
    assert doc.first_flow_page == 1
    text = identity_texts(doc)
    for heading in (
        "Nomor SOP",
        "Tanggal Pembuatan",
        "Tanggal Revisi",
        "Tanggal Efektif",
        "Disahkan oleh",
        "Nama SOP",
        "Dasar Hukum:",
        "Kualifikasi Pelaksana:",
        "Keterkaitan:",
        "Peralatan/Perlengkapan:",
        "Peringatan:",
        "Pencatatan dan Pendataan:",
    ):
        assert heading in text, heading
    assert "Pelaksanaan Monitoring dan Evaluasi" in text
    assert "SUBBAGIAN PERENCANAAN DAN EVALUASI PELAPORAN" in text
    for link in ("SOP Surat Tugas", "SOP Perjalanan Dinas", "SOP Surat Keluar"):
        assert link in text


def full_identity(**changes: object) -> Procedure:
    raw = CATALOG.get("rka").model_dump()
    raw["identity"] = {
        "unit": ["Pemerintah Kabupaten Contoh", "Kecamatan Contoh"],
        "nomor": "800/017/SOP/2026",
        "tanggal_pembuatan": "02/01/2026",
        "tanggal_revisi": "2026-03-15",
        "tanggal_efektif": "2026-04-01",
        "disahkan_oleh": {
            "jabatan": "Camat Contoh",
            "nama": "Budi Santoso, S.Sos., M.Si.",
            "nip": "19700101 199003 1 005",
        },
        "dasar_hukum": [
            f"Peraturan nomor {n} tentang hal yang panjang sekali " * 2 for n in range(6)
        ],
        "kualifikasi_pelaksana": [
            "Memahami tugas pokok dan fungsi",
            "Mampu mengoperasikan komputer",
        ],
        "keterkaitan": ["SOP Penyusunan DPA"],
        "peralatan": ["Komputer", "Printer", "ATK"],
        "peringatan": "Jika RKA tidak disusun tepat waktu, anggaran kecamatan terlambat ditetapkan",
        "pencatatan": ["Buku agenda", "Arsip RKA"],
        **changes,
    }
    return Procedure.model_validate(raw)


def test_a_full_identity_is_drawn_with_dates_the_indonesian_way_and_room_to_sign():
    doc = build(full_identity(), Paper.F4)
    text = identity_texts(doc)
    for expected in (
        "800/017/SOP/2026",
        "2 Januari 2026",
        "15 Maret 2026",
        "1 April 2026",
        "Camat Contoh",
        "Budi Santoso, S.Sos., M.Si.",
        "NIP. 19700101 199003 1 005",
        "SOP Penyusunan DPA",
        "SOP Surat Tugas",
        "Komputer",
        "anggaran kecamatan",
        "Buku agenda",
        "KECAMATAN CONTOH",
    ):
        assert expected in text, expected
    items = [i for i in doc.pages[0].items if isinstance(i, Text)]
    jabatan = next(i for i in items if i.text == "Camat Contoh")
    nama = next(i for i in items if i.text.startswith("Budi"))
    assert nama.baseline - jabatan.baseline > 15 * MM, "no room to sign"
    check_inside_printable_area(doc)
    assert any(
        i.text.startswith("Nomor SOP: 800/017")
        for i in flow_page(doc, 0).items
        if isinstance(i, Text)
    )


def test_identity_lists_too_long_for_one_page_continue_on_the_next():
    proc = full_identity(
        dasar_hukum=[f"Peraturan Daerah nomor {n} tentang organisasi" for n in range(30)]
    )
    doc = build(proc, Paper.A4)
    assert doc.first_flow_page == 2
    check_inside_printable_area(doc)
    assert "Peraturan Daerah nomor 29" in identity_texts(doc)
    for page in doc.pages[: doc.first_flow_page]:  # "30." and its text do not touch
        texts = [i for i in page.items if isinstance(i, Text)]
        for number in (t for t in texts if re.fullmatch(r"\d+\.", t.text)):
            beside = [t for t in texts if t.baseline == number.baseline and t.x > number.x]
            line = min(beside, key=lambda t: t.x)
            assert item_box(number).right + 1 * MM <= line.x, number.text


# --- the files -----------------------------------------------------------------------------------


def kegiatan_found(text: str, proc: Procedure) -> list[str]:
    flat = squash(text)
    return [s.activity for s in proc.steps if squash(s.activity) not in flat]


@pytest.mark.parametrize("code", CODES)
def test_the_pdf_opens_and_holds_every_kegiatan(code):
    proc = CATALOG.get(code)
    doc = build(proc, Paper.F4)
    reader = PdfReader(BytesIO(pdf_bytes(doc)))
    assert len(reader.pages) == len(doc.pages)
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (330, 215)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert kegiatan_found(text, proc) == []
    assert proc.title in text and "Halaman 2 dari 2" in text
    fonts = reader.pages[1]["/Resources"]["/Font"]
    names = [str(font.get_object()["/BaseFont"]) for font in fonts.values()]
    assert any("DejaVu" in name or "Vera" in name for name in names), names  # embedded TrueType


@pytest.mark.parametrize("code", CODES)
def test_the_svg_parses_and_holds_every_kegiatan(code):
    proc = CATALOG.get(code)
    doc = build(proc)
    root = ET.fromstring(svg_text(doc))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    pages = root.findall("{http://www.w3.org/2000/svg}g")
    assert len(pages) == len(doc.pages)
    text = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert kegiatan_found(text, proc) == []
    for group, page in zip(pages, doc.pages, strict=True):
        assert len(group) == len(page.items) + 1  # the sheet, then every item


def test_pdf_and_svg_draw_the_same_items():
    doc = build(CATALOG.get("rka"))
    svg = svg_text(doc)
    reader = PdfReader(BytesIO(pdf_bytes(doc)))
    lines = sum(isinstance(i, Polyline) for p in doc.pages for i in p.items)
    assert svg.count("<polyline") == lines
    rects = sum(isinstance(i, Rect) for p in doc.pages for i in p.items)
    assert svg.count("<rect") == rects + len(doc.pages)  # and one sheet per page
    flow_text = reader.pages[1].extract_text()
    assert re.search(r"\bTidak\b", flow_text) and re.search(r"\bYa\b", flow_text)


@pytest.mark.parametrize(
    ("title", "footer"),
    [
        ("Penerimaan Tamu Dinas", "SOP Penerimaan Tamu Dinas"),
        ("SOP Penerimaan Tamu Dinas", "SOP Penerimaan Tamu Dinas"),  # not "SOP SOP"
    ],
)
def test_the_footer_names_the_sop_once(title, footer):
    proc = make_procedure(["Staf"], [(0, None, 2), (0, None, 2)]).model_copy(
        update={"title": title}
    )
    doc = build(proc)
    first = [item.text for item in doc.pages[0].items if isinstance(item, Text)]
    assert footer in first and f"SOP {footer}" not in first


def test_a_title_too_long_for_its_lines_is_cut_before_the_page_number_and_the_nomor():
    proc = make_procedure(["Staf"], [(0, None, 2), (0, None, 2)])
    proc = proc.model_copy(
        update={
            "title": "Penyusunan " + "Laporan Pertanggungjawaban Kegiatan " * 12,
            "identity": proc.identity.model_copy(update={"nomor": "800/123/Kec.Sukamaju/2026"}),
        }
    )
    doc = build(proc)
    for page in doc.pages:
        texts = [t for t in page.items if isinstance(t, Text)]
        title, number = texts[-2:]
        assert title.text.endswith("…") and number.text.startswith("Halaman ")
        assert item_box(title).right < item_box(number).x
    caption, nomor = [t for t in flow_page(doc, 0).items if isinstance(t, Text)][:2]
    assert caption.text.endswith("…") and nomor.text == "Nomor SOP: 800/123/Kec.Sukamaju/2026"
    assert item_box(caption).right < item_box(nomor).x


def test_eight_lanes_keep_whole_words_in_their_titles_and_capsules_for_terminals():
    actors = ["Staf", "Kasubag Evapor", "Kasi", "Sekcam", "Camat", "Kasubag Umum", "Tim"]
    actors.append("Bendahara Pengeluaran Pembantu")
    proc = make_procedure(actors, [(3, None, 2), (0, None, 2), (7, None, 2), (5, None, 2)])
    kelengkapan = "Dokumen pendukung beserta lampiran-lampirannya"
    raw = proc.model_dump()
    raw["steps"][1]["kelengkapan"] = kelengkapan
    doc = build(Procedure.model_validate(raw))
    grid = doc.flow.sheet.grid
    texts = header_texts(doc, 0)
    for lane in grid.lanes:
        words = [t.text for t in texts if lane.x < t.box.x and t.box.right < lane.right]
        assert " ".join(words).split() == lane.title.split(), lane.title  # no word broken
    for symbol in doc.flow.symbols.values():
        if symbol.kind is SymbolKind.TERMINAL:
            assert symbol.box.w > symbol.box.h  # a capsule: a circle is an on-page connector
    column = grid.column("kelengkapan")
    lines = [
        t.text
        for t in flow_page(doc, 0).items
        if isinstance(t, Text)
        and column.x < t.box.x < column.right
        and t.box.cy > doc.flow.sheet.rows_top
    ]
    assert "lampiran-" in lines and "lampirannya" in lines  # cut after its hyphen


@pytest.mark.parametrize(
    ("font", "text", "width", "lines"),
    [
        (Font(8), "lampiran-lampirannya", 60, ("lampiran-", "lampirannya")),  # its own hyphen
        (Font(5.5, bold=True), "Kepegawaian", 40, ("Kepegawai-", "an")),  # none left alone
        (Font(5.5, bold=True), "800/0123/2026", 30, ("800/0123", "/2026")),  # digits: as is
    ],
)
def test_a_word_too_wide_is_cut_where_a_reader_expects(font, text, width, lines):
    assert font.wrap(text, width) == lines


def test_a_long_nomor_wraps_in_its_cell_and_is_cut_in_the_flow_caption():
    nomor = "800.1.11.3/0123/Kec.Sukamaju/SOP/Sekretariat-Umum-dan-Kepegawaian/2026/Revisi-02"
    proc = make_procedure(["Staf"], [(0, None, 2), (0, None, 2)])
    proc = proc.model_copy(update={"identity": proc.identity.model_copy(update={"nomor": nomor})})
    doc = build(proc)
    right = doc.pages[0].printable.right
    identity = [t for t in doc.pages[0].items if isinstance(t, Text)]
    assert all(item_box(t).right <= right for t in identity)
    assert nomor in "".join(t.text for t in identity)  # whole, over several lines
    caption, shown = [t for t in flow_page(doc, 0).items if isinstance(t, Text)][:2]
    assert shown.text.startswith("Nomor SOP: 800.1.11.3") and shown.text.endswith("…")
    assert item_box(caption).right < item_box(shown).x
