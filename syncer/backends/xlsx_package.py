"""The .xlsx file as a zip of parts, rewritten part by part.

A cycle changes a few parts of the workbook (the sheets it writes, sometimes the
styles); every other part is copied into the new file as the bytes it already is,
compressed as it was, without being inflated. What the file holds besides is kept:
each part's name, order, date and attributes.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Mapping

LEVEL = 6
"""Deflate level of a rewritten part (zipfile's and so openpyxl's default)."""

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_UTF8 = 0x800
_ENCRYPTED = 0x1
_DESCRIPTOR = 0x8
_LIMIT = 0xFFFF_FFFF


class Unpatchable(Exception):
    """The workbook holds something this writer does not rewrite in place (a zip64
    archive, an encrypted part, prefixed XML…): the cycle writes the workbook whole."""


def inflate(data: bytes, name: str) -> bytes:
    """One part's bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def rewrite(data: bytes, parts: Mapping[str, bytes]) -> bytes:
    """The archive ``data`` with the parts named in ``parts`` replaced by their new bytes.

    Raises Unpatchable for an archive it cannot copy part by part, and KeyError for a
    part the archive does not have."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos, note = archive.infolist(), archive.comment
    names = {info.filename for info in infos}
    missing = set(parts) - names
    if missing:
        raise KeyError(f"the workbook has no part {', '.join(sorted(missing))}")
    if len(infos) >= 0xFFFF:
        raise Unpatchable("the workbook has too many parts for a plain zip")
    out = io.BytesIO()
    central: list[bytes] = []
    for info in infos:
        if info.flag_bits & _ENCRYPTED:
            raise Unpatchable(f"part {info.filename} is encrypted")
        new = parts.get(info.filename)
        if new is None:
            body, crc, size, method = _stored(data, info), info.CRC, info.file_size, None
        else:
            crc, size, method = zlib.crc32(new), len(new), zipfile.ZIP_DEFLATED
            packer = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
            body = packer.compress(new) + packer.flush()
        offset = out.tell()
        if max(offset, len(body), size) > _LIMIT:
            raise Unpatchable("the workbook is too large for a plain zip")
        name = _name_bytes(info)
        method = info.compress_type if method is None else method
        flags = info.flag_bits & ~_DESCRIPTOR & 0xFFFF
        version = max(info.extract_version, 20)
        # What the local header and the central directory both say of the part.
        common = (version, flags, method, *_dos(info.date_time), crc, len(body), size, len(name))
        for piece in (_LOCAL.pack(b"PK\x03\x04", *common, 0), name, body):
            out.write(piece)
        made_by = info.create_version | (info.create_system << 8)
        attrs = (info.internal_attr, info.external_attr, offset)
        central.append(
            _CENTRAL.pack(b"PK\x01\x02", made_by, *common, 0, len(info.comment), 0, *attrs)
            + name
            + info.comment
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    size = out.tell() - start
    if start > _LIMIT:
        raise Unpatchable("the workbook is too large for a plain zip")
    out.write(_END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), size, start, len(note)))
    out.write(note)
    return out.getvalue()


def _stored(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """A part's bytes as the archive stores them (compressed), read from its local header."""
    head = data[info.header_offset : info.header_offset + _LOCAL.size]
    if len(head) < _LOCAL.size or head[:4] != b"PK\x03\x04":
        raise Unpatchable(f"part {info.filename} has no local header")
    fields = _LOCAL.unpack(head)
    start = info.header_offset + _LOCAL.size + fields[9] + fields[10]
    body = data[start : start + info.compress_size]
    if len(body) != info.compress_size:
        raise Unpatchable(f"part {info.filename} is cut short")
    return body


def _name_bytes(info: zipfile.ZipInfo) -> bytes:
    return info.orig_filename.encode("utf-8" if info.flag_bits & _UTF8 else "cp437")


def _dos(moment: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = moment
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day
