"""A progress bar for multi-page fetches: in a notebook kernel only, silent in scripts.

An ``ipywidgets.IntProgress`` with a label (built-in widgets, like every widget here), replaced
by a one-line summary when the fetch ends.  Nothing is imported until a second page is
actually fetched in a kernel, so single-page calls and scripts pay nothing.
"""

from __future__ import annotations

import sys
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


def progress_bar(description: str, total: int | None) -> Progress:
    """A bar for ``total`` items (None: unknown), or a silent stand-in outside a kernel."""
    if not in_kernel():
        return SILENT
    try:
        return _WidgetBar(description, total)
    except ImportError:
        return SILENT


class _WidgetBar:
    """An ipywidgets bar behind a display handle; when done, the handle shows one summary line.

    The summary replaces the widget in the cell's output, so a saved notebook (or any frontend
    without widgets) reads "Fetched 27 items in 3 pages from /me/todo/lists/…" rather than
    a frozen "0 items" bar.  Built-in widgets only, like the rest of the notebook layer.
    """

    def __init__(self, description: str, total: int | None) -> None:
        import ipywidgets
        from IPython.display import display

        self._description = description
        self._total = total
        self._count = 0
        self._pages = 0
        self._bar = ipywidgets.IntProgress(
            min=0, max=total or 1, layout=ipywidgets.Layout(width="320px")
        )
        if not total:
            self._bar.bar_style = "info"
        self._label = ipywidgets.Label(self._line("Fetching"))
        self._box = ipywidgets.HBox([self._bar, self._label])
        self._handle = display(self._box, display_id=True)

    def _line(self, verb: str) -> str:
        pages = f"{self._pages} page{'s' if self._pages != 1 else ''}"
        of_total = f" of {self._total}" if self._total else ""
        return f"{verb} {self._count}{of_total} items ({pages}) from {self._description}"

    def update(self, n: int) -> None:
        self._count += n
        self._pages += 1
        self._bar.value = min(self._count, self._total) if self._total else self._bar.max
        self._label.value = self._line("Fetching")

    def close(self) -> None:
        self._box.close()
        if self._handle is not None:
            self._handle.update({"text/plain": self._line("Fetched")}, raw=True)
