"""Whose token a decrypted request gets: matched as authsome matches (host, then the longest URL
prefix, then ``regex:``), the provider's own OAuth endpoints and ambiguity left untouched, an
API-key provider's own header."""

from __future__ import annotations

from authsome_nb._providers import Provider, provider_from_mapping
from authsome_nb.broker._routes import RouteTable, routes_for


def provider(name: str, api_url, **extra) -> Provider:
    return provider_from_mapping({
        "name": name, "auth_type": "oauth2", "api_url": api_url,
        "oauth": {"authorization_url": "https://id.example.org/authorize",
                  "token_url": "https://api.example.org/oauth/token", "scopes": []},
        **extra})


def table(*providers: Provider) -> RouteTable:
    return RouteTable.of(r for p in providers for r in routes_for(p, "default"))


def test_exact_hosts_then_the_longest_prefix_then_regex():
    routes = table(provider("plain", "api.example.org"),
                   provider("versioned", "api.example.org/v2"),
                   provider("files", "regex:[a-z0-9-]+\\.files\\.example\\.org"))
    assert routes.match("api.example.org", "/v1/items").provider == "plain"
    assert routes.match("api.example.org", "/v2/items?x=1").provider == "versioned"
    assert routes.match("api.example.org", "/v2").provider == "versioned"
    assert routes.match("api.example.org", "/v2x").provider == "plain"
    assert routes.match("eu-1.files.example.org", "/a").provider == "files"
    assert routes.intercepts("eu-1.files.example.org:443")
    assert not routes.intercepts("login.example.org") and routes.match("other.org", "/") is None


def test_the_providers_own_oauth_endpoints_and_ambiguity_go_untouched():
    routes = table(provider("plain", "api.example.org"))
    assert routes.match("api.example.org", "/oauth/token") is None
    both = table(provider("one", "api.example.org"), provider("two", "api.example.org"))
    assert both.match("api.example.org", "/x") is None


def test_a_loopback_api_host_with_a_port_is_routed():
    routes = table(provider("emulator", "127.0.0.1:8443"))
    assert routes.intercepts("127.0.0.1:8443") and not routes.intercepts("127.0.0.1:9000")
    assert routes.match("127.0.0.1:8443", "/v1.0/me").provider == "emulator"


def api_key_provider(**block) -> Provider:
    return provider_from_mapping({"name": "openai", "auth_type": "api_key",
                                  "api_url": "api.openai.com", "api_key": block})


def test_an_api_key_providers_own_header_carries_the_key():
    [route] = routes_for(api_key_provider(header_name="x-api-key", header_prefix=None),
                         "default")
    assert route.credential("sk-1") == ("x-api-key", "sk-1")
    [route] = routes_for(api_key_provider(header_name="Authorization",
                                          header_prefix="Token "), "default")
    assert route.credential("sk-1") == ("Authorization", "Token sk-1")
    [route] = routes_for(provider("plain", "api.example.org"), "default")
    assert route.credential("t") == ("Authorization", "Bearer t")
