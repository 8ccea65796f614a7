"""The sign-in widgets as a person sees them: JupyterLab in a real Chromium, against the emulator.

A person runs ``%authsome login microsoft --flow device``: the device-code panel shows the
link and the code; Copy puts the code on the clipboard; the link opens a new tab where the
code is pasted and approved; the account card replaces the panel in the same output (our
extension's live card).  Then a PKCE sign-in: "Sign in with Microsoft" opens the sign-in page
in a new tab, the browser comes back to the kernel's loopback listener, and the second card
appears; its Sign out signs out everywhere.  Screenshots are kept with
the test's files; ``AUTHSOME_NB_UPDATE_SCREENSHOTS=1`` also writes them to
``docs/notebook-*.png``.

Chromium is Debian's (``dev.py`` installs it; no ``playwright install``), and every request
to a non-loopback host is blocked, so nothing leaves the machine.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "jupyter"))

from authsome_nb_emulator import Emulator  # noqa: E402
from jupyter_process import (  # noqa: E402
    ROOT,
    JupyterProcess,
    fresh_labextension_args,
    write_notebook,
)
from loopback_browser import loopback_browser, require_chromium  # noqa: E402

from authsome_nb.flows.rendezvous import registered_redirect_uris  # noqa: E402

playwright_api = pytest.importorskip("playwright.sync_api")

DOCS = ROOT / "docs"
CELLS = [
    "%load_ext authsome_nb",
    "%authsome login microsoft --flow device",
    "%authsome login microsoft --connection work --flow pkce",
]


@pytest.fixture
def lab(tmp_path):
    require_chromium()
    home = tmp_path / "home"
    write_notebook(tmp_path / "notebooks", "sign-in.ipynb", CELLS)
    with Emulator() as emu:
        emu.write_provider_override(home)
        server = JupyterProcess(tmp_path, home, app="jupyterlab", env=emu.environ(home),
                                extra_args=fresh_labextension_args(tmp_path))
        try:
            yield emu, server
        finally:
            server.stop()


@pytest.fixture
def page(lab):
    _, server = lab
    # The emulator's pages are served with its own CA: trusted here as a user's machine would.
    with loopback_browser(
        viewport={"width": 1100, "height": 900}, ignore_https_errors=True
    ) as browser:
        browser.context.grant_permissions(
            ["clipboard-read", "clipboard-write"],
            origin=server.url.replace("//127.0.0.1:", "//localhost:"),
        )
        page = browser.context.new_page()
        page.set_default_timeout(60_000)
        # As Jupyter's own link says "localhost": the server's OAuth callback (PKCE below) is
        # announced on localhost, and Jupyter's cookie must be valid there.
        url = server.url.replace("//127.0.0.1:", "//localhost:")
        page.goto(f"{url}lab/tree/sign-in.ipynb?token={server.token}")
        yield page
    assert not browser.blocked, f"the page tried to reach other hosts: {browser.blocked}"


def _shot(locator, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"notebook-{name}.png"
    locator.screenshot(path=str(path))
    if os.environ.get("AUTHSOME_NB_UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(path, DOCS / path.name)
    return path


def test_a_person_signs_in_with_a_device_code_then_with_pkce_in_jupyterlab(lab, page, tmp_path):
    emu, server = lab
    home = server.home
    expect = playwright_api.expect
    expect.set_options(timeout=30_000)
    expect(page.locator(".jp-StatusBar-TextItem", has_text="| Idle")).to_be_visible()
    cells = page.locator(".jp-Notebook .jp-CodeCell")
    cells.first.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")

    # The device-code panel: where to go, the code, a countdown, the state.
    device_cell = cells.nth(1)
    panel = device_cell.locator(".authsome-device-code")
    code = panel.locator("[data-authsome-code]")
    expect(code).to_have_text(emu.wait_for_user_code(30))
    user_code = code.inner_text()
    expect(panel).to_contain_text("waiting")
    expect(panel).to_contain_text("Code expires in")
    _shot(device_cell, tmp_path, "device-code")
    panel.get_by_role("button", name="Copy").click()
    expect(panel.get_by_role("button", name="Copied")).to_be_visible()

    # The link opens a new tab of this browser; the person pastes the code and approves.
    link = panel.locator(f"a[href='{emu.url}/devicelogin']")
    expect(link).to_have_attribute("target", "_blank")
    with page.context.expect_page() as opened:
        link.click()
    tab = opened.value
    tab.locator("input[name=otc]").click()
    tab.keyboard.press("Control+V")  # what Copy put on the clipboard
    expect(tab.locator("input[name=otc]")).to_have_value(user_code)
    megan = emu.user("megan")
    tab.locator(f"input[name=user][value='{megan.upn}']").check()
    tab.get_by_role("button", name="Next").click()
    expect(tab.get_by_role("heading", name="You're signed in")).to_be_visible()
    tab.close()

    card = device_cell.locator('.authsome-Card[data-key="microsoft/default"]')
    for shown in (megan.display_name, megan.upn, megan.tenant_id, "Mail.ReadWrite", "expires in"):
        expect(card).to_contain_text(shown)
    expect(panel).to_have_count(0)  # replaced, code and all
    expect(device_cell.get_by_text(user_code)).to_have_count(0)
    _shot(device_cell, tmp_path, "account-card")

    # PKCE: the sign-in button is a link that opens the sign-in page in a new tab.  The browser
    # comes back to the kernel's loopback listener, or through the Jupyter server's callback
    # when the server announced one (registered as `%authsome setup microsoft` says).
    for uri in registered_redirect_uris(home):
        emu.register_redirect_uri(uri)
    pkce_cell = cells.nth(2)
    pkce_cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    button = pkce_cell.locator(".authsome-authorize-link a")
    expect(button).to_have_text("Sign in with Microsoft ↗")
    expect(button).to_have_attribute("target", "_blank")
    _shot(pkce_cell, tmp_path, "pkce-link")
    with page.context.expect_page() as opened:
        button.click()
    tab = opened.value
    adele = emu.user("adele")
    tab.locator(f"input[name=user][value='{adele.upn}']").check()
    tab.get_by_role("button", name="Accept").click()
    expect(pkce_cell.locator(".authsome-Card")).to_contain_text(adele.upn)
    tab.wait_for_load_state()  # the callback's own page, before the tab goes
    assert re.match(r"http://localhost:\d+/(authsome/)?callback", tab.url), tab.url  # came back
    tab.close()
    expect(pkce_cell.locator(".authsome-pkce")).to_have_count(0)
    expect(pkce_cell.locator("a[href*='code_challenge']")).to_have_count(0)  # the link is gone

    card.get_by_role("button", name="Sign out").click()
    page.locator(".jp-Dialog").get_by_role("button", name="Sign out").click()
    expect(card).to_have_attribute("data-state", "signed out")
    expect(card.get_by_role("button", name="Sign out")).to_have_count(0)
