"""The $filter compiler on its own: what Graph clients send, and Graph-like refusals."""

from __future__ import annotations

import pytest
from authsome_nb_emulator._filter import FilterError, compile_filter

MESSAGE = {
    "subject": "Q4 budget: next steps", "isRead": False, "importance": "high", "size": 3,
    "from": {"emailAddress": {"address": "AlexW@contoso.example"}},
    "categories": ["Red category"], "receivedDateTime": "2026-05-01T10:00:00Z",
    "start": {"dateTime": "2026-05-01T10:00:00.0000000", "timeZone": "UTC"},
    "toRecipients": [{"emailAddress": {"address": "adelev@contoso.example"}}],
}


@pytest.mark.parametrize("text", [
    "subject eq 'q4 BUDGET: next steps'",
    "isRead eq false and importance eq 'high'",
    "(size gt 2 or size lt 0) and not isRead",
    "from/emailAddress/address eq 'alexw@contoso.example'",
    "contains(subject, 'budget') and startswith(subject, 'Q4') and endswith(subject, 'steps')",
    "categories/any(c:c eq 'red category')",
    "toRecipients/any(r:r/emailAddress/address eq 'AdeleV@contoso.example')",
    "receivedDateTime ge 2026-01-01T00:00:00Z and receivedDateTime lt 2026-06-01",
    "start/dateTime gt 2026-04-30T00:00:00Z",
    "importance in ('low', 'high')",
    "size eq 3.0 and subject ne null and tolower(subject) eq 'q4 budget: next steps'",
    "subject eq 'it''s' or size le 3",
])
def test_matching_filters(text: str) -> None:
    assert compile_filter(text)(MESSAGE) is True


@pytest.mark.parametrize("text", [
    "isRead", "importance eq 'low'", "receivedDateTime lt 2026-01-01",
    "categories/all(c:c eq 'blue category')", "missing/path eq 'x'",
])
def test_non_matching_filters(text: str) -> None:
    assert compile_filter(text)(MESSAGE) is False


@pytest.mark.parametrize("text", [
    "subject eq", "subject 'x'", "nosuch(subject)", "subject eq 'unterminated",
    "(isRead eq true", "contains(subject)", "subject eq 2026-13-45T00:00:00Z",
])
def test_malformed_filters_are_refused(text: str) -> None:
    with pytest.raises(FilterError):
        compile_filter(text)
