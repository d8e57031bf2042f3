"""Fixtures shared by the emulator's own test modules: one emulator per module, a key, a client."""

from __future__ import annotations

import pytest

from tests.emulator.testing import Api, running


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
