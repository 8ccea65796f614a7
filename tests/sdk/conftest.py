"""One emulator per test module, and a fresh signed-in home per test."""

from azure_world import emulator, signed_in  # noqa: F401 - fixtures
