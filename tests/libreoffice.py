"""LibreOffice, run headless, as the spreadsheet program staff open a workbook in.

Its filters are applied through its Python bridge (``tests/lo_filter.py``, run by a Python
that can ``import uno``); its printouts are PDFs, read with poppler's ``pdftotext``.
Tests that need them skip, saying which is missing: CI installs only the project's Python
packages (``.ci/run``); ``apt-get install libreoffice-calc-nogui python3-uno
poppler-utils`` brings them.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

FILTER_SCRIPT = Path(__file__).with_name("lo_filter.py")
TIMEOUT = 180


@cache
def uno_python() -> str | None:
    """A Python that has LibreOffice's bridge: this one, the system's, or LibreOffice's own."""
    soffice = shutil.which("soffice")
    candidates = [sys.executable, "/usr/bin/python3"]
    if soffice:
        candidates.append(str(Path(soffice).resolve().parent / "python"))
    for python in candidates:
        if Path(python).exists():
            probe = subprocess.run([python, "-c", "import uno"], capture_output=True, timeout=60)
            if probe.returncode == 0:
                return python
    return None


def need(*tools: str) -> None:
    """Skip the test, saying why, unless every tool is installed."""
    missing = [t for t in tools if (uno_python() if t == "uno" else shutil.which(t)) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (LibreOffice and poppler are not in CI)")


@dataclass(frozen=True)
class Filtered:
    area: tuple[int, int, int, int] | None
    """The AutoFilter's range, 0-based: first column, first row, last column, last row."""
    visible: list[int] | None
    """Sheet rows below the header left visible (1-based)."""


def apply_filters(*jobs: dict[str, str]) -> list[Filtered]:
    """Open each workbook in LibreOffice and filter a column on one value (one office for
    all): ``{"path", "tab", "header", "value", "save_as"?}``."""
    need("soffice", "uno")
    python = uno_python()
    assert python is not None
    done = subprocess.run(
        [python, str(FILTER_SCRIPT)],
        input=json.dumps([{k: str(v) for k, v in job.items()} for job in jobs]),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    return [
        Filtered(tuple(a["area"]) if a["area"] else None, a["visible"])  # type: ignore[arg-type]
        for a in answers
    ]


@dataclass(frozen=True)
class Word:
    text: str
    height: float
    """Points on the page."""
    top: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    """Points."""
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def footer(self) -> str:
        """The page's last line: the tab's name and page number (``xlsx_layout.FOOTER``)."""
        bottom = max(w.top for w in self.words)
        return " ".join(w.text for w in self.words if abs(w.top - bottom) < 1)


def printout(workbook: Path, out: Path) -> list[Page]:
    """Print every visible tab of a workbook to PDF with LibreOffice; its pages' words."""
    need("soffice", "pdftotext")
    out.mkdir(parents=True, exist_ok=True)
    profile = out / "profile"
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(workbook),
        ],
        capture_output=True,
        timeout=TIMEOUT,
        check=True,
    )
    pdf = out / (workbook.stem + ".pdf")
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for page in bbox.split("<page ")[1:]:
        size = re.match(r'width="([\d.]+)" height="([\d.]+)"', page)
        assert size is not None
        words = [
            Word(html.unescape(text), float(y1) - float(y0), float(y0))  # "&amp;" is "&"
            for y0, y1, text in re.findall(
                r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
                page,
            )
        ]
        pages.append(Page(float(size.group(1)), float(size.group(2)), words))
    return pages
