"""OData query options and Graph paths, from Python values.

``select=["subject", "from"]`` becomes ``$select=subject,from``; ``top=50`` becomes
``$top=50``; ``count=True`` becomes ``$count=true``; other keywords (``startDateTime=…``)
pass through unchanged.  ``$search`` is quoted as Graph requires (``"budget"``), and
``ConsistencyLevel: eventual`` is added when ``$count`` or ``$search`` is asked for, which
directory queries need and every other Graph endpoint accepts.

A path may be relative to the API base (``/me/messages``), start at a version root
(``/beta/me``), or be a full URL (a ``@odata.nextLink``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

#: OData system query options: a keyword of this name gets a ``$`` in front.
ODATA_OPTIONS = frozenset({
    "select", "filter", "top", "skip", "orderby", "expand", "search", "count", "format",
    "skiptoken", "deltatoken", "apply", "levels",
})
VERSION_ROOTS = ("v1.0", "beta")
EVENTUAL_HEADER = {"ConsistencyLevel": "eventual"}


def query_options(params: Mapping[str, Any]) -> dict[str, str]:
    """Python keyword arguments → Graph query parameters (None values dropped)."""
    query: dict[str, str] = {}
    for name, value in params.items():
        if value is None:
            continue
        key = "$" + name if name in ODATA_OPTIONS else name
        text = _text(value)
        if key == "$search" and not text.startswith('"'):
            text = '"' + text.replace('"', '\\"') + '"'
        query[key] = text
    return query


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(timespec="seconds") + "Z"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        return ",".join(_text(v) for v in value)
    return str(value)


def needs_eventual_consistency(url: str, query: Mapping[str, str] | None = None) -> bool:
    """True when the request asks for ``$count`` or ``$search`` (in ``query`` or the URL)."""
    split = urlsplit(url)
    names = {k for k, _ in parse_qsl(split.query, keep_blank_values=True)}
    names.update(query or ())
    return "$count" in names or "$search" in names or split.path.endswith("/$count")


def resolve_url(path: str, api_base: str) -> str:
    """A full URL for ``path`` under ``api_base`` (``https://graph.microsoft.com/v1.0``)."""
    if path.startswith(("https://", "http://")):
        return path
    base = api_base.rstrip("/")
    relative = "/" + path.lstrip("/")
    first = relative.split("/", 2)[1].split("?", 1)[0]
    if first in VERSION_ROOTS:
        split = urlsplit(base)
        return f"{split.scheme}://{split.netloc}{relative}"
    return base + relative


def batch_url(path: str, api_base: str) -> str:
    """``path`` as ``$batch`` wants it: relative to the version root (``/me/messages?…``)."""
    full = resolve_url(path, api_base)
    split = urlsplit(full)
    parts = split.path.split("/", 2)
    rest = "/" + parts[2] if len(parts) > 2 else "/"
    return rest + ("?" + split.query if split.query else "")
