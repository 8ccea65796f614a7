"""How the package's own HTTP clients reach the network while a kernel-wide broker is on.

``%authsome run --kernel`` points this process's ``HTTPS_PROXY`` at the broker so that ``!``
cells and ``subprocess`` children go through it.  The package's own clients (MSAL's, Graph's,
the broker's upstream) must not loop through it: they are built with
``**own_client_options()``, which while the broker is on ignores the environment's proxy
variables and uses the proxy the kernel had before (a corporate one), if any.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_before: dict[str, str] | None = None  # the proxy variables before the broker set its own


def own_client_options() -> dict[str, Any]:
    """``httpx.Client`` keyword arguments for one of the package's own clients."""
    if _before is None:
        return {"trust_env": True}
    proxy = next((_before[n] for n in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")
                  if _before.get(n)), None)
    no_proxy = _before.get("NO_PROXY") or _before.get("no_proxy") or ""
    return {"trust_env": False, "proxy": None if no_proxy.strip() == "*" else proxy}


def broker_in_environment(before: Mapping[str, str] | None) -> None:
    """Called by the kernel-wide broker: ``before`` (its proxy variables) while it is on,
    None once it is off."""
    global _before
    _before = dict(before) if before is not None else None


def environment_before_broker() -> dict[str, str]:
    """This process's environment as it was before a kernel-wide broker changed it (the
    proxy variables it replaced, restored): where a broker's own upstream is configured."""
    import os

    env = dict(os.environ)
    if _before is not None:
        for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY",
                     "no_proxy"):
            env.pop(name, None)
        env.update(_before)
    return env
