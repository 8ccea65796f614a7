"""How each family of Graph endpoints pages: its largest page, and whether pages can overlap.

Graph's APIs differ: Outlook lists take ``$top`` from 1 to 1000 and also ``$skip`` and
``$count``, so pages can be asked for side by side; directory lists take ``$top`` up to 999
but no ``$skip``; many others document no bound.  A ``$top`` above an endpoint's bound is a
400 on some APIs and silently cut on others
(https://learn.microsoft.com/en-us/graph/paging), so the rule here is: send the largest page
the table knows to be valid, and for an endpoint the table does not know, send no page size
at all (Graph's own default page) unless the caller asks for one with ``page_size=``.
Delta rounds page with ``Prefer: odata.maxpagesize``, which Graph caps silently instead of
refusing (https://learn.microsoft.com/en-us/graph/api/message-delta).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Family:
    """What one family of endpoints allows."""

    name: str
    max_page: int | None  # the largest $top it takes (None: unknown, send none)
    skip_and_count: bool  # $skip and $count=true work: pages may be fetched side by side
    mailbox: bool  # an Outlook resource: at most 4 requests in flight per mailbox
    delta_page: int | None  # what to ask for with Prefer: odata.maxpagesize in delta rounds
    #: its delta may send a changed item with only the changed properties, when asked with
    #: Prefer: return=minimal (directory objects: https://learn.microsoft.com/en-us/graph/api/
    #: user-delta#request-headers); merged into the row kept, so we ask for it: smaller rounds
    minimal_delta: bool = False


_USER = r"/(?:me|users/[^/]+)"
_FOLDER = r"mailFolders/[^/]+(?:/childFolders/[^/]+)*"
#: path pattern (after the version root) → family; the first match wins.
FAMILIES: tuple[tuple[re.Pattern[str], Family], ...] = tuple(
    (re.compile(pattern + r"/?$", re.IGNORECASE), family) for pattern, family in (
        # https://learn.microsoft.com/en-us/graph/api/user-list-messages: "The default page size
        # is 10 messages. Use $top to customize the page size, within the range of 1 and 1000."
        (rf"{_USER}/(?:{_FOLDER}/)?messages", Family("Outlook mail", 1000, True, True, 1000)),
        (rf"{_USER}/(?:{_FOLDER}/)?messages/delta(?:\(\))?",
         Family("Outlook mail delta", None, False, True, 1000)),
        (rf"{_USER}/(?:mailFolders|{_FOLDER}/childFolders)",
         Family("Outlook mail folders", 1000, False, True, None)),
        # Calendar and contacts are served by the same Outlook service and limits as mail.
        (rf"{_USER}/(?:calendars/[^/]+/|calendar/|calendarGroups/[^/]+/calendars/[^/]+/)?"
         r"(?:events|calendarView)", Family("Outlook calendar", 1000, True, True, 1000)),
        (rf"{_USER}/(?:contactFolders/[^/]+/)?contacts",
         Family("Outlook contacts", 1000, True, True, 1000)),
        # https://learn.microsoft.com/en-us/graph/api/user-list: $top from 1 to 999 for
        # directory objects, no $skip.
        (r"/(?:users|groups|devices|applications|servicePrincipals|contacts|directoryObjects)"
         r"(?:/[^/]+/(?:members|transitiveMembers|memberOf|transitiveMemberOf|owners))?",
         Family("directory objects", 999, False, False, 999)),
        (rf"{_USER}/(?:memberOf|transitiveMemberOf|ownedObjects|directReports)",
         Family("directory objects", 999, False, False, None)),
        (r"/(?:users|groups|devices|applications|servicePrincipals|contacts|directoryObjects)"
         r"/delta(?:\(\))?", Family("directory delta", None, False, False, None, True)),
    ))
UNKNOWN = Family("other", None, False, False, None)
#: every request to these counts against the mailbox's 4 in flight, single items included
_MAILBOX = re.compile(
    rf"^{_USER}/(?:messages|mailFolders|events|calendar|calendars|calendarView|calendarGroups|"
    r"contacts|contactFolders|sendMail|mailboxSettings|inferenceClassification|outlook)(?:/|$)",
    re.IGNORECASE)


def relative_path(url: str) -> str:
    """The path of a full Graph URL after its version root (``/me/messages``)."""
    path = urlsplit(url).path
    parts = path.split("/", 2)
    return "/" + parts[2] if len(parts) > 2 and parts[1] in ("v1.0", "beta") else path


def family_of(url: str) -> Family:
    """The family of a full Graph URL (``https://graph.microsoft.com/v1.0/me/messages?…``)."""
    relative = relative_path(url)
    return next((family for pattern, family in FAMILIES if pattern.match(relative)), UNKNOWN)


def touches_mailbox(url: str) -> bool:
    """True for any request to an Outlook resource of a mailbox (a list or a single item)."""
    return _MAILBOX.match(relative_path(url)) is not None
