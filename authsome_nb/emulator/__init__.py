"""A local stand-in for the Microsoft identity platform (v2.0) and Microsoft Graph v1.0.

Served over HTTPS on loopback with its own CA, scriptable from tests, notebooks and other
processes, and faithful enough for MSAL itself::

    from authsome_nb.emulator import Emulator

    with Emulator() as emu:
        emu.url, emu.ca_path, emu.client_id, emu.authority()

It imports nothing else from authsome_nb (only the standard library and ``cryptography``).
"""

from ._client import EmulatorClient
from ._emulator import Emulator
from ._errors import EmulatorBrowserError, EmulatorError, UnknownUserCodeError, UnknownUserError
from ._users import MSA_TENANT_ID, User

__all__ = [
    "MSA_TENANT_ID",
    "Emulator",
    "EmulatorBrowserError",
    "EmulatorClient",
    "EmulatorError",
    "UnknownUserCodeError",
    "UnknownUserError",
    "User",
]
