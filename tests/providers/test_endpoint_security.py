"""Endpoints are https, or plain http on this machine's loopback only: a client secret, a
device code or a token never crosses a network in the clear (the audit's medium finding)."""

from __future__ import annotations

import json

import pytest

from authsome_nb._providers import insecure_reason, load_provider
from authsome_nb.errors import ProviderError

ENDPOINTS = ("authorization_url", "token_url", "device_authorization_url", "revocation_url",
             "userinfo_url", "registration_endpoint", "base_url", "issuer")


def definition(field: str, value: str) -> dict:
    oauth = {"authorization_url": "https://id.example/authorize",
             "token_url": "https://id.example/token", field: value}
    return {"name": "acme", "oauth": oauth}


def write(home, data: dict) -> None:
    (home / "providers").mkdir(exist_ok=True)
    (home / "providers" / "acme.json").write_text(json.dumps(data))


@pytest.mark.parametrize("field", ENDPOINTS)
def test_every_endpoint_in_plain_http_on_a_network_host_is_refused(tmp_path, field):
    write(tmp_path, definition(field, "http://id.example/endpoint"))
    with pytest.raises(ProviderError) as caught:
        load_provider("acme", tmp_path)
    assert caught.value.field == f"oauth.{field}" and "https://" in str(caught.value)


@pytest.mark.parametrize("host", ["127.0.0.1:8080", "[::1]:8080", "localhost:8080", "127.0.0.2"])
@pytest.mark.parametrize("field", ENDPOINTS)
def test_plain_http_on_loopback_is_allowed(tmp_path, field, host):
    write(tmp_path, definition(field, f"http://{host}/endpoint"))
    assert load_provider("acme", tmp_path).oauth is not None


@pytest.mark.parametrize("field", ["api_base", "setup_url", "docs_url", "api_url"])
def test_the_other_addresses_of_a_definition_are_held_to_the_same_rule(tmp_path, field):
    write(tmp_path, {**definition("token_url", "https://id.example/token"),
                     field: "http://api.example/v1"})
    with pytest.raises(ProviderError) as caught:
        load_provider("acme", tmp_path)
    assert caught.value.field == field


@pytest.mark.parametrize(("url", "safe"), [
    ("https://id.example/x", True), ("http://127.0.0.1:1/x", True), ("http://[::1]/x", True),
    ("http://localhost/x", True), ("http://id.example/x", False), ("javascript:alert(1)", False),
    ("ftp://id.example/x", False), ("https://", False), ("http://127.0.0.1.evil.example/", False),
])
def test_what_counts_as_a_safe_endpoint(url, safe):
    assert (insecure_reason(url) is None) is safe
