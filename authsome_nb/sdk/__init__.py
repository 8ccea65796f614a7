"""Credentials for the providers' own SDKs: ``an.credential()``.

``credential(session, "microsoft")`` is an azure-core ``TokenCredential`` (msgraph-sdk,
azure-storage-blob, azure-kusto-data …), ``credential(session, "google")`` a google-auth
``Credentials``.  Both serve the connection's tokens through the session, so they refresh
under the store's single flight like every other token of this package.  azure-core and
google-auth are optional extras (``azure``, ``google``), imported only here.
A token for ``<resource>/.default`` is the one Microsoft granted for that resource: the
session's token index finds it again by its resource, so asking again costs the hot path, not
a refresh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, MissingDependencyError

if TYPE_CHECKING:
    from .._session import Session

__all__ = ["credential", "missing_extra"]


_EXTRAS = {"azure": '"azure-core>=1.31"', "google": '"google-auth>=2.20"'}


def missing_extra(extra: str, what: str) -> MissingDependencyError:
    """The error for an SDK credential whose library (an extra) is not installed."""
    return MissingDependencyError(f"{what}, which is not installed",
                                  remedy=f"pip install {_EXTRAS[extra]} (what the "
                                  f"'{extra}' extra of authsome-nb installs)")


def credential(session: Session, provider: str, connection: str, *,
               asynchronous: bool = False) -> Any:
    """The credential object ``provider``'s own SDKs take, for ``provider/connection``."""
    from .._providers import load_provider

    definition = load_provider(provider, session.home)
    session.get(provider, connection)  # not signed in: say so now, naming the sign-in
    if definition.is_microsoft:
        from . import _azure

        kind = _azure.AsyncMicrosoftCredential if asynchronous else _azure.MicrosoftCredential
        return kind(session, provider, connection)
    if _is_google(definition.oauth.issuer if definition.oauth else None, provider):
        if asynchronous:
            raise ConfigurationError(
                "google-auth's credentials are synchronous; there is no async twin",
                remedy=f"call an.credential('{provider}') without asynchronous=True")
        from ._google import GoogleCredentials

        return GoogleCredentials(session, provider, connection)
    raise ConfigurationError(
        f"There is no SDK credential type for '{provider}'",
        remedy=f"use an.token('{provider}') or an.client('{provider}') for its API",
    )


def _is_google(issuer: str | None, provider: str) -> bool:
    return provider == "google" or (issuer or "").rstrip("/") == "https://accounts.google.com"
