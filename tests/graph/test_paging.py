"""Collections against the emulator: top is rows, full pages by default, page_size overrides."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

import authsome_nb as an
from authsome_nb import ConfigurationError

MESSAGES = "/v1.0/me/messages"


def _tops(emu, path=MESSAGES) -> list[str]:
    """The $top of every request to ``path`` ("-": none), in order."""
    return [parse_qs(r["query"]).get("$top", ["-"])[0] for r in emu.requests
            if r["path"] == path]


def test_top_is_a_number_of_rows_fetched_in_one_request_when_it_fits(emu, graph):
    frame = graph.frame("/me/messages", top=25)
    assert len(frame) == 25 and frame["id"].is_unique
    assert _tops(emu) == ["25"]
    assert len(graph.frame("/me/messages", max_items=7)) == 7  # the older name
    assert len(graph.frame("/me/messages?$top=3")) == 3  # as written in Graph Explorer


def test_without_top_every_row_comes_in_full_pages(emu, graph):
    total = graph.get("/me/messages", count=True, top=1)["@odata.count"]
    emu.reset_counters()
    frame = graph.frame("/me/messages")
    assert len(frame) == total == 120 and frame["id"].is_unique
    assert _tops(emu) == ["1000"]  # Outlook's largest page, so one request


def test_page_size_from_the_client_or_the_call_overrides_the_page(emu):
    with an.graph(page_size=40, progress=False) as graph:
        assert len(graph.frame("/me/messages", top=80)) == 80
        assert sorted(_tops(emu)) == ["40", "40"]
        emu.reset_counters()
        assert len(graph.frame("/me/messages", page_size=50)) == 120
        assert sorted(_tops(emu)) == ["20", "50", "50"]


def test_an_invalid_page_size_is_never_sent(emu, graph):
    with pytest.raises(ConfigurationError, match="more than Outlook mail allows"):
        graph.frame("/me/messages", page_size=5000)
    with pytest.raises(ConfigurationError, match="disagree"):
        graph.frame("/me/messages", top=10, max_items=20)
    with pytest.raises(ConfigurationError, match="whole number"):
        graph.frame("/me/messages", top="ten")
    assert emu.count("graph") == 0
    graph.frame("/me/todo/lists")  # not in the table: Graph's own default page, no $top
    assert _tops(emu, "/v1.0/me/todo/lists") == ["-"]
    with an.graph(page_size=5000, progress=False) as big:  # a client default is clamped
        big.frame("/me/messages", top=1200)
    assert "5000" not in _tops(emu)


def test_select_asks_graph_for_those_properties_only(emu, graph):
    frame = graph.frame("/me/messages", select=["subject", "from", "receivedDateTime"], top=50)
    assert set(frame.columns) == {"id", "subject", "receivedDateTime", "from.emailAddress.name",
                                  "from.emailAddress.address"}
    assert "%24select=subject%2Cfrom%2CreceivedDateTime" in emu.requests[-1]["query"]


def test_an_empty_result_keeps_the_selected_columns(emu, graph):
    frame = graph.frame("/me/messages", select="subject,receivedDateTime",
                        filter="subject eq 'no such subject, ever'")
    assert len(frame) == 0 and list(frame.columns) == ["subject", "receivedDateTime"]


def test_pages_stream_and_stop_when_the_caller_stops(emu, graph):
    pages = graph.pages("/me/messages", page_size=10, concurrency=1)
    first = next(pages)
    assert len(first) == 10 and isinstance(first[0], dict)
    pages.close()
    assert emu.count("graph", path=MESSAGES) == 1


def test_a_single_entity_is_a_dict_without_odata_context_or_a_one_row_frame(emu, graph):
    me = graph.fetch("/me")
    assert isinstance(me, dict) and me["userPrincipalName"] == an.get().username
    assert "@odata.context" not in me and "@odata.context" in graph.get("/me")
    row = graph.frame("/me", select="displayName,userPrincipalName")
    assert len(row) == 1 and row["userPrincipalName"][0] == me["userPrincipalName"]


def test_outside_a_kernel_a_multi_page_fetch_is_silent(emu, capfd):
    frame = an.graph().frame("/me/messages", top=45, page_size=10)
    assert len(frame) == 45
    assert capfd.readouterr() == ("", "")


def test_a_query_in_the_path_is_kept_beside_the_options(emu, graph):
    window = "startDateTime=2026-11-01T00:00:00Z&endDateTime=2026-12-01T00:00:00Z"
    events = graph.frame(f"/me/calendarView?{window}&$select=subject", page_size=5)
    assert len(events) > 5  # several pages, each one still within the window
    assert all("startDateTime=" in r["query"] for r in emu.requests)
