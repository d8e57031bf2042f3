"""The workbook file on disk, in a folder staff share with Excel and LibreOffice.

- Its path names an ``.xlsx`` file in a folder that exists: the worker creates no folders.
- Opening it tells a file that is not a workbook (one sentence) from a workbook another
  program is still writing (busy: read again a moment later).
- The file is read once per cycle, whole, into memory; the write that follows builds the
  new file from those bytes.
- A save writes a temporary file beside the workbook, then replaces the workbook with it
  atomically, keeping the file's owner, group and mode; never while Excel or LibreOffice
  holds the file open (their lock files), nor when it changed since it was read. When the
  disk is full or the folder read-only, the workbook is left as it was.
- Temporary files of a save that was killed are removed by the next cycle.
"""

from __future__ import annotations

import io
import os
import re
import stat
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree.ElementTree import ParseError

import structlog

from syncer.backends import BackendError, Busy, Changed, Misconfigured

if TYPE_CHECKING:
    from openpyxl import Workbook

log = structlog.get_logger("sopsync.workbook")

Stamp = tuple[int, int]
"""What tells that the file changed: (modification time in ns, size)."""

LEFTOVER_AGE = 60.0
"""Seconds without a change after which a temporary file is a killed save's, not a live one.

The run lock already keeps two workers of one machine apart; the age also keeps apart
workers of two machines on a network folder, where that lock may not reach."""

ZIP_MAGIC = b"PK\x03\x04"
EXTENSION = ".xlsx"


class Unsettled(Changed):
    """The file is a zip whose parts do not read whole: another program is writing it."""

    retry_after = 1.0


def check_path(path: Path) -> None:
    """A path the worker may use for a workbook; raises Misconfigured naming what is wrong."""
    if path.name.lower() == EXTENSION:
        raise Misconfigured(f"{path}: give the workbook a name before {EXTENSION}")
    if path.suffix.lower() != EXTENSION:
        raise Misconfigured(f"{path}: a workbook's name must end in {EXTENSION}")
    try:
        if path.is_dir():
            raise Misconfigured(f"{path} is a folder, not a workbook")
        if not path.parent.is_dir():
            raise Misconfigured(f"{path}: the folder {path.parent} does not exist")
    except OSError as exc:  # a name too long for the file system, a loop of links
        raise Misconfigured(f"{path}: {(exc.strerror or str(exc)).lower()}") from None


def lock_files(path: Path) -> list[Path]:
    """Lock files that Excel and LibreOffice keep beside a workbook they have open."""
    names = {f"~${path.name}", f"~${path.name[2:]}", f".~lock.{path.name}#"}
    return [path.with_name(n) for n in sorted(names) if path.with_name(n).exists()]


def stamp(path: Path) -> Stamp:
    st = path.stat()
    return (st.st_mtime_ns, st.st_size)


def _stamp_now(path: Path) -> Stamp | None:
    """The stamp, or None when the file is gone (moved or removed by someone)."""
    try:
        return stamp(path)
    except FileNotFoundError:
        return None


def read(path: Path) -> bytes:
    """The workbook file's bytes, after removing what a killed save left beside it."""
    remove_leftovers(path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise BackendError(f"cannot read workbook {path}: {_reason(exc)}") from exc


@contextmanager
def parsing(path: Path) -> Iterator[None]:
    """Tell, of what goes wrong while the workbook is parsed, a file that is not a workbook
    (one sentence) from a workbook another program is still writing (Unsettled)."""
    try:
        yield
    except OSError as exc:
        raise BackendError(f"cannot read workbook {path}: {_reason(exc)}") from exc
    except (zipfile.BadZipFile, ParseError, zlib.error, EOFError) as exc:
        if _starts_as_zip(path):
            raise Unsettled(
                f"workbook {path} does not read whole: another program may be writing it ({exc})"
            ) from exc
        raise BackendError(f"{path} is not an Excel workbook") from exc
    except KeyError as exc:  # a part the workbook should have and has not
        raise BackendError(f"{path} is not an Excel workbook ({exc})") from exc
    except ValueError as exc:
        raise BackendError(f"cannot read workbook {path}: {exc}") from exc


def load(path: Path, data: bytes | None = None) -> Workbook:
    """The whole workbook (``data``: its bytes, already read), loaded by openpyxl."""
    from openpyxl import load_workbook  # its InvalidFileException is for file names only

    if data is None:
        data = read(path)
    with parsing(path):
        return load_workbook(io.BytesIO(data))


def save(path: Path, book: Workbook, expected: Stamp | None) -> Stamp:
    """Save a whole workbook in place of the file (``replace``)."""
    check_free(path, expected)
    kept = "it is unchanged" if expected is not None else "it was not created"
    # openpyxl writes into memory (a few MB at 20,000 rows): a disk error mid-write then
    # strikes only our own write below, not a zip archive openpyxl would leave half open.
    content = io.BytesIO()
    try:
        book.save(content)  # through a file per sheet in the temp folder
    except OSError as exc:
        raise BackendError(f"cannot write workbook {path}: {_reason(exc)}; {kept}") from exc
    return replace(path, content.getbuffer(), expected)


def check_free(path: Path, expected: Stamp | None) -> None:
    """Raise Busy when another program holds the file, Changed when it was saved since it
    was read (``expected``: its stamp then; None: a new file)."""
    locks = lock_files(path)
    if locks:
        raise Busy(f"workbook {path} is open in another program ({locks[0].name})")
    if expected is not None and _stamp_now(path) != expected:
        raise Changed(f"workbook {path} changed while syncing; its changes are kept")


def replace(path: Path, content: bytes | memoryview, expected: Stamp | None) -> Stamp:
    """Replace the workbook with ``content`` atomically; ``expected`` is its stamp when
    read (None: new file).

    Returns the new stamp. Raises Busy when another program holds the file, Changed
    when it was saved since it was read, BackendError when it cannot be written.
    """
    check_free(path, expected)
    kept = "it is unchanged" if expected is not None else "it was not created"
    try:
        write_atomically(path, content)
    except OSError as exc:
        raise BackendError(f"cannot write workbook {path}: {_reason(exc)}; {kept}") from exc
    return stamp(path)


def write_atomically(path: Path, content: bytes | memoryview) -> None:
    """``content`` as the file ``path``, whole or not at all: written beside it, then renamed
    over it with its owner and mode (a link to it keeps pointing at it). Raises OSError; a
    full disk leaves the old file as it was."""
    target = path.resolve()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        _take_owner_and_mode(Path(tmp), target)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_leftovers(path: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files of killed saves of this workbook (only the worker's own)."""
    target = path.resolve()
    own = re.compile(rf"\.{re.escape(target.name)}\.[a-z0-9_]+\.tmp")
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed  # the read that follows says what is wrong with the folder
    for entry in entries:
        if not own.fullmatch(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            if now - entry.stat(follow_symlinks=False).st_mtime < LEFTOVER_AGE:
                continue
            os.unlink(entry.path)
        except OSError:
            continue  # gone meanwhile, or not ours to remove: the next cycle tries again
        removed.append(Path(entry.path))
        log.info("removed a killed save's temporary file", file=entry.name)
    return removed


def _take_owner_and_mode(tmp: Path, original: Path) -> None:
    """Give the new file the workbook's owner, group and mode (a new workbook: the umask's).

    Staff reach a shared folder's workbook through its owner, group and mode; a worker
    that is not root may keep only the group (if it is a member) and the mode: that is
    logged once, as the next save finds the worker's own file. Never fails the save.
    """
    try:
        st = original.stat()
    except FileNotFoundError:
        with suppress(OSError):
            os.chmod(tmp, 0o666 & ~_umask())
        return
    wanted = (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode))
    for uid in (st.st_uid, -1):
        try:
            os.chown(tmp, uid, st.st_gid)
            break
        except OSError:
            continue
    with suppress(OSError):
        os.chmod(tmp, wanted[2])
    made = tmp.stat()
    got = (made.st_uid, made.st_gid, stat.S_IMODE(made.st_mode))
    if got != wanted:
        log.warning(
            "the workbook's owner, group or mode could not be kept",
            file=str(original),
            was="{}:{} {:o}".format(*wanted),
            now="{}:{} {:o}".format(*got),
        )


def _starts_as_zip(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(ZIP_MAGIC)) == ZIP_MAGIC
    except OSError:
        return False


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
