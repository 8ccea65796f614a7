"""Delta query for the messages of a mail folder: a full round, then only what changed.

Modelled on Graph's ``message: delta`` (https://learn.microsoft.com/en-us/graph/api/message-delta
and https://learn.microsoft.com/en-us/graph/delta-query-messages):

* ``GET /me/mailFolders/{id}/messages/delta`` starts a round; every page but the last carries
  an ``@odata.nextLink`` with an opaque ``$skiptoken``, the last an ``@odata.deltaLink`` with
  a ``$deltatoken``.  The query options of the first request (``$select``, ``$filter``,
  ``$orderby``, ``changeType``) are encoded in those tokens, so the links carry no other option.
* Following a deltaLink returns what changed since: added and updated messages in full (with
  the round's ``$select``), deleted ones, and ones moved out of the folder, as
  ``{"id": …, "@removed": {"reason": "deleted"}}``.
* ``Prefer: odata.maxpagesize=N`` sets the page size (answered with ``Preference-Applied``);
  ``$top`` works too.  Graph caps the preference silently; the emulator caps it at 1000 (the
  ``$top`` limit of mail) because the delta pages document no bound of their own.
* ``$filter`` takes only ``receivedDateTime ge|gt {value}``, ``$orderby`` only
  ``receivedDateTime desc``, ``$search`` not at all: anything else is a 400, as documented.
* ``/me/messages/delta`` is refused: change tracking is per folder.
* A token the mailbox no longer knows (``Emulator.expire_delta_tokens()``, or a mailbox that was
  regenerated) is ``410 Gone`` with ``SyncStateNotFound``: the client must start a new round
  (https://learn.microsoft.com/en-us/graph/delta-query-overview#synchronization-reset).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ._data import Mailbox
from ._filter import FilterError, compile_filter
from ._graph_common import GraphCall, GraphResult, base_url, error, link_origin, not_found
from ._jwt import b64url, b64url_decode
from ._odata import ODataError, check_select, select

if TYPE_CHECKING:
    from ._state import EmulatorState

DEFAULT_PAGE = 10
MAX_PAGE = 1000
KEPT_ROUNDS = 64
_MAXPAGESIZE = re.compile(r"odata\.maxpagesize\s*=\s*(\d+)", re.IGNORECASE)
_FILTER = re.compile(r"^\s*receivedDateTime\s+(ge|gt)\s+\S+\s*$", re.IGNORECASE)
_ORDERBY = re.compile(r"^\s*receivedDateTime\s+desc\s*$", re.IGNORECASE)
_CHANGE_TYPES = ("created", "updated", "deleted")
_KNOWN = {"$select", "$filter", "$orderby", "$top", "$expand", "$skiptoken", "$deltatoken",
          "changetype"}
_MESSAGE_TYPE = "#microsoft.graph.message"
_GONE = ("The sync state generation is not found. The delta token is expired and data must be "
         "synchronized again.")


@dataclass
class Round:
    """A round in progress: what it returns, in order, and where its deltaLink resumes."""

    folder_id: str
    entries: list[tuple[str, bool]]  # (message id, removed)
    resume_at: int  # the mailbox sequence number the round's deltaLink continues from
    options: dict[str, Any]


def message_delta(state: EmulatorState, call: GraphCall, folder: str | None = None,
                  ) -> GraphResult:
    if folder is None:
        return error(400, "BadRequest", "Unsupported request: Change tracking is not supported "
                     "against 'microsoft.graph.message'.", call)
    box = state.data.mailbox(call.me)
    found = box.folder(folder)
    if found is None:
        return not_found(call)
    query = {k.lower(): v for k, v in call.query.items()}
    unknown = [k for k in query if k.startswith("$") and k not in _KNOWN]
    if "$search" in query:
        raise ODataError("$search is not supported on delta queries.")
    if unknown:
        raise ODataError(f"Query option '{unknown[0]}' is not allowed.")
    size, applied = _page_size(call, query)
    with state.data.lock:
        if "$skiptoken" in query:
            round_id, offset = _skip_token(query["$skiptoken"])
            current = box.rounds.get(round_id)
            if current is None or current.folder_id != found["id"]:
                return _gone(call)
        else:
            if "$deltatoken" in query:
                options, since = _delta_token(query["$deltatoken"], box, found["id"])
                if since is None:
                    return _gone(call)
                entries = _changes(box, found["id"], since, options)
            else:
                options = _options(query, box, found["id"])
                entries = _full(box, found["id"], options)
            current = Round(found["id"], entries, box.sequence, options)
            round_id, offset = secrets.token_hex(8), 0
            box.rounds[round_id] = current
            while len(box.rounds) > KEPT_ROUNDS:
                box.rounds.popitem(last=False)
        chunk = current.entries[offset:offset + size]
        value = [_entry(box, message_id, removed, current.options)
                 for message_id, removed in chunk]
    body: dict[str, Any] = {"@odata.context": f"{base_url(state)}/$metadata#Collection(message)"}
    link = f"{link_origin(state)}/v1.0{call.link_path}"
    if offset + size < len(current.entries):
        token = b64url(json.dumps({"r": round_id, "o": offset + size}).encode())
        body["@odata.nextLink"] = f"{link}?$skiptoken={quote(token)}"
    else:
        token = b64url(json.dumps({"g": box.generation, "e": box.delta_epoch,
                                   "f": current.folder_id, "s": current.resume_at,
                                   "q": current.options}).encode())
        body["@odata.deltaLink"] = f"{link}?$deltatoken={quote(token)}"
        with state.data.lock:
            box.rounds.pop(round_id, None)
    body["value"] = [v for v in value if v is not None]
    headers = {"Preference-Applied": f"odata.maxpagesize={size}"} if applied else {}
    return GraphResult(200, body, headers)


def _page_size(call: GraphCall, query: dict[str, str]) -> tuple[int, bool]:
    found = _MAXPAGESIZE.search(call.headers.get("Prefer") or "")
    if found:
        return max(1, min(int(found.group(1)), MAX_PAGE)), True
    if "$top" in query:
        try:
            top = int(query["$top"])
        except ValueError:
            raise ODataError(f"Invalid value '{query['$top']}' for query option '$top'.") from None
        if not 1 <= top <= MAX_PAGE:
            raise ODataError(f"The limit of '{MAX_PAGE}' for the $top query option has been "
                             f"exceeded. The value from the incoming request is '{top}'.")
        return top, False
    return DEFAULT_PAGE, False


def _options(query: dict[str, str], box: Mailbox, folder_id: str) -> dict[str, Any]:
    fields = [s.strip() for s in query.get("$select", "").split(",") if s.strip()]
    if fields:
        check_select(fields, [m for m in box.messages if m["parentFolderId"] == folder_id][:50],
                     "message")
    text = query.get("$filter") or None
    if text is not None and not _FILTER.match(text):
        raise ODataError("The only supported $filter on messages delta is "
                         "'receivedDateTime ge|gt {value}'.")
    if text is not None:
        try:
            compile_filter(text)
        except FilterError as exc:
            raise ODataError(f"Invalid filter clause: {exc}") from None
    order = query.get("$orderby") or None
    if order is not None and not _ORDERBY.match(order):
        raise ODataError("The only supported $orderby on messages delta is "
                         "'receivedDateTime desc'.")
    change_type = query.get("changetype") or None
    if change_type is not None and change_type.lower() not in _CHANGE_TYPES:
        raise ODataError(f"Invalid changeType '{change_type}': use created, updated or deleted.")
    return {"select": fields, "filter": text, "newest_first": order is not None,
            "change_type": change_type.lower() if change_type else None}


def _matcher(options: dict[str, Any]) -> Callable[[dict[str, Any]], bool]:
    return compile_filter(options["filter"]) if options["filter"] else lambda message: True


def _full(box: Mailbox, folder_id: str, options: dict[str, Any]) -> list[tuple[str, bool]]:
    matches = _matcher(options)
    inside = [m for m in box.messages if m["parentFolderId"] == folder_id and matches(m)]
    if options["newest_first"]:
        inside.sort(key=lambda m: m["receivedDateTime"], reverse=True)
    return [(m["id"], False) for m in inside]


def _changes(box: Mailbox, folder_id: str, since: int, options: dict[str, Any],
             ) -> list[tuple[str, bool]]:
    """What changed in the folder after ``since``: each message once, in its final state."""
    touched: dict[str, tuple[bool, bool]] = {}  # id -> (was in the folder at since, relevant)
    for change in box.changes:
        if change.sequence <= since:
            continue
        # The first change after ``since`` tells where the message was when the client
        # last synced; any change into or out of the folder makes it the folder's business.
        was_here, relevant = touched.get(change.message_id, (change.left == folder_id, False))
        touched[change.message_id] = (was_here,
                                      relevant or folder_id in (change.left, change.entered))
    entries: list[tuple[str, bool]] = []
    wanted, matches = options["change_type"], _matcher(options)
    for message_id, (was_here, relevant) in touched.items():
        if not relevant:
            continue
        message = box.by_id.get(message_id)
        here = message is not None and message["parentFolderId"] == folder_id
        kind = ("updated" if was_here else "created") if here else "deleted"
        if wanted is not None and kind != wanted:
            continue
        if here and message is not None and not matches(message):
            continue
        entries.append((message_id, not here))
    return entries


def _entry(box: Mailbox, message_id: str, removed: bool, options: dict[str, Any],
           ) -> dict[str, Any] | None:
    if removed:
        return {"@odata.type": _MESSAGE_TYPE, "id": message_id, "@removed": {"reason": "deleted"}}
    message = box.by_id.get(message_id)
    if message is None:
        return None  # deleted while the round was being read: the next round reports it
    return {"@odata.type": _MESSAGE_TYPE, **select(message, options["select"], "message")}


def _skip_token(text: str) -> tuple[str, int]:
    try:
        data = json.loads(b64url_decode(text))
        return str(data["r"]), int(data["o"])
    except (ValueError, KeyError, TypeError):
        raise ODataError("The $skiptoken is not valid.") from None


def _delta_token(text: str, box: Mailbox, folder_id: str,
                 ) -> tuple[dict[str, Any], int | None]:
    """The round's options and the sequence number it resumes from (None: gone)."""
    try:
        data = json.loads(b64url_decode(text))
        options, since = dict(data["q"]), int(data["s"])
        generation, epoch, folder = str(data["g"]), int(data["e"]), str(data["f"])
    except (ValueError, KeyError, TypeError):
        raise ODataError("The $deltatoken is not valid.") from None
    if generation != box.generation or epoch != box.delta_epoch or folder != folder_id:
        return options, None
    return options, since


def _gone(call: GraphCall) -> GraphResult:
    return error(410, "SyncStateNotFound", _GONE, call)
