"""Which keywords a Graph call takes, so that a mistyped one is refused before any request.

A call's keywords are its declared options (``select``, ``top``, ``backend`` …) plus the query
parameters Graph documents for the path being called, kept in :data:`DOCUMENTED` (one row per
family of paths, with the page that documents them).  Anything else is refused with a
did-you-mean: ``selct=`` is a typo of ``select``, not a query parameter, and
``frame("/me/messages", backend="polars")`` on a version without backends would otherwise have
reached Graph as ``?backend=polars`` and come back a pandas frame.  Query parameters the table
does not know go in ``params={...}`` or in the path's query string, where nothing is checked.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import ConfigurationError

_WHO = r"/(?:me|users/[^/]+|groups/[^/]+)"
_CALENDAR = r"(?:calendars/[^/]+/|calendar/|calendarGroups/[^/]+/calendars/[^/]+/)?"
_DELTA = r"(?:/delta(?:\(\))?)?"
#: (paths, parameter names, where Graph documents them); matched against the path after the
#: version root, query string left out.
DOCUMENTED: tuple[tuple[re.Pattern[str], tuple[str, ...], str], ...] = tuple(
    (re.compile(pattern + r"/?$", re.IGNORECASE), names, doc) for pattern, names, doc in (
        (rf"{_WHO}/{_CALENDAR}calendarView{_DELTA}|{_WHO}/{_CALENDAR}events/[^/]+/instances",
         ("startDateTime", "endDateTime"),
         "https://learn.microsoft.com/en-us/graph/api/user-list-calendarview"),
        (rf"{_WHO}/mailFolders/[^/]+(?:/childFolders/[^/]+)*/messages/delta(?:\(\))?",
         ("changeType",), "https://learn.microsoft.com/en-us/graph/api/message-delta"),
        (rf"{_WHO}/mailFolders(?:/[^/]+/childFolders)?", ("includeHiddenFolders",),
         "https://learn.microsoft.com/en-us/graph/api/user-list-mailfolders"),
        (r"/(?:users|groups|devices|applications|servicePrincipals|directoryObjects)"
         r"/delta(?:\(\))?", ("deltatoken",),
         "https://learn.microsoft.com/en-us/graph/api/user-delta"),
    ))


def documented_for(relative_path: str) -> tuple[str, ...]:
    """The query parameters Graph documents for ``relative_path`` (``/me/calendarView``)."""
    path = relative_path.split("?", 1)[0]
    return tuple(name for pattern, names, _ in DOCUMENTED if pattern.match(path)
                 for name in names)


def check_keywords(call: str, given: Mapping[str, Any], declared: Iterable[str],
                   relative_path: str) -> None:
    """Refuse a keyword of ``call`` (``"frame()"``) that is neither declared nor documented
    for the path, naming the nearest known one."""
    known = {*declared, *documented_for(relative_path)}
    unknown = [name for name in given if name not in known]
    if not unknown:
        return
    name = unknown[0]
    raise ConfigurationError(
        f"{call} has no option {name}={given[name]!r}{_hint(name, known, relative_path)}",
        remedy=f"other query parameters go in params={{{name!r}: …}} or in the path's query "
        "string (…?name=value), as Graph spells them")


def _hint(name: str, known: set[str], relative_path: str) -> str:
    by_lower = {k.lower(): k for k in known}
    close = by_lower.get(name.lower().lstrip("$")) or next(iter(
        difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)), None)
    if close is not None:
        return f": did you mean {close}=?"
    elsewhere = [doc for _, names, doc in DOCUMENTED if name in names]
    if elsewhere:
        path = relative_path.split("?", 1)[0]
        return f": Graph documents it for other paths than {path} ({elsewhere[0]})"
    return ""


def suggest_flag(word: str, flags: Iterable[str]) -> str | None:
    """The nearest of ``flags`` (``--select`` …) to a mistyped ``word`` (``--selct``), if any."""
    matches = difflib.get_close_matches(word, sorted(flags), n=1, cutoff=0.6)
    return matches[0] if matches else None
