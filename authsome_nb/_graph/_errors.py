"""Graph error responses → :class:`~authsome_nb.errors.GraphError` with a remedy.

Graph's error body is ``{"error": {"code", "message", "innerError": {"request-id", "date"}}}``;
the message is the service's own words (it never echoes the bearer).  The remedy says what
the notebook user can do about the status: sign in again, ask for a scope, check the path,
wait.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..errors import GraphError, Step

_MAX_PATH = 120
#: path fragment → the provider's scope preset (``services``) that grants it
_SERVICES = (("/sendmail", "outlook"), ("/messages", "outlook"), ("/mailfolders", "outlook"),
             ("/events", "calendar"), ("/calendar", "calendar"), ("/drive", "onedrive"),
             ("/chats", "teams"), ("/joinedteams", "teams"), ("/teams", "teams"),
             ("/sites", "sharepoint"), ("/todo", "tasks"))


def graph_error(response, *, provider: str, connection: str, api_hosts=frozenset(),
                hub_scopes: tuple[str, ...] | None = None) -> GraphError:
    """The GraphError for an error ``response`` (an ``httpx.Response``); ``hub_scopes``: what
    JupyterHub's token grants, when the call was made with it."""
    code, text, request_id = _error_fields(response)
    request = response.request
    where = _short_path(str(request.url))
    status = response.status_code
    message = f"Graph {request.method} {where} failed: HTTP {status}"
    if code:
        message += f" {code}"
    if text:
        message += f": {text}"
    remedy, step = _remedy(response, provider, connection, api_hosts)
    if status == 403 and hub_scopes is not None:
        remedy, step = _hub_remedy(response, provider, hub_scopes)
    return GraphError(message, status=status, code=code or None, remedy=remedy, step=step,
                      request_id=request_id)


def _hub_remedy(response, provider: str, granted: tuple[str, ...]) -> tuple[str, Step]:
    service = _service_of(response.request.url.path)
    asked = {"services": [service]} if service else {"scopes": ["<the permission>"]}
    return (f"the token comes from JupyterHub (microsoft/hub), which asked Microsoft only for "
            f"{' '.join(granted) or 'no Graph scopes'}: sign in for what this call needs with "
            "{step} (a connection of your own), or ask the Hub admin to add it to the "
            "authenticator's scope", Step.of("login", provider, None, **asked))


def _error_fields(response) -> tuple[str, str, str | None]:
    request_id = response.headers.get("request-id") or response.headers.get("client-request-id")
    try:
        body = response.json()
    except ValueError:
        return "", "", request_id
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        inner = error.get("innerError") or error.get("innererror") or {}
        request_id = request_id or (inner.get("request-id") if isinstance(inner, dict) else None)
        return str(error.get("code") or ""), str(error.get("message") or ""), request_id
    if isinstance(error, str):  # OAuth-style {"error": "...", "error_description": "..."}
        return error, str(body.get("error_description") or ""), request_id
    return "", "", request_id


def _short_path(url: str) -> str:
    split = urlsplit(url)
    shown = split.path + ("?" + split.query if split.query else "")
    return shown if len(shown) <= _MAX_PATH else shown[: _MAX_PATH - 1] + "…"


def _service_of(path: str) -> str | None:
    lowered = path.lower()
    return next((service for fragment, service in _SERVICES if fragment in lowered), None)


def _remedy(response, provider: str, connection: str, api_hosts) -> tuple[str, Step | None]:
    """The remedy text, and the sign-in it names (spelled as Python or as the magic)."""
    status = response.status_code
    host = response.request.url.netloc.decode("ascii", "replace")
    if status == 401 and "authorization" not in response.request.headers:
        return (f"{host} is not one of {provider}'s API hosts ({', '.join(sorted(api_hosts))}), "
                "so no token was sent; if it should be, add it to the provider's api_url"), None
    if status == 401:
        return ("the token was refused even after a refresh: sign in again with {step}",
                Step.of("login", provider, connection, force=True))
    if status == 403:
        service = _service_of(response.request.url.path)
        asked = {"services": [service]} if service else {"scopes": ["<the permission>"]}
        return ("the signed-in account or app lacks a permission for this call: sign in again "
                "asking for it, e.g. {step}", Step.of("login", provider, connection, **asked))
    if status == 404:
        return ("check the path and the ids in it "
                "(paths are relative to the API base, e.g. /me/messages)"), None
    if status == 400:
        return "check the query options ($select, $filter, $orderby …) against the Graph docs", None
    if status in (429, 503, 504):
        wait = response.headers.get("Retry-After")
        told = f" (it asked for {wait} s)" if wait else ""
        return (f"Graph is throttling this account{told}: wait a minute, fetch fewer rows "
                "(top=) or fewer pages at once (an.graph(concurrency=1))"), None
    if status >= 500:
        return "Graph had a problem on its side: try again in a moment", None
    return "see the message above and the Graph documentation for this endpoint", None
