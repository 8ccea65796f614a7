"""The frame both sign-in panels share: a title with a state badge, a status line, Cancel.

A panel is told its state (waiting → approved | declined | expired | cancelled | timed out
| failed); once final, the Cancel button goes away.  In the background (``--background``, a
LoginButton) the kernel is free, so Cancel is a widget button whose click it hears.  A
blocking cell keeps the kernel busy and deaf to widget clicks (ipykernel 7 handles no comm
message while a cell runs), so there Cancel does what Kernel → Interrupt does: it asks our
JupyterLab / Notebook 7 extension, through a DOM event, to interrupt this notebook's kernel,
and the sign-in ends as "cancelled".  Where no extension answers (VS Code, classic Notebook),
the button says to use the frontend's own interrupt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import ipywidgets as widgets

from .._html import BORDER, FONT, MUTED, TEXT, badge, esc

FINAL_STATES = frozenset({"approved", "declined", "expired", "cancelled", "timed out", "failed"})
#: the DOM event our lab extension answers by interrupting the notebook's kernel
INTERRUPT_EVENT = "authsome-interrupt"
_INTERRUPT_JS = (
    f"var e=new CustomEvent('{INTERRUPT_EVENT}',{{bubbles:true,cancelable:true}});"
    "if(this.dispatchEvent(e)){this.nextSibling.textContent=' Use Kernel → Interrupt (■) "
    "to cancel.';}else{this.disabled=true;this.textContent='Cancelling…';}"
)


def interrupt_button_html() -> str:
    """A Cancel button for a busy kernel: the extension interrupts it (see the docstring)."""
    return (f"<button class='jupyter-widgets jupyter-button widget-button authsome-interrupt' "
            f"title='Stop this sign-in (interrupts the kernel)' style='width:auto;"
            f"padding:0 14px' onclick=\"{_INTERRUPT_JS}\">Cancel</button>"
            f"<span style='color:{MUTED};font-size:12px'> or Kernel → Interrupt (■)</span>")


def frame_layout() -> widgets.Layout:
    return widgets.Layout(border=f"1px solid {BORDER}", padding="10px 16px", margin="4px 0",
                          max_width="640px", grid_gap="6px")


class SignInPanel(widgets.VBox):
    """Title + state badge, a body given by the subclass, a status line and Cancel."""

    def __init__(self, title: str, body: list[widgets.Widget], *,
                 on_cancel: Callable[[], None] | None = None) -> None:
        """``on_cancel``: what the Cancel widget calls (background); None: a busy kernel."""
        self.title = title
        self.state = "waiting"
        self._lock = threading.Lock()
        self._header = widgets.HTML()
        self._status = widgets.HTML()
        self._cancel = widgets.Button(description="Cancel", icon="times",
                                      tooltip="Stop this sign-in",
                                      layout=widgets.Layout(width="auto"))
        self._on_cancel = on_cancel
        self._cancel.on_click(self._cancel_clicked)
        if on_cancel is None:
            self._cancel.layout.display = "none"
            self._hint = widgets.HTML(interrupt_button_html())
        else:
            self._hint = widgets.HTML(f"<span style='color:{MUTED};font-size:12px'>"
                                      f"{esc('or Kernel → Interrupt (■)')}</span>")
        actions = widgets.HBox([self._cancel, self._hint],
                               layout=widgets.Layout(align_items="center", grid_gap="8px"))
        self._actions = actions
        super().__init__([self._header, *body, self._status, actions], layout=frame_layout())
        self.add_class("authsome-panel")
        self._render_header()

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES

    def set_state(self, state: str, detail: str = "") -> None:
        """Show ``state`` (a badge word) and a one-line ``detail``; final states end the panel."""
        with self._lock:
            if self.final:  # a late event (a click after approval) must not undo the outcome
                return
            self.state = state
            self._render_header()
            self._status.value = (f"<div style='color:{TEXT};font-family:{FONT};font-size:13px'>"
                                  f"{esc(detail)}</div>") if detail else ""
            if self.final:
                self._actions.layout.display = "none"
                self.finished()

    def finished(self) -> None:
        """Hook for subclasses: the outcome is known (stop timers, hide what no longer applies)."""

    def _render_header(self) -> None:
        self._header.value = (
            f"<div style='font-family:{FONT};color:{TEXT};display:flex;align-items:center;"
            f"gap:10px'>"
            f"<span style='font-size:15px;font-weight:600'>{esc(self.title)}</span>"
            f"{badge(self.state)}</div>"
        )

    def _cancel_clicked(self, _button) -> None:
        if self.final or self._on_cancel is None:
            return
        self._cancel.disabled = True
        self._cancel.description = "Cancelling…"
        self._on_cancel()
