"""Scopes, in one place: how they are written, compared and chosen for a sign-in.

Users write scopes as a string (``"Mail.Read, Mail.Send"`` or ``"Mail.Read Mail.Send"``), a
list, or a magic's repeated options (``--scopes a,b --scopes c``); :func:`split_scopes` reads
them all.  They compare the way Microsoft compares them: case-insensitive, with Graph's
resource prefix optional (:func:`scope_key`).

``offline_access`` (a refresh token), ``openid`` and ``profile`` are always requested — MSAL
adds them itself and refuses to be handed them — so they are filtered out of what is asked
for and of what is compared.  Which scopes a sign-in asks a provider for is the provider's
business (``_providers.resolve_scopes``).
"""

from __future__ import annotations

from collections.abc import Iterable

#: The OpenID Connect scopes MSAL adds by itself and refuses to be given.
RESERVED_SCOPES = frozenset({"openid", "profile", "offline_access"})
GRAPH_RESOURCE = "https://graph.microsoft.com/"


def split_scopes(value: str | Iterable[str] | None) -> list[str]:
    """Scopes as a list: commas and spaces separate, in a string or in each item of a list."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    return [word for item in items for word in item.replace(",", " ").split()]


def scope_key(scope: str) -> str:
    """Compare scopes the way Microsoft does: case-insensitive, Graph prefix optional."""
    lowered = scope.lower()
    if lowered.startswith(GRAPH_RESOURCE):
        lowered = lowered[len(GRAPH_RESOURCE):]
    return lowered


def scope_keys(scopes: Iterable[str]) -> frozenset[str]:
    """The comparable keys of ``scopes``, the reserved OIDC scopes left out."""
    return frozenset(k for k in map(scope_key, scopes) if k not in RESERVED_SCOPES)


def dedupe(scopes: Iterable[str]) -> tuple[str, ...]:
    """``scopes`` in their first spelling, each once, without the reserved ones."""
    seen: set[str] = set()
    result = []
    for scope in scopes:
        key = scope_key(scope)
        if key not in seen and key not in RESERVED_SCOPES:
            seen.add(key)
            result.append(scope)
    return tuple(result)


def covers(granted: Iterable[str], wanted: Iterable[str]) -> bool:
    """Whether every wanted scope is among the granted ones (reserved scopes ignored)."""
    return scope_keys(wanted) <= scope_keys(granted)


def resource_of(key: str) -> str:
    """The resource a scope key belongs to: ``https://storage.azure.com`` for
    ``https://storage.azure.com/user_impersonation``, ``""`` for Graph's (the prefix is
    optional, so a key without one is Graph's) and for names like ``openid``."""
    if "://" not in key:
        return ""
    return key.rsplit("/", 1)[0]


def served_keys(granted: Iterable[str]) -> frozenset[str]:
    """The keys a token granted ``granted`` serves: those scopes, and ``<resource>/.default``
    for each resource they belong to (an SDK asks for ``.default``, "whatever this app may do
    there", and Microsoft answers with the permissions it granted)."""
    keys = scope_keys(granted)
    defaults = {f"{resource_of(k)}/.default" if resource_of(k) else ".default" for k in keys}
    return keys | frozenset(defaults)


def own_scopes(scopes: Iterable[str]) -> tuple[str, ...]:
    """The scopes of the connection's own API (Graph's for Microsoft): what its token is for
    when no scope is named.  Another resource's scopes (``https://storage.azure.com/.default``)
    were asked for consent; a token for them is asked by name."""
    return tuple(s for s in scopes if not resource_of(scope_key(s)))

