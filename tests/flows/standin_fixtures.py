"""One emulator per test module for the GitHub and Google stand-ins, a fresh store per test."""

from __future__ import annotations

import base64
import os
import threading

import pytest

from authsome_nb.events import DeviceCode


@pytest.fixture(scope="module")
def emulator():
    from authsome_nb_emulator import Emulator

    with Emulator() as emu:
        yield emu


def standin_env(emulator, name: str, tmp_path, monkeypatch):
    standin = getattr(emulator, name)
    home = tmp_path / "home"
    standin.write_provider_override(home)
    monkeypatch.setenv("AUTHSOME_NB_HOME", str(home))
    monkeypatch.setenv("AUTHSOME_NB_KEY", base64.b64encode(os.urandom(32)).decode())
    monkeypatch.setenv("AUTHSOME_NB_CA_BUNDLE", emulator.ca_path)
    for variable in ("CLIENT_SECRET", "ACCESS_TOKEN", "REFRESH_TOKEN"):
        monkeypatch.delenv(f"{name.upper()}_OAUTH_{variable}", raising=False)
        monkeypatch.delenv(f"{name.upper()}_{variable}", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    standin.configure(device_interval=1)
    return standin


def approving(standin, events: list, user: str | None = None):
    """An on_event handler that approves the device code as ``user``, as a person would."""

    def handle(event) -> None:
        events.append(event)
        if isinstance(event, DeviceCode):
            threading.Thread(target=standin.approve, args=(event.user_code, user)).start()

    return handle
