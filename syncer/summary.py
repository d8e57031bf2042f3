"""What a cycle found, told: the one-screen summary that `sync` prints on stdout, and the
fields a completed cycle is logged and recorded with."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sop_models import Position
from syncer.contract import Status
from syncer.cycle import Report
from syncer.suggest import counted
from syncer.tally import Attention

if TYPE_CHECKING:
    from syncer.notices.delivery import DeliveryReport

MAX_ATTENTION = 15
MAX_CHANGES = 40
SHOWN_IDS = 10
"""Late and invalid documents named per cycle in the log; more are counted."""


def _value(value: object) -> str:
    if value is None or value == "":
        return "(kosong)"
    text = value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def render_report(report: Report, dry_run: bool = False, name: str = "") -> str:
    """``name``: the sheet's in ``[[sheets]]``, shown before its target."""
    sheet = f"{name} · " if name else ""
    lines = [f"sopsync · {sheet}{report.target} · {report.now:%Y-%m-%d %H:%M %Z}"]
    if report.initialised:
        lines.append("Initialised: " + "; ".join(report.initialised) + ".")
    counts = " · ".join(f"{s.value} {report.counts.get(s, 0)}" for s in Status)
    lines.append(f"{counted(report.rows, 'document')}: {counts}")
    late = sum(report.late.values())
    if late:
        invalid = report.late.get(Status.TIDAK_VALID, 0)
        among = f" ({invalid} of them Tidak valid)" if invalid else ""
        lines.append(f"Late: {late}{among}.")
    changes = report.changes
    size = (
        f"{counted(len(changes.cells), 'cell')}, {counted(len(changes.records), 'record')}, "
        f"{counted(len(changes.history), 'Riwayat row')}"
    )
    if not changes:
        lines.append("Nothing changed; nothing written.")
    elif dry_run:
        lines.append(f"Dry run: would write {size}:")
        lines.extend(_change_lines(report))
    else:
        lines.append(f"Written: {size}.")
    if report.notices is not None:
        lines.append(_notices_line(report.notices))
    if report.attention:
        lines.append(f"Needs attention ({len(report.attention)}):")
        for item in report.attention[:MAX_ATTENTION]:
            lines.append(
                f"  row {item.row:>5}  {item.id or '-':<18} {item.status.value:<12} {item.pesan}"
            )
        if len(report.attention) > MAX_ATTENTION:
            rest = len(report.attention) - MAX_ATTENTION
            lines.append(f"  … and {rest} more: filter the Status column in the sheet.")
    return "\n".join(lines)


def _notices_line(notices: DeliveryReport) -> str:
    if notices.error:
        return f"Notices: none sent ({notices.error}); tried again next cycle."
    if notices.held:
        return "Notices: outside working hours; held until the next working period."
    line = f"Notices: {counted(notices.sent, 'message')} sent"
    if notices.failed:
        line += f", {notices.failed} not sent ({notices.answers[-1]})"
    if notices.held_back:
        line += f", {notices.held_back} held for the next cycle (channel down)"
    return line + "."


def _change_lines(report: Report) -> list[str]:
    changes = report.changes
    lines = [f"  row {w.row + 2} {w.column}: {_value(w.value)}" for w in changes.cells]
    lines += [
        f"  Riwayat: {e.id} {_place(e.source)} → {_place(e.target)} ({e.note})"
        for e in changes.history
    ]
    if len(lines) > MAX_CHANGES:
        lines = lines[:MAX_CHANGES] + [f"  … and {len(lines) - MAX_CHANGES} more"]
    return lines


def _place(position: Position | None) -> str:
    return "-" if position is None else str(position)


def report_fields(report: Report) -> dict[str, object]:
    """What a completed cycle found: rows per status, late and invalid documents."""
    fields: dict[str, object] = {
        "target": report.target,
        "rows": report.rows,
        "counts": {str(status): n for status, n in sorted(report.counts.items())},
        "written": report.written,
    }
    late = [a for a in report.attention if a.late]  # Tidak valid and late rows too
    invalid = [a for a in report.attention if a.status is Status.TIDAK_VALID]
    for name, found in (("late", late), ("invalid", invalid)):
        if found:
            fields[name] = [_name(a) for a in found[:SHOWN_IDS]]
        if len(found) > SHOWN_IDS:
            fields[f"{name}_total"] = len(found)
    return fields


def _name(row: Attention) -> str:
    """A document by its ID; a row without one (never started) by its row number."""
    return row.id or f"row {row.row}"
