"""Outlook's limits on one mailbox: concurrent requests, and the latency that makes them matter.

Microsoft Graph lets an app have at most four requests in flight against one mailbox; a fifth
is refused at once with ``429`` and ``{"error": {"code": "ApplicationThrottled", "message":
"Application is over its MailboxConcurrency limit."}}``
(https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits).  The limit
counts per app id and mailbox, whatever the kernel, thread or connection the requests come
from, and covers Outlook's resources (mail, calendars, contacts), not OneDrive or the directory.

With a local emulator a request takes a millisecond and "in flight" is rarely more than one:
the ``graph_latency`` knob holds each accepted request that long inside its slot, as a real
mailbox 0.1–0.5 s away does, so concurrency (and its limit) becomes observable.
"""

from __future__ import annotations

import re
import threading
from collections import Counter

#: the Outlook resources of the signed-in user's mailbox (after ``/users/{me}`` became ``/me``)
OUTLOOK_PATH = re.compile(
    r"^/me/(?:messages|mailFolders|events|calendar|calendars|calendarView|calendarGroups|"
    r"contacts|contactFolders|sendMail|mailboxSettings|inferenceClassification|outlook)(?:/|$)",
    re.IGNORECASE)
DEFAULT_LIMIT = 4
CODE = "ApplicationThrottled"
MESSAGE = "Application is over its MailboxConcurrency limit."


class MailboxSlots:
    """Requests in flight per (app id, mailbox); the highest count seen and the refusals."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight: Counter[tuple[str, str]] = Counter()
        self.peak = 0
        self.refused = 0

    def enter(self, key: tuple[str, str], limit: int | None) -> bool:
        """Take a slot for one request; False (and counted as refused) when all are taken."""
        with self._lock:
            if limit is not None and self._in_flight[key] >= limit:
                self.refused += 1
                return False
            self._in_flight[key] += 1
            self.peak = max(self.peak, self._in_flight[key])
            return True

    def leave(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._in_flight[key] -= 1
            if self._in_flight[key] <= 0:
                del self._in_flight[key]

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"peak": self.peak, "refused": self.refused,
                    "in_flight": sum(self._in_flight.values())}

    def reset(self) -> None:
        """Forget the peak and the refusals (requests in flight keep their slots)."""
        with self._lock:
            self.peak = max(self._in_flight.values(), default=0)
            self.refused = 0
