"""The loopback redirect target: one answer, state checked, clean cancel and timeout."""

from __future__ import annotations

import _thread
import socket
import threading
import time

import httpx
import pytest

from authsome_nb.errors import SignInCancelled, SignInTimeout, StateMismatchError
from authsome_nb.flows._loopback import LoopbackRedirect


def port_is_closed(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def browse(url: str) -> httpx.Response:
    return httpx.get(url.replace("localhost", "127.0.0.1"), timeout=5)


def test_binds_loopback_only_and_answers_once():
    target = LoopbackRedirect()
    assert target.redirect_uri == f"http://localhost:{target.port}/callback"
    assert target.addresses[0] == "127.0.0.1"
    target.expect_state("s1")
    page = browse(target.redirect_uri + "?code=abc&state=s1")
    assert page.status_code == 200 and "You can close this tab" in page.text
    assert "abc" not in page.text  # the code is never echoed
    assert target.wait(5) == {"code": "abc", "state": "s1"}
    assert target.closed and port_is_closed(target.port)


def test_wrong_state_gets_an_error_page_and_does_not_end_the_wait():
    target = LoopbackRedirect()
    target.expect_state("good")
    bad = browse(target.redirect_uri + "?code=x&state=evil")
    assert bad.status_code == 400 and "state mismatch" in bad.text
    good = browse(target.redirect_uri + "?code=y&state=good")
    assert good.status_code == 200
    assert target.wait(5)["code"] == "y"


def test_timeout_after_a_mismatch_is_reported_as_state_mismatch():
    target = LoopbackRedirect()
    target.expect_state("good")
    browse(target.redirect_uri + "?code=x&state=other")
    with pytest.raises(StateMismatchError, match="state mismatch") as caught:
        target.wait(0.5)
    assert "close other sign-in tabs" in str(caught.value)
    assert port_is_closed(target.port)


def test_error_redirect_shows_what_went_wrong():
    target = LoopbackRedirect()
    target.expect_state("s")
    page = browse(
        target.redirect_uri
        + "?error=access_denied&error_description=AADSTS65004%3A+User+declined&state=s"
    )
    assert (
        page.status_code == 200 and "AADSTS65004" in page.text and "did not complete" in page.text
    )
    assert target.wait(5)["error"] == "access_denied"


def test_timeout_closes_the_listener():
    target = LoopbackRedirect()
    target.expect_state("s")
    started = time.monotonic()
    with pytest.raises(SignInTimeout, match="No sign-in came back"):
        target.wait(0.3)
    assert time.monotonic() - started < 3
    assert target.closed and port_is_closed(target.port)


def test_cancel_event_ends_the_wait():
    target = LoopbackRedirect()
    target.expect_state("s")
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    with pytest.raises(SignInCancelled):
        target.wait(30, cancel)
    assert port_is_closed(target.port)


def test_keyboard_interrupt_is_a_clean_cancel():
    target = LoopbackRedirect()
    target.expect_state("s")
    threading.Timer(0.3, _thread.interrupt_main).start()
    with pytest.raises(SignInCancelled, match="interrupted"):
        target.wait(30)
    assert target.closed and port_is_closed(target.port)


def test_form_post_carries_the_code_in_the_body():
    target = LoopbackRedirect()
    assert target.response_mode == "form_post"
    target.expect_state("s")
    page = httpx.post(
        target.redirect_uri.replace("localhost", "127.0.0.1"), data={"code": "c", "state": "s"}
    )
    assert page.status_code == 200
    assert target.wait(5) == {"code": "c", "state": "s"}
