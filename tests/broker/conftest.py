"""The broker's tests share the SDK tests' world: one emulator per module, a signed-in home
per test (tests/sdk/azure_world.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "sdk"))

from azure_world import emulator, signed_in  # noqa: E402, F401 - fixtures
