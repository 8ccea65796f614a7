"""What the SDK and broker tests share: an emulator per module, a signed-in home per test,
consent given elsewhere, a token's claims (import the fixtures into a conftest)."""

from __future__ import annotations

import base64
import json
import ssl

import httpx
import pytest

import authsome_nb as an

REFRESH = {"grant_type": "refresh_token"}


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


def consent_elsewhere(emulator, scope: str, user: str = "adele") -> None:
    """``user`` consents to ``scope`` for the app in a sign-in of its own (as an admin grant or
    another session of the app would): consent lives at the identity platform, per app and user."""
    tls = ssl.create_default_context(cafile=emulator.ca_path)
    with httpx.Client(base_url=emulator.url, verify=tls, trust_env=False) as client:
        started = client.post("/common/oauth2/v2.0/devicecode", data={
            "client_id": emulator.client_id, "scope": f"{scope} offline_access openid"}).json()
        emulator.approve(started["user_code"], user)
        redeemed = client.post("/common/oauth2/v2.0/token", data={
            "client_id": emulator.client_id, "device_code": started["device_code"],
            "grant_type": "urn:ietf:params:oauth:grant-type:device_code"})
    assert redeemed.status_code == 200, redeemed.text


def claims(token: str) -> dict:
    """The payload of a JWT-shaped access token (to read its audience)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))

