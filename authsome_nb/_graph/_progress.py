"""Progress of multi-page fetches: in a notebook kernel only, silent in scripts.

What it says is what is known.  With Graph's ``@odata.count`` there is a bar, rows so far out of
the rows coming (``Fetching 4000 of 30000 items``); without a count there is no bar to fill,
only the count so far (``Fetching 300 items so far…``), because a full bar would claim an end
nobody knows.  A ``top`` cap is named as a cap, never as the size of the collection.  When the
fetch ends, the widget is replaced by one line of text, so a saved notebook (or a frontend
without widgets) reads "Fetched 270 items (27 pages) from /me/messages".  Built-in ipywidgets
only; nothing is imported until a second page is actually fetched in a kernel.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Protocol


class Progress(Protocol):
    def update(self, n: int) -> None: ...
    def close(self) -> None: ...


class _Silent:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


SILENT: Progress = _Silent()


def in_kernel() -> bool:
    """True inside a Jupyter kernel (IPython with a kernel attached), False in scripts."""
    if "IPython" not in sys.modules:
        return False
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


@dataclass
class Tally:
    """Rows and pages so far, against what Graph said (``count``) and what was asked (``cap``)."""

    description: str
    count: int | None = None  # @odata.count: the collection's size, when Graph gave it
    cap: int | None = None  # top: the most rows wanted
    rows: int = 0
    pages: int = 0

    @property
    def total(self) -> int | None:
        """The rows this fetch will end with, when that is known."""
        if self.count is None:
            return None
        return self.count if self.cap is None else min(self.count, self.cap)

    def line(self, done: bool) -> str:
        pages = f"{self.pages} page{'s' if self.pages != 1 else ''}"
        where = f"from {self.description}"
        capped = self.cap is not None and (self.count is None or self.cap < self.count)
        if not done:
            if self.total is not None:
                of_all = f"top={self.cap} of {self.count}; " if capped else ""
                return f"Fetching {self.rows} of {self.total} items ({of_all}{pages}) {where}"
            limit = f", stopping at top={self.cap}" if self.cap is not None else ""
            return f"Fetching {self.rows} items so far ({pages}{limit}) {where}…"
        if self.count is not None and self.rows < self.count:
            cap = f", top={self.cap}" if self.cap is not None else ""
            return f"Fetched {self.rows} of {self.count} items ({pages}{cap}) {where}"
        if self.count is None and self.cap is not None and self.rows >= self.cap:
            return f"Fetched {self.rows} items ({pages}; stopped at top={self.cap}) {where}"
        return f"Fetched {self.rows} items ({pages}) {where}"


def progress_bar(tally: Tally) -> Progress:
    """A bar (or the count so far) for ``tally``, or a silent stand-in outside a kernel."""
    if not in_kernel():
        return SILENT
    try:
        return _WidgetBar(tally)
    except ImportError:
        return SILENT


class _WidgetBar:
    """An ipywidgets line behind a display handle; when done, the handle shows plain text."""

    def __init__(self, tally: Tally) -> None:
        import ipywidgets
        from IPython.display import display

        self._tally = tally
        # As wide as its text: the line names the path, which a fixed width would cut off.
        self._label = ipywidgets.Label(tally.line(done=False),
                                       layout=ipywidgets.Layout(width="auto", flex="0 0 auto"))
        self._bar = None
        parts: list = [self._label]
        if tally.total:
            self._bar = ipywidgets.IntProgress(min=0, max=tally.total, value=tally.rows,
                                               layout=ipywidgets.Layout(width="320px"))
            parts.insert(0, self._bar)
        self._box = ipywidgets.HBox(parts)
        self._handle = display(self._box, display_id=True)

    def update(self, n: int) -> None:
        tally = self._tally
        tally.rows += n
        tally.pages += 1
        if self._bar is not None and tally.total:
            self._bar.value = min(tally.rows, tally.total)
        self._label.value = tally.line(done=False)

    def close(self) -> None:
        self._box.close()
        if self._handle is not None:
            self._handle.update({"text/plain": self._tally.line(done=True)}, raw=True)
