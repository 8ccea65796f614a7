"""From an identity-platform error to what the user should do: the AADSTS catalog.

MSAL returns errors as dicts (``error``, ``error_description`` starting ``AADSTSnnnnn:``,
``error_codes``); it does not raise.  ``error_from_result`` turns one into the right
exception of :mod:`authsome_nb.errors`, with a plain explanation and a one-line remedy.
Descriptions from the server are kept (first line only: the trace and correlation ids
follow on later lines and are kept in ``details``) — they never contain tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import (
    AuthsomeError,
    ConfigurationError,
    ConsentRequiredError,
    ReauthenticationRequired,
    SignInDeclined,
    SignInError,
    SignInTimeout,
)

_AADSTS = re.compile(r"AADSTS(\d+)")


@dataclass(frozen=True)
class CatalogEntry:
    kind: type[AuthsomeError]
    meaning: str
    remedy: str


REDIRECT_HELP = (
    "in the Azure portal open your app registration → Authentication → 'Mobile and desktop "
    "applications' and add the redirect URI http://localhost/callback (it matches any port); "
    "`%authsome setup microsoft` prints the exact URIs"
)

CATALOG: dict[int, CatalogEntry] = {
    50011: CatalogEntry(
        ConfigurationError,
        "Redirect URI mismatch: the app registration does not list it.",
        REDIRECT_HELP,
    ),
    65001: CatalogEntry(
        ConsentRequiredError,
        "User consent required for the requested permissions.",
        "sign in again and click Accept in the consent dialog; if your organisation blocks user "
        "consent, ask an administrator to grant it for this app",
    ),
    65004: CatalogEntry(
        SignInDeclined,
        "The consent was declined.",
        "sign in again and click Accept to grant the permissions, or ask for fewer scopes",
    ),
    700016: CatalogEntry(
        ConfigurationError,
        "Application not found in the directory (wrong client id or tenant).",
        "check MICROSOFT_OAUTH_CLIENT_ID against the Application (client) ID in the Azure portal, "
        "and that the app allows accounts of your tenant (or use --tenant)",
    ),
    7000215: CatalogEntry(
        ConfigurationError,
        "Invalid client secret.",
        "use the secret's Value (not its Secret ID) from Certificates & secrets, or a new secret "
        "if it expired",
    ),
    700025: CatalogEntry(
        ConfigurationError,
        "The app is a public client: it must not send a client secret.",
        "drop client_secret (public clients sign in with PKCE or a device code)",
    ),
    50020: CatalogEntry(
        SignInError,
        "This account does not belong to the tenant the app signs in against.",
        "use --tenant common (or your own tenant), or set the app's supported account types to "
        "'any organizational directory and personal Microsoft accounts'",
    ),
    7000218: CatalogEntry(
        ConfigurationError,
        "Public client flows are not allowed for this app.",
        "in the Azure portal: Authentication → Advanced settings → 'Allow public client flows' = "
        "Yes (needed for the device code), then try again",
    ),
    50076: CatalogEntry(
        ReauthenticationRequired,
        "Multi-factor authentication is required.",
        "sign in again interactively to complete MFA (`%authsome login microsoft --force`)",
    ),
    50079: CatalogEntry(
        ReauthenticationRequired,
        "You must register for multi-factor authentication.",
        "sign in again interactively and complete the MFA registration",
    ),
    53003: CatalogEntry(
        SignInError,
        "Access was blocked by a Conditional Access policy.",
        "your organisation's policy blocks this sign-in (device, location or app); contact your IT "
        "department with the correlation id below",
    ),
    70008: CatalogEntry(
        ReauthenticationRequired,
        "The refresh token expired or was revoked.",
        "sign in again (refresh tokens last up to 90 days of inactivity)",
    ),
    700082: CatalogEntry(
        ReauthenticationRequired,
        "The refresh token expired due to inactivity.",
        "sign in again; the 90-day window restarts",
    ),
    9002313: CatalogEntry(
        SignInError,
        "The request was malformed or invalid.",
        "start a new sign-in; if it keeps happening, check the provider override file's URLs",
    ),
    90014: CatalogEntry(
        SignInError,
        "A required field was missing from the request.",
        "start a new sign-in; if it keeps happening, check the provider override and client id",
    ),
    500011: CatalogEntry(
        ConfigurationError,
        "The resource (API) was not found in the tenant.",
        "check the scopes: Graph scopes look like 'Mail.Read' or 'https://graph.microsoft.com/Mail.Read'",
    ),
    50126: CatalogEntry(
        SignInError,
        "Invalid username or password.",
        "sign in again with the right account",
    ),
    50173: CatalogEntry(
        ReauthenticationRequired,
        "The grant expired because the password changed or sessions were revoked.",
        "sign in again",
    ),
    70000: CatalogEntry(
        ReauthenticationRequired,
        "The grant is invalid or was already used.",
        "sign in again",
    ),
    70016: CatalogEntry(
        SignInTimeout, "The device code was not approved yet.", "finish the sign-in in the browser"
    ),
    70020: CatalogEntry(
        SignInTimeout,
        "The device code expired before anyone approved it.",
        "run the sign-in again and enter the new code within its time limit",
    ),
}

_BY_ERROR: dict[str, CatalogEntry] = {
    "authorization_declined": CatalogEntry(
        SignInDeclined,
        "The sign-in was declined in the browser.",
        "run the sign-in again and approve it",
    ),
    "access_denied": CatalogEntry(
        SignInDeclined,
        "Access was denied (the sign-in or consent was declined).",
        "run the sign-in again and approve it",
    ),
    "expired_token": CatalogEntry(
        SignInTimeout,
        "The device code expired before anyone approved it.",
        "run the sign-in again and enter the new code within its time limit",
    ),
    "bad_verification_code": CatalogEntry(
        SignInError, "The device code was not recognised.", "run the sign-in again"
    ),
    "invalid_grant": CatalogEntry(
        ReauthenticationRequired, "The identity platform refused the grant.", "sign in again"
    ),
    "interaction_required": CatalogEntry(
        ReauthenticationRequired, "Interactive sign-in is required.", "sign in again"
    ),
    "consent_required": CatalogEntry(
        ConsentRequiredError,
        "Consent is required for the requested permissions.",
        "sign in again and accept the permissions",
    ),
    "invalid_client": CatalogEntry(
        ConfigurationError,
        "The client (app registration) was refused.",
        "check the client id, and 'Allow public client flows' in the app registration",
    ),
    "unauthorized_client": CatalogEntry(
        ConfigurationError,
        "This app is not allowed to use this flow or tenant.",
        "check the client id and the app's supported account types",
    ),
}


def aadsts_code(result: dict[str, Any]) -> int | None:
    codes = result.get("error_codes")
    if isinstance(codes, list) and codes and isinstance(codes[0], int):
        return codes[0]
    match = _AADSTS.search(str(result.get("error_description", "")))
    return int(match.group(1)) if match else None


def error_from_result(result: dict[str, Any], *, context: str = "Sign-in failed") -> AuthsomeError:
    """The exception for an MSAL error dict; ``context`` says what was being done."""
    code = aadsts_code(result)
    error = str(result.get("error") or "error")
    entry = CATALOG.get(code) if code is not None else None
    if entry is None:
        entry = _BY_ERROR.get(result.get("suberror") or "") or _BY_ERROR.get(error)
    description = str(result.get("error_description") or "").strip()
    first_line = description.splitlines()[0] if description else error
    correlation = result.get("correlation_id")
    trailer = f"\n  Correlation ID: {correlation}" if correlation else ""
    if entry is None:
        return SignInError(
            f"{context}: {first_line}{trailer}",
            remedy="try again; if it persists, look the AADSTS code up in README.md "
            "(Troubleshooting)",
            aadsts=code,
            error=error,
        )
    label = f"AADSTS{code}: " if code else ""
    message = f"{context}: {label}{entry.meaning}"
    if first_line and first_line not in message:
        message += f"\n  The identity platform said: {first_line}"
    return entry.kind(message + trailer, remedy=entry.remedy, aadsts=code, error=error)
