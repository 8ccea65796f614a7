"""Every identity-platform error the seeds and the issue name, injected through the emulator.

Each must reach the user as the right exception, with what happened and what to do.
"""

from __future__ import annotations

import pytest

import authsome_nb as an
from authsome_nb.errors import (
    ConfigurationError,
    ConsentRequiredError,
    ReauthenticationRequired,
    SignInError,
)

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
QUIET = {"on_event": lambda e: None}


@pytest.mark.parametrize(
    ("code", "endpoint", "grant", "kind", "remedy"),
    [
        (700016, "devicecode", None, ConfigurationError, "MICROSOFT_OAUTH_CLIENT_ID"),
        (7000218, "token", DEVICE_GRANT, ConfigurationError, "Allow public client flows"),
        (65001, "token", DEVICE_GRANT, ConsentRequiredError, "Accept"),
        (50020, "token", DEVICE_GRANT, SignInError, "--tenant"),
        (50076, "token", DEVICE_GRANT, ReauthenticationRequired, "MFA"),
        (50079, "token", DEVICE_GRANT, ReauthenticationRequired, "MFA registration"),
        (53003, "token", DEVICE_GRANT, SignInError, "IT department"),
        (9002313, "devicecode", None, SignInError, "new sign-in"),
        (90014, "devicecode", None, SignInError, "new sign-in"),
        (500011, "devicecode", None, ConfigurationError, "scopes"),
    ],
)
def test_sign_in_errors_carry_code_meaning_and_remedy(
    authsome_env, code, endpoint, grant, kind, remedy
):
    emu = authsome_env
    emu.auto_approve_after = 1
    emu.inject_error(code, endpoint=endpoint, grant_type=grant)
    with pytest.raises(kind) as caught:
        an.login(flow="device", **QUIET)
    err = caught.value
    assert err.aadsts == code
    assert f"AADSTS{code}" in str(err) and remedy in str(err)
    assert an.connections() == []


def test_redirect_mismatch_names_the_uri_to_register(authsome_env):
    emu = authsome_env
    emu.inject_error(50011, endpoint="token", grant_type="authorization_code")
    with pytest.raises(ConfigurationError) as caught:
        an.login(flow="pkce", open_browser=lambda url: emu.play_browser(url), **QUIET)
    assert caught.value.aadsts == 50011
    assert "http://localhost/callback" in str(caught.value) and "Mobile and desktop" in str(
        caught.value
    )


def test_consent_declined_in_the_browser(authsome_env):
    from authsome_nb.errors import SignInDeclined

    emu = authsome_env
    emu.inject_error(65004, endpoint="authorize")
    with pytest.raises(SignInDeclined, match="AADSTS65004") as caught:
        an.login(flow="pkce", open_browser=lambda url: emu.play_browser(url), **QUIET)
    assert "Accept" in str(caught.value)


@pytest.mark.parametrize("code", [70008, 700082, 50173, 50076])
def test_refresh_failures_say_to_sign_in_again(authsome_env, code):
    emu = authsome_env
    emu.auto_approve_after = 1
    an.login(connection="work", flow="device", **QUIET)
    emu.inject_error(code, endpoint="token", grant_type="refresh_token")
    with pytest.raises(ReauthenticationRequired) as caught:
        an.refresh(connection="work", stale=an.token(connection="work").value)
    text = str(caught.value)
    assert f"AADSTS{code}" in text and "microsoft/work" in text
    assert "an.login('microsoft', connection='work')" in text
