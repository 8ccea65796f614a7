"""Outlook at scale: the per-mailbox concurrency limit, latency, and message delta rounds."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from authsome_nb_emulator import Emulator

from .helpers import bearer

INBOX_DELTA = "/me/mailFolders/inbox/messages/delta"


@pytest.fixture
def auth(sign_in) -> dict[str, str]:
    return bearer(sign_in(["User.Read", "Mail.ReadWrite", "Files.Read"], "adele"))


def _round(graph: httpx.Client, url: str, auth: dict[str, str], page: int | None = None,
           ) -> tuple[list[dict], str, int]:
    """Follow a delta round to its deltaLink: (items, deltaLink, requests)."""
    headers = dict(auth, Prefer=f"odata.maxpagesize={page}") if page else auth
    items, requests = [], 0
    while True:
        answer = graph.get(url, headers=headers)
        requests += 1
        assert answer.status_code == 200, answer.text
        body = answer.json()
        items += body["value"]
        if "@odata.deltaLink" in body:
            return items, body["@odata.deltaLink"], requests
        url = body["@odata.nextLink"]


def test_a_fifth_request_in_flight_to_one_mailbox_is_refused(emu: Emulator, graph: httpx.Client,
                                                           auth: dict[str, str]) -> None:
    emu.graph_latency = 1.0  # long enough for all seven to be in flight together
    statuses: list[int] = []
    bodies: list[dict] = []

    def ask(path: str) -> None:
        answer = graph.get(path, headers=auth)
        statuses.append(answer.status_code)
        bodies.append(answer.json())

    threads = [threading.Thread(target=ask, args=("/me/messages?$top=1",)) for _ in range(6)]
    threads.append(threading.Thread(target=ask, args=("/me/drive/root/children",)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] * 5 + [429] * 2  # 4 mail + OneDrive; 2 mail refused
    refused = [b["error"] for b in bodies if "error" in b]
    assert {(e["code"], e["message"]) for e in refused} == {
        ("ApplicationThrottled", "Application is over its MailboxConcurrency limit.")}
    assert emu.mailbox_stats == {"peak": 4, "refused": 2, "in_flight": 0}
    emu.reset_counters()
    assert emu.mailbox_stats["refused"] == 0


def test_latency_holds_each_request_and_the_limit_can_be_lifted(
        emu: Emulator, graph: httpx.Client, auth: dict[str, str]) -> None:
    emu.configure(graph_latency=0.2, mailbox_concurrency=None)
    started = time.perf_counter()
    threads = [threading.Thread(target=graph.get, args=("/me/messages?$top=1",),
                                kwargs={"headers": auth}) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    assert 0.2 <= elapsed < 1.6  # concurrently, not 8 x 0.2 s one after the other
    assert emu.mailbox_stats["refused"] == 0 and emu.mailbox_stats["peak"] > 4
    with pytest.raises(ValueError):
        emu.graph_latency = -1
    with pytest.raises(ValueError):
        emu.mailbox_concurrency = 0


def test_top_is_a_page_size_between_1_and_1000(graph: httpx.Client,
                                               auth: dict[str, str]) -> None:
    assert len(graph.get("/me/messages", headers=auth).json()["value"]) == 10
    assert len(graph.get("/me/messages?$top=1000", headers=auth).json()["value"]) == 120
    for wrong in ("0", "1001", "ten"):
        answer = graph.get(f"/me/messages?$top={wrong}", headers=auth)
        assert answer.status_code == 400, wrong
    counted = graph.get("/me/messages?$top=5&$skip=115&$count=true", headers=auth).json()
    assert counted["@odata.count"] == 120 and len(counted["value"]) == 5
    assert "@odata.nextLink" not in counted


def test_a_delta_round_then_only_the_changes(emu: Emulator, graph: httpx.Client,
                                             auth: dict[str, str]) -> None:
    inbox = graph.get("/me/mailFolders/inbox", headers=auth).json()["totalItemCount"]
    items, delta_link, requests = _round(graph, f"{INBOX_DELTA}?$select=subject,isRead", auth,
                                         page=25)
    assert len(items) == inbox and len({i["id"] for i in items}) == inbox
    assert requests == -(-inbox // 25)
    assert set(items[0]) == {"@odata.type", "@odata.etag", "id", "subject", "isRead"}
    assert "$deltatoken=" in delta_link and "select" not in delta_link.lower()

    changed = emu.change_mailbox(folder="inbox", add=10, update=5, delete=3)
    emu.change_mailbox(folder="archive", add=4)  # another folder: not this round's business
    assert not set(changed["added"]) & {i["id"] for i in items}  # new mail has new ids
    changes, delta_link, requests = _round(graph, delta_link, auth, page=100)
    assert requests == 1
    removed = {c["id"] for c in changes if "@removed" in c}
    assert removed == set(changed["deleted"])
    kept = {c["id"]: c for c in changes if "@removed" not in c}
    assert set(kept) == set(changed["added"]) | set(changed["updated"])
    assert all(set(c) == {"@odata.type", "@odata.etag", "id", "subject", "isRead"}
               for c in kept.values())
    nothing, _, _ = _round(graph, delta_link, auth)
    assert nothing == []


def test_delta_pages_follow_prefer_and_options_ride_in_the_tokens(
        graph: httpx.Client, auth: dict[str, str]) -> None:
    answer = graph.get(f"{INBOX_DELTA}?$select=subject", headers=dict(
        auth, Prefer="odata.maxpagesize=7"))
    assert answer.headers["Preference-Applied"] == "odata.maxpagesize=7"
    assert len(answer.json()["value"]) == 7
    assert "$select" not in answer.json()["@odata.nextLink"]
    default = graph.get(INBOX_DELTA, headers=auth).json()
    assert len(default["value"]) == 10
    recent = _round(graph, f"{INBOX_DELTA}?$filter=receivedDateTime ge 2026-10-01T00:00:00Z",
                    auth, page=500)[0]
    assert recent and all(m["receivedDateTime"] >= "2026-10-01" for m in recent)
    for refused in ("$search=\"budget\"", "$filter=isRead eq false", "$orderby=subject"):
        assert graph.get(f"{INBOX_DELTA}?{refused}", headers=auth).status_code == 400, refused
    whole_mailbox = graph.get("/me/messages/delta", headers=auth)
    assert whole_mailbox.status_code == 400
    assert "Change tracking is not supported" in whole_mailbox.json()["error"]["message"]


def test_an_expired_delta_token_is_gone(emu: Emulator, graph: httpx.Client,
                                        auth: dict[str, str]) -> None:
    _, delta_link, _ = _round(graph, INBOX_DELTA, auth, page=1000)
    emu.expire_delta_tokens()
    gone = graph.get(delta_link, headers=auth)
    assert gone.status_code == 410 and gone.json()["error"]["code"] == "SyncStateNotFound"
    again, fresh_link, _ = _round(graph, INBOX_DELTA, auth, page=1000)
    assert again  # a new round starts from scratch
    # ... and its token works, although the mailbox has not changed since the expiry
    nothing, _, requests = _round(graph, fresh_link, auth)
    assert (nothing, requests) == ([], 1)


def test_api_edits_are_tracked_too(emu: Emulator, graph: httpx.Client,
                                   auth: dict[str, str]) -> None:
    items, delta_link, _ = _round(graph, INBOX_DELTA, auth, page=1000)
    first, second = items[0]["id"], items[1]["id"]
    assert graph.patch(f"/me/messages/{first}", json={"isRead": True},
                       headers=auth).status_code == 200
    assert graph.delete(f"/me/messages/{second}", headers=auth).status_code == 204
    changes, _, _ = _round(graph, delta_link, auth)
    assert [(c["id"], "@removed" in c) for c in changes] == [(first, False), (second, True)]


def test_another_process_changes_the_mailbox(emu: Emulator) -> None:
    remote = Emulator.attach(emu.url, emu.ca_path)
    changed = remote.change_mailbox("megan", add=2, delete=1)
    assert len(changed["added"]) == 2 and len(changed["deleted"]) == 1
    remote.expire_delta_tokens("megan")
    assert remote.mailbox_stats["refused"] == 0
    with pytest.raises(ValueError):
        remote.change_mailbox(delete=10_000)
