"""What ``%authsome list`` and ``%authsome get`` return: connections with a rich and a plain repr.

These are plain objects, not ipywidgets: an HTML table renders in every frontend (and in a
notebook saved to HTML), the text table in terminals and logs.  They hold ``Connection``
metadata only, which never includes a token.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..text import clock, token_expiry
from ._html import MUTED, esc, record_html, record_text, table_html, table_text

_HEADERS = ("connection", "account", "name", "tenant", "scopes", "token", "flow")
_EMPTY = "No connections yet: sign in with %authsome login microsoft"


def _token_cell(connection) -> str:
    cell = token_expiry(connection.expires_at)
    if connection.refresh_error:
        cell += f" — last refresh failed: {connection.refresh_error}"
    return cell


def _row(connection) -> tuple[str, ...]:
    return (
        connection.key,
        connection.username or "",
        connection.display_name or "",
        connection.tenant_id or "",
        " ".join(connection.scopes),
        _token_cell(connection),
        connection.flow or "",
    )


class ConnectionsTable(list):
    """A list of :class:`~authsome_nb.Connection` that shows itself as a table."""

    def __init__(self, connections: Iterable = ()) -> None:
        super().__init__(connections)

    def to_records(self) -> list[dict]:
        """One JSON-safe dict per connection (metadata only)."""
        return [c.to_dict() for c in self]

    def frame(self):
        """The table as a pandas DataFrame (needs the ``pandas`` extra)."""
        import pandas as pd

        return pd.DataFrame([_row(c) for c in self], columns=list(_HEADERS))

    def _repr_html_(self) -> str:
        if not self:
            return f"<p style='color:{MUTED}'>{esc(_EMPTY)}</p>"
        return table_html(_HEADERS, [_row(c) for c in self])

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(repr(self))

    def __repr__(self) -> str:
        if not self:
            return _EMPTY
        return table_text(_HEADERS, [_row(c) for c in self])


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
            ("token", token_expiry(c.expires_at)),
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
