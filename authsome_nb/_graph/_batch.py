"""JSON batching (``POST /$batch``): many Graph calls in few round trips.

Graph takes at most 20 requests per batch, and a ``dependsOn`` may only name a request of the
same batch; so requests linked by ``dependsOn`` are kept together when the list is cut into
batches.  Graph throttles the requests inside a batch one by one (a 200 batch holding 429
answers): those are sent again, in a new batch, after the longest ``Retry-After`` among them,
together with the requests that failed only because they depended on them (424).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..errors import ConfigurationError
from ._odata import batch_url
from ._retry import RetryPolicy

MAX_PER_BATCH = 20
FAILED_DEPENDENCY = 424
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


def split_method(line: str) -> dict[str, str]:
    """``"DELETE /me/events/1"`` → ``{"method": "DELETE", "url": …}``; no method means GET."""
    head, _, rest = line.strip().partition(" ")
    if head.upper() in METHODS and rest.strip():
        return {"method": head.upper(), "url": rest.strip()}
    return {"method": "GET", "url": line.strip()}


def prepare(requests: Iterable[str | Mapping[str, Any]], api_base: str) -> list[dict[str, Any]]:
    """Requests as ``$batch`` wants them: ids, upper-case methods, version-relative URLs.

    Each request is a dict (``{"method": "GET", "url": "/me", "body": …, "dependsOn": […]}``,
    ``id`` optional) or a string (``"/me/events"`` or ``"DELETE /me/events/{id}"``).
    """
    prepared: list[dict[str, Any]] = []
    for number, item in enumerate(requests, 1):
        if isinstance(item, str):
            entry: dict[str, Any] = split_method(item)
        elif isinstance(item, Mapping):
            entry = dict(item)
        else:
            raise ConfigurationError(f"batch request {number} is a {type(item).__name__}",
                                     remedy="pass dicts like {'method': 'GET', 'url': '/me'} "
                                     "or strings like 'GET /me'")
        if not entry.get("url"):
            raise ConfigurationError(f"batch request {number} has no url")
        entry["id"] = str(entry.get("id", number))
        entry["method"] = str(entry.get("method", "GET")).upper()
        entry["url"] = batch_url(str(entry["url"]), api_base)
        if entry.get("body") is not None:
            headers = dict(entry.get("headers") or {})
            if not any(k.lower() == "content-type" for k in headers):
                headers["Content-Type"] = "application/json"
            entry["headers"] = headers
        if isinstance(entry.get("dependsOn"), str):
            entry["dependsOn"] = [entry["dependsOn"]]
        prepared.append(entry)
    ids = [e["id"] for e in prepared]
    if len(set(ids)) != len(ids):
        raise ConfigurationError("batch request ids must be unique",
                                 remedy="give each request its own 'id' or leave ids out")
    known = set(ids)
    for entry in prepared:
        missing = [d for d in entry.get("dependsOn") or () if d not in known]
        if missing:
            raise ConfigurationError(f"batch request {entry['id']} depends on unknown id(s) "
                                     f"{', '.join(map(str, missing))}")
    return prepared


def split(requests: list[dict[str, Any]], size: int = MAX_PER_BATCH) -> list[list[dict[str, Any]]]:
    """Cut into batches of at most ``size``, never separating a ``dependsOn`` chain."""
    parent = {r["id"]: r["id"] for r in requests}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for entry in requests:
        for dependency in entry.get("dependsOn") or ():
            parent[root(entry["id"])] = root(dependency)
    groups: dict[str, list[dict[str, Any]]] = {}
    for entry in requests:
        groups.setdefault(root(entry["id"]), []).append(entry)
    batches: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    for group in groups.values():
        if len(group) > size:
            raise ConfigurationError(
                f"{len(group)} batch requests are linked by dependsOn; "
                f"Graph allows {size} per batch",
                remedy="split the chain, or send the dependent calls one by one")
        if len(current) + len(group) > size:
            batches.append(current)
            current = []
        current.extend(group)
    if current:
        batches.append(current)
    return batches


def run(post: Callable[[dict[str, Any]], dict[str, Any]], requests: list[dict[str, Any]],
        retry: RetryPolicy) -> list[dict[str, Any]]:
    """Send ``requests`` via ``post`` (one ``/$batch`` call); the responses in request order."""
    import httpx

    results: dict[str, dict[str, Any]] = {}
    pending = requests
    attempt = 0
    while pending:
        for batch in split(pending):
            answer = post({"requests": batch})
            for response in answer.get("responses") or ():
                results[str(response.get("id"))] = response
        waits: list[float] = []
        again: set[str] = set()
        for entry in pending:
            response = results.get(entry["id"], {})
            headers = httpx.Headers(response.get("headers") or {})
            wait = retry.delay(int(response.get("status") or 0), headers, entry["method"], attempt)
            if wait is not None:
                waits.append(wait)
                again.add(entry["id"])
        again |= _dependents(pending, results, again)
        if not waits:
            break
        attempt += 1
        retry.sleep(max(waits))
        pending = [_only_dependencies_in(entry, again) for entry in pending if entry["id"] in again]
    return [results.get(entry["id"], {"id": entry["id"], "status": None, "body": None})
            for entry in requests]


def _dependents(pending: list[dict[str, Any]], results: dict[str, dict[str, Any]],
                again: set[str]) -> set[str]:
    """Requests that failed (424) because something they depend on is being retried."""
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for entry in pending:
            if entry["id"] in again or entry["id"] in found:
                continue
            failed = results.get(entry["id"], {}).get("status") == FAILED_DEPENDENCY
            if failed and any(d in again or d in found for d in entry.get("dependsOn") or ()):
                found.add(entry["id"])
                changed = True
    return found


def _only_dependencies_in(entry: dict[str, Any], ids: set[str]) -> dict[str, Any]:
    """A dependency that already succeeded is not in the retry batch: drop it from dependsOn."""
    depends = [d for d in entry.get("dependsOn") or () if d in ids]
    copy = {k: v for k, v in entry.items() if k != "dependsOn"}
    if depends:
        copy["dependsOn"] = depends
    return copy
