"""``GraphClient.sync`` and ``forget``: a collection kept current with delta rounds.

The first ``sync(path)`` runs a full delta round and saves the deltaLink and the rows; each
later one, in this kernel or another, reads the saved state under its lock, asks Graph only
for what changed since, applies it and saves again — a re-run notebook costs one request,
not a mailbox.  ``reset=True`` starts over; a token Graph no longer knows (410 Gone,
``SyncStateNotFound``) starts over by itself.  The state is per connection *and* account,
path and query options (see :mod:`._sync_state`).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import httpx

from ..errors import ConfigurationError, GraphError
from ._delta import RoundResult, delta_url, is_gone, run_round
from ._frames import FrameBuilder
from ._options import plan
from ._page_sizes import family_of
from ._sync_state import SyncStates, names

if TYPE_CHECKING:
    from ._client import GraphClient
    from ._options import Plan


def run_sync(client: GraphClient, path: str, *, reset: bool, options: dict[str, Any]):
    """The frame of ``path``'s current contents; see :meth:`GraphClient.sync`."""
    delta = _plan(client, path, options)
    page = delta.page_size or client.page_size or family_of(delta.url).delta_page
    headers = {"Prefer": f"odata.maxpagesize={page}"} if page else {}

    def get_json(url: str, params: dict[str, str] | None) -> Any:
        return client._send("GET", url, params, headers=headers).json()

    show = client.progress if delta.progress is None else delta.progress
    label = _label(path)
    prefix, name = _names(client, delta)
    started = time.time()
    with SyncStates(client.session.store).open(name) as saved:
        state = None if reset else saved.read()
        restarted = False
        result: RoundResult | None = None
        if state is not None:
            rows = {str(row["id"]): row for row in state["rows"]}
            try:
                result = run_round(get_json, state["delta_link"], rows, label=label,
                                   progress=show)
            except GraphError as exc:
                if not is_gone(exc):
                    raise
                restarted = True
        if result is None:
            first = str(httpx.URL(delta.url).copy_merge_params(delta.query))
            result = run_round(get_json, first, {}, label=label, progress=show)
        saved.write({"delta_link": result.delta_link, "rows": list(result.rows.values()),
                     "synced_at": started, "path": delta.url})
    builder = FrameBuilder(delta.select)
    builder.add(result.rows.values())
    built = builder.build()
    if "id" in built.columns:  # the key of the synced rows comes first
        built = built[["id", *(c for c in built.columns if c != "id")]]
    built.attrs["sync"] = {
        "path": path, "rows": len(result.rows), "first_round": state is None or restarted,
        "restarted": restarted, "added": result.added, "updated": result.updated,
        "removed": result.removed, "requests": result.requests,
    }
    return built


def forget(client: GraphClient, path: str, options: dict[str, Any]) -> int:
    """Remove the saved state of ``path`` (of these ``options`` only, if any are given)."""
    delta = _plan(client, path, options)
    prefix, name = _names(client, delta)
    chosen = {k for k in options if k not in ("progress", "page_size")}
    return SyncStates(client.session.store).forget(prefix, name if chosen else None)


def summary(attrs: dict[str, Any]) -> str:
    """One line for people: what the sync did."""
    requests = f"{attrs['requests']} request{'s' if attrs['requests'] != 1 else ''}"
    if attrs["first_round"]:
        why = " (Graph had forgotten the last round)" if attrs["restarted"] else ""
        return (f"Synced {attrs['path']}: {attrs['rows']} items in a first full round{why} "
                f"({requests})")
    return (f"Synced {attrs['path']}: {attrs['added']} added, {attrs['updated']} updated, "
            f"{attrs['removed']} removed ({requests}); {attrs['rows']} items")


def _plan(client: GraphClient, path: str, options: dict[str, Any]) -> Plan:
    unknown = {"top", "max_items"} & set(options)
    if unknown:
        raise ConfigurationError(
            f"sync() keeps the whole collection; {', '.join(sorted(unknown))} does not apply",
            remedy="filter the frame it returns (frame.head(n)), or use .frame(path, top=n)")
    delta = plan(delta_url(path), client.api_base, options)
    if delta.rows is not None:
        raise ConfigurationError("a $top in the path does not apply to sync()",
                                 remedy="leave $top out; page_size= sets the page size")
    return delta


def _names(client: GraphClient, delta: Plan) -> tuple[str, str]:
    account = client.session.get(client.provider.name, client.connection).username
    in_url = dict(httpx.URL(delta.url).params)
    identity = {"provider": client.provider.name, "connection": client.connection,
                "account": account, "url": delta.url.split("?", 1)[0]}
    options = sorted({**in_url, **delta.query}.items())
    return names(identity, {"query": options})


def _label(path: str) -> str:
    from ._client import _short

    return _short(path)
