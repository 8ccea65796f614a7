"""Graph JSON → DataFrame: flat readable columns, annotations dropped, real dtypes."""

from __future__ import annotations

import pandas as pd
import pytest

from authsome_nb._graph import flatten, to_frame

MESSAGES = [
    {"@odata.etag": 'W/"1"', "id": "m1", "subject": "Budget", "isRead": True, "importance": "high",
     "receivedDateTime": "2026-11-20T09:00:00Z", "categories": ["Blue category"],
     "from": {"emailAddress": {"name": "Adele Vance", "address": "adele@contoso.example"}},
     "attachments@odata.context": "https://graph.microsoft.com/v1.0/$metadata#attachments",
     "@microsoft.graph.downloadUrl": "https://files.example/1"},
    {"@odata.etag": 'W/"2"', "id": "m2", "subject": "Re: Budget", "isRead": None,
     "importance": "normal", "receivedDateTime": "2026-11-19T17:30:00.1234567Z", "categories": [],
     "from": {"emailAddress": {"name": "Alex Wilber", "address": "alex@contoso.example"}},
     "@microsoft.graph.downloadUrl": None},
]


def test_nested_objects_become_dotted_columns_and_odata_annotations_go():
    row = flatten(MESSAGES[0])
    assert row["from.emailAddress.address"] == "adele@contoso.example"
    assert not any("@odata." in key for key in row)
    assert row["@microsoft.graph.downloadUrl"] == "https://files.example/1"  # data, kept
    assert row["categories"] == ["Blue category"]  # lists stay lists


def test_dates_are_utc_datetimes_and_other_dtypes_are_kept():
    frame = to_frame(MESSAGES)
    assert str(frame["receivedDateTime"].dtype) == "datetime64[us, UTC]"
    assert frame["receivedDateTime"][1] == pd.Timestamp("2026-11-19T17:30:00.123456Z")
    assert str(frame["isRead"].dtype) == "boolean"  # a gap makes it nullable, not object
    assert frame["isRead"].tolist() == [True, pd.NA]
    assert pd.api.types.is_string_dtype(frame["subject"])
    assert list(frame.columns[:2]) == ["id", "subject"]


def test_numbers_and_complete_booleans_stay_numeric_and_bool():
    frame = to_frame([{"id": "a", "size": 10, "isFolder": False},
                      {"id": "b", "size": 2.5, "isFolder": True}])
    assert frame["size"].dtype == "float64" and frame["isFolder"].dtype == bool


def test_graph_unset_date_becomes_nat_and_a_non_date_column_stays_text():
    frame = to_frame([{"status.time": None, "responseStatus": {"time": "0001-01-01T00:00:00Z"},
                       "lastModifiedDateTime": "0001-01-01T00:00:00Z", "notADateTime": "soon"},
                      {"lastModifiedDateTime": "2026-01-02T03:04:05Z", "notADateTime": "later"}])
    assert pd.isna(frame["lastModifiedDateTime"][0])
    assert frame["lastModifiedDateTime"][1] == pd.Timestamp("2026-01-02T03:04:05Z")
    assert list(frame["notADateTime"]) == ["soon", "later"]


def test_datetime_time_zone_pairs_are_read_in_their_zone():
    events = [{"start": {"dateTime": "2026-11-20T09:00:00.0000000", "timeZone": "UTC"}},
              {"start": {"dateTime": "2026-07-01T09:00:00.0000000", "timeZone": "Europe/Paris"}}]
    frame = to_frame(events)
    assert str(frame["start.dateTime"].dtype) == "datetime64[us, UTC]"
    assert frame["start.dateTime"][1] == pd.Timestamp("2026-07-01T07:00:00Z")


def test_a_windows_zone_name_is_read_through_the_zone_map():
    frame = to_frame([{"start": {"dateTime": "2026-11-20T09:00:00.0000000",
                                 "timeZone": "Pacific Standard Time"}},
                      {"start": {"dateTime": "2026-07-01T09:00:00.0000000",
                                 "timeZone": "W. Europe Standard Time"}}])
    assert frame["start.dateTime"].tolist() == [pd.Timestamp("2026-11-20T17:00:00Z"),
                                                pd.Timestamp("2026-07-01T07:00:00Z")]


@pytest.mark.parametrize("zone", ["tzone://Microsoft/Custom"])
def test_a_zone_no_table_knows_keeps_the_text_rather_than_guess(zone):
    frame = to_frame([{"start": {"dateTime": "2026-11-20T09:00:00.0000000", "timeZone": zone}}])
    assert frame["start.dateTime"][0] == "2026-11-20T09:00:00.0000000"


def test_an_empty_result_still_has_the_selected_columns():
    frame = to_frame([], select=["subject", "receivedDateTime", "from"])
    assert list(frame.columns) == ["subject", "receivedDateTime", "from"]
    assert len(frame) == 0
    assert str(frame["receivedDateTime"].dtype) == "datetime64[us, UTC]"


def test_an_object_that_is_null_in_some_rows_gives_its_fields_only():
    frame = to_frame([{"id": "1", "onlineMeeting": {"joinUrl": "https://teams.example/1"}},
                      {"id": "2", "onlineMeeting": None}])
    assert list(frame.columns) == ["id", "onlineMeeting.joinUrl"]
    assert frame["onlineMeeting.joinUrl"].isna().tolist() == [False, True]

