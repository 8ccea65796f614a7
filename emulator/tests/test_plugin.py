"""The pytest fixtures other projects get from the ``authsome_emulator`` entry point."""

from __future__ import annotations

import importlib.metadata
import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import authsome_nb_emulator
from authsome_nb_emulator import Emulator


def test_the_emulator_fixture_is_running(authsome_emulator: Emulator) -> None:
    assert authsome_emulator.running and Path(authsome_emulator.ca_path).is_file()
    assert authsome_emulator.url.startswith("https://127.0.0.1:")


def test_the_env_fixture_points_authsome_nb_at_the_emulator(authsome_env: Emulator,
                                                            tmp_path: Path) -> None:
    home = tmp_path / "authsome_home"
    assert os.environ["AUTHSOME_NB_HOME"] == str(home)
    assert os.environ["AUTHSOME_NB_CA_BUNDLE"] == authsome_env.ca_path
    assert os.environ["MICROSOFT_OAUTH_CLIENT_ID"] == authsome_env.client_id
    override = json.loads((home / "providers" / "microsoft.json").read_text())
    assert override == authsome_env.provider_override()
    assert override["oauth"]["token_url"] == f"{authsome_env.url}/common/oauth2/v2.0/token"
    assert override["api_base"] == authsome_env.graph_base
    assert stat.S_IMODE((home / "providers").stat().st_mode) == 0o700


def test_another_project_loads_the_plugin(tmp_path: Path) -> None:
    (tmp_path / "test_theirs.py").write_text(textwrap.dedent("""
        import os

        def test_uses_it(authsome_env):
            assert os.environ["AUTHSOME_NB_CA_BUNDLE"] == authsome_env.ca_path
    """))
    root = Path(authsome_nb_emulator.__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    plugin = ["-p", "authsome_nb_emulator.pytest_plugin"]
    if "authsome_emulator" in _installed_plugins():
        plugin = []  # the pytest11 entry point already loads it
    # nbval is slow to import and irrelevant here.
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-p", "no:nbval",
                          *plugin, str(tmp_path)], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout


def _installed_plugins() -> set[str]:
    return {entry.name for entry in importlib.metadata.entry_points(group="pytest11")}
