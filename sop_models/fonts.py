"""The typeface of SOP documents: which font, how wide a text is, how it wraps.

DejaVu Sans (installed with LibreOffice on most Linux machines) has every
glyph Indonesian text and our own marks (``—``, ``→``) need; where it is
missing, reportlab's own Bitstream Vera Sans, from which DejaVu was made and
whose shared glyphs have the same widths, stands in. Both are embedded in
the PDF; the SVG names the family and lets the viewer find it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "DejaVu Sans"
BOLD = "DejaVu Sans Bold"
SVG_FAMILY = "'DejaVu Sans', 'Bitstream Vera Sans', Verdana, sans-serif"

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_VERA = Path(reportlab.__file__).with_name("fonts")
LINE_SPACING = 1.2
"""Line height as a multiple of the font size."""


@dataclass(frozen=True)
class Font:
    size: float
    bold: bool = False

    @property
    def name(self) -> str:
        register()
        return BOLD if self.bold else REGULAR

    @property
    def line_height(self) -> float:
        return self.size * LINE_SPACING

    @property
    def ascent(self) -> float:
        """Height of capitals above the baseline (DejaVu: 0.73 em)."""
        return self.size * 0.73

    def width(self, text: str) -> float:
        return pdfmetrics.stringWidth(text, self.name, self.size)

    def wrap(self, text: str, width: float) -> tuple[str, ...]:
        """Lines of ``text`` no wider than ``width``; a word too long is cut after a hyphen
        (``lampiran-`` / ``lampirannya``), else by characters, with a hyphen added between
        two letters (``Kepegawai-`` / ``an``)."""
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            line = ""
            for word in paragraph.split():
                candidate = f"{line} {word}" if line else word
                if self.width(candidate) <= width:
                    line = candidate
                    continue
                if line:
                    lines.append(line)
                line = word
                while self.width(line) > width and len(line) > 1:
                    head, line = self._cut_word(line, width)
                    lines.append(head)
            lines.append(line)
        return tuple(lines)

    def cut(self, text: str, width: float) -> str:
        """``text`` on one line no wider than ``width``: cut with an ellipsis when it is not."""
        if self.width(text) <= width:
            return text
        return text[: self._fitting_prefix(text, width - self.width("…"))].rstrip() + "…"

    def _cut_word(self, word: str, width: float) -> tuple[str, str]:
        """A word too wide for ``width``: the part that fits on this line, and the rest."""
        cut = self._fitting_prefix(word, width)
        after_hyphen = word.rfind("-", 1, cut) + 1
        if after_hyphen:
            return word[:after_hyphen], word[after_hyphen:]
        hyphened = min(self._fitting_prefix(word, width - self.width("-")), len(word) - 2)
        if hyphened > 1 and word[hyphened - 1].isalpha() and word[hyphened].isalpha():
            return f"{word[:hyphened]}-", word[hyphened:]
        return word[:cut], word[cut:]

    def _fitting_prefix(self, word: str, width: float) -> int:
        cut = 1
        while cut < len(word) and self.width(word[: cut + 1]) <= width:
            cut += 1
        return cut


@cache
def font_files() -> tuple[Path, Path]:
    """The regular and bold font files to embed."""
    dejavu = (_DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf")
    if all(path.is_file() for path in dejavu):
        return dejavu
    return (_VERA / "Vera.ttf", _VERA / "VeraBd.ttf")


@cache
def register() -> None:
    regular, bold = font_files()
    pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
    pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
