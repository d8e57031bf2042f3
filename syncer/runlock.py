"""One worker per sheet: an exclusive, non-blocking lock held for a cycle or a run."""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from syncer.backends import Busy


def lock_path(target: str) -> Path:
    """Beside a workbook (hidden file), or in the temp folder for a spreadsheet id."""
    path = Path(target)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return path.with_name(f".{path.name}.sopsync-lock")
    digest = hashlib.sha256(target.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"sopsync-{digest}.lock"


_held: set[Path] = set()


@contextmanager
def held(target: str) -> Iterator[None]:
    """Hold the sheet's lock; re-entrant within one process (``run`` calls ``sync``)."""
    path = lock_path(target)
    if path in _held:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise Busy(f"another sopsync worker is syncing {target}") from exc
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        _held.add(path)
        try:
            yield
        finally:
            _held.discard(path)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
