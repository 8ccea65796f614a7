"""PKCE for remote kernels: the browser comes back to the Jupyter server, not to the kernel.

On JupyterHub, over SSH or in Codespaces the user's browser cannot reach a loopback listener
in the kernel, but it can reach the Jupyter server it is already using.  The server extension
announces its ``/authsome/callback`` URL in ``$AUTHSOME_NB_HOME/jupyter/servers/<pid>.json``
while it runs; a kernel that shares the home (the same user) finds it with
:func:`server_redirect` and waits for the redirect through :mod:`._pending`.

Nothing here imports tornado or jupyter_server: kernels load this module.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .._home import ensure_private_dir, home_dir, read_private_file, trusted_dir_exists
from ..errors import AuthsomeError, SignInCancelled, SignInTimeout
from . import _pending
from ._pending import write_json

SERVERS_DIR = ("jupyter", "servers")
CALLBACK_PATH = "authsome/callback"
_POLL_INTERVAL = 0.1


# -- the server's side: announce and withdraw ------------------------------------------------
def servers_dir(home: Path) -> Path:
    return home.joinpath(*SERVERS_DIR)


def announce_server(home: Path, callback_url: str, pid: int | None = None) -> Path:
    """Record that this process serves ``callback_url`` for the store in ``home``."""
    pid = os.getpid() if pid is None else pid
    folder = ensure_private_dir(servers_dir(home), within=home)  # no level created 0755
    path = folder / f"{pid}.json"
    write_json(path, {"pid": pid, "callback_url": callback_url, "started_at": time.time()})
    return path


def withdraw_server(home: Path, pid: int | None = None) -> None:
    path = servers_dir(home) / f"{os.getpid() if pid is None else pid}.json"
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def live_servers(home: Path) -> list[dict[str, Any]]:
    """The announced servers whose process still runs, newest first (stale files are removed).

    Only this user's announcements in a trusted home count: a callback URL planted by someone
    else would send the sign-in's code to them.
    """
    found: list[dict[str, Any]] = []
    if not trusted_dir_exists(servers_dir(home), within=home):
        return found
    with contextlib.suppress(FileNotFoundError), os.scandir(servers_dir(home)) as entries:
        for entry in entries:
            if not entry.name.endswith(".json"):
                continue
            try:
                record = json.loads(read_private_file(Path(entry.path)))
                pid = int(record["pid"])
                url = str(record["callback_url"])
            except (OSError, ValueError, KeyError, TypeError, AuthsomeError):
                continue
            if not _pid_alive(pid):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)  # a server killed with -9 never withdrew
                continue
            found.append({"pid": pid, "callback_url": url,
                          "started_at": record.get("started_at", 0)})
    return sorted(found, key=lambda r: r["started_at"], reverse=True)


def _pid_alive(pid: int) -> bool:
    if os.name != "posix":  # pragma: no cover - os.kill(pid, 0) would kill on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # a process runs under that pid (another user's): keep the record
    return True


# -- the kernel's side ---------------------------------------------------------------------------
class ServerRedirect:
    """A PKCE redirect target served by the Jupyter server, used like ``LoopbackRedirect``."""

    def __init__(self, home: Path, redirect_uri: str, ttl: float = _pending.DEFAULT_TTL) -> None:
        self.home = home
        self.ttl = ttl
        self._redirect_uri = redirect_uri
        self._state: str | None = None
        self._closed = False

    @property
    def redirect_uri(self) -> str:
        return self._redirect_uri

    def expect_state(self, state: str) -> None:
        """Register the sign-in so the server's callback will take its redirect (once)."""
        if self._state is not None and self._state != state:
            _pending.withdraw(self.home, self._state)
        self._state = state
        _pending.register(self.home, state, self.ttl)

    def wait(self, timeout: float, cancel: threading.Event | None = None) -> dict[str, str]:
        """The redirect's query parameters; KeyboardInterrupt and ``cancel`` end it cleanly."""
        if self._state is None:
            raise RuntimeError("expect_state() must be called before wait()")
        deadline = time.monotonic() + timeout
        try:
            while True:
                params = _pending.collect(self.home, self._state)
                if params is not None:
                    return params
                if cancel is not None and cancel.is_set():
                    raise SignInCancelled("Sign-in cancelled.")
                if time.monotonic() >= deadline:
                    raise SignInTimeout(
                        f"No sign-in came back to the Jupyter server within {int(timeout)} s",
                        remedy="run the sign-in again and finish it in the browser in time (or "
                        "give it a longer timeout); if the browser showed an error about the "
                        "redirect URI, register the one `%authsome setup` prints, or sign in "
                        "with the device code",
                    )
                time.sleep(_POLL_INTERVAL)
        except KeyboardInterrupt:
            raise SignInCancelled("Sign-in interrupted.") from None
        finally:
            self.close()

    def close(self) -> None:
        if self._state is not None:
            _pending.withdraw(self.home, self._state)
        self._closed = True

    @property
    def closed(self) -> bool:
        return self._closed


def server_redirect(home: str | os.PathLike[str] | None = None) -> ServerRedirect | None:
    """The callback of a running Jupyter server of this user, or None when there is none.

    A kernel prefers the server that started it (``JPY_PARENT_PID``); any other live server
    sharing the home works too, since the hand-over goes through the home folder.
    """
    folder = home_dir(home)
    servers = live_servers(folder)
    if not servers:
        return None
    parent = os.environ.get("JPY_PARENT_PID", "")
    chosen = next((s for s in servers if str(s["pid"]) == parent), servers[0])
    return ServerRedirect(folder, chosen["callback_url"])


def registered_redirect_uris(home: str | os.PathLike[str] | None = None) -> list[str]:
    """The redirect URIs to add in the Azure portal for the Jupyter servers running now.

    Microsoft matches ``http://localhost`` redirect URIs on any port, so those are given
    without one (the form to register); other URIs must be registered exactly.
    """
    uris = {registrable_uri(s["callback_url"]) for s in live_servers(home_dir(home))}
    return sorted(uris)


def registrable_uri(callback_url: str) -> str:
    parts = urlsplit(callback_url)
    if parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1"):
        return urlunsplit((parts.scheme, parts.hostname, parts.path, "", ""))
    return callback_url
