"""Loading the server extension: settings, routes, the callback announcement, change events.

The server process shares the user's store (``$AUTHSOME_NB_HOME``) with every kernel, so it
can list, sign out and sign in by itself.  It tells JupyterLab when *any* process changed
the store — a kernel signing in, a refresh that failed — through Jupyter's own event bus
(``/api/events/subscribe``): a one-``stat`` check per second on the server, and the panel
and status bar refetch only when something changed.
"""

from __future__ import annotations

import atexit
import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from tornado.ioloop import IOLoop, PeriodicCallback
from traitlets import Bool, Float, Unicode
from traitlets.config import LoggingConfigurable

from .. import _api
from .._home import home_dir
from .._session import Session
from ..errors import AuthsomeError
from ..flows import rendezvous
from ._handlers import routes
from ._login_jobs import LoginJobs
from ._public_url import ServerAddress, public_root

CONNECTIONS_EVENT = "https://events.authsome-nb.github.io/connections/v1"
CONNECTIONS_EVENT_SCHEMA = {
    "$id": CONNECTIONS_EVENT,
    "version": "1",
    "title": "authsome_nb connections changed",
    "personal-data": False,
    "description": "Some process changed the store of connections; clients refetch "
    "/authsome/api/connections. The event carries no account data.",
    "type": "object",
    "properties": {"action": {"enum": ["changed"], "title": "What happened"}},
    "required": ["action"],
}


class AuthsomeExtension(LoggingConfigurable):
    """Settings of the server extension (``c.AuthsomeExtension.public_url = …``)."""

    public_url = Unicode(
        "", config=True,
        help="Where users' browsers reach this server, e.g. https://hub.example.org (base_url is "
        "added) or a full root with a path. The OAuth callback for remote kernels is this plus "
        "'authsome/callback'. Default: JupyterHub's or Codespaces' settings, else the server's "
        "own address.",
    )
    home = Unicode("", config=True,
                   help="The store folder (default: $AUTHSOME_NB_HOME, else ~/.authsome_nb).")
    callback = Bool(False, config=True, help="Offer /authsome/callback to kernels whose browser "
                    "cannot reach their loopback (remote kernels), so that flow='auto' signs them "
                    "in with PKCE through this server. Turn it on once its URL (printed by "
                    "`%authsome setup microsoft`) is registered in the app registration; until "
                    "then such kernels use a device code, which needs no redirect URI.")
    login_timeout = Float(900.0, config=True,
                          help="Seconds a sign-in started from JupyterLab may wait.")
    watch_interval = Float(1.0, config=True, help="Seconds between checks of the store for "
                           "other processes' changes (0 turns the change events off).")


@dataclass
class ExtensionState:
    """What the handlers share (``settings['authsome_nb']``)."""

    home: Path
    session: Session
    logins: LoginJobs
    callback_url: str | None


def load(serverapp) -> ExtensionState:
    config = AuthsomeExtension(parent=serverapp)
    home = home_dir(config.home or None)
    session = _api.session(home if config.home else None)
    state = ExtensionState(home=home, session=session,
                           logins=LoginJobs(session, timeout=config.login_timeout),
                           callback_url=None)
    serverapp.web_app.settings["authsome_nb"] = state
    serverapp.web_app.add_handlers(".*$", routes(serverapp.base_url))
    atexit.register(state.logins.cancel_all)
    if config.callback:
        # The port is known only once the server is bound (it may be 0 = any free port).
        IOLoop.current().add_callback(_announce, serverapp, config, state)
    _watch_store(serverapp, session, config.watch_interval)
    return state


def _announce(serverapp, config: AuthsomeExtension, state: ExtensionState) -> None:
    root, source = public_root(ServerAddress.of(serverapp), config.public_url, os.environ)
    if root is None:
        serverapp.log.info("authsome_nb: no OAuth callback for remote kernels: %s", source)
        return
    state.callback_url = root + rendezvous.CALLBACK_PATH
    try:
        rendezvous.announce_server(state.home, state.callback_url)
    except (OSError, AuthsomeError) as exc:  # a full disk, a home that is not the user's
        serverapp.log.warning("authsome_nb: cannot announce the OAuth callback in %s: %s",
                              state.home, exc)
        return
    atexit.register(rendezvous.withdraw_server, state.home, os.getpid())
    serverapp.log.info("authsome_nb: OAuth callback for remote kernels at %s (from %s)",
                       state.callback_url, source)


def _watch_store(serverapp, session: Session, interval: float) -> None:
    """Emit a ``changed`` event whenever the store file changes, whoever changed it."""
    if interval <= 0:
        return
    logger = serverapp.event_logger
    logger.register_event_schema(CONNECTIONS_EVENT_SCHEMA)
    last = [session.store.signature()]

    def check() -> None:
        current = session.store.signature()
        if current != last[0]:
            last[0] = current
            with contextlib.suppress(Exception):  # no listener must break the server
                logger.emit(schema_id=CONNECTIONS_EVENT, data={"action": "changed"})

    watcher = PeriodicCallback(check, interval * 1000)
    watcher.start()
    serverapp.web_app.settings["authsome_nb_watcher"] = watcher
