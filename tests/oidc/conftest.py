"""Fixtures for the generic engine against oidc-provider: one server per test module."""

from __future__ import annotations

import base64
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from op_process import OidcProvider  # noqa: E402


@pytest.fixture(scope="module")
def op(tmp_path_factory) -> OidcProvider:
    provider = OidcProvider(tmp_path_factory.mktemp("oidc-provider"))
    yield provider
    provider.stop()


@pytest.fixture
def op_env(op, tmp_path, monkeypatch) -> OidcProvider:
    """A fresh store home whose ``testoidc`` provider is the module's oidc-provider."""
    home = tmp_path / "home"
    op.write_definition(home)
    monkeypatch.setenv("AUTHSOME_NB_HOME", str(home))
    monkeypatch.setenv("AUTHSOME_NB_KEY", base64.b64encode(os.urandom(32)).decode())
    monkeypatch.setenv("AUTHSOME_NB_CA_BUNDLE", op.ca_path)
    op.set_access_token_ttl(3600)
    op.reset_counts()
    return op
