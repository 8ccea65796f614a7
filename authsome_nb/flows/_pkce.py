"""PKCE (authorization code) sign-in through MSAL with our own redirect target.

MSAL builds the authorize URL (S256 challenge, ``state``, ``nonce``) and redeems the code
with the verifier; we supply the redirect target — the loopback listener, or the Jupyter
server's callback for remote kernels — and decide where the URL is shown.
MSAL's verifier is 43 characters drawn with ``secrets`` from the 66 unreserved characters
(about 260 bits, more than a random 32-byte verifier).
"""

from __future__ import annotations

import threading
import warnings
import webbrowser
from collections.abc import Callable
from typing import Any

from ..errors import StateMismatchError
from ..events import AuthorizeUrl, EventHandler, Waiting
from ._aadsts import error_from_result
from ._engine import BROWSER_WAIT

BrowserOpener = bool | Callable[[str], object]

def sign_in_with_pkce(
    app: Any,
    scopes: list[str],
    *,
    redirect: Any,
    on_event: EventHandler,
    timeout: float | None,
    open_browser: BrowserOpener,
    browser_is_local: bool,
    cancel: threading.Event | None = None,
    login_hint: str | None = None,
    prompt: str | None = "select_account",
) -> dict[str, Any]:
    """Run the auth-code flow; ``redirect`` is a loopback-like target, closed at the end."""
    try:
        with warnings.catch_warnings():
            # A redirect through the Jupyter server must use the query (a cross-site form POST
            # would arrive without Jupyter's SameSite cookie); MSAL warns about that choice.
            warnings.filterwarnings("ignore", message="response_mode='form_post' is recommended")
            flow = app.initiate_auth_code_flow(
                scopes,
                redirect_uri=redirect.redirect_uri,
                login_hint=login_hint,
                prompt=prompt,
                response_mode=getattr(redirect, "response_mode", None),
            )
        redirect.expect_state(flow["state"])
        opened = _show(flow["auth_uri"], open_browser, browser_is_local)
        on_event(
            AuthorizeUrl(
                url=flow["auth_uri"], redirect_uri=redirect.redirect_uri, opened_browser=opened
            )
        )
        on_event(Waiting("Waiting for the browser to come back…"))
        response = redirect.wait(BROWSER_WAIT if timeout is None else timeout, cancel)
    finally:
        redirect.close()
    try:
        result: dict[str, Any] = app.acquire_token_by_auth_code_flow(flow, response, scopes=scopes)
    except ValueError as exc:  # MSAL: state mismatch or a malformed response
        raise StateMismatchError(
            f"OAuth state mismatch ({str(exc).split(':')[0]})",
            remedy="close other sign-in tabs, check the system clock, and try again",
        ) from None
    except RuntimeError:  # MSAL: the ID token's nonce (or auth_time) is not this request's
        # MSAL's message quotes the ID token's claims: not repeated here.
        raise StateMismatchError(
            "The sign-in came back with an ID token issued for another sign-in request "
            "(nonce mismatch): refused",
            remedy="close other sign-in tabs and try again; if it happens again, someone else "
            "may be answering your sign-ins (use flow='device')",
        ) from None
    if "access_token" not in result:
        raise error_from_result(result, context="Browser sign-in failed")
    return result


def _show(url: str, open_browser: BrowserOpener, browser_is_local: bool) -> bool:
    """Hand the URL to a callable, or open the system browser when it is the user's."""
    if callable(open_browser):
        open_browser(url)
        return True
    if open_browser and browser_is_local:
        try:
            return bool(webbrowser.open(url, new=2))
        except webbrowser.Error:
            return False
    return False
