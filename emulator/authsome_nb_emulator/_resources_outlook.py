"""Graph resources of Outlook: the profile, mail, mail folders, sendMail, events, calendarView.

Mail lists page as Outlook does: 10 by default, ``$top`` from 1 to 1000 (a larger value is a
400), ``$skip``, ``$count=true`` (https://learn.microsoft.com/en-us/graph/api/user-list-messages);
a folder's messages also answer delta queries (:mod:`._delta`).

Scopes and errors follow Graph: reading mail needs ``Mail.Read`` (or ReadWrite), changing
it ``Mail.ReadWrite``, sending ``Mail.Send``; a calendarView without its time window is a
400; an unknown message id is ``ErrorItemNotFound``.
"""

from __future__ import annotations

import base64
import secrets
from typing import TYPE_CHECKING, Any

from . import _delta
from . import _synth_work as work
from ._filter import parse_datetime
from ._graph_common import (
    GraphCall,
    GraphResult,
    base_url,
    entity_response,
    error,
    list_response,
    not_found,
    route,
)
from ._odata import Collection, ODataError
from ._synth_mail import graph_datetime, iso

if TYPE_CHECKING:
    from ._state import EmulatorState

MAIL_READ = "Mail.Read Mail.ReadWrite Mail.ReadBasic"
CALENDAR_READ = "Calendars.Read Calendars.ReadWrite Calendars.ReadBasic"
_MESSAGE_WRITABLE = {"isread", "categories", "flag", "importance", "subject", "body",
                     "inferenceclassification", "torecipients", "ccrecipients", "bccrecipients",
                     "replyto", "isdeliveryreceiptrequested", "isreadreceiptrequested"}
_MESSAGE_SEARCH = (("subject",), ("bodyPreview",), ("from", "emailAddress", "name"),
                   ("from", "emailAddress", "address"))


def _new_id(prefix: str = "AAMkAGI2") -> str:
    return prefix + base64.urlsafe_b64encode(secrets.token_bytes(20)).rstrip(b"=").decode()


def get_me(state: EmulatorState, call: GraphCall) -> GraphResult:
    profile = work.directory_user(call.me, seed=state.seed)
    return entity_response(call, profile, f"{base_url(state)}/$metadata#users/$entity", "user")


# --- mail ---
def list_messages(state: EmulatorState, call: GraphCall, folder: str | None = None,
                  ) -> GraphResult:
    box = state.data.mailbox(call.me)
    prefix = f"{base_url(state)}/$metadata#users('{call.me.oid}')"
    if folder is None:
        items, context = box.messages, f"{prefix}/messages"
    else:
        found = box.folder(folder)
        if found is None:
            return not_found(call)
        items = state.data.view(("folder", call.me.oid, found["id"]), lambda: [
            m for m in box.messages if m["parentFolderId"] == found["id"]])
        context = f"{prefix}/mailFolders('{folder}')/messages"
    collection = Collection("message", context, default_top=10, max_top=1000,
                            searchable=_MESSAGE_SEARCH)
    return list_response(state, call, items, collection,
                         ("messages", call.me.oid, folder))


def one_message(state: EmulatorState, call: GraphCall, message: str,
                folder: str | None = None) -> GraphResult:
    box = state.data.mailbox(call.me)
    item = box.by_id.get(message)
    if item is None:
        return not_found(call)
    context = f"{base_url(state)}/$metadata#users('{call.me.oid}')/messages/$entity"
    if call.method == "GET":
        return entity_response(call, item, context, "message")
    if call.method == "DELETE":
        with state.data.lock:
            box.by_id.pop(message, None)
            box.messages.remove(item)
            box.record(message, item["parentFolderId"], None)
            state.data.changed()
        return GraphResult(204)
    changes = call.json()
    if not isinstance(changes, dict):
        raise ODataError("Empty Payload. JSON content expected.")
    for key in changes:
        if key.lower() not in _MESSAGE_WRITABLE:
            return error(400, "ErrorInvalidProperty",
                         f"The property '{key}' is read-only and can't be set.", call)
    by_lower = {k.lower(): k for k in item}
    with state.data.lock:
        for key, value in changes.items():
            item[by_lower.get(key.lower(), key)] = value
        item["lastModifiedDateTime"] = iso(state.now())
        box.record(message, item["parentFolderId"], item["parentFolderId"])
        state.data.changed()
    return entity_response(call, item, context, "message")


def list_folders(state: EmulatorState, call: GraphCall, folder: str | None = None,
                 ) -> GraphResult:
    box = state.data.mailbox(call.me)
    counted = []
    for entry in box.folders:
        inside = [m for m in box.messages if m["parentFolderId"] == entry["id"]]
        view = {k: v for k, v in entry.items() if k != "wellKnownName"}
        view.update(totalItemCount=len(inside),
                    unreadItemCount=sum(1 for m in inside if not m["isRead"]))
        if folder is not None and folder.lower() in (entry["id"].lower(), entry["wellKnownName"]):
            context = f"{base_url(state)}/$metadata#users('{call.me.oid}')/mailFolders/$entity"
            return entity_response(call, view, context, "mailFolder")
        counted.append(view)
    if folder is not None:
        return not_found(call)
    collection = Collection("mailFolder",
                            f"{base_url(state)}/$metadata#users('{call.me.oid}')/mailFolders")
    return list_response(state, call, counted, collection, ("folders", call.me.oid))


def send_mail(state: EmulatorState, call: GraphCall) -> GraphResult:
    payload = call.json()
    message = payload.get("message") if isinstance(payload, dict) else None
    if not isinstance(message, dict):
        return error(400, "ErrorInvalidParameter", "The parameter 'message' is missing.", call)
    recipients = [r for key in ("toRecipients", "ccRecipients", "bccRecipients")
                  for r in message.get(key) or []]
    if not recipients or not all(isinstance(r, dict) and r.get("emailAddress", {}).get("address")
                                 for r in recipients):
        return error(400, "ErrorInvalidRecipients",
                     "At least one recipient is not valid., Recipient '' is not resolved. All "
                     "recipients must be resolved before a message can be submitted.", call)
    save = payload.get("saveToSentItems", True)
    if save in (True, "true", "True"):
        box = state.data.mailbox(call.me)
        stamp = iso(state.now())
        me = {"emailAddress": {"name": call.me.display_name, "address": call.me.mail}}
        body = message.get("body") or {"contentType": "text", "content": ""}
        change_key = _new_id("CQAAABYAAAA")[:24]
        sent = {
            "@odata.etag": f'W/"{change_key}"', "id": _new_id(), "createdDateTime": stamp,
            "lastModifiedDateTime": stamp, "changeKey": change_key,
            "categories": message.get("categories", []), "receivedDateTime": stamp,
            "sentDateTime": stamp, "hasAttachments": bool(message.get("attachments")),
            "internetMessageId": f"<{secrets.token_hex(8)}@{call.me.domain}>",
            "subject": message.get("subject", ""),
            "bodyPreview": str(body.get("content", ""))[:255],
            "importance": message.get("importance", "normal"),
            "parentFolderId": (box.folder("sentitems") or {}).get("id", ""),
            "conversationId": _new_id("AAQkAGI2")[:24], "isDeliveryReceiptRequested": False,
            "isReadReceiptRequested": False, "isRead": True, "isDraft": False,
            "webLink": "https://outlook.office365.com/owa/", "inferenceClassification": "focused",
            "body": body, "sender": me, "from": me,
            "toRecipients": message.get("toRecipients", []),
            "ccRecipients": message.get("ccRecipients", []),
            "bccRecipients": message.get("bccRecipients", []), "replyTo": [],
            "flag": {"flagStatus": "notFlagged"},
        }
        with state.data.lock:
            box.messages.insert(0, sent)
            box.by_id[sent["id"]] = sent
            box.record(sent["id"], None, sent["parentFolderId"])
            state.data.changed()
    return GraphResult(202)


# --- calendar ---
def list_events(state: EmulatorState, call: GraphCall) -> GraphResult:
    events = state.data.events(call.me)
    context = f"{base_url(state)}/$metadata#users('{call.me.oid}')/events"
    if call.method == "POST":
        return _create_event(state, call, events, context)
    return list_response(state, call, events, Collection("event", context),
                         ("events", call.me.oid))


def _create_event(state: EmulatorState, call: GraphCall, events: list[dict[str, Any]],
                  context: str) -> GraphResult:
    payload = call.json()
    if not isinstance(payload, dict):
        raise ODataError("Empty Payload. JSON content expected.")
    start, end = payload.get("start"), payload.get("end")
    if not (isinstance(start, dict) and isinstance(end, dict)
            and parse_datetime(start.get("dateTime")) and parse_datetime(end.get("dateTime"))):
        return error(400, "ErrorInvalidRequest", "Your request can't be completed. The event "
                     "needs a start and an end with a valid dateTime and timeZone.", call)
    stamp = iso(state.now())
    change_key = _new_id("DwAAABYAAAA")[:24]
    me = {"emailAddress": {"name": call.me.display_name, "address": call.me.mail}}
    location = payload.get("location") or {"displayName": "", "locationType": "default"}
    event = {
        "@odata.etag": f'W/"{change_key}"', "id": _new_id(), "createdDateTime": stamp,
        "lastModifiedDateTime": stamp, "changeKey": change_key, "categories": [],
        "subject": payload.get("subject", ""), "bodyPreview": "", "importance": "normal",
        "sensitivity": "normal", "isAllDay": bool(payload.get("isAllDay")), "isCancelled": False,
        "isOrganizer": True, "responseRequested": True, "showAs": "busy",
        "type": "singleInstance", "webLink": "https://outlook.office365.com/owa/",
        "isOnlineMeeting": bool(payload.get("isOnlineMeeting")), "isDraft": False,
        "responseStatus": {"response": "organizer", "time": "0001-01-01T00:00:00Z"},
        "body": payload.get("body") or {"contentType": "html", "content": ""},
        "start": {"dateTime": graph_datetime(parse_datetime(start["dateTime"]).timestamp()),
                  "timeZone": start.get("timeZone", "UTC")},
        "end": {"dateTime": graph_datetime(parse_datetime(end["dateTime"]).timestamp()),
                "timeZone": end.get("timeZone", "UTC")},
        "location": location, "locations": [location], "recurrence": None,
        "attendees": payload.get("attendees", []), "organizer": me, "onlineMeeting": None,
    }
    with state.data.lock:
        events.append(event)
        events.sort(key=lambda e: e["start"]["dateTime"])
        state.data.changed()
    return GraphResult(201, {"@odata.context": f"{context}/$entity", **event})


def one_event(state: EmulatorState, call: GraphCall, event: str) -> GraphResult:
    found = next((e for e in state.data.events(call.me) if e["id"] == event), None)
    if found is None:
        return not_found(call)
    context = f"{base_url(state)}/$metadata#users('{call.me.oid}')/events/$entity"
    return entity_response(call, found, context, "event")


def calendar_view(state: EmulatorState, call: GraphCall) -> GraphResult:
    query = {k.lower(): v for k, v in call.query.items()}
    start = parse_datetime(query.get("startdatetime"))
    end = parse_datetime(query.get("enddatetime"))
    if start is None or end is None:
        return error(400, "ErrorInvalidParameter", "This request requires a time window "
                     "specified by the query string parameters StartDateTime and EndDateTime.",
                     call)
    events = state.data.events(call.me)
    window = state.data.view(("calendarView", call.me.oid, start, end), lambda: [
        e for e in events if parse_datetime(e["end"]["dateTime"]) > start
        and parse_datetime(e["start"]["dateTime"]) < end])
    context = f"{base_url(state)}/$metadata#users('{call.me.oid}')/calendarView"
    return list_response(state, call, window, Collection("event", context),
                         ("calendarView", call.me.oid, start, end))


ROUTES = [
    route("GET", r"/me", get_me),
    route("GET", r"/me/messages", list_messages, MAIL_READ),
    route("GET", r"/me/mailFolders", list_folders, MAIL_READ),
    route("GET", r"/me/mailFolders/(?P<folder>[^/]+)", list_folders, MAIL_READ),
    route("GET", r"/me/mailFolders/(?P<folder>[^/]+)/messages", list_messages, MAIL_READ),
    route("GET", r"/me/(?:mailFolders/(?P<folder>[^/]+)/)?messages/delta(?:\(\))?",
          _delta.message_delta, MAIL_READ),
    route("GET", r"/me/(?:mailFolders/(?P<folder>[^/]+)/)?messages/(?P<message>[^/]+)",
          one_message, MAIL_READ),
    route("PATCH DELETE", r"/me/(?:mailFolders/(?P<folder>[^/]+)/)?messages/(?P<message>[^/]+)",
          one_message, "Mail.ReadWrite"),
    route("POST", r"/me/sendMail", send_mail, "Mail.Send"),
    route("GET", r"/me/(?:calendar/)?events", list_events, CALENDAR_READ),
    route("POST", r"/me/(?:calendar/)?events", list_events, "Calendars.ReadWrite"),
    route("GET", r"/me/(?:calendar/)?events/(?P<event>[^/]+)", one_event, CALENDAR_READ),
    route("GET", r"/me/(?:calendar/)?calendarView", calendar_view, CALENDAR_READ),
]
