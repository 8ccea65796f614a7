"""The auth-code flow with PKCE: MSAL builds the URL, ``play_browser`` is the person."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from authsome_nb_emulator import Emulator, EmulatorBrowserError

from .helpers import LoopbackListener, msal_app

pytestmark = pytest.mark.filterwarnings("ignore:response_mode=.form_post.:UserWarning")


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


@pytest.fixture
def listener() -> Iterator[LoopbackListener]:
    loopback = LoopbackListener()
    yield loopback
    loopback.close()


def test_pkce_sign_in_with_any_localhost_port(emu: Emulator) -> None:
    app = msal_app(emu)
    flow = app.initiate_auth_code_flow(["User.Read", "Mail.Read"],
                                       redirect_uri="http://localhost:53117/callback")

    redirect = emu.play_browser(flow["auth_uri"], user="megan", follow=False)
    assert redirect.startswith("http://localhost:53117/callback?code=")
    answer = _query(redirect)
    assert answer["state"] == flow["state"] and answer["session_state"]

    result = app.acquire_token_by_auth_code_flow(flow, answer)  # MSAL checks the nonce
    assert result["id_token_claims"]["preferred_username"] == "MeganB@contoso.example"
    assert result["refresh_token"] and result["client_info"]
    assert emu.count("authorize") == 2  # the page, then the form post


def test_the_browser_follows_the_redirect_to_the_loopback_listener(
        emu: Emulator, listener: LoopbackListener) -> None:
    flow = msal_app(emu).initiate_auth_code_flow(["User.Read"],
                                                 redirect_uri=listener.redirect_uri)

    page = emu.play_browser(flow["auth_uri"])

    assert page == "Signed in. You can close this tab."
    method, path, _ = listener.received[0]
    assert method == "GET" and _query(path)["state"] == flow["state"]


def test_form_post_response_mode_posts_to_the_listener(emu: Emulator,
                                                       listener: LoopbackListener) -> None:
    flow = msal_app(emu).initiate_auth_code_flow(["User.Read"], response_mode="form_post",
                                                 redirect_uri=listener.redirect_uri)
    emu.play_browser(flow["auth_uri"], user="adele")
    method, _, body = listener.received[0]
    assert method == "POST" and dict(parse_qsl(body))["state"] == flow["state"]


def test_a_wrong_code_verifier_is_refused_and_burns_the_code(emu: Emulator) -> None:
    app = msal_app(emu)
    flow = app.initiate_auth_code_flow(["User.Read"],
                                       redirect_uri="http://localhost:1/callback")
    answer = _query(emu.play_browser(flow["auth_uri"], follow=False))

    refused = app.acquire_token_by_auth_code_flow({**flow, "code_verifier": "x" * 43}, answer)
    assert refused["error"] == "invalid_grant" and refused["error_codes"] == [501481]
    replay = msal_app(emu).acquire_token_by_auth_code_flow(flow, answer)
    assert replay["error_codes"] == [54005]


def test_a_replayed_code_is_refused(emu: Emulator) -> None:
    app = msal_app(emu)
    flow = app.initiate_auth_code_flow(["User.Read"],
                                       redirect_uri="http://localhost:1/callback")
    answer = _query(emu.play_browser(flow["auth_uri"], follow=False))
    assert "access_token" in app.acquire_token_by_auth_code_flow(flow, answer)

    again = msal_app(emu).acquire_token_by_auth_code_flow(flow, answer)
    assert again["error"] == "invalid_grant"
    assert "AADSTS54005" in again["error_description"]


def test_an_unregistered_redirect_uri_shows_an_error_page(emu: Emulator) -> None:
    for uri in ("http://localhost:5000/elsewhere", "https://evil.example/callback"):
        flow = msal_app(emu).initiate_auth_code_flow(["User.Read"], redirect_uri=uri)
        with pytest.raises(EmulatorBrowserError) as caught:
            emu.play_browser(flow["auth_uri"])
        assert caught.value.aadsts == 50011 and caught.value.status == 400
        assert "does not match the redirect URIs configured" in caught.value.text

    emu.register_redirect_uri("https://app.example/callback")
    flow = msal_app(emu).initiate_auth_code_flow(["User.Read"],
                                                 redirect_uri="https://app.example/callback")
    assert emu.play_browser(flow["auth_uri"]).startswith("https://app.example/callback?code=")


def test_an_unknown_client_shows_an_error_page(emu: Emulator) -> None:
    url = f"{emu.url}/common/oauth2/v2.0/authorize?" + urlencode({
        "client_id": "11111111-2222-3333-4444-555555555555", "response_type": "code",
        "redirect_uri": "http://localhost/callback", "scope": "User.Read"})
    with pytest.raises(EmulatorBrowserError) as caught:
        emu.play_browser(url)
    assert caught.value.aadsts == 700016


def test_declining_consent_redirects_with_access_denied(emu: Emulator) -> None:
    app = msal_app(emu)
    flow = app.initiate_auth_code_flow(["User.Read"],
                                       redirect_uri="http://localhost:1/callback")

    answer = _query(emu.play_browser(flow["auth_uri"], consent=False, follow=False))

    assert answer["error"] == "access_denied"
    assert answer["error_description"].startswith("AADSTS65004: User declined to consent")
    assert app.acquire_token_by_auth_code_flow(flow, answer)["error"] == "access_denied"


def test_auto_consent_signs_in_without_a_page(emu: Emulator, identity: httpx.Client) -> None:
    emu.auto_consent_user = "sam"
    flow = msal_app(emu).initiate_auth_code_flow(["User.Read"],
                                                 redirect_uri="http://localhost:1/callback")
    first = identity.get(flow["auth_uri"])
    assert first.status_code == 302 and "code=" in first.headers["location"]

    org_flow = msal_app(emu, "organizations").initiate_auth_code_flow(
        ["User.Read"], redirect_uri="http://localhost:1/callback")
    with pytest.raises(EmulatorBrowserError) as caught:
        emu.play_browser(org_flow["auth_uri"])
    assert caught.value.aadsts == 50020


def test_pkce_is_required_and_prompt_none_needs_a_session(emu: Emulator) -> None:
    base = {"client_id": emu.client_id, "response_type": "code", "scope": "User.Read",
            "redirect_uri": "http://localhost:1/callback", "state": "s1"}
    url = f"{emu.url}/common/oauth2/v2.0/authorize?"
    no_pkce = _query(emu.play_browser(url + urlencode(base), follow=False))
    assert no_pkce["error"] == "invalid_request" and no_pkce["state"] == "s1"
    assert no_pkce["error_description"].startswith("AADSTS9002325")

    silent = {**base, "code_challenge": "x" * 43, "code_challenge_method": "S256",
              "prompt": "none"}
    assert _query(emu.play_browser(url + urlencode(silent), follow=False))["error"] == \
        "login_required"


def test_injected_authorize_errors_redirect_or_show_a_page(emu: Emulator) -> None:
    emu.inject_error(50076, endpoint="authorize")
    flow = msal_app(emu).initiate_auth_code_flow(["User.Read"],
                                                 redirect_uri="http://localhost:1/callback")
    answer = _query(emu.play_browser(flow["auth_uri"], follow=False))
    assert answer["error"] == "interaction_required"
    assert answer["error_description"].startswith("AADSTS50076")

    emu.inject_error(50011, endpoint="authorize")
    with pytest.raises(EmulatorBrowserError):
        emu.play_browser(flow["auth_uri"])


def test_logout_redirects_back(emu: Emulator, identity: httpx.Client) -> None:
    answer = identity.get("/common/oauth2/v2.0/logout",
                          params={"post_logout_redirect_uri": "http://localhost:1/bye"})
    assert answer.status_code == 302 and answer.headers["location"] == "http://localhost:1/bye"
    assert "signed out" in identity.get("/common/oauth2/v2.0/logout").text
