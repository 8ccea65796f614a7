"""Finished outputs that render anywhere: the account card, the connections table, an outcome.

A widget needs a live kernel, or widget state saved in the notebook, which JupyterLab does not
save by default and GitHub, nbviewer and a colleague's copy never have: a reopened notebook
would say "Error displaying widget: model not found".  So once a sign-in (or a list) has
finished, its output is replaced, in place, by a plain MIME bundle:

- ``application/vnd.authsome.connection+json`` / ``…connections+json``: the account facts
  (``Connection.to_dict()``: who, tenant, scopes, expiry — never a token).  Our JupyterLab /
  Notebook 7 extension renders them as live cards that follow the store (a sign-out in the
  sidebar or another kernel shows within a second or two) and can sign out.
- ``text/html``: the same card as static HTML, for VS Code, nbconvert, nbviewer and GitHub.
  Its times carry the day and the zone (``as of 2026-12-04 17:04 CET``): it is read later,
  and elsewhere.
- ``text/plain``: the lines a terminal or a log shows.

Live widgets remain only for what is still going on: a device code being waited for, a button
waiting to be pressed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from ..sources import HUB_FLOW
from ._html import (
    BORDER,
    BRAND,
    FONT,
    MONO,
    MUTED,
    TEXT,
    badge,
    esc,
    table_html,
    table_text,
)
from .text import connection_lines, stamp, token_expiry

CONNECTION_MIME = "application/vnd.authsome.connection+json"
CONNECTIONS_MIME = "application/vnd.authsome.connections+json"
FORMAT_VERSION = 1

TABLE_HEADERS = ("connection", "account", "name", "tenant", "scopes", "token", "flow")
NO_CONNECTIONS = "No connections yet: sign in with %authsome login microsoft"

#: the facts a card may carry (``Connection.to_dict()`` keys); nothing else leaves the kernel.
#: Their shape is ``ConnectionFacts`` in ``authsome_nb/jupyter/rest-api.schema.json``.
FACTS = ("key", "provider", "connection", "username", "display_name", "tenant_id", "scopes",
         "expires_at", "never_expires", "created_at", "last_refresh", "flow", "refresh_error")


def facts(connection) -> dict:
    """A connection's account facts, JSON-safe: what the cards and the server's API share."""
    data = connection.to_dict()
    return {name: data.get(name) for name in FACTS}


def _card_style() -> str:
    return (f"border:1px solid {BORDER};padding:10px 16px;margin:4px 0;max-width:640px;"
            f"font-family:{FONT};color:{TEXT};font-size:13px")


def _initials(name: str) -> str:
    parts = [p for p in name.replace("@", " ").replace(".", " ").split() if p[:1].isalpha()]
    return "".join(p[0].upper() for p in parts[:2]) or "?"


def _chips(scopes: Sequence[str]) -> str:
    return "".join(
        f"<code style='font-family:{MONO};font-size:11px;margin:0 4px 4px 0;padding:1px 6px;"
        f"border-radius:8px;border:1px solid {BORDER}'>{esc(s)}</code> " for s in scopes
    ) or "-"


def token_state(connection, *, dated: bool = False) -> str:
    """The token row: a failing refresh wins over an expiry that no longer means anything."""
    if connection.refresh_error:
        return "refresh failed: sign in again"
    return token_expiry(connection.expires_at, dated=dated)


def card_html(connection, *, note: str = "") -> str:
    c = connection
    name = c.display_name or c.username or "Unknown account"
    avatar = (f"<div style='width:40px;height:40px;border-radius:20px;background:{BRAND};"
              f"color:#fff;display:flex;align-items:center;justify-content:center;"
              f"font-weight:600;font-size:16px;flex:none'>{esc(_initials(name))}</div>")
    header = (
        f"<div style='display:flex;align-items:center;gap:12px'>{avatar}"
        f"<div style='flex:1'><div style='font-size:16px;font-weight:600'>{esc(name)}</div>"
        f"<div style='color:{MUTED}'>{esc(c.username or '')}</div></div>"
        f"{badge('refresh failed' if c.refresh_error else 'signed in')}</div>"
    )
    rows = [("tenant", esc(c.tenant_id))] if c.tenant_id else []  # GitHub, Google: none
    rows += [("connection", f"<code>{esc(c.key)}</code>"), ("scopes", _chips(c.scopes)),
             ("token", esc(token_state(c, dated=True)))]
    if c.refresh_error:
        rows.append(("last refresh", esc(c.refresh_error)))
    body = "".join(
        f"<tr><td style='color:{MUTED};padding:2px 14px 2px 0;vertical-align:top;"
        f"text-align:left'>{k}</td><td style='padding:2px 0;text-align:left'>{v}</td></tr>"
        for k, v in rows)
    ends = ("Signed in at JupyterHub: log out of the Hub to end it" if c.flow == HUB_FLOW else
            f"Sign out: <code>%authsome logout {esc(c.provider)} {esc(c.connection)}</code>")
    footer = f"{ends} · as of {esc(stamp(time.time()))}"
    shown_note = f"<div style='margin:6px 0 0'>{esc(note)}</div>" if note else ""
    return (f"<div class='authsome-card' data-authsome-key='{esc(c.key)}' "
            f"style='{_card_style()}'>{header}{shown_note}"
            f"<table style='border-collapse:collapse;margin-top:6px'>{body}</table>"
            f"<div style='color:{MUTED};font-size:12px;margin-top:6px'>{footer}</div></div>")


def card_bundle(connection, *, note: str = "") -> dict:
    """The finished output of a sign-in: the account card, three ways."""
    lines = ([note] if note else []) + connection_lines(connection, dated=True)
    return {
        CONNECTION_MIME: {"version": FORMAT_VERSION, "connection": facts(connection),
                          "note": note},
        "text/html": card_html(connection, note=note),
        "text/plain": "\n".join(lines),
    }


def table_row(connection, *, dated: bool = False) -> tuple[str, ...]:
    return (
        connection.key,
        connection.username or "",
        connection.display_name or "",
        connection.tenant_id or "",
        " ".join(connection.scopes),
        token_state(connection, dated=dated) if not connection.refresh_error
        else f"last refresh failed: {connection.refresh_error}",
        connection.flow or "",
    )


def connections_bundle(connections: Iterable, provider: str | None = None) -> dict:
    """``%authsome list``: the connections table, three ways."""
    found = list(connections)
    if found:
        rows = [table_row(c, dated=True) for c in found]
        html = table_html(TABLE_HEADERS, rows, caption=f"as of {stamp(time.time())}")
        text = table_text(TABLE_HEADERS, rows)
    else:
        html = f"<p style='color:{MUTED}'>{esc(NO_CONNECTIONS)}</p>"
        text = NO_CONNECTIONS
    return {
        CONNECTIONS_MIME: {"version": FORMAT_VERSION, "provider": provider,
                           "connections": [facts(c) for c in found]},
        "text/html": html,
        "text/plain": text,
    }


def outcome_html(title: str, state: str, lines: Sequence[str]) -> str:
    body = "".join(f"<div style='margin-top:4px;white-space:pre-wrap'>{esc(line)}</div>"
                   for line in lines)
    return (f"<div class='authsome-outcome' style='{_card_style()}'>"
            f"<div style='display:flex;align-items:center;gap:10px'>"
            f"<span style='font-size:15px;font-weight:600'>{esc(title)}</span>{badge(state)}"
            f"</div>{body}</div>")


def outcome_bundle(title: str, state: str, lines: Sequence[str]) -> dict:
    """How a sign-in ended without an account (declined, cancelled …), with no link or code."""
    return {"text/html": outcome_html(title, state, lines), "text/plain": "\n".join(lines)}
