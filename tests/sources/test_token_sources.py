"""Token sources are one seam: a source the session has never heard of serves connections
through every verb, and the store, asked first, wins a name they share."""

from __future__ import annotations

import math

import pytest

import authsome_nb as an
from authsome_nb import AccessToken, Connection
from authsome_nb.errors import ConfigurationError, NotSignedInError
from authsome_nb.sources import SignInAsk


class ServiceAccountSource:
    """A stand-in for a future source (an environment token, a workload identity): it serves
    ``acme/robot`` and nothing else."""

    def __init__(self) -> None:
        self.refreshed: list[str | None] = []

    def _mine(self, provider: str, connection: str) -> bool:
        return (provider, connection) == ("acme", "robot")

    def _token(self, value: str = "robot-token") -> AccessToken:
        return AccessToken(value, provider="acme", connection="robot", expires_at=math.inf)

    def token(self, provider, connection, scopes):
        return self._token() if self._mine(provider, connection) else None

    def refresh(self, provider, connection, scopes, *, stale, claims):
        if not self._mine(provider, connection):
            return None
        self.refreshed.append(stale)
        return self._token("robot-token-2")

    def connection(self, provider, connection):
        return Connection("acme", "robot", username="robot@acme") if self._mine(
            provider, connection) else None

    def connections(self, provider):
        return [Connection("acme", "robot", username="robot@acme")] \
            if provider in (None, "acme") else []

    def reuse(self, ask: SignInAsk):
        return None

    def sign_out(self, provider, connection):
        if self._mine(provider, connection):
            raise ConfigurationError("the robot's identity is not signed in here")
        return None

    def refresh_token(self, provider, connection):
        return None


@pytest.fixture
def session(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTHSOME_NB_KEY", "A" * 43 + "=")
    source = ServiceAccountSource()
    return an.Session(tmp_path / "home", sources=[source]), source


def test_every_verb_reaches_a_source_the_session_does_not_know(session):
    s, source = session
    assert s.token("acme", "robot").value == "robot-token"
    assert s.refresh("acme", "robot", stale="robot-token").value == "robot-token-2"
    assert source.refreshed == ["robot-token"]
    assert s.get("acme", "robot").username == "robot@acme"
    assert [c.key for c in s.connections()] == ["acme/robot"]
    with pytest.raises(ConfigurationError, match="robot's identity"):
        s.logout("acme", "robot")


def test_a_connection_no_source_knows_names_the_sign_in(session):
    s, _ = session
    with pytest.raises(NotSignedInError) as caught:
        s.token("acme", "human")
    assert caught.value.step.spelled() == "an.login('acme', connection='human')"
    assert s.logout("acme", "human") is False
