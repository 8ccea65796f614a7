"""Which requests get whose token: the routed connections' API hosts, matched as authsome does.

At CONNECT time the proxy knows only ``host:port``: it intercepts TLS only when some routed
provider's API names that host (exactly, or by a ``regex:`` pattern) — every other host is an
untouched tunnel.  After decrypting, a request is matched by host, then by the longest URL
prefix an ``api_url`` names, exact hosts before ``regex:`` ones; two connections matching
equally well is ambiguous and the request goes on untouched, as does a request to one of the
provider's own OAuth endpoints on the same host.  Loopback API hosts (the emulator) are routed
like any other.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .._providers import Provider, normalize_host

PLACEHOLDER = "authsome-proxy-managed"
_DNS_LITERAL = re.compile(r"((?:\\\.|[a-z0-9-])+)$", re.IGNORECASE)


def bearer(token: str) -> tuple[str, str]:
    return "Authorization", f"Bearer {token}"


@dataclass(frozen=True)
class Route:
    """One routed connection on one API host (``host`` normalised: ``:port`` unless 443)."""

    provider: str
    connection: str
    host: str | None
    pattern: re.Pattern[str] | None = None
    path_prefix: str | None = None
    oauth_paths: frozenset[str] = frozenset()
    #: the header that carries the token (or key): the provider's ``credential_header``
    credential: Callable[[str], tuple[str, str]] = bearer

    def specificity(self) -> tuple[int, int]:
        return (len(self.path_prefix or ""), 1 if self.host is not None else 0)


@dataclass(frozen=True)
class RouteTable:
    """Every route of a run; answers "intercept this host?" and "whose token for this URL?"."""

    routes: tuple[Route, ...]
    _by_host: Mapping[str, tuple[Route, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, routes: Iterable[Route]) -> RouteTable:
        routes = tuple(routes)
        by_host: dict[str, list[Route]] = {}
        for route in routes:
            if route.host is not None:
                by_host.setdefault(route.host, []).append(route)
        return cls(routes, {h: tuple(r) for h, r in by_host.items()})

    def intercepts(self, host: str) -> bool:
        """Whether CONNECT ``host`` (``name`` or ``name:port``) is one of ours to decrypt."""
        host = normalize_host(host)
        return host in self._by_host or any(_pattern_matches(r, host) for r in self.routes)

    def match(self, host: str, path: str) -> Route | None:
        """The one route for ``https://host/path``; None for no match, ambiguity, or the
        provider's own OAuth endpoints."""
        host = normalize_host(host)
        path = urlsplit(path).path or "/"
        candidates = [*self._by_host.get(host, ()),
                      *(r for r in self.routes if _pattern_matches(r, host))]
        fitting = [r for r in candidates if _under(path, r.path_prefix)
                   and path not in r.oauth_paths]
        if not fitting:
            return None
        best = max(r.specificity() for r in fitting)
        winners = [r for r in fitting if r.specificity() == best]
        return winners[0] if len(winners) == 1 else None

    def constraint_names(self) -> tuple[list[str], list[str]]:
        """``(dns names, ip addresses)`` the broker's CA must be allowed to sign for."""
        names: set[str] = set()
        addresses: set[str] = set()
        for route in self.routes:
            if route.host is not None:
                bare = urlsplit("//" + route.host).hostname or route.host
                (addresses if _is_ip(bare) else names).add(bare)
            elif route.pattern is not None:
                suffix = dns_suffix(route.pattern.pattern)
                if suffix:
                    names.add(suffix)
        return sorted(names), sorted(addresses)


def routes_for(provider: Provider, connection: str) -> list[Route]:
    """The routes of ``provider/connection``: its API hosts (``api_url`` entries, ``api_base``),
    with the URL prefix of an ``api_url`` that names one, and its ``regex:`` hosts.  Each
    carries the token in the header the definition names (an API key's, else a bearer)."""
    header = provider.credential_header
    oauth = provider.oauth
    oauth_urls = [u for u in (getattr(oauth, a, None) for a in (
        "authorization_url", "token_url", "device_authorization_url", "revocation_url",
        "userinfo_url")) if u] if oauth else []
    prefixes = _prefixes(provider.api_url)
    routes = []
    for host in sorted(provider.api_hosts):
        own_oauth = frozenset(urlsplit(u).path for u in oauth_urls
                              if normalize_host(u) == host)
        for prefix in prefixes.get(host, [None]):
            routes.append(Route(provider.name, connection, host, path_prefix=prefix,
                                oauth_paths=own_oauth, credential=header))
    for pattern in provider.api_host_patterns:
        routes.append(Route(provider.name, connection, None, pattern=pattern,
                            credential=header))
    return routes


def dns_suffix(pattern: str) -> str | None:
    """The literal DNS suffix a host regex ends with (``[a-z]+\\.googleapis\\.com`` →
    ``googleapis.com``), if it has at least two labels; None when it has none."""
    pattern = pattern.removeprefix("^").removesuffix("$")
    match = _DNS_LITERAL.search(pattern)
    if not match:
        return None
    labels = [part for part in match.group(1).lower().split("\\.") if part]
    if match.start() > 0 and not match.group(1).startswith("\\."):
        labels = labels[1:]  # "[a-z]+-api\.x\.com": the first label is only partly literal
    return ".".join(labels) if len(labels) >= 2 else None


def _prefixes(api_url: str | None) -> dict[str, list[str]]:
    """The URL prefix the first ``api_url`` entry names (``api.example.org/v2``), by host."""
    if not api_url or api_url.startswith("regex:"):
        return {}
    parts = urlsplit(api_url if "//" in api_url else "//" + api_url)
    path = parts.path.rstrip("/")
    return {normalize_host(api_url): [path]} if path else {}


def _under(path: str, prefix: str | None) -> bool:
    return prefix is None or path == prefix or path.startswith(prefix + "/")


def _pattern_matches(route: Route, host: str) -> bool:
    if route.pattern is None:
        return False
    bare = urlsplit("//" + host).hostname or host
    return bool(route.pattern.fullmatch(bare) or route.pattern.fullmatch(host))


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
