"""The HTTPS server itself: real TLS, no head-of-line blocking, speed, clean shutdown."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from pathlib import Path

import httpx
import pytest
from authsome_nb_emulator import Emulator

from .helpers import bearer, device_sign_in


def _client(emulator: Emulator, **kwargs: object) -> httpx.Client:
    return httpx.Client(verify=ssl.create_default_context(cafile=emulator.ca_path),
                        trust_env=False, timeout=10, **kwargs)


def test_tls_is_real_and_covers_every_loopback_name(emu: Emulator) -> None:
    with httpx.Client(verify=ssl.create_default_context(), trust_env=False) as untrusting, \
            pytest.raises(httpx.ConnectError):
        untrusting.get(f"{emu.url}/common/v2.0/.well-known/openid-configuration")
    with _client(emu) as client:
        for host in ("127.0.0.1", "localhost"):
            answer = client.get(f"https://{host}:{emu.port}/common/v2.0/.well-known/"
                                "openid-configuration")
            assert answer.json()["token_endpoint"] == f"{emu.url}/common/oauth2/v2.0/token"


def test_a_stalled_handshake_does_not_block_other_clients(emu: Emulator) -> None:
    stalled = socket.create_connection(("127.0.0.1", emu.port))  # connects, never speaks TLS
    try:
        started = time.monotonic()
        with _client(emu) as client:
            assert client.get(f"{emu.url}/common/discovery/instance", params={
                "authorization_endpoint": f"{emu.url}/common/oauth2/v2.0/authorize",
                "api-version": "1.1"}).json()["tenant_discovery_endpoint"]
        assert time.monotonic() - started < 2
    finally:
        stalled.close()


def test_sixteen_clients_at_once(emu: Emulator) -> None:
    token = device_sign_in(emu, ["User.Read"])
    failures: list[object] = []

    def worker() -> None:
        try:
            with _client(emu) as client:
                for _ in range(10):
                    assert client.get(f"{emu.graph_base}/me", headers=bearer(token)).is_success
        except Exception as exc:  # collected and reported by the main thread
            failures.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == [] and emu.count("graph", status=200) == 160


def test_paging_thirty_thousand_messages_is_quick() -> None:
    with Emulator(messages_per_user=30_000) as big:
        token = device_sign_in(big, ["Mail.Read"])
        started = time.monotonic()
        seen, url = 0, f"{big.graph_base}/me/messages?$top=1000"
        with _client(big) as client:
            while url:
                page = client.get(url, headers=bearer(token)).json()
                seen += len(page["value"])
                url = page.get("@odata.nextLink")
        assert seen == 30_000
        assert time.monotonic() - started < 15  # about 2 s on a laptop; CI is slower


def test_stop_closes_the_port_and_live_connections() -> None:
    emulator = Emulator().start()
    url, port, ca = emulator.url, emulator.port, Path(emulator.ca_path)
    with _client(emulator) as client:
        client.get(f"{url}/common/v2.0/.well-known/openid-configuration")  # keep-alive open
        emulator.stop()
        with pytest.raises(httpx.TransportError):
            client.get(f"{url}/common/v2.0/.well-known/openid-configuration")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1)
    assert not ca.exists()  # its temporary folder is gone too


def test_starting_emulators_is_cheap() -> None:
    started = time.monotonic()
    for _ in range(10):
        with Emulator() as emulator:
            assert Path(emulator.ca_path).is_file()
    assert time.monotonic() - started < 3


def test_a_state_dir_keeps_the_ca_and_sign_ins_across_restarts(tmp_path: Path) -> None:
    with Emulator(state_dir=tmp_path) as first:
        refresh_token = device_sign_in(first, ["User.Read"])["refresh_token"]
        ca = Path(first.ca_path).read_bytes()
    with Emulator(state_dir=tmp_path) as second, _client(second) as client:
        assert Path(second.ca_path).read_bytes() == ca
        answer = client.post(f"{second.url}/common/oauth2/v2.0/token", data={
            "grant_type": "refresh_token", "client_id": second.client_id,
            "refresh_token": refresh_token, "scope": "User.Read offline_access"})
        assert answer.status_code == 200, answer.text
