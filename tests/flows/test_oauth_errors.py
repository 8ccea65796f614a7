"""Generic OAuth errors get a meaning and a remedy, as AADSTS codes do."""

from __future__ import annotations

import httpx
import pytest

from authsome_nb.errors import (
    ConfigurationError,
    ConsentRequiredError,
    ReauthenticationRequired,
    SignInDeclined,
    SignInError,
    SignInTimeout,
)
from authsome_nb.events import failure_outcome
from authsome_nb.flows.oauth2._errors import oauth_error
from authsome_nb.flows.oauth2._http import read_answer


@pytest.mark.parametrize(("error", "kind", "remedy_says"), [
    ("invalid_grant", ReauthenticationRequired, "sign in again"),
    ("access_denied", SignInDeclined, "approve"),
    ("invalid_scope", ConsentRequiredError, "scope"),
    ("expired_token", SignInTimeout, "new code"),
    ("invalid_client", ConfigurationError, "client secret"),
    ("unauthorized_client", ConfigurationError, "enable"),
    ("redirect_uri_mismatch", ConfigurationError, "http://localhost/callback"),
    ("incorrect_client_credentials", ConfigurationError, "OAuth Apps"),
])
def test_each_error_has_its_kind_and_remedy(error, kind, remedy_says):
    found = oauth_error({"error": error, "error_description": "what the server said\ntrace"},
                        context="Sign-in failed", provider="GitHub")
    assert type(found) is kind and found.error == error
    assert remedy_says in found.remedy
    assert "GitHub said: what the server said" in found.message and "trace" not in found.message


def test_an_expired_device_code_reads_as_expired_not_as_our_timeout():
    assert failure_outcome(oauth_error({"error": "expired_token"})) == "expired"


def test_an_unknown_error_keeps_the_providers_words():
    found = oauth_error({"error": "teapot", "error_description": "short and stout"},
                        provider="Acme")
    assert type(found) is SignInError and "Acme answered teapot: short and stout" in str(found)


def test_answers_are_read_as_json_or_form_encoded():
    form = httpx.Response(200, text="access_token=t&scope=repo%2Cgist&token_type=bearer",
                          headers={"content-type": "application/x-www-form-urlencoded"})
    assert read_answer(form) == {"access_token": "t", "scope": "repo,gist", "token_type": "bearer"}
    assert read_answer(httpx.Response(200, json={"error": "slow_down", "interval": 10})) == {
        "error": "slow_down", "interval": 10}
    assert read_answer(httpx.Response(502, text="<html>Bad gateway</html>")) == {}
