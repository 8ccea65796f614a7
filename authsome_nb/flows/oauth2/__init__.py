"""The generic engine: any OAuth 2.0 / OpenID Connect provider a definition describes.

Built on authlib's protocol client (``_http``) and joserfc (``_id_token``); this package adds
what a notebook needs around them: the flow choice and redirect targets shared with MSAL's
engine, the device panel's events, the account (``_account``), errors with remedies
(``_errors``), and what a connection's record keeps (``store.OAuth2State``): the tokens
(``expires_at`` None when they never expire, ``refresh_token`` None when the provider gave none)
and the server's ``token_url``, ``revocation_url``, ``auth_method`` and ``issuer``.

The endpoints are kept with the tokens so that a refresh in another kernel needs neither the
definition nor discovery.  Refresh tokens the provider rotates are replaced, those it keeps
(Google) are kept; the session runs every refresh under the store's lock, so N kernels at
expiry make one request between them — which matters where reusing a rotated refresh token
revokes the whole grant (oidc-provider, and many servers following RFC 9700 §4.14.2).
"""

from __future__ import annotations

import dataclasses
import time
from typing import TYPE_CHECKING, Any

from ..._scopes import RESERVED_SCOPES, scope_keys, split_scopes
from ...errors import AuthsomeError, ConfigurationError
from ...store import ConnectionRecord, OAuth2Server, OAuth2State, OAuth2Tokens
from .._engine import BROWSER_WAIT, Refreshed, SignInOutcome, SignInRequest
from .._planning import plan_sign_in
from ._account import account_of
from ._errors import oauth_error
from ._http import ProtocolClient, TokenEndpointError, protocol_client, shared_client
from ._id_token import verified_claims
from ._metadata import Endpoints, endpoints_of, require_issuer_for_openid
from ._registration import client_for

if TYPE_CHECKING:
    from ..._providers import Provider



class OAuth2Engine:
    name = "oauth2"

    # -- sign-in -----------------------------------------------------------------------------
    def sign_in(self, request: SignInRequest) -> SignInOutcome:
        provider = request.provider
        if provider is None or provider.oauth is None:  # pragma: no cover - the session's job
            raise ConfigurationError("The generic engine needs a provider definition")
        endpoints = endpoints_of(provider)
        scopes = wire_scopes(provider, request.scopes)
        require_issuer_for_openid(provider, endpoints, scopes)
        app = client_for(request, provider, endpoints)
        client = protocol_client(app.client_id, app.client_secret, app.auth_method)
        flow, token, nonce = self._authenticate(request, provider, endpoints, client, scopes)
        claims = verified_claims(provider, endpoints, token, scopes, client_id=app.client_id,
                                 nonce=nonce)
        account, _ = account_of(provider, endpoints, token["access_token"], claims)
        server = OAuth2Server(token_url=endpoints.token, revocation_url=endpoints.revocation,
                              auth_method=client.token_endpoint_auth_method,
                              issuer=endpoints.issuer)
        return SignInOutcome(flow=flow, account=account,
                             state=OAuth2State(tokens_of(token, scopes), server),
                             **app.outcome_fields())

    def _authenticate(self, request: SignInRequest, provider: Provider, endpoints: Endpoints,
                      client: ProtocolClient,
                      scopes: list[str]) -> tuple[str, dict[str, Any], str | None]:
        """Run the flow the plan picks: ``(flow, token response, nonce sent or None)``."""
        oauth = provider.oauth
        assert oauth is not None
        needs_secret = "device_code" in oauth.client_secret_required_for
        device_ok = bool(endpoints.device) and (client.client_secret is not None
                                                or not needs_secret)
        pkce_unavailable = _why_no_pkce(provider, endpoints, client.client_secret)
        _check_flow(provider, request.flow, pkce_unavailable, device_ok)
        flow, redirect, placement = plan_sign_in(
            request, supports_device_code=device_ok, pkce_unavailable=pkce_unavailable
        )
        if flow == "device":
            from ._device import sign_in_with_device_code

            assert endpoints.device is not None
            token = sign_in_with_device_code(
                client, device_url=endpoints.device, token_url=endpoints.token, scopes=scopes,
                extra={}, on_event=request.on_event, timeout=request.timeout,
                cancel=request.cancel, provider_name=provider.display_name,
                json_bodies=oauth.device_token_request == "json",
            )
            return flow, token, None
        from ._pkce import sign_in_with_pkce

        extra = dict(oauth.authorize_params)
        if request.login_hint and endpoints.issuer:
            extra.setdefault("login_hint", request.login_hint)
        form_post = (oauth.response_mode == "form_post" if oauth.response_mode
                     else "form_post" in endpoints.response_modes)
        token, nonce = sign_in_with_pkce(
            client, endpoints, scopes=scopes, use_pkce=oauth.pkce, form_post=form_post,
            extra=extra, redirect=redirect, on_event=request.on_event,
            timeout=request.timeout if request.timeout is not None else BROWSER_WAIT,
            open_browser=request.open_browser,
            browser_is_local=placement.browser_is_local and not placement.in_kernel,
            cancel=request.cancel, provider_name=provider.display_name,
            openid="openid" in scopes,
        )
        return flow, token, nonce

    # -- refresh -----------------------------------------------------------------------------
    def refresh(self, record: ConnectionRecord, scopes: list[str], *, force: bool,
                claims: str | None) -> Refreshed:
        state = record.state
        tokens = state.tokens if isinstance(state, OAuth2State) else None
        server = state.server if isinstance(state, OAuth2State) else OAuth2Server()
        refresh_token = tokens.refresh_token if tokens else None
        if tokens is None or not refresh_token or not server.token_url or not record.client_id:
            return Refreshed({"error": "no_refresh_token",
                              "error_description": "the provider gave no refresh token"})
        client = protocol_client(record.client_id, record.client_secret, server.auth_method)
        params: dict[str, Any] = {}
        if scope_keys(scopes) != scope_keys(record.scopes):
            # Only a narrower (or, refused, a wider) set is asked for: RFC 6749 §6.
            params["scope"] = " ".join(scopes)
        try:
            answer = client.refresh_token(server.token_url, refresh_token=refresh_token,
                                          **params)
        except TokenEndpointError as exc:
            return Refreshed(dict(exc.body))
        fresh = tokens_of(dict(answer), list(tokens.scopes) or scopes)
        if not fresh.refresh_token:  # not rotated (Google): the old one stays
            fresh = dataclasses.replace(fresh, refresh_token=refresh_token)
        result = {"access_token": fresh.access_token, "scope": " ".join(fresh.scopes),
                  "expires_at": fresh.expires_at or float("inf")}
        return Refreshed(result, OAuth2State(fresh, server))

    def error_of(self, result: dict[str, Any], context: str) -> AuthsomeError:
        return oauth_error(result, context=context)

    def revoke(self, record: ConnectionRecord) -> None:
        """RFC 7009 revocation of the refresh token (its grant) and the access token."""
        state = record.state
        if not isinstance(state, OAuth2State) or not state.server.revocation_url:
            return
        client = protocol_client(record.client_id or "", record.client_secret,
                                 state.server.auth_method)
        for hint, value in (("refresh_token", state.tokens.refresh_token),
                            ("access_token", state.tokens.access_token)):
            if value:
                client.revoke_token(state.server.revocation_url, token=value,
                                    token_type_hint=hint)

    def forget(self, key: str | None = None) -> None:
        """Nothing per connection is cached here (the HTTP client is shared)."""


def wire_scopes(provider: Provider, wanted: list[str]) -> list[str]:
    """What the authorization request asks for: the definition's OpenID Connect scopes
    (``openid``, ``profile``, ``offline_access``), ``openid`` for an OIDC provider, then the
    resource scopes."""
    assert provider.oauth is not None
    reserved = [s for s in provider.oauth.scopes if s in RESERVED_SCOPES]
    if provider.oauth.is_oidc and "openid" not in reserved:
        reserved.insert(0, "openid")
    return list(dict.fromkeys([*reserved, *wanted]))


def tokens_of(answer: dict[str, Any], requested: list[str]) -> OAuth2Tokens:
    """The record's tokens from a token response (no id_token is kept)."""
    expires_in = answer.get("expires_in")
    try:
        expires_at = time.time() + float(expires_in) if expires_in not in (None, "") else None
    except (TypeError, ValueError):
        expires_at = None
    granted = split_scopes(str(answer["scope"])) if answer.get("scope") else list(requested)
    return OAuth2Tokens(
        access_token=answer["access_token"],
        token_type=answer.get("token_type", "Bearer"),
        expires_at=expires_at,
        scopes=tuple(granted),
        refresh_token=answer.get("refresh_token") or None,
    )


def _why_no_pkce(provider: Provider, endpoints: Endpoints, secret: str | None) -> str | None:
    assert provider.oauth is not None
    if not endpoints.authorization:
        return f"{provider.display_name} names no authorization endpoint"
    if secret is None and "pkce" in provider.oauth.client_secret_required_for:
        return (f"{provider.display_name}'s browser sign-in needs the app's client secret, and "
                "none is set")
    return None


def _check_flow(provider: Provider, flow: str, pkce_unavailable: str | None,
                device_ok: bool) -> None:
    env = provider.client_secret_variable
    secret_remedy = (f"pass client_secret= (kept encrypted in the store) or set {env}; "
                     f"`%authsome setup {provider.name}` shows where to find it")
    if flow == "pkce" and pkce_unavailable:
        raise ConfigurationError(f"Cannot sign in to {provider.display_name} in the browser: "
                                 f"{pkce_unavailable}", remedy=secret_remedy)
    if flow == "device" and not device_ok:
        raise ConfigurationError(
            f"{provider.display_name} offers no device-code sign-in to this app",
            remedy=secret_remedy if provider.oauth and provider.oauth.supports_device_code
            else "sign in with flow='pkce' (or 'auto')",
        )
    if flow == "auto" and pkce_unavailable and not device_ok:
        raise ConfigurationError(f"Cannot sign in to {provider.display_name}: "
                                 f"{pkce_unavailable}", remedy=secret_remedy)


__all__ = ["OAuth2Engine", "shared_client", "tokens_of", "wire_scopes"]
