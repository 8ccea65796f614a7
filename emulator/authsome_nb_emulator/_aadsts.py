"""The AADSTS error catalog: code → OAuth ``error``, description, ``suberror``.

Descriptions follow the wording Microsoft sends (placeholders filled from the request), so
code that maps errors to remedies, or shows them to people, is tested against realistic
text.  ``error_body`` builds the JSON Microsoft returns, trace and correlation ids included.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from ._server import Response


@dataclass(frozen=True)
class Aadsts:
    code: int
    error: str
    text: str
    suberror: str | None = None
    status: int = 400
    # The error a redirect from /authorize carries (there is no invalid_grant there).
    authorize_error: str = "access_denied"
    # Shown as an error page by /authorize instead of redirecting (no trusted redirect_uri).
    page_only: bool = False


_ENTRIES = [
    Aadsts(50011, "invalid_request",
           "The redirect URI '{redirect_uri}' specified in the request does not match the "
           "redirect URIs configured for the application '{client_id}'. Make sure the redirect "
           "URI sent in the request matches one added to your application in the Azure portal. "
           "Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix "
           "this.", authorize_error="invalid_request", page_only=True),
    Aadsts(65001, "invalid_grant",
           "The user or administrator has not consented to use the application with ID "
           "'{client_id}' named '{app_name}'. Send an interactive authorization request for this "
           "user and resource.", suberror="consent_required",
           authorize_error="consent_required"),
    Aadsts(65004, "invalid_grant", "User declined to consent to access the app.",
           authorize_error="access_denied"),
    Aadsts(700016, "unauthorized_client",
           "Application with identifier '{client_id}' was not found in the directory "
           "'{tenant}'. This can happen if the application has not been installed by the "
           "administrator of the tenant or consented to by any user in the tenant. You may have "
           "sent your authentication request to the wrong tenant.",
           authorize_error="unauthorized_client", page_only=True),
    Aadsts(50020, "invalid_grant",
           "User account '{upn}' from identity provider '{idp}' does not exist in tenant "
           "'{tenant}' and cannot access the application '{client_id}'({app_name}) in that "
           "tenant. The account needs to be added as an external user in the tenant first. Sign "
           "out and sign in again with a different Azure Active Directory user account.",
           authorize_error="access_denied"),
    Aadsts(7000218, "invalid_client",
           "The request body must contain the following parameter: 'client_assertion' or "
           "'client_secret'.", status=401, authorize_error="unauthorized_client"),
    Aadsts(50076, "interaction_required",
           "Due to a configuration change made by your administrator, or because you moved to "
           "a new location, you must use multi-factor authentication to access '{resource}'.",
           authorize_error="interaction_required"),
    Aadsts(50079, "interaction_required",
           "Due to a configuration change made by your administrator, or because you moved to "
           "a new location, you must enroll in multi-factor authentication to access "
           "'{resource}'.", authorize_error="interaction_required"),
    Aadsts(53003, "invalid_grant",
           "Access has been blocked by Conditional Access policies. The access policy does not "
           "allow token issuance.", suberror="message_only"),
    Aadsts(70008, "invalid_grant",
           "The provided authorization code or refresh token has expired due to inactivity. "
           "Send a new interactive authorization request for this user and resource."),
    Aadsts(700082, "invalid_grant",
           "The refresh token has expired due to inactivity. The token was issued on {issued} "
           "and was inactive for 90.00:00:00.", suberror="bad_token"),
    Aadsts(9002313, "invalid_request", "Invalid request. Request is malformed or invalid.",
           authorize_error="invalid_request"),
    Aadsts(90014, "invalid_request",
           "The required field '{field}' is missing from the credential. Ensure that you have "
           "all the necessary parameters for the login request.",
           authorize_error="invalid_request"),
    Aadsts(500011, "invalid_resource",
           "The resource principal named {resource} was not found in the tenant named "
           "{tenant}. This can happen if the application has not been installed by the "
           "administrator of the tenant or consented to by any user in the tenant. You might "
           "have sent your authentication request to the wrong tenant.",
           authorize_error="invalid_resource"),
    Aadsts(50126, "invalid_grant",
           "Error validating credentials due to invalid username or password."),
    Aadsts(50173, "invalid_grant",
           "The provided grant has expired due to it being revoked, a fresh auth token is "
           "needed. The user might have changed or reset their password. The grant was issued "
           "on '{issued}' and the TokensValidFrom date (before which tokens are not valid) for "
           "this user is '{now}'."),
    Aadsts(70000, "invalid_grant",
           "The request was denied because one or more scopes requested are unauthorized or "
           "expired. The user must first sign in and grant the client application access to "
           "the requested scope."),
    # Answers the emulator gives for real, not only when injected.
    Aadsts(70016, "authorization_pending",
           "OAuth 2.0 device flow error. Authorization is pending. Continue polling."),
    Aadsts(70020, "expired_token",
           "The provided value for the input parameter 'device_code' is not valid. This device "
           "code has expired."),
    Aadsts(54005, "invalid_grant",
           "OAuth2 Authorization code was already redeemed, please retry with a new valid code "
           "or use an existing refresh token."),
    Aadsts(501481, "invalid_grant",
           "The Code_Verifier does not match the code_challenge supplied in the authorization "
           "request."),
    Aadsts(500112, "invalid_grant",
           "The reply address '{redirect_uri}' does not match the reply address provided when "
           "requesting Authorization code."),
    Aadsts(90002, "invalid_tenant",
           "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and "
           "are signing into the correct cloud.", authorize_error="invalid_request",
           page_only=True),
    Aadsts(900144, "invalid_request",
           "The request body must contain the following parameter: '{field}'.",
           authorize_error="invalid_request"),
    Aadsts(70011, "invalid_scope",
           "The provided value for the input parameter 'scope' is not valid. The scope "
           "'{scope}' is not valid.", authorize_error="invalid_scope"),
    Aadsts(9002325, "invalid_request",
           "Proof Key for Code Exchange is required: send a code_challenge with "
           "code_challenge_method S256.", authorize_error="invalid_request"),
    Aadsts(70005, "unsupported_grant_type",
           "The provided value for '{field}' is not supported.",
           authorize_error="unsupported_response_type"),
    Aadsts(7000215, "invalid_client",
           "Invalid client secret provided. Ensure the secret being sent in the request is the "
           "client secret value, not the client secret ID, for a secret added to app "
           "'{client_id}'.", status=401, authorize_error="invalid_request"),
    Aadsts(700025, "invalid_client",
           "Client is public so neither 'client_assertion' nor 'client_secret' should be "
           "presented.", status=401, authorize_error="invalid_request"),
    Aadsts(50058, "invalid_grant",
           "A silent sign-in request was sent but no user is signed in.",
           authorize_error="login_required"),
    Aadsts(50089, "invalid_grant",
           "Authentication failed due to flow token expired. Sign in again.", page_only=True),
    Aadsts(50049, "invalid_instance", "Unknown or invalid instance."),
]
CATALOG: dict[int, Aadsts] = {entry.code: entry for entry in _ENTRIES}
#: Codes ``inject_error`` accepts (everything in the catalog).
INJECTABLE = frozenset(CATALOG)


_PLACEHOLDER_DEFAULTS = {"app_name": "authsome_nb", "idp": "live.com",
                         "resource": "00000003-0000-0000-c000-000000000000",
                         "field": "client_id"}


class _Context(dict):
    """Placeholders the request did not provide read as sensible defaults, never KeyError."""

    def __missing__(self, key: str) -> str:
        return _PLACEHOLDER_DEFAULTS.get(key, "")


def timestamp(now: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(now))


def describe(code: int, context: dict[str, Any] | None = None) -> str:
    """``AADSTSnnnnn: text`` with placeholders filled from ``context``."""
    entry = CATALOG[code]
    return f"AADSTS{code}: " + entry.text.format_map(_Context(context or {}))


def error_body(code: int, *, base_url: str, now: float, correlation_id: str | None = None,
               context: dict[str, Any] | None = None, error: str | None = None,
               text: str | None = None) -> dict[str, Any]:
    """The JSON body Microsoft's token endpoint sends for ``code``.

    ``error`` overrides the catalog's OAuth error where one code serves two protocol
    answers (65004 is ``authorization_declined`` in the device flow); ``text`` replaces the
    catalog's wording for such a case.
    """
    entry = CATALOG[code]
    trace_id = str(uuid.uuid4())
    correlation_id = correlation_id or str(uuid.uuid4())
    stamp = timestamp(now)
    first_line = f"AADSTS{code}: {text}" if text else describe(code, context)
    body: dict[str, Any] = {
        "error": error or entry.error,
        "error_description": (f"{first_line}\r\nTrace ID: {trace_id}\r\n"
                              f"Correlation ID: {correlation_id}\r\nTimestamp: {stamp}"),
        "error_codes": [code],
        "timestamp": stamp,
        "trace_id": trace_id,
        "correlation_id": correlation_id,
        "error_uri": f"{base_url}/error?code={code}",
    }
    if entry.suberror:
        body["suberror"] = entry.suberror
    if code in (50076, 50079):
        body["claims"] = '{"access_token":{"capolids":{"essential":true,"values":["mfa"]}}}'
    return body


def error_response(code: int, *, base_url: str, now: float, correlation_id: str | None = None,
                   context: dict[str, Any] | None = None, error: str | None = None,
                   text: str | None = None) -> Response:
    body = error_body(code, base_url=base_url, now=now, correlation_id=correlation_id,
                      context=context, error=error, text=text)
    return Response.json(body, status=CATALOG[code].status,
                         headers=[("Cache-Control", "no-store, no-cache"),
                                  ("Pragma", "no-cache")])
