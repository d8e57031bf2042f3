"""SOP versions in the sheet (DESIGN §9): the steps documents in flight run on, kept where
the documents are, so that a catalog edit or a new machine does not lose them.

Each version that a document in flight runs on is kept in the state tab's key→value
area under ``versi:<sop>:<version>``, its value a compact JSON of the SOP's title, when
it was first kept, its revision date and its steps in canonical form
(``sop_models.version.steps_data``): about 0.5–1 kB an SOP. A version no document in
flight runs on is removed. Read back, a kept version is checked: its steps must be a
valid SOP whose digest is the version in its key; one that is not is ``damaged``, and
the documents on it get a clear Pesan (``engine.pinned``) until an admin migrates them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache

from sop_models import Catalog, Procedure
from sop_models.identity import Identity
from sop_models.version import (
    VersionError,
    Versions,
    label,
    procedure_from_data,
    steps_data,
)
from syncer.contract import Status
from syncer.engine import MIGRATION_MARK, EntryKind, HistoryEntry, Record
from syncer.views import HEADER, TITLE, Grid, Styled

PREFIX = "versi:"
Key = tuple[str, str]
"""(SOP code, version)."""


def version_key(code: str, version: str) -> str:
    return f"{PREFIX}{code}:{version}"


@dataclass(frozen=True)
class Kept:
    """The versions read from the state tab."""

    versions: Versions = field(default_factory=Versions)
    since: Mapping[Key, datetime] = field(default_factory=dict)
    """When each readable version was first kept (its first document started on it)."""
    keys: frozenset[Key] = frozenset()
    """Every version the area has a key for, readable or not."""


@dataclass(frozen=True)
class Pins:
    """Which version of its SOP each document runs on (its record's), and the older
    versions whose steps the sheet keeps."""

    documents: Mapping[str, str] = field(default_factory=dict)
    """Document ID -> version ("" or absent: the current one)."""
    versions: Versions = field(default_factory=Versions)


def stored(proc: Procedure, now: datetime) -> str:
    """The value a version is kept as: its title and aliases (the names staff may have
    typed in Prosedur, for when the catalog no longer has the SOP), when it was first kept,
    its revision date, its steps."""
    value: dict[str, object] = {"judul": proc.title, "sejak": now.isoformat(timespec="seconds")}
    if proc.aliases:
        value["alias"] = list(proc.aliases)
    if proc.identity.tanggal_revisi:
        value["revisi"] = proc.identity.tanggal_revisi.isoformat()
    value["langkah"] = steps_data(proc)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


VersionReader = Callable[[str, str, str], tuple[Procedure, datetime]]
"""How a version is read from its value: :func:`read_version`, or what it answered kept
(``syncer.kept``)."""


def read_kept(meta: Mapping[str, str], read: VersionReader | None = None) -> Kept:
    """Every version the key→value area holds; one that cannot be used is named with why."""
    read = read or read_version
    procedures: dict[Key, Procedure] = {}
    damaged: dict[Key, str] = {}
    since: dict[Key, datetime] = {}
    for name, text in meta.items():
        if not name.startswith(PREFIX):
            continue
        code, _, version = name.removeprefix(PREFIX).rpartition(":")
        key = (code, version)
        try:
            procedures[key], since[key] = read(code, version, text)
        except VersionError as exc:
            damaged[key] = str(exc)
    keys = frozenset([*procedures, *damaged])
    return Kept(Versions(procedures, damaged), since, keys)


@lru_cache(maxsize=256)
def read_version(code: str, version: str, text: str) -> tuple[Procedure, datetime]:
    """A kept version from its value, and since when it is kept; VersionError when it
    cannot be used. (Remembered: a ``run`` reads the same ones each cycle.)"""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise VersionError("isinya bukan JSON yang terbaca") from None
    if not isinstance(value, dict):
        raise VersionError("isinya tidak terbaca")
    title, when, revised = value.get("judul"), value.get("sejak"), value.get("revisi")
    try:
        since = datetime.fromisoformat(when) if isinstance(when, str) else None
        day = date.fromisoformat(revised) if isinstance(revised, str) else None
    except ValueError:
        raise VersionError("tanggalnya tidak terbaca") from None
    if since is None or since.tzinfo is None or not isinstance(title, str):
        raise VersionError("judul atau tanggalnya tidak terbaca")
    proc = procedure_from_data(code, title, version, value.get("langkah"), value.get("alias", []))
    if day is not None:
        proc = proc.model_copy(update={"identity": Identity(tanggal_revisi=day)})
    return proc, since


def in_flight(records: Iterable[Record]) -> set[Key]:
    """The versions documents in flight run on."""
    return {(r.procedure, r.version) for r in records if isinstance(r.step, int) and r.version}


def kept_updates(
    kept: Kept, used: set[Key], catalog: Catalog, now: datetime
) -> dict[str, str | None]:
    """What the area should change: each version in use (``used``: :func:`in_flight`) and
    not kept yet, added (the catalog's own: an older one missing cannot be made up); each
    kept and no longer in use, removed. Nothing when no document started, finished or
    migrated."""
    updates: dict[str, str | None] = {version_key(*key): None for key in sorted(kept.keys - used)}
    for code, version in sorted(used - kept.keys):
        proc = catalog.procedures.get(code)
        if proc is not None and proc.version == version:
            updates[version_key(code, version)] = stored(proc, now)
    return updates


_MIGRATED = re.compile(r"ke versi ([0-9a-f]+) \(dari versi ([0-9a-f]+)\)")


def migrated(note: str) -> tuple[str, str]:
    """The versions a migration's Keterangan names: (left, reached); "" when it names none."""
    found = _MIGRATED.search(note)
    return (found.group(2), found.group(1)) if found else ("", "")


def rebuilt_versions(
    rebuilt: Mapping[str, Record], history: Iterable[HistoryEntry], kept: Kept
) -> dict[str, Record]:
    """Records rebuilt from Riwayat, with the version each document runs on.

    Riwayat does not name versions at a start: a document is on the version kept for its
    SOP that was first kept last before its start (versions are kept from their first
    document on), or before any, on the earliest kept; with none kept, on the current one
    (the engine stamps it). A migration names the version it went to.
    """
    began: dict[str, HistoryEntry] = {}
    for entry in history:
        if entry.id in rebuilt and (
            (entry.kind is EntryKind.ACCEPTED and entry.source is None)
            or entry.kind is EntryKind.MIGRATED
        ):
            began[entry.id] = entry
    out: dict[str, Record] = {}
    for doc_id, record in rebuilt.items():
        start = began.get(doc_id)
        version = ""
        if start is not None and start.kind is EntryKind.MIGRATED:
            version = migrated(start.note)[1]
        elif start is not None:
            version = _version_at(kept, record.procedure, start.when)
        out[doc_id] = replace(record, version=version if isinstance(record.step, int) else "")
    return out


def _version_at(kept: Kept, code: str, moment: datetime) -> str:
    known = sorted((when, key[1]) for key, when in kept.since.items() if key[0] == code)
    earlier = [version for when, version in known if when <= moment]
    if earlier:
        return earlier[-1]
    return known[0][1] if known else ""


def migration_note(old: str, new: Procedure, source: int, target: int) -> str:
    """Riwayat's Keterangan of a migration: ``migrasi SOP ke versi … (dari versi …): …``."""
    return (
        f"{MIGRATION_MARK} ke versi {new.version} (dari versi {old}): langkah {source} → {target}"
    )


# --- the SOP tab's block: versions in force, documents on older ones ----------------------

OLDER = Status.HAMPIR_TENGGAT.value
"""Documents on an older version are shown yellow: worth a look, nothing wrong yet."""
HEADERS = ("Kode", "Prosedur", "", "Versi berlaku", "Dokumen pada versi lama")
SHOWN_IDS = 10
"""Documents named per older version; beyond this, how many more."""


def sop_block(catalog: Catalog, records: Iterable[Record], kept: Kept, used: set[Key]) -> Grid:
    """Below the steps: each SOP's version in force (with its revision date) and how many
    documents in flight run on an older one, which, and on what version. Under the steps,
    it moves none of their rows: a change here does not point the Langkah dropdowns anew
    (``meta.CHOICES``). ``used``: the versions in flight (:func:`in_flight`); the records
    are looked through only when one of them is older than the catalog's."""
    older: dict[str, dict[str, list[str]]] = {}
    if any(_older(catalog, key) for key in used):
        for record in records:
            key = (record.procedure, record.version)
            if isinstance(record.step, int) and record.version and _older(catalog, key):
                older.setdefault(record.procedure, {}).setdefault(record.version, []).append(
                    record.id
                )
    grid: Grid = [
        [],
        [Styled("Versi SOP: dokumen berjalan tetap pada versi saat dimulai", TITLE)],
        [Styled(name, HEADER) for name in HEADERS],
    ]
    for proc in catalog:
        grid.append(_piece_row(proc.code, proc.title, label(proc), older.get(proc.code, {})))
    for code in sorted(older.keys() - catalog.procedures.keys()):
        title = next((p.title for (c, _), p in kept.versions.procedures.items() if c == code), code)
        grid.append(_piece_row(code, title, "(tidak ada lagi di katalog)", older[code]))
    return grid


def _older(catalog: Catalog, key: Key) -> bool:
    """Whether a version is not the catalog's (an older one, or of an SOP it no longer has)."""
    current = catalog.procedures.get(key[0])
    return current is None or current.version != key[1]


def _piece_row(code: str, title: str, current: str, older: dict[str, list[str]]) -> list[Styled]:
    count = sum(len(ids) for ids in older.values())
    if not count:
        return [Styled(code), Styled(title), Styled(""), Styled(current), Styled("Tidak ada")]
    parts = []
    for version, ids in sorted(older.items()):
        ids = sorted(ids)
        more = f" dan {len(ids) - SHOWN_IDS} lainnya" if len(ids) > SHOWN_IDS else ""
        parts.append(f"versi {version}: {', '.join(ids[:SHOWN_IDS])}{more}")
    text = f"{count} dokumen ({'; '.join(parts)})"
    return [Styled(code), Styled(title), Styled(""), Styled(current), Styled(text, OLDER)]
