"""Realistic Dokumen rows, and the staff's moves between cycles.

An office with years of documents: rows spread over every SOP of the catalog and all of
their steps, most of the old ones Selesai, the rest in progress at any step (many of those
late by the time they are measured), a few the worker rejects (an unknown Prosedur, a
Langkah that is not a step). Prosedur is typed the way staff type it: mostly the code,
sometimes the title or the short name.

Between cycles staff move documents: ``moves`` picks rows in progress and sets Langkah to
a step the SOP allows next (the *Ya* or *Tidak* branch at a review step, ``Selesai``
after the last), plus a few moves the worker must reject (a skipped step).

Everything is drawn from a seeded ``random.Random``: the same size gives the same sheet.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sop_models import Catalog, Procedure

STAFF_HEADERS = ("ID", "Prosedur", "Judul", "Langkah", "Catatan")
SELESAI = "Selesai"

UNITS = (
    "Sekretariat",
    "Subbag Umum dan Kepegawaian",
    "Subbag Perencanaan dan Keuangan",
    "Seksi Pemerintahan",
    "Seksi Ketenteraman dan Ketertiban",
    "Seksi Ekonomi dan Pembangunan",
    "Seksi Kesejahteraan Sosial",
    "Seksi Pelayanan Umum",
    "Kelurahan Sukamaju",
    "Kelurahan Cibeunying",
    "Kelurahan Mekarsari",
)
NOTES = (
    "menunggu paraf Sekcam",
    "revisi ke-2 sesuai arahan Camat",
    "lampiran belum lengkap",
    "sudah dikirim ke BPKAD",
    "koordinasi dengan Bappeda",
    "draf di folder bersama",
    "tunggu data dari kelurahan",
)
BAD_PROSEDUR = ("Penyusunan RAK", "rkaa", "Laporan Mingguan", "SOP Surat Masuk")
BAD_LANGKAH = ("sudah diparaf", "4a", "lanjut", "0")

SHARE_SELESAI = 0.55
"""Documents finished long ago (years of history)."""
SHARE_INVALID = 0.025
"""Rows the worker rejects from the start."""
SHARE_BLANK_STEP = 0.5
"""Rows in progress at step 1 whose Langkah staff left blank (blank means step 1)."""


@dataclass
class Doc:
    """One Dokumen row as the generator knows it."""

    index: int
    """0-based data row (sheet row ``index + 2``)."""
    code: str
    prosedur: str
    judul: str
    langkah: object
    """What is typed in Langkah: a step number, "Selesai", None (blank) or invalid text."""
    catatan: str | None
    step: int | None | str
    """The step the worker has accepted: a number, None once Selesai, "" when rejected."""

    @property
    def in_progress(self) -> bool:
        return isinstance(self.step, int)

    def cells(self) -> list[object]:
        """Staff cells in STAFF_HEADERS order (the ID is left to the worker)."""
        return [None, self.prosedur, self.judul, self.langkah, self.catatan]


@dataclass(frozen=True)
class Move:
    doc: Doc
    langkah: object
    """The value typed into Langkah."""
    valid: bool


def _typed_prosedur(proc: Procedure, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.78:
        return proc.code
    if roll < 0.93:
        return proc.title
    return proc.aliases[0] if proc.aliases else proc.code.upper()


def documents(n: int, catalog: Catalog, seed: int = 35) -> list[Doc]:
    """``n`` rows over every SOP of ``catalog`` and all of its steps."""
    rng = random.Random(f"{seed}:{n}")
    procs = list(catalog)
    order = [procs[i % len(procs)] for i in range(n)]
    rng.shuffle(order)
    docs = []
    for i, proc in enumerate(order):
        unit = rng.choice(UNITS)
        year = rng.randint(2019, 2026)
        judul = f"{proc.title} {unit} {year} no. {i + 1}"
        prosedur = _typed_prosedur(proc, rng)
        catatan = rng.choice(NOTES) if rng.random() < 0.3 else None
        roll = rng.random()
        if roll < SHARE_INVALID:
            if rng.random() < 0.5:
                prosedur = rng.choice(BAD_PROSEDUR)
                langkah: object = rng.randint(1, proc.last)
            else:
                langkah = rng.choice([*BAD_LANGKAH, proc.last + rng.randint(1, 5)])
            docs.append(Doc(i, proc.code, prosedur, judul, langkah, catatan, ""))
            continue
        if roll < SHARE_INVALID + SHARE_SELESAI:
            docs.append(Doc(i, proc.code, prosedur, judul, SELESAI, catatan, None))
            continue
        step = rng.randint(1, proc.last)
        langkah = None if step == 1 and rng.random() < SHARE_BLANK_STEP else step
        docs.append(Doc(i, proc.code, prosedur, judul, langkah, catatan, step))
    return docs


def moves(
    docs: list[Doc],
    catalog: Catalog,
    count: int,
    rng: random.Random,
    invalid_share: float = 0.04,
) -> list[Move]:
    """``count`` rows moved on by staff: valid next steps, plus a few rejected skips.

    Applies the moves to ``docs`` (the accepted step advances; a rejected row keeps its
    step and leaves the pool of rows staff move)."""
    pool = [d for d in docs if d.in_progress]
    picked = rng.sample(pool, min(count, len(pool)))
    bad = max(1, round(len(picked) * invalid_share)) if picked else 0
    out = []
    for k, doc in enumerate(picked):
        proc = catalog.get(doc.code)
        assert isinstance(doc.step, int)
        if k < bad:
            skip = doc.step + 2
            langkah: object = skip if proc.has_step(skip) else rng.choice(BAD_LANGKAH)
            if skip in proc.next_steps(doc.step):  # a Tidak branch two steps on: still valid
                langkah = rng.choice(BAD_LANGKAH)
            doc.langkah, doc.step = langkah, ""
            out.append(Move(doc, langkah, False))
            continue
        options = proc.next_steps(doc.step)
        target = options[0] if len(options) == 1 or rng.random() < 0.8 else options[1]
        if isinstance(target, int):
            doc.langkah = doc.step = langkah = target
        else:  # Selesai
            langkah = SELESAI
            doc.langkah, doc.step = langkah, None
        out.append(Move(doc, langkah, True))
    return out
