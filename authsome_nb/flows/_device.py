"""Device-code sign-in through MSAL: show the code, poll, end with a clear outcome.

MSAL's polling loop honours ``interval`` and ``slow_down`` and sleeps in one-second steps,
checking ``exit_condition`` between them; we use that hook for the Cancel button, our own
timeout (if one was given) and the code's expiry: by default the wait lasts exactly as long as
the code is valid (the ``expires_in`` of the identity platform's answer, 15 minutes at
Microsoft).  Ctrl+C / Kernel → Interrupt raises inside MSAL's sleep and
becomes :class:`SignInCancelled`.  Nothing is written anywhere until tokens arrive.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from ..errors import SignInCancelled, SignInTimeout
from ..events import DeviceCode, EventHandler
from ._aadsts import error_from_result
from ._waits import code_lifetime, poll_interval


def sign_in_with_device_code(
    app: Any,
    scopes: list[str],
    *,
    on_event: EventHandler,
    timeout: float | None = None,
    cancel: threading.Event | None = None,
) -> dict[str, Any]:
    """Run the device-code flow; returns MSAL's token result or raises a SignInError."""
    flow = app.initiate_device_flow(scopes=scopes)
    if "user_code" not in flow:
        raise error_from_result(flow, context="Could not start the device-code sign-in")
    deadline = None if timeout is None else time.time() + timeout
    # MSAL sleeps flow["interval"] between polls: a server's 0 or 1e999 must not reach it.
    flow["interval"] = int(poll_interval(flow.get("interval")))
    flow["expires_at"] = time.time() + code_lifetime(flow.get("expires_in"))
    on_event(
        DeviceCode(
            user_code=flow["user_code"],
            verification_uri=flow.get("verification_uri") or flow.get("verification_url", ""),
            message=flow.get("message", ""),
            expires_at=float(flow["expires_at"]),
            interval=flow["interval"],
        )
    )
    stopped = {"cancel": False, "timeout": False}

    def should_stop(current_flow: dict[str, Any]) -> bool:
        if cancel is not None and cancel.is_set():
            stopped["cancel"] = True
            return True
        if deadline is not None and time.time() >= deadline:
            stopped["timeout"] = True
            return True
        return bool(current_flow.get("expires_at", 0) < time.time())

    try:
        result: dict[str, Any] = app.acquire_token_by_device_flow(
            flow, exit_condition=should_stop)
    except KeyboardInterrupt:
        raise SignInCancelled("Sign-in interrupted.") from None
    if "access_token" in result:
        return result
    if stopped["cancel"]:
        raise SignInCancelled("Sign-in cancelled.")
    if stopped["timeout"]:
        raise SignInTimeout(
            f"Nobody approved the code within {int(timeout or 0)} s",
            remedy="run the sign-in again and enter the code in time (or give it a longer "
            "timeout, or none: then it waits as long as the code is valid)",
        )
    if result.get("error") in ("authorization_pending", "slow_down"):
        result = dict(result, error="expired_token", error_codes=[70020], error_description="")
    raise error_from_result(result, context="Device-code sign-in failed")
