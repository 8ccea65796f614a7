"""Plain-text renderings of a sign-in and of a connection: the fallback every frontend can show.

A terminal, nbconvert, nbclient or a frontend without the widget manager shows only
``text/plain``; these lines must carry the same information as the widgets — where to go,
the code, the outcome — and, like the widgets, never a token.  The widgets reuse them for
their ``text/plain`` so the two cannot drift apart.
"""

from __future__ import annotations

import math
import time
from datetime import datetime

from .._connection import describe_expiry
from ..errors import AuthsomeError
from ..events import event_lines, failure_outcome  # noqa: F401 - the text view's wording

#: outcome of a finished sign-in → the word the panel and the text show
OUTCOME_LABELS = {
    "approved": "approved",
    "declined": "declined",
    "expired": "expired",
    "cancelled": "cancelled",
    "timeout": "timed out",
    "error": "failed",
}


# One definition of "how a sign-in ended", shared with the engine and the server.
outcome_of = failure_outcome


def countdown(seconds: float) -> str:
    """``14:05`` for the time a device code has left (``0:00`` once it has run out)."""
    left = max(0, int(seconds))
    return f"{left // 60}:{left % 60:02d}"


def clock(timestamp: float | None) -> str:
    """Local wall-clock time of a timestamp, ``HH:MM`` (with the date when not today)."""
    if not timestamp or not math.isfinite(timestamp):
        return ""
    when = datetime.fromtimestamp(timestamp)
    if when.date() == datetime.now().date():
        return when.strftime("%H:%M")
    return when.strftime("%Y-%m-%d %H:%M")


def stamp(timestamp: float | None) -> str:
    """A moment that stays clear when read elsewhere and later, ``2026-12-04 17:04 CET``: what
    saved outputs carry (a notebook reopened next week, in another zone, on GitHub)."""
    if not timestamp or not math.isfinite(timestamp):
        return ""
    when = datetime.fromtimestamp(timestamp).astimezone()
    return f"{when:%Y-%m-%d %H:%M} {_zone(when)}"


def _zone(when: datetime) -> str:
    """The zone's abbreviation (``CET``, ``UTC``), or its offset where it has none (``+03``)."""
    name = when.tzname() or ""
    if name.isalpha():
        return name
    offset = when.strftime("%z")  # +0300
    return f"UTC{offset[:3]}:{offset[3:]}"


def token_expiry(expires_at: float | None, *, dated: bool = False) -> str:
    """``expires in 59 min (at 14:05)``: relative for people, absolute for the record; with the
    day and the zone when ``dated`` (a saved output)."""
    relative = describe_expiry(expires_at)
    if expires_at and math.isfinite(expires_at) and expires_at > time.time():
        return f"{relative} (at {stamp(expires_at) if dated else clock(expires_at)})"
    return relative


def failure_lines(error: BaseException, outcome: str) -> list[str]:
    """What the text shows when a sign-in ends without an account: the outcome and the remedy."""
    label = OUTCOME_LABELS.get(outcome, outcome)
    if isinstance(error, AuthsomeError):
        lines = [f"Sign-in {label}: {error.message.splitlines()[0]}"]
        if error.remedy:
            lines.append(f"  What to do: {error.remedy}")
        return lines
    return [f"Sign-in {label}."]


def connection_lines(connection, *, dated: bool = False) -> list[str]:
    """A signed-in connection in a few lines: who, which tenant, which scopes, until when (with
    the day and the zone when ``dated``)."""
    who = connection.display_name or connection.username or "unknown account"
    if connection.display_name and connection.username:
        who = f"{connection.display_name} <{connection.username}>"
    lines = [
        f"Connection {connection.key}: {who}",
        # Providers without tenants (GitHub, Google) show none rather than an empty one.
        (f"  tenant {connection.tenant_id}; " if connection.tenant_id else "  ")
        + f"token {token_expiry(connection.expires_at, dated=dated)}",
        f"  scopes {' '.join(connection.scopes) or '-'}",
    ]
    if connection.refresh_error:
        lines.append(f"  last refresh failed: {connection.refresh_error}")
    return lines
