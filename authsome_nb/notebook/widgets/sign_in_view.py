"""What ``%authsome login`` shows in a Jupyter frontend: one output that follows the sign-in.

It starts as a status line, becomes the PKCE link or the device-code panel, and ends as the
account card (or the panel's final state).  The output is a widget *and* a ``text/plain``
fallback carrying the same lines; it is displayed with a display id and re-sent at each step
(never at each countdown tick), so nbconvert, nbclient and frontends without the widget
manager keep the link, the code and the outcome while JupyterLab shows the live widget.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import ipywidgets as widgets

from ...events import AuthorizeUrl, DeviceCode, FlowChosen, SignedIn
from ..text import OUTCOME_LABELS, connection_lines, event_lines, failure_lines
from ._html import FONT, MUTED, esc
from .account_card import AccountCard
from .authorize_link import AuthorizeLinkPanel
from .device_code_panel import DeviceCodePanel


class SignInView(widgets.VBox):
    """Observer of one sign-in (see ``notebook.sign_in``), rendered as widgets plus text."""

    def __init__(self, provider: str, connection: str, *, display_name: str = "Microsoft",
                 on_cancel: Callable[[], None] | None = None) -> None:
        self.provider = provider
        self.connection_name = connection
        self.display_name = display_name
        self.on_cancel = on_cancel
        self.panel = None
        self.card: AccountCard | None = None
        self.lines: list[str] = []
        self._handle = None
        self._lock = threading.RLock()
        self._status = widgets.HTML()
        super().__init__([self._status])
        self.add_class("authsome-sign-in")

    # -- display ---------------------------------------------------------------------------
    def text(self) -> str:
        """The ``text/plain`` fallback: every line so far."""
        return "\n".join(self.lines) or f"Sign-in to {self.display_name} ({self.key})"

    @property
    def key(self) -> str:
        return f"{self.provider}/{self.connection_name}"

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/plain"] = self.text()
        return bundle

    def show(self) -> None:
        """Display once with a display id; later steps update that same output."""
        from IPython.display import display

        self._handle = display(self._repr_mimebundle_(), raw=True, display_id=True)

    _ipython_display_ = show

    def _refresh(self) -> None:
        if self._handle is not None:
            self._handle.update(self._repr_mimebundle_(), raw=True)

    def _set_status(self, message: str) -> None:
        self._status.value = (f"<div style='font-family:{FONT};color:{MUTED};font-size:13px'>"
                              f"{esc(message)}</div>") if message else ""

    # -- the observer interface --------------------------------------------------------------
    def starting(self) -> None:
        with self._lock:
            self.card = None
            self.panel = None
            self.children = [self._status]
            self.lines = [f"Signing in to {self.display_name} (connection {self.key})…"]
            self._set_status(self.lines[0])
            self._refresh()

    def event(self, event: object) -> None:
        with self._lock:
            self.lines.extend(event_lines(event))
            title = f"Sign in to {self.display_name} · {self.connection_name}"
            if isinstance(event, FlowChosen):
                self._set_status(event.reason)
            elif isinstance(event, AuthorizeUrl):
                self._replace_panel(AuthorizeLinkPanel(event, display_name=self.display_name,
                                                       title=title, on_cancel=self.on_cancel))
            elif isinstance(event, DeviceCode):
                self._replace_panel(DeviceCodePanel(event, title=title, on_cancel=self.on_cancel))
            elif isinstance(event, SignedIn) and self.panel is not None:
                who = event.username or event.display_name or "your account"
                self.panel.set_state("approved", f"Approved: signed in as {who}.")
            else:
                return  # Waiting (the panel says it), or SignedIn with nothing to approve
            self._refresh()

    def signed_in(self, connection) -> None:
        with self._lock:
            if self.panel is None:
                already = (f"Already signed in to {self.display_name} ({self.key}): the stored "
                           "sign-in still works (--force signs in again).")
                self._set_status(already)
                self.lines.append(already)
            else:
                self._set_status("")
            self.lines.extend(connection_lines(connection))
            self.card = AccountCard(connection, after_sign_out=self.signed_out)
            shown = [self._status] if self.panel is None else [self._status, self.panel]
            self.children = [*shown, self.card]
            self._refresh()

    def failed(self, error: BaseException, outcome: str) -> None:
        with self._lock:
            self.lines.extend(failure_lines(error, outcome))
            label = OUTCOME_LABELS.get(outcome, outcome)
            message = getattr(error, "message", "") or str(error) or f"Sign-in {label}."
            if self.panel is not None:
                self.panel.set_state(label, message.splitlines()[0])
            else:
                self._set_status(f"Sign-in {label}: {message.splitlines()[0]}")
            self._refresh()

    def signed_out(self) -> None:
        """The card's Sign out was clicked (the text fallback records it too)."""
        with self._lock:
            self.lines.append(f"Signed out of {self.key}.")
            self._refresh()

    def close_panel(self) -> None:
        """Stop the panel's countdown (the sign-in is over, whichever way)."""
        panel = self.panel
        if panel is not None and hasattr(panel, "finished") and not panel.final:
            panel.finished()

    def _replace_panel(self, panel) -> None:
        self.close_panel()
        self.panel = panel
        self.children = [self._status, panel]
