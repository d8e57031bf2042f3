"""The identity page of an SOP document, as laid out in Permenpan RB 35/2012.

Top: the office (logo area and unit) beside the number, dates, approval with
room for a signature, and the SOP's name. Below: six headed boxes in two
columns (dasar hukum, kualifikasi pelaksana, keterkaitan, peralatan /
perlengkapan, peringatan, pencatatan dan pendataan). Empty fields stay blank,
to be written by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

from sop_models.drawing import MARGIN, MM, Box, Item, Rect, Text, lines_block, text_block
from sop_models.flowchart import FOOTER_HEIGHT, HEADER_FILL, RenderError
from sop_models.fonts import Font
from sop_models.idtime import tanggal
from sop_models.procedure import Procedure

BODY = Font(9)
BOLD = Font(9, bold=True)
UNIT = Font(10, bold=True)
NAME = Font(11, bold=True)
PAD = 2 * MM
ROW = 8 * MM
LABEL_WIDTH = 42 * MM
LOGO = 24 * MM
SIGNATURE_SPACE = 16 * MM
HEADING = 7 * MM
EMPTY_LIST = 12 * MM
INDENT = 5 * MM


def _indent(items: Sequence[str], font: Font) -> float:
    """The hanging indent of a list: none for one item, else room for its widest number."""
    if len(items) < 2:
        return 0.0
    return max(INDENT, font.width(f"{len(items)}.") + 1.5 * MM)


def _numbered(items: Sequence[str], font: Font, width: float) -> list[tuple[str, str]]:
    """(number, line) pairs: numbered when several, wrapped with a hanging indent."""
    lines: list[tuple[str, str]] = []
    numbered = len(items) > 1
    room = width - _indent(items, font)
    for n, item in enumerate(items, start=1):
        wrapped = font.wrap(item, room)
        for i, line in enumerate(wrapped):
            lines.append((f"{n}." if numbered and i == 0 else "", line))
    return lines


def _list_items(box: Box, items: Sequence[str], font: Font) -> list[Item]:
    lines = _numbered(items, font, box.w - 2 * PAD)
    indent = _indent(items, font)
    texts: list[Item] = []
    for i, (number, line) in enumerate(lines):
        baseline = box.y + PAD + font.ascent + i * font.line_height
        if number:
            texts.append(Text(box.x + PAD, baseline, number, font))
        texts.append(Text(box.x + PAD + indent, baseline, line, font))
    return texts


def _list_height(items: Sequence[str], font: Font, width: float) -> float:
    if not items:
        return EMPTY_LIST
    return max(
        EMPTY_LIST, len(_numbered(items, font, width - 2 * PAD)) * font.line_height + 2 * PAD
    )


def _approval(proc: Procedure) -> list[str]:
    approver = proc.identity.disahkan_oleh
    if approver is None:
        return []
    return [
        approver.jabatan,
        "",
        approver.nama,
        f"NIP. {approver.nip_display}" if approver.nip else "",
    ]


def _top_block(proc: Procedure, box: Box) -> tuple[list[Item], float]:
    """The office beside the number, dates, approval and name; returns its items and height."""
    ident = proc.identity
    left_w = box.w * 0.42
    right_x = box.x + left_w
    value_x = right_x + LABEL_WIDTH
    value_w = box.right - value_x
    dates = (
        ("Tanggal Pembuatan", ident.tanggal_pembuatan),
        ("Tanggal Revisi", ident.tanggal_revisi),
        ("Tanggal Efektif", ident.tanggal_efektif),
    )
    approval = _approval(proc)
    approval_h = 2 * PAD + 3 * BODY.line_height + SIGNATURE_SPACE
    name_lines = NAME.wrap(proc.title, value_w - 2 * PAD)
    nomor_lines = BODY.wrap(ident.nomor, value_w - 2 * PAD)
    rows: list[tuple[str, float]] = [("Nomor SOP", _lines_height(nomor_lines, BODY))]
    rows += [(label, ROW) for label, _ in dates]
    rows += [
        ("Disahkan oleh", approval_h),
        ("Nama SOP", _lines_height(name_lines, NAME)),
    ]
    unit_lines = [line for unit in ident.unit for line in UNIT.wrap(unit.upper(), left_w - 2 * PAD)]
    left_h = PAD * 3 + LOGO + len(unit_lines) * UNIT.line_height + PAD
    height = max(sum(h for _, h in rows), left_h)
    rows[-1] = (rows[-1][0], rows[-1][1] + height - sum(h for _, h in rows))

    items: list[Item] = [Rect(Box(box.x, box.y, left_w, height))]
    group = LOGO + PAD + len(unit_lines) * UNIT.line_height
    logo = Box(box.x + left_w / 2 - LOGO / 2, box.y + (height - group) / 2, LOGO, LOGO)
    items.append(Rect(logo, stroke=0.5))
    unit_box = Box(box.x, logo.bottom + PAD, left_w, len(unit_lines) * UNIT.line_height)
    items += lines_block(unit_box, unit_lines, UNIT, align="middle", pad=0)

    values: dict[str, list[str]] = {
        "Nomor SOP": list(nomor_lines),
        **{label: [tanggal(day) if day else ""] for label, day in dates},
    }
    y = box.y
    for label, h in rows:
        label_box = Box(right_x, y, LABEL_WIDTH, h)
        value_box = Box(value_x, y, value_w, h)
        items += [Rect(label_box), Rect(value_box)]
        items += text_block(label_box, label, BOLD, pad=PAD)
        if label == "Disahkan oleh":
            items += _approval_items(value_box, approval)
        elif label == "Nama SOP":
            items += lines_block(value_box, name_lines, NAME, pad=PAD)
        else:
            items += lines_block(value_box, values[label], BODY, pad=PAD)
        y += h
    return items, height


def _lines_height(lines: Sequence[str], font: Font) -> float:
    """A row of the top table holding ``lines``: at least one standard row."""
    return max(ROW, len(lines) * font.line_height + 2 * PAD)


def _approval_items(box: Box, lines: list[str]) -> list[Item]:
    """Jabatan, room to sign, nama, NIP: centred in the cell."""
    if not lines:
        return []
    jabatan, _, nama, nip = lines
    top = box.y + PAD + BODY.ascent
    bottom = top + BODY.line_height + SIGNATURE_SPACE
    items: list[Item] = [Text(box.cx, top, jabatan, BOLD, "middle")]
    if nama:
        items.append(Text(box.cx, bottom, nama, BOLD, "middle"))
    if nip:
        items.append(Text(box.cx, bottom + BODY.line_height, nip, BODY, "middle"))
    return items


SECTIONS = (
    ("Dasar Hukum", "Kualifikasi Pelaksana"),
    ("Keterkaitan", "Peralatan/Perlengkapan"),
    ("Peringatan", "Pencatatan dan Pendataan"),
)


def _sections(proc: Procedure) -> dict[str, tuple[str, ...]]:
    ident = proc.identity
    return {
        "Dasar Hukum": ident.dasar_hukum,
        "Kualifikasi Pelaksana": ident.kualifikasi_pelaksana,
        "Keterkaitan": proc.keterkaitan,
        "Peralatan/Perlengkapan": ident.peralatan,
        "Peringatan": ident.peringatan,
        "Pencatatan dan Pendataan": ident.pencatatan,
    }


def _pair_height(
    contents: dict[str, tuple[str, ...]], pair: tuple[str, str], width: float
) -> float:
    return HEADING + max(_list_height(contents[title], BODY, width / 2) for title in pair)


def _pair(contents: dict[str, tuple[str, ...]], pair: tuple[str, str], box: Box) -> list[Item]:
    """Two headed boxes side by side, filling ``box``."""
    half = box.w / 2
    items: list[Item] = []
    for i, title in enumerate(pair):
        x = box.x + i * half
        heading = Box(x, box.y, half, HEADING)
        items.append(Rect(heading, fill=HEADER_FILL))
        items += text_block(heading, f"{title}:", BOLD, pad=PAD)
        content = Box(x, heading.bottom, half, box.h - HEADING)
        items.append(Rect(content))
        items += _list_items(content, contents[title], BODY)
    return items


def identity_pages(proc: Procedure, width: float, height: float) -> list[list[Item]]:
    """The identity table on one page (continued on more when its lists are long).

    The six boxes share the space the page leaves, so there is room to write by hand.
    """
    printable = Box(MARGIN, MARGIN, width - 2 * MARGIN, height - 2 * MARGIN - FOOTER_HEIGHT)
    items, used = _top_block(proc, printable)
    contents = _sections(proc)
    # Pairs per page, each page starting at ``tops[page]``.
    tops, pages_pairs = [printable.y + used], [list[tuple[tuple[str, str], float]]()]
    y = tops[0]
    for pair in SECTIONS:
        h = _pair_height(contents, pair, printable.w)
        if h > printable.h:
            raise RenderError(
                f"the identity's {pair[0]} and {pair[1]} do not fit on one page; shorten them"
            )
        if y + h > printable.bottom:
            tops.append(printable.y)
            pages_pairs.append([])
            y = printable.y
        pages_pairs[-1].append((pair, h))
        y += h
    pages: list[list[Item]] = [items] + [[] for _ in pages_pairs[1:]]
    for page, top, pairs in zip(pages, tops, pages_pairs, strict=True):
        spare = (printable.bottom - top - sum(h for _, h in pairs)) / max(len(pairs), 1)
        for pair, h in pairs:
            page += _pair(contents, pair, Box(printable.x, top, printable.w, h + spare))
            top += h + spare
    return pages
