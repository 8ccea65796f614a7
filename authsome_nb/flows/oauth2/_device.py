"""The device authorization grant (RFC 8628) for any provider.

Providers differ from Entra here: oidc-provider and GitHub send no ``message`` (we build the
"open this page, enter this code" text), oidc-provider sends no ``interval`` (RFC 8628 §3.2:
then 5 s), Google names the page ``verification_url``, GitHub answers errors with HTTP 200.
``slow_down`` adds 5 s to the interval (§3.5), or takes the one the provider sends (GitHub).
The wait ends with the code's expiry, our ``timeout`` (None: the code's whole life), the
Cancel button, or Ctrl+C / Kernel → Interrupt (:class:`SignInCancelled`).
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any

from ..._providers import insecure_reason
from ...errors import SignInCancelled, SignInTimeout
from ...events import DeviceCode, EventHandler, Waiting
from .._waits import code_lifetime, poll_interval
from ._errors import oauth_error
from ._http import ProtocolClient, TokenEndpointError

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SLOW_DOWN_STEP = 5  # RFC 8628 §3.5
_TICK = 0.2


def sign_in_with_device_code(
    client: ProtocolClient,
    *,
    device_url: str,
    token_url: str,
    scopes: list[str],
    extra: dict[str, str],
    on_event: EventHandler,
    timeout: float | None,
    cancel: threading.Event | None,
    provider_name: str,
    json_bodies: bool = False,
) -> dict[str, Any]:
    """Run the device flow; returns the token response or raises a SignInError."""
    answer = _authorize_device(client, device_url, {"scope": " ".join(scopes), **extra},
                               json_bodies, provider_name)
    device_code, interval = str(answer["device_code"]), poll_interval(answer.get("interval"))
    expires_at = time.time() + code_lifetime(answer.get("expires_in"))
    page, user_code = str(answer["verification_uri"]), str(answer["user_code"])
    on_event(DeviceCode(
        user_code=user_code, verification_uri=page, expires_at=expires_at,
        message=answer.get("message") or f"To sign in, use a web browser to open the page "
        f"{page} and enter the code {user_code} to authenticate.",
        interval=int(interval),
    ))
    on_event(Waiting("Waiting for the code to be entered…"))
    deadline = min(expires_at, time.time() + (math.inf if timeout is None else timeout))
    try:
        while True:
            _sleep(interval, deadline, cancel)
            if cancel is not None and cancel.is_set():
                raise SignInCancelled("Sign-in cancelled.")
            if time.time() >= deadline:
                break
            try:
                return _poll(client, token_url, device_code, json_bodies)
            except TokenEndpointError as exc:
                if exc.error == "authorization_pending":
                    continue
                if exc.error == "slow_down":
                    interval = poll_interval(exc.body.get("interval"), interval + SLOW_DOWN_STEP)
                    continue
                raise oauth_error(exc.body, context="Device-code sign-in failed",
                                  provider=provider_name) from None
    except KeyboardInterrupt:
        raise SignInCancelled("Sign-in interrupted.") from None
    if deadline < expires_at and timeout is not None:
        raise SignInTimeout(
            f"Nobody approved the code within {int(timeout)} s",
            remedy="run the sign-in again and enter the code in time (or give it a longer "
            "timeout, or none: then it waits as long as the code is valid)",
        )
    raise oauth_error({"error": "expired_token"}, context="Device-code sign-in failed",
                      provider=provider_name)


def _authorize_device(client: ProtocolClient, device_url: str, form: dict[str, str],
                      json_bodies: bool, provider_name: str) -> dict[str, Any]:
    """The device authorization answer, its page (``verification_uri``) an https address."""
    context = "Could not start the device-code sign-in"
    try:
        answer = client.post_form(device_url, form, as_json=json_bodies)
    except TokenEndpointError as exc:
        raise oauth_error(exc.body, context=context, provider=provider_name) from None
    page = answer.get("verification_uri") or answer.get("verification_url")
    if not answer.get("device_code") or not answer.get("user_code") or not page:
        problem = "the device authorization answer lacks device_code, user_code or " \
                  "verification_uri"
    elif insecure_reason(str(page)):  # shown as a link: a javascript: or http page is refused
        problem = f"the verification page {str(page)[:80]!r} is not an https address"
    else:
        return {**answer, "verification_uri": page}
    raise oauth_error({"error": "invalid_response", "error_description": problem},
                      context=context, provider=provider_name)


def _poll(client: ProtocolClient, token_url: str, device_code: str,
          json_bodies: bool) -> dict[str, Any]:
    """One token request for the device code; raises TokenEndpointError while pending."""
    if not json_bodies:
        return dict(client.fetch_token(token_url, grant_type=DEVICE_GRANT,
                                       device_code=device_code))
    body = client.post_form(token_url, {"grant_type": DEVICE_GRANT, "device_code": device_code},
                            as_json=True)
    if not body.get("access_token"):
        raise TokenEndpointError({"error": "invalid_response", **body}, 200)
    return body


def _sleep(seconds: float, deadline: float, cancel: threading.Event | None) -> None:
    """Sleep in short steps so that Cancel and Ctrl+C are heard at once."""
    until = min(time.time() + seconds, deadline)
    while time.time() < until:
        if cancel is not None and cancel.is_set():
            return
        time.sleep(min(_TICK, max(0.0, until - time.time())))

