"""One emulator per test module, and a fresh signed-in home per test."""

from __future__ import annotations

import pytest

import authsome_nb as an


@pytest.fixture(scope="module")
def emulator():
    from authsome_nb_emulator import Emulator

    with Emulator() as emu:
        yield emu


@pytest.fixture
def signed_in(emulator, tmp_path, monkeypatch):
    """The emulator, with Adele signed in as ``microsoft/default`` in a fresh home."""
    home = tmp_path / "home"
    emulator.write_provider_override(home)
    for name, value in emulator.environ(home).items():
        monkeypatch.setenv(name, value)
    emulator.configure(auto_approve_after=0, access_token_lifetime=3600, strict_rotation=False)
    an.login(flow="device", on_event=lambda event: None)
    emulator.reset_counters()
    return emulator
