"""Dynamic client registration (RFC 7591) against oidc-provider: a provider without a client
id signs in with a client registered once per home, kept encrypted, reused, and registered
again when the server forgot it or its secret expired."""

from __future__ import annotations

import json

import pytest
from op_process import INITIAL_ACCESS_TOKEN
from test_sign_in_with_oidc_provider import approving, browsing

import authsome_nb as an
from authsome_nb.errors import ConfigurationError


def write_dcr_file(home, issuer: str, name: str = "opdcr", *, endpoint: bool = True) -> str:
    """authsome's shape of a DCR provider (Notion's MCP server, for one): no client id."""
    oauth = {"authorization_url": f"{issuer}/auth", "token_url": f"{issuer}/token",
             "device_authorization_url": f"{issuer}/device/auth",
             "scopes": ["openid", "profile", "offline_access"], "pkce": True,
             "supports_device_code": True, "supports_dcr": True,
             "authorization_params": {"prompt": "consent"}}  # authsome's spelling
    definition = {"schema_version": 1, "name": name, "display_name": "Registering OP",
                  "auth_type": "oauth2", "flow": "dcr_pkce", "oauth": oauth,
                  "export": {"OPDCR_ACCESS_TOKEN": "ACCESS_TOKEN"}}
    if endpoint:
        definition["registration"] = {"registration_endpoint": f"{issuer}/reg"}
    (home / "providers" / f"{name}.json").write_text(json.dumps(definition))
    return name


@pytest.fixture
def home(op_env, tmp_path, monkeypatch):
    for name in ("OPDCR_OAUTH_CLIENT_ID", "OPDCR_OAUTH_INITIAL_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "home"


def sign_in(op, connection: str = "default", flow: str = "pkce"):
    return an.login("opdcr", connection, flow=flow, open_browser=browsing(op, "ada"),
                    on_event=lambda e: None)


def registration(home) -> dict:
    return an.Session(home).store.data()["registrations"]["opdcr"]


def test_a_provider_without_a_client_id_registers_one_and_signs_in(op_env, home):
    write_dcr_file(home, op_env.issuer)
    conn = sign_in(op_env)
    assert conn.username == "ada" and op_env.counts()["registered"] == 1
    stored = registration(home)
    assert conn.client_id == stored["client_id"]
    assert stored["redirect_uris"][:2] == ["http://127.0.0.1/callback",
                                           "http://localhost/callback"]
    assert op_env.userinfo(an.token("opdcr").value).status_code == 200
    # The registration is in the encrypted store only: no file holds the client id in clear.
    for path in home.rglob("*"):
        if path.is_file() and path.suffix != ".json":
            assert stored["client_id"].encode() not in path.read_bytes(), path


def test_the_registered_client_is_reused_by_every_sign_in_and_flow(op_env, home):
    write_dcr_file(home, op_env.issuer)
    first = sign_in(op_env)
    events: list = []
    second = an.login("opdcr", "remote", flow="device", on_event=approving(op_env, "ada", events))
    third = an.Session(home).login("opdcr", "again", flow="pkce", force=True,
                                   open_browser=browsing(op_env, "ada"), on_event=lambda e: None)
    assert first.client_id == second.client_id == third.client_id
    assert op_env.counts()["registered"] == 1
    an.refresh("opdcr", "remote")  # the registered client refreshes, in another kernel too


def test_a_client_the_server_forgot_is_registered_again(op_env, home):
    write_dcr_file(home, op_env.issuer)
    forgotten = sign_in(op_env).client_id
    op_env.forget_client(forgotten)
    conn = sign_in(op_env, "second")
    assert conn.client_id != forgotten and op_env.counts()["registered"] == 2
    assert registration(home)["client_id"] == conn.client_id


def test_a_client_whose_secret_expired_is_registered_again(op_env, home):
    write_dcr_file(home, op_env.issuer)
    old = sign_in(op_env).client_id
    session = an.Session(home)
    with session.store.transaction() as tx:  # as if the server had issued an expiring secret
        tx.data["registrations"]["opdcr"].update(client_secret="a-secret",
                                                 client_secret_expires_at=1_000_000_000)
        tx.save()
    conn = sign_in(op_env, "second")
    assert conn.client_id != old and op_env.counts()["registered"] == 2


def test_the_registration_endpoint_may_come_from_discovery(op_env, home):
    write_dcr_file(home, op_env.issuer, endpoint=False)
    assert sign_in(op_env).username == "ada"
    assert registration(home)["registration_endpoint"] == f"{op_env.issuer}/reg"


def test_a_registration_endpoint_wanting_an_initial_access_token_names_the_setting(
        op_env, home, monkeypatch):
    write_dcr_file(home, op_env.iat_issuer)
    with pytest.raises(ConfigurationError) as caught:
        sign_in(op_env)
    assert "OPDCR_OAUTH_INITIAL_ACCESS_TOKEN" in caught.value.remedy
    assert "HTTP 401" in caught.value.message
    monkeypatch.setenv("OPDCR_OAUTH_INITIAL_ACCESS_TOKEN", INITIAL_ACCESS_TOKEN)
    assert sign_in(op_env).username == "ada"
