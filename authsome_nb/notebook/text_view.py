"""The sign-in observer for places without widgets: terminal IPython, or ``ui = "text"``.

It prints each step as it happens, so a terminal shows the link or the code while the
sign-in waits.  A blocking sign-in that fails raises its error right after (with the remedy),
so only the outcome word is printed here; a background one has nobody to raise to, so the
whole message and remedy are printed.
"""

from __future__ import annotations

import sys

from ..events import SignedIn
from .text import OUTCOME_LABELS, connection_lines, event_lines, failure_lines


class TextSignInView:
    def __init__(self, provider: str, connection: str, *, background: bool = False,
                 stream=None, display_name: str = "Microsoft") -> None:
        self.key = f"{provider}/{connection}"
        self.display_name = display_name
        self.background = background
        self._stream = stream
        self.lines: list[str] = []

    def _print(self, lines: list[str]) -> None:
        out = self._stream or sys.stdout
        for line in lines:
            self.lines.append(line)
            print(line, file=out)
        if hasattr(out, "flush"):
            out.flush()

    def starting(self) -> None:
        self._print([f"Signing in to {self.display_name} (connection {self.key})…"])

    def event(self, event: object) -> None:
        if isinstance(event, SignedIn):
            return  # signed_in() prints the fuller account lines
        self._print(event_lines(event))

    def signed_in(self, connection) -> None:
        self._print(connection_lines(connection))

    def failed(self, error: BaseException, outcome: str) -> None:
        if self.background:
            self._print(failure_lines(error, outcome))
        else:
            self._print([f"Sign-in {OUTCOME_LABELS.get(outcome, outcome)}."])

    def close_panel(self) -> None:
        pass
