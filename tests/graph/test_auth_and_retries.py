"""The bearer goes to the API hosts only; a 401 costs one refresh and one retry; throttled
calls are retried after Retry-After."""

from __future__ import annotations

import json

import pytest

import authsome_nb as an
from authsome_nb._graph import RetryPolicy
from authsome_nb.errors import GraphError

REFRESH = {"grant_type": "refresh_token"}
ME = "/v1.0/me"


def test_throttled_pages_are_retried_after_retry_after(emu, graph, waits):
    emu.throttle_retry_after = 2
    emu.throttle_every = 3
    frame = graph.frame("/me/messages", page_size=10)  # 12 pages, 4 in flight
    total = graph.get("/me/messages", count=True, top=1)["@odata.count"]
    assert len(frame) == total and frame["id"].is_unique
    assert waits and set(waits) == {2.0}


@pytest.mark.parametrize("status", [503, 504])
def test_unavailable_and_gateway_timeout_are_retried_too(emu, graph, waits, status):
    emu.throttle_retry_after = 1
    emu.inject_graph_error("/me", status, "ServiceUnavailable", count=2)
    assert graph.get("/me")["id"]
    assert waits == [1.0, 1.0] and emu.count("graph", path=ME) == 3


def test_retries_are_bounded_and_the_error_says_what_to_do(emu, waits):
    emu.throttle_every = 1
    emu.throttle_retry_after = 5
    policy = RetryPolicy(max_retries=2, sleep=waits.append)
    with an.graph(retry=policy) as graph, pytest.raises(GraphError) as caught:
        graph.get("/me")
    assert caught.value.status == 429 and "throttling" in caught.value.remedy
    assert emu.count("graph", path=ME) == 3 and waits == [5.0, 5.0]


def test_a_cae_challenge_is_answered_by_one_refresh_with_the_claims_and_one_retry(
        emu, graph, monkeypatch):
    asked = []
    refresh = graph.session.refresh

    def spy(*args, **kwargs):
        asked.append(kwargs)
        return refresh(*args, **kwargs)

    monkeypatch.setattr(graph.session, "refresh", spy)
    stale = an.token()
    emu.revoke_sessions()
    assert graph.get("/me")["id"]
    assert emu.count("token", **REFRESH) == 1
    assert emu.count("graph", path=ME) == 2
    assert asked[0]["stale"] == stale
    assert json.loads(asked[0]["claims_challenge"])["access_token"]["nbf"]["essential"] is True


def test_a_401_that_persists_costs_one_refresh_then_raises(emu, graph):
    emu.inject_graph_error("/me", 401, "InvalidAuthenticationToken", count=5)
    with pytest.raises(GraphError) as caught:
        graph.get("/me")
    assert caught.value.status == 401 and "sign in again" in caught.value.remedy
    assert emu.count("token", **REFRESH) == 1 and emu.count("graph", path=ME) == 2


def test_no_token_goes_to_a_next_link_on_another_host(emu, graph):
    emu.next_link_host = "localhost"
    with pytest.raises(GraphError) as caught:
        graph.frame("/me/messages", page_size=10, concurrency=1)  # nextLink after nextLink
    calls = [r for r in emu.requests if r.get("path", "").startswith("/v1.0/me/messages")]
    assert [(r["host"].split(":")[0], r["has_authorization"]) for r in calls] == [
        ("127.0.0.1", True), ("localhost", False)]
    assert caught.value.status == 401 and "localhost" in caught.value.remedy
    assert emu.count("token", **REFRESH) == 0  # a foreign 401 is not ours to refresh


def test_the_raw_client_sends_the_bearer_to_api_hosts_only(emu):
    foreign = emu.graph_base.replace("127.0.0.1", "localhost")
    with an.client() as client:
        assert client.follow_redirects is False and client.auth.follow_redirects  # ours do
        assert client.get("/me").status_code == 200
        assert client.get(foreign + "/me").status_code == 401
    me_calls = [r for r in emu.requests if r.get("path") == ME]
    assert [r["has_authorization"] for r in me_calls] == [True, False]


def test_the_async_client_is_refused_with_a_remedy(emu):
    import asyncio

    import httpx

    from authsome_nb.errors import ConfigurationError

    with an.client() as sync_client:
        auth = sync_client.auth

    async def call():
        async with httpx.AsyncClient(auth=auth, verify=False) as client:
            await client.get(emu.graph_base + "/me")

    with pytest.raises(ConfigurationError, match="not httpx.AsyncClient"):
        asyncio.run(call())
