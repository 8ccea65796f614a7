"""API keys as connections, through the Python API and a terminal: checked, stored encrypted,
handed out masked, exported, replaced with a word, asked for without echo."""

from __future__ import annotations

import base64
import os
import pty
import secrets
import sys

import pytest

import authsome_nb as an
from authsome_nb.errors import ConfigurationError
from authsome_nb.events import KeyStored


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("AUTHSOME_NB_HOME", str(home))
    monkeypatch.setenv("AUTHSOME_NB_KEY", base64.b64encode(os.urandom(32)).decode())
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return home


def a_key(prefix: str = "sk-") -> str:
    return prefix + secrets.token_urlsafe(30)


def test_a_key_is_stored_encrypted_and_handed_out_masked(home):
    key = a_key()
    events: list = []
    conn = an.login("openai", api_key=f" \t{key}\n", on_event=events.append)
    assert conn.flow == "api_key" and conn.expires_at == float("inf")
    token = an.token("openai")
    assert token.value == key and key not in repr(token) and key not in str(token)
    assert "does not expire" in repr(token)
    assert [type(e) for e in events] == [KeyStored] and not events[0].replaced
    assert an.refresh("openai").value == key  # refreshing a key gives the key
    for path in home.rglob("*"):
        if path.is_file():
            assert key.encode() not in path.read_bytes(), path


def test_export_sets_the_variable_the_definition_names(home, monkeypatch):
    key = a_key("sk-ant-")
    an.login("anthropic", api_key=key, on_event=lambda e: None)
    assert an.export("anthropic") == ["ANTHROPIC_API_KEY"]
    assert os.environ.pop("ANTHROPIC_API_KEY") == key


def test_a_second_key_replaces_the_first_and_says_so(home, capsys):
    an.login("openai", api_key=a_key())
    second = a_key()
    an.login("openai", api_key=second)
    said = capsys.readouterr().out
    assert "It replaced the key that connection held before." in said
    assert second not in said and an.token("openai").value == second
    an.login("openai", api_key=second)  # the same key again replaces nothing
    assert "replaced" not in capsys.readouterr().out


@pytest.mark.parametrize(("given", "says"), [
    ("", "it is empty"), ("   \n", "it is empty"),
    ("sk-abc def ghi jkl mno pqr stu", "spaces or control characters"),
    ("sk-abcdefghijklmnopqrstuvwx\x1b[2J", "spaces or control characters"),
    ("pk-live-0123456789abcdefghijklmn", "begins with sk-"),
])
def test_a_bad_key_is_refused_without_being_repeated(home, given, says):
    with pytest.raises(ConfigurationError) as caught:
        an.login("openai", api_key=given, on_event=lambda e: None)
    assert says in str(caught.value)
    if given.strip():
        assert given.strip() not in str(caught.value)
    assert an.connections("openai") == []


def test_api_key_given_to_an_oauth_provider_is_a_clear_error(home):
    with pytest.raises(ConfigurationError, match="signs in with OAuth, not with an API key"):
        an.login("github", api_key=a_key(), on_event=lambda e: None)


def test_a_stored_key_is_reused_and_force_asks_again(home):
    key = a_key()
    an.login("openai", api_key=key, on_event=lambda e: None)
    assert an.login("openai", on_event=lambda e: None).flow == "api_key"  # no prompt
    with pytest.raises(ConfigurationError, match="nobody can be asked"):  # no terminal here
        an.login("openai", force=True, on_event=lambda e: None)
    assert an.token("openai").value == key


def test_logout_forgets_the_key(home):
    an.login("openai", api_key=a_key(), on_event=lambda e: None)
    assert an.logout("openai") and an.connections() == []


def test_in_a_terminal_the_key_is_asked_for_without_echo(home):
    key = a_key()
    code = "import authsome_nb as an; an.login('openai'); print('token', len(an.token('openai')))"
    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal session, as a person at a shell
        os.execve(sys.executable, [sys.executable, "-c", code], dict(os.environ))
    seen = _read_until(fd, b"(typing is hidden): ")
    os.write(fd, key.encode() + b"\n")
    seen += _read_until(fd, None)
    os.waitpid(pid, 0)
    text = seen.decode(errors="replace")
    assert "OpenAI API key (typing is hidden):" in text
    assert f"token {len(key)}" in text and key not in text  # stored, never echoed
    assert an.token("openai").value == key


def _read_until(fd: int, marker: bytes | None) -> bytes:
    data = b""
    while marker is None or marker not in data:
        try:
            chunk = os.read(fd, 1024)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        data += chunk
    return data
