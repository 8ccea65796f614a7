"""Scope strings as the identity platform reads them.

A request's ``scope`` mixes OpenID scopes (``openid profile offline_access email``) with
Graph permissions, bare (``Mail.Read``) or resource-qualified
(``https://graph.microsoft.com/Mail.Read``); both spellings mean the same permission.  The
token response echoes the Graph scopes as the client spelled them, in its order: MSAL keys
its cache on that string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GRAPH_RESOURCE = "https://graph.microsoft.com/"
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
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

    graph: tuple[str, ...]  # as spelled by the client, deduplicated, in request order
    oidc: frozenset[str]

    @property
    def names(self) -> tuple[str, ...]:
        """The Graph permissions without the resource prefix."""
        return tuple(bare(s) for s in self.graph)

    @property
    def offline_access(self) -> bool:
        return "offline_access" in self.oidc

    @property
    def is_default(self) -> bool:
        return any(n.lower() == ".default" for n in self.names)

    def response_scope(self, consented: list[str], extra: list[str]) -> str:
        """The ``scope`` of a token response (``.default`` expands to the consented set)."""
        if self.is_default:
            words = [GRAPH_RESOURCE + name for name in consented]
        elif self.graph:
            words = list(self.graph)
        else:
            words = sorted(self.oidc - {"offline_access"})
        return " ".join(words + [e for e in extra if e not in words])


def bare(scope: str) -> str:
    return scope[len(GRAPH_RESOURCE):] if scope.lower().startswith(GRAPH_RESOURCE) else scope


def parse(raw: str | None) -> Scopes:
    """Split and classify a scope string; raises :class:`ScopeError` for refused scopes."""
    graph: list[str] = []
    seen: set[str] = set()
    oidc: set[str] = set()
    for word in (raw or "").split():
        if word.lower() in OIDC_SCOPES:
            oidc.add(word.lower())
            continue
        if "://" in word and not word.lower().startswith(GRAPH_RESOURCE):
            raise ScopeError(500011, word)  # another API: not known in this "tenant"
        name = bare(word)
        if name.lower() != ".default" and not _PERMISSION.match(name):
            raise ScopeError(70011, word)
        if name.lower() not in seen:
            seen.add(name.lower())
            graph.append(word)
    return Scopes(tuple(graph), frozenset(oidc))
