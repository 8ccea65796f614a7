"""Graph data and OData: paging, $select/$filter/$orderby/$count/$search, and the resources."""

from __future__ import annotations

import ssl

import httpx
import pytest
from authsome_nb_emulator import Emulator

from .helpers import bearer, device_sign_in

ALL = ["User.Read", "Mail.ReadWrite", "Mail.Send", "Calendars.ReadWrite", "Files.Read",
       "Tasks.ReadWrite", "Chat.Read", "Team.ReadBasic.All", "Sites.Read.All",
       "User.ReadBasic.All"]


@pytest.fixture
def auth(sign_in) -> dict[str, str]:
    return bearer(sign_in(ALL, "adele"))


def _all_pages(graph: httpx.Client, url: str, auth: dict[str, str]) -> list[dict]:
    items = []
    while url:
        page = graph.get(url, headers=auth)
        assert page.status_code == 200, page.text
        items += page.json()["value"]
        url = page.json().get("@odata.nextLink")
    return items


def test_following_next_links_reaches_every_message(emu: Emulator, graph: httpx.Client,
                                                    auth: dict[str, str]) -> None:
    messages = _all_pages(graph, "/me/messages?$top=7&$select=subject,receivedDateTime", auth)

    assert len(messages) == emu.messages_per_user == 120
    assert len({m["id"] for m in messages}) == 120
    received = [m["receivedDateTime"] for m in messages]
    assert received == sorted(received, reverse=True) and received[0] < "2026-11-21"
    assert set(messages[0]) == {"@odata.etag", "id", "subject", "receivedDateTime"}
    first = graph.get("/me/messages", headers=auth).json()
    assert len(first["value"]) == 10 and "$skiptoken=" in first["@odata.nextLink"]
    skipped = graph.get("/me/messages?$skip=5&$top=5", headers=auth).json()["value"]
    assert [m["id"] for m in skipped] == [m["id"] for m in first["value"][5:10]]


def test_a_message_has_graphs_shape(graph: httpx.Client, auth: dict[str, str]) -> None:
    message = graph.get("/me/messages?$top=1", headers=auth).json()["value"][0]
    for key in ("id", "createdDateTime", "lastModifiedDateTime", "receivedDateTime",
                "sentDateTime", "hasAttachments", "internetMessageId", "subject", "bodyPreview",
                "importance", "parentFolderId", "conversationId", "isRead", "isDraft",
                "webLink", "body", "sender", "from", "toRecipients", "ccRecipients", "flag",
                "categories"):
        assert key in message
    assert message["from"]["emailAddress"]["address"]
    assert message["receivedDateTime"].endswith("Z")
    same = graph.get(f"/me/messages/{message['id']}", headers=auth).json()
    assert same["subject"] == message["subject"]


def test_filter_orderby_count_and_top(graph: httpx.Client, auth: dict[str, str]) -> None:
    unread = graph.get("/me/messages", headers=auth, params={
        "$filter": "isRead eq false and receivedDateTime ge 2026-01-01T00:00:00Z",
        "$orderby": "subject asc,receivedDateTime desc", "$count": "true", "$top": "1000",
    }).json()
    assert unread["@odata.count"] == len(unread["value"]) > 0
    assert all(not m["isRead"] for m in unread["value"])
    subjects = [m["subject"].lower() for m in unread["value"]]
    assert subjects == sorted(subjects)

    sender = unread["value"][0]["from"]["emailAddress"]["address"]
    by_sender = graph.get("/me/messages", headers=auth, params={
        "$filter": f"from/emailAddress/address eq '{sender.upper()}'"}).json()["value"]
    assert by_sender and all(m["from"]["emailAddress"]["address"] == sender for m in by_sender)
    contains = graph.get("/me/messages", headers=auth, params={
        "$filter": "contains(subject, 'budget') or startswith(subject, 'Re:')"}).json()
    assert all("budget" in m["subject"].lower() or m["subject"].startswith("Re:")
               for m in contains["value"])

    assert graph.get("/me/messages?$top=1001", headers=auth).status_code == 400
    broken = graph.get("/me/messages", params={"$filter": "subject eq"}, headers=auth)
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "BadRequest"
    unknown = graph.get("/me/messages", params={"$select": "nope"}, headers=auth)
    assert "Could not find a property named 'nope'" in unknown.json()["error"]["message"]


def test_search_needs_quotes_and_matches_subject_preview_or_sender(
        graph: httpx.Client, auth: dict[str, str]) -> None:
    found = graph.get("/me/messages", headers=auth, params={"$search": '"budget"',
                                                           "$top": "100"}).json()["value"]
    assert found and all("budget" in (m["subject"] + m["bodyPreview"]).lower()
                         or "budget" in m["from"]["emailAddress"]["name"].lower() for m in found)
    assert graph.get("/me/messages", headers=auth,
                     params={"$search": "budget"}).status_code == 400
    by_subject = graph.get("/me/messages", headers=auth,
                           params={"$search": '"subject:budget"'}).json()["value"]
    assert by_subject and all("budget" in m["subject"].lower() for m in by_subject)


def test_mail_folders_patch_delete_and_send(emu: Emulator, graph: httpx.Client,
                                            auth: dict[str, str]) -> None:
    folders = {f["displayName"]: f for f in graph.get("/me/mailFolders",
                                                      headers=auth).json()["value"]}
    inbox = graph.get("/me/mailFolders/inbox/messages?$top=50", headers=auth).json()["value"]
    assert all(m["parentFolderId"] == folders["Inbox"]["id"] for m in inbox)
    assert folders["Inbox"]["totalItemCount"] > 0

    target = inbox[0]["id"]
    patched = graph.patch(f"/me/messages/{target}", headers=auth,
                          json={"isRead": True, "categories": ["Red category"]})
    assert patched.status_code == 200 and patched.json()["isRead"] is True
    assert graph.patch(f"/me/messages/{target}", headers=auth, json={"id": "x"}).status_code == 400
    assert graph.delete(f"/me/messages/{target}", headers=auth).status_code == 204
    assert graph.get(f"/me/messages/{target}", headers=auth).status_code == 404

    sent = graph.post("/me/sendMail", headers=auth, json={"message": {
        "subject": "Hello from a test", "body": {"contentType": "Text", "content": "Hi"},
        "toRecipients": [{"emailAddress": {"address": "MeganB@contoso.example"}}]}})
    assert sent.status_code == 202 and sent.content == b""
    newest = graph.get("/me/mailFolders/sentitems/messages?$top=1", headers=auth).json()
    assert newest["value"][0]["subject"] == "Hello from a test"
    assert graph.post("/me/sendMail", headers=auth,
                      json={"message": {"subject": "x"}}).status_code == 400


def test_events_and_calendar_view(graph: httpx.Client, auth: dict[str, str]) -> None:
    created = graph.post("/me/events", headers=auth, json={
        "subject": "Planning", "start": {"dateTime": "2026-11-24T10:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2026-11-24T11:00:00", "timeZone": "UTC"}})
    assert created.status_code == 201 and created.json()["id"]

    assert graph.get("/me/calendarView", headers=auth).status_code == 400
    window = _all_pages(graph, "/me/calendarView?startDateTime=2026-11-01T00:00:00Z"
                               "&endDateTime=2026-12-01T00:00:00Z", auth)
    assert any(e["subject"] == "Planning" for e in window)
    assert all("2026-10-31" <= e["start"]["dateTime"][:10] <= "2026-11-30" for e in window)
    event = window[0]
    assert {"start", "end", "organizer", "attendees", "location", "isAllDay",
            "isOnlineMeeting"} <= set(event)


def test_drive_todo_chats_teams(graph: httpx.Client, auth: dict[str, str]) -> None:
    children = graph.get("/me/drive/root/children", headers=auth).json()["value"]
    folder = next(i for i in children if "folder" in i)
    files = graph.get(f"/me/drive/items/{folder['id']}/children", headers=auth).json()["value"]
    assert len(files) == folder["folder"]["childCount"]
    assert all(f["file"]["mimeType"] and f["size"] > 0 and f["createdBy"]["user"] for f in files)

    lists = graph.get("/me/todo/lists", headers=auth).json()["value"]
    tasks = f"/me/todo/lists/{lists[0]['id']}/tasks"
    assert graph.post(tasks, headers=auth, json={"title": "Write tests"}).status_code == 201
    first = graph.get(tasks, headers=auth).json()["value"][0]
    assert first["title"] == "Write tests" and first["status"] == "notStarted"

    chats = graph.get("/me/chats", headers=auth).json()["value"]
    assert {c["chatType"] for c in chats} == {"oneOnOne", "group", "meeting"}
    said = graph.get(f"/me/chats/{chats[0]['id']}/messages", headers=auth).json()["value"]
    assert said[0]["body"]["content"] and said[0]["from"]["user"]["displayName"]
    assert graph.get("/me/joinedTeams", headers=auth).json()["value"][0]["displayName"]


def test_sites_lists_and_items(graph: httpx.Client, auth: dict[str, str]) -> None:
    assert graph.get("/sites?search=market&$count=true", headers=auth).status_code == 400
    sites = graph.get("/sites?search=market&$count=true", headers={
        **auth, "ConsistencyLevel": "eventual"}).json()
    assert sites["@odata.count"] == 1 and sites["value"][0]["displayName"] == "Marketing"

    site = sites["value"][0]["id"]
    tracker = next(li for li in graph.get(f"/sites/{site}/lists", headers=auth).json()["value"]
                   if li["displayName"] == "Project tracker")
    items = f"/sites/{site}/lists/{tracker['id']}/items"
    assert "fields" not in graph.get(items, headers=auth).json()["value"][0]
    expanded = graph.get(items, headers=auth,
                         params={"$expand": "fields($select=Title,Status)"}).json()["value"][0]
    assert set(expanded["fields"]) == {"@odata.etag", "Title", "Status", "id"}


def test_the_directory_needs_eventual_consistency_to_count(graph: httpx.Client,
                                                          auth: dict[str, str]) -> None:
    users = graph.get("/users?$top=5", headers=auth).json()
    assert len(users["value"]) == 5 and "@odata.nextLink" in users
    assert graph.get("/users?$count=true", headers=auth).status_code == 400
    counted = graph.get("/users?$count=true", headers={**auth, "ConsistencyLevel": "eventual"})
    assert counted.json()["@odata.count"] >= 20


def test_data_is_deterministic_per_seed() -> None:
    def first_ids(seed: int) -> list[str]:
        with Emulator(seed=seed, messages_per_user=5) as other:
            token = device_sign_in(other, ["Mail.Read"])
            context = ssl.create_default_context(cafile=other.ca_path)
            with httpx.Client(verify=context, trust_env=False) as client:
                page = client.get(f"{other.graph_base}/me/messages", headers=bearer(token))
                return [m["id"] for m in page.json()["value"]]

    assert first_ids(7) == first_ids(7) != first_ids(8)
