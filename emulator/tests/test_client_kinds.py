"""One app registration, two kinds of client: a web app with a secret (a JupyterHub) and
native clients without one (kernels), told apart by the platform of the redirect URI."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import msal
import pytest
import requests
from authsome_nb_emulator import Emulator

from .helpers import msal_app

SECRET = "hub-secret-value-" + "x" * 20
WEB = "https://hub.example/hub/oauth_callback"
NATIVE = "https://hub.example/services/authsome/callback"

pytestmark = pytest.mark.filterwarnings("ignore:response_mode=.form_post.:UserWarning")


def _confidential(emu: Emulator, secret: str = SECRET) -> msal.ConfidentialClientApplication:
    session = requests.Session()
    session.trust_env = False
    session.verify = emu.ca_path
    return msal.ConfidentialClientApplication(
        emu.client_id, client_credential=secret, authority=emu.authority(),
        instance_discovery=False, http_client=session)


def _code_for(emu: Emulator, app, redirect_uri: str) -> tuple[dict, dict]:
    flow = app.initiate_auth_code_flow(["User.Read"], redirect_uri=redirect_uri)
    landing = emu.play_browser(flow["auth_uri"], user="adele", follow=False)
    return flow, dict(parse_qsl(urlsplit(landing).query))


@pytest.fixture
def hub_app(emu: Emulator) -> Emulator:
    emu.client_secret = SECRET
    emu.register_redirect_uri(WEB)
    emu.register_redirect_uri(NATIVE, public_client=True)
    return emu


def test_a_web_redirect_needs_the_secret(hub_app: Emulator) -> None:
    flow, answer = _code_for(hub_app, msal_app(hub_app), WEB)
    refused = msal_app(hub_app).acquire_token_by_auth_code_flow(flow, answer)
    assert refused["error"] == "invalid_client" and 7000218 in refused["error_codes"]

    flow, answer = _code_for(hub_app, _confidential(hub_app), WEB)
    assert "access_token" in _confidential(hub_app).acquire_token_by_auth_code_flow(flow, answer)


def test_a_mobile_and_desktop_redirect_is_redeemed_without_a_secret(hub_app: Emulator) -> None:
    app = msal_app(hub_app)
    flow, answer = _code_for(hub_app, app, NATIVE)
    result = app.acquire_token_by_auth_code_flow(flow, answer)
    assert "access_token" in result and result["refresh_token"]

    account = app.get_accounts()[0]
    refreshed = app.acquire_token_silent_with_error(["User.Read"], account, force_refresh=True)
    assert "access_token" in refreshed, refreshed  # its refresh token is a public client's too
    assert hub_app.count("token", grant_type="refresh_token", status=200) == 1


def test_a_secret_sent_with_a_native_code_is_refused(hub_app: Emulator) -> None:
    app = _confidential(hub_app)
    flow, answer = _code_for(hub_app, app, NATIVE)
    refused = app.acquire_token_by_auth_code_flow(flow, answer)
    assert refused["error"] == "invalid_client" and 700025 in refused["error_codes"]
