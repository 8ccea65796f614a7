"""Python keywords become OData query options; paths resolve against the API base."""

from __future__ import annotations

from datetime import UTC, datetime

from authsome_nb._graph._odata import (
    batch_url,
    needs_eventual_consistency,
    query_options,
    resolve_url,
)

BASE = "https://graph.microsoft.com/v1.0"


def test_keywords_become_dollar_options_and_others_pass_through():
    query = query_options({"select": ["subject", "from"], "top": 50, "count": True,
                           "filter": None, "startDateTime": "2026-11-01T00:00:00Z"})
    assert query == {"$select": "subject,from", "$top": "50", "$count": "true",
                     "startDateTime": "2026-11-01T00:00:00Z"}


def test_search_is_quoted_as_graph_requires_unless_already_quoted():
    assert query_options({"search": "budget"}) == {"$search": '"budget"'}
    assert query_options({"search": '"displayName:wa"'}) == {"$search": '"displayName:wa"'}


def test_aware_datetimes_are_sent_in_utc():
    when = datetime(2026, 11, 1, 12, 30, tzinfo=UTC)
    assert query_options({"startDateTime": when}) == {"startDateTime": "2026-11-01T12:30:00Z"}


def test_count_and_search_ask_for_eventual_consistency():
    assert needs_eventual_consistency(BASE + "/users", {"$count": "true"})
    assert needs_eventual_consistency(BASE + "/users?$search=%22a%22")
    assert needs_eventual_consistency(BASE + "/users/$count")
    assert not needs_eventual_consistency(BASE + "/me/messages", {"$top": "5"})


def test_paths_resolve_under_the_api_base_or_a_version_root():
    assert resolve_url("/me/messages", BASE) == BASE + "/me/messages"
    assert resolve_url("me", BASE) == BASE + "/me"
    assert resolve_url("/beta/me", BASE) == "https://graph.microsoft.com/beta/me"
    assert resolve_url("https://other.example/x", BASE) == "https://other.example/x"


def test_batch_urls_are_relative_to_the_version_root():
    assert batch_url("/me/messages?$top=5", BASE) == "/me/messages?$top=5"
    assert batch_url(BASE + "/me/events", BASE) == "/me/events"
    assert batch_url("/v1.0/me", BASE) == "/me"


def test_one_plan_for_every_collection_call():
    from authsome_nb._graph._options import plan

    planned = plan("/me/calendarView", BASE, {
        "select": ["subject"], "top": 20, "page_size": 5, "startDateTime": "2026-11-01",
        "params": {"$expand": "attachments"}, "progress": False})
    assert planned.url == BASE + "/me/calendarView"
    assert planned.query == {"$select": "subject", "startDateTime": "2026-11-01",
                             "$expand": "attachments"}
    assert (planned.rows, planned.page_size, planned.progress) == (20, 5, False)
    assert planned.select == ("subject",)


def test_a_top_written_in_the_path_is_rows_and_a_next_link_is_left_alone():
    from authsome_nb._graph._options import plan

    written = plan("/me/messages?$top=5&$filter=isRead eq false", BASE, {})
    assert written.rows == 5 and "$top" not in written.url
    assert written.url == BASE + "/me/messages?$filter=isRead%20eq%20false"
    link = BASE + "/me/messages?$top=10&$skiptoken=abc"
    assert plan(link, BASE, {}).url == link and plan(link, BASE, {}).continuation


def test_the_page_size_table_knows_outlook_and_the_directory_only():
    from authsome_nb._graph._page_sizes import family_of, touches_mailbox

    assert family_of(BASE + "/me/messages").max_page == 1000
    assert family_of(BASE + "/me/mailFolders/inbox/messages?$top=3").skip_and_count
    assert family_of(BASE + "/users").max_page == 999
    assert not family_of(BASE + "/users").skip_and_count
    assert family_of(BASE + "/me/mailFolders/inbox").max_page is None  # one folder, not a list
    assert family_of(BASE + "/me/drive/root/children").max_page is None  # undocumented bound
    assert family_of(BASE + "/me/mailFolders/inbox/messages/delta").delta_page == 1000
    assert touches_mailbox(BASE + "/me/messages/AAMk1") and not touches_mailbox(BASE + "/me")
