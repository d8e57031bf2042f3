"""What a person reads (DESIGN §8): one short message in Bahasa Indonesia per channel.

A message gathers everything a person is told in one cycle, in sections
(Terlambat, Perlu perhatian, Tugas baru, Ringkasan pagi); each document with
its ID, Judul, Prosedur, step and activity, and Tenggat written the Indonesian
way; then where to find the sheet. Plain text, an HTML alternative for e-mail,
and a one-line summary for a WhatsApp template parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from sop_models import Duration
from sop_models.idtime import hari_tanggal, tanggal, waktu
from syncer.engine import format_working
from syncer.notices.documents import OpenDocument
from syncer.notices.planner import Kind

SHOWN_PER_SECTION = 15
"""Documents listed per section; the rest are counted (the sheet has them all)."""
SUMMARY_LIMIT = 700
"""Characters of the one-line summary (a WhatsApp template's body holds 1,024)."""
SIGNATURE = "Pesan otomatis dari sopsync; tidak perlu dibalas."

_ORDER = (Kind.TERLAMBAT, Kind.ESKALASI, Kind.TUGAS_BARU, Kind.RINGKASAN_PAGI)


@dataclass(frozen=True, slots=True)
class Message:
    recipient: str
    """The person's name, for the greeting and an e-mail's To."""
    subject: str
    text: str
    html: str
    summary: str
    """One line, no line breaks: a WhatsApp template's parameter."""
    reference: str = ""
    """The same for every try of one message (its notices, address and sheet): an e-mail's
    Message-ID, so a message sent again after its answer was lost shows once in a mailbox."""


@dataclass(frozen=True, slots=True)
class Item:
    """One notice as a message shows it."""

    kind: Kind
    documents: tuple[OpenDocument, ...]
    occasion: str


@dataclass(frozen=True)
class Style:
    """What every message of a sheet shares."""

    zone: ZoneInfo
    day_minutes: float = 450.0
    """A working day in minutes, to say how late: ``1 hari 2 jam``."""
    escalate_after: Duration = Duration(1, "hari")
    link: str | None = None
    """Where to find the sheet: a Google Sheet's address, or the workbook's path."""


def _title(kind: Kind, style: Style, count: int, occasion: str) -> str:
    if kind is Kind.TERLAMBAT:
        return "Terlambat"
    if kind is Kind.ESKALASI:
        return f"Perlu perhatian (terlambat lebih dari {style.escalate_after} kerja)"
    if kind is Kind.TUGAS_BARU:
        return "Tugas baru"
    return f"Ringkasan pagi {_day(occasion)}: {count} dokumen belum selesai"


def _summary_title(kind: Kind, style: Style, count: int, occasion: str) -> str:
    """A section's title in the one-line summary, where a colon comes after it."""
    if kind is Kind.RINGKASAN_PAGI:
        return f"Ringkasan pagi {_day(occasion)} ({count} dokumen belum selesai)"
    return _title(kind, style, count, occasion)


def _lead(kind: Kind) -> str:
    return {
        Kind.TERLAMBAT: "Dokumen berikut sudah melewati tenggatnya:",
        Kind.ESKALASI: "Dokumen berikut masih terlambat di tangan pelaksananya:",
        Kind.TUGAS_BARU: "Dokumen berikut menunggu tindakan Anda:",
        Kind.RINGKASAN_PAGI: "Antrean Anda hari ini, yang terlambat lebih dulu:",
    }[kind]


def _day(occasion: str, weekday: bool = True) -> str:
    try:
        day = datetime.fromisoformat(occasion).date()
        return hari_tanggal(day) if weekday else tanggal(day)
    except ValueError:
        return occasion


def _sections(items: Sequence[Item]) -> list[tuple[Kind, str, list[OpenDocument]]]:
    """Items grouped by kind in reading order; each document once per section, as the
    latest item shows it. A morning queue not yet sent when a later day's is due gives way
    to it: a queue is told as it stands on its own day."""
    sections: list[tuple[Kind, str, list[OpenDocument]]] = []
    for kind in _ORDER:
        mine = [item for item in items if item.kind is kind]
        if kind is Kind.RINGKASAN_PAGI and mine:
            today = max(item.occasion for item in mine)
            mine = [item for item in mine if item.occasion == today]
        latest = {doc.id: doc for item in mine for doc in item.documents}
        if latest:
            order = dict.fromkeys(doc.id for item in mine for doc in item.documents)
            sections.append((kind, mine[0].occasion, [latest[doc_id] for doc_id in order]))
    return sections


def _tenggat(doc: OpenDocument, style: Style) -> str:
    if doc.due is None:
        return "tidak ada"
    text = waktu(doc.due, style.zone)
    if doc.late_minutes >= 1:
        late = doc.lateness or format_working(doc.late_minutes, style.day_minutes)
        text += f" (terlambat {late})"
    return text


def _doc_lines(doc: OpenDocument, kind: Kind, style: Style) -> list[str]:
    lines = [
        f"{doc.id} — {doc.judul or '(tanpa judul)'}",
        f"{doc.procedure_title}, langkah {doc.step}: {doc.activity}",
        f"Tenggat: {_tenggat(doc, style)}",
    ]
    if kind is Kind.ESKALASI:
        lines.append(f"Pelaksana: {doc.pelaksana}")
    return lines


def _subject(sections: list[tuple[Kind, str, list[OpenDocument]]], style: Style) -> str:
    if (
        len(sections) == 1
        and len(sections[0][2]) == 1
        and sections[0][0] is not Kind.RINGKASAN_PAGI
    ):
        kind, _, (doc,) = sections[0]
        name = "Terlambat" if kind is Kind.ESKALASI else _title(kind, style, 1, "")
        return f"{name}: {doc.id} — {doc.judul or doc.procedure_title}"
    parts = []
    for kind, occasion, docs in sections:
        if kind is Kind.RINGKASAN_PAGI:
            parts.append(f"ringkasan pagi {_day(occasion, weekday=False)}")
        elif kind is Kind.ESKALASI:
            parts.append(f"{len(docs)} perlu perhatian")
        else:
            parts.append(f"{len(docs)} {kind.value}")
    return "Pemberitahuan SOP: " + ", ".join(parts)


def compose(recipient: str, items: Sequence[Item], style: Style) -> Message:
    """One message telling ``recipient`` everything in ``items``."""
    sections = _sections(items)
    text = [f"Yth. {recipient},", ""]
    html = [f"<p>Yth. {escape(recipient)},</p>"]
    summary = []
    for kind, occasion, docs in sections:
        title = _title(kind, style, len(docs), occasion)
        shown, rest = docs[:SHOWN_PER_SECTION], len(docs) - SHOWN_PER_SECTION
        text += [f"{title}", _lead(kind)]
        html += [f"<h3>{escape(title)}</h3>", f"<p>{escape(_lead(kind))}</p>", "<ol>"]
        for number, doc in enumerate(shown, start=1):
            first, *others = _doc_lines(doc, kind, style)
            text.append(f"{number}. {first}")
            text += [f"   {line}" for line in others]
            html.append(
                f"<li><b>{escape(first)}</b><br>"
                + "<br>".join(escape(line) for line in others)
                + "</li>"
            )
        html.append("</ol>")
        if rest > 0:
            text.append(f"… dan {rest} dokumen lain.")
            html.append(f"<p>… dan {rest} dokumen lain.</p>")
        text.append("")
        summary.append(_summary(_summary_title(kind, style, len(docs), occasion), docs, style))
    if style.link:
        text.append(f"Buka lembar kerja: {style.link}")
        html.append(
            f'<p>Buka lembar kerja: <a href="{escape(style.link)}">{escape(style.link)}</a></p>'
        )
    text.append(SIGNATURE)
    html.append(f"<p><small>{escape(SIGNATURE)}</small></p>")
    return Message(
        recipient=recipient,
        subject=_subject(sections, style),
        text="\n".join(text) + "\n",
        html="<html><body>" + "\n".join(html) + "</body></html>",
        summary=_one_line(" ".join(summary), SUMMARY_LIMIT),
    )


def fit(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, whole lines, keeping its last paragraph (the link)."""
    if len(text) <= limit:
        return text
    body, _, tail = text.rstrip("\n").rpartition("\n\n")
    marker = "\n…\n\n"
    room = limit - len(tail) - len(marker) - 1
    if not body or room < 1:
        return text[: limit - 1] + "…"
    head = body[:room].rpartition("\n")[0] or body[:room]
    return f"{head}{marker}{tail}\n"


def _summary(title: str, docs: list[OpenDocument], style: Style) -> str:
    listed = "; ".join(
        f"{d.id} ({d.procedure_title}, langkah {d.step}), tenggat {_tenggat(d, style)}"
        for d in docs
    )
    return f"{title}: {listed}."


def _one_line(text: str, limit: int) -> str:
    """No line breaks or tabs, no runs of spaces (WhatsApp refuses them in a parameter)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def trial_message(recipient: str, channel: str, now: datetime, style: Style) -> Message:
    """What ``notify test`` sends; ``channel`` as staff read it (``surel``, ``Telegram``)."""
    body = (
        f"Ini pesan uji dari sopsync melalui {channel}. Jika pesan ini sampai, pemberitahuan"
        " tugas akan dikirim ke alamat ini."
    )
    when = f"Dikirim {waktu(now, style.zone)}."
    text = [f"Yth. {recipient},", "", body, when, ""]
    if style.link:
        text.append(f"Lembar kerja: {style.link}")
    text.append(SIGNATURE)
    html = (
        f"<html><body><p>Yth. {escape(recipient)},</p><p>{escape(body)}</p>"
        f"<p>{escape(when)}</p><p><small>{escape(SIGNATURE)}</small></p></body></html>"
    )
    return Message(
        recipient=recipient,
        subject="Pesan uji sopsync",
        text="\n".join(text) + "\n",
        html=html,
        summary=_one_line(f"{body} {when}", SUMMARY_LIMIT),
    )
