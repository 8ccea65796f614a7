"""A sign-in again for an existing connection must come back as the same account.

Whoever sees a pending authorize URL (another local user reading the browser's command line)
can sign in as themselves with its state, challenge and nonce and post that code to the
listener first; the person at the browser can also simply pick another account.  Either way
the connection must not silently become someone else's."""

from __future__ import annotations

import re

import pytest

import authsome_nb as an
from authsome_nb.errors import AccountMismatchError, StateMismatchError
from authsome_nb.events import Failed


def sign_in_as(emu, user: str, **options):
    return an.login(flow="pkce", on_event=lambda e: None,
                    open_browser=lambda url: emu.play_browser(url, user=user), **options)


def test_a_code_from_another_account_is_refused_on_re_sign_in(authsome_env):
    emu = authsome_env
    adele = sign_in_as(emu, "adele")
    events = []

    with pytest.raises(AccountMismatchError) as caught:  # megan answers adele's pending sign-in
        an.login(flow="pkce", services="teams", on_event=events.append,
                 open_browser=lambda url: emu.play_browser(url, user="megan"))
    message = str(caught.value)
    assert emu.user("megan").upn in message and adele.username in message
    assert "force=True" in message and "someone else may have answered" in message
    assert isinstance(events[-1], Failed)

    kept = an.get()
    assert (kept.username, kept.scopes) == (adele.username, adele.scopes)  # nothing changed
    assert an.graph().get("/me")["userPrincipalName"] == adele.username


def test_the_same_account_may_sign_in_again_and_force_may_replace_it(authsome_env):
    emu = authsome_env
    adele = sign_in_as(emu, "adele")
    again = sign_in_as(emu, "adele", services="teams")  # more scopes, same account: fine
    assert again.username == adele.username and "Chat.ReadWrite" in again.scopes
    replaced = sign_in_as(emu, "megan", force=True)
    assert replaced.username == emu.user("megan").upn


def test_a_code_issued_for_another_nonce_is_refused(authsome_env):
    emu = authsome_env

    def answer_with_another_requests_id_token(url: str) -> None:
        emu.play_browser(re.sub(r"nonce=[^&]+", "nonce=someone-elses", url), user="adele")

    with pytest.raises(StateMismatchError, match="nonce mismatch") as caught:
        an.login(flow="pkce", on_event=lambda e: None,
                 open_browser=answer_with_another_requests_id_token)
    assert "id_token" not in str(caught.value).lower()  # MSAL's message quotes the claims
    assert an.connections() == []
