"""What every sign-in engine offers the session: sign in, refresh, explain a failure, revoke.

Three engines implement it: MSAL's for Microsoft (``_msal_engine``), the generic OAuth 2.0 /
OpenID Connect one for every other provider (``oauth2``), and API keys (``_api_key``).  The
session stores what an engine returns (``SignInOutcome.state``, ``Refreshed.updates``) in the
connection's encrypted record, and the token hot path reads access tokens out of records
without asking any engine (``_token_index``), so every engine costs the same stat and dict
lookup per call.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..events import EventHandler, print_event
from ._environment import Flow

if TYPE_CHECKING:
    from .._providers import Provider
    from ..errors import AuthsomeError


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


@dataclass(frozen=True)
class Account:
    """Who signed in, as the connection shows it."""

    username: str | None = None
    display_name: str | None = None
    tenant_id: str | None = None
    #: what the provider issues to tell accounts apart (MSAL's home account id, OpenID
    #: Connect's issuer and ``sub``, a profile's ``id``): never a name someone can type
    id: str | None = None


@dataclass
class SignInOutcome:
    flow: str
    account: Account
    # What the engine keeps in the connection's record (tokens and its own bookkeeping).
    state: dict = field(default_factory=dict)


@dataclass
class Refreshed:
    """A refresh's answer: ``result`` holds ``access_token`` (and ``expires_at``) or ``error``;
    ``updates`` are the record's fields to store (empty: nothing changed)."""

    result: dict
    updates: dict = field(default_factory=dict)


class Engine(Protocol):
    name: str

    def sign_in(self, request: SignInRequest) -> SignInOutcome: ...

    def refresh(self, record: dict, scopes: list[str], *, force: bool,
                claims: str | None) -> Refreshed: ...

    def error_of(self, result: dict, context: str) -> AuthsomeError: ...

    def revoke(self, record: dict) -> None: ...

    def forget(self, key: str | None = None) -> None: ...
