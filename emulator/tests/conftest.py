"""Fixtures for the emulator's own tests.

The plugin's fixtures are imported (not registered with ``pytest_plugins``) so the tests run
whether or not the ``authsome_emulator`` entry point is installed.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator

import httpx
import pytest
from authsome_nb_emulator import Emulator
from authsome_nb_emulator.pytest_plugin import authsome_emulator, authsome_env  # noqa: F401

from .helpers import device_sign_in


@pytest.fixture
def emu(authsome_emulator: Emulator) -> Emulator:  # noqa: F811 - the plugin's fixture
    return authsome_emulator


@pytest.fixture
def sign_in(emu: Emulator) -> Callable[..., dict]:
    return lambda scopes=("User.Read",), user="adele": device_sign_in(emu, list(scopes), user)


@pytest.fixture
def graph(emu: Emulator) -> Iterator[httpx.Client]:
    """A plain Graph client trusting only the emulator's CA; callers add the bearer."""
    context = ssl.create_default_context(cafile=emu.ca_path)
    with httpx.Client(base_url=emu.graph_base, verify=context, trust_env=False,
                      timeout=30) as client:
        yield client


@pytest.fixture
def identity(emu: Emulator) -> Iterator[httpx.Client]:
    """A raw HTTP client for the identity endpoints (to read exact error bodies)."""
    context = ssl.create_default_context(cafile=emu.ca_path)
    with httpx.Client(base_url=emu.url, verify=context, trust_env=False, timeout=30) as client:
        yield client
