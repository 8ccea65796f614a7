"""What a broken or hostile server says is refused or bounded, never trusted: the real
oidc-provider, its answers altered on their way out (``op.misbehave``)."""

from __future__ import annotations

import threading

import pytest
from test_sign_in_with_oidc_provider import browsing

import authsome_nb as an
from authsome_nb.errors import ConfigurationError, SignInCancelled, SignInError
from authsome_nb.events import DeviceCode
from authsome_nb.flows.oauth2._metadata import forget_discovery


@pytest.fixture
def broken(op_env):
    forget_discovery()  # no document remembered from another test, nor this one's kept
    yield op_env
    op_env.reset_counts()
    forget_discovery()


def test_an_oidc_token_response_without_an_id_token_is_refused(broken):
    broken.misbehave("no-id-token")
    with pytest.raises(SignInError) as caught:
        an.login("testoidc", flow="pkce", open_browser=browsing(broken, "ada"),
                 on_event=lambda e: None)
    assert caught.value.error == "missing_id_token"
    assert an.connections("testoidc") == []  # nothing stored


def test_a_discovered_endpoint_in_plain_http_is_refused_before_any_request(broken):
    broken.misbehave("http-token-endpoint")
    with pytest.raises(ConfigurationError) as caught:
        an.login("testoidc", flow="device", on_event=lambda e: None)
    assert caught.value.error == "insecure_endpoint"
    assert "token_endpoint" in caught.value.message and "http://op.example" in caught.value.message


def test_an_infinite_polling_interval_is_bounded_not_an_overflow(broken):
    broken.misbehave("huge-interval")
    cancel = threading.Event()
    codes: list[DeviceCode] = []

    def seen(event) -> None:
        if isinstance(event, DeviceCode):
            codes.append(event)
            cancel.set()  # the user gives up at once: the bound is what this test reads

    with pytest.raises(SignInCancelled):
        an.login("testoidc", flow="device", on_event=seen, cancel=cancel)
    assert codes[0].interval == 60


def test_a_javascript_verification_page_is_refused_before_it_is_shown(broken):
    broken.misbehave("javascript-verification-uri")
    shown: list = []
    with pytest.raises(SignInError) as caught:
        an.login("testoidc", flow="device", on_event=shown.append)
    assert "not an https address" in str(caught.value)
    assert not any(isinstance(e, DeviceCode) for e in shown)  # nothing to click was offered
