"""The SOP catalog as the last process validated it, kept in the worker's state file.

A ``sync`` from cron is a new process each time, and reading the SOP catalog (the YAML of
every file, then every rule of every SOP) is a good share of its start-up, although the
files rarely change. So the validated catalog is kept, pickled, in the state file beside
the configuration (``[worker] state_file``), under a fingerprint of everything it came
from: the path, size and modification time of each SOP file and of each module of the
code that defines a catalog, and the versions of Python and pydantic. A process whose
fingerprint matches takes the kept catalog; any other reads the files as always
(reporting their mistakes as always) and keeps what it validated.

It is only a shortcut: a kept catalog that is missing, unreadable or from other files is
read again from the files, and a state file that cannot be written is left as it is, so
nothing here fails a cycle. The state file is the admin's own, as the configuration is:
only what the worker wrote there is unpickled.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sqlite3
import sys
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

import pydantic
import structlog

import sop_models
from sop_models import Catalog, load_catalog
from sop_models.catalog import sources

log = structlog.get_logger("sopsync.kept")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kept (
    name TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    value BLOB NOT NULL
)
"""
_CODE = Path(sop_models.__file__).parent


def catalog(state_file: Path | None, folders: Sequence[Path]) -> Catalog:
    """``load_catalog(folders)``, taken from ``state_file`` when its files did not change
    since it was kept there (None: no state file, the files are read)."""
    if state_file is None:
        return load_catalog(folders)
    name = "catalog " + json.dumps([str(folder) for folder in folders])
    mark = fingerprint([*sources(folders), *sorted(_CODE.glob("*.py"))])
    found = _take(state_file, name, mark)
    if isinstance(found, Catalog):
        return found
    made = load_catalog(folders)
    _keep(state_file, name, mark, made)
    return made


def fingerprint(files: Sequence[Path]) -> str:
    """What tells that any of ``files`` changed, or the versions that read them."""
    digests: list[list[str]] = []
    for path in files:
        try:
            digests.append([str(path), hashlib.blake2b(path.read_bytes()).hexdigest()])
        except OSError:
            digests.append([str(path)])  # reading it will say what is wrong
    return json.dumps([sys.version, pydantic.VERSION, digests])


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
