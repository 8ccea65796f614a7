"""Tokens: from memory, silently refreshed with rotation, incremental consent, clear failures."""

from __future__ import annotations

import os

import pytest

import authsome_nb as an
from authsome_nb.errors import ConsentRequiredError, ReauthenticationRequired

REFRESH = {"grant_type": "refresh_token"}
QUIET = {"on_event": lambda e: None}


@pytest.fixture
def signed_in(authsome_env):
    authsome_env.auto_approve_after = 1
    an.login(flow="device", **QUIET)
    return authsome_env


def test_a_valid_token_comes_from_memory_without_any_request(signed_in):
    emu = signed_in
    first = an.token()
    emu.reset_counters()
    for _ in range(50):
        assert an.token() == first
    assert emu.count("token") == 0


def test_refresh_with_strict_rotation_across_several_expiries(signed_in):
    emu = signed_in
    emu.strict_rotation = True
    emu.access_token_lifetime = 300  # < 5 minutes left counts as expired: every use refreshes
    an.refresh(stale=an.token().value)
    emu.reset_counters()
    tokens = [an.token().value for _ in range(4)]
    assert len(set(tokens)) == 4
    assert (
        emu.count("token", **REFRESH) == 4
    )  # each one used the refresh token the last one rotated in
    assert an.get().refresh_error is None


def test_expired_token_is_refreshed_silently_by_token(signed_in):
    emu = signed_in
    emu.strict_rotation = True
    emu.access_token_lifetime = 301
    an.refresh(stale=an.token().value)  # now holds a token with 301 s of life: valid for ~1 s
    import time

    time.sleep(1.2)
    emu.access_token_lifetime = 3600
    emu.reset_counters()
    fresh = an.token()
    assert emu.count("token", **REFRESH) == 1
    assert fresh.expires_at - time.time() > 3000
    assert an.token() == fresh and emu.count("token", **REFRESH) == 1


def test_stale_token_refresh_is_skipped_when_someone_already_refreshed(signed_in):
    emu = signed_in
    old = an.token()
    emu.reset_counters()
    new = an.refresh(stale=old.value)
    assert new != old and emu.count("token", **REFRESH) == 1
    again = an.refresh(stale=old.value)  # the 401 of an old request arrives late: no second refresh
    assert again == new and emu.count("token", **REFRESH) == 1


def test_revoked_refresh_token_says_to_sign_in_again_naming_the_connection(signed_in):
    emu = signed_in
    emu.revoke_refresh_tokens()
    with pytest.raises(ReauthenticationRequired) as caught:
        an.refresh(stale=an.token().value)
    text = str(caught.value)
    assert "microsoft/default" in text and "sign in again: an.login('microsoft')" in text
    assert an.get().refresh_error  # remembered for the status bar


def test_new_scopes_need_consent_then_login_adds_them(signed_in):
    emu = signed_in
    with pytest.raises(ConsentRequiredError) as caught:
        an.token(scopes=["Chat.Read"])
    assert "scopes=['Chat.Read']" in str(caught.value)
    assert isinstance(caught.value, an.TokenError)  # `except TokenError` catches every refresh
    emu.auto_approve_after = 1
    conn = an.login(flow="device", scopes=["Chat.Read"], **QUIET)  # incremental consent
    assert "Chat.Read" in conn.scopes and "Mail.ReadWrite" in conn.scopes
    assert an.token(scopes=["Chat.Read"])


def test_export_sets_the_access_token_only_unless_asked(signed_in, monkeypatch):
    monkeypatch.delenv("MICROSOFT_ACCESS_TOKEN", raising=False)
    monkeypatch.delenv("MICROSOFT_REFRESH_TOKEN", raising=False)
    assert an.export() == ["MICROSOFT_ACCESS_TOKEN"]
    assert os.environ["MICROSOFT_ACCESS_TOKEN"] == an.token().value
    assert "MICROSOFT_REFRESH_TOKEN" not in os.environ
    names = an.export(include_refresh_token=True)
    assert names == ["MICROSOFT_ACCESS_TOKEN", "MICROSOFT_REFRESH_TOKEN"]
    assert len(os.environ["MICROSOFT_REFRESH_TOKEN"]) > 20


def test_the_token_is_masked_everywhere_a_person_looks(signed_in):
    token = an.token()
    secret = token.value
    assert secret not in repr(token) and secret not in token._repr_html_()
    assert secret not in repr(an.get()) and secret not in an.get()._repr_html_()
    assert secret not in str(an.get().to_dict())
    assert f"Bearer {token}" == f"Bearer {secret}"  # still a str for code


def test_a_new_process_is_signed_in_at_once(signed_in, tmp_path):
    import subprocess
    import sys

    emu = signed_in
    emu.reset_counters()
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import authsome_nb as an, hashlib; "
            "print(hashlib.sha256(an.token().value.encode()).hexdigest())",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ.copy(),
    ).stdout.strip()
    import hashlib

    assert out == hashlib.sha256(an.token().value.encode()).hexdigest()
    assert emu.count("token") == 0


def test_an_explicit_refresh_always_asks_and_keeps_the_new_token(signed_in):
    emu = signed_in
    before = an.token()
    emu.reset_counters()
    after = an.refresh()
    assert after != before and emu.count("token", **REFRESH) == 1
    assert an.token() == after  # the new one is what every caller gets from now on
