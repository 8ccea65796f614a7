"""The distributions of this repository, built once per test worker from a fresh copy."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # release_build, beside this file

from release_build import Built, build_all  # noqa: E402


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Built:
    return build_all(tmp_path_factory.mktemp("release"))
