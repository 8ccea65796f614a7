"""The options of every collection call (``frame``, ``pages``, ``items``, ``fetch``), in one place.

:class:`GraphOptions` names them for editors and type checkers (``**options:
Unpack[GraphOptions]``); :func:`plan` turns them and the path into one :class:`Plan`: the URL,
the query parameters to send, and what the library decides itself — how many rows
(``top``, alias ``max_items``; a ``$top`` written in the path means rows too) and the page size.

Keywords that are not options are passed through as query parameters, so
``frame("/me/calendarView", startDateTime=…, endDateTime=…)`` works; the two calendar window
names are declared here for type checkers, and ``params={...}`` carries any other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypedDict
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from ..errors import ConfigurationError
from ._odata import query_options, resolve_url

#: Options that steer the library rather than become query parameters.
CONTROL = frozenset({"top", "max_items", "page_size", "progress", "params", "concurrency"})
#: A URL carrying one of these continues a listing Graph started: its query is left alone.
CONTINUATION = ("$skiptoken", "$deltatoken")


class GraphOptions(TypedDict, total=False):
    """Keyword options of ``GraphClient.frame``/``pages``/``items``/``fetch``."""

    select: str | Sequence[str]
    filter: str
    top: int  # the most rows wanted (None: all); the page size is the library's choice
    max_items: int  # the same as top, kept for older code
    page_size: int  # override the page size (default: the largest the endpoint allows)
    orderby: str | Sequence[str]
    expand: str | Sequence[str]
    search: str
    count: bool
    skip: int
    progress: bool  # a progress bar in a notebook kernel for multi-page fetches
    concurrency: int  # requests in flight for one listing (default: the client's, 4)
    params: Mapping[str, Any]  # other query parameters, passed as they are
    startDateTime: str | datetime | date
    endDateTime: str | datetime | date


class SyncOptions(TypedDict, total=False):
    """Keyword options of ``GraphClient.sync`` and ``forget``: what a delta query takes."""

    select: str | Sequence[str]
    filter: str  # messages: only "receivedDateTime ge|gt …"
    orderby: str  # messages: only "receivedDateTime desc"
    expand: str | Sequence[str]
    page_size: int  # asked for with Prefer: odata.maxpagesize (default: the largest)
    progress: bool
    params: Mapping[str, Any]  # other query parameters (changeType=…), passed as they are
    startDateTime: str | datetime | date  # calendarView delta needs its window
    endDateTime: str | datetime | date


@dataclass(frozen=True)
class Plan:
    """One listing, decided: where, which query, how many rows, what page size."""

    url: str  # without the query options below
    query: dict[str, str]  # to send with the first request (no $top: see page_size)
    select: tuple[str, ...]
    rows: int | None  # the most rows wanted; None: every row
    page_size: int | None  # asked for by the caller (None: the endpoint's choice)
    progress: bool | None
    concurrency: int | None
    continuation: bool  # the URL is a nextLink-style link: fetched as it is

    @property
    def names(self) -> frozenset[str]:
        """Every query parameter name, in the URL or to be sent, lower-cased."""
        in_url = {name.lower() for name, _ in parse_qsl(urlsplit(self.url).query)}
        return frozenset(in_url | {name.lower() for name in self.query})


def plan(path: str, api_base: str, options: Mapping[str, Any]) -> Plan:
    """The :class:`Plan` for ``path`` and the caller's keyword ``options``."""
    given = dict(options)
    top, max_items = given.pop("top", None), given.pop("max_items", None)
    if top is not None and max_items is not None and top != max_items:
        raise ConfigurationError(f"top={top} and max_items={max_items} disagree",
                                 remedy="give one of them: both mean the most rows wanted")
    rows = _count("top", top if top is not None else max_items, low=0)
    page_size = _count("page_size", given.pop("page_size", None), low=1)
    concurrency = _count("concurrency", given.pop("concurrency", None), low=1)
    progress = given.pop("progress", None)
    extra = given.pop("params", None) or {}
    query = query_options(given)
    query.update(query_options(dict(extra)))
    url = resolve_url(path, api_base)
    split = urlsplit(url)
    pairs = parse_qsl(split.query, keep_blank_values=True)
    continuation = any(name.lower() in CONTINUATION for name, _ in pairs)
    if not continuation:
        # A $top in the path or among the parameters is a number of rows, as in Graph Explorer.
        written = [value for name, value in pairs if name.lower() == "$top"]
        written += [query.pop(name) for name in list(query) if name.lower() == "$top"]
        if written and rows is None:
            rows = _count("$top", _whole(written[-1]), low=0)
        if any(name.lower() == "$top" for name, _ in pairs):
            pairs = [(name, value) for name, value in pairs if name.lower() != "$top"]
            url = urlunsplit(split._replace(
                query=urlencode(pairs, quote_via=quote, safe="$,()/:'")))
    select = query.get("$select") or next((v for k, v in pairs if k.lower() == "$select"), "")
    return Plan(url, query, tuple(s.strip() for s in select.split(",") if s.strip()), rows,
                page_size, progress, concurrency, continuation)


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ConfigurationError(f"$top={text!r} is not a whole number",
                                 remedy="write $top as a number of rows, e.g. $top=50") from None


def _count(name: str, value: Any, *, low: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigurationError(f"{name}={value!r} is not a whole number of at least {low}",
                                 remedy=f"pass {name} as an int, e.g. {name}=100")
    return value
