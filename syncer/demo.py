"""`sopsync demo`: a workbook with example documents, synced, for a first look.

It plays two days of an office: documents are entered and synced two working
days ago, then staff move some of them (one wrongly, one sent back) and the
worker syncs again now, so every status shows.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook

from sop_models import Duration
from syncer import contract as c
from syncer.backends.xlsx import XlsxBackend
from syncer.cycle import Report, run_cycle
from syncer.engine import Rules

# (Prosedur as staff type it, Judul, Langkah at the first sync, Langkah at the second, Catatan)
DOCUMENTS: list[tuple[str, str, object, object, str]] = [
    ("rka", "RKA Kecamatan 2027", None, 2, ""),
    ("Penyusunan DPA", "DPA Kecamatan 2027", 5, 6, "Menunggu daftar harga satuan"),
    ("laporan-bulanan", "Laporan Bulanan Oktober 2026", 3, 2, "Angka realisasi belum cocok"),
    ("Laporan Bulanan", "Laporan Bulanan November 2026", None, None, ""),
    ("lakip", "LAKIP 2026", 4, 4, ""),
    ("IKU", "IKU 2027-2031", 9, "Selesai", "Sudah dikirim ke Bagian Organisasi"),
    ("renstra", "Renstra 2027-2031", 2, 4, "Lompat langkah: contoh salah"),
    ("monev", "Monev Triwulan IV", 7, 8, ""),
    ("Laporan Bulanan", "Laporan Bulanan Desember 2026", None, None, "Baris baru, belum disinkron"),
    ("Laporan Bulnan", "Laporan Triwulan", None, None, "Salah ketik nama prosedur"),
    ("penetapan-kinerja", "Penetapan Kinerja 2027", 6, 7, ""),
    ("renja", "Renja 2027", 5, 5, ""),
]


def _edit_langkah(path: Path, rows: dict[int, object], new_rows: list[list[object]]) -> None:
    """What a staff member does in Excel: change Langkah cells and add rows."""
    book = load_workbook(path)
    sheet = book[c.DOKUMEN]
    cols = c.column_map([cell.value for cell in sheet[1]])
    for row, value in rows.items():
        sheet.cell(row, cols["langkah"] + 1).value = value
    for values in new_rows:
        row = sheet.max_row + 1
        for name, value in zip(("prosedur", "judul", "catatan"), values, strict=True):
            sheet.cell(row, cols[name] + 1).value = value
    book.save(path)


def build_demo(path: Path, rules: Rules, now: datetime) -> Report:
    path = Path(path)
    if path.exists():
        path.unlink()
    backend = XlsxBackend(path, rules.calendar.zone)
    backend.init(rules)
    earlier = _working_days_before(rules, now, 2)
    first = [(p, j, a, n) for p, j, a, _, n in DOCUMENTS if "belum" not in n and "Salah" not in n]
    later = [[p, j, n] for p, j, _, _, n in DOCUMENTS if "belum" in n or "Salah" in n]
    book = load_workbook(path)
    sheet = book[c.DOKUMEN]
    cols = c.column_map([cell.value for cell in sheet[1]])
    for row, (prosedur, judul, langkah, catatan) in enumerate(first, start=2):
        for name, value in (
            ("prosedur", prosedur),
            ("judul", judul),
            ("langkah", langkah),
            ("catatan", catatan),
        ):
            sheet.cell(row, cols[name] + 1).value = value
    book.save(path)
    run_cycle(XlsxBackend(path, rules.calendar.zone), rules, earlier)
    moves = {
        row: after
        for row, (_, judul, before, after, _) in enumerate(
            [d for d in DOCUMENTS if "belum" not in d[4] and "Salah" not in d[4]], start=2
        )
        if after != before
    }
    _edit_langkah(path, moves, later)
    return run_cycle(XlsxBackend(path, rules.calendar.zone), rules, now)


def _working_days_before(rules: Rules, now: datetime, days: int) -> datetime:
    """09:00 on the latest working day from which ``days`` hari are already due by ``now``."""
    probe = now.replace(hour=9, minute=0, second=0, microsecond=0)
    while not (
        rules.calendar.is_working_day(probe.date())
        and rules.calendar.add(probe, Duration(days, "hari")) <= now
    ):
        probe -= timedelta(days=1)
    return probe
