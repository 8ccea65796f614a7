"""The two-host world (``two_hosts.py``) for this folder's tests: one per module, a fresh home
on the share and a fresh emulator per test."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from two_hosts import LEASE_SECONDS, Host, TwoHosts, missing  # noqa: E402


@pytest.fixture(scope="module")
def hosts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoHosts]:
    reason = missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with TwoHosts(tmp_path_factory.mktemp("shared")) as world:
        yield world


class SharedHome:
    """One home on the share: its path on the server, and each host's environment for it."""

    def __init__(self, hosts: TwoHosts, emu: object, name: str) -> None:
        self.hosts, self.emu, self.name = hosts, emu, name
        self.server_path = hosts.server / name

    def env(self, host: Host) -> dict[str, str]:
        return dict(os.environ, **self.emu.environ(host.share / self.name),  # type: ignore[attr-defined]
                    AUTHSOME_NB_KEYRING="0", AUTHSOME_NB_LEASE_SECONDS=str(LEASE_SECONDS))

    def path_on(self, host: Host) -> Path:
        return host.share / self.name


@pytest.fixture
def shared_home(hosts: TwoHosts, authsome_emulator, monkeypatch: pytest.MonkeyPatch,
                ) -> SharedHome:
    """A fresh home on the share; this process (the "file server" itself) uses it directly,
    and sign-ins in the hosts are approved at once."""
    emu = authsome_emulator
    emu.device_interval, emu.auto_approve_after = 0, 0
    home = SharedHome(hosts, emu, f"home-{time.monotonic_ns()}")
    emu.write_provider_override(home.server_path)
    for name, value in emu.environ(home.server_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AUTHSOME_NB_LEASE_SECONDS", str(LEASE_SECONDS))
    return home
