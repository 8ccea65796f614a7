"""Following ``@odata.nextLink`` to the end, or to ``max_items``.

Graph returns a collection a page at a time; the ``@odata.nextLink`` of each page is the full
URL of the next one (query options included, so it is fetched as is); a nextLink that
repeats the page it came from ends the paging rather than looping.  A response without a
``value`` list is a single entity: it is one page holding one item.  A progress bar appears
once a second page is needed, and only in a notebook kernel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ._progress import SILENT, Progress, progress_bar


@dataclass
class Page:
    items: list[dict[str, Any]]
    is_collection: bool


def is_collection(body: Any) -> bool:
    """True for a collection response (``{"value": [...]}``), False for a single entity."""
    if not isinstance(body, dict) or not isinstance(body.get("value"), list):
        return False
    return not str(body.get("@odata.context", "")).endswith("/$entity")


def iterate_pages(
    get_json: Callable[[str, dict[str, str] | None], Any],
    url: str,
    params: dict[str, str] | None,
    *,
    max_items: int | None = None,
    label: str = "Graph",
    progress: bool = True,
) -> Iterator[Page]:
    """Pages from ``url`` on; ``get_json(url, params)`` performs one GET and returns its JSON."""
    if max_items is not None and max_items <= 0:
        return
    fetched = 0
    bar: Progress = SILENT
    next_url: str | None = url
    try:
        while next_url:
            body = get_json(next_url, params)
            params = None  # a nextLink carries the query options already
            if not is_collection(body):
                yield Page([body] if body is not None else [], is_collection=False)
                return
            items = body["value"]
            if max_items is not None and fetched + len(items) > max_items:
                items = items[: max_items - fetched]
            fetched += len(items)
            link = body.get("@odata.nextLink")
            next_url = link if link != next_url else None
            if max_items is not None and fetched >= max_items:
                next_url = None
            if next_url and bar is SILENT and progress:
                bar = progress_bar(label, _total(body, max_items))
            bar.update(len(items))
            del body
            yield Page(items, is_collection=True)
    finally:
        bar.close()


def _total(body: dict[str, Any], max_items: int | None) -> int | None:
    count = body.get("@odata.count")
    if isinstance(count, int) and not isinstance(count, bool):
        return count if max_items is None else min(count, max_items)
    return max_items
