"""A progress bar for multi-page fetches: in a notebook kernel only, silent in scripts.

``tqdm.auto`` when it is installed (it picks the notebook widget itself), else an
``ipywidgets.IntProgress`` with a label, else nothing.  Nothing is imported until a second
page is actually fetched in a kernel, so single-page calls and scripts pay nothing.
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
        from tqdm.auto import tqdm
    except ImportError:
        return _widget_bar(description, total)
    return tqdm(total=total, desc=description, unit=" items", leave=False)


class _WidgetBar:
    def __init__(self, description: str, total: int | None) -> None:
        import ipywidgets
        from IPython.display import display

        self._total = total
        self._count = 0
        self._bar = ipywidgets.IntProgress(min=0, max=total or 1, description=description[:20])
        self._label = ipywidgets.Label("0 items")
        self._box = ipywidgets.HBox([self._bar, self._label])
        display(self._box)

    def update(self, n: int) -> None:
        self._count += n
        if self._total:
            self._bar.value = min(self._count, self._total)
        else:
            self._bar.bar_style = "info"
        self._label.value = f"{self._count} items"

    def close(self) -> None:
        self._box.close()


def _widget_bar(description: str, total: int | None) -> Progress:
    try:
        return _WidgetBar(description, total)
    except ImportError:
        return SILENT
