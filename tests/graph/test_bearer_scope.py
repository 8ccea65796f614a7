"""The auth flow on its own (httpx.MockTransport, a stand-in session): who gets the bearer."""

from __future__ import annotations

import httpx
import pytest

from authsome_nb import GraphError
from authsome_nb._connection import AccessToken
from authsome_nb._graph import GraphAuth, RetryPolicy
from authsome_nb._providers._schema import provider_from_mapping

PROVIDER = provider_from_mapping({
    "name": "microsoft", "api_url": "graph.example", "api_base": "https://graph.example/v1.0",
    "oauth": {"authorization_url": "https://login.example/common/oauth2/v2.0/authorize",
              "token_url": "https://login.example/common/oauth2/v2.0/token"}})


class Tokens:
    """Hands out tok-1, then tok-2 … on each refresh, and remembers what it was asked."""

    def __init__(self) -> None:
        self.number = 1
        self.refreshes: list[dict] = []

    def _current(self) -> AccessToken:
        return AccessToken(f"tok-{self.number}", provider="microsoft", connection="default",
                           expires_at=0)

    def token(self, provider, connection, scopes=None) -> AccessToken:
        return self._current()

    def refresh(self, provider, connection, scopes=None, *, stale=None, claims_challenge=None):
        self.refreshes.append({"stale": stale, "claims": claims_challenge})
        self.number += 1
        return self._current()


def client_for(handler, tokens: Tokens, sleeps: list | None = None) -> httpx.Client:
    seen = sleeps if sleeps is not None else []
    auth = GraphAuth(tokens, PROVIDER, retry=RetryPolicy(sleep=seen.append))
    # As an.client() builds it: the auth flow follows redirects, httpx does not.
    return httpx.Client(transport=httpx.MockTransport(handler), auth=auth, follow_redirects=False)


def test_a_redirect_to_another_host_goes_without_the_bearer():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, request.headers.get("Authorization")))
        if request.url.host == "graph.example":
            return httpx.Response(302, headers={"Location": "https://files.example/blob"})
        return httpx.Response(401 if request.url.host == "files.example" else 200)

    tokens = Tokens()
    with client_for(handler, tokens) as client:
        assert client.get("https://graph.example/v1.0/me/drive/items/1/content").status_code == 401
    assert seen == [("graph.example", "Bearer tok-1"), ("files.example", None)]
    assert tokens.refreshes == []  # a foreign host's 401 is not about our token


def test_plain_http_or_another_port_on_the_api_host_gets_no_bearer():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("Authorization"))
        return httpx.Response(200)

    with client_for(handler, Tokens()) as client:
        client.get("http://graph.example/v1.0/me")
        client.get("https://graph.example:8443/v1.0/me")
        client.get("https://GRAPH.example:443/v1.0/me")
    assert seen == [None, None, "Bearer tok-1"]


def test_a_cae_challenge_refreshes_once_with_the_decoded_claims_and_retries():
    seen = []
    challenge = ('Bearer realm="", error="insufficient_claims", '
                 'claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZX19fQ=="')

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        if request.headers["Authorization"] == "Bearer tok-1":
            return httpx.Response(401, headers={"WWW-Authenticate": challenge})
        return httpx.Response(200, json={"id": "me"})

    tokens = Tokens()
    with client_for(handler, tokens) as client:
        assert client.get("https://graph.example/v1.0/me").json() == {"id": "me"}
    assert seen == ["Bearer tok-1", "Bearer tok-2"]
    assert tokens.refreshes == [
        {"stale": "tok-1", "claims": '{"access_token":{"nbf":{"essential":true}}}'}]


def test_throttling_then_success_waits_as_told_and_keeps_the_body_for_the_retry():
    bodies, sleeps = [], []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(request.content)
        if len(bodies) < 3:
            return httpx.Response(429, headers={"Retry-After": str(len(bodies))})
        return httpx.Response(201)

    with client_for(handler, Tokens(), sleeps) as client:
        response = client.post("https://graph.example/v1.0/me/events", json={"subject": "x"})
    assert response.status_code == 201 and sleeps == [1.0, 2.0]
    assert len(set(bodies)) == 1 and bodies[0] == b'{"subject":"x"}'


@pytest.mark.parametrize("status", [307, 308])
def test_a_307_or_308_keeps_body_and_bearer_on_the_same_origin_only(status):
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((str(request.url), request.headers.get("Authorization"), request.content))
        if request.url.path == "/v1.0/me/sendMail":
            return httpx.Response(status, headers={"Location": "/v1.0/me/sendMail2"})
        return httpx.Response(202)

    with client_for(handler, Tokens()) as client:
        answer = client.post("https://graph.example/v1.0/me/sendMail", json={"subject": "x"})
    assert answer.status_code == 202
    assert seen[1] == ("https://graph.example/v1.0/me/sendMail2", "Bearer tok-1",
                       b'{"subject":"x"}')


@pytest.mark.parametrize("status", [307, 308])
@pytest.mark.parametrize("location", [
    "https://elsewhere.example/collect",  # another host
    "http://graph.example/v1.0/me/sendMail",  # the same host over http
    "https://graph.example:8443/v1.0/me/sendMail",  # another port
])
def test_a_body_never_follows_a_redirect_to_another_origin_or_to_http(status, location):
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(status, headers={"Location": location})

    with client_for(handler, Tokens()) as client, pytest.raises(GraphError) as caught:
        client.post("https://graph.example/v1.0/me/sendMail", json={"subject": "secret"})
    assert seen == ["https://graph.example/v1.0/me/sendMail"]  # nothing went there
    assert caught.value.code == "unsafeRedirect" and caught.value.status == status
    assert "secret" not in str(caught.value)


def test_a_get_or_a_303_may_go_elsewhere_but_without_bearer_or_body():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.host, request.headers.get("Authorization"),
                     request.content))
        if request.url.host == "graph.example":
            return httpx.Response(303, headers={"Location": "http://files.example/done"})
        return httpx.Response(200)

    with client_for(handler, Tokens()) as client:
        assert client.post("https://graph.example/v1.0/me/x", json={"a": 1}).status_code == 200
    assert seen[1] == ("GET", "files.example", None, b"")


def test_redirects_are_bounded():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "https://graph.example/v1.0/loop"})

    with client_for(handler, Tokens()) as client, pytest.raises(GraphError, match="more than 20"):
        client.get("https://graph.example/v1.0/loop")
