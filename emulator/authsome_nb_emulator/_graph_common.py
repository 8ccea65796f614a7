"""What every Graph resource handler shares: the call, the result, errors, list responses.

A handler gets a :class:`GraphCall` (already authenticated) and returns a
:class:`GraphResult` (status, JSON body, headers).  Keeping results as objects rather than
bytes lets ``$batch`` embed sub-responses as JSON, as Graph does.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import _odata
from ._odata import Collection, ODataError
from ._synth_mail import iso

if TYPE_CHECKING:
    from ._state import EmulatorState
    from ._tokens import AccessGrant
    from ._users import User


@dataclass
class GraphCall:
    method: str
    path: str  # relative to /v1.0, as routed (``/users/<me>/…`` already became ``/me/…``)
    link_path: str  # the path as the client sent it, for nextLinks
    query_string: str
    query: dict[str, str]
    headers: Any  # anything with a case-insensitive .get()
    body: bytes
    in_batch: bool = False
    user: User | None = None
    grant: AccessGrant | None = None
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            raise ODataError("Unable to read JSON request payload. Please ensure Content-Type "
                             "header is set and payload is of valid JSON format.") from None

    @property
    def me(self) -> User:
        assert self.user is not None, "handlers run after authentication"
        return self.user


@dataclass
class GraphResult:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    stored_values: bool = False  # body["value"] holds the stored objects themselves (see _data)


Handler = Callable[..., GraphResult]


@dataclass(frozen=True)
class Route:
    methods: tuple[str, ...]
    pattern: re.Pattern[str]
    handler: Handler
    scopes: tuple[str, ...] | None  # any of these; None = any delegated token
    denied_code: str = "ErrorAccessDenied"


def route(methods: str, pattern: str, handler: Handler, scopes: str | None = None,
          denied_code: str = "ErrorAccessDenied") -> Route:
    """``route("GET POST", r"/me/events", handler, "Calendars.Read Calendars.ReadWrite")``."""
    return Route(tuple(methods.split()), re.compile(f"^{pattern}/?$", re.IGNORECASE), handler,
                 tuple(scopes.split()) if scopes else None, denied_code)


def error(status: int, code: str, message: str, call: GraphCall | None = None,
          headers: dict[str, str] | None = None) -> GraphResult:
    request_id = call.request_id if call else str(uuid.uuid4())
    client_request_id = (call.headers.get("client-request-id") if call else None) or request_id
    inner = {"date": iso(time.time()), "request-id": request_id,
             "client-request-id": client_request_id}
    return GraphResult(status, {"error": {"code": code, "message": message,
                                          "innerError": inner}}, dict(headers or {}))


def not_found(call: GraphCall, what: str = "item", code: str = "ErrorItemNotFound") -> GraphResult:
    messages = {"ErrorItemNotFound": "The specified object was not found in the store.",
                "itemNotFound": "The resource could not be found.",
                "Request_ResourceNotFound": f"Resource '{what}' does not exist or one of its "
                                            "queried reference-property objects are not present."}
    return error(404, code, messages.get(code, f"The {what} was not found."), call)


def base_url(state: EmulatorState) -> str:
    return f"{state.url}/v1.0"


def link_origin(state: EmulatorState) -> str:
    """Where nextLinks point: the emulator, or the ``next_link_host`` knob's host name."""
    host = state.next_link_host
    if not host:
        return state.url
    after_brackets = host.rsplit("]", 1)[-1] if host.startswith("[") else host
    if after_brackets.count(":") == 1:  # the knob already names a port
        return f"https://{host}"
    return f"https://{host}:{state.url.rsplit(':', 1)[1]}"


def list_response(state: EmulatorState, call: GraphCall, items: list[dict[str, Any]],
                  collection: Collection, cache_key: tuple[Any, ...]) -> GraphResult:
    """Apply the call's OData options to ``items`` and answer one page."""
    options = _odata.parse_options(call.query)
    _odata.validate(options, collection, call.headers, items)
    if options.search is not None or options.filter or options.orderby:
        key = (cache_key, options.search, options.filter, tuple(options.orderby))
        items = state.data.view(key, lambda: _odata.apply(items, options, collection))
    body = _odata.page(items, options, collection, base=link_origin(state),
                       path="/v1.0" + call.link_path, query_string=call.query_string)
    return GraphResult(200, body, stored_values=not options.select and collection.shape is None)


def entity_response(call: GraphCall, item: dict[str, Any], context: str, entity: str,
                    status: int = 200) -> GraphResult:
    """A single entity, with ``$select`` applied."""
    options = _odata.parse_options(call.query)
    _odata.check_select(options.select, [item], entity)
    projected = _odata.select(item, options.select, entity)
    return GraphResult(status, {"@odata.context": context, **projected})
