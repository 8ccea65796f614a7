"""Real emulator collections arrive as frames an analyst can use at once."""

from __future__ import annotations

import pandas as pd

UTC = "datetime64[us, UTC]"


def test_a_month_of_mail(everything):
    frame = everything.frame("/me/messages", select="subject,from,receivedDateTime,isRead",
                             filter="receivedDateTime ge 2026-10-20T00:00:00Z", top=100)
    assert len(frame) > 0 and not any(c.startswith("@odata") for c in frame.columns)
    assert str(frame["receivedDateTime"].dtype) == UTC
    assert frame["receivedDateTime"].min() >= pd.Timestamp("2026-10-20", tz="UTC")
    assert frame["isRead"].dtype == bool
    assert frame["from.emailAddress.address"].str.contains("@").all()


def test_a_calendar_with_zoned_start_and_end(everything):
    frame = everything.frame("/me/calendarView", startDateTime="2026-11-01T00:00:00Z",
                             endDateTime="2026-12-01T00:00:00Z")
    assert str(frame["start.dateTime"].dtype) == UTC and str(frame["end.dateTime"].dtype) == UTC
    assert (frame["end.dateTime"] > frame["start.dateTime"]).all()
    assert "onlineMeeting" not in frame.columns  # only its fields, never a column of gaps
    assert str(frame["responseStatus.time"].dtype) == UTC  # Graph's 0001-01-01 "unset" is NaT
    assert frame["reminderMinutesBeforeStart"].dtype == "int64"


def test_a_drive_listing(everything):
    frame = everything.frame("/me/drive/root/children",
                             select=["name", "size", "lastModifiedDateTime"])
    assert frame["size"].dtype == "int64"
    assert str(frame["lastModifiedDateTime"].dtype) == UTC


def test_teams_chats(everything):
    frame = everything.frame("/me/chats")
    assert str(frame["lastUpdatedDateTime"].dtype) == UTC and frame["id"].is_unique
