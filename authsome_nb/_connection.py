"""What a signed-in account looks like to users: ``Connection`` and the masked ``AccessToken``.

Neither can show a token by accident: ``Connection`` holds no token at all, and
``AccessToken`` is a ``str`` (so ``f"Bearer {tok}"``, ``"Bearer " + tok`` and httpx headers
just work) whose ``repr``, ``str()``, ``print()``, IPython pretty-print, HTML repr and
``%whos`` show only whose token it is and when it expires.  ``tok.value`` is the plain
``str`` for code that needs one.
"""

from __future__ import annotations

import html
import math
import time
from dataclasses import asdict, dataclass, field


def describe_expiry(expires_at: float | None, now: float | None = None) -> str:
    if not expires_at:
        return "no access token"
    if math.isinf(expires_at):
        return "does not expire"
    left = expires_at - (now or time.time())
    if left <= 0:
        return "expired (refreshes on next use)"
    if left < 120:
        return f"expires in {int(left)} s"
    if left < 7200:
        return f"expires in {int(left // 60)} min"
    return f"expires in {left / 3600:.1f} h"


@dataclass(frozen=True)
class Connection:
    """One signed-in account of a provider, under a connection name (``default``, ``work`` …)."""

    provider: str
    connection: str
    username: str | None = None
    display_name: str | None = None
    tenant_id: str | None = None
    scopes: tuple[str, ...] = ()
    expires_at: float | None = None
    created_at: float | None = None
    last_refresh: float | None = None
    client_id: str | None = None
    authority: str | None = None
    flow: str | None = None
    refresh_error: str | None = field(default=None)

    @property
    def key(self) -> str:
        return f"{self.provider}/{self.connection}"

    @property
    def expires_in(self) -> float | None:
        return None if self.expires_at is None else self.expires_at - time.time()

    def to_dict(self) -> dict:
        """JSON-safe metadata (what the Jupyter server's REST API returns): never a token."""
        data = asdict(self)
        data["scopes"] = list(self.scopes)
        data["key"] = self.key
        # JSON has no infinity: a token that never expires (GitHub's may not) says so instead.
        data["never_expires"] = self.expires_at is not None and math.isinf(self.expires_at)
        if data["never_expires"]:
            data["expires_at"] = None
        return data

    def __repr__(self) -> str:
        who = self.username or self.display_name or "unknown account"
        return f"<Connection {self.key}: {who}, {describe_expiry(self.expires_at)}>"

    def _repr_html_(self) -> str:
        rows = [
            ("Connection", self.key),
            ("Account", self.username or ""),
            ("Name", self.display_name or ""),
            ("Tenant", self.tenant_id or ""),
            ("Scopes", " ".join(self.scopes)),
            ("Token", describe_expiry(self.expires_at)),
        ]
        if self.refresh_error:
            rows.append(("Last refresh", "failed: " + self.refresh_error))
        body = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th><td style='text-align:left'>"
            f"{html.escape(v)}</td></tr>" for k, v in rows
        )
        return f"<table>{body}</table>"


class AccessToken(str):
    """A bearer token that is a ``str`` for code and a masked label for people."""

    provider: str
    connection: str
    expires_at: float
    scopes: tuple[str, ...]

    def __new__(cls, value: str, *, provider: str, connection: str, expires_at: float,
                scopes: tuple[str, ...] = ()) -> AccessToken:
        token = super().__new__(cls, value)
        token.provider = provider
        token.connection = connection
        token.expires_at = expires_at
        token.scopes = scopes
        return token

    def _label(self) -> str:
        return (f"<AccessToken {self.provider}/{self.connection} (masked, {len(self)} chars), "
                f"{describe_expiry(self.expires_at)}>")

    def __repr__(self) -> str:
        return self._label()

    # str() is what print(), %whos, logging's "%s" and "%s" % tok show: the label.  Code that
    # builds a header keeps the value: f-strings and format() go through __format__, and
    # concatenation, .encode() and httpx read the characters themselves.
    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(self._label())

    def _repr_html_(self) -> str:
        return f"<code>{html.escape(self._label())}</code>"

    def __getnewargs_ex__(self):
        # copy/pickle rebuild it through __new__, whose metadata are keyword-only.
        return (self.value,), {"provider": self.provider, "connection": self.connection,
                               "expires_at": self.expires_at, "scopes": self.scopes}

    @property
    def value(self) -> str:
        """The token as a plain ``str`` (for libraries that reject subclasses)."""
        return str.__str__(self)
