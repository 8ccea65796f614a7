"""What ``%authsome providers`` returns: the provider definitions known here, as a table."""

from __future__ import annotations

from collections.abc import Iterable

from .._html import table_html, table_text

_HEADERS = ("provider", "name", "flows", "api", "services", "sign-in", "defined in")


def _row(provider) -> tuple[str, ...]:
    oauth = provider.oauth
    source = provider.sources[-1] if provider.sources else ""
    bundled = "/authsome_nb/_providers/" in source.replace("\\", "/")
    where = "bundled" if bundled else source
    return (
        provider.name,
        provider.display_name,
        ", ".join(provider.sign_in_flows) or provider.auth_type,
        provider.api_base or provider.api_url or "",
        ", ".join(provider.services),
        ("MSAL" if provider.is_microsoft else "OAuth 2.0" + (" / OIDC" if oauth and
                                                              oauth.is_oidc else ""))
        if provider.auth_type == "oauth2" else "not supported",
        where,
    )


class ProvidersTable(list):
    """A list of provider definitions that shows itself as a table."""

    def __init__(self, providers: Iterable = ()) -> None:
        super().__init__(providers)

    def _repr_html_(self) -> str:
        return table_html(_HEADERS, [_row(p) for p in self])

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(repr(self))

    def __repr__(self) -> str:
        return table_text(_HEADERS, [_row(p) for p in self])
