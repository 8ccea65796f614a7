"""JupyterHub as a token source: the ``microsoft/hub`` connection.

When the Hub signs its users in with Microsoft Entra ID (oauthenticator, ``enable_auth_state``)
it keeps each user's access token in their ``auth_state``.  A server the Hub spawned may read
its own user's (``admin:auth_state!user``), so a notebook on the Hub needs no sign-in of its
own: this source serves ``microsoft/hub``, and ``microsoft/default`` until the user signs in
otherwise (the store, asked first, then serves it).  The Hub stays the only party that
refreshes.

* The token is kept in memory until shortly before it expires (a tenth of its lifetime, at
  most 5 minutes, as MSAL does), then the Hub is asked again.  The Hub refreshes when asked
  after its ``auth_refresh_age`` (``authsome_nb.hub.refresh_before_expiry`` makes it refresh
  *before* expiry).
* The Hub does not serialise refreshes of one user: several kernels asking at once make
  several refresh grants, and with rotation all but one fail.  So a user's kernels ask one
  at a time, under an inter-process lock in the store's folder; the next finds the token the
  first one's request made the Hub refresh.
* A 401 from Graph names the refused token (``stale``): the Hub is asked again, and while it
  still hands out that token (it refreshes at most every ``auth_refresh_age``) asked again a
  few times over ~20 s before giving up with a clear error.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .._connection import AccessToken, Connection
from .._home import ensure_private_dir
from .._providers import Provider, load_provider
from .._scopes import covers, split_scopes
from ..errors import ConfigurationError, NetworkError, NotSignedInError, ReauthenticationRequired
from ..flows import HubEnvironment
from ..store import InterProcessLock
from ._errors import not_signed_in
from ._hub_token import (
    HUB_CONNECTION,
    HUB_FLOW,
    README_SECTION,
    UNAVAILABLE_FOR,
    HubToken,
    margin_for,
    missing_scopes_error,
    parse_auth_state,
    unavailable,
)
from ._protocol import SignInAsk

LOCK_FILE = "jupyterhub.lock"
SERVED = (HUB_CONNECTION, "default")  # the connections the Hub answers for


class HubSource:
    """``microsoft/hub`` (and ``microsoft/default`` when not stored) from the Hub's auth_state."""

    #: how long a refused (``stale``) or expired token may be handed out again before we give up
    patience = 20.0

    def __init__(self, home: Path, environment: HubEnvironment,
                 provider: str = "microsoft") -> None:
        self.home = home
        self.environment = environment
        self.provider_name = provider
        self._cached: HubToken | None = None
        self._served: tuple[float, AccessToken] | None = None  # the hot path: (fresh until, it)
        self._recheck_at = 0.0  # monotonic: a near-expiry token is used until then
        self._unavailable: tuple[NotSignedInError, float] | None = None
        self._mutex = threading.Lock()
        self._lock: InterProcessLock | None = None

    def __repr__(self) -> str:
        return f"<HubSource {self.environment!r}>"

    def _serves(self, provider: str, connection: str) -> bool:
        return provider == self.provider_name and connection in SERVED

    # -- the TokenSource seam ----------------------------------------------------------------
    def token(self, provider: str, connection: str,
              scopes: tuple[str, ...] | None) -> AccessToken | None:
        served = self._served
        if scopes is None and served is not None and time.time() < served[0] \
                and self._serves(provider, connection):
            return served[1]  # a tuple read and a clock read: as cheap as the store's path
        if not self._serves(provider, connection):
            return None
        with self._said_for(provider, connection):
            return self.hub_token(scopes)

    def refresh(self, provider: str, connection: str, scopes: tuple[str, ...] | None, *,
                stale: str | None, claims: str | None) -> AccessToken | None:
        if not self._serves(provider, connection):
            return None
        with self._said_for(provider, connection):  # the Hub refreshes: ask it again
            return self.hub_token(scopes, stale=stale or "")

    def connection(self, provider: str, connection: str) -> Connection | None:
        if not self._serves(provider, connection):
            return None
        with self._said_for(provider, connection):
            self.hub_token(None)  # raises when the Hub has no token for this user
        return self._connection()

    def connections(self, provider: str | None) -> list[Connection]:
        if provider not in (None, self.provider_name):
            return []
        found = self._connection_or_none()  # listed only where the Hub has a token
        return [] if found is None else [found]

    def reuse(self, ask: SignInAsk) -> Connection | None:
        """Signed in at the Hub: its token serves unless scopes it lacks are asked for."""
        if ask.existing is not None or not self._serves(ask.provider.name, ask.connection):
            return None
        if ask.connection != HUB_CONNECTION and (ask.flow != "auto" or ask.force or ask.tenant
                                                 or ask.client_id):
            return None
        found = self._connection_or_none()
        wanted = ask.wanted if ask.scopes_named else None
        if found is not None and (wanted is None or covers(found.scopes, wanted)):
            return found
        if ask.connection == HUB_CONNECTION:
            self.hub_token(wanted)  # raises: no token from the Hub, or scopes it lacks
            return self._connection()
        return None

    def sign_out(self, provider: str, connection: str) -> bool | None:
        if not self._serves(provider, connection) or connection != HUB_CONNECTION:
            return None
        raise ConfigurationError(
            f"{provider}/{HUB_CONNECTION} is JupyterHub's sign-in, not one of this store",
            remedy="log out of the Hub to end it (JupyterLab: File → Log Out); connections "
            "signed in here sign out with %authsome logout microsoft --connection NAME")

    def refresh_token(self, provider: str, connection: str) -> str | None:
        return None  # the Hub's refresh token is never used, stored or shown here

    def _said_for(self, provider: str, connection: str) -> _SaidFor:
        return _SaidFor(provider, connection)

    # -- the Hub's token ---------------------------------------------------------------------
    def hub_token(self, scopes: Iterable[str] | None = None, *, stale: str | None = None,
                  ) -> AccessToken:
        """The Hub's token for this user, covering ``scopes``; ``stale``: one Graph refused."""
        cached = self._cached
        if stale is None and cached is not None and self._usable(cached):
            return self._checked(cached, scopes)
        return self._checked(self._renew(stale), scopes)

    def _usable(self, token: HubToken) -> bool:
        now = time.time()
        return token.fresh(now) or (token.valid(now) and time.monotonic() < self._recheck_at)

    def _renew(self, stale: str | None) -> HubToken:
        """Ask the Hub (one process of this user at a time) until it hands out a usable token."""
        with self._mutex, self._process_lock():
            cached = self._cached
            if cached is not None and cached.value != stale and self._usable(cached):
                return cached  # another thread asked while we waited
            give_up = time.monotonic() + self.patience
            delay = 0.5
            while True:
                found = self._fetch()
                if found.value != stale and found.valid(time.time()):
                    self._keep(found)
                    return found
                if time.monotonic() + delay > give_up:
                    self._cached = self._served = None
                    raise self._not_refreshed(found, stale)
                time.sleep(delay)
                delay = min(delay * 2, 4.0)

    def _keep(self, found: HubToken) -> None:
        self._cached = found
        # Near expiry, the Hub refreshes only after its auth_refresh_age: until then keep
        # using this one instead of asking on every call.
        self._recheck_at = time.monotonic() + min(15.0, found.lifetime / 20)
        self._served = (found.expires_at - margin_for(found.lifetime), self._access(found))

    def _fetch(self) -> HubToken:
        remembered = self._unavailable
        if remembered is not None and time.monotonic() < remembered[1]:
            raise remembered[0]
        try:
            return parse_auth_state(self._auth_state(), self._provider(), self.environment.user)
        except NotSignedInError as exc:
            self._unavailable = (exc, time.monotonic() + UNAVAILABLE_FOR)
            raise

    def _auth_state(self) -> Any:
        env = self.environment
        response = env.request("GET", env.user_url)
        if response.status_code in (401, 403, 404):
            raise unavailable(
                f"JupyterHub refused this server's token to read {env.user}'s auth state "
                f"(HTTP {response.status_code})",
                "the Hub admin grants the scope admin:auth_state!user to both the 'user' and "
                f"the 'server' roles ({README_SECTION})")
        if response.status_code != 200:
            raise unavailable(f"JupyterHub answered HTTP {response.status_code} for "
                              f"{env.user}'s auth state",
                              "try again in a moment; the Hub's log says more")
        try:
            body = response.json()
        except ValueError:
            body = None
        return body.get("auth_state") if isinstance(body, dict) else None

    def _checked(self, token: HubToken, scopes: Iterable[str] | None) -> AccessToken:
        wanted = split_scopes(scopes) if scopes is not None else []
        if wanted and not covers(token.scopes, wanted):
            raise missing_scopes_error(self._provider(), token.scopes, wanted)
        served = self._served
        return served[1] if served is not None and served[1] == token.value else \
            self._access(token)

    def _access(self, token: HubToken) -> AccessToken:
        return AccessToken(token.value, provider=self.provider_name, connection=HUB_CONNECTION,
                           expires_at=token.expires_at, scopes=token.scopes)

    def _not_refreshed(self, found: HubToken, stale: str | None) -> ReauthenticationRequired:
        what = ("still hands out the token Microsoft Graph refused" if found.value == stale
                else "still hands out an expired token")
        return ReauthenticationRequired(
            f"JupyterHub {what} for {self.environment.user} (microsoft/hub), after "
            f"{int(self.patience)} s",
            remedy="wait a minute and try again (the Hub refreshes at most every "
            "auth_refresh_age seconds), or log out of the Hub and in again; if it keeps "
            "happening the Hub's authenticator does not refresh tokens: its admin configures "
            f"refresh_user_hook = authsome_nb.hub.refresh_before_expiry ({README_SECTION})")

    def _process_lock(self) -> InterProcessLock:
        if self._lock is None:
            ensure_private_dir(self.home)
            self._lock = InterProcessLock(self.home / LOCK_FILE, timeout=self.patience * 4)
        return self._lock

    def _provider(self) -> Provider:
        return load_provider(self.provider_name, self.home)

    # -- the connection ----------------------------------------------------------------------
    def _connection(self) -> Connection:
        """``microsoft/hub`` as ``%authsome list`` shows it: asks the Hub (once, never waiting
        for a refresh) unless a valid token is in memory."""
        token = self._cached
        if token is None or not token.valid(time.time()):
            with self._mutex, self._process_lock():
                token = self._fetch()
                if token.valid(time.time()):
                    self._keep(token)
        return Connection(
            provider=self.provider_name, connection=HUB_CONNECTION, username=token.username,
            display_name=token.display_name, tenant_id=token.tenant_id, scopes=token.scopes,
            expires_at=token.expires_at, last_refresh=token.expires_at - token.lifetime,
            client_id=token.client_id, flow=HUB_FLOW)

    def _connection_or_none(self) -> Connection | None:
        """The connection, or None when the Hub has no Microsoft token for this user (or
        cannot be reached just now)."""
        try:
            return self._connection()
        except (NotSignedInError, NetworkError):
            return None


class _SaidFor:
    """Re-raise "the Hub has no token" for the connection asked: for ``default`` it also says
    that this store has none, and how to sign in here instead."""

    def __init__(self, provider: str, connection: str) -> None:
        self.provider, self.connection = provider, connection

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: object) -> None:
        if not isinstance(exc, NotSignedInError) or self.connection == HUB_CONNECTION:
            return
        base = not_signed_in(self.provider, self.connection)
        raise NotSignedInError(f"{base.message}, and {exc.message}",
                               remedy=f"{base._remedy}; or: {exc.remedy}",
                               step=base.step) from None


def hub_source(home: Path, provider: str = "microsoft") -> HubSource | None:
    """The Hub's token source for a store in ``home``, or None when not on a JupyterHub."""
    environment = HubEnvironment.from_environ()
    return None if environment is None else HubSource(home, environment, provider)
