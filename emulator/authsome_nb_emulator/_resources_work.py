"""Graph resources beyond Outlook: OneDrive, To Do, Teams chats, joined teams, SharePoint
sites and lists, and the directory (``/users``).

Directory-style collections (``/users``, ``/sites``) want ``ConsistencyLevel: eventual`` for
``$count``/``$search`` as Graph does; list items only carry ``fields`` with
``$expand=fields``, as in SharePoint's Graph API.
"""

from __future__ import annotations

import re
import secrets
import uuid
from typing import TYPE_CHECKING, Any

from ._graph_common import (
    GraphCall,
    GraphResult,
    base_url,
    entity_response,
    error,
    list_response,
    not_found,
    route,
)
from ._odata import Collection, ODataError, Options, select
from ._synth_mail import iso

if TYPE_CHECKING:
    from ._state import EmulatorState

FILES = "Files.Read Files.ReadWrite Files.Read.All Files.ReadWrite.All"
TASKS_READ = "Tasks.Read Tasks.ReadWrite"
CHATS = "Chat.ReadBasic Chat.Read Chat.ReadWrite"
TEAMS = ("Team.ReadBasic.All TeamSettings.Read.All TeamSettings.ReadWrite.All Chat.ReadWrite "
         "User.Read.All User.ReadWrite.All Directory.Read.All Directory.ReadWrite.All")
SITES = "Sites.Read.All Sites.ReadWrite.All Sites.Manage.All Sites.FullControl.All"
USERS = ("User.ReadBasic.All User.Read.All User.ReadWrite.All Directory.Read.All "
         "Directory.ReadWrite.All")
_EXPAND_FIELDS = re.compile(r"^fields(?:\(\$select=([^)]*)\))?$", re.IGNORECASE)


# --- OneDrive ---
def get_drive(state: EmulatorState, call: GraphCall) -> GraphResult:
    drive = state.data.drive(call.me)
    return entity_response(call, drive.resource, f"{base_url(state)}/$metadata#drives/$entity",
                           "drive")


def drive_item(state: EmulatorState, call: GraphCall, item: str | None = None) -> GraphResult:
    drive = state.data.drive(call.me)
    found = drive.root if item is None else drive.item(item)
    if found is None:
        return not_found(call, code="itemNotFound")
    context = f"{base_url(state)}/$metadata#users('{call.me.oid}')/drive/items/$entity"
    return entity_response(call, found, context, "driveItem")


def drive_children(state: EmulatorState, call: GraphCall, item: str | None = None,
                   ) -> GraphResult:
    drive = state.data.drive(call.me)
    parent = drive.root if item is None else drive.item(item)
    if parent is None:
        return not_found(call, code="itemNotFound")
    where = "root" if item is None else f"items('{item}')"
    collection = Collection("driveItem",
                            f"{base_url(state)}/$metadata#users('{call.me.oid}')/drive/{where}"
                            "/children", default_top=200, max_top=1000,
                            searchable=(("name",),))
    return list_response(state, call, drive.children(parent["id"]), collection,
                         ("drive", call.me.oid, parent["id"]))


# --- To Do ---
def todo_lists(state: EmulatorState, call: GraphCall) -> GraphResult:
    lists, tasks = state.data.todo(call.me)
    context = f"{base_url(state)}/$metadata#users('{call.me.oid}')/todo/lists"
    if call.method == "POST":
        payload = call.json()
        if not isinstance(payload, dict) or not payload.get("displayName"):
            return error(400, "invalidRequest", "The displayName of the list is required.", call)
        new = {"@odata.etag": f'W/"{uuid.uuid4()}"', "displayName": payload["displayName"],
               "isOwner": True, "isShared": False, "wellknownListName": "none",
               "id": "AAMkAGI2" + uuid.uuid4().hex}
        with state.data.lock:
            lists.append(new)
            tasks[new["id"]] = []
            state.data.changed()
        return GraphResult(201, {"@odata.context": f"{context}/$entity", **new})
    return list_response(state, call, lists, Collection("todoTaskList", context),
                         ("todo", call.me.oid))


def todo_list(state: EmulatorState, call: GraphCall, list_id: str) -> GraphResult:
    lists, _ = state.data.todo(call.me)
    found = next((item for item in lists if item["id"] == list_id), None)
    if found is None:
        return not_found(call, code="ErrorItemNotFound")
    context = f"{base_url(state)}/$metadata#users('{call.me.oid}')/todo/lists/$entity"
    return entity_response(call, found, context, "todoTaskList")


def todo_tasks(state: EmulatorState, call: GraphCall, list_id: str) -> GraphResult:
    _, tasks = state.data.todo(call.me)
    if list_id not in tasks:
        return not_found(call, code="ErrorItemNotFound")
    context = (f"{base_url(state)}/$metadata#users('{call.me.oid}')/todo/lists('{list_id}')"
               "/tasks")
    if call.method == "POST":
        payload = call.json()
        if not isinstance(payload, dict) or not payload.get("title"):
            return error(400, "invalidRequest", "The title of the task is required.", call)
        stamp = iso(state.now())
        new = {"@odata.etag": f'W/"{uuid.uuid4()}"', "importance": "normal",
               "isReminderOn": False, "status": "notStarted", "title": payload["title"],
               "createdDateTime": stamp, "lastModifiedDateTime": stamp, "hasAttachments": False,
               "categories": [], "id": "AAMkAGI2" + secrets.token_hex(9),
               "body": {"content": "", "contentType": "text"}}
        new.update({k: v for k, v in payload.items() if k in (
            "importance", "status", "dueDateTime", "body", "categories", "isReminderOn")})
        with state.data.lock:
            tasks[list_id].insert(0, new)
            state.data.changed()
        return GraphResult(201, {"@odata.context": f"{context}/$entity", **new})
    return list_response(state, call, tasks[list_id], Collection("todoTask", context),
                         ("tasks", call.me.oid, list_id))


# --- Teams ---
def list_chats(state: EmulatorState, call: GraphCall) -> GraphResult:
    chats, _ = state.data.chats(call.me)
    collection = Collection("chat", f"{base_url(state)}/$metadata#chats", default_top=50,
                            max_top=50)
    return list_response(state, call, chats, collection, ("chats", call.me.oid))


def one_chat(state: EmulatorState, call: GraphCall, chat: str) -> GraphResult:
    chats, _ = state.data.chats(call.me)
    found = next((c for c in chats if c["id"] == chat), None)
    if found is None:
        return not_found(call, code="NotFound")
    return entity_response(call, found, f"{base_url(state)}/$metadata#chats/$entity", "chat")


def chat_messages(state: EmulatorState, call: GraphCall, chat: str) -> GraphResult:
    _, messages = state.data.chats(call.me)
    if chat not in messages:
        return not_found(call, code="NotFound")
    collection = Collection("chatMessage",
                            f"{base_url(state)}/$metadata#chats('{chat}')/messages",
                            default_top=50, max_top=50)
    return list_response(state, call, messages[chat], collection, ("chat", call.me.oid, chat))


def joined_teams(state: EmulatorState, call: GraphCall) -> GraphResult:
    teams = state.data.teams(call.me)
    collection = Collection("team", f"{base_url(state)}/$metadata#teams", default_top=1000)
    return list_response(state, call, teams, collection, ("teams", call.me.tenant_id))


# --- SharePoint ---
def list_sites(state: EmulatorState, call: GraphCall) -> GraphResult:
    sites, _, _ = state.data.sites(call.me)
    term = call.query.get("search")
    if term is not None and term.strip() not in ("", "*"):
        wanted = term.strip().strip('"').casefold()
        sites = [s for s in sites if any(wanted in str(s.get(k, "")).casefold()
                                         for k in ("displayName", "name", "description"))]
    collection = Collection("site", f"{base_url(state)}/$metadata#sites", default_top=100,
                            max_top=1000, directory=True)
    return list_response(state, call, sites, collection, ("sites", call.me.tenant_id, term))


def _site(state: EmulatorState, call: GraphCall, site: str) -> dict[str, Any] | None:
    sites, _, _ = state.data.sites(call.me)
    if site.lower() == "root":
        return sites[0] if sites else None
    return next((s for s in sites if s["id"].lower() == site.lower()
                 or s["id"].split(",")[1] == site.lower()), None)


def one_site(state: EmulatorState, call: GraphCall, site: str) -> GraphResult:
    found = _site(state, call, site)
    if found is None:
        return not_found(call, code="itemNotFound")
    return entity_response(call, found, f"{base_url(state)}/$metadata#sites/$entity", "site")


def site_lists(state: EmulatorState, call: GraphCall, site: str) -> GraphResult:
    found = _site(state, call, site)
    if found is None:
        return not_found(call, code="itemNotFound")
    _, lists, _ = state.data.sites(call.me)
    collection = Collection("list", f"{base_url(state)}/$metadata#sites('{found['id']}')/lists",
                            default_top=200)
    return list_response(state, call, lists[found["id"]], collection, ("lists", found["id"]))


def _top_level_split(text: str) -> list[str]:
    """``fields($select=a,b),x`` → ``["fields($select=a,b)", "x"]``."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def _with_fields(item: dict[str, Any], options: Options) -> dict[str, Any]:
    """Items carry ``fields`` only with ``$expand=fields`` (optionally ``($select=…)``)."""
    shaped = {k: v for k, v in item.items() if k != "fields"}
    for part in _top_level_split(options.expand or ""):
        match = _EXPAND_FIELDS.match(part.strip())
        if match:
            wanted = [f.strip() for f in (match.group(1) or "").split(",") if f.strip()]
            shaped["fields"] = select(item["fields"], wanted or None, "fieldValueSet")
    return shaped


def list_items(state: EmulatorState, call: GraphCall, site: str, list_id: str,
               item: str | None = None) -> GraphResult:
    found = _site(state, call, site)
    _, lists, items = state.data.sites(call.me)
    if found is None or not any(entry["id"] == list_id for entry in lists[found["id"]]):
        return not_found(call, code="itemNotFound")
    context = f"{base_url(state)}/$metadata#sites('{found['id']}')/lists('{list_id}')/items"
    if item is not None:
        entry = next((i for i in items[list_id] if i["id"] == item), None)
        if entry is None:
            return not_found(call, code="itemNotFound")
        shaped = _with_fields(entry, Options(expand=call.query.get("$expand")))
        return entity_response(call, shaped, f"{context}/$entity", "listItem")
    collection = Collection("listItem", context, default_top=200, max_top=5000,
                            shape=_with_fields)
    return list_response(state, call, items[list_id], collection, ("items", list_id))


# --- directory ---
def list_users(state: EmulatorState, call: GraphCall) -> GraphResult:
    collection = Collection("user", f"{base_url(state)}/$metadata#users", default_top=100,
                            max_top=999, directory=True,
                            searchable=(("displayName",), ("mail",), ("userPrincipalName",),
                                        ("givenName",), ("surname",)))
    return list_response(state, call, state.data.directory(call.me), collection,
                         ("users", call.me.tenant_id))


def one_user(state: EmulatorState, call: GraphCall, user: str) -> GraphResult:
    wanted = user.lower()
    found = next((u for u in state.data.directory(call.me)
                  if wanted in (u["id"].lower(), u["userPrincipalName"].lower())), None)
    if found is None:
        return not_found(call, user, code="Request_ResourceNotFound")
    return entity_response(call, found, f"{base_url(state)}/$metadata#users/$entity", "user")


def _unsupported_write(state: EmulatorState, call: GraphCall, **_: str) -> GraphResult:
    raise ODataError("The emulator does not implement this write operation.", "notSupported",
                     501)


ROUTES = [
    route("GET", r"/me/drive", get_drive, FILES, "accessDenied"),
    route("GET", r"/me/drive/root", drive_item, FILES, "accessDenied"),
    route("GET", r"/me/drive/items/(?P<item>[^/]+)", drive_item, FILES, "accessDenied"),
    route("GET", r"/me/drive/root/children", drive_children, FILES, "accessDenied"),
    route("GET", r"/me/drive/items/(?P<item>[^/]+)/children", drive_children, FILES,
          "accessDenied"),
    route("GET", r"/me/todo/lists", todo_lists, TASKS_READ),
    route("POST", r"/me/todo/lists", todo_lists, "Tasks.ReadWrite"),
    route("GET", r"/me/todo/lists/(?P<list_id>[^/]+)", todo_list, TASKS_READ),
    route("GET", r"/me/todo/lists/(?P<list_id>[^/]+)/tasks", todo_tasks, TASKS_READ),
    route("POST", r"/me/todo/lists/(?P<list_id>[^/]+)/tasks", todo_tasks, "Tasks.ReadWrite"),
    route("GET", r"/me/chats", list_chats, CHATS, "Forbidden"),
    route("GET", r"/(?:me/)?chats/(?P<chat>[^/]+)", one_chat, CHATS, "Forbidden"),
    route("GET", r"/(?:me/)?chats/(?P<chat>[^/]+)/messages", chat_messages,
          "Chat.Read Chat.ReadWrite", "Forbidden"),
    route("GET", r"/me/joinedTeams", joined_teams, TEAMS, "Forbidden"),
    route("GET", r"/sites", list_sites, SITES, "accessDenied"),
    route("GET", r"/sites/(?P<site>[^/]+)", one_site, SITES, "accessDenied"),
    route("GET", r"/sites/(?P<site>[^/]+)/lists", site_lists, SITES, "accessDenied"),
    route("GET", r"/sites/(?P<site>[^/]+)/lists/(?P<list_id>[^/]+)/items", list_items, SITES,
          "accessDenied"),
    route("GET", r"/sites/(?P<site>[^/]+)/lists/(?P<list_id>[^/]+)/items/(?P<item>[^/]+)",
          list_items, SITES, "accessDenied"),
    route("GET", r"/users", list_users, USERS, "Authorization_RequestDenied"),
    route("GET", r"/users/(?P<user>[^/]+)", one_user, USERS, "Authorization_RequestDenied"),
    route("POST PATCH PUT DELETE", r"/me/drive/.*", _unsupported_write, FILES),
]
