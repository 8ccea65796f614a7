"""What every sign-in engine offers: sign in, refresh, explain a failure, revoke.

Three engines implement it: MSAL's for Microsoft (``_msal_engine``), the generic OAuth 2.0 /
OpenID Connect one for every other provider (``oauth2``), and API keys (``_api_key``).  An
engine's state is a typed part of the connection's record (``store.MsalState``,
``store.OAuth2State``, ``store.ApiKeyState``): a sign-in returns one (``SignInOutcome.state``),
a refresh may return a new one (``Refreshed.state``), and the store's token source keeps it.
The token hot path reads access tokens out of records without asking any engine, so every
engine costs the same stat and dict lookup per call.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ..events import EventHandler, print_event
from ..store import Account, ConnectionRecord, EngineState
from ._environment import Flow

if TYPE_CHECKING:
    from .._providers import Provider
    from ..errors import AuthsomeError

__all__ = ["BROWSER_WAIT", "Account", "Engine", "Refreshed", "SignInOutcome", "SignInRequest"]


@dataclass
class SignInRequest:
    client_id: str
    authority: str
    scopes: list[str]
    flow: Flow = "auto"
    supports_device_code: bool = True
    client_secret: str | None = None
    open_browser: Any = True
    timeout: float | None = None  # None: as long as the device code / browser sign-in is valid
    on_event: EventHandler = print_event
    cancel: threading.Event | None = None
    redirect: Any = None  # a redirect target for PKCE; None: a loopback listener
    login_hint: str | None = None
    provider: Provider | None = None  # the definition (the generic engine reads its settings)
    api_key: str | None = None  # an API-key provider's key (None: ask for it without echo)
    registrations: Any = None  # where registered clients are kept (RFC 7591; the store's)


#: How long a browser sign-in may take when no timeout is given: as long as a device code is
#: valid (``expires_in`` 900 s at Microsoft), time for a password, MFA and consent.  The
#: authorization code that comes back is short-lived (about 10 minutes) and is redeemed at once:
#: https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
BROWSER_WAIT = 900.0


@dataclass
class SignInOutcome:
    flow: str
    account: Account
    #: what the engine keeps in the connection's record (tokens and its own bookkeeping)
    state: EngineState
    #: the app that signed in, when the engine registered one (RFC 7591) rather than being
    #: given one: refreshes need it
    client_id: str | None = None
    client_secret: str | None = None


@dataclass
class Refreshed:
    """A refresh's answer: ``result`` holds ``access_token`` (and ``expires_at`` or
    ``expires_in``, ``scope``) or ``error``; ``state`` is the record's new engine state (None:
    nothing to store)."""

    result: dict[str, Any]
    state: EngineState | None = None


class Engine(Protocol):
    name: str

    def sign_in(self, request: SignInRequest) -> SignInOutcome: ...

    def refresh(self, record: ConnectionRecord, scopes: list[str], *, force: bool,
                claims: str | None) -> Refreshed: ...

    def error_of(self, result: dict[str, Any], context: str) -> AuthsomeError: ...

    def revoke(self, record: ConnectionRecord) -> None: ...

    def forget(self, key: str | None = None) -> None: ...
