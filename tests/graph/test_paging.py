"""Collections page by page: to the end, to max_items, with $select, streamed or as a frame."""

from __future__ import annotations

import math

import authsome_nb as an

MESSAGES = "/v1.0/me/messages"


def test_paging_follows_next_links_to_the_end(emu, graph):
    total = graph.get("/me/messages", count=True, top=1)["@odata.count"]
    emu.reset_counters()
    frame = graph.frame("/me/messages", top=25)
    assert len(frame) == total and frame["id"].is_unique
    assert emu.count("graph", path=MESSAGES) == math.ceil(total / 25)


def test_max_items_stops_fetching_once_reached(emu, graph):
    frame = graph.frame("/me/messages", top=10, max_items=37)
    assert len(frame) == 37
    assert emu.count("graph", path=MESSAGES) == 4  # 10 + 10 + 10 + 7 of the fourth page


def test_select_asks_graph_for_those_properties_only(emu, graph):
    frame = graph.frame("/me/messages", select=["subject", "from", "receivedDateTime"], top=50,
                        max_items=50)
    assert set(frame.columns) == {"id", "subject", "receivedDateTime", "from.emailAddress.name",
                                  "from.emailAddress.address"}
    assert "%24select=subject%2Cfrom%2CreceivedDateTime" in emu.requests[-1]["query"]


def test_an_empty_result_keeps_the_selected_columns(emu, graph):
    frame = graph.frame("/me/messages", select="subject,receivedDateTime",
                        filter="subject eq 'no such subject, ever'")
    assert len(frame) == 0 and list(frame.columns) == ["subject", "receivedDateTime"]


def test_pages_stream_and_stop_when_the_caller_stops(emu, graph):
    pages = graph.pages("/me/messages", top=10)
    first = next(pages)
    assert len(first) == 10 and isinstance(first[0], dict)
    pages.close()
    assert emu.count("graph", path=MESSAGES) == 1


def test_a_single_entity_is_a_dict_or_a_one_row_frame(emu, graph):
    me = graph.fetch("/me")
    assert isinstance(me, dict) and me["userPrincipalName"] == an.get().username
    assert "@odata.context" in graph.get("/me")
    row = graph.frame("/me", select="displayName,userPrincipalName")
    assert len(row) == 1 and row["userPrincipalName"][0] == me["userPrincipalName"]


def test_page_size_from_the_client_becomes_top(emu):
    with an.graph(page_size=40, progress=False) as graph:
        graph.frame("/me/messages", max_items=80)
    assert emu.count("graph", path=MESSAGES) == 2


def test_outside_a_kernel_a_multi_page_fetch_is_silent(emu, capfd):
    frame = an.graph().frame("/me/messages", top=10, max_items=45)
    assert len(frame) == 45
    assert capfd.readouterr() == ("", "")
