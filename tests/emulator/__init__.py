"""A local Google Sheets API v4 emulator for end-to-end tests over real HTTP.

    from tests.emulator import Emulator
    with Emulator() as emu:
        key = emu.make_service_account_key(tmp_path)
        sid = emu.create_spreadsheet("Kantor", sheets=["Dokumen"])
        gc = emu.gspread_client(key)          # gspread over real HTTP to the emulator

Modules: server (HTTP pipeline), schema (discovery-document validation), model (state),
a1 (ranges), values (values.*), batch_update (batchUpdate requests), spreadsheets (get),
fieldmask, formatting, formula, render, auth (token endpoint, keys), quota, faults,
transport (requests adapter), errors.
"""

from __future__ import annotations

from .emulator import DEFAULT_EMAIL, Emulator, RequestRecord
from .model import Cell, Sheet, Spreadsheet
from .transport import RedirectAdapter, authorized_session, gspread_client, http_client_class

__all__ = [
    "DEFAULT_EMAIL",
    "Cell",
    "Emulator",
    "RedirectAdapter",
    "RequestRecord",
    "Sheet",
    "Spreadsheet",
    "authorized_session",
    "gspread_client",
    "http_client_class",
]
