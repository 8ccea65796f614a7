"""``%authsome run --kernel``: one broker for the whole kernel, inherited by ``!`` cells and
``subprocess`` children until ``--kernel off`` (or the kernel's exit).

It sets this process's environment as a run's child gets it, remembering what it replaced;
the package's own HTTP clients are told to ignore those proxy variables (``_outbound``), so
they never loop through the broker.  Off restores every variable it changed.
"""

from __future__ import annotations

import atexit
import os
import threading
from typing import TYPE_CHECKING

from .. import _outbound
from ._broker import Broker
from ._run import routed_connections

if TYPE_CHECKING:
    from .._session import Session
    from ..errors import Syntax

_lock = threading.Lock()
_active: tuple[Broker, dict[str, str | None]] | None = None


def kernel_broker() -> Broker | None:
    """The kernel-wide broker while it is on."""
    return _active[0] if _active else None


def turn_on(session: Session, provider: str | None = None, connection: str | None = None,
            syntax: Syntax = "magic") -> Broker:
    """Start the kernel-wide broker (restarting it if it was on) and point this process's
    environment at it."""
    global _active
    pairs = routed_connections(session, provider, connection)
    with _lock:
        _turn_off_locked()
        before = _outbound.environment_before_broker()
        broker = Broker(session, pairs, syntax=syntax, upstream_env=before).start()
        wanted = broker.environment(before)
        changed = {k for k in set(wanted) | set(os.environ) if wanted.get(k) != os.environ.get(k)}
        saved = {name: os.environ.get(name) for name in changed}
        _outbound.broker_in_environment({k: v for k, v in before.items()
                                         if k.upper() in ("HTTPS_PROXY", "HTTP_PROXY",
                                                          "ALL_PROXY", "NO_PROXY")})
        for name in changed:
            if name in wanted:
                os.environ[name] = wanted[name]
            else:
                os.environ.pop(name, None)
        _active = (broker, saved)
        return broker


def turn_off() -> bool:
    """Stop the kernel-wide broker and restore the environment; False if it was not on."""
    with _lock:
        return _turn_off_locked()


def _turn_off_locked() -> bool:
    global _active
    if _active is None:
        return False
    broker, saved = _active
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    _outbound.broker_in_environment(None)
    _active = None
    broker.stop()
    return True


atexit.register(turn_off)
