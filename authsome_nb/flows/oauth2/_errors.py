"""From a generic OAuth 2.0 error to what the user should do, as the AADSTS catalog does.

The codes are those of RFC 6749 §4.1.2.1 and §5.2 (authorization and token endpoints),
RFC 8628 §3.5 (device authorization), RFC 6750 §3.1 and OpenID Connect Core §3.1.2.6, plus
the few providers' own that users meet (GitHub's ``bad_verification_code``,
``incorrect_client_credentials``, ``redirect_uri_mismatch``, ``device_flow_disabled``;
Google's ``org_internal``, ``admin_policy_enforced``).  Descriptions from the server are kept
(first line only); they never contain tokens.
"""

from __future__ import annotations

from typing import Any

from ...errors import (
    AuthsomeError,
    ConfigurationError,
    ConsentRequiredError,
    ReauthenticationRequired,
    SignInDeclined,
    SignInError,
    SignInTimeout,
)
from .._aadsts import CatalogEntry

CATALOG: dict[str, CatalogEntry] = {
    "invalid_grant": CatalogEntry(
        ReauthenticationRequired,
        "The provider refused the grant: the code or refresh token expired, was revoked or was "
        "already used.",
        "sign in again (a rotated refresh token may be used only once)",
    ),
    "access_denied": CatalogEntry(
        SignInDeclined,
        "Access was denied: the sign-in or the consent was declined.",
        "run the sign-in again and approve it",
    ),
    "invalid_scope": CatalogEntry(
        ConsentRequiredError,
        "A requested scope is unknown to the provider, or more than was granted.",
        "check the scope names against the provider's documentation (or the definition's "
        "oauth.scopes), then sign in again asking for them",
    ),
    "expired_token": CatalogEntry(
        SignInTimeout,
        "The device code expired before anyone approved it.",
        "run the sign-in again and enter the new code within its time limit",
    ),
    "slow_down": CatalogEntry(
        SignInError,
        "The provider asked to poll more slowly and the sign-in gave up.",
        "run the sign-in again",
    ),
    "authorization_pending": CatalogEntry(
        SignInTimeout, "Nobody approved the device code yet.", "finish the sign-in in the browser"
    ),
    "invalid_client": CatalogEntry(
        ConfigurationError,
        "The provider does not accept this client (unknown client id, or a missing or wrong "
        "client secret).",
        "check the client id, and pass the app's client secret if the provider needs one "
        "(client_secret=, or the provider's *_OAUTH_CLIENT_SECRET variable)",
    ),
    "unauthorized_client": CatalogEntry(
        ConfigurationError,
        "This app may not use this flow.",
        "enable the flow (device flow, or the redirect URI http://localhost/callback) in the "
        "app's settings at the provider",
    ),
    "unsupported_grant_type": CatalogEntry(
        ConfigurationError,
        "The provider does not offer this grant to this app.",
        "sign in with the other flow (flow='pkce' or flow='device'), or enable the grant in "
        "the app's settings",
    ),
    "unsupported_response_type": CatalogEntry(
        ConfigurationError,
        "The provider does not offer the authorization-code flow to this app.",
        "check the app's settings at the provider (a web or native app with a redirect URI)",
    ),
    "invalid_request": CatalogEntry(
        SignInError,
        "The provider found the request malformed.",
        "check the provider definition's URLs and client id; for PKCE providers also that "
        "oauth.pkce is true",
    ),
    "redirect_uri_mismatch": CatalogEntry(
        ConfigurationError,
        "The redirect URI is not registered for this app.",
        "register http://localhost/callback (or the URI `%authsome setup` prints) as the "
        "app's callback URL",
    ),
    "login_required": CatalogEntry(
        ReauthenticationRequired, "The provider wants you to sign in again.", "sign in again"
    ),
    "interaction_required": CatalogEntry(
        ReauthenticationRequired, "Interactive sign-in is required.", "sign in again"
    ),
    "consent_required": CatalogEntry(
        ConsentRequiredError,
        "Consent is required for the requested permissions.",
        "sign in again and accept the permissions",
    ),
    "invalid_token": CatalogEntry(
        ReauthenticationRequired,
        "The provider no longer accepts the token.",
        "sign in again",
    ),
    "server_error": CatalogEntry(
        SignInError,
        "The provider failed while answering.",
        "try again in a minute",
    ),
    "temporarily_unavailable": CatalogEntry(
        SignInError,
        "The provider is overloaded or down for maintenance.",
        "try again in a few minutes",
    ),
    # GitHub (docs.github.com: "Troubleshooting OAuth app access token request errors").
    "bad_verification_code": CatalogEntry(
        ReauthenticationRequired,
        "The code was wrong or expired.",
        "sign in again",
    ),
    "incorrect_client_credentials": CatalogEntry(
        ConfigurationError,
        "The client id or client secret is wrong.",
        "copy both again from the app's settings (GitHub: Settings → Developer settings → OAuth "
        "Apps), then sign in again",
    ),
    "incorrect_device_code": CatalogEntry(
        SignInError, "The device code was not recognised.", "run the sign-in again"
    ),
    "device_flow_disabled": CatalogEntry(
        ConfigurationError,
        "The device flow is not enabled for this app.",
        "enable it in the app's settings (GitHub: 'Enable Device Flow'), or use flow='pkce'",
    ),
    # Google (developers.google.com/identity/protocols/oauth2/native-app#handlingresponse).
    "org_internal": CatalogEntry(
        SignInError,
        "The app may be used only by accounts of its own Google Cloud organisation.",
        "sign in with an account of that organisation, or make the app external",
    ),
    "admin_policy_enforced": CatalogEntry(
        SignInError,
        "Your organisation's administrator does not allow this app or these scopes.",
        "ask your Google Workspace administrator to allow the app",
    ),
}


def oauth_error(result: dict[str, Any], *, context: str = "Sign-in failed",
                provider: str = "the provider") -> AuthsomeError:
    """The exception for an OAuth error response; ``context`` says what was being done."""
    error = str(result.get("error") or "error")
    entry = CATALOG.get(error)
    description = str(result.get("error_description") or "").strip()
    first_line = description.splitlines()[0] if description else ""
    if entry is None:
        detail = f"{error}: {first_line}" if first_line else error
        return SignInError(
            f"{context}: {provider} answered {detail}",
            remedy="try again; if it persists, check the provider definition (URLs, client id, "
            "scopes) against the provider's documentation",
            error=error,
        )
    message = f"{context}: {error}: {entry.meaning}"
    if first_line and first_line not in message:
        message += f"\n  {provider} said: {first_line}"
    return entry.kind(message, remedy=entry.remedy, error=error)
