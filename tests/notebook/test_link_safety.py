"""Only an http(s) URL becomes a link in a widget: a javascript: or data: one — from a hostile
server, or a definition gone wrong — is shown as inert text (the audit's low finding)."""

from __future__ import annotations

import re
import time

import pytest

from authsome_nb.events import AuthorizeUrl, DeviceCode
from authsome_nb.notebook._html import button_link, link
from authsome_nb.notebook.widgets import DeviceCodePanel
from authsome_nb.notebook.widgets.authorize_link import AuthorizeLinkPanel

HOSTILE = ["javascript:alert(document.cookie)", "JavaScript:alert(1)", " javascript:alert(1)",
           "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "//evil.example/x"]


def hrefs(html: str) -> list[str]:
    return re.findall(r"href='([^']*)'", html)


@pytest.mark.parametrize("url", HOSTILE)
def test_a_device_code_panel_never_makes_a_hostile_page_clickable(url):
    code = DeviceCode(user_code="ABCD-1234", verification_uri=url, message="",
                      expires_at=time.time() + 600, interval=5)
    panel = DeviceCodePanel(code)
    try:
        html = panel._where.value
        assert hrefs(html) == [] and "<a " not in html
        assert "<code>" in html  # still said, as text, so nothing is hidden from the user
    finally:
        panel.close()


@pytest.mark.parametrize("url", HOSTILE)
def test_a_sign_in_button_is_not_offered_for_a_hostile_link(url):
    event = AuthorizeUrl(url=url, redirect_uri="http://localhost:1/callback", opened_browser=False)
    panel = AuthorizeLinkPanel(event, display_name="Acme")
    try:
        assert "<a " not in panel._button.value and "not a web address" in panel._button.value
    finally:
        panel.close()


def test_web_links_stay_links_and_are_escaped():
    assert hrefs(link("https://id.example/device?x=1&y='2'")) == [
        "https://id.example/device?x=1&amp;y=&#x27;2&#x27;"]
    assert hrefs(button_link("http://localhost:8/auth", "Sign in")) == ["http://localhost:8/auth"]
