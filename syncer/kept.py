"""What a ``sync`` from cron would otherwise rebuild at every start, kept in the worker's
state file: the configuration and the SOP catalog it validated, the SOP versions it read
back from the sheet, and the days off the ``holidays`` package listed.

A ``sync`` from cron is a new process each time. Validating the configuration and the
SOPs (pydantic builds its validators on their first use), reading the YAML of every SOP
file and importing the ``holidays`` package to list a year's days off are a good share of
its start-up, although none of it changes from one sync to the next. So all of it is
kept, pickled, in the state file beside the configuration (``[worker] state_file``), each
under a fingerprint of everything it came from, and the versions of Python and pydantic:

- the configuration (the file's own settings, and its sheets): the file's path and a
  digest of its content and of each module of the code that reads it (a digest, not a
  modification time: an edit saved within the clock's tick of the last read still
  counts); its state file is told from the TOML alone (``config.state_file_of``);
- the catalog: the path and a digest of the content of each SOP file and of each module
  of the code that defines a catalog;
- a version of an SOP kept in the sheet: its code, its version, a digest of its stored
  text and of the code that defines a catalog;
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
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import TypeVar

import pydantic
import structlog

import sop_models
from sop_models import Catalog, Procedure, load_catalog
from sop_models import duration as sop_duration
from sop_models.catalog import sources
from syncer import calendar, config, hours, monitoring, sheets, versions

log = structlog.get_logger("sopsync.kept")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kept (
    name TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    value BLOB NOT NULL
)
"""
_CODE = Path(sop_models.__file__).parent
_CONFIG_CODE = tuple(
    Path(str(module.__file__))
    for module in (config, sheets, hours, calendar, sop_duration, monitoring)
)
"""The modules that read a configuration and define what it holds (and its defaults)."""
_T = TypeVar("_T")


def configuration(path: Path | None, load: Callable[[Path | None], _T], kind: type[_T]) -> _T:
    """``load(path)``: the file's own settings (``config.load_config``) or its sheets
    (``sheets.load_sheets``), taken from the configuration's state file when neither the
    file nor the code that reads it changed since it was kept there. A configuration with
    mistakes is never kept: each command says what they are, as always."""
    state_file = None if path is None else config.state_file_of(path)
    if path is None or state_file is None:
        return load(path)
    name = f"{load.__name__} {json.dumps(str(Path(path).resolve()))}"
    mark = fingerprint([path], _CONFIG_CODE)
    return _kept(state_file, name, mark, kind, lambda: load(path))


def catalog(state_file: Path | None, folders: Sequence[Path]) -> Catalog:
    """``load_catalog(folders)``, taken from ``state_file`` when its files did not change
    since it was kept there (None: no state file, the files are read)."""
    if state_file is None:
        return load_catalog(folders)
    name = "catalog " + json.dumps([str(folder) for folder in folders])
    mark = fingerprint(sources(folders), _catalog_code())
    return _kept(state_file, name, mark, Catalog, lambda: load_catalog(folders))


def holidays(state_file: Path | None) -> calendar.Lister:
    """Where a calendar takes the days off the package lists: kept in ``state_file`` (and
    held once read), or (None) the package, as always."""
    if state_file is None:
        return calendar.package_holidays

    @cache
    def kept_holidays(country: str, categories: tuple[str, ...], year: int) -> calendar.Listed:
        name = "holidays " + json.dumps([country, list(categories), year])
        mark = fingerprint(_holidays_version())
        return _kept(
            state_file,
            name,
            mark,
            dict,
            lambda: calendar.package_holidays(country, categories, year),
        )

    return kept_holidays


def _holidays_version() -> list[Path]:
    """The ``holidays`` package's version file, found without importing the package."""
    spec = importlib.util.find_spec("holidays")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    return [Path(folder) / "version.py" for folder in folders[:1]]


def version_reader(state_file: Path | None) -> versions.VersionReader:
    """How a cycle reads back the SOP versions kept in the sheet: validated as always
    (None: no state file), or taken from ``state_file`` when kept there (and held once
    read, as ``versions.read_version`` holds them: each cycle reads the same ones back)."""
    if state_file is None:
        return versions.read_version

    @lru_cache(maxsize=256)
    def kept_version(code: str, version: str, text: str) -> tuple[Procedure, datetime]:
        name = "version " + json.dumps([code, version])
        mark = fingerprint([], (*_catalog_code(), Path(versions.__file__)), text)
        return _kept(
            state_file, name, mark, tuple, lambda: versions.read_version(code, version, text)
        )

    return kept_version


@cache
def _catalog_code() -> tuple[Path, ...]:
    """The modules that define a catalog, listed once (each kept SOP version asks)."""
    return tuple(sorted(_CODE.glob("*.py")))


def fingerprint(files: Sequence[Path], code: Sequence[Path] = (), text: str = "") -> str:
    """What tells that any of ``files``, the ``code`` that reads them or ``text`` changed,
    or the versions of Python and pydantic. (Code does not change under a running process:
    its digests are taken once.)"""
    digests = [*(_digest(path) for path in files), *_code_digests(tuple(code))]
    if text:
        digests.append([hashlib.blake2b(text.encode()).hexdigest()])
    return json.dumps([sys.version, pydantic.VERSION, digests])


@cache
def _code_digests(code: tuple[Path, ...]) -> tuple[list[str], ...]:
    return tuple(_digest(path) for path in code)


def _digest(path: Path) -> list[str]:
    try:
        return [str(path), hashlib.blake2b(path.read_bytes()).hexdigest()]
    except OSError:
        return [str(path)]  # reading it will say what is wrong


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
