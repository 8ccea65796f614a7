"""What every test under tests/ shares."""

import os

import pytest


@pytest.fixture(autouse=True)
def environment_restored():
    """Put the process environment back as it was after each test.

    `an.export()` writes tokens into `os.environ`, and `monkeypatch.delenv(..., raising=False)`
    records nothing for a variable that was absent, so without this a token one test exported
    would stay in its pytest worker for every later test (and every kernel or child it starts).
    """
    before = os.environ.copy()
    yield
    for name in os.environ.keys() - before.keys():
        del os.environ[name]
    for name, value in before.items():
        if os.environ.get(name) != value:
            os.environ[name] = value
