"""One sheet of the configuration, cycle after cycle: what `sync` and `run` do for each.

A sheet's rules (its SOP catalog, calendar and people) are made at its first cycle and
kept; sheets with the same SOP folders share one catalog. A Google sheet talks through
the transport of its service-account key, shared by every sheet reached with that key
(one token, one connection pool), and waits on its account's pacer. Each cycle runs
under the sheet's lock, its notices follow (``cli.sync_once``), and it is recorded for
`sopsync status`. Between cycles a sheet keeps only that: its rules, its lock, the note
of when its Kinerja is due and its place in the loop; the backend, what it read and
decided are dropped after each cycle, so a worker of many sheets holds one sheet's cycle
in memory at a time. (The one sheet of a configuration without ``[[sheets]]`` keeps its
backend, as ``run`` always did, and its last cycle (``syncer.last_cycle``): what it
parsed and decided last time spares it work; a few MB per thousand rows.)
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from sop_models import Catalog
from syncer import kept
from syncer.backends import Backend
from syncer.config import Config, ConfigError
from syncer.cycle import Report
from syncer.engine import Rules
from syncer.last_cycle import LastCycle
from syncer.monitoring.refresh_record import RefreshRecord
from syncer.pacing import QUOTAS, Quotas
from syncer.people import Directory, catalog_roles, find_role, unknown_role_problems
from syncer.sheets import Sheet
from syncer.status import StatusBook
from syncer.summary import report_fields

if TYPE_CHECKING:
    from syncer.backends.google import SheetsTransport


class OneCycle(Protocol):
    """``cli.sync_once``: one cycle of a sheet under its lock, then its notices."""

    def __call__(
        self,
        config: Config,
        rules: Rules,
        now: datetime,
        dry_run: bool,
        *,
        sleep: Callable[[float], None] | None,
        backend: Backend,
        record: RefreshRecord,
        memory: LastCycle | None = None,
    ) -> Report: ...


def make_rules(config: Config, catalogs: Catalogs | None = None) -> Rules:
    """The rules a sheet's rows are decided by; ``catalogs`` shares the catalog of the same
    SOP folders between sheets."""
    folders = tuple(config.sop.folders)
    catalogs = {} if catalogs is None else catalogs
    if folders not in catalogs:
        catalogs[folders] = kept.catalog(config.worker.state_file, config.sop.folders)
    catalog = catalogs[folders]
    calendar = replace(config.calendar.build(), lister=kept.holidays(config.worker.state_file))
    return Rules(
        catalog=catalog,
        calendar=calendar,
        due_soon_minutes=config.calendar.due_soon_minutes,
        people=Directory(names=config_people(config, catalog_roles(catalog)), zone=calendar.zone),
        read_version=kept.version_reader(config.worker.state_file),
    )


def config_people(config: Config, roles: Sequence[str]) -> dict[str, str]:
    """``[people]`` keyed by the catalog's spelling of each role; refuses unknown roles."""
    bosses = config.notices.supervisors
    problems = unknown_role_problems("people", config.people, roles)
    problems += unknown_role_problems("notices.supervisors", bosses, roles)
    problems += unknown_role_problems(
        "notices.supervisors", [b for b in bosses.values() if b], roles
    )
    if problems:
        raise ConfigError("\n".join(f"{config.origin}{problem}" for problem in problems))
    return {find_role(role, roles) or role: name for role, name in config.people.items()}


class Transports:
    """The Google transport of each service-account key and its settings, made when first
    needed: the sheets reached with one key share it."""

    def __init__(
        self,
        quotas: Quotas = QUOTAS,
        sleep: Callable[[float], None] = time.sleep,
        retry_faults: bool = True,
    ):
        self.quotas = quotas
        self.sleep = sleep
        self.retry_faults = retry_faults
        self._made: dict[tuple[object, ...], SheetsTransport] = {}

    def of(self, config: Config) -> SheetsTransport:
        from syncer.backends.google import SheetsTransport

        google = config.google
        key = (
            config.credentials_path(),
            google.endpoint,
            google.timeout_seconds,
            google.requests_per_minute,
            google.project_requests_per_minute,
            config.worker.retries,
        )
        if key not in self._made:
            self._made[key] = SheetsTransport.from_config(
                config, self.quotas, self.sleep, self.retry_faults
            )
        return self._made[key]


Catalogs = dict[tuple[Path, ...], Catalog]
"""Catalogs by SOP folders: sheets of the same folders share one."""


@dataclass
class Shared:
    """What the sheets of one command share: transports by key, catalogs by folders, the
    note of when each sheet's Kinerja is due by state file; whether a cycle waits for a file
    another program is still writing (of many sheets, it does not: it is tried again later,
    and the others are not kept waiting)."""

    transports: Transports = field(default_factory=Transports)
    catalogs: Catalogs = field(default_factory=dict)
    records: dict[Path | None, RefreshRecord] = field(default_factory=dict)
    waits: bool = True

    def record(self, state_file: Path | None) -> RefreshRecord:
        if state_file not in self.records:
            self.records[state_file] = RefreshRecord(state_file)
        return self.records[state_file]


def make_backend(config: Config, zone: ZoneInfo, transports: Transports | None = None) -> Backend:
    if config.backend == "google":
        with first_import("syncer.backends.google"):
            from syncer.backends.google import GoogleBackend

        transport = transports.of(config) if transports is not None else None
        return GoogleBackend.from_config(config, zone, transport)
    with first_import("syncer.backends.xlsx"):
        from syncer.backends.xlsx import XlsxBackend

    return XlsxBackend(config.xlsx.path, zone)


@contextmanager
def first_import(module: str) -> Iterator[None]:
    """A backend's modules imported as the console script imports sopsync's own: the
    cyclic collector paused while they load, and what they made frozen out of its sight
    afterwards. Google's libraries (gspread, requests, google-auth) are as many objects
    again as sopsync's own, and all live as long as the process: the collector would walk
    them again and again while they load, then once more whole at its next collection
    (about 4% of a cron sync on Google). Only the process's first import of ``module`` does
    this; the freeze takes along what the command holds by then (its settings and rules,
    which it keeps too)."""
    if module in sys.modules or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


class SheetService:
    """A sheet served cycle after cycle (``run``) or once (``sync``).

    ``now(zone)`` is the clock of each cycle, in the sheet's zone. With ``hold`` the
    sheet's lock, once had, is kept until :meth:`close` (a ``run``: another worker sees
    that this one serves the sheet), and so are its backend and its last cycle when
    ``keep_backend``.
    """

    def __init__(
        self,
        sheet: Sheet,
        one_cycle: OneCycle,
        *,
        now: Callable[[ZoneInfo], datetime],
        shared: Shared,
        dry_run: bool = False,
        hold: bool = False,
        keep_backend: bool = False,
    ):
        self.sheet = sheet
        self.one_cycle = one_cycle
        self.now = now
        self.shared = shared
        state = sheet.config.worker.state_file
        self.status = StatusBook(state) if state is not None else None
        self.dry_run = dry_run
        self.hold = hold
        self.keep_backend = keep_backend
        self._rules: Rules | None = None
        self._backend: Backend | None = None
        self._memory = LastCycle() if keep_backend else None
        self._held = ExitStack()

    @property
    def config(self) -> Config:
        return self.sheet.config

    def rules(self) -> Rules:
        """Made at the first cycle that needs them; an unusable SOP folder or ``[people]``
        raises, and is tried again at the next cycle."""
        if self._rules is None:
            self._rules = make_rules(self.config, self.shared.catalogs)
        return self._rules

    def open(self) -> None:
        """Make the rules and the backend and take the lock now, not at the first cycle:
        what cannot work (or a sheet another worker serves) stops a ``run`` at once."""
        rules = self.rules()
        self._backend = self._make_backend(rules)
        self._hold(self._backend.target)

    def cycle(self) -> Report:
        """One cycle, recorded (not on a dry run); raises what ``sync_once`` raises."""
        now = self.now(self.config.calendar.zone)
        try:
            rules = self.rules()
            backend = self._backend or self._make_backend(rules)
            if self.keep_backend:
                self._backend = backend
            if self.hold:
                self._hold(backend.target)
            record = self.shared.record(self.config.worker.state_file)
            report = self.one_cycle(
                self.config,
                rules,
                now,
                self.dry_run,
                sleep=time.sleep if self.shared.waits else None,
                backend=backend,
                record=record,
                memory=self._memory,
            )
        except Exception as exc:
            if self.status is not None and not self.dry_run:
                self.status.failed(self.sheet.name, self.sheet.target, now, exc)
            raise
        self._after(report)
        return report

    def _make_backend(self, rules: Rules) -> Backend:
        return make_backend(self.config, rules.calendar.zone, self.shared.transports)

    def _after(self, report: Report) -> None:
        """After each completed cycle of this sheet (its notices already sent): recorded
        for `status`."""
        if self.status is not None and not self.dry_run:
            self.status.done(self.sheet.name, report, report_fields(report))

    def _hold(self, target: str) -> None:
        from syncer.runlock import held, is_held

        if not is_held(target):
            self._held.enter_context(held(target))

    def close(self) -> None:
        """Let go of the sheet's lock, if held."""
        self._held.close()
