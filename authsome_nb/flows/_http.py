"""The HTTP client MSAL is given: httpx, our CA bundle, discovery documents remembered.

MSAL only calls ``get``/``post`` and reads ``status_code``, ``text`` and ``headers``, so an
``httpx.Client`` fits.  Two things are added:

* every ``PublicClientApplication`` fetches the tenant's OpenID configuration when built;
  a successful discovery document is remembered for the life of the process, so one app per
  connection costs one request per authority, not one per connection;
* MSAL catches only ``requests`` exceptions: an httpx transport error is turned into our
  :class:`~authsome_nb.errors.NetworkError` here, with the host and a remedy.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from .._outbound import own_client_options
from .._tls import network_error, ssl_context

if TYPE_CHECKING:
    import httpx

_DISCOVERY_MARKERS = ("/.well-known/openid-configuration", "/discovery/instance")
TIMEOUT_SECONDS = 30.0


class MsalHttpClient:
    """A ``get``/``post`` client for MSAL over one shared ``httpx.Client``."""

    def __init__(self, timeout: float = TIMEOUT_SECONDS) -> None:
        import httpx

        self._httpx = httpx
        self.ssl_context = ssl_context()
        self._client = httpx.Client(verify=self.ssl_context, timeout=timeout,
                                    **own_client_options())
        self._discovery: dict[str, httpx.Response] = {}
        self._lock = threading.Lock()

    def get(self, url: str, params: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        if not any(marker in url for marker in _DISCOVERY_MARKERS):
            return self._send("GET", url, params=params, headers=headers)
        key = url + "?" + "&".join(f"{k}={v}" for k, v in sorted((params or {}).items()))
        with self._lock:
            cached = self._discovery.get(key)
        if cached is not None:
            return cached
        response = self._send("GET", url, params=params, headers=headers)
        if response.status_code == 200:  # errors are not remembered: the next app asks again
            response.read()
            with self._lock:
                self._discovery[key] = response
        return response

    def post(
        self,
        url: str,
        params: dict[str, Any] | None = None,
        data: Any = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        return self._send("POST", url, params=params, data=data, headers=headers)

    def close(self) -> None:
        self._client.close()

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        if isinstance(kwargs.get("data"), str):
            kwargs["content"] = kwargs.pop("data")
        try:
            return self._client.request(method, url, **kwargs)
        except self._httpx.TransportError as exc:
            raise network_error(url, exc) from None


_shared: MsalHttpClient | None = None
_shared_lock = threading.Lock()


def shared_http_client() -> MsalHttpClient:
    """One client per process and CA bundle (rebuilt when the bundle in force changes)."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared.ssl_context is not ssl_context():
            _shared = MsalHttpClient()
        return _shared
