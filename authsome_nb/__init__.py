"""authsome_nb — sign-in for Jupyter.

``import authsome_nb as an``, then ``an.login("microsoft")``, ``an.token()``,
``an.graph().frame("/me/messages")``.  In a notebook: ``%load_ext authsome_nb`` and
``%authsome login microsoft``.

Everything here is imported lazily (PEP 562): importing the package, or loading the
IPython extension, pulls in neither msal, httpx, pandas nor ipywidgets until first used.
"""

from __future__ import annotations

from ._lazy import lazy_exports

try:
    from ._version import __version__  # written by the build (hatch), from package.json
except ImportError:  # pragma: no cover - a source tree that was never installed
    __version__ = "0+unknown"

TYPE_CHECKING = False  # typing costs ~10 ms to import; annotations here are strings anyway

_ERRORS = (
    "AccountMismatchError", "AuthsomeError", "ConfigurationError", "ConsentRequiredError",
    "GraphError", "InsecureHomeError", "MissingDependencyError", "NetworkError",
    "NotSignedInError", "ProviderError", "ReauthenticationRequired", "SignInCancelled",
    "SignInDeclined", "SignInError", "SignInTimeout", "StateMismatchError", "StoreDecryptError",
    "StoreError", "StoreFullError", "StorePermissionError", "StoreVersionError",
    "StoreWriteError", "TokenError", "UnknownProviderError", "UserInfoError",
)

# public name -> module that defines it
_EXPORTS = {
    **dict.fromkeys(
        ("login", "logout", "connections", "get", "token", "refresh", "export", "providers",
         "key_source", "reset_store", "session", "client", "graph", "credential", "run"),
        "._api",
    ),
    "Session": "._session",
    "Connection": "._connection",
    "AccessToken": "._connection",
    "GraphClient": "._graph",
    "RetryPolicy": "._graph",
    "Provider": "._providers",
    "LoginButton": ".notebook.widgets",
    **dict.fromkeys(_ERRORS, ".errors"),
}

__all__ = sorted([*_EXPORTS, "__version__", "events", "errors"])


# ``events`` and ``errors`` are the public submodules, reachable as attributes too.
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, submodules=("events", "errors"))


def load_ipython_extension(ipython) -> None:
    """``%load_ext authsome_nb``: registers ``%authsome`` and ``%%graph``."""
    from .notebook import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython) -> None:
    from .notebook import unload_ipython_extension as unload

    unload(ipython)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "authsome_nb.jupyter"}]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "authsome-nb"}]


if TYPE_CHECKING:  # pragma: no cover - for editors and type checkers only
    from . import errors, events
    from ._api import (
        client,
        connections,
        credential,
        export,
        get,
        graph,
        key_source,
        login,
        logout,
        providers,
        refresh,
        reset_store,
        run,
        session,
        token,
    )
    from ._connection import AccessToken, Connection
    from ._graph import GraphClient, RetryPolicy
    from ._providers import Provider
    from ._session import Session
    from .errors import (
        AccountMismatchError,
        AuthsomeError,
        ConfigurationError,
        ConsentRequiredError,
        GraphError,
        InsecureHomeError,
        MissingDependencyError,
        NetworkError,
        NotSignedInError,
        ProviderError,
        ReauthenticationRequired,
        SignInCancelled,
        SignInDeclined,
        SignInError,
        SignInTimeout,
        StateMismatchError,
        StoreDecryptError,
        StoreError,
        StoreFullError,
        StorePermissionError,
        StoreVersionError,
        StoreWriteError,
        TokenError,
        UnknownProviderError,
        UserInfoError,
    )
    from .notebook.widgets import LoginButton
