"""The device-code panel: where to go, the code (large, one click to copy), a countdown, the state.

The code sits in a ``user-select: all`` box, so a single click selects all of it even where
the Copy button's clipboard call is not allowed (plain-HTTP servers, sandboxed frontends).
The countdown runs in a small daemon thread: the cell's own thread is inside MSAL's polling
loop and cannot tick it.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

import ipywidgets as widgets

from ...events import DeviceCode
from .._html import FONT, MONO, MUTED, TEXT, esc, link
from ..text import countdown
from ._panel import SignInPanel

_SAFE_CODE = re.compile(r"^[A-Za-z0-9-]{1,32}$")

# Copies the code next to the button; falls back to selecting it for Ctrl+C.
_COPY_JS = (
    "var b=this,c=b.parentNode.querySelector('[data-authsome-code]'),t=c.textContent;"
    "function done(){b.textContent='Copied';}"
    "if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(t).then(done);}"
    "else{var r=document.createRange();r.selectNodeContents(c);var s=getSelection();"
    "s.removeAllRanges();s.addRange(r);try{document.execCommand('copy');done();}catch(e){}}"
)


def code_html(user_code: str) -> str:
    """The user code, large and select-all, with a Copy button (omitted for odd characters)."""
    shown = (f"<span data-authsome-code style='font-family:{MONO};font-size:28px;font-weight:700;"
             f"letter-spacing:3px;color:{TEXT};user-select:all;padding:2px 8px;border-radius:4px;"
             f"background:var(--jp-layout-color2, #f3f3f3)'>{esc(user_code)}</span>")
    if not _SAFE_CODE.match(user_code):
        return f"<div>{shown}</div>"
    style = "margin-left:12px;height:30px;width:auto;padding:0 14px"
    button = (f"<button class='jupyter-widgets jupyter-button widget-button' title='Copy the code' "
              f"style='{style}' onclick=\"{_COPY_JS}\">Copy</button>")
    return f"<div style='display:flex;align-items:center'>{shown}{button}</div>"


class DeviceCodePanel(SignInPanel):
    """Shows a :class:`DeviceCode` event and, through :meth:`set_state`, how it ended."""

    def __init__(self, code: DeviceCode, *, title: str = "Sign in to Microsoft",
                 on_cancel: Callable[[], None] | None = None) -> None:
        self.code = code
        self._total = max(1.0, code.expires_at - time.time())
        step = f"<div style='font-family:{FONT};color:{TEXT};font-size:13px'>"
        self._where = widgets.HTML(
            f"{step}1. Open {link(code.verification_uri)} in your browser</div>")
        self._enter = widgets.HTML(f"{step}2. Enter this code:</div>")
        self._code = widgets.HTML(code_html(code.user_code))
        self._code.add_class("authsome-user-code")
        self._left = widgets.HTML()
        self._bar = widgets.FloatProgress(min=0.0, max=self._total, value=self._total,
                                          bar_style="info", layout=widgets.Layout(width="180px"))
        timer = widgets.HBox([self._left, self._bar], layout=widgets.Layout(align_items="center",
                                                                             grid_gap="8px"))
        self._timer = timer
        self._stop = threading.Event()
        super().__init__(title, [self._where, self._enter, self._code, timer], on_cancel=on_cancel)
        self.add_class("authsome-device-code")
        self._tick()
        self.set_state("waiting", "Waiting for you to enter the code…")
        self._thread = threading.Thread(target=self._run_countdown, name="authsome-countdown",
                                        daemon=True)
        self._thread.start()

    def _tick(self) -> None:
        left = self.code.seconds_left
        self._left.value = (f"<span style='font-family:{FONT};color:{MUTED};font-size:13px'>"
                            f"Code expires in <b>{countdown(left)}</b></span>")
        self._bar.value = float(min(left, self._total))
        if left < 60:
            self._bar.bar_style = "warning"

    def _run_countdown(self) -> None:
        while not self._stop.wait(1.0):
            self._tick()
            if self.code.seconds_left <= 0:
                break

    def finished(self) -> None:
        self._stop.set()
        # A used or dead code must not be typed in again: keep only the title, badge and status.
        for part in (self._timer, self._where, self._enter, self._code):
            part.layout.display = "none"

    def close(self) -> None:
        self._stop.set()
        super().close()
