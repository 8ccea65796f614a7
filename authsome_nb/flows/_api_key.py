"""API keys as connections: the engine for ``auth_type: "api_key"`` providers.

There is nothing to sign in to: the user has a key (OpenAI's ``sk-…``, Anthropic's
``sk-ant-…``) and wants it kept like a token — encrypted in the store, handed out masked by
``an.token``, exported and injected where the definition says.  So "signing in" is taking
the key, checking it and returning it as the connection's state (``store.ApiKeyState``).

The token index reads it as an access token that never expires; ``refresh`` gives the same
key back; there is nothing to revoke at the provider.

The key comes from ``api_key=``; else it is asked for without echo — ``getpass`` in a
terminal, or the masked input box Jupyter shows for it in a notebook (the notebook's
``%authsome login`` offers an ``ipywidgets.Password`` field instead).  It is checked before
anything is stored: surrounding whitespace is dropped, an empty key is refused, and so is a
key with spaces or control characters inside (it would end up in an HTTP header) or one that
does not match the definition's ``key_pattern``.  No message ever repeats the key.
"""

from __future__ import annotations

import getpass
import math
import sys
from typing import TYPE_CHECKING, Any

from ..errors import AuthsomeError, ConfigurationError, NotSignedInError, SignInCancelled, Step
from ..store import Account, ApiKeyState, ConnectionRecord
from ._engine import Refreshed, SignInOutcome, SignInRequest

if TYPE_CHECKING:
    from .._providers import Provider

#: what a key may contain: visible ASCII (a header value cannot take more, nor should a key)
_VISIBLE = frozenset(chr(c) for c in range(0x21, 0x7F))


class ApiKeyEngine:
    name = "api_key"

    def sign_in(self, request: SignInRequest) -> SignInOutcome:
        provider = request.provider
        if provider is None or provider.auth_type != "api_key":
            name = provider.name if provider is not None else "this provider"
            raise ConfigurationError(
                f"{name} signs in with OAuth, not with an API key: api_key= is for providers "
                "whose auth_type is api_key",
                remedy="sign in without api_key= (the browser or a device code): {step}",
                step=Step.of("login", name, "default"),
            )
        if request.flow not in ("auto", "api_key"):
            raise ConfigurationError(
                f"{provider.display_name} takes an API key, not a {request.flow!r} sign-in",
                remedy=f"leave flow out: an.login({provider.name!r}, api_key=...)")
        raw = request.api_key if request.api_key is not None else ask_for_key(provider)
        key = checked_key(provider, raw)
        return SignInOutcome(flow="api_key", account=Account(display_name="API key"),
                             state=ApiKeyState(key))

    def refresh(self, record: ConnectionRecord, scopes: list[str], *, force: bool,
                claims: str | None) -> Refreshed:
        key = record.state.key if isinstance(record.state, ApiKeyState) else None
        if not key:
            return Refreshed({"error": "no_api_key",
                              "error_description": "the connection holds no API key"})
        return Refreshed({"access_token": key, "expires_at": math.inf, "scope": ""})

    def error_of(self, result: dict[str, Any], context: str) -> AuthsomeError:
        return NotSignedInError(f"{context}: {result.get('error_description') or 'no API key'}",
                                remedy="store the key again: an.login(PROVIDER, api_key=...)")

    def revoke(self, record: ConnectionRecord) -> None:
        """An API key is revoked where it was made (the provider's console), not from here."""

    def forget(self, key: str | None = None) -> None:
        """Nothing is cached per connection."""


def checked_key(provider: Provider, raw: str | None) -> str:
    """The key without surrounding whitespace, or a clear refusal that never quotes it."""
    if raw is not None and not isinstance(raw, str):
        raise ConfigurationError(f"The {provider.display_name} API key must be a string")
    key = (raw or "").strip()
    where = _where_to_get_one(provider)
    if not key:
        raise ConfigurationError(f"No {provider.display_name} API key was given (it is empty)",
                                 remedy=f"paste the key{where}")
    if not set(key) <= _VISIBLE:
        raise ConfigurationError(
            f"The {provider.display_name} API key has spaces or control characters inside it: "
            "refused (nothing was stored)",
            remedy=f"paste the key alone, on one line{where}")
    settings = provider.api_key
    if settings is not None and not settings.matches(key):
        hint = settings.key_pattern_hint or "it does not have the form the definition expects"
        raise ConfigurationError(
            f"That does not look like an API key for {provider.display_name} ({len(key)} "
            f"characters): {hint}",
            remedy=f"check that you copied the whole key{where}")
    return key


def ask_for_key(provider: Provider) -> str:
    """Ask without echo where someone can answer: a terminal, or a Jupyter frontend."""
    prompt = f"{provider.display_name} API key (typing is hidden): "
    kernel_forwards = getattr(getpass.getpass, "__module__", "getpass") != "getpass"
    if not kernel_forwards and not (sys.stdin is not None and sys.stdin.isatty()):
        raise _no_key(provider)
    try:
        return getpass.getpass(prompt)
    except (KeyboardInterrupt, EOFError):
        raise SignInCancelled("No API key was entered.") from None
    except Exception as exc:  # IPython's StdinNotImplementedError: a frontend without input
        if type(exc).__name__ == "StdinNotImplementedError":
            raise _no_key(provider) from None
        raise


def _no_key(provider: Provider) -> ConfigurationError:
    return ConfigurationError(
        f"No {provider.display_name} API key was given, and nobody can be asked for it here",
        remedy=f"pass it: an.login({provider.name!r}, api_key=...) (read it from a secret "
        f"store, not from a literal in the notebook), or run %authsome login {provider.name} "
        "in a notebook for a masked field")


def _where_to_get_one(provider: Provider) -> str:
    page = provider.setup_url or provider.docs_url
    return f" (create one at {page})" if page else ""
