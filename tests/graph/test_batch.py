"""$batch: 20 per round trip, dependsOn kept together, throttled sub-requests sent again."""

from __future__ import annotations


def test_many_calls_go_twenty_per_batch_and_come_back_in_order(emu, graph):
    requests = [f"/me/messages?$top=1&$skip={n}&$select=subject" for n in range(25)]
    responses = graph.batch(requests)
    assert emu.count("batch") == 2
    assert [r["id"] for r in responses] == [str(n) for n in range(1, 26)]
    assert {r["status"] for r in responses} == {200}
    subjects = [r["body"]["value"][0]["subject"] for r in responses]
    assert subjects == list(graph.frame("/me/messages", select="subject", top=25,
                                        max_items=25)["subject"])


def test_depends_on_runs_after_its_dependency_in_the_same_batch(emu, graph):
    requests = [f"/me?n={n}" for n in range(19)] + [
        {"id": "new", "method": "POST", "url": "/me/events",
         "body": {"subject": "Planning", "start": {"dateTime": "2026-12-01T10:00:00",
                                                   "timeZone": "UTC"},
                  "end": {"dateTime": "2026-12-01T11:00:00", "timeZone": "UTC"}}},
        {"id": "list", "url": "/me/events?$filter=subject eq 'Planning'", "dependsOn": ["new"]},
    ]
    responses = graph.batch(requests)
    assert emu.count("batch") == 2  # 19 + the pair: the pair was not split across batches
    by_id = {r["id"]: r for r in responses}
    assert by_id["new"]["status"] == 201
    assert [e["subject"] for e in by_id["list"]["body"]["value"]] == ["Planning"]


def test_throttled_sub_requests_are_retried_after_their_retry_after(emu, graph, waits):
    emu.throttle_retry_after = 3
    emu.throttle_every = 4
    responses = graph.batch([f"/me/messages?$top=1&$skip={n}" for n in range(10)])
    assert {r["status"] for r in responses} == {200}
    assert waits and set(waits) == {3.0}
    assert emu.count("graph", batch=True, status=429) >= 2


def test_a_failed_sub_request_is_reported_not_raised(emu, graph):
    responses = graph.batch(["/me", "/me/messages/no-such-id"])
    assert [r["status"] for r in responses] == [200, 404]
    assert responses[1]["body"]["error"]["code"]
