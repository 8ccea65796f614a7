"""``%authsome login openai``: a masked field for an API key, then the connection's card.

The key is typed into an ``ipywidgets.Password`` (dots, never the characters) and sent to the
kernel when the field loses focus (``continuous_update=False``: not keystroke by keystroke).
On Save it is taken out of the field at once — the widget's value is emptied before the key is
checked and stored, so neither the widget state nor a saved notebook holds it — and the field
is replaced, in place, by the card of the connection (plain MIME, no widget).  A key that is
refused (empty, malformed) leaves the field open with the reason; the reason never quotes the
key.  The cell that showed the field has long finished: it is the Save click that stores.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from .._html import FONT, MUTED, TEXT, esc, link


class ApiKeyField:
    """The field for ``provider`` (a definition) and ``connection``; ``store(key)`` stores it
    and returns ``(connection, lines said)`` or raises the package's error."""

    def __init__(self, provider: Any, connection: str,
                 store: Callable[[str], tuple[Any, list[str]]]) -> None:
        self.provider = provider
        self.connection_name = connection
        self._store = store
        self.connection: Any = None
        self._handle: Any = None
        title = (f"<div style='font-family:{FONT};color:{TEXT};font-size:14px;font-weight:600'>"
                 f"API key for {esc(provider.display_name)} · {esc(connection)}</div>")
        self._title = widgets.HTML(title)
        self._hint = widgets.HTML(_hint_html(provider))
        self.password = widgets.Password(placeholder="paste the key here", continuous_update=False,
                                         layout=widgets.Layout(width="360px"))
        self.password.add_class("authsome-api-key")
        self.save = widgets.Button(description="Save", button_style="primary",
                                   tooltip="Store the key, encrypted")
        self.save.on_click(lambda _button: self.submit())
        self._status = widgets.HTML()
        row = widgets.HBox([self.password, self.save], layout=widgets.Layout(grid_gap="8px"))
        self.box = widgets.VBox([self._title, self._hint, row, self._status])
        self.box.add_class("authsome-api-key-field")

    def show(self) -> None:
        from IPython.display import display

        self._handle = display(self.box, display_id=True)

    def submit(self) -> None:
        """Take the key out of the field, store it, and show the card (or why not)."""
        from ...errors import AuthsomeError
        from ..cards import card_bundle

        key, self.password.value = self.password.value, ""  # the widget keeps nothing
        try:
            self.connection, said = self._store(key)
        except AuthsomeError as exc:
            remedy = f"<br>What to do: {esc(exc.remedy)}" if exc.remedy else ""
            self._status.value = (f"<div style='font-family:{FONT};color:#a4262c;"
                                  f"font-size:13px'>{esc(exc.message)}{remedy}</div>")
            return
        finally:
            del key
        if self._handle is not None:
            self._handle.update(card_bundle(self.connection, note=" ".join(said)), raw=True)
        self.close()

    def close(self) -> None:
        for part in (self._title, self._hint, self.password, self.save, self._status, self.box):
            part.close()


def _hint_html(provider: Any) -> str:
    settings = provider.api_key
    page = provider.setup_url or provider.docs_url
    parts = []
    if settings is not None and settings.key_pattern_hint:
        parts.append(esc(settings.key_pattern_hint))
    if page:
        parts.append(f"Keys: {link(page)}")
    parts.append("Kept encrypted in the store; never shown again.")
    return (f"<div style='font-family:{FONT};color:{MUTED};font-size:12px;line-height:1.5'>"
            f"{' '.join(parts)}</div>")
