"""pytest fixtures: a running emulator per test, and an environment pointing authsome_nb at it.

Registered as the ``authsome_emulator`` pytest11 entry point of the ``authsome-nb-emulator``
distribution, so a project that installs it can use the fixtures in its own CI without a
tenant.  The emulator is imported inside the fixtures: loading this plugin costs nothing for
test runs that never use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from . import Emulator


@pytest.fixture
def authsome_emulator() -> Iterator[Emulator]:
    """A started :class:`~authsome_nb_emulator.Emulator` (default users, fresh state)."""
    from . import Emulator

    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def authsome_env(authsome_emulator: Emulator, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    """The emulator, with ``AUTHSOME_NB_HOME``, ``AUTHSOME_NB_CA_BUNDLE`` and
    ``MICROSOFT_OAUTH_CLIENT_ID`` set and the ``microsoft`` provider override written into
    ``tmp_path / "authsome_home"``."""
    home = tmp_path / "authsome_home"
    authsome_emulator.write_provider_override(home)
    for name, value in authsome_emulator.environ(home).items():
        monkeypatch.setenv(name, value)
    yield authsome_emulator
