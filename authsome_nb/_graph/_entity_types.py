"""Graph's types for the entities people read most, so Arrow columns are typed from the schema.

A column of a typed frame gets its type from here when Graph documents it (v1.0 resource types,
https://learn.microsoft.com/en-us/graph/api/resources/message and its siblings named below), and
is inferred from the values otherwise.  So a date is a timestamp even in a page where it is null
everywhere, a selected property keeps its type in an empty result, and a page that happens to
hold only whole numbers in a ``float`` property does not change the file's schema.

Types are written as plain data (no pyarrow here): ``"string"``, ``"timestamp"``
(``Edm.DateTimeOffset``: UTC), ``"date"`` (``Edm.Date``), ``"bool"``, ``"int64"``,
``"float64"``, a ``dict`` for a complex type (a struct), a one-item ``list`` for a collection.
``DATE_TIME_TIME_ZONE`` is Graph's ``dateTimeTimeZone``: a local time and its zone name.
"""

from __future__ import annotations

import re
from typing import Any

S, T, DATE, B, INT, F = "string", "timestamp", "date", "bool", "int64", "float64"
#: dateTimeTimeZone (https://learn.microsoft.com/en-us/graph/api/resources/datetimetimezone)
DATE_TIME_TIME_ZONE: dict[str, Any] = {"dateTime": S, "timeZone": S}
EMAIL_ADDRESS = {"name": S, "address": S}
RECIPIENT = {"emailAddress": EMAIL_ADDRESS}
ITEM_BODY = {"contentType": S, "content": S}
IDENTITY = {"id": S, "displayName": S}
IDENTITY_SET = {"user": IDENTITY, "application": IDENTITY, "device": IDENTITY}
PHYSICAL_ADDRESS = {"street": S, "city": S, "state": S, "countryOrRegion": S, "postalCode": S}
LOCATION = {"displayName": S, "locationType": S, "locationUri": S, "uniqueId": S,
            "uniqueIdType": S, "address": PHYSICAL_ADDRESS,
            "coordinates": {"latitude": F, "longitude": F, "altitude": F, "accuracy": F}}
RESPONSE_STATUS = {"response": S, "time": T}
_COMMON = {"id": S, "createdDateTime": T, "lastModifiedDateTime": T}
_OUTLOOK_ITEM = {**_COMMON, "changeKey": S, "categories": [S]}

# https://learn.microsoft.com/en-us/graph/api/resources/message
MESSAGE = {
    **_OUTLOOK_ITEM, "receivedDateTime": T, "sentDateTime": T, "hasAttachments": B,
    "internetMessageId": S, "subject": S, "bodyPreview": S, "importance": S,
    "parentFolderId": S, "conversationId": S, "conversationIndex": S,
    "isDeliveryReceiptRequested": B, "isReadReceiptRequested": B, "isRead": B, "isDraft": B,
    "webLink": S, "inferenceClassification": S, "body": ITEM_BODY, "uniqueBody": ITEM_BODY,
    "sender": RECIPIENT, "from": RECIPIENT, "toRecipients": [RECIPIENT],
    "ccRecipients": [RECIPIENT], "bccRecipients": [RECIPIENT], "replyTo": [RECIPIENT],
    "flag": {"flagStatus": S, "startDateTime": DATE_TIME_TIME_ZONE,
             "dueDateTime": DATE_TIME_TIME_ZONE, "completedDateTime": DATE_TIME_TIME_ZONE},
}
# https://learn.microsoft.com/en-us/graph/api/resources/event
EVENT = {
    **_OUTLOOK_ITEM, "transactionId": S, "originalStartTimeZone": S, "originalEndTimeZone": S,
    "iCalUId": S, "reminderMinutesBeforeStart": INT, "isReminderOn": B, "hasAttachments": B,
    "subject": S, "bodyPreview": S, "importance": S, "sensitivity": S, "isAllDay": B,
    "isCancelled": B, "isOrganizer": B, "responseRequested": B, "seriesMasterId": S,
    "showAs": S, "type": S, "webLink": S, "onlineMeetingUrl": S, "isOnlineMeeting": B,
    "onlineMeetingProvider": S, "allowNewTimeProposals": B, "isDraft": B, "hideAttendees": B,
    "responseStatus": RESPONSE_STATUS, "body": ITEM_BODY, "start": DATE_TIME_TIME_ZONE,
    "end": DATE_TIME_TIME_ZONE, "location": LOCATION, "locations": [LOCATION],
    "recurrence": {
        "pattern": {"type": S, "interval": INT, "month": INT, "dayOfMonth": INT,
                    "daysOfWeek": [S], "firstDayOfWeek": S, "index": S},
        "range": {"type": S, "startDate": DATE, "endDate": DATE, "recurrenceTimeZone": S,
                  "numberOfOccurrences": INT}},
    "attendees": [{"type": S, "status": RESPONSE_STATUS, "emailAddress": EMAIL_ADDRESS}],
    "organizer": RECIPIENT, "onlineMeeting": {"joinUrl": S, "conferenceId": S, "tollNumber": S},
}
# https://learn.microsoft.com/en-us/graph/api/resources/driveitem
DRIVE_ITEM = {
    **_COMMON, "name": S, "webUrl": S, "size": INT, "eTag": S, "cTag": S, "description": S,
    "createdBy": IDENTITY_SET, "lastModifiedBy": IDENTITY_SET,
    "parentReference": {"driveId": S, "driveType": S, "id": S, "name": S, "path": S,
                        "siteId": S},
    "fileSystemInfo": {"createdDateTime": T, "lastModifiedDateTime": T,
                       "lastAccessedDateTime": T},
    "folder": {"childCount": INT},
    "file": {"mimeType": S, "hashes": {"quickXorHash": S, "sha1Hash": S, "sha256Hash": S,
                                       "crc32Hash": S}},
    "image": {"height": INT, "width": INT},
    "shared": {"scope": S, "sharedDateTime": T}, "deleted": {"state": S},
    "@microsoft.graph.downloadUrl": S,
}
# https://learn.microsoft.com/en-us/graph/api/resources/user
USER = {
    "id": S, "businessPhones": [S], "displayName": S, "givenName": S, "jobTitle": S, "mail": S,
    "mobilePhone": S, "officeLocation": S, "preferredLanguage": S, "surname": S,
    "userPrincipalName": S, "accountEnabled": B, "createdDateTime": T, "deletedDateTime": T,
    "department": S, "employeeId": S, "companyName": S, "city": S, "country": S,
    "usageLocation": S, "userType": S, "mailNickname": S, "proxyAddresses": [S],
    "otherMails": [S], "onPremisesSyncEnabled": B, "lastPasswordChangeDateTime": T,
    "employeeHireDate": T, "signInSessionsValidFromDateTime": T,
}
# https://learn.microsoft.com/en-us/graph/api/resources/group
GROUP = {
    "id": S, "deletedDateTime": T, "classification": S, "createdDateTime": T,
    "description": S, "displayName": S, "expirationDateTime": T, "groupTypes": [S],
    "isAssignableToRole": B, "mail": S, "mailEnabled": B, "mailNickname": S,
    "membershipRule": S, "membershipRuleProcessingState": S, "onPremisesLastSyncDateTime": T,
    "onPremisesSyncEnabled": B, "preferredDataLocation": S, "proxyAddresses": [S],
    "renewedDateTime": T, "securityEnabled": B, "securityIdentifier": S, "theme": S,
    "visibility": S, "resourceProvisioningOptions": [S], "creationOptions": [S],
}
_TEAMS_IDENTITY = {**IDENTITY, "userIdentityType": S, "tenantId": S}
# https://learn.microsoft.com/en-us/graph/api/resources/chatmessage
CHAT_MESSAGE = {
    **_COMMON, "replyToId": S, "etag": S, "messageType": S, "lastEditedDateTime": T,
    "deletedDateTime": T, "subject": S, "summary": S, "chatId": S, "importance": S,
    "locale": S, "webUrl": S, "channelIdentity": {"teamId": S, "channelId": S},
    "from": {"user": _TEAMS_IDENTITY, "application": IDENTITY, "device": IDENTITY},
    "body": ITEM_BODY,
    "attachments": [{"id": S, "contentType": S, "contentUrl": S, "content": S, "name": S,
                     "thumbnailUrl": S, "teamsAppId": S}],
    "mentions": [{"id": INT, "mentionText": S, "mentioned": {"user": _TEAMS_IDENTITY}}],
    "reactions": [{"reactionType": S, "createdDateTime": T, "user": {"user": _TEAMS_IDENTITY}}],
}
# https://learn.microsoft.com/en-us/graph/api/resources/listitem (``fields`` is the list's own)
LIST_ITEM = {
    **_COMMON, "eTag": S, "webUrl": S, "createdBy": IDENTITY_SET,
    "lastModifiedBy": IDENTITY_SET, "parentReference": {"id": S, "siteId": S},
    "contentType": {"id": S, "name": S},
}
# https://learn.microsoft.com/en-us/graph/api/resources/contact
CONTACT = {
    **_OUTLOOK_ITEM, "parentFolderId": S, "birthday": T, "fileAs": S, "displayName": S,
    "givenName": S, "initials": S, "middleName": S, "nickName": S, "surname": S, "title": S,
    "generation": S, "imAddresses": [S], "jobTitle": S, "companyName": S, "department": S,
    "officeLocation": S, "profession": S, "businessHomePage": S, "assistantName": S,
    "manager": S, "homePhones": [S], "mobilePhone": S, "businessPhones": [S],
    "spouseName": S, "personalNotes": S, "children": [S], "emailAddresses": [EMAIL_ADDRESS],
    "homeAddress": PHYSICAL_ADDRESS, "businessAddress": PHYSICAL_ADDRESS,
    "otherAddress": PHYSICAL_ADDRESS,
}

_WHO = r"/(?:me|users/[^/]+)"
_FOLDER = r"mailFolders/[^/]+(?:/childFolders/[^/]+)*"
_DELTA = r"(?:/delta(?:\(\))?)?"
_CALENDAR = r"(?:calendars/[^/]+/|calendar/|calendarGroups/[^/]+/calendars/[^/]+/)?"
_DRIVE = r"/(?:me/drive|drives/[^/]+|users/[^/]+/drive|groups/[^/]+/drive|sites/[^/]+/drive)"
#: path (after the version root) → entity type; the first match wins.
ENTITIES: tuple[tuple[re.Pattern[str], str, dict[str, Any]], ...] = tuple(
    (re.compile(pattern + r"/?$", re.IGNORECASE), name, spec) for pattern, name, spec in (
        (rf"{_WHO}/(?:{_FOLDER}/)?messages{_DELTA}", "message", MESSAGE),
        (rf"(?:{_WHO}|/groups/[^/]+)/{_CALENDAR}(?:events|calendarView)(?:/[^/]+/instances)?"
         rf"{_DELTA}", "event", EVENT),
        (rf"{_DRIVE}/(?:root|items/[^/]+)(?:/children|/delta(?:\(.*\))?)"
         r"|/me/drive/(?:recent|sharedWithMe)", "driveItem", DRIVE_ITEM),
        (rf"/users{_DELTA}|{_WHO}/directReports|/groups/[^/]+/members/microsoft\.graph\.user",
         "user", USER),
        (rf"/groups{_DELTA}", "group", GROUP),
        (rf"/(?:me/)?chats/[^/]+/messages{_DELTA}|/teams/[^/]+/channels/[^/]+/messages"
         rf"(?:/[^/]+/replies)?{_DELTA}", "chatMessage", CHAT_MESSAGE),
        (rf"/sites/[^/]+/lists/[^/]+/items{_DELTA}", "listItem", LIST_ITEM),
        (rf"{_WHO}/(?:contactFolders/[^/]+/)?contacts{_DELTA}", "contact", CONTACT),
    ))


def entity_of(relative_path: str) -> tuple[str, dict[str, Any]] | None:
    """``(name, type)`` of the items a collection path (relative to the version root) holds."""
    path = relative_path.split("?", 1)[0]
    return next(((name, spec) for pattern, name, spec in ENTITIES if pattern.match(path)), None)
