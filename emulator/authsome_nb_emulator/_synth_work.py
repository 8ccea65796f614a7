"""Deterministic OneDrive, To Do, Teams, SharePoint and directory data.

Like the mailbox, every collection is a pure function of (seed, user or tenant) with dates
before the fixed reference date, shaped like Graph v1.0's resources so client code (paging,
DataFrame building) meets what it will meet in production.
"""

from __future__ import annotations

import base64
import random
import uuid
from typing import Any

from ._synth_mail import (
    DAY,
    JOB_TITLES,
    REFERENCE_TIME,
    TOPICS,
    Person,
    graph_datetime,
    iso,
)
from ._users import User

_FOLDERS = ("Documents", "Pictures", "Desktop", "Notebooks", "Attachments", "Recordings",
            "Shared with team")
_VERBS = ("Follow up on", "Review", "Prepare", "Buy", "Email about")
_FILES = (("Budget FY27.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
          ("Quarterly review.pptx",
           "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
          ("Meeting notes.docx",
           "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
          ("export.csv", "text/csv"), ("Contract.pdf", "application/pdf"),
          ("diagram.png", "image/png"), ("README.md", "text/markdown"),
          ("analysis.ipynb", "application/x-ipynb+json"))


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _drive_id(rng: random.Random) -> str:
    return "b!" + base64.urlsafe_b64encode(rng.randbytes(48)).decode()


def _item_id(rng: random.Random) -> str:
    return "01" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(32))


def _identity(user: User) -> dict[str, Any]:
    return {"user": {"email": user.mail, "id": user.oid, "displayName": user.display_name}}


def drive(seed: int, user: User) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """The user's drive, its root folder, and every item in it (linked by parentReference.id)."""
    rng = random.Random(f"{seed}:drive:{user.oid}")
    drive_id = _drive_id(rng)
    drive_type = "personal" if user.is_personal else "business"
    root_id = _item_id(rng)
    site = (f"https://{user.domain.split('.')[0]}-my.sharepoint.com/personal/"
            f"{user.upn.replace('@', '_').replace('.', '_').lower()}")
    who = _identity(user)
    items: list[dict[str, Any]] = []

    def item(name: str, parent: str, path: str, *, folder: bool, mime: str = "") -> dict:
        created = REFERENCE_TIME - rng.randrange(5, 400) * DAY - rng.randrange(DAY)
        modified = min(REFERENCE_TIME, created + rng.randrange(0, 60) * DAY)
        entry: dict[str, Any] = {
            "createdDateTime": iso(created), "eTag": f'"{{{_guid(rng).upper()}}},1"',
            "id": _item_id(rng), "lastModifiedDateTime": iso(modified), "name": name,
            "webUrl": f"{site}/Documents{path}/{name}".replace(" ", "%20"),
            "cTag": f'"c:{{{_guid(rng).upper()}}},1"', "size": 0,
            "createdBy": who, "lastModifiedBy": who,
            "parentReference": {"driveType": drive_type, "driveId": drive_id, "id": parent,
                                "path": f"/drive/root:{path}"},
            "fileSystemInfo": {"createdDateTime": iso(created),
                               "lastModifiedDateTime": iso(modified)},
        }
        if folder:
            entry["folder"] = {"childCount": 0}
        else:
            entry["size"] = rng.randrange(2_000, 8_000_000)
            entry["file"] = {"mimeType": mime,
                             "hashes": {"quickXorHash": _guid(rng).replace("-", "")[:27] + "="}}
        items.append(entry)
        return entry

    for name in _FOLDERS:
        parent = item(name, root_id, "", folder=True)
        children = rng.randrange(3, 12)
        for k in range(children):
            base, mime = rng.choice(_FILES)
            stem, ext = base.rsplit(".", 1)
            item(f"{stem} {k + 1}.{ext}", parent["id"], f"/{name}", folder=False, mime=mime)
        parent["folder"] = {"childCount": children}
        parent["size"] = sum(i["size"] for i in items if i["parentReference"]["id"]
                             == parent["id"])
    for base, mime in _FILES:
        item(base, root_id, "", folder=False, mime=mime)
    resource = _drive_resource(drive_id, drive_type, site, who)
    return resource, _drive_root(resource, root_id, items), items


def _drive_resource(drive_id: str, drive_type: str, site: str,
                    who: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": drive_id, "driveType": drive_type, "name": "OneDrive", "webUrl": f"{site}/Documents",
        "createdDateTime": iso(REFERENCE_TIME - 700 * DAY), "description": "",
        "lastModifiedDateTime": iso(REFERENCE_TIME), "createdBy": who,
        "owner": who, "quota": {"deleted": 0, "remaining": 1099511627776 - 50_000_000,
                                "state": "normal", "total": 1099511627776, "used": 50_000_000},
    }


def _drive_root(resource: dict[str, Any], root_id: str,
                items: list[dict[str, Any]]) -> dict[str, Any]:
    """The root folder: its size and child count are those of the items right under it."""
    under = [i for i in items if i["parentReference"]["id"] == root_id]
    return {
        "createdDateTime": resource["createdDateTime"], "id": root_id,
        "lastModifiedDateTime": iso(REFERENCE_TIME), "name": "root",
        "webUrl": resource["webUrl"], "size": sum(i["size"] for i in under),
        "parentReference": {"driveType": resource["driveType"], "driveId": resource["id"]},
        "fileSystemInfo": {"createdDateTime": resource["createdDateTime"],
                           "lastModifiedDateTime": iso(REFERENCE_TIME)},
        "folder": {"childCount": len(under)},
        "root": {},
    }


def todo(seed: int, user: User) -> tuple[list[dict[str, Any]], dict[str, list[dict]]]:
    """To Do lists and the tasks of each list (keyed by list id)."""
    rng = random.Random(f"{seed}:todo:{user.oid}")
    specs = (("Tasks", "defaultList"), ("Flagged Emails", "flaggedEmails"), ("Groceries", "none"),
             ("Q4 planning", "none"))
    lists, tasks = [], {}
    for name, wellknown in specs:
        list_id = "AAMkAGI2" + _guid(rng).replace("-", "")
        lists.append({"@odata.etag": f'W/"{_guid(rng)}"', "displayName": name, "isOwner": True,
                      "isShared": False, "wellknownListName": wellknown, "id": list_id})
        tasks[list_id] = []
        for _ in range(rng.randrange(6, 20)):
            created = REFERENCE_TIME - rng.randrange(1, 120) * DAY - rng.randrange(DAY)
            status = rng.choice(("notStarted", "notStarted", "inProgress", "completed"))
            task = {
                "@odata.etag": f'W/"{_guid(rng)}"', "importance": rng.choice(("low", "normal",
                                                                             "normal", "high")),
                "isReminderOn": rng.random() < 0.3, "status": status,
                "title": f"{rng.choice(_VERBS)} {rng.choice(TOPICS)}",
                "createdDateTime": iso(created), "lastModifiedDateTime": iso(created + 3600),
                "hasAttachments": False, "categories": [], "id": "AAMkAGI2" + _guid(rng)[:18],
                "body": {"content": "", "contentType": "text"},
            }
            if rng.random() < 0.6:
                task["dueDateTime"] = {"dateTime": graph_datetime(created + rng.randrange(2, 40)
                                                                  * DAY), "timeZone": "UTC"}
            if status == "completed":
                task["completedDateTime"] = {"dateTime": graph_datetime(created + 2 * DAY),
                                             "timeZone": "UTC"}
            tasks[list_id].append(task)
    return lists, tasks


def chats(seed: int, user: User, people: list[Person],
          ) -> tuple[list[dict[str, Any]], dict[str, list[dict]]]:
    """Teams chats (newest first) and their messages (newest first), keyed by chat id."""
    if user.is_personal:
        return [], {}
    rng = random.Random(f"{seed}:chats:{user.oid}")
    out, messages = [], {}
    for n in range(8):
        kind = ("oneOnOne", "group", "meeting")[n % 3]
        members = rng.sample(people, 1 if kind == "oneOnOne" else rng.randrange(2, 6))
        chat_id = (f"19:{user.oid}_{members[0].oid}@unq.gbl.spaces" if kind == "oneOnOne"
                   else f"19:{uuid.UUID(int=rng.getrandbits(128)).hex}@thread.v2")
        created = REFERENCE_TIME - rng.randrange(30, 300) * DAY
        texts = []
        stamp = REFERENCE_TIME - rng.randrange(0, 20) * DAY - rng.randrange(DAY)
        for _ in range(rng.randrange(8, 25)):
            who = rng.choice(members + [None])
            sender = ({"id": user.oid, "displayName": user.display_name} if who is None
                      else {"id": who.oid, "displayName": who.display_name})
            texts.append({
                "id": str(stamp * 1000 + rng.randrange(1000)), "replyToId": None,
                "etag": str(stamp * 1000), "messageType": "message",
                "createdDateTime": iso(stamp), "lastModifiedDateTime": iso(stamp),
                "lastEditedDateTime": None, "deletedDateTime": None, "subject": None,
                "summary": None, "chatId": chat_id, "importance": "normal", "locale": "en-us",
                "webUrl": None, "channelIdentity": None, "policyViolation": None,
                "eventDetail": None,
                "from": {"application": None, "device": None,
                         "user": {"@odata.type": "#microsoft.graph.teamworkUserIdentity",
                                  "userIdentityType": "aadUser", "tenantId": user.tenant_id,
                                  **sender}},
                "body": {"contentType": "html",
                         "content": f"<p>About {rng.choice(TOPICS)}: sounds good.</p>"},
                "attachments": [], "mentions": [], "reactions": [],
            })
            stamp -= rng.randrange(600, 3 * DAY)
        last = texts[0]["createdDateTime"]
        out.append({
            "id": chat_id, "topic": None if kind == "oneOnOne" else f"{rng.choice(TOPICS)}",
            "createdDateTime": iso(created), "lastUpdatedDateTime": last, "chatType": kind,
            "webUrl": f"https://teams.microsoft.com/l/chat/{chat_id}/0?tenantId={user.tenant_id}",
            "tenantId": user.tenant_id, "onlineMeetingInfo": None,
            "viewpoint": {"isHidden": False, "lastMessageReadDateTime": last},
        })
        messages[chat_id] = texts
    out.sort(key=lambda c: c["lastUpdatedDateTime"], reverse=True)
    return out, messages


def teams(seed: int, user: User) -> list[dict[str, Any]]:
    if user.is_personal:
        return []
    rng = random.Random(f"{seed}:teams:{user.tenant_id}")
    names = ("Mark 8 Project Team", "Sales and Marketing", "Retail", "Digital Initiative",
             "U.S. Sales")
    return [{"id": _guid(rng), "displayName": name, "description": f"Welcome to the {name} team.",
             "isArchived": False, "tenantId": user.tenant_id, "classification": None,
             "specialization": None, "visibility": rng.choice(("private", "public")),
             "webUrl": None, "internalId": None, "createdDateTime": None,
             "isMembershipLimitedToOwners": None, "summary": None}
            for name in rng.sample(names, 4)]


def sites(seed: int, tenant_id: str, domain: str, people: list[Person],
          ) -> tuple[list[dict], dict[str, list[dict]], dict[str, list[dict]]]:
    """SharePoint sites, their lists (by site id) and list items (by list id)."""
    rng = random.Random(f"{seed}:sites:{tenant_id}")
    host = f"{domain.split('.')[0]}.sharepoint.com"
    names = ("Marketing", "Sales", "Engineering", "HR Policies", "Project Falcon", "Finance")
    site_list, lists, items = [], {}, {}
    for name in names:
        site_id = f"{host},{_guid(rng)},{_guid(rng)}"
        url = f"https://{host}/sites/{name.replace(' ', '')}"
        created = REFERENCE_TIME - rng.randrange(200, 900) * DAY
        site_list.append({
            "createdDateTime": iso(created), "description": f"The {name} site.", "id": site_id,
            "lastModifiedDateTime": iso(REFERENCE_TIME - rng.randrange(0, 30) * DAY),
            "name": name.replace(" ", ""), "webUrl": url, "displayName": name,
            "root": {}, "siteCollection": {"hostname": host},
        })
        lists[site_id] = []
        for list_name, template in (("Documents", "documentLibrary"),
                                    ("Project tracker", "genericList"),
                                    ("Issue tracker", "genericList")):
            list_id = _guid(rng)
            owner = rng.choice(people)
            lists[site_id].append({
                "@odata.etag": f'"{list_id},1"', "createdDateTime": iso(created),
                "description": "", "eTag": f'"{list_id},1"', "id": list_id,
                "lastModifiedDateTime": iso(REFERENCE_TIME - rng.randrange(0, 60) * DAY),
                "name": list_name.replace(" ", ""), "webUrl": f"{url}/Lists/{list_name}",
                "displayName": list_name,
                "createdBy": {"user": {"email": owner.address, "id": owner.oid,
                                       "displayName": owner.display_name}},
                "parentReference": {"siteId": site_id},
                "list": {"contentTypesEnabled": False, "hidden": False, "template": template},
            })
            items[list_id] = [_list_item(rng, n, list_id, site_id, url, list_name, people)
                              for n in range(1, rng.randrange(12, 40))]
    return site_list, lists, items


def _list_item(rng: random.Random, n: int, list_id: str, site_id: str, url: str, list_name: str,
               people: list[Person]) -> dict[str, Any]:
    created = REFERENCE_TIME - rng.randrange(1, 200) * DAY
    modified = created + rng.randrange(0, 30) * DAY
    author = rng.choice(people)
    etag = f'"{_guid(rng)},{rng.randrange(1, 9)}"'
    who = {"user": {"email": author.address, "id": author.oid, "displayName": author.display_name}}
    return {
        "@odata.etag": etag, "createdDateTime": iso(created), "eTag": etag, "id": str(n),
        "lastModifiedDateTime": iso(modified),
        "webUrl": f"{url}/Lists/{list_name.replace(' ', '')}/{n}_.000",
        "createdBy": who, "lastModifiedBy": who,
        "parentReference": {"id": list_id, "siteId": site_id},
        "contentType": {"id": "0x0100" + _guid(rng).replace("-", "").upper(), "name": "Item"},
        "fields": {
            "@odata.etag": etag, "Title": f"{rng.choice(TOPICS).capitalize()} #{n}",
            "Status": rng.choice(("Not started", "In progress", "Blocked", "Done")),
            "Priority": rng.choice(("Low", "Normal", "High")),
            "AssignedTo": author.display_name, "PercentComplete": rng.choice((0, 0.25, 0.5, 1)),
            "DueDate": iso(modified + rng.randrange(5, 60) * DAY),
            "Budget": rng.randrange(1, 200) * 500, "id": str(n), "ContentType": "Item",
            "Modified": iso(modified), "Created": iso(created), "AuthorLookupId": str(n + 10),
            "EditorLookupId": str(n + 10), "_UIVersionString": "1.0", "Attachments": False,
            "ItemChildCount": "0", "FolderChildCount": "0",
        },
    }


def directory_user(user: User | Person, *, seed: int) -> dict[str, Any]:
    """A ``microsoft.graph.user`` with the v1.0 default properties."""
    if isinstance(user, Person):
        first, _, last = user.display_name.partition(" ")
        return {"businessPhones": ["+1 425 555 0109"], "displayName": user.display_name,
                "givenName": first, "jobTitle": user.job_title, "mail": user.address,
                "mobilePhone": None, "officeLocation": user.office, "preferredLanguage": "en-US",
                "surname": last, "userPrincipalName": user.address, "id": user.oid}
    rng = random.Random(f"{seed}:profile:{user.oid}")
    return {"businessPhones": [] if user.is_personal else ["+1 412 555 0109"],
            "displayName": user.display_name, "givenName": user.given_name,
            "jobTitle": None if user.is_personal else rng.choice(JOB_TITLES),
            "mail": user.mail, "mobilePhone": None,
            "officeLocation": None if user.is_personal else f"{rng.randrange(10, 140)}/1104",
            "preferredLanguage": "en-US", "surname": user.surname,
            "userPrincipalName": user.upn, "id": user.oid}
