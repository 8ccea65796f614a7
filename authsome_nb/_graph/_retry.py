"""When to try a throttled request again, and how long to wait first.

Graph answers 429 (too many requests), 503 (service unavailable) and 504 (gateway timeout)
when it sheds load, usually with ``Retry-After``.  We wait what it says (bounded: a server
asking for ten minutes gets an error instead of a frozen cell), or, without the header, a
bounded exponential backoff with jitter so that many kernels don't retry in lock step.

A 504 may come after the service did the work, so it is retried only for idempotent
methods: a ``POST /me/sendMail`` that timed out is not sent twice.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

THROTTLE_STATUSES = frozenset({429, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


@dataclass(frozen=True)
class RetryPolicy:
    """How many times and how long to wait; ``sleep`` is a parameter so tests need no clock."""

    max_retries: int = 6
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    max_retry_after: float = 120.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    jitter: Callable[[], float] = field(default=random.random, compare=False)

    def delay(self, status: int, headers: Mapping[str, str], method: str, attempt: int,
              ) -> float | None:
        """Seconds to wait before retry number ``attempt + 1``, or None to give up."""
        if status not in THROTTLE_STATUSES or attempt >= self.max_retries:
            return None
        if status == 504 and method.upper() not in IDEMPOTENT_METHODS:
            return None
        told = retry_after_seconds(headers.get("Retry-After"))
        if told is not None:
            return told if told <= self.max_retry_after else None
        return self.backoff(attempt)

    def backoff(self, attempt: int) -> float:
        """Exponential, capped, with "equal jitter": between half and all of the step."""
        step = min(self.backoff_cap, self.backoff_base * (2 ** attempt))
        return step / 2 + step / 2 * self.jitter()


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds: a number (``"3"``) or an HTTP date; None if absent or odd."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


DEFAULT_POLICY = RetryPolicy()
