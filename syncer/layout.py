"""The sheet's layout as data, one description for every backend (DESIGN §2, §3, §7).

Each tab is described once: its title, its columns (header, width, who fills
them, number format, wrapping, dropdown), how its header looks, whether it is
hidden, frozen, protected, coloured by Status, filtered and printed. Each
backend's ``init`` compares this with what the sheet has and applies only the
difference; the cycle and the backends find columns by header through it.

A new admin tab (Pegawai, Kalender) or worker tab (Kinerja) is one more
``Tab`` in ``TABS``: init creates it, the cycle reads admin tabs in its one
read, and worker tabs are written whole when their content changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum, StrEnum

from sop_models import Catalog
from syncer import contract as c
from syncer import kalender, people, views
from syncer.calendar import DayKind
from syncer.monitoring import kinerja


class Kind(Enum):
    """Who writes a tab's rows."""

    DOKUMEN = "dokumen"
    """Staff rows; worker columns filled by the worker."""
    LEDGER = "ledger"
    """Rows appended by the worker only (Riwayat)."""
    STATE = "state"
    """The worker's records and its key→value area; hidden."""
    ADMIN = "admin"
    """Rows admins edit; a worker column Pesan says why a row cannot be used."""
    WORKER = "worker"
    """Wholly the worker's: rewritten whole when its content changes (Ringkasan, SOP, Kinerja)."""


class Format(StrEnum):
    """A column's number format, so what people type stays what they meant."""

    DATE_TIME = "date-time"
    DATE = "date"
    TEXT = "text"
    """Typed digits and dates stay text (Langkah, NIP, phone numbers)."""


PATTERNS: dict[Format, str] = {
    Format.DATE_TIME: c.DATE_FORMAT,
    Format.DATE: "dd/mm/yyyy",
    Format.TEXT: "@",
}
"""How each format shows (the same pattern on a workbook and on Google)."""


class Protect(Enum):
    NONE = "none"
    SHEET = "sheet"
    WORKER_COLUMNS = "worker columns"
    """On Google each worker column is protected; a workbook cannot protect columns alone."""


@dataclass(frozen=True, slots=True)
class Dropdown:
    """A column's list of suggested values (free text still allowed)."""

    values: Callable[[Catalog], tuple[str, ...]]
    prompt: str = ""


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    width: int
    """In characters (a workbook's unit); Google's pixels are derived (``pixels``)."""
    worker: bool = False
    format: Format | None = None
    wrap: bool = False
    dropdown: Dropdown | None = None


@dataclass(frozen=True, slots=True)
class Tab:
    title: str
    kind: Kind
    columns: tuple[Column, ...] = ()
    widths: tuple[int, ...] = ()
    """Column widths of a worker tab, whose content has no fixed header."""
    hidden: bool = False
    frozen_rows: int = 1
    protect: Protect = Protect.NONE
    status_colours: bool = False
    """Whole rows coloured by their Status cell (conditional formatting)."""
    filters: bool = False
    """AutoFilter on a workbook; filter views for each actor's queue on Google."""
    landscape: bool = True
    """Printed landscape on A4, fitted to the page width, header row repeated."""

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(col.header for col in self.columns)

    @property
    def worker_columns(self) -> tuple[Column, ...]:
        return tuple(col for col in self.columns if col.worker)

    @property
    def appended(self) -> bool:
        """Rows are appended by the worker: no formats over empty rows (see google.values)."""
        return self.kind in (Kind.LEDGER, Kind.STATE)

    def column(self, header: str) -> Column:
        key = c.header_key(header)
        return next(col for col in self.columns if c.header_key(col.header) == key)

    def all_widths(self) -> tuple[int, ...]:
        return self.widths or tuple(col.width for col in self.columns)


def pixels(width: int) -> int:
    """A workbook column width (characters) as Google's pixel size."""
    return 7 * width + 12


# --- dropdowns ------------------------------------------------------------------------------


def _codes(catalog: Catalog) -> tuple[str, ...]:
    return tuple(views.prosedur_choices(catalog))


def _steps(catalog: Catalog) -> tuple[str, ...]:
    return tuple(views.langkah_choices(catalog))


def actors(catalog: Catalog) -> tuple[str, ...]:
    """Every role of the catalog, in order of first appearance."""
    found: dict[str, None] = {}
    for proc in catalog:
        found.update(dict.fromkeys(proc.actors))
    return tuple(found)


def _fixed(*values: str) -> Callable[[Catalog], tuple[str, ...]]:
    return lambda _catalog: values


PROSEDUR_CHOICES = Dropdown(_codes, views.CHOICE_PROMPTS[c.PROSEDUR])
LANGKAH_CHOICES = Dropdown(_steps, views.CHOICE_PROMPTS[c.LANGKAH])

# --- the tabs -------------------------------------------------------------------------------

WORKER_NOTE = "Diisi otomatis oleh sopsync. Jangan diubah: perubahan akan ditimpa."
HEADER_FILL = "D9D9D9"
WORKER_FONT_COLOUR = "595959"
PROTECTED = "sopsync: diisi otomatis, jangan diubah"
TOKEN = "sopsync: penanda tulis, jangan dihapus"
"""The state tab's one-cell protected range that every Google write replaces (google.plan)."""

PESAN = Column(c.PESAN, 60, worker=True, wrap=True)

DOKUMEN = Tab(
    c.DOKUMEN,
    Kind.DOKUMEN,
    (
        Column(c.ID, 18),
        Column(c.PROSEDUR, 22, dropdown=PROSEDUR_CHOICES),
        Column(c.JUDUL, 40),
        Column(c.LANGKAH, 10, format=Format.TEXT, dropdown=LANGKAH_CHOICES),
        Column(c.CATATAN, 30),
        Column(c.KEGIATAN, 45, worker=True, wrap=True),
        Column(c.PELAKSANA, 24, worker=True),
        Column(c.MULAI, 17, worker=True, format=Format.DATE_TIME),
        Column(c.TENGGAT, 17, worker=True, format=Format.DATE_TIME),
        Column(c.STATUS, 15, worker=True),
        Column(c.PESAN, 70, worker=True, wrap=True),
    ),
    protect=Protect.WORKER_COLUMNS,
    status_colours=True,
    filters=True,
)
RIWAYAT = Tab(
    c.RIWAYAT,
    Kind.LEDGER,
    tuple(
        Column(header, width, format=Format.DATE_TIME if header in ("Waktu", "Tenggat") else None)
        for header, width in zip(c.RIWAYAT_COLUMNS, (17, 18, 20, 7, 9, 24, 17, 60), strict=True)
    ),
    protect=Protect.SHEET,
)
RINGKASAN = Tab(
    views.RINGKASAN, Kind.WORKER, widths=(40, 34, 22, 17, 22, 12, 10), frozen_rows=0,
    protect=Protect.SHEET,
)  # fmt: skip
KINERJA = Tab(
    kinerja.KINERJA, Kind.WORKER, widths=kinerja.WIDTHS, frozen_rows=0, protect=Protect.SHEET
)
SOP = Tab(
    views.SOP, Kind.WORKER, widths=(18, 34, 5, 22, 48, 28, 10, 30, 22, 20, 40), frozen_rows=2,
    protect=Protect.SHEET,
)  # fmt: skip
PEGAWAI = Tab(
    people.PEGAWAI,
    Kind.ADMIN,
    (
        Column(people.PERAN, 22, dropdown=Dropdown(actors, "Peran menurut katalog SOP.")),
        Column(people.NAMA, 30),
        Column(people.NIP, 21, format=Format.TEXT),
        Column(people.EMAIL, 30),
        Column(people.WHATSAPP, 17, format=Format.TEXT),
        Column(people.TELEGRAM, 15, format=Format.TEXT),
        Column(people.MULAI, 12, format=Format.DATE),
        Column(people.SAMPAI, 12, format=Format.DATE),
        Column(
            people.JENIS,
            8,
            dropdown=Dropdown(
                _fixed(*(j.value for j in people.Jenis if j.value)), "Kosong: pejabat definitif."
            ),
        ),
        PESAN,
    ),
    protect=Protect.WORKER_COLUMNS,
)
KALENDER = Tab(
    "Kalender",
    Kind.ADMIN,
    (
        Column(kalender.TANGGAL, 12, format=Format.DATE),
        Column(kalender.JENIS, 10, dropdown=Dropdown(_fixed(*(k.value for k in DayKind)))),
        Column(kalender.KETERANGAN, 40),
        PESAN,
    ),
    protect=Protect.WORKER_COLUMNS,
)
STATE = Tab(
    c.STATE,
    Kind.STATE,
    tuple(Column(header, 18) for header in (*c.STATE_COLUMNS, *c.META_COLUMNS)),
    hidden=True,
    protect=Protect.SHEET,
    landscape=False,
)

TABS: tuple[Tab, ...] = (DOKUMEN, RIWAYAT, RINGKASAN, KINERJA, SOP, PEGAWAI, KALENDER, STATE)
"""Every tab, in the order a new sheet shows them."""
BY_TITLE = {tab.title: tab for tab in TABS}
ADMIN_TABS = tuple(tab for tab in TABS if tab.kind is Kind.ADMIN)
WORKER_TABS = tuple(tab for tab in TABS if tab.kind is Kind.WORKER)
READ_TABS = (DOKUMEN, STATE, *ADMIN_TABS)
"""What the cycle's one read brings in whole (and Riwayat when it asks for the full history)."""

DEFAULT_TAB = re.compile(
    r"^(sheet|lembar|hoja|feuille|tabelle|foglio|planilha|blad|arkusz)\s?1?$", re.IGNORECASE
)
"""Names of the empty tab a new spreadsheet starts with (init removes it when wholly empty)."""


def required(tab: Tab) -> tuple[Column, ...]:
    """The columns a read needs: all of Dokumen's; the worker columns of an admin tab."""
    if tab.kind is Kind.ADMIN:
        return tab.worker_columns
    return tab.columns


def missing(tab: Tab, headers: list[object]) -> list[str]:
    """Required headers a tab lacks (found trimmed and case-insensitive)."""
    return c.missing_columns(headers, [col.header for col in required(tab)])


def protections(tab: Tab, headers: list[object]) -> Iterator[tuple[str, int | None]]:
    """(description, 0-based column or None for the whole tab) of each protected range."""
    if tab.protect is Protect.SHEET:
        yield f"{PROTECTED} ({tab.title})", None
    elif tab.protect is Protect.WORKER_COLUMNS:
        cols = c.column_map(headers)
        for col in tab.worker_columns:
            index = cols.get(c.header_key(col.header))
            if index is not None:
                yield f"{PROTECTED} ({col.header})", index


@dataclass(frozen=True, slots=True)
class FilterView:
    """A saved view of Dokumen on Google: the rows whose column shows (or hides) values."""

    title: str
    equals: dict[str, str] = field(default_factory=dict)
    hides: dict[str, tuple[str, ...]] = field(default_factory=dict)
    role: dict[str, str] = field(default_factory=dict)
    """Column -> a role: rows showing that role, alone or with whoever holds it
    (``Camat``, ``Camat — Plh. Siti Aminah``), so the view outlives a change of people."""
    sort_by: str = c.TENGGAT


def filter_views(catalog: Catalog) -> tuple[FilterView, ...]:
    """Each actor's open queue, the late and invalid rows, the finished ones."""
    queues = tuple(
        FilterView(f"Antrean {actor}", role={c.PELAKSANA: actor}, hides={c.STATUS: (c.SELESAI,)})
        for actor in actors(catalog)
    )
    others = tuple(s.value for s in c.Status if s not in (c.Status.TERLAMBAT, c.Status.TIDAK_VALID))
    return (
        *queues,
        FilterView("Terlambat dan tidak valid", hides={c.STATUS: (*others, "")}),
        FilterView("Selesai", {c.STATUS: c.SELESAI}),
    )
