"""The frame both sign-in panels share: a title with a state badge, a status line, Cancel.

A panel is told its state (waiting → approved | declined | expired | cancelled | timed out
| failed); once final, the Cancel button goes away.  Cancel only helps when the kernel is
free to hear the click — a background sign-in or a LoginButton.  A blocking cell keeps the
kernel busy, so there the panel says to use Kernel → Interrupt instead of showing a button
that could not be heard.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import ipywidgets as widgets

from ._html import BORDER, FONT, MUTED, TEXT, badge, esc

FINAL_STATES = frozenset({"approved", "declined", "expired", "cancelled", "timed out", "failed"})
INTERRUPT_HINT = "Kernel → Interrupt (■) cancels the sign-in."


def frame_layout() -> widgets.Layout:
    return widgets.Layout(border=f"1px solid {BORDER}", padding="10px 16px", margin="4px 0",
                          max_width="640px", grid_gap="6px")


class SignInPanel(widgets.VBox):
    """Title + state badge, a body given by the subclass, a status line and Cancel."""

    def __init__(self, title: str, body: list[widgets.Widget], *,
                 on_cancel: Callable[[], None] | None = None) -> None:
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
            hint = INTERRUPT_HINT
        else:
            hint = "or Kernel → Interrupt (■)"
        self._hint = widgets.HTML(f"<span style='color:{MUTED};font-size:12px'>{esc(hint)}</span>")
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
