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
