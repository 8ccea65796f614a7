"""What ``%authsome login`` shows in a Jupyter frontend: one output that follows the sign-in.

It starts as a status line, becomes the PKCE link or the device-code panel (live widgets, while
the user acts), and ends as the account card or the outcome, which replace the panel in place
as plain MIME (``notebook.cards``): a saved, reopened or shared notebook shows them without a
kernel or widget state, and holds neither the sign-in link nor the code any more.

While the panel is up, the output is the widget *and* a ``text/plain`` copy of the steps, so a
frontend without the widget manager still shows where to go and the code.  The output is
displayed with a display id and re-sent at each step (never at each countdown tick).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ...events import AuthorizeUrl, DeviceCode, FlowChosen, SignedIn
from .._html import FONT, MUTED, esc
from ..cards import card_bundle, outcome_bundle
from ..text import OUTCOME_LABELS, event_lines, failure_lines
from ._panel import SignInPanel

ALREADY = ("Already signed in to {name} ({key}): the stored sign-in still works "
           "(--force signs in again).")


class SignInView:
    """Observer of one sign-in (see ``notebook.sign_in``), shown in one output."""

    def __init__(self, provider: str, connection: str, *, display_name: str = "Microsoft",
                 on_cancel: Callable[[], None] | None = None, handle=None) -> None:
        """``on_cancel``: the Cancel widget's action (background); None: interrupt the kernel.
        ``handle``: an existing display to take over (a LoginButton's)."""
        self.provider = provider
        self.connection_name = connection
        self.display_name = display_name
        self.on_cancel = on_cancel
        self.panel: SignInPanel | None = None
        self.connection = None
        self.lines: list[str] = []
        self.bundle: dict = {}
        self._handle = handle
        self._lock = threading.RLock()

    @property
    def key(self) -> str:
        return f"{self.provider}/{self.connection_name}"

    @property
    def title(self) -> str:
        return f"Sign in to {self.display_name} · {self.connection_name}"

    def text(self) -> str:
        """The ``text/plain`` of the output as it stands."""
        return self.bundle.get("text/plain", "")

    # -- display ---------------------------------------------------------------------------
    def show(self) -> None:
        """Display once with a display id (unless taking over one); later steps update it."""
        from IPython.display import display

        self.bundle = self._status_bundle(f"Sign-in to {self.display_name} ({self.key})")
        if self._handle is None:
            self._handle = display(self.bundle, raw=True, display_id=True)
        else:
            self._refresh()

    def _refresh(self) -> None:
        if self._handle is not None:
            self._handle.update(self.bundle, raw=True)

    def _status_bundle(self, message: str) -> dict:
        html = (f"<div style='font-family:{FONT};color:{MUTED};font-size:13px'>"
                f"{esc(message)}</div>")
        return {"text/html": html, "text/plain": "\n".join(self.lines) or message}

    def _panel_bundle(self) -> dict:
        bundle = dict(self.panel._repr_mimebundle_() or {}) if self.panel is not None else {}
        bundle["text/plain"] = "\n".join(self.lines)
        return bundle

    # -- the observer interface --------------------------------------------------------------
    def starting(self) -> None:
        with self._lock:
            old = self._detach_panel()
            self.connection = None
            self.lines = [f"Signing in to {self.display_name} (connection {self.key})…"]
            self.bundle = self._status_bundle(self.lines[0])
            self._refresh()
            _close(old)

    def event(self, event: object) -> None:
        from .authorize_link import AuthorizeLinkPanel
        from .device_code_panel import DeviceCodePanel

        with self._lock:
            self.lines.extend(event_lines(event))
            if isinstance(event, FlowChosen):
                self.bundle = self._status_bundle(event.reason)
            elif isinstance(event, AuthorizeUrl):
                self._replace_panel(AuthorizeLinkPanel(event, display_name=self.display_name,
                                                       title=self.title,
                                                       on_cancel=self.on_cancel))
            elif isinstance(event, DeviceCode):
                self._replace_panel(DeviceCodePanel(event, title=self.title,
                                                    on_cancel=self.on_cancel))
            elif isinstance(event, SignedIn) and self.panel is not None:
                who = event.username or event.display_name or "your account"
                self.panel.set_state("approved", f"Approved: signed in as {who}.")
                self.bundle = self._panel_bundle()
            else:
                return  # Waiting (the panel says it), or SignedIn with nothing to approve
            self._refresh()

    def signed_in(self, connection) -> None:
        """The card replaces the panel: no widget, no link, no code in the saved output."""
        with self._lock:
            note = "" if self.panel is not None else ALREADY.format(name=self.display_name,
                                                                     key=self.key)
            old = self._detach_panel()
            self.connection = connection
            self.bundle = card_bundle(connection, note=note)
            self._refresh()
            _close(old)

    def failed(self, error: BaseException, outcome: str, *, raised: bool = False) -> None:
        """The outcome replaces the panel.  ``raised``: the cell shows the error itself, so
        only the outcome is said here (one message per failure)."""
        with self._lock:
            label = OUTCOME_LABELS.get(outcome, outcome)
            if outcome == "cancelled":
                lines = [f"Sign-in cancelled ({self.key}): nothing was stored."]
            elif raised:
                lines = [f"Sign-in {label} ({self.key})."]
            else:
                lines = failure_lines(error, outcome)
            old = self._detach_panel()
            self.bundle = outcome_bundle(self.title, label, lines)
            self._refresh()
            _close(old)

    def close_panel(self) -> None:
        """Stop the panel's countdown (the sign-in is over, whichever way)."""
        panel = self.panel
        if panel is not None and not panel.final:
            panel.finished()

    def _replace_panel(self, panel) -> None:
        old = self._detach_panel()
        self.panel = panel
        self.bundle = self._panel_bundle()
        _close(old)

    def _detach_panel(self):
        panel, self.panel = self.panel, None
        if panel is not None and not panel.final:
            panel.finished()
        return panel


def _close(widget) -> None:
    """Close a replaced panel's widget models (after the output stopped showing them), so
    neither the kernel nor saved widget state keeps them."""
    if widget is None:
        return
    for child in getattr(widget, "children", ()):
        _close(child)
    for part in (getattr(widget, "layout", None), getattr(widget, "style", None)):
        if part is not None:
            part.close()
    widget.close()
