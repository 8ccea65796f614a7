"""Large Outlook collections, several pages in flight — within Outlook's limit, rows in order.

Outlook lists (messages, events, contacts) take ``$skip`` and ``$count=true``: the first page
asks for ``@odata.count``, and the remaining pages are then known in advance
(``$skip=1000&$top=1000``, ``$skip=2000``…), so they can be asked for side by side instead of
waiting for each ``@odata.nextLink``.  Outlook refuses a fifth request in flight against one
mailbox (429 ``MailboxConcurrency``,
https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits), whichever
process sends it: a listing uses at most ``concurrency`` workers (4 by default), and every
Outlook request of a connection passes one gate of that size shared by all the user's kernels
on this host (slot files under ``$AUTHSOME_NB_HOME/gates/``), so two listings at once, in one
kernel or in two, stay within it too.  Kernels on two hosts sharing a home each have their own
gate (``flock`` does not cross hosts): Outlook's 429 for the excess is retried after its
``Retry-After``, so rows are neither lost nor repeated.

Rows come out in Graph's order, each once: pages are yielded in offset order, and an id already
seen (mail that arrived during the listing shifts the offsets) is skipped.  A page still carrying
a nextLink at the end (the collection grew) is followed sequentially.  Without a count, paging
falls back to nextLinks.  Throttled requests are retried by the client's auth flow, page by
page, so a retry neither loses nor repeats a row.
"""

from __future__ import annotations

import hashlib
import threading
from collections import deque
from collections.abc import Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing, suppress
from pathlib import Path
from typing import Any

from .._home import ensure_private_dir
from ..errors import AuthsomeError
from ..store import InterProcessSlots
from ._paging import GetJson, Page, is_collection, iterate_pages, odata_count
from ._progress import SILENT, Progress, Tally, progress_bar

DEFAULT_CONCURRENCY = 4  # Outlook's requests in flight per mailbox
GATES_DIR = "gates"
_gates: dict[tuple[Any, ...], InterProcessSlots] = {}
_gates_lock = threading.Lock()


def mailbox_gate(home: Path, provider: str, connection: str, size: int) -> InterProcessSlots:
    """The gate of one connection's mailbox, of ``size`` slots, shared by the user's kernels.

    Made once per process; its slot files are named by a hash of the connection, so a kernel
    asking for fewer slots (``concurrency=2``) shares the first ones with the others.
    """
    key = (str(home), provider, connection, size)
    with _gates_lock:
        gate = _gates.get(key)
        if gate is None:
            folder = home / GATES_DIR
            with suppress(AuthsomeError):  # no shared slots then: this process keeps to size
                ensure_private_dir(folder, within=home)
            name = hashlib.sha256(f"{provider}/{connection}".encode()).hexdigest()[:16]
            gate = _gates[key] = InterProcessSlots(folder, name, size)
        return gate


def parallel_pages(get_json: GetJson, url: str, query: dict[str, str], *, page: int,
                   rows: int | None, concurrency: int, label: str = "Graph",
                   progress: bool = True) -> Iterator[Page]:
    """The pages of ``url``: the first with ``$count``, then the rest by ``$skip``, in order."""
    if rows is not None and rows <= 0:
        return
    first_size = page if rows is None else min(page, rows)
    body = get_json(url, {**query, "$top": str(first_size), "$count": "true"})
    if not is_collection(body):
        yield Page([body] if body is not None else [], is_collection=False)
        return
    count = odata_count(body)
    link = body.get("@odata.nextLink")
    items = body["value"][:first_size]
    seen = {item.get("id") for item in items}
    target = (count if rows is None else min(count, rows)) if count is not None else None
    more = link is not None and (rows is None or len(items) < rows)
    bar: Progress = SILENT
    try:
        if more and progress:
            bar = progress_bar(Tally(label, count, rows))
        bar.update(len(items))
        yield Page(items, is_collection=True)
        fetched = len(items)
        if not more:
            return
        if target is None:  # no count: one nextLink after another
            yield from _follow(get_json, link, None if rows is None else rows - fetched, seen, bar)
            return
        grown = None
        # closing(): a caller that stops early (pages().close()) cancels the pages not yet asked
        with closing(_side_by_side(get_json, url, query, page, first_size, target,
                                   concurrency)) as later_pages:
            for items, body in later_pages:
                fresh = _unseen(items, seen)[: None if rows is None else rows - fetched]
                fetched += len(fresh)
                grown = body.get("@odata.nextLink") if isinstance(body, dict) else None
                bar.update(len(fresh))
                yield Page(fresh, is_collection=True)
        if grown and (rows is None or fetched < rows):  # the collection grew meanwhile
            yield from _follow(get_json, grown, None if rows is None else rows - fetched, seen,
                               bar)
    finally:
        bar.close()


def _side_by_side(get_json: GetJson, url: str, query: dict[str, str], page: int, start: int,
                  target: int, concurrency: int,
                  ) -> Generator[tuple[list, dict[str, Any]], None, None]:
    """``(items, body)`` of the pages from offset ``start`` to ``target``, in order, with at
    most ``concurrency`` requests in flight and a few pages of look-ahead."""
    offsets = iter(range(start, target, page))
    executor = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="authsome-graph")
    pending: deque[Future] = deque()

    def submit() -> None:
        skip = next(offsets, None)
        if skip is not None:
            size = min(page, target - skip)
            pending.append(executor.submit(
                get_json, url, {**query, "$skip": str(skip), "$top": str(size)}))

    try:
        for _ in range(concurrency * 2):
            submit()
        while pending:
            body = pending.popleft().result()
            submit()
            items = body.get("value") if isinstance(body, dict) else None
            yield (items if isinstance(items, list) else []), body
    finally:
        for future in pending:
            future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)


def _follow(get_json: GetJson, link: str, rows: int | None, seen: set[Any],
            bar: Progress) -> Iterator[Page]:
    """The rest by nextLink, one page after another: rows not seen yet, counted on ``bar``."""
    for later in iterate_pages(get_json, link, None, rows=rows, progress=False):
        fresh = _unseen(later.items, seen)
        bar.update(len(fresh))
        yield Page(fresh, is_collection=True)


def _unseen(items: list[dict[str, Any]], seen: set[Any]) -> list[dict[str, Any]]:
    fresh = []
    for item in items:
        key = item.get("id")
        if key is not None and key in seen:
            continue
        seen.add(key)
        fresh.append(item)
    return fresh
