"""The identity of an SOP document (Permenpan RB 35/2012): who issued it, when, on what basis.

Every field is optional: an office fills in what it has, and the printed
identity page leaves the rest blank to be written by hand.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator


def _lines(value: object) -> object:
    """A text is one item; a list keeps its items; blank items are dropped."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list | tuple):
        return tuple(item.strip() if isinstance(item, str) else item for item in value if item)
    return value


Lines = Annotated[tuple[Annotated[str, Field(min_length=1)], ...], BeforeValidator(_lines)]
"""A list of texts; a single text is accepted as a list of one."""

_DMY = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def _date(value: object) -> object:
    """A date: a YAML date, ``2026-01-05`` or ``05/01/2026``; nothing else (no timestamps)."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str):
        text = value.strip()
        match = _DMY.match(text)
        try:
            if match:
                day, month, year = (int(part) for part in match.groups())
                return date(year, month, day)
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError("not a date: write 2026-01-05 or 05/01/2026")


Tanggal = Annotated[date | None, BeforeValidator(_date)]


def _nip(value: object) -> object:
    """A NIP: 18 digits, spaces allowed (``19700101 199003 1 005``); kept as the digits."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        digits = value.replace(" ", "")
        if digits.isdigit() and len(digits) == 18:
            return digits
    raise ValueError("a NIP is 18 digits (spaces allowed, e.g. 19700101 199003 1 005)")


class _Frozen(BaseModel):
    # defer_build: validators are built on first use; a cron sync taking what the last one
    # validated (syncer.kept) then needs none.
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, defer_build=True
    )


class Approver(_Frozen):
    """Who signs the SOP: a position, and the person holding it when known."""

    jabatan: str = Field(min_length=1)
    nama: str = ""
    nip: Annotated[str | None, BeforeValidator(_nip)] = None

    @property
    def nip_display(self) -> str:
        """The NIP grouped as printed on Indonesian documents: ``19700101 199003 1 005``."""
        if self.nip is None:
            return ""
        n = self.nip
        return f"{n[:8]} {n[8:14]} {n[14]} {n[15:]}"


class Identity(_Frozen):
    unit: Lines = ()
    """Instansi and unit kerja, one line each (``Kecamatan``, ``Subbagian …``)."""
    nomor: str = ""
    tanggal_pembuatan: Tanggal = None
    tanggal_revisi: Tanggal = None
    tanggal_efektif: Tanggal = None
    disahkan_oleh: Approver | None = None
    dasar_hukum: Lines = ()
    kualifikasi_pelaksana: Lines = ()
    keterkaitan: Lines = ()
    """Related SOPs; the steps' ``links`` are added to these when shown."""
    peralatan: Lines = ()
    """Peralatan / perlengkapan."""
    peringatan: Lines = ()
    pencatatan: Lines = ()
    """Pencatatan dan pendataan."""

    @model_validator(mode="after")
    def _dates_in_order(self) -> Identity:
        made = self.tanggal_pembuatan
        for name in ("tanggal_revisi", "tanggal_efektif"):
            later: date | None = getattr(self, name)
            if made is not None and later is not None and later < made:
                raise ValueError(
                    f"{name} {later.isoformat()} is before tanggal_pembuatan {made.isoformat()}"
                )
        return self
