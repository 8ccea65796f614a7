"""The wire: authlib's OAuth 2.0 client over our ``httpx.Client``.

authlib (``authlib.oauth2.client.OAuth2Client``) builds every request the protocol needs —
the authorization URL with its S256 challenge, token requests of each grant, client
authentication (``client_secret_basic``/``_post``/``none``), revocation — and keeps a refresh
token the server did not rotate.  It is given our client as its session, not its own httpx
integration: that one now targets another HTTP stack and warns on every import.  What is ours:

* TLS verifies against the CA bundle in force (``_tls``); a transport failure becomes a
  :class:`~authsome_nb.errors.NetworkError` with the host and a remedy;
* answers are read as JSON or form-encoded (GitHub answers form-encoded unless asked for
  JSON; we always ask, and read both);
* an error answer is a :class:`TokenEndpointError` carrying the whole body (GitHub's
  ``slow_down`` tells the new ``interval``; GitHub also answers errors with HTTP 200).
"""

from __future__ import annotations

import threading
from collections.abc import Generator
from typing import Any
from urllib.parse import parse_qsl

import httpx
from authlib.oauth2.auth import ClientAuth
from authlib.oauth2.client import OAuth2Client

from ..._outbound import own_client_options
from ..._tls import network_error, ssl_context

TIMEOUT_SECONDS = 30.0
ACCEPT_JSON = {"Accept": "application/json"}


class TokenEndpointError(Exception):
    """The provider answered with an OAuth error: ``body`` is the whole answer (no token)."""

    def __init__(self, body: dict[str, Any], status: int) -> None:
        super().__init__(body.get("error"))
        self.body = body
        self.status = status

    @property
    def error(self) -> str:
        return str(self.body.get("error"))


class HttpxClientAuth(httpx.Auth):
    """authlib's client authentication as an ``httpx.Auth`` (the body is a form)."""

    requires_request_body = True

    def __init__(self, client_id: str, client_secret: str | None, auth_method: Any) -> None:
        self._auth = ClientAuth(client_id, client_secret, auth_method)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
        url, headers, body = self._auth.prepare(
            request.method, str(request.url), headers, request.content.decode("utf-8")
        )
        yield httpx.Request(request.method, url, headers=headers, content=body.encode("utf-8"),
                            extensions=request.extensions)


class ProtocolClient(OAuth2Client):  # type: ignore[misc,unused-ignore]  # authlib: untyped
    """authlib's protocol logic with our transport and our reading of answers."""

    client_auth_class = HttpxClientAuth

    def parse_response_token(self, resp: httpx.Response) -> Any:
        body = read_answer(resp)
        if "error" in body or resp.status_code >= 400 or "access_token" not in body:
            body.setdefault("error", "invalid_response" if resp.status_code < 400
                            else "server_error" if resp.status_code >= 500 else "invalid_request")
            raise TokenEndpointError(body, resp.status_code)
        self.token = body
        return self.token

    def post_form(self, url: str, data: dict[str, str], *, as_json: bool = False) -> dict[str, Any]:
        """A form POST with client authentication (device authorization); the answer read.

        ``as_json``: a JSON body instead, without client authentication (a device server that
        knows no clients, as Postiz's)."""
        if as_json:
            response = self.session.post(url, json=data, headers=ACCEPT_JSON)
        else:
            response = self.session.post(url, data=data, headers=ACCEPT_JSON,
                                         auth=self.client_auth(self.token_endpoint_auth_method))
        body = read_answer(response)
        if "error" in body or response.status_code >= 400:
            body.setdefault("error", "server_error" if response.status_code >= 500
                            else "invalid_request")
            raise TokenEndpointError(body, response.status_code)
        return body


def read_answer(response: httpx.Response) -> dict[str, Any]:
    """The answer as a dict: JSON, else form-encoded, else ``{}``."""
    content_type = response.headers.get("content-type", "")
    text = response.text
    if "json" in content_type or text.lstrip().startswith("{"):
        try:
            value = response.json()
        except ValueError:
            return {}
        return dict(value) if isinstance(value, dict) else {}
    if "x-www-form-urlencoded" in content_type or ("=" in text and "<" not in text):
        return dict(parse_qsl(text.strip(), keep_blank_values=True))
    return {}


class _SafeClient(httpx.Client):
    """An ``httpx.Client`` whose transport errors are our NetworkError (with the host)."""

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        try:
            return super().send(request, **kwargs)
        except httpx.TransportError as exc:
            raise network_error(str(request.url), exc) from None


_shared: tuple[Any, httpx.Client] | None = None
_shared_lock = threading.Lock()


def shared_client() -> httpx.Client:
    """One client per process and CA bundle (rebuilt when the bundle in force changes)."""
    global _shared
    context = ssl_context()
    with _shared_lock:
        if _shared is None or _shared[0] is not context:
            _shared = (context, _SafeClient(verify=context, timeout=TIMEOUT_SECONDS,
                                            **own_client_options()))
        return _shared[1]


def protocol_client(client_id: str, client_secret: str | None,
                    auth_method: str | None) -> ProtocolClient:
    """authlib's client for one request or one sign-in (cheap: no connection of its own)."""
    if not client_secret:
        auth_method = "none"  # a public client (GitHub's device flow needs no secret)
    elif auth_method is None:
        auth_method = "client_secret_basic"
    return ProtocolClient(shared_client(), client_id=client_id, client_secret=client_secret,
                          token_endpoint_auth_method=auth_method,
                          revocation_endpoint_auth_method=auth_method,
                          code_challenge_method="S256")


def get_json(url: str, *, bearer: str | None = None) -> tuple[int, dict[str, Any]]:
    """``GET url`` (JSON), with a bearer if given: ``(status, body)``."""
    headers = dict(ACCEPT_JSON)
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    response = shared_client().get(url, headers=headers)
    return response.status_code, read_answer(response)

