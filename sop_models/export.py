"""Writing SOP documents to files: ``<code>.pdf`` or ``<code>.svg`` in a folder."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sop_models.document import build
from sop_models.document_pdf import pdf_bytes
from sop_models.document_svg import svg_text
from sop_models.drawing import Paper
from sop_models.flowchart import RenderError
from sop_models.procedure import Procedure

FORMATS = ("pdf", "svg")


def write_documents(
    procs: Iterable[Procedure], folder: Path, fmt: str, paper: Paper
) -> list[tuple[Path, int]]:
    """Each SOP's document in ``folder``; returns (file, pages) per SOP.

    Every document is drawn before any file is written, so an SOP that does
    not fit the paper leaves no half-written set behind.
    """
    docs = []
    for proc in procs:
        try:
            docs.append(build(proc, paper))
        except RenderError as exc:
            raise RenderError(f"SOP {proc.code}: {exc}") from exc
    written: list[tuple[Path, int]] = []
    for doc in docs:
        path = folder / f"{doc.proc.code}.{fmt}"
        if fmt == "pdf":
            path.write_bytes(pdf_bytes(doc))
        else:
            path.write_text(svg_text(doc), encoding="utf-8")
        written.append((path, len(doc.pages)))
    return written
