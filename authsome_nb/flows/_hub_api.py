"""What a single-user server of JupyterHub knows about its Hub, and how it talks to it.

JupyterHub gives every server it spawns (and so every kernel and terminal of it) its API's
URL, an API token of the server, and the user's name.  With that token the server may ask
the Hub for its own user's model — and, when the admin grants ``admin:auth_state!user``, the
``auth_state`` in which oauthenticator keeps the Entra access token.  The same token proves
to a Hub service (``/services/authsome/``) which user is asking.

``GET $JUPYTERHUB_API_URL/users/$JUPYTERHUB_USER`` is used rather than ``/user``: JupyterHub
6.1 answers ``"auth_state": null`` on ``/user`` even when the scope is granted
(jupyterhub/jupyterhub#5103).

Nothing here imports JupyterHub: kernels load this module.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .._outbound import own_client_options
from .._tls import network_error, ssl_context
from ..errors import ConfigurationError

if TYPE_CHECKING:
    import httpx

API_URL_ENV = "JUPYTERHUB_API_URL"
API_TOKEN_ENV = "JUPYTERHUB_API_TOKEN"
USER_ENV = "JUPYTERHUB_USER"
#: ``0`` turns the Hub's tokens off in this server (a notebook then signs in by itself).
HUB_TOKENS_ENV = "AUTHSOME_NB_HUB_TOKENS"
#: Where kernels reach the authsome Hub service (set by ``authsome_nb.hub.spawner_environment``).
SERVICE_URL_ENV = "AUTHSOME_NB_HUB_SERVICE_URL"
TIMEOUT_SECONDS = 15.0


@dataclass(frozen=True)
class HubEnvironment:
    """The Hub as this server sees it; the token never appears in a repr."""

    api_url: str
    user: str
    service_url: str | None
    _token: str
    _client_cert: tuple[str, str] | None = None
    _ca_file: str | None = None

    def __repr__(self) -> str:
        return f"<HubEnvironment {self.api_url} user={self.user!r}>"

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> HubEnvironment | None:
        """The Hub of this server, or None when it was not spawned by one (or it is turned off)."""
        env = os.environ if environ is None else environ
        api_url, token, user = (env.get(name, "") for name in (API_URL_ENV, API_TOKEN_ENV,
                                                                 USER_ENV))
        if not (api_url and token and user) or env.get(HUB_TOKENS_ENV, "1") == "0":
            return None
        cert, key = env.get("JUPYTERHUB_SSL_CERTFILE"), env.get("JUPYTERHUB_SSL_KEYFILE")
        return cls(api_url=api_url.rstrip("/"), user=user,
                   service_url=(env.get(SERVICE_URL_ENV) or "").rstrip("/") or None,
                   _token=token, _client_cert=(cert, key) if cert and key else None,
                   _ca_file=env.get("JUPYTERHUB_SSL_CLIENT_CA") or None)

    @property
    def user_url(self) -> str:
        return f"{self.api_url}/users/{quote(self.user, safe='')}"

    def request(self, method: str, url: str, *, json: Any = None,
                timeout: float | None = None) -> httpx.Response:
        """One request with the server's token (``Authorization: token …``); an httpx.Response.

        Transport failures become :class:`~authsome_nb.errors.NetworkError` naming the host.
        """
        import httpx

        try:
            with httpx.Client(verify=self._verify(), timeout=timeout or TIMEOUT_SECONDS,
                              follow_redirects=False, **own_client_options()) as client:
                return client.request(method, url, json=json,
                                      headers={"Authorization": f"token {self._token}"})
        except httpx.TransportError as exc:
            raise network_error(url, exc) from None

    def _verify(self) -> ssl.SSLContext:
        """JupyterHub's internal TLS when it uses it (its CA and this server's certificate),
        else the CA bundle in force for everything else (``AUTHSOME_NB_CA_BUNDLE`` …)."""
        if self._ca_file is None and self._client_cert is None:
            return ssl_context()
        try:
            context = ssl.create_default_context(cafile=self._ca_file)
            if self._client_cert is not None:
                context.load_cert_chain(*self._client_cert)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigurationError(
                f"JupyterHub's internal TLS files cannot be loaded ({exc})",
                remedy="check JUPYTERHUB_SSL_CLIENT_CA, JUPYTERHUB_SSL_CERTFILE and "
                "JUPYTERHUB_SSL_KEYFILE in this server's environment",
            ) from None
        return context
