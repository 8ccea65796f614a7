"""A keyword that is neither an option nor a parameter Graph documents for the path is a typo:
refused before any request, with the nearest name."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError

from authsome_nb import ConfigurationError
from authsome_nb._graph._parameters import documented_for
from authsome_nb.notebook.graph_magics import parse_graph_line


@pytest.mark.parametrize(("call", "says"), [
    (lambda g: g.frame("/me/messages", selct="subject"), "did you mean select=?"),
    (lambda g: g.frame("/me/messages", Top=5), "did you mean top=?"),
    (lambda g: g.frame("/me/messages", startDateTime="2026-11-01"),
     "Graph documents it for other paths than /me/messages"),
    (lambda g: g.fetch("/me/calendarView", startDatetime="2026-11-01"),
     "did you mean startDateTime=?"),
    (lambda g: g.get("/me", selekt="displayName"), "did you mean select=?"),
    (lambda g: g.sync("/me/mailFolders/inbox/messages", selcet="subject"),
     "did you mean select=?"),
    (lambda g: g.to_parquet("/me/messages", "x.parquet", backend="arrow"), "no option backend"),
    (lambda g: next(g.items("/me/messages", colour="red")), "no option colour='red'"),
])
def test_a_mistyped_keyword_is_refused_before_any_request(emu, graph, call, says):
    with pytest.raises(ConfigurationError) as refused:
        call(graph)
    assert says in refused.value.message
    assert "params={" in refused.value.remedy
    assert emu.count("graph") == 0


def test_documented_parameters_and_params_still_reach_graph(emu, graph):
    events = graph.frame("/me/calendarView", startDateTime="2026-11-01T00:00:00Z",
                         endDateTime="2026-12-01T00:00:00Z", select="subject")
    assert len(events) > 0
    graph.frame("/me/messages", top=2, params={"$orderby": "subject"})
    assert "$orderby=subject" in emu.requests[-1]["query"].replace("%24", "$")
    folders = graph.frame("/me/mailFolders", includeHiddenFolders=True)
    assert "includeHiddenFolders=true" in emu.requests[-1]["query"]
    assert len(folders) > 0


def test_the_table_names_parameters_by_path():
    assert documented_for("/me/calendarView") == ("startDateTime", "endDateTime")
    assert documented_for("/users/abc/calendars/x/calendarView/delta") == (
        "startDateTime", "endDateTime")
    assert documented_for("/me/events/AAMk/instances") == ("startDateTime", "endDateTime")
    assert documented_for("/me/mailFolders/inbox/messages/delta") == ("changeType",)
    assert documented_for("/me/messages") == ()


@pytest.mark.parametrize(("line", "says"), [
    ("/me/messages --selct subject", "(--selct: did you mean --select?)"),
    ("/me/messages --top 5 --fliter x", "(--fliter: did you mean --filter?)"),
    ("/me/messages --backend polar", "invalid choice: 'polar'"),
])
def test_a_mistyped_flag_of_the_magic_names_the_nearest(line, says):
    with pytest.raises(UsageError) as refused:
        parse_graph_line(line)
    assert says in str(refused.value) and "\n" not in str(refused.value)
