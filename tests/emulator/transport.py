"""Point Google clients at the emulator over real HTTP, without patching them.

``RedirectAdapter`` (the product's own, from ``syncer.backends.google``) is a ``requests``
transport adapter: mounted on a session for
``https://sheets.googleapis.com/``, it rewrites each request URL to the emulator's base URL
before sending it. The OAuth token request needs no redirect: the key file's ``token_uri``
already names the emulator.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gspread
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.service_account import Credentials
from gspread.http_client import HTTPClient

from syncer.backends.google import API_HOST, RedirectAdapter

DEFAULT_SCOPES = [
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive",
]


def mount(session: Any, base_url: str) -> Any:
    session.mount(API_HOST, RedirectAdapter(base_url))
    return session


def authorized_session(
    key_path: Path | str, base_url: str, scopes: list[str] | None = None
) -> AuthorizedSession:
    creds = Credentials.from_service_account_file(str(key_path), scopes=scopes or DEFAULT_SCOPES)
    return mount(AuthorizedSession(creds), base_url)


def http_client_class(base_url: str) -> type[HTTPClient]:
    """An HTTPClient class for ``gspread.service_account(..., http_client=...)``."""

    class EmulatorHTTPClient(HTTPClient):
        def __init__(self, auth: Any, session: Any = None) -> None:
            super().__init__(auth, session)
            mount(self.session, base_url)

    return EmulatorHTTPClient


def gspread_client(
    key_path: Path | str, base_url: str, timeout: float | None = None
) -> gspread.Client:
    client = gspread.service_account(
        filename=str(key_path), http_client=http_client_class(base_url)
    )
    if timeout is not None:
        client.set_timeout(timeout)
    return client
