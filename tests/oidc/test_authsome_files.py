"""A provider file in authsome's own schema, copied unchanged, signs in against a certified
OpenID Connect server: the issuer comes from discovery, RFC 9207's ``iss`` and the id_token
are checked against it, and the connection names its user."""

from __future__ import annotations

import json

import pytest
from op_process import PUBLIC_CLIENT
from test_sign_in_with_oidc_provider import approving, browsing

import authsome_nb as an
from authsome_nb.errors import AccountMismatchError, ConfigurationError, SignInError
from authsome_nb.events import AuthorizeUrl


def authsome_file(op, name: str = "opfile", *, host: str = "127.0.0.1",
                  scopes: tuple[str, ...] = ("openid", "profile", "email")) -> str:
    """What authsome ships for an OIDC provider: endpoints and scopes, no issuer, JSONC."""
    base = op.issuer.replace("127.0.0.1", host)
    definition = {
        "schema_version": 1,
        "name": name,
        "display_name": "Our OP",
        "logo": "img.logo.dev/name/example",
        "description": "An OpenID Connect provider, as authsome describes one.",
        "type": "app",
        "auth_type": "oauth2",
        "flow": "pkce",
        "api_url": base.removeprefix("https://").split("/")[0],
        "oauth": {
            "authorization_url": f"{base}/auth",
            "token_url": f"{base}/token",
            "revocation_url": f"{base}/token/revocation",
            "device_authorization_url": f"{base}/device/auth",
            "scopes": list(scopes),
            "pkce": True,
            "supports_device_code": True,
            "supports_dcr": False,
        },
        "export": {f"{name.upper()}_ACCESS_TOKEN": "ACCESS_TOKEN"},
    }
    return f"// {definition['display_name']}\n// auth: oauth2 | flow: pkce\n" + \
        json.dumps(definition, indent=2) + "\n"


@pytest.fixture
def op_file(op_env, tmp_path, monkeypatch):
    """The authsome file in the home's providers/, its client id from the environment."""
    def write(name: str = "opfile", **options) -> str:
        (tmp_path / "home" / "providers" / f"{name}.jsonc").write_text(
            authsome_file(op_env, name, **options))
        monkeypatch.setenv(f"{name.upper()}_OAUTH_CLIENT_ID", PUBLIC_CLIENT)
        return name
    return write


def test_pkce_with_an_authsome_file_checks_iss_and_the_id_token(op_env, op_file):
    name = op_file()
    events: list = []
    conn = an.login(name, flow="pkce", on_event=events.append,
                    open_browser=browsing(op_env, "grace"))
    assert (conn.username, conn.display_name) == ("grace", "Test User grace")
    url = next(e for e in events if isinstance(e, AuthorizeUrl)).url
    assert "nonce=" in url and "code_challenge_method=S256" in url
    assert op_env.userinfo(an.token(name).value).json()["sub"] == "grace"


def test_the_device_code_with_an_authsome_file_names_its_user(op_env, op_file):
    name = op_file()
    events: list = []
    conn = an.login(name, "device", flow="device", on_event=approving(op_env, "ada", events))
    assert (conn.username, conn.display_name) == ("ada", "Test User ada")
    assert op_env.userinfo(an.token(name, "device").value).status_code == 200


def test_openid_without_a_discoverable_issuer_is_refused_naming_the_issuer_field(op_env,
                                                                               op_file):
    # Under the name "localhost" the server's documents name 127.0.0.1: nothing acceptable.
    name = op_file(host="localhost")
    with pytest.raises(ConfigurationError) as caught:
        an.login(name, flow="pkce", open_browser=browsing(op_env, "ada"),
                 on_event=lambda e: None)
    assert caught.value.error == "unknown_issuer"
    assert '"issuer"' in caught.value.remedy and an.connections(name) == []


def test_without_openid_an_iss_from_another_origin_is_refused(op_env, op_file):
    # No issuer known (nothing discoverable under "localhost"), and the server answers with
    # iss https://127.0.0.1:…/op: not the authorization endpoint's origin.
    name = op_file(host="localhost", scopes=("profile",))
    with pytest.raises(SignInError) as caught:
        an.login(name, flow="pkce", open_browser=browsing(op_env, "ada"),
                 on_event=lambda e: None)
    assert caught.value.error == "issuer_mismatch" and an.connections(name) == []


def test_a_re_sign_in_that_names_no_account_needs_force(op_env, op_file):
    # Without openid this server names nobody (no profile_url, no id_token, no userinfo):
    # a second sign-in cannot be told apart from someone else's.
    name = op_file(scopes=("profile",))
    first = an.login(name, flow="pkce", open_browser=browsing(op_env, "ada"),
                     on_event=lambda e: None)
    assert first.username is None
    with pytest.raises(AccountMismatchError) as caught:  # more scopes: a real sign-in again
        an.login(name, flow="pkce", scopes=["email"], open_browser=browsing(op_env, "mallory"),
                 on_event=lambda e: None)
    assert "force=True" in str(caught.value)
    assert an.get(name).scopes == first.scopes  # nothing changed
    replaced = an.login(name, flow="pkce", scopes=["email"], force=True,
                        open_browser=browsing(op_env, "mallory"), on_event=lambda e: None)
    assert "email" in replaced.scopes
