"""What the machinery built for Microsoft does for any provider: client, secrets, sign-out."""

from __future__ import annotations

import pytest
from op_process import CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET
from test_sign_in_with_oidc_provider import browsing

import authsome_nb as an
from authsome_nb.errors import ConfigurationError


def sign_in(op, connection: str = "default", **options):
    return an.login("testoidc", connection, flow="pkce", open_browser=browsing(op, "ada"),
                    on_event=lambda e: None, **options)


def test_the_client_sends_the_bearer_to_the_providers_api_hosts_only(op_env):
    op = op_env
    sign_in(op)
    with an.client("testoidc") as client:
        assert client.get("me").json()["sub"] == "ada"  # api_base is the issuer: /op/me
        # the same server under another name is not an API host: no bearer, so refused
        other = op.issuer.replace("127.0.0.1", "localhost") + "/me"
        assert client.get(other).status_code == 401


def test_signing_out_revokes_the_tokens_at_the_provider(op_env):
    op = op_env
    sign_in(op)
    token = an.token("testoidc").value
    assert op.userinfo(token).status_code == 200
    assert an.logout("testoidc")
    assert op.userinfo(token).status_code == 401  # RFC 7009: revoked, not only forgotten
    assert an.connections("testoidc") == []


def test_a_client_secret_is_kept_only_encrypted_and_serves_later_refreshes(op_env, tmp_path):
    op = op_env
    home = tmp_path / "home"
    op.write_definition(home, client_id=CONFIDENTIAL_CLIENT)
    sign_in(op, client_secret=CONFIDENTIAL_SECRET)
    fresh = an.Session(home)  # another kernel: the secret comes from the encrypted record
    op.reset_counts()
    assert fresh.refresh("testoidc") and op.refreshes() == 1
    for path in home.rglob("*"):
        if path.is_file():
            assert CONFIDENTIAL_SECRET.encode() not in path.read_bytes(), path


def test_a_wrong_client_secret_is_explained(op_env, tmp_path):
    op = op_env
    op.write_definition(tmp_path / "home", client_id=CONFIDENTIAL_CLIENT)
    with pytest.raises(ConfigurationError) as caught:
        sign_in(op, client_secret="not the secret")
    assert caught.value.error == "invalid_client"
    assert "client secret" in caught.value.remedy


def test_a_secret_in_a_provider_file_is_refused(op_env, tmp_path):
    op = op_env
    op.write_definition(tmp_path / "home", client_secret=CONFIDENTIAL_SECRET)
    with pytest.raises(ConfigurationError, match="encrypted store"):
        sign_in(op)


def test_discovery_naming_another_issuer_is_refused(op_env, tmp_path):
    op = op_env
    elsewhere = op.issuer.replace("127.0.0.1", "localhost")
    op.write_definition(tmp_path / "home", oauth={"issuer": elsewhere})
    with pytest.raises(ConfigurationError, match="names the issuer"):
        sign_in(op)


def test_export_sets_every_variable_of_the_definition(op_env, monkeypatch):
    op = op_env
    sign_in(op)
    monkeypatch.delenv("TESTOIDC_ACCESS_TOKEN", raising=False)
    assert an.export("testoidc") == ["TESTOIDC_ACCESS_TOKEN"]
    import os

    assert os.environ.pop("TESTOIDC_ACCESS_TOKEN") == an.token("testoidc").value
