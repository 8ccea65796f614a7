"""The zone of an event's ``start``/``end``: an IANA name, a Windows one, or UTC by another name.

Graph's ``dateTimeTimeZone`` pairs a local time with a zone name
(https://learn.microsoft.com/en-us/graph/api/resources/datetimetimezone): ``"UTC"`` unless the
request asked for another (``Prefer: outlook.timezone``), often a Windows name (``"Pacific
Standard Time"``), sometimes an IANA one.  Windows names are mapped through Unicode CLDR's
``windowsZones`` table as tzlocal ships it (a well-kept copy, imported on first use), so a time
is read in its zone rather than guessed.  A name neither table knows (an Outlook custom zone)
maps to None: the caller keeps the text or leaves the time empty, it never guesses.
"""

from __future__ import annotations

from functools import lru_cache

UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Coordinated Universal Time",
                       "tzone://Microsoft/Utc"})


@lru_cache(maxsize=256)
def iana_zone(name: str) -> str | None:
    """The IANA name for ``name`` ("UTC" for UTC's aliases), or None when it is unknown."""
    if name in UTC_NAMES:
        return "UTC"
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
        return name
    except (ZoneInfoNotFoundError, ValueError):
        pass
    try:
        from tzlocal.windows_tz import win_tz
    except ImportError:  # the pandas/arrow/polars extras install it
        return None
    return win_tz.get(name)
