"""The account card shown after sign-in: who, which tenant, which scopes, until when; Sign out.

Built from a ``Connection`` (metadata only), so the card — and the widget state a notebook
saves — never holds a token.  Sign out removes the connection from the store (every kernel
sees it at its next token request) and says so on the card.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from ..text import connection_lines, token_expiry
from ._html import BRAND, FONT, MONO, MUTED, TEXT, badge, esc
from ._panel import frame_layout


def _initials(name: str) -> str:
    parts = [p for p in name.replace("@", " ").replace(".", " ").split() if p[:1].isalpha()]
    return "".join(p[0].upper() for p in parts[:2]) or "?"


def _chips(scopes) -> str:
    return "".join(
        f"<span style='display:inline-block;font-family:{MONO};font-size:11px;margin:0 4px 4px 0;"
        f"padding:1px 6px;border-radius:8px;border:1px solid var(--jp-border-color2, #d0d0d0)'>"
        f"{esc(s)}</span>" for s in scopes
    ) or "-"


def _default_sign_out(connection) -> None:
    from ... import _api

    _api.logout(connection.provider, connection.connection)


class AccountCard(widgets.VBox):
    """A signed-in connection, with a Sign out button."""

    def __init__(self, connection, *, on_sign_out: Callable[[object], None] | None = None,
                 after_sign_out: Callable[[], None] | None = None) -> None:
        self.connection = connection
        self.signed_out = False
        self._sign_out_action = on_sign_out or _default_sign_out
        self._after_sign_out = after_sign_out
        self._header = widgets.HTML()
        self._details = widgets.HTML(self._details_html())
        self._note = widgets.HTML()
        self._button = widgets.Button(
            description="Sign out", icon="sign-out",
            layout=widgets.Layout(width="auto", align_self="flex-start"),
            tooltip=f"Remove {connection.key} and its tokens from the store",
        )
        self._button.on_click(self._sign_out)
        super().__init__([self._header, self._details, self._note, self._button],
                         layout=frame_layout())
        self.add_class("authsome-account-card")
        self._render_header("signed in")

    def text(self) -> str:
        if self.signed_out:
            return f"Signed out of {self.connection.key}."
        return "\n".join(connection_lines(self.connection))

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/plain"] = self.text()
        return bundle

    def _render_header(self, state: str) -> None:
        c = self.connection
        name = c.display_name or c.username or "Unknown account"
        avatar = (f"<div style='width:40px;height:40px;border-radius:20px;background:{BRAND};"
                  f"color:#fff;display:flex;align-items:center;justify-content:center;"
                  f"font-weight:600;font-size:16px;flex:none'>{esc(_initials(name))}</div>")
        self._header.value = (
            f"<div style='display:flex;align-items:center;gap:12px;font-family:{FONT}'>{avatar}"
            f"<div style='flex:1'><div style='font-size:16px;font-weight:600;color:{TEXT}'>"
            f"{esc(name)}</div>"
            f"<div style='font-size:13px;color:{MUTED}'>{esc(c.username or '')}</div></div>"
            f"{badge(state)}</div>"
        )

    def _details_html(self) -> str:
        c = self.connection
        rows = [
            ("tenant", esc(c.tenant_id or "-")),
            ("connection", f"<code>{esc(c.key)}</code>"),
            ("scopes", _chips(c.scopes)),
            ("token", esc(token_expiry(c.expires_at))),
        ]
        if c.refresh_error:
            rows.append(("last refresh", esc("failed: " + c.refresh_error)))
        body = "".join(
            f"<tr><td style='color:{MUTED};padding:2px 14px 2px 0;vertical-align:top'>{k}</td>"
            f"<td style='color:{TEXT};padding:2px 0'>{v}</td></tr>" for k, v in rows
        )
        style = f"font-family:{FONT};font-size:13px;border-collapse:collapse"
        return f"<table style='{style}'>{body}</table>"

    def _sign_out(self, _button=None) -> None:
        if self.signed_out:
            return
        self._button.disabled = True
        try:
            self._sign_out_action(self.connection)
        except Exception as exc:  # shown on the card: a click has no cell to report to
            self._button.disabled = False
            self._note.value = f"<div style='color:#a4262c;font-family:{FONT}'>{esc(exc)}</div>"
            return
        self.signed_out = True
        self._render_header("signed out")
        self._button.layout.display = "none"
        self._note.value = (f"<div style='font-family:{FONT};font-size:13px;color:{MUTED}'>"
                            f"Signed out of {esc(self.connection.key)}: its tokens were removed "
                            f"from the store.</div>")
        if self._after_sign_out is not None:
            self._after_sign_out()
