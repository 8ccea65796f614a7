"""Choosing the flow and the redirect target of a sign-in, the same way for every engine.

``auto`` picks PKCE where the browser can come back (this machine, the JupyterHub service's
callback, or a running Jupyter server's callback for a remote kernel) and the device code
elsewhere (see ``_environment``); the choice and its reason go to the user as
:class:`~authsome_nb.events.FlowChosen`.
"""

from __future__ import annotations

from typing import Any

from ..events import FlowChosen
from ._engine import SignInRequest
from ._environment import Placement, choose_flow, detect_placement
from ._hub_redirect import hub_service_redirect
from .rendezvous import server_redirect


def plan_sign_in(request: SignInRequest, *, supports_device_code: bool,
                 pkce_unavailable: str | None = None) -> tuple[str, Any, Placement]:
    """``(flow, redirect target or None, placement)``; emits ``FlowChosen``.

    ``pkce_unavailable`` says why this provider cannot do PKCE here (e.g. a secret it needs
    is missing): ``auto`` then takes the device code and says so.
    """
    placement = detect_placement()
    if pkce_unavailable and request.flow == "auto" and supports_device_code:
        reason = f"Signing in with a device code: {pkce_unavailable}."
        request.on_event(FlowChosen("device", reason))
        return "device", None, placement
    redirect = request.redirect
    if redirect is None and request.flow != "device" and placement.remote_reason is not None:
        # PKCE through the Hub's service (one redirect URI for every user), else through the
        # Jupyter server, when the kernel is remote.
        redirect = hub_service_redirect() or server_redirect()
    flow, reason = choose_flow(
        request.flow,
        supports_device_code=supports_device_code,
        placement=placement,
        server_callback=redirect is not None,
        callback_label=getattr(redirect, "label", None) or "the Jupyter server's callback",
    )
    request.on_event(FlowChosen(flow, reason))
    if flow == "device":
        if redirect is not None:
            redirect.close()
        return flow, None, placement
    if redirect is None:
        from ._loopback import LoopbackRedirect

        redirect = LoopbackRedirect()
    return flow, redirect, placement
