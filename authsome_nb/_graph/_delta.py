"""One delta round: follow nextLinks to the deltaLink, applying each change to the rows.

Graph's delta query (https://learn.microsoft.com/en-us/graph/delta-query-overview) answers a
first round with every item of the collection, and a round started from the saved
``@odata.deltaLink`` with what changed since: new and changed items (directory objects may
carry only the changed properties, so a change is merged into the row, not substituted), and
``{"id": …, "@removed": {…}}`` for items deleted or moved away.  A round ends at the page with
an ``@odata.deltaLink``; a nextLink back to a page of the round is a loop, refused.

Where a collection's delta works and how it is spelled differ; :func:`delta_url` turns the
collection a user names (``/me/mailFolders/inbox/messages``) into its delta function.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import ConfigurationError, GraphError
from ._paging import GetJson, check_new_link
from ._progress import SILENT, Progress, Tally, progress_bar

#: what Graph says when a delta or skip token is no longer known: start a new round
#: (https://learn.microsoft.com/en-us/graph/delta-query-overview#synchronization-reset)
GONE_CODES = frozenset({"syncstatenotfound", "resyncrequired", "syncstateinvalid"})


@dataclass
class RoundResult:
    rows: dict[str, dict[str, Any]]  # by id, in the order Graph first gave them
    delta_link: str
    added: int = 0
    updated: int = 0
    removed: int = 0
    requests: int = 0


def delta_url(path: str) -> str:
    """The delta function of the collection ``path`` (a path ending in ``/delta`` is kept)."""
    bare, _, query = path.partition("?")
    bare = bare.rstrip("/")
    lowered = bare.lower()
    if lowered.endswith(("/delta", "/delta()")):
        return path
    if lowered.endswith("/messages") and "/mailfolders/" not in lowered:
        raise ConfigurationError(
            f"Graph tracks changes to mail one folder at a time, not for {bare}",
            remedy="sync a folder, e.g. /me/mailFolders/inbox/messages (or archive, sentitems, "
            "a folder id from /me/mailFolders)")
    return bare + "/delta" + ("?" + query if query else "")


def is_gone(error: GraphError) -> bool:
    """True when Graph no longer knows the round's token, and a new round is the answer."""
    return error.status == 410 or (error.code or "").lower() in GONE_CODES


def run_round(get_json: GetJson, url: str, rows: dict[str, dict[str, Any]], *,
              label: str = "Graph", progress: bool = True) -> RoundResult:
    """Fetch one round from ``url``, applying it to ``rows`` (changed in place)."""
    result = RoundResult(rows, "")
    seen = {url}
    bar: Progress = SILENT
    next_url = url
    try:
        while True:
            body = get_json(next_url, None)
            result.requests += 1
            value = body.get("value") if isinstance(body, dict) else None
            changes = value if isinstance(value, list) else []
            for item in changes:
                _apply(result, item)
            delta_link = body.get("@odata.deltaLink") if isinstance(body, dict) else None
            link = body.get("@odata.nextLink") if isinstance(body, dict) else None
            if link and not delta_link and bar is SILENT and progress:
                bar = progress_bar(Tally(label))
            bar.update(len(changes))
            if delta_link:
                result.delta_link = delta_link
                return result
            if not link:
                raise GraphError(
                    f"Graph ended the delta round of {label} without an @odata.deltaLink",
                    status=200, code="noDeltaLink",
                    remedy="this collection may not support delta queries; use .frame(path) "
                    "to read it whole")
            check_new_link(link, seen, label, result.requests, len(rows))
            next_url = link
    finally:
        bar.close()


def _apply(result: RoundResult, item: Any) -> None:
    if not isinstance(item, dict) or item.get("id") is None:
        return
    key = str(item["id"])
    rows = result.rows
    if "@removed" in item:
        if rows.pop(key, None) is not None:
            result.removed += 1
        return
    old = rows.get(key)
    if old is None:
        rows[key] = item
        result.added += 1
    else:
        rows[key] = {**old, **item}
        result.updated += 1
