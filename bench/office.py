"""One office's sheet on either backend: built, synced by a child worker, edited by staff.

``XlsxOffice`` keeps a real workbook file that staff edit with openpyxl (as Excel saves
it); ``GoogleOffice`` keeps a spreadsheet in the local Sheets API emulator (serving in
this process's threads) that staff edit in place, as in the browser. Both run the worker
as ``bench.child sync`` and report what a cycle cost in requests: for Google, the API
calls the emulator counted; for the workbook, the loads and saves of the file.
"""

from __future__ import annotations

import json
import shutil
import urllib.parse
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from bench.measure import Child, is_read, run_child
from bench.sheets import STAFF_HEADERS, Doc, Move

LANGKAH_COLUMN = STAFF_HEADERS.index("Langkah")
SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"
TIMEOUT = 600.0
"""The worker's HTTP timeout in the bench: generous, so that a slow emulator is waited for."""


class XlsxOffice:
    kind = "xlsx"

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.path = folder / "kantor.xlsx"
        self.config = folder / "sopsync.toml"
        self.config.write_text(f'backend = "xlsx"\n[xlsx]\npath = "{self.path.name}"\n')

    def build(self, docs: list[Doc]) -> None:
        """The office's own sheet before sopsync: staff columns only."""
        book = Workbook()
        sheet = book.active
        sheet.title = "Dokumen"
        sheet.append(list(STAFF_HEADERS))
        for doc in docs:
            sheet.append(doc.cells())
        book.save(self.path)

    def edit(self, moves: list[Move]) -> None:
        """Staff type the new Langkah values and save (Excel rewrites the whole file)."""
        book = load_workbook(self.path)
        sheet = book["Dokumen"]
        for move in moves:
            sheet.cell(move.doc.index + 2, LANGKAH_COLUMN + 1).value = move.langkah
        book.save(self.path)

    def keep(self, name: str) -> Path:
        """A copy of the workbook as it is now (for the floor: the same file)."""
        copy = self.folder / name
        shutil.copyfile(self.path, copy)
        return copy

    def init(self) -> None:
        run_child("init", self.config)

    def sync(self, now: str, capture: str = "") -> Child:
        child = run_child("sync", self.config, now)
        loads, saves = len(child.result["loads"]), len(child.result["saves"])
        child.extra["requests"] = loads + saves
        child.extra["reads"], child.extra["writes"] = loads, saves
        child.extra["write_bodies"] = [self.path.stat().st_size] * saves
        return child


class GoogleOffice:
    kind = "google"

    def __init__(self, emu: Any, folder: Path, key: Path | None = None, title: str = "Kantor"):
        """``key``: a service-account key shared with other offices (default: its own)."""
        folder.mkdir(parents=True, exist_ok=True)
        self.emu = emu
        self.folder = folder
        self.key = key or Path(emu.make_service_account_key(folder)).resolve()
        email = json.loads(self.key.read_text())["client_email"]
        self.id = emu.create_spreadsheet(title, shared_with=[email], sheets=["Dokumen"])
        self.config = folder / "sopsync.toml"
        self.config.write_text(
            f'backend = "google"\n[google]\nspreadsheet = "{self.id}"\n'
            f'credentials = "{self.key}"\nendpoint = "{emu.base_url}"\n'
            f"timeout_seconds = {TIMEOUT:g}\n"
        )
        self.session = emu.session(self.key)

    @property
    def dokumen(self) -> Any:
        return self.emu.spreadsheet(self.id).sheet("Dokumen")

    def build(self, docs: list[Doc]) -> None:
        """The office's own sheet before sopsync, written in one values.update."""
        rows = [list(STAFF_HEADERS), *(doc.cells() for doc in docs)]
        rng = urllib.parse.quote("Dokumen!A1", safe="")
        resp = self.session.put(
            f"{SHEETS}/{self.id}/values/{rng}",
            params={"valueInputOption": "RAW"},
            json={"values": rows},
            timeout=TIMEOUT,
        )
        resp.raise_for_status()

    def edit(self, moves: list[Move]) -> None:
        """Staff type the new Langkah values in the browser (no API call)."""
        sheet = self.dokumen
        for move in moves:
            sheet.set_value(move.doc.index + 1, LANGKAH_COLUMN, move.langkah)

    def worker_cells(self) -> list[list[object]]:
        """Dokumen as values (to find the rows a cycle changed)."""
        return self.dokumen.values()

    def init(self) -> None:
        run_child("init", self.config)

    def sync(self, now: str, capture: str = "") -> Child:
        """One worker cycle; ``capture`` names a file to keep the read response in."""
        self.emu.reset_counters()
        child = run_child("sync", self.config, now, self.folder / capture if capture else "")
        counters = dict(self.emu.counters)
        log = list(self.emu.request_log)
        tokens = counters.pop("token", 0)
        child.extra["requests"] = sum(counters.values())
        child.extra["by_method"] = counters
        child.extra["tokens"] = tokens
        child.extra["reads"] = sum(n for m, n in counters.items() if is_read(m))
        child.extra["writes"] = child.extra["requests"] - child.extra["reads"]
        child.extra["write_bodies"] = [
            r.body_size for r in log if r.method_id == "sheets.spreadsheets.batchUpdate"
        ]
        return child
