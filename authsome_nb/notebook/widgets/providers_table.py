"""What ``%authsome providers`` shows: the provider definitions known here, grouped by kind.

OAuth 2.0 providers first (with the sign-ins each offers), then the API-key ones; in each group
the bundled and the user's own definitions, sorted by name.  The object is still the list of
definitions, for code that reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..._providers import by_kind, flows_of, normalize_host
from .._html import FONT, MUTED, esc, table_html, table_text

_HEADERS = ("provider", "name", "sign-in", "API host", "services", "defined in")


def _row(provider: Any) -> tuple[str, ...]:
    source = provider.sources[-1] if provider.sources else ""
    bundled = "/authsome_nb/_providers/" in source.replace("\\", "/")
    flows = flows_of(provider)
    if provider.is_microsoft:
        flows += " · MSAL"
    elif provider.oauth is not None and provider.oauth.is_oidc:
        flows += " · OIDC"
    api = provider.api_base or provider.api_url
    return (provider.name, provider.display_name, flows, normalize_host(api) if api else "",
            ", ".join(provider.services), "bundled" if bundled else source)


class ProvidersTable(list):
    """A list of provider definitions that shows itself as one table per kind."""

    def __init__(self, providers: Iterable[Any] = ()) -> None:
        super().__init__(providers)

    def _repr_html_(self) -> str:
        parts = []
        for kind, group in by_kind(self):
            parts.append(f"<div style='font-family:{FONT};font-weight:600;margin:10px 0 2px'>"
                         f"{esc(kind)} <span style='color:{MUTED};font-weight:normal'>"
                         f"({len(group)})</span></div>")
            parts.append(table_html(_HEADERS, [_row(p) for p in group]))
        return "".join(parts) or f"<p style='color:{MUTED}'>No providers.</p>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def __repr__(self) -> str:
        sections = [f"{kind} ({len(group)})\n{table_text(_HEADERS, [_row(p) for p in group])}"
                    for kind, group in by_kind(self)]
        return "\n\n".join(sections) or "No providers."
