"""``GraphClient.sync`` and ``forget``: a collection kept current with delta rounds.

The first ``sync(path)`` runs a full delta round and saves the deltaLink and the rows; each
later one, in this kernel or another, reads the saved state under its lock, asks Graph only
for what changed since, applies it and saves again — a re-run notebook costs one request,
not a mailbox.  ``reset=True`` starts over; a token Graph no longer knows (410 Gone,
``SyncStateNotFound``) starts over by itself.  The state is per connection *and* account,
path and query options (see :mod:`._sync_state`).

Directory objects are asked for ``Prefer: return=minimal``: a changed user then carries only
the properties that changed, which :mod:`._delta` merges into the row kept.  Rows come out in
Graph's order; for a mail folder that is newest first, also after new mail arrived in a later
round.  The result is a frame of the client's backend, or a Parquet file (``to=``).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import httpx

from ..errors import ConfigurationError, GraphError
from ._backends import builder, key_first
from ._delta import RoundResult, delta_url, is_gone, run_round
from ._options import plan
from ._page_sizes import family_of
from ._sync_state import SyncStates, names

if TYPE_CHECKING:
    import os

    from ._client import GraphClient
    from ._options import Plan

#: the property Graph orders a mail folder by, newest first (user-list-messages: "sorted by
#: receivedDateTime descending" unless $orderby says otherwise)
MAIL_ORDER = "receivedDateTime"


def run_sync(client: GraphClient, path: str, *, reset: bool, options: dict[str, Any],
             to: str | os.PathLike[str] | None = None, overwrite: bool = False) -> Any:
    """The current contents of ``path`` (see :meth:`GraphClient.sync`), or the rows written
    to ``to``."""
    delta = _plan(client, path, options)
    family = family_of(delta.url)
    mail = family.name == "Outlook mail delta"
    target = _destination(to, overwrite, delta) if to is not None else None
    result, attrs = _round(client, path, delta, reset=reset, ordered_by=mail)
    rows = list(result.rows.values())
    if mail:  # Graph's order for a folder: newest first, new mail included
        rows.sort(key=lambda row: row.get(MAIL_ORDER) or "", reverse=True)
    client.last_sync = attrs
    hidden = [MAIL_ORDER] if mail and delta.select and MAIL_ORDER not in delta.select else []
    if target is not None:
        return _write(rows, target, delta, attrs, hidden)
    backend = delta.backend or client.backend
    frames = builder(backend, delta.url, delta.select, delta.nested)
    frames.add(_without(rows, hidden))
    built = key_first(frames.build(), backend)
    if backend == "pandas":
        built.attrs["sync"] = attrs
    elif backend == "arrow":
        import json

        built = built.replace_schema_metadata({b"authsome_nb.sync": json.dumps(attrs)})
    return built


def _round(client: GraphClient, path: str, delta: Plan, *, reset: bool, ordered_by: bool,
           ) -> tuple[RoundResult, dict[str, Any]]:
    """One delta round from the saved state (or a first one), saved again; and its summary."""
    family = family_of(delta.url)
    page = delta.page_size or client.page_size or family.delta_page
    prefer = [f"odata.maxpagesize={page}"] if page else []
    if family.minimal_delta:
        prefer.append("return=minimal")  # changed properties only: merged into the rows kept
    headers = {"Prefer": ", ".join(prefer)} if prefer else {}

    def get_json(url: str, params: dict[str, str] | None) -> Any:
        return client._send("GET", url, params, headers=headers).json()

    show = client.progress if delta.progress is None else delta.progress
    label = _label(path)
    _, name = _names(client, delta)
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
            query = _with_order_property(delta) if ordered_by else delta.query
            first = str(httpx.URL(delta.url).copy_merge_params(query))
            result = run_round(get_json, first, {}, label=label, progress=show)
        saved.write({"delta_link": result.delta_link, "rows": list(result.rows.values()),
                     "synced_at": started, "path": delta.url})
    return result, {
        "path": path, "rows": len(result.rows), "first_round": state is None or restarted,
        "restarted": restarted, "added": result.added, "updated": result.updated,
        "removed": result.removed, "requests": result.requests,
    }


def _with_order_property(delta: Plan) -> dict[str, str]:
    """The first round's query, asking for ``receivedDateTime`` too when a ``$select`` left it
    out: the rows are put in Graph's order by it, and it is not shown."""
    query = dict(delta.query)
    if delta.select and MAIL_ORDER not in delta.select and "$select" in query:
        query["$select"] = query["$select"] + "," + MAIL_ORDER
    return query


def _without(rows: list[dict[str, Any]], hidden: list[str]) -> list[dict[str, Any]]:
    if not hidden:
        return rows
    return [{k: v for k, v in row.items() if k not in hidden} for row in rows]


def _destination(to: Any, overwrite: bool, delta: Plan) -> Any:
    from ._parquet import destination, metadata_of

    if delta.backend not in (None, "arrow"):
        raise ConfigurationError("sync(..., to=) writes Parquet: backend does not apply",
                                 remedy="leave backend out when you pass to=")
    wanted = delta.url.split("?", 1)[0]
    return destination(to, overwrite=overwrite,
                       ours=lambda path: metadata_of(path).get("sync") == wanted)


def _write(rows: list[dict[str, Any]], target: Any, delta: Plan, attrs: dict[str, Any],
           hidden: list[str]) -> int:
    """The synced rows into ``target`` (a chunk of rows per row group); the rows written."""
    from ._frames import CHUNK_ROWS
    from ._parquet import write_tables

    frames = builder("arrow", delta.url, delta.select, delta.nested)

    def tables() -> Any:
        for start in range(0, len(rows), CHUNK_ROWS):
            yield key_first(frames.table(_without(rows[start:start + CHUNK_ROWS], hidden)),
                            "arrow")

    return write_tables(target, tables(), lambda: frames.table([]),
                        {"sync": delta.url.split("?", 1)[0], "summary": attrs})


def forget(client: GraphClient, path: str, options: dict[str, Any]) -> int:
    """Remove the saved state of ``path`` (of these ``options`` only, if any are given)."""
    delta = _plan(client, path, options)
    prefix, name = _names(client, delta)
    chosen = {k for k in options if k not in ("progress", "page_size", "backend", "nested")}
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
    delta = plan(delta_url(path), client.api_base, options, call="sync")
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
