"""``an.LoginButton("microsoft", connection="work")``: a "Sign in with Microsoft" button.

Clicking it signs in in the background (the click handler must return for the kernel to
hear anything else, Cancel included) and the same output turns into the device-code panel
or the PKCE link, then the account card; Sign out brings the button back.  Already signed
in, it shows the account card at once.
"""

from __future__ import annotations

import ipywidgets as widgets

from ...flows import Flow
from ..sign_in import NotebookSignIn, SignInOptions
from ._html import BRAND
from .sign_in_view import SignInView


class LoginButton(SignInView):
    """A sign-in button for one connection; the options are those of ``an.login``."""

    def __init__(self, provider: str = "microsoft", connection: str = "default", *,
                 flow: Flow = "auto", scopes=None, services=None, tenant: str | None = None,
                 client_id: str | None = None, force: bool = False, timeout: float = 300,
                 label: str | None = None) -> None:
        from ..commands import provider_display_name

        display_name = provider_display_name(provider)
        self.options = SignInOptions(
            provider=provider, connection=connection, flow=flow,
            scopes=_words(scopes), services=_words(services), tenant=tenant,
            client_id=client_id, force=force, timeout=timeout,
        )
        self.sign_in: NotebookSignIn | None = None
        super().__init__(provider, connection, display_name=display_name, on_cancel=self._cancel)
        self.button = widgets.Button(description=label or f"Sign in with {display_name}",
                                     icon="sign-in", tooltip=f"Sign in to {self.key}",
                                     layout=widgets.Layout(width="auto", height="34px"))
        self.button.style.button_color = BRAND
        self.button.style.text_color = "#ffffff"
        self.button.style.font_weight = "600"
        self.button.add_class("authsome-login-button")
        self.button.on_click(self.click)
        existing = _existing_connection(provider, connection)
        if existing is not None and not force:
            self.lines = [f"Signed in to {display_name} (connection {self.key})."]
            self.signed_in(existing)
        else:
            self._reset()

    def text(self) -> str:
        if self.card is None and self.sign_in is None:
            return (f"Sign in to {self.display_name} ({self.key}): run "
                    f"%authsome login {self.provider} --connection {self.connection_name}")
        return super().text()

    def click(self, _button=None) -> NotebookSignIn:
        """Start the sign-in (what a click does); returns it so code and tests can wait on it."""
        self.button.disabled = True
        self.sign_in = NotebookSignIn(self.options, self, open_browser=False).start()
        return self.sign_in

    def signed_out(self) -> None:
        super().signed_out()
        self._reset(f"Signed out of {self.key}.")

    def _cancel(self) -> None:
        if self.sign_in is not None:
            self.sign_in.cancel()

    def failed(self, error: BaseException, outcome: str) -> None:
        super().failed(error, outcome)
        self.button.disabled = False
        self.button.description = f"Sign in with {self.display_name} again"
        self.children = [*self.children, self.button]

    def _reset(self, status: str = "") -> None:
        self.card = None
        self.panel = None
        self.sign_in = None
        self.button.disabled = False
        self.button.description = f"Sign in with {self.display_name}"
        self._set_status(status)
        self.children = [self._status, self.button] if status else [self.button]
        self._refresh()


def _words(value) -> tuple[str, ...] | None:
    from ..._scopes import split_scopes

    return None if value is None else tuple(split_scopes(value))


def _existing_connection(provider: str, connection: str):
    from ... import _api
    from ...errors import AuthsomeError

    try:
        return _api.get(provider, connection)
    except AuthsomeError:
        return None
