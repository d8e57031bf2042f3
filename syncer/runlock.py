"""One worker per sheet: an exclusive, non-blocking lock held for a cycle or a run.

The lock of a workbook is a hidden file beside it, so that workers of two machines
sharing the folder see each other. It exists only while a worker holds it: removed on
release, before unlocking, and a worker that locked a file just removed takes the new
one. A `run` holds it for the whole run (that is how a second worker knows one runs).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from syncer.backends import BackendError, Busy


def lock_path(target: str) -> Path:
    """Beside a workbook (hidden file), or in the temp folder for a spreadsheet id."""
    path = Path(target)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return path.with_name(f".{path.name}.sopsync-lock")
    digest = hashlib.sha256(target.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"sopsync-{digest}.lock"


_held: set[Path] = set()


def is_held(target: str) -> bool:
    """This process holds the sheet's lock."""
    return lock_path(target) in _held


@contextmanager
def held(target: str) -> Iterator[None]:
    """Hold the sheet's lock; re-entrant within one process (``run`` calls ``sync``)."""
    path = lock_path(target)
    if path in _held:
        yield
        return
    fd = _acquire(path, target)
    _held.add(path)
    try:
        yield
    finally:
        _held.discard(path)
        with suppress(OSError):
            path.unlink()
        os.close(fd)


def _acquire(path: Path, target: str) -> int:
    while True:
        fd = _open(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(fd)
            raise Busy(f"another sopsync worker is syncing {target}") from exc
        if _still_there(fd, path):
            break
        os.close(fd)  # its holder removed it meanwhile: lock the file that is there now
    with suppress(OSError):  # who holds it, for an admin looking; a full disk is no reason to stop
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def _open(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except PermissionError:
        with suppress(OSError):  # left by another user: a read-only descriptor locks as well
            return os.open(path, os.O_RDONLY)
        raise BackendError(f"cannot create the lock file {path}: permission denied") from None
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise BackendError(f"cannot create the lock file {path}: {reason}") from exc


def _still_there(fd: int, path: Path) -> bool:
    try:
        on_disk = path.stat()
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (on_disk.st_dev, on_disk.st_ino)
