"""Redirect URI matching as Microsoft documents it
(https://learn.microsoft.com/en-us/entra/identity-platform/reply-url): a lenient emulator
would let the product ship a redirect URI that Entra refuses."""

from __future__ import annotations

import pytest
from authsome_nb_emulator import Emulator, EmulatorBrowserError
from authsome_nb_emulator._authorize import redirect_allowed

from .helpers import msal_app

pytestmark = pytest.mark.filterwarnings("ignore:response_mode=.form_post.:UserWarning")

REGISTERED = ["http://localhost/callback"]


@pytest.mark.parametrize("uri", [
    "http://localhost/callback",
    "http://localhost:53117/callback",  # the port of a localhost URI is ignored
    "http://localhost:1/callback",
])
def test_localhost_matches_on_any_port(uri: str) -> None:
    assert redirect_allowed(REGISTERED, uri)


@pytest.mark.parametrize("uri", [
    "http://127.0.0.1:53117/callback",  # another host name, though the same machine
    "http://[::1]:53117/callback",  # IPv6 loopback: not supported at all
    "http://localhost:53117/Callback",  # paths are case-sensitive
    "http://localhost:53117/callback/",
    "https://localhost:53117/callback",  # another scheme
    "http://localhost.evil.example/callback",
])
def test_anything_else_does_not_match(uri: str) -> None:
    assert not redirect_allowed(REGISTERED, uri)


def test_127_0_0_1_and_https_localhost_ignore_the_port_once_registered() -> None:
    registered = ["http://127.0.0.1/callback", "https://localhost/app"]
    assert redirect_allowed(registered, "http://127.0.0.1:8400/callback")
    assert redirect_allowed(registered, "https://localhost:8443/app")
    assert not redirect_allowed(registered, "http://localhost:8400/callback")


def test_ipv6_loopback_is_refused_even_when_registered(emu: Emulator) -> None:
    emu.register_redirect_uri("http://[::1]/callback")
    flow = msal_app(emu).initiate_auth_code_flow(["User.Read"],
                                                 redirect_uri="http://[::1]:8400/callback")
    with pytest.raises(EmulatorBrowserError) as caught:
        emu.play_browser(flow["auth_uri"])
    assert caught.value.aadsts == 50011  # an error page: the code is never sent there
