"""LibreOffice, run headless, as the spreadsheet program staff open a workbook in.

Its filters are applied by a Python macro run inside it (``tests/lo_filter.py``); its
printouts are PDFs, read with poppler's ``pdftotext``. Tests that need them skip, saying
which is missing: CI installs only the project's Python packages (``.ci/run``);
``apt-get install libreoffice-calc-nogui libreoffice-script-provider-python poppler-utils``
brings them.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

FILTER_SCRIPT = Path(__file__).with_name("lo_filter.py")
TIMEOUT = 180


MACROS = "macros"
"""What ``need`` calls LibreOffice's Python script provider, which runs ``lo_filter.py``."""


@cache
def runs_python_macros() -> bool:
    """Whether the installed LibreOffice runs Python macros (its ``pythonscript.py``)."""
    soffice = shutil.which("soffice")
    return soffice is not None and (Path(soffice).resolve().parent / "pythonscript.py").exists()


def need(*tools: str) -> None:
    """Skip the test, saying why, unless every tool is installed."""
    missing = [t for t in tools if not (runs_python_macros() if t == MACROS else shutil.which(t))]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (LibreOffice and poppler are not in CI)")


@dataclass(frozen=True)
class Filtered:
    area: tuple[int, int, int, int] | None
    """The AutoFilter's range, 0-based: first column, first row, last column, last row."""
    visible: list[int] | None
    """Sheet rows below the header left visible (1-based)."""


def office_env(**extra: str) -> dict[str, str]:
    """This environment without the test's virtual environment: LibreOffice's own Python
    fails to start (std::bad_alloc) when another Python's ``bin`` comes first on PATH."""
    own = Path(sys.prefix) / "bin"
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and Path(p) != own]
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    return {**env, "PATH": os.pathsep.join(path), **extra}


def apply_filters(*jobs: dict[str, str]) -> list[Filtered]:
    """Open each workbook in LibreOffice and filter a column on one value (one office for
    all): ``{"path", "tab", "header", "value", "save_as"?}``."""
    need("soffice", MACROS)
    with tempfile.TemporaryDirectory(prefix="sopsync-lo-") as folder:
        work = Path(folder)
        scripts = work / "profile" / "user" / "Scripts" / "python"
        scripts.mkdir(parents=True)
        shutil.copy(FILTER_SCRIPT, scripts / FILTER_SCRIPT.name)
        asked, answered = work / "jobs.json", work / "answers.json"
        asked.write_text(json.dumps([{k: str(v) for k, v in job.items()} for job in jobs]))
        done = subprocess.run(
            [
                "soffice",
                "--headless",
                "--invisible",
                "--norestore",
                "--nologo",
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                f"vnd.sun.star.script:{FILTER_SCRIPT.name}$run?language=Python&location=user",
            ],
            env=office_env(SOPSYNC_LO_JOBS=str(asked), SOPSYNC_LO_ANSWERS=str(answered)),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        ran = answered.exists()
        assert ran, f"LibreOffice ran no filter (exit {done.returncode}): {done.stderr}"
        result = json.loads(answered.read_text())
    assert "error" not in result, result.get("error")
    return [
        Filtered(tuple(a["area"]) if a["area"] else None, a["visible"])  # type: ignore[arg-type]
        for a in result["answers"]
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
