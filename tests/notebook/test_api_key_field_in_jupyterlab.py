"""The masked API-key field as a person sees it: JupyterLab in a real Chromium.

``%authsome login openai`` shows a password field (dots, never the characters); typing a key
and pressing Save replaces the field, in place, with the connection's card; nothing on the
page holds the key afterwards.  ``%authsome providers`` lists the catalogue by kind.
Screenshots are kept with the test's files; ``AUTHSOME_NB_UPDATE_SCREENSHOTS=1`` also writes
them to ``docs/notebook-api-key-*.png``.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "jupyter"))

from authsome_nb_emulator import Emulator  # noqa: E402
from jupyter_process import (  # noqa: E402
    JupyterProcess,
    fresh_labextension_args,
    open_in_lab,
    write_notebook,
)
from loopback_browser import loopback_browser, require_chromium  # noqa: E402
from test_widgets_in_jupyterlab import _shot  # noqa: E402  # notebook-*.png, kept in docs/

from authsome_nb._session import Session  # noqa: E402

playwright_api = pytest.importorskip("playwright.sync_api")

CELLS = ["%load_ext authsome_nb", "%authsome login openai", "%authsome providers"]


@pytest.fixture
def lab(tmp_path):
    require_chromium()
    home = tmp_path / "home"
    write_notebook(tmp_path / "notebooks", "keys.ipynb", CELLS)
    with Emulator() as emu:
        emu.write_provider_override(home)
        server = JupyterProcess(tmp_path, home, app="jupyterlab", env=emu.environ(home),
                                extra_args=fresh_labextension_args(tmp_path))
        try:
            yield server
        finally:
            server.stop()


def test_a_person_pastes_a_key_into_the_masked_field_and_sees_the_card(lab, tmp_path):
    server = lab
    key = "sk-" + secrets.token_urlsafe(30)
    expect = playwright_api.expect
    expect.set_options(timeout=30_000)
    with loopback_browser(viewport={"width": 1100, "height": 900}) as browser:
        page = browser.context.new_page()
        cells = open_in_lab(page, server, "keys.ipynb")
        cells.first.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        page.keyboard.press("Shift+Enter")
        field = cells.nth(1).locator(".authsome-api-key-field")
        expect(field).to_contain_text("API key for OpenAI")
        password = field.locator("input[type=password]")
        password.fill(key)
        _shot(cells.nth(1), tmp_path, "api-key-field")
        field.get_by_role("button", name="Save").click()
        card = cells.nth(1).locator('.authsome-Card[data-key="openai/default"]')
        expect(card).to_contain_text("does not expire")  # the live card, once the page knows it
        expect(field).to_have_count(0)  # replaced in place: no widget left
        _shot(cells.nth(1), tmp_path, "api-key-card")

        cells.nth(2).locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        listing = cells.nth(2).locator(".jp-OutputArea-output")
        expect(listing).to_contain_text("OAuth 2.0 (40)")
        expect(listing).to_contain_text("API key (47)")
        page.set_viewport_size({"width": 1100, "height": 600})
        cells.nth(2).scroll_into_view_if_needed()
        _shot(page, tmp_path, "api-key-providers")
        assert key not in page.content()
    assert Session(server.home).token("openai").value == key
    assert not browser.blocked, f"the page tried to reach other hosts: {browser.blocked}"
