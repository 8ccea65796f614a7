"""One exception hierarchy, so callers catch at the level they care about.

Every error carries a one-line ``remedy`` (what the user should do next) and, when the
identity platform answered, the ``aadsts`` code.  Messages never contain a token: they are
built from our own words, MSAL's error codes and descriptions, file names and connection
names only.
"""

from __future__ import annotations


class AuthsomeError(Exception):
    """Base of every error authsome_nb raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        remedy: str | None = None,
        aadsts: int | None = None,
        error: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.remedy = remedy
        self.aadsts = aadsts
        self.error = error

    def __str__(self) -> str:
        if self.remedy:
            return f"{self.message}\n  What to do: {self.remedy}"
        return self.message

    def _render_traceback_(self) -> list[str]:
        """IPython shows this instead of a traceback: the message and its remedy are enough."""
        return [f"{type(self).__name__}: {self}"]


class ConfigurationError(AuthsomeError):
    """Something is missing or wrong in the setup (client id, arguments, environment)."""


class ProviderError(ConfigurationError):
    """A provider definition file is malformed; names the file, the line and the field."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
        remedy: str | None = None,
    ) -> None:
        where = path or "<provider definition>"
        if line is not None:
            where += f", line {line}"
        if field:
            where += f", field '{field}'"
        super().__init__(f"{where}: {message}", remedy=remedy)
        self.path = path
        self.line = line
        self.field = field


class UnknownProviderError(ConfigurationError):
    """The provider name matches neither a bundled definition nor an override file."""


class SignInError(AuthsomeError):
    """A sign-in did not complete."""


class SignInCancelled(SignInError):
    """The user (or a KeyboardInterrupt, or a Cancel button) stopped the sign-in."""


class SignInDeclined(SignInError):
    """The person at the browser declined the sign-in or the consent."""


class SignInTimeout(SignInError):
    """Nobody completed the sign-in in time (device code expired, redirect never came)."""


class StateMismatchError(SignInError):
    """The redirect's ``state`` did not match: possible CSRF, or an old browser tab."""


class AccountMismatchError(SignInError):
    """A sign-in again for an existing connection came back as another account (someone else's
    code, or the wrong account picked in the browser); refused unless ``force=True``."""


class TokenError(AuthsomeError):
    """No usable token could be produced for a connection: ``except TokenError`` catches every
    way a token request or a refresh can fail."""


class ConsentRequiredError(SignInError, TokenError):
    """The requested scopes need the user's (or an admin's) consent in the browser.

    Raised by a sign-in, and by a token request or refresh for scopes not yet granted: it is
    both a :class:`SignInError` and a :class:`TokenError`.
    """


class NotSignedInError(TokenError):
    """The connection does not exist in the store."""


class ReauthenticationRequired(TokenError):
    """The refresh token no longer works: sign in again (names the connection)."""


class UserInfoError(AuthsomeError):
    """Graph ``/me`` failed right after sign-in (the seed's "Failed to get user info")."""


class NetworkError(AuthsomeError):
    """The identity platform or the API could not be reached (DNS, TLS, connection)."""


class StoreError(AuthsomeError):
    """The encrypted store cannot be read or written."""


class StoreDecryptError(StoreError):
    """The store file failed authentication: tampered, corrupt, or a different key."""


class StoreVersionError(StoreError):
    """The store was written by a newer authsome_nb; refused, never overwritten."""


class StoreWriteError(StoreError):
    """A file in the home could not be written; nothing was changed, in memory or on disk."""


class StoreFullError(StoreWriteError):
    """The disk (or the user's quota) is full: ENOSPC, EDQUOT."""


class StorePermissionError(StoreWriteError):
    """The home or a file in it is not writable (or readable) by this user: EACCES, EROFS."""


class InsecureHomeError(StoreError):
    """The home, or a file in it, is owned or writable by someone else, or the key file is
    readable by others: it is refused before anything in it is read or trusted."""


class GraphError(AuthsomeError):
    """Microsoft Graph answered with an error status."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str | None = None,
        remedy: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, remedy=remedy, error=code)
        self.status = status
        self.code = code
        self.request_id = request_id


class MissingDependencyError(ConfigurationError, ImportError):
    """An optional dependency (an extra) is needed for what was asked."""


__all__ = [
    "AccountMismatchError",
    "AuthsomeError",
    "ConfigurationError",
    "ConsentRequiredError",
    "GraphError",
    "InsecureHomeError",
    "MissingDependencyError",
    "NetworkError",
    "NotSignedInError",
    "ProviderError",
    "ReauthenticationRequired",
    "SignInCancelled",
    "SignInDeclined",
    "SignInError",
    "SignInTimeout",
    "StateMismatchError",
    "StoreDecryptError",
    "StoreError",
    "StoreFullError",
    "StorePermissionError",
    "StoreVersionError",
    "StoreWriteError",
    "TokenError",
    "UnknownProviderError",
    "UserInfoError",
]
