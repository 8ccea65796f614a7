"""A local stand-in for the Microsoft identity platform (v2.0) and Microsoft Graph v1.0.

Served over HTTPS on loopback with its own CA, scriptable from tests, notebooks and other
processes, and faithful enough for MSAL itself::

    from authsome_nb_emulator import Emulator

    with Emulator() as emu:
        emu.url, emu.ca_path, emu.client_id, emu.authority()

It is its own distribution (``authsome-nb-emulator``) and imports nothing from authsome_nb:
only the standard library and ``cryptography``.  The names below load on first use, so the
pytest plugin (registered for every pytest run of an environment that has this installed)
costs nothing until a test asks for an emulator.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.2.0"

_EXPORTS = {
    "Emulator": "._emulator",
    "EmulatorClient": "._client",
    "EmulatorBrowserError": "._errors",
    "EmulatorError": "._errors",
    "UnknownUserCodeError": "._errors",
    "UnknownUserError": "._errors",
    "MSA_TENANT_ID": "._users",
    "User": "._users",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> object:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'authsome_nb_emulator' has no attribute {name!r}")
    value = getattr(import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:  # pragma: no cover - for editors and type checkers only
    from ._client import EmulatorClient
    from ._emulator import Emulator
    from ._errors import (
        EmulatorBrowserError,
        EmulatorError,
        UnknownUserCodeError,
        UnknownUserError,
    )
    from ._users import MSA_TENANT_ID, User
