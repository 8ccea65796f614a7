"""``an.run`` and ``%authsome run``: a child process under a broker of its own.

Which connections are routed: the one named, or — with no provider named — every provider's
signed-in ``default`` connection, as authsome does.  The broker starts before the child and
stops when it ends, however it ends (an error, Ctrl-C).
"""

from __future__ import annotations

import codecs
import os
import signal
import subprocess
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, NotSignedInError, Step
from ._broker import Broker

if TYPE_CHECKING:
    from .._session import Session
    from ..errors import Syntax

DEFAULT_CONNECTION = "default"
_STOP_GRACE_SECONDS = 3.0


def routed_connections(session: Session, provider: str | None,
                       connection: str | None) -> list[tuple[str, str]]:
    """The ``(provider, connection)`` pairs a run routes; raises naming the sign-in to run."""
    if provider is None:
        if connection is not None:
            raise ConfigurationError("A connection was named without its provider",
                                     remedy="name the provider too, e.g. provider='microsoft'")
        found = [(c.provider, c.connection) for c in session.connections()
                 if c.connection == DEFAULT_CONNECTION]
        if not found:
            raise NotSignedInError(
                "No provider has a signed-in 'default' connection for the broker to route",
                remedy="sign in first: {step}", step=Step.of("login", "microsoft"))
        return found
    chosen = connection or DEFAULT_CONNECTION
    session.get(provider, chosen)  # not signed in: NotSignedInError naming the sign-in
    return [(provider, chosen)]


def run(session: Session, args: str | Sequence[str], *, provider: str | None = None,
        connection: str | None = None, syntax: Syntax = "python",
        **subprocess_kwargs: Any) -> subprocess.CompletedProcess:
    """``subprocess.run(args, **subprocess_kwargs)`` under a broker for the routed connections.

    A caller's ``env=`` is merged over this process's environment; the broker's variables win.
    """
    pairs = routed_connections(session, provider, connection)
    with Broker(session, pairs, syntax=syntax) as broker:
        env = broker.environment(_merged(subprocess_kwargs.pop("env", None)))
        try:
            return subprocess.run(args, env=env, **subprocess_kwargs)
        except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
            raise cannot_start(args, exc) from None


def run_streaming(session: Session, args: str | Sequence[str], *, write: Callable[[str], object],
                  provider: str | None = None, connection: str | None = None,
                  shell: bool = False, syntax: Syntax = "magic") -> int:
    """Run ``args`` under a broker, its output (stdout and stderr) passed to ``write`` as it
    comes; returns the exit code.  Ctrl-C stops the child, then the broker, then re-raises."""
    pairs = routed_connections(session, provider, connection)
    with Broker(session, pairs, syntax=syntax) as broker:
        try:
            child = subprocess.Popen(args, env=broker.environment(), shell=shell,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
            raise cannot_start(args, exc) from None
        try:
            _pump(child, write)
            return child.wait()
        except BaseException:
            stop_child(child)
            raise


def _pump(child: subprocess.Popen, write: Callable[[str], object]) -> None:
    assert child.stdout is not None
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    fd = child.stdout.fileno()
    while True:
        chunk = os.read(fd, 65536)
        text = decoder.decode(chunk, final=not chunk)
        if text:
            write(text)
        if not chunk:
            return


def stop_child(child: subprocess.Popen) -> None:
    """SIGTERM to the child's process group, SIGKILL if it lingers."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(child.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        try:
            child.wait(timeout=_STOP_GRACE_SECONDS)
            return
        except subprocess.TimeoutExpired:
            continue


def cannot_start(args: str | Sequence[str], exc: OSError) -> ConfigurationError:
    program = args if isinstance(args, str) else (args[0] if args else "")
    return ConfigurationError(
        f"Cannot start {program!r}: {exc.strerror or type(exc).__name__}",
        remedy="check the command's name, that it is installed and on PATH, and that it may "
        "be executed",
    )


def _merged(env: Mapping[str, str] | None) -> dict[str, str]:
    return {**os.environ, **(env or {})}


