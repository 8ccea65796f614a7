"""Transport failures (DNS, refused, TLS, timeouts) as our :class:`NetworkError`.

``an.client()`` hands out a plain ``httpx.Client``; a call that cannot reach the host used to
raise httpx's own error with a full traceback (``ConnectError: [Errno -2] Name or service not
known``).  :class:`ApiClient` turns it into a :class:`ApiNetworkError`: our ``NetworkError``
(message with the host, a remedy, no traceback in IPython) that is *also* the
``httpx.TransportError`` subclass httpx raised, so code that catches httpx's errors keeps
working.  ``GraphClient`` uses the same words for its own requests.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx

from .._tls import network_error
from ..errors import NetworkError


class ApiNetworkError(NetworkError, httpx.TransportError):
    """A request of ``an.client()``/``an.graph()`` that never got an answer."""

    def __init__(self, message: str, *, remedy: str | None = None,
                 request: httpx.Request | None = None) -> None:
        NetworkError.__init__(self, message, remedy=remedy)
        self._request = request


_KINDS: dict[type, type] = {}


def _kind(cause: httpx.TransportError) -> type[ApiNetworkError]:
    """A subclass of both ApiNetworkError and the httpx class of ``cause`` (cached)."""
    base = type(cause)
    made = _KINDS.get(base)
    if made is None:  # shown as NetworkError (ours); an instance of httpx's class too
        made = _KINDS[base] = type("NetworkError", (ApiNetworkError, base), {
            "__module__": __name__, "__qualname__": f"NetworkError[httpx.{base.__name__}]"})
    return made


def transport_error(url: str, cause: httpx.TransportError) -> ApiNetworkError:
    """Our error for ``cause``, raised by a request to ``url``: what happened, to which host."""
    if isinstance(cause, ApiNetworkError):
        return cause
    host = urlsplit(url).netloc or url
    text = str(cause) or type(cause).__name__
    request = getattr(cause, "_request", None)
    if isinstance(cause, httpx.TimeoutException):
        what = {httpx.ConnectTimeout: "connecting", httpx.ReadTimeout: "waiting for the answer",
                httpx.WriteTimeout: "sending the request",
                httpx.PoolTimeout: "waiting for a free connection"}.get(type(cause), "waiting")
        return _kind(cause)(
            f"{host} did not answer in time ({what} timed out)",
            remedy="try again; on a slow network pass a longer timeout, e.g. "
            "an.client(..., timeout=120) or an.graph(timeout=120)", request=request)
    ours = network_error(url, cause)  # TLS failures name the CA bundle in force
    if "Could not reach" in ours.message:
        reason = _reason(text)
        return _kind(cause)(f"Could not reach {host}: {reason}", remedy=ours.remedy,
                            request=request)
    return _kind(cause)(ours.message, remedy=ours.remedy, request=request)


def _reason(text: str) -> str:
    lowered = text.lower()
    if "name or service not known" in lowered or "nodename nor servname" in lowered or \
            "getaddrinfo failed" in lowered or "name resolution" in lowered:
        return f"its name does not resolve (DNS: {text})"
    if "refused" in lowered:
        return f"the connection was refused ({text}): nothing listens there"
    return text


class ApiClient(httpx.Client):
    """An ``httpx.Client`` whose transport failures are :class:`ApiNetworkError`."""

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        try:
            return super().send(request, **kwargs)
        except ApiNetworkError:
            raise
        except httpx.TransportError as exc:
            raise transport_error(str(request.url), exc) from None
