"""Following ``@odata.nextLink`` to the end, or to the rows wanted — one page after another.

Graph returns a collection a page at a time; the ``@odata.nextLink`` of each page is the full
URL of the next one (query options included, so it is fetched as is).  A link back to any page
already fetched (A→A, or A→B→A) would loop for ever: it ends with a :class:`GraphError` rather
than with rows fetched twice.  A response without a ``value`` list is a single entity: one
page holding one item.  Progress shows once a second page is needed, in a notebook kernel only.
Collections that allow ``$skip`` and ``$count`` are fetched side by side instead (``_parallel``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from ..errors import GraphError
from ._progress import SILENT, Progress, Tally, progress_bar

#: ``get_json(url, params)``: one GET, its JSON (raises GraphError on an error status)
GetJson = Callable[[str, "dict[str, str] | None"], Any]


@dataclass
class Page:
    items: list[dict[str, Any]]
    is_collection: bool


def is_collection(body: Any) -> bool:
    """True for a collection response (``{"value": [...]}``), False for a single entity."""
    if not isinstance(body, dict) or not isinstance(body.get("value"), list):
        return False
    return not str(body.get("@odata.context", "")).endswith("/$entity")


def odata_count(body: dict[str, Any]) -> int | None:
    count = body.get("@odata.count")
    return count if isinstance(count, int) and not isinstance(count, bool) else None


def iterate_pages(get_json: GetJson, url: str, params: dict[str, str] | None, *,
                  rows: int | None = None, label: str = "Graph", progress: bool = True,
                  ) -> Iterator[Page]:
    """Pages from ``url`` on, at most ``rows`` items in all (None: every page)."""
    if rows is not None and rows <= 0:
        return
    fetched = 0
    bar: Progress = SILENT
    seen = {_key(url, params)}
    next_url: str | None = url
    try:
        while next_url:
            body = get_json(next_url, params)
            params = None  # a nextLink carries the query options already
            if not is_collection(body):
                yield Page([body] if body is not None else [], is_collection=False)
                return
            items = body["value"]
            if rows is not None and fetched + len(items) > rows:
                items = items[: rows - fetched]
            fetched += len(items)
            link = body.get("@odata.nextLink")
            if rows is not None and fetched >= rows:
                link = None
            if link:
                check_new_link(link, seen, label, len(seen), fetched)
                if bar is SILENT and progress:
                    bar = progress_bar(Tally(label, odata_count(body), rows))
            bar.update(len(items))
            del body
            yield Page(items, is_collection=True)
            next_url = link
    finally:
        bar.close()


def check_new_link(link: str, seen: set[str], label: str, pages: int, fetched: int) -> None:
    """Add ``link`` to ``seen``, or raise: it points at a page this listing already fetched."""
    key = _key(link, None)
    if key in seen:
        raise GraphError(
            f"Graph's @odata.nextLink for {label} leads back to a page already fetched "
            f"(after {pages} page{'s' if pages != 1 else ''}, {fetched} items): stopped rather "
            "than loop or return rows twice",
            status=200, code="nextLinkCycle",
            remedy="ask for fewer rows (top=…) or try again later; if it persists, report the "
            "path to the service's owner (the links are Graph's, not ours)")
    seen.add(key)


def _key(url: str, params: dict[str, str] | None) -> str:
    return str(httpx.URL(url).copy_merge_params(params) if params else httpx.URL(url))
