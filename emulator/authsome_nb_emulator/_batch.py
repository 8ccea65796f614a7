"""JSON ``$batch``: up to 20 sub-requests, ``dependsOn`` honoured, each one a full Graph call.

Every sub-request is counted, throttled and authorised on its own (with the outer bearer),
exactly like a separate call, which is what makes batching interesting to test: one
sub-response may be a 429 with its own ``Retry-After`` while the others succeed, and a
failed dependency turns its dependents into 424s.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from ._graph_common import GraphCall, GraphResult, error

if TYPE_CHECKING:
    from ._state import EmulatorState

MAX_REQUESTS = 20


def _invalid(call: GraphCall, message: str = "Invalid batch payload format.") -> GraphResult:
    return error(400, "BadRequest", message, call)


def _order(requests: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """Requests in an order that runs dependencies first (stable); None on a cycle."""
    done: set[str] = set()
    ordered: list[dict[str, Any]] = []
    pending = list(requests)
    while pending:
        ready = next((r for r in pending if set(r["dependsOn"]) <= done), None)
        if ready is None:
            return None
        pending.remove(ready)
        ordered.append(ready)
        done.add(ready["id"])
    return ordered


def run(state: EmulatorState, call: GraphCall, serve: Callable[[GraphCall], GraphResult],
        authenticate: Callable[[GraphCall], GraphResult | None],
        to_headers: Callable[[dict[str, str]], Any]) -> GraphResult:
    if call.method != "POST":
        return error(405, "Request_BadRequest",
                     "Specified HTTP method is not allowed for the request target.", call)
    refused = authenticate(call)
    if refused is not None:
        return refused
    try:
        payload = json.loads(call.body or b"null")
    except ValueError:
        return _invalid(call)
    requests = payload.get("requests") if isinstance(payload, dict) else None
    if not isinstance(requests, list) or not requests:
        return _invalid(call)
    if len(requests) > MAX_REQUESTS:
        return _invalid(call, f"Number of requests exceeds limit of {MAX_REQUESTS}.")
    normalised = []
    for entry in requests:
        if not (isinstance(entry, dict) and entry.get("id") is not None
                and isinstance(entry.get("method"), str) and isinstance(entry.get("url"), str)):
            return _invalid(call)
        depends = entry.get("dependsOn") or []
        normalised.append({**entry, "id": str(entry["id"]),
                           "dependsOn": [str(d) for d in depends]})
    ids = [r["id"] for r in normalised]
    if len(set(ids)) != len(ids):
        return _invalid(call, "Request Id values must be unique within a batch.")
    for entry in normalised:
        unknown = [d for d in entry["dependsOn"] if d not in ids]
        if unknown:
            return _invalid(call, f"Request {entry['id']} depends on request {unknown[0]}, "
                                  "which is not in the batch.")
    ordered = _order(normalised)
    if ordered is None:
        return _invalid(call, "The dependsOn values of the batch form a cycle.")
    answers: dict[str, dict[str, Any]] = {}
    for entry in ordered:
        failed = [d for d in entry["dependsOn"] if answers[d]["status"] >= 400]
        if failed:
            answers[entry["id"]] = {"id": entry["id"], "status": 424, "headers": {},
                                    "body": error(424, "FailedDependency",
                                                  "The request was not run because request(s) "
                                                  f"{', '.join(failed)} it depends on failed.",
                                                  call).body}
            continue
        answers[entry["id"]] = _run_one(state, call, entry, serve, to_headers)
    return GraphResult(200, {"responses": [answers[i] for i in ids]})


def _run_one(state: EmulatorState, outer: GraphCall, entry: dict[str, Any],
             serve: Callable[[GraphCall], GraphResult],
             to_headers: Callable[[dict[str, str]], Any]) -> dict[str, Any]:
    url = entry["url"]
    headers = {str(k): str(v) for k, v in (entry.get("headers") or {}).items()}
    for name in ("Authorization", "client-request-id"):
        if outer.headers.get(name):
            headers.setdefault(name, outer.headers.get(name))
    split = urlsplit(url if url.startswith("/") else "/" + url)
    path = unquote(split.path)
    sub = GraphCall(method=entry["method"].upper(), path=path, link_path=path,
                    query_string=split.query,
                    query=dict(parse_qsl(split.query, keep_blank_values=True)),
                    headers=to_headers(headers), body=b"", in_batch=True)
    if "://" in url:
        result = error(400, "BadRequest", "The url of a batch request must be relative to the "
                       "version, like '/me/messages'.", sub)
    elif path.rstrip("/").lower() == "/$batch":
        result = error(400, "BadRequest", "A $batch request cannot contain a $batch request.",
                       sub)
    elif "body" in entry and not any(k.lower() == "content-type" for k in headers):
        result = error(400, "BadRequest", f"Write request id : {entry['id']} does not contain "
                       "Content-Type header or body.", sub)
    else:
        body = entry.get("body")
        if body is not None:
            sub.body = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        result = serve(sub)
    state.ledger.record({"method": sub.method, "host": state.url.split("://", 1)[-1],
                         "path": "/v1.0" + sub.link_path,
                         "query": sub.query_string, "endpoint": "graph",
                         "status": result.status,
                         "has_authorization": bool(headers.get("Authorization")),
                         "grant_type": None, "batch": True})
    answer: dict[str, Any] = {"id": entry["id"], "status": result.status,
                              "headers": dict(result.headers)}
    if result.body is not None:
        answer["headers"].setdefault("Content-Type", "application/json")
        answer["body"] = result.body
    return answer
