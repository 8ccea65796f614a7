"""``an.LoginButton("microsoft", connection="work")``: a "Sign in with Microsoft" button.

A button waiting to be pressed is a live widget; everything after it is the sign-in's own
output (``SignInView``) in the same place: clicking signs in in the background (the click
handler must return for the kernel to hear anything else, Cancel included), the output turns
into the device-code panel or the PKCE link, and then into the account card, which renders
without a kernel.  Already signed in, the card is shown at once.  ``button.sign_out()`` signs
out and brings the button back.
"""

from __future__ import annotations

import ipywidgets as widgets

from ...flows import Flow
from .._html import BRAND, FONT, esc
from ..cards import card_bundle
from ..sign_in import NotebookSignIn, SignInOptions
from .sign_in_view import ALREADY, SignInView


class LoginButton(widgets.VBox):
    """A sign-in button for one connection; the options are those of ``an.login``."""

    def __init__(self, provider: str = "microsoft", connection: str = "default", *,
                 flow: Flow = "auto", scopes=None, services=None, tenant: str | None = None,
                 client_id: str | None = None, force: bool = False,
                 timeout: float | None = None, label: str | None = None) -> None:
        from ..commands import provider_display_name

        self.display_name = provider_display_name(provider)
        self.provider = provider
        self.connection_name = connection
        self.options = SignInOptions(
            provider=provider, connection=connection, flow=flow,
            scopes=_words(scopes), services=_words(services), tenant=tenant,
            client_id=client_id, force=force, timeout=timeout,
        )
        self.sign_in: NotebookSignIn | None = None
        self.view: SignInView | None = None
        self._handle = None
        self.button = widgets.Button(description=label or f"Sign in with {self.display_name}",
                                     icon="sign-in", tooltip=f"Sign in to {self.key}",
                                     layout=widgets.Layout(width="auto", height="34px"))
        self.button.style.button_color = BRAND
        self.button.style.text_color = "#ffffff"
        self.button.style.font_weight = "600"
        self.button.add_class("authsome-login-button")
        self.button.on_click(self.click)
        super().__init__([self.button])
        self.existing = None if force else _existing_connection(provider, connection)
        self._note = ALREADY.format(name=self.display_name, key=self.key)

    @property
    def key(self) -> str:
        return f"{self.provider}/{self.connection_name}"

    def text(self) -> str:
        return (f"Sign in to {self.display_name} ({self.key}): run "
                f"%authsome login {self.provider} {self.connection_name}")

    def _repr_mimebundle_(self, **kwargs):
        if self.existing is not None:
            return card_bundle(self.existing, note=self._note)
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/plain"] = self.text()
        return bundle

    def _ipython_display_(self) -> None:
        """Shown with a display id, so the sign-in can replace the button in place."""
        from IPython.display import display

        self._handle = display(self._repr_mimebundle_(), raw=True, display_id=True)

    def click(self, _button=None) -> NotebookSignIn:
        """Start the sign-in (what a click does); returns it so code and tests can wait on it."""
        self.button.disabled = True
        runner = NotebookSignIn(self.options, None, open_browser=False)
        self.view = _ButtonSignInView(self, on_cancel=runner.cancel, handle=self._handle)
        runner.observer = self.view
        if self._handle is None:
            self.view.show()
        self.sign_in = runner.start()
        return self.sign_in

    def _offer_again(self, outcome: str) -> None:
        self.button.disabled = False
        self.button.description = f"Sign in with {self.display_name} again"
        status = widgets.HTML(f"<div style='font-family:{FONT};font-size:13px;"
                              f"white-space:pre-wrap'>{esc(outcome)}</div>")
        self.children = [status, self.button]
        if self._handle is not None:
            self._handle.update(self._repr_mimebundle_(), raw=True)

    def sign_out(self) -> bool:
        """Sign out of this connection and show the button again; False if not signed in."""
        from ... import _api

        removed = _api.logout(self.provider, self.connection_name)
        self.existing = None
        self.sign_in = None
        self.button.disabled = False
        self.button.description = f"Sign in with {self.display_name}"
        self.children = [self.button]
        if self._handle is not None:
            self._handle.update(self._repr_mimebundle_(), raw=True)
        return removed


class _ButtonSignInView(SignInView):
    """The button's sign-in: a failure shows the outcome with the button, to try again."""

    def __init__(self, owner: LoginButton, **kwargs) -> None:
        super().__init__(owner.provider, owner.connection_name, display_name=owner.display_name,
                         **kwargs)
        self.owner = owner

    def failed(self, error: BaseException, outcome: str, *, raised: bool = False) -> None:
        super().failed(error, outcome, raised=raised)
        self.owner._offer_again(self.text())

    def signed_in(self, connection) -> None:
        super().signed_in(connection)
        self.owner.existing, self.owner._note = connection, ""


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
