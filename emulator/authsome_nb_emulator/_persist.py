"""Keep sign-ins across restarts when the emulator has a state directory (the CLI's case).

Only what a client holds on to is saved: refresh tokens, consents, users added at run time and
extra redirect URIs.  Access tokens are not: after a restart clients refresh, as they would
after Microsoft rotated its keys.  The file is ``0600``; it holds emulator tokens, which
open nothing but this emulator.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ._tokens import RefreshGrant
from ._users import User

if TYPE_CHECKING:
    from ._state import EmulatorState

_FILE = "state.json"


def save(state: EmulatorState, directory: Path, initial_users: list[User]) -> None:
    with state.lock:
        added = [u for u in state.directory.snapshot() if u not in initial_users]
        data = {
            "version": 1,
            "users": [u.as_dict() for u in added],
            "redirect_uris": state.redirect_uris,
            "public_client_redirect_uris": state.public_client_redirect_uris,
            "consents": [{"client_id": c, "oid": o, "scopes": list(s.values())}
                         for (c, o), s in state.tokens.consents.items()],
            "refresh_tokens": [{"token": t, "oid": g.user.oid, "client_id": g.client_id,
                                "issued_at": g.issued_at, "last_used": g.last_used,
                                "revoked": g.revoked, "rotated": g.rotated,
                                "public_client": g.public_client}
                               for t, g in state.tokens.refresh.items()],
        }
    path = directory / _FILE
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh)
    os.replace(temporary, path)


def load(state: EmulatorState, directory: Path) -> None:
    path = directory / _FILE
    if not path.exists():
        return
    try:
        data = json.loads(path.read_text())
    except ValueError:
        return  # a damaged state file only costs a new sign-in
    with state.lock:
        for entry in data.get("users", []):
            try:
                state.directory.add(User(**entry))
            except (TypeError, ValueError):
                continue
        for uri in data.get("redirect_uris", []):
            if uri not in state.redirect_uris:
                state.redirect_uris.append(uri)
        for uri in data.get("public_client_redirect_uris", []):
            if uri not in state.public_client_redirect_uris:
                state.public_client_redirect_uris.append(uri)
        for entry in data.get("consents", []):
            state.tokens.consents[(entry["client_id"], entry["oid"])] = {
                s.lower(): s for s in entry["scopes"]}
        for entry in data.get("refresh_tokens", []):
            user = state.directory.by_oid(entry["oid"])
            if user is not None:
                state.tokens.refresh[entry["token"]] = RefreshGrant(
                    user, entry["client_id"], entry["issued_at"], entry["last_used"],
                    entry["revoked"], entry["rotated"], bool(entry.get("public_client")))
