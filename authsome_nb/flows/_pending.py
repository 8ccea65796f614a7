"""Pending PKCE sign-ins, as files both the kernel and the Jupyter server can see.

A kernel whose browser cannot reach its loopback registers the ``state`` of its sign-in
here; the server's ``/authsome/callback`` claims it and leaves the redirect's parameters
for the kernel to collect.  Processes share nothing but the user's ``$AUTHSOME_NB_HOME``,
so the hand-over is three files under ``jupyter/pending/`` (folder 0700, files 0600), all
named by ``sha256(state)`` so the state itself is never written down:

``<h>.wait``    written by the kernel: ``{"expires_at": …}``
``<h>.claimed`` the server renamed ``.wait`` to this: ``rename`` is atomic, so exactly one
                callback request wins and a replay finds nothing to claim (HTTP 400)
``<h>.answer``  the redirect's query (``code``, ``state`` or ``error``…), for the kernel

The authorization code rests on disk for the fraction of a second until the kernel reads and
deletes it; it is single-use and bound to a PKCE verifier that never leaves the kernel, so it
is worth nothing to anyone who reads it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from enum import Enum
from pathlib import Path
from typing import Any

from .._home import ensure_private_dir, read_private_file, trusted_dir_exists, write_private

PENDING_DIR = ("jupyter", "pending")
DEFAULT_TTL = 600.0  # an authorization code outlives this by nothing: Entra's live ~10 min
MAX_STATE_LENGTH = 512


class Claim(Enum):
    """What the callback made of a redirect."""

    ACCEPTED = "accepted"  # handed to the waiting kernel
    UNKNOWN = "unknown"  # no sign-in waits for this state, or it was already used
    EXPIRED = "expired"  # the kernel's registration outlived its TTL


def pending_dir(home: Path) -> Path:
    return home.joinpath(*PENDING_DIR)


def _paths(home: Path, state: str) -> tuple[Path, Path, Path]:
    digest = hashlib.sha256(state.encode()).hexdigest()
    base = pending_dir(home) / digest
    return base.with_suffix(".wait"), base.with_suffix(".claimed"), base.with_suffix(".answer")


def write_json(path: Path, data: dict[str, Any]) -> None:
    """A small hand-over file: private and atomic, not worth an fsync (it lives for seconds)."""
    write_private(path, json.dumps(data).encode(), durable=False)


def register(home: Path, state: str, ttl: float = DEFAULT_TTL) -> None:
    """Kernel side: announce that a sign-in with ``state`` waits for its redirect."""
    ensure_private_dir(pending_dir(home), within=home)  # every level: home, jupyter, pending
    prune(home)
    wait, _, _ = _paths(home, state)
    write_json(wait, {"expires_at": time.time() + ttl})


def claim(home: Path, params: dict[str, str]) -> Claim:
    """Server side: hand the redirect's parameters to the kernel waiting for ``params['state']``.

    Single use: of two requests with the same state only the first is accepted.
    """
    state = params.get("state") or ""
    if not state or len(state) > MAX_STATE_LENGTH:
        return Claim.UNKNOWN
    wait, claimed, answer = _paths(home, state)
    if not trusted_dir_exists(pending_dir(home), within=home):  # raises if another user's
        return Claim.UNKNOWN
    try:
        os.rename(wait, claimed)
    except FileNotFoundError:
        return Claim.UNKNOWN
    try:
        expires_at = float(json.loads(claimed.read_text())["expires_at"])
    except (OSError, ValueError, KeyError, TypeError):
        expires_at = 0.0
    if expires_at < time.time():
        with contextlib.suppress(OSError):
            claimed.unlink()
        return Claim.EXPIRED
    write_json(answer, params)
    return Claim.ACCEPTED


def collect(home: Path, state: str) -> dict[str, str] | None:
    """Kernel side: the redirect's parameters once the server has them (then forgotten)."""
    _, _, answer = _paths(home, state)
    try:
        # Only this user's file counts: an answer planted by someone else would be their code.
        params = json.loads(read_private_file(answer, secret=True))
    except FileNotFoundError:
        return None
    withdraw(home, state)
    return {str(k): str(v) for k, v in params.items()} if isinstance(params, dict) else None


def withdraw(home: Path, state: str) -> None:
    """Kernel side: forget the sign-in (answered, cancelled or timed out)."""
    for path in _paths(home, state):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def prune(home: Path, now: float | None = None) -> None:
    """Remove registrations and answers whose kernels are long gone (older than twice the TTL)."""
    folder = pending_dir(home)
    cutoff = (now or time.time()) - 2 * DEFAULT_TTL
    with contextlib.suppress(FileNotFoundError), os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                if entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
