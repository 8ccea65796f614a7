"""authsome_nb — sign-in for Jupyter.

``import authsome_nb as an``, then ``an.login("microsoft")``, ``an.token()``,
``an.graph().frame("/me/messages")``.  In a notebook: ``%load_ext authsome_nb`` and
``%authsome login microsoft``.

Everything here is imported lazily (PEP 562): importing the package, or loading the
IPython extension, pulls in neither msal, httpx, pandas nor ipywidgets until first used.
"""

from __future__ import annotations

from importlib import import_module

from ._version import __version__

TYPE_CHECKING = False  # typing costs ~10 ms to import; annotations here are strings anyway

# public name -> module that defines it
_EXPORTS = {
    "login": "._api",
    "logout": "._api",
    "connections": "._api",
    "get": "._api",
    "token": "._api",
    "refresh": "._api",
    "export": "._api",
    "providers": "._api",
    "key_source": "._api",
    "reset_store": "._api",
    "session": "._api",
    "Session": "._session",
    "Connection": "._connection",
    "AccessToken": "._connection",
    "client": "._graph",
    "graph": "._graph",
    "GraphClient": "._graph",
    "Provider": "._providers",
    "LoginButton": ".notebook.widgets",
    "AuthsomeError": ".errors",
    "ConfigurationError": ".errors",
    "ProviderError": ".errors",
    "SignInError": ".errors",
    "SignInCancelled": ".errors",
    "SignInDeclined": ".errors",
    "SignInTimeout": ".errors",
    "ConsentRequiredError": ".errors",
    "TokenError": ".errors",
    "NotSignedInError": ".errors",
    "ReauthenticationRequired": ".errors",
    "StoreError": ".errors",
    "GraphError": ".errors",
    "NetworkError": ".errors",
    "UserInfoError": ".errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> object:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'authsome_nb' has no attribute {name!r}")
    value = getattr(import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


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
    from ._api import (  # noqa: F401
        connections,
        export,
        get,
        key_source,
        login,
        logout,
        providers,
        refresh,
        reset_store,
        session,
        token,
    )
    from ._connection import AccessToken, Connection  # noqa: F401
    from ._session import Session  # noqa: F401
    from .errors import AuthsomeError  # noqa: F401
