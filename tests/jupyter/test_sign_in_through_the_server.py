"""Signing in through the Jupyter server, against the emulator: from JupyterLab with a device
code, and from a remote kernel with PKCE whose redirect lands on the server's callback."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time

import httpx
import pytest
from authsome_nb_emulator import Emulator, EmulatorBrowserError
from jupyter_process import JupyterProcess
from rest_api import assert_shape

from authsome_nb._session import Session
from authsome_nb.events import AuthorizeUrl, FlowChosen
from authsome_nb.flows import rendezvous
from authsome_nb.jupyter._extension import CONNECTIONS_EVENT


@pytest.fixture(scope="module")
def emulated(tmp_path_factory):
    """The emulator, a store home pointed at it, and a Jupyter server sharing both."""
    workdir = tmp_path_factory.mktemp("signin")
    home = workdir / "home"
    with Emulator() as emu, pytest.MonkeyPatch.context() as monkeypatch:
        emu.write_provider_override(home)
        for name, value in {**emu.environ(home),
                            "AUTHSOME_NB_KEY": base64.b64encode(os.urandom(32)).decode()}.items():
            monkeypatch.setenv(name, value)
        server = JupyterProcess(workdir, home, callback=True)
        yield emu, server
        server.stop()


def _wait_for_job(http: httpx.Client, job_id: str, *, until: set[str], timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = http.get(f"authsome/api/login/{job_id}").json()
        if job["status"] in until:
            return job
        time.sleep(0.2)
    raise AssertionError(f"sign-in still {job['status']} after {timeout} s: {job}")


def _secrets_of(home, key: str) -> list[str]:
    """Every token the store holds for ``key``: access, refresh and id tokens."""
    cache = Session(home).store.records()[key].state.cache
    found = [entry["secret"] for section in ("AccessToken", "RefreshToken", "IdToken")
             for entry in (cache.get(section) or {}).values()]
    assert len(found) >= 3
    return found


def test_lab_signs_in_with_a_device_code_shows_the_account_and_signs_out(emulated):
    emu, server = emulated
    replies: list[str] = []
    with server.client() as http:
        started = http.post("authsome/api/login", json={"connection": "lab", "services": "outlook"})
        replies.append(started.text)
        job = assert_shape(started.json(), "LoginJob")
        assert started.status_code == 202 and job["status"] == "waiting"
        code = job["device_code"]
        assert code["user_code"] in emu.pending_user_codes()
        assert code["verification_uri"].startswith(emu.url) and code["expires_at"] > time.time()

        emu.approve(code["user_code"], user="megan")
        done = assert_shape(_wait_for_job(http, job["id"], until={"signed_in", "failed"}),
                            "LoginJob")
        replies.append(json.dumps(done))
        megan = emu.user("megan")
        assert done["status"] == "signed_in" and done["account"]["username"] == megan.upn
        assert done["device_code"] is None

        listed = http.get("authsome/api/connections")
        replies.append(listed.text)
        lab = next(c for c in assert_shape(listed.json(), "ConnectionList")["connections"]
                   if c["key"] == "microsoft/lab")
        assert (lab["username"], lab["display_name"]) == (megan.upn, megan.display_name)
        assert lab["tenant_id"] == megan.tenant_id and "Mail.ReadWrite" in lab["scopes"]
        assert lab["expires_at"] > time.time() and lab["flow"] == "device"

        for secret in _secrets_of(server.home, "microsoft/lab"):  # no token in any reply, ever
            assert all(secret not in reply for reply in replies)
            assert secret not in server.log()

        assert http.delete("authsome/api/connections/microsoft/lab").status_code == 204
        after = http.get("authsome/api/connections").json()["connections"]
        assert "microsoft/lab" not in {c["key"] for c in after}
    assert "microsoft/lab" not in {c.key for c in Session(server.home).connections()}


def test_a_declined_device_code_says_so(emulated):
    emu, server = emulated
    with server.client() as http:
        job = http.post("authsome/api/login", json={"connection": "declined"}).json()
        emu.deny(job["device_code"]["user_code"])
        done = assert_shape(_wait_for_job(http, job["id"], until={"failed", "signed_in"}),
                            "LoginJob")
    assert (done["status"], done["outcome"]) == ("failed", "declined")
    assert "declined" in done["error"] and "What to do" in done["error"]


def test_one_sign_in_per_connection_and_lab_can_cancel_it(emulated):
    _, server = emulated
    with server.client() as http:
        first = http.post("authsome/api/login", json={"connection": "twice"})
        second = http.post("authsome/api/login", json={"connection": "twice"})
        assert (first.status_code, second.status_code) == (202, 200)
        assert second.json()["id"] == first.json()["id"]
        job_id = first.json()["id"]
        cancelling = http.delete(f"authsome/api/login/{job_id}")
        assert cancelling.status_code == 202 and assert_shape(cancelling.json(), "LoginJob")
        done = _wait_for_job(http, job_id, until={"cancelled", "failed", "signed_in"})
    assert (assert_shape(done, "LoginJob")["status"], done["outcome"]) == ("cancelled", "cancelled")


def _browser_signed_in_to(server: JupyterProcess, emu: Emulator, user: str):
    """The person's browser: signs in at the emulator, then follows the redirect to Jupyter."""
    def open_browser(url: str) -> None:
        landing = emu.play_browser(url, user=user, follow=False)
        page = httpx.get(landing, headers=server.auth, timeout=30)
        assert page.status_code == 200 and "close this tab" in page.text
    return open_browser


def test_a_remote_kernel_signs_in_with_pkce_through_the_jupyter_server(emulated, monkeypatch):
    emu, server = emulated
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")  # the kernel is remote
    monkeypatch.setenv("JPY_PARENT_PID", str(server.pid))
    for uri in rendezvous.registered_redirect_uris():  # what `%authsome setup` tells users to add
        emu.register_redirect_uri(uri)
    events = []
    conn = Session(server.home).login("microsoft", "remote", flow="auto", on_event=events.append,
                                      open_browser=_browser_signed_in_to(server, emu, "megan"))
    chosen = next(e for e in events if isinstance(e, FlowChosen))
    assert chosen.flow == "pkce" and "Jupyter server's callback" in chosen.reason
    authorize = next(e for e in events if isinstance(e, AuthorizeUrl))
    assert authorize.redirect_uri.endswith("/authsome/callback")
    assert authorize.redirect_uri.startswith("http://localhost:")
    assert conn.username == emu.user("megan").upn and conn.flow == "pkce"


def test_an_unregistered_callback_is_refused_by_the_identity_platform(emulated, monkeypatch):
    emu, server = emulated
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")
    rendezvous.announce_server(server.home, "http://jupyter.example:8888/x/authsome/callback",
                               pid=os.getpid())
    monkeypatch.setenv("JPY_PARENT_PID", str(os.getpid()))
    try:
        with pytest.raises(EmulatorBrowserError, match="50011"):
            Session(server.home).login("microsoft", "unregistered", flow="pkce", timeout=5,
                                       on_event=lambda e: None,
                                       open_browser=lambda url: emu.play_browser(url, follow=False))
    finally:
        rendezvous.withdraw_server(server.home, os.getpid())


def test_lab_hears_when_a_kernel_signs_in(emulated):
    emu, server = emulated
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    async def listen() -> dict:
        url = server.url.replace("http://", "ws://") + "api/events/subscribe"
        socket = await websocket_connect(HTTPRequest(url, headers=server.auth))
        try:
            await asyncio.sleep(0.3)
            emu.auto_approve_after = 0
            await asyncio.to_thread(Session(server.home).login, "microsoft", "kernel",
                                    flow="device", on_event=lambda e: None)
            while True:
                message = json.loads(await asyncio.wait_for(socket.read_message(), timeout=10))
                if message["schema_id"] == CONNECTIONS_EVENT:
                    return message
        finally:
            emu.auto_approve_after = None
            socket.close()

    event = asyncio.run(listen())
    assert event["action"] == "changed" and set(event) <= {"schema_id", "action"} | {
        k for k in event if k.startswith("__")}


def test_lab_signs_in_to_any_provider_github_with_a_device_code(emulated):
    emu, server = emulated
    github = emu.github
    github.configure(device_interval=1, expiring_tokens=False)
    github.write_provider_override(server.home)
    with server.client() as http:
        started = http.post("authsome/api/login", json={"provider": "github"})
        job = started.json()
        assert started.status_code == 202 and job["status"] == "waiting", job
        github.approve(job["device_code"]["user_code"], user="megan")
        done = _wait_for_job(http, job["id"], until={"signed_in", "failed"})
        assert done["status"] == "signed_in", done
        assert done["account"]["username"] == github.login_of("megan")
        listed = http.get("authsome/api/connections").json()["connections"]
        found = next(c for c in listed if c["key"] == "github/default")
        assert found["never_expires"] and found["expires_at"] is None
        secret = Session(server.home).store.records()["github/default"].state.tokens
        assert secret.access_token not in json.dumps(listed)
        assert secret.access_token not in server.log()
