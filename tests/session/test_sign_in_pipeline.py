"""Each step of the sign-in pipeline alone: plan, reuse, the engine's request, the account
check, and what is stored."""

from __future__ import annotations

import pytest

from authsome_nb import Connection
from authsome_nb._session._sign_in import (
    LoginOptions,
    engine_request,
    persist,
    plan,
    reuse,
    verify_account,
)
from authsome_nb.errors import AccountMismatchError, ConfigurationError
from authsome_nb.flows import SignInOutcome
from authsome_nb.sources import StoreSource
from authsome_nb.store import Account, ConnectionRecord, MsalState, OAuth2State, OAuth2Tokens


@pytest.fixture
def store(tmp_path, monkeypatch) -> StoreSource:
    monkeypatch.setenv("AUTHSOME_NB_KEY", "A" * 43 + "=")
    monkeypatch.setenv("MICROSOFT_OAUTH_CLIENT_ID", "app-1")
    for name in ("GITHUB_OAUTH_CLIENT_ID", "GITHUB_OAUTH_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    return StoreSource(tmp_path / "home")


def stored(store: StoreSource, provider="microsoft", scopes=("User.Read",), **changes):
    record = ConnectionRecord(
        provider=provider, connection="work", client_id="app-1",
        authority="https://login.microsoftonline.com/common", scopes=tuple(scopes),
        flow="device", account=Account("ada@contoso.example", "Ada", "t-1", "ada-id"),
        state=MsalState("ada-id", {}), created_at=100.0, last_refresh=100.0)
    record = record.replace(**changes)
    store.save(record)
    return record


def test_plan_refuses_an_unknown_flow_and_a_bad_connection_name(store):
    with pytest.raises(ConfigurationError, match="Unknown flow 'browser'"):
        plan(store, "microsoft", "work", LoginOptions(flow="browser"))
    with pytest.raises(ConfigurationError, match="not a connection name"):
        plan(store, "microsoft", "a/b", LoginOptions())


def test_plan_asks_for_the_services_named_and_finds_the_stored_connection(store):
    record = stored(store)
    ask = plan(store, "microsoft", "work", LoginOptions(services="outlook"))
    assert ask.wanted == ("User.Read", "Mail.ReadWrite", "Mail.Send")
    assert ask.scopes_named and ask.existing == record
    assert not plan(store, "microsoft", "home", LoginOptions()).scopes_named


def test_a_new_scope_keeps_the_ones_the_connection_has_and_hints_its_account(store):
    stored(store, scopes=("User.Read", "Files.Read"))
    ask = plan(store, "microsoft", "work", LoginOptions(scopes="Mail.Send"))
    request = engine_request(store, ask, LoginOptions(scopes="Mail.Send"))
    assert request.scopes == ["User.Read", "Files.Read", "Mail.Send"]
    assert request.login_hint == "ada@contoso.example"
    forced = plan(store, "microsoft", "work", LoginOptions(scopes="Mail.Send", force=True))
    request = engine_request(store, forced, LoginOptions(scopes="Mail.Send", force=True))
    assert request.scopes == ["User.Read", "Mail.Send"] and request.login_hint is None


def test_a_kept_client_secret_serves_only_the_app_it_was_given_for(store, monkeypatch):
    monkeypatch.setenv("GITHUB_OAUTH_CLIENT_ID", "app-1")
    stored(store, provider="github", client_secret="kept-secret",
           state=OAuth2State(OAuth2Tokens("t")))
    ask = plan(store, "github", "work", LoginOptions())
    assert engine_request(store, ask, LoginOptions()).client_secret == "kept-secret"
    monkeypatch.setenv("GITHUB_OAUTH_CLIENT_ID", "another-app")
    assert engine_request(store, ask, LoginOptions()).client_secret is None
    monkeypatch.setenv("GITHUB_OAUTH_CLIENT_SECRET", "from-env")
    assert engine_request(store, ask, LoginOptions()).client_secret == "from-env"


def test_reuse_takes_the_first_source_that_serves(store):
    ask = plan(store, "microsoft", "work", LoginOptions())
    found = Connection("microsoft", "work", username="from-second")

    class Declines:
        def reuse(self, ask):
            return None

    class Serves:
        def reuse(self, ask):
            return found

    assert reuse([store, Declines(), Serves()], ask) is found
    assert reuse([store, Declines()], ask) is None  # nothing stored: the store declines


def test_the_account_must_be_the_connections_unless_forced(store):
    stored(store)
    ask = plan(store, "microsoft", "work", LoginOptions())
    other = SignInOutcome("device", Account("eve@contoso.example", id="eve-id"), MsalState(
        "eve-id", {}))
    with pytest.raises(AccountMismatchError, match="came back as eve@contoso.example"):
        verify_account(ask, other)
    verify_account(plan(store, "microsoft", "work", LoginOptions(force=True)), other)
    same = SignInOutcome("device", Account("ada@contoso.example", id="ada-id"),
                         MsalState("ada-id", {}))
    verify_account(ask, same)


def test_persist_keeps_when_a_connection_was_created_unless_it_is_replaced(store):
    stored(store)
    outcome = SignInOutcome("pkce", Account("ada@contoso.example", id="ada-id"),
                            MsalState("ada-id", {"Account": {}}))
    ask = plan(store, "microsoft", "work", LoginOptions())
    persist(store, ask, engine_request(store, ask, LoginOptions()), outcome)
    again = store.record("microsoft", "work")
    assert again.created_at == 100.0 and again.last_refresh > 100.0 and again.flow == "pkce"
    forced = plan(store, "microsoft", "work", LoginOptions(force=True))
    persist(store, forced, engine_request(store, forced, LoginOptions(force=True)), outcome)
    assert store.record("microsoft", "work").created_at > 100.0
