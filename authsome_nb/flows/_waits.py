"""Bounds on what a server says about waiting: a device code's polling interval and lifetime.

A device authorization answer is the provider's word, and a broken or hostile one may say
``interval: 0`` (poll as fast as we can), ``interval: 1e999`` (``float`` reads it as infinity,
and ``int`` of that raises ``OverflowError``) or ``expires_in: -5``.  Every engine reads both
through here: the interval is kept within 1–60 s and the lifetime within a day, and what is
not a number at all takes RFC 8628's defaults (5 s; our 15 minutes).
"""

from __future__ import annotations

import math
from typing import Any

MIN_INTERVAL = 1.0
MAX_INTERVAL = 60.0
DEFAULT_INTERVAL = 5.0  # RFC 8628 §3.2
DEFAULT_LIFETIME = 900.0
MAX_LIFETIME = 24 * 3600.0


def poll_interval(value: Any, default: float = DEFAULT_INTERVAL) -> float:
    """Seconds between two polls: ``value`` within 1–60, ``default`` when it is no number."""
    number = _number(value)
    if number is None:
        number = default
    return min(MAX_INTERVAL, max(MIN_INTERVAL, number))


def code_lifetime(value: Any) -> float:
    """Seconds a device code lives: ``value`` within one second and a day."""
    number = _number(value)
    if number is None or number <= 0:
        return DEFAULT_LIFETIME
    return min(MAX_LIFETIME, max(1.0, number))


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return None if math.isnan(number) else number
