"""When the Kinerja tab is refreshed: by the first cycle of each working day, and only by it.

A refresh needs Riwayat whole, which the other cycles do not read; so whether a cycle
refreshes must be known before its read. The sheet keeps the moment of the last refresh
in the state tab's key→value area (``REFRESHED``); from it and the office's calendar each
cycle works out when the next refresh is due (``Refresh.due``), and its caller keeps
that moment on its own machine (``monitoring.refresh_record``) for the next cycle to
decide on before reading (``KinerjaTerms``).

What the caller knows may be missing or wrong; the sheet decides:

* not known (a first cycle, a record lost or not writable): the cycle reads without
  Riwayat and, when the sheet says a refresh is due, reads again with it. That second
  read happens at most once a working day, since the refresh it allows is recorded in
  the sheet. So does a tab found empty (deleted, made anew by ``init``): once per loss;
* known but wrong (the sheet was refreshed meanwhile, its record of it lost, the
  Kalender changed): nothing is refreshed that the sheet does not call due, and a refresh
  due that the caller did not expect waits for the next cycle, told to read Riwayat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from syncer.backends import Snapshot
from syncer.calendar import WorkingCalendar
from syncer.contract import KINERJA
from syncer.engine import HistoryEntry, Rules
from syncer.monitoring import DEFAULT_GOOD_SHARE
from syncer.office import read_office
from syncer.versions import Pins
from syncer.views import TabContent

REFRESHED = f"refreshed:{KINERJA}"
"""Key→value area: the moment of the tab's last refresh (ISO 8601 with its offset)."""


@dataclass(frozen=True, slots=True)
class KinerjaTerms:
    """What a cycle is told about the Kinerja tab before it reads."""

    due: datetime | None = None
    """When the tab is next due, as the previous cycle found (``Refresh.due``); None: not
    known."""
    good_share: float = DEFAULT_GOOD_SHARE
    """``[laporan] good_share``: the tab's Penilaian as the form's."""

    def reads_riwayat(self, now: datetime) -> bool:
        """Whether the cycle at ``now`` should bring Riwayat in its one read."""
        return self.due is not None and self.due <= now


NOT_TOLD = KinerjaTerms()
"""A cycle told nothing: it reads Riwayat again only when the sheet says the tab is due."""


@dataclass(frozen=True, slots=True)
class Refresh:
    """What one cycle does about the Kinerja tab."""

    content: TabContent | None
    """The tab anew, on the cycle that refreshes it."""
    due: datetime
    """When a cycle should next read Riwayat to refresh it."""

    def meta(self, now: datetime) -> dict[str, str]:
        """The key→value area's update: the refresh moment, on the cycle that refreshes."""
        return {REFRESHED: now.isoformat()} if self.content is not None else {}


def next_refresh(last: datetime | None, now: datetime, calendar: WorkingCalendar) -> datetime:
    """When a tab last refreshed at ``last`` (None: never) is next due: the start of the
    first working day after ``last``'s day and not before ``now``'s."""
    if last is None:
        return now
    zone = calendar.zone
    after = last.astimezone(zone).date() + timedelta(days=1)
    day = max(after, now.astimezone(zone).date())
    opening = calendar.next_working_start(datetime.combine(day, time(), zone))
    return datetime.combine(opening.date(), time(), zone)


def refresh_due(last: datetime | None, now: datetime, calendar: WorkingCalendar) -> bool:
    """At most once a working day: due at the first cycle of a working day after ``last``."""
    return next_refresh(last, now, calendar) <= now


def last_refresh(snapshot: Snapshot) -> datetime | None:
    """The moment the sheet says the tab was last refreshed (None: never, or unreadable)."""
    text = snapshot.meta.get(REFRESHED, "")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def is_due(snapshot: Snapshot, rules: Rules, now: datetime) -> bool:
    """Whether the sheet calls for a refresh at ``now`` (an emptied tab always does)."""
    if KINERJA in snapshot.blank_tabs:
        return True
    return refresh_due(last_refresh(snapshot), now, rules.calendar)


def wants_riwayat(snapshot: Snapshot, rules: Rules, now: datetime, terms: KinerjaTerms) -> str:
    """Why this cycle must read Riwayat after all ("" if not): the tab was emptied, or it is
    due and the cycle was not told when it would be.

    ``rules`` are the configuration's: the office's dates are read from ``snapshot``.
    """
    if snapshot.history is not None or not snapshot.ledger_has_entries:
        return ""
    if KINERJA in snapshot.blank_tabs:
        return "the Kinerja tab is empty"
    if terms.due is None and is_due(snapshot, read_office(snapshot.tables, rules).rules, now):
        return "the Kinerja tab is due"
    return ""


def refresh(
    snapshot: Snapshot,
    rules: Rules,
    now: datetime,
    terms: KinerjaTerms,
    appended: Sequence[HistoryEntry] = (),
    pins: Pins | None = None,
) -> Refresh:
    """The tab anew when it is due and Riwayat was read (or is empty); when next due.

    ``appended`` are the entries this cycle adds to Riwayat: the tab counts them too;
    ``pins`` the SOP versions documents run on (``measures``).
    """
    calendar = rules.calendar
    last = last_refresh(snapshot)
    if not is_due(snapshot, rules, now):
        return Refresh(None, next_refresh(last, now, calendar))
    history = snapshot.history
    if history is None and snapshot.ledger_has_entries:
        return Refresh(None, now)  # due, unexpected: the next cycle reads Riwayat
    from syncer.monitoring.kinerja import kinerja_tab  # here: most cycles do not make the tab

    entries = [*(history or ()), *appended]
    grid = kinerja_tab(entries, rules.catalog, calendar, now, terms.good_share, pins)
    return Refresh(TabContent(grid), next_refresh(now, now, calendar))
