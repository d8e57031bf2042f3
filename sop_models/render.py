"""Plain-text renderings of SOPs for the command line (``sopsync sop list|show``).

Pure functions: they take catalog objects and return text, nothing is printed.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from sop_models.catalog import BUILTIN_SOURCE, Catalog
from sop_models.idtime import tanggal
from sop_models.procedure import Procedure, Step
from sop_models.version import label

WIDTH = 120
_GAP = "  "


def total_standard_time(proc: Procedure) -> str:
    """Sum of the steps' standard times: ``"6 hari 3 jam 15 menit"``.

    Working days (``hari``) are kept apart from working hours and minutes
    (``jam``/``menit``): a working day is not a fixed number of hours. Steps
    without a standard time add nothing; ``"-"`` when no step has one.
    """
    days = 0
    minutes = 0
    for step in proc.steps:
        duration = step.duration
        if duration is None:
            continue
        if duration.unit == "hari":
            days += duration.amount
        else:
            minutes += duration.minutes or 0
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{amount} {unit}"
        for amount, unit in ((days, "hari"), (hours, "jam"), (minutes, "menit"))
        if amount
    ]
    return " ".join(parts) or "-"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> str:
    """Left-aligned columns; a cell wider than its column is wrapped onto more lines."""
    lines: list[str] = []

    def emit(cells: Sequence[str]) -> None:
        wrapped = [
            textwrap.wrap(cell, width, break_on_hyphens=False) or [""]
            for cell, width in zip(cells, widths, strict=True)
        ]
        for i in range(max(len(w) for w in wrapped)):
            parts = [
                (w[i] if i < len(w) else "").ljust(width)
                for w, width in zip(wrapped, widths, strict=True)
            ]
            lines.append(_GAP.join(parts).rstrip())

    emit(headers)
    lines.append(_GAP.join("-" * width for width in widths))
    for row in rows:
        emit(row)
    return "\n".join(lines)


def _natural(headers: Sequence[str], rows: Sequence[Sequence[str]], column: int) -> int:
    return max(len(headers[column]), *(len(row[column]) for row in rows))


def render_list(catalog: Catalog) -> str:
    """One line per SOP: code, title, steps, total standard time and where it comes from."""
    headers = ("Code", "Title", "Steps", "Standard time", "Source")
    rows = [
        (
            proc.code,
            proc.title,
            str(len(proc.steps)),
            total_standard_time(proc),
            catalog.sources.get(proc.code, BUILTIN_SOURCE),
        )
        for proc in sorted(catalog, key=lambda p: p.code)
    ]
    if not rows:
        return "No SOPs in the catalog."
    widths = [_natural(headers, rows, c) for c in range(len(headers))]
    return _table(headers, rows, widths)


def _actor(step: Step) -> str:
    return f"{step.actor} (dipimpin {step.led_by})" if step.led_by else step.actor


def _decision(step: Step) -> str:
    if step.decision is None:
        return ""
    return f"Ya→{step.decision.ya} / Tidak→{step.decision.tidak}"


def _identity(proc: Procedure) -> list[str]:
    """The identity fields the SOP gives, one ``Label: value`` line each."""
    ident = proc.identity
    approver = ident.disahkan_oleh
    signer = ""
    if approver is not None:
        nip = f"NIP {approver.nip_display}" if approver.nip else ""
        signer = ", ".join(part for part in (approver.jabatan, approver.nama, nip) if part)
    fields = [
        ("Unit", ", ".join(ident.unit)),
        ("Nomor SOP", ident.nomor),
        *(
            (label, tanggal(day) if day else "")
            for label, day in (
                ("Tanggal pembuatan", ident.tanggal_pembuatan),
                ("Tanggal revisi", ident.tanggal_revisi),
                ("Tanggal efektif", ident.tanggal_efektif),
            )
        ),
        ("Disahkan oleh", signer),
        ("Dasar hukum", "; ".join(ident.dasar_hukum)),
        ("Kualifikasi pelaksana", "; ".join(ident.kualifikasi_pelaksana)),
        ("Keterkaitan", ", ".join(proc.keterkaitan)),
        ("Peralatan/perlengkapan", "; ".join(ident.peralatan)),
        ("Peringatan", "; ".join(ident.peringatan)),
        ("Pencatatan dan pendataan", "; ".join(ident.pencatatan)),
    ]
    return [f"{label}: {value}" for label, value in fields if value]


def render_procedure(proc: Procedure, width: int = WIDTH) -> str:
    """The SOP as a table of its steps, wrapped to fit ``width`` columns."""
    headers = ("No", "Pelaksana", "Kegiatan", "Waktu", "Output", "Keputusan")
    rows = [
        (
            str(step.number),
            _actor(step),
            step.activity,
            step.waktu or "-",
            step.output or "-",
            _decision(step),
        )
        for step in proc.steps
    ]
    widths = [_natural(headers, rows, c) for c in range(len(headers))]
    # Kegiatan and Output share what the fixed columns leave; Kegiatan gets more.
    free = width - sum(widths[c] for c in (0, 1, 3, 5)) - len(_GAP) * (len(headers) - 1)
    free = max(free, 30)
    output_width = min(widths[4], max(free * 2 // 5, 12))
    activity_width = min(widths[2], free - output_width)
    output_width = min(widths[4], free - activity_width)
    widths[2], widths[4] = activity_width, output_width

    summary = [
        f"{len(proc.steps)} langkah, waktu baku {total_standard_time(proc)}",
        f"Versi {label(proc)}",
        f"Pelaksana: {', '.join(proc.actors)}",
    ]
    summary.extend(_identity(proc))
    lines = [f"{proc.code}: {proc.title}"]
    for line in summary:
        lines.extend(textwrap.wrap(line, width, subsequent_indent="    "))
    lines.append("")
    lines.append(_table(headers, rows, widths))
    return "\n".join(lines)


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;")


def render_mermaid(proc: Procedure) -> str:
    """A Mermaid flowchart: one node per step, Ya/Tidak edges on decisions, then Selesai."""
    lines = ["flowchart TD"]
    for step in proc.steps:
        label = _mermaid_text(f"{step.number}. {_actor(step)}: {step.activity}")
        shape = ('{"', '"}') if step.decision else ('["', '"]')
        lines.append(f"    s{step.number}{shape[0]}{label}{shape[1]}")
    lines.append('    selesai(["Selesai"])')
    for step in proc.steps:
        if step.decision is not None:
            lines.append(f"    s{step.number} -->|Ya| s{step.decision.ya}")
            lines.append(f"    s{step.number} -->|Tidak| s{step.decision.tidak}")
            continue
        for target in proc.next_steps(step.number):
            lines.append(
                f"    s{step.number} --> {f's{target}' if isinstance(target, int) else 'selesai'}"
            )
    return "\n".join(lines)
