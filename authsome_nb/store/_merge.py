"""A transaction's changes merged again onto a store another writer changed meanwhile.

The fence of a write across hosts: a writer whose lease lapsed (its process froze past the
lease's expiry) finds at commit that the store moved on from the version it read.  Writing
its copy would undo the other writer's work — a sign-in lost, or a rotated refresh token
replaced by the one it rotated away.  Instead its own changes (``ours`` against ``base``)
are applied to what is there now (``theirs``), connection by connection and field by field:

* a connection only one side changed takes that side's version;
* a connection either side removed (a sign-out) stays removed: a refresh never brings a
  signed-out connection back, and a sign-out is never undone;
* a connection both sides changed keeps the other side's fields and takes the fields we
  changed (a refresh's new tokens with their ``refresh_error`` cleared, say).
"""

from __future__ import annotations

import copy
from typing import Any

CONNECTIONS = "connections"


def merge_again(base: dict[str, Any], ours: dict[str, Any],
                theirs: dict[str, Any]) -> dict[str, Any]:
    """``theirs`` with the changes that turned ``base`` into ``ours`` (none of them mutated)."""
    merged = copy.deepcopy(theirs)
    for key in set(base) | set(ours):
        if key != CONNECTIONS and ours.get(key) != base.get(key):
            if key in ours:
                merged[key] = copy.deepcopy(ours[key])
            else:
                merged.pop(key, None)
    before, after = base.get(CONNECTIONS, {}), ours.get(CONNECTIONS, {})
    now = merged.setdefault(CONNECTIONS, {})
    for name in set(before) | set(after):
        mine, was = after.get(name), before.get(name)
        if mine == was:
            continue  # untouched by us: theirs stands
        if mine is None or (was is not None and name not in now):
            now.pop(name, None)  # signed out, on our side or on theirs
        elif was is None or now.get(name) in (None, was):
            now[name] = copy.deepcopy(mine)  # new here, or changed by us alone
        else:
            now[name] = _fields_again(was, mine, now[name])
    return merged


def _fields_again(base: dict[str, Any], ours: dict[str, Any],
                  theirs: dict[str, Any]) -> dict[str, Any]:
    """One connection both sides changed: theirs, with the fields we set or removed."""
    merged = dict(theirs)
    for field in set(base) | set(ours):
        if field in ours and ours[field] != base.get(field):
            merged[field] = copy.deepcopy(ours[field])
        elif field not in ours and field in base and theirs.get(field) == base[field]:
            merged.pop(field, None)  # we removed it; they left it as it was
    return merged
