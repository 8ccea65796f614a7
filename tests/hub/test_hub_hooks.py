"""The Hub-side hooks: each user's store key, and when the Hub refreshes a token."""

from __future__ import annotations

import base64
import time

import pytest

from authsome_nb.errors import ConfigurationError
from authsome_nb.hub import stamp_expiry, store_key
from authsome_nb.hub._refresh import due
from authsome_nb.hub._store_key import hub_secret

SECRET = bytes(range(32))


def test_each_user_gets_their_own_stable_32_byte_key():
    ada = store_key("ada@contoso.example", SECRET)
    assert ada == store_key("ada@contoso.example", SECRET)  # every server of ada's agrees
    assert len(base64.b64decode(ada)) == 32
    assert ada != store_key("bob@contoso.example", SECRET)
    assert ada != store_key("ada@contoso.example", bytes(range(1, 33)))


@pytest.mark.parametrize("value", [SECRET.hex(), base64.b64encode(SECRET).decode()])
def test_the_hub_secret_is_hex_or_base64(value):
    assert hub_secret({"AUTHSOME_NB_HUB_SECRET": value}) == SECRET


@pytest.mark.parametrize("value, problem", [("", "is not set"), ("abcd", "at least 32 bytes"),
                                            ("not base64 !", "at least 32 bytes")])
def test_a_missing_or_weak_hub_secret_says_how_to_make_one(value, problem):
    with pytest.raises(ConfigurationError, match=problem) as refused:
        hub_secret({"AUTHSOME_NB_HUB_SECRET": value})
    assert "openssl rand -hex 32" in str(refused.value)


def _auth_state(left: float, lifetime: float = 3600, refresh_token: str | None = "rt") -> dict:
    state = stamp_expiry(None, {"token_response": {"expires_in": lifetime},
                                "access_token": "opaque", "refresh_token": refresh_token})
    state["expires_at"] -= lifetime - left
    return state


def test_the_hub_refreshes_when_a_fifth_of_the_lifetime_and_at_most_ten_minutes_are_left():
    assert abs(_auth_state(3600)["expires_at"] - (time.time() + 3600)) < 5
    assert not due(_auth_state(left=601))
    assert due(_auth_state(left=599))
    assert not due(_auth_state(left=25, lifetime=100)) and due(_auth_state(left=19, lifetime=100))
    assert due(_auth_state(left=-5))  # already expired
    assert not due(_auth_state(left=-5, refresh_token=None))  # nothing to refresh with
    assert not due({"access_token": "opaque", "refresh_token": "rt"})  # no expiry known
