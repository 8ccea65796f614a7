"""Sign-in engines: MSAL for Microsoft, a generic OAuth 2.0 / OpenID Connect one for the rest,
and API keys.

:func:`new_engine` gives the engine a provider definition names (``engine``: ``msal`` or
``oauth2``; ``api_key`` for API-key providers); each implements :class:`~._engine.Engine`.
The two OAuth engines share the flow choice (``_planning``), the loopback listener and the
Jupyter server's callback (``rendezvous``), and emit the same events.  Nothing is stored here:
the store's token source keeps an outcome once it is complete.

What other packages use of the sign-in machinery is named here too: the Jupyter server's side
of the redirect hand-over (:func:`claim_redirect`, :class:`Claim`, :func:`result_page`), and
how a server spawned by JupyterHub reaches its Hub (:class:`HubEnvironment`,
:func:`hub_service_redirect`).  The rest are this package's own.
"""

from __future__ import annotations

from .._lazy import lazy_exports
from ._engine import BROWSER_WAIT, Account, Engine, Refreshed, SignInOutcome, SignInRequest
from ._environment import Flow
from ._registrations import StoredRegistrations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from ._hub_api import SERVICE_URL_ENV, HubEnvironment
    from ._hub_redirect import HubServiceRedirect, hub_service_redirect
    from ._loopback import result_page
    from ._pending import Claim

__all__ = ["BROWSER_WAIT", "SERVICE_URL_ENV", "Account", "Claim", "Engine", "Flow",
           "HubEnvironment", "HubServiceRedirect", "Refreshed", "SignInOutcome",
           "SignInRequest", "StoredRegistrations", "claim_redirect", "hub_service_redirect",
           "new_engine", "result_page"]

__getattr__, __dir__ = lazy_exports(__name__, {
    "SERVICE_URL_ENV": "._hub_api",
    "HubEnvironment": "._hub_api",
    "HubServiceRedirect": "._hub_redirect",
    "hub_service_redirect": "._hub_redirect",
    "result_page": "._loopback",
    "Claim": "._pending",
}, submodules=("rendezvous",))


def claim_redirect(home: Path, params: dict[str, str]) -> Claim:
    """The Jupyter server's side of a redirect hand-over: give a waiting kernel its answer."""
    from ._pending import claim

    return claim(home, params)


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
