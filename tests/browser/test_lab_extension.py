"""JupyterLab with the authsome_nb extension, in a real Chromium, against the emulator.

A person opens the Connections sidebar, signs in with a device code (approved at the
emulator), sees the account in the panel and the status bar, sees a kernel's sign-in and a
failed refresh appear without reloading, and signs out.  Screenshots are kept with the test's
files; ``AUTHSOME_NB_UPDATE_SCREENSHOTS=1`` also writes them to ``docs/lab-*.png``.

Chromium is Debian's (``dev.py`` installs it); every request to a non-loopback host is
blocked, so nothing leaves the machine.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "jupyter"))

from authsome_nb_emulator import Emulator  # noqa: E402
from jupyter_process import ROOT, JupyterProcess  # noqa: E402
from loopback_browser import loopback_browser, require_chromium  # noqa: E402

from authsome_nb._session import Session  # noqa: E402
from authsome_nb.errors import ReauthenticationRequired  # noqa: E402

playwright_api = pytest.importorskip("playwright.sync_api")

BUILT = ROOT / "authsome_nb" / "labextension"
SOURCES = [
    ROOT / "labextension" / "package.json",
    *(ROOT / "labextension").glob("src/*.ts"),
    *(ROOT / "labextension").glob("style/*"),
]
DOCS = ROOT / "docs"


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def built_extension() -> Path:
    """The prebuilt extension from this tree, and not older than its sources."""
    require_chromium()
    built = BUILT / "package.json"
    rebuild = "run `jlpm --cwd labextension install && jlpm --cwd labextension build`"
    if not built.exists():
        _missing(f"the JupyterLab extension is not built: {rebuild} (pip install -e . does it)")
    newest_source = max(p.stat().st_mtime for p in SOURCES)
    if built.stat().st_mtime < newest_source:
        pytest.fail(f"the built JupyterLab extension is older than labextension/: {rebuild}")
    return BUILT


@pytest.fixture(scope="module")
def lab(built_extension, tmp_path_factory):
    """JupyterLab on loopback with our extension, the emulator, and a store shared with the test."""
    workdir = tmp_path_factory.mktemp("lab")
    home = workdir / "home"
    extensions = workdir / "labextensions"
    extensions.mkdir()
    (extensions / "authsome-nb").symlink_to(built_extension, target_is_directory=True)
    with Emulator() as emu, pytest.MonkeyPatch.context() as monkeypatch:
        emu.write_provider_override(home)
        emu.github.write_provider_override(home)  # GitHub's stand-in: a provider defined as data
        emu.github.configure(device_interval=1)
        (home / "providers" / "acme.json").write_text(json.dumps({  # the user's own, PKCE only
            "display_name": "Acme", "client_id": "acme-app",
            "oauth": {"authorization_url": "https://acme.example/a",
                      "token_url": "https://acme.example/t"}}))
        for name, value in {
            **emu.environ(home),
            "AUTHSOME_NB_KEY": base64.b64encode(os.urandom(32)).decode(),
        }.items():
            monkeypatch.setenv(name, value)
        server = JupyterProcess(
            workdir,
            home,
            app="jupyterlab",
            extra_args=(f"--LabApp.extra_labextensions_path={extensions}",),
        )
        yield emu, server
        server.stop()


@pytest.fixture
def page(lab):
    _, server = lab
    with loopback_browser(viewport={"width": 1280, "height": 760}) as browser:
        page = browser.context.new_page()
        page.set_default_timeout(30_000)
        # A fresh workspace each time: JupyterLab restores the last test's open sidebar otherwise.
        page.goto(f"{server.url}lab?reset&token={server.token}")
        page.locator(".jp-Launcher").wait_for()
        _widen_left_sidebar(page, 90)
        yield page
    assert not browser.blocked, f"the page tried to reach other hosts: {browser.blocked}"


def _widen_left_sidebar(page, pixels: int) -> None:
    """Drag the sidebar's edge, as a person would, so the screenshots wrap less."""
    page.locator('.jp-SideBar [data-id="authsome-nb-connections"]').click()
    handle = page.locator("#jp-main-split-panel > .lm-SplitPanel-handle").first
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + pixels, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    page.locator('.jp-SideBar [data-id="authsome-nb-connections"]').click()  # closed again


def _shot(page, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"lab-{name}.png"
    page.screenshot(path=str(path))
    if os.environ.get("AUTHSOME_NB_UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(path, DOCS / path.name)


def test_sign_in_from_the_sidebar_see_the_account_everywhere_and_sign_out(lab, page, tmp_path):
    emu, server = lab
    expect = playwright_api.expect
    status = page.locator(".authsome-Status")
    expect(status).to_have_text("Not signed in")

    page.locator('.jp-SideBar [data-id="authsome-nb-connections"]').click()
    panel = page.locator("#authsome-nb-connections")
    expect(panel.locator(".authsome-Empty")).to_be_visible()

    panel.get_by_role("button", name="Sign in").click()
    code = panel.locator(".authsome-UserCode")
    expect(code).to_be_visible()
    user_code = code.inner_text().strip()
    assert user_code in emu.pending_user_codes()
    expect(panel.locator(".authsome-Job a")).to_have_attribute("href", re.compile(f"^{emu.url}/"))
    _shot(page, tmp_path, "device-code")

    megan = emu.user("megan")
    emu.approve(user_code, user="megan")
    card = panel.locator('.authsome-Connection[data-key="microsoft/default"]')
    expect(card).to_contain_text(megan.upn)
    expect(card).to_contain_text(megan.tenant_id)
    expect(card).to_contain_text("Mail.ReadWrite")
    expect(card).to_contain_text("expires in")
    expect(panel.locator(".authsome-Ok")).to_contain_text(f"as {megan.upn}")
    expect(status).to_have_text(megan.upn)
    _shot(page, tmp_path, "signed-in")

    # A kernel signs in to a second connection: the panel hears of it without a reload.
    emu.auto_approve_after = 0
    Session(server.home).login("microsoft", "work", flow="device", on_event=lambda e: None)
    emu.auto_approve_after = None
    expect(panel.locator('.authsome-Connection[data-key="microsoft/work"]')).to_be_visible()
    expect(status).to_have_text(f"{megan.upn} +1")

    # A kernel's silent refresh fails (refresh tokens revoked): the status bar warns.
    emu.revoke_refresh_tokens()
    kernel = Session(server.home)
    with pytest.raises(ReauthenticationRequired):
        kernel.refresh("microsoft", "work", stale=kernel.token("microsoft", "work"))
    expect(status).to_have_class(re.compile(r"\bauthsome-mod-warning\b"))
    expect(status).to_contain_text("Refresh failed: microsoft/work")
    failing = panel.locator('.authsome-Connection[data-key="microsoft/work"]')
    expect(failing.locator(".authsome-Warning")).to_contain_text("AADSTS70008")
    expect(failing).to_contain_text("refresh failed: sign in again")  # not a stale expiry
    expect(failing).not_to_contain_text("expires in")
    expect(failing.get_by_role("button", name="Sign in again")).to_be_visible()
    _shot(page, tmp_path, "refresh-failed")

    # "Sign in again" on the failing card: a new device code, and the warning is gone.
    failing.get_by_role("button", name="Sign in again").click()
    expect(code).to_be_visible()
    emu.approve(code.inner_text().strip(), user="adele")
    expect(failing.locator(".authsome-Warning")).to_have_count(0)
    expect(failing).to_contain_text("expires in")  # the expiry is back with the working token
    expect(status).not_to_have_class(re.compile(r"\bauthsome-mod-warning\b"))
    # The success banner says its piece for a moment, then goes by itself.
    expect(panel.locator(".authsome-Job")).to_be_hidden(timeout=15_000)

    for key in ("microsoft/work", "microsoft/default"):
        card = panel.locator(f'.authsome-Connection[data-key="{key}"]')
        card.get_by_role("button", name="Sign out").click()
        page.locator(".jp-Dialog").get_by_role("button", name="Sign out").click()
        expect(card).to_have_count(0)
    expect(status).to_have_text("Not signed in")
    assert Session(server.home).connections() == []


def test_the_sidebar_signs_in_to_any_provider_that_offers_a_device_code(lab, page, tmp_path):
    emu, server = lab
    github = emu.github
    expect = playwright_api.expect
    page.locator('.jp-SideBar [data-id="authsome-nb-connections"]').click()
    panel = page.locator("#authsome-nb-connections")
    picker = panel.locator("select[name=provider]")
    # the bundled catalogue and the user's own; those without a device code are disabled,
    # in a group of their own that says where they sign in
    for value, text in (("acme", "Acme (acme)"), ("github", "GitHub (github)"),
                        ("google", "Google (google)"), ("microsoft", "Microsoft (microsoft)")):
        expect(picker.locator(f"option[value={value}]")).to_have_text(text)
    elsewhere = picker.locator("optgroup").nth(1)
    expect(elsewhere).to_have_attribute("label", re.compile(r"^From a notebook: %authsome login"))
    expect(elsewhere.locator("option[value=acme]")).to_have_count(1)
    expect(picker.locator("optgroup").first.locator("option[value=github]")).to_have_count(1)
    expect(picker).to_have_value("microsoft")
    expect(picker.locator("option[value=acme]")).to_be_disabled()
    services = panel.locator("input[name=services]")
    expect(services).to_have_attribute("placeholder", "e.g. outlook,calendar")

    picker.select_option("github")
    expect(services).to_have_attribute("placeholder", "e.g. repos,public")
    panel.get_by_role("button", name="Sign in").click()
    code = panel.locator(".authsome-UserCode")
    expect(code).to_be_visible()
    user_code = code.inner_text().strip()
    assert user_code in github.pending_user_codes()
    assert user_code not in emu.pending_user_codes()  # GitHub's, not Microsoft's
    expect(panel.locator(".authsome-Job")).to_contain_text("To sign in github/default, open")
    expect(panel.locator(".authsome-Job a")).to_have_attribute(
        "href", f"{github.base}/login/device")
    _shot(page, tmp_path, "github-device-code")

    github.approve(user_code, "megan")
    card = panel.locator('.authsome-Connection[data-key="github/default"]')
    expect(card).to_contain_text(github.login_of("megan"))
    expect(card).to_contain_text("repo read:user")
    expect(card).to_contain_text("does not expire")
    expect(page.locator(".authsome-Status")).to_have_text(github.login_of("megan"))
    assert Session(server.home).token("github").scopes == ("repo", "read:user")

    card.get_by_role("button", name="Sign out").click()
    page.locator(".jp-Dialog").get_by_role("button", name="Sign out").click()
    expect(card).to_have_count(0)
    assert Session(server.home).connections() == []


# Every state a notebook card shows, as it shows it: a card drawn as "signed out" for a moment
# (the page's list was fetched before the sign-in) is caught even if it is redrawn soon after.
RECORD_CARD_STATES = """() => {
    window.authsomeCardStates = [];
    const record = () => {
        for (const card of document.querySelectorAll('.jp-Notebook .authsome-Card')) {
            const seen = window.authsomeCardStates;
            const state = card.dataset.state || '';
            if (seen[seen.length - 1] !== state) seen.push(state);
        }
    };
    new MutationObserver(record).observe(document.body, {
        subtree: true, childList: true, attributes: true, attributeFilter: ['data-state']});
}"""


def test_the_first_sign_ins_card_never_says_signed_out_and_agrees_with_the_status_bar(
        lab, page, tmp_path):
    emu, server = lab
    expect = playwright_api.expect
    status = page.locator(".authsome-Status")
    expect(status).to_have_text("Not signed in")  # the page's list: nobody signed in yet

    page.locator('.jp-LauncherCard[data-category="Notebook"]').first.click()
    expect(page.locator(".jp-Notebook")).to_be_visible()
    expect(page.locator(".jp-StatusBar-TextItem", has_text="| Idle")).to_be_visible(
        timeout=60_000)
    page.evaluate(RECORD_CARD_STATES)
    megan = emu.user("megan")
    emu.auto_approve_after, emu.auto_approve_user = 0, "megan"
    try:
        cell = page.locator(".jp-Notebook .jp-CodeCell").first
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.type("%load_ext authsome_nb\n%authsome login microsoft --flow device")
        page.keyboard.press("Control+Enter")
        card = cell.locator('.authsome-Card[data-key="microsoft/default"]')
        expect(card).to_have_attribute("data-state", "signed in", timeout=60_000)
        expect(status).to_have_text(megan.upn)
        expect(card.get_by_role("button", name="Sign out")).to_be_visible()  # live, current
        states = page.evaluate("window.authsomeCardStates")
        assert states and "signed out" not in states, states
        _shot(page, tmp_path, "first-sign-in")
    finally:
        emu.auto_approve_after = None
        Session(server.home).logout("microsoft", "default")
    expect(card).to_have_attribute("data-state", "signed out")  # now it is true
    expect(status).to_have_text("Not signed in")
