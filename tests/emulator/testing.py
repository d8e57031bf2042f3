"""Helpers for tests that talk to the emulator with plain ``requests`` (raw JSON bodies)."""

from __future__ import annotations

import contextlib
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

from .emulator import Emulator

SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"


def q(range_: str) -> str:
    """Percent-encode a range for a URL path, as gspread does."""
    return urllib.parse.quote(range_, safe="")


class Api:
    """Raw calls through a google-auth AuthorizedSession redirected to the emulator."""

    def __init__(self, emu: Emulator, key_path: Path | str, scopes: list[str] | None = None):
        self.emu = emu
        self.session = emu.session(key_path, scopes)

    def url(self, path: str) -> str:
        return SHEETS + ("/" + path.lstrip("/") if path and not path.startswith(":") else path)

    def get(self, path: str = "", **params: Any) -> requests.Response:
        return self.session.get(self.url(path), params=params or None)

    def post(self, path: str, body: Any = None, **params: Any) -> requests.Response:
        return self.session.post(self.url(path), json=body, params=params or None)

    def put(self, path: str, body: Any = None, **params: Any) -> requests.Response:
        return self.session.put(self.url(path), json=body, params=params or None)

    def batch(self, sid: str, *requests_: dict[str, Any], **extra: Any) -> requests.Response:
        return self.post(f"{sid}:batchUpdate", {"requests": list(requests_), **extra})

    def values(self, sid: str, range_: str, **params: Any) -> requests.Response:
        return self.get(f"{sid}/values/{q(range_)}", **params)

    def write(self, sid: str, range_: str, rows: list[list[Any]], option: str = "USER_ENTERED"):
        resp = self.put(f"{sid}/values/{q(range_)}", {"values": rows}, valueInputOption=option)
        assert resp.status_code == 200, resp.text
        return resp.json()


def ok(resp: requests.Response) -> Any:
    """The JSON of a successful answer."""
    assert resp.status_code == 200, resp.text
    return resp.json()


def grid(r0: int, r1: int, c0: int = 0, c1: int = 3, sheet_id: int = 0) -> dict[str, int]:
    """A GridRange: rows [r0, r1), columns [c0, c1)."""
    return {
        "sheetId": sheet_id,
        "startRowIndex": r0,
        "endRowIndex": r1,
        "startColumnIndex": c0,
        "endColumnIndex": c1,
    }


def error(resp: requests.Response) -> dict[str, Any]:
    body = resp.json()
    assert set(body) == {"error"}, body
    return body["error"]


@contextlib.contextmanager
def running(**kwargs: Any) -> Iterator[Emulator]:
    """An emulator that must end without schema violations or internal errors."""
    with Emulator(**kwargs) as emu:
        yield emu
    assert emu.response_violations == []
    assert emu.internal_errors == []
