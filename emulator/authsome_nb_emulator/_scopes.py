"""Scope strings as the identity platform reads them.

A request's ``scope`` mixes OpenID scopes (``openid profile offline_access email``) with
Graph permissions, bare (``Mail.Read``) or resource-qualified
(``https://graph.microsoft.com/Mail.Read``); both spellings mean the same permission.  The
token response echoes the Graph scopes as the client spelled them, in its order: MSAL keys
its cache on that string.

Other Azure APIs (Storage, Resource Manager …) are resources of their own, named by their
App ID URI (``https://storage.azure.com/user_impersonation``, ``…/.default``).  One token is
for one resource: when a request names several, the token is for the resource of the first
scope, and the others are only consented to ("If the scopes specified in this request span
multiple resource servers, then the Microsoft identity platform returns a token for the
resource specified in the first scope",
https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#refresh-the-access-token).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

GRAPH_RESOURCE = "https://graph.microsoft.com/"
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
#: Azure APIs beside Graph (App ID URI → the delegated permissions each exposes), which a
#: refresh token of the same sign-in also serves: Entra's refresh tokens are multi-resource
#: ("refresh tokens … can be used to acquire access tokens for other resources",
#: https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens), given consent.
#: https://learn.microsoft.com/en-us/azure/storage/blobs/authorize-access-azure-active-directory
#: https://learn.microsoft.com/en-us/rest/api/azure/#register-your-client-application-with-azure-ad
AZURE_RESOURCES: dict[str, tuple[str, ...]] = {
    "https://storage.azure.com": ("user_impersonation",),
    "https://management.azure.com": ("user_impersonation",),
    "https://vault.azure.net": ("user_impersonation",),
    "https://database.windows.net": ("user_impersonation",),
    "https://api.loganalytics.io": ("Data.Read",),
}
#: What the emulator's app registration lists statically for those APIs (``.default`` of a
#: resource consents to these; the others can only be consented to by name).
STATIC_RESOURCE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "https://storage.azure.com": ("user_impersonation",),
    "https://management.azure.com": ("user_impersonation",),
}
OIDC_SCOPES = frozenset({"openid", "profile", "offline_access", "email"})
_PERMISSION = re.compile(r"^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+$")
#: What the emulator's app registration lists statically (what ``.default`` consents to).
STATIC_PERMISSIONS = (
    "User.Read", "User.ReadBasic.All", "Mail.ReadWrite", "Mail.Send", "Calendars.ReadWrite",
    "Files.ReadWrite.All", "Tasks.ReadWrite", "Chat.ReadWrite", "Team.ReadBasic.All",
    "Sites.ReadWrite.All",
)


class ScopeError(ValueError):
    """A scope the identity platform refuses; ``code`` is the AADSTS code to answer with."""

    def __init__(self, code: int, scope: str) -> None:
        super().__init__(scope)
        self.code = code
        self.scope = scope


@dataclass(frozen=True)
class Scopes:
    """A parsed ``scope`` parameter."""

    graph: tuple[str, ...]  # the token's resource's scopes as spelled, deduplicated, in order
    oidc: frozenset[str]
    #: The token's resource: Graph (its permissions may be bare) or another App ID URI.
    resource: str = GRAPH_RESOURCE.rstrip("/")
    #: Scopes of further resources in the same request: consented to, no token for them.
    others: tuple[str, ...] = field(default=())

    @property
    def is_graph(self) -> bool:
        return self.resource == GRAPH_RESOURCE.rstrip("/")

    @property
    def names(self) -> tuple[str, ...]:
        """The permissions without the resource prefix."""
        return tuple(bare(s, self.resource) for s in self.graph)

    @property
    def offline_access(self) -> bool:
        return "offline_access" in self.oidc

    @property
    def is_default(self) -> bool:
        return any(n.lower() == ".default" for n in self.names)

    def response_scope(self, consented: list[str], extra: list[str]) -> str:
        """The ``scope`` of a token response (``.default`` expands to the consented set)."""
        if self.is_default:
            words = [f"{self.resource}/{name}" for name in consented]
        elif self.graph:
            words = list(self.graph)
        else:
            words = sorted(self.oidc - {"offline_access"})
        return " ".join(words + [e for e in extra if e not in words])


def bare(scope: str, resource: str = GRAPH_RESOURCE) -> str:
    prefix = resource.rstrip("/") + "/"
    return scope[len(prefix):] if scope.lower().startswith(prefix.lower()) else scope


def resource_of(scope: str) -> str:
    """The App ID URI a scope belongs to (a bare permission is Graph's); raises
    :class:`ScopeError` 500011 for an API this "tenant" does not know."""
    if "://" not in scope or scope.lower().startswith(GRAPH_RESOURCE):
        return GRAPH_RESOURCE.rstrip("/")
    for resource in AZURE_RESOURCES:
        if scope.lower().startswith(resource + "/"):
            return resource
    raise ScopeError(500011, scope)


def parse(raw: str | None) -> Scopes:
    """Split and classify a scope string; raises :class:`ScopeError` for refused scopes."""
    first: list[str] = []
    others: list[str] = []
    resource: str | None = None
    seen: set[tuple[str, str]] = set()
    oidc: set[str] = set()
    for word in (raw or "").split():
        if word.lower() in OIDC_SCOPES:
            oidc.add(word.lower())
            continue
        owner = resource_of(word)
        name = bare(word, owner)
        if name.lower() != ".default" and not _permission_of(owner, name):
            raise ScopeError(70011, word)
        if (owner, name.lower()) in seen:
            continue
        seen.add((owner, name.lower()))
        resource = resource or owner
        (first if owner == resource else others).append(word)
    return Scopes(tuple(first), frozenset(oidc), resource or GRAPH_RESOURCE.rstrip("/"),
                  tuple(others))


def _permission_of(resource: str, name: str) -> bool:
    if resource == GRAPH_RESOURCE.rstrip("/"):
        return bool(_PERMISSION.match(name))
    return name.lower() in {p.lower() for p in AZURE_RESOURCES[resource]}


def split_by_resource(scopes: Scopes) -> list[Scopes]:
    """The request's scopes per resource (the token's first): what a consent grants."""
    groups = [scopes]
    for word in scopes.others:
        owner = resource_of(word)
        for index, group in enumerate(groups):
            if group.resource == owner:
                groups[index] = Scopes((*group.graph, word), group.oidc, owner)
                break
        else:
            groups.append(Scopes((word,), scopes.oidc, owner))
    return groups
