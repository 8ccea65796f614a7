"""Which scopes a sign-in asks a provider for: its defaults, service presets, or the caller's.

Custom scopes and presets are merged with ``User.Read``, which sign-in needs to read the
profile (``/me``) — for other providers with the definition's ``account_scopes`` (GitHub's
``read:user``).  Reserved OpenID Connect scopes are left out: MSAL adds them itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from .._scopes import dedupe, split_scopes
from ..errors import ConfigurationError
from ._schema import Provider

BASE_SCOPE = "User.Read"


def resolve_scopes(
    provider: Provider,
    scopes: str | Iterable[str] | None = None,
    services: str | Iterable[str] | None = None,
) -> tuple[str, ...]:
    """The resource scopes to request (reserved OIDC scopes removed; MSAL adds them)."""
    custom = split_scopes(scopes)
    wanted_services = split_scopes(services)
    if not custom and not wanted_services:
        return dedupe(provider.resource_scopes())
    chosen: list[str] = [BASE_SCOPE] if provider.is_microsoft else list(provider.account_scopes)
    for name in wanted_services:
        preset = provider.services.get(name.lower())
        if preset is None:
            known = ", ".join(sorted(provider.services)) or "none"
            raise ConfigurationError(
                f"Unknown service '{name}' for {provider.name}",
                remedy=f"choose from: {known} (or pass scopes= directly)",
            )
        chosen.extend(preset)
    chosen.extend(custom)
    return dedupe(chosen)
