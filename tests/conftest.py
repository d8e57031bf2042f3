"""Shared fixtures: the Sheets emulator (one per module, a key, a client); a Telegram server;
``sheet``, a real workbook or an emulated spreadsheet, for the suites that run on both
backends (the contract, what the backends offer)."""

from __future__ import annotations

import pytest

from tests.emulator import Emulator
from tests.emulator.testing import Api, running
from tests.notice_servers import TelegramServer
from tests.sheets import GoogleSheet, XlsxSheet


@pytest.fixture(autouse=True)
def _own_folder(tmp_path_factory, monkeypatch):
    """Each test runs in a folder of its own: a command given no configuration file keeps
    its state file in the current folder (``config.here``), not in the repository."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


@pytest.fixture(scope="module")
def emu():
    with running() as e:
        yield e


@pytest.fixture(scope="module")
def key(emu, tmp_path_factory):
    return emu.make_service_account_key(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def api(emu, key):
    return Api(emu, key)


@pytest.fixture
def telegram(monkeypatch):
    """A local Bot API server; its token in TEST_TELEGRAM_TOKEN."""
    server = TelegramServer().start()
    monkeypatch.setenv("TEST_TELEGRAM_TOKEN", server.token)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def emulator():
    with Emulator() as emu:
        yield emu


@pytest.fixture(params=["xlsx", "google"])
def sheet(request, tmp_path):
    """A sheet on each backend (a module may define its own ``sheet`` instead)."""
    if request.param == "xlsx":
        return XlsxSheet(tmp_path)
    return GoogleSheet(request.getfixturevalue("emulator"), tmp_path)
