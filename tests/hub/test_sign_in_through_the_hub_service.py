"""PKCE for a second connection through the Hub's one callback, in a real Chromium.

Adele logs in to the Hub in her browser.  A notebook of Adele's signs in to
a connection with more scopes than the Hub asked for: her browser goes to the emulator's
sign-in page and comes back to ``/services/authsome/callback``, which checks with the Hub
who the browser is and hands the redirect to her kernel.  Her link opened in a browser
logged in to the Hub as Megan is refused, and ends that sign-in.
``AUTHSOME_NB_UPDATE_SCREENSHOTS=1`` also writes the pages to ``docs/hub-*.png``.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from hub_world import RunningHub, kernel_lines, running_hub

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "jupyter"))

from loopback_browser import loopback_browser, require_chromium  # noqa: E402

playwright_api = pytest.importorskip("playwright.sync_api")
DOCS = Path(__file__).resolve().parents[2] / "docs"

START_SIGN_IN = """
import threading, time, authsome_nb as an
urls, events, outcome = [], [], {{}}
def sign_in():
    try:
        outcome["connection"] = an.login("microsoft", {connection!r}, services=["outlook"],
                                         open_browser=urls.append, on_event=events.append,
                                         timeout=90)
    except an.AuthsomeError as exc:
        outcome["error"] = exc
worker = threading.Thread(target=sign_in)
worker.start()
for _ in range(600):
    if urls or outcome:
        break
    time.sleep(0.05)
print(urls[0] if urls else outcome)
"""
FINISH_SIGN_IN = """
worker.join(60)
found = outcome.get("connection") or outcome.get("error")
print(type(found).__name__, "|", str(found).replace(chr(10), " "))
print(next(e.reason for e in events if type(e).__name__ == "FlowChosen"))
"""


@pytest.fixture(scope="module")
def world(hub_workdir):
    require_chromium()
    with running_hub(hub_workdir) as world, loopback_browser(
            viewport={"width": 900, "height": 300}, ignore_https_errors=True) as chromium:
        world.browser = chromium.context  # type: ignore[attr-defined]
        world.page = chromium.context.new_page()  # type: ignore[attr-defined]
        world.page.set_default_timeout(30_000)
        _log_in(world, world.page, "adele")
        world.log_in("adele")  # the REST API token for her server, its provider override
        world.notebook = world.kernel("adele")  # type: ignore[attr-defined]
        yield world
        assert not chromium.blocked, f"a page tried to reach other hosts: {chromium.blocked}"


def _log_in(world: RunningHub, page, who: str) -> None:
    """A person logs in to the Hub: Microsoft's (the emulator's) sign-in page, then home."""
    page.goto(f"{world.hub.url}/hub/oauth_login?next=%2Fhub%2Fhome")
    _pick_account(world, page, who)
    page.wait_for_url(re.compile(r".*/hub/home$"))


def _pick_account(world: RunningHub, page, who: str) -> None:
    page.get_by_role("heading", name="Pick an account").wait_for()
    page.check(f"input[name=user][value='{world.emu.user(who).upn}']")
    page.get_by_role("button", name="Accept").click()


def _shot(page, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"hub-{name}.png"
    page.screenshot(path=str(path))
    if os.environ.get("AUTHSOME_NB_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(path, DOCS / path.name)


def test_pkce_for_a_second_connection_comes_back_through_the_hub_service(world, tmp_path):
    kernel, page = world.notebook, world.page
    authorize_url = kernel_lines(kernel, START_SIGN_IN.format(connection="work"))[0]
    assert authorize_url.startswith(world.emu.url)
    assert f"redirect_uri={world.hub.url}/services/authsome/callback".replace(
        ":", "%3A").replace("/", "%2F") in authorize_url.replace(":", "%3A").replace("/", "%2F")

    page.goto(authorize_url)
    _pick_account(world, page, "adele")
    page.get_by_text("Sign-in received").wait_for()
    assert page.url.startswith(f"{world.hub.url}/services/authsome/callback?")
    _shot(page, tmp_path, "sign-in-received")

    outcome, reason = kernel_lines(kernel, FINISH_SIGN_IN)
    assert outcome.startswith("Connection | <Connection microsoft/work: AdeleV@contoso.example")
    assert reason.startswith("Signing in in your browser (PKCE) through the JupyterHub "
                             "service's callback")
    sent = kernel_lines(kernel, """
g = an.graph("work")
g.post("/me/sendMail", json={"message": {"subject": "Numbers", "body": {"content": "hi"},
       "toRecipients": [{"emailAddress": {"address": "megan@contoso.example"}}]}})
print(sorted(c.key for c in an.connections()))
""")
    assert sent == ["['microsoft/hub', 'microsoft/work']"]

    page.reload()  # the same redirect again: single use
    page.get_by_text("already used").wait_for()


def test_another_users_browser_is_refused_and_ends_the_sign_in(world, tmp_path):
    kernel, stranger = world.notebook, world.page
    world.browser.clear_cookies()
    _log_in(world, stranger, "megan")  # now Megan's browser
    authorize_url = kernel_lines(kernel, START_SIGN_IN.format(connection="other"))[0]
    stranger.goto(authorize_url)  # Adele's sign-in link, opened in Megan's browser
    _pick_account(world, stranger, "megan")
    stranger.get_by_text("started by another JupyterHub user").wait_for()
    _shot(stranger, tmp_path, "sign-in-refused")

    outcome, _ = kernel_lines(kernel, FINISH_SIGN_IN)
    assert outcome.startswith("StateMismatchError | This sign-in came back in the browser of "
                              "another JupyterHub user")
    assert "microsoft/other" not in kernel.run("print([c.key for c in an.connections()])")


def test_no_authorization_code_in_the_hub_log(world):
    log = world.hub.log()
    assert "/services/authsome/callback" in log  # the redirects did pass through
    assert not re.search(r"[?&]code=(?!\[secret\])", log)
