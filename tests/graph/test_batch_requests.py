"""Preparing $batch requests: ids, methods, URLs, and dependsOn chains kept in one batch."""

from __future__ import annotations

import pytest

from authsome_nb._graph._batch import prepare, run, split
from authsome_nb._graph._retry import RetryPolicy
from authsome_nb.errors import ConfigurationError

BASE = "https://graph.microsoft.com/v1.0"


def test_strings_and_dicts_become_batch_requests_with_ids():
    prepared = prepare(["/me", "DELETE /me/events/1",
                        {"method": "post", "url": "/me/events", "body": {"subject": "x"}}], BASE)
    assert [(r["id"], r["method"], r["url"]) for r in prepared] == [
        ("1", "GET", "/me"), ("2", "DELETE", "/me/events/1"), ("3", "POST", "/me/events")]
    assert prepared[2]["headers"] == {"Content-Type": "application/json"}


def test_unknown_dependencies_and_duplicate_ids_are_refused():
    with pytest.raises(ConfigurationError, match="unknown id"):
        prepare([{"url": "/me", "dependsOn": ["9"]}], BASE)
    with pytest.raises(ConfigurationError, match="unique"):
        prepare([{"id": "a", "url": "/me"}, {"id": "a", "url": "/me"}], BASE)


def test_batches_hold_twenty_and_never_split_a_dependency_chain():
    requests = prepare([f"/me/messages?$top={n}" for n in range(1, 19)], BASE)
    requests += prepare([{"id": "a", "url": "/me"}, {"id": "b", "url": "/me", "dependsOn": ["a"]},
                         {"id": "c", "url": "/me", "dependsOn": "b"}], BASE)
    batches = split(requests)
    assert [len(b) for b in batches] == [18, 3]
    assert {r["id"] for r in batches[1]} == {"a", "b", "c"}
    assert len(split(prepare([f"/me?n={n}" for n in range(45)], BASE))) == 3


def test_a_chain_longer_than_a_batch_is_refused_with_a_remedy():
    chain = [{"id": "0", "url": "/me"}] + [{"id": str(n), "url": "/me", "dependsOn": [str(n - 1)]}
                                           for n in range(1, 21)]
    with pytest.raises(ConfigurationError, match="21 batch requests are linked"):
        split(prepare(chain, BASE))


def test_a_throttled_request_is_resent_with_the_ones_that_failed_because_of_it():
    sent: list[list[tuple[str, tuple]]] = []

    def post(payload):
        sent.append([(r["id"], tuple(r.get("dependsOn", ()))) for r in payload["requests"]])
        first = len(sent) == 1
        answers = {"a": 429 if first else 200, "b": 424 if first else 200, "c": 200}
        return {"responses": [{"id": r["id"], "status": answers[r["id"]],
                               "headers": {"retry-after": "4"} if answers[r["id"]] == 429 else {}}
                              for r in payload["requests"]]}

    waits: list[float] = []
    requests = prepare([{"id": "a", "url": "/me"}, {"id": "b", "url": "/me", "dependsOn": ["a"]},
                        {"id": "c", "url": "/me"}], BASE)
    responses = run(post, requests, RetryPolicy(sleep=waits.append))
    assert [r["status"] for r in responses] == [200, 200, 200]
    assert sent == [[("a", ()), ("b", ("a",)), ("c", ())], [("a", ()), ("b", ("a",))]]
    assert waits == [4.0]
