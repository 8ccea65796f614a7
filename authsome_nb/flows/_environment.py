"""Where is this kernel, and can the user's browser reach its loopback redirect?

PKCE needs the browser to reach ``http://localhost:<port>/callback`` on the machine that
runs the kernel.  On JupyterHub, over SSH, in Codespaces or Colab the browser is elsewhere,
so ``flow="auto"`` picks the device code there (or PKCE through the Jupyter server's own
``/authsome/callback`` when that is available) and says why in one line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

#: The flows a sign-in may ask for: ``auto`` chooses between the other two.
Flow = Literal["auto", "pkce", "device"]


@dataclass(frozen=True)
class Placement:
    """Where we run: ``remote_reason`` is None when the browser is on this machine."""

    remote_reason: str | None
    in_kernel: bool
    has_display: bool

    @property
    def browser_is_local(self) -> bool:
        return self.remote_reason is None and self.has_display


def detect_placement(environ: Mapping[str, str] | None = None) -> Placement:
    env = os.environ if environ is None else environ
    reason = None
    if any(
        k in env for k in ("JUPYTERHUB_API_TOKEN", "JUPYTERHUB_SERVICE_PREFIX", "JUPYTERHUB_USER")
    ):
        reason = "this kernel runs on JupyterHub"
    elif env.get("CODESPACES") == "true" or "CODESPACE_NAME" in env:
        reason = "this kernel runs in GitHub Codespaces"
    elif "COLAB_RELEASE_TAG" in env or "google.colab" in sys.modules:
        reason = "this kernel runs in Google Colab"
    elif any(k in env for k in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY")):
        reason = "this session runs over SSH"
    has_display = True
    if sys.platform.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        has_display = False
        reason = reason or "this machine has no display (a server or container)"
    in_kernel = "ipykernel" in sys.modules and _in_zmq_shell()
    return Placement(remote_reason=reason, in_kernel=in_kernel, has_display=has_display)


def _in_zmq_shell() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def choose_flow(
    requested: str,
    *,
    supports_device_code: bool,
    placement: Placement,
    server_callback: bool = False,
    callback_label: str = "the Jupyter server's callback",
) -> tuple[str, str]:
    """``(flow, reason)`` for ``requested`` in {auto, pkce, device}."""
    if requested == "device":
        return "device", "Signing in with a device code."
    if requested == "pkce":
        return "pkce", "Signing in in the browser (PKCE)."
    if placement.remote_reason is None:
        return "pkce", "Signing in in your browser (PKCE): the redirect comes back to this machine."
    if server_callback:
        return "pkce", (
            f"Signing in in your browser (PKCE) through {callback_label}: "
            f"{placement.remote_reason}."
        )
    if supports_device_code:
        return "device", (
            f"Signing in with a device code: {placement.remote_reason}, so your browser "
            "cannot reach a loopback redirect here."
        )
    return "pkce", f"Signing in in the browser (PKCE), although {placement.remote_reason}."
