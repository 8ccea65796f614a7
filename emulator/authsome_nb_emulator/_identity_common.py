"""Helpers every identity endpoint shares: error replies with Microsoft's headers and ids,
tenant resolution, and the client registry check."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from ._aadsts import error_response
from ._server import Request, Response

if TYPE_CHECKING:
    from ._state import EmulatorState
    from ._users import Audience


def stamp(request: Request, response: Response) -> Response:
    """Add the ids Microsoft's identity platform puts on every answer."""
    response.headers.append(("x-ms-request-id", str(uuid.uuid4())))
    client_request_id = request.header("client-request-id")
    if client_request_id:
        response.headers.append(("client-request-id", client_request_id))
    response.headers.append(("x-ms-ests-server", "authsome-emulator"))
    return response


def reply_error(state: EmulatorState, request: Request, code: int,
                context: dict[str, Any] | None = None, *, error: str | None = None,
                text: str | None = None) -> Response:
    """A JSON AADSTS error with trace/correlation ids (correlation = client-request-id)."""
    response = error_response(code, base_url=state.url, now=state.now(),
                              correlation_id=request.header("client-request-id"),
                              context=context, error=error, text=text)
    return stamp(request, response)


def audience(state: EmulatorState, segment: str) -> Audience | None:
    return state.directory.audience(segment)


def known_client(state: EmulatorState, client_id: str | None) -> bool:
    return bool(client_id) and client_id.lower() == state.client_id.lower()
