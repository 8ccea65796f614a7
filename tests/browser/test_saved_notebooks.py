"""A notebook saved without widget state, reopened in JupyterLab and Notebook 7 in Chromium.

Someone ran a notebook that signs in twice and lists the connections (nbclient, no widget
state saved: JupyterLab's default).  Opened again, in JupyterLab and in Notebook 7, its cards
show the accounts, with no "model not found"; signing out in the sidebar turns the notebook's
card to "signed out", and a sign-in or sign-out by another process reaches it within seconds.
And while a blocking sign-in waits, its Cancel button stops it (the busy kernel is
interrupted) and the cell ends calmly.  Where no extension runs (GitHub, nbviewer, nbconvert)
the saved card's static HTML says when, with the day and the kernel's zone; and a sign-in's
fresh card in Notebook 7 never claims "signed out" from the page's older list.

One Jupyter server and one Chromium for the module; screenshots go to the test's folder, and
with ``AUTHSOME_NB_UPDATE_SCREENSHOTS=1`` to ``docs/`` too.  Requests to non-loopback hosts
are blocked.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "jupyter"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "notebook"))

from authsome_nb_emulator import Emulator  # noqa: E402
from jupyter_process import ROOT, JupyterProcess, fresh_labextension_args  # noqa: E402
from loopback_browser import LoopbackBrowser, loopback_browser, require_chromium  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbconvert import HTMLExporter  # noqa: E402
from notebook_harness import kernel_env  # noqa: E402

from authsome_nb._session import Session  # noqa: E402

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
expect.set_options(timeout=30_000)

DOCS = ROOT / "docs"
SAVED_CELLS = [
    "%load_ext authsome_nb",
    "%authsome login microsoft  # Megan, the default connection",
    "%authsome login microsoft work --flow device",
    "%authsome list",
]
CANCEL_CELLS = ["%load_ext authsome_nb\n%authsome login microsoft later --flow device"]
FRESH_CELLS = ["%load_ext authsome_nb\n%authsome login microsoft fresh --flow device"]
KERNEL_ZONE = "Europe/Berlin"  # the saved cards say when in the zone of the kernel that ran them


@dataclass
class Reopened:
    emulator: Emulator
    server: JupyterProcess
    browser: LoopbackBrowser
    shots: Path

    def open(self, path: str):
        page = self.browser.context.new_page()
        page.set_default_timeout(60_000)
        # reset: a fresh JupyterLab workspace, not the tabs an earlier test left open
        page.goto(f"{self.server.url}{path}?reset&token={self.server.token}")
        return page

    def shot(self, locator, name: str) -> None:
        path = self.shots / f"{name}.png"
        locator.screenshot(path=str(path))
        if os.environ.get("AUTHSOME_NB_UPDATE_SCREENSHOTS") == "1":
            shutil.copyfile(path, DOCS / path.name)


def _notebook(cells: list[str]):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    return nb


@pytest.fixture(scope="module")
def reopened(tmp_path_factory):
    require_chromium()
    workdir = tmp_path_factory.mktemp("saved")
    home = workdir / "home"
    notebooks = workdir / "notebooks"
    notebooks.mkdir()
    with Emulator() as emu, pytest.MonkeyPatch.context() as monkeypatch:
        emu.write_provider_override(home)
        env = emu.environ(home)
        for name, value in env.items():  # this process signs in and out "elsewhere"
            monkeypatch.setenv(name, value)
        # Someone ran it: Megan by default, Adele as "work"; saved as JupyterLab does by default.
        saved = _notebook(SAVED_CELLS)
        emu.auto_approve_after, emu.auto_approve_user = 0, "megan"
        client = NotebookClient(saved, timeout=90, kernel_name="python3",
                                store_widget_state=False,
                                resources={"metadata": {"path": str(notebooks)}})
        with client.setup_kernel(env=kernel_env({**env, "TZ": KERNEL_ZONE})):
            for index, cell in enumerate(saved.cells):
                if cell.source.startswith("%authsome login microsoft work"):
                    emu.auto_approve_user = "adele"
                client.execute_cell(cell, index)
        nbformat.write(saved, str(notebooks / "shared.ipynb"))
        emu.auto_approve_after = None
        nbformat.write(_notebook(CANCEL_CELLS), str(notebooks / "cancel.ipynb"))
        nbformat.write(_notebook(FRESH_CELLS), str(notebooks / "fresh.ipynb"))

        server = JupyterProcess(workdir, home, app="jupyterlab", env=env,
                                extra_args=fresh_labextension_args(workdir))
        try:
            with loopback_browser(viewport={"width": 1200, "height": 900}) as browser:
                yield Reopened(emu, server, browser, workdir)
            assert not browser.blocked, f"the page tried to reach other hosts: {browser.blocked}"
        finally:
            server.stop()


def test_jupyterlab_shows_the_saved_cards_and_a_sidebar_sign_out_reaches_them(reopened):
    emu = reopened.emulator
    megan, adele = emu.user("megan"), emu.user("adele")
    page = reopened.open("lab/tree/shared.ipynb")
    notebook = page.locator(".jp-NotebookPanel")
    default = notebook.locator('.authsome-Card[data-key="microsoft/default"]')
    work = notebook.locator('.authsome-Card[data-key="microsoft/work"]')
    expect(default).to_contain_text(megan.display_name)
    expect(default).to_have_attribute("data-state", "signed in")
    expect(work).to_contain_text(adele.upn)
    expect(notebook.locator(".authsome-Table tr[data-key]")).to_have_count(2)
    expect(page.get_by_text("model not found")).to_have_count(0)
    # The status bar names the default connection, not the latest sign-in (Adele's).
    expect(page.locator(".authsome-Status")).to_have_text(f"{megan.upn} +1")
    reopened.shot(notebook.locator(".jp-Cell").nth(2), "notebook-reopened-card")

    page.locator('.jp-SideBar [data-id="authsome-nb-connections"]').click()
    sidebar = page.locator("#authsome-nb-connections")
    sidebar.locator('.authsome-Connection[data-key="microsoft/work"]').get_by_role(
        "button", name="Sign out").click()
    page.locator(".jp-Dialog").get_by_role("button", name="Sign out").click()
    expect(work).to_have_attribute("data-state", "signed out", timeout=10_000)
    expect(work).to_contain_text("%authsome login microsoft work")
    expect(notebook.locator(".authsome-Table tr[data-key]")).to_have_count(1)
    expect(default).to_have_attribute("data-state", "signed in")
    reopened.shot(page.locator(".lm-SplitPanel").first, "lab-card-after-sidebar-sign-out")
    assert [c.key for c in Session(reopened.server.home).connections()] == ["microsoft/default"]

    # Another process signs in and out: the server's change events reach the cards in seconds.
    elsewhere = Session(reopened.server.home)
    emu.auto_approve_after, emu.auto_approve_user = 0, "adele"
    try:
        elsewhere.login("microsoft", "work", flow="device", on_event=lambda e: None)
    finally:
        emu.auto_approve_after = None
    expect(work).to_have_attribute("data-state", "signed in", timeout=5_000)
    elsewhere.logout("microsoft", "work")
    expect(work).to_have_attribute("data-state", "signed out", timeout=5_000)
    page.close()


def test_notebook_7_shows_the_saved_cards(reopened):
    megan = reopened.emulator.user("megan")
    page = reopened.open("notebooks/shared.ipynb")
    default = page.locator('.authsome-Card[data-key="microsoft/default"]')
    expect(default).to_contain_text(megan.upn)
    expect(default).to_have_attribute("data-state", "signed in")
    expect(page.locator(".authsome-Table")).to_be_visible()
    expect(page.get_by_text("model not found")).to_have_count(0)
    reopened.shot(page.locator(".jp-Notebook"), "notebook7-reopened")
    page.close()


def test_cancel_stops_a_blocking_sign_in_and_the_cell_ends_calmly(reopened):
    emu = reopened.emulator
    page = reopened.open("lab/tree/cancel.ipynb")
    expect(page.locator(".jp-StatusBar-TextItem", has_text="| Idle")).to_be_visible()
    cell = page.locator(".jp-Notebook .jp-CodeCell").first
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+Enter")
    panel = cell.locator(".authsome-device-code")
    expect(panel.locator("[data-authsome-code]")).to_have_text(emu.wait_for_user_code(30))
    reopened.shot(cell, "notebook-blocking-sign-in-with-cancel")
    panel.locator("button.authsome-interrupt").click()
    output = cell.locator(".jp-OutputArea-output")
    expect(output).to_contain_text("Sign-in cancelled (microsoft/later): nothing was stored.")
    expect(cell.locator("[data-mime-type='application/vnd.jupyter.stderr']")).to_have_count(0)
    expect(page.locator(".jp-StatusBar-TextItem", has_text="| Idle")).to_be_visible()
    assert "microsoft/later" not in [c.key for c in Session(reopened.server.home).connections()]
    page.close()


def test_the_saved_cards_static_html_says_the_day_and_the_zone(reopened):
    """What GitHub, nbviewer or nbconvert show: the static HTML saved beside the card."""
    saved = nbformat.read(str(reopened.server.workdir / "notebooks" / "shared.ipynb"), 4)
    body, _ = HTMLExporter(template_name="basic").from_notebook_node(saved)
    page = reopened.browser.context.new_page()
    page.set_content(f"<!doctype html><html><body style='margin:16px'>{body}</body></html>")
    card = page.locator(".authsome-card[data-authsome-key='microsoft/default']").first
    expect(card).to_contain_text(reopened.emulator.user("megan").display_name)
    dated = r"\d{4}-\d\d-\d\d \d\d:\d\d CES?T"  # the kernel ran in Europe/Berlin
    expect(card).to_contain_text(re.compile(rf"as of {dated}"))
    expect(card).to_contain_text(re.compile(rf"expires in \d+ min \(at {dated}\)"))
    reopened.shot(card, "static-card-dated")
    page.close()


def _wait_for_idle_kernel(server: JupyterProcess, notebook: str, timeout: float = 60) -> None:
    """Until the page's kernel for ``notebook`` has started and is idle (the server knows)."""
    deadline = time.monotonic() + timeout
    with server.client() as http:
        while time.monotonic() < deadline:
            for session in http.get("api/sessions").json():
                if session["path"].endswith(notebook) and session["kernel"]["execution_state"] \
                        == "idle":
                    return
            time.sleep(0.2)
    raise AssertionError(f"no idle kernel for {notebook} within {timeout} s")


def test_notebook_7s_card_of_a_new_sign_in_never_says_signed_out(reopened):
    emu = reopened.emulator
    page = reopened.open("notebooks/fresh.ipynb")
    expect(page.locator(".jp-Notebook .jp-CodeCell").first).to_be_visible()
    page.evaluate("""() => {
        window.authsomeCardStates = [];
        new MutationObserver(() => {
            for (const card of document.querySelectorAll('.authsome-Card')) {
                const seen = window.authsomeCardStates, state = card.dataset.state || '';
                if (seen[seen.length - 1] !== state) seen.push(state);
            }
        }).observe(document.body, {subtree: true, childList: true, attributes: true,
                                   attributeFilter: ['data-state']});
    }""")
    emu.auto_approve_after, emu.auto_approve_user = 0, "adele"
    try:
        cell = page.locator(".jp-Notebook .jp-CodeCell").first
        _wait_for_idle_kernel(reopened.server, "fresh.ipynb")
        cell.locator(".jp-InputArea-editor").click()
        page.get_by_role("button", name="Run this cell and advance (Shift+Enter)").click()
        card = cell.locator('.authsome-Card[data-key="microsoft/fresh"]')
        expect(card).to_have_attribute("data-state", "signed in", timeout=60_000)
        expect(card.get_by_role("button", name="Sign out")).to_be_visible()
        states = page.evaluate("window.authsomeCardStates")
        assert states and "signed out" not in states, states
        reopened.shot(cell, "notebook7-first-card")
    finally:
        emu.auto_approve_after = None
        Session(reopened.server.home).logout("microsoft", "fresh")
    expect(card).to_have_attribute("data-state", "signed out", timeout=10_000)
    page.close()
