"""The sign-in observer for places without widgets: terminal IPython, or ``widgets = "off"``.

In a terminal it prints each step as it happens, so the link or the code shows while the
sign-in waits (a terminal keeps no file).  In a kernel (``%config AuthsomeMagics.widgets =
"off"``) the steps go to one output, updated in place, and when the sign-in ends the link and
the code are dropped from it: a saved notebook keeps the outcome, never a sign-in link.

A blocking sign-in that fails raises its error right after (with the remedy), so only the
outcome is said here; a background one has nobody to raise to, so the whole message and
remedy are shown.
"""

from __future__ import annotations

import sys

from ..events import AuthorizeUrl, DeviceCode, SignedIn
from .text import OUTCOME_LABELS, connection_lines, event_lines, failure_lines


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return False
    return getattr(get_ipython(), "kernel", None) is not None


class TextSignInView:
    def __init__(self, provider: str, connection: str, *, background: bool = False,
                 stream=None, display_name: str = "Microsoft", live: bool | None = None) -> None:
        """``live``: one output updated in place (default: in a kernel, unless ``stream``)."""
        self.key = f"{provider}/{connection}"
        self.display_name = display_name
        self.background = background
        self._stream = stream
        self._live = (stream is None and _in_kernel()) if live is None else live
        self._handle = None
        self._transient: set[int] = set()  # indexes of link / code lines, dropped at the end
        self.lines: list[str] = []

    def _print(self, lines: list[str], *, transient: bool = False) -> None:
        start = len(self.lines)
        self.lines.extend(lines)
        if transient:
            self._transient.update(range(start, len(self.lines)))
        if self._live:
            self._show("\n".join(self.lines))
            return
        out = self._stream or sys.stdout
        for line in lines:
            print(line, file=out)
        if hasattr(out, "flush"):
            out.flush()

    def _show(self, text: str) -> None:
        from IPython.display import display

        bundle = {"text/plain": text}
        if self._handle is None:
            self._handle = display(bundle, raw=True, display_id=True)
        else:
            self._handle.update(bundle, raw=True)

    def _end(self, lines: list[str]) -> None:
        """The last lines; a live output forgets the link and the code it showed."""
        if not self._live:
            self._print(lines)
            return
        kept = [line for i, line in enumerate(self.lines) if i not in self._transient]
        self.lines = kept + lines
        self._transient.clear()
        self._show("\n".join(self.lines))

    def starting(self) -> None:
        self._print([f"Signing in to {self.display_name} (connection {self.key})…"])

    def event(self, event: object) -> None:
        if isinstance(event, SignedIn):
            return  # signed_in() prints the fuller account lines
        self._print(event_lines(event), transient=isinstance(event, AuthorizeUrl | DeviceCode))

    def signed_in(self, connection) -> None:
        self._end(connection_lines(connection))

    def failed(self, error: BaseException, outcome: str, *, raised: bool = False) -> None:
        if outcome == "cancelled":
            self._end([f"Sign-in cancelled ({self.key}): nothing was stored."])
        elif self.background or not raised:
            self._end(failure_lines(error, outcome))
        else:
            self._end([f"Sign-in {OUTCOME_LABELS.get(outcome, outcome)}."])

    def close_panel(self) -> None:
        pass
