"""The authorization-code grant with PKCE (RFC 7636, S256) through our redirect targets.

The same loopback listener and Jupyter server callback as Microsoft's sign-in receive the
redirect.  ``state`` must come back unchanged (the listener already ignores strangers; we
check again, since the server callback matches by state alone); ``iss``, where the provider
sends it (RFC 9207), must be its issuer, which defeats mix-up attacks between providers (with
no issuer known, it must be the authorization endpoint's origin and a prefix of its path).
``response_mode=form_post`` is asked for where the provider offers it and the target can take
a POST (the loopback can; the Jupyter server's callback cannot: its cookie is SameSite).
"""

from __future__ import annotations

import threading
from typing import Any

from authlib.common.security import generate_token

from ...errors import SignInError, StateMismatchError
from ...events import AuthorizeUrl, EventHandler, Waiting
from .._pkce import BrowserOpener, _show
from ._discovery import issuer_is_plausible
from ._errors import oauth_error
from ._http import ProtocolClient, TokenEndpointError
from ._metadata import Endpoints

VERIFIER_LENGTH = 64  # RFC 7636 §4.1: 43–128 characters; 64 letters and digits ≈ 380 bits


def sign_in_with_pkce(
    client: ProtocolClient,
    endpoints: Endpoints,
    *,
    scopes: list[str],
    use_pkce: bool,
    form_post: bool,
    extra: dict[str, str],
    redirect: Any,
    on_event: EventHandler,
    timeout: float,
    open_browser: BrowserOpener,
    browser_is_local: bool,
    cancel: threading.Event | None,
    provider_name: str,
    openid: bool = False,
) -> tuple[dict[str, Any], str | None]:
    """Run the browser flow; returns ``(token response, nonce sent or None)``."""
    verifier = generate_token(VERIFIER_LENGTH) if use_pkce else None
    nonce = generate_token(32) if openid else None
    params = dict(extra)
    if nonce:
        params["nonce"] = nonce
    if form_post and getattr(redirect, "response_mode", None) == "form_post":
        params["response_mode"] = "form_post"
    try:
        url, state = client.create_authorization_url(
            endpoints.authorization, code_verifier=verifier, redirect_uri=redirect.redirect_uri,
            scope=" ".join(scopes), **params,
        )
        redirect.expect_state(state)
        opened = _show(url, open_browser, browser_is_local)
        on_event(AuthorizeUrl(url=url, redirect_uri=redirect.redirect_uri, opened_browser=opened))
        on_event(Waiting("Waiting for the browser to come back…"))
        response = redirect.wait(timeout, cancel)
    finally:
        redirect.close()
    if response.get("state") != state:
        raise StateMismatchError(
            "OAuth state mismatch: the redirect belongs to another sign-in",
            remedy="close other sign-in tabs and try again",
        )
    check_issuer(response.get("iss"), endpoints)
    if "error" in response:
        raise oauth_error(response, context="Browser sign-in failed", provider=provider_name)
    token_params: dict[str, Any] = {"code": response.get("code", ""),
                                    "redirect_uri": redirect.redirect_uri}
    if verifier:
        token_params["code_verifier"] = verifier
    try:
        token = client.fetch_token(endpoints.token, grant_type="authorization_code",
                                   **token_params)
    except TokenEndpointError as exc:
        raise oauth_error(exc.body, context="Browser sign-in failed",
                          provider=provider_name) from None
    return dict(token), nonce


def check_issuer(sent: str | None, endpoints: Endpoints) -> None:
    """RFC 9207: ``iss`` must be the issuer we know (and be there where the server says it
    sends one); with none known, it must at least be the authorization endpoint's own."""
    if endpoints.issuer is not None:
        wrong = (sent is not None or endpoints.issuer_in_redirect) and sent != endpoints.issuer
        expected = repr(endpoints.issuer)
    else:
        wrong = sent is not None and not issuer_is_plausible(sent, endpoints.authorization)
        expected = f"one at {endpoints.authorization}"
    if wrong:
        raise SignInError(
            f"The redirect came from the issuer {sent!r}, not {expected}",
            remedy="close other sign-in tabs (another provider's sign-in may have answered) "
            "and try again",
            error="issuer_mismatch",
        )
