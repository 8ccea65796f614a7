"""Sign-in flows, all through MSAL: PKCE with a loopback (or server) redirect, and device code.

``sign_in(request)`` builds a fresh token cache and MSAL app for the sign-in, chooses the
flow (``auto``: see ``_environment``), runs it, and returns the result with the serialized
cache.  Nothing is stored here: the session stores the outcome only once it is complete,
so an interrupted sign-in leaves no half-written state.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigurationError
from ..events import EventHandler, FlowChosen, print_event
from ._device import sign_in_with_device_code
from ._environment import Flow, choose_flow, detect_placement
from ._hub_redirect import hub_service_redirect
from ._msal_app import build_app
from ._pkce import sign_in_with_pkce
from .rendezvous import server_redirect

__all__ = ["Flow", "SignInOutcome", "SignInRequest", "sign_in"]


@dataclass
class SignInRequest:
    client_id: str
    authority: str
    scopes: list[str]
    flow: Flow = "auto"
    supports_device_code: bool = True
    client_secret: str | None = None
    open_browser: Any = True
    timeout: float = 300
    on_event: EventHandler = print_event
    cancel: threading.Event | None = None
    redirect: Any = None  # a redirect target for PKCE; None: a loopback listener
    login_hint: str | None = None


@dataclass
class SignInOutcome:
    flow: str
    result: dict
    account: dict
    cache: dict


def sign_in(request: SignInRequest) -> SignInOutcome:
    import msal

    if request.client_secret and request.flow == "device":
        raise ConfigurationError(
            "The device code is for public clients; a client secret makes this a confidential app",
            remedy="sign in with flow='pkce' (or 'auto'), or drop client_secret and enable "
            "'Allow public client flows' in the app registration",
        )
    cache = msal.SerializableTokenCache()
    app = build_app(
        request.client_id, request.authority, token_cache=cache, client_secret=request.client_secret
    )
    placement = detect_placement()
    redirect = request.redirect
    if redirect is None and request.flow != "device" and placement.remote_reason is not None:
        # PKCE through the Hub's service (one redirect URI for every user), else through the
        # Jupyter server, when the kernel is remote.
        redirect = hub_service_redirect() or server_redirect()
    flow, reason = choose_flow(
        request.flow,
        # MSAL's confidential clients have no device flow: with a secret, PKCE it is.
        supports_device_code=request.supports_device_code and not request.client_secret,
        placement=placement,
        server_callback=redirect is not None,
        callback_label=getattr(redirect, "label", None) or "the Jupyter server's callback",
    )
    request.on_event(FlowChosen(flow, reason))
    if flow == "device":
        if redirect is not None:
            redirect.close()
        result = sign_in_with_device_code(
            app,
            request.scopes,
            on_event=request.on_event,
            timeout=request.timeout,
            cancel=request.cancel,
        )
    else:
        if redirect is None:
            from ._loopback import LoopbackRedirect

            redirect = LoopbackRedirect()
        result = sign_in_with_pkce(
            app,
            request.scopes,
            redirect=redirect,
            on_event=request.on_event,
            timeout=request.timeout,
            open_browser=request.open_browser,
            browser_is_local=placement.browser_is_local and not placement.in_kernel,
            cancel=request.cancel,
            login_hint=request.login_hint,
        )
    accounts = app.get_accounts()
    account = accounts[0] if accounts else {}
    return SignInOutcome(
        flow=flow, result=result, account=account, cache=json.loads(cache.serialize())
    )
