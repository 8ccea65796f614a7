"""The ``%authsome`` magic itself: loading, help, configuration and argument handling."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from notebook_harness import REPO, kernel_env
from traitlets import TraitError

HEAVY = ("ipywidgets", "msal", "httpx", "pandas", "cryptography", "requests")


@pytest.fixture
def shell(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTHSOME_NB_HOME", str(tmp_path / "home"))
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "authsome_nb")
    yield ip
    ip.run_line_magic("unload_ext", "authsome_nb")


def magics(ip):
    return ip.magics_manager.registry["AuthsomeMagics"]


def test_loading_the_extension_imports_nothing_heavy():
    probe = (
        "import json, sys\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "ip = InteractiveShell.instance()\n"
        "before = set(sys.modules)\n"
        "ip.run_line_magic('load_ext', 'authsome_nb')\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], env=kernel_env({}), cwd=REPO,
                            capture_output=True, text=True, timeout=60, check=True)
    loaded = json.loads(result.stdout.splitlines()[-1])
    assert [m for m in loaded if m.split(".")[0] in HEAVY] == []
    assert "authsome_nb._session" not in loaded and "authsome_nb.notebook.widgets" not in loaded
    assert "authsome_nb.notebook.magics" in loaded


def test_reloading_the_extension_leaves_one_magic_and_one_completer(shell):
    shell.run_line_magic("reload_ext", "authsome_nb")
    from authsome_nb.notebook.completions import authsome_matcher

    assert shell.Completer.custom_matchers.count(authsome_matcher) == 1
    configured = [c for c in shell.configurables if type(c).__name__ == "AuthsomeMagics"]
    assert configured == [magics(shell)]
    assert shell.find_line_magic("authsome") is not None
    assert shell.find_cell_magic("graph") is not None


def test_question_mark_help_lists_every_subcommand_with_its_options(shell, capsys):
    shell.run_cell("%authsome?")
    doc = capsys.readouterr().out
    for name in ("login", "logout", "list", "get", "token", "export", "providers", "setup",
                 "graph"):
        assert f"%authsome {name}" in doc
    assert "--background" in doc and "--service SERVICES" in doc and "--refresh-token" in doc


def test_help_prints_one_subcommand(shell, capsys):
    shell.run_line_magic("authsome", "help setup")
    printed = capsys.readouterr().out
    assert printed.startswith("%authsome setup [--service SERVICES] [PROVIDER]")
    shell.run_line_magic("authsome", "token --help")
    assert "--scopes" in capsys.readouterr().out


def test_defaults_come_from_traitlets_config(shell):
    shell.run_line_magic("config", "AuthsomeMagics.default_flow = 'device'")
    shell.run_line_magic("config", "AuthsomeMagics.graph_page_size = 50")
    assert magics(shell).default_flow == "device" and magics(shell).graph_page_size == 50
    with pytest.raises(TraitError):
        magics(shell).default_flow = "sideways"


@pytest.mark.parametrize(("line", "says"), [
    ("", None),
    ("logn", "unknown subcommand 'logn'. Did you mean 'login'?"),
    ("login microsoft --flow sideways", "argument --flow: invalid choice: 'sideways'"),
    ("login microsoft --timeout soon", "argument --timeout: invalid float value: 'soon'"),
    ("login microsoft --service outlook,fax", "unknown service 'fax' for microsoft"),
    ("login gogle", "No provider named 'gogle'"),
    ("logout microsoft work extra", "unrecognized arguments: extra"),
    ("logout microsoft work --connection home", "two connections given, 'work' and"),
    ('get "microsoft', "No closing quotation"),
])
def test_bad_arguments_are_one_line_usage_errors(shell, line, says):
    if says is None:
        assert shell.run_line_magic("authsome", line) is None  # prints the overview
        return
    with pytest.raises(UsageError) as caught:
        shell.run_line_magic("authsome", line)
    assert says in str(caught.value) and "\n" not in str(caught.value)


def test_arguments_expand_python_variables_but_graph_paths_keep_their_dollars(shell, monkeypatch):
    seen = {}
    monkeypatch.setattr("authsome_nb.notebook.commands.status",
                        lambda provider, connection: seen.setdefault("get", connection))
    monkeypatch.setattr("authsome_nb.notebook.graph_magics.run_graph_line",
                        lambda line, **kw: seen.setdefault("graph", line))
    shell.user_ns.update(name="work", top="NOT-THIS")
    shell.run_line_magic("authsome", "get microsoft --connection $name")
    shell.run_line_magic("authsome", "graph /me/messages?$top=5")
    assert seen == {"get": "work", "graph": "/me/messages?$top=5"}


def test_a_trailing_comment_is_a_comment_and_the_connection_may_follow_the_provider(
        shell, monkeypatch):
    seen = []
    monkeypatch.setattr("authsome_nb.notebook.commands.status",
                        lambda provider, connection: seen.append((provider, connection)))
    shell.run_line_magic("authsome", "get microsoft work  # my work account")
    shell.run_line_magic("authsome", "get microsoft --connection work # the same")
    shell.run_line_magic("authsome", 'get microsoft "my#work"')
    shell.run_line_magic("authsome", "get  # the defaults")
    assert seen == [("microsoft", "work"), ("microsoft", "work"), ("microsoft", "my#work"),
                    ("microsoft", "default")]


def test_an_error_inside_the_magic_spells_its_remedy_as_a_magic(shell):
    from authsome_nb.errors import NotSignedInError

    with pytest.raises(NotSignedInError) as caught:
        shell.run_line_magic("authsome", "token microsoft nobody")
    assert caught.value.remedy == "sign in with %authsome login microsoft nobody"


def test_reset_moves_a_broken_store_aside_and_keeps_it(shell, tmp_path, capsys):
    home = tmp_path / "home"
    home.mkdir()
    (home / "credentials.enc").write_bytes(b"not a store")
    shell.run_line_magic("authsome", "reset")
    said = capsys.readouterr().out
    kept = list(home.glob("credentials.enc.broken-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == b"not a store"
    assert str(kept[0]) in said and "nothing was deleted" in said
    assert not (home / "credentials.enc").exists()
    shell.run_line_magic("authsome", "reset")
    assert "no store to reset" in capsys.readouterr().out
