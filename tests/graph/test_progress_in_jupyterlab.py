"""Graph progress as a person sees it: JupyterLab in a real Chromium, a slow emulator mailbox.

With ``@odata.count`` there is a bar and "Fetching 1200 of 3000 items"; without a count (a
``$search``) there is no bar to fill, only the count so far; both end as one line of text.
Screenshots are kept with the test's files; ``AUTHSOME_NB_UPDATE_SCREENSHOTS=1`` also writes
them to ``docs/graph-progress-*.png``.
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
from jupyter_process import ROOT, JupyterProcess, open_in_lab, write_notebook  # noqa: E402
from loopback_browser import loopback_browser, require_chromium  # noqa: E402

playwright_api = pytest.importorskip("playwright.sync_api")

CELLS = [
    "import authsome_nb as an\nan.login(flow='device', on_event=lambda event: None)",
    "mail = an.graph().frame('/me/messages', select=['subject'], page_size=100)",
    "found = an.graph().frame('/me/messages', search='Adele', select=['subject'], page_size=100)",
]


@pytest.fixture
def lab(tmp_path):
    require_chromium()
    home = tmp_path / "home"
    write_notebook(tmp_path / "notebooks", "progress.ipynb", CELLS)
    with Emulator(auto_approve_after=0, messages_per_user=3000) as emu:
        emu.write_provider_override(home)
        server = JupyterProcess(tmp_path, home, app="jupyterlab", env=emu.environ(home))
        try:
            yield emu, server
        finally:
            server.stop()


def _shot(locator, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"graph-progress-{name}.png"
    locator.screenshot(path=str(path))
    if os.environ.get("AUTHSOME_NB_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(path, ROOT / "docs" / path.name)


def test_a_bar_when_graph_counts_only_a_count_when_it_does_not(lab, tmp_path):
    emu, server = lab
    expect = playwright_api.expect
    expect.set_options(timeout=60_000)
    with loopback_browser(viewport={"width": 1000, "height": 700}) as browser:
        page = browser.context.new_page()
        cells = open_in_lab(page, server, "progress.ipynb")
        cells.first.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        expect(cells.first.locator(".jp-InputPrompt")).to_have_text("[1]:")
        emu.graph_latency = 0.25  # a mailbox a quarter of a second away

        counted = cells.nth(1)
        page.keyboard.press("Shift+Enter")
        expect(counted.locator("div.widget-label")).to_contain_text(
            re.compile(r"Fetching 1[2-9]00 of 3000 items \(1[2-9] pages\)"))
        expect(counted.locator(".widget-hprogress")).to_be_visible()
        _shot(counted, tmp_path, "counted")
        expect(counted.locator(".jp-OutputArea-output")).to_have_text(
            "Fetched 3000 items (30 pages) from /me/messages")

        uncounted = cells.nth(2)
        page.keyboard.press("Shift+Enter")
        expect(uncounted.locator("div.widget-label")).to_contain_text(
            re.compile(r"Fetching 1[2-9]00 items so far \(1[2-9] pages\)"))
        expect(uncounted.locator(".widget-hprogress")).to_have_count(0)  # nothing to fill
        _shot(uncounted, tmp_path, "uncounted")
        expect(uncounted.locator(".jp-OutputArea-output")).to_have_text(
            "Fetched 3000 items (30 pages) from /me/messages", timeout=120_000)
        _shot(page.locator(".jp-Notebook"), tmp_path, "done")
    assert not browser.blocked, browser.blocked
    assert emu.mailbox_stats["refused"] == 0
