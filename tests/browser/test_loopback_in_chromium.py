"""A real Chromium signs in with PKCE and comes back to the kernel's loopback listener, while
other connections sit idle on it: the page a person sees, and that it arrives at once.

``AUTHSOME_NB_UPDATE_SCREENSHOTS=1`` also writes the page to ``docs/loopback-signed-in.png``.
"""

from __future__ import annotations

import os
import queue
import shutil
import socket
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "jupyter"))

from loopback_browser import loopback_browser, require_chromium  # noqa: E402

import authsome_nb as an  # noqa: E402

pytest.importorskip("playwright.sync_api")
DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_chromium_lands_on_the_listener_past_idle_connections(authsome_env, tmp_path):
    require_chromium()
    emu = authsome_env
    urls: queue.Queue[str] = queue.Queue()
    outcome: dict = {}

    def sign_in() -> None:
        try:
            outcome["connection"] = an.login(flow="pkce", open_browser=urls.put,
                                             on_event=lambda e: None, timeout=60)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertions below
            outcome["error"] = exc

    waiting = threading.Thread(target=sign_in)
    waiting.start()
    url = urls.get(timeout=30)
    redirect = urlsplit(parse_qs(urlsplit(url).query)["redirect_uri"][0])
    idle = [socket.create_connection(("127.0.0.1", redirect.port)) for _ in range(8)]
    with loopback_browser(viewport={"width": 900, "height": 420},
                          ignore_https_errors=True) as browser:
        tab = browser.context.new_page()
        tab.goto(url)
        tab.locator(f"input[name=user][value='{emu.user('adele').upn}']").check()
        clicked = time.monotonic()
        tab.get_by_role("button", name="Accept").click()
        tab.wait_for_url(f"http://localhost:{redirect.port}/callback", timeout=10_000)
        landed = time.monotonic() - clicked
        assert "Sign-in received" in tab.locator("h1").inner_text()
        assert "code=" not in tab.url  # form_post: the code never sat in the address bar
        shot = tmp_path / "loopback-signed-in.png"
        tab.screenshot(path=str(shot))
    waiting.join(30)
    for sock in idle:
        sock.close()
    assert "error" not in outcome, outcome.get("error")
    assert outcome["connection"].username == emu.user("adele").upn
    assert landed < 5, f"the redirect took {landed:.1f} s behind idle connections"
    if os.environ.get("AUTHSOME_NB_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(shot, DOCS / shot.name)
