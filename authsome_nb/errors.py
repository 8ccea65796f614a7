"""One exception hierarchy, so callers catch at the level they care about.

Every error carries a one-line ``remedy`` (what the user should do next) and, when the
identity platform answered, the ``aadsts`` code.  Messages never contain a token: they are
built from our own words, MSAL's error codes and descriptions, file names and connection
names only.

Remedies in the syntax of where the user is
-------------------------------------------
A remedy that tells the user to *run* something names it as a :class:`Step` rather than as
text, so that it can be spelled the way the user is typing: ``an.login('microsoft',
connection='work', force=True)`` in Python, ``%authsome login microsoft work --force`` inside a
magic.  The remedy text holds ``{step}`` where the step goes::

    raise NotSignedInError("Not signed in", remedy="sign in with {step}",
                           step=Step("login", "microsoft", "work"))

``error.remedy`` is spelled in ``error.shown_in`` (``"python"`` unless whoever displays the
error says otherwise: the ``%authsome`` magic sets ``"magic"`` on every error it lets
through), ``error.remedy_in("magic")`` in a given syntax, and ``str(error)`` and IPython's
rendering follow ``shown_in``.  Any engine or layer may attach a step; a verb is an
``%authsome`` subcommand whose Python function has the same name (or is in
:data:`PYTHON_NAMES`), and each option is a keyword argument of that function and a
``--flag`` of the subcommand.
"""

from __future__ import annotations

from dataclasses import dataclass

TYPE_CHECKING = False  # typing costs milliseconds to import; the annotations are strings
if TYPE_CHECKING:
    from typing import Literal

    Syntax = Literal["python", "magic"]

#: ``%authsome`` subcommands whose Python function has another name.
PYTHON_NAMES = {"list": "connections", "reset": "reset_store"}
#: Options whose magic flag differs from ``--name-with-dashes``.
MAGIC_FLAGS = {"services": "--service"}


@dataclass(frozen=True)
class Step:
    """Something the user can run to fix an error: a verb, its connection and options."""

    verb: str
    provider: str | None = None
    connection: str | None = None
    options: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, verb: str, provider: str | None = None, connection: str | None = None,
           **options: object) -> Step:
        kept = tuple((k, v) for k, v in options.items() if v not in (None, False, (), []))
        return cls(verb, provider, connection, kept)

    def spelled(self, syntax: Syntax = "python") -> str:
        return self.magic() if syntax == "magic" else self.python()

    def python(self) -> str:
        """``an.login('microsoft', connection='work', scopes=['Mail.Read'])``"""
        args = [repr(self.provider)] if self.provider is not None else []
        if self.connection is not None and self.connection != "default":
            args.append(f"connection={self.connection!r}")
        for name, value in self.options:
            if isinstance(value, tuple | list):
                value = list(value)
            args.append(f"{name}={value!r}")
        return f"an.{PYTHON_NAMES.get(self.verb, self.verb)}({', '.join(args)})"

    def magic(self) -> str:
        """``%authsome login microsoft work --scopes Mail.Read``"""
        words = ["%authsome", self.verb]
        if self.provider is not None:
            words.append(self.provider)
            if self.connection is not None and self.connection != "default":
                words.append(self.connection)
        for name, value in self.options:
            flag = MAGIC_FLAGS.get(name, "--" + name.replace("_", "-"))
            if value is True:
                words.append(flag)
            elif isinstance(value, tuple | list):
                joined = ",".join(map(str, value)) if name == "services" else \
                    " ".join(map(str, value))
                words += [flag, joined]
            else:
                words += [flag, _magic_word(value)]
        return " ".join(words)


def _magic_word(value: object) -> str:
    text = str(value)
    if not text or any(c.isspace() or c in "'\"#" for c in text):
        import shlex

        return shlex.quote(text)
    return text



class AuthsomeError(Exception):
    """Base of every error authsome_nb raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        remedy: str | None = None,
        aadsts: int | None = None,
        error: str | None = None,
        step: Step | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.remedy = remedy
        self.aadsts = aadsts
        self.error = error
        self.step = step
        #: the syntax ``remedy`` and ``str()`` spell the step in (the magic sets "magic")
        self.shown_in: Syntax = "python"

    @property
    def remedy(self) -> str | None:
        """What to do next, with the step spelled in :attr:`shown_in`."""
        return self.remedy_in(self.shown_in)

    @remedy.setter
    def remedy(self, text: str | None) -> None:
        self._remedy = text

    def remedy_in(self, syntax: Syntax) -> str | None:
        text, step = self._remedy, getattr(self, "step", None)
        if step is None:
            return text
        spelled = step.spelled(syntax)
        if not text:
            return f"run {spelled}"
        if "{step}" in text:
            return text.replace("{step}", spelled)
        return f"{text}: {spelled}"

    def __str__(self) -> str:
        remedy = self.remedy
        if remedy:
            return f"{self.message}\n  What to do: {remedy}"
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
        step: Step | None = None,
    ) -> None:
        super().__init__(message, remedy=remedy, error=code, step=step)
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
    "Step",
    "StoreFullError",
    "StorePermissionError",
    "StoreVersionError",
    "StoreWriteError",
    "TokenError",
    "UnknownProviderError",
    "UserInfoError",
]
