"""Which scopes a sign-in asks for: defaults, custom scopes and service presets.

``offline_access`` (a refresh token), ``openid`` and ``profile`` are always requested —
MSAL adds them itself and refuses to be handed them, so they are filtered out here and
shown back to the user as part of the connection's scopes.  Custom scopes and presets are
merged with ``User.Read``, which sign-in needs to read the profile (``/me``).
"""

from __future__ import annotations

from collections.abc import Iterable

from .._providers import Provider
from .._providers._schema import RESERVED_SCOPES
from ..errors import ConfigurationError

BASE_SCOPE = "User.Read"
GRAPH_RESOURCE = "https://graph.microsoft.com/"


def _split(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return [s.strip() for s in value if s and s.strip()]


def scope_key(scope: str) -> str:
    """Compare scopes the way Microsoft does: case-insensitive, Graph prefix optional."""
    lowered = scope.lower()
    if lowered.startswith(GRAPH_RESOURCE):
        lowered = lowered[len(GRAPH_RESOURCE):]
    return lowered


def dedupe(scopes: Iterable[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    result = []
    for scope in scopes:
        key = scope_key(scope)
        if key not in seen and key not in RESERVED_SCOPES:
            seen.add(key)
            result.append(scope)
    return tuple(result)


def resolve_scopes(
    provider: Provider,
    scopes: str | Iterable[str] | None = None,
    services: str | Iterable[str] | None = None,
) -> tuple[str, ...]:
    """The resource scopes to request (reserved OIDC scopes removed; MSAL adds them)."""
    custom = _split(scopes)
    wanted_services = _split(services)
    if not custom and not wanted_services:
        return dedupe(provider.resource_scopes())
    chosen: list[str] = [BASE_SCOPE] if provider.is_microsoft else []
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


def covers(granted: Iterable[str], wanted: Iterable[str]) -> bool:
    """Whether every wanted scope is among the granted ones (reserved scopes ignored)."""
    have = {scope_key(s) for s in granted}
    return all(scope_key(s) in have for s in wanted if scope_key(s) not in RESERVED_SCOPES)
