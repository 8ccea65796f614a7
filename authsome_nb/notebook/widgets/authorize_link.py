"""The PKCE panel: a "Sign in with Microsoft" link-button that opens in the user's browser.

In a notebook the kernel may be on another machine, so it never opens a browser itself: the
authorize URL becomes an ``<a target=_blank>`` the user clicks, which opens a new tab of
*their* browser.  (A built-in ``Button`` cannot open a tab without custom JavaScript.)
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from ...events import AuthorizeUrl
from .._html import FONT, MUTED, button_link, esc
from ._panel import SignInPanel


class AuthorizeLinkPanel(SignInPanel):
    """Shows an :class:`AuthorizeUrl` event as a sign-in button and tracks the outcome."""

    def __init__(self, event: AuthorizeUrl, *, display_name: str = "Microsoft",
                 title: str = "Sign in to Microsoft",
                 on_cancel: Callable[[], None] | None = None) -> None:
        self.event = event
        self._button = widgets.HTML(button_link(event.url, f"Sign in with {display_name}"))
        self._button.add_class("authsome-authorize-link")
        note = ("A new tab opens at the sign-in page; this cell goes on by itself once you are "
                f"back (the browser returns to {event.redirect_uri}).")
        self._note = widgets.HTML(f"<div style='font-family:{FONT};color:{MUTED};font-size:12px;"
                                  f"line-height:1.4'>{esc(note)}</div>")
        super().__init__(title, [self._button, self._note], on_cancel=on_cancel)
        self.add_class("authsome-pkce")
        self.set_state("waiting", "Waiting for the browser to come back…")

    def finished(self) -> None:
        self._button.layout.display = "none"  # the link is single-use
        self._note.layout.display = "none"
