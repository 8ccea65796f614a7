"""Exceptions the emulator raises at its callers (tests, notebooks, the CLI).

Protocol errors (AADSTS, Graph) are never raised: they are answers the emulator sends over
HTTP, exactly as the real services do.  These exceptions are for misuse of the emulator
itself (an unknown user code, a browser that met an error page, a control call refused).
"""

from __future__ import annotations


class EmulatorError(Exception):
    """Base of every exception the emulator raises on purpose."""


class UnknownUserError(EmulatorError, LookupError):
    """No user (or more than one) matches the name given to ``Emulator.user``."""


class UnknownUserCodeError(EmulatorError, LookupError):
    """The device user code is unknown, or no longer waiting for approval."""


class EmulatorBrowserError(EmulatorError):
    """The simulated browser met an error page instead of a redirect.

    ``aadsts`` is the AADSTS code shown on the page (if any), ``status`` the HTTP status and
    ``text`` the visible text of the page, so tests can assert on what a person would read.
    """

    def __init__(self, message: str, *, status: int = 0, aadsts: int | None = None,
                 text: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.aadsts = aadsts
        self.text = text
