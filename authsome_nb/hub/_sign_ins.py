"""The Hub service's pending sign-ins: whose they are, and what came back for them.

Held in the service's memory only (a restart forgets them: the kernels' sign-ins then fail
with "the service forgot this sign-in" and are started again).  Each is known by the
``sha256`` of its OAuth ``state`` — the kernel never sends the state itself — and belongs to
the Hub user whose server's token registered it.

* Single use: the first redirect that comes back for a state takes it.
* Short-lived: unanswered sign-ins expire after ``ttl`` (an Entra authorization code lives
  about 10 minutes; nobody needs longer), answers are collected within a minute or dropped.
* A redirect in another Hub user's browser is refused *and* ends the sign-in: its code was
  issued for whoever signed in in that browser, and handing it to the kernel that started
  the sign-in would sign its user in as someone else.
* At most ``per_user`` pending sign-ins per user, so no user can fill the service's memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

DIGEST = re.compile(r"^[0-9a-f]{64}$")
DEFAULT_TTL = 600.0
ANSWER_TTL = 60.0
MAX_STATE_LENGTH = 512


class Arrival(Enum):
    """What the callback made of a redirect."""

    ACCEPTED = "accepted"  # kept for the kernel of the same user
    UNKNOWN = "unknown"  # no sign-in waits for this state, or it was already used
    EXPIRED = "expired"
    FOREIGN = "foreign"  # another user's sign-in: refused and ended


class SignInLimit(Exception):
    """A user has too many pending sign-ins."""


@dataclass
class _Pending:
    owner: str
    expires_at: float
    params: dict[str, str] | None = None
    refused: bool = False
    changed: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(frozen=True)
class Status:
    """What a kernel polling for its sign-in is told."""

    state: str  # waiting, answered, refused, unknown
    params: dict[str, str] | None = None


class SignIns:
    def __init__(self, *, ttl: float = DEFAULT_TTL, per_user: int = 16,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.per_user = per_user
        self._clock = clock
        self._pending: dict[str, _Pending] = {}

    def __len__(self) -> int:
        return len(self._pending)

    def register(self, owner: str, digest: str) -> None:
        """Kernel side: ``owner``'s sign-in with ``sha256(state) == digest`` waits."""
        self._prune()
        if not DIGEST.match(digest):
            raise ValueError("state_sha256 must be 64 lowercase hex digits")
        if sum(p.owner == owner for p in self._pending.values()) >= self.per_user:
            raise SignInLimit(f"{owner} has {self.per_user} sign-ins waiting already")
        existing = self._pending.get(digest)
        if existing is not None and existing.owner != owner:
            raise ValueError("this state is registered already")
        self._pending[digest] = _Pending(owner, self._clock() + self.ttl)

    def arrive(self, params: dict[str, str], browser_user: str) -> Arrival:
        """Browser side: a redirect came back to the callback in ``browser_user``'s browser."""
        state = params.get("state") or ""
        if not state or len(state) > MAX_STATE_LENGTH:
            return Arrival.UNKNOWN
        pending = self._pending.get(hashlib.sha256(state.encode()).hexdigest())
        if pending is None or pending.params is not None or pending.refused:
            return Arrival.UNKNOWN
        now = self._clock()
        if now >= pending.expires_at:
            return Arrival.EXPIRED
        if pending.owner != browser_user:
            pending.refused = True
            arrival = Arrival.FOREIGN
        else:
            pending.params = dict(params)
            arrival = Arrival.ACCEPTED
        pending.expires_at = now + ANSWER_TTL  # collected within a minute, or forgotten
        pending.changed.set()
        return arrival

    def status(self, owner: str, digest: str) -> Status:
        """Kernel side: the sign-in's state; an answer is handed out once, then forgotten."""
        pending = self._pending.get(digest)
        if pending is None or pending.owner != owner or self._clock() >= pending.expires_at:
            return Status("unknown")
        if pending.params is None and not pending.refused:
            return Status("waiting")
        del self._pending[digest]
        return Status("refused") if pending.refused else Status("answered", pending.params)

    async def wait(self, owner: str, digest: str, seconds: float) -> Status:
        """:meth:`status`, once something arrived or after ``seconds`` (a long poll)."""
        pending = self._pending.get(digest)
        if pending is not None and pending.owner == owner and pending.params is None \
                and not pending.refused:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(pending.changed.wait(), timeout=seconds)
        return self.status(owner, digest)

    def withdraw(self, owner: str, digest: str) -> bool:
        pending = self._pending.get(digest)
        if pending is None or pending.owner != owner:
            return False
        del self._pending[digest]
        return True

    def _prune(self) -> None:
        now = self._clock()
        for digest in [d for d, p in self._pending.items() if now >= p.expires_at]:
            del self._pending[digest]
