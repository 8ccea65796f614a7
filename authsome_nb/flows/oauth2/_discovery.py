"""Finding a provider's issuer when its definition names none, as authsome does.

authsome's files give endpoints (``authorization_url``, ``token_url`` …) and no ``issuer``;
a server that sends RFC 9207's ``iss``, or signs id_tokens, can only be checked against an
issuer we learned.  So, for each path prefix P of the authorization endpoint, longest first
(``/op/auth`` gives ``/op``, then the root), two well-known places are asked:

* OpenID Connect Discovery 1.0 §4: ``{origin}{P}/.well-known/openid-configuration``;
* RFC 8414 §3: ``{origin}/.well-known/oauth-authorization-server{P}``.

A document counts only if its ``issuer`` is exactly ``{origin}{P}`` (RFC 8414 §3.3: the
issuer the URL was built from) and its ``authorization_endpoint`` is the definition's — so a
document about another server on the same host (a tenant beside ours, a stranger at the
root) is never taken for ours.  Answers are remembered per process, "nothing there" too;
a network failure is raised, not remembered.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit

from ._http import get_json

_found: dict[str, dict[str, Any] | None] = {}
_lock = threading.Lock()


def candidate_urls(authorization_url: str) -> list[tuple[str, str]]:
    """``(issuer, document URL)`` pairs to try, in order."""
    parts = urlsplit(authorization_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    segments = [s for s in parts.path.split("/") if s]
    pairs = []
    for length in range(len(segments) - 1, -1, -1):
        prefix = "".join(f"/{s}" for s in segments[:length])
        issuer = origin + prefix
        pairs.append((issuer, f"{issuer}/.well-known/openid-configuration"))
        pairs.append((issuer, f"{origin}/.well-known/oauth-authorization-server{prefix}"))
    return pairs


def discover_issuer(authorization_url: str) -> dict[str, Any] | None:
    """The metadata document of the server behind ``authorization_url``, or None."""
    with _lock:
        if authorization_url in _found:
            return _found[authorization_url]
    document = None
    for issuer, url in candidate_urls(authorization_url):
        status, body = get_json(url)
        if (status == 200 and body.get("issuer") == issuer
                and body.get("authorization_endpoint") == authorization_url):
            document = body
            break
    with _lock:
        _found[authorization_url] = document
    return document


def forget_discovered_issuers() -> None:
    with _lock:
        _found.clear()


def issuer_is_plausible(sent: str, authorization_url: str | None) -> bool:
    """Without a known issuer, an ``iss`` is taken only from the authorization endpoint's own
    origin and as a path prefix of it (``https://id.example/op`` for ``…/op/auth``)."""
    if not authorization_url:
        return False
    ours, theirs = urlsplit(authorization_url), urlsplit(sent)
    if (theirs.scheme, theirs.netloc) != (ours.scheme, ours.netloc) or theirs.query \
            or theirs.fragment:
        return False
    prefix = theirs.path.rstrip("/")
    return not prefix or ours.path == prefix or ours.path.startswith(prefix + "/")
