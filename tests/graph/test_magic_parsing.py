"""What the magics accept, and the one-line UsageError for what they don't."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError

from authsome_nb.notebook.graph_magics import parse_graph_cell, parse_graph_line


def test_a_line_with_options_and_a_filter_with_spaces():
    path, args = parse_graph_line(
        "GET /me/messages?$filter=isRead eq false --select subject,from --top 50 --max 200")
    assert path == "/me/messages?$filter=isRead eq false"
    assert (args.select, args.top, args.max_items) == ("subject,from", 50, 200)
    assert args.connection is None
    path, args = parse_graph_line("/me --connection work")
    assert path == "/me" and args.connection == "work"


@pytest.mark.parametrize(("line", "says"), [
    ("", "Which Graph path"),
    ("me/messages", "start it with '/'"),
    ("POST /me/sendMail", "use the %%graph cell magic"),
    ("/me --top many", "not a whole number"),
    ("/me --top 0", "at least 1"),
    ("/me --colour red", "unrecognized arguments"),
    ("FETCH /me", "not an HTTP method"),
])
def test_bad_lines_are_one_short_usage_error(line, says):
    with pytest.raises(UsageError) as caught:
        parse_graph_line(line)
    assert says in str(caught.value) and "\n" not in str(caught.value)


def test_a_cell_is_a_request_line_then_an_optional_json_body():
    assert parse_graph_cell("\n# mail\nGET /me/messages?$top=5\n") == (
        "GET", "/me/messages?$top=5", None)
    method, path, body = parse_graph_cell('POST /me/events\n{"subject": "Planning"}\n')
    assert (method, path, body) == ("POST", "/me/events", {"subject": "Planning"})


def test_a_broken_body_names_the_line_of_the_cell():
    with pytest.raises(UsageError, match=r"not JSON: .*line 3 of the cell"):
        parse_graph_cell('POST /me/events\n{"subject": "x",\n "end": }\n')
    with pytest.raises(UsageError, match="GET takes no body"):
        parse_graph_cell('GET /me\n{"a": 1}')


def test_a_sync_line_takes_a_path_its_options_and_reset_or_forget():
    path, args = parse_graph_line(
        "/me/mailFolders/inbox/messages --select subject,isRead --reset --page-size 200",
        parser="_sync")
    assert path == "/me/mailFolders/inbox/messages"
    assert (args.select, args.reset, args.forget, args.page_size) == ("subject,isRead", True,
                                                                      False, 200)
    with pytest.raises(UsageError, match="unrecognized arguments: --top"):
        parse_graph_line("/me/mailFolders/inbox/messages --top 5", parser="_sync")


@pytest.mark.parametrize(("line", "cell", "says"), [
    ("--sync", "POST /me/sendMail\n{}", "--sync keeps a whole collection current"),
    ("--sync --top 5", "GET /me/mailFolders/inbox/messages", "no --top"),
    ("--top 3 --max 4", "GET /me/messages", "disagree"),
])
def test_cell_options_that_cannot_go_together(line, cell, says):
    from authsome_nb.notebook.graph_magics import run_graph_cell

    with pytest.raises(UsageError, match=says):
        run_graph_cell(line, cell)
