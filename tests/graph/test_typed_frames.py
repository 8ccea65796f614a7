"""backend="polars" and "arrow": frames typed from Graph's schema, not guessed from the values."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pyarrow as pa
import pytest

import authsome_nb as an
from authsome_nb import ConfigurationError
from authsome_nb._graph._arrow import combine, page_table
from authsome_nb._graph._entity_types import EVENT, MESSAGE

UTC_US = pa.timestamp("us", "UTC")


def test_mail_as_polars_has_typed_columns(everything):
    mail = everything.frame("/me/messages", select="subject,from,receivedDateTime,isRead",
                            backend="polars")
    assert isinstance(mail, pl.DataFrame) and mail.height == 120
    assert mail.schema["receivedDateTime"] == pl.Datetime("us", "UTC")
    assert mail.schema["isRead"] == pl.Boolean
    assert mail.schema["from.emailAddress.address"] == pl.String
    assert mail["from.emailAddress.address"].str.contains("@").all()
    assert mail["receivedDateTime"].is_sorted(descending=True)  # Graph's order, kept
    none = everything.frame("/me/messages", select="subject,isRead", backend="polars",
                            filter="receivedDateTime ge 2099-01-01T00:00:00Z")
    assert none.height == 0 and none.schema == {"subject": pl.String, "isRead": pl.Boolean}


def test_an_arrow_table_keeps_objects_as_structs_on_request(everything):
    table = everything.frame("/me/messages", select="subject,from,toRecipients", top=5,
                             backend="arrow", nested="struct")
    assert isinstance(table, pa.Table) and table.num_rows == 5
    assert table.schema.field("from").type == pa.struct(
        [("emailAddress", pa.struct([("name", pa.string()), ("address", pa.string())]))])
    assert pa.types.is_list(table.schema.field("toRecipients").type)


def test_event_start_and_end_are_utc_timestamps(everything):
    events = everything.frame("/me/calendarView", startDateTime="2026-11-01T00:00:00Z",
                              endDateTime="2026-12-01T00:00:00Z", backend="arrow")
    assert events.schema.field("start.dateTime").type == UTC_US
    assert events.schema.field("reminderMinutesBeforeStart").type == pa.int64()
    starts, ends = events["start.dateTime"].to_pylist(), events["end.dateTime"].to_pylist()
    assert all(end > start for start, end in zip(starts, ends, strict=True))
    assert events.schema.field("responseStatus.time").type == UTC_US


def test_a_drive_listing_and_chats(everything):
    drive = everything.frame("/me/drive/root/children", backend="polars")
    assert drive.schema["size"] == pl.Int64
    assert drive.schema["fileSystemInfo.lastModifiedDateTime"] == pl.Datetime("us", "UTC")
    chats = everything.frame("/me/chats", backend="polars")
    assert chats.schema["lastUpdatedDateTime"] == pl.Datetime("us", "UTC")


def test_windows_zone_names_are_read_through_the_zone_map():
    table = page_table([
        {"id": "1", "start": {"dateTime": "2026-11-20T09:00:00.0000000",
                              "timeZone": "Pacific Standard Time"}},
        {"id": "2", "start": {"dateTime": "2026-07-01T09:00:00.1234567",
                              "timeZone": "W. Europe Standard Time"}},
        {"id": "3", "start": {"dateTime": "2026-07-01T09:00:00", "timeZone": "UTC"}},
    ], EVENT)
    assert table["start.dateTime"].to_pylist() == [
        datetime(2026, 11, 20, 17, tzinfo=UTC), datetime(2026, 7, 1, 7, 0, 0, 123456, tzinfo=UTC),
        datetime(2026, 7, 1, 9, tzinfo=UTC)]
    assert table["start.timeZone"].to_pylist()[0] == "Pacific Standard Time"
    kept = page_table([{"id": "1", "start": {"dateTime": "2026-11-20T09:00:00",
                                             "timeZone": "UTC"}}], EVENT, nested="struct")
    assert kept["start"].to_pylist() == [{"dateTime": "2026-11-20T09:00:00", "timeZone": "UTC"}]


def test_pages_whose_columns_differ_give_one_schema():
    first = page_table([{"id": "a", "isRead": None, "size": 1}], MESSAGE)  # null everywhere
    assert first.schema.field("isRead").type == pa.bool_()  # typed from the schema already
    second = page_table([{"id": "b", "isRead": True, "size": 2.5, "flag": {"flagStatus": "x"},
                          "@microsoft.graph.newThing": "kept"}], MESSAGE)
    both = combine([first, second])
    assert both.schema.field("isRead").type == pa.bool_()
    assert both.schema.field("size").type == pa.float64()  # int and float: promoted
    assert both.column_names == ["id", "isRead", "size", "flag.flagStatus",
                                 "@microsoft.graph.newThing"]  # never dropped
    assert both["isRead"].to_pylist() == [None, True]
    assert both["@microsoft.graph.newThing"].to_pylist() == [None, "kept"]


def test_an_empty_result_keeps_the_selected_columns_typed():
    empty = page_table([], MESSAGE, select=["subject", "receivedDateTime", "from", "isRead"])
    assert empty.num_rows == 0
    assert dict(zip(empty.column_names, empty.schema.types, strict=True)) == {
        "subject": pa.string(), "receivedDateTime": UTC_US,
        "from.emailAddress.name": pa.string(), "from.emailAddress.address": pa.string(),
        "isRead": pa.bool_()}


def test_graph_unset_dates_and_annotations():
    table = page_table([{"@odata.etag": 'W/"1"', "id": "1",
                         "responseStatus": {"response": "none", "time": "0001-01-01T00:00:00Z"},
                         "attachments@odata.context": "https://x", "lastSeenDateTime": "soon"}],
                       EVENT)
    assert table.column_names == ["id", "responseStatus.response", "responseStatus.time",
                                  "lastSeenDateTime"]
    assert table["responseStatus.time"].to_pylist() == [None]
    assert table["lastSeenDateTime"].to_pylist() == ["soon"]  # not a date after all: text


def test_a_backend_that_does_not_exist_is_refused_with_the_nearest(emu, graph):
    with pytest.raises(ConfigurationError, match="did you mean 'polars'"):
        graph.frame("/me/messages", backend="polar")
    with pytest.raises(ConfigurationError, match="needs backend='arrow' or backend='polars'"):
        graph.frame("/me/messages", nested="struct")
    assert emu.count("graph") == 0
    assert isinstance(an.graph(backend="arrow").frame("/me/messages", top=3), pa.Table)
    assert an.graph(backend="arrow") is an.graph(backend="arrow")  # kept, as an.graph() is
