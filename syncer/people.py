"""People and stand-ins (DESIGN §7): who holds each role on a day, and how to reach them.

The **Pegawai** tab lists, per row, a role (``Peran``), the person holding it
(``Nama``, ``NIP``) with their addresses (``Email``, ``WhatsApp``, ``Telegram``),
the dates the row holds (``Mulai``..``Sampai``, both included, each optional)
and whether the person is the holder (``Jenis`` blank) or a stand-in (``Plh.``,
``Plt.``). :func:`read_pegawai` turns the rows as read from a sheet into a
:class:`Directory` and, for each row it cannot use, an Indonesian ``Pesan``.

At a moment t a role is held by its stand-in rows that hold on t, else by its
holder rows that hold on t, else by the name the configuration's ``[people]``
gives it. Pure: no I/O, the moment is passed in.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import TypeVar
from zoneinfo import ZoneInfo

from sop_models import Catalog
from sop_models.idtime import rentang, tanggal
from syncer.cells import BadValue, formula_problem, is_blank, parse_date, shown, text_of
from syncer.contract import column_map, header_key

PEGAWAI = "Pegawai"
PERAN, NAMA, NIP, EMAIL, WHATSAPP, TELEGRAM, MULAI, SAMPAI, JENIS, PESAN = (
    "Peran",
    "Nama",
    "NIP",
    "Email",
    "WhatsApp",
    "Telegram",
    "Mulai",
    "Sampai",
    "Jenis",
    "Pesan",
)
STAFF_COLUMNS = (PERAN, NAMA, NIP, EMAIL, WHATSAPP, TELEGRAM, MULAI, SAMPAI, JENIS)
"""Columns admins fill; the worker writes only ``Pesan``."""
COLUMNS = (*STAFF_COLUMNS, PESAN)
DATE_COLUMNS = (MULAI, SAMPAI)

JAKARTA = ZoneInfo("Asia/Jakarta")
_T = TypeVar("_T")


class Jenis(StrEnum):
    """How a person holds a role: the holder, or a stand-in while the holder is away."""

    DEFINITIF = ""
    PLH = "Plh."
    PLT = "Plt."

    @property
    def stand_in(self) -> bool:
        return self is not Jenis.DEFINITIF


JENIS_CHOICES = (Jenis.PLH.value, Jenis.PLT.value)
"""The Jenis dropdown (blank: the holder)."""


@dataclass(frozen=True, slots=True)
class Person:
    """One Pegawai row as the worker uses it (or a name from the configuration)."""

    name: str
    role: str
    jenis: Jenis = Jenis.DEFINITIF
    nip: str = ""
    email: str = ""
    whatsapp: str = ""
    """E.164 digits without the plus: ``6281234567890``."""
    telegram: str = ""
    """A Telegram chat id: ``123456789``, ``-1001234567890`` for a group."""
    start: date | None = None
    end: date | None = None
    row: int | None = None
    """The Pegawai row it comes from; None for the configuration's ``[people]``."""

    def holds_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    @property
    def title(self) -> str:
        """``Plh. Siti Aminah`` for a stand-in, else the name."""
        return f"{self.jenis.value} {self.name}" if self.jenis.stand_in else self.name

    @property
    def identity(self) -> str:
        """Who this is, however the name is spelt: ``nip:<NIP>`` when the NIP is known, else
        the name in any case and spacing (two rows of one name without NIP: one person)."""
        return _identity(self.nip, self.name)


@dataclass(frozen=True)
class Directory:
    """Who holds each role on a day; ``names`` is the configuration's fallback."""

    people: tuple[Person, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)
    zone: ZoneInfo = JAKARTA
    unsettled: frozenset[str] = frozenset()
    """Names (``name_key``) on Pegawai rows ignored for a mistake: rows being edited."""
    _by_role: dict[str, list[Person]] = field(init=False, repr=False, compare=False)
    _names: dict[str, str] = field(init=False, repr=False, compare=False)
    _shown: dict[tuple[str, date], str] = field(init=False, repr=False, compare=False)
    """Pelaksana by role and day: every row at a step asks it again."""

    def __post_init__(self) -> None:
        by_role: dict[str, list[Person]] = {}
        for person in self.people:
            by_role.setdefault(name_key(person.role), []).append(person)
        object.__setattr__(self, "_by_role", by_role)
        object.__setattr__(self, "_names", {name_key(r): n for r, n in self.names.items()})
        object.__setattr__(self, "_shown", {})

    def day_of(self, moment: datetime | date) -> date:
        if isinstance(moment, datetime):
            return (moment.astimezone(self.zone) if moment.tzinfo else moment).date()
        return moment

    def holders(self, role: str, moment: datetime | date) -> tuple[Person, ...]:
        """The people holding ``role`` on the day of ``moment``: its stand-in, else its holders.

        Without a Pegawai row that holds that day, the configuration's name for
        the role (a person without addresses), else nobody.
        """
        day = self.day_of(moment)
        holding = [p for p in self._by_role.get(name_key(role), ()) if p.holds_on(day)]
        stand_ins = [p for p in holding if p.jenis.stand_in]
        chosen = stand_ins or holding
        if chosen:
            return tuple(_unique_people(chosen))
        name = self._names.get(name_key(role))
        return (Person(name, role),) if name else ()

    def pelaksana(self, role: str, moment: datetime | date) -> str:
        """``Sekcam — Budi Santoso``, ``Camat — Plh. Siti Aminah``, ``Staf — A, B``, or the role."""
        key = (role, self.day_of(moment))
        shown = self._shown.get(key)
        if shown is None:
            shown = self._shown[key] = self._pelaksana(*key)
        return shown

    def _pelaksana(self, role: str, day: date) -> str:
        people = self.holders(role, day)
        if not people:
            return role
        return f"{role} — {', '.join(p.title for p in people)}"

    def nips(self) -> frozenset[str]:
        """The identities that are NIPs (``nip:…``) of the people in Pegawai."""
        return frozenset(p.identity for p in self.people if p.identity.startswith("nip:"))

    def known_as(self, identity: str, name: str = "") -> Person | None:
        """The Pegawai row of the person ``identity`` names (:attr:`Person.identity`, or the
        name in any case and spacing an older outbox recorded), whatever its dates; for a NIP
        nobody holds now (corrected since), the one person called ``name``."""
        found = next((p for p in self.people if identity in (p.identity, name_key(p.name))), None)
        if found is not None or not identity.startswith("nip:") or not name:
            return found
        named = {p.identity: p for p in self.people if name_key(p.name) == name_key(name)}
        return next(iter(named.values())) if len(named) == 1 else None

    def named(self, name: str) -> tuple[Person, ...]:
        """Every row of the person called ``name`` (any case, any spacing), whatever its dates."""
        key = name_key(name)
        found = [p for p in self.people if name_key(p.name) == key]
        found += [
            Person(n, role)
            for role, n in self.names.items()
            if name_key(n) == key and not self._by_role.get(name_key(role))
        ]
        return tuple(found)


def merge_addresses(person: Person, other: Person) -> Person:
    """``person`` with the addresses it lacks taken from another row of the same person."""
    if person is other:
        return person
    return replace(
        person,
        email=person.email or other.email,
        whatsapp=person.whatsapp or other.whatsapp,
        telegram=person.telegram or other.telegram,
    )


@lru_cache(maxsize=4096)  # asked for every notice of a cycle: thousands on a large sheet
def _identity(nip: str, name: str) -> str:
    digits = nip_of(nip)
    return f"nip:{digits}" if digits else name_key(name)


_NIP_MARKS = str.maketrans("", "", " .-\u00a0")


def nip_of(text: str) -> str:
    """A NIP's 18 digits (``19850312 201001 2 004`` and ``19850312.201001.2.004`` alike);
    "" for anything else ("-", "Non PNS"): only a real NIP tells people apart."""
    digits = text.translate(_NIP_MARKS)
    return digits if len(digits) == 18 and digits.isascii() and digits.isdigit() else ""


def _unique_people(people: Iterable[Person]) -> list[Person]:
    seen: set[str] = set()
    unique: list[Person] = []
    for person in people:
        if person.identity not in seen:
            seen.add(person.identity)
            unique.append(person)
    return unique


def _settled(people: Sequence[Person], pesan: list[str]) -> list[Person]:
    """Who is who: a NIP on rows of two names tells no one apart (a Pesan on the later
    row); the rows of a name without NIP share the one NIP its other rows have; and each
    row has the addresses its person gives on other rows (a Plt. row need not repeat them)."""
    first: dict[str, Person] = {}
    shared: set[str] = set()
    for person in people:
        nip = nip_of(person.nip)
        if not nip:
            continue
        known = first.setdefault(nip, person)
        if name_key(known.name) != name_key(person.name):
            shared.add(nip)
            _note(
                pesan,
                person,
                f"NIP sama dengan NIP {known.name} (baris {known.row}): periksa kembali;"
                " sampai diperbaiki, NIP ini tidak dipakai untuk membedakan pegawai.",
            )
    unshared = [replace(p, nip="") if nip_of(p.nip) in shared else p for p in people]
    return _merged_addresses(_shared_nips(unshared))


def _shared_nips(people: Sequence[Person]) -> list[Person]:
    nips: dict[str, set[str]] = {}
    for person in people:
        if nip_of(person.nip):
            nips.setdefault(name_key(person.name), set()).add(nip_of(person.nip))
    return [
        replace(person, nip=next(iter(found)))
        if not nip_of(person.nip) and len(found := nips.get(name_key(person.name), set())) == 1
        else person
        for person in people
    ]


def _merged_addresses(people: Sequence[Person]) -> list[Person]:
    merged: dict[str, Person] = {}
    for person in people:
        merged[person.identity] = merge_addresses(merged.get(person.identity, person), person)
    return [merge_addresses(person, merged[person.identity]) for person in people]


def _note(pesan: list[str], person: Person, text: str) -> None:
    """A Pesan on a row that is used all the same."""
    if person.row is not None:
        index = person.row - 2
        pesan[index] = f"{pesan[index]} {text}".strip()


# --- roles --------------------------------------------------------------------------------


def catalog_roles(catalog: Catalog) -> tuple[str, ...]:
    """Every actor role of the catalog, in the order the SOPs first name them."""
    return tuple(dict.fromkeys(actor for proc in catalog for actor in proc.actors))


def name_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def find_role(text: str, roles: Sequence[str]) -> str | None:
    """The catalog role ``text`` names (any case, any spacing), or None."""
    key = name_key(text)
    return next((role for role in roles if name_key(role) == key), None)


def closest_roles(text: str, roles: Sequence[str], limit: int = 3) -> list[str]:
    """The roles most like a name that is not one (by spelling, or one inside the other)."""
    keys = {name_key(role): role for role in roles}
    key = name_key(text)
    close = difflib.get_close_matches(key, keys, n=limit, cutoff=0.6)
    close += [k for k in keys if key and (key in k or k in key) and k not in close]
    return [keys[k] for k in close[:limit]]


def unknown_role_problems(section: str, names: Iterable[str], roles: Sequence[str]) -> list[str]:
    """English one-liners for configuration keys or values that are not catalog roles."""
    problems = []
    for name in names:
        if find_role(name, roles) is None:
            close = closest_roles(name, roles)
            hint = f"closest: {', '.join(close)}" if close else f"roles: {', '.join(roles)}"
            problems.append(f"[{section}] {name!r} is not a role of the SOP catalog ({hint})")
    return problems


# --- reading the Pegawai tab --------------------------------------------------------------


@dataclass(frozen=True)
class Pegawai:
    """The Pegawai tab as the worker understood it."""

    directory: Directory
    pesan: tuple[str, ...]
    """One per row read, in order: why the row is ignored, what of it is not used, or ""."""


IGNORED = "Baris ini diabaikan."


class _Bad(Exception):
    """A cell the worker cannot use; the message is one Indonesian sentence."""


_EMAIL = re.compile(
    r"^[A-Za-z0-9_%+'\-]+(?:\.[A-Za-z0-9_%+'\-]+)*"  # no dot first, last or twice: mail refuses it
    r"@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$"
)


def is_email(text: str) -> bool:
    """An address the mail library takes (``nama@kantor.go.id``)."""
    return bool(_EMAIL.match(text))


_PHONE_TEXT = re.compile(r"^\+?[\d\s.\-()]+$")
_CHAT_ID = re.compile(r"^-?\d{1,20}$")
_JENIS_WORDS = {"plh": Jenis.PLH, "plt": Jenis.PLT}


def read_pegawai(
    headers: Sequence[object],
    rows: Sequence[Sequence[object]],
    roles: Sequence[str],
    names: Mapping[str, str] | None = None,
    zone: ZoneInfo = JAKARTA,
) -> Pegawai:
    """The Pegawai rows as read from a sheet (header row, then rows of cell values).

    ``roles`` are the catalog's roles (:func:`catalog_roles`); ``names`` the
    configuration's ``[people]``. Every row that cannot be used gets a Pesan
    and is ignored; a wholly blank row is ignored silently.
    """
    cols = column_map(headers)
    index = [cols.get(header_key(name)) for name in STAFF_COLUMNS]
    pesan = [""] * len(rows)
    people: list[Person] = []
    for i, values in enumerate(rows):
        cells = [values[j] if j is not None and j < len(values) else None for j in index]
        if all(is_blank(v) for v in cells):
            continue
        person, problems = _person(cells, i + 2, roles)
        if problems:
            pesan[i] = " ".join([*problems, IGNORED])
        elif person is not None:
            if _is_number(cells[STAFF_COLUMNS.index(NIP)]):
                pesan[i] = (
                    "NIP tertulis sebagai angka, sehingga angka terakhirnya dapat berubah:"
                    " tulis NIP sebagai teks; sampai diperbaiki, NIP ini tidak dipakai."
                )
                person = replace(person, nip="")
            people.append(person)
    kept = _settled(_without_double_stand_ins(people, pesan), pesan)
    used = {person.row for person in kept}
    ignored = frozenset(  # the names on rows refused: being edited, most likely
        name_key(text_of(values[index[1]]))
        for row, (values, text) in enumerate(zip(rows, pesan, strict=True), start=2)
        if text and row not in used and index[1] is not None and index[1] < len(values)
    )
    return Pegawai(Directory(tuple(kept), dict(names or {}), zone, ignored), tuple(pesan))


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _person(cells: list[object], row: int, roles: Sequence[str]) -> tuple[Person | None, list[str]]:
    peran, nama, nip, email, whatsapp, telegram, mulai, sampai, jenis = cells
    problems: list[str] = []

    def check(parse: Callable[[], _T], default: _T) -> _T:
        try:
            return parse()
        except _Bad as exc:
            problems.append(str(exc))
            return default

    role = check(lambda: _role(peran, roles), "")
    name = text_of(nama)
    if not name:
        problems.append("Nama belum diisi.")
    elif formula := formula_problem(nama, "Nama"):
        problems.append(f"{formula} Tulis nama pegawai.")
    elif _is_number(nama):
        problems.append(f"Nama berisi angka {shown(nama)}. Tulis nama pegawai.")
    # Keyword order is column order: problems are listed as the row reads.
    person = Person(
        name=name,
        role=role,
        nip=text_of(nip),
        email=check(lambda: _email(email), ""),
        whatsapp=check(lambda: _whatsapp(whatsapp), ""),
        telegram=check(lambda: _telegram(telegram), ""),
        start=check(lambda: _date(MULAI, mulai), None),
        end=check(lambda: _date(SAMPAI, sampai), None),
        jenis=check(lambda: _jenis(jenis), Jenis.DEFINITIF),
        row=row,
    )
    if person.start and person.end and person.end < person.start:
        problems.append(
            f"Sampai ({tanggal(person.end)}) lebih awal dari Mulai ({tanggal(person.start)})."
        )
    return (None if problems else person), problems


def _role(value: object, roles: Sequence[str]) -> str:
    allowed = f"Pilih salah satu: {', '.join(roles)}."
    if is_blank(value):
        raise _Bad(f"Peran belum diisi. {allowed}")
    text = text_of(value)
    role = find_role(text, roles)
    if role is not None:
        return role
    close = closest_roles(text, roles)
    hint = f"Mungkin yang dimaksud: {', '.join(close)}." if close else allowed
    raise _Bad(f"Peran {shown(value)} tidak dikenal. {hint}")


def _date(column: str, value: object) -> date | None:
    day = parse_date(value, column)
    if isinstance(day, BadValue):
        raise _Bad(day.reason)
    return day


def _jenis(value: object) -> Jenis:
    if is_blank(value):
        return Jenis.DEFINITIF
    word = text_of(value).casefold().rstrip(".").strip()
    if word in _JENIS_WORDS:
        return _JENIS_WORDS[word]
    raise _Bad(
        f"Jenis {shown(value)} tidak dikenal. Kosongkan untuk pejabat definitif,"
        " atau isi Plh. atau Plt. untuk pelaksana harian/tugas."
    )


def _email(value: object) -> str:
    if is_blank(value):
        return ""
    text = text_of(value).removeprefix("mailto:").strip()
    if isinstance(value, str) and is_email(text):
        return text
    raise _Bad(f"Email {shown(value)} tidak sah. Tulis alamat seperti nama@kantor.go.id.")


def whatsapp_number(value: object) -> str | None:
    """A WhatsApp number as E.164 digits (``6281234567890``); None when it is not one."""
    try:
        return _whatsapp(value) or None
    except _Bad:
        return None


def _whatsapp(value: object) -> str:
    """An Indonesian mobile number as E.164 digits (``6281234567890``), "" when blank.

    Accepts ``0812-3456-7890``, ``+62 812 3456 7890``, ``62812...``, and the
    number a sheet keeps when ``0812...`` was typed as a number (``812...``).
    Other countries need their ``+`` prefix. Raises _Bad otherwise.
    """
    if is_blank(value):
        return ""
    digits = _phone_digits(value)
    if digits is not None:
        plus, number = digits
        if not plus and number.startswith("0"):
            number = "62" + number[1:]
        elif not plus and number.startswith("8"):
            number = "62" + number
        if number.startswith("62"):
            if re.fullmatch(r"628\d{8,11}", number):
                return number
        elif plus and 8 <= len(number) <= 15 and not number.startswith("0"):
            return number
    raise _Bad(
        f"Nomor WhatsApp {shown(value)} tidak sah. Tulis nomor ponsel seperti"
        " 0812-3456-7890 atau +62 812-3456-7890."
    )


def _phone_digits(value: object) -> tuple[bool, str] | None:
    """(had a plus, the digits) of a phone number cell, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return False, str(int(value))
    if isinstance(value, str) and _PHONE_TEXT.match(value.strip()):
        text = value.strip()
        return text.startswith("+"), re.sub(r"\D", "", text)
    return None


def _telegram(value: object) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return str(int(value))
    text = text_of(value)
    if isinstance(value, str) and _CHAT_ID.match(text):
        return text
    raise _Bad(
        f"Telegram {shown(value)} bukan ID obrolan (chat ID). Isi angka ID obrolan"
        " (mis. 123456789), yang didapat setelah pegawai mengirim pesan /start ke bot kantor."
    )


def _without_double_stand_ins(people: list[Person], pesan: list[str]) -> list[Person]:
    """Drop a stand-in row whose days meet an earlier stand-in row of the same role."""
    kept: list[Person] = []
    for person in people:
        clash = next(
            (
                other
                for other in kept
                if person.jenis.stand_in
                and other.jenis.stand_in
                and other.role == person.role
                and _overlap(person, other)
            ),
            None,
        )
        if clash is None:
            kept.append(person)
            continue
        assert person.row is not None and clash.row is not None
        pesan[person.row - 2] = (
            f"Peran {person.role} sudah diisi {clash.title} (baris {clash.row},"
            f" {_span(clash)}) pada hari yang sama. Satu peran hanya boleh diisi satu"
            f" Plh./Plt. pada satu hari. {IGNORED}"
        )
    return kept


def _overlap(one: Person, other: Person) -> bool:
    starts = [d for d in (one.start, other.start) if d is not None]
    ends = [d for d in (one.end, other.end) if d is not None]
    return not starts or not ends or max(starts) <= min(ends)


def _span(person: Person) -> str:
    if person.start and person.end:
        return rentang(person.start, person.end)
    if person.start:
        return f"sejak {tanggal(person.start)}"
    if person.end:
        return f"sampai {tanggal(person.end)}"
    return "tanpa batas tanggal"
