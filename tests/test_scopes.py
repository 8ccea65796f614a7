"""Scopes: defaults, custom scopes and presets merge with User.Read; reserved ones dropped."""

from __future__ import annotations

import pytest

from authsome_nb._providers import load_provider, resolve_scopes
from authsome_nb._scopes import covers
from authsome_nb.errors import ConfigurationError


@pytest.fixture
def microsoft(tmp_path):
    return load_provider("microsoft", tmp_path)


def test_defaults_without_the_reserved_scopes(microsoft):
    assert resolve_scopes(microsoft) == (
        "User.Read",
        "Mail.ReadWrite",
        "Calendars.ReadWrite",
        "Files.ReadWrite",
        "Tasks.ReadWrite",
    )


def test_services_merge_with_user_read(microsoft):
    assert resolve_scopes(microsoft, services="outlook,teams") == (
        "User.Read",
        "Mail.ReadWrite",
        "Mail.Send",
        "Chat.ReadWrite",
        "ChannelMessage.Send",
    )


def test_custom_scopes_merge_and_dedupe_case_insensitively(microsoft):
    got = resolve_scopes(
        microsoft,
        scopes=["offline_access", "https://graph.microsoft.com/user.read", "Sites.Read.All"],
        services=["sharepoint"],
    )
    assert got == ("User.Read", "Sites.ReadWrite.All", "Sites.Read.All")


def test_unknown_service_lists_the_known_ones(microsoft):
    with pytest.raises(ConfigurationError, match="Unknown service 'outlok'") as caught:
        resolve_scopes(microsoft, services="outlok")
    assert "outlook" in str(caught.value) and "teams" in str(caught.value)


def test_covers_ignores_case_prefix_and_reserved_scopes():
    assert covers(
        ["User.Read", "Mail.Read"], ["https://graph.microsoft.com/mail.read", "offline_access"]
    )
    assert not covers(["User.Read"], ["Mail.Read"])
