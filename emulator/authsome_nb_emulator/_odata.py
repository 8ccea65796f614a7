"""OData query options and paging, applied the way Graph applies them.

``$top $skip $skiptoken $select $filter $orderby $count $search $expand`` are validated with
Graph's errors (an unknown property in ``$select``, ``$count`` on a directory resource
without ``ConsistencyLevel: eventual`` …), and pages carry an absolute ``@odata.nextLink``
that keeps the original query and adds an opaque ``$skiptoken``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from ._filter import FilterError, compile_filter, resolve
from ._jwt import b64url, b64url_decode

_KNOWN = {"$top", "$skip", "$skiptoken", "$select", "$filter", "$orderby", "$count", "$search",
          "$expand", "$format"}


class ODataError(Exception):
    """A query Graph refuses: becomes ``{"error": {"code", "message"}}`` with ``status``."""

    def __init__(self, message: str, code: str = "BadRequest", status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


@dataclass
class Options:
    top: int | None = None
    offset: int = 0
    select: list[str] | None = None
    filter: str | None = None
    orderby: list[tuple[tuple[str, ...], bool]] = field(default_factory=list)
    count: bool = False
    search: str | None = None
    expand: str | None = None


@dataclass
class Collection:
    """How one Graph collection pages and what it supports."""

    entity: str  # e.g. "message" (for error messages)
    context: str  # the @odata.context URL without $select
    default_top: int = 10
    max_top: int = 1000
    searchable: tuple[tuple[str, ...], ...] | None = None  # paths $search looks in
    directory: bool = False  # $count/$search need ConsistencyLevel: eventual
    shape: Callable[[dict[str, Any], Options], dict[str, Any]] | None = None  # $expand etc.


def _int(name: str, text: str, low: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ODataError(f"Invalid value '{text}' for query option '{name}'.") from None
    if value < low:
        raise ODataError(f"Invalid value '{text}' for query option '{name}'.")
    return value


def parse_options(query: dict[str, str]) -> Options:
    unknown = [k for k in query if k.startswith("$") and k.lower() not in _KNOWN]
    if unknown:
        raise ODataError(f"Query option '{unknown[0]}' is not allowed.")
    q = {k.lower(): v for k, v in query.items()}
    options = Options()
    if "$top" in q:
        options.top = _int("$top", q["$top"], 1)
    if "$skiptoken" in q:
        try:
            options.offset = int(json.loads(b64url_decode(q["$skiptoken"]))["o"])
        except (ValueError, KeyError, TypeError):
            raise ODataError("The $skiptoken is not valid.") from None
    elif "$skip" in q:
        options.offset = _int("$skip", q["$skip"], 0)
    if q.get("$select"):
        options.select = [s.strip() for s in q["$select"].split(",") if s.strip()]
    options.filter = q.get("$filter") or None
    for part in filter(None, (p.strip() for p in q.get("$orderby", "").split(","))):
        words = part.split()
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise ODataError(f"Syntax error in $orderby: '{part}'.")
        options.orderby.append((tuple(words[0].split("/")),
                                len(words) == 2 and words[1].lower() == "desc"))
    if "$count" in q:
        if q["$count"].lower() not in ("true", "false"):
            raise ODataError(f"Invalid value '{q['$count']}' for query option '$count'.")
        options.count = q["$count"].lower() == "true"
    if "$search" in q:
        options.search = q["$search"]
    options.expand = q.get("$expand") or None
    return options


def _check_consistency(collection: Collection, options: Options, headers: Any) -> None:
    if not collection.directory:
        return
    eventual = (headers.get("ConsistencyLevel") or "").lower() == "eventual"
    if options.count and not eventual:
        raise ODataError("$count is not currently supported.", "Request_BadRequest")
    if options.search is not None and not eventual:
        raise ODataError("Request with $search query parameter only works through MSGraph with "
                         "a special request header: 'ConsistencyLevel: eventual'",
                         "Request_UnsupportedQuery")


def _search_terms(collection: Collection, text: str) -> tuple[str, str | None]:
    """The term of ``$search="..."`` and an optional ``property:`` restriction."""
    if collection.searchable is None:
        raise ODataError(f"Search is not supported on the {collection.entity} collection.")
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        raise ODataError(f"Syntax error: character '{text[:1] or ' '}' is not valid at position "
                         f"0 in '{text}'. The $search value must be enclosed in double quotes.")
    term = text[1:-1].strip()
    prop, sep, rest = term.partition(":")
    if sep and prop.isalpha():
        return rest.strip().strip('"').casefold(), prop.lower()
    return term.casefold(), None


def _matches_search(item: dict[str, Any], term: str, prop: str | None,
                    paths: tuple[tuple[str, ...], ...]) -> bool:
    for path in paths:
        if prop is not None and not path[0].lower().startswith(prop):  # body: → bodyPreview
            continue
        value = resolve(item, path)
        if isinstance(value, str) and term in value.casefold():
            return True
    return False


def _sort_key(path: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple]:
    def key(item: dict[str, Any]) -> tuple:
        value = resolve(item, path)
        if value is None:
            return (0, "")
        return (1, value.casefold() if isinstance(value, str) else value)
    return key


def apply(items: list[dict[str, Any]], options: Options, collection: Collection,
          ) -> list[dict[str, Any]]:
    """Search, filter and sort (no paging): the list the pages are cut from."""
    result = items
    if options.search is not None:
        term, prop = _search_terms(collection, options.search)
        paths = collection.searchable or ()
        result = [i for i in result if _matches_search(i, term, prop, paths)]
    if options.filter:
        try:
            predicate = compile_filter(options.filter)
        except FilterError as exc:
            raise ODataError(f"Invalid filter clause: {exc}") from None
        result = [i for i in result if predicate(i)]
    for path, descending in reversed(options.orderby):
        result = sorted(result, key=_sort_key(path), reverse=descending)
    return result


def select(item: dict[str, Any], fields: list[str] | None, entity: str) -> dict[str, Any]:
    """Project ``item`` on ``$select`` (``id`` and ``@odata.etag`` always kept)."""
    if not fields:
        return item
    by_lower = {k.lower(): k for k in item}
    picked: dict[str, Any] = {}
    if "@odata.etag" in item:
        picked["@odata.etag"] = item["@odata.etag"]
    for name in fields:
        key = by_lower.get(name.lower())
        if key is not None:
            picked[key] = item[key]
    if "id" in item:
        picked["id"] = item["id"]
    return picked


def check_select(fields: list[str] | None, sample: list[dict[str, Any]], entity: str) -> None:
    if not fields or not sample:
        return
    known = {k.lower() for item in sample[:50] for k in item}
    for name in fields:
        if name.lower() not in known:
            raise ODataError(f"Could not find a property named '{name}' on type "
                             f"'microsoft.graph.{entity}'.")


def context_url(collection: Collection, options: Options) -> str:
    if options.select:
        return f"{collection.context}({','.join(options.select)})"
    return collection.context


def next_link(base: str, path: str, query_string: str, offset: int) -> str:
    """The same request (same query) from ``offset`` on, as an absolute URL."""
    items = [(k, v) for k, v in parse_qsl(query_string, keep_blank_values=True)
             if k.lower() not in ("$skip", "$skiptoken")]
    items.append(("$skiptoken", b64url(json.dumps({"o": offset}).encode())))
    return f"{base}{path}?{urlencode(items, quote_via=quote, safe='$,()/:')}"


def page(items: list[dict[str, Any]], options: Options, collection: Collection, *,
         base: str, path: str, query_string: str) -> dict[str, Any]:
    """One page of ``items`` (already searched/filtered/sorted) as a Graph collection body."""
    top = options.top or collection.default_top
    if top > collection.max_top:
        raise ODataError(f"The limit of '{collection.max_top}' for the $top query option has "
                         f"been exceeded. The value from the incoming request is '{top}'.")
    chunk = items[options.offset:options.offset + top]
    shape = collection.shape
    body: dict[str, Any] = {"@odata.context": context_url(collection, options)}
    if options.count:
        body["@odata.count"] = len(items)
    if options.offset + top < len(items):
        body["@odata.nextLink"] = next_link(base, path, query_string, options.offset + top)
    body["value"] = [select(shape(i, options) if shape else i, options.select, collection.entity)
                     for i in chunk]
    return body


def validate(options: Options, collection: Collection, headers: Any,
             sample: list[dict[str, Any]]) -> None:
    """The checks Graph makes before it runs a query."""
    _check_consistency(collection, options, headers)
    if options.search is not None:
        _search_terms(collection, options.search)
    check_select(options.select, sample, collection.entity)
