"""Which notices are due now (DESIGN §8): pure, the clock passed in.

From the open documents after a cycle, who holds each role now, the working
calendar and the settings, :func:`plan` lists every notice that should exist
at ``now``. Each has a key; the outbox keeps every key it has seen, so a notice
planned again in a later cycle is not sent again.

* **Tugas baru**: a document at a step that began at or after notices were
  enabled for the sheet: the people holding the step's role are told (a person
  who comes to hold the role later, e.g. a stand-in, is told then).
* **Ringkasan pagi**: on a working day from ``morning_at`` on, each person with
  open documents gets their queue, late first, then by Tenggat.
* **Terlambat**: a document past Tenggat (a Tenggat after notices were enabled):
  the holders of its role, once; still late ``escalate_after`` working time
  later, the holders of its supervisor role, once.

Nothing is planned outside working periods: what is due then is planned at
the start of the next one, from the state at that time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from enum import StrEnum
from typing import NamedTuple

from sop_models import Duration
from syncer.calendar import WorkingCalendar
from syncer.contract import Status
from syncer.notices.documents import OpenDocument
from syncer.people import Directory, Person, name_key

DEFAULT_SUPERVISORS: Mapping[str, str] = {
    "Staf": "Kasubag Evapor",
    "Kasubag Evapor": "Sekcam",
    "Kasubag Umum": "Sekcam",
    "Kasi": "Sekcam",
    "Tim": "Sekcam",
    "Sekcam": "Camat",
}
"""DESIGN §8: the role told when a document of a role is still late (the Camat has none)."""


class Kind(StrEnum):
    TUGAS_BARU = "tugas baru"
    RINGKASAN_PAGI = "ringkasan pagi"
    TERLAMBAT = "terlambat"
    ESKALASI = "eskalasi"
    """Terlambat told to the supervisor of the document's role."""


@dataclass(frozen=True)
class Settings:
    morning_at: time = time(7, 30)
    escalate_after: Duration = Duration(1, "hari")
    supervisors: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_SUPERVISORS))
    """Role -> the role told when its documents stay late; "" or absent: nobody. Roles in
    any case and spacing; a later key of a role overrides an earlier one."""
    _bosses: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        bosses = {name_key(role): boss.strip() for role, boss in self.supervisors.items()}
        object.__setattr__(self, "_bosses", bosses)

    def supervisor_of(self, role: str) -> str:
        """The role told when ``role``'s documents stay late; "" for none."""
        return self._bosses.get(name_key(role), "")


class NoticeKey(NamedTuple):
    """What makes a notice the same notice: sent at most once per key (and channel).

    A named tuple: every cycle makes one for each notice still due (thousands on a large
    sheet), and a tuple is made at a fraction of a frozen dataclass's cost.
    """

    kind: Kind
    document: str
    """"" for Ringkasan pagi."""
    step: int
    """0 for Ringkasan pagi."""
    person: str
    """Who is told: :attr:`Person.identity` (the NIP when known, else the name), so a name
    corrected in Pegawai is not told again."""
    occasion: str
    """The day of a Ringkasan pagi (``2026-12-01``); for a document, the minute its step
    began (``2026-12-01T09:00``), so a document returned to a step is told again."""


@dataclass(frozen=True, slots=True)
class Notice:
    kind: Kind
    person: Person
    documents: tuple[OpenDocument, ...]
    occasion: str

    @property
    def key(self) -> NoticeKey:
        single = self.documents[0] if self.kind is not Kind.RINGKASAN_PAGI else None
        return NoticeKey(
            self.kind,
            single.id if single else "",
            single.step if single else 0,
            self.person.identity,
            self.occasion,
        )


def plan(
    documents: Sequence[OpenDocument],
    directory: Directory,
    calendar: WorkingCalendar,
    settings: Settings,
    enabled_at: datetime,
    now: datetime,
) -> list[Notice]:
    """Every notice that should exist at ``now``; none outside working periods."""
    if not calendar.is_working_time(now):
        return []
    holders = _Holders(directory, now)
    open_docs = [d for d in documents if d.status is not Status.SELESAI]
    notices: list[Notice] = []
    for doc in open_docs:
        new = doc.since >= enabled_at
        late = doc.due is not None and now > doc.due
        if not (new or late):
            continue
        occasion = _minute(doc.since, calendar)
        if new:
            notices += [Notice(Kind.TUGAS_BARU, p, (doc,), occasion) for p in holders[doc.role]]
        if doc.due is None or not late:
            continue
        if doc.due >= enabled_at:
            notices += [Notice(Kind.TERLAMBAT, p, (doc,), occasion) for p in holders[doc.role]]
        supervisor = settings.supervisor_of(doc.role)
        if not supervisor:
            continue
        escalated_at = calendar.add(doc.due, settings.escalate_after)  # as a Tenggat counts
        if now >= escalated_at >= enabled_at:
            notices += [Notice(Kind.ESKALASI, p, (doc,), occasion) for p in holders[supervisor]]
    notices += _morning(open_docs, holders, calendar, settings, now)
    return notices


class _Holders(dict[str, tuple[Person, ...]]):
    """Who holds each role at ``now``, asked of the directory once per role."""

    def __init__(self, directory: Directory, now: datetime):
        super().__init__()
        self.directory = directory
        self.now = now

    def __missing__(self, role: str) -> tuple[Person, ...]:
        found = self[role] = self.directory.holders(role, self.now)
        return found


def _morning(
    documents: Iterable[OpenDocument],
    holders: _Holders,
    calendar: WorkingCalendar,
    settings: Settings,
    now: datetime,
) -> list[Notice]:
    local = now.astimezone(calendar.zone)
    if local.time() < settings.morning_at:
        return []
    by_role: dict[str, list[OpenDocument]] = {}
    for doc in documents:
        by_role.setdefault(doc.role, []).append(doc)
    queues: dict[str, tuple[Person, list[OpenDocument]]] = {}
    for role, docs in by_role.items():
        for person in holders[role]:
            queues.setdefault(person.identity, (person, []))[1].extend(docs)
    day = local.date().isoformat()
    return [
        Notice(Kind.RINGKASAN_PAGI, person, tuple(sorted(queue, key=_queue_key(now))), day)
        for person, queue in queues.values()
    ]


def _queue_key(now: datetime) -> Callable[[OpenDocument], tuple[bool, bool, datetime, str]]:
    """Late first, then by Tenggat (none last), then by ID."""

    def key(doc: OpenDocument) -> tuple[bool, bool, datetime, str]:
        late = doc.due is not None and now > doc.due
        return (not late, doc.due is None, doc.due or doc.since, doc.id)

    return key


def _minute(moment: datetime, calendar: WorkingCalendar) -> str:
    return moment.astimezone(calendar.zone).strftime("%Y-%m-%dT%H:%M")
