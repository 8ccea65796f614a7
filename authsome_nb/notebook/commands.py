"""The work behind each ``%authsome`` subcommand, as plain functions tests can call directly.

The magic only parses arguments and hands them here (JupySQL's split).  Each function
returns an object that displays itself — a table, a status, the masked token, the guide —
or, for ``login``, shows the sign-in as it happens.  Nothing returned or shown holds a token
except the masked ``AccessToken`` from :func:`token`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .sign_in import NotebookSignIn, SignInOptions

if TYPE_CHECKING:
    from .text_view import TextSignInView
    from .widgets.sign_in_view import SignInView


def provider_display_name(provider: str) -> str:
    """``Microsoft`` for ``microsoft``; the raw name if the definition cannot be read."""
    from .._providers import load_provider
    from ..errors import AuthsomeError

    try:
        return load_provider(provider).display_name
    except AuthsomeError:
        return provider


def login(options: SignInOptions, *, background: bool = False, widgets: bool = True):
    """Sign in, showing widgets (with text fallbacks) or printing text; see ``sign_in``.

    Blocking: returns the Connection or raises the sign-in's error.  Background: returns the
    running :class:`NotebookSignIn` at once.  An API-key provider shows a masked field instead
    (see :func:`login_with_api_key`).
    """
    from .._providers import load_provider

    if load_provider(options.provider).auth_type == "api_key":
        return login_with_api_key(options, widgets=widgets)
    display_name = provider_display_name(options.provider)
    view: SignInView | TextSignInView
    if widgets:
        from .widgets.sign_in_view import SignInView

        runner = NotebookSignIn(options, None, open_browser=False)
        # Blocking, Cancel interrupts the busy kernel (through the frontend) instead.
        view = SignInView(options.provider, options.connection, display_name=display_name,
                          on_cancel=runner.cancel if background else None)
        runner.observer = view
        view.show()
    else:
        from .text_view import TextSignInView

        view = TextSignInView(options.provider, options.connection, background=background,
                              display_name=display_name)
        # The engine opens a browser only for a local terminal session, never from a kernel.
        runner = NotebookSignIn(options, view, open_browser=True)
    if background:
        return runner.start()
    return runner.run()


def login_with_api_key(options: SignInOptions, *, widgets: bool = True):
    """An API key: the stored one's card, else a masked field (a widget frontend) or a prompt
    without echo (a terminal).  ``--force`` asks for a new key even when one is stored."""
    from IPython.display import display

    from .. import _api
    from .._providers import load_provider
    from .cards import card_bundle

    definition = load_provider(options.provider)
    stored = next((c for c in _api.connections(definition.name)
                   if c.connection == options.connection), None)
    if stored is not None and not options.force:
        note = (f"An API key for {definition.display_name} is stored for {stored.key}: "
                f"%authsome login {definition.name} {options.connection} --force replaces it.")
        display(card_bundle(stored, note=note), raw=True)
        return stored
    if not widgets:
        return _api.login(definition.name, options.connection, force=True)  # getpass
    from .widgets.api_key_field import ApiKeyField

    field = ApiKeyField(definition, options.connection,
                        store=lambda key: store_api_key(definition.name, options.connection, key))
    field.show()
    return field


def store_api_key(provider: str, connection: str, key: str):
    """Store ``key`` for the connection: ``(connection, the lines it said)``."""
    from .. import _api
    from ..events import event_lines

    said: list[str] = []
    found = _api.login(provider, connection, api_key=key,
                       on_event=lambda event: said.extend(event_lines(event)))
    return found, said


def logout(provider: str, connection: str) -> str:
    from .. import _api

    if _api.logout(provider, connection):
        return f"Signed out of {provider}/{connection}: its tokens were removed from the store."
    return f"No connection {provider}/{connection} to sign out of."


def connections_table(provider: str | None = None):
    from .. import _api
    from .widgets.connections_table import ConnectionsTable

    return ConnectionsTable(_api.connections(provider), provider=provider)


def status(provider: str, connection: str):
    """``get``: account, tenant, scopes, expiry and the store's key source (never the token)."""
    from .. import _api
    from .widgets.connections_table import ConnectionStatus

    found = _api.get(provider, connection)
    return ConnectionStatus(found, _api.key_source())


def token(provider: str, connection: str, scopes: Iterable[str] | None = None):
    """The masked access token (a ``str`` for code, a label for people)."""
    from .. import _api

    return _api.token(provider, connection, scopes)


def export(provider: str, connection: str, *, include_refresh_token: bool = False) -> str:
    from .. import _api

    names = _api.export(provider, connection, include_refresh_token=include_refresh_token)
    listed = ", ".join(names)
    return (f"Set {listed} in this kernel's environment for {provider}/{connection} "
            "(values hidden; subprocesses started from here inherit them).")


def reset_store() -> str:
    from .. import _api

    moved = _api.reset_store()
    if moved is None:
        return "There was no store to reset; the next sign-in creates one."
    return (f"Moved the store aside to {moved} (nothing was deleted: move it back to undo). "
            "Sign in again with %authsome login.")


def providers_table():
    from .. import _api
    from .widgets.providers_table import ProvidersTable

    return ProvidersTable(_api.providers())


def setup_guide(provider: str, services: list[str] | None = None):
    from .. import _api
    from .._providers import load_provider
    from .setup_guide import build_guide

    return build_guide(load_provider(provider), services or None, home=_api.session().home)


def known_services(provider: str) -> list[str]:
    from .._providers import load_provider

    return sorted(load_provider(provider).services)
