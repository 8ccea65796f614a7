"""JupyterHub as a token source: the ``microsoft/hub`` connection.

When the Hub signs its users in with Microsoft Entra ID (oauthenticator, ``enable_auth_state``)
it keeps each user's access token in their ``auth_state``.  A server the Hub spawned may read
its own user's (``admin:auth_state!user``), so a notebook on the Hub needs no sign-in of its
own.  The Hub stays the only party that refreshes: this module never touches the refresh
token in the auth state (it is dropped as soon as the answer is parsed), so rotation cannot
break anything.

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

import base64
import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .._connection import AccessToken, Connection
from .._home import ensure_private_dir
from .._providers import Provider, load_provider
from .._scopes import covers, dedupe, scope_keys, split_scopes
from ..errors import (
    ConsentRequiredError,
    NetworkError,
    NotSignedInError,
    ReauthenticationRequired,
    Step,
)
from ..store._lock import InterProcessLock
from ._hub_api import HubEnvironment

HUB_CONNECTION = "hub"
HUB_FLOW = "jupyterhub"
LOCK_FILE = "jupyterhub.lock"
#: Microsoft Graph's application id, the ``aud`` of its access tokens (in every cloud).
GRAPH_AUDIENCES = frozenset({"00000003-0000-0000-c000-000000000000",
                             "https://graph.microsoft.com", "https://graph.microsoft.com/"})
_OIDC_SCOPES = frozenset({"openid", "profile", "email", "offline_access"})
_UNAVAILABLE_FOR = 30.0  # seconds a "the Hub has no token for you" answer is remembered
_README = "README, section JupyterHub"


def margin_for(lifetime: float) -> float:
    """Ask the Hub again when this much is left: a tenth of the lifetime, 1 s to 5 min."""
    return min(300.0, max(lifetime / 10, 1.0))


@dataclass(frozen=True)
class HubToken:
    """The Hub's access token for this user, with what we need to know about it."""

    value: str
    expires_at: float
    lifetime: float
    scopes: tuple[str, ...]
    username: str | None
    display_name: str | None
    tenant_id: str | None
    client_id: str | None

    def __repr__(self) -> str:
        return f"<HubToken {self.username} (masked), expires {self.expires_at:.0f}>"

    def fresh(self, now: float) -> bool:
        return self.expires_at - now > margin_for(self.lifetime)

    def valid(self, now: float) -> bool:
        return self.expires_at - now > min(30.0, max(self.lifetime / 30, 0.5))


def jwt_claims(token: str | None) -> dict[str, Any] | None:
    """The payload of a JWT-shaped token, unverified (None if it is not one).

    Only used to read what the Hub's token says about itself (expiry, audience, tenant):
    the Hub, which obtained it from the identity platform, is the party we trust.
    """
    parts = (token or "").split(".")
    if len(parts) != 3:
        return None
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def parse_auth_state(auth_state: Any, provider: Provider, user: str,
                     now: float | None = None) -> HubToken:
    """The Microsoft Graph token in oauthenticator's ``auth_state``, or why there is none."""
    now = time.time() if now is None else now
    if not isinstance(auth_state, dict):
        raise _unavailable(
            f"JupyterHub gives this server no auth_state for {user}",
            "the Hub admin sets c.Authenticator.enable_auth_state = True (JUPYTERHUB_CRYPT_KEY "
            "set) and grants admin:auth_state!user to both the 'user' and the 'server' roles "
            f"({_README})")
    value = auth_state.get("access_token")
    if not isinstance(value, str) or not value:
        raise _unavailable(f"JupyterHub's auth_state for {user} holds no access token",
                           "the Hub's authenticator must keep its tokens in auth_state "
                           f"(oauthenticator does, with enable_auth_state) ({_README})")
    claims = jwt_claims(value) or {}
    user_info = _user_info(auth_state)
    id_claims = jwt_claims(auth_state.get("id_token")) or {}
    _check_microsoft(claims, id_claims, provider, user)
    token_response = auth_state.get("token_response")
    response: dict[str, Any] = token_response if isinstance(token_response, dict) else {}
    lifetime = _number(response.get("expires_in"))
    if lifetime is None and _number(claims.get("exp")) and _number(claims.get("iat")):
        lifetime = float(claims["exp"]) - float(claims["iat"])
    expires_at = _number(auth_state.get("expires_at")) or _number(claims.get("exp"))
    if expires_at is None:  # neither stamped by the Hub's hook nor readable: ask again soon
        expires_at, lifetime = now + 600.0, 3600.0
    granted = auth_state.get("scope") or response.get("scope") or claims.get("scp") or ()
    scopes = dedupe(s for s in split_scopes(granted) if s.lower() not in _OIDC_SCOPES)
    return HubToken(
        value=value, expires_at=expires_at, lifetime=lifetime or 3600.0, scopes=scopes,
        username=_first(user_info, "userPrincipalName", "preferred_username", "upn", "mail",
                        "email") or _first(id_claims, "preferred_username", "upn", "email")
        or _first(claims, "upn", "unique_name"),
        display_name=_first(user_info, "displayName", "name") or _first(id_claims, "name"),
        tenant_id=_first(claims, "tid") or _first(id_claims, "tid") or _first(user_info, "tid"),
        client_id=_first(claims, "appid", "azp") or _first(id_claims, "aud"),
    )


class HubTokenSource:
    """The ``microsoft/hub`` connection of one store home, served from the Hub's auth_state."""

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
        return f"<HubTokenSource {self.environment!r}>"

    # -- tokens ------------------------------------------------------------------------------
    def token(self, scopes: Iterable[str] | None = None, *, stale: str | None = None,
              ) -> AccessToken:
        """The Hub's token for this user, covering ``scopes``; ``stale``: one Graph refused."""
        served = self._served
        if stale is None and scopes is None and served is not None and time.time() < served[0]:
            return served[1]  # a tuple read and a clock read: as cheap as the store's path
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
                now = time.time()
                if found.value != stale and found.valid(now):
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
            self._unavailable = (exc, time.monotonic() + _UNAVAILABLE_FOR)
            raise

    def _auth_state(self) -> Any:
        env = self.environment
        response = env.request("GET", env.user_url)
        if response.status_code in (401, 403, 404):
            raise _unavailable(
                f"JupyterHub refused this server's token to read {env.user}'s auth state "
                f"(HTTP {response.status_code})",
                "the Hub admin grants the scope admin:auth_state!user to both the 'user' and "
                f"the 'server' roles ({_README})")
        if response.status_code != 200:
            raise _unavailable(f"JupyterHub answered HTTP {response.status_code} for "
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
            f"refresh_user_hook = authsome_nb.hub.refresh_before_expiry ({_README})")

    def _process_lock(self) -> InterProcessLock:
        if self._lock is None:
            ensure_private_dir(self.home)
            self._lock = InterProcessLock(self.home / LOCK_FILE, timeout=self.patience * 4)
        return self._lock

    def _provider(self) -> Provider:
        return load_provider(self.provider_name, self.home)

    # -- the connection ----------------------------------------------------------------------
    def connection(self) -> Connection:
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

    def connection_or_none(self) -> Connection | None:
        """The connection, or None when the Hub has no Microsoft token for this user (or
        cannot be reached just now)."""
        try:
            return self.connection()
        except (NotSignedInError, NetworkError):
            return None

    def login_connection(self, connection: str, wanted: Iterable[str] | None,
                         ) -> Connection | None:
        """What a sign-in on the Hub returns: the Hub's connection if its token covers
        ``wanted`` (None: whatever it covers), else None — or, for ``hub`` itself, why not."""
        found = self.connection_or_none()
        if found is not None and (wanted is None or covers(found.scopes, wanted)):
            return found
        if connection == HUB_CONNECTION:
            self.token(wanted)  # raises: no token from the Hub, or scopes it lacks
            return self.connection()
        return None


def missing_scopes_error(provider: Provider, granted: Iterable[str], wanted: Iterable[str],
                         ) -> ConsentRequiredError:
    """Which scopes the Hub's token lacks, and the sign-in that gets them."""
    missing = sorted(scope_keys(wanted) - scope_keys(granted))
    names = [s for s in split_scopes(wanted) if s.lower() in missing] or missing
    service = next((name for name, preset in provider.services.items()
                    if set(missing) <= scope_keys(preset)), None)
    asked = {"services": [service]} if service else {"scopes": names}
    return ConsentRequiredError(
        f"JupyterHub's token (microsoft/hub) does not include {', '.join(names)}: the Hub "
        f"asked Microsoft only for {' '.join(granted) or 'no Graph scopes'}",
        remedy="sign in for it in this notebook: {step} (a connection of your own; the Hub "
        "service's callback makes that PKCE in this browser), or ask the Hub admin to add it "
        "to the authenticator's scope",
        step=Step.of("login", provider.name, None, **asked))


def _unavailable(message: str, remedy: str) -> NotSignedInError:
    return NotSignedInError(message, remedy=remedy)


def _check_microsoft(claims: dict, id_claims: dict, provider: Provider, user: str) -> None:
    """Refuse a token that is not Microsoft Graph's: a Hub may sign in with GitHub or Google."""
    audience = claims.get("aud")
    if isinstance(audience, str) and audience in GRAPH_AUDIENCES:
        return
    issuer_host = urlsplit(str(id_claims.get("iss") or "")).netloc.lower()
    authority_host = urlsplit(provider.authority_for(None)).netloc.lower()
    if not audience and issuer_host and issuer_host == authority_host:
        return  # an opaque access token (personal accounts) from the provider's authority
    where = f" (it is for {audience})" if isinstance(audience, str) and audience else ""
    raise _unavailable(
        f"JupyterHub's token for {user} is not a Microsoft Graph token{where}",
        "a Hub that signs in with Microsoft Entra ID asks for Graph scopes (User.Read …) in "
        f"the authenticator's scope ({_README}); elsewhere sign in here: "
        "%authsome login microsoft")


def _user_info(auth_state: dict) -> dict:
    """oauthenticator's user model: ``oauth_user`` (GenericOAuthenticator) or ``user`` (Azure)."""
    for key in ("oauth_user", "user"):
        value = auth_state.get(key)
        if isinstance(value, dict):
            return value
    return {}


def _first(data: dict, *names: str) -> str | None:
    for name in names:
        value = data.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def hub_token_source(home: Path, provider: str = "microsoft") -> HubTokenSource | None:
    """The Hub's token source for a store in ``home``, or None when not on a JupyterHub."""
    environment = HubEnvironment.from_environ()
    return None if environment is None else HubTokenSource(home, environment, provider)
