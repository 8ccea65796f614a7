"""A real JupyterHub per test module: the emulator as Entra, users who logged in, servers.

Each module starts one Hub (about 5 s) and spawns only the servers it needs (about 5 s
each); modules run side by side under xdist.  The helpers live in ``hub_process`` (the Hub,
a browser, a kernel) and ``hub_world`` (what a module sets up).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="module")
def hub_workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hub")
