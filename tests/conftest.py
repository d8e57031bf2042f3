"""Shared fixtures: the Sheets emulator (one per module, a key, a client); a Telegram server."""

from __future__ import annotations

import pytest

from tests.emulator.testing import Api, running
from tests.notice_servers import TelegramServer


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
