"""Real processes sharing one store: one sign-in serves all, one refresh serves all."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import authsome_nb as an
from authsome_nb.errors import NotSignedInError
from authsome_nb.events import DeviceCode

WORKER = Path(__file__).with_name("process_worker.py")
QUIET = {"on_event": lambda e: None}


def start(action: str, connection: str, n: int) -> list[subprocess.Popen]:
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), action, connection if n == 1 else f"{connection}{i}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        for i in range(n)
    ]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    return procs


def go(procs: list[subprocess.Popen], timeout: float = 120) -> list[str]:
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outputs = []
    for proc in procs:
        out, _ = proc.communicate(timeout=timeout)
        outputs.append(out.strip())
    return outputs


def spawn(args: list[str], n: int) -> list[subprocess.Popen]:
    procs = [subprocess.Popen([sys.executable, str(WORKER), *args], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=os.environ.copy())
             for _ in range(n)]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    return procs


def storm(provider: str, n: int, refresh_grants) -> list[str]:
    """``n`` processes ask for a token at once just as it is due; every one must get the same
    fresh token from exactly one refresh grant between them."""
    procs = spawn(["token", "default", provider], n)
    while an.get(provider).expires_at - time.time() > 299:  # until the token is due
        time.sleep(0.1)
    before = refresh_grants()
    outputs = go(procs)
    assert all(o.startswith("token ") for o in outputs), outputs
    assert len(set(outputs)) == 1, "every process must end with the same fresh token"
    assert refresh_grants() - before == 1
    return outputs


def test_sixteen_processes_at_expiry_make_exactly_one_refresh(authsome_env):
    emu = authsome_env
    emu.strict_rotation = True  # a second refresh with the same refresh token would fail
    emu.auto_approve_after = 1
    emu.access_token_lifetime = 302  # valid for ~2 s by the 5-minute rule
    an.login(flow="device", **QUIET)
    emu.access_token_lifetime = 3600
    storm("microsoft", 16, lambda: emu.count("token", grant_type="refresh_token"))


def test_sixteen_processes_of_the_generic_engine_make_exactly_one_refresh(authsome_env,
                                                                           monkeypatch):
    """MSAL would answer a second refresh from its cache; the generic engine asks the
    provider every time: only the session's re-check under the lock keeps this to one."""
    google = authsome_env.google
    google.write_provider_override(os.environ["AUTHSOME_NB_HOME"])
    google.configure(device_interval=1, access_token_lifetime=302)
    monkeypatch.setenv("GOOGLE_OAUTH_CLIENT_SECRET", google.client_secret)

    def approve(event) -> None:
        if isinstance(event, DeviceCode):
            threading.Thread(target=google.approve, args=(event.user_code, "adele")).start()

    an.login("google", flow="device", on_event=approve)
    google.configure(access_token_lifetime=3600)
    storm("google", 16, lambda: google.counts()["grants"].get("refresh_token", 0))


def test_eight_concurrent_logins_of_different_connections_are_all_kept(authsome_env):
    emu = authsome_env
    emu.auto_approve_after = 1
    procs = start("login", "c", 8)
    outputs = go(procs)
    assert sorted(outputs) == sorted(f"login microsoft/c{i}" for i in range(8)), outputs
    assert {c.connection for c in an.connections()} == {f"c{i}" for i in range(8)}


def test_logout_in_another_process_takes_effect_here(authsome_env):
    authsome_env.auto_approve_after = 1
    an.login(connection="work", flow="device", **QUIET)
    assert an.token(connection="work")
    outputs = go(start("logout", "work", 1))
    assert outputs == ["logout True"]
    with pytest.raises(NotSignedInError):
        an.token(connection="work")


def test_a_login_in_another_process_is_seen_without_a_token_request(authsome_env):
    emu = authsome_env
    emu.auto_approve_after = 1
    with pytest.raises(NotSignedInError):
        an.token(connection="shared")
    assert go(start("login", "shared", 1)) == ["login microsoft/shared"]
    emu.reset_counters()
    assert an.token(connection="shared")
    assert emu.count("token") == 0
