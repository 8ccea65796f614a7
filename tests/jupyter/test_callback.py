"""The OAuth callback of remote kernels: the kernel waits, the browser lands on the server."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time

import httpx
import pytest

from authsome_nb.errors import SignInCancelled, SignInTimeout
from authsome_nb.flows import _pending, rendezvous


def _wait_in_thread(redirect, timeout=20.0):
    """Run ``redirect.wait`` as the kernel's sign-in would; returns a box with the outcome."""
    box: dict = {}

    def run():
        try:
            box["params"] = redirect.wait(timeout)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            box["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    box["thread"] = thread
    return box


def test_a_kernel_finds_the_server_and_gets_the_code_through_it(jupyter):
    redirect = rendezvous.server_redirect()
    assert redirect is not None
    assert redirect.redirect_uri == f"http://localhost:{httpx.URL(jupyter.url).port}/authsome/callback"
    redirect.expect_state("state-123")
    box = _wait_in_thread(redirect)
    with jupyter.client() as http:
        page = http.get("authsome/callback", params={"code": "the-code", "state": "state-123",
                                                     "session_state": "s"})
    box["thread"].join()
    assert page.status_code == 200 and "close this tab" in page.text
    assert "the-code" not in page.text and "state-123" not in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert box["params"] == {"code": "the-code", "state": "state-123", "session_state": "s"}
    assert not list(_pending.pending_dir(jupyter.home).iterdir())  # nothing left on disk
    assert "the-code" not in jupyter.log()  # Jupyter's access log scrubs code and state


def test_a_replayed_callback_is_refused(jupyter):
    redirect = rendezvous.server_redirect()
    redirect.expect_state("once")
    box = _wait_in_thread(redirect)
    with jupyter.client() as http:
        first = http.get("authsome/callback", params={"code": "c1", "state": "once"})
        replay = http.get("authsome/callback", params={"code": "c2", "state": "once"})
    box["thread"].join()
    assert first.status_code == 200
    assert replay.status_code == 400 and "already used" in replay.text
    assert box["params"]["code"] == "c1"


def test_an_unknown_or_missing_state_is_refused(jupyter):
    with jupyter.client() as http:
        unknown = http.get("authsome/callback", params={"code": "c", "state": "nobody-waits"})
        missing = http.get("authsome/callback", params={"code": "c"})
    assert unknown.status_code == 400 and missing.status_code == 400
    assert "no sign-in is waiting" in unknown.text


def test_an_expired_registration_is_refused(jupyter):
    redirect = rendezvous.ServerRedirect(jupyter.home, "unused", ttl=-1)
    redirect.expect_state("late")
    with jupyter.client() as http:
        page = http.get("authsome/callback", params={"code": "c", "state": "late"})
    assert page.status_code == 400 and "expired" in page.text
    redirect.close()


def test_an_error_redirect_reaches_the_kernel_and_the_page_says_what_went_wrong(jupyter):
    redirect = rendezvous.server_redirect()
    redirect.expect_state("declined")
    box = _wait_in_thread(redirect)
    with jupyter.client() as http:
        page = http.get("authsome/callback", params={
            "error": "access_denied", "error_description": "AADSTS65004: User declined to consent.",
            "state": "declined"})
    box["thread"].join()
    assert page.status_code == 200 and "User declined to consent" in page.text
    assert box["params"]["error"] == "access_denied"


def test_the_callback_needs_jupyters_login(jupyter):
    redirect = rendezvous.server_redirect()
    redirect.expect_state("guarded")
    with jupyter.client(token=False) as http:
        anonymous = http.get("authsome/callback", params={"code": "c", "state": "guarded"})
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    # the anonymous request claimed nothing: the signed-in browser still completes the sign-in
    box = _wait_in_thread(redirect)
    with jupyter.client() as http:
        page = http.get("authsome/callback", params={"code": "c", "state": "guarded"})
    assert page.status_code == 200
    box["thread"].join()
    assert box["params"]["code"] == "c"


def test_the_kernel_side_times_out_or_is_cancelled_and_cleans_up(store_home):
    redirect = rendezvous.ServerRedirect(store_home, "http://localhost:1/authsome/callback")
    redirect.expect_state("slow")
    wait_file = next(_pending.pending_dir(store_home).iterdir())
    assert stat.S_IMODE(wait_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(_pending.pending_dir(store_home).stat().st_mode) == 0o700
    assert "slow" not in wait_file.name and "slow" not in wait_file.read_text()
    with pytest.raises(SignInTimeout, match="Jupyter server"):
        redirect.wait(0.3)
    assert not list(_pending.pending_dir(store_home).iterdir())

    cancelled = rendezvous.ServerRedirect(store_home, "http://localhost:1/authsome/callback")
    cancelled.expect_state("stop")
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    with pytest.raises(SignInCancelled):
        cancelled.wait(10, stop)
    assert not list(_pending.pending_dir(store_home).iterdir())


def test_the_server_announces_itself_while_it_runs_and_respects_base_url(store_home, start_jupyter):
    assert rendezvous.server_redirect() is None
    server = start_jupyter(store_home, base_url="/user/ada/")
    time.sleep(0.2)
    records = rendezvous.live_servers(store_home)
    assert [r["pid"] for r in records] == [server.pid]
    port = httpx.URL(server.url).port
    assert records[0]["callback_url"] == f"http://localhost:{port}/user/ada/authsome/callback"
    announced = rendezvous.servers_dir(store_home) / f"{server.pid}.json"
    assert stat.S_IMODE(announced.stat().st_mode) == 0o600
    assert rendezvous.registered_redirect_uris() == ["http://localhost/user/ada/authsome/callback"]

    redirect = rendezvous.server_redirect()
    redirect.expect_state("hub")
    box = _wait_in_thread(redirect)
    with server.client() as http:
        page = http.get("authsome/callback", params={"code": "c", "state": "hub"})
    assert page.status_code == 200
    box["thread"].join()
    assert box["params"]["code"] == "c"

    server.stop()
    assert rendezvous.server_redirect() is None and not announced.exists()


def test_the_callback_can_be_turned_off_and_kernels_then_use_their_own_redirect(
        store_home, start_jupyter):
    server = start_jupyter(store_home, callback=False)
    time.sleep(0.2)
    assert rendezvous.server_redirect() is None and rendezvous.registered_redirect_uris() == []
    with server.client() as http:
        page = http.get("authsome/callback", params={"code": "c", "state": "anything"})
    assert page.status_code == 400


def test_a_public_url_setting_becomes_the_redirect_uri(store_home, start_jupyter):
    start_jupyter(store_home, base_url="/user/ada/",
                  extra_args=("--AuthsomeExtension.public_url=https://hub.example.org",))
    time.sleep(0.2)
    assert rendezvous.registered_redirect_uris() == ["https://hub.example.org/user/ada/authsome/callback"]


def test_a_killed_servers_announcement_is_ignored(store_home):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    pid = int(dead.stdout)
    rendezvous.announce_server(store_home, "http://localhost:9/authsome/callback", pid=pid)
    assert rendezvous.server_redirect() is None
    assert not (rendezvous.servers_dir(store_home) / f"{pid}.json").exists()


def test_a_kernel_prefers_the_server_that_started_it(store_home, monkeypatch):
    parent, me = os.getppid(), os.getpid()
    rendezvous.announce_server(store_home, "http://localhost:1/parent/authsome/callback", parent)
    time.sleep(0.01)
    rendezvous.announce_server(store_home, "http://localhost:2/newest/authsome/callback", me)
    monkeypatch.setenv("JPY_PARENT_PID", str(parent))
    assert rendezvous.server_redirect().redirect_uri == "http://localhost:1/parent/authsome/callback"
    monkeypatch.delenv("JPY_PARENT_PID")
    assert rendezvous.server_redirect().redirect_uri == "http://localhost:2/newest/authsome/callback"
