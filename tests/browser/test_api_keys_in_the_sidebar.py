"""An API-key connection in JupyterLab's Connections sidebar, in a real Chromium: listed as an
API key (no account, no expiry, never the key) and signed out from there."""

from __future__ import annotations

import secrets

from test_lab_extension import _shot, built_extension, lab, page, playwright_api  # noqa: F401

from authsome_nb._session import Session


def test_an_api_key_connection_is_listed_sensibly_and_signs_out(lab, page, tmp_path):  # noqa: F811
    _, server = lab
    key = "sk-" + secrets.token_urlsafe(30)
    Session(server.home).login("openai", api_key=key, on_event=lambda e: None)
    expect = playwright_api.expect
    page.locator('.jp-SideBar [data-id="authsome-nb-connections"]').click()
    panel = page.locator("#authsome-nb-connections")
    card = panel.locator('.authsome-Connection[data-key="openai/default"]')
    expect(card).to_contain_text("none: an API key")
    expect(card).to_contain_text("does not expire")
    assert key not in page.content()
    _shot(page, tmp_path, "api-key-connection")

    card.get_by_role("button", name="Sign out").click()
    page.locator(".jp-Dialog").get_by_role("button", name="Sign out").click()
    expect(card).to_have_count(0)
    assert Session(server.home).connections("openai") == []
