"""Deterministic Outlook data: colleagues, mail folders, messages and calendar events.

Everything is a pure function of (seed, user), spread over the months before a fixed
reference date (2026-11-20), so a test or a notebook gets the same mailbox on every run.
Generation is tuned for benchmarks: 30,000 messages take a fraction of a second, because
shared nested objects (a sender's ``emailAddress``) are built once and reused.  Callers never
mutate nested objects in place, they replace them.
"""

from __future__ import annotations

import base64
import random
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ._users import User

#: 2026-11-20T09:00:00Z: the emulator's "today" for generated data.
REFERENCE_TIME = 1795165200
DAY = 86400
FIRST_NAMES = ("Alex", "Allan", "Bianca", "Christie", "Debra", "Emily", "Enrico", "Grady",
               "Henrietta", "Irvin", "Isaiah", "Joni", "Johanna", "Lee", "Lidia", "Lynne",
               "Miriam", "Nestor", "Patti", "Pradeep", "Raul", "Wilna", "Yasmin", "Zrinka")
LAST_NAMES = ("Wilber", "Deyoung", "Pincela", "Cline", "Berg", "Braun", "Ciobanu", "Archie",
              "Gonzales", "Sink", "Holloway", "Sherman", "Lauer", "Gu", "Holloway", "Gibson",
              "Graham", "Wilke", "Fernandez", "Gupta", "Razo", "Vallejo", "Hassan", "Novak")
JOB_TITLES = ("Marketing Assistant", "Product Manager", "Developer", "Designer", "Attorney",
              "Sales Representative", "Finance Director", "Engineer", "Research Analyst",
              "HR Manager", "Program Manager", "Support Lead")
OFFICES = ("18/2111", "20/1101", "131/1104", "12/1110", "98/2202", "19/3123")
TOPICS = ("Q4 budget", "the Contoso launch", "Project Falcon", "hiring plan", "the offsite",
           "customer feedback", "security review", "release 2.3", "the roadmap", "Northwind deal",
           "travel policy", "the design review", "data migration", "quarterly report",
           "onboarding", "the partner summit", "pricing update", "the audit", "team lunch",
           "the API changes")
_SUBJECTS = ("Re: {t}", "Update on {t}", "Question about {t}", "Fwd: {t}", "{t}: next steps",
             "Notes from {t}", "Reminder: {t}", "Draft: {t}", "Action required: {t}",
             "Feedback on {t}", "{t} follow-up", "Agenda for {t}")
_SENTENCES = (
    "Thanks for the quick turnaround on this.", "Can we find 30 minutes this week to go over it?",
    "I've attached the latest numbers for your review.", "Let me know if anything looks off.",
    "The team agreed to move forward with option B.", "Please review before Friday.",
    "We still need sign-off from legal.", "I'll share the deck after the meeting.",
    "Looping in a few more people for visibility.", "Great work everyone, this was a big push.",
    "The deadline moved to the end of the month.", "Could you confirm the headcount?",
)
_CATEGORIES = ([], [], [], [], [], ["Blue category"], ["Red category"], ["Project Falcon"])
_EXTERNAL = ("northwind.example", "tailspin.example", "wingtip.example", "litware.example")
_PERSONAL = ("outlook.example", "mail.example")
FOLDERS = (("inbox", "Inbox"), ("archive", "Archive"), ("sentitems", "Sent Items"),
           ("drafts", "Drafts"), ("deleteditems", "Deleted Items"), ("junkemail", "Junk Email"))


@dataclass(frozen=True)
class Person:
    display_name: str
    address: str
    oid: str
    job_title: str
    office: str

    @property
    def email(self) -> dict[str, Any]:
        return {"emailAddress": {"name": self.display_name, "address": self.address}}


def iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def graph_datetime(epoch: float) -> str:
    """Graph's ``dateTimeTimeZone.dateTime``: no zone suffix, seven fraction digits."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.0000000", time.gmtime(epoch))


def b64id(prefix: str, rng: random.Random, size: int = 20) -> str:
    return prefix + base64.urlsafe_b64encode(rng.randbytes(size)).rstrip(b"=").decode()


def colleagues(seed: int, domain: str, personal: bool = False) -> list[Person]:
    """Twenty people a user corresponds with, stable per (seed, domain)."""
    rng = random.Random(f"{seed}:people:{domain}")
    people = []
    for first, last in zip(rng.sample(FIRST_NAMES, 20), rng.sample(LAST_NAMES, 20), strict=True):
        if personal:
            address = f"{first}.{last}@{rng.choice(_PERSONAL)}".lower()
        else:
            address = f"{first}{last[0]}@{domain}"
        people.append(Person(f"{first} {last}", address,
                             str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                             rng.choice(JOB_TITLES), rng.choice(OFFICES)))
    return people


def folders(user: User) -> list[dict[str, Any]]:
    rng = random.Random(f"folders:{user.oid}")
    root = b64id("AAMkAGI2", rng)
    return [{"id": b64id("AAMkAGI2", rng), "displayName": name, "parentFolderId": root,
             "childFolderCount": 0, "unreadItemCount": 0, "totalItemCount": 0,
             "sizeInBytes": 0, "isHidden": False, "wellKnownName": wk} for wk, name in FOLDERS]


class _Mailbox:
    """What every message of one user's mailbox is drawn from (one random stream, in order)."""

    def __init__(self, seed: int, user: User, count: int, people: list[Person],
                 folder_ids: dict[str, str]) -> None:
        rng = self.rng = random.Random(f"{seed}:messages:{user.oid}")
        self.user, self.count = user, count
        self.me = {"emailAddress": {"name": user.display_name, "address": user.mail}}
        self.senders = [p.email for p in people]
        self.externals = [{"emailAddress": {"name": f"{n} {s}", "address": f"{n}@{d}".lower()}}
                          for n, s, d in zip(FIRST_NAMES[:8], LAST_NAMES[8:16], _EXTERNAL * 2,
                                             strict=True)]
        self.subjects = [s.format(t=t) for s in _SUBJECTS for t in TOPICS]
        self.bodies = [" ".join(rng.sample(_SENTENCES, 3)) for _ in range(64)]
        self.html = [f'<html><head>\r\n<meta http-equiv="Content-Type" content="text/html; '
                     f'charset=utf-8"></head><body><p>Hi {user.given_name},</p><p>{b}</p>'
                     "</body></html>" for b in self.bodies]
        self.inbox, self.archive = folder_ids["inbox"], folder_ids["archive"]
        self.sent, self.drafts = folder_ids["sentitems"], folder_ids["drafts"]
        self.step = 365 * DAY / max(count, 1)
        self.conversation = ""

    def placement(self, roll: float, b: int) -> tuple[str, Any, list[Any], bool]:
        """Folder, sender, recipients and draft flag of a message: sent, a draft, or received."""
        senders = self.senders
        if roll < 0.12:
            return self.sent, self.me, [senders[b % len(senders)]], False
        if roll < 0.15:
            return self.drafts, self.me, [senders[b % len(senders)]], True
        folder = self.archive if roll < 0.30 else self.inbox
        sender = self.externals[b % 8] if roll > 0.9 else \
            senders[int(self.rng.random() * len(senders))]
        return folder, sender, [self.me], False


def messages(seed: int, user: User, count: int, people: list[Person],
             folder_ids: dict[str, str]) -> list[dict[str, Any]]:
    """``count`` messages, newest first, spread over the year before the reference date."""
    box = _Mailbox(seed, user, count, people, folder_ids)
    return [_message(box, i) for i in range(count)]


def _message(box: _Mailbox, i: int) -> dict[str, Any]:
    rng, user = box.rng, box.user
    random_ = rng.random
    received = REFERENCE_TIME - int(i * box.step) - int(random_() * 600)
    stamp = iso(received)
    raw = base64.urlsafe_b64encode(rng.randbytes(30)).decode()  # 40 characters
    message_id, change_key = "AAMkAGI2" + raw[:27], "CQAAABYAAAA" + raw[27:]
    if i % 3 == 0:
        box.conversation = b64id("AAQkAGI2", rng, 12)
    roll = random_()
    b = int(random_() * 64)
    folder, sender, to, is_draft = box.placement(roll, b)
    senders = box.senders
    return {
        "@odata.etag": f'W/"{change_key}"', "id": message_id, "createdDateTime": stamp,
        "lastModifiedDateTime": iso(received + 60), "changeKey": change_key,
        "categories": _CATEGORIES[i % 8] and list(_CATEGORIES[i % 8]),
        "receivedDateTime": stamp, "sentDateTime": stamp, "hasAttachments": random_() < 0.15,
        "internetMessageId": f"<{rng.getrandbits(64):016x}@{user.domain}>",
        "subject": box.subjects[int(random_() * len(box.subjects))],
        "bodyPreview": f"Hi {user.given_name}, {box.bodies[b]}"[:255],
        "importance": "high" if roll > 0.95 else ("low" if roll < 0.02 else "normal"),
        "parentFolderId": folder, "conversationId": box.conversation,
        "isDeliveryReceiptRequested": False, "isReadReceiptRequested": False,
        "isRead": is_draft or folder == box.sent or i > box.count // 20 or random_() < 0.6,
        "isDraft": is_draft,
        "webLink": "https://outlook.office365.com/owa/?ItemID=" + message_id
                   + "&exvsurl=1&viewmodel=ReadMessageItem",
        "inferenceClassification": "other" if roll > 0.85 else "focused",
        "body": {"contentType": "html", "content": box.html[b]},
        "sender": sender, "from": sender, "toRecipients": to,
        "ccRecipients": [senders[int(random_() * len(senders))]] if roll > 0.7 else [],
        "bccRecipients": [], "replyTo": [],
        "flag": {"flagStatus": "flagged" if random_() < 0.05 else "notFlagged"},
    }


_ROOMS = ("Conf Room Rainier", "Conf Room Baker", "Conf Room Adams", "Cafe", "")
_RESPONSES = ("accepted", "none", "tentativelyAccepted")
_MEETINGS = ("Standup", "1:1", "Planning", "Design review", "Customer call", "Retro",
             "All hands", "Lunch & learn", "Budget review", "Interview", "Sync", "Demo")


def events(seed: int, user: User, people: list[Person], count: int = 90,
           ) -> list[dict[str, Any]]:
    """Meetings from five months before to six weeks after the reference date, by start."""
    rng = random.Random(f"{seed}:events:{user.oid}")
    me = {"emailAddress": {"name": user.display_name, "address": user.mail}}
    first_day = REFERENCE_TIME // DAY * DAY - 150 * DAY
    out = []
    for _ in range(count):
        day = first_day + rng.randrange(196) * DAY
        if time.gmtime(day).tm_wday >= 5:
            day += 2 * DAY
        all_day = rng.random() < 0.06
        start = day if all_day else day + (8 + rng.randrange(9)) * 3600 + rng.choice((0, 1800))
        end = start + (DAY if all_day else rng.choice((1800, 3600, 3600, 5400)))
        organizer_is_me = rng.random() < 0.4
        organizer = me if organizer_is_me else rng.choice(people).email
        attendees = [{"type": rng.choice(("required", "required", "optional")),
                      "status": {"response": rng.choice(_RESPONSES),
                                 "time": "0001-01-01T00:00:00Z"},
                      **p.email} for p in rng.sample(people, rng.randrange(1, 6))]
        online = rng.random() < 0.6
        room = "Microsoft Teams Meeting" if online else rng.choice(_ROOMS)
        subject = f"{rng.choice(_MEETINGS)}: {rng.choice(TOPICS)}"
        event_id = b64id("AAMkAGI2", rng)
        change_key = b64id("DwAAABYAAAA", rng, 9)
        created = iso(start - rng.randrange(2, 30) * DAY)
        location = {"displayName": room, "locationType": "default",
                    "uniqueIdType": "unknown" if room else "unknown"}
        out.append({
            "@odata.etag": f'W/"{change_key}"', "id": event_id,
            "createdDateTime": created, "lastModifiedDateTime": created, "changeKey": change_key,
            "categories": [], "transactionId": None, "originalStartTimeZone": "UTC",
            "originalEndTimeZone": "UTC", "iCalUId": b64id("040000008200E00074C5B7101A82E008",
                                                          rng, 24),
            "reminderMinutesBeforeStart": 15, "isReminderOn": True, "hasAttachments": False,
            "subject": subject, "bodyPreview": f"{subject}. {rng.choice(_SENTENCES)}",
            "importance": "normal", "sensitivity": "normal", "isAllDay": all_day,
            "isCancelled": False, "isOrganizer": organizer_is_me, "responseRequested": True,
            "seriesMasterId": None, "showAs": "free" if all_day else "busy",
            "type": "singleInstance",
            "webLink": "https://outlook.office365.com/owa/?itemid=" + quote(event_id, safe="")
                       + "&exvsurl=1&path=/calendar/item",
            "onlineMeetingUrl": None, "isOnlineMeeting": online,
            "onlineMeetingProvider": "teamsForBusiness" if online else "unknown",
            "allowNewTimeProposals": True, "isDraft": False, "hideAttendees": False,
            "responseStatus": {"response": "organizer" if organizer_is_me else "accepted",
                               "time": "0001-01-01T00:00:00Z"},
            "body": {"contentType": "html",
                     "content": f"<html><body><p>{subject}</p></body></html>"},
            "start": {"dateTime": graph_datetime(start), "timeZone": "UTC"},
            "end": {"dateTime": graph_datetime(end), "timeZone": "UTC"},
            "location": location, "locations": [location] if room else [],
            "recurrence": None, "attendees": attendees, "organizer": organizer,
            "onlineMeeting": ({"joinUrl": "https://teams.microsoft.com/l/meetup-join/"
                               + b64id("19%3ameeting_", rng, 12)} if online else None),
        })
    out.sort(key=lambda e: e["start"]["dateTime"])
    return out
