"""The Microsoft engine: every flow through MSAL, its token cache kept in the record.

``sign_in`` builds a fresh token cache and MSAL app for the sign-in, runs the chosen flow,
reads the account from Graph ``/me``, and returns the serialized cache; nothing is stored
here, so an interrupted sign-in leaves no half-written state.  ``refresh`` loads a record's
cache into an app kept per connection and asks MSAL for a silent token.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from ..errors import AuthsomeError, ConfigurationError
from ..store import Account, ConnectionRecord, MsalState
from ._aadsts import error_from_result
from ._device import sign_in_with_device_code
from ._engine import Refreshed, SignInOutcome, SignInRequest
from ._msal_app import build_app
from ._pkce import sign_in_with_pkce
from ._planning import plan_sign_in
from ._profile import fetch_profile

DEFAULT_API_BASE = "https://graph.microsoft.com/v1.0"


class MsalEngine:
    name = "msal"

    def __init__(self) -> None:
        self._apps: dict[str, tuple[tuple[str | None, ...], Any]] = {}
        self._lock = threading.Lock()

    # -- sign-in -----------------------------------------------------------------------------
    def sign_in(self, request: SignInRequest) -> SignInOutcome:
        import msal

        if request.client_secret and request.flow == "device":
            raise ConfigurationError(
                "The device code is for public clients; a client secret makes this a "
                "confidential app",
                remedy="sign in with flow='pkce' (or 'auto'), or drop client_secret and enable "
                "'Allow public client flows' in the app registration",
            )
        cache = msal.SerializableTokenCache()
        app = build_app(request.client_id, request.authority, token_cache=cache,
                        client_secret=request.client_secret)
        flow, redirect, placement = plan_sign_in(
            request,
            # MSAL's confidential clients have no device flow: with a secret, PKCE it is.
            supports_device_code=request.supports_device_code and not request.client_secret,
        )
        if flow == "device":
            result = sign_in_with_device_code(
                app, request.scopes, on_event=request.on_event,
                # None: as long as the code is valid (MSAL's own expiry check ends it).
                timeout=request.timeout,
                cancel=request.cancel,
            )
        else:
            result = sign_in_with_pkce(
                app, request.scopes, redirect=redirect, on_event=request.on_event,
                timeout=request.timeout,
                open_browser=request.open_browser,
                browser_is_local=placement.browser_is_local and not placement.in_kernel,
                cancel=request.cancel, login_hint=request.login_hint,
            )
        return self._outcome(request, flow, app, result)

    @staticmethod
    def _outcome(request: SignInRequest, flow: str, app: Any,
                 result: dict[str, Any]) -> SignInOutcome:
        """Who signed in (Graph ``/me``, then the id_token) and the cache to keep."""
        accounts = app.get_accounts()
        account = accounts[0] if accounts else {}
        api_base = (request.provider.api_base if request.provider else None) or DEFAULT_API_BASE
        profile = fetch_profile(api_base, result["access_token"])
        claims = result.get("id_token_claims") or {}
        return SignInOutcome(
            flow=flow,
            account=Account(
                username=profile.get("userPrincipalName") or profile.get("mail")
                or claims.get("preferred_username"),
                display_name=profile.get("displayName") or claims.get("name"),
                tenant_id=claims.get("tid") or account.get("realm"),
                id=account.get("home_account_id"),
            ),
            state=MsalState(account.get("home_account_id"),
                            json.loads(app.token_cache.serialize())),
        )

    # -- refresh -----------------------------------------------------------------------------
    def refresh(self, record: ConnectionRecord, scopes: list[str], *, force: bool,
                claims: str | None) -> Refreshed:
        state = record.state
        if not isinstance(state, MsalState):
            return Refreshed({"error": "no_account",
                              "error_description": f"{record.key} holds no MSAL account"})
        app = self._app_for(record)
        app.token_cache.deserialize(json.dumps(dict(state.cache)))
        accounts = [a for a in app.get_accounts()
                    if a.get("home_account_id") == state.home_account_id]
        if not accounts:
            return Refreshed({"error": "no_account",
                              "error_description": f"{record.key} holds no account"})
        result: dict[str, Any] = app.acquire_token_silent_with_error(
            scopes, accounts[0], force_refresh=force, claims_challenge=claims
        ) or {"error": "no_refresh_token", "error_description": "no refresh token is cached"}
        if "access_token" in result and app.token_cache.has_state_changed:
            fresh = MsalState(state.home_account_id, json.loads(app.token_cache.serialize()))
            return Refreshed(result, fresh)
        return Refreshed(result)

    def error_of(self, result: dict[str, Any], context: str) -> AuthsomeError:
        return error_from_result(result, context=context)

    def revoke(self, record: ConnectionRecord) -> None:
        """Microsoft offers no token revocation endpoint: signing out forgets the tokens."""

    def forget(self, key: str | None = None) -> None:
        with self._lock:
            if key is None:
                self._apps.clear()
            else:
                self._apps.pop(key, None)

    def _app_for(self, record: ConnectionRecord) -> Any:
        import msal

        if not record.client_id or not record.authority:
            raise ConfigurationError(f"{record.key} names no app or authority",
                                     remedy="sign in again")
        identity = (record.client_id, record.authority, record.client_secret)
        with self._lock:
            cached = self._apps.get(record.key)
            if cached is None or cached[0] != identity:
                app = build_app(record.client_id, record.authority,
                                token_cache=msal.SerializableTokenCache(),
                                client_secret=record.client_secret)
                cached = self._apps[record.key] = (identity, app)
            return cached[1]
