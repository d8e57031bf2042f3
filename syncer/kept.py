"""What a ``sync`` from cron would otherwise rebuild at every start, kept in the worker's
state file: the SOP catalog it validated and the days off the ``holidays`` package listed.

A ``sync`` from cron is a new process each time. Reading the SOP catalog (the YAML of
every file, then every rule of every SOP) and importing the ``holidays`` package to list
a year's days off are a good share of its start-up, although neither changes from one
sync to the next. So both are kept, pickled, in the state file beside the configuration
(``[worker] state_file``), each under a fingerprint of everything it came from:

- the catalog: the path and a digest of the content of each SOP file and of each module
  of the code that defines a catalog, and the versions of Python and pydantic (a digest,
  not a modification time: an edit saved within the clock's tick of the last read still
  counts);
- a year's days off: the country, categories and year asked for, and a digest of the
  ``holidays`` package's version file (found without importing the package).

A process whose fingerprint matches takes what is kept; any other builds it as always
(reporting mistakes in SOP files as always) and keeps it. It is only a shortcut: a kept
value that is missing, unreadable or from other sources is built again, and a state file
that cannot be written is left as it is, so nothing here fails a cycle. The state file is
the admin's own, as the configuration is: only what the worker wrote there is unpickled.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import pickle
import sqlite3
import sys
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path
from typing import TypeVar

import pydantic
import structlog

import sop_models
from sop_models import Catalog, load_catalog
from sop_models.catalog import sources
from syncer import calendar

log = structlog.get_logger("sopsync.kept")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kept (
    name TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    value BLOB NOT NULL
)
"""
_CODE = Path(sop_models.__file__).parent
_T = TypeVar("_T")


def catalog(state_file: Path | None, folders: Sequence[Path]) -> Catalog:
    """``load_catalog(folders)``, taken from ``state_file`` when its files did not change
    since it was kept there (None: no state file, the files are read)."""
    if state_file is None:
        return load_catalog(folders)
    name = "catalog " + json.dumps([str(folder) for folder in folders])
    mark = fingerprint([*sources(folders), *sorted(_CODE.glob("*.py"))])
    return _kept(state_file, name, mark, Catalog, lambda: load_catalog(folders))


def holidays(state_file: Path | None) -> calendar.Lister:
    """Where a calendar takes the days off the package lists: kept in ``state_file``, or
    (None) the package, as always."""
    return calendar.package_holidays if state_file is None else _KeptHolidays(state_file)


class _KeptHolidays:
    """``calendar.package_holidays``, its answers kept in a state file."""

    def __init__(self, state_file: Path):
        self.state_file = state_file
        self.known: dict[tuple[str, tuple[str, ...], int], calendar.Listed] = {}

    def __call__(self, country: str, categories: tuple[str, ...], year: int) -> calendar.Listed:
        key = (country, categories, year)
        if key not in self.known:
            self.known[key] = self._kept(*key)
        return self.known[key]

    def _kept(self, country: str, categories: tuple[str, ...], year: int) -> calendar.Listed:
        name = "holidays " + json.dumps([country, list(categories), year])
        mark = fingerprint(_holidays_version())
        return _kept(
            self.state_file,
            name,
            mark,
            dict,
            lambda: calendar.package_holidays(country, categories, year),
        )


def _holidays_version() -> list[Path]:
    """The ``holidays`` package's version file, found without importing the package."""
    spec = importlib.util.find_spec("holidays")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    return [Path(folder) / "version.py" for folder in folders[:1]]


def fingerprint(files: Sequence[Path]) -> str:
    """What tells that any of ``files`` changed, or the versions that read them."""
    digests: list[list[str]] = []
    for path in files:
        try:
            digests.append([str(path), hashlib.blake2b(path.read_bytes()).hexdigest()])
        except OSError:
            digests.append([str(path)])  # reading it will say what is wrong
    return json.dumps([sys.version, pydantic.VERSION, digests])


def _kept(state_file: Path, name: str, mark: str, kind: type[_T], make: Callable[[], _T]) -> _T:
    """The value kept under ``name`` and ``mark`` when it is a ``kind``; else ``make()``,
    kept there for the next process."""
    found = _take(state_file, name, mark)
    if isinstance(found, kind):
        return found
    made = make()
    _keep(state_file, name, mark, made)
    return made


def _take(state_file: Path, name: str, mark: str) -> object:
    if not state_file.exists():
        return None
    try:
        with closing(sqlite3.connect(state_file, timeout=30)) as db:
            row = db.execute(
                "SELECT value FROM kept WHERE name = ? AND fingerprint = ?", (name, mark)
            ).fetchone()
        return pickle.loads(row[0]) if row else None
    except Exception as exc:  # noqa: BLE001 - a kept value of any shape is only a shortcut
        log.debug("kept value unreadable", file=str(state_file), name=name, reason=repr(exc))
        return None


def _keep(state_file: Path, name: str, mark: str, value: object) -> None:
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with closing(sqlite3.connect(state_file, timeout=30)) as db, db:
            db.execute(_SCHEMA)
            db.execute(
                "INSERT OR REPLACE INTO kept (name, fingerprint, value) VALUES (?, ?, ?)",
                (name, mark, data),
            )
    except (sqlite3.Error, OSError, pickle.PicklingError) as exc:
        log.debug("kept value not written", file=str(state_file), name=name, reason=str(exc))
