"""Delta query for the directory's users: a full round, then only what changed.

Modelled on Graph's ``user: delta`` (https://learn.microsoft.com/en-us/graph/api/user-delta) and
the delta query overview (https://learn.microsoft.com/en-us/graph/delta-query-overview):

* ``GET /users/delta`` starts a round: every user, with the round's ``$select`` (kept in the
  tokens, so nextLinks and deltaLinks carry no other option).  The last page has the
  ``@odata.deltaLink``.
* A round from a deltaLink returns the users added, changed or deleted since.  A deleted user is
  ``{"id": …, "@removed": {"reason": "changed"}}`` (soft-deleted, as Entra ID does first).
* A changed user carries, by default, every selected property, changed or not, except those
  never set; with the request header ``Prefer: return=minimal`` it carries **only the
  properties that changed** (a property set to null included), and a change to a property
  outside ``$select`` is not reported at all (user-delta, "Request headers" and "Optional query
  parameters").  Clients must therefore merge a change into the row they hold, not replace it.
* Directory pages are the service's choice (``odata.maxpagesize`` is not honoured for users).

``Emulator.change_directory()`` is the admin's hand between two rounds.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ._graph_common import GraphCall, GraphResult, base_url, link_origin, route
from ._jwt import b64url, b64url_decode
from ._odata import ODataError, check_select, select
from ._synth_mail import JOB_TITLES, OFFICES

if TYPE_CHECKING:
    from ._state import EmulatorState
    from ._users import User

PAGE = 100
_MINIMAL = re.compile(r"return\s*=\s*minimal", re.IGNORECASE)
_USER_TYPE = "#microsoft.graph.user"
USERS_READ = ("User.Read User.ReadWrite User.ReadBasic.All User.Read.All User.ReadWrite.All "
              "Directory.Read.All Directory.ReadWrite.All")


@dataclass
class DirectoryLog:
    """Every change to one tenant's users, numbered, for delta tokens."""

    generation: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    sequence: int = 0
    changes: list[tuple[int, str, frozenset[str] | None]] = field(default_factory=list)
    rounds: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # in progress

    def record(self, user_id: str, changed: frozenset[str] | None) -> None:
        """``changed``: the property names that changed; None: the user was deleted."""
        self.sequence += 1
        self.changes.append((self.sequence, user_id, changed))


def _log(state: EmulatorState, me: User) -> DirectoryLog:
    return state.data.cached("directory_log", me.tenant_id, DirectoryLog)


def _wants_minimal(call: GraphCall) -> bool:
    return _MINIMAL.search(call.headers.get("Prefer") or "") is not None


def users_delta(state: EmulatorState, call: GraphCall) -> GraphResult:
    query = {k.lower(): v for k, v in call.query.items()}
    log, users = _log(state, call.me), state.data.directory(call.me)
    with state.data.lock:
        if "$skiptoken" in query:
            round_id, offset = _decode(query["$skiptoken"], "$skiptoken", ("r", "o"))
            entries = log.rounds.get(str(round_id))
            if entries is None:
                raise ODataError("The $skiptoken is not valid.")
        else:
            if "$deltatoken" in query:
                generation, since, fields = _decode(query["$deltatoken"], "$deltatoken",
                                                    ("g", "s", "q"))
                if generation != log.generation:
                    raise ODataError("The $deltatoken is not valid.")
                entries = _changes(log, users, int(since), list(fields), _wants_minimal(call))
            else:
                fields = [s.strip() for s in query.get("$select", "").split(",") if s.strip()]
                check_select(fields, users, "user")
                entries = [_shaped(u, fields) for u in users]
            round_id, offset = uuid.uuid4().hex[:16], 0
            entries.append({"@resume": [log.generation, log.sequence, fields]})
            log.rounds[round_id] = entries
        page, rest = entries[offset:offset + PAGE], entries[offset + PAGE:]
    link = f"{link_origin(state)}/v1.0{call.link_path}"
    body: dict[str, Any] = {"@odata.context": f"{base_url(state)}/$metadata#users"}
    if rest:
        body["@odata.nextLink"] = f"{link}?$skiptoken={_encode(r=round_id, o=offset + PAGE)}"
    else:
        generation, sequence, fields = page.pop()["@resume"]
        token = _encode(g=generation, s=sequence, q=fields)
        body["@odata.deltaLink"] = f"{link}?$deltatoken={token}"
        with state.data.lock:
            log.rounds.pop(round_id, None)
    body["value"] = page
    applied = {"Preference-Applied": "return=minimal"} if _wants_minimal(call) else {}
    return GraphResult(200, body, applied)


def _changes(log: DirectoryLog, users: list[dict[str, Any]], since: int, fields: list[str],
             minimal: bool) -> list[dict[str, Any]]:
    """Each user changed after ``since`` once, in its final state (see the module docstring)."""
    changed: dict[str, set[str] | None] = {}
    for sequence, user_id, names in log.changes:
        if sequence <= since:
            continue
        if names is None or changed.get(user_id, set()) is None:
            changed[user_id] = None
        else:
            changed.setdefault(user_id, set()).update(names)  # type: ignore[union-attr]
    by_id = {u["id"]: u for u in users}
    wanted = {f.lower() for f in fields}
    entries: list[dict[str, Any]] = []
    for user_id, names in changed.items():
        current = by_id.get(user_id)
        if names is None or current is None:
            entries.append({"@odata.type": _USER_TYPE, "id": user_id,
                            "@removed": {"reason": "changed"}})
            continue
        tracked = {n for n in names if not wanted or n.lower() in wanted}
        if not tracked:
            continue  # only properties outside $select changed: not this round's business
        if minimal:
            entries.append({"@odata.type": _USER_TYPE, "id": user_id,
                            **{n: current.get(n) for n in sorted(tracked)}})
        else:
            entries.append({k: v for k, v in _shaped(current, fields).items() if v is not None})
    return entries


def _shaped(user: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    return {"@odata.type": _USER_TYPE, **select(user, fields or None, "user")}


def change_directory(state: EmulatorState, me: User, *, update: int = 0, delete: int = 0,
                     ) -> dict[str, list[str]]:
    """Give ``update`` colleagues of ``me``'s tenant a new job title and office, delete the
    ``delete`` next ones; returns their ids.  Signed-in users are never deleted."""
    if min(update, delete) < 0:
        raise ValueError("update and delete are counts (>= 0)")
    log, users = _log(state, me), state.data.directory(me)
    signed_in = {u.oid for u in state.directory.snapshot()}
    with state.data.lock:
        colleagues = [u for u in users if u["id"] not in signed_in]
        if update + delete > len(colleagues):
            raise ValueError(f"the directory holds {len(colleagues)} colleagues: cannot edit "
                             f"{update} and delete {delete}")
        edited, removed = colleagues[:update], colleagues[update:update + delete]
        for number, user in enumerate(edited):
            titles = [t for t in JOB_TITLES if t != user["jobTitle"]]
            user["jobTitle"] = titles[(log.sequence + number) % len(titles)]
            user["officeLocation"] = OFFICES[(log.sequence + number) % len(OFFICES)]
            log.record(user["id"], frozenset({"jobTitle", "officeLocation"}))
        for user in removed:
            users.remove(user)
            log.record(user["id"], None)
        state.data.changed()
    return {"updated": [u["id"] for u in edited], "deleted": [u["id"] for u in removed]}


def _encode(**values: Any) -> str:
    return quote(b64url(json.dumps(values).encode()))


def _decode(text: str, name: str, keys: tuple[str, ...]) -> tuple[Any, ...]:
    try:
        data = json.loads(b64url_decode(text))
        return tuple(data[key] for key in keys)
    except (ValueError, KeyError, TypeError):
        raise ODataError(f"The {name} is not valid.") from None


ROUTES = [route("GET", r"/users/delta(?:\(\))?", users_delta, USERS_READ,
                "Authorization_RequestDenied")]
