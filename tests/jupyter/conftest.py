"""Fixtures for the server-extension tests: a private store home and real Jupyter servers."""

from __future__ import annotations

import base64
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # jupyter_process, shared with tests/browser

from jupyter_process import JupyterProcess  # noqa: E402


def _point_at_new_home(monkeypatch: pytest.MonkeyPatch, home: Path) -> Path:
    monkeypatch.setenv("AUTHSOME_NB_HOME", str(home))
    monkeypatch.setenv("AUTHSOME_NB_KEY", base64.b64encode(os.urandom(32)).decode())
    return home


@pytest.fixture
def store_home(tmp_path, monkeypatch) -> Path:
    """An empty store home, keyed from the environment, for this process and its children."""
    return _point_at_new_home(monkeypatch, tmp_path / "home")


@pytest.fixture
def start_jupyter(tmp_path):
    """``start_jupyter(home, base_url="/", extra_args=())`` → a running :class:`JupyterProcess`
    that serves the OAuth callback (unless ``callback=False``)."""
    started: list[JupyterProcess] = []

    def start(home: Path, **options) -> JupyterProcess:
        options.setdefault("callback", True)
        started.append(JupyterProcess(tmp_path / f"jupyter-{len(started)}", home, **options))
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory):
    """One Jupyter server per test module; it shares its store (``jupyter.home``) with the tests."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        workdir = tmp_path_factory.mktemp("jupyter")
        monkeypatch.delenv("MICROSOFT_OAUTH_CLIENT_ID", raising=False)
        server = JupyterProcess(workdir, _point_at_new_home(monkeypatch, workdir / "home"),
                                callback=True)
        yield server
        server.stop()
