"""JSON $batch: dependsOn, failed dependencies, the 20-request limit, per-request throttling."""

from __future__ import annotations

import httpx
import pytest
from authsome_nb_emulator import Emulator

from .helpers import bearer


@pytest.fixture
def auth(sign_in) -> dict[str, str]:
    return bearer(sign_in(["User.Read", "Mail.Read", "Calendars.ReadWrite"]))


def test_depends_on_runs_in_order_and_a_failure_cascades_as_424(
        emu: Emulator, graph: httpx.Client, auth: dict[str, str]) -> None:
    batch = graph.post("/$batch", headers=auth, json={"requests": [
        {"id": "3", "method": "GET", "url": "/me/mailFolders", "dependsOn": ["2"]},
        {"id": "1", "method": "GET", "url": "/me?$select=displayName"},
        {"id": "2", "method": "GET", "url": "me/messages/NOPE", "dependsOn": ["1"]},
        {"id": "4", "method": "POST", "url": "/me/events", "body": {"subject": "x"}},
        {"id": "5", "method": "GET", "url": "/me/messages?$top=2"},
    ]})
    assert batch.status_code == 200
    answers = {r["id"]: r for r in batch.json()["responses"]}
    assert [r["id"] for r in batch.json()["responses"]] == ["3", "1", "2", "4", "5"]
    assert answers["1"]["status"] == 200 and answers["1"]["body"]["displayName"]
    assert answers["2"]["status"] == 404
    assert answers["3"]["status"] == 424
    assert answers["4"]["status"] == 400  # a body needs a Content-Type header
    assert len(answers["5"]["body"]["value"]) == 2
    assert answers["5"]["body"]["@odata.nextLink"].startswith(f"{emu.url}/v1.0/me/messages?")
    assert emu.count("batch") == 1 and emu.count("graph", batch=True) == 4


def test_more_than_twenty_requests_is_a_bad_request(graph: httpx.Client,
                                                    auth: dict[str, str]) -> None:
    requests = [{"id": str(n), "method": "GET", "url": "/me"} for n in range(21)]
    refused = graph.post("/$batch", headers=auth, json={"requests": requests})
    assert refused.status_code == 400
    assert "limit of 20" in refused.json()["error"]["message"]
    assert graph.post("/$batch", headers=auth, json={"requests": requests[:20]}).status_code == 200


def test_bad_dependencies_are_refused(graph: httpx.Client, auth: dict[str, str]) -> None:
    unknown = [{"id": "1", "method": "GET", "url": "/me", "dependsOn": ["9"]}]
    cycle = [{"id": "1", "method": "GET", "url": "/me", "dependsOn": ["2"]},
             {"id": "2", "method": "GET", "url": "/me", "dependsOn": ["1"]}]
    for requests in (unknown, cycle):
        assert graph.post("/$batch", headers=auth,
                          json={"requests": requests}).status_code == 400
    assert graph.post("/$batch", json={"requests": unknown}).status_code == 401


def test_each_sub_request_is_throttled_on_its_own(emu: Emulator, graph: httpx.Client,
                                                  auth: dict[str, str]) -> None:
    emu.throttle_every = 2
    requests = [{"id": str(n), "method": "GET", "url": "/me"} for n in range(1, 5)]
    answers = graph.post("/$batch", headers=auth, json={"requests": requests}).json()

    statuses = [r["status"] for r in answers["responses"]]
    assert statuses == [200, 429, 200, 429]
    assert answers["responses"][1]["headers"]["Retry-After"] == "1"
    assert answers["responses"][1]["body"]["error"]["code"] == "TooManyRequests"


def test_writes_in_a_batch(graph: httpx.Client, auth: dict[str, str]) -> None:
    created = graph.post("/$batch", headers=auth, json={"requests": [{
        "id": "1", "method": "POST", "url": "/me/events",
        "headers": {"Content-Type": "application/json"},
        "body": {"subject": "Batch", "start": {"dateTime": "2026-11-25T09:00:00",
                                               "timeZone": "UTC"},
                 "end": {"dateTime": "2026-11-25T09:30:00", "timeZone": "UTC"}}}]}).json()
    assert created["responses"][0]["status"] == 201
