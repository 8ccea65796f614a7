"""``%authsome setup``: the seed's app-registration guide, filled in with this machine's values."""

from __future__ import annotations

import os

from authsome_nb._providers import load_provider
from authsome_nb.notebook.commands import setup_guide
from authsome_nb.notebook.setup_guide import build_guide


def test_the_guide_names_the_redirect_uris_public_client_flows_and_default_permissions(
        tmp_path, monkeypatch):
    monkeypatch.setenv("AUTHSOME_NB_HOME", str(tmp_path))
    monkeypatch.delenv("MICROSOFT_OAUTH_CLIENT_ID", raising=False)
    text = repr(setup_guide("microsoft"))
    for step in (
        "Accounts in any organizational directory and personal Microsoft accounts",
        "Add a platform → Mobile and desktop applications",
        "Check https://login.microsoftonline.com/common/oauth2/nativeclient",
        "Add the custom redirect URI http://localhost/callback: Microsoft matches it on any port",
        "Allow public client flows = Yes",
        "Delegated permissions (not Application permissions)",
        "For the default sign-in (%authsome login microsoft): User.Read, Mail.ReadWrite, "
        "Calendars.ReadWrite, Files.ReadWrite, Tasks.ReadWrite",
        "For --service teams: Chat.ReadWrite, ChannelMessage.Send, User.Read",
        "offline_access (the refresh token) is requested automatically",
        "%env MICROSOFT_OAUTH_CLIENT_ID=<Application (client) ID>",
        "No client id is configured here yet (MICROSOFT_OAUTH_CLIENT_ID is not set)",
        "AADSTS50011",
    ):
        assert step in text


def test_chosen_services_list_just_their_permissions_each_with_user_read(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTHSOME_NB_HOME", str(tmp_path))
    monkeypatch.setenv("MICROSOFT_OAUTH_CLIENT_ID", "11111111-2222-3333-4444-555555555555")
    text = repr(setup_guide("microsoft", ["outlook", "sharepoint"]))
    assert "For outlook: Mail.ReadWrite, Mail.Send, User.Read" in text
    assert "For sharepoint: Sites.ReadWrite.All, User.Read" in text
    assert "teams" not in text and "For the default sign-in" not in text
    assert "%authsome login microsoft --service outlook,sharepoint" in text
    assert "configured here already: 11111111-2222-3333-4444-555555555555" in text


def test_a_running_jupyter_servers_callback_is_listed_to_register(tmp_path, monkeypatch):
    from authsome_nb.flows.rendezvous import announce_server

    monkeypatch.setenv("AUTHSOME_NB_HOME", str(tmp_path))
    announce_server(tmp_path, "https://hub.example.org/user/ada/authsome/callback", pid=os.getpid())
    text = repr(setup_guide("microsoft"))
    assert "Add also https://hub.example.org/user/ada/authsome/callback" in text


def test_the_html_guide_marks_code_and_escapes_the_rest(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTHSOME_NB_HOME", str(tmp_path))
    html = setup_guide("microsoft")._repr_html_()
    assert "<code>http://localhost/callback</code>" in html
    assert "<code>%env MICROSOFT_OAUTH_CLIENT_ID=&lt;Application (client) ID&gt;</code>" in html


def test_the_github_guide_says_how_to_register_the_app_and_where_the_secret_goes(
        tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_OAUTH_CLIENT_ID", raising=False)
    guide = repr(build_guide(load_provider("github", tmp_path), home=tmp_path))
    assert "https://github.com/settings/applications/new" in guide
    assert "Enable Device Flow" in guide and "http://localhost/callback" in guide
    assert "GITHUB_OAUTH_CLIENT_SECRET" in guide and "encrypted store" in guide
    assert "Without a secret the sign-in uses a device code" in guide
    assert "%authsome login github asks for repo, read:user" in guide


def test_the_google_guide_asks_for_the_secret_for_both_flows(tmp_path):
    guide = repr(build_guide(load_provider("google", tmp_path), ["drive"], home=tmp_path))
    assert "Desktop app" in guide and "the browser sign-in and the device code" in guide
    assert "%authsome login google --service drive" in guide
