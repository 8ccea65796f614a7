"""What a notebook makes of the auth_state a JupyterHub hands its server."""

from __future__ import annotations

import base64
import json
import time

import pytest

from authsome_nb._providers import load_provider
from authsome_nb.errors import ConsentRequiredError, NotSignedInError
from authsome_nb.flows import HubEnvironment
from authsome_nb.sources._hub_token import missing_scopes_error, parse_auth_state

GRAPH = "00000003-0000-0000-c000-000000000000"


def _jwt(**claims) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    return f"{part({'alg': 'none'})}.{part(claims)}.signature"


@pytest.fixture
def microsoft(tmp_path):
    return load_provider("microsoft", tmp_path)


def _auth_state(access_token: str, **extra) -> dict:
    """What GenericOAuthenticator keeps, with Graph /me as its user model."""
    return {"access_token": access_token, "refresh_token": "rt", "id_token": None,
            "scope": ["openid", "profile", "email", "offline_access", "User.Read", "Mail.Read"],
            "token_response": {"expires_in": 3600},
            "oauth_user": {"userPrincipalName": "AdaL@contoso.example", "displayName": "Ada"},
            **extra}


def test_an_entra_graph_token_becomes_the_hub_connection(microsoft):
    now = time.time()
    token = _jwt(aud=GRAPH, exp=int(now) + 3000, iat=int(now) - 600, tid="tenant-1",
                 appid="client-1")
    found = parse_auth_state(_auth_state(token, expires_at=now + 3000), microsoft, "adal")
    assert (found.username, found.display_name, found.tenant_id, found.client_id) == (
        "AdaL@contoso.example", "Ada", "tenant-1", "client-1")
    assert found.scopes == ("User.Read", "Mail.Read")  # the OpenID scopes left out
    assert found.expires_at == pytest.approx(now + 3000) and found.lifetime == 3600
    assert "rt" not in repr(found) and token not in repr(found)


def test_without_the_hooks_stamp_the_tokens_own_expiry_is_used(microsoft):
    token = _jwt(aud=GRAPH, exp=2_000_000_000, iat=1_999_996_400)
    state = _auth_state(token)
    del state["token_response"]
    found = parse_auth_state(state, microsoft, "adal")
    assert (found.expires_at, found.lifetime) == (2_000_000_000, 3600)


@pytest.mark.parametrize("auth_state, says", [
    (None, "gives this server no auth_state"),
    ({"refresh_token": "rt"}, "holds no access token"),
    (_auth_state(_jwt(aud="https://api.github.com")), "is not a Microsoft Graph token"),
    (_auth_state("gho_opaque_github_token"), "is not a Microsoft Graph token"),
])
def test_no_usable_token_says_what_the_hub_admin_can_do(microsoft, auth_state, says):
    with pytest.raises(NotSignedInError, match=says) as refused:
        parse_auth_state(auth_state, microsoft, "adal")
    assert refused.value.remedy


def test_a_missing_scope_names_the_service_that_brings_it(microsoft):
    error = missing_scopes_error(microsoft, ("User.Read", "Mail.Read"), ["Mail.Send"])
    assert isinstance(error, ConsentRequiredError)
    assert "does not include Mail.Send" in error.message
    assert "an.login('microsoft', services=['outlook'])" in error.remedy
    assert "%authsome login microsoft --service outlook" in error.remedy_in("magic")
    custom = missing_scopes_error(microsoft, ("User.Read",), ["Bookings.Read.All"])
    assert "--scopes Bookings.Read.All" in custom.remedy_in("magic")


def test_only_a_server_spawned_by_a_hub_reads_its_tokens():
    hub = {"JUPYTERHUB_API_URL": "http://hub:8081/hub/api/", "JUPYTERHUB_API_TOKEN": "t0ken",
           "JUPYTERHUB_USER": "ada@contoso.example"}
    found = HubEnvironment.from_environ(hub)
    assert found is not None and found.user_url == (
        "http://hub:8081/hub/api/users/ada%40contoso.example")
    assert "t0ken" not in repr(found)
    assert HubEnvironment.from_environ({**hub, "AUTHSOME_NB_HUB_TOKENS": "0"}) is None
    assert HubEnvironment.from_environ({"JUPYTERHUB_API_TOKEN": "t0ken"}) is None
