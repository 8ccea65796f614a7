"""What a generic OAuth provider's definition may say, and the clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from authsome_nb._providers import load_provider
from authsome_nb.errors import ProviderError


def write(home: Path, name: str, data: dict) -> None:
    (home / "providers").mkdir(exist_ok=True)
    (home / "providers" / f"{name}.json").write_text(json.dumps({"name": name, **data}))


def test_the_bundled_github_and_google_are_generic_oauth_providers(tmp_path):
    github, google = load_provider("github", tmp_path), load_provider("google", tmp_path)
    assert github.engine == google.engine == "oauth2"
    assert github.oauth.token_url == "https://github.com/login/oauth/access_token"  # {base_url}
    assert github.profile_url == "https://api.github.com/user" and github.account_field == "login"
    assert github.export_names["access_token"] == ("GITHUB_ACCESS_TOKEN", "GH_TOKEN")
    assert google.oauth.is_oidc and google.oauth.authorize_params["access_type"] == "offline"
    assert set(google.oauth.client_secret_required_for) == {"pkce", "device_code"}


def test_api_hosts_are_exact_names_or_whole_host_patterns(tmp_path):
    hosts = ["api.acme.example", "regex:[a-z]+\\.files\\.acme\\.example"]
    write(tmp_path, "acme", {"api_url": hosts,
                             "oauth": {"authorization_url": "https://acme.example/a",
                                       "token_url": "https://acme.example/t"}})
    acme = load_provider("acme", tmp_path)
    assert acme.is_api_host("api.acme.example") and acme.is_api_host("eu.files.acme.example")
    assert not acme.is_api_host("eu.files.acme.example.evil.io")
    assert not acme.is_api_host("acme.example")
    assert acme.api_base == "https://api.acme.example"


def test_an_openid_connect_provider_needs_only_its_issuer(tmp_path):
    write(tmp_path, "idp", {"oauth": {"issuer": "https://id.example/realm/"}})
    idp = load_provider("idp", tmp_path)
    assert idp.oauth.issuer == "https://id.example/realm" and idp.oauth.token_url is None
    assert idp.authority == "https://id.example/realm"


@pytest.mark.parametrize(("data", "field"), [
    ({"oauth": {"issuer": "https://id.example"}, "client_secret": "s3cret"}, "client_secret"),
    ({"oauth": {"issuer": "https://id.example", "client_secret": "s3cret"}},
     "oauth.client_secret"),
    ({"oauth": {"authorization_url": "{base_url}/a", "token_url": "https://x.example/t"}},
     "oauth.authorization_url"),
    ({"oauth": {"issuer": "http://id.example"}}, "oauth.issuer"),
    ({"oauth": {"issuer": "https://id.example", "client_secret_required_for": ["magic"]}},
     "oauth.client_secret_required_for"),
    ({"oauth": {"issuer": "https://id.example", "token_auth_method": "mtls"}},
     "oauth.token_auth_method"),
    ({"oauth": {"issuer": "https://id.example"}, "api_url": ["regex:(["]}, "api_url"),
    ({"oauth": {"issuer": "https://id.example"}, "engine": "magic"}, "engine"),
    ({"oauth": {"token_url": "https://x.example/t"}}, "oauth.authorization_url"),
])
def test_each_malformed_generic_field_is_named(tmp_path, data, field):
    write(tmp_path, "acme", data)
    with pytest.raises(ProviderError) as caught:
        load_provider("acme", tmp_path)
    assert caught.value.field == field
