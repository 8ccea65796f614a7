"""The Graph data of a running emulator: generated on first use, then kept and mutated.

Each user's collections are generated lazily (a benchmark may ask for 30,000 messages, most
tests never touch the calendar), cached, and changed in place by PATCH/POST/DELETE.  Derived
views (a filtered, sorted message list) are cached by query and data version, so paging
through 30,000 filtered messages sorts once, not once per page.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import _synth_mail as mail
from . import _synth_work as work
from ._users import Directory, User

_VIEWS = 16
_ENCODED = 250_000  # cached JSON of stored objects (every message of a large mailbox)


@dataclass(frozen=True)
class MessageChange:
    """One change to a message, for delta queries: which folder it left and which it is in."""

    sequence: int
    message_id: str
    left: str | None  # folder id before (None: it is new)
    entered: str | None  # folder id after (None: it was deleted)


@dataclass
class Mailbox:
    folders: list[dict[str, Any]]
    messages: list[dict[str, Any]]
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    size: int = 0
    # Change tracking: every add, edit, move and delete gets the next sequence number; delta
    # tokens name a sequence number and this mailbox's generation (a regenerated mailbox
    # refuses the tokens of the old one, as Graph does after a reset).
    generation: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    sequence: int = 0
    changes: list[MessageChange] = field(default_factory=list)
    # ``expire_delta_tokens()`` starts a new epoch: tokens of an older one are gone (410), the
    # tokens of rounds started after it work, whether or not the mailbox changed meanwhile.
    delta_epoch: int = 0
    rounds: OrderedDict[str, Any] = field(default_factory=OrderedDict)  # delta rounds in progress

    def folder(self, key: str) -> dict[str, Any] | None:
        lowered = key.lower()
        return next((f for f in self.folders
                     if f["id"] == key or f["wellKnownName"] == lowered), None)

    def record(self, message_id: str, left: str | None, entered: str | None) -> None:
        """Note a change (call with the data lock held)."""
        self.sequence += 1
        self.changes.append(MessageChange(self.sequence, message_id, left, entered))


@dataclass
class Drive:
    resource: dict[str, Any]
    root: dict[str, Any]
    items: list[dict[str, Any]]

    def item(self, item_id: str) -> dict[str, Any] | None:
        if item_id == self.root["id"]:
            return self.root
        return next((i for i in self.items if i["id"] == item_id), None)

    def children(self, parent_id: str) -> list[dict[str, Any]]:
        return [i for i in self.items if i["parentReference"]["id"] == parent_id]


class DataStore:
    def __init__(self, *, seed: int, messages_per_user: Callable[[], int],
                 directory: Directory) -> None:
        self.seed = seed
        self._messages_per_user = messages_per_user
        self._directory = directory
        self.lock = threading.RLock()
        self.version = 0
        self._cache: dict[tuple[str, str], Any] = {}
        self._views: OrderedDict[tuple[Any, ...], list[dict[str, Any]]] = OrderedDict()
        self._encoded: dict[int, tuple[dict[str, Any], bytes]] = {}

    def _get(self, kind: str, key: str, make: Callable[[], Any]) -> Any:
        with self.lock:
            if (kind, key) not in self._cache:
                self._cache[(kind, key)] = make()
            return self._cache[(kind, key)]

    def cached(self, kind: str, key: str, make: Callable[[], Any]) -> Any:
        """The ``kind`` of data for ``key`` (a user's oid, a tenant id), made once by ``make``."""
        return self._get(kind, key, make)

    def changed(self) -> None:
        """Call after any mutation: cached views of the data are stale."""
        with self.lock:
            self.version += 1
            self._views.clear()
            self._encoded.clear()

    def encoded(self, item: dict[str, Any]) -> bytes:
        """The JSON of a stored object, kept until the data changes: a page of 1000 messages
        is then a join of cached bytes (~1 ms) rather than a fresh ``json.dumps`` (~80 ms),
        so the emulator is never what a client benchmark measures."""
        hit = self._encoded.get(id(item))
        if hit is not None and hit[0] is item:
            return hit[1]
        version = self.version
        raw = json.dumps(item, separators=(",", ":")).encode()
        with self.lock:  # not kept if a change happened meanwhile (it may have been half seen)
            if self.version == version and len(self._encoded) < _ENCODED:
                self._encoded[id(item)] = (item, raw)
        return raw

    def view(self, key: tuple[Any, ...], compute: Callable[[], list[dict[str, Any]]],
             ) -> list[dict[str, Any]]:
        """A derived list (filtered, searched, sorted) cached for paging through it."""
        full_key = (self.version, *key)
        with self.lock:
            hit = self._views.get(full_key)
            if hit is not None:
                self._views.move_to_end(full_key)
                return hit
        result = compute()
        with self.lock:
            self._views[full_key] = result
            while len(self._views) > _VIEWS:
                self._views.popitem(last=False)
        return result

    # --- people ---
    def people(self, user: User) -> list[mail.Person]:
        domain = "outlook.example" if user.is_personal else user.domain
        return self._get("people", domain,
                         lambda: mail.colleagues(self.seed, domain, user.is_personal))

    def directory(self, user: User) -> list[dict[str, Any]]:
        """The caller's organisation: its sign-in users, then generated colleagues."""
        def make() -> list[dict[str, Any]]:
            members = [u for u in self._directory.snapshot()
                       if u.tenant_id == user.tenant_id and not u.is_personal]
            entries = [work.directory_user(u, seed=self.seed) for u in members]
            if not user.is_personal:
                entries += [work.directory_user(p, seed=self.seed) for p in self.people(user)]
            return entries
        return self._get("directory", user.tenant_id, make)

    # --- Outlook ---
    def mailbox(self, user: User) -> Mailbox:
        wanted = self._messages_per_user()
        with self.lock:
            box = self._cache.get(("mailbox", user.oid))
            if box is None or box.size != wanted:
                folders = mail.folders(user)
                ids = {f["wellKnownName"]: f["id"] for f in folders}
                messages = mail.messages(self.seed, user, wanted, self.people(user), ids)
                box = Mailbox(folders, messages, {m["id"]: m for m in messages}, wanted)
                self._cache[("mailbox", user.oid)] = box
                self.changed()
            return box

    def events(self, user: User) -> list[dict[str, Any]]:
        return self._get("events", user.oid,
                         lambda: mail.events(self.seed, user, self.people(user)))

    # --- OneDrive, To Do, Teams, SharePoint ---
    def drive(self, user: User) -> Drive:
        return self._get("drive", user.oid, lambda: Drive(*work.drive(self.seed, user)))

    def todo(self, user: User) -> tuple[list[dict], dict[str, list[dict]]]:
        return self._get("todo", user.oid, lambda: work.todo(self.seed, user))

    def chats(self, user: User) -> tuple[list[dict], dict[str, list[dict]]]:
        return self._get("chats", user.oid,
                         lambda: work.chats(self.seed, user, self.people(user)))

    def teams(self, user: User) -> list[dict[str, Any]]:
        return self._get("teams", user.tenant_id, lambda: work.teams(self.seed, user))

    def sites(self, user: User) -> tuple[list[dict], dict[str, list[dict]], dict[str, list[dict]]]:
        if user.is_personal:
            return [], {}, {}
        return self._get("sites", user.tenant_id,
                         lambda: work.sites(self.seed, user.tenant_id, user.domain,
                                            self.people(user)))
