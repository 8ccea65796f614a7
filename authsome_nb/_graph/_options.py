"""The options of every collection call (``frame``, ``pages``, ``items``, ``fetch``), in one place.

:class:`GraphOptions` names them for editors and type checkers (``**options:
Unpack[GraphOptions]``); :func:`plan` turns them and the path into one :class:`Plan`: the URL,
the query parameters to send, and what the library decides itself — how many rows
(``top``, alias ``max_items``; a ``$top`` written in the path means rows too) and the page size.

Keywords are the declared options below plus the query parameters Graph documents for the
path (``startDateTime``/``endDateTime`` for a ``calendarView`` …: the table in
:mod:`._parameters`); any other keyword is refused before any request, with a did-you-mean.
``params={...}`` (or the path's query string) carries any other query parameter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypedDict
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from ..errors import ConfigurationError
from ._odata import ODATA_OPTIONS, query_options, resolve_url
from ._parameters import check_keywords

#: Options that steer the library rather than become query parameters.
CONTROL = frozenset({"top", "max_items", "page_size", "progress", "params", "concurrency",
                     "backend", "nested"})
BACKENDS = ("pandas", "polars", "arrow")
NESTED = ("flatten", "struct")
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
    backend: str  # "pandas" (the client's default), "polars" or "arrow" (a pyarrow.Table)
    nested: str  # "flatten" (dotted columns) or "struct" (polars and arrow only)
    # documented for calendarView paths only (see _parameters.DOCUMENTED)
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
    params: Mapping[str, Any]  # other query parameters, passed as they are
    backend: str  # "pandas", "polars" or "arrow"
    nested: str  # "flatten" or "struct"
    changeType: str  # messages: created, updated or deleted
    startDateTime: str | datetime | date  # calendarView delta needs its window
    endDateTime: str | datetime | date


#: what each kind of call takes besides the parameters documented for its path
DECLARED = {
    "frame": frozenset(GraphOptions.__annotations__) - {"startDateTime", "endDateTime"},
    "sync": frozenset(SyncOptions.__annotations__) - {"startDateTime", "endDateTime",
                                                       "changeType"},
    "to_parquet": frozenset(GraphOptions.__annotations__) - {"startDateTime", "endDateTime",
                                                             "backend"},
    "request": ODATA_OPTIONS | {"params"},
}


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
    backend: str | None = None  # None: the client's
    nested: str = "flatten"

    @property
    def names(self) -> frozenset[str]:
        """Every query parameter name, in the URL or to be sent, lower-cased."""
        in_url = {name.lower() for name, _ in parse_qsl(urlsplit(self.url).query)}
        return frozenset(in_url | {name.lower() for name in self.query})


def plan(path: str, api_base: str, options: Mapping[str, Any], *, call: str = "frame",
         ) -> Plan:
    """The :class:`Plan` for ``path`` and the caller's keyword ``options`` (those of ``call``:
    ``"frame"``, ``"sync"``, ``"to_parquet"``)."""
    given = dict(options)
    check_options(call, path, api_base, given)
    backend = choice("backend", given.pop("backend", None), BACKENDS)
    nested = choice("nested", given.pop("nested", None), NESTED) or "flatten"
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
                page_size, progress, concurrency, continuation, backend, nested)


def check_options(call: str, path: str, api_base: str, given: Mapping[str, Any]) -> None:
    """Refuse a keyword ``call`` does not take for ``path`` (see :mod:`._parameters`)."""
    from ._page_sizes import relative_path

    check_keywords(f"{call}()", given, DECLARED[call], relative_path(resolve_url(path, api_base)))


def choice(name: str, value: Any, choices: tuple[str, ...]) -> str | None:
    """``value`` if it is one of ``choices`` (None stays None), else a clear error."""
    if value is None or value in choices:
        return value
    import difflib

    close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ConfigurationError(f"{name}={value!r} is not one of {', '.join(map(repr, choices))}"
                             f"{hint}", remedy=f"pass {name}={choices[0]!r} (the default) or "
                             f"one of the others")


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
