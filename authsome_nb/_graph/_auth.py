"""The bearer, as an ``httpx.Auth`` flow: who gets it, what a 401 means, when to retry.

* The token goes only to the provider's API hosts over https (``Provider.is_api_host``).  A
  ``@odata.nextLink`` or a redirect that points elsewhere (a download URL, a misconfigured
  proxy, an attacker's link in a shared notebook) is sent without it.
* A 401 from an API host answered to our bearer is refreshed once and retried once.  This
  covers an access token revoked early and a continuous-access-evaluation challenge
  (``WWW-Authenticate: … error="insufficient_claims", claims="<base64 JSON>"``), whose claims
  are handed to the refresh.  The refresh names the token that failed (``stale=``), so when
  several kernels get the 401 together only one of them asks the identity platform.
* 429/503/504 are retried after ``Retry-After`` (see :mod:`._retry`).
* Redirects are followed here rather than by httpx, so that neither the bearer nor a body
  follows one to another origin or to http (see :mod:`._redirects`).

The flow is synchronous on purpose (``sync_auth_flow``): the refresh takes the store's
inter-process lock and MSAL is blocking.  An ``httpx.AsyncClient`` gets a clear error.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Generator, Iterable

import httpx

from .._providers import Provider, normalize_host
from ..errors import ConfigurationError
from ._redirects import redirect_request
from ._retry import DEFAULT_POLICY, RetryPolicy

_CLAIMS = re.compile(r'claims="([^"]*)"', re.IGNORECASE)
_URLSAFE = str.maketrans("-_", "+/")


class GraphAuth(httpx.Auth):
    """Bearer for ``provider``'s API hosts from ``session``; refresh-once on 401; retries."""

    def __init__(self, session, provider: Provider, connection: str = "default", *,
                 scopes: Iterable[str] | None = None, retry: RetryPolicy = DEFAULT_POLICY,
                 follow_redirects: bool = True) -> None:
        self.session = session
        self.provider = provider
        self.connection = connection
        self.scopes = None if scopes is None else tuple(scopes)
        self.retry = retry
        self.follow_redirects = follow_redirects
        self.api_hosts = provider.api_hosts
        # The header the token goes in: a bearer, or an API-key provider's own (x-api-key …).
        self.header_name = provider.credential_header("")[0]

    def __repr__(self) -> str:
        return f"<GraphAuth {self.provider.name}/{self.connection} for {sorted(self.api_hosts)}>"

    def may_carry_bearer(self, url: httpx.URL) -> bool:
        """True only for https URLs on one of the provider's API hosts."""
        if url.scheme != "https":
            return False
        netloc = url.host if url.port in (None, 443) else f"{url.host}:{url.port}"
        return self.provider.is_api_host(normalize_host(netloc))

    def _token(self):
        return self.session.token(self.provider.name, self.connection, self.scopes)

    def _carry(self, request: httpx.Request, token) -> None:
        name, value = self.provider.credential_header(token.value)
        request.headers[name] = value

    def sync_auth_flow(self, request: httpx.Request,
                       ) -> Generator[httpx.Request, httpx.Response, None]:
        token = None
        if self.may_carry_bearer(request.url):
            token = self._token()
            self._carry(request, token)
        refreshed = False
        attempt = hops = 0
        while True:
            response = yield request
            redirected = (redirect_request(response, hops, (self.header_name.lower(),))
                          if self.follow_redirects else None)
            if redirected is not None:
                hops += 1
                request, token = redirected, None
                if self.may_carry_bearer(request.url):
                    token = self._token()
                    self._carry(request, token)
                continue
            answered_to_bearer = token is not None and self.may_carry_bearer(response.request.url)
            if response.status_code == 401 and answered_to_bearer and not refreshed:
                refreshed = True
                token = self.session.refresh(
                    self.provider.name, self.connection, self.scopes,
                    stale=token, claims_challenge=claims_challenge(response.headers),
                )
                self._carry(request, token)
                continue
            wait = self.retry.delay(response.status_code, response.headers, request.method, attempt)
            if wait is None:
                return
            attempt += 1
            self.retry.sleep(wait)
            if token is not None:
                # A long wait may have outlived the token: ask again (a dict lookup when valid).
                token = self._token()
                self._carry(request, token)

    async def async_auth_flow(self, request: httpx.Request):
        raise ConfigurationError(
            "authsome_nb's Graph auth works with httpx.Client, not httpx.AsyncClient",
            remedy="use an.client(...) (a synchronous httpx.Client), or pass "
            "headers={'Authorization': f'Bearer {an.token().value}'} to your async client",
        )
        yield request  # pragma: no cover - makes this an async generator, as httpx expects


def claims_challenge(headers: httpx.Headers) -> str | None:
    """The decoded ``claims`` of a CAE challenge in ``WWW-Authenticate``, else None."""
    for value in headers.get_list("WWW-Authenticate"):
        found = _CLAIMS.search(value)
        if not found:
            continue
        raw = found.group(1)
        if raw.lstrip().startswith("{"):
            return raw  # already JSON, as some gateways send it
        padded = raw.translate(_URLSAFE) + "=" * (-len(raw) % 4)
        try:
            return base64.b64decode(padded, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            return None
    return None
