"""What ``%authsome list`` and ``%authsome get`` return: connections with a rich and a plain repr.

These are plain objects, not ipywidgets, so a saved notebook shows them without a kernel.
The list displays as the bundle of :mod:`authsome_nb.notebook.cards`: our JupyterLab extension
renders it as a live table that follows the store, everything else as static HTML, terminals
as text.  They hold ``Connection`` metadata only, which never includes a token.
"""

from __future__ import annotations

from collections.abc import Iterable

from .._html import record_html, record_text, table_text
from ..cards import NO_CONNECTIONS, TABLE_HEADERS, connections_bundle, table_row
from ..text import clock, token_expiry


class ConnectionsTable(list):
    """A list of :class:`~authsome_nb.Connection` that shows itself as a table."""

    def __init__(self, connections: Iterable = (), *, provider: str | None = None) -> None:
        super().__init__(connections)
        self.provider = provider

    def to_records(self) -> list[dict]:
        """One JSON-safe dict per connection (metadata only)."""
        return [c.to_dict() for c in self]

    def frame(self):
        """The table as a pandas DataFrame (needs the ``pandas`` extra)."""
        import pandas as pd

        return pd.DataFrame([table_row(c) for c in self], columns=list(TABLE_HEADERS))

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return connections_bundle(self, self.provider)

    def _repr_html_(self) -> str:
        return connections_bundle(self, self.provider)["text/html"]

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(repr(self))

    def __repr__(self) -> str:
        if not self:
            return NO_CONNECTIONS
        return table_text(TABLE_HEADERS, [table_row(c) for c in self])


class ConnectionStatus:
    """``%authsome get``: one connection's account, tenant, scopes, expiry and key source."""

    def __init__(self, connection, key_source: str) -> None:
        self.connection = connection
        self.key_source = key_source

    def pairs(self) -> list[tuple[str, str]]:
        c = self.connection
        pairs = [
            ("connection", c.key),
            ("account", c.username or "-"),
            ("name", c.display_name or "-"),
            ("tenant", c.tenant_id or "-"),
            ("scopes", " ".join(c.scopes) or "-"),
            ("token", "refresh failed" if c.refresh_error else token_expiry(c.expires_at)),
            ("flow", c.flow or "-"),
            ("client id", c.client_id or "-"),
            ("authority", c.authority or "-"),
            ("signed in", clock(c.created_at) or "-"),
            ("last refresh", clock(c.last_refresh) or "-"),
        ]
        if c.refresh_error:
            pairs.append(("refresh error", c.refresh_error))
        pairs.append(("key source", self.key_source))
        return pairs

    def to_dict(self) -> dict:
        return {**self.connection.to_dict(), "key_source": self.key_source}

    def _repr_html_(self) -> str:
        return record_html(self.pairs())

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(repr(self))

    def __repr__(self) -> str:
        return record_text(self.pairs())
