"""A signed-in emulator account for the Graph tests, and a Graph client that never sleeps."""

from __future__ import annotations

import pytest

import authsome_nb as an
from authsome_nb._graph import GraphClient, RetryPolicy


@pytest.fixture
def emu(authsome_env):
    """The emulator with the default connection signed in (device code, approved at once)."""
    authsome_env.auto_approve_after = 0
    an.login(flow="device", on_event=lambda event: None)
    authsome_env.reset_counters()
    return authsome_env


@pytest.fixture
def waits() -> list[float]:
    """Every wait the retry policy asked for, instead of sleeping it."""
    return []


@pytest.fixture
def graph(emu, waits) -> GraphClient:
    client = an.graph(retry=RetryPolicy(sleep=waits.append), progress=False)
    yield client
    client.close()


@pytest.fixture
def everything(authsome_env):
    """A Graph client signed in for every service the emulator serves."""
    authsome_env.auto_approve_after = 0
    an.login(flow="device", services="outlook,calendar,onedrive,teams,tasks",
             on_event=lambda event: None)
    with an.graph(progress=False) as graph:
        yield graph


def graph_requests(emu, path: str) -> list[dict]:
    """The emulator's log of Graph requests to ``path`` (without the query string)."""
    return [r for r in emu.requests if r.get("path", "").split("?", 1)[0] == path]
