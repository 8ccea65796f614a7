"""to_parquet(): pages written as they arrive, typed, renamed into place only when complete."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

import authsome_nb as an
from authsome_nb import ConfigurationError, GraphError
from authsome_nb._graph import RetryPolicy

INBOX = "/me/mailFolders/inbox/messages"


def test_mail_is_written_a_row_group_per_page_and_read_back_typed(emu, graph, tmp_path):
    dest = tmp_path / "mail.parquet"
    written = graph.to_parquet("/me/messages", dest, page_size=25,
                               select="subject,from,receivedDateTime,isRead,categories")
    assert written == 120 and pq.ParquetFile(dest).metadata.num_row_groups == 120 // 25 + 1
    assert oct(dest.stat().st_mode & 0o777) == "0o600"  # it is someone's mail
    described = {row[0]: row[1] for row in
                 duckdb.sql(f"DESCRIBE SELECT * FROM '{dest}'").fetchall()}
    assert described["receivedDateTime"] == "TIMESTAMP WITH TIME ZONE"
    assert described["isRead"] == "BOOLEAN" and described["categories"] == "VARCHAR[]"
    assert described["from.emailAddress.address"] == "VARCHAR"
    newest = duckdb.sql(f"SELECT max(receivedDateTime) FROM '{dest}'").fetchall()[0][0]
    frame = graph.frame("/me/messages", select="receivedDateTime")
    assert newest == frame["receivedDateTime"].max().to_pydatetime()
    back = pl.read_parquet(dest)
    assert back.schema["receivedDateTime"] == pl.Datetime("us", "UTC") and back.height == 120


def test_top_is_honoured_and_an_existing_file_is_left_alone(emu, graph, tmp_path):
    dest = tmp_path / "few.parquet"
    assert graph.to_parquet("/me/messages", dest, top=7) == 7
    before = dest.read_bytes()
    with pytest.raises(ConfigurationError, match="already exists") as refused:
        graph.to_parquet("/me/messages", dest, top=3)
    assert "overwrite=True" in refused.value.remedy and dest.read_bytes() == before
    assert graph.to_parquet("/me/messages", dest, top=3, overwrite=True) == 3
    assert pq.read_metadata(dest).num_rows == 3


def test_a_missing_folder_is_named_before_any_request(emu, graph, tmp_path):
    missing = tmp_path / "not" / "there"
    with pytest.raises(ConfigurationError, match=str(missing)):
        graph.to_parquet("/me/messages", missing / "mail.parquet")
    assert emu.count("graph") == 0


def test_a_failure_half_way_leaves_no_file_and_says_how_far_it_got(emu, tmp_path):
    (tmp_path / "out").mkdir()
    dest = tmp_path / "out" / "mail.parquet"
    emu.configure(throttle_every=3, throttle_status=503)  # the third request fails
    graph = an.graph(progress=False, concurrency=1, retry=RetryPolicy(max_retries=0))
    with pytest.raises(GraphError) as failed:
        graph.to_parquet("/me/messages", dest, page_size=10)
    assert "20 rows had been written to a temporary file, now removed" in str(failed.value)
    assert not dest.exists() and os.listdir(dest.parent) == []


def test_an_empty_listing_writes_its_selected_columns(emu, graph, tmp_path):
    dest = tmp_path / "none.parquet"
    written = graph.to_parquet("/me/messages", dest, select="subject,receivedDateTime",
                               filter="receivedDateTime ge 2099-01-01T00:00:00Z")
    assert written == 0
    assert [(f.name, str(f.type)) for f in pq.read_schema(dest)] == [
        ("subject", "string"), ("receivedDateTime", "timestamp[us, tz=UTC]")]


def test_a_column_that_appears_in_a_later_page_widens_the_file(tmp_path):
    from authsome_nb._graph._arrow import page_table
    from authsome_nb._graph._parquet import write_tables

    pages = [page_table([{"id": "1", "subject": "a"}], None),
             page_table([{"id": "2", "subject": None, "size": 3}], None),
             page_table([{"id": "3", "size": 4.5}], None)]
    (tmp_path / "out").mkdir()
    dest = tmp_path / "out" / "wide.parquet"
    assert write_tables(dest, iter(pages), lambda: pages[0], {"path": "x"}) == 3
    table = pq.read_table(dest)
    assert table.column_names == ["id", "subject", "size"]
    assert table["size"].to_pylist() == [None, 3.0, 4.5] and str(table["size"].type) == "double"
    assert pq.ParquetFile(dest).metadata.num_row_groups == 3
    assert os.listdir(dest.parent) == ["wide.parquet"]  # the narrower part is gone


def test_sync_to_parquet_keeps_the_folder_current(emu, graph, tmp_path):
    dest = tmp_path / "inbox.parquet"
    first = graph.sync(INBOX, select="subject,isRead", to=dest)
    changed = emu.change_mailbox(add=4, delete=2)
    assert graph.sync(INBOX, select="subject,isRead", to=dest) == first + 2  # replaced: ours
    ids = {row[0] for row in duckdb.sql(f"SELECT id FROM '{dest}'").fetchall()}
    assert set(changed["added"]) <= ids and not set(changed["deleted"]) & ids
    assert graph.last_sync["removed"] == 2
    newest = {row[0] for row in duckdb.sql(f"SELECT id FROM '{dest}' LIMIT 4").fetchall()}
    assert newest == set(changed["added"])  # newest first, as Graph orders a folder
    foreign = tmp_path / "mine.parquet"
    foreign.write_bytes(b"PAR1 someone else's")
    with pytest.raises(ConfigurationError, match="already exists"):
        graph.sync(INBOX, select="subject,isRead", to=foreign)
    assert foreign.read_bytes() == b"PAR1 someone else's"
    assert Path(dest).exists()
