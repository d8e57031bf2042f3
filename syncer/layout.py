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

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum, StrEnum

from sop_models import Catalog
from syncer import contract as c
from syncer import kalender, people, views
from syncer.calendar import DayKind
from syncer.meta import digest


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
    """Long text: wrapped within the column (on screen and on paper) rather than cut."""
    dropdown: Dropdown | None = None
    centred: bool = False
    """A short code (Langkah, Dari, Ke, No): centred in its column."""
    hidden: bool = False
    """Kept out of sight and off the printout (the SOP tab's dropdown helper column)."""


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
    """Printed landscape on A4, fitted to the page width (``printed_points``)."""
    header_row: int = 1
    """The row of column headers (1-based), repeated on every printed page; 0: none."""
    _by_key: dict[str, Column] = field(init=False, repr=False, compare=False, hash=False)
    """Header key -> column (the first of a header): a write looks a column up per cell."""

    def __post_init__(self) -> None:
        by_key: dict[str, Column] = {}
        for col in self.columns:
            by_key.setdefault(c.header_key(col.header), col)
        object.__setattr__(self, "_by_key", by_key)  # the dataclass is frozen

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
        return self._by_key[c.header_key(header)]

    def all_widths(self) -> tuple[int, ...]:
        return self.widths or tuple(col.width for col in self.columns)

    @property
    def hidden_columns(self) -> tuple[int, ...]:
        """0-based positions of the columns kept out of sight (a worker tab's own layout)."""
        return tuple(i for i, col in enumerate(self.columns) if col.hidden)


def pixels(width: int) -> int:
    """A workbook column width (characters) as Google's pixel size."""
    return 7 * width + 12


# --- the look: one font, and printouts a person reads ------------------------------------

FONT = "Arial"
"""The one font of every tab. Arial is on every Windows and Mac, is Google Sheets' default,
and LibreOffice shows it as Liberation Sans, which has Arial's metrics: widths chosen for
it hold in Excel, LibreOffice and Google alike (Calibri falls back to a wider font on
computers without it, and dates then no longer fit their column)."""
FONT_SIZE = 10
MARGIN_INCHES = 0.25
"""Left and right page margins (Excel's "narrow"): more of the page for the columns."""
A4_LANDSCAPE_INCHES = 11.69
PIXELS_PER_WIDTH = 7.41
"""A column of width 1 is one digit of the workbook's font wide: 7 pixels for Arial 10 in
Excel, which rounds the digit to whole pixels, 7.41 in LibreOffice, which does not (and so
prints the same columns wider, at a smaller scale: the larger counts)."""
SMALLEST_PRINTED = 8.0
"""Points: the smallest text a person reads on paper."""


def printed_points(tab: Tab) -> float:
    """The size the tab's text prints at: fitted to the width of A4 landscape, a tab
    whose visible columns are wider than the page shrinks (never grows)."""
    width = sum(w for i, w in enumerate(tab.all_widths()) if i not in tab.hidden_columns)
    page = (A4_LANDSCAPE_INCHES - 2 * MARGIN_INCHES) * 96
    return FONT_SIZE * min(1.0, page / (width * PIXELS_PER_WIDTH))


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

PESAN = Column(c.PESAN, 36, worker=True, wrap=True)

# Widths are chosen for the printout as much as for the screen: each tab's visible columns
# fit A4 landscape at 8 points or more (``printed_points``; tests hold every tab to it),
# long text wraps instead of widening its column.
DOKUMEN = Tab(
    c.DOKUMEN,
    Kind.DOKUMEN,
    (
        Column(c.ID, 18, wrap=True),
        Column(c.PROSEDUR, 13, wrap=True, dropdown=PROSEDUR_CHOICES),
        Column(c.JUDUL, 18, wrap=True),
        Column(c.LANGKAH, 8, format=Format.TEXT, dropdown=LANGKAH_CHOICES, centred=True),
        Column(c.CATATAN, 13, wrap=True),
        Column(c.KEGIATAN, 21, worker=True, wrap=True),
        Column(c.PELAKSANA, 16, worker=True, wrap=True),
        Column(c.MULAI, 16, worker=True, format=Format.DATE_TIME, centred=True),
        Column(c.TENGGAT, 16, worker=True, format=Format.DATE_TIME, centred=True),
        Column(c.STATUS, 14, worker=True, wrap=True),
        Column(c.PESAN, 26, worker=True, wrap=True),
    ),
    protect=Protect.WORKER_COLUMNS,
    status_colours=True,
    filters=True,
)
_DATED = ("Waktu", "Tenggat")
RIWAYAT = Tab(
    c.RIWAYAT,
    Kind.LEDGER,
    tuple(
        Column(
            header,
            width,
            format=Format.DATE_TIME if header in _DATED else None,
            wrap=header == "Keterangan",
            centred=header in ("Dari", "Ke", *_DATED),
        )
        for header, width in zip(c.RIWAYAT_COLUMNS, (16, 19, 16, 6, 8, 18, 16, 48), strict=True)
    ),
    protect=Protect.SHEET,
)
RINGKASAN = Tab(
    views.RINGKASAN, Kind.WORKER, widths=(38, 30, 20, 17, 22, 14, 10), frozen_rows=0,
    protect=Protect.SHEET, header_row=0,
)  # fmt: skip
KINERJA = Tab(
    c.KINERJA,
    Kind.WORKER,
    # each header fits its column, a duration ("1 hari 7 jam 7 menit") its line, SOP titles
    # and step labels wrap, and the whole prints on A4 landscape at 8 points or more
    widths=(30, 41, 16, 16, 17, 17, 12, 16, 13),
    frozen_rows=0,
    protect=Protect.SHEET,
    header_row=0,
)
SOP = Tab(
    views.SOP,
    Kind.WORKER,
    tuple(
        Column(header, width, hidden=header == views.CHOICES_HEADER)
        for header, width in zip(views.SOP_HEADERS, (7, 18, 40, 24, 9, 26, 18, 24, 30), strict=True)
    ),
    frozen_rows=2,
    protect=Protect.SHEET,
    header_row=2,
)
PEGAWAI = Tab(
    people.PEGAWAI,
    Kind.ADMIN,
    (
        Column(people.PERAN, 16, dropdown=Dropdown(actors, "Peran menurut katalog SOP.")),
        Column(people.NAMA, 23, wrap=True),
        Column(people.NIP, 20, format=Format.TEXT),
        Column(people.EMAIL, 24),
        Column(people.WHATSAPP, 15, format=Format.TEXT),
        Column(people.TELEGRAM, 13, format=Format.TEXT),
        Column(people.MULAI, 12, format=Format.DATE),
        Column(people.SAMPAI, 12, format=Format.DATE),
        Column(
            people.JENIS,
            8,
            dropdown=Dropdown(
                _fixed(*(j.value for j in people.Jenis if j.value)), "Kosong: pejabat definitif."
            ),
            centred=True,
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
        Column(
            kalender.JENIS,
            10,
            dropdown=Dropdown(
                _fixed(*(k.value for k in DayKind)),
                "Libur: bukan hari kerja. Masuk: hari kerja walaupun hari libur.",
            ),
        ),
        Column(kalender.KETERANGAN, 40, wrap=True),
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

TABS: tuple[Tab, ...] = (DOKUMEN, RINGKASAN, KINERJA, SOP, RIWAYAT, PEGAWAI, KALENDER, STATE)
"""Every tab, in the order a supervisor wants them: the documents, then their summaries."""
BY_TITLE = {tab.title: tab for tab in TABS}
ADMIN_TABS = tuple(tab for tab in TABS if tab.kind is Kind.ADMIN)
WORKER_TABS = tuple(tab for tab in TABS if tab.kind is Kind.WORKER)
READ_TABS = (DOKUMEN, STATE, *ADMIN_TABS)
"""What the cycle's one read brings in whole (and Riwayat when it asks for the full history)."""

EARLIER_WIDTHS: dict[str, dict[str, int]] = {
    c.DOKUMEN: dict(
        zip(
            (*c.STAFF_COLUMNS, *c.WORKER_COLUMNS),
            (18, 22, 40, 10, 30, 45, 24, 17, 17, 15, 70),
            strict=True,
        )
    ),
    c.RIWAYAT: dict(zip(c.RIWAYAT_COLUMNS, (17, 18, 20, 7, 9, 24, 17, 60), strict=True)),
    PEGAWAI.title: dict(zip(PEGAWAI.headers, (22, 30, 21, 30, 17, 15, 12, 12, 8, 60), strict=True)),
    KALENDER.title: dict(zip(KALENDER.headers, (12, 10, 40, 60), strict=True)),
}
"""The widths sopsync gave before it remembered them (``given_widths``): still its own."""


def given_widths(tab: Tab, remembered: str | None) -> dict[str, int]:
    """Header -> the width ``init`` last gave that column of ``tab``."""
    if remembered:
        try:
            found = json.loads(remembered)
        except ValueError:
            found = None
        if isinstance(found, dict):
            return {str(k): v for k, v in found.items() if isinstance(v, int)}
    return EARLIER_WIDTHS.get(tab.title, {})


def widths_value(tab: Tab) -> str:
    """The layout's widths of ``tab``, as remembered in the key→value area."""
    return json.dumps({col.header: col.width for col in tab.columns}, ensure_ascii=False)


def look_digest(tab: Tab) -> str:
    """What a worker tab looks like beyond its content: font, widths, hidden columns."""
    return digest([FONT, FONT_SIZE, list(tab.all_widths()), list(tab.hidden_columns)])


TAB_ORDER = "|".join(tab.title for tab in TABS)
"""The layout's order of tabs, remembered in the key→value area once a sheet is in it."""


def in_order(titles: Sequence[str]) -> list[str]:
    """A sheet's tabs with the layout's in layout order, in the places the layout's hold now.

    Staff's own tabs stay where they are; ours are sorted among the places ours take.
    ``init`` does this once for each order of the layout (``TAB_ORDER``): an order staff
    give the tabs afterwards is theirs to keep."""
    ours = iter(sorted((t for t in titles if t in BY_TITLE), key=list(BY_TITLE).index))
    return [next(ours) if t in BY_TITLE else t for t in titles]


def place_for(title: str, titles: Sequence[str]) -> int:
    """Where a new tab of the layout goes: after the last of the layout's tabs before it."""
    before = list(BY_TITLE)[: list(BY_TITLE).index(title)]
    present = [i for i, t in enumerate(titles) if t in before]
    return present[-1] + 1 if present else 0


def renamed_tabs(titles: Sequence[str]) -> dict[str, str]:
    """Tabs of the layout that staff renamed only in case or surrounding spaces (``dokumen``,
    ``Riwayat ``): their title → the layout's. Spreadsheets take a tab's name without regard
    to case, so init names them back rather than make a second, empty tab."""
    renamed: dict[str, str] = {}
    for title in BY_TITLE:
        if title not in titles:
            alike = (
                t for t in titles if t not in BY_TITLE and t.strip().casefold() == title.casefold()
            )
            found = next(alike, None)
            if found is not None:
                renamed[found] = title
    return renamed


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


def header_places(tab: Tab, headers: Sequence[object]) -> list[tuple[int, str]]:
    """Where init writes each header ``tab`` lacks (0-based column, header). The worker
    appends a Riwayat row or writes a record at its columns' own places: a header cleared or
    renamed there goes back to its place (else the next read takes a new, empty column for
    it); on any other tab, new columns go after the last."""
    added = c.missing_columns(headers, tab.headers)
    if tab.appended:
        return [(tab.headers.index(name), name) for name in added]
    return [(len(headers) + number, name) for number, name in enumerate(added)]


def header_notes(
    tab: Tab, headers: Sequence[object], places: Sequence[tuple[int, str]]
) -> list[str]:
    """What init says it did with the ``header_places``."""
    added = [name for index, name in places if index >= len(headers)]
    restored = [name for index, name in places if index < len(headers)]
    notes = [f"added columns {', '.join(added)} to {tab.title}"] if added else []
    if restored:
        notes.append(f"restored the header {', '.join(restored)} of {tab.title}")
    return notes


def placed(headers: Sequence[object], places: Sequence[tuple[int, str]]) -> list[object]:
    """``headers`` with the ``header_places`` written in."""
    row = list(headers) + [None] * (1 + max((i for i, _ in places), default=-1) - len(headers))
    for index, name in places:
        row[index] = name
    return row


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
    formerly: tuple[str, ...] = ()
    """Titles earlier versions gave this view: renamed, not added beside."""


def filter_views(catalog: Catalog) -> tuple[FilterView, ...]:
    """Each actor's open queue, the late and invalid rows, the finished ones."""
    queues = tuple(
        FilterView(f"Antrean {actor}", role={c.PELAKSANA: actor}, hides={c.STATUS: (c.SELESAI,)})
        for actor in actors(catalog)
    )
    others = tuple(s.value for s in c.Status if s not in (c.Status.TERLAMBAT, c.Status.TIDAK_VALID))
    return (
        *queues,
        FilterView(
            "Terlambat dan tidak valid",
            hides={c.STATUS: (*others, "")},
            formerly=("Terlambat & tidak valid",),
        ),
        FilterView("Selesai", {c.STATUS: c.SELESAI}),
    )
