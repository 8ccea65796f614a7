"""What a client registered at sign-in asks to be redirected to: the port-less loopback URIs
(any port matches, RFC 8252 §7.3) and the callbacks of this user's running Jupyter servers."""

from __future__ import annotations

import os

from authsome_nb.flows import SignInRequest, StoredRegistrations
from authsome_nb.flows.oauth2._registration import redirect_uris
from authsome_nb.flows.rendezvous import announce_server, withdraw_server
from authsome_nb.store import EncryptedStore


def request_for(home) -> SignInRequest:
    return SignInRequest(client_id="", authority="", scopes=[],
                         registrations=StoredRegistrations(EncryptedStore(home)))


def test_loopback_uris_without_a_port_come_first(tmp_path, monkeypatch):
    monkeypatch.delenv("AUTHSOME_NB_HUB_SERVICE_URL", raising=False)
    assert redirect_uris(request_for(tmp_path)) == ["http://127.0.0.1/callback",
                                                    "http://localhost/callback"]


def test_a_running_jupyter_servers_callback_is_registered_too(tmp_path, monkeypatch):
    monkeypatch.delenv("AUTHSOME_NB_HUB_SERVICE_URL", raising=False)
    tmp_path.chmod(0o700)
    announce_server(tmp_path, "https://hub.example.org/user/ada/authsome/callback")
    announce_server(tmp_path, "http://localhost:8888/authsome/callback", pid=os.getppid())
    try:
        uris = redirect_uris(request_for(tmp_path))
    finally:
        withdraw_server(tmp_path)
        withdraw_server(tmp_path, pid=os.getppid())
    assert uris == ["http://127.0.0.1/callback", "http://localhost/callback",
                    "http://localhost/authsome/callback",  # loopback: port-less as well
                    "https://hub.example.org/user/ada/authsome/callback"]
