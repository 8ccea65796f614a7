"""Credentials for what a notebook starts: ``an.run``, ``%authsome run`` and its kernel mode.

A :class:`Broker` serves the children of one run (or of the kernel): a loopback proxy that
sets the routed connections' tokens on requests to their API hosts (TLS intercepted for those
hosts only, with a CA that may sign for nothing else), an untouched tunnel to every other
host, and Azure App Service's managed-identity endpoint for a Microsoft connection.  The child's
environment holds placeholders, this run's secrets and a CA bundle — never a token.
"""

from __future__ import annotations

from ._broker import Broker
from ._kernel import kernel_broker, turn_off, turn_on
from ._routes import PLACEHOLDER
from ._run import routed_connections, run, run_streaming

__all__ = ["PLACEHOLDER", "Broker", "kernel_broker", "routed_connections", "run",
           "run_streaming", "turn_off", "turn_on"]
