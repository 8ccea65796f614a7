"""Sign-in engines: MSAL for Microsoft, a generic OAuth 2.0 / OpenID Connect one for the rest,
and API keys.

:func:`new_engine` gives the engine a provider definition names (``engine``: ``msal`` or
``oauth2``; ``api_key`` for API-key providers); each implements :class:`~._engine.Engine`.
The two OAuth engines share the flow choice (``_planning``), the loopback listener and the
Jupyter server's callback (``rendezvous``), and emit the same events.  Nothing is stored
here: the session stores an outcome only once it is complete.
"""

from __future__ import annotations

from ._engine import Account, Engine, Refreshed, SignInOutcome, SignInRequest
from ._environment import Flow
from ._registrations import StoredRegistrations

__all__ = ["Account", "Engine", "Flow", "Refreshed", "SignInOutcome", "SignInRequest",
           "StoredRegistrations", "new_engine"]


def new_engine(name: str) -> Engine:
    """A new engine of kind ``name`` (a session keeps one of each)."""
    if name == "msal":
        from ._msal_engine import MsalEngine

        return MsalEngine()
    if name == "api_key":
        from ._api_key import ApiKeyEngine

        return ApiKeyEngine()
    from .oauth2 import OAuth2Engine

    return OAuth2Engine()
